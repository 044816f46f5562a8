"""Hooks on the script's own locks and semaphores: threading Lock/RLock/Semaphore/BoundedSemaphore and
multiprocessing Lock/RLock/Semaphore/BoundedSemaphore. Locks report ``lock.*`` events, semaphores ``sem.*``.

A lock made inside the standard library (a Queue's, a Condition's, an Event's) is left untouched and unreported.
Release is reported before the real release and acquire after the real acquire, so in time order two owners of one
lock never overlap, whatever order the events arrive in.

Conditions (``sync.py``) build on this: a condition's lock is a :class:`TracedLock` (threading) or a tagged SemLock
(multiprocessing), so ``with cond:`` and ``cond.wait()`` report who holds the condition's lock.
"""

from __future__ import annotations

import _thread
import itertools
import os
import sys
import threading
import time
from operator import attrgetter

from tui.inside import kinds as ev
from tui.inside.control import STEPPING_AT
from tui.inside.trace.context import TraceContext
from tui.inside.trace.hot import (
    COLD, COOLING, HOT, HOT_OPS, HOT_WINDOW_NS, LASTING_WAIT_S, TIMED_HOLD_MASK, cooling, native_id_of,
)
from tui.inside.trace.marks import ID, unmarked
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.own_class import OwnClasses
from tui.inside.trace.sites import assigned_name, caller_outside, is_user_file, pickles_as, site_of

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import FrameType, ModuleType
    from typing import Any, Callable

_real_monotonic_ns = time.monotonic_ns
_ident = _thread.get_ident


_ids = itertools.count(1)
# The real locks, as the standard library makes them (threading.Lock and RLock are this module's factories).
RAW_LOCKS = (_thread.LockType, _thread.RLock)


class _EnterByAcquire(property):
    """A traced lock's ``__enter__``: its own ``acquire`` (each lock's traced function), reached through a property
    whose getter is C, so that ``with lock:`` costs no Python call of its own, as ``lock.acquire()`` does not. (Not
    so for ``__exit__``: ``with`` looks it up before ``__enter__`` runs, and an acquire that ends a hot span changes
    which release the lock has; ``__exit__`` must look ``release`` up as it exits.)

    Looked up on the class, as ``contextlib.ExitStack.enter_context`` does (``type(cm).__enter__(cm)``), it is what
    a method would be there: called with the lock, it acquires it."""

    def __call__(self, lock: Any) -> bool:
        return lock.acquire()


ENTER_BY_ACQUIRE = _EnterByAcquire(attrgetter("acquire"))
raw_rlock = _thread.RLock

# What each kind of primitive reports: (id field, acquired, has to wait, gave up, failed try, released).
LOCK_KINDS = ("lock", ev.LOCK_ACQUIRE, ev.LOCK_WAIT, ev.LOCK_TIMEOUT, ev.LOCK_FAIL, ev.LOCK_RELEASE)
SEM_KINDS = ("sem", ev.SEM_ACQUIRE, ev.SEM_WAIT, ev.SEM_TIMEOUT, ev.SEM_FAIL, ev.SEM_RELEASE)

# How many frames up from the call the user's own line may be: `with cond:` goes through __enter__, a condition's
# lock is taken back inside Condition.wait, a barrier breaks inside Barrier._wait.
_USER_DEPTH = 8

# (code, bytecode offset) of the user's call -> "file.py:line". Keyed by the user's own frame: frame 2 is
# __enter__ for every `with lock:`, so a key taken there gave all of a process's `with` statements the first one's
# line. The offset rather than f_lineno, which decodes the line table at every call.
_sites: dict[tuple[object, int], str] = {}
_getframe = sys._getframe


