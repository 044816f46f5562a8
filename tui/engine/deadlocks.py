"""Deadlocks and stalls as they form, found in the model.

**The wait-for graph.** Each thread of the run, in any process, that waits with no timeout for something only
certain threads can give it points at them: a lock (Lock or RLock, a condition's own) at its one owner; a seat of a
semaphore at the threads holding its seats (any of them may free one); a ``join()`` at the thread, or the process's
main thread, it waits to end. A set of such threads each of which waits only for threads of the same set is stuck
for good; a cycle among them is a **deadlock**, told once as contui's own ``deadlock`` event (recorded, exported,
folded like any other).

**A stall** is every live thread of the run blocked, with no timeout, on the run's own primitives (a queue's get, an
event's wait, a pipe's recv ... as well), and no cycle among them: nothing is left to wake any of them. It is told
once, as a ``stall`` event.

**A potential deadlock** is locks taken in orders that go round in a circle: one thread took A then asked for B,
another took B then asked for A (or A→B, B→C, C→A ...), each with no timeout. Threads doing so at the same moment
would deadlock, though this run was lucky. Told once per circle of locks, as a ``lock.order`` event, with both (or
all) orders and the lines where they were taken. Orders of one thread alone are none: it never waits for itself.

Not a deadlock: a wait with a timeout (it gives up), an RLock taken again by its owner (it does not wait), a
condition's wait (it gives its lock up first), a thread waiting for a lock it holds itself (a plain Lock may be
released by any thread: a signal, not a cycle), a semaphore some thread released without holding a seat (a signal
too: anyone may free a seat), and a wait that has not lasted SETTLE_NS yet (the events of several processes arrive
in batches: a release still on its way must not make a cycle of a moment). Not a stall: a thread that runs, sleeps,
is held in step mode or waits in a call contui does not trace (``input()``, a socket: the world outside may answer),
and a process whose threads contui has not heard of yet.
"""

from __future__ import annotations

from itertools import islice

from tui.engine.model.records import (
    ALARM_WORDS, DeadlockMember, JoinKind, Key, OrderMember, Part, StallMember, State, ThreadNode, WaitKind,
)
from tui.inside import kinds as ev

TYPE_CHECKING = False  # loaded with the model, by contui run too: typing is not loaded at run time there
if TYPE_CHECKING:
    from typing import Any

    from tui.engine.model import Model
    from tui.engine.model.locks import LockOrder

# Every wait of a cycle has lasted this long (on the run's clock) before the cycle is called a deadlock.
SETTLE_NS = 100_000_000
# Every thread of a stall has waited this long: a stall has no cycle to prove it, only the events so far, and a
# wake-up from another process may still be on its way.
STALL_SETTLE_NS = 500_000_000


class Wait:
    """What one thread waits for in the graph: ``on`` (a lock's or semaphore's id, or the joined thread's
    ``pid:tid``), of ``kind``, named ``name``, waited for at ``site``; ``by``: the threads that could end the wait."""

    __slots__ = ("kind", "on", "name", "site", "by")

    def __init__(self, kind: WaitKind, on: str, name: str, site: str | None, by: tuple[Key, ...]) -> None:
        self.kind, self.on, self.name, self.site, self.by = kind, on, name, site, by


def find_cycle(model: Model, now: int, settle_ns: int = SETTLE_NS) -> tuple[DeadlockMember, ...] | None:
    """The first cycle of waits in the model at ``now`` (ns on the run's clock), each member waiting for the next;
    None if there is none."""
    return _cycle(model, _waits(model, now, settle_ns)[0])


