"""The fold of conditions, events, barriers and semaphores (threading and multiprocessing), each in the shape a
student knows it: a condition's waiting room and its lock's owner; an event's flag and who waits for it; a barrier's
parties and who is at it; a semaphore's free seats, who holds one and who waits for one.

Events of different processes arrive out of order, so a flag or a broken barrier follows the latest call by time,
not the latest to arrive. Every change marks ``Part.LOCKS`` (the pane of synchronisation primitives), and a thread
waiting in one of them is shown blocked on its id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tui.engine.model.core import Fields, ModelCore, drop_keys, gone_from, handles
from tui.engine.model.locks import LockRecord
from tui.engine.model.records import UNKNOWN, Key, Part, ProcessNode, State, ThreadNode
from tui.inside import kinds as ev

NEVER = -1


@dataclass(slots=True)
class Primitive:
    """What every synchronisation primitive has: its id, its type as the tracer names it (``mp.Event``), the
    variable it was assigned to, where it was made, by which process, and when the model first heard of it."""

    id: str
    type: str = UNKNOWN
    name: str | None = None
    site: str | None = None
    created_by: int | None = None
    seq: int = 0  # the model's event count when it was first mentioned: views list primitives in this order

    @property
    def short_type(self) -> str:
        """``mp.BoundedSemaphore`` → ``BoundedSemaphore``."""
        return self.type.rsplit(".", 1)[-1]

    @property
    def label(self) -> str:
        """How views name it: ``ready (Event)``."""
        return f"{self.name or self.id} ({self.short_type})"


@dataclass(slots=True)
class ConditionState(Primitive):
    lock: str | None = None  # the id of its lock (in ``model.locks``): who holds it is the condition's owner
    room: list[Key] = field(default_factory=list)  # in wait(), in the order they began to wait
    waits: int = 0
    notifies: int = 0
    timeouts: int = 0  # waits that returned False
    summarised: int = 0  # waits and notifies that hot-loop summaries counted
    # By pid, open spans: (since, waits, notifies, summaries folded, the latest summary's time) so far.
    hot: dict[int, tuple[int, int, int, int, int]] = field(default_factory=dict)

    @property
    def fifo(self) -> bool:
        """threading's notify(n) wakes the n oldest waiters; multiprocessing's wakes any n (a semaphore does)."""
        return self.type.startswith("threading.")


@dataclass(slots=True)
class EventState(Primitive):
    is_set: bool = False
    waiters: list[Key] = field(default_factory=list)  # in wait(), in the order they began
    sets: int = 0
    clears: int = 0
    timeouts: int = 0  # waits that returned False
    set_t: int | None = None  # when it was last set
    _flag_t: int = field(default=NEVER, repr=False)  # the time of the set() or clear() the flag shows
    _waiting_t: dict[Key, int] = field(default_factory=dict, repr=False)

    @property
    def woken(self) -> list[Key]:
        """Waiters that set() has woken and whose return is still on its way: they began before it."""
        set_t = self.set_t
        if not self.is_set or set_t is None:
            return []
        return [k for k in self.waiters if self._waiting_t.get(k, set_t) < set_t]


@dataclass(slots=True)
class BarrierState(Primitive):
    parties: int | None = None
    waiting: list[Key] = field(default_factory=list)  # at the barrier, in the order they came
    broken: bool = False
    passes: int = 0  # how often all parties met and went through
    aborts: int = 0  # how often it broke: abort(), a wait that timed out, an action that raised
    resets: int = 0
    _broken_t: int = field(default=NEVER, repr=False)  # the time of the abort or reset ``broken`` shows

    @property
    def n_waiting(self) -> int:
        return len(self.waiting)


@dataclass(slots=True)
class SemaphoreState(Primitive):
    initial: int | None = None  # its value when made (its seats); None until sem.new arrives
    delta: int = 0  # releases minus acquires so far
    holders: list[Key] = field(default_factory=list)  # one entry per seat held: a thread may hold several
    waiters: list[Key] = field(default_factory=list)  # in acquire(), in the order they began to wait
    acquisitions: int = 0
    timeouts: int = 0
    fails: int = 0  # acquire(blocking=False) found no seat
    # A thread that held no seat released one: it is used as a signal, not as seats, so anyone may free a seat and
    # a wait for one is in no deadlock (see tui/engine/deadlocks.py).
    signalled: bool = False
    _taken_at: dict[Key, str | None] = field(default_factory=dict, repr=False)  # where each holder took its seat
    _wait_sites: dict[Key, str | None] = field(default_factory=dict, repr=False)  # where each waiter waits

    def taken_at(self, key: Key) -> str | None:
        return self._taken_at.get(key)

    def wait_site(self, key: Key) -> str | None:
        return self._wait_sites.get(key)

    @property
    def value(self) -> int:
        """Free seats (what ``get_value()`` would say). Never below 0, though an acquire may arrive before the
        release that made its seat free."""
        return max((self.initial or 0) + self.delta, 0)

    @property
    def seats(self) -> int:
        """Free and taken seats together: its first value, more if releases went past it (a plain Semaphore)."""
        return max(self.initial or 0, self.value + len(self.holders))

    @property
    def taken(self) -> int:
        return self.seats - self.value

    @property
    def bounded(self) -> bool:
        return "Bounded" in self.type


SyncRecord = LockRecord | ConditionState | EventState | BarrierState | SemaphoreState
R = TypeVar("R", bound=Primitive)


class SyncFold(ModelCore):
    # LockFold's (the same Model has both folds).
    locks: dict[str, LockRecord]  # type: ignore[assignment]
    _lock: Callable[[Fields], LockRecord]
    _wait_for_lock: Callable[[LockRecord, ThreadNode, int], None]

    def __init__(self) -> None:
        super().__init__()
        self.conditions: dict[str, ConditionState] = {}
        self.sync_events: dict[str, EventState] = {}  # threading.Event and mp.Event (``events`` counts events)
        self.barriers: dict[str, BarrierState] = {}
        self.semaphores: dict[str, SemaphoreState] = {}

    # -- finding them ---------------------------------------------------------------------------------------------
    def primitive(self, oid: str | None) -> SyncRecord | None:
        """The lock, condition, event, barrier or semaphore with this id."""
        if oid is None:
            return None
        return (self.locks.get(oid) or self.conditions.get(oid) or self.sync_events.get(oid)
                or self.barriers.get(oid) or self.semaphores.get(oid))

    def primitives(self) -> list[SyncRecord]:
        """Every primitive the script made, in the order the model heard of them; a condition's own lock is shown
        inside its condition, not on its own."""
        found: list[SyncRecord] = [lock for lock in self.locks.values() if lock.within is None]
        found += [*self.conditions.values(), *self.sync_events.values(), *self.barriers.values(),
                  *self.semaphores.values()]
        return sorted(found, key=lambda record: record.seq)

    def waited_name(self, oid: str | None) -> str | None:
        """A primitive a thread waits for, as the script names it: ``ready (Event)``, ``lock of cv (RLock)``."""
        found = self.primitive(oid)
        if found is None:
            return None
        if isinstance(found, LockRecord):
            cond = self.conditions.get(found.within) if found.within is not None else None
            name = f"lock of {cond.name or cond.id}" if cond is not None else found.name or found.id
            return f"{name} ({found.type.rsplit('.', 1)[-1]})"
        return found.label

    def _record(self, table: dict[str, R], cls: type[R], oid: object) -> R:
        """The primitive with this id, made on first mention (its ``*.new`` may arrive after its first use)."""
        record = table.get(str(oid))
        if record is None:
            record = table[str(oid)] = cls(str(oid), seq=self.events)
        return record

    def _made(self, record: Primitive, pid: int, f: Fields) -> None:
        record.type = f.get("type") or record.type
        record.name = f.get("name", record.name)
        record.site = f.get("site", record.site)
        record.created_by = pid
        self.touch(Part.LOCKS)

    def _waits(self, th: ThreadNode, waiting: list[Key], on: str, t: int, timed: bool) -> None:
        """``th`` waits for ``on`` (in the list ``waiting``); ``timed``: it gives up after a timeout."""
        if th.alive and th.key not in waiting:
            waiting.append(th.key)
        self._set_state(th, State.BLOCKED, t, on, timed=timed)

    def _done_waiting(self, th: ThreadNode, waiting: list[Key], on: str, t: int) -> None:
        if waiting and th.key in waiting:
            waiting.remove(th.key)
        if th.state is State.BLOCKED and th.blocked_on == on:
            self._set_state(th, State.RUNNING, t)

    # -- conditions -----------------------------------------------------------------------------------------------
    def _cond(self, f: Fields) -> ConditionState:
        return self._record(self.conditions, ConditionState, f["cond"])

    @handles(ev.COND_NEW)
    def _cond_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        c = self._cond(f)
        self._made(c, pid, f)
        lock_id = f.get("lock")
        if lock_id is not None:
            c.lock = str(lock_id)
            lock = self._lock({"lock": lock_id})
            if c.id not in lock.conditions:
                lock.conditions += (c.id,)

    @handles(ev.COND_WAIT)
    def _cond_wait(self, t: int, pid: int, tid: int, f: Fields) -> None:
        c = self._cond(f)
        th = self._thread(pid, tid, t)
        if f.get("phase") == "begin":
            c.waits += 1
            self._waits(th, c.room, c.id, t, f.get("timeout") is not None)
        else:
            if f.get("result") is False:
                c.timeouts += 1
            self._done_waiting(th, c.room, c.id, t)
            if th.state is State.BLOCKED and th.blocked_on == c.lock:
                self._set_state(th, State.RUNNING, t)
        self.touch(Part.LOCKS)

    @handles(ev.COND_SUMMARY)
    def _cond_summary(self, t: int, pid: int, tid: int, f: Fields) -> None:
        """A process's waits and notifies of a hot condition so far in its span, and who of it is in wait() now."""
        c = self._cond(f)
        since, waits_before, notifies_before, summaries, _ = c.hot.get(pid, (None, 0, 0, 0, 0))
        if since != f["since"]:
            waits_before = notifies_before = summaries = 0
        counts = f.get("n") or {}
        waits, notifies = counts.get("wait", 0), counts.get("notify", 0)
        c.waits += waits - waits_before
        c.notifies += notifies - notifies_before
        c.summarised += waits - waits_before + notifies - notifies_before
        if f.get("done"):
            c.hot.pop(pid, None)
        else:
            c.hot[pid] = (f["since"], waits, notifies, summaries + 1, t)
        waiting = {(pid, tid_) for tid_ in f.get("waiting") or ()}
        for key in [k for k in c.room if k[0] == pid and k not in waiting]:
            th = self.thread(*key)
            if th is not None:
                self._done_waiting(th, c.room, c.id, t)
        for key in waiting:
            if key not in c.room and key[1]:
                # A summary does not say whether it waits with a timeout: as if it did, so it is never called stuck.
                self._waits(self._thread(pid, key[1], t), c.room, c.id, t, timed=True)
        self.touch(Part.LOCKS)

    @handles(ev.COND_NOTIFY)
    def _cond_notify(self, t: int, pid: int, tid: int, f: Fields) -> None:
        c = self._cond(f)
        c.notifies += 1
        if c.fifo and c.room and c.lock is not None:
            # threading's notify(n) wakes the n oldest waiters: from now on they wait to take the lock back, which
            # the notifier holds (notify() needs it).
            n = f.get("n", 1)
            woken = list(c.room) if n < 0 else c.room[:n]
            del c.room[:len(woken)]
            lock = self.locks.get(c.lock)
            for key in woken:
                th = self.thread(*key)
                if lock is not None and th is not None:
                    self._wait_for_lock(lock, th, t)
        self.touch(Part.LOCKS)

    def _taking_back(self, lock: LockRecord, th: ThreadNode) -> None:
        """A thread waits for a condition's lock or takes it: it is out of that condition's wait()."""
        for cond_id in lock.conditions:
            c = self.conditions.get(cond_id)
            if c is not None and c.room and th.key in c.room:
                c.room.remove(th.key)

    # -- events ---------------------------------------------------------------------------------------------------
    def _event(self, f: Fields) -> EventState:
        return self._record(self.sync_events, EventState, f["event"])

    @handles(ev.EVENT_NEW)
    def _event_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self._made(self._event(f), pid, f)

    @handles(ev.EVENT_SET)
    def _event_set(self, t: int, pid: int, tid: int, f: Fields) -> None:
        e = self._event(f)
        e.sets += 1
        self._flag(e, t, True)

    @handles(ev.EVENT_CLEAR)
    def _event_clear(self, t: int, pid: int, tid: int, f: Fields) -> None:
        e = self._event(f)
        e.clears += 1
        self._flag(e, t, False)

    def _flag(self, e: EventState, t: int, value: bool) -> None:
        if t >= e._flag_t:  # a set() older than the clear() the flag shows (or the other way) changes nothing
            e._flag_t = t
            e.is_set = value
            if value:
                e.set_t = t
        self.touch(Part.LOCKS)

    @handles(ev.EVENT_WAIT)
    def _event_wait(self, t: int, pid: int, tid: int, f: Fields) -> None:
        e = self._event(f)
        th = self._thread(pid, tid, t)
        if f.get("phase") == "begin":
            e._waiting_t.setdefault(th.key, t)
            self._waits(th, e.waiters, e.id, t, f.get("timeout") is not None)
        else:
            if f.get("result") is False:
                e.timeouts += 1
            e._waiting_t.pop(th.key, None)
            self._done_waiting(th, e.waiters, e.id, t)
        self.touch(Part.LOCKS)

    # -- barriers -------------------------------------------------------------------------------------------------
    def _barrier(self, f: Fields) -> BarrierState:
        return self._record(self.barriers, BarrierState, f["barrier"])

    @handles(ev.BARRIER_NEW)
    def _barrier_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        b = self._barrier(f)
        b.parties = f.get("parties", b.parties)
        self._made(b, pid, f)

    @handles(ev.BARRIER_WAIT)
    def _barrier_wait(self, t: int, pid: int, tid: int, f: Fields) -> None:
        b = self._barrier(f)
        th = self._thread(pid, tid, t)
        if f.get("phase") == "begin":
            self._waits(th, b.waiting, b.id, t, f.get("timeout") is not None)
        else:
            index = f.get("index")
            if b.parties is not None and index == b.parties - 1:
                b.passes += 1  # the last to come lets them all through
            self._done_waiting(th, b.waiting, b.id, t)
        self.touch(Part.LOCKS)

    def _barrier_broken(self, b: BarrierState, t: int, broken: bool) -> None:
        if t >= b._broken_t:
            b._broken_t = t
            b.broken = broken
        self.touch(Part.LOCKS)

    @handles(ev.BARRIER_ABORT)
    def _barrier_abort(self, t: int, pid: int, tid: int, f: Fields) -> None:
        b = self._barrier(f)
        b.aborts += 1
        self._barrier_broken(b, t, True)

    @handles(ev.BARRIER_RESET)
    def _barrier_reset(self, t: int, pid: int, tid: int, f: Fields) -> None:
        b = self._barrier(f)
        b.resets += 1
        self._barrier_broken(b, t, False)

    # -- semaphores -----------------------------------------------------------------------------------------------
    def _sem(self, f: Fields) -> SemaphoreState:
        return self._record(self.semaphores, SemaphoreState, f["sem"])

    @handles(ev.SEM_NEW)
    def _sem_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        s = self._sem(f)
        value = f.get("value")
        if value is not None:
            s.initial = int(value)
        self._made(s, pid, f)

    @handles(ev.SEM_WAIT)
    def _sem_wait(self, t: int, pid: int, tid: int, f: Fields) -> None:
        s = self._sem(f)
        th = self._thread(pid, tid, t)
        s._wait_sites[th.key] = f.get("site")
        self._waits(th, s.waiters, s.id, t, f.get("timeout") is not None)
        self.touch(Part.LOCKS)

    @handles(ev.SEM_ACQUIRE)
    def _sem_acquire(self, t: int, pid: int, tid: int, f: Fields) -> None:
        s = self._sem(f)
        th = self._thread(pid, tid, t)
        self._done_waiting(th, s.waiters, s.id, t)
        s.delta -= 1
        s.acquisitions += 1
        s.holders.append(th.key)
        s._taken_at[th.key] = f.get("site")
        self.touch(Part.LOCKS)

    @handles(ev.SEM_RELEASE)
    def _sem_release(self, t: int, pid: int, tid: int, f: Fields) -> None:
        s = self._sem(f)
        n = int(f.get("n", 1))
        s.delta += n
        key = (pid, tid or pid)
        holders = s.holders
        for _ in range(n):
            if key in holders:
                holders.remove(key)
                continue
            s.signalled = True
            if holders:
                # Anyone may release a semaphore. A release by a thread that holds no seat gives one back all the
                # same: the oldest holder's, so that free and taken seats still add up to the seats there are.
                holders.pop(0)
        self.touch(Part.LOCKS)

    @handles(ev.SEM_TIMEOUT)
    def _sem_timeout(self, t: int, pid: int, tid: int, f: Fields) -> None:
        s = self._sem(f)
        s.timeouts += 1
        self._done_waiting(self._thread(pid, tid, t), s.waiters, s.id, t)
        self.touch(Part.LOCKS)

    @handles(ev.SEM_FAIL)
    def _sem_fail(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self._sem(f).fails += 1
        self.touch(Part.LOCKS)

    # -- when threads and processes end ---------------------------------------------------------------------------
    def _forget_waits(self, pid: int, tid: int | None) -> None:
        gone = gone_from(pid, tid)
        lists = [c.room for c in self.conditions.values()] + [e.waiters for e in self.sync_events.values()]
        lists += [b.waiting for b in self.barriers.values()] + [s.waiters for s in self.semaphores.values()]
        if any([drop_keys(keys, gone) for keys in lists]):
            self.touch(Part.LOCKS)
        super()._forget_waits(pid, tid)

    def _process_gone(self, p: ProcessNode, t: int) -> None:
        # A threading semaphore lives in the process's memory and dies with it; a multiprocessing one keeps the
        # seats of a process that never gave them back.
        for s in self.semaphores.values():
            if s.type.startswith("threading.") and drop_keys(s.holders, gone_from(p.pid, None)):
                self.touch(Part.LOCKS)
        super()._process_gone(p, t)
