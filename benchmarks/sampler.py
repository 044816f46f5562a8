"""psutil sampling cost: the engine's Sampler over 50 and 500 real sleeping processes, at its own adaptive interval,
as a share of one core over time (targets: <= 5 % at 50, <= 10 % at 500)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from benchmarks.common import SCRIPTS, Figure, cpu_share
from tui.engine.sampler import Sampler

FIGURES = [
    Figure("sampler.cpu_50", "sampler: CPU time of its thread at 50 processes", "% core", 5.0),
    Figure("sampler.cpu_500", "sampler: CPU time of its thread at 500 processes", "% core", 10.0),
    Figure("sampler.interval_500", "sampler: interval it settles at, 500 processes (its setting)", "s"),
    Figure("sampler.sample_ms_500", "sampler: one sample of 500 processes, CPU time", "ms"),
]
REPEATS = 3


@contextmanager
def sleepers(n: int) -> Iterator[list[int]]:
    helper = subprocess.Popen([sys.executable, str(SCRIPTS / "sleepers.py"), str(n)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert helper.stdout is not None
        pids = [int(p) for p in helper.stdout.readline().split()]
        if len(pids) != n:
            raise RuntimeError(f"sleepers.py started {len(pids)} of {n} processes")
        yield pids
    finally:
        assert helper.stdin is not None
        helper.stdin.close()
        try:
            helper.wait(10)
        except subprocess.TimeoutExpired:
            helper.kill()  # its children die with it (PDEATHSIG)
            helper.wait()


def sample_for(pids: list[int], seconds: float) -> tuple[float, float, float]:
    """Sample as the collector does (whenever due) for ``seconds``: CPU share in % of a core, the interval the
    sampler chose, and the CPU time of one full sample in ms. The first sample (making the Process objects) is
    left out: it is paid once per process, not over time."""
    sampler = Sampler(time.monotonic_ns())
    sampler.sample(pids)
    samples = 0
    cpu0, wall0 = time.thread_time(), time.monotonic()
    while time.monotonic() - wall0 < seconds:
        time.sleep(sampler.seconds_until_due())
        sampler.sample(pids)
        samples += 1
    cpu, wall = time.thread_time() - cpu0, time.monotonic() - wall0
    return cpu_share(cpu, wall), sampler.interval, 1000 * cpu / max(1, samples)


def measure(quick: bool) -> dict[str, float]:
    small, large = (5, 20) if quick else (50, 500)
    seconds = 0.3 if quick else 4.0
    with sleepers(small) as pids:
        cpu_small, _, _ = sample_for(pids, seconds)
    with sleepers(large) as pids:
        cpu_large, interval, per_sample = sample_for(pids, 2 * seconds)
    return {
        "sampler.cpu_50": cpu_small,
        "sampler.cpu_500": cpu_large,
        "sampler.interval_500": interval,
        "sampler.sample_ms_500": per_sample,
    }
