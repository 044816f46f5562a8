"""A run that ignores SIGTERM still ends: stop, a switch to another target, and closing the session (what quitting
the app does) all SIGKILL it after the grace period, and the reaper collects every process of it."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import Any

import psutil
import pytest

import tui.engine.session as session_module
from tests.helpers import assert_model_took_every_event, printed, script, wait_until
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.collector import Collector
from tui.engine.events import Event, Wire
from tui.engine.runner import Run
from tui.engine.session import Session

IGNORES = script("ignores_sigterm.py")
GRACE = 0.3  # seconds between the SIGTERM that is ignored and the SIGKILL


class RecordingCollector(Collector):
    """A Collector that keeps every event it folds into its model, for the test to read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events: list[Event] = []

    def poll_wires(self, *args: Any, **kwargs: Any) -> list[Wire]:  # every poll of a Collector comes through here
        batch = super().poll_wires(*args, **kwargs)
        self.events.extend(Event.from_wire(wire) for wire in batch)
        return batch


@pytest.fixture
def collectors(monkeypatch: pytest.MonkeyPatch) -> list[RecordingCollector]:
    """Every collector the session makes from now on, in order (one per run)."""
    made: list[RecordingCollector] = []

    class Made(RecordingCollector):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(session_module, "Collector", Made)
    return made


def wait_until_ready(poll: Callable[[], object], collector: RecordingCollector) -> list[psutil.Process]:
    """Poll until the script says both its processes ignore SIGTERM; they are returned, to check on them later."""

    def ready() -> bool:
        poll()
        return any("ready" in printed(e) for e in collector.events)

    assert wait_until(ready, timeout=30), "the script never said it was ready"
    main = next(e["main"] for e in collector.events if e.kind == ev.RUN_START)
    [child] = [e["child"] for e in collector.events if e.kind == ev.PROC_SPAWN and e.pid == main]
    return [psutil.Process(main), psutil.Process(child)]


def now_on_run_clock(run: Run | None) -> int:
    assert run is not None
    return time.monotonic_ns() - run.t0


def assert_killed_after_grace(collector: RecordingCollector, procs: list[psutil.Process], stopped_at: int) -> None:
    """Both processes are gone, and the reaper's own record says SIGKILL ended them, no sooner than the grace
    period after the stop (which their ignored SIGTERM began)."""
    assert collector.finished, "the run's last events were not all read"
    events = collector.events
    reaper = next(e["reaper"] for e in events if e.kind == ev.RUN_START)
    reaps = {e["child"]: e for e in events if e.kind == ev.PROC_REAP}
    for proc in procs:
        assert not proc.is_running(), f"{proc.pid} is still there"
        reap = reaps[proc.pid]
        assert (reap.pid, reap["by"], reap["code"]) == (reaper, "reaper", -signal.SIGKILL), reap
        assert reap.t >= stopped_at + GRACE * 1e9, "killed before the grace period was over"
    assert not [e for e in events if e.kind == ev.PROC_EXIT], "a process ended by itself: SIGTERM was not ignored"
    assert [e["code"] for e in events if e.kind == ev.RUN_END] == [-signal.SIGKILL]
    assert_model_took_every_event(collector.model, IGNORES)


def test_stop_kills_what_ignores_sigterm_after_the_grace() -> None:
    run = Run(resolve_target(IGNORES), stdin="null", grace=GRACE)
    collector = RecordingCollector(run)
    run.start()
    try:
        procs = wait_until_ready(lambda: collector.poll(0.05), collector)
        stopped_at = now_on_run_clock(run)
        run.stop()
        assert wait_until(lambda: collector.poll(0.05) is not None and collector.finished, timeout=10)
    finally:
        run.close()
    assert_killed_after_grace(collector, procs, stopped_at)


@pytest.mark.parametrize("end", ["switch", "close"])
def test_the_session_kills_what_ignores_sigterm(end: str, collectors: list[RecordingCollector]) -> None:
    """The session ends its run the same way when another target starts and when it is closed (app quit)."""
    session = Session(grace=GRACE)
    try:
        session.start(resolve_target(IGNORES))
        [collector] = collectors
        procs = wait_until_ready(lambda: session.poll(0.05), collector)
        stopped_at = now_on_run_clock(session.run)
        if end == "switch":
            other = resolve_target(script("exit3.py"))
            session.start(other)  # the old run is ended before the new one starts
            assert session.target == other and len(collectors) == 2
        else:
            session.close()
            assert session.run is None
        assert_killed_after_grace(collector, procs, stopped_at)
    finally:
        session.close()
