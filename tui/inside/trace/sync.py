"""Hooks on the script's conditions, events and barriers, in threading and in multiprocessing (semaphores are in
``locks.py``, with the locks they are made like).

Only the script's own objects report: a Condition the standard library makes inside a Queue, an Event or a Barrier
is left alone, and a Barrier the script makes reports as a barrier, not as the condition inside it. A condition's
lock reports as a lock (``lock.*`` on the id its ``cond.new`` names), so ``with cond:`` shows who holds it and
``wait()`` shows it given up and taken back. A script's own threading.Condition gets a subclass of its class with
the traced methods (own_class.py), so the library's keep theirs; events, barriers and multiprocessing's conditions
are traced in place (a script may subclass them too).

Multiprocessing's primitives are pickled to spawned and forkserver children: their ids ride along in their pickled
state (a condition's lock and a semaphore carry theirs through ``locks.py``'s SemLock hooks).
"""

from __future__ import annotations

import _thread
import itertools
import os
import sys
import threading

from tui.inside import kinds as ev
from tui.inside.trace.context import TraceContext, short_repr
from tui.inside.trace.hot import COLD, HOT, Heat
from tui.inside.trace.locks import RAW_LOCKS, TracedLock, raw_rlock, tag_semlock, user_site
from tui.inside.trace.marks import mark_of, unmarked
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.own_class import OwnClasses
from tui.inside.trace.sites import assigned_name, caller_outside, is_library_file, is_user_file, site_of

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import CodeType, FrameType, ModuleType
    from typing import Any, Callable


_ids = itertools.count(1)
_ident = _thread.get_ident


class _IdMark(tuple):  # type: ignore[type-arg]
    """Rides at the end of a pickled object's state so a spawned child knows the object and its id."""


def _made_by_script(obj: object, skip_files: tuple[str, ...] = ()) -> FrameType | None:
    """The script's frame that made ``obj``, or None if the standard library made it (inside a Queue, a Barrier)."""
    frame = caller_outside(obj, depth=3, skip_files=skip_files)
    if frame is None or not is_user_file(frame.f_code.co_filename):
        return None
    return frame


def _new_id(prefix: str) -> str:
    return f"{prefix}{os.getpid()}.{next(_ids)}"


def _new_fields(kind_key: str, obj_id: str, type_name: str, frame: FrameType) -> dict[str, Any]:
    return {kind_key: obj_id, "type": type_name, "site": site_of(frame), "name": assigned_name(frame)}


def _carry_id(cls: type) -> None:
    """The object's id travels with its pickled state (a tuple) to a spawned or forkserver child."""
    orig_getstate = cls.__getstate__
    orig_setstate = cls.__setstate__

    def __getstate__(self: Any) -> Any:
        state = orig_getstate(self)
        obj_id = self._contui
        return state if obj_id is None else (*state, _IdMark((obj_id,)))

    def __setstate__(self: Any, state: Any) -> None:
        if state and isinstance(state[-1], _IdMark):
            self._contui = state[-1][0]
            state = state[:-1]
        orig_setstate(self, state)

    cls.__getstate__ = __getstate__  # type: ignore[method-assign]
    cls.__setstate__ = __setstate__  # type: ignore[method-assign]


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    _install_threading(ctx)
    imports.when_imported("multiprocessing.synchronize", lambda module: _install_multiprocessing(ctx, module))


def _reported_wait(ctx: TraceContext, kind: str, about: dict[str, str], orig_wait: Callable[[Any, Any], Any],
                   obj: Any, timeout: float | None) -> bool:
    """A wait() that reports its begin (with the timeout asked for) and its end (with what it returned), its
    timeout measured on the scenario clock."""
    fields = {**about, "site": user_site(3)}  # past this function and the wrapper
    ctx.point("wait", next(iter(about.values())))
    ctx.emit(kind, {**fields, "phase": "begin", "timeout": timeout})
    result = False
    try:
        result = ctx.timed(lambda slice_: orig_wait(obj, slice_), timeout)
    finally:
        ctx.emit(kind, {**fields, "phase": "end", "result": bool(result)})
    return result


