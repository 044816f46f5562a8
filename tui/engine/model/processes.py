"""The fold of the run, its processes and their threads: start, spawn, exit, reap, terminate, join, is_alive and
sleep; and the process tree as the views walk it (by current parent, ppid cycles broken)."""

from __future__ import annotations

from tui.engine.model.core import Fields, ModelCore, handles, lane_label
from tui.engine.model.detail import add_mark
from tui.engine.model.records import (
    UNKNOWN,
    AliveCheck,
    JoinKind,
    Mark,
    MarkKind,
    Part,
    ProcessNode,
    ReapedBy,
    State,
    TerminateReason,
    ThreadRole,
)
from tui.inside import kinds as ev

MAIN_PROCESS_NAME = "MainProcess"
# A process that was never started shows after every started one in the tree.
_NEVER = 1 << 62


class ProcessFold(ModelCore):
    # -- the run --------------------------------------------------------------------------------------------------
    @handles(ev.RUN_START)
    def _run_start(self, t: int, pid: int, tid: int, f: Fields) -> None:
        run = self.run
        run.target = f.get("target", run.target)
        run.cwd = f.get("cwd", run.cwd)
        run.speed = f.get("speed", run.speed)
        run.start_method = f.get("start_method", run.start_method)
        run.reaper = f.get("reaper", pid)
        run.main = f.get("main", run.main)
        run.t_start = t
        if run.main is not None:
            # The script's main process, by the name multiprocessing gives it, until its own proc.start says more
            # (a run frozen or stopped before its tracer is in never sends one).
            main = self._proc(run.main)
            if main.name == UNKNOWN:
                main.name = MAIN_PROCESS_NAME
        self._reshape()
        self.touch(Part.RUN)

    @handles(ev.FRAMES_DROPPED)
    def _frames_dropped(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self.run.dropped = max(self.run.dropped, int(f["count"]))
        self.touch(Part.RUN)

    @handles(ev.RUN_SPEED)
    def _run_speed(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self.run.speed = float(f["speed"])
        self.touch(Part.RUN)

    @handles(ev.RECORDING_OFF)
    def _recording_off(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self.run.unrecorded = str(f.get("reason") or "it could not be written")
        self.touch(Part.RUN)

    @handles(ev.CLOCK)
    def _clock(self, t: int, pid: int, tid: int, f: Fields) -> None:
        """Time went on with nothing to say: ``now`` moved (apply does that for every event), and the timeline
        with it."""

    @handles(ev.RUN_LOST)
    def _run_lost(self, t: int, pid: int, tid: int, f: Fields) -> None:
        """Nobody will send run.end: the run is over, its main process's code unknown."""
        self.run.lost = True
        self._run_end(t, 0, 0, {"code": None})

    @handles(ev.RUN_END)
    def _run_end(self, t: int, pid: int, tid: int, f: Fields) -> None:
        run = self.run
        run.code = f.get("code")
        run.ended = True
        run.t_end = t
        # The reaper says this once every process of the run is gone: one whose reap never reached us (its parent
        # was killed before it could say so) is gone too, not left showing its last sampled state.
        for p in self.processes.values():
            if not p.reaped and pid != p.pid:
                if p.reaped_by is None:
                    p.reaped_by = ReapedBy.GONE
                self._reaped(p, t)
        self._run_ended(t)
        self.touch(Part.RUN)

    # -- processes ------------------------------------------------------------------------------------------------
    @handles(ev.PROC_START)
    def _proc_start(self, t: int, pid: int, tid: int, f: Fields) -> None:
        p = self._proc(pid)
        ppid = f.get("ppid")
        p.original_ppid = ppid
        if p._sample_t >= 0 and p.ppid is not None and ppid is not None and p.ppid != ppid:
            # psutil saw it before its own start arrived, already under another parent: adopted
            p.adopted_by = (p.ppid, p._sample_parent or self.name_of(p.ppid))
            p.adopted_t = p._sample_t
        else:
            p.ppid = ppid
        p.name = f.get("name", p.name)
        p.daemon = f.get("daemon", p.daemon)
        p.method = f.get("method", p.method)
        p.started_t = t
        p._start_known = True
        alias = f.get("alias")
        if alias is not None:  # the child's own word, as for its name
            self.aliases[(pid, pid)] = str(alias)
        self._reshape()
        self.touch(Part.PROCESSES, Part.TIMELINE)
        self._relabel_lanes(p)
        self._thread(pid, pid, t)

    @handles(ev.PROC_SPAWN)
    def _proc_spawn(self, t: int, pid: int, tid: int, f: Fields) -> None:
        child = f.get("child")
        if child is None:
            return
        p = self._proc(child)
        # Its place among its parent's children: when start() returned in the parent (the child's own start may be
        # later, or, for a fork, come first; see _start_key).
        if child not in self.spawned_t or t < self.spawned_t[child]:
            self.spawned_t[child] = t
            self._reshape()
        if not p._start_known:  # the child's own proc.start is the truth; this fills in until it comes
            if p.ppid is None:
                p.ppid = pid
            if p.original_ppid is None:
                p.original_ppid = pid
            if p.started_t is None:
                p.started_t = t
            if p.name == UNKNOWN:
                p.name = f.get("name", p.name)
                self._relabel_lanes(p)
            if p.daemon is None:
                p.daemon = f.get("daemon")
            if p.method is None:
                p.method = f.get("method")
            cmdline = f.get("cmdline")
            if cmdline is not None:
                p.cmdline = tuple(str(part) for part in cmdline)
            self._reshape()
            if p.method == "exec" and not p.ended:
                # a program the tracer is not in says nothing of itself: its lane is its one thread, drawn from
                # the OS's samples until its parent reaps it
                self._thread(child, child, t)
        self.touch(Part.PROCESSES)

    @handles(ev.PROC_EXIT)
    def _proc_exit(self, t: int, pid: int, tid: int, f: Fields) -> None:
        p = self._proc(pid)
        if not p._reap_seen:
            p.exit_code = f.get("code")
            if p.end is None:
                p.end = State.EXITED
        if p.ended_t is None or t < p.ended_t:
            p.ended_t = t
        self._end_threads(p, t)
        self.touch(Part.PROCESSES)

    @handles(ev.PROC_TERMINATE)
    def _proc_terminate(self, t: int, pid: int, tid: int, f: Fields) -> None:
        child = f.get("child")
        if child is None:
            return
        p = self._proc(child)
        reason = TerminateReason(f.get("reason", TerminateReason.CALL))
        p.terminated_by = (pid, reason)
        p.terminate_signal = f.get("signal")
        lane = self.lanes.get((child, child))
        if lane is not None:
            add_mark(lane, Mark(t, MarkKind.TERMINATE, reason))
            self.touch(Part.TIMELINE)
        # The reap may have come first (another process sent it): name the end now that we know who signalled.
        if p._reap_seen and p.end is State.KILLED:
            p.end = _signalled_end(reason)
        self.touch(Part.PROCESSES)

    @handles(ev.PROC_REAP)
    def _proc_reap(self, t: int, pid: int, tid: int, f: Fields) -> None:
        child = f.get("child")
        if child is None:
            return
        p = self._proc(child)
        if p._reap_seen:
            return
        p._reap_seen = True
        by = f.get("by")
        p.reaped_by = ReapedBy(by) if by is not None else None
        self._reaped(p, t)
        code = f.get("code")
        if code is None:
            if p.end is None:
                p.end = State.EXITED
            return
        p.exit_code = code
        if code < 0:
            p.signal = -code
            tb = p.terminated_by
            p.end = State.KILLED if tb is None else _signalled_end(tb[1])
        else:
            p.end = State.EXITED
            p.signal = None

    @handles(ev.PROC_JOIN)
    def _proc_join(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self._join(t, pid, tid, f, JoinKind.PROCESS)

    @handles(ev.THREAD_JOIN)
    def _thread_join(self, t: int, pid: int, tid: int, f: Fields) -> None:
        self._join(t, pid, tid, f, JoinKind.THREAD)

    def _join(self, t: int, pid: int, tid: int, f: Fields, kind: JoinKind) -> None:
        th = self._thread(pid, tid, t)
        if f.get("phase") == "begin":
            self._set_state(th, State.JOINING, t, None, f.get("child"), kind, timed=f.get("timeout") is not None)
        else:
            self._set_state(th, State.RUNNING, t)

    @handles(ev.PROC_ALIVE)
    def _proc_alive(self, t: int, pid: int, tid: int, f: Fields) -> None:
        child = f.get("child")
        if child is None:
            return
        self._proc(child).alive_checks.append(AliveCheck(t, f.get("result"), pid))
        self.touch(Part.PROCESSES)

    # -- threads --------------------------------------------------------------------------------------------------
    @handles(ev.THREAD_START)
    def _thread_start(self, t: int, pid: int, tid: int, f: Fields) -> None:
        th = self._thread(pid, tid, t)
        th.name = f.get("name", th.name)
        th.daemon = f.get("daemon", th.daemon)
        th.role = ThreadRole(f.get("role", th.role))
        alias = f.get("alias")
        if alias is not None:
            self.aliases[(pid, th.tid)] = str(alias)
        if th.started_t is None or t < th.started_t:
            th.started_t = t
        if th.lane is not None:
            th.lane.label = lane_label(self.processes[pid], th)
        self.touch(Part.PROCESSES, Part.TIMELINE)

    @handles(ev.THREAD_EXIT)
    def _thread_exit(self, t: int, pid: int, tid: int, f: Fields) -> None:
        th = self._thread(pid, tid, t)
        if th.state is not State.EXITED:
            self._finish_thread(th, t)
            self._forget_waits(pid, th.tid)

    @handles(ev.WAIT)
    def _wait(self, t: int, pid: int, tid: int, f: Fields) -> None:
        """A blocking call the tracer knows (accept, recv, input, Future.result ...): the thread waits in it. Only
        for threads the tracer has shown: a library's own thread is not made one by waiting."""
        th = self.thread(pid, tid)
        if th is None or not th.alive:
            return
        if f.get("phase") == "begin":
            th.waits_in = str(f.get("call") or UNKNOWN)
            on = f.get("object")
            th.waits_on = None if on is None else str(on)
        else:
            th.waits_in = th.waits_on = None
        th.state_t = t  # a sample taken before this says nothing about the thread any more
        self.touch(Part.PROCESSES)
        self._show(th, t)

    @handles(ev.SLEEP)
    def _sleep(self, t: int, pid: int, tid: int, f: Fields) -> None:
        th = self._thread(pid, tid, t)
        self._set_state(th, State.SLEEPING if f.get("phase") == "begin" else State.RUNNING, t)

    # -- the tree -------------------------------------------------------------------------------------------------
    def children(self, pid: int) -> list[ProcessNode]:
        """Processes whose current parent is ``pid``, in start() order (a ppid cycle is broken, see :meth:`roots`)."""
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
        """Children in the order their parent started them: when its start() returned (its proc.spawn), not when
        the child's own start arrived (spawned interpreters start in any order; a fork child's start comes before
        its parent's word). Until the parent's word arrives the child's own start stands in, so the order is the
        same whatever order the events come in."""
        t = self.spawned_t.get(pid)
        if t is None:
            t = self.processes[pid].started_t
        return (_NEVER if t is None else t, pid)

    _tree_cache: tuple[int, dict[int, list[int]], list[int]] | None = None

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


def _signalled_end(reason: TerminateReason) -> State:
    return State.DAEMON_KILLED if reason is TerminateReason.DAEMON_AT_EXIT else State.TERMINATED
