"""Scale: a real run of 500 processes and 1,000 threads; the model's memory (tracemalloc) and the app's frame time
(headless: every pane updated from that model, then one paint; target <= 100 ms of CPU time on the app's thread, where
a frame's work is all done, so the rest of a busy machine does not count; its wall time beside it)."""

from __future__ import annotations

import time
import tracemalloc

from benchmarks.common import Figure, Wire, collect, env, script_target
from tui.engine.model import Model
from tui.engine.runner import Run

FIGURES = [
    Figure("scale.model_mb", "scale: model memory, 500 procs + 1,000 threads", "MB"),
    Figure("scale.fold_ms", "scale: folding the whole run into a model (wall)", "ms"),
    Figure("scale.frame_ms", "scale: app frame at 500 procs, CPU time of the app's thread (headless)", "ms", 100.0),
    Figure("scale.frame_wall_ms", "scale: that frame's wall time (other threads and load count too)", "ms"),
    Figure("scale.first_frame_ms", "scale: first frame of that model (wall, from making the app)", "ms"),
]
REPEATS = 2


def record(procs: int, threads: int, hold: float) -> tuple[list[Wire], Model]:
    events: list[Wire] = []
    with env(BENCH_PROCS=str(procs), BENCH_THREADS=str(threads), BENCH_HOLD=str(hold)):
        collector = collect(Run(script_target("fanout.py"), stdin="null"), timeout=180, on_batch=events.extend)
    return events, collector.model


def model_memory(events: list[Wire]) -> tuple[float, float]:
    """Bytes the model holds once every event is folded in, and how long folding took (ms, untraced)."""
    began = time.perf_counter()
    Model().apply_wires(events)
    fold_ms = 1000 * (time.perf_counter() - began)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        model = Model()
        model.apply_wires(events)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del model
    return held / 1e6, fold_ms


def measure(quick: bool) -> dict[str, float]:
    procs, threads = (10, 2) if quick else (500, 2)
    events, model = record(procs, threads, 0.2 if quick else 1.0)
    alive = [p for p in model.processes.values() if p.started_t is not None]
    n_threads = sum(len(p.threads) for p in alive) - len(alive)  # besides each process's main thread
    if len(alive) < procs or n_threads < procs * threads:
        raise RuntimeError(f"the run had {len(alive)} processes and {n_threads} threads, expected more")
    mb, fold_ms = model_memory(events)
    result = {"scale.model_mb": mb, "scale.fold_ms": fold_ms, "scale.events": float(len(events))}
    from benchmarks import app_common

    result.update(app_common.frame_times(model, quick, prefix="scale."))
    return result
