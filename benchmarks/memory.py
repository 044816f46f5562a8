"""Memory: the headless app runs a print flood (one process printing short lines in a tight loop) through its real
path (session, pump, model, Output pane) to 10,000,000 lines; contui's resident memory then (target <= 300 MB), and a
frame of the whole screen at 10,000,000 lines against one at 100,000 (CPU time; target ratio <= 1.2).

The flood waits on stdin at each of the two sizes, so both frames are timed over a quiet run. Runs are recorded: the
recording (about 1 GB at full size) goes to a temporary ``CONTUI_HOME``, removed at the end.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import shutil
import tempfile
import time
from typing import Any

import psutil
from textual import events

from benchmarks.app_common import SIZE, contui_app, full_frames, paint_log
from benchmarks.common import Figure, env, script_target

FIGURES = [
    Figure("memory.rss_mb", "print flood: contui RSS after 10,000,000 lines (--quick: 200,000)", "MB", 300.0),
    Figure("memory.frame_small_ms",
           "print flood: whole-screen frame at 100,000 lines (CPU, least of 15; --quick: 20,000)", "ms"),
    Figure("memory.frame_large_ms", "print flood: whole-screen frame at 10,000,000 lines (CPU; --quick: 200,000)",
           "ms"),
    Figure("memory.frame_ratio", "print flood: frame at 10,000,000 lines / at 100,000 (CPU)", "ratio", 1.2),
]
REPEATS = 1  # a full run prints ten million lines: minutes, not seconds
PAUSED, DONE = "paused", "flood done"  # what the flood prints when it waits (benchmarks/scripts/print_flood.py)
MIN_LINES_PER_S = 10_000  # a flood slower than this is stuck, not slow


def measure(quick: bool) -> dict[str, float]:
    small, large = (20_000, 200_000) if quick else (100_000, 10_000_000)
    home = tempfile.mkdtemp(prefix="contui-memory-")
    try:
        with env(CONTUI_HOME=home, BENCH_LINES=str(large), BENCH_PAUSE_AT=str(small)):
            return asyncio.run(_flood(small, large, frames=3 if quick else 15))
    finally:
        shutil.rmtree(home, ignore_errors=True)


async def _flood(small: int, large: int, frames: int) -> dict[str, float]:
    log = paint_log()
    app = contui_app([script_target("print_flood.py")])
    me = psutil.Process()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app._driver.send_message(events.Key("enter", "\r"))  # type: ignore[union-attr]  # run the picked script
        began = time.monotonic()
        await _printed(app, PAUSED, small)
        # The least of many: what a frame costs, not what the machine's other work (the recorder process catching
        # up, at niceness 19) added to some of them.
        small_ms, small_wall = await full_frames(app, pilot, log, frames, min)
        rss_small = me.memory_info().rss / 1e6
        app.session.send_line("")  # the flood goes on
        await _printed(app, DONE, large)
        seconds = time.monotonic() - began
        large_ms, large_wall = await full_frames(app, pilot, log, frames, min)
        gc.collect()
        rss = me.memory_info().rss / 1e6
        model = app.session.model
        folded, lines, kept = model.events, len(model.lines), model.lines.kept
        await pilot.press("q")
    return {
        "memory.rss_mb": rss,
        "memory.frame_small_ms": small_ms,
        "memory.frame_large_ms": large_ms,
        "memory.frame_ratio": large_ms / small_ms,
        "memory.frame_small_wall_ms": small_wall,
        "memory.frame_large_wall_ms": large_wall,
        "memory.rss_small_mb": rss_small,
        "memory.peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,  # kB on Linux
        "memory.events": float(folded),
        "memory.lines": float(lines),
        "memory.lines_kept": float(kept),
        "memory.flood_seconds": seconds,
    }


async def _printed(app: Any, last: str, count: int) -> None:
    """Wait until the model has the flood's first ``count`` lines and the line it prints when it waits; then until
    the screen has caught up (the pump's latest update is drawn)."""
    deadline = time.monotonic() + 60 + count / MIN_LINES_PER_S
    while True:
        lines = app.session.model.lines
        if len(lines) > count and lines[-1].text == last:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"the flood printed {len(lines):,} of {count:,} lines in time")
        await asyncio.sleep(0.05)
    shown = app.output_pane
    while shown.lines_shown < len(lines) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
