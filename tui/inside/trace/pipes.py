"""Hooks on the script's own multiprocessing Pipes: send, recv, a recv that has to wait, close; a poll's timeout on
the scenario clock; send and recv as step points.

Only a Pipe the script asked for is traced: the ones multiprocessing makes inside Queues, Pools and Managers are left
alone. Each end carries ``(pipe id, end id)`` as ``_contui``; a fork child inherits it with the object, and a spawned
child gets it with the Connection's pickled state (multiprocessing reduces Connections with a reducer of its own,
which is wrapped here to carry the ids).
"""

from __future__ import annotations

import _thread
import itertools
import os
import sys

from tui.inside import kinds as ev
from tui.inside.control import STEPPING_AT
from tui.inside.trace.context import TraceContext, short_repr
from tui.inside.trace.hot import COLD, HOT, Heat
from tui.inside.trace.marks import mark_of, unmarked
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.queues import waiting_bytes
from tui.inside.trace.sites import is_user_file, pickles_as, site_of

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import FrameType, ModuleType
    from typing import Any, Callable


_ids = itertools.count(1)
_ident = _thread.get_ident
# `a, b = Pipe()`, `self.a, self.b = ...`, `x = ...`, `with Manager() as m:` (one name, or two for a pair)
# Patterns, compiled (and re loaded) only when a script makes a pipe or a manager: see tui/inside/__init__.py.
_PAIR = r"^\s*(?:self\.)?([A-Za-z_]\w*)\s*,\s*(?:self\.)?([A-Za-z_]\w*)\s*=[^=]"
_ONE = r"^\s*(?:self\.)?([A-Za-z_]\w*)\s*=[^=]"
_WITH_AS = r"\bas\s+([A-Za-z_]\w*)\s*[:,)]"


def names_on_line(frame: FrameType | None) -> list[str]:
    """The names a call's result is bound to on its source line: ``[a, b]`` for ``a, b = Pipe()``, ``[m]`` for
    ``m = Manager()`` or ``with Manager() as m:``, ``[]`` if nothing names it."""
    if frame is None:
        return []
    import linecache  # loaded only when the script makes a pipe or a manager: see tui/inside/__init__.py
    import re

    line = linecache.getline(frame.f_code.co_filename, frame.f_lineno)
    for pattern in (_PAIR, _ONE, _WITH_AS):
        match = re.search(pattern, line) if pattern is _WITH_AS else re.match(pattern, line)
        if match:
            return list(match.groups())
    return []


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    imports.when_imported("multiprocessing.connection", lambda module: _install_connection(ctx, module))


