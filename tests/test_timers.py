"""threading.Timer under contui, with real processes: a Timer's thread is reported as the script's (started, its
countdown a sleep, its function's prints from it, ended, joined), its delay is counted on the run's scenario clock
(so a faster run keeps python's order, and a freeze holds it), a cancelled one never calls its function and its
thread ends at the cancel, and in step mode its countdown is held like a sleep.

The timers are tests/scripts/timers.py's and scenario 24's. What a timer's function prints of the script's clock is
scenario time: a delay counted on the real clock reads ``speed`` times longer."""

from __future__ import annotations

import re
import time

from tests.helpers import plain_python, printed, run_traced, script, wait_until
from tests.test_step_mode import drive, started_stepped
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.collector import Collector
from tui.engine.events import Event
from tui.engine.recording import Recording
from tui.engine.runner import Run

TIMERS = script("timers.py")
SPEED = 10.0
HOLD = 2.0  # s a run is held frozen
_cache: list[Recording] = []


def timers_at_speed() -> Recording:
    """tests/scripts/timers.py at SPEED, one run shared by the tests that only read it."""
    if not _cache:
        rec = run_traced(TIMERS, speed=SPEED, timeout=60)
        assert rec.code == 0, rec.lines("stderr")
        _cache.append(rec)
    return _cache[0]


def fired(lines: list[str]) -> dict[str, tuple[str, bool, float]]:
    """What each timer that fired said: the thread it ran in, its daemon flag, the scenario seconds since start()."""
    out = {}
    for line in lines:
        match = re.fullmatch(r"(\w+) fired in (\S+) daemon=(True|False) after (\d+\.\d+)", line)
        if match:
            out[match[1]] = (match[2], match[3] == "True", float(match[4]))
    return out


def timer_threads(rec: Recording) -> dict[str, Event]:
    """The ``thread.start`` of each thread other than the main one, by name."""
    return {e["name"]: e for e in rec.of(ev.THREAD_START) if e.tid != rec.main_pid}


def sleeps_of(rec: Recording, tid: int) -> list[Event]:
    return [e for e in rec.of(ev.SLEEP) if e.tid == tid]


def test_a_timers_thread_is_reported_as_the_scripts() -> None:
    rec = timers_at_speed()
    said = fired(rec.lines())
    assert set(said) == {"first", "daemon"}
    threads = timer_threads(rec)
    assert sorted(threads) == ["Thread-1", "Thread-2", "Thread-3"]  # named as python names them
    for what, interval, daemon in (("first", 1.0, False), ("daemon", 0.5, True)):
        name, its_daemon, _ = said[what]
        start = threads[name]  # the name contui reports is the one the thread has
        assert (start["daemon"], start["role"], its_daemon) == (daemon, "user", daemon)
        [line] = [e for e in rec.of(ev.STDOUT) if any(text.startswith(f"{what} fired") for text in printed(e))]
        assert (line.pid, line.tid) == (rec.main_pid, start.tid)  # its function ran in it
        # its countdown is the thread sleeping for the Timer's interval, as time.sleep(interval) would be
        begin, end = sleeps_of(rec, start.tid)
        assert (begin["phase"], begin["secs"], end["phase"], end["secs"]) == ("begin", interval, "end", interval)
        [ended] = [e for e in rec.of(ev.THREAD_EXIT) if e.tid == start.tid]
        assert start.t < begin.t < end.t < line.t < ended.t
        assert ended["name"] == name
    # the main thread joins each of the three, and is told each one is over
    joins = [e for e in rec.of(ev.THREAD_JOIN) if e["phase"] == "end"]
    assert sorted(e["name"] for e in joins) == ["Thread-1", "Thread-2", "Thread-3"]
    assert not any(e["alive"] for e in joins)


def test_a_timers_delay_is_counted_on_the_scenario_clock() -> None:
    """At 10x, a Timer(1) fires after 1 s of the script's clock (0.1 s of real time). Counted on the real clock, it
    read 10 s. The upper bounds leave the timer's thread 0.4 s of real time to wake up and print."""
    said = fired(timers_at_speed().lines())
    assert 1.0 <= said["first"][2] < 5.0
    assert 0.5 <= said["daemon"][2] < 4.5


def test_the_timer_scenario_prints_in_pythons_order_at_a_faster_speed() -> None:
    """Scenario 24: egon's Timer(1) prints during the main thread's sleep(2), and only then does the main thread
    cancel alex's Timer(3) and say so. At 4x a quarter second of real time lies between the two; with the delay on
    the real clock, the cancel came half a second before egon's hello."""
    python = plain_python(str(resolve_target("timer").path))
    assert python.returncode == 0 and python.stdout.splitlines()[1].startswith("hello, egon")  # python's order
    rec = run_traced("timer", speed=4.0)
    assert rec.code == 0
    assert rec.lines() == python.stdout.splitlines()


