"""Hooks on the tasks of multiprocessing.Pool and concurrent.futures executors: submit, the worker that runs each, its result."""

from __future__ import annotations

from tui.inside.trace.context import TraceContext
from tui.inside.trace.on_import import ImportWatch


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    """Nothing yet."""
