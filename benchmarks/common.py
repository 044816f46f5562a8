"""What every benchmark shares: figures and their targets, runs of a traced script, percentiles, the leak check."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from tui.engine.collector import Collector
from tui.engine.events import Wire
from tui.engine.flight import FlightRecorder
from tui.engine.model import Model
from tui.inside.env import ENV_OWNER
from tui.engine.catalog import Target
from tui.engine.runner import Run

SCRIPTS = Path(__file__).resolve().parent / "scripts"
CHECKOUT = Path(__file__).resolve().parent.parent  # the checkout these benchmarks are in: its contui is measured


def end_bare(procs: list[Any], q: Any) -> None:
    """End the plain multiprocessing processes and queue of a ceiling measurement: nothing may be left."""
    for p in procs:
        p.join(5)
        if p.is_alive():
            p.kill()
            p.join()
    q.close()
    q.join_thread()


@dataclass(frozen=True)
class Figure:
    """One row of the table: what is measured, in which unit, and the target it must meet (if it has one)."""

    key: str
    label: str
    unit: str
    target: float | None = None
    higher_is_better: bool = False  # True: the target is a floor (>=), else a ceiling (<=)

    def met(self, value: float) -> bool | None:
        if self.target is None:
            return None
        return value >= self.target if self.higher_is_better else value <= self.target

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        return f"{'>=' if self.higher_is_better else '<='} {fmt(self.target)}"


@dataclass
class Result:
    """A figure's values over the repeats of one benchmark."""

    figure: Figure
    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def met(self) -> bool | None:
        return self.figure.met(self.median) if self.values else False

    def to_dict(self) -> dict[str, object]:
        f = self.figure
        return {
            "key": f.key, "label": f.label, "unit": f.unit, "median": self.median,
            "min": min(self.values, default=None), "max": max(self.values, default=None), "runs": len(self.values),
            "values": self.values, "target": f.target, "target_op": (">=" if f.higher_is_better else "<=")
            if f.target is not None else None, "met": self.met,
        }


def fmt(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if abs(value) >= 10000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): a real observed value, never an interpolation."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def script_target(name: str) -> Target:
    return Target((SCRIPTS / name).resolve())


@contextmanager
def env(**values: str) -> Iterator[None]:
    """Set environment variables for what starts inside (a run inherits contui's environment)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def collect(run: Run, model: Model | None = None, *, timeout: float = 60.0, sample: bool = True,
            on_batch: Callable[[list[Wire]], None] | None = None, recorder: FlightRecorder | None = None) -> Collector:
    """Run to the end through the real engine (Run + Collector) on the app's path: wire tuples folded into the
    model, no Event records made; recorded by ``recorder``, if given, as the app records every run. Always closes the
    run (and the recorder)."""
    collector = Collector(run, model, sample=sample, recorder=recorder)
    poll = getattr(collector, "poll_wires", None) or collector.poll
    deadline = time.monotonic() + timeout
    try:
        if run.reaper is None:
            run.start()
        while not collector.finished:
            batch = poll(0.05)
            if on_batch is not None and batch:
                on_batch(batch)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{run.target.label} did not finish within {timeout:.0f}s")
    finally:
        run.close()
        if recorder is not None:
            recorder.close()
    return collector


def leftovers() -> list[psutil.Process]:
    """Processes this benchmark process left behind: its children, and any contui run it owns."""
    me = psutil.Process()
    found = {p.pid: p for p in me.children(recursive=True)}
    for proc in psutil.process_iter():
        try:
            if proc.environ().get(ENV_OWNER) == str(me.pid) and proc.status() != psutil.STATUS_ZOMBIE:
                found[proc.pid] = proc
        except psutil.Error:
            continue
    return list(found.values())


def assert_no_leftovers(timeout: float = 5.0) -> None:
    """Every process a benchmark started must be ended and reaped; kill and complain if not."""
    deadline = time.monotonic() + timeout
    while True:
        left = leftovers()
        if not left:
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    names = []
    for proc in left:
        try:
            names.append(f"{proc.pid} {proc.status()} {' '.join(proc.cmdline())[:60]}")
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(left, timeout=2.0)
    raise RuntimeError(f"processes left behind: {names}")


@contextmanager
def patched(owner: type, name: str, wrap: Callable[[Any], Any]) -> Iterator[None]:
    """``owner.name`` is ``wrap(original)`` inside the block; afterwards exactly what was there before: the class's
    own attribute, or nothing if it was inherited (the original is looked up through the MRO)."""
    had = name in owner.__dict__
    own = owner.__dict__.get(name)
    setattr(owner, name, wrap(getattr(owner, name)))
    try:
        yield
    finally:
        if had:
            setattr(owner, name, own)
        else:
            delattr(owner, name)


def cpu_share(cpu_seconds: float, wall_seconds: float) -> float:
    """CPU time as a percentage of one core over the wall time."""
    return 100.0 * cpu_seconds / wall_seconds if wall_seconds > 0 else float("nan")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class WireModel(Model):
    """A model that hands every batch it folds to :meth:`folded` as (t, kind) pairs, whichever way it is fed."""

    def apply_wires(self, wires: Any) -> None:
        wires = wires if isinstance(wires, list) else list(wires)
        super().apply_wires(wires)
        self.folded(wires)

    def apply_many(self, events: Any) -> None:
        events = events if isinstance(events, list) else list(events)
        super().apply_many(events)
        self.folded([(e.t, e.kind) for e in events])

    def folded(self, batch: list[Any]) -> None:
        """``batch`` is in the model now; each item's [0] is the tracer's t, [1] the kind."""


@contextmanager
def patched_handler(kind: str, wrap: Callable[[Any], Any]) -> Iterator[None]:
    """The model folds events of ``kind`` with ``wrap(original)`` inside the block, in every model (they dispatch
    through one table of the class's functions, :data:`tui.engine.model.HANDLERS`); afterwards with the original."""
    from tui.engine.model import HANDLERS

    original = HANDLERS[kind]
    HANDLERS[kind] = wrap(original)
    try:
        yield
    finally:
        HANDLERS[kind] = original
