"""The words the timeline, the output's notes, the picker, the stdin line and the help draw, in both languages: in
Chinese no English word is left but code, names and keys; in English every word is as it was."""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.reactive import reactive

from tests.screen_words import ALLOWED, WORD
from tests.test_panes import PaneApp, folded, sync
from tests.test_snapshots import replay_app, settled
from tui.app import ContuiApp
from tui.engine.catalog import Target, load_catalog
from tui.engine.model import LANE_STATES, OutputLine, Stream
from tui.engine.model.records import ExceptionRecord
from tui.screens.help import HelpScreen, help_rows, what_it_does
from tui.widgets.badges import Palette, look
from tui.widgets.output import earlier_note, line_text
from tui.widgets.picker import ScenarioPicker, heading
from tui.widgets.stdin import PLACEHOLDER, PLACEHOLDER_ZH, StdinLine
from tui.widgets.timeline import TimelinePane, legend_entries

NO_COLOURS = Palette({}, {})
AXIS = "╵"  # starts the axis row: the rows above it are the legend
# Names that are code, formats or programs wherever they are written (the help's tooltips name them).
HELP_NAMES = frozenset({"Chrome", "Trace", "JSON", "ui", "perfetto", "dev", "chrome", "tracing", "SVG", "Textual",
                        "Home", "End", "share"})  # "share": the command line's --share, typed as it is


def english(text: str, allowed: frozenset[str] = ALLOWED) -> list[str]:
    """The words of ``text`` that are neither code, names nor keys."""
    return [word for word in WORD.findall(text) if word not in allowed]


def legend_rows(rows: list[str]) -> list[str]:
    return rows[:next(i for i, row in enumerate(rows) if AXIS in row)]


# -- the timeline -------------------------------------------------------------------------------------------------
def test_every_legend_entry_has_chinese_and_english_is_unchanged() -> None:
    words_zh = [word for _, word, _ in legend_entries(NO_COLOURS, True, True, lang="zh")]
    assert not english(" ".join(words_zh), ALLOWED | {"CPU"}), words_zh
    # The states' words are the badges' (tui/widgets/badges.py), not a second translation.
    assert {look(state).word_zh for state in LANE_STATES} <= set(words_zh)
    assert [word for _, word, _ in legend_entries(NO_COLOURS)] == [
        "running", "sleeping", "blocked", "joining", "zombie", "stopped", "start", "exit", "terminate",
        "lock acquired", "hot lock, counted", "signal sent", "signal received"]


@sync
async def test_the_timeline_legend_in_chinese_names_what_the_lanes_show_in_cells_that_fit() -> None:
    model = folded("deadlock_processes")  # blocked, joining, terminate, signals, a deadlock: a legend of two rows
    pane = TimelinePane()
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        english_rows = legend_rows(pane.row_texts(60))
        pane.lang = "zh"  # the pane says it again without a new model: the app's update may come later
        await pilot.pause()
        for width in (40, 60, 78):
            rows = legend_rows(pane.row_texts(width))
            legend = " ".join(rows)
            assert not english(legend), rows
            for word in ("运行", "睡眠", "阻塞", "等待结束", "开始", "退出", "获得锁", "发现死锁"):
                assert word in legend, (word, rows)
            # Measured in cells: a row of Chinese words never runs past the pane's edge.
            assert all(cell_len(row.rstrip()) <= width for row in rows), rows
        assert "僵尸" not in legend and "zombie" not in " ".join(english_rows)  # no lane was ever a zombie
        pane.lang = "en"
        await pilot.pause()
        assert legend_rows(pane.row_texts(60)) == english_rows


@sync
async def test_the_english_legend_is_one_row_for_a_plain_run() -> None:
    pane = TimelinePane()
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        pane.update_from(folded("zombie"))
        await pilot.pause()
        rows = pane.row_texts(80)
        assert rows[0].rstrip() == "█ running  ─ sleeping  ═ joining  ░ zombie  [ start  ] exit"
        assert AXIS in rows[1] and rows[2].startswith("MainProcess ")
        pane.update_from(folded("ticket_lock"))  # one gap narrower rather than a second row
        await pilot.pause()
        assert legend_rows(pane.row_texts(80)) == [
            "█ running ─ sleeping ▒ blocked ═ joining ░ zombie [ start ] exit ◆ lock acquired"]