def user_site(depth: int = 2) -> str:
    """``file.py:line`` of the script's own line that led to this call, ``depth`` frames up (or the nearest)."""
    frame = _getframe(depth)
    generated = None  # code made by exec ("<string>"): a Value's .value property is; the user's line is further up
    for _ in range(_USER_DEPTH):  # the first frame is the user's on the hot path: the loop ends at once
        if frame is None:
            break
        filename = frame.f_code.co_filename
        if is_user_file(filename):
            if not filename.startswith("<"):
                break
            generated = generated or frame
        frame = frame.f_back
    frame = frame or generated
    if frame is None:
        return site_of(frame)
    key = (frame.f_code, frame.f_lasti)
    site = _sites.get(key)
    if site is None:
        site = _sites[key] = site_of(frame)
    return site


def traced_methods(
    ctx: TraceContext, raw_acquire: Callable[..., bool], raw_release: Callable[[], Any], obj_id: str,
    kinds: tuple[str, str, str, str, str, str] = LOCK_KINDS, mp: bool = False,
    owner: Any = None, held_here: Callable[[], bool] | None = None,
) -> tuple[Callable[..., bool], Callable[[], Any], LockHeat]:
    """An acquire and a release that report ``kinds`` for ``obj_id`` around the raw ones. ``mp``: multiprocessing's
    signature (``block``, and a negative timeout means "do not wait") rather than threading's (``blocking``, and a
    negative timeout means "wait for ever").

    A lock (not a semaphore) taken faster than hot.HOT_OPS per hot.HOT_WINDOW_NS is summarised while it stays that
    hot (see hot.py): its acquires and releases only count, and ``lock.summary`` events carry the counts. The
    third item is what a condition's wait needs of the span (:class:`LockHeat`).

    ``owner`` and ``held_here``: a lock that cannot be re-entered (Lock, not RLock) whose ``release`` attribute is
    the one returned here, and whether a thread of this process holds it now. In a span its ``release`` becomes the
    raw one (a Python call less per hold: a third of a hot loop's cost), but for a timed hold; who holds it is then
    asked of the lock itself rather than counted.
    """
    emit = ctx.emitter.emit  # bound once: this is the hottest path of a traced script
    steps = ctx.steps
    now = _real_monotonic_ns  # events are stamped in real time; time.monotonic_ns may be the scenario clock by now
    key, acquired, waiting, gave_up, failed, released = kinds
    # One fields dict per lock (and per site), shared by all its events: nothing changes an event's fields once
    # made, and pickle sends an object it has already sent in a frame as a two-byte reference.
    released_fields = {key: obj_id}
    at_site: dict[str, dict[str, str]] = {}
    can_summarise = key == "lock" and ctx.hot.enabled
    swaps = owner is not None and held_here is not None and can_summarise
    # The hot span's state (see hot.py). Plain closure variables: the hot path reads and writes them as fast as
    # Python can. Counters change only while this process holds the lock, so two threads never count at once.
    mode = COLD
    window_start = window_n = 0  # acquires in the current rate window
    depth = 0  # holds this process has out now (RLock re-entry counts each)
    span_start = held_at = 0
    n = waits = fails = hold = hold_max = wait_max = 0
    timed = 0  # holds timed: one in TIMED_HOLD_MASK + 1 (two clock reads per hold would double a hot loop's cost)
    # Threads by their ident (pthread_self: cheap; a native id is a system call each time), told by native id.
    holder = 0  # who took it last: who holds it, while depth says it is held
    waiters: dict[int, int] = {}  # ident -> when its wait began
    ticked_n = -1  # n at the last tick
    told_n = -1  # n in the last summary sent
    told_busy = False  # the last summary said a thread holds it or waits for it
    due = False  # a summary is due: the next acquire sends it

    def fields_at(depth: int) -> dict[str, str]:
        """The fields for the user's line ``depth`` frames up from user_site (past it and this function)."""
        site = user_site(depth)
        fields = at_site.get(site)
        if fields is None:
            fields = at_site[site] = {key: obj_id, "site": site}
        return fields

    # -- the hot span ------------------------------------------------------------------------------------------------
    def held() -> int:
        """How deep this process holds it now: counted, or asked of a lock whose releases are not seen in a span."""
        if swaps:
            return 1 if held_here() else 0  # type: ignore[misc]
        return depth

    def summary(end: bool, taking: bool = False) -> dict[str, Any]:
        """``taking``: the span ends at an acquire this thread has just made and tells next; the summary is of what
        came before it (a counted depth does not hold it yet; a lock asked would say it is held)."""
        t0 = ctx.emitter.t0
        deep = 0 if taking and swaps else held()
        return {key: obj_id, "since": span_start - t0, "n": n, "waits": waits, "fails": fails, "hold": hold,
                "timed": timed, "hold_max": hold_max, "wait_max": wait_max,
                "holder": native_id_of(holder) if deep else 0, "last": native_id_of(holder),
                "depth": deep, "waiting": [native_id_of(ident) for ident in list(waiters)], "done": end}

    def begin_span(t: int) -> None:
        nonlocal mode, span_start, held_at, n, waits, fails, hold, hold_max, wait_max, holder
        nonlocal ticked_n, told_n, due, timed, told_busy
        span_start = held_at = t
        n = waits = fails = hold = hold_max = wait_max = timed = 0
        told_busy = False
        holder = _ident() if held() else 0
        ticked_n = told_n = -1
        due = False
        mode = HOT
        if swaps:
            owner.release = raw_release
        ctx.hot.add(obj_id, tick, end_span, reset)

    def tick(cpu_ns: int) -> bool:
        """The ticker's call. A summary is due: the next acquire sends it, holding the lock (so it says who holds
        it); if none came since the last tick, the ticker sends it. False once the lock has gone quiet here."""
        nonlocal mode, due, ticked_n
        if mode == COLD:
            return False
        counted = n
        if mode == HOT and (cooling(counted - max(ticked_n, 0), cpu_ns) or steps[STEPPING_AT]):
            mode = COOLING  # the next acquire ends the span (in step mode: and is held there)
        ticked_n = counted
        if not due:
            due = True
            return True
        if counted == told_n and not waiters and not held() and not told_busy:
            return False  # nothing new since the last summary and nothing held: the span waits for its end
        tell_now()  # the ticker holds ctx.hot.telling
        return True

    def tell() -> None:
        """The holder's summary, at the acquire after a tick."""
        with ctx.hot.telling:
            if mode != COLD:
                tell_now()

    def tell_now() -> None:
        nonlocal due, told_n, told_busy
        due = False
        told_n = n
        fields = summary(False)
        # A hold let go unseen (a hot Lock's raw release) is over once the next summary says so: ticks go on
        # until one has.
        told_busy = bool(fields["depth"] or fields["waiting"])
        ctx.emitter.emit_for(ctx.emitter.pid, summary_kind, fields)

    def end_span(taking: bool = False) -> None:
        """The span's last summary; every operation from now on is an event again. ``taking``: see summary."""
        nonlocal mode
        if mode == COLD:
            return
        with ctx.hot.telling:
            if mode == COLD:  # ended by another thread meanwhile
                return
            mode = COLD
            if swaps:
                owner.release = release
            ctx.hot.closed(obj_id)
            ctx.emitter.emit_for(ctx.emitter.pid, summary_kind, summary(True, taking))

    def reset() -> None:
        """In a forked child: the span was the parent's."""
        nonlocal mode, waiters
        mode = COLD
        if swaps:
            owner.release = release
        waiters = {}

    def note_hold() -> None:
        """A timed hold ends (``held_at`` set): its time is counted."""
        nonlocal hold, hold_max, timed, held_at
        held = now() - held_at
        held_at = 0
        hold += held
        timed += 1
        if held > hold_max:
            hold_max = held

    def timed_release() -> Any:
        """A swapped lock's release after a timed acquire: the hold is timed, and the raw release is back."""
        if held_at:
            note_hold()
        if mode != COLD:
            owner.release = raw_release
        return raw_release()

    def count_acquire() -> None:
        """A summarised acquire: this thread holds the lock now."""
        nonlocal depth, held_at, holder, n
        n += 1
        if swaps:
            holder = _ident()
            if not n & TIMED_HOLD_MASK:
                held_at = now()
                owner.release = timed_release
            return
        if not depth:
            held_at = now() if not n & TIMED_HOLD_MASK else 0
            holder = _ident()
        depth += 1

    def reported_acquire(fields: dict[str, str]) -> bool:
        """An acquire reported as an event."""
        nonlocal depth
        emit(acquired, fields)
        depth += 1
        rate_noted()
        return True

    def rate_noted() -> None:
        """One more acquire told as an event: a lock taken often enough becomes hot."""
        nonlocal window_start, window_n
        if can_summarise:
            t = now()
            if t - window_start > HOT_WINDOW_NS:
                window_start = t
                window_n = 1
            else:
                window_n += 1
                if window_n >= HOT_OPS and not steps[STEPPING_AT]:
                    begin_span(t)

    def hot_wait() -> bool:
        """A summarised acquire that found the lock taken: counted, unless it lasts; then it is told as it is."""
        nonlocal waits, wait_max
        me = _ident()
        since = now()
        waiters[me] = since
        try:
            lasting = not raw_acquire(True, LASTING_WAIT_S)
            if lasting:
                emit(waiting, fields_at(6), since)  # past hot_wait, contended, acquire_one and acquire
                raw_acquire(True)
        finally:
            waiters.pop(me, None)
        if lasting:
            if mode != COLD:
                end_span(taking=True)  # whoever the summary said held it: a deadlock detector sees this wait's acquire
            return reported_acquire(fields_at(6))
        waited = now() - since
        waits += 1
        if waited > wait_max:
            wait_max = waited
        count_acquire()
        if due:
            tell()
        return True

    # -- one operation at a time -------------------------------------------------------------------------------------
    def contended(blocking: bool, timeout: float | None) -> bool:
        """The first try found it taken."""
        nonlocal fails
        if mode == HOT:
            if not blocking:
                fails += 1
                return False
            if timeout is None or (timeout < 0 and not mp):
                return hot_wait()
        if mode != COLD:
            # Cooling: this acquire ends the span, as one that finds the lock free does (and is told as it is, its
            # wait too). Hot: a timed wait is rare in a hot loop: the span ends and it is told as it is.
            end_span()
        fields = fields_at(5)  # past this function, acquire_one and acquire
        if not blocking:
            emit(failed, fields)
            return False
        if timeout is None or (timeout < 0 and not mp):
            emit(waiting, fields)
            ok = raw_acquire(True)
        else:
            # A wait that gives up in time can be part of no deadlock: it says so (see tui/engine/deadlocks.py).
            emit(waiting, {**fields, "timeout": timeout})
            ok = ctx.timed(lambda slice_: raw_acquire(True, slice_), timeout)
        if ok:
            return reported_acquire(fields)
        emit(gave_up, fields)
        return ok

    def acquire_one(blocking: bool, timeout: float | None) -> bool:
        """Every acquire but the hot loop's: step mode's point, a timeout, a lock not (or no longer) hot."""
        if steps[STEPPING_AT]:
            ctx.point("acquire", obj_id)
        if raw_acquire(False):
            if mode == HOT:
                count_acquire()
                if due:
                    tell()
                return True
            if mode == COOLING:
                end_span(taking=True)
            if blocking and (timeout is None or timeout == -1):
                return reported_acquire(fields_at(4))
            # It would not have waited for ever: it says so (no lock order is learnt from it: see deadlocks.py).
            return reported_acquire({**fields_at(4), "tried": True})
        return contended(blocking, timeout)

    # Two front ends, one per signature: a keyword the script passes must mean what it means untraced. Each has the
    # hot loop's path first and written out in full (count_acquire, inlined): every call it saves is a tenth of the
    # hot loop's cost. Step mode is not looked at there: the ticker ends the span when step mode begins.
    def acquire_swapped(blocking: bool = True, timeout: float | None = None) -> bool:
        nonlocal held_at, holder, n
        if mode == HOT and timeout is None and raw_acquire(False):
            n += 1
            holder = _ident()
            if not n & TIMED_HOLD_MASK:
                held_at = now()
                owner.release = timed_release
            if due:
                tell()
            return True
        if timeout is not None and timeout != -1 and (timeout < 0 or not blocking):
            return raw_acquire(blocking, timeout)
        return acquire_one(blocking, timeout)

    def acquire_mp_swapped(block: bool = True, timeout: float | None = None) -> bool:
        # multiprocessing's keyword; a negative timeout is the raw lock's to judge, which does not wait then
        return acquire_swapped(block, timeout)

    def acquire(blocking: bool = True, timeout: float | None = None) -> bool:
        nonlocal depth, held_at, holder, n
        if mode == HOT and timeout is None and raw_acquire(False):
            n += 1
            if depth:
                depth += 1
            else:
                depth = 1
                holder = _ident()
                held_at = now() if not n & TIMED_HOLD_MASK else 0
            if due:
                tell()  # by the holder, holding it: the summary says who holds it
            return True
        if timeout is not None and timeout != -1 and (timeout < 0 or not blocking):
            return raw_acquire(blocking, timeout)  # raises the ValueError python would, before anything is tried
        return acquire_one(blocking, timeout)

    def acquire_mp(block: bool = True, timeout: float | None = None) -> bool:
        nonlocal depth, held_at, holder, n
        if mode == HOT and timeout is None and raw_acquire(False):
            n += 1
            if depth:
                depth += 1
            else:
                depth = 1
                holder = _ident()
                held_at = now() if not n & TIMED_HOLD_MASK else 0
            if due:
                tell()
            return True
        return acquire_one(block, timeout)

    def release() -> Any:
        nonlocal depth
        if mode and (depth or swaps):
            # Counted before the real release: the next owner may count the moment it is let go. (``holder`` stays:
            # who took it last; a summary says it holds the lock only while it is held.) A swapped lock comes here
            # in a span only through a release looked up before the span began.
            if depth:
                depth -= 1
            if held_at and (swaps or not depth):
                note_hold()
            return raw_release()
        if steps[STEPPING_AT]:
            ctx.point("release", obj_id)
        t = now()  # stamped before the real release, so the next owner's acquire is always later
        result = raw_release()
        if depth:
            depth -= 1
        emit(released, released_fields, t)
        return result

    def release_at_site() -> Any:
        """A semaphore's release says where: anyone may release one, and where it happened is worth seeing."""
        if steps[STEPPING_AT]:
            ctx.point("release", obj_id)
        t = now()
        result = raw_release()
        emit(released, fields_at(3), t)
        return result

    def never_summarise() -> None:
        nonlocal can_summarise
        can_summarise = False
        end_span()

    def summarising() -> bool:
        return mode != COLD

    def gave_up_all() -> None:
        """A condition's wait gave the lock up wholly (every level): counted as its release in a span; told by the
        caller otherwise."""
        nonlocal depth
        if (depth or swaps) and mode != COLD:
            if held_at:
                note_hold()
            if swaps:
                owner.release = raw_release
        depth = 0

    def took_back(holds: int) -> bool:
        """A condition's wait took the lock back, ``holds`` levels deep. In a span it is counted (True); otherwise
        the caller has told it, and it counts toward the rate that makes the lock hot (False)."""
        nonlocal depth
        if mode != COLD:
            count_acquire()
            depth = holds
            if due:
                tell()
            return True
        depth += holds
        rate_noted()
        return False

    hot = LockHeat(never_summarise, summarising, gave_up_all, took_back, end_span)
    summary_kind = ev.LOCK_SUMMARY
    if swaps:
        return (acquire_mp_swapped if mp else acquire_swapped), release, hot
    return (acquire_mp if mp else acquire), (release if key == "lock" else release_at_site), hot


