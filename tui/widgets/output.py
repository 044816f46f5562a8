"""The Output pane: every line each process printed, interleaved as it arrived, tagged with the process by colour AND
name; stderr marked with `!`, uncaught exceptions flagged with `✖`.

A line-API view over the model's lines: it keeps only where each line's rows start at the pane's width, and draws a
row when it is on screen, so a run of a million lines costs what its visible rows cost. Long lines wrap to the pane's
width (a wide character counts two cells), their continuation rows indented under the text.
"""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.engine.model import UNKNOWN, Model, OutputLine, Part, Stream
from tui.theme import OUTPUT_TAG_COLOURS
from tui.widgets.badges import Painted
from tui.widgets.wrapping import wrap

STDOUT_MARK = "│"
STDERR_MARK = "!"
EXCEPTION_MARK = "✖"
MARKS = {Stream.STDOUT: STDOUT_MARK, Stream.STDERR: STDERR_MARK, Stream.EXCEPTION: EXCEPTION_MARK}
WHERE = {"main": "the script", "process": "run()", "thread": "the thread"}
TAG_CLASSES = tuple(f"output--tag-{i}" for i in range(len(OUTPUT_TAG_COLOURS)))
# Rows of this many lines are kept drawn: a screenful several times over, so scrolling back and forth is cheap.
DRAWN_LINES = 512
WIDTH_BEFORE_LAYOUT = 80  # lines are counted in rows before the pane has a size; counted again once it has


def _safe_table() -> dict[int, str]:
    """Characters that would split one model line into several rows, or drive the terminal (ESC), made harmless: a
    script cannot repaint the screen."""
    table = {c: "�" for c in (*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f)}  # tabs: expanded (see safe)
    table.update({c: " " for c in (0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029)})
    table[0x1b] = "␛"
    return table


_SAFE = _safe_table()


def safe(text: str) -> str:
    return text.expandtabs(8).translate(_SAFE)


@dataclass(frozen=True, slots=True)
class Layout:
    """A line cut into rows at one width: the prefix (tag and mark) starts the first row, ``indent`` cells start
    every other."""

    prefix: str
    pieces: tuple[str, ...]
    indent: int


# A decimal number, such as a duration: not part of a dotted address or version (127.0.0.1, 3.11.7).
_TIMING = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")


def line_text(line: OutputLine) -> str:
    """The line's own text as shown (an exception says what was raised and where). A line printed at a speed other
    than 1x that has a decimal number in it (a timing, most likely) says the speed it ran at."""
    record = line.exception
    if record is None:
        if line.speed != 1.0 and _TIMING.search(line.text):
            return safe(line.text) + f"  [{line.speed:g}×]"
        return safe(line.text)
    where = WHERE.get(record.where, record.where)
    return safe(f"uncaught {record.type}: {record.message}") + (f"  (in {where})" if where else "")


def layout(prefix: str, text: str, width: int) -> Layout:
    """Cut ``prefix + text`` into rows of ``width`` cells; continuation rows are indented under the text, unless the
    prefix takes so much of a narrow pane that the text would be left a sliver."""
    used = cell_len(prefix)
    if used + cell_len(text) <= width:
        return Layout(prefix, (text,), used)
    indent = used if used <= width // 2 else 2
    body = text.lstrip(" ")
    lead = len(text) - len(body)  # a traceback's indentation stays on its first row
    pieces = wrap(body, max(width - indent, 4), first=used + lead - indent)
    return Layout(prefix, (" " * lead + pieces[0], *pieces[1:]), indent)


