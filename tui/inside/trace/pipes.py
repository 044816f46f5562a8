"""Hooks on the script's multiprocessing Pipes: send, recv, a recv that has to wait, close."""

from __future__ import annotations

from tui.inside.trace.context import TraceContext
from tui.inside.trace.on_import import ImportWatch


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    """Nothing yet."""
