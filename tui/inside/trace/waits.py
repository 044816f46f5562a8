"""Hooks on blocking calls the tracer knows: socket accept/recv/connect, select.select, input(), reads of stdin, and
the main thread's wait for the other threads at exit.

A thread in one of them waits for something outside the run's own primitives (a client, a line typed, a peer): the
``wait`` events say which call, so the views can say "waiting in accept()" rather than leave the thread drawn running.
A call inside another (input() reads stdin) is reported once, as the outer one.
"""

from __future__ import annotations

import _thread
import builtins
import sys

from tui.inside import kinds as ev
from tui.inside.trace.context import TraceContext
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.sites import is_user_file, pickles_as

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Callable

_native_id = _thread.get_native_id
_SOCKET_CALLS = ("accept", "recv", "recv_into", "recvfrom", "recvfrom_into", "connect")


class _Waits:
    """Emits a wait's begin and end; a thread already in a reported wait reports nothing more (nested calls)."""

    def __init__(self, ctx: TraceContext) -> None:
        self._emit = ctx.emitter.emit
        self._inside: dict[int, int] = {}  # native tid -> depth of reported waits (a dict: no locking needed)

    def wrap(self, call: str, func: Callable[..., Any], users_only: bool = True, up: int = 1) -> Callable[..., Any]:
        """``users_only``: report the call only when the script's own code makes it (a manager's server accepts
        connections in threads of the library's, which are not the script's to see). ``up``: how many frames up
        that caller is (``up`` 2: the wrapper is called from a method of the tracer's own that the script called)."""
        emit = self._emit
        inside = self._inside
        begin = {"call": call, "phase": "begin"}
        end = {"call": call, "phase": "end"}
        getframe = sys._getframe

        def waiting(*args: Any, **kwargs: Any) -> Any:
            if users_only and not is_user_file(getframe(up).f_code.co_filename):
                return func(*args, **kwargs)
            tid = _native_id()
            depth = inside.get(tid, 0)
            inside[tid] = depth + 1
            if not depth:
                emit(ev.WAIT, begin)
            try:
                return func(*args, **kwargs)
            finally:
                inside[tid] = depth
                if not depth:
                    emit(ev.WAIT, end)

        return waiting


class _Stdin:
    """Stands in for ``sys.stdin``: its reads are waits; everything else is the real stream's."""

    def __init__(self, real: Any, waits: _Waits) -> None:
        self._real = real
        self.read = waits.wrap("stdin.read", real.read)
        self.readline = waits.wrap("stdin.read", real.readline)
        self.readlines = waits.wrap("stdin.read", real.readlines)
        # ``for line in sys.stdin`` calls __next__ below, which calls this: the script's frame is one further up.
        self._next_line = waits.wrap("stdin.read", real.readline, up=2)

    def __iter__(self) -> _Stdin:
        return self

    def __next__(self) -> str:
        line = self._next_line()
        if not line:
            raise StopIteration
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    waits = _Waits(ctx)
    builtins.input = pickles_as(waits.wrap("input", builtins.input), "builtins", "input")
    if sys.stdin is not None:
        sys.stdin = _Stdin(sys.stdin, waits)  # type: ignore[assignment]
    # At exit the main thread waits here for every other non-daemon thread: the course's "the main thread waits for
    # its threads" happens inside the interpreter, in this function.
    import threading

    threading._shutdown = _shutdown_wait(ctx, waits, threading)  # type: ignore[attr-defined]
    imports.when_imported("socket", lambda module: _install_socket(waits, module))
    imports.when_imported("select", lambda module: _install_select(waits, module))


def _shutdown_wait(ctx: TraceContext, waits: _Waits, threading: ModuleType) -> Callable[[], None]:
    """``threading._shutdown``, reported as a wait. With no thread left to wait for (most processes) it waits for
    nothing, and the process's end follows at once: its begin and end then go out with that end, in one write (see
    Emitter.emit_later) rather than two of their own."""
    shutdown = threading._shutdown
    waiting = waits.wrap("threading._shutdown", shutdown, users_only=False)
    emit_later = ctx.emitter.emit_later
    begin = {"call": "threading._shutdown", "phase": "begin"}
    end = {"call": "threading._shutdown", "phase": "end"}

    def _shutdown() -> None:
        if not _waits_for_nothing(threading):  # a real wait: told as it goes
            return waiting()
        emit_later(ev.WAIT, begin)
        try:
            return shutdown()
        finally:
            emit_later(ev.WAIT, end)

    return _shutdown


def _waits_for_nothing(threading: ModuleType) -> bool:
    """Whether ``threading._shutdown`` will return at once: no threading atexit call (an executor's joins its
    workers) and no non-daemon thread but the calling main thread still running (each one's lock in
    ``_shutdown_locks`` is held while it runs). False whenever that cannot be told (another Python's threading)."""
    try:
        if threading._threading_atexits:
            return False
        main = threading._main_thread
        own = main._tstate_lock if main.ident == _thread.get_ident() else None
        return not any(lock is not own and lock.locked() for lock in list(threading._shutdown_locks))
    except (AttributeError, TypeError):
        return False


def _install_socket(waits: _Waits, socket_module: ModuleType) -> None:
    cls = socket_module.socket
    for name in _SOCKET_CALLS:
        original = getattr(cls, name)
        traced = waits.wrap(f"socket.{name}", original, users_only=False)
        getframe = sys._getframe

        def method(self: Any, *args: Any, __traced: Any = traced, __original: Any = original, **kwargs: Any) -> Any:
            # A non-blocking socket never waits, and a library's calls (a manager's server) are not the script's.
            if self.gettimeout() == 0.0 or not is_user_file(getframe(1).f_code.co_filename):
                return __original(self, *args, **kwargs)
            return __traced(self, *args, **kwargs)

        method.__name__ = method.__qualname__ = name
        setattr(cls, name, method)


def _install_select(waits: _Waits, select_module: ModuleType) -> None:
    original = select_module.select
    select_module.select = pickles_as(waits.wrap("select.select", original), "select", "select")
