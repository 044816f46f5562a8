"""The run's state, folded from its events: processes and threads, locks, queues, output and the timeline.

Every view (live TUI, plain text, replay, export) renders a :class:`Model`; ``Model.apply(event)`` is the only way
it changes, so the state is a pure function of the event sequence. No I/O, no Textual.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tui.engine import events as ev
from tui.engine.events import Event

Key = tuple[int, int]  # (pid, tid) of a thread
Handler = Callable[[int, int, int, dict[str, Any]], None]

# psutil status strings (psutil.STATUS_*) that mean "not on a CPU, waiting for something".
_SLEEPY = frozenset({"sleeping", "disk-sleep", "idle", "waking", "parked"})
_STOPPED = frozenset({"stopped", "tracing-stop"})
# Below this psutil cpu percent a process psutil calls sleeping is shown sleeping even if a thread is "running"
# for the tracer (blocked in input(), accept(), recv(): waits the tracer does not see).
BUSY_CPU = 1.0
# A process that was never started shows after every started one in the tree.
_NEVER = 1 << 62
UNKNOWN = "?"
# At most one "acquire" mark per lane in this many ns (see Model._lock_acquire).
ACQUIRE_MARK_SPACING_NS = 1_000_000


@dataclass(slots=True)
class RunInfo:
    target: str = ""
    cwd: str = ""
    speed: float = 1.0
    start_method: str = ""
    reaper: int | None = None
    main: int | None = None
    code: int | None = None  # the main process's exit code (-N: killed by signal N)
    ended: bool = False
    t_start: int | None = None
    t_end: int | None = None


@dataclass(slots=True)
class Segment:
    """One stretch of a lane in one state; ``t1`` is None while it lasts."""

    state: str
    t0: int
    t1: int | None = None


@dataclass(slots=True)
class Mark:
    t: int
    kind: str  # "start", "exit", "terminate", "acquire"
    detail: str | None = None  # the lock id for "acquire", the reason for "terminate"


@dataclass(slots=True)
class Lane:
    """One thread's row on the timeline."""

    pid: int
    tid: int
    label: str
    segments: list[Segment] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    @property
    def open(self) -> Segment | None:
        segs = self.segments
        if segs and segs[-1].t1 is None:
            return segs[-1]
        return None


@dataclass(slots=True)
class ThreadNode:
    tid: int
    pid: int
    name: str
    daemon: bool | None = None
    started_t: int | None = None
    ended_t: int | None = None
    state: str = "running"  # "running" | "sleeping" | "blocked" | "joining" | "exited"
    blocked_on: str | None = None  # lock or queue id
    joining: int | None = None  # pid (proc.join) or native tid (thread.join) waited for
    joining_kind: str | None = None  # "process" or "thread": what ``joining`` names
    key: Key = (0, 0)
    lane: Lane | None = field(default=None, repr=False)

    @property
    def alive(self) -> bool:
        return self.state != "exited"


@dataclass(slots=True)
class AliveCheck:
    t: int
    result: bool | None
    asker_pid: int


@dataclass(slots=True)
class ProcessNode:
    pid: int
    ppid: int | None = None
    original_ppid: int | None = None
    name: str = UNKNOWN
    daemon: bool | None = None
    method: str | None = None
    started_t: int | None = None
    ended_t: int | None = None
    exit_code: int | None = None
    end: str | None = None  # None, "exited", "terminated", "killed", "daemon-killed"
    signal: int | None = None
    reaped: bool = False
    reaped_t: int | None = None
    reaped_by: str | None = None  # "parent", "reaper", or "gone" (psutil lost it before any reap event)
    os_status: str | None = None
    cpu: float | None = None
    thread_count: int | None = None
    adopted_by: tuple[int, str] | None = None
    alive_checks: list[AliveCheck] = field(default_factory=list)
    terminated_by: tuple[int, str] | None = None  # (pid of the caller, reason "call" / "daemon-at-exit")
    terminate_signal: int | None = None
    threads: dict[int, ThreadNode] = field(default_factory=dict)
    # Private bookkeeping for convergence under out-of-order arrival.
    _start_known: bool = field(default=False, repr=False)  # proc.start seen: ppid/started_t are authoritative
    _reap_seen: bool = field(default=False, repr=False)  # a proc.reap (not just sample.gone) was folded
    _sample_t: int = field(default=-1, repr=False)
    _sample_parent: str | None = field(default=None, repr=False)

    @property
    def ended(self) -> bool:
        return self.end is not None or self.reaped

    @property
    def state(self) -> str:
        """The one state to display; psutil alone says zombie or stopped."""
        if self.reaped:
            return self.end or "exited"
        status = self.os_status
        if status == "zombie":
            return "zombie"
        if self.end is not None:
            return self.end
        if status in _STOPPED:
            return "stopped"
        joining = sleeping = running = False
        for th in self.threads.values():
            s = th.state
            if s == "blocked":
                return "blocked"
            if s == "joining":
                joining = True
            elif s == "sleeping":
                sleeping = True
            elif s == "running":
                running = True
        if joining:
            return "joining"
        if sleeping and not running:
            return "sleeping"
        # The tracer sees time.sleep, locks and queues; psutil also sees a wait in input(), accept(), recv()...
        if status in _SLEEPY and (self.cpu is None or self.cpu < BUSY_CPU):
            return "sleeping"
        return "running"

    @property
    def blocked_on(self) -> str | None:
        for th in self.threads.values():
            if th.state == "blocked":
                return th.blocked_on
        return None

    @property
    def joining(self) -> int | None:
        for th in self.threads.values():
            if th.state == "joining":
                return th.joining
        return None

    @property
    def main_thread(self) -> ThreadNode | None:
        return self.threads.get(self.pid)