def _waits(model: Model, now: int, settle_ns: int) -> tuple[dict[Key, Wait], bool]:
    """Thread -> what it waits for in the graph, for waits that have lasted ``settle_ns``; and whether a wait was
    left out only for being younger than that."""
    waits: dict[Key, Wait] = {}
    young = False
    for lock in model.locks.values():
        if not lock.waiters or not lock.exclusive or len(lock.owners) != 1:
            continue
        owner = lock.owners[0]
        for key in lock.waiters:
            since = lock.waiting_since(key)
            if key == owner or since is None or not lock.waits_for_ever(key):
                continue
            if now - since < settle_ns:
                young = True
            else:
                waits[key] = Wait(WaitKind.LOCK, lock.id, lock.name or lock.id, lock.wait_site(key), (owner,))
    for sem in model.semaphores.values():
        if not sem.waiters or sem.signalled or not sem.holders:
            continue
        holders = tuple(dict.fromkeys(sem.holders))
        for key in sem.waiters:
            th = model.thread(*key)
            if th is None or th.timed or th.blocked_on != sem.id:
                continue
            if now - th.state_t < settle_ns:
                young = True
            else:
                waits[key] = Wait(WaitKind.SEAT, sem.id, sem.name or sem.id, sem.wait_site(key), holders)
    for p in model.processes.values():
        for th in p.threads.values():
            joined = _joined(model, th)
            if joined is None or th.timed:
                continue
            if now - th.state_t < settle_ns:
                young = True
            else:
                waits[th.key] = Wait(WaitKind.JOIN, f"{joined[0]}:{joined[1]}", _thread_name(model, joined), None,
                                     (joined,))
    return waits, young


def _joined(model: Model, th: ThreadNode) -> Key | None:
    """The thread ``th`` waits to end in join() (a process's: its main thread), if it joins one contui knows."""
    if th.state is not State.JOINING or th.joining is None:
        return None
    key = (th.pid, th.joining) if th.joining_kind is JoinKind.THREAD else (th.joining, th.joining)
    joined = model.thread(*key)
    return key if joined is not None and joined.alive else None


def _stuck(waits: dict[Key, Wait]) -> set[Key]:
    """The threads that wait only for threads that wait only for ... each other: none of them can ever go on."""
    stuck = set(waits)
    changed = True
    while changed:
        changed = False
        for key in list(stuck):
            if not all(other in stuck for other in waits[key].by):
                stuck.discard(key)
                changed = True
    return stuck


def _cycle(model: Model, waits: dict[Key, Wait]) -> tuple[DeadlockMember, ...] | None:
    stuck = _stuck(waits)
    if not stuck:
        return None
    key = min(stuck)
    path: list[Key] = []
    while key not in path:  # each stuck thread waits for stuck threads only: the walk comes back to one
        path.append(key)
        key = min(waits[key].by)
    return _members(model, waits, path[path.index(key):])


def _members(model: Model, waits: dict[Key, Wait], cycle: list[Key]) -> tuple[DeadlockMember, ...]:
    """Each thread of the cycle with what it waits for, and what it holds that the one before it waits for."""
    out = []
    for i, key in enumerate(cycle):
        wants = waits[key]
        before = waits[cycle[i - 1]]  # the one before waits for this one: for what it holds, or for it to end
        if before.kind is WaitKind.JOIN:
            holds, holds_name, taken_at = "", "", None
        else:
            record = model.locks.get(before.on) or model.semaphores.get(before.on)
            holds, holds_name = before.on, before.name
            taken_at = record.taken_at(key) if record is not None else None
        out.append(DeadlockMember(key[0], key[1], holds, wants.on, taken_at, wants.site, _thread_name(model, key),
                                  holds_name, wants.name, wants.kind))
    return tuple(out)


def _thread_name(model: Model, key: Key) -> str:
    """A main thread by its process's name (``Process-2``), any other by its own (``Thread-1``): as the course
    calls them (``egon (Process-2)``), as every view does."""
    pid, tid = key
    thread = model.thread(pid, tid)
    if thread is None or tid == pid:
        return model.shown_name(pid)
    return model.thread_shown_name(thread)


def find_stall(model: Model, now: int, settle_ns: int = STALL_SETTLE_NS) -> tuple[StallMember, ...] | None:
    """Every live thread of the run, blocked or joining with no timeout on the run's primitives for ``settle_ns``;
    None if any thread can still go on (or contui cannot tell)."""
    members: list[StallMember] = []
    for p in model.processes.values():
        if p.ended:
            continue
        if not p.threads or p.pid not in p.threads:
            return None  # a process whose main thread contui has not heard of yet: it may be about to run
        for th in p.threads.values():
            if not th.alive:
                continue
            if (th.state not in (State.BLOCKED, State.JOINING) or th.timed or th.held is not None
                    or th.waits_in is not None or now - th.state_t < settle_ns):
                return None
            if th.state is State.JOINING and not _joins_one_alive(model, th):
                return None  # what it joins has ended: its join() returns now
            members.append(StallMember(th.pid, th.tid, _thread_name(model, th.key), _waits_for(model, th),
                                       th.blocked_on))
    return tuple(members) or None