# -- conditions -------------------------------------------------------------------------------------------------------
def _condition_methods(ctx: TraceContext, cls: type, is_owned: Callable[[Any], bool],
                       everyone: Callable[[Any], int]) -> dict[str, Callable[..., Any]]:
    """wait, notify and notify_all of the script's conditions of ``cls``, around ``cls``'s own. ``is_owned``: does
    this thread hold the condition's lock (wait and notify raise otherwise, and then report nothing); ``everyone``:
    the n notify_all passes to notify."""
    emit = ctx.emitter.emit
    orig_wait = cls.wait
    orig_notify = cls.notify

    def heat_of(cond: Any, cid: str) -> Heat:
        heat = cond._contui_heat
        if heat is None:
            heat = cond._contui_heat = Heat(ctx.hot, ev.COND_SUMMARY, "cond", cid, ("wait", "notify"), short_repr)
            heat.waiting = {}
        return heat

    def wait(self: Any, timeout: float | None = None) -> bool:
        heat = self._contui_heat
        if heat is not None and heat.mode != COLD:
            if heat.mode == HOT and timeout is None:  # a hot loop's wait: counted, its thread in the room
                heat.counts[0] += 1
                me = _ident()
                heat.waiting[me] = 0
                try:
                    return orig_wait(self, None)
                finally:
                    heat.waiting.pop(me, None)
            heat.end()
        cid = self._contui
        if cid is None or not is_owned(self):
            return orig_wait(self, timeout)
        heat_of(self, cid).note(ctx.emitter.now())
        return _reported_wait(ctx, ev.COND_WAIT, {"cond": cid}, orig_wait, self, timeout)

    def notify(self: Any, n: int = 1) -> None:
        heat = self._contui_heat
        if heat is not None and heat.mode != COLD:
            if heat.mode == HOT:  # a hot loop's notify: counted
                heat.counts[1] += 1
                return orig_notify(self, n)
            heat.end()
        cid = self._contui
        if cid is not None and is_owned(self):
            ctx.point("notify", cid)
            # Before the real notify: the woken threads' own events come after it.
            emit(ev.COND_NOTIFY, {"cond": cid, "site": user_site(2), "n": n})
            heat_of(self, cid).note(ctx.emitter.now())
        return orig_notify(self, n)

    def notify_all(self: Any) -> None:
        heat = self._contui_heat
        if heat is not None and heat.mode != COLD:
            if heat.mode == HOT:
                heat.counts[1] += 1
                return orig_notify(self, everyone(self))
            heat.end()
        cid = self._contui
        if cid is not None and is_owned(self):
            ctx.point("notify_all", cid)
            emit(ev.COND_NOTIFY, {"cond": cid, "site": user_site(2), "n": -1})
        return orig_notify(self, everyone(self))  # what notify_all does, without a second event from notify

    return {"wait": wait, "notify": notify, "notify_all": notify_all}


