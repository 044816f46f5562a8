"""Switch: the headless app runs a script with 10 sleeping children; from the keys for another (down, Enter) to the
new run's first event folded into the app's model (wall time; target <= 0.3 s), and the old run's processes left
then (target 0). The floor beside it: the same new run started by the engine alone with nothing to stop."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import psutil
from textual import events

from benchmarks.app_common import SIZE, contui_app
from benchmarks.common import Figure, patched_handler, script_target
from tui.engine import events as ev
from tui.engine.model import Model
from tui.engine.session import Session

FIGURES = [
    Figure("switch.seconds", "switch: key -> first event of the new run (wall)", "s", 0.3),
    Figure("switch.left", "switch: processes of the old run left", "procs", 0),
    Figure("switch.cold_start_s", "switch floor: start -> first event, nothing to stop (wall)", "s"),
]
REPEATS = 3


def _alive(pids: set[int]) -> int:
    n = 0
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                n += 1
        except psutil.Error:
            pass
    return n


def cold_start() -> float:
    """The floor: Session.start of the same script with no run to stop, until its first event is folded in."""
    session = Session()
    try:
        began = time.monotonic()
        session.start(script_target("hello.py"))
        while session.model.run.t_start is None:
            session.poll(0.005)
            if time.monotonic() - began > 30:
                raise TimeoutError("the run never said it started")
        return time.monotonic() - began
    finally:
        session.close()


def measure(quick: bool) -> dict[str, float]:

    old_target, new_target = script_target("ten_children.py"), script_target("hello.py")
    started: list[tuple[float, Model]] = []  # (monotonic s, model) for every run.start folded into a model

    def noting(original: Any) -> Any:
        def run_start(self: Model, t: int, pid: int, tid: int, f: dict[str, Any]) -> None:
            original(self, t, pid, tid, f)
            started.append((time.monotonic(), self))

        return run_start

    async def go() -> tuple[float, int]:
        app = contui_app([old_target, new_target])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            deadline = time.monotonic() + 30
            old_pids: set[int] = set()
            # Ten children and the main process started, as the model knows (the tracer said so).
            while time.monotonic() < deadline:
                with app.session.model_lock:
                    model = app.session.model
                    alive = [p.pid for p in model.processes.values() if p.started_t is not None]
                    reaper = model.run.reaper
                if len(alive) >= 11 and reaper:
                    old_pids = {*alive, reaper}
                    break
                await asyncio.sleep(0.01)
            if not old_pids:
                raise TimeoutError("the ten children never all started")
            old_model = app.session.model
            driver = app._driver
            assert driver is not None
            began = time.monotonic()
            # As a terminal delivers them: both keys at once, nobody waiting for the app to be idle in between.
            driver.send_message(events.Key("down", None))
            driver.send_message(events.Key("enter", "\r"))
            new_start: float | None = None
            while new_start is None and time.monotonic() - began < 30:
                await asyncio.sleep(0.005)
                new_start = next((when for when, model in started if when >= began and model is not old_model), None)
            if new_start is None:
                raise TimeoutError("the new run never started")
            left = _alive(old_pids)
            await pilot.press("q")
        return new_start - began, left

    with patched_handler(ev.RUN_START, noting):
        seconds, left = asyncio.run(go())
    return {"switch.seconds": seconds, "switch.left": float(left), "switch.cold_start_s": cold_start()}
