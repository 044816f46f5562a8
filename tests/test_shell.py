"""The app shell's parts without a screen: the status line's words, the pane feeder, help from the bindings, and
RunUpdated's coalescing."""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

import pytest

from tui.app import ContuiApp
from tui.engine.catalog import resolve_target
from tui.engine.events import Event
from tui.engine.model import Model, Part
from tui.messages import RunUpdated
from tui.screens.help import help_rows
from tui.status import Action, Phase, RunState, StatusInfo, phase_of, status_info
from tui.widgets.pane import ModelPane, PaneFeeder


def ended(code: int) -> Model:
    return Model.from_events([Event(1, "run.start", 100, 100, {"main": 101}), Event(9, "run.end", 100, 100,
                                                                                   {"code": code})])


@pytest.mark.parametrize(("kwargs", "phase"), [
    ({"busy": Action.START}, Phase.STARTING),
    ({"busy": Action.STOP}, Phase.STOPPING),
    ({"busy": Action.SWITCH}, Phase.STOPPING),
    ({"shown_is_run": False}, Phase.READY),
    ({"replay": True}, Phase.REPLAY),
    ({"state": RunState(running=True, frozen=True)}, Phase.FROZEN),
    ({"state": RunState(running=True)}, Phase.RUNNING),
    ({"stopped_by_user": True}, Phase.STOPPED),
    ({"model": ended(0)}, Phase.EXITED),
    ({"model": ended(3)}, Phase.FAILED),
    ({}, Phase.READY),
])
def test_the_run_phase_the_status_line_says(kwargs: dict[str, object], phase: Phase) -> None:
    given: dict[str, object] = {"shown_is_run": True, "busy": None, "replay": False, "state": RunState(),
                                "stopped_by_user": False, "model": Model(), **kwargs}
    assert phase_of(**given) is phase  # type: ignore[arg-type]


def test_a_live_clock_shows_whole_ticks_and_a_finished_run_its_length() -> None:
    target = resolve_target("zombie")
    model = ended(0)
    model.now = 2_345_000_000
    running = status_info(target, model, Phase.RUNNING, shown_is_run=True, clock_seconds=2.0, speed=1, lang="en",
                          projector=False)
    assert running.seconds == 2.0 and running.label == "6 zombie" and running.title == target.scenario.title_en
    done = status_info(target, model, Phase.EXITED, shown_is_run=True, clock_seconds=2.0, speed=1, lang="zh",
                       projector=False)
    assert done.seconds == 2.3 and done.code == 0 and done.title == target.scenario.title_zh
    assert StatusInfo(seconds=3.0).only_clock_moved(StatusInfo(seconds=2.0))
    assert not StatusInfo(seconds=3.0, speed=2.0).only_clock_moved(StatusInfo(seconds=2.0))
    assert not StatusInfo().only_clock_moved(None)


class CountingPane:
    """A model pane that only counts how often it was handed the model."""

    PART: ClassVar[Part] = Part.LOCKS
    projector = False
    lang = "en"

    def __init__(self, follows_clock: bool) -> None:
        self.follows_clock = follows_clock
        self.updates = 0

    def clock_key(self, model: Model, tick: int) -> Hashable:
        return tick if self.follows_clock else None

    def update_from(self, model: Model) -> None:
        self.updates += 1


def test_the_feeder_hands_a_pane_the_model_only_when_its_part_or_its_clock_moved() -> None:
    still, clocked = CountingPane(follows_clock=False), CountingPane(follows_clock=True)
    assert isinstance(still, ModelPane)
    feeder = PaneFeeder()
    model = Model()
    feeder.feed(model, 0, [still, clocked])
    feeder.feed(model, 0, [still, clocked])
    assert (still.updates, clocked.updates) == (1, 1)
    model.touch(Part.OUTPUT)  # another part
    feeder.feed(model, 1, [still, clocked])
    assert (still.updates, clocked.updates) == (1, 2)
    model.touch(Part.LOCKS)
    feeder.feed(model, 1, [still, clocked])
    assert (still.updates, clocked.updates) == (2, 3)
    feeder.feed(Model(), 1, [still, clocked])  # a new run's model: everything draws again
    assert (still.updates, clocked.updates) == (3, 4)
    feeder.forget()
    feeder.feed(model, 1, [still])
    assert still.updates == 4


def test_help_comes_from_the_bindings_one_row_for_the_digits() -> None:
    rows = dict(help_rows(ContuiApp.BINDINGS))
    assert rows["1-9"].startswith("pick scenario 1 to 9")
    assert rows["Enter"] == "run the picked scenario, or restart it"
    assert rows["+, ="].startswith("faster") and rows["-, _"] == "slower"
    assert rows["Tab"] and rows["Shift+Tab"]
    described = {b.tooltip for b in ContuiApp.BINDINGS}  # type: ignore[union-attr]
    assert set(rows.values()) <= described  # nothing in the help that the bindings do not say


def test_a_newer_run_update_replaces_one_still_queued() -> None:
    older, newer = RunUpdated(RunState(running=True), 10), RunUpdated(RunState(), 1)
    assert newer.can_replace(older) and older.can_replace(newer)


def test_plain_has_a_sentence_for_every_kind() -> None:
    from tui.engine.plain import SENTENCES
    from tui.inside.kinds import KINDS

    assert set(SENTENCES) == set(KINDS)