class LockHeat:
    """What a condition made on a traced lock needs of its hot span (see TracedLock._release_save)."""

    __slots__ = ("never", "on", "gave_up_all", "took_back", "end")

    def __init__(self, never: Callable[[], None], on: Callable[[], bool], gave_up_all: Callable[[], None],
                 took_back: Callable[[int], bool], end: Callable[[], None]) -> None:
        self.never = never  # summaries off for good
        self.on = on  # is a span open (hot or cooling)?
        self.gave_up_all = gave_up_all
        self.took_back = took_back
        self.end = end  # end the span now


def new_lock_id(ctx: TraceContext, kind: str, frame: FrameType | None, within: str | None = None,
                name: str | None = None) -> str:
    """Report a new lock of the script's. ``within``: the condition whose lock it is (made by the condition, not by
    the script's own hand), so views show it inside that condition."""
    lock_id = f"L{os.getpid()}.{next(_ids)}"
    fields: dict[str, Any] = {"lock": lock_id, "type": kind, "site": site_of(frame),
                              "name": name if within is not None else assigned_name(frame)}
    if within is not None:
        fields["within"] = within
    ctx.emit(ev.LOCK_NEW, fields)
    return lock_id


def _new_sem_id(ctx: TraceContext, kind: str, value: int, frame: FrameType | None) -> str:
    sem_id = f"S{os.getpid()}.{next(_ids)}"
    ctx.emit(ev.SEM_NEW, {"sem": sem_id, "type": kind, "value": value, "site": site_of(frame),
                          "name": assigned_name(frame)})
    return sem_id