def test_a_cancelled_timer_never_runs_and_its_thread_ends_at_the_cancel() -> None:
    rec = timers_at_speed()
    assert not any(line.startswith("cancelled fired") for line in rec.lines())
    never = timer_threads(rec)["Thread-3"]
    assert not never["daemon"]
    begin, end = sleeps_of(rec, never.tid)
    assert (begin["phase"], begin["secs"], end["phase"]) == ("begin", 600, "end")
    [cancelled] = [e for e in rec.of(ev.STDOUT) if any(text.startswith("cancelled after") for text in printed(e))]
    [ended] = [e for e in rec.of(ev.THREAD_EXIT) if e.tid == never.tid]
    joined = {e["name"]: e for e in rec.of(ev.THREAD_JOIN) if e["phase"] == "end"}
    # its countdown of 600 s (a minute at 10x) ended at the cancel, which came once the other two were joined
    assert begin.t < joined["Thread-2"].t < end.t < ended.t <= joined["Thread-3"].t < cancelled.t
    assert (end.t - begin.t) / 1e9 < 10.0
    model = rec.model
    assert model is not None and not model.processes[rec.main_pid].threads[never.tid].alive


def test_a_freeze_holds_a_timer() -> None:
    """Frozen as the first timer begins its countdown of 1 s, for HOLD s: it fires after 1 s of the script's clock
    all the same, and its sleep lasts its second and the freeze in real time. On the real clock its delay was over
    when the run went on."""
    run = Run(resolve_target(TIMERS), stdin="null")
    collector = Collector(run)
    seen: list[Event] = []

    def first_tid() -> int | None:
        return next((e.tid for e in seen if e.kind == ev.THREAD_START and e.get("name") == "Thread-1"), None)

    def counting() -> bool:
        seen.extend(collector.poll(0.02))
        return any(e.kind == ev.SLEEP and e.tid == first_tid() and e.get("phase") == "begin" for e in seen)

    try:
        run.start()
        assert wait_until(counting, timeout=20), "the first timer's countdown was never seen"
        run.freeze()
        time.sleep(HOLD)  # the class looks at the frozen run
        run.resume()
        deadline = time.monotonic() + 30
        while not collector.finished:
            assert time.monotonic() < deadline, "the run did not end"
            seen.extend(collector.poll(0.05))
    finally:
        run.close()
    _, _, after = fired([line.text for line in collector.model.lines])["first"]
    assert 1.0 <= after < 1.0 + HOLD / 2  # the freeze counted for nothing on the script's clock
    begin, end = [e for e in seen if e.kind == ev.SLEEP and e.tid == first_tid()]
    assert (begin["phase"], begin["secs"], end["phase"]) == ("begin", 1.0, "end")
    assert (end.t - begin.t) / 1e9 >= 1.0 + HOLD - 0.5


def test_in_step_mode_a_timers_countdown_is_held_like_a_sleep() -> None:
    """Scenario 24 started stepped, each step the thread held longest: each timer's countdown is a point of its own,
    held at its function's line until a step lets it go (then the clock jumps to its end)."""
    run, collector = started_stepped("timer")
    seen: list[Event] = []
    poll = collector.poll

    def poll_and_keep(timeout: float) -> list[Event]:
        batch = poll(timeout)
        seen.extend(batch)
        return batch

    collector.poll = poll_and_keep  # type: ignore[method-assign]
    try:
        drive(run, collector, lambda held: held[0], timeout=60)
    finally:
        run.close()
    source = resolve_target("timer").path.read_text(encoding="utf-8").splitlines()
    hello = f"24_timer.py:{source.index('def hello(name):') + 1}"
    timers = {e["name"]: e.tid for e in seen if e.kind == ev.THREAD_START and e["name"].startswith("Thread-")}
    assert sorted(timers) == ["Thread-1", "Thread-2"]
    for name, what in (("Thread-1", "1 s"), ("Thread-2", "3 s")):
        holds = [e for e in seen if e.kind == ev.HOLD and e.tid == timers[name] and e["phase"] == "begin"]
        [countdown] = [e for e in holds if e["action"] == "sleep"]
        assert (countdown["what"], countdown["site"]) == (what, hello)
        assert isinstance(countdown.get("until"), int)
        # held before its countdown began, as a sleep is
        [begin] = [e for e in seen if e.kind == ev.SLEEP and e.tid == timers[name] and e["phase"] == "begin"]
        assert countdown.t < begin.t
    assert any(line.startswith("hello, egon") for line in (line.text for line in collector.model.lines))