class OutputPane(Painted, ScrollView):
    """What the processes printed: rows drawn from the model's lines, wrapped to the pane's width."""

    PART: ClassVar[Part] = Part.OUTPUT
    BORDER_TITLE = "Output"
    COMPONENT_CLASSES = {*TAG_CLASSES, "output--stderr", "output--exception"}
    can_focus = True
    projector: reactive[bool] = reactive(False)

    DEFAULT_CSS = """
    /* Rows are laid out at the pane's width: a scrollbar that comes and goes must not change it. */
    OutputPane { overflow-x: hidden; scrollbar-gutter: stable; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._model: Model | None = None
        self._begin()

    def _begin(self) -> None:
        self._lines: list[OutputLine] = []  # the model's lines, as far as they are counted in rows
        self._starts: list[int] = []  # row of each line's first row
        self._rows = 0
        self._next_amend = 0  # model.amended_lines[:_next_amend] are counted
        self._tags: dict[tuple[int, int], str] = {}  # (pid, tid) -> its tag text
        self._tag_class: dict[int, str] = {}  # pid -> its tag's component class, in order of first line
        self._drawn: OrderedDict[int, list[Strip]] = OrderedDict()  # line index -> its rows, least recent first
        self._width = 0

    # -- the pane contract (tui/widgets/pane.py) -------------------------------------------------------------
    def clock_key(self, model: Model, tick: int) -> Hashable:
        return None  # no time shown

    def update_from(self, model: Model) -> None:
        """Count the model's new (and grown) lines in rows at the pane's width; drawing waits for the screen."""
        if model is not self._model:
            self._model = model
            self._begin()
            if self.is_mounted:
                self.anchor()  # a new run: follow its output from the start
        width = self._text_width()
        if width != self._width:
            self._recount(model, width)
        self._amend(model)
        lines = model.lines
        for index in range(len(self._lines), len(lines)):
            line = lines[index]
            self._lines.append(line)
            self._starts.append(self._rows)
            self._rows += self._count(model, line)
        self._settle()

    @property
    def lines_shown(self) -> int:
        """How many of the model's lines this pane has been handed (for tests and benchmarks)."""
        return len(self._lines)

    def watch_projector(self, projector: bool) -> None:
        self.set_class(projector, "-projector")

    def palette_changed(self) -> None:
        self._drawn.clear()
        self.refresh()

    # -- counting rows --------------------------------------------------------------------------------------
    def _text_width(self) -> int:
        return self.scrollable_content_region.width or WIDTH_BEFORE_LAYOUT

    def _prefix(self, model: Model, line: OutputLine) -> str:
        key = (line.pid, line.tid)
        tag = self._tags.get(key)
        if tag is None:
            tag = f"{model.name_of(line.pid)}[{line.pid}]"
            if line.tid and line.tid != line.pid:
                th = model.thread(line.pid, line.tid)
                tag += f" {th.name if th is not None else line.tid}"
            tag = safe(tag)
            if model.name_of(line.pid) != UNKNOWN:  # a name still to come is not kept
                self._tags[key] = tag
            if line.pid not in self._tag_class:
                self._tag_class[line.pid] = TAG_CLASSES[len(self._tag_class) % len(TAG_CLASSES)]
        return f"{tag} {MARKS[line.stream]} "

    def _layout(self, line: OutputLine) -> Layout:
        assert self._model is not None
        return layout(self._prefix(self._model, line), line_text(line), self._width)

    def _count(self, model: Model, line: OutputLine) -> int:
        prefix = self._prefix(model, line)
        text = line_text(line)
        if cell_len(prefix) + cell_len(text) <= self._width:  # most lines: one row, no wrapping to work out
            return 1
        return len(layout(prefix, text, self._width).pieces)

    def _recount(self, model: Model, width: int) -> None:
        self._width = width
        self._drawn.clear()
        self._rows = 0
        for index, line in enumerate(self._lines):
            self._starts[index] = self._rows
            self._rows += self._count(model, line)

    def _amend(self, model: Model) -> None:
        """Partial lines that grew: count them again, and the rows of every line after them move."""
        amended = model.amended_lines
        first: int | None = None
        for index in amended[self._next_amend:]:
            if index < len(self._lines):
                first = index if first is None else min(first, index)
                self._drawn.pop(index, None)
        self._next_amend = len(amended)
        if first is None:
            return
        row = self._starts[first]
        for index in range(first, len(self._lines)):
            self._starts[index] = row
            row += self._count(model, self._lines[index])
        self._rows = row

    def _settle(self) -> None:
        # Anchored (see on_mount), Textual keeps the newest rows in view as the rows grow, until the reader scrolls
        # back. A view left at the end follows again, however it got there (Textual releases the anchor on any
        # scroll key, PageDown at the very end included).
        at_end = self.scroll_y >= self.max_scroll_y
        self.virtual_size = Size(self._width, self._rows)
        if at_end and self.is_mounted:
            self.anchor()
        self.refresh()

    def on_mount(self) -> None:
        self.anchor()

    def on_resize(self) -> None:
        if self._model is not None and self._text_width() != self._width:
            self._recount(self._model, self._text_width())
            self._settle()

    # -- drawing --------------------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        style = self.rich_style
        row = self.scroll_offset.y + y
        if not 0 <= row < self._rows:
            return Strip.blank(width, style)
        index = bisect.bisect_right(self._starts, row) - 1
        rows = self._rows_of(index)
        offset = row - self._starts[index]
        strip = rows[offset] if offset < len(rows) else Strip.blank(width, style)
        return strip.apply_style(style).extend_cell_length(width, style).crop(0, width)

    def _rows_of(self, index: int) -> list[Strip]:
        drawn = self._drawn
        rows = drawn.get(index)
        if rows is not None:
            drawn.move_to_end(index)
            return rows
        line = self._lines[index]
        rows = drawn[index] = self._draw(line, self._layout(line))
        if len(drawn) > DRAWN_LINES:
            drawn.popitem(last=False)
        return rows

    def _draw(self, line: OutputLine, shape: Layout) -> list[Strip]:
        tag_style = self.get_component_rich_style(self._tag_class.get(line.pid, TAG_CLASSES[0]), partial=False)
        if line.stream is Stream.EXCEPTION:
            text_style = self.get_component_rich_style("output--exception")
        elif line.stream is Stream.STDERR:
            text_style = self.get_component_rich_style("output--stderr", partial=True)
        else:
            text_style = Style()
        tag, _, mark = shape.prefix.rstrip().rpartition(" ")
        rows = [Strip([Segment(tag, tag_style), Segment(f" {mark} ", text_style), Segment(shape.pieces[0],
                                                                                         text_style)])]
        pad = " " * shape.indent
        rows += [Strip([Segment(pad), Segment(piece, text_style)]) for piece in shape.pieces[1:]]
        return rows

    # -- for tests ------------------------------------------------------------------------------------------
    def row_texts(self) -> list[str]:
        """Every row as plain text, at the pane's width (for tests)."""
        return [strip.text for index in range(len(self._lines)) for strip in self._rows_of(index)]
