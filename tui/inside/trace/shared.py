"""Hooks on shared state: multiprocessing Value and Array (their lock, where they live), and Managers (the server, each proxy call)."""

from __future__ import annotations

from tui.inside.trace.context import TraceContext
from tui.inside.trace.on_import import ImportWatch


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    """Nothing yet."""
