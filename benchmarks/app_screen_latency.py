"""Emit → screen latency: the headless app runs a script whose two processes hand a lock back and forth; from each
lock.acquire's tracer timestamp to the end of the first frame after the Locks pane got it (target p95 <= 100 ms)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks.app_common import SIZE, contui_app, paint_log
from benchmarks.common import Figure, env, percentile, script_target
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


def _install(probe: _Probe) -> list[tuple[Any, str, Any]]:
    # Only the app's contract with its panes is used (update_from(model)), not how the pane draws.
    from tui.widgets.locks import LockPane

    originals = [(Model, "_lock_acquire", Model.__dict__["_lock_acquire"])]
    if "update_from" in LockPane.__dict__:
        originals.append((LockPane, "update_from", LockPane.__dict__["update_from"]))
    model_acquire = Model._lock_acquire
    pane_update = LockPane.update_from

    def acquire(self: Model, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
        model_acquire(self, t, pid, tid, f)
        probe.acquired[sum(lock.acquisitions for lock in self.locks.values())] = t

    def update_from(self: LockPane, model: Model) -> None:
        pane_update(self, model)
        probe.rendered.append((time.monotonic_ns(), sum(lock.acquisitions for lock in model.locks.values())))

    Model._lock_acquire = acquire  # type: ignore[method-assign]
    LockPane.update_from = update_from  # type: ignore[method-assign]
    return originals


def _restore(originals: list[tuple[Any, str, Any]]) -> None:
    from tui.widgets.locks import LockPane

    if "update_from" in LockPane.__dict__ and all(owner is not LockPane for owner, _, _ in originals):
        del LockPane.update_from  # it was inherited: drop our override
    for owner, name, original in originals:
        setattr(owner, name, original)


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
    originals = _install(probe)
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

    try:
        with env(BENCH_TURNS=str(turns), BENCH_HOLD="0.1"):
            lat = asyncio.run(go())
    finally:
        _restore(originals)
    if len(lat) < turns:
        raise RuntimeError(f"only {len(lat)} of {2 * turns} owner changes were seen on screen")
    return {
        "screen_latency.p50_ms": percentile(lat, 50),
        "screen_latency.p95_ms": percentile(lat, 95),
        "screen_latency.max_ms": max(lat),
        "screen_latency.changes": float(len(lat)),
    }
