"""The sampler's back-off, on a real sleeping process: while nothing it samples changes, the interval doubles up to
IDLE_INTERVAL; a change, or hurry() (an event of the run), brings it back to the minimum.

Only the sampler's own interval figures are asserted, never how long anything took. Its CPU budget is set out of
reach, so the interval is the back-off's alone (what stretches it on a slow machine is another rule)."""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import psutil
import pytest

from tests.helpers import wait_until
from tui.engine import events as ev
from tui.engine.sampler import IDLE_INTERVAL, MIN_INTERVAL, Sampler


@pytest.fixture
def sleeper() -> Iterator[psutil.Process]:
    """A child that sleeps for the whole test, known to be in that sleep (so its samples no longer change)."""
    popen = subprocess.Popen([sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(30)"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
    try:
        assert popen.stdout is not None and popen.stdout.readline() == "ready\n"
        # After its line, the only thing it waits for is the end of its sleep: sleeping now means in that sleep
        # (start-up may sleep too, on a disk read, and would then change as it goes on).
        proc = psutil.Process(popen.pid)
        assert wait_until(lambda: proc.status() == psutil.STATUS_SLEEPING, timeout=10), proc.status()
        yield proc
    finally:
        popen.kill()
        popen.wait()
        if popen.stdout is not None:
            popen.stdout.close()


# The interval after each sample of a process that does not change: the first sample is news (the minimum), then it
# doubles up to IDLE_INTERVAL and stays there (twice more, to see it stay).
_DOUBLINGS = math.ceil(math.log2(IDLE_INTERVAL / MIN_INTERVAL))
BACK_OFF = [min(IDLE_INTERVAL, MIN_INTERVAL * 2**k) for k in range(_DOUBLINGS + 3)]


def new_sampler() -> Sampler:
    return Sampler(time.monotonic_ns(), budget=math.inf)


def intervals(sampler: Sampler, proc: psutil.Process, samples: int) -> list[float]:
    """The sampler's interval after each of ``samples`` samples of ``proc`` (which must stay asleep)."""
    got = []
    for _ in range(samples):
        [sample] = sampler.sample([proc.pid])
        assert sample.kind == ev.SAMPLE and sample["status"] == psutil.STATUS_SLEEPING
        got.append(sampler.interval)
    return got


def backed_off(proc: psutil.Process) -> Sampler:
    sampler = new_sampler()
    assert intervals(sampler, proc, len(BACK_OFF)) == pytest.approx(BACK_OFF)
    return sampler


def test_interval_doubles_up_to_idle_while_nothing_changes(sleeper: psutil.Process) -> None:
    assert BACK_OFF[0] == MIN_INTERVAL and BACK_OFF[-2:] == [IDLE_INTERVAL, IDLE_INTERVAL]
    assert intervals(new_sampler(), sleeper, len(BACK_OFF)) == pytest.approx(BACK_OFF)


def test_a_change_brings_the_interval_back_to_the_minimum(sleeper: psutil.Process) -> None:
    sampler = backed_off(sleeper)
    sleeper.send_signal(signal.SIGSTOP)  # its status changes: sleeping -> stopped
    try:
        assert wait_until(lambda: sleeper.status() == psutil.STATUS_STOPPED, timeout=10)
        [sample] = sampler.sample([sleeper.pid])
        assert sample["status"] == psutil.STATUS_STOPPED
        assert sampler.interval == pytest.approx(MIN_INTERVAL)
        sampler.sample([sleeper.pid])  # still stopped: nothing new, the back-off starts over
        assert sampler.interval == pytest.approx(2 * MIN_INTERVAL)
    finally:
        sleeper.send_signal(signal.SIGCONT)


def test_hurry_brings_the_interval_back_to_the_minimum(sleeper: psutil.Process) -> None:
    sampler = backed_off(sleeper)
    sampler.hurry()  # an event of the run
    assert sampler.interval == pytest.approx(MIN_INTERVAL)
    # The next sample is due at the normal rate, not a backed-off interval later. (The sampler's own clock against its
    # own deadline: nothing here depends on how long anything took.)
    assert sampler.seconds_until_due() <= MIN_INTERVAL
    sampler.sample([sleeper.pid])  # nothing changed: the back-off starts over from the minimum
    assert sampler.interval == pytest.approx(2 * MIN_INTERVAL)
