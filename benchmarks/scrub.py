"""Scrub: a recording of about 1,000,000 events (processes taking a shared lock, passing items through a queue and
printing), made by contui's own recorder, replayed in the headless app; the time from a scrub key ({, }, [, ], Home,
End, the cursor first put at a random moment) to the frame that shows the moment, painted (p95, target <= 50 ms).
The mix runs with summaries of hot loops off (CONTUI_SUMMARIES=off): a recording of a million single events is the
load to scrub, as a long run's would be."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from benchmarks.app_common import SIZE, contui_app, key_to_paint, painted
from benchmarks.common import Figure, collect, env, percentile, script_target
from tui.inside.env import ENV_SUMMARIES
from tui.engine.flight import FlightRecorder
from tui.engine.jsonl import RecordingHeader
from tui.engine.replay import ReplaySession
from tui.engine.runner import Run
from tui.engine.scrub import RecordedRun

FIGURES = [
    Figure("scrub.latency_p95_ms", "scrub: a scrub key -> the moment painted, at ~1M events, p95 (wall)", "ms", 50.0),
    Figure("scrub.events", "scrub: events in the recording", "events"),
]
REPEATS = 1
REST = 0.1  # s between a moment painted and the next key (ten keys a second)
PROCS = 4
EVENTS_PER_ROUND = 5  # about, per process (see benchmarks/scripts/scrub_mix.py)
KEYS = [("left_curly_bracket", "{"), ("right_curly_bracket", "}"), ("left_square_bracket", "["),
        ("right_square_bracket", "]"), ("home", None), ("end", None)]


def make_recording(path: Path, events: int) -> None:
    """Run the mix through contui's engine, recorded as the app records every run."""
    target = script_target("scrub_mix.py")
    rounds = events // (PROCS * EVENTS_PER_ROUND)
    with env(BENCH_PROCS=str(PROCS), BENCH_ROUNDS=str(rounds), **{ENV_SUMMARIES: "off"}):
        run = Run(target, stdin="null")
        collect(run, timeout=600, recorder=FlightRecorder(path, RecordingHeader.for_target(target)))


def key_latencies(recorded: RecordedRun, presses: int, seed: int = 7) -> list[float]:
    rng = random.Random(seed)

    async def go() -> list[float]:
        app = contui_app(session=ReplaySession(recorded))
        out: list[float] = []
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.look is not None
            look = app.look
            for n in range(presses):
                look.show(rng.randrange(recorded.count))  # somewhere in the run (not timed), painted, then a
                app.refresh_panes()  # rest: keys at a person's pace, each timed from a screen at rest, not charged
                await painted(app)  # with the frame before it
                await asyncio.sleep(REST)
                key, character = KEYS[n % len(KEYS)]
                shown = look.count
                out.append(await key_to_paint(app, key, character, lambda: look.count != shown, "a scrub"))
            await pilot.press("q")
        return out

    return asyncio.run(go())


def measure(quick: bool) -> dict[str, float]:
    wanted = 50_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="contui-bench-scrub-") as folder:
        path = Path(folder) / "run.jsonl"
        make_recording(path, wanted)
        began = time.monotonic()
        recorded = RecordedRun(path)
        indexed = time.monotonic() - began
        try:
            latencies = key_latencies(recorded, 12 if quick else 60)
        finally:
            recorded.close()
    return {"scrub.latency_p95_ms": percentile(latencies, 95), "scrub.latency_p50_ms": percentile(latencies, 50),
            "scrub.events": float(recorded.count), "scrub.index_s": indexed,
            "scrub.checkpoint_mb": sum(len(c.model) for c in recorded.checkpoints) / 1e6}
