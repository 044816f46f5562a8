"""Watch points: a scenario's Watch bullet tagged with what proves it lights up once the run shows it, live and at a
looked-back moment (scrubbing moves the light), every tag in the catalog is one contui can answer, and each one
becomes true during its scenario's run, not before it (a tag that only some runs show: during a committed recording
of a run that showed it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenario_runs import SPEED, recorded, until_deadlock
from tests.test_app import app_with, index_of, sync, wait_for
from tests.test_app import SIZE
from tests.test_scenarios_sync import EVENT_SPEED, SEMAPHORE_SPEED
from tui.app import ContuiApp
from tui.engine import events as ev
from tui.engine.catalog import find, load_catalog
from tui.engine.jsonl import read_recording
from tui.engine.model import Model
from tui.engine.recording import Recording
from tui.engine.watchpoints import known, seen, split_tag
from tui.widgets.narration import watch_tags

RECORDINGS = Path(__file__).parent / "recordings"


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
# pytest process), at their speed where a moment asserted on rests on one of the scenario's sleeps (daemon_process:
# alex is a zombie for the main process's sleep(1), a whole second for psutil to see it; process_attributes: the
# killed child, when it is one, for the same sleep).
SPEEDS = {"zombie": 2.0, "orphan": 2.0, "queue": 1.0, "semaphore": SEMAPHORE_SPEED, "event": EVENT_SPEED,
          "process_attributes": 1.0, "daemon_process": 1.0}
# These may hang (19 and 20 by design, 28 when the dice say so): run until contui tells the deadlock, then stopped.
UNTIL_DEADLOCK = {"deadlock", "deadlock_processes", "dining_philosophers"}
# CPU bound (seconds of two cores): its tags are asked of its committed recording, a real run of it.
RECORDED = {"why_processes"}
# Tags that some runs show and others do not, as the dice or the OS decide: a child is a zombie only if it ends before
# its parent's join() (or is_alive()) comes for it, which for the buyers of 9 and 10, the cooks of 13, the two
# processes of 18 and the pool's workers of 26 is up to their sleeps or the scheduler, and for the killed child of 5
# happens only when the is_alive() right after terminate() finds it still running. A live run is asked only that
# they are not shown before it began; the committed recording of a run that showed them, that they are shown by its
# end and not at its start.
BY_CHANCE = {scenario: {"state zombie"} for scenario in (
    "process_attributes", "ticket_race", "ticket_lock", "producer_consumer", "why_processes", "process_pool")}
TAGGED = [s.id for s in load_catalog() if any(watch_tags(s.watch_en, s.watch_zh))]


def tags_of(scenario: str) -> set[str]:
    found = find(load_catalog(), scenario)
    assert found is not None
    return {tag for tag in watch_tags(found.watch_en, found.watch_zh) if tag}


def committed(scenario: str) -> Recording:
    """The committed recording of a run of ``scenario`` (tests/recordings), folded."""
    _, events = read_recording(RECORDINGS / f"{scenario}.jsonl")
    return Recording(events=events, model=Model.from_events(events))


def first_moments(rec: Recording) -> Model:
    """The run's first moments, as looking back at them folds it: every event up to the main process's start."""
    events = sorted(rec.events, key=lambda e: e.t)
    k = next(i for i, e in enumerate(events) if e.kind == ev.PROC_START and e.pid == rec.main_pid) + 1
    return Model.from_events(events[:k])


def test_the_echo_server_and_the_gil_scenario_have_their_watch_bullets_tagged() -> None:
    """Every bullet of 15 and 18 says something the run shows on screen: each has a tag that lights it."""
    for scenario in ("echo_server", "why_processes"):
        found = find(load_catalog(), scenario)
        assert found is not None
        assert None not in watch_tags(found.watch_en, found.watch_zh), scenario


@pytest.mark.parametrize("scenario", TAGGED)
def test_every_tag_of_a_scenario_is_seen_by_the_end_of_its_run_unless_by_chance_and_none_at_its_start(
        scenario: str) -> None:
    tags = tags_of(scenario)
    if scenario in RECORDED:
        rec, by_chance = committed(scenario), set()  # a recording that showed them all
    elif scenario in UNTIL_DEADLOCK:
        rec, by_chance = until_deadlock(scenario), BY_CHANCE.get(scenario, set())
    else:
        rec, by_chance = recorded(scenario, speed=SPEEDS.get(scenario, SPEED)), BY_CHANCE.get(scenario, set())
    start = first_moments(rec)
    assert rec.model is not None
    assert [tag for tag in sorted(tags - by_chance) if not seen(rec.model, tag)] == [], "never shown by the run"
    assert [tag for tag in sorted(tags) if seen(start, tag)] == [], "already shown before the run began"


@pytest.mark.parametrize("scenario", sorted(BY_CHANCE))
def test_a_tag_only_some_runs_show_is_seen_by_the_end_of_a_recorded_run_that_showed_it_and_not_at_its_start(
        scenario: str) -> None:
    assert BY_CHANCE[scenario] <= tags_of(scenario), "no longer a tag of the scenario"
    rec = committed(scenario)
    assert rec.model is not None
    assert [tag for tag in sorted(BY_CHANCE[scenario]) if not seen(rec.model, tag)] == [], (
        f"tests/recordings/{scenario}.jsonl does not show it: record a run that does")
    assert [tag for tag in sorted(BY_CHANCE[scenario]) if seen(first_moments(rec), tag)] == []
