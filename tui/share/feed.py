"""The pump's side of sharing: after each batch the pump has folded, turn what changed into messages for the
browsers that follow (tui/share/server.py sends them).

It runs in the pump's thread, the only one that folds events into the model, so it reads the model without a lock.
A frame (the tree, Sync and Queues in both languages) is made at most ``FRAMES_PER_SECOND`` times a second, however
many events came; a change held back by that limit is sent when it is due (:meth:`ShareFeed.wait` tells the pump
how long it may sleep), so the last moment of a run always reaches the followers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tui.engine.catalog import Target
from tui.engine.model import Model
from tui.share.view import Lanes, OutputCursor, Panes, frame
from tui.status import RunState
from tui.widgets.pane import CLOCK_TICK_NS

FRAMES_PER_SECOND = 10
NOTHING_DUE = float("inf")


def encoded(message: dict[str, Any]) -> bytes:
    """A message as sent: UTF-8 JSON, made once for every follower (sent as a text frame as it is)."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def run_title(target: Target | None) -> dict[str, str] | None:
    if target is None:
        return None
    scenario = target.scenario
    if scenario is None:
        return {"en": target.path.name, "zh": target.path.name}
    return {"en": f"{scenario.number} · {scenario.title_en}",
            "zh": f"{scenario.number} · {scenario.title_zh or scenario.title_en}"}


class ShareFeed:
    """Messages for followers, made from the model the pump folds. ``publish(kind, text, data)`` hands each one on
    (:meth:`ShareServer.publish`); it is called in the pump's thread and must not block."""

    def __init__(self, publish: Callable[[str, bytes, object], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        """``clock``: when each frame is made, for the rate limit and a frame's ``changed`` (tests give their own)."""
        self.publish = publish
        self.clock = clock
        self._panes = Panes()
        self._tick = 0  # the run's clock as the terminal shows it: it stands still while the run is frozen
        self.run = 0  # the run's generation: a new one for each model the session folds
        self._model: Model | None = None
        self._state: RunState | None = None
        self._seen: object = None  # the model's versions and clock when the last frame was made
        self._due = False
        self._changed = 0.0  # when the oldest change not sent yet was folded (time.monotonic)
        self._last = 0.0
        self._lanes = Lanes()
        self._output = OutputCursor()
        self._seq = 0
        self.busy = 0.0  # CPU seconds spent making messages (in the pump's thread): the share's cost to contui

    def wait(self) -> float:
        """Seconds until a held-back frame is due (inf: none is)."""
        if not self._due:
            return NOTHING_DUE
        return max(self._last + 1.0 / FRAMES_PER_SECOND - self.clock(), 0.0)

    def offer(self, model: Model, state: RunState, target: Target | None) -> None:
        """The model as it stands after a batch (or a change of the run's state): send what changed, when due."""
        if model is not self._model:
            self._begin(model, target)
        if not state.frozen:  # as the app's clock: frozen, a held lock's time and the timeline stand still
            self._tick = model.now // CLOCK_TICK_NS
        # What the page shows changes with a part's version or the clock's tick; once the run is over, with every
        # event (the last ones must reach the followers, whatever they changed).
        seen = (*model.versions.values(), self._tick, None if state.running else model.events)
        if seen != self._seen or state != self._state:
            self._seen = seen
            self._state = state
            if not self._due:
                self._due = True
                self._changed = self.clock()
        if self._due and self.wait() <= 0.0:
            self._send(model, state)

    def _begin(self, model: Model, target: Target | None) -> None:
        self._model = model
        self.run += 1
        self._lanes = Lanes()
        self._output = OutputCursor()
        self._panes = Panes()
        self._tick = model.now // CLOCK_TICK_NS
        self._seen = None
        self._due = True
        self._changed = self.clock()
        self._last = 0.0
        self.publish("run", encoded({"type": "run", "run": self.run, "title": run_title(target),
                                     "target": target.label if target is not None else None}), None)

    def _send(self, model: Model, state: RunState) -> None:
        began = time.thread_time()
        try:
            self._make(model, state)
        finally:
            self.busy += time.thread_time() - began

    def _make(self, model: Model, state: RunState) -> None:
        self._due = False
        self._last = self.clock()
        self._seq += 1
        lines = self._output.news(model)
        if lines:
            self.publish("output", encoded({"type": "output", "run": self.run, "lines": lines}), lines)
        self.publish("timeline", encoded({**self._lanes.timeline(model), "run": self.run}), None)
        # "scrubbed" first: the server answers a browser's look back with a stored frame, this key turned true.
        self.publish("frame", encoded({"type": "frame", "scrubbed": False, "run": self.run, "seq": self._seq,
                                       "changed": self._changed, **frame(model, state, self._panes, self._tick)}), model.now)