class TracedLock:
    """Stands in for a threading lock the script made; everything not about ownership goes to the real one.

    A threading.Condition made on it uses its ``_release_save``/``_acquire_restore``/``_is_owned``: ``wait()``
    gives the lock up wholly (every level of an RLock) and takes it back, and both are reported."""

    def __init__(self, ctx: TraceContext, raw: Any, kind: str, frame: Any, within: str | None = None) -> None:
        self._raw = raw
        self._ctx = ctx
        self._contui_id = new_lock_id(ctx, kind, frame, within)
        # A condition's own lock too may be summarised: its wait gives it up and takes it back through the span.
        # A Lock (not an RLock) swaps its release for the raw one in a hot span: see traced_methods.
        plain = type(raw) is _thread.LockType
        self.acquire, self.release, self._heat = traced_methods(
            ctx, raw.acquire, raw.release, self._contui_id, owner=self if plain else None,
            held_here=raw.locked if plain else None)

    __enter__ = ENTER_BY_ACQUIRE

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.release()

    def locked(self) -> bool:
        return self._raw.locked()

    def _is_owned(self) -> bool:
        raw = self._raw
        owned = getattr(raw, "_is_owned", None)
        if owned is not None:
            return owned()
        if raw.acquire(False):  # what Condition does for a plain Lock, on the raw lock so nothing is reported
            raw.release()
            return False
        return True

    def _release_save(self) -> Any:
        """Condition.wait() lets go of the lock: every level of it (counted, in a hot span; else reported)."""
        raw = self._raw
        save = getattr(raw, "_release_save", None)
        heat = self._heat
        if heat.on():
            heat.gave_up_all()
            if save is None:
                raw.release()
                return None
            return save()
        t = self._ctx.emitter.now()
        if save is None:
            raw.release()
            state, holds = None, 1
        else:
            state = save()
            holds = state[0]
        fields = {"lock": self._contui_id}
        for _ in range(holds):
            self._ctx.emit(ev.LOCK_RELEASE, fields, t)
        heat.gave_up_all()
        return state

    def _acquire_restore(self, state: Any) -> None:
        """Condition.wait() takes the lock back, as deep as it held it; waiting for it if another thread has it. In a
        hot span it is counted, unless the wait for it lasts: then the span ends and the wait is told."""
        raw = self._raw
        holds = 1 if state is None else state[0]
        heat = self._heat
        waited = False
        if heat.on():
            if raw.acquire(True, LASTING_WAIT_S):
                for _ in range(holds - 1):  # an RLock: the same thread takes it again at once
                    raw.acquire()
                heat.took_back(holds)
                return
            heat.end()
            waited = True
        self._told_restore(raw, holds, waited)
        heat.took_back(holds)

    def _told_restore(self, raw: Any, holds: int, waited: bool) -> None:
        """Take the lock back, ``holds`` deep, and tell it: a wait (``waited``: it has lasted already) and the
        acquires."""
        fields = {"lock": self._contui_id, "site": user_site(3)}
        if waited or not raw.acquire(False):
            self._ctx.emit(ev.LOCK_WAIT, fields)
            raw.acquire()
        for _ in range(holds - 1):  # an RLock: the same thread takes it again at once
            raw.acquire()
        for _ in range(holds):
            self._ctx.emit(ev.LOCK_ACQUIRE, fields)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __repr__(self) -> str:
        return repr(self._raw)


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    _install_threading(ctx)
    imports.when_imported("multiprocessing.synchronize", lambda module: _install_multiprocessing(ctx, module))


