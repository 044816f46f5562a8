"""Runs a target to its end and keeps every event: what ``contui run`` and the tests are built on."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tui.engine import events as ev
from tui.engine.collector import Collector
from tui.engine.events import Event
from tui.engine.catalog import Target
from tui.engine.runner import Run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.engine.flight import FlightRecorder
    from tui.engine.model import Model


@dataclass
class Recording:
    events: list[Event] = field(default_factory=list)
    code: int | None = None  # the main process's exit code (-N: signal N)
    timed_out: bool = False
    reaper_lost: bool = False  # the script killed the run's reaper: contui ended every process it left
    dropped: int = 0  # pieces of what came through the event pipe that were not frames of events (see decoder.py)
    # Everything folded; None for a run of contui run's that ended while it settled (see record's ``settle_ns``).
    model: Model | None = field(default_factory=lambda: _new_model())

    def of(self, *kinds: str) -> list[Event]:
        return [e for e in self.events if e.kind in kinds]

    def lines(self, stream: str = "stdout", pid: int | None = None) -> list[str]:
        """The printed lines, partial pieces joined back into whole lines (a block of lines split into its lines)."""
        pending: dict[tuple[int, int], str] = {}
        out: list[str] = []
        for e in self.of(ev.STDOUT):
            if e.get("stream") != stream or (pid is not None and e.pid != pid):
                continue
            key = (e.pid, e.tid)
            text = pending.pop(key, "") + str(e.get("text", ""))
            *whole, text = text.split("\n")
            out += whole
            if e.get("partial"):
                pending[key] = text
            else:
                out.append(text)
        return out + list(pending.values())

    def line_counts(self, stream: str = "stdout") -> Counter[str]:
        return Counter(self.lines(stream))

    @property
    def main_pid(self) -> int:
        start = self.of(ev.RUN_START)
        return int(start[0].get("main", 0)) if start else 0


def _new_model() -> Model:
    from tui.engine.model import Model  # here: contui run loads the model only for a run that lasts

    return Model()


def record(
    run: Run,
    *,
    timeout: float | None = None,
    on_event: Callable[[Event], None] | None = None,
    on_timeout: Callable[[], None] | None = None,
    on_batch: Callable[[], None] | None = None,
    model: Model | None = None,
    make_model: Callable[[], Model] | None = None,
    settle_ns: int = 0,
    keep_events: bool = True,
    recorder: FlightRecorder | None = None,
    interrupted: Callable[[], bool] | None = None,
) -> Recording:
    """Start ``run`` (if needed), collect until every process of it is gone, then close it. ``on_event`` sees each
    event right after ``recording.model`` (``model``, if given, else one ``make_model`` makes) has folded it;
    ``on_batch`` runs after each batch of events (``contui run`` writes the script's lines out then).
    ``keep_events=False``: the events are handed to ``on_event`` and not kept (``contui run`` writes them as they
    come). ``recorder`` writes every event to a recording as it comes, and is closed at the end. ``settle_ns``: see
    :class:`Collector` (``on_event`` then sees the events of that time unfolded). ``interrupted``: asked between two
    polls; when it says so, the run is stopped and KeyboardInterrupt raised."""
    recording = Recording(model=None)
    collector = Collector(run, model, recorder=recorder, make_model=make_model, settle_ns=settle_ns)

    def take(event: Event) -> None:
        if keep_events:
            recording.events.append(event)
        if event.kind == ev.RUN_END:
            recording.code = event.get("code")
        if on_event is not None:
            on_event(event)

    try:
        if run.reaper is None:
            run.start()
        deadline = time.monotonic() + timeout if timeout else None
        while not collector.finished:
            if interrupted is not None and interrupted():
                raise KeyboardInterrupt
            # Wires, each made an Event once, for take(): poll() would make a second one for a list nobody reads.
            if collector.poll_wires(0.05, after_each=lambda wire: take(Event(*wire))) and on_batch is not None:
                on_batch()
            if deadline is not None and not recording.timed_out and time.monotonic() > deadline:
                recording.timed_out = True
                if on_timeout is not None:
                    on_timeout()
                run.stop()
    finally:
        run.close()
        if recorder is not None:
            recorder.close()
    recording.reaper_lost = collector.reaper_lost
    recording.dropped = run.queue.dropped
    if not collector.settling:  # a run that ended while it settled is not folded: nobody asked for its model
        recording.model = collector.model
    return recording


def record_target(target: Target, *, timeout: float = 60.0, **run_options: object) -> Recording:
    return record(Run(target, **run_options), timeout=timeout)  # type: ignore[arg-type]
