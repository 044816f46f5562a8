"""Runs of the course's scenarios for tests, shared by the test modules of each part of the course: one recording per
scenario, start method and speed, and the questions the tests ask of it."""

from __future__ import annotations

from tests.helpers import printed, record_run, run_traced
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.events import Event
from tui.engine.recording import Recording
from tui.engine.runner import Run

# Scenarios run 10 times faster than in class, except where an assertion rests on one of the scenario's own sleeps:
# those run at a speed that leaves that sleep at a second or more, a margin no scheduling of a test machine eats.
# Which process prints first when two just started, or whether a random sleep lets two buyers meet, is the OS's or
# the dice's to decide and is never asserted.
SPEED = 10.0
_cache: dict[tuple[str, str | None, float], Recording] = {}


def recorded(scenario: str, method: str | None = None, speed: float = SPEED) -> Recording:
    """One run per scenario, start method and speed for the whole module: the assertions share it."""
    key = (scenario, method, speed)
    if key not in _cache:
        rec = run_traced(scenario, start_method=method, speed=speed, timeout=60)
        assert rec.code == 0, f"{scenario} exited with {rec.code}: {rec.lines('stderr')[-5:]}"
        assert not rec.of(ev.DEADLOCK), f"{scenario} has no deadlock, yet contui called one"
        assert not rec.of(ev.STALL), f"{scenario} never stalls, yet contui said it did"
        assert not rec.of(ev.LOCK_ORDER), f"{scenario} takes its locks in one order, yet contui said otherwise"
        _cache[key] = rec
    return _cache[key]


def children_of(rec: Recording, pid: int) -> list[int]:
    return [e["child"] for e in rec.of(ev.PROC_SPAWN) if e.pid == pid]


def line_time(rec: Recording, text: str) -> int:
    return next(e.t for e in rec.of(ev.STDOUT) if text in printed(e))


def event_of(rec: Recording, kind: str, pid: int | None = None, child: int | None = None) -> Event:
    """The first event of ``kind`` sent by ``pid`` and/or about ``child``."""
    return next(e for e in rec.of(kind) if (pid is None or e.pid == pid) and (child is None or e.get("child") == child))


def sleep_ends(rec: Recording, pids: list[int]) -> list[Event]:
    return [e for e in rec.of(ev.SLEEP) if e.pid in pids and e["phase"] == "end"]


def until_deadlock(spec: str, method: str | None = None, speed: float = SPEED,
                   args: tuple[str, ...] = ()) -> Recording:
    """Run a scenario or script (a deadlocked run never ends by itself) until contui tells its deadlock, then stop
    it. ``args``: the script's sys.argv[1:]."""
    run = Run(resolve_target(spec, args=args), speed=speed, start_method=method, stdin="null")

    def on_event(event: Event) -> None:
        if event.kind == ev.DEADLOCK:
            run.stop()

    return record_run(run, spec, timeout=30, on_event=on_event)


def assert_deadlocked(rec: Recording, one: str, other: str) -> None:
    """Two threads, each holding one of the two locks and waiting for the other, told within 0.5 s of the wait that
    closed the cycle."""
    [deadlock] = rec.of(ev.DEADLOCK)
    members = deadlock["members"]
    assert len(members) == 2
    assert sorted((m["holds_name"], m["wants_name"]) for m in members) == sorted([(one, other), (other, one)])
    closing = max(next(e.t for e in reversed(rec.of(ev.LOCK_WAIT)) if (e.pid, e.tid) == (m["pid"], m["tid"])
                           and e["lock"] == m["wants"]) for m in members)
    assert 0 < deadlock.t - closing <= 500_000_000
