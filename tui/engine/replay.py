"""A recorded run shown as if live: the same face as :class:`Session`, fed from a JSON Lines recording.

Snapshot tests and screenshots use it so a screen is the same every time. A file that is not a recording this
contui reads raises :class:`~tui.engine.jsonl.RecordingError` (one line saying why).
"""

from __future__ import annotations

import threading
from pathlib import Path

from tui.engine.events import Event
from tui.engine.jsonl import RecordingHeader, read_recording
from tui.engine.model import Model
from tui.engine.catalog import Target, resolve_target


class ReplaySession:
    """Folds a recording up to ``until`` (a share of its duration, or all of it) into ``model``; runs nothing.

    ``recording=None`` replays nothing: an empty model, for a caller that sets its own model afterwards.
    """

    def __init__(self, recording: str | Path | None, target: Target | str | None = None, until: float = 1.0) -> None:
        self.header: RecordingHeader | None = None
        self.events: list[Event] = []
        if recording is not None:
            self.header, self.events = read_recording(recording)
        self.model = Model()
        self.model_lock = threading.Lock()
        self.speed = 1.0
        self.frozen = False
        self.run = None
        self._woken = threading.Event()
        self.target = resolve_target(target) if isinstance(target, str) else target
        self.seek(until)

    @property
    def running(self) -> bool:
        return False

    @property
    def stepping(self) -> bool:
        return False

    def seek(self, until: float) -> None:
        end = self.events[-1].t if self.events else 0
        limit = end * until
        model = Model()
        model.apply_many(e for e in self.events if e.t <= limit)
        with self.model_lock:
            self.model = model

    # The controls of a live session do nothing here.
    def start(self, target: Target, still_wanted: object = None, stepping: bool = False) -> None:
        self.target = target

    def stop(self, still_wanted: object = None) -> None: ...

    def close(self) -> None: ...

    def poll(self, timeout: float) -> list[Event]:
        if self._woken.wait(timeout):
            self._woken.clear()
        return []

    def wake(self) -> None:
        self._woken.set()

    def set_frozen(self, frozen: bool) -> bool:
        return False

    def set_stepping(self, stepping: bool) -> bool:
        return False

    def step(self, tid: int) -> bool:
        return False

    def set_speed(self, speed: float) -> None:
        self.speed = speed

    def send_line(self, text: str) -> bool:
        return False
