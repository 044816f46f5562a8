"""The contract between the app and the panes that draw the model, and the feeder that keeps them in step.

A model pane says which part of the model it draws (``PART``) and what of the run's clock it shows (``clock_key``);
the feeder hands it the model only when one of the two has moved since it last drew. Panes never read the model at
any other time: the feeder calls them holding the model's lock.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import ClassVar, Protocol, runtime_checkable

from tui.engine.model import Model, Part

# The run's clock in ticks of this many ns: what a pane that shows time (held 2 s, the timeline's axis) follows.
CLOCK_TICK_NS = 1_000_000_000


@runtime_checkable
class ModelPane(Protocol):
    """A pane drawn from the model. ``projector`` and ``lang`` are bound to the app's (``data_bind``); the app feeds
    every pane again after either changes, so a pane may draw its words only when it is fed."""

    PART: ClassVar[Part]
    projector: bool
    lang: str

    def clock_key(self, model: Model, tick: int) -> Hashable:
        """What of the run's clock (in whole ticks) this pane shows now; None if it shows no time."""
        ...

    def update_from(self, model: Model) -> None:
        """Draw the model (called with the model's lock held; keep only copies of what is needed later)."""
        ...


class PaneFeeder:
    """Hands each visible pane the model when its part changed or its clock moved, and nothing otherwise."""

    def __init__(self) -> None:
        self._model: Model | None = None
        self._seen: dict[int, Hashable] = {}

    def forget(self) -> None:
        """Every pane draws again at the next feed (a new theme, or a benchmark that wants full frames)."""
        self._seen.clear()

    def feed(self, model: Model, tick: int, panes: Iterable[ModelPane]) -> None:
        if model is not self._model:
            self._model = model
            self._seen.clear()
        versions = model.versions
        for pane in panes:
            key = (versions[pane.PART], pane.clock_key(model, tick))
            if self._seen.get(id(pane)) != key:
                pane.update_from(model)
                self._seen[id(pane)] = key
