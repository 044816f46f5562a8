"""Whether the machine has CPU to spare, from the kernel's counters in /proc/stat: ``contui run`` puts off what it
can (loading its model, its first samples) while the run it watches keeps every core busy. On a machine of two
cores the run's processes share the CPU with contui's (the kernel's autogroups give each session a fair share): the
tens of milliseconds of loading landed in the middle of a short CPU-bound run, which waited for them."""

from __future__ import annotations

import os
import time

MIN_SPAN_NS = 20_000_000  # the counters move in clock ticks (10 ms): a span shorter than two says nothing


def _cpu_times() -> tuple[int, int]:
    """(idle, total) clock ticks of every core since boot; (0, 0) where /proc/stat cannot be read."""
    try:
        with open("/proc/stat", "rb") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields[:8])


class SpareCpu:
    """Asked now and then: was half a core or more idle since it was last asked (at least MIN_SPAN_NS ago)? The
    first time it is asked it starts counting, and says no."""

    def __init__(self) -> None:
        self._cores = os.cpu_count() or 1
        self._at = 0
        self._idle = self._total = 0
        self._answer = False

    def now(self) -> bool:
        t = time.monotonic_ns()
        if not self._at:
            self._at, (self._idle, self._total) = t, _cpu_times()
            return False
        if t - self._at < MIN_SPAN_NS:
            return self._answer
        idle, total = _cpu_times()
        if total <= self._total:  # nothing counted (or nothing to read): nothing to wait for
            self._answer = True
        else:
            self._answer = (idle - self._idle) * self._cores * 2 >= total - self._total
        self._at, self._idle, self._total = t, idle, total
        return self._answer
