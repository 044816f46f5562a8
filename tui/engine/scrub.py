"""A recorded run at any moment: the model after any number of its events, from checkpoints of the fold.

One pass over the recording folds every event and keeps, every ``CHECKPOINT_EVERY`` events, the model as it stood
(pickled) with the byte offset of the next event's line. The model after ``n`` events is then the checkpoint before
``n`` unpickled, with at most ``CHECKPOINT_EVERY - 1`` events read from the file and folded on top: the time it takes
does not grow with the run's length.

The printed lines are the one part of the model that only grows (a line still being printed grows at its end): a
checkpoint keeps how many there were and the text of those still growing, and a model of any moment takes its lines
from the end of the run's model, which the pass keeps. Nothing here holds the recording's events in memory.
"""

from __future__ import annotations

import gc
import pickle
import threading
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tui.engine.events import Wire
from tui.engine.jsonl import RecordingHeader, RecordingReader
from tui.engine.model import LineLog, Model, OutputLine

CHECKPOINT_EVERY = 512
# The checkpoints of a very long run are thinned (every other one dropped) to stay within this much memory.
CHECKPOINT_BYTES = 96 * 1024**2
NS = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The model after the first ``count`` events, and where the next event's line starts."""

    count: int
    offset: int
    model: bytes  # pickled (and compressed), without its printed lines
    lines: int  # how many lines had been printed
    growing: tuple[tuple[int, str], ...]  # (index, text so far) of the lines still being printed


class RecordedRun:
    """A recording, indexed for scrubbing and playing. Raises RecordingError (one line) for a file that is not a
    recording this contui reads, or is cut short or damaged anywhere in it."""

    def __init__(self, path: str | Path, *, every: int = CHECKPOINT_EVERY,
                 progress: Callable[[int, int], None] | None = None, being_written: bool = False) -> None:
        """``being_written``: a run still going (frozen): what is written of its recording so far."""
        self.path = Path(path)
        self.every = every
        self._reader = RecordingReader(path, being_written=being_written)
        self._reading = threading.RLock()  # one file position: one reader at a time (the pump's, a key's)
        self.header: RecordingHeader = self._reader.header
        self.checkpoints: list[Checkpoint] = []
        # The run's clock after each event (never going back: a late event does not move the clock back).
        self.times = array("q")
        self.end_offset = self._reader.first_offset
        try:
            self.final = self._index(progress)
        except BaseException:
            self._reader.close()
            raise

    def _index(self, progress: Callable[[int, int], None] | None) -> Model:
        model = Model()
        times = self.times
        size = max(self.path.stat().st_size, 1)
        count = 0
        now = 0
        apply = model.apply_wire
        kept = 0
        for offset, event in self._reader.events():
            if count % self.every == 0:
                checkpoint = _checkpoint(model, count, offset)
                self.checkpoints.append(checkpoint)
                kept += len(checkpoint.model)
                if kept > CHECKPOINT_BYTES:
                    kept = self._thin()
                if progress is not None:
                    progress(offset, size)
            apply(event.t, event.kind, event.pid, event.tid, event.fields)
            now = max(now, event.t)
            times.append(now)
            count += 1
        self.end_offset = self._reader.position
        return model

    def _thin(self) -> int:
        """Every other checkpoint dropped: twice as far apart, half the memory. Returns the bytes still kept."""
        self.checkpoints = self.checkpoints[::2]
        self.every *= 2
        return sum(len(c.model) for c in self.checkpoints)

    def close(self) -> None:
        with self._reading:
            self._reader.close()

    # -- where things are -------------------------------------------------------------------------------------
    @property
    def count(self) -> int:
        """How many events the recording holds."""
        return len(self.times)

    @property
    def duration(self) -> int:
        return self.times[-1] if self.times else 0

    def time_after(self, count: int) -> int:
        """The run's clock once ``count`` events have happened (0 before the first)."""
        return self.times[count - 1] if count > 0 else 0

    def count_at(self, t: int) -> int:
        """How many events happened at or before ``t``."""
        return bisect_right(self.times, t)

    def moved(self, count: int, seconds: float) -> int:
        """The count ``seconds`` of the run's clock after (or before, if negative) ``count``: the last event at or
        before that time. Always moves by at least one event if there is one that way."""
        target = self.time_after(count) + int(seconds * NS)
        found = self.count_at(target)
        if seconds > 0:
            return min(max(found, count + 1), self.count)
        return max(min(found, count - 1), 0)

    # -- the model at a moment --------------------------------------------------------------------------------
    def model_at(self, count: int) -> Model:
        """A model of the run after its first ``count`` events (a new one, the caller's to fold more into)."""
        return self.moment(count)[0]

    def moment(self, count: int) -> tuple[Model, int]:
        """The model after the first ``count`` events, and the offset of the next event's line."""
        count = max(0, min(count, self.count))
        if not self.checkpoints:
            return Model(), self.end_offset
        checkpoint = self.checkpoints[min(count // self.every, len(self.checkpoints) - 1)]
        # The fold makes objects by the thousand too: no collection of the whole app in the middle of a key's frame.
        collecting = gc.isenabled()
        gc.disable()
        try:
            model = self._restore(checkpoint)
            offset = self.fold(model, checkpoint.offset, count - checkpoint.count)
        finally:
            if collecting:
                gc.enable()
        return model, offset

    def fold(self, model: Model, offset: int, n: int, into: list[Wire] | None = None) -> int:
        """Fold the ``n`` events whose lines start at ``offset`` into ``model`` (and add them to ``into``); returns
        the offset after them."""
        if n <= 0:
            return offset
        apply = model.apply_wire
        done = 0
        with self._reading:
            for _, event in self._reader.events(offset):
                apply(event.t, event.kind, event.pid, event.tid, event.fields)
                if into is not None:
                    into.append(event.to_wire())
                done += 1
                if done == n:
                    return self._reader.position
        return self.end_offset

    @property
    def start_offset(self) -> int:
        """Where the first event's line starts."""
        return self._reader.first_offset

    def _restore(self, checkpoint: Checkpoint) -> Model:
        model: Model = pickle.loads(zlib.decompress(checkpoint.model))
        model.lines = _lines_until(self.final.lines, checkpoint.lines, dict(checkpoint.growing))
        model.amended_lines = LineLog(self.final.amended_lines.window)
        return model


def _lines_until(lines: LineLog[OutputLine], count: int, growing: dict[int, str]) -> LineLog[OutputLine]:
    """The first ``count`` lines of the run's end, as far as it keeps them (the rest is in the recording), with the
    text that the lines still growing then had."""
    first = min(count, lines.first)
    kept = lines[first:count]
    for index, text in growing.items():
        if first <= index < count:
            kept[index - first] = replace(kept[index - first], text=text, partial=True)
    return LineLog.holding(kept, first, lines.window)


def _checkpoint(model: Model, count: int, offset: int) -> Checkpoint:
    lines, amended = model.lines, model.amended_lines
    growing = tuple((i, lines[i].text) for i in model.growing_lines() if i >= lines.first)
    model.lines, model.amended_lines = LineLog(lines.window), LineLog(amended.window)
    try:
        blob = zlib.compress(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), 1)
    finally:
        model.lines, model.amended_lines = lines, amended
    return Checkpoint(count, offset, blob, len(lines), growing)
