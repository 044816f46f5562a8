"""The model's shared state and the helpers every domain's fold uses: one way to mark a part changed, nodes made on
first mention, thread states with their timeline lanes, and the hooks a domain extends when a thread or process ends.

The domain folds (``processes``, ``locks``, ``queues``, ``output``, ``samples``) are mixins of :class:`ModelCore`;
:class:`tui.engine.model.Model` puts them together behind one dispatcher.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tui.engine.model.detail import MAX_SEGMENTS, add_mark, add_segment
from tui.engine.model.linelog import LineLog
from tui.engine.model.records import (
    UNKNOWN,
    ExceptionRecord,
    JoinKind,
    Key,
    Lane,
    LockState,
    Mark,
    MarkKind,
    OsStatus,
    OutputLine,
    Part,
    ProcessNode,
    QueueState,
    RunInfo,
    Segment,
    SignalRecord,
    State,
    ThreadNode,
)
from tui.inside.kinds import REAPER_NAME

Fields = dict[str, Any]
F = TypeVar("F", bound=Callable[..., None])


def handles(*kinds: str) -> Callable[[F], F]:
    """Marks a fold method as the handler of these event kinds (the dispatcher collects them)."""

    def mark(method: F) -> F:
        method.handles = kinds  # type: ignore[attr-defined]
        return method

    return mark


class ModelCore:
    """Everything contui knows about one run. Change it only through ``Model.apply``."""

    def __init__(self) -> None:
        self.run = RunInfo()
        self.processes: dict[int, ProcessNode] = {}
        self.locks: dict[str, LockState] = {}
        self.queues: dict[str, QueueState] = {}
        # The printed lines, numbered from the run's first: only the newest are kept (the recording has them all).
        self.lines: LineLog[OutputLine] = LineLog()
        # Indices into ``lines`` of lines extended in place (a partial line continued), in order; a view keeps its
        # own cursor (an absolute count) into this log to know which already-drawn lines to redraw.
        self.amended_lines: LineLog[int] = LineLog()
        self.exceptions: list[ExceptionRecord] = []
        self.signals: list[SignalRecord] = []
        self.lanes: dict[Key, Lane] = {}
        self._lanes_of: dict[int, list[Lane]] = {}  # by pid: a run of thousands of processes must not scan them all
        self.now = 0
        self.events = 0
        self.unknown = 0  # events of a kind this model does not know
        self.rejected = 0  # events whose fields made no sense (folded as far as they went, never raised)
        self.versions: dict[Part, int] = dict.fromkeys(Part, 0)
        # Segments and marks a lane keeps before its older ones are merged (0: every one is kept, as an export wants)
        self.lane_detail = MAX_SEGMENTS
        self._threads: dict[Key, ThreadNode] = {}
        self._tree_version = 0
        # What the course calls a process or thread (``args=('egon',)``: egon), keyed (pid, pid) for a process and
        # (pid, tid) for a thread; see :meth:`shown_name`. (Kept here until ProcessNode and ThreadNode have a field.)
        self.aliases: dict[Key, str] = {}
        # pid -> when its parent's start() returned (the parent's proc.spawn): children are in this order.
        self.spawned_t: dict[int, int] = {}
        # (pid, tid) -> the share of one core (percent) the thread used since the sample before, as the OS counts
        # it (/proc/<pid>/task/<tid>/stat), and each sample's share over its interval: (t0, t1, percent), the older
        # ones merged two by two so a long run keeps a bounded number (see SampleFold).
        self.thread_cpu: dict[Key, float] = {}
        self.cpu_shares: dict[Key, list[tuple[int, int, float]]] = {}

    # -- one way to say what changed ------------------------------------------------------------------------------
    def touch(self, part: Part, *more: Part) -> None:
        """Mark parts of the model changed: a view redraws a part when its version moves."""
        versions = self.versions
        versions[part] += 1
        for other in more:
            versions[other] += 1

    def _reshape(self) -> None:
        """Who is whose parent may have changed: the tree is worked out again when next asked for."""
        self._tree_version += 1

    # -- names ----------------------------------------------------------------------------------------------------
    def name_of(self, pid: int | None) -> str:
        """A process's name as the script knows it (``Process-1``), the reaper's, or ``?``."""
        p = self.processes.get(pid) if pid is not None else None
        if p is not None:
            return p.name
        if pid is not None and pid == self.run.reaper:
            return REAPER_NAME
        return UNKNOWN

    def shown_name(self, pid: int) -> str:
        """A process as the course calls it: ``egon (Process-3)`` when the script passed its target a name
        (``args=('egon',)``), else its name (``Process-3``, or the ``name=`` the script gave it)."""
        p = self.processes.get(pid)
        if p is None:
            return self.name_of(pid)
        alias = self.aliases.get((pid, pid))
        return p.name if alias is None or alias == p.name else f"{alias} ({p.name})"

    def thread_shown_name(self, th: ThreadNode) -> str:
        """A thread as the course calls it: ``lary (Thread-1)`` for ``Thread(target=sayhi, args=('lary',))`` (the
        target, which threading adds to its name, is dropped: the name in front says more), else its name."""
        if th.tid == th.pid:
            return th.name
        alias = self.aliases.get((th.pid, th.tid))
        if alias is None or alias == th.name:
            return th.name
        return f"{alias} ({th.name.partition(' (')[0]})"

    def threads_in_order(self, p: ProcessNode) -> list[ThreadNode]:
        """A process's threads as the tree and the timeline list them: its main thread, then the others in the order
        they were started (a thread.start is stamped before its start() returns, so its time is that order)."""
        pid = p.pid
        return sorted(p.threads.values(), key=lambda th: (th.tid != pid, th.started_t or 0, th.tid))

    # -- nodes ----------------------------------------------------------------------------------------------------
    def process(self, pid: int) -> ProcessNode | None:
        return self.processes.get(pid)

    def thread(self, pid: int, tid: int) -> ThreadNode | None:
        return self._threads.get((pid, tid or pid))

    def _proc(self, pid: int) -> ProcessNode:
        p = self.processes.get(pid)
        if p is None:
            p = self.processes[pid] = ProcessNode(pid)
            self._reshape()
            self.touch(Part.PROCESSES)
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
        lane.label = lane_label(p, th)
        p.threads[tid] = th
        self._threads[key] = th
        if p.ended or p.os_status is OsStatus.ZOMBIE:  # a late event of a thread whose process is already gone
            th.state = State.EXITED
            th.ended_t = t
        else:
            open_segment(lane, State.STOPPED if p.stopped_by_os else State.RUNNING, t)
            add_mark(lane, Mark(t, MarkKind.START))
        self.touch(Part.PROCESSES, Part.TIMELINE)
        return th

    def _lane(self, pid: int, tid: int) -> Lane:
        lane = self.lanes.get((pid, tid))
        if lane is None:
            lane = self._add_lane(pid, tid, f"{self.name_of(pid)} [{pid}]")
        return lane

    def _add_lane(self, pid: int, tid: int, label: str) -> Lane:
        lane = self.lanes[(pid, tid)] = Lane(pid, tid, label, detail=self.lane_detail)
        self._lanes_of.setdefault(pid, []).append(lane)
        return lane

    def _relabel_lanes(self, p: ProcessNode) -> None:
        for lane in self._lanes_of.get(p.pid, ()):
            th = self._threads.get((p.pid, lane.tid))
            lane.label = lane_label(p, th) if th is not None else f"{p.name} [{p.pid}]"

    # -- thread states --------------------------------------------------------------------------------------------
    def _set_state(self, th: ThreadNode, state: State, t: int, on: str | None = None, joining: int | None = None,
                   joining_kind: JoinKind | None = None, timed: bool = False) -> None:
        """``timed``: the wait it begins gives up after a timeout (it may be in no deadlock or stall)."""
        if th.state is State.EXITED:  # a late event of a thread already over changes nothing
            return
        th.blocked_on = on
        th.joining = joining
        th.joining_kind = joining_kind
        th.timed = timed
        if th.state is state:
            return
        th.state = state
        th.state_t = t
        self.touch(Part.PROCESSES)
        self._show(th, t)

    def _show(self, th: ThreadNode, t: int) -> None:
        """The thread's lane follows what it is shown doing (its tracer state, or a wait the OS or a blocking call
        says it is in)."""
        p = self.processes.get(th.pid)
        if p is not None and p.stopped_by_os:
            return  # the lane shows "stopped" until psutil says it runs again
        lane = th.lane
        seg = lane.open if lane is not None else None
        if lane is None or seg is None:
            return
        shown = th.shown_state
        if seg.state is not shown:
            open_segment(lane, shown, t)
            self.touch(Part.TIMELINE)

    def _finish_thread(self, th: ThreadNode, t: int) -> None:
        th.state = State.EXITED
        th.blocked_on = None
        th.joining = None
        th.joining_kind = None
        th.ended_t = t
        lane = th.lane
        if lane is not None:
            seg = lane.open
            if seg is not None and seg.state is not State.ZOMBIE:
                seg.t1 = max(t, seg.t0)
            add_mark(lane, Mark(t, MarkKind.EXIT))
        self.touch(Part.PROCESSES, Part.TIMELINE)

    def _end_threads(self, p: ProcessNode, t: int) -> None:
        """The process's code is over: so is every thread of it, and nothing of it waits for anything any more."""
        for th in p.threads.values():
            if th.state is not State.EXITED:
                self._finish_thread(th, t)
        self._forget_waits(p.pid, None)
        self._process_gone(p, t)

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
            if lane is not None and close_segment(lane, t):
                self.touch(Part.TIMELINE)
        self.touch(Part.PROCESSES)

    # -- hooks the domains extend (each calls super()) ------------------------------------------------------------
    def _forget_waits(self, pid: int, tid: int | None) -> None:
        """A thread (or, with ``tid`` None, every thread of a process) is gone: it waits for nothing any more."""

    def _process_gone(self, p: ProcessNode, t: int) -> None:
        """A process has ended: what lived in its memory ends with it."""

    def _run_ended(self, t: int) -> None:
        """Every process of the run is gone."""


def gone_from(pid: int, tid: int | None) -> Callable[[Key], bool]:
    """A test for the thread keys of a gone thread (or of every thread of a gone process, when ``tid`` is None)."""
    return lambda k: k[0] == pid and (tid is None or k[1] == tid)


def drop_keys(keys: list[Key], gone: Callable[[Key], bool]) -> bool:
    """Remove the gone keys from ``keys`` in place; True if any was there."""
    if keys and any(gone(k) for k in keys):
        keys[:] = [k for k in keys if not gone(k)]
        return True
    return False


def open_segment(lane: Lane, state: State, t: int) -> None:
    """Close the lane's open stretch at ``t`` and start one in ``state`` (never going back in time)."""
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
    add_segment(lane, Segment(state, t))


def close_segment(lane: Lane, t: int) -> bool:
    """End the lane's open stretch at ``t``; True if there was one."""
    seg = lane.open
    if seg is None:
        return False
    seg.t1 = max(t, seg.t0)
    return True


def lane_label(p: ProcessNode, th: ThreadNode) -> str:
    if th.tid == p.pid:
        return f"{p.name} [{p.pid}]"
    return f"{p.name} [{p.pid}] {th.name}"
