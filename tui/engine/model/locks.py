"""The fold of locks (threading and multiprocessing Lock, RLock, Semaphore): who holds each, since when and how deep,
who waits in what order, how often it was taken and how often an acquire gave up."""

from __future__ import annotations

from tui.engine.model.core import Fields, ModelCore, drop_keys, gone_from, handles
from tui.engine.model.records import UNKNOWN, Key, LockState, Mark, MarkKind, Part, ProcessNode, State
from tui.inside import kinds as ev

# At most one "acquire" mark per lane in this many ns (see LockFold._lock_acquire).
ACQUIRE_MARK_SPACING_NS = 1_000_000


class LockFold(ModelCore):
    def _lock(self, f: Fields) -> LockState:
        lid = f["lock"]
        lock = self.locks.get(lid)
        if lock is None:
            lock = self.locks[lid] = LockState(str(lid), f.get("type") or UNKNOWN, site=f.get("site"))
        return lock

    @handles(ev.LOCK_NEW)
    def _lock_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        lock.type = f.get("type") or lock.type
        lock.name = f.get("name", lock.name)
        lock.site = f.get("site", lock.site)
        lock.created_by = pid
        self.touch(Part.LOCKS)

    @handles(ev.LOCK_WAIT)
    def _lock_wait(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        th = self._thread(pid, tid, t)
        if th.alive and th.key not in lock.waiters:
            lock.waiters.append(th.key)
        self._set_state(th, State.BLOCKED, t, lock.id)
        self.touch(Part.LOCKS)

    @handles(ev.LOCK_ACQUIRE)
    def _lock_acquire(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        th = self._thread(pid, tid, t)
        key = th.key
        waiters = lock.waiters
        if waiters and key in waiters:
            waiters.remove(key)
        owners = lock.owners
        if key in owners and lock.reentrant:
            lock.depth += 1
        else:
            if owners and lock.exclusive:
                # Whoever held it has released it, even if that release is still on its way: it clears nothing
                # when it comes, because a release only clears the releaser's own hold.
                owners.clear()
                lock._since.clear()
            owners.append(key)
            if key not in lock._since:
                lock._since[key] = t
            if len(owners) == 1:
                lock.acquired_t = t
                lock.depth = 1
        lock.acquisitions += 1
        if th.state is not State.RUNNING:
            self._set_state(th, State.RUNNING, t)
        lane = th.lane
        if lane is not None:
            marks = lane.marks
            # A lock taken in a tight loop would leave a mark per acquire, kept for the whole run: millions of
            # objects that the garbage collector walks again and again. No timeline cell is narrower than this.
            if not marks or marks[-1].kind is not MarkKind.ACQUIRE or t - marks[-1].t >= ACQUIRE_MARK_SPACING_NS:
                marks.append(Mark(t, MarkKind.ACQUIRE, lock.id))
        self.touch(Part.LOCKS, Part.TIMELINE)

    @handles(ev.LOCK_RELEASE)
    def _lock_release(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        key = (pid, tid or pid)
        if key not in lock.owners:
            return  # a late release of a hold that a later acquire already ended
        if lock.reentrant and lock.depth > 1 and lock.owners[0] == key:
            lock.depth -= 1
        else:
            _drop_owner(lock, key)
        self.touch(Part.LOCKS)

    @handles(ev.LOCK_TIMEOUT)
    def _lock_timeout(self, t: int, pid: int, tid: int, f: Fields) -> None:
        lock = self._lock(f)
        th = self._thread(pid, tid, t)
        if th.key in lock.waiters:
            lock.waiters.remove(th.key)
        lock.timeouts += 1
        self._set_state(th, State.RUNNING, t)
        self.touch(Part.LOCKS)

    # -- when threads and processes end ---------------------------------------------------------------------------
    def _forget_waits(self, pid: int, tid: int | None) -> None:
        gone = gone_from(pid, tid)
        for lock in self.locks.values():
            if drop_keys(lock.waiters, gone):
                self.touch(Part.LOCKS)
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


def _drop_owner(lock: LockState, key: Key) -> None:
    owners = lock.owners
    owners.remove(key)
    if key not in owners:
        lock._since.pop(key, None)
    if owners:
        lock.acquired_t = lock._since.get(owners[0], lock.acquired_t)
        lock.depth = 1
    else:
        lock.acquired_t = None
        lock.depth = 0
