"""Emit → model latency: 4 traced processes emitting 1,000 events/s in all; from the tracer's timestamp to the moment
the collector folds the event into the model (wall time, one clock for both ends; p50/p95/p99; target p99 <= 10 ms).
The ceiling beside it is a bare ``multiprocessing.Queue`` put → get at the same rate (one event per put)."""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from benchmarks.common import Figure, WireModel, collect, end_bare, env, percentile, script_target
from tui.engine import events as ev
from tui.engine.runner import Run

PROCS = 4
RATE = 1000.0
FIGURES = [
    Figure("latency.p50_ms", "emit -> model latency p50 (wall)", "ms"),
    Figure("latency.p95_ms", "emit -> model latency p95 (wall)", "ms"),
    Figure("latency.p99_ms", "emit -> model latency p99 (wall)", "ms", 10.0),
    Figure("latency.rate", "emit -> model: events/s seen (wall)", "ev/s"),
    Figure("latency.bare_p99_ms", "latency ceiling: bare mp.Queue put -> get p99 (wall)", "ms"),
]
REPEATS = 3
# Samples are stamped by the collector itself, not by a tracer: they say nothing about the path.
_OWN = frozenset({ev.SAMPLE, ev.SAMPLE_GONE})


class _LatencyModel(WireModel):
    """Notes, for every traced event, how long ago the tracer stamped it when it is folded in."""

    def __init__(self, t0: int) -> None:
        super().__init__()
        self.t0 = t0
        self.latencies_ns: list[int] = []
        self.first: int | None = None
        self.last = 0

    def folded(self, batch: list[Any]) -> None:
        now = time.monotonic_ns() - self.t0  # the batch is in the model now
        for wire in batch:
            if wire[1] not in _OWN:
                self.latencies_ns.append(now - wire[0])
                if self.first is None:
                    self.first = wire[0]
                self.last = wire[0]


def traced(seconds: float) -> tuple[list[float], float]:
    """Latencies in ms of every traced event of a paced run, and the event rate actually seen."""
    with env(BENCH_PROCS=str(PROCS), BENCH_RATE=str(RATE), BENCH_SECONDS=str(seconds)):
        run = Run(script_target("paced.py"), stdin="null")
        # t0 is only known once the run starts; the model reads it then.
        model = _LatencyModel(0)
        run.start()
        model.t0 = run.t0
        collect(run, model, timeout=seconds + 30)
    lat = [x / 1e6 for x in model.latencies_ns]
    span = (model.last - (model.first or 0)) / 1e9
    return lat, (len(lat) / span if span > 0 else float("nan"))


def _paced_putter(q: multiprocessing.Queue, seconds: float, rate: float) -> None:  # type: ignore[type-arg]
    step = 1 / rate
    start = time.monotonic()
    n = 0
    while True:
        n += 1
        due = start + n * step
        if due > start + seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        q.put(time.monotonic_ns())
    q.put(None)


def bare_queue(seconds: float) -> list[float]:
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    procs = [ctx.Process(target=_paced_putter, args=(q, seconds, RATE / PROCS), daemon=True) for _ in range(PROCS)]
    for p in procs:
        p.start()
    lat: list[float] = []
    done = 0
    try:
        while done < PROCS:
            stamp = q.get(timeout=seconds + 10)
            if stamp is None:
                done += 1
            else:
                lat.append((time.monotonic_ns() - stamp) / 1e6)
    finally:
        end_bare(procs, q)
    return lat


def measure(quick: bool) -> dict[str, float]:
    seconds = 0.5 if quick else 4.0
    lat, rate = traced(seconds)
    bare = bare_queue(seconds / 2)
    return {
        "latency.p50_ms": percentile(lat, 50),
        "latency.p95_ms": percentile(lat, 95),
        "latency.p99_ms": percentile(lat, 99),
        "latency.rate": rate,
        "latency.bare_p99_ms": percentile(bare, 99),
    }