def _joins_one_alive(model: Model, th: ThreadNode) -> bool:
    if th.joining_kind is JoinKind.THREAD:
        joined = model.thread(th.pid, th.joining) if th.joining is not None else None
        return joined is not None and joined.alive
    p = model.processes.get(th.joining) if th.joining is not None else None
    return p is not None and not p.ended


def _waits_for(model: Model, th: ThreadNode) -> str:
    """``q (Queue)``, ``Process-2 [123] to end``: what a stalled thread waits for, as the views say it."""
    if th.state is State.JOINING and th.joining is not None:
        key = (th.pid, th.joining) if th.joining_kind is JoinKind.THREAD else (th.joining, th.joining)
        return f"{_thread_name(model, key)} to end"
    return model.waited_object(th.blocked_on)


def event_fields(members: tuple[DeadlockMember, ...]) -> dict[str, Any]:
    """The ``deadlock`` event's fields for a cycle: the names too, so that views without the model can word it."""
    return {"members": [{"pid": m.pid, "tid": m.tid, "holds": m.holds, "wants": m.wants, "taken_at": m.taken_at,
                         "waits_at": m.waits_at, "name": m.name, "holds_name": m.holds_name,
                         "wants_name": m.wants_name, "wants_kind": str(m.wants_kind)} for m in members]}


def stall_fields(members: tuple[StallMember, ...]) -> dict[str, Any]:
    """The ``stall`` event's fields: each thread and what it waits for."""
    return {"members": [{"pid": m.pid, "tid": m.tid, "name": m.name, "what": m.what, "on": m.on} for m in members]}


def sentence(fields: dict[str, Any]) -> str:
    """A ``deadlock`` event in words: ``Process-2 holds A (x.py:12), waits for B (x.py:20) · Process-3 ...``."""
    return " · ".join(DeadlockMember.from_fields(m).sentence() for m in fields["members"])


def stall_sentence(fields: dict[str, Any]) -> str:
    """A ``stall`` event in words: ``MainProcess waits for q (Queue) · Thread-1 waits for ready (Event)``."""
    return " · ".join(StallMember.from_fields(m).sentence() for m in fields["members"])


def order_fields(model: Model, orders: list[LockOrder]) -> dict[str, Any]:
    """The ``lock.order`` event's fields for a circle of lock orders."""
    def name(lid: str) -> str:
        lock = model.locks.get(lid)
        return (lock.name if lock is not None else None) or lid

    return {"orders": [{"pid": o.key[0], "tid": o.key[1], "name": _thread_name(model, o.key), "first": o.first,
                        "first_name": name(o.first), "first_at": o.first_at, "then": o.then,
                        "then_name": name(o.then), "then_at": o.then_at} for o in orders]}


def alarm_sentence(kind: str, fields: dict[str, Any]) -> str:
    """A ``deadlock``, ``stall`` or ``lock.order`` event in one line, as ``--plain``, the export and ``contui run``
    say it."""
    words = ALARM_WORDS["en"]
    if kind == ev.STALL:
        return f"stall: {words['stalled']}: {stall_sentence(fields)}"
    if kind == ev.LOCK_ORDER:
        orders = " · ".join(OrderMember.from_fields(m).sentence() for m in fields["orders"])
        return f"potential deadlock: {words['inverted']}: {orders}"
    return f"deadlock: {sentence(fields)}"


