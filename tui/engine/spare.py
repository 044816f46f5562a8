"""Whether the machine has CPU to spare, from the kernel's counters: ``contui run`` puts off what it can (loading its
model, its first samples) while the run it watches keeps every core busy. On a machine of two cores the run's
processes share the CPU with contui's (the kernel's autogroups give each session a fair share): the tens of
milliseconds of loading landed in the middle of a short CPU-bound run, which waited for them.

Two counters say it together. /proc/stat's idle time: half a core or more idle. It moves in clock ticks (10 ms a
core), so over a short span one tick more or less decides: a run of eight busy processes seemed to leave a core
idle whenever a tick fell that way. /proc/pressure/cpu's ``some`` (the time in which a task that could run waited
for a CPU, in µs): at most a tenth of the span. Where the kernel has no pressure counters the idle time decides
alone.
"""

from __future__ import annotations

import os
import time

MIN_SPAN_NS = 20_000_000  # the idle counters move in clock ticks (10 ms): a span shorter than two says nothing
MAX_STALLED = 0.1  # of the span, some task waited for a CPU: more, and the run has no core to spare


def _cpu_times() -> tuple[int, int]:
    """(idle, total) clock ticks of every core since boot; (0, 0) where /proc/stat cannot be read."""
    try:
        with open("/proc/stat", "rb") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields[:8])


def _stalled_us() -> int | None:
    """µs since boot in which some task waited for a CPU; None where the kernel does not count it."""
    try:
        with open("/proc/pressure/cpu", "rb") as pressure:
            return int(pressure.readline().rsplit(b"total=", 1)[1])
    except (OSError, ValueError, IndexError):
        return None


class SpareCpu:
    """Asked now and then: since it was last asked (at least MIN_SPAN_NS ago), was half a core or more idle, with
    hardly a task kept waiting for a CPU? The first time it is asked it starts counting, and says no."""

    def __init__(self) -> None:
        self._cores = os.cpu_count() or 1
        self._at = 0
        self._idle = self._total = 0
        self._stalled: int | None = None
        self._answer = False

    def now(self) -> bool:
        t = time.monotonic_ns()
        if not self._at:
            self._at, (self._idle, self._total), self._stalled = t, _cpu_times(), _stalled_us()
            return False
        if t - self._at < MIN_SPAN_NS:
            return self._answer
        idle, total = _cpu_times()
        stalled = _stalled_us()
        if total <= self._total:  # nothing counted (or nothing to read): nothing to wait for
            self._answer = True
        else:
            self._answer = (idle - self._idle) * self._cores * 2 >= total - self._total
        if self._answer and stalled is not None and self._stalled is not None:
            self._answer = (stalled - self._stalled) * 1000 <= MAX_STALLED * (t - self._at)
        self._at, self._idle, self._total, self._stalled = t, idle, total, stalled
        return self._answer
