"""Ingest: events/s that 8 traced processes (lock acquire/release in a tight loop) get folded into the model,
with zero loss, against the ceiling of a bare ``multiprocessing.Queue`` moving as many events in batches of 100.

What the event pipeline can take, so every acquire and release is an event: the run has summaries of hot loops
turned off (CONTUI_SUMMARIES=off; with them, a loop this tight sends a summary 30 times a second instead)."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from benchmarks.common import Figure, WireModel, collect, end_bare, env, script_target
from tui.engine import events as ev
from tui.engine.flight import FlightRecorder
from tui.engine.runner import Run
from tui.inside.env import ENV_SUMMARIES

PROCS = 8
BATCH = 100
FIGURES = [
    Figure("ingest.events_per_s", "ingest: traced events/s into the model (wall)", "ev/s", 200_000, True),
    Figure("ingest.bare_queue_per_s", "ingest ceiling: bare mp.Queue, lists of 100 (wall)", "ev/s"),
    Figure("ingest.ratio", "ingest / bare queue (both wall)", "ratio", 0.3, True),
    Figure("ingest.lost", "ingest: events lost", "events", 0),
]
REPEATS = 5


class _TimedModel(WireModel):
    """A model that counts the lock events folded in and notes when the last of them was.

    Nothing is kept of the events themselves: the app keeps none either, and holding millions of them would make
    the garbage collector, not the event path, the thing measured.
    """

    def __init__(self) -> None:
        super().__init__()
        self.lock_events = 0
        self.first: int | None = None  # tracer time (ns since t0) of the first lock event
        self.last_applied = 0  # monotonic ns when the last batch with lock events was folded in

    def folded(self, batch: list[Any]) -> None:
        kinds = Counter(map(_kind, batch))
        n = kinds[ev.LOCK_ACQUIRE] + kinds[ev.LOCK_RELEASE]
        if n:
            self.lock_events += n
            self.last_applied = time.monotonic_ns()
            if self.first is None:
                self.first = min(w[0] for w in batch if w[1] in _LOCK_KINDS)


_kind = itemgetter(1)
_LOCK_KINDS = (ev.LOCK_ACQUIRE, ev.LOCK_RELEASE)


@dataclass
class IngestResult:
    events: int
    seconds: float
    lost: int

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def traced(pairs: int, recorder: FlightRecorder | None = None) -> IngestResult:
    """The run's events/s into the model; recorded as it goes by ``recorder``, if given."""
    model = _TimedModel()
    with env(BENCH_PROCS=str(PROCS), BENCH_PAIRS=str(pairs), **{ENV_SUMMARIES: "off"}):
        run = Run(script_target("lock_loop.py"), stdin="null")
        collect(run, model, timeout=120, recorder=recorder)
    expected = 2 * PROCS * pairs
    if model.first is None:
        return IngestResult(0, float("nan"), expected)
    # From the tracer's first lock event to the moment the last one was in the model (one clock: CLOCK_MONOTONIC).
    seconds = (model.last_applied - run.t0 - model.first) / 1e9
    return IngestResult(model.lock_events, seconds, expected - model.lock_events)


def _producer(q: multiprocessing.Queue, events: int, start: multiprocessing.synchronize.Event) -> None:  # type: ignore[type-arg]
    import os

    pid = os.getpid()
    lock_id = f"L{pid}.1"
    start.wait()
    sent = 0
    while sent < events:
        n = min(BATCH, events - sent)
        now = time.monotonic_ns
        # The same wire tuples the tracer sends for a lock pair.
        q.put([(now(), ev.LOCK_ACQUIRE if i % 2 == 0 else ev.LOCK_RELEASE, pid, pid,
                {"lock": lock_id, "site": f"lock_loop.py:{14 + i % 2}"}) for i in range(n)])
        sent += n


def bare_queue(total: int) -> IngestResult:
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    start = ctx.Event()
    per = total // PROCS
    procs = [ctx.Process(target=_producer, args=(q, per, start), daemon=True) for _ in range(PROCS)]
    for p in procs:
        p.start()
    got = 0
    first: int | None = None
    start.set()
    deadline = time.monotonic() + 120
    try:
        while got < per * PROCS and time.monotonic() < deadline:
            batch = q.get(timeout=10)
            if first is None:
                first = batch[0][0]
            got += len(batch)
        last = time.monotonic_ns()
    finally:
        end_bare(procs, q)
    assert first is not None
    return IngestResult(got, (last - first) / 1e9, per * PROCS - got)


def measure(quick: bool) -> dict[str, float]:
    pairs = 500 if quick else 25_000
    t = traced(pairs)
    b = bare_queue(t.events or 2 * PROCS * pairs)
    return {
        "ingest.events_per_s": t.rate,
        "ingest.bare_queue_per_s": b.rate,
        "ingest.ratio": t.rate / b.rate,
        "ingest.lost": float(t.lost),
    }
