"""The Output pane: every line each process printed, interleaved as it arrived, tagged with the process by colour AND
name; stderr marked with `!`, uncaught exceptions flagged with `✖`.

A line-API view over the model's lines: it keeps only where each line's rows start at the pane's width, and draws a
row when it is on screen, so a run of a million lines costs what its visible rows cost. Long lines wrap to the pane's
width (a wide character counts two cells), their continuation rows indented under the text.

The pane holds rows for the lines the model keeps (its window of the newest) and no more: as the model drops its
oldest lines, so does the pane, and one dim row at the top says how many earlier lines are only in the recording. A
reader scrolled back keeps looking at the same line while the head above it is dropped.
"""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from collections.abc import Hashable, Iterable
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
WHERE_ZH = {"main": "在脚本中", "process": "在 run() 中", "thread": "在线程中"}
TAG_CLASSES = tuple(f"output--tag-{i}" for i in range(len(OUTPUT_TAG_COLOURS)))
# Rows of this many lines are kept drawn: a screenful several times over, so scrolling back and forth is cheap.
DRAWN_LINES = 512
WIDTH_BEFORE_LAYOUT = 80  # lines are counted in rows before the pane has a size; counted again once it has
NOTE_CLASS = "output--note"


def earlier_note(count: int, lang: str = "en") -> str:
    """The row above the first kept line: the lines before it are in the run's recording, not in memory."""
    if lang == "zh":
        return f"… 更早的 {count:,} 行：在本次运行的录制里"
    return f"… {count:,} earlier line{'s' if count != 1 else ''}: in the run's recording"


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


JUMP_LINES = 5_000  # lines a new model is shown from, at most (the older ones: the note row says how many)
SPEED_NOTE = 12  # cells the speed note of a line may take ("  [0.25×]")


