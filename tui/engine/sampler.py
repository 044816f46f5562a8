"""psutil's view of the run's processes (status incl. zombie and stopped, ppid, cpu), and the OS's view of each of
their threads (state and kernel wait channel, from /proc/<pid>/task/<tid>), as events.

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


def thread_states(pid: int) -> list[dict[str, object]]:
    """Each thread of ``pid``: its native id, the OS's status word and the kernel's wait channel ("" while it runs).
    A thread that ends while it is read is left out."""
    out: list[dict[str, object]] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for name in tids:
        try:
            stat = _read_small(f"/proc/{pid}/task/{name}/stat")
            wchan = _read_small(f"/proc/{pid}/task/{name}/wchan")
        except OSError:
            continue
        letter = stat.rsplit(b")", 1)[-1].split(None, 1)[0] if b")" in stat else b"?"
        channel = wchan.decode("ascii", "replace").strip()
        out.append({"tid": int(name), "status": THREAD_STATUS.get(letter, "?"),
                    "wchan": "" if channel == "0" else channel})
    return out


def what_is_compared(fields: dict[str, object]) -> tuple[object, ...]:
    """What of a sample tells a change from the last one: status, parent, each thread's state, CPU share."""
    threads = tuple((th["tid"], th["status"], th["wchan"]) for th in fields["threads"])  # type: ignore[attr-defined]
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
            threads = thread_states(pid) if status != psutil.STATUS_ZOMBIE else []
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