@sync
async def test_an_empty_timeline_says_so_in_the_language() -> None:
    pane = TimelinePane()
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert pane.row_texts(80)[0].rstrip() == "no lanes yet"
        pane.lang = "zh"
        await pilot.pause()
        assert pane.row_texts(80)[0].rstrip() == "还没有泳道"


# -- the output's own words ---------------------------------------------------------------------------------------
def test_the_outputs_notes_in_both_languages() -> None:
    assert earlier_note(1_234) == "… 1,234 earlier lines: in the run's recording"
    assert earlier_note(1) == "… 1 earlier line: in the run's recording"
    assert not english(earlier_note(1_234, "zh"))
    record = ExceptionRecord(0, 10, 10, "ValueError", "bad value", "", "process")
    line = OutputLine(0, 10, 10, Stream.EXCEPTION, "", exception=record)
    assert line_text(line) == "uncaught ValueError: bad value  (in run())"
    # The exception's type and message are the script's: only the pane's words around them change.
    assert line_text(line, "zh") == "未捕获的异常 ValueError: bad value（在 run() 中）"


# -- the picker and the stdin line ----------------------------------------------------------------------------------
class BoundApp(App[None]):
    """The widgets bound to a ``lang`` as the app binds its panes."""

    lang: reactive[str] = reactive("en")

    def __init__(self, targets: list[Target]) -> None:
        super().__init__()
        self.picker = ScenarioPicker(targets)
        self.stdin_line = StdinLine()

    def compose(self) -> ComposeResult:
        yield self.picker.data_bind(BoundApp.lang)
        yield self.stdin_line.data_bind(BoundApp.lang)


def prompts(picker: ScenarioPicker) -> list[str]:
    return [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]


@sync
async def test_the_pickers_headings_and_state_word_and_the_stdin_hint_follow_the_language() -> None:
    targets = [Target(s.path, s) for s in load_catalog()]
    app = BoundApp(targets)
    async with app.run_test(size=(60, 60)) as pilot:
        app.picker.mark_loaded(5, "running")
        await pilot.pause()
        english_prompts = prompts(app.picker)
        assert english_prompts[0] == "Part 1 · 多进程与多线程" == heading(1)
        assert "▶  6 zombie running" in english_prompts
        assert app.stdin_line.placeholder == PLACEHOLDER
        app.lang = "zh"
        await pilot.pause()
        chinese = prompts(app.picker)
        assert chinese[0] == "第一部分 · 多进程与多线程" and "第二部分 · 死锁、同步与池" in chinese
        assert "▶  6 zombie 运行中" in chinese
        names = {word for t in targets if t.scenario is not None for word in WORD.findall(t.scenario.id)}
        assert not english(" ".join(chinese), ALLOWED | names)
        assert app.stdin_line.placeholder == PLACEHOLDER_ZH and not english(PLACEHOLDER_ZH)
        app.lang = "en"
        await pilot.pause()
        assert prompts(app.picker) == english_prompts


# -- the help -----------------------------------------------------------------------------------------------------
def test_every_key_the_app_has_is_explained_in_chinese() -> None:
    for binding in ContuiApp.BINDINGS:
        text = binding.tooltip or binding.description  # type: ignore[union-attr]
        assert what_it_does(text, "zh") != text, f"no Chinese for {text!r}"
    assert dict(help_rows(ContuiApp.BINDINGS))["Enter"] == "run the picked scenario, or restart it"


@sync
async def test_the_help_screen_in_chinese_has_no_english_but_keys_and_code() -> None:
    app = replay_app("zombie", lang="zh")
    async with app.run_test(size=(120, 70)) as pilot:  # tall: the whole help on screen, nothing scrolled away
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        box = screen.query_one("#help-box")
        strips = screen._compositor.render_strips()
        text = "\n".join(strip.crop(box.region.x, box.region.right).text for strip in strips[box.region.y:
                                                                                               box.region.bottom])
        assert "contui · 按键" in text and "Esc、? 或 q 关闭" in text and "显示 / 隐藏看点窗格" in text, text
        keys = {word for keys, _ in screen.rows for word in WORD.findall(keys)}
        leftover = english(text, ALLOWED | HELP_NAMES | keys)
        assert not leftover, leftover
        # A long Chinese line is folded at the column's edge, never cut short.
        assert not re.search(r"…\s*│", text), text


@sync
async def test_the_help_screen_in_english_is_unchanged() -> None:
    app = replay_app("zombie")
    async with app.run_test(size=(120, 70)) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        assert screen.rows == help_rows(ContuiApp.BINDINGS)
        assert screen.query_one("#help-box").border_title == "contui · keys"
