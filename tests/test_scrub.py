"""The model at any moment of a recording, from checkpoints: the same as folding the recording's first events from
nothing, whichever checkpoint it starts from; and the timeline's merged older detail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.engine.events import Event
from tui.engine.jsonl import RecordingHeader, read_recording, write_recording
from tui.engine.model import Model, State
from tui.engine.model.detail import BUCKETS, MAX_SEGMENTS, RECENT, add_segment, merge_segments
from tui.engine.model.records import Lane, Segment
from tui.engine.scrub import RecordedRun

RECORDINGS = Path(__file__).parent / "recordings"


def view(model: Model) -> tuple[object, ...]:
    """What the panes draw of a model, as plain values."""
    threads = sorted((th.pid, th.tid, th.name, th.state, th.blocked_on) for th in model._threads.values())
    processes = sorted((p.pid, p.name, p.ppid, p.ended_t, p.reaped, p.os_status, p.exit_code, p.end)
                       for p in model.processes.values())
    locks = sorted((lock.id, tuple(lock.owners), tuple(lock.waiters), lock.depth) for lock in model.locks.values())
    queues = sorted((q.id, tuple(map(repr, q.items))) for q in model.queues.values())
    lines = [(line.t, line.pid, line.text, line.partial, line.stream) for line in model.lines]
    lanes = sorted((key, tuple((s.state, s.t0, s.t1) for s in lane.segments), tuple((m.t, m.kind) for m in lane.marks))
                   for key, lane in model.lanes.items())
    return threads, processes, locks, queues, lines, lanes, model.now, model.events, model.run.code, model.run.ended


@pytest.mark.parametrize("name", ["zombie", "producer_consumer", "ticket_lock", "echo_server", "orphan"])
def test_every_moment_is_the_fold_of_the_events_before_it(name: str) -> None:
    path = RECORDINGS / f"{name}.jsonl"
    _, events = read_recording(path)
    recorded = RecordedRun(path, every=16)
    try:
        assert recorded.count == len(events)
        for count in range(len(events) + 1):
            assert view(recorded.model_at(count)) == view(Model.from_events(events[:count])), count
    finally:
        recorded.close()


def test_a_line_still_being_printed_at_a_checkpoint_has_the_text_it_had_then(tmp_path: Path) -> None:
    pieces = [Event(1, "run.start", 1, 1, {"target": "x", "main": 2, "reaper": 1}),
              Event(2, "proc.start", 2, 2, {"ppid": 1, "name": "MainProcess"})]
    pieces += [Event(3 + i, "stdout", 2, 2, {"stream": "stdout", "text": f"{i}.", "partial": True}) for i in range(40)]
    pieces += [Event(50, "stdout", 2, 2, {"stream": "stdout", "text": "done"})]
    path = tmp_path / "dots.jsonl"
    write_recording(path, RecordingHeader("x", "/x.py"), pieces)
    recorded = RecordedRun(path, every=8)
    try:
        for count in (10, 16, 17, 33, len(pieces)):
            assert view(recorded.model_at(count)) == view(Model.from_events(pieces[:count]))
        assert recorded.final.lines[0].text.endswith("39.done")  # the run's end is untouched by looking back
    finally:
        recorded.close()


def test_moving_by_seconds_lands_on_the_last_event_at_or_before_that_time(tmp_path: Path) -> None:
    events = [Event(t, "clock", 0, 0, {}) for t in (0, 400_000_000, 900_000_000, 1_000_000_000, 2_500_000_000)]
    path = tmp_path / "ticks.jsonl"
    write_recording(path, RecordingHeader("x", "/x.py"), events)
    recorded = RecordedRun(path)
    try:
        assert recorded.moved(0, 1.0) == 4  # four events by 1.0 s
        assert recorded.moved(4, 1.0) == 4 + 1  # none by 2.0 s: at least one event on
        assert recorded.moved(5, -1.0) == 4  # the last at or before 1.5 s
        assert recorded.moved(1, -1.0) == 0
    finally:
        recorded.close()


def lane_of(states: list[tuple[State, int]], detail: int = MAX_SEGMENTS) -> Lane:
    lane = Lane(1, 1, "x", detail=detail)
    for (state, t0), (_, t1) in zip(states, states[1:] + [(State.RUNNING, states[-1][1] + 10)]):
        add_segment(lane, Segment(state, t0, t1))
    return lane


def cycles(n: int, run: int, block: int) -> list[tuple[State, int]]:
    """Running ``run`` units then blocked ``block``, ``n`` times."""
    return [(state, (run + block) * i + offset) for i in range(n)
            for state, offset in ((State.RUNNING, 0), (State.BLOCKED, run))]


def time_in(segments: list[Segment], state: State) -> int:
    return sum(s.t1 - s.t0 for s in segments if s.state is state and s.t1 is not None)


def test_a_lane_never_keeps_more_than_its_detail_and_its_newest_segments_exactly() -> None:
    states = cycles(3 * MAX_SEGMENTS, 9, 1)
    lane = lane_of(states)
    assert len(lane.segments) <= MAX_SEGMENTS and lane.merges > 0
    assert [(s.state, s.t0) for s in lane.segments[-RECENT:]] == states[-RECENT:]
    assert all(a.t1 == b.t0 for a, b in zip(lane.segments, lane.segments[1:]))  # no gaps: it was alive all along


def test_merged_older_detail_says_the_state_that_filled_each_stretch() -> None:
    lane = lane_of(cycles(3 * MAX_SEGMENTS, 9, 1), detail=0)  # nothing merged yet
    merge_segments(lane)
    older = lane.segments[:-RECENT]
    assert len(older) <= BUCKETS and older[0].t0 == 0 and older[-1].t1 == lane.segments[-RECENT].t0
    # Each stretch is mostly running; only one cut short at the end of the older part may be mostly blocked.
    assert time_in(older, State.BLOCKED) <= 0.02 * time_in(older, State.RUNNING)


def test_a_long_blocked_stretch_survives_the_merge() -> None:
    lane = lane_of(cycles(2 * MAX_SEGMENTS, 1, 99), detail=0)  # blocked for most of its life, between short runs
    merge_segments(lane)
    older = lane.segments[:-RECENT]
    assert {s.state for s in older} == {State.BLOCKED}
