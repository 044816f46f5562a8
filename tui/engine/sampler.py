"""psutil's view of the run's processes (status incl. zombie and stopped, ppid, cpu), and the OS's view of each of
their threads (state, kernel wait channel and share of a core, from /proc/<pid>/task/<tid>), as events.

Only the run's own pids are read, with ``Process`` objects kept between samples; psutil never reaps anything, so a
zombie stays visible until its parent collects it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

from tui.engine import events as ev
from tui.engine.events import Event

# Share of one core that sampling may use; with many processes it samples less often instead of using more.
CPU_BUDGET = 0.04
MIN_INTERVAL = 0.1
# While nothing changes (a run that sleeps), samples back off to this; any event brings them back at once.
IDLE_INTERVAL = 1.0
# /proc/<pid>/task/<tid>/stat's state letter, in psutil's words (psutil.STATUS_*).
THREAD_STATUS = {
    b"R": "running", b"S": "sleeping", b"D": "disk-sleep", b"T": "stopped", b"t": "tracing-stop", b"Z": "zombie",
    b"X": "dead", b"x": "dead", b"I": "idle", b"W": "waking", b"P": "parked",
}


def _read_small(path: str) -> bytes:
    """A /proc file at one read: os.open and os.read cost a fifth of open() here, and a sample reads two per thread."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 1024)
    finally:
        os.close(fd)


# The kernel counts a thread's CPU time (utime, stime in /proc/<pid>/task/<tid>/stat) in these ticks a second.
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
# A thread's first share is measured since it began (its starttime), once it is at least this old (seconds): a
# younger one's few ticks say little.
FIRST_SHARE_AFTER = 0.05
# (ticks of CPU time so far, when they were read on the monotonic clock), per thread id
Ticks = dict[int, tuple[int, float]]


def _boot_seconds() -> float:
    """Seconds since boot on the clock /proc's starttime counts on (CLOCK_BOOTTIME)."""
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def thread_states(pid: int, ticks: Ticks | None = None) -> list[dict[str, object]]:
    """Each thread of ``pid``: its native id, the OS's status word, the kernel's wait channel ("" while it runs) and,
    given ``ticks`` (the readings of the sample before, replaced by this one's), ``cpu``: the percent of one core it
    used since the sample before, or since it began (when it is new, and not too young to say). A thread that ends
    while it is read is left out."""
    out: list[dict[str, object]] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    before = dict(ticks) if ticks is not None else None
    if ticks is not None:
        ticks.clear()  # the threads gone since are forgotten
    for name in tids:
        try:
            stat = _read_small(f"/proc/{pid}/task/{name}/stat")
            wchan = _read_small(f"/proc/{pid}/task/{name}/wchan")
        except OSError:
            continue
        now = time.monotonic()
        # After the command's name: state (field 3), ..., utime (14), stime (15), the rest (starttime is field 22).
        fields = stat.rsplit(b")", 1)[-1].split(None, 13) if b")" in stat else [b"?"]
        channel = wchan.decode("ascii", "replace").strip()
        tid = int(name)
        info: dict[str, object] = {"tid": tid, "status": THREAD_STATUS.get(fields[0], "?"),
                                   "wchan": "" if channel == "0" else channel}
        if ticks is not None and before is not None and len(fields) == 14:
            used = int(fields[11]) + int(fields[12])  # utime + stime
            ticks[tid] = (used, now)
            last = before.get(tid)
            if last is not None:
                span = now - last[1]
                if span > 0:
                    info["cpu"] = round(100.0 * (used - last[0]) / CLK_TCK / span, 1)
            else:
                age = _boot_seconds() - int(fields[13].split(None, 7)[6]) / CLK_TCK  # since its starttime
                if age >= FIRST_SHARE_AFTER:
                    info["cpu"] = round(100.0 * used / CLK_TCK / age, 1)
        out.append(info)
    return out