def _install_threading_condition(ctx: TraceContext) -> None:
    Condition = threading.Condition
    orig_init = Condition.__init__
    orig_notify_all = Condition.notify_all

    def methods(cls: type) -> dict[str, Callable[..., Any]]:
        traced = _condition_methods(ctx, cls, lambda cond: cond._is_owned(), lambda cond: len(cond._waiters))
        if cls.notify_all is not orig_notify_all:  # the script's own notify_all runs: it notifies through notify
            del traced["notify_all"]
        return traced

    own = OwnClasses(methods)
    # Code that made a plain Condition and is the standard library's (Future.__init__, Queue.__init__): the next
    # one it makes is too, known without a look along the stack (a Future makes one at every submit).
    library_makers: set[CodeType] = set()

    def __init__(self: threading.Condition, lock: Any = None) -> None:
        # One made by the standard library (a Queue's, an Event's, each Future's) reports nothing, and keeps the
        # class's methods (see own_class.py).
        plain = type(self) is Condition  # then no constructor of a subclass stands between its maker and here
        maker = sys._getframe(1).f_code
        if plain and maker in library_makers:  # its RLock is one the library makes: a raw one, made here at once
            return orig_init(self, raw_rlock() if lock is None else lock)
        frame = _made_by_script(self)
        if frame is None:
            if plain and is_library_file(maker.co_filename):
                library_makers.add(maker)
            return orig_init(self, lock)
        cid = _new_id("C")
        if lock is None:  # what Condition() would make, with a tracer standing in for it
            lock = TracedLock(ctx, raw_rlock(), "threading.RLock", frame, within=cid)
        elif isinstance(lock, RAW_LOCKS):  # a lock the standard library made, handed to the script's condition
            kind = "threading.Lock" if isinstance(lock, RAW_LOCKS[0]) else "threading.RLock"
            lock = TracedLock(ctx, lock, kind, frame, within=cid)
        orig_init(self, lock)
        self._contui = cid
        own.adopt(self)
        lock_id = getattr(lock, "_contui_id", None) or mark_of(lock)
        ctx.emit(ev.COND_NEW, {**_new_fields("cond", cid, "threading.Condition", frame), "lock": lock_id})

    Condition.__init__ = __init__  # type: ignore[method-assign]


# -- events ---------------------------------------------------------------------------------------------------------
def _trace_event_methods(ctx: TraceContext, cls: type) -> None:
    emit = ctx.emitter.emit
    orig_set = cls.set
    orig_clear = cls.clear
    orig_wait = cls.wait

    def set(self: Any) -> None:
        eid = self._contui
        if eid is not None:  # before the real set: the waiters it wakes report after it
            ctx.point("set", eid)
            emit(ev.EVENT_SET, {"event": eid, "site": user_site(2)})
        return orig_set(self)

    def clear(self: Any) -> None:
        eid = self._contui
        if eid is not None:
            emit(ev.EVENT_CLEAR, {"event": eid, "site": user_site(2)})
        return orig_clear(self)

    def wait(self: Any, timeout: float | None = None) -> bool:
        eid = self._contui
        if eid is None:
            return orig_wait(self, timeout)
        return _reported_wait(ctx, ev.EVENT_WAIT, {"event": eid}, orig_wait, self, timeout)

    cls.set = set  # type: ignore[attr-defined]
    cls.clear = clear  # type: ignore[attr-defined]
    cls.wait = wait  # type: ignore[attr-defined]


def _trace_init(ctx: TraceContext, cls: type, prefix: str, kind_key: str, new_kind: str, type_name: str,
                extra: Callable[[Any], dict[str, Any]] | None = None, skip_files: tuple[str, ...] = ()) -> None:
    """``cls()`` made by the script gets an id and reports ``new_kind`` (with ``extra(obj)``'s fields)."""
    orig_init = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        orig_init(self, *args, **kwargs)
        frame = _made_by_script(self, skip_files)
        if frame is None:
            return
        obj_id = self._contui = _new_id(prefix)
        fields = _new_fields(kind_key, obj_id, type_name, frame)
        if extra is not None:
            fields.update(extra(self))
        ctx.emit(new_kind, fields)

    cls.__init__ = __init__  # type: ignore[method-assign]