def _install_threading(ctx: TraceContext) -> None:
    def factory(raw_factory: Callable[[], Any], kind: str, name: str) -> Callable[[], Any]:
        def make() -> Any:
            raw = raw_factory()
            frame = sys._getframe(1)
            if not is_user_file(frame.f_code.co_filename):
                return raw
            return TracedLock(ctx, raw, kind, frame)

        # A manager's registry holds threading.Lock and RLock, and is pickled to its server under spawn.
        return pickles_as(make, "threading", name)

    threading.Lock = factory(threading.Lock, "threading.Lock", "Lock")  # type: ignore[misc]
    threading.RLock = factory(threading.RLock, "threading.RLock", "RLock")  # type: ignore[misc]
    _install_threading_semaphores(ctx)


def _install_threading_semaphores(ctx: TraceContext) -> None:
    # Semaphores are classes a script may subclass: the script's own get a subclass of their class with the traced
    # methods (see own_class.py); the standard library's (an executor's, at every task) keep the class's own.
    Semaphore = threading.Semaphore
    Bounded = threading.BoundedSemaphore
    orig_init = Semaphore.__init__

    def acquire(self: threading.Semaphore, blocking: bool = True, timeout: float | None = None) -> bool:
        return self._contui[0](blocking, timeout)

    def __enter__(self: threading.Semaphore) -> bool:
        return self._contui[4]()

    def release(self: threading.Semaphore, n: int = 1) -> None:
        traced = self._contui
        if n == 1:
            return traced[1]()
        t = ctx.emitter.now()  # release(n): one event that says how many seats it gives back
        traced[3](self, n)
        ctx.emit(ev.SEM_RELEASE, {"sem": traced[2], "site": user_site(2), "n": n}, t)
        return None

    own = OwnClasses(lambda cls: {"acquire": acquire, "__enter__": __enter__, "release": release})

    def __init__(self: threading.Semaphore, value: int = 1) -> None:
        orig_init(self, value)
        frame = caller_outside(self)
        if frame is not None and is_user_file(frame.f_code.co_filename):
            cls = type(self)  # the script's own subclass, if it made one: its methods are the ones traced
            kind = f"threading.{(Bounded if isinstance(self, Bounded) else Semaphore).__name__}"
            sem_id = _new_sem_id(ctx, kind, value, frame)
            traced_acquire, traced_release, _ = traced_methods(ctx, cls.acquire.__get__(self),
                                                               cls.release.__get__(self), sem_id, SEM_KINDS)
            enter = traced_acquire
            if cls.__enter__ is not cls.acquire:  # a subclass's acquire of its own: ``with`` takes the class's
                enter = traced_methods(ctx, cls.__enter__.__get__(self), cls.release.__get__(self), sem_id,
                                       SEM_KINDS)[0]  # (a semaphore is never summarised: nothing to share)
            self._contui = (traced_acquire, traced_release, sem_id, cls.release, enter)
            own.adopt(self)

    Semaphore.__init__ = __init__  # type: ignore[method-assign]