def what_is_compared(fields: dict[str, object]) -> tuple[object, ...]:
    """What of a sample tells a change from the last one: status, parent, each thread's state and CPU share (to a
    tenth of a core), the process's CPU share."""
    threads = tuple((th["tid"], th["status"], th["wchan"], round(float(th.get("cpu") or 0) / 10))  # type: ignore
                    for th in fields["threads"])  # type: ignore[attr-defined]
    return fields["status"], fields["ppid"], threads, round(float(fields["cpu"]))  # type: ignore[arg-type]


class Sampler:
    def __init__(self, t0: int, budget: float = CPU_BUDGET, min_interval: float = MIN_INTERVAL) -> None:
        import psutil  # noqa: F401  # here, not at the first sample: its import is not a sample's cost

        self.t0 = t0
        self.budget = budget
        self.min_interval = min_interval
        self.interval = min_interval
        self._procs: dict[int, Any] = {}  # pid -> psutil.Process, kept between samples
        self._names: dict[int, str] = {}
        self._gone: set[int] = set()
        self._last: dict[int, tuple[object, ...]] = {}
        self._ticks: dict[int, Ticks] = {}  # pid -> its threads' CPU time at the sample before
        self._quiet = MIN_INTERVAL
        self._cost_interval = 0.0  # the interval the last sample's CPU cost asks for, to stay within the budget
        self._next = 0.0

    def due(self) -> bool:
        return time.monotonic() >= self._next

    def seconds_until_due(self) -> float:
        return max(0.0, self._next - time.monotonic())

    def hurry(self) -> None:
        """Something happened in the run: sample at the normal rate again."""
        if self._quiet > self.min_interval:
            self._quiet = self.min_interval
            self.interval = max(self._quiet, self._cost_interval)
            self._next = min(self._next, time.monotonic() + self.interval)

    def sample(self, pids: Iterable[int]) -> list[Event]:
        """One sample of every pid given; a pid that has disappeared yields ``sample.gone`` once."""
        # CPU time, not wall time: on a loaded machine waiting for a core is not sampling cost.
        started = time.thread_time()
        out: list[Event] = []
        changed = False
        for pid in pids:
            if pid in self._gone:
                continue
            fields = self._read(pid)
            t = time.monotonic_ns() - self.t0
            if fields is None:
                self._gone.add(pid)
                self._procs.pop(pid, None)
                self._ticks.pop(pid, None)
                out.append(Event(t, ev.SAMPLE_GONE, pid, 0, {}))
            else:
                out.append(Event(t, ev.SAMPLE, pid, 0, fields))
                seen = what_is_compared(fields)
                changed = changed or self._last.get(pid) != seen
                self._last[pid] = seen
        spent = time.thread_time() - started
        self._quiet = self.min_interval if changed or not out else min(IDLE_INTERVAL, self._quiet * 2)
        self._cost_interval = spent / self.budget
        self.interval = max(self._quiet, self._cost_interval)
        self._next = time.monotonic() + self.interval
        return out

    def _read(self, pid: int) -> dict[str, object] | None:
        import psutil  # here, not at the top: contui's start-up need not pay for it

        proc = self._procs.get(pid)
        try:
            if proc is None:
                proc = self._procs[pid] = psutil.Process(pid)
                proc.cpu_percent(None)  # the first call only starts the measurement
            with proc.oneshot():
                status = proc.status()
                ppid = proc.ppid()
                cpu = proc.cpu_percent(None) if status != psutil.STATUS_ZOMBIE else 0.0
            ticks = self._ticks.get(pid)
            if ticks is None:
                ticks = self._ticks[pid] = {}
            threads = thread_states(pid, ticks) if status != psutil.STATUS_ZOMBIE else []
        except psutil.ZombieProcess:
            return {"ppid": proc.ppid() if proc else 0, "status": psutil.STATUS_ZOMBIE, "threads": [], "cpu": 0.0,
                    "parent_name": ""}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None
        return {"ppid": ppid, "status": status, "threads": threads, "cpu": cpu, "parent_name": self._name(ppid)}

    def _name(self, pid: int) -> str:
        import psutil

        name = self._names.get(pid)
        if name is None:
            try:
                name = psutil.Process(pid).name()
            except psutil.Error:
                name = "?"
            self._names[pid] = name
        return name
