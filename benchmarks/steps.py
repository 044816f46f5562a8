"""Step mode: what a synchronisation point costs while no run is stepped (target <= 50 ns), and a step's latency in
the headless app, from the ``.`` key to the frame that shows what the released thread did (its printed line, in the
Output pane), painted (p95, target <= 50 ms).

The point's cost is the look a hot path makes first, ``page[STEPPING_AT]`` on the run's real control page, against
the same loop without it, in the same process and run (the rest of a point is paid only in step mode)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import timeit
from typing import Any


from benchmarks.app_common import SIZE, contui_app, key_to_paint
from benchmarks.common import Figure, percentile, script_target
from tui.inside.control import STEPPING_AT, ControlPage

FIGURES = [
    Figure("steps.point_ns", "steps: a synchronisation point while not stepped, over the same code without it", "ns",
           50.0),
    Figure("steps.latency_p95_ms", "steps: '.' -> the released thread's line painted on screen, p95 (wall)",
           "ms", 50.0),
]
REPEATS = 3
LOOPS = 2_000_000


def point_cost(loops: int) -> float:
    """ns a point adds while not stepped: the best of five timings of each loop, the difference per iteration."""
    with tempfile.TemporaryDirectory(prefix="contui-bench-steps-") as folder:
        page = ControlPage(os.path.join(folder, "control"), initial_speed=1.0).page
        env: dict[str, Any] = {"page": page, "at": STEPPING_AT, "hold": print}
        with_point = min(timeit.repeat("if page[at]: hold()", globals=env, number=loops, repeat=5))
        without = min(timeit.repeat("pass", globals=env, number=loops, repeat=5))
    return max(0.0, (with_point - without) / loops * 1e9)


def step_latencies(steps: int) -> list[float]:
    """ms from each '.' (the first starts the run held) to the end of the screen refresh that first shows the line
    the thread it let go printed."""

    async def go() -> list[float]:
        app = contui_app([script_target("step_prints.py")])
        out: list[float] = []
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("full_stop")  # the run starts held

            def main_hold() -> Any:
                with app.session.model_lock:
                    held = app.session.model.held()
                    return held[0].held if held else None

            deadline = time.monotonic() + 30
            while main_hold() is None:
                if time.monotonic() > deadline:
                    raise TimeoutError("the run was never held")
                await asyncio.sleep(0.002)
            output = app.output_pane
            for _ in range(steps):
                shown = output.lines_shown
                # The pane has the new line: the next refresh paints it.
                out.append(await key_to_paint(app, "full_stop", ".", lambda: output.lines_shown != shown, "a step"))
            await pilot.press("q")
        return out

    return asyncio.run(go())


def measure(quick: bool) -> dict[str, float]:
    latencies = step_latencies(5 if quick else 30)
    return {"steps.point_ns": point_cost(LOOPS // 20 if quick else LOOPS),
            "steps.latency_p95_ms": percentile(latencies, 95), "steps.latency_p50_ms": percentile(latencies, 50)}
