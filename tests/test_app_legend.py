"""The legend and the light theme, as a teacher uses them (Pilot): L shows what each state's letter and colour mean,
in the chosen language; projector mode shows it at first; b switches to a light theme and back."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_app import SIZE, pane_text, sync
from tui.app import ContuiApp
from tui.theme import PROJECTOR_LIGHT_THEME, PROJECTOR_THEME
from tui.widgets.badges import LOOKS


@sync
async def test_l_shows_the_legend_in_the_chosen_language_and_projector_mode_shows_it_at_first() -> None:
    async with ContuiApp().run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, ContuiApp)
        assert not app.legend.display
        await pilot.press("L")
        await pilot.pause()
        assert app.legend.display
        legend = " ".join(pane_text(app, "legend").split())
        for look in LOOKS.values():  # every state: its letter and its word
            assert f"{look.letter} {look.word}" in legend, (look, legend)
        assert "G daemon-killed" in legend and " D " not in f" {legend} "  # ps's D means another state
        await pilot.press("l")
        await pilot.pause()
        legend = " ".join(pane_text(app, "legend").split())
        assert "G 守护进程被终止" in legend and "Z 僵尸" in legend and "zombie" not in legend
        await pilot.press("L")
        await pilot.pause()
        assert not app.legend.display
        await pilot.press("p")  # projector mode: the legend is there from the start, in its words
        await pilot.pause()
        assert app.legend.display and "† 僵尸" in pane_text(app, "legend")


@sync
async def test_b_switches_between_a_dark_and_a_light_theme_in_both_modes() -> None:
    async with ContuiApp(projector=True).run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, ContuiApp)
        assert app.theme == PROJECTOR_THEME.name
        await pilot.press("b")
        await pilot.pause()
        assert app.theme == PROJECTOR_LIGHT_THEME.name and not app.current_theme.dark
        await pilot.press("p")  # out of projector mode: still light
        await pilot.pause()
        assert not app.current_theme.dark
        await pilot.press("b")
        await pilot.pause()
        assert app.current_theme.dark


def test_the_readmes_table_of_states_is_the_apps() -> None:
    """Each state's letter, word and Chinese word in README.md are the ones the app draws: the docs cannot drift."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(
        r"^\| `([A-Z])` \| [^|]+ \| ([a-z-]+) \| ([^|]+?) \|", readme, flags=re.M)}
    assert rows == {look.letter: (look.word, look.word_zh) for look in LOOKS.values()}
