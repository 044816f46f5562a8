"""Hooks on the script's own multiprocessing queues: put, get, blocking on full/empty, timeouts, task_done, join."""

from __future__ import annotations

import fcntl
import itertools
import os
import sys
import termios

from tui.inside import kinds as ev
from tui.inside.trace.context import TraceContext, short_repr
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.sites import assigned_name, caller_outside, is_user_file, site_of

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any


_ids = itertools.count(1)


def _waiting_bytes(conn: Any) -> int:
    """Bytes waiting in a pipe's read end (one ioctl); -1 if it cannot say."""
    try:
        return int.from_bytes(fcntl.ioctl(conn.fileno(), termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)
    except (OSError, ValueError, AttributeError):
        return -1


class _Mark(tuple):  # type: ignore[type-arg]
    """Rides at the end of a pickled queue's state so a spawned child knows the queue is traced."""


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    imports.when_imported("multiprocessing.queues", lambda module: _install_queues(ctx, module))


def _install_queues(ctx: TraceContext, queues: ModuleType) -> None:
    import queue as queue_mod  # for Full and Empty; multiprocessing.queues has loaded it
    from multiprocessing import context as mp_context

    context_file = mp_context.__file__
    emit = ctx.emitter.emit

    def traced_init(cls: type) -> None:
        orig_init = cls.__init__

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            orig_init(self, *args, **kwargs)
            if "_contui" in self.__dict__:  # JoinableQueue's __init__ runs Queue's: decided there already
                return
            frame = caller_outside(self, skip_files=(context_file,))
            if frame is None or not is_user_file(frame.f_code.co_filename):
                return
            qid = f"Q{os.getpid()}.{next(_ids)}"
            self._contui = qid
            emit(ev.QUEUE_NEW, {"queue": qid, "type": type(self).__name__, "maxsize": getattr(self, "_maxsize", 0),
                                "site": site_of(frame), "name": assigned_name(frame)})

        cls.__init__ = __init__

    def traced_put(cls: type) -> None:
        orig_put = cls.put

        def put(self: Any, obj: Any, block: bool = True, timeout: float | None = None) -> None:
            qid = self.__dict__.get("_contui")
            if qid is None:
                return orig_put(self, obj, block, timeout)
            t = ctx.emitter.now()
            try:
                orig_put(self, obj, False)
            except queue_mod.Full:
                if not block:
                    emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": "put", "error": "Full", "block": False})
                    raise
                emit(ev.QUEUE_BLOCK, {"queue": qid, "op": "put"})
                try:
                    orig_put(self, obj, True, ctx.scaled(timeout))
                except queue_mod.Full:
                    emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": "put", "error": "Full", "block": True})
                    raise
                t = None
            emit(ev.QUEUE_PUT, {"queue": qid, "item": short_repr(obj)}, t)

        cls.put = put

    def traced_get(cls: type) -> None:
        orig_get = cls.get

        def get(self: Any, block: bool = True, timeout: float | None = None) -> Any:
            qid = self.__dict__.get("_contui")
            if qid is None:
                return orig_get(self, block, timeout)
            # Stamped before the call: the get frees a slot inside it, and a putter blocked on that slot may report
            # its put before this process gets to report the get.
            t = ctx.emitter.now()
            try:
                if not block:
                    item = orig_get(self, False)
                else:
                    # Nothing in the pipe yet: this get waits (for a put, or for the putter's feeder thread). One
                    # ioctl tells, where get(False) first would build a selector to poll the pipe, which made a
                    # traced get cost up to twice a plain one whenever the feeder thread lagged.
                    if _waiting_bytes(self._reader) == 0:
                        emit(ev.QUEUE_BLOCK, {"queue": qid, "op": "get"})
                        t = None
                    item = orig_get(self, True, ctx.scaled(timeout))
            except queue_mod.Empty:
                emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": "get", "error": "Empty", "block": block})
                raise
            emit(ev.QUEUE_GET, {"queue": qid, "item": short_repr(item)}, t)
            return item

        cls.get = get

    def traced_state(cls: type) -> None:
        orig_getstate = cls.__getstate__
        orig_setstate = cls.__setstate__

        def __getstate__(self: Any) -> Any:
            state = orig_getstate(self)
            qid = self.__dict__.get("_contui")
            return state if qid is None else state + (_Mark((qid,)),)

        def __setstate__(self: Any, state: Any) -> None:
            if state and isinstance(state[-1], _Mark):
                self._contui = state[-1][0]
                state = state[:-1]
            orig_setstate(self, state)

        cls.__getstate__ = __getstate__
        cls.__setstate__ = __setstate__

    for cls in (queues.Queue, queues.JoinableQueue, queues.SimpleQueue):
        traced_init(cls)
    traced_put(queues.Queue)
    traced_put(queues.JoinableQueue)
    traced_get(queues.Queue)
    traced_state(queues.Queue)
    traced_state(queues.SimpleQueue)
    _install_simple(ctx, queues.SimpleQueue)
    _install_joinable(ctx, queues.JoinableQueue)


def _install_simple(ctx: TraceContext, cls: type) -> None:
    orig_put = cls.put
    orig_get = cls.get

    def put(self: Any, obj: Any) -> None:
        qid = self.__dict__.get("_contui")
        t = ctx.emitter.now()
        orig_put(self, obj)
        if qid is not None:
            ctx.emit(ev.QUEUE_PUT, {"queue": qid, "item": short_repr(obj)}, t)

    def get(self: Any) -> Any:
        qid = self.__dict__.get("_contui")
        if qid is not None and self.empty():
            ctx.emit(ev.QUEUE_BLOCK, {"queue": qid, "op": "get"})
        item = orig_get(self)
        if qid is not None:
            ctx.emit(ev.QUEUE_GET, {"queue": qid, "item": short_repr(item)})
        return item

    cls.put = put
    cls.get = get


def _install_joinable(ctx: TraceContext, cls: type) -> None:
    orig_task_done = cls.task_done
    orig_join = cls.join

    def task_done(self: Any) -> None:
        qid = self.__dict__.get("_contui")
        if qid is not None:
            # Said before it happens: the last task_done lets join() return, and a daemon consumer may be
            # terminated at once, before it could say anything after.
            ctx.emit(ev.QUEUE_TASK_DONE, {"queue": qid})
        orig_task_done(self)

    def join(self: Any) -> None:
        qid = self.__dict__.get("_contui")
        if qid is None:
            return orig_join(self)
        ctx.emit(ev.QUEUE_JOIN, {"queue": qid, "phase": "begin"})
        orig_join(self)
        ctx.emit(ev.QUEUE_JOIN, {"queue": qid, "phase": "end"})

    cls.task_done = task_done
    cls.join = join
