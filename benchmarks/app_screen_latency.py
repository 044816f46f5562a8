"""Emit → screen latency: the headless app runs a script whose two processes hand a lock back and forth; from each
lock.acquire's tracer timestamp to the end of the first frame after the Locks pane got it (target p95 <= 100 ms)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.app_common import SIZE, contui_app, paint_log
from benchmarks.common import Figure, env, patched, percentile, script_target
from tui.engine.model import Model

FIGURES = [
    Figure("screen_latency.p50_ms", "emit -> screen (lock owner change) p50", "ms"),
    Figure("screen_latency.p95_ms", "emit -> screen (lock owner change) p95", "ms", 100.0),
    Figure("screen_latency.max_ms", "emit -> screen (lock owner change) max", "ms"),
]
REPEATS = 3


class _Probe:
    """Acquisitions as the model folds them (count → tracer time) and as the Locks pane is handed them."""

    def __init__(self) -> None:
        self.acquired: dict[int, int] = {}  # acquisitions so far → the acquire event's t (ns since the run's t0)
        self.rendered: list[tuple[int, int]] = []  # (monotonic ns, acquisitions the pane was given)


@contextmanager
def _probed(probe: _Probe) -> Iterator[None]:
    """Note every acquisition the model folds and every model the Locks pane is handed. Only the app's contract
    with its panes is used (update_from(model)), not how the pane draws."""
    from tui.widgets.locks import LockPane

    def on_acquire(original: Any) -> Any:
        def acquire(self: Model, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
            original(self, t, pid, tid, f)
            probe.acquired[sum(lock.acquisitions for lock in self.locks.values())] = t

        return acquire

    def on_update(original: Any) -> Any:
        def update_from(self: LockPane, model: Model) -> None:
            original(self, model)
            probe.rendered.append((time.monotonic_ns(), sum(lock.acquisitions for lock in model.locks.values())))

        return update_from

    # On Model, before the app makes its models: each binds its handlers by name when it is made.
    with patched(Model, "_lock_acquire", on_acquire), patched(LockPane, "update_from", on_update):
        yield


def _latencies(probe: _Probe, t0: int, paints: list[Any]) -> list[float]:
    out: list[float] = []
    for count, t in sorted(probe.acquired.items()):
        shown_at = next((when for when, shown in probe.rendered if shown >= count), None)
        if shown_at is None:
            continue
        # The first frame begun after the pane was handed the change: on screen when it ends.
        paint = next((p for p in paints if p.start >= shown_at), None)
        if paint is not None:
            out.append((paint.end - (t0 + t)) / 1e6)
    return out


def measure(quick: bool) -> dict[str, float]:

    turns = 3 if quick else 15
    probe = _Probe()
    target = script_target("handoff.py")

    async def go() -> list[float]:
        log = paint_log()
        app = contui_app([target])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                run = app.session.run
                if run is not None and app.session.model.run.ended and not app.session.running:
                    break
                await asyncio.sleep(0.05)
            await pilot.pause(0.3)
            t0 = app.session.run.t0 if app.session.run is not None else 0
            result = _latencies(probe, t0, log.paints)
            await pilot.press("q")
        return result

    with _probed(probe), env(BENCH_TURNS=str(turns), BENCH_HOLD="0.1"):
        lat = asyncio.run(go())
    if len(lat) < turns:
        raise RuntimeError(f"only {len(lat)} of {2 * turns} owner changes were seen on screen")
    return {
        "screen_latency.p50_ms": percentile(lat, 50),
        "screen_latency.p95_ms": percentile(lat, 95),
        "screen_latency.max_ms": max(lat),
        "screen_latency.changes": float(len(lat)),
    }
