"""Recording: what the flight recorder (every run written to its recording as it goes) costs the ingest, as the
events/s folded into the model with it over the same run without it, runs taken in turns (target >= 0.9: at most a
tenth fewer events/s)."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from benchmarks.common import Figure, script_target
from benchmarks.ingest import traced
from tui.engine.flight import FlightRecorder
from tui.engine.jsonl import RecordingHeader

FIGURES = [
    Figure("recording.events_per_s", "recording: traced events/s into the model, recorded (wall)", "ev/s"),
    Figure("recording.unrecorded_per_s", "recording: the same run, not recorded (wall)", "ev/s"),
    Figure("recording.ratio", "recording: recorded / not recorded events/s", "ratio", 0.9, True),
    Figure("recording.lost", "recording: events missing from the recording", "events", 0),
]
REPEATS = 1
TURNS = 6  # runs of each kind, in turns, per repeat: the machine's moods fall on both alike


def measure(quick: bool) -> dict[str, float]:
    pairs = 500 if quick else 25_000
    turns = 1 if quick else TURNS
    recorded: list[float] = []
    unrecorded: list[float] = []
    lost = 0
    with tempfile.TemporaryDirectory(prefix="contui-bench-recording-") as folder:
        path = Path(folder) / "run.jsonl"
        for _ in range(turns):
            unrecorded.append(traced(pairs).rate)
            recorder = FlightRecorder(path, RecordingHeader.for_target(script_target("lock_loop.py")))
            result = traced(pairs, recorder)
            recorded.append(result.rate)
            lost = max(lost, recorder.events - _lines(path) + 1) if recorder.failure is None else recorder.events
    rec, unrec = statistics.median(recorded), statistics.median(unrecorded)
    return {"recording.events_per_s": rec, "recording.unrecorded_per_s": unrec, "recording.ratio": rec / unrec,
            "recording.lost": float(lost)}


def _lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