@dataclass(slots=True)
class LockState:
    id: str
    type: str = UNKNOWN
    name: str | None = None
    site: str | None = None
    owners: list[Key] = field(default_factory=list)
    depth: int = 0  # holds of ``owner``: >1 only for RLock re-entry
    waiters: list[Key] = field(default_factory=list)
    acquired_t: int | None = None  # when ``owner`` got it
    acquisitions: int = 0
    timeouts: int = 0
    created_by: int | None = None  # pid that made it (lock.new)
    _since: dict[Key, int] = field(default_factory=dict, repr=False)

    @property
    def owner(self) -> Key | None:
        return self.owners[0] if self.owners else None

    @property
    def reentrant(self) -> bool:
        return "RLock" in self.type

    @property
    def exclusive(self) -> bool:
        """At most one owner: Lock and RLock. Semaphores (and locks of unknown type) may have several."""
        t = self.type
        return t.endswith("Lock")


@dataclass(slots=True)
class QueueState:
    id: str
    type: str = UNKNOWN
    name: str | None = None
    maxsize: int = 0
    site: str | None = None
    items: deque[str] = field(default_factory=deque)
    blocked_putters: list[Key] = field(default_factory=list)
    blocked_getters: list[Key] = field(default_factory=list)
    unfinished: int = 0
    puts: int = 0
    gets: int = 0
    timeouts: int = 0
    joiners: list[Key] = field(default_factory=list)
    created_by: int | None = None
    # A get or task_done that arrived before its put: the matching put is absorbed when it comes.
    _early_gets: int = field(default=0, repr=False)
    _early_done: int = field(default=0, repr=False)
    # When the last queue.join returned: every put stamped before it had been task_done by then.
    _settled_t: int = field(default=-1, repr=False)

    @property
    def capacity(self) -> int | None:
        """maxsize, or None when unbounded (multiprocessing reports SEM_VALUE_MAX for "no limit")."""
        m = self.maxsize
        if not isinstance(m, int) or m <= 0 or m >= 2**31 - 1:
            return None
        return m

    @property
    def joinable(self) -> bool:
        return self.type == "JoinableQueue" or self.type == UNKNOWN


@dataclass(slots=True)
class OutputLine:
    t: int
    pid: int
    tid: int
    stream: str
    text: str
    partial: bool = False  # more text for this line may still come


@dataclass(slots=True)
class ExceptionRecord:
    t: int
    pid: int
    tid: int
    type: str
    message: str
    traceback: str
    where: str