def tag_semlock(ctx: TraceContext, lock: Any, frame: FrameType | None, within: str | None = None,
                name: str | None = None) -> str:
    """Make a multiprocessing lock made by the standard library report as the script's (a condition's own lock),
    unless it already does; its id either way."""
    known = lock._contui
    if known is not None:
        return known
    lock_id = new_lock_id(ctx, f"mp.{type(lock).__name__}", frame, within, name)
    lock._contui = lock_id
    lock._make_methods()
    return lock_id


def _install_multiprocessing(ctx: TraceContext, synchronize: ModuleType) -> None:
    from multiprocessing import context as mp_context

    context_file = mp_context.__file__
    SemLock = synchronize.SemLock
    lock_kinds = (synchronize.Lock, synchronize.RLock)
    sem_kinds = (synchronize.Semaphore, synchronize.BoundedSemaphore)
    orig_init = SemLock.__init__
    orig_make = SemLock._make_methods
    orig_getstate = SemLock.__getstate__
    orig_setstate = SemLock.__setstate__
    unmarked(SemLock, names=(ID,))

    def __init__(self: Any, kind: int, value: int, *args: Any, **kwargs: Any) -> None:
        orig_init(self, kind, value, *args, **kwargs)
        cls = type(self)
        if cls not in lock_kinds and cls not in sem_kinds:
            return
        frame = caller_outside(self, skip_files=(context_file,))
        if frame is None or not is_user_file(frame.f_code.co_filename):
            return
        if cls in sem_kinds:
            self._contui = _new_sem_id(ctx, f"mp.{cls.__name__}", value, frame)
        else:
            self._contui = new_lock_id(ctx, f"mp.{cls.__name__}", frame)
        self._make_methods()

    def _make_methods(self: Any) -> None:
        orig_make(self)
        obj_id = self._contui
        if obj_id is not None:
            kinds = SEM_KINDS if isinstance(self, synchronize.Semaphore) else LOCK_KINDS
            semlock = self._semlock
            # A Lock (not an RLock) swaps its release for the raw one in a hot span: see traced_methods. It is held
            # here while this process's count of its acquires (reset in a forked child) says so.
            plain = type(self) is synchronize.Lock
            self.acquire, self.release, _ = traced_methods(
                ctx, semlock.acquire, semlock.release, obj_id, kinds, mp=True, owner=self if plain else None,
                held_here=(lambda: semlock._count() > 0) if plain else None,
            )

    # The lock's identity travels with it to spawned children.
    def __getstate__(self: Any) -> Any:
        state = orig_getstate(self)
        lock_id = self._contui
        return state if lock_id is None else (state, lock_id)

    def __setstate__(self: Any, state: Any) -> None:
        if len(state) == 2 and isinstance(state[0], tuple):
            state, self._contui = state
        orig_setstate(self, state)

    def __exit__(self: Any, exc_type: object, exc: object, tb: object) -> None:
        self.release()

    SemLock.__init__ = __init__  # type: ignore[method-assign]
    SemLock._make_methods = _make_methods  # type: ignore[method-assign]
    SemLock.__getstate__ = __getstate__  # type: ignore[method-assign]
    SemLock.__setstate__ = __setstate__  # type: ignore[method-assign]
    SemLock.__enter__ = ENTER_BY_ACQUIRE  # type: ignore[method-assign,assignment]
    SemLock.__exit__ = __exit__  # type: ignore[method-assign]


