"""The fold of psutil's samples: the OS's view of each process (zombie, stopped, sleeping; cpu; thread count; its
current parent, and so who adopted an orphan), and a pid psutil can no longer find."""

from __future__ import annotations

from tui.engine.model.core import Fields, ModelCore, handles, open_segment
from tui.engine.model.records import Key, OsStatus, Part, ProcessNode, ReapedBy, State, ThreadNode
from tui.inside import kinds as ev

# A thread the OS finds waiting on a futex at the instant of a sample, that used at least this share of a core
# (percent) since the sample before, is taking turns, not idle: two CPU-bound threads of one process hand the GIL to
# each other every 5 ms, and the one without it waits on a futex at most instants a sample looks (on a busy machine
# each may get only a little of a core). It is shown running (on part of a core: the tree's cpu figure, the
# timeline's lower blocks), not sleeping. A thread that waits for good uses none: it is shown sleeping from the
# sample after it began to wait.
TAKING_TURNS_CPU = 5.0
# Each thread's shares kept for the timeline: past this many, the older half is merged two by two.
SHARES_KEPT = 256
# A share measured over a time the thread was not running all along (it slept, waited, started part-way): it says
# nothing of how much of a core the thread got while it ran.
NOT_RUNNING = -1.0


class SampleFold(ModelCore):
    @handles(ev.SAMPLE)
    def _sample(self, t: int, pid: int, tid: int, f: Fields) -> None:
        if pid == self.run.reaper:
            return
        p = self._proc(pid)
        if p.reaped or t < p._sample_t:
            return  # a sample taken before the reap, or before the last one, that arrived late
        p._sample_t = t
        changed = False
        raw = f.get("status")
        old = p.os_status
        if raw is not None:
            status = OsStatus(raw)
            if status is not old:
                p.os_status = status
                p.os_status_t = t
                changed = True
                self._status_lanes(p, old, status, t)
        cpu = f.get("cpu")
        if cpu is not None and cpu != p.cpu:
            p.cpu = cpu
            changed = True
        threads = f.get("threads")
        count = len(threads) if isinstance(threads, list) else threads  # a list since protocol 3
        if count is not None and count != p.thread_count:
            p.thread_count = count
            changed = True
        if isinstance(threads, list) and not p.ended:
            changed = self._thread_samples(pid, threads, t) or changed
        ppid = f.get("ppid")
        if ppid is not None:
            parent_name = f.get("parent_name")
            p._sample_parent = parent_name
            if ppid != p.ppid:
                p.ppid = ppid
                self._reshape()
                changed = True
            # Until the process's own proc.start says who its parent was, psutil's ppid is all we know; proc.start
            # then decides whether it was adopted (see ProcessFold._proc_start).
            if p._start_known and ppid != p.original_ppid:
                adopter = (ppid, parent_name or self.name_of(ppid))
                if p.adopted_by != adopter:
                    p.adopted_by = adopter
                    p.adopted_t = t
                    changed = True
        if changed:
            self.touch(Part.PROCESSES)

    def _thread_samples(self, pid: int, threads: list[dict[str, object]], t: int) -> bool:
        """The OS's view of each thread the tracer knows (its own flusher and the library's helper threads are not
        shown); True if what a view shows of any of them changed."""
        changed = False
        known = self._threads
        for info in threads:
            key = (pid, info["tid"])
            th = known.get(key)  # type: ignore[arg-type]
            if th is None or not th.alive:
                continue
            before = (th.shown_state, th.os_status, th.wchan)
            status = OsStatus(info.get("status"))
            wchan = str(info.get("wchan") or "") or None
            cpu = info.get("cpu")
            if cpu is not None:
                cpu = float(cpu)  # type: ignore[arg-type]
                if self.thread_cpu.get(key) != cpu:  # type: ignore[arg-type]
                    changed = True
                self.thread_cpu[key] = cpu  # type: ignore[index]
                self._add_share(key, th, t, cpu)  # type: ignore[arg-type]
                if status.waiting and cpu >= TAKING_TURNS_CPU and wchan is not None and wchan.startswith("futex"):
                    status, wchan = OsStatus.RUNNING, None  # taking turns (the GIL): see TAKING_TURNS_CPU
            th.os_status = status
            th.wchan = wchan
            th.os_t = t
            if (th.shown_state, th.os_status, th.wchan) != before:
                changed = True
                self._show(th, t)
        return changed

    def _add_share(self, key: Key, th: ThreadNode, t1: int, cpu: float) -> None:
        """One sample's share of a core for a thread, over the time since its sample before (since it started, for
        its first). It says how much of a core the thread got while it ran only if it was running all that time
        (its lane open in one running stretch since): else it is kept as NOT_RUNNING. Past SHARES_KEPT, the older
        half is merged two by two (their spans joined, their shares weighed by span), so the timeline keeps their
        outline."""
        shares = self.cpu_shares.get(key)
        if shares is None:
            shares = self.cpu_shares[key] = []
        started = th.started_t
        t0 = shares[-1][1] if shares else (t1 if started is None else started)
        if t1 <= t0:
            return
        seg = th.lane.open if th.lane is not None else None
        if seg is None or seg.state is not State.RUNNING or seg.t0 > t0:
            cpu = NOT_RUNNING
        elif not shares and th.tid == th.pid and self.processes[th.pid].method != "fork":
            # Its first share is since its interpreter began, tens of ms before the tracer said so: it says how
            # busy starting an interpreter was (reading files), not how much of a core the script's code got.
            cpu = NOT_RUNNING
        shares.append((t0, t1, cpu))
        if len(shares) > SHARES_KEPT:
            half = SHARES_KEPT // 2
            older, merged = shares[:half], []
            for i in range(0, len(older) - 1, 2):
                (a0, a1, ca), (b0, b1, cb) = older[i], older[i + 1]
                if ca == NOT_RUNNING or cb == NOT_RUNNING:
                    merged.append((a0, b1, NOT_RUNNING))
                    continue
                span = (a1 - a0) + (b1 - b0)
                merged.append((a0, b1, (ca * (a1 - a0) + cb * (b1 - b0)) / span if span else ca))
            if len(older) % 2:
                merged.append(older[-1])
            shares[:half] = merged
        self.touch(Part.TIMELINE)

    def _status_lanes(self, p: ProcessNode, old: OsStatus | None, new: OsStatus, t: int) -> None:
        """Zombie and stopped are psutil's: they show on the lanes as stretches of their own."""
        was_stopped = old is not None and old.stopped
        if new is OsStatus.ZOMBIE and old is not OsStatus.ZOMBIE:
            # Zombie: its code has ended, whether or not it said so.
            for th in p.threads.values():
                if th.alive:
                    self._finish_thread(th, t)
            self._forget_waits(p.pid, None)
            open_segment(self._lane(p.pid, p.pid), State.ZOMBIE, t)
            self.touch(Part.TIMELINE)
        elif new.stopped and not was_stopped and not p.ended:
            for th in p.threads.values():
                if th.alive and th.lane is not None:
                    open_segment(th.lane, State.STOPPED, t)
            self.touch(Part.TIMELINE)
        elif was_stopped and not new.stopped:
            for th in p.threads.values():
                if th.alive and th.lane is not None:
                    open_segment(th.lane, th.shown_state, t)
            self.touch(Part.TIMELINE)

    @handles(ev.SAMPLE_GONE)
    def _sample_gone(self, t: int, pid: int, tid: int, f: Fields) -> None:
        if pid == self.run.reaper:
            return
        p = self._proc(pid)
        if p.reaped:
            return
        if p.reaped_by is None:
            p.reaped_by = ReapedBy.GONE
        if p.end is None:
            p.end = State.EXITED  # its code, if known, came with proc.exit; a later proc.reap still corrects this
        self._reaped(p, t)
