"""The sampler's back-off: while nothing it samples changes, the interval doubles up to IDLE_INTERVAL; a change, or
hurry() (an event of the run), brings it back to the minimum.

What a sample reads is given here (the sampler's reader is replaced), so a test sees exactly the readings it names:
on a loaded machine a real process's readings settle in their own time (a thread's wait channel, a CPU share), and a
test of the back-off must not depend on that race. Reading real processes is tested in test_thread_states.py. Only
the sampler's own interval figures are asserted; its CPU budget is set out of reach, so the interval is the back-off's
alone."""

from __future__ import annotations

import math
import time

import pytest

from tui.engine import events as ev
from tui.engine.sampler import IDLE_INTERVAL, MIN_INTERVAL, Sampler

PID = 4242


class Readings:
    """What the sampler reads of PID: a sleeping process with one sleeping thread, until a test changes it."""

    def __init__(self) -> None:
        self.status = "sleeping"

    def __call__(self, pid: int) -> dict[str, object]:
        assert pid == PID
        return {"ppid": 1, "status": self.status, "cpu": 0.0,
                "threads": [{"tid": PID, "status": self.status, "wchan": "hrtimer_nanosleep"}]}


# The interval after each sample of a process that does not change: the first sample is news (the minimum), then it
# doubles up to IDLE_INTERVAL and stays there (twice more, to see it stay).
_DOUBLINGS = math.ceil(math.log2(IDLE_INTERVAL / MIN_INTERVAL))
BACK_OFF = [min(IDLE_INTERVAL, MIN_INTERVAL * 2**k) for k in range(_DOUBLINGS + 3)]


def new_sampler(readings: Readings) -> Sampler:
    sampler = Sampler(time.monotonic_ns(), budget=math.inf)
    sampler._read = readings  # type: ignore[method-assign]
    return sampler


def intervals(sampler: Sampler, samples: int) -> list[float]:
    """The sampler's interval after each of ``samples`` samples."""
    got = []
    for _ in range(samples):
        [sample] = sampler.sample([PID])
        assert sample.kind == ev.SAMPLE
        got.append(sampler.interval)
    return got


def backed_off(readings: Readings) -> Sampler:
    sampler = new_sampler(readings)
    assert intervals(sampler, len(BACK_OFF)) == pytest.approx(BACK_OFF)
    return sampler


def test_interval_doubles_up_to_idle_while_nothing_changes() -> None:
    assert BACK_OFF[0] == MIN_INTERVAL and BACK_OFF[-2:] == [IDLE_INTERVAL, IDLE_INTERVAL]
    assert intervals(new_sampler(Readings()), len(BACK_OFF)) == pytest.approx(BACK_OFF)


def test_a_change_brings_the_interval_back_to_the_minimum() -> None:
    readings = Readings()
    sampler = backed_off(readings)
    readings.status = "stopped"  # its status changes: sleeping -> stopped
    [sample] = sampler.sample([PID])
    assert sample["status"] == "stopped"
    assert sampler.interval == pytest.approx(MIN_INTERVAL)
    sampler.sample([PID])  # still stopped: nothing new, the back-off starts over
    assert sampler.interval == pytest.approx(2 * MIN_INTERVAL)


def test_a_thread_that_changes_is_a_change() -> None:
    readings = Readings()
    sampler = backed_off(readings)
    original = readings.__call__

    def one_thread_runs(pid: int) -> dict[str, object]:
        fields = original(pid)
        fields["threads"] = [{"tid": PID, "status": "running", "wchan": ""}]
        return fields

    sampler._read = one_thread_runs  # type: ignore[method-assign]
    sampler.sample([PID])
    assert sampler.interval == pytest.approx(MIN_INTERVAL)


def test_hurry_brings_the_interval_back_to_the_minimum() -> None:
    sampler = backed_off(Readings())
    sampler.hurry()  # an event of the run
    assert sampler.interval == pytest.approx(MIN_INTERVAL)
    # The next sample is due at the normal rate, not a backed-off interval later. (The sampler's own clock against its
    # own deadline: nothing here depends on how long anything took.)
    assert sampler.seconds_until_due() <= MIN_INTERVAL
    sampler.sample([PID])  # nothing changed: the back-off starts over from the minimum
    assert sampler.interval == pytest.approx(2 * MIN_INTERVAL)