def line_text(line: OutputLine, lang: str = "en") -> str:
    """The line's own text as shown (an exception says, in ``lang``, what was raised and where). A line printed at a
    speed other than 1x that has a decimal number in it (a timing, most likely) says the speed it ran at."""
    record = line.exception
    if record is None:
        if line.speed != 1.0 and _TIMING.search(line.text):
            return safe(line.text) + f"  [{line.speed:g}×]"
        return safe(line.text)
    if lang == "zh":  # the exception's type and message are the script's: never translated
        where = WHERE_ZH.get(record.where, record.where)
        return safe(f"未捕获的异常 {record.type}: {record.message}") + (f"（{where}）" if where else "")
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
    COMPONENT_CLASSES = {*TAG_CLASSES, "output--stderr", "output--exception", NOTE_CLASS}
    can_focus = True
    projector: reactive[bool] = reactive(False)
    lang: reactive[str] = reactive("en")  # "en" or "zh": the words the pane draws

    DEFAULT_CSS = """
    /* Rows are laid out at the pane's width: a scrollbar that comes and goes must not change it. */
    OutputPane { overflow-x: hidden; scrollbar-gutter: stable; }
    OutputPane > .output--note { text-style: dim italic; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._model: Model | None = None
        self._begin()

    def _begin(self) -> None:
        self._lines: list[OutputLine] = []  # the model's kept lines, as far as they are counted in rows
        self._base = 0  # the model's index of _lines[0]: the lines before it are dropped
        # Row of each line's first row, counted from the first line ever shown: dropping the head leaves them be.
        self._starts: list[int] = []
        self._row0 = 0  # the row of _lines[0] in that count
        self._rows = 0  # rows counted in all, the dropped ones included
        self._next_amend = 0  # model.amended_lines[:_next_amend] are counted (an absolute count)
        self._tags: dict[tuple[int, int], str] = {}  # (pid, tid) -> its tag text
        self._prefix_width: dict[tuple[int, int, Stream], int] = {}  # (pid, tid, stream) -> its prefix's cells
        self._tag_class: dict[int, str] = {}  # pid -> its tag's component class, in order of first line
        self._drawn: OrderedDict[int, list[Strip]] = OrderedDict()  # model's line index -> its rows, least recent first
        self._width = 0

    # -- the pane contract (tui/widgets/pane.py) -------------------------------------------------------------
    def clock_key(self, model: Model, tick: int) -> Hashable:
        return None  # no time shown

    def update_from(self, model: Model) -> None:
        """Count the model's new (and grown) lines in rows at the pane's width; drawing waits for the screen."""
        if model is not self._model:
            self._model = model
            if not self._keep_shared(model):
                self._begin()
            shown = self._base + len(self._lines)
            if len(model.lines) - shown > JUMP_LINES:
                # Thousands of lines at once (a jump to another moment of a long run, or a pane shown late): the
                # newest of them are counted, the rest are left to the note row, as dropped lines are.
                self._begin()
                self._base = len(model.lines) - JUMP_LINES
            if self.is_mounted:
                self.anchor()  # a new run (or another moment of this one): follow its output from there
        width = self._text_width()
        if width != self._width:
            self._recount(model, width)
        shift = self._drop_head(model.lines.first)
        self._amend(model)
        self._count_new(model, model.lines.since(self._base + len(self._lines)))
        self._settle(shift)

    def _count_new(self, model: Model, lines: Iterable[OutputLine]) -> None:
        """Count the rows of lines new to the pane (thousands of them after a jump, so the commonest case, surely one
        row, is told here: an ASCII character takes one cell as shown, and a speed note adds a few)."""
        rows, count, prefix_cells = self._rows, self._count, self._prefix_cells
        add_line, add_start = self._lines.append, self._starts.append
        room = self._width - SPEED_NOTE
        for line in lines:
            add_line(line)
            add_start(rows)
            raw = line.text
            if line.exception is None and raw.isascii() and "\t" not in raw and (
                    len(raw) + prefix_cells(model, line) <= room):
                rows += 1
            else:
                rows += count(model, line)
        self._rows = rows

    def _keep_shared(self, model: Model) -> bool:
        """Another moment of the same run (scrubbing): its lines up to some index are the very lines this pane has
        counted. Keep those (counting a window of 100,000 lines again would take a second) and forget the rest."""
        lines, base = model.lines, self._base
        if not self._lines or base < lines.first:
            return False
        low, high = 0, min(len(self._lines), len(lines) - base)  # the shared lines are a prefix: bisect for its end
        while low < high:
            mid = (low + high + 1) // 2
            if lines[base + mid - 1] is self._lines[mid - 1]:
                low = mid
            else:
                high = mid - 1
        if low == 0:
            return False
        self._rows = self._starts[low] if low < len(self._starts) else self._rows
        del self._lines[low:], self._starts[low:]
        for index in [i for i in self._drawn if i >= base + low]:
            del self._drawn[index]
        self._next_amend = len(model.amended_lines)
        return True

    @property
    def lines_shown(self) -> int:
        """How many of the model's lines this pane has been handed, the dropped ones too (for tests and benchmarks)."""
        return self._base + len(self._lines)

    @property
    def lines_dropped(self) -> int:
        """How many of the oldest lines are no longer in this pane (the note row at the top counts them)."""
        return self._base

    @property
    def _head(self) -> int:
        """Rows above the first kept line: the note, once there are dropped lines."""
        return 1 if self._base else 0

    def watch_projector(self, projector: bool) -> None:
        self.set_class(projector, "-projector")

    def watch_lang(self, lang: str) -> None:
        """Only the pane's own words change (the note row, what an uncaught exception's line says): the script's
        lines stay as they are, and only an exception's line may take another number of rows."""
        self._drawn.clear()
        model = self._model
        if model is not None:
            first = next((i for i, line in enumerate(self._lines) if line.exception is not None), None)
            if first is not None:
                self._count_from(model, first)
                self._settle()
        self.refresh()

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
            # As the course calls them (``egon (Process-1)[123]``): the alias comes with the process's or the
            # thread's start, before any line of it.
            tag = f"{model.shown_name(line.pid)}[{line.pid}]"
            if line.tid and line.tid != line.pid:
                th = model.thread(line.pid, line.tid)
                tag += f" {model.thread_shown_name(th) if th is not None else line.tid}"
            tag = safe(tag)
            if model.name_of(line.pid) != UNKNOWN:  # a name still to come is not kept
                self._tags[key] = tag
            if line.pid not in self._tag_class:
                self._tag_class[line.pid] = TAG_CLASSES[len(self._tag_class) % len(TAG_CLASSES)]
        return f"{tag} {MARKS[line.stream]} "

    def _prefix_cells(self, model: Model, line: OutputLine) -> int:
        """The cells the line's prefix takes (a writer's prefix is the same on every line, once its name is known)."""
        key = (line.pid, line.tid, line.stream)
        cells = self._prefix_width.get(key)
        if cells is None:
            cells = cell_len(self._prefix(model, line))
            if (line.pid, line.tid) in self._tags:  # the name is final (see _prefix)
                self._prefix_width[key] = cells
        return cells

    def _layout(self, line: OutputLine) -> Layout:
        assert self._model is not None
        return layout(self._prefix(self._model, line), line_text(line, self.lang), self._width)

    def _count(self, model: Model, line: OutputLine) -> int:
        """The rows a line takes (_count_new has already seen that it is not a short ASCII line)."""
        raw = line.text
        # Surely one row: any character takes at most two cells (a tab, more: not here).
        if line.exception is None and "\t" not in raw and (
                2 * len(raw) + self._prefix_cells(model, line) + SPEED_NOTE <= self._width):
            return 1
        prefix = self._prefix(model, line)
        text = line_text(line, self.lang)
        if cell_len(prefix) + cell_len(text) <= self._width:  # most lines: one row, no wrapping to work out
            return 1
        return len(layout(prefix, text, self._width).pieces)

    def _recount(self, model: Model, width: int) -> None:
        self._width = width
        self._drawn.clear()
        self._count_from(model, 0)

    def _count_from(self, model: Model, first: int) -> None:
        """Count the rows of the kept lines from ``_lines[first]`` on again: the starts of all after it move."""
        again = self._lines[first:]
        self._rows = self._starts[first] if first < len(self._starts) else self._rows
        del self._lines[first:], self._starts[first:]
        self._count_new(model, again)

    def _drop_head(self, first: int) -> int:
        """Drop the lines the model no longer keeps (those before its index ``first``); the rows the lines still
        shown move by (so a view scrolled back moves by as much to keep showing them)."""
        gone = first - self._base
        if gone <= 0:
            return 0
        head = self._head
        cut = min(gone, len(self._lines))
        del self._lines[:cut], self._starts[:cut]
        self._base = first
        row0, self._row0 = self._row0, self._starts[0] if self._starts else self._rows
        drawn = self._drawn
        for index in [i for i in drawn if i < first]:
            del drawn[index]
        return self._head - head - (self._row0 - row0)

    def _amend(self, model: Model) -> None:
        """Partial lines that grew: count them again, and the rows of every line after them move."""
        amended = model.amended_lines
        if self._next_amend < amended.first:  # so far behind that some are forgotten: count every line again
            self._next_amend = len(amended)
            self._drawn.clear()
            self._count_from(model, 0)
            return
        base, kept = self._base, len(self._lines)
        first: int | None = None
        for index in amended.since(self._next_amend):
            local = index - base
            if 0 <= local < kept:
                first = local if first is None else min(first, local)
                self._drawn.pop(index, None)
        self._next_amend = len(amended)
        if first is not None:
            self._count_from(model, first)

    def _settle(self, shift: int = 0) -> None:
        """The rows are counted: size the view to them. ``shift``: how far the rows still shown moved up or down (the
        head dropped), which a view scrolled back follows."""
        # Anchored (see on_mount), Textual keeps the newest rows in view as the rows grow, until the reader scrolls
        # back. A view left at the end follows again, however it got there (Textual releases the anchor on any
        # scroll key, PageDown at the very end included).
        at_end = self.scroll_y >= self.max_scroll_y
        self.virtual_size = Size(self._width, self._head + self._rows - self._row0)
        if at_end and self.is_mounted:
            self.anchor()
        elif shift and self.is_mounted:
            self.scroll_to(y=max(self.scroll_y + shift, 0), animate=False)  # at once: a ScrollView does not wait
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
        row = self.scroll_offset.y + y - self._head + self._row0  # in the count of _starts
        if row < self._row0:
            return self._note(width, style) if row == self._row0 - 1 and self._base else Strip.blank(width, style)
        if row >= self._rows:
            return Strip.blank(width, style)
        index = bisect.bisect_right(self._starts, row) - 1
        rows = self._rows_of(index)
        offset = row - self._starts[index]
        strip = rows[offset] if offset < len(rows) else Strip.blank(width, style)
        return strip.apply_style(style).extend_cell_length(width, style).crop(0, width)

    def _note(self, width: int, style: Style) -> Strip:
        note = Strip([Segment(earlier_note(self._base, self.lang),
                              self.get_component_rich_style(NOTE_CLASS, partial=True))])
        return note.apply_style(style).extend_cell_length(width, style).crop(0, width)

    def _rows_of(self, local: int) -> list[Strip]:
        """The rows of ``_lines[local]``, drawn now or kept from before (keyed by the model's index of the line,
        which dropping the head does not change)."""
        drawn = self._drawn
        index = self._base + local
        rows = drawn.get(index)
        if rows is not None:
            drawn.move_to_end(index)
            return rows
        line = self._lines[local]
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
        """Every row as plain text, at the pane's width, the note about dropped lines first if there is one (for
        tests)."""
        note = [earlier_note(self._base, self.lang)] if self._base else []
        return note + [strip.text for local in range(len(self._lines)) for strip in self._rows_of(local)]