# -- barriers -------------------------------------------------------------------------------------------------------
def _trace_barrier_methods(ctx: TraceContext, cls: type) -> None:
    """wait, reset and every way a barrier breaks (abort(), a wait that timed out, an action that raised): all go
    through ``_break``. multiprocessing's Barrier inherits these from threading's."""
    emit = ctx.emitter.emit
    orig_wait = cls.wait
    orig_break = cls._break
    orig_reset = cls.reset

    def wait(self: Any, timeout: float | None = None) -> int:
        bid = self._contui
        if bid is None:
            return orig_wait(self, timeout)
        site = user_site(2)
        emit(ev.BARRIER_WAIT, {"barrier": bid, "site": site, "phase": "begin", "timeout": timeout})
        try:
            index = orig_wait(self, ctx.scaled(self._timeout if timeout is None else timeout))
        except BaseException:
            emit(ev.BARRIER_WAIT, {"barrier": bid, "site": site, "phase": "end", "broken": True})
            raise
        emit(ev.BARRIER_WAIT, {"barrier": bid, "site": site, "phase": "end", "index": index})
        return index

    def _break(self: Any) -> None:
        bid = self._contui
        if bid is not None:
            emit(ev.BARRIER_ABORT, {"barrier": bid, "site": user_site(2)})
        orig_break(self)

    def reset(self: Any) -> None:
        bid = self._contui
        if bid is not None:
            emit(ev.BARRIER_RESET, {"barrier": bid, "site": user_site(2)})
        orig_reset(self)

    cls.wait = wait  # type: ignore[attr-defined]
    cls._break = _break  # type: ignore[attr-defined]
    cls.reset = reset  # type: ignore[attr-defined]


def _parties(barrier: Any) -> dict[str, Any]:
    return {"parties": barrier.parties}


def _install_threading(ctx: TraceContext) -> None:
    unmarked(threading.Condition, threading.Event, threading.Barrier)
    _install_threading_condition(ctx)
    _trace_init(ctx, threading.Event, "E", "event", ev.EVENT_NEW, "threading.Event")
    _trace_event_methods(ctx, threading.Event)
    _trace_init(ctx, threading.Barrier, "B", "barrier", ev.BARRIER_NEW, "threading.Barrier", _parties)
    _trace_barrier_methods(ctx, threading.Barrier)


# -- multiprocessing ------------------------------------------------------------------------------------------------
def _install_multiprocessing(ctx: TraceContext, synchronize: ModuleType) -> None:
    from multiprocessing import context as mp_context

    skip = (mp_context.__file__,)
    Condition = synchronize.Condition
    unmarked(Condition, synchronize.Event)
    orig_init = Condition.__init__

    def __init__(self: Any, lock: Any = None, **kwargs: Any) -> None:
        orig_init(self, lock, **kwargs)
        frame = _made_by_script(self, skip)
        if frame is None:
            return
        cid = self._contui = _new_id("C")
        # Condition() makes an RLock of its own: it reports as the condition's; a lock of the script's keeps its id.
        lock_id = tag_semlock(ctx, self._lock, frame, within=cid)
        self._make_methods()  # acquire and release are the lock's, taken when the condition was made
        ctx.emit(ev.COND_NEW, {**_new_fields("cond", cid, "mp.Condition", frame), "lock": lock_id})

    Condition.__init__ = __init__  # type: ignore[method-assign]
    # Replaced in place: an mp.Condition is pickled to spawned children by its class, and no library object of
    # multiprocessing uses one at every item (a JoinableQueue's is used by task_done and join).
    for name, method in _condition_methods(ctx, Condition, lambda cond: cond._lock._semlock._is_mine(),
                                           lambda cond: sys.maxsize).items():
        setattr(Condition, name, method)
    _carry_id(Condition)

    # multiprocessing's Event pickles its __dict__, so its id travels with it as it is.
    _trace_init(ctx, synchronize.Event, "E", "event", ev.EVENT_NEW, "mp.Event", skip_files=skip)
    _trace_event_methods(ctx, synchronize.Event)

    # Its wait, reset and _break are threading.Barrier's, traced already.
    _trace_init(ctx, synchronize.Barrier, "B", "barrier", ev.BARRIER_NEW, "mp.Barrier", _parties, skip_files=skip)
    _carry_id(synchronize.Barrier)