class Model:
    """Everything contui knows about one run; change it only with :meth:`apply`."""

    def __init__(self) -> None:
        self.run = RunInfo()
        self.processes: dict[int, ProcessNode] = {}
        self.locks: dict[str, LockState] = {}
        self.queues: dict[str, QueueState] = {}
        self.lines: list[OutputLine] = []
        # Indices into ``lines`` of lines extended in place (a partial line continued), in order; a view keeps its
        # own cursor into this list to know which already-drawn lines to redraw.
        self.amended_lines: list[int] = []
        self.exceptions: list[ExceptionRecord] = []
        self.lanes: dict[Key, Lane] = {}
        self._lanes_of: dict[int, list[Lane]] = {}  # by pid: a run of thousands of processes must not scan them all
        self.now = 0
        self.events = 0
        self.unknown = 0  # events of a kind this model does not know
        self.rejected = 0  # events whose fields made no sense (folded as far as they went, never raised)
        self.versions: dict[str, int] = {
            "processes": 0, "locks": 0, "queues": 0, "output": 0, "timeline": 0, "run": 0,
        }
        self._threads: dict[Key, ThreadNode] = {}
        self._pending: dict[tuple[int, int, str], tuple[OutputLine, int]] = {}
        self._tree_version = 0
        self._tree_cache: tuple[int, dict[int, list[int]], list[int]] | None = None
        self._handlers: dict[str, Handler] = {
            ev.RUN_START: self._run_start,
            ev.RUN_END: self._run_end,
            ev.PROC_START: self._proc_start,
            ev.PROC_SPAWN: self._proc_spawn,
            ev.PROC_EXIT: self._proc_exit,
            ev.PROC_REAP: self._proc_reap,
            ev.PROC_TERMINATE: self._proc_terminate,
            ev.PROC_JOIN: self._proc_join,
            ev.PROC_ALIVE: self._proc_alive,
            ev.THREAD_START: self._thread_start,
            ev.THREAD_EXIT: self._thread_exit,
            ev.THREAD_JOIN: self._thread_join,
            ev.LOCK_NEW: self._lock_new,
            ev.LOCK_WAIT: self._lock_wait,
            ev.LOCK_ACQUIRE: self._lock_acquire,
            ev.LOCK_RELEASE: self._lock_release,
            ev.LOCK_TIMEOUT: self._lock_timeout,
            ev.QUEUE_NEW: self._queue_new,
            ev.QUEUE_PUT: self._queue_put,
            ev.QUEUE_GET: self._queue_get,
            ev.QUEUE_BLOCK: self._queue_block,
            ev.QUEUE_TIMEOUT: self._queue_timeout,
            ev.QUEUE_TASK_DONE: self._queue_task_done,
            ev.QUEUE_JOIN: self._queue_join,
            ev.SLEEP: self._sleep,
            ev.STDOUT: self._stdout,
            ev.EXCEPTION: self._exception,
            ev.SAMPLE: self._sample,
            ev.SAMPLE_GONE: self._sample_gone,
        }

    # -- folding ------------------------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        self.apply_wire(event.t, event.kind, event.pid, event.tid, event.fields)

    def apply_wire(self, t: int, kind: str, pid: int, tid: int, fields: dict[str, Any]) -> None:
        """Fold one event given as its wire parts (saves making an :class:`Event` on the hot path)."""
        self.events += 1
        handler = self._handlers.get(kind)
        try:
            if t > self.now:
                self.now = t
            if handler is None:
                self.unknown += 1
                return
            handler(t, pid, tid, fields if fields is not None else {})
        except Exception:  # a malformed event must never take the UI down; it is counted instead
            self.rejected += 1

    def apply_many(self, events: Iterable[Event]) -> None:
        apply_wire = self.apply_wire
        for e in events:
            apply_wire(e.t, e.kind, e.pid, e.tid, e.fields)

    def apply_wires(self, wires: Iterable[tuple[int, str, int, int, dict[str, Any]]]) -> None:
        apply_wire = self.apply_wire
        for t, kind, pid, tid, fields in wires:
            apply_wire(t, kind, pid, tid, fields)

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> Model:
        model = cls()
        model.apply_many(events)
        return model

    # -- queries for the views ----------------------------------------------------------------------------------
    def process(self, pid: int) -> ProcessNode | None:
        return self.processes.get(pid)

    def thread(self, pid: int, tid: int) -> ThreadNode | None:
        return self._threads.get((pid, tid or pid))

    def children(self, pid: int) -> list[ProcessNode]:
        """Processes whose current parent is ``pid``, by start time (a ppid cycle is broken, see :meth:`roots`)."""
        kids = self._tree()[1].get(pid, ())
        procs = self.processes
        return [procs[k] for k in kids]

    def roots(self) -> list[ProcessNode]:
        """Processes with no known parent (the main process: its parent is the reaper), by start time.

        If parents form a cycle, the cycle's earliest-started member is made a root, so every process is reachable
        from exactly one root and a walk down ``children`` always ends.
        """
        procs = self.processes
        return [procs[r] for r in self._tree()[2]]

    def walk(self) -> list[tuple[ProcessNode, int]]:
        """Every process once, depth-first from the roots, with its depth: the tree as rows."""
        _, kids, roots = self._tree()
        procs = self.processes
        out: list[tuple[ProcessNode, int]] = []
        seen: set[int] = set()
        stack = [(r, 0) for r in reversed(roots)]
        while stack:
            pid, depth = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            out.append((procs[pid], depth))
            for k in reversed(kids.get(pid, ())):
                stack.append((k, depth + 1))
        return out

    def _start_key(self, pid: int) -> tuple[int, int]:
        t = self.processes[pid].started_t
        return (_NEVER if t is None else t, pid)

    def _tree(self) -> tuple[int, dict[int, list[int]], list[int]]:
        cache = self._tree_cache
        if cache is not None and cache[0] == self._tree_version:
            return cache
        procs = self.processes
        parent: dict[int, int | None] = {}
        for pid, p in procs.items():
            pp = p.ppid
            parent[pid] = pp if (pp is not None and pp != pid and pp in procs) else None
        # Walk up from each node; meeting the current path again means a cycle: cut it at its earliest start.
        done: set[int] = set()
        for start in sorted(procs, key=self._start_key):
            path: list[int] = []
            on_path: set[int] = set()
            x: int | None = start
            while x is not None and x not in done and x not in on_path:
                path.append(x)
                on_path.add(x)
                x = parent[x]
            if x is not None and x in on_path:
                cycle = path[path.index(x):]
                parent[min(cycle, key=self._start_key)] = None
            done.update(path)
        kids: dict[int, list[int]] = {}
        roots: list[int] = []
        for pid, pp in parent.items():
            if pp is None:
                roots.append(pid)
            else:
                kids.setdefault(pp, []).append(pid)
        for lst in kids.values():
            lst.sort(key=self._start_key)
        roots.sort(key=self._start_key)
        cache = (self._tree_version, kids, roots)
        self._tree_cache = cache
        return cache

    # -- nodes --------------------------------------------------------------------------------------------------
    def _proc(self, pid: int) -> ProcessNode:
        p = self.processes.get(pid)
        if p is None:
            p = self.processes[pid] = ProcessNode(pid)
            self._tree_version += 1
            self.versions["processes"] += 1
        return p

    def _thread(self, pid: int, tid: int, t: int) -> ThreadNode:
        if not tid:
            tid = pid  # an event seen from outside the process (tid 0) is about its main thread
        th = self._threads.get((pid, tid))
        if th is None:
            th = self._new_thread(pid, tid, t)
        return th

    def _new_thread(self, pid: int, tid: int, t: int) -> ThreadNode:
        p = self._proc(pid)
        key = (pid, tid)
        th = ThreadNode(tid, pid, "MainThread" if tid == pid else f"thread {tid}", started_t=t, key=key)
        lane = self.lanes.get(key) or self._add_lane(pid, tid, "")
        th.lane = lane
        lane.label = _label(p, th)
        p.threads[tid] = th
        self._threads[key] = th
        if p.ended or p.os_status == "zombie":  # a late event of a thread whose process is already gone
            th.state = "exited"
            th.ended_t = t
        else:
            _open(lane, "stopped" if p.os_status in _STOPPED else "running", t)
            lane.marks.append(Mark(t, "start"))
        self.versions["processes"] += 1
        self.versions["timeline"] += 1
        return th

    def _lane(self, pid: int, tid: int) -> Lane:
        key = (pid, tid)
        lane = self.lanes.get(key)
        if lane is None:
            p = self.processes.get(pid)
            lane = self._add_lane(pid, tid, f"{p.name if p else UNKNOWN} [{pid}]")
        return lane

    def _add_lane(self, pid: int, tid: int, label: str) -> Lane:
        lane = self.lanes[(pid, tid)] = Lane(pid, tid, label)
        self._lanes_of.setdefault(pid, []).append(lane)
        return lane

    def _set_state(self, th: ThreadNode, state: str, t: int, on: str | None = None, joining: int | None = None,
                   joining_kind: str | None = None) -> None:
        if th.state == "exited":  # a late event of a thread already over changes nothing
            return
        th.blocked_on = on
        th.joining = joining
        th.joining_kind = joining_kind
        if th.state == state:
            return
        th.state = state
        versions = self.versions
        versions["processes"] += 1
        p = self.processes.get(th.pid)
        if p is not None and p.os_status in _STOPPED:
            return  # the lane shows "stopped" until psutil says it runs again
        lane = th.lane
        if lane is not None:
            _open(lane, state, t)
            versions["timeline"] += 1

    def _end_threads(self, p: ProcessNode, t: int) -> None:
        """The process is over: so is every thread of it, and nothing of it waits for anything any more."""
        for th in p.threads.values():
            if th.state != "exited":
                self._finish_thread(th, t)
        self._forget_waits(p.pid, None)
        # A threading lock lives in the process's memory: it dies with it. A multiprocessing one stays held.
        for lock in self.locks.values():
            if lock.owners and lock.type.startswith("threading."):
                if any(o[0] == p.pid for o in lock.owners):
                    for o in [o for o in lock.owners if o[0] == p.pid]:
                        _drop_owner(lock, o)
                    self.versions["locks"] += 1

    def _finish_thread(self, th: ThreadNode, t: int) -> None:
        th.state = "exited"
        th.blocked_on = None
        th.joining = None
        th.joining_kind = None
        th.ended_t = t
        lane = th.lane
        if lane is not None:
            seg = lane.open
            if seg is not None and seg.state != "zombie":
                seg.t1 = max(t, seg.t0)
            lane.marks.append(Mark(t, "exit"))
        self.versions["processes"] += 1
        self.versions["timeline"] += 1

    def _forget_waits(self, pid: int, tid: int | None) -> None:
        """Drop a gone thread (or every thread of a gone process) from lock waiters and queue wait lists."""
        def gone(k: Key) -> bool:
            return k[0] == pid and (tid is None or k[1] == tid)

        for lock in self.locks.values():
            if lock.waiters and any(gone(k) for k in lock.waiters):
                lock.waiters[:] = [k for k in lock.waiters if not gone(k)]
                self.versions["locks"] += 1
        for q in self.queues.values():
            changed = False
            for lst in (q.blocked_putters, q.blocked_getters, q.joiners):
                if lst and any(gone(k) for k in lst):
                    lst[:] = [k for k in lst if not gone(k)]
                    changed = True
            if changed:
                self.versions["queues"] += 1

    # -- run ----------------------------------------------------------------------------------------------------
    def _run_start(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        run = self.run
        run.target = f.get("target", run.target)
        run.cwd = f.get("cwd", run.cwd)
        run.speed = f.get("speed", run.speed)
        run.start_method = f.get("start_method", run.start_method)
        run.reaper = f.get("reaper", pid)
        run.main = f.get("main", run.main)
        run.t_start = t
        self._tree_version += 1
        self.versions["run"] += 1

    def _run_end(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        run = self.run
        run.code = f.get("code")
        run.ended = True
        run.t_end = t
        self.versions["run"] += 1

    # -- processes ----------------------------------------------------------------------------------------------
    def _proc_start(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        p = self._proc(pid)
        ppid = f.get("ppid")
        p.original_ppid = ppid
        if p._sample_t >= 0 and p.ppid is not None and ppid is not None and p.ppid != ppid:
            # psutil saw it before its own start arrived, already under another parent: adopted
            p.adopted_by = (p.ppid, p._sample_parent or self._name_of(p.ppid))
        else:
            p.ppid = ppid
        p.name = f.get("name", p.name)
        p.daemon = f.get("daemon", p.daemon)
        p.method = f.get("method", p.method)
        p.started_t = t
        p._start_known = True
        self._tree_version += 1
        self.versions["processes"] += 1
        for lane in self._lanes_of.get(pid, ()):
            th = self._threads.get((pid, lane.tid))
            lane.label = _label(p, th) if th is not None else f"{p.name} [{pid}]"
        self._thread(pid, pid, t)

    def _proc_spawn(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        child = f.get("child")
        if child is None:
            return
        p = self._proc(child)
        if not p._start_known:  # the child's own proc.start is the truth; this fills in until it comes
            if p.ppid is None:
                p.ppid = pid
            if p.original_ppid is None:
                p.original_ppid = pid
            if p.started_t is None:
                p.started_t = t
            if p.name == UNKNOWN:
                p.name = f.get("name", p.name)
                for lane in self._lanes_of.get(child, ()):
                    th = self._threads.get((child, lane.tid))
                    if th is not None:
                        lane.label = _label(p, th)
            if p.daemon is None:
                p.daemon = f.get("daemon")
            if p.method is None:
                p.method = f.get("method")
            self._tree_version += 1
        self.versions["processes"] += 1

    def _proc_exit(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        p = self._proc(pid)
        code = f.get("code")
        if not p._reap_seen:
            p.exit_code = code
            if p.end is None:
                p.end = "exited"
        if p.ended_t is None or t < p.ended_t:
            p.ended_t = t
        self._end_threads(p, t)
        self.versions["processes"] += 1

    def _proc_terminate(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        child = f.get("child")
        if child is None:
            return
        p = self._proc(child)
        reason = f.get("reason", "call")
        p.terminated_by = (pid, reason)
        p.terminate_signal = f.get("signal")
        lane = self.lanes.get((child, child))
        if lane is not None:
            lane.marks.append(Mark(t, "terminate", reason))
            self.versions["timeline"] += 1
        # The reap may have come first (another process sent it): name the end now that we know who signalled.
        if p._reap_seen and p.end == "killed":
            p.end = "daemon-killed" if reason == "daemon-at-exit" else "terminated"
        self.versions["processes"] += 1

    def _proc_reap(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        child = f.get("child")
        if child is None:
            return
        p = self._proc(child)
        code = f.get("code")
        if p._reap_seen:
            return
        p._reap_seen = True
        p.reaped_by = f.get("by")
        self._reaped(p, t)
        if code is None:
            if p.end is None:
                p.end = "exited"
        else:
            p.exit_code = code
            if code < 0:
                p.signal = -code
                tb = p.terminated_by
                if tb is None:
                    p.end = "killed"
                else:
                    p.end = "daemon-killed" if tb[1] == "daemon-at-exit" else "terminated"
            else:
                p.end = "exited"
                p.signal = None

    def _reaped(self, p: ProcessNode, t: int) -> None:
        """Common to proc.reap and sample.gone: the pid is gone for good."""
        if not p.reaped:
            p.reaped = True
            p.reaped_t = t
            if p.ended_t is None or t < p.ended_t:
                p.ended_t = t
            self._end_threads(p, t)
            # The zombie or stopped stretch (psutil's) ends here.
            lane = self.lanes.get((p.pid, p.pid))
            if lane is not None:
                seg = lane.open
                if seg is not None:
                    seg.t1 = max(t, seg.t0)
                    self.versions["timeline"] += 1
        self.versions["processes"] += 1

    def _proc_join(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        th = self._thread(pid, tid, t)
        if f.get("phase") == "begin":
            self._set_state(th, "joining", t, None, f.get("child"), "process")
        else:
            self._set_state(th, "running", t)

    def _proc_alive(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        child = f.get("child")
        if child is None:
            return
        self._proc(child).alive_checks.append(AliveCheck(t, f.get("result"), pid))
        self.versions["processes"] += 1

    def _name_of(self, pid: int | None) -> str:
        p = self.processes.get(pid) if pid is not None else None
        if p is not None:
            return p.name
        if pid is not None and pid == self.run.reaper:
            return "contui-reaper"
        return UNKNOWN

    # -- threads ------------------------------------------------------------------------------------------------
    def _thread_start(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        th = self._thread(pid, tid, t)
        th.name = f.get("name", th.name)
        th.daemon = f.get("daemon", th.daemon)
        if th.started_t is None or t < th.started_t:
            th.started_t = t
        p = self.processes[pid]
        if th.lane is not None:
            th.lane.label = _label(p, th)
        self.versions["processes"] += 1
        self.versions["timeline"] += 1

    def _thread_exit(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        th = self._thread(pid, tid, t)
        if th.state != "exited":
            self._finish_thread(th, t)
            self._forget_waits(pid, th.tid)

    def _thread_join(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        th = self._thread(pid, tid, t)
        if f.get("phase") == "begin":
            self._set_state(th, "joining", t, None, f.get("child"), "thread")
        else:
            self._set_state(th, "running", t)

    def _sleep(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        th = self._thread(pid, tid, t)
        self._set_state(th, "sleeping" if f.get("phase") == "begin" else "running", t)

    # -- locks --------------------------------------------------------------------------------------------------
    def _lock(self, f: dict[str, Any]) -> LockState:
        lid = f["lock"]
        lock = self.locks.get(lid)
        if lock is None:
            lock = self.locks[lid] = LockState(str(lid), f.get("type") or UNKNOWN, site=f.get("site"))
        return lock

    def _lock_new(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        lock = self._lock(f)
        lock.type = f.get("type") or lock.type
        lock.name = f.get("name", lock.name)
        lock.site = f.get("site", lock.site)
        lock.created_by = pid
        self.versions["locks"] += 1

    def _lock_wait(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        lock = self._lock(f)
        th = self._thread(pid, tid, t)
        key = th.key
        if th.state != "exited" and key not in lock.waiters:
            lock.waiters.append(key)
        self._set_state(th, "blocked", t, lock.id)
        self.versions["locks"] += 1

    def _lock_acquire(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
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
        if th.state != "running":
            self._set_state(th, "running", t)
        lane = th.lane
        if lane is not None:
            marks = lane.marks
            # A lock taken in a tight loop would leave a mark per acquire, kept for the whole run: millions of
            # objects that the garbage collector walks again and again. No timeline cell is narrower than this.
            if not marks or marks[-1].kind != "acquire" or t - marks[-1].t >= ACQUIRE_MARK_SPACING_NS:
                marks.append(Mark(t, "acquire", lock.id))
        versions = self.versions
        versions["locks"] += 1
        versions["timeline"] += 1

    def _lock_release(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        lock = self._lock(f)
        key = (pid, tid or pid)
        owners = lock.owners
        if key not in owners:
            return  # a late release of a hold that a later acquire already ended
        if lock.reentrant and lock.depth > 1 and owners[0] == key:
            lock.depth -= 1
        else:
            _drop_owner(lock, key)
        self.versions["locks"] += 1

    def _lock_timeout(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        lock = self._lock(f)
        th = self._thread(pid, tid, t)
        if th.key in lock.waiters:
            lock.waiters.remove(th.key)
        lock.timeouts += 1
        self._set_state(th, "running", t)
        self.versions["locks"] += 1

    # -- queues -------------------------------------------------------------------------------------------------
    def _queue(self, f: dict[str, Any]) -> QueueState:
        qid = f["queue"]
        q = self.queues.get(qid)
        if q is None:
            q = self.queues[qid] = QueueState(str(qid), f.get("type") or UNKNOWN)
        return q

    def _queue_new(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        q = self._queue(f)
        q.type = f.get("type") or q.type
        q.name = f.get("name", q.name)
        q.site = f.get("site", q.site)
        q.maxsize = f.get("maxsize", q.maxsize)
        q.created_by = pid
        if not q.joinable:
            q.unfinished = 0
        self.versions["queues"] += 1

    def _unwait(self, th: ThreadNode, lst: list[Key], qid: str, t: int) -> None:
        if lst and th.key in lst:
            lst.remove(th.key)
        if th.state == "blocked" and th.blocked_on == qid:
            self._set_state(th, "running", t)

    def _queue_put(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        self._unwait(th, q.blocked_putters, q.id, t)
        q.puts += 1
        if q._early_gets:
            q._early_gets -= 1  # its get was already folded
        else:
            q.items.append(f.get("item", UNKNOWN))
        if q.joinable and t > q._settled_t:
            if q._early_done:
                q._early_done -= 1
            else:
                q.unfinished += 1
        self.versions["queues"] += 1

    def _queue_get(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        self._unwait(th, q.blocked_getters, q.id, t)
        q.gets += 1
        items = q.items
        if items:
            item = f.get("item")
            if items[0] == item:
                items.popleft()
            else:
                try:
                    items.remove(item)
                except ValueError:  # a repr that differs in this process (an address): the oldest went
                    items.popleft()
        else:
            q._early_gets += 1  # the put is still on its way
        self.versions["queues"] += 1

    def _queue_block(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        lst = q.blocked_putters if f.get("op") == "put" else q.blocked_getters
        if th.state != "exited" and th.key not in lst:
            lst.append(th.key)
        self._set_state(th, "blocked", t, q.id)
        self.versions["queues"] += 1

    def _queue_timeout(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        self._unwait(th, q.blocked_putters if f.get("op") == "put" else q.blocked_getters, q.id, t)
        q.timeouts += 1
        self.versions["queues"] += 1

    def _queue_task_done(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        q = self._queue(f)
        if q.type == UNKNOWN:
            q.type = "JoinableQueue"
        if t <= q._settled_t:
            pass  # already counted as done when join() returned
        elif q.unfinished > 0:
            q.unfinished -= 1
        else:
            q._early_done += 1  # its put is still on its way
        self.versions["queues"] += 1

    def _queue_join(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        if f.get("phase") == "begin":
            if th.state != "exited" and th.key not in q.joiners:
                q.joiners.append(th.key)
            self._set_state(th, "blocked", t, q.id)
        else:
            if th.key in q.joiners:
                q.joiners.remove(th.key)
            # join() returned, so every item was task_done then, even if some task_done was lost with a killed
            # daemon consumer before its events were sent.
            q.unfinished = 0
            q._early_done = 0
            if t > q._settled_t:
                q._settled_t = t
            if th.state == "blocked" and th.blocked_on == q.id:
                self._set_state(th, "running", t)
        self.versions["queues"] += 1

    # -- output -------------------------------------------------------------------------------------------------
    def _stdout(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        if pid not in self.processes and pid != self.run.reaper:
            self._proc(pid)
        stream = f.get("stream", "stdout")
        text = f.get("text", "")
        if not isinstance(text, str):
            text = str(text)
        partial = bool(f.get("partial", False))
        key = (pid, tid, stream)
        pending = self._pending.get(key) if self._pending else None
        if pending is not None:
            line, index = pending
            line.text += text
            if not partial:
                line.partial = False
                del self._pending[key]
            self.amended_lines.append(index)
        else:
            line = OutputLine(t, pid, tid, stream, text, partial)
            if partial:
                self._pending[key] = (line, len(self.lines))
            self.lines.append(line)
        self.versions["output"] += 1

    def _exception(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        if pid not in self.processes:
            self._proc(pid)
        self.exceptions.append(ExceptionRecord(
            t, pid, tid, str(f.get("type", "")), str(f.get("message", "")), str(f.get("traceback", "")),
            str(f.get("where", "")),
        ))
        self.versions["output"] += 1

    # -- psutil -------------------------------------------------------------------------------------------------
    def _sample(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        if pid == self.run.reaper:
            return
        p = self._proc(pid)
        if p.reaped or t < p._sample_t:
            return  # a sample taken before the reap, or before the last one, that arrived late
        p._sample_t = t
        changed = False
        status = f.get("status")
        old_status = p.os_status
        if status is not None and status != old_status:
            p.os_status = status
            changed = True
            self._status_lanes(p, old_status, status, t)
        cpu = f.get("cpu")
        if cpu is not None and cpu != p.cpu:
            p.cpu = cpu
            changed = True
        threads = f.get("threads")
        if threads is not None and threads != p.thread_count:
            p.thread_count = threads
            changed = True
        ppid = f.get("ppid")
        if ppid is not None:
            parent_name = f.get("parent_name")
            p._sample_parent = parent_name
            if ppid != p.ppid:
                p.ppid = ppid
                self._tree_version += 1
                changed = True
            # Until the process's own proc.start says who its parent was, psutil's ppid is all we know; proc.start
            # then decides whether it was adopted (see _proc_start).
            if p._start_known and ppid != p.original_ppid:
                adopter = (ppid, parent_name or self._name_of(ppid))
                if p.adopted_by != adopter:
                    p.adopted_by = adopter
                    changed = True
        if changed:
            self.versions["processes"] += 1

    def _status_lanes(self, p: ProcessNode, old: str | None, new: str, t: int) -> None:
        """Zombie and stopped are psutil's: they show on the lanes as stretches of their own."""
        if new == "zombie" and old != "zombie":
            # Zombie: its code has ended, whether or not it said so.
            for th in p.threads.values():
                if th.state != "exited":
                    self._finish_thread(th, t)
            self._forget_waits(p.pid, None)
            lane = self._lane(p.pid, p.pid)
            _open(lane, "zombie", t)
            self.versions["timeline"] += 1
        elif new in _STOPPED and old not in _STOPPED and not p.ended:
            for th in p.threads.values():
                if th.state != "exited" and th.lane is not None:
                    _open(th.lane, "stopped", t)
            self.versions["timeline"] += 1
        elif old in _STOPPED and new not in _STOPPED:
            for th in p.threads.values():
                if th.state != "exited" and th.lane is not None:
                    _open(th.lane, th.state, t)
            self.versions["timeline"] += 1

    def _sample_gone(self, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        if pid == self.run.reaper:
            return
        p = self._proc(pid)
        if p.reaped:
            return
        if p.reaped_by is None:
            p.reaped_by = "gone"
        if p.end is None:
            p.end = "exited"  # its code, if known, came with proc.exit; a later proc.reap still corrects this
        self._reaped(p, t)


def _open(lane: Lane, state: str, t: int) -> None:
    """Close the lane's running stretch at ``t`` and start one in ``state`` (never going back in time)."""
    segs = lane.segments
    if segs:
        last = segs[-1]
        if last.t1 is None:
            if t <= last.t0:
                last.state = state  # same instant: the earlier state lasted no time at all
                return
            last.t1 = t
        elif t < last.t1:
            t = last.t1
    segs.append(Segment(state, t))


def _drop_owner(lock: LockState, key: Key) -> None:
    owners = lock.owners
    owners.remove(key)
    if key not in owners:
        lock._since.pop(key, None)
    if owners:
        first = owners[0]
        lock.acquired_t = lock._since.get(first, lock.acquired_t)
        lock.depth = 1
    else:
        lock.acquired_t = None
        lock.depth = 0


def _label(p: ProcessNode, th: ThreadNode) -> str:
    if th.tid == p.pid:
        return f"{p.name} [{p.pid}]"
    return f"{p.name} [{p.pid}] {th.name}"
