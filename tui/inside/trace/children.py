"""Hooks on children made outside multiprocessing (subprocess.Popen, os.posix_spawn, a bare os.fork) and on the signals the script sends."""

from __future__ import annotations

from tui.inside.trace.context import TraceContext
from tui.inside.trace.on_import import ImportWatch


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    """Nothing yet."""
