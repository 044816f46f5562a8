"""The run's scenario clock, with real processes: a freeze holds the lesson (the join scenario still prints 3 s, while
the class waited 3 s more), a change of speed acts on the sleep in progress, and what a script's clocks read does
not depend on the speed it ran at."""

from __future__ import annotations

import re
import time

import pytest

from tests.helpers import run_traced, script, wait_until
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.collector import Collector
from tui.engine.runner import Run

HOLD = 3.0  # s the run is held frozen


def printed_total(lines: list[str]) -> float:
    """The join scenario's last line, ``主 3.00...``: the seconds it measured."""
    match = re.fullmatch(r"主 (\d+\.\d+)", lines[-1])
    assert match, lines
    return float(match.group(1))


def collect_to_end(collector: Collector, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not collector.finished:
        assert time.monotonic() < deadline, "the run did not end"
        collector.poll(0.05)


def test_a_freeze_shortens_no_sleep_of_the_join_scenario() -> None:
    run = Run(resolve_target("join"), stdin="null")
    collector = Collector(run)
    try:
        run.start()
        # frozen once all three children sleep: a freeze that fast-forwarded them would end the run at once
        assert wait_until(lambda: collector.poll(0.02) is not None and
                          sum(1 for line in collector.model.lines if "is running" in line.text) == 3, timeout=20)
        run.freeze()
        time.sleep(HOLD)  # the class looks at the frozen run for HOLD seconds
        run.resume()
        collect_to_end(collector, 30)
    finally:
        run.close()
    model = collector.model
    lines = [line.text for line in model.lines]
    # never under 3 s: every sleep counts in full on the scenario clock
    assert 3.0 <= printed_total(lines) <= 3.2
    # the scenario's own wall time, from its main process's start to its end (the interpreters' start-up before it
    # is not the scenario's): the sleeps and the hold
    main = model.processes[model.run.main]
    assert main.started_t is not None and main.ended_t is not None
    assert (main.ended_t - main.started_t) / 1e9 == pytest.approx(3.0 + HOLD, abs=0.5)


def test_a_faster_speed_acts_on_the_sleep_in_progress() -> None:
    run = Run(resolve_target(script("long_sleep.py")), stdin="null")
    collector = Collector(run)
    try:
        run.start()
        seen: list[ev.Event] = []
        assert wait_until(lambda: seen.extend(collector.poll(0.02)) or
                          any(e.kind == ev.SLEEP and e.get("phase") == "begin" for e in seen), timeout=20)
        changed = time.monotonic()
        run.set_speed(100)  # 20 s of sleep left at most: 0.2 s from now
        collect_to_end(collector, 15)
        after_change = time.monotonic() - changed
    finally:
        run.close()
    assert after_change < 5  # at the old speed, the sleep would have gone on for about 20 s
    first, second = (line.text for line in collector.model.lines)
    assert first == "sleeping" and second.startswith("slept ")
    # the sleep counted in full; what it overran is real time (waking up, reading the clock) read at 100x, where
    # each real millisecond is a tenth of a second
    assert 20.0 <= float(second.split()[1]) < 22.0


@pytest.mark.parametrize("speed", [4.0])
def test_what_the_scripts_clocks_read_is_the_same_at_any_speed(speed: float) -> None:
    at_one = run_traced(script("clocks.py")).lines()
    faster = run_traced(script("clocks.py"), speed=speed).lines()
    assert len(at_one) == len(faster) == 24
    for one, other in zip(at_one, faster, strict=True):
        wait, clock, seconds = one.split()
        wait_too, clock_too, seconds_too = other.split()
        assert (wait, clock) == (wait_too, clock_too)
        assert float(seconds_too) == pytest.approx(float(seconds), abs=0.2), (one, other)
        assert float(seconds) == pytest.approx(2.0 if wait == "sleep" else 1.0, abs=0.2), one


@pytest.mark.parametrize("speed", [1.0, 4.0])
def test_the_join_scenario_teaches_3_seconds_not_6_at_any_speed(speed: float) -> None:
    """Every sleep counts in full on the scenario clock, so the total is never under 3 s; the script's own work
    (three process starts) is real time scaled by the speed too, so at 4x it reads 4x longer, and only the lesson
    is asserted: the total is nearer 3 s, the longest sleep, than 6 s, their sum."""
    total = printed_total(run_traced("join", speed=speed).lines())
    assert 3.0 <= total < 4.5


def test_the_models_clock_follows_a_quiet_run() -> None:
    """A run that only sleeps sends nothing for seconds: contui's own clock events keep the model's clock (and the
    timeline's axis, which follows it) moving, never more than a second behind."""
    run = Run(resolve_target(script("long_sleep.py")), speed=10.0, stdin="null")  # 2 s of sleep
    collector = Collector(run)
    times: list[int] = []
    try:
        run.start()
        deadline = time.monotonic() + 20
        while not collector.finished:
            assert time.monotonic() < deadline, "the run did not end"
            collector.poll(0.05)
            times.append(collector.model.now)
    finally:
        run.close()
    assert max(later - earlier for earlier, later in zip(times, times[1:])) < 1_000_000_000
    assert collector.model.now > 1_500_000_000


@pytest.mark.parametrize("scenario", ["deadlock", "deadlock_processes"])
def test_a_deadlock_scenarios_watchdog_stands_still_while_the_run_is_frozen(scenario: str) -> None:
    """Frozen at its deadlock, as the app freezes it, for HOLD seconds: the watchdog (10 s of scenario time, 1 s at
    speed 10) fires only once the run goes on, its sleep lasting the hold and its own 1 s, never the hold alone."""
    speed = 10.0
    run = Run(resolve_target(scenario), speed=speed, stdin="null")
    collector = Collector(run)
    try:
        run.start()
        assert wait_until(lambda: collector.poll(0.02) is not None and bool(collector.model.deadlocks), timeout=20)
        run.freeze()
        time.sleep(HOLD)  # the class looks at the frozen deadlock for HOLD seconds
        run.resume()
        collect_to_end(collector, 30)
    finally:
        run.close()
    model = collector.model
    assert any(line.text.startswith("看门狗") for line in model.lines)  # it ended the hung run, after all
    assert model.run.code == 1
    main = model.run.main
    watchdog = next(th for th in model.processes[main].threads.values() if "watchdog" in th.name)
    assert watchdog.started_t is not None and watchdog.ended_t is not None
    assert (watchdog.ended_t - watchdog.started_t) / 1e9 >= HOLD + 10 / speed * 0.9
