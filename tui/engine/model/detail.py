"""How much of a timeline lane the model keeps: all of its recent detail, and its older detail merged, so that a lane
of a thread that changes state a million times stays a few hundred records long.

The older part of a lane is cut into ``BUCKETS`` stretches of equal time, each in the state that filled most of it;
of its marks, each kind keeps one per stretch. No timeline pane is wider than a few hundred cells, so what is drawn
of the older part changes little. A lane that is merged says so (``Lane.merges`` counts), for views that keep copies.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.engine.model.records import Lane, Mark, Segment, State

MAX_SEGMENTS = 512  # a lane with more is merged
RECENT = 128  # the newest segments or marks, kept as they are
BUCKETS = 256  # stretches the older part is merged into


def add_segment(lane: Lane, segment: Segment) -> None:
    lane.segments.append(segment)
    if lane.detail and len(lane.segments) > lane.detail:
        merge_segments(lane)


def add_mark(lane: Lane, mark: Mark) -> None:
    lane.marks.append(mark)
    if lane.detail and len(lane.marks) > lane.detail:
        merge_marks(lane)


def merge_segments(lane: Lane) -> None:
    segments = lane.segments
    older, recent = segments[:-RECENT], segments[-RECENT:]
    start, end = older[0].t0, recent[0].t0
    width = max(1, -(-(end - start) // BUCKETS))  # rounded up: BUCKETS stretches cover it all
    filled: dict[int, dict[State, int]] = {}  # stretch -> time in each state
    for seg in older:
        t0 = seg.t0
        t1 = min(max(seg.t1 if seg.t1 is not None else end, t0), end)
        bucket = (t0 - start) // width
        while True:  # a segment of no length still says the thread was alive there
            stop = min(t1, start + (bucket + 1) * width)
            cell = filled.setdefault(bucket, {})
            cell[seg.state] = cell.get(seg.state, 0) + (stop - t0)
            if stop >= t1:
                break
            t0, bucket = stop, bucket + 1
    merged: list[Segment] = []
    for bucket in sorted(filled):
        cell = filled[bucket]
        state = max(cell, key=cell.__getitem__)
        t0, t1 = start + bucket * width, min(start + (bucket + 1) * width, end)
        if merged and merged[-1].state is state and merged[-1].t1 == t0:
            merged[-1].t1 = t1
        else:
            merged.append(Segment(state, t0, t1))
    lane.segments = merged + recent
    lane.merges += 1


def merge_marks(lane: Lane) -> None:
    marks = lane.marks
    older, recent = marks[:-RECENT], marks[-RECENT:]
    lane.marks = _thinned(older, recent[0].t) + recent
    lane.merges += 1


def _thinned(marks: Sequence[Mark], end: int) -> list[Mark]:
    """One mark of each kind per stretch, the first of it."""
    start = marks[0].t
    width = max(1, -(-(end - start) // BUCKETS))
    seen: set[tuple[object, int]] = set()
    out: list[Mark] = []
    for mark in marks:
        key = (mark.kind, (mark.t - start) // width)
        if key not in seen:
            seen.add(key)
            out.append(mark)
    return out
