"""Hooks on blocking calls the tracer knows: socket accept/recv/connect, select, input() and reads of stdin."""

from __future__ import annotations

from tui.inside.trace.context import TraceContext
from tui.inside.trace.on_import import ImportWatch


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    """Nothing yet."""
