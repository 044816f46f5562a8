"""Watch points: a scenario's Watch bullet tagged with what proves it lights up once the run shows it, live and at a
looked-back moment (scrubbing moves the light), and every tag in the catalog is one contui can answer."""

from __future__ import annotations

from tests.test_app import app_with, index_of, sync, wait_for
from tests.test_app import SIZE
from tui.app import ContuiApp
from tui.engine.catalog import load_catalog
from tui.engine.watchpoints import known, split_tag


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