class OrderWatch:
    """The lock orders of the run as a graph (first -> then), grown as the model learns them; each new order that
    closes a circle through another thread's orders is told once per circle of locks."""

    def __init__(self) -> None:
        self._seen = 0  # the model's orders taken in so far
        self._after: dict[str, list[LockOrder]] = {}  # first -> the orders taken from it
        self._told: set[frozenset[str]] = set()

    def found(self, model: Model) -> list[dict[str, Any]]:
        orders = model.lock_orders
        if len(orders) == self._seen:
            return []
        out = []
        for order in list(islice(orders.values(), self._seen, None)):
            self._after.setdefault(order.first, []).append(order)
            back = self._path(order.then, order.first)
            if back is None:
                continue
            circle = [order, *back]
            locks = frozenset(o.first for o in circle)
            if len({o.key for o in circle}) < 2 or locks in self._told:
                continue
            self._told.add(locks)
            out.append(order_fields(model, circle))
        self._seen = len(orders)
        return out

    def _path(self, start: str, goal: str) -> list[LockOrder] | None:
        """The fewest orders leading from lock ``start`` to lock ``goal`` (breadth first), or None."""
        came: dict[str, LockOrder | None] = {start: None}
        frontier = [start]
        while frontier:
            nxt = []
            for lid in frontier:
                for order in self._after.get(lid, ()):
                    if order.then in came:
                        continue
                    came[order.then] = order
                    if order.then == goal:
                        path = []
                        at = goal
                        while (step := came[at]) is not None:
                            path.append(step)
                            at = step.first
                        return path[::-1]
                    nxt.append(order.then)
            frontier = nxt
        return None


class DeadlockWatch:
    """Looks for a cycle, a stall or lock orders in a circle after each batch: again only once the threads or the
    locks have changed, or a wait too young to count before may count now. Tells each once."""

    def __init__(self, settle_ns: int = SETTLE_NS, stall_settle_ns: int = STALL_SETTLE_NS) -> None:
        self.settle_ns = settle_ns
        self.stall_settle_ns = stall_settle_ns
        self._told: set[frozenset[tuple[int, int, str]]] = set()
        self._stalls: set[frozenset[tuple[int, int, str | None]]] = set()
        self._seen: tuple[int, int] = (-1, -1)  # the locks' and the processes' versions last looked at
        self._young = False
        self._stall_seen: tuple[frozenset[tuple[int, int, str | None]], int] | None = None  # a stall, since when
        self._stall_due: int | None = None  # when that stall will have lasted long enough to be told
        self._orders = OrderWatch()

    def check(self, model: Model, now: int) -> dict[str, Any] | None:
        """The fields of a ``deadlock`` event for a cycle not told yet, or None."""
        return next((fields for kind, fields in self.found(model, now) if kind == ev.DEADLOCK), None)

    def found(self, model: Model, now: int) -> list[tuple[str, dict[str, Any]]]:
        """The events (kind, fields) of what was found and not told yet: lock orders in a circle, then a deadlock
        or a stall."""
        version = (model.versions[Part.LOCKS], model.versions[Part.PROCESSES])
        due = self._stall_due is not None and now >= self._stall_due
        if version == self._seen and not self._young and not due:
            return []
        self._seen = version
        out = [(ev.LOCK_ORDER, fields) for fields in self._orders.found(model)]
        waits, self._young = _waits(model, now, self.settle_ns)
        members = _cycle(model, waits)
        if members is not None:
            cycle = frozenset((m.pid, m.tid, m.wants) for m in members)
            if cycle not in self._told:
                self._told.add(cycle)
                out.append((ev.DEADLOCK, event_fields(members)))
            return out
        stall = self._stall(model, now)
        return out if stall is None else [*out, (ev.STALL, stall)]

    def _stall(self, model: Model, now: int) -> dict[str, Any] | None:
        """A stall is told once the same threads have been seen waiting for the same things, and nothing else of
        the run alive, for ``stall_settle_ns``: a process's end or a wake-up may be folded a batch before the
        return from the join() or get() it ends."""
        self._stall_due = None
        stalled = find_stall(model, now, 0)
        if stalled is None:
            self._stall_seen = None
            return None
        key = frozenset((m.pid, m.tid, m.on) for m in stalled)
        if self._stall_seen is None or self._stall_seen[0] != key:
            self._stall_seen = (key, now)
        since = self._stall_seen[1]
        if now - since < self.stall_settle_ns:
            self._stall_due = since + self.stall_settle_ns
            return None
        if key in self._stalls:
            return None
        self._stalls.add(key)
        return stall_fields(stalled)
