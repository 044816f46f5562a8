"""Watch points: a scenario's Watch bullet tagged with what proves it lights up once the run shows it, live and at a
looked-back moment (scrubbing moves the light), every tag in the catalog is one contui can answer, and each one
becomes true during its scenario's run, not before it."""

from __future__ import annotations

import pytest

from tests.scenario_runs import SPEED, recorded, until_deadlock
from tests.test_app import app_with, index_of, sync, wait_for
from tests.test_app import SIZE
from tests.test_scenarios_sync import EVENT_SPEED, SEMAPHORE_SPEED
from tui.app import ContuiApp
from tui.engine import events as ev
from tui.engine.catalog import find, load_catalog
from tui.engine.model import Model
from tui.engine.watchpoints import known, seen, split_tag
from tui.widgets.narration import watch_tags


def test_every_tag_of_every_scenario_is_one_contui_can_answer_and_both_languages_agree() -> None:
    for scenario in load_catalog():
        for en, zh in zip(scenario.watch_en, scenario.watch_zh):
            tags = [tag for tag in (split_tag(en)[1], split_tag(zh)[1]) if tag]
            assert all(known(tag) for tag in tags), (scenario.id, tags)
            assert len(set(tags)) <= 1, (scenario.id, tags)  # one tag per bullet, whichever language says it
            assert "[" not in split_tag(en)[0][-12:], (scenario.id, en)  # a tag is the bullet's last thing


@sync
async def test_the_zombie_bullet_lights_up_when_the_child_is_a_zombie_and_scrubbing_back_puts_it_out() -> None:
    async with app_with(speed=2.0).run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, ContuiApp)
        app.pick(index_of(app, "zombie"))
        await pilot.pause()
        assert app.narration_pane.lit == frozenset()  # nothing proved before the run
        await pilot.press("enter")
        await wait_for(pilot, lambda: 1 in app.narration_pane.lit, timeout=20, what="the zombie bullet lit")
        await wait_for(pilot, lambda: not app.session.running, timeout=20, what="the run's end")
        await wait_for(pilot, lambda: app.narration_pane.lit == {1, 3}, what="the reaped bullet lit too")
        assert "✔" in app.narration_pane.query_one("#narration-text").render().plain
        await pilot.press("home")  # look back at the run's start: nothing was proved yet
        await wait_for(pilot, lambda: app.narration_pane.lit == frozenset(), what="the lights out at the start")
        await pilot.press("end")
        await wait_for(pilot, lambda: app.narration_pane.lit == {1, 3}, what="the lights back at the end")
        await pilot.press("q")


# The run a scenario's tags are checked on: the one the scenario's own tests make (recorded() keeps it for the whole
# pytest process), at their speed where a moment asserted on rests on one of the scenario's sleeps.
SPEEDS = {"zombie": 2.0, "orphan": 2.0, "queue": 1.0, "semaphore": SEMAPHORE_SPEED, "event": EVENT_SPEED}
# These may hang (19 and 20 by design, 28 when the dice say so): run until contui tells the deadlock, then stopped.
UNTIL_DEADLOCK = {"deadlock", "deadlock_processes", "dining_philosophers"}
TAGGED = [s.id for s in load_catalog() if any(watch_tags(s.watch_en, s.watch_zh))]


@pytest.mark.parametrize("scenario", TAGGED)
def test_every_tag_of_a_scenario_is_seen_by_the_end_of_its_run_and_not_at_its_start(scenario: str) -> None:
    found = find(load_catalog(), scenario)
    assert found is not None
    tags = {tag for tag in watch_tags(found.watch_en, found.watch_zh) if tag}
    if scenario in UNTIL_DEADLOCK:
        rec = until_deadlock(scenario)
    else:
        rec = recorded(scenario, speed=SPEEDS.get(scenario, SPEED))
    events = sorted(rec.events, key=lambda e: e.t)
    # The run's first moments, as looking back at them folds it: every event up to the main process's start.
    k = next(i for i, e in enumerate(events) if e.kind == ev.PROC_START and e.pid == rec.main_pid) + 1
    start = Model.from_events(events[:k])
    assert rec.model is not None
    assert [tag for tag in sorted(tags) if not seen(rec.model, tag)] == [], "never shown by the run"
    assert [tag for tag in sorted(tags) if seen(start, tag)] == [], "already shown before the run began"
