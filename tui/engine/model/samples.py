"""The fold of psutil's samples: the OS's view of each process (zombie, stopped, sleeping; cpu; thread count; its
current parent, and so who adopted an orphan), and a pid psutil can no longer find."""

from __future__ import annotations

from tui.engine.model.core import Fields, ModelCore, handles, open_segment
from tui.engine.model.records import OsStatus, Part, ProcessNode, ReapedBy, State
from tui.inside import kinds as ev


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
            th = known.get((pid, info["tid"]))  # type: ignore[arg-type]
            if th is None or not th.alive:
                continue
            before = (th.shown_state, th.os_status, th.wchan)
            th.os_status = OsStatus(info.get("status"))
            th.wchan = str(info.get("wchan") or "") or None
            th.os_t = t
            if (th.shown_state, th.os_status, th.wchan) != before:
                changed = True
                self._show(th, t)
        return changed

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
