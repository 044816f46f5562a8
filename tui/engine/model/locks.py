"""The fold of locks (threading and multiprocessing Lock and RLock, and a condition's lock): who holds each, since
when and how deep, who waits in what order, how often it was taken, how often an acquire gave up or a try failed.

Events of different processes arrive in batches, not in the order they happened, so the fold leans on their times:
an acquire older than the current owner's, or than a release already folded, is a hold that already ended; and a thread that began waiting after the
lock's last known release found it held by someone whose acquire is still on its way (``owner_unreported``) - the
lock is never shown free while its last holder waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tui.engine.model.core import Fields, ModelCore, drop_keys, gone_from, handles
from tui.engine.model.detail import add_mark
from tui.engine.model.records import (
    UNKNOWN, DeadlockMember, DeadlockRecord, Key, LockState, Mark, MarkKind, OrderMember, OrderRecord, Part, ProcessNode, StallMember,
    StallRecord, State, ThreadNode, counting_now,
)
from tui.inside import kinds as ev

# At most one "acquire" mark per lane in this many ns (see LockFold._lock_acquire).
ACQUIRE_MARK_SPACING_NS = 1_000_000
NEVER = -1  # no release seen yet


@dataclass(slots=True)
class HotSpan:
    """A stretch in which one process summarised its use of a lock (``lock.summary``): the counts so far."""

    pid: int
    since: int  # when the span began
    t: int  # the latest summary's time
    n: int = 0
    waits: int = 0
    fails: int = 0
    hold_ns: int = 0
    timed: int = 0
    summaries: int = 0  # folded so far
    ended: bool = False


@dataclass(slots=True)
class Summarised:
    """What a lock's summaries told, all spans and processes together: acquires (in ``acquisitions`` too), waits,
    hold and wait times. Hold times are of the holds timed (the tracer times one in 16: see
    tui/inside/trace/hot.py), wait times of every wait."""

    spans: int = 0  # spans begun
    acquires: int = 0
    waits: int = 0
    hold_ns: int = 0  # the timed holds together
    timed: int = 0  # holds timed
    hold_max_ns: int = 0
    wait_max_ns: int = 0
    first_t: int = 0  # the first span's start
    last_t: int = 0  # the latest summary
    open: dict[int, HotSpan] = field(default_factory=dict)  # by pid: spans not ended yet

    def counting(self, now: int) -> bool:
        return counting_now((span.t for span in self.open.values()), now)


@dataclass(frozen=True, slots=True)
class LockOrder:
    """The first time a thread took (or waited, for ever, for) lock ``then`` while it held lock ``first``: where it
    had taken ``first`` and where it asked for ``then``."""

    key: Key
    first: str
    then: str
    first_at: str | None
    then_at: str | None
    t: int


@dataclass(slots=True)
class LockRecord(LockState):
    """A lock as protocol 3 knows it: :class:`LockState` and what came with conditions and failed tries."""

    fails: int = 0  # acquire(blocking=False) found it taken
    within: str | None = None  # the condition whose own lock this is (it made it): views show it inside that one
    conditions: tuple[str, ...] = ()  # the conditions made on this lock (its own, or one the script gave them)
    seq: int = 0  # the model's event count when it was first mentioned: views list primitives in this order
    summarised: Summarised | None = None  # set once a process summarised it (a hot loop): see LockFold
    _waiting_t: dict[Key, int] = field(default_factory=dict, repr=False)  # when each waiter began to wait
    _wait_sites: dict[Key, str | None] = field(default_factory=dict, repr=False)  # where each waiter waits
    _timed: set[Key] = field(default_factory=set, repr=False)  # waiters that give up after a timeout
    _taken_at: dict[Key, str | None] = field(default_factory=dict, repr=False)  # where each owner took it
    _released_t: int = field(default=NEVER, repr=False)  # the latest release folded

    @property
    def owner_unreported(self) -> bool:
        """Held, but by whom is still on its way: nobody holds it as far as the events say, yet a thread began
        waiting after its last known release, so someone had taken it by then."""
        if self.owners or not self.exclusive:
            return False
        released = self._released_t
        return any(t > released for t in self._waiting_t.values())

    @property
    def free(self) -> bool:
        return not self.owners and not self.owner_unreported

    def waiting_since(self, key: Key) -> int | None:
        """When ``key`` began to wait for it (None: it does not wait)."""
        return self._waiting_t.get(key)

    def waits_for_ever(self, key: Key) -> bool:
        """``key`` waits for it with no timeout (a wait told as it is, or counted in a hot span)."""
        return key in self._waiting_t and key not in self._timed

    def wait_site(self, key: Key) -> str | None:
        return self._wait_sites.get(key)

    def taken_at(self, key: Key) -> str | None:
        """Where ``key``, an owner, took it (None: not said, as for a hold a summary told)."""
        return self._taken_at.get(key)


class LockFold(ModelCore):
    locks: dict[str, LockRecord]  # type: ignore[assignment]  # the core's dict, of this fold's records
    # A thread waits for a condition's lock or takes it: it is out of the condition's wait(). The conditions' fold
    # (sync.py) defines it; declared, not defined, here, so that one is found.
    _taking_back: Callable[[LockRecord, ThreadNode], None]

    def __init__(self) -> None:
        super().__init__()
        self.deadlocks: list[DeadlockRecord] = []  # the cycles contui found, in order (``deadlock`` events)
        self.stalls: list[StallRecord] = []  # the stalls contui found, in order (``stall`` events)
        # Each order in which two locks were taken, once: (first, then) -> the first time (see LockOrder). The
        # deadlock watch looks for orders that contradict each other (tui/engine/deadlocks.py).
        self.lock_orders: dict[tuple[str, str], LockOrder] = {}
        self.potential_deadlocks: list[OrderRecord] = []  # orders found going round in a circle (``lock.order``)
        self._holding: dict[Key, list[str]] = {}  # the locks each thread took, in order (some may be released)
        # Locks made on one line under one name, in the order they were made.
        self._namesakes: dict[tuple[str | None, str], list[LockRecord]] = {}

    @handles(ev.DEADLOCK)
    def _deadlock(self, t: int, pid: int, tid: int, f: Fields) -> None:
        members = tuple(DeadlockMember.from_fields(m) for m in f["members"])
        self.deadlocks.append(DeadlockRecord(t, members))
        for member in members:
            th = self.thread(member.pid, member.tid)
            if th is not None and th.lane is not None:
                add_mark(th.lane, Mark(t, MarkKind.DEADLOCK, member.wants))
        self.touch(Part.LOCKS, Part.PROCESSES, Part.RUN, Part.TIMELINE)

    @handles(ev.STALL)
    def _stall(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self.stalls.append(StallRecord(t, tuple(StallMember.from_fields(m) for m in f["members"])))
        self.touch(Part.LOCKS, Part.PROCESSES, Part.RUN)

    @handles(ev.LOCK_ORDER)
    def _lock_order(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self.potential_deadlocks.append(OrderRecord(t, tuple(OrderMember.from_fields(m) for m in f["orders"])))
        self.touch(Part.LOCKS, Part.RUN)

    @property
    def deadlock(self) -> DeadlockRecord | None:
        """The latest deadlock found, which every view highlights."""
        return self.deadlocks[-1] if self.deadlocks else None

    def _lock(self, f: Fields) -> LockRecord:
        lid = f["lock"]
        lock = self.locks.get(lid)
        if lock is None:
            lock = self.locks[lid] = LockRecord(str(lid), f.get("type") or UNKNOWN, site=f.get("site"),
                                                  seq=self.events)
        return lock

    @handles(ev.LOCK_NEW)
    def _lock_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        lock.type = f.get("type") or lock.type
        lock.name = f.get("name", lock.name)
        lock.site = f.get("site", lock.site)
        if lock.name:
            self._number_namesakes(lock)
        lock.within = f.get("within", lock.within)
        lock.created_by = pid
        self.touch(Part.LOCKS)

    @handles(ev.LOCK_WAIT)
    def _lock_wait(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        th = self._thread(pid, tid, t)
        self._wait_for_lock(lock, th, t, f.get("site"), f.get("timeout") is not None)
        self.touch(Part.LOCKS)

    def _wait_for_lock(self, lock: LockRecord, th: ThreadNode, t: int, site: str | None = None,
                       timed: bool = False) -> None:
        if th.alive and th.key not in lock.waiters:
            lock.waiters.append(th.key)
            lock._waiting_t[th.key] = t
            lock._wait_sites[th.key] = site
            if timed:
                lock._timed.add(th.key)
        self._set_state(th, State.BLOCKED, t, lock.id, timed=timed)
        if not timed:
            self._note_order(lock, th.key, site, t)
        if lock.conditions:
            self._taking_back(lock, th)

    def _number_namesakes(self, lock: LockRecord) -> None:
        """Locks made by one line under one name (``forks = [Lock() for _ in range(5)]``) are told apart by the order
        they were made in: ``forks #1`` ... ``forks #5`` (the name alone would make a deadlock read "holds forks,
        waits for forks")."""
        base = lock.name
        assert base is not None
        namesakes = self._namesakes.setdefault((lock.site, base), [])
        if lock not in namesakes:
            namesakes.append(lock)
        if len(namesakes) > 1:
            for n, each in enumerate(namesakes, 1):
                each.name = f"{base} #{n}"

    def _note_order(self, lock: LockRecord, key: Key, site: str | None, t: int) -> None:
        """``key`` asks for ``lock``, for ever: in that order after every lock it holds now."""
        holding = self._holding.get(key)
        if not holding or not lock.exclusive:
            return
        held = [lid for lid in holding if key in self.locks[lid].owners]  # the releases of the rest came since
        self._holding[key] = held
        orders = self.lock_orders
        for first in held:
            if first != lock.id and (first, lock.id) not in orders:
                orders[(first, lock.id)] = LockOrder(key, first, lock.id, self.locks[first].taken_at(key), site, t)

    def _unwait_lock(self, lock: LockRecord, key: Key) -> None:
        waiters = lock.waiters
        if waiters and key in waiters:
            waiters.remove(key)
        lock._waiting_t.pop(key, None)
        lock._wait_sites.pop(key, None)
        lock._timed.discard(key)

    @handles(ev.LOCK_ACQUIRE)
    def _lock_acquire(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        th = self._thread(pid, tid, t)
        key = th.key
        waited = key in lock._waiting_t  # told as it began to wait, if it had to
        self._unwait_lock(lock, key)
        owners = lock.owners
        if key in owners and lock.reentrant:
            lock.depth += 1
        elif lock.exclusive and (t < lock._released_t or (owners and lock._since.get(owners[0], t) > t)):
            # A hold that ended before the current owner's began, or before a release already seen: holds of one
            # lock never overlap, so its report came late and it is over.
            pass
        else:
            if owners and lock.exclusive:
                # Whoever held it has released it, even if that release is still on its way: it clears nothing
                # when it comes, because a release only clears the releaser's own hold.
                owners.clear()
                lock._since.clear()
            if not waited and not f.get("tried") and lock.exclusive:
                self._note_order(lock, key, f.get("site"), t)
            owners.append(key)
            if key not in lock._since:
                lock._since[key] = t
            lock._taken_at[key] = f.get("site")
            if lock.exclusive:
                self._holding.setdefault(key, []).append(lock.id)
            if len(owners) == 1:
                lock.acquired_t = t
                lock.depth = 1
        lock.acquisitions += 1
        if th.state is not State.RUNNING:
            self._set_state(th, State.RUNNING, t)
        if lock.conditions:
            self._taking_back(lock, th)
        lane = th.lane
        if lane is not None:
            marks = lane.marks
            # A lock taken in a tight loop would leave a mark per acquire, kept for the whole run: millions of
            # objects that the garbage collector walks again and again. No timeline cell is narrower than this.
            if not marks or marks[-1].kind is not MarkKind.ACQUIRE or t - marks[-1].t >= ACQUIRE_MARK_SPACING_NS:
                add_mark(lane, Mark(t, MarkKind.ACQUIRE, lock.id))
        self.touch(Part.LOCKS, Part.TIMELINE)

    @handles(ev.LOCK_RELEASE)
    def _lock_release(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        key = (pid, tid or pid)
        if t > lock._released_t:
            unreported = lock.owner_unreported
            lock._released_t = t
            if unreported is not lock.owner_unreported:
                self.touch(Part.LOCKS)
        if key not in lock.owners:
            return  # a late release of a hold that a later acquire already ended
        if lock.reentrant and lock.depth > 1 and lock.owners[0] == key:
            lock.depth -= 1
        else:
            _drop_owner(lock, key)
        self.touch(Part.LOCKS)

    @handles(ev.LOCK_SUMMARY)
    def _lock_summary(self, t: int, pid: int, tid: int, f: Fields) -> None:
        """A process's summary of a hot lock: its counts so far in the span, and who holds it and waits for it
        there now. Counts are the span's totals, so a summary that is lost or late costs nothing but a moment."""
        lock = self._lock(f)
        total = lock.summarised
        if total is None:
            total = lock.summarised = Summarised(first_t=f["since"])
        span = total.open.get(pid)
        if span is None or span.since != f["since"]:
            span = total.open[pid] = HotSpan(pid, f["since"], t)
            total.spans += 1
        n, waits, fails, hold = f["n"], f["waits"], f["fails"], f["hold"]
        timed = f.get("timed", 0)
        lock.acquisitions += n - span.n
        lock.fails += fails - span.fails
        total.acquires += n - span.n
        total.waits += waits - span.waits
        total.hold_ns += hold - span.hold_ns
        total.timed += timed - span.timed
        total.hold_max_ns = max(total.hold_max_ns, f["hold_max"])
        total.wait_max_ns = max(total.wait_max_ns, f["wait_max"])
        total.last_t = max(total.last_t, t)
        span.t, span.n, span.waits, span.fails, span.hold_ns = t, n, waits, fails, hold
        span.timed = timed
        span.summaries += 1
        if f["done"]:
            span.ended = True
            del total.open[pid]
        self._summarised_holds(lock, pid, t, f["holder"], f["depth"])
        self._summarised_waits(lock, pid, t, f["waiting"])
        last = f["holder"] or f.get("last", 0)
        th = self._threads.get((pid, last)) if last else None
        lane = th.lane if th is not None else None
        if lane is not None:
            marks = lane.marks
            if not marks or marks[-1].kind is not MarkKind.SUMMARY or t - marks[-1].t >= ACQUIRE_MARK_SPACING_NS:
                add_mark(lane, Mark(t, MarkKind.SUMMARY, lock.id))
        self.touch(Part.LOCKS, Part.TIMELINE)

    def _summarised_holds(self, lock: LockRecord, pid: int, t: int, holder: int, depth: int) -> None:
        """Who holds the lock in ``pid`` at the summary's moment: the owner view follows at the summary rate."""
        owners = lock.owners
        if holder:
            key = (pid, holder)
            if owners and owners[0] != key and lock.exclusive:
                if lock._since.get(owners[0], t) > t:
                    return  # another process's newer word on who holds it has come first
                owners.clear()
                lock._since.clear()
            if key not in owners:
                owners.append(key)
                lock._since[key] = t
                lock.acquired_t = lock._since[owners[0]]
            lock.depth = max(depth, 1)
        else:
            for key in [o for o in owners if o[0] == pid]:
                _drop_owner(lock, key)

    def _summarised_waits(self, lock: LockRecord, pid: int, t: int, waiting: list[int]) -> None:
        """Who waits for the lock in ``pid`` at the summary's moment."""
        now_waiting = {(pid, tid) for tid in waiting}
        for key in [w for w in lock.waiters if w[0] == pid and w not in now_waiting]:
            self._unwait_lock(lock, key)
            th = self._threads.get(key)
            if th is not None and th.state is State.BLOCKED:
                self._set_state(th, State.RUNNING, t)
        for key in now_waiting:
            if key not in lock.waiters:
                th = self._thread(pid, key[1], t)
                self._wait_for_lock(lock, th, t)

    @handles(ev.LOCK_TIMEOUT)
    def _lock_timeout(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        th = self._thread(pid, tid, t)
        self._unwait_lock(lock, th.key)
        lock.timeouts += 1
        self._set_state(th, State.RUNNING, t)
        self.touch(Part.LOCKS)

    @handles(ev.LOCK_FAIL)
    def _lock_fail(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self._lock(f).fails += 1
        self.touch(Part.LOCKS)

    # -- when threads and processes end ---------------------------------------------------------------------------
    def _forget_waits(self, pid: int, tid: int | None) -> None:
        gone = gone_from(pid, tid)
        for lock in self.locks.values():
            if drop_keys(lock.waiters, gone):
                for key in [k for k in lock._waiting_t if gone(k)]:
                    self._unwait_lock(lock, key)
                self.touch(Part.LOCKS)
        for key in [k for k in self._holding if gone(k)]:
            del self._holding[key]
        super()._forget_waits(pid, tid)

    def _process_gone(self, p: ProcessNode, t: int) -> None:
        # A threading lock lives in the process's memory: it dies with it. A multiprocessing one stays held.
        for lock in self.locks.values():
            if lock.owners and lock.dies_with_process:
                held = [o for o in lock.owners if o[0] == p.pid]
                for o in held:
                    _drop_owner(lock, o)
                if held:
                    self.touch(Part.LOCKS)
        super()._process_gone(p, t)


def _drop_owner(lock: LockRecord, key: Key) -> None:
    owners = lock.owners
    owners.remove(key)
    if key not in owners:
        lock._since.pop(key, None)
        lock._taken_at.pop(key, None)
    if owners:
        lock.acquired_t = lock._since.get(owners[0], lock.acquired_t)
        lock.depth = 1
    else:
        lock.acquired_t = None
        lock.depth = 0
