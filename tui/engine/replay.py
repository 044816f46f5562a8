"""A recorded run shown as if live: the same face as :class:`Session`, fed from a recording instead of a run.

``contui replay`` plays it on the recorded time (freeze pauses, the speed keys turn the rate, a step shows the next
event); the scrub keys move a cursor through it; snapshot tests and screenshots show it stopped at one moment, so a
screen is the same every time. A file that is not a recording this contui reads raises
:class:`~tui.engine.jsonl.RecordingError` (one line saying why).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tui.engine.catalog import Target, TargetError, resolve_target
from tui.engine.events import Wire
from tui.engine.jsonl import RecordingHeader
from tui.engine.model import Model
from tui.engine.scrub import RecordedRun

IDLE_POLL = 1.0  # s a poll waits when nothing is due (a key wakes it)
MAX_FOLD = 20_000  # events a poll folds at most: a fast replay of a flood must not hold the model for long


def recorded_target(header: RecordingHeader) -> Target:
    """What a recording ran: the scenario of that id, else the script's path (which may no longer exist: its code
    is then not shown, and nothing else needs it)."""
    try:
        return resolve_target(header.target, args=header.args)
    except TargetError:
        return Target(Path(header.path), None, header.args)


class ReplaySession:
    """Shows ``recording`` at ``until`` (a share of its length; all of it by default), or plays it from its start
    (``playing``). ``recording=None`` shows nothing: an empty model, for a caller that sets its own model."""

    def __init__(self, recording: str | Path | RecordedRun | None, target: Target | str | None = None,
                 until: float = 1.0, *, playing: bool = False) -> None:
        self.recorded: RecordedRun | None = (
            recording if isinstance(recording, RecordedRun) or recording is None else RecordedRun(recording)
        )
        self.header: RecordingHeader | None = self.recorded.header if self.recorded is not None else None
        self.model = Model()
        self.model_lock = threading.Lock()
        self.speed = 1.0
        self.frozen = False
        self.run = None
        self.recorder = None  # a replay records nothing
        self.count = 0  # events shown
        self._offset = self.recorded.start_offset if self.recorded is not None else 0
        self._woken = threading.Event()
        self._moving = threading.RLock()  # the cursor (count, offset) moves in the pump's thread and on keys
        self._playing = playing
        self._clock_base = (0, 0.0)  # (recorded ns, monotonic s) the play clock counts from
        if isinstance(target, str):
            target = resolve_target(target)
        elif target is None and self.header is not None:
            target = recorded_target(self.header)
        self.target: Target | None = target
        if playing:
            self.show(0)
            self._restart_clock()
        else:
            self.seek(until)

    # -- what the app asks of a session ---------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """Still playing: events of the recording are yet to be shown on their time."""
        return self._playing and self.recorded is not None and self.count < self.recorded.count

    @property
    def stepping(self) -> bool:
        return False

    @property
    def total(self) -> int:
        return self.recorded.count if self.recorded is not None else 0

    def seek(self, until: float) -> None:
        """Show the recording ``until`` (a share of its length) into it."""
        if self.recorded is not None:
            self.show(self.recorded.count_at(int(self.recorded.duration * until)))

    def show(self, count: int) -> None:
        """Show the run as it stood after its first ``count`` events (from the nearest checkpoint)."""
        recorded = self.recorded
        if recorded is None:
            return
        with self._moving:
            count = max(0, min(count, recorded.count))
            if count >= self.count and count - self.count < recorded.every:  # a little further on: fold only those
                with self.model_lock:
                    self._offset = recorded.fold(self.model, self._offset, count - self.count)
            else:
                model, offset = recorded.moment(count)
                with self.model_lock:
                    self.model, self._offset = model, offset
            self.count = count
            self._restart_clock()

    def play(self) -> None:
        """Play on from the cursor (from the start, if at the end)."""
        if self.recorded is not None and self.count >= self.recorded.count:
            self.show(0)
        self._playing = True
        self.frozen = False
        self._restart_clock()
        self.wake()

    def start(self, target: Target, still_wanted: object = None, stepping: bool = False) -> None:
        """Enter: play the recording again from its start (a replay runs nothing)."""
        if self.recorded is not None:
            self.show(0)
            self.play()

    def stop(self, still_wanted: object = None) -> None:
        self._playing = False
        self.frozen = False
        self.wake()

    def close(self) -> None:
        self._playing = False
        if self.recorded is not None:
            self.recorded.close()

    def poll(self, timeout: float) -> list[Wire]:
        """Fold what is due by the play clock; wait (at most ``timeout``) until the next event is due, or a key."""
        recorded = self.recorded
        if recorded is None or not self.running or self.frozen:
            self._wait(min(timeout, IDLE_POLL))
            return []
        with self._moving:
            due = self._recorded_now()
            until = min(recorded.count_at(due), self.count + MAX_FOLD)
            if until > self.count:
                batch: list[Wire] = []
                with self.model_lock:
                    self._offset = recorded.fold(self.model, self._offset, until - self.count, into=batch)
                self.count = until
                return batch
        next_t = recorded.time_after(self.count + 1)
        self._wait(min(timeout, max(0.0, (next_t - due) / 1e9 / self.speed)))
        return []

    def wake(self) -> None:
        self._woken.set()

    def set_frozen(self, frozen: bool) -> bool:
        """Pause or go on playing (on the recorded time, from where it was paused)."""
        frozen = frozen and self.running
        if frozen != self.frozen:
            self._restart_clock(self._recorded_now() if frozen else self._clock_base[0])
            self.frozen = frozen
        self.wake()
        return self.frozen

    def set_stepping(self, stepping: bool) -> bool:
        return False

    def step(self, tid: int) -> bool:
        """One more recorded event, paused there."""
        self.frozen = True
        if self.recorded is not None and self.count < self.recorded.count:
            self.show(self.count + 1)
        self.wake()
        return True

    def set_speed(self, speed: float) -> None:
        if not self.frozen:
            self._restart_clock(self._recorded_now())
        self.speed = speed

    def send_line(self, text: str) -> bool:
        return False

    # -- the play clock -------------------------------------------------------------------------------------------
    def _restart_clock(self, at: int | None = None) -> None:
        """The play clock counts on from ``at`` (recorded ns; the shown moment by default), from now. While
        frozen it stands at ``at``."""
        if at is None:
            at = self.recorded.time_after(self.count) if self.recorded is not None else 0
        self._clock_base = (at, time.monotonic())

    def _recorded_now(self) -> int:
        at, since = self._clock_base
        if self.frozen:
            return at
        return at + int((time.monotonic() - since) * self.speed * 1e9)

    def _wait(self, seconds: float) -> None:
        if self._woken.wait(seconds):
            self._woken.clear()
