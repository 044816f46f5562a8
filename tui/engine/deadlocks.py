"""Deadlocks as they form, found in the model: the wait-for graph of the run's threads, in every process, over the
locks they hold and wait for. A cycle of threads, each waiting with no timeout for a lock the next one holds, is a
deadlock; contui says so once, as a ``deadlock`` event of its own (recorded, exported, folded like any other).

Not a deadlock: a wait with a timeout (it gives up), an RLock taken again by its owner (it does not wait), a
condition's wait (it gives its lock up first), a thread waiting for a lock it holds itself (a plain Lock may be
released by any thread: a signal, not a cycle), and a wait that has not lasted SETTLE_NS yet (the events of several
processes arrive in batches: a release still on its way must not make a cycle of a moment).
"""

from __future__ import annotations

from tui.engine.model.records import DeadlockMember, Key, Part

TYPE_CHECKING = False  # loaded with the model, by contui run too: typing is not loaded at run time there
if TYPE_CHECKING:
    from typing import Any

    from tui.engine.model import Model
    from tui.engine.model.locks import LockRecord

# Every wait of a cycle has lasted this long (on the run's clock) before the cycle is called a deadlock.
SETTLE_NS = 100_000_000


def find_cycle(model: Model, now: int, settle_ns: int = SETTLE_NS) -> tuple[DeadlockMember, ...] | None:
    """The first cycle of waits in the model at ``now`` (ns on the run's clock), each member's lock held by the
    next; None if there is none."""
    return _cycle(model, _waits(model, now, settle_ns)[0])


def _waits(model: Model, now: int, settle_ns: int) -> tuple[dict[Key, tuple[LockRecord, Key]], bool]:
    """Thread -> (the lock it waits for with no timeout, the one thread holding it), for waits that have lasted
    ``settle_ns``; and whether a wait was left out only for being younger than that."""
    waits: dict[Key, tuple[LockRecord, Key]] = {}
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
                waits[key] = (lock, owner)
    return waits, young


def _cycle(model: Model, waits: dict[Key, tuple[LockRecord, Key]]) -> tuple[DeadlockMember, ...] | None:
    done: set[Key] = set()
    for start in waits:
        path: list[Key] = []
        on_path: set[Key] = set()
        key = start
        while key in waits and key not in done and key not in on_path:
            path.append(key)
            on_path.add(key)
            key = waits[key][1]
        if key in on_path:  # back on this path: the cycle is from there on
            return _members(model, waits, path[path.index(key):])
        done.update(path)
    return None


def _members(model: Model, waits: dict[Key, tuple[LockRecord, Key]],
             cycle: list[Key]) -> tuple[DeadlockMember, ...]:
    """Each thread of the cycle with the lock it waits for and the lock it holds that the one before it waits for."""
    out = []
    for i, key in enumerate(cycle):
        wants, _ = waits[key]
        held, _ = waits[cycle[i - 1]]  # the one before waits for what this one holds
        out.append(DeadlockMember(key[0], key[1], held.id, wants.id, held.taken_at(key), wants.wait_site(key),
                                  _thread_name(model, key), held.name or held.id, wants.name or wants.id))
    return tuple(out)


def _thread_name(model: Model, key: Key) -> str:
    """A main thread by its process's name (``Process-2``), any other by its own (``Thread-1``)."""
    pid, tid = key
    thread = model.thread(pid, tid)
    if thread is None or tid == pid:
        return model.name_of(pid)
    return thread.name


def event_fields(members: tuple[DeadlockMember, ...]) -> dict[str, Any]:
    """The ``deadlock`` event's fields for a cycle: the names too, so that views without the model can word it."""
    return {"members": [{"pid": m.pid, "tid": m.tid, "holds": m.holds, "wants": m.wants, "taken_at": m.taken_at,
                         "waits_at": m.waits_at, "name": m.name, "holds_name": m.holds_name,
                         "wants_name": m.wants_name} for m in members]}


def sentence(fields: dict[str, Any]) -> str:
    """A ``deadlock`` event in words: ``Process-2 holds A (x.py:12), waits for B (x.py:20) · Process-3 ...``."""
    return " · ".join(DeadlockMember.from_fields(m).sentence() for m in fields["members"])


class DeadlockWatch:
    """Looks for a cycle after each batch: again only once the locks have changed, or a wait too young to count
    before may count now. Tells each cycle once (it stays until the run is stopped)."""

    def __init__(self, settle_ns: int = SETTLE_NS) -> None:
        self.settle_ns = settle_ns
        self._told: set[frozenset[tuple[int, int, str]]] = set()
        self._seen = -1  # the locks' version last looked at
        self._young = False

    def check(self, model: Model, now: int) -> dict[str, Any] | None:
        """The fields of a ``deadlock`` event for a cycle not told yet, or None."""
        version = model.versions[Part.LOCKS]
        if version == self._seen and not self._young:
            return None
        self._seen = version
        waits, self._young = _waits(model, now, self.settle_ns)
        members = _cycle(model, waits)
        if members is None:
            return None
        cycle = frozenset((m.pid, m.tid, m.wants) for m in members)
        if cycle in self._told:
            return None
        self._told.add(cycle)
        return event_fields(members)