def _install_connection(ctx: TraceContext, connection: ModuleType) -> None:
    from multiprocessing import context as mp_context, reduction

    context_file = mp_context.__file__
    emit = ctx.emitter.emit
    now = ctx.emitter.now
    steps = ctx.steps
    orig_pipe = connection.Pipe

    def Pipe(duplex: bool = True) -> tuple[Any, Any]:
        ends = orig_pipe(duplex)
        frame = sys._getframe(1)
        if frame is not None and frame.f_code.co_filename == context_file:  # multiprocessing.Pipe(): the context's
            frame = frame.f_back
        if frame is None or not is_user_file(frame.f_code.co_filename):
            return ends
        pid = f"P{os.getpid()}.{next(_ids)}"
        end_ids = [f"{pid}a", f"{pid}b"]
        for end, end_id in zip(ends, end_ids):
            end._contui = (pid, end_id)
        names = names_on_line(frame)
        names = names if len(names) == 2 else [None, None]
        emit(ev.PIPE_NEW, {"pipe": pid, "ends": end_ids, "duplex": bool(duplex), "site": site_of(frame),
                           "name": ", ".join(names) if names[0] else None, "names": names})
        return ends

    connection.Pipe = pickles_as(Pipe, "multiprocessing.connection", "Pipe")

    Base = connection._ConnectionBase
    unmarked(Base)
    orig_send = Base.send
    orig_recv = Base.recv
    orig_close = Base.close
    orig_poll = Base.poll

    def noted(conn: Any, ids: tuple[str, str], t: int) -> None:
        """A send or recv told as an event: the end's rate in this process decides whether it becomes hot."""
        heat = conn._contui_heat
        if heat is None:
            heat = conn._contui_heat = Heat(ctx.hot, ev.PIPE_SUMMARY, "end", ids[1], ("send", "recv"), short_repr,
                                            {"pipe": ids[0]})
            heat.waiting = {}  # threads in recv() on this end now
        heat.note(t)

    def send(self: Any, obj: Any) -> None:
        heat = self._contui_heat
        if heat is not None and heat.mode != COLD:
            if heat.mode == HOT:  # a hot loop's send: counted
                orig_send(self, obj)
                heat.counts[0] += 1
                heat.last[0] = obj
                return
            heat.end()
        ids = self._contui
        if ids is None:
            return orig_send(self, obj)
        if steps[STEPPING_AT]:
            ctx.point("send", ids[1])
        t = now()  # stamped before the write: the receiver's recv is always later
        orig_send(self, obj)
        emit(ev.PIPE_SEND, {"pipe": ids[0], "end": ids[1], "item": short_repr(obj)}, t)
        noted(self, ids, t)

    def recv(self: Any) -> Any:
        heat = self._contui_heat
        if heat is not None and heat.mode != COLD:
            # A hot loop's recv: counted, its thread among the summary's waiting while it is in it (so a wait that
            # lasts, for good perhaps, shows as one at the summaries' rate); told if the other end is closed.
            if heat.mode == HOT:
                me = _ident()
                waiting = heat.waiting
                waiting[me] = 1
                try:
                    obj = orig_recv(self)
                except EOFError:
                    pass
                else:
                    heat.counts[1] += 1
                    heat.last[1] = obj
                    return obj
                finally:
                    waiting.pop(me, None)
            heat.end()
        ids = self._contui
        if ids is None:
            return orig_recv(self)
        if steps[STEPPING_AT]:
            ctx.point("recv", ids[1])
        if not self.closed and self.readable and waiting_bytes(self) == 0:
            emit(ev.PIPE_BLOCK, {"pipe": ids[0], "end": ids[1]})
        try:
            obj = orig_recv(self)
        except EOFError:
            # Every copy of the other end is closed: the recv returns no message, and the thread waits no more.
            emit(ev.PIPE_RECV, {"pipe": ids[0], "end": ids[1], "error": "EOFError"})
            raise
        emit(ev.PIPE_RECV, {"pipe": ids[0], "end": ids[1], "item": short_repr(obj)})
        noted(self, ids, now())
        return obj

    def close(self: Any) -> None:
        ids = self._contui
        if ids is not None and not self.closed:
            emit(ev.PIPE_CLOSE, {"pipe": ids[0], "end": ids[1]})
        orig_close(self)

    def poll(self: Any, timeout: float | None = 0.0) -> bool:
        if timeout is None or timeout <= 0 or self._contui is None:
            return orig_poll(self, timeout)
        return ctx.timed(lambda slice_: orig_poll(self, slice_), timeout)

    Base.send = send
    Base.recv = recv
    Base.close = close
    Base.poll = poll

    # A spawned child rebuilds the end from a duplicated fd: the ids ride along as one more argument.
    reduction.register(connection.Connection, carry_tag(connection, "reduce_connection", "rebuild_connection"))


def carry_tag(module: ModuleType, reduce_name: str, rebuild_name: str,
              on_rebuild: Callable[[Any, Any], None] | None = None) -> Callable[[Any], Any]:
    """Make ``module``'s reducer send an object's ``_contui`` tag with its pickled state, as one more argument of its
    rebuild function, which puts it back on the rebuilt object (and calls ``on_rebuild(obj, tag)``). The rebuild
    function pickles by reference to its own name, which in the child is this wrapper again. Returns the reducer,
    for a caller that registers it."""
    orig_reduce = getattr(module, reduce_name)
    orig_rebuild = getattr(module, rebuild_name)
    arity = orig_rebuild.__code__.co_argcount

    def reduce(obj: Any) -> tuple[Any, tuple[Any, ...]]:
        rebuild, args = orig_reduce(obj)  # its rebuild function, looked up by name: the wrapper below
        tag = mark_of(obj)
        return (rebuild, args) if tag is None else (rebuild, (*args, tag))

    def rebuild(*args: Any) -> Any:
        obj = orig_rebuild(*args[:arity])
        if len(args) > arity:
            tag = args[arity]
            obj._contui = tag
            if on_rebuild is not None:
                on_rebuild(obj, tag)
        return obj

    setattr(module, rebuild_name, pickles_as(rebuild, module.__name__, rebuild_name))
    setattr(module, reduce_name, reduce)
    return reduce
