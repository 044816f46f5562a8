"""The Output pane over a model that keeps a window of its newest lines: it holds rows for the kept lines only, says
how many earlier lines are in the recording, and a reader scrolled back keeps looking at the same line while the
head is dropped above it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tests.helpers import screen_text
from tests.test_panes import E, PaneApp, sync
from tui.engine.model import Model
from tui.widgets.output import OutputPane, earlier_note

MAIN = 10
WINDOW = 100
SLACK = WINDOW // 10  # the model drops its oldest lines a tenth of the window at a time


def windowed() -> Model:
    model = Model(output_window=WINDOW)
    model.apply(E(1, "proc.start", MAIN, ppid=1, name="MainProcess"))
    return model


def shown(index: int) -> str:
    return f"MainProcess[{MAIN}] │ line {index}"


def visible(pane: OutputPane) -> list[str]:
    """The rows on screen in the pane, without its scrollbar."""
    width = pane.scrollable_content_region.width
    return [row[:width].rstrip() for row in screen_text(pane.app, pane).splitlines()]


class Printer:
    """Prints numbered lines into the model and hands the pane the model, as the app does once a frame."""

    def __init__(self, model: Model, pane: OutputPane) -> None:
        self.model = model
        self.pane = pane
        self.t = 10

    def print(self, count: int) -> None:
        for _ in range(count):
            self.t += 1
            self.model.apply(E(self.t, "stdout", MAIN, text=f"line {len(self.model.lines)}"))

    async def frame(self, pilot: object, count: int) -> None:
        self.print(count)
        self.pane.update_from(self.model)
        await pilot.pause()  # type: ignore[attr-defined]


@sync
async def test_past_its_window_the_pane_shows_a_note_and_only_the_kept_lines() -> None:
    model, pane = windowed(), OutputPane()
    async with PaneApp(pane).run_test(size=(80, 12)) as pilot:
        printer = Printer(model, pane)
        for _ in range(20):
            await printer.frame(pilot, 50)  # a thousand lines, ten windows' worth
        lines = model.lines
        assert len(lines) == 1000 and lines.first >= 1000 - WINDOW - SLACK
        rows = pane.row_texts()
        assert rows[0] == earlier_note(lines.first) == f"… {lines.first:,} earlier lines: in the run's recording"
        assert rows[1:] == [shown(i) for i in range(lines.first, 1000)]
        assert pane.virtual_size.height == 1 + lines.kept
        assert len(pane._lines) == len(pane._starts) == lines.kept  # nothing of the dropped lines is held
        assert all(index >= lines.first for index in pane._drawn)
        assert pane.lines_shown == 1000 and pane.lines_dropped == lines.first
        assert shown(999) in screen_text(pilot.app, pane)  # it still follows the newest line
        pane.scroll_home(animate=False)
        await pilot.pause()
        assert visible(pane)[:2] == [earlier_note(lines.first), shown(lines.first)]


@asynccontextmanager
async def read_back(row: int) -> AsyncIterator[tuple[Model, OutputPane, Printer, Any]]:
    """A pane over a window's worth of lines whose reader has scrolled back to ``row`` (with the keys)."""
    model, pane = windowed(), OutputPane()
    async with PaneApp(pane).run_test(size=(60, 12)) as pilot:
        printer = Printer(model, pane)
        await printer.frame(pilot, WINDOW)
        pane.focus()
        await pilot.press("home", *["down"] * row)
        yield model, pane, printer, pilot


@sync
async def test_a_reader_scrolled_back_keeps_looking_at_the_same_line_while_the_head_is_dropped() -> None:
    async with read_back(50) as (model, pane, printer, pilot):
        assert visible(pane)[0] == shown(50)
        for _ in range(5):  # the window is overrun twice: the first 20-odd lines are dropped above the reader
            await printer.frame(pilot, 5)
            assert visible(pane)[0] == shown(50)
        assert model.lines.first > 0 and pane.lines_dropped == model.lines.first
        assert pane.scroll_y == 50 - model.lines.first + 1  # the rows above went, the note came
        await pilot.press("down")  # and scrolling on goes on from there
        assert visible(pane)[0] == shown(51)


@sync
async def test_a_reader_whose_line_is_dropped_is_left_at_the_note() -> None:
    async with read_back(2) as (model, pane, printer, pilot):
        await printer.frame(pilot, 3 * SLACK)
        first = model.lines.first
        assert first > 2
        assert pane.scroll_y == 0 and visible(pane)[:2] == [earlier_note(first), shown(first)]
        await printer.frame(pilot, 3 * SLACK)
        assert shown(model.lines.first) in screen_text(pilot.app, pane)  # not pulled to the end: still at the top


@sync
async def test_a_pane_that_was_not_fed_for_many_windows_catches_up_with_the_kept_lines_only() -> None:
    """A hidden pane is not handed the model; shown again, it starts from what the model still keeps."""
    model, pane = windowed(), OutputPane()
    async with PaneApp(pane).run_test(size=(80, 12)) as pilot:
        printer = Printer(model, pane)
        await printer.frame(pilot, 10)
        printer.print(1000)
        await printer.frame(pilot, 0)
        first = model.lines.first
        assert pane.row_texts() == [earlier_note(first), *(shown(i) for i in range(first, 1010))]


@sync
async def test_an_amended_line_is_drawn_again_even_when_the_amended_log_forgot_it() -> None:
    """The model keeps only the newest amendments too: a pane that missed some redraws every line it has."""
    model, pane = windowed(), OutputPane()
    async with PaneApp(pane).run_test(size=(80, 12)) as pilot:
        model.apply_many([E(2, "stdout", MAIN, 7, text="a", partial=True),
                          E(3, "stdout", MAIN, 8, text="b", partial=True)])
        pane.update_from(model)
        await pilot.pause()
        assert pane.row_texts() == ["MainProcess[10] 7 │ a", "MainProcess[10] 8 │ b"]
        model.apply(E(4, "stdout", MAIN, 7, text="+more", partial=True))  # the amendment of line 0 ...
        model.apply_many(E(5 + i, "stdout", MAIN, 8, text=".", partial=True) for i in range(2 * WINDOW))
        assert model.amended_lines.first > 1  # ... is no longer in the model's amended log
        pane.update_from(model)
        await pilot.pause()
        rows = pane.row_texts()
        assert rows[0] == "MainProcess[10] 7 │ a+more"
        assert "".join(row.strip() for row in rows[1:]) == "MainProcess[10] 8 │ b" + "." * 2 * WINDOW


@sync
async def test_a_model_handed_over_with_thousands_of_new_lines_is_shown_from_its_newest() -> None:
    from tui.widgets.output import JUMP_LINES

    model, pane = Model(), OutputPane()
    model.apply(E(1, "proc.start", MAIN, ppid=1, name="MainProcess"))
    async with PaneApp(pane).run_test(size=(80, 12)) as pilot:
        printer = Printer(model, pane)
        printer.print(JUMP_LINES + 250)
        pane.update_from(model)  # a model it has not seen: another run, or another moment of a long one
        await pilot.pause()
        assert pane.lines_dropped == 250 and pane.lines_shown == len(model.lines)
        assert visible(pane)[-1] == shown(JUMP_LINES + 249)  # following the end
        pane.scroll_home(animate=False)
        await pilot.pause()
        assert visible(pane)[:2] == [earlier_note(250), shown(250)]
