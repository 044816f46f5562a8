"""Emit → screen latency: the headless app runs a script whose two processes hand a lock back and forth; from each
lock.acquire's tracer timestamp to the end of the first frame whose output (what a terminal would be sent) shows it:
the Locks pane's "N acquired" at that count or a later one (target p95 <= 100 ms, wall time).

A change that no frame ever shows is a miss (target 0), not left out: it counts in the percentiles at the time the
benchmark watched the screen after it, which is at least ``WATCH_AFTER_END_S`` (1 s, ten times the target) since
watching goes on that long after the run ended. So a view that drops updates cannot look fast; its p50/p95 are lower
bounds then."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.app_common import SIZE, Paint, contui_app, paint_log
from benchmarks.common import Figure, env, patched_handler, percentile, script_target
from tui.engine import events as ev
from tui.engine.model import Model

FIGURES = [
    Figure("screen_latency.p50_ms", "emit -> screen, lock owner change: p50 (wall; a miss = time watched)", "ms"),
    Figure("screen_latency.p95_ms", "emit -> screen, lock owner change: p95 (wall; a miss = time watched)", "ms",
           100.0),
    Figure("screen_latency.max_ms", "emit -> screen, lock owner change: max (wall; a miss = time watched)", "ms"),
    Figure("screen_latency.misses", "emit -> screen: owner changes no frame ever showed", "changes", 0),
]
REPEATS = 3
WATCH_AFTER_END_S = 1.0
# The Locks pane's count of acquisitions, as it stands in a frame's output (one dim run of text, so unbroken by escape
# sequences). The script has one lock, so a frame shows at most one count.
_SHOWN = re.compile(r"(\d+) acquired")


@contextmanager
def _noting_acquisitions(acquired: dict[int, int]) -> Iterator[None]:
    """While inside, every model notes each acquisition it folds: acquisitions so far → the acquire event's t (ns
    since the run's t0)."""

    def on_acquire(original: Any) -> Any:
        def acquire(self: Model, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
            original(self, t, pid, tid, f)
            acquired[sum(lock.acquisitions for lock in self.locks.values())] = t

        return acquire

    with patched_handler(ev.LOCK_ACQUIRE, on_acquire):
        yield


def shown_counts(paints: list[Paint]) -> list[tuple[int, int]]:
    """(end of the frame in monotonic ns, the acquisition count it shows) for every frame that shows one."""
    shown = []
    for paint in paints:
        counts = [int(n) for n in _SHOWN.findall(paint.output or "")]
        if counts:
            shown.append((paint.end, max(counts)))
    return shown


def latencies(acquired: dict[int, int], t0: int, paints: list[Paint], watched_until: int) -> tuple[list[float], int]:
    """Latency in ms of every change (a miss at the time watched after it), and how many were misses.

    A frame that shows a later count shows this change too: the screen has the latest state, which is all a
    coalescing view promises. A count is only in the model once its acquire is folded, so any frame showing it comes
    after the change."""
    shown = shown_counts(paints)
    out: list[float] = []
    misses = 0
    for count, t in sorted(acquired.items()):
        end = next((when for when, on_screen in shown if on_screen >= count), None)
        if end is None:
            misses += 1
            end = watched_until
        out.append((end - (t0 + t)) / 1e6)
    return out, misses


def measure(quick: bool) -> dict[str, float]:

    turns = 3 if quick else 15
    acquired: dict[int, int] = {}
    target = script_target("handoff.py")

    async def go() -> tuple[list[float], int, int]:
        log = paint_log(keep_output=True)
        app = contui_app([target])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if app.session.run is not None and app.session.model.run.ended and not app.session.running:
                    break
                await asyncio.sleep(0.05)
            else:
                raise TimeoutError("the run did not end within 60 s")
            await asyncio.sleep(WATCH_AFTER_END_S)  # frames keep coming meanwhile: a late one still counts
            watched_until = time.monotonic_ns()
            model = app.session.model
            locks = len(model.locks)
            t0 = app.session.run.t0 if app.session.run is not None else 0
            result, misses = latencies(acquired, t0, list(log.paints), watched_until)
            await pilot.press("q")
        if locks != 1:
            raise RuntimeError(f"handoff.py should make one lock, the model has {locks}: the count read off the "
                               "screen would be ambiguous")
        return result, misses, len(acquired)

    with _noting_acquisitions(acquired), env(BENCH_TURNS=str(turns), BENCH_HOLD="0.1"):
        lat, misses, changes = asyncio.run(go())
    if changes != 2 * turns:
        raise RuntimeError(f"the model folded {changes} of {2 * turns} acquisitions: the run went wrong")
    return {
        "screen_latency.p50_ms": percentile(lat, 50),
        "screen_latency.p95_ms": percentile(lat, 95),
        "screen_latency.max_ms": max(lat),
        "screen_latency.misses": float(misses),
        "screen_latency.changes": float(changes),
    }
