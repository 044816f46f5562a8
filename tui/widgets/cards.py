"""A pane of text cards (one per synchronisation primitive, one per queue) that Rich lays out at the pane's own
width, and the pieces cards are laid out with: words that flow onto the next line, and rows of a coloured chip
(`owner`, `waiting`, `seats` ...) beside what it is about."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui.engine.model import Model
from tui.widgets.badges import STATE_CLASSES, Painted, Palette

DIM = Style(dim=True)
NAME_STYLE = Style(bold=True)
CardText = Callable[[Any, int, bool, Palette], Text]
CARD_INDENT = 2  # rows sit this far in from the card's title
MIN_HANG = 8  # narrower than this beside its indent, a body is left to the pane's own wrapping


def flow(text: Text, parts: list[str], width: int, indent: int, style: Style = DIM) -> None:
    """Append ``parts`` after ``text``'s last line, two spaces apart, starting a new indented line for a part that
    would not fit: words are never cut in the middle by the pane's wrapping, and a part too long for any line goes
    on under itself."""
    line = text.plain[text.plain.rfind("\n") + 1:]
    line_width = cell_len(line)
    blank = not line.strip()  # nothing on this line yet: a part starts here, however long
    for part in parts:
        if not blank and line_width + 2 + len(part) > width:
            text.append("\n" + " " * indent)
            line_width = indent
        else:
            text.append("  ", style=style)
            line_width += 2
        blank = False
        piece = hang(Text(part, style=style), width, line_width)
        text.append_text(piece)
        last = piece.plain.rsplit("\n", 1)
        line_width = cell_len(last[-1]) if len(last) > 1 else line_width + cell_len(part)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a card: a chip (a coloured word; the same chip as the row before draws blank, so a group reads
    as one) and its body. ``body`` is what must fit beside the chip; ``after`` may go on a line of its own."""

    chip: str
    chip_style: Style
    body: Text
    after: str = ""


def card_title(title: str, kind: str, width: int, badge: Text | None = None) -> Text:
    """The card's first line: the primitive's name (and a badge, when it is in a deadlock), then its type (on the
    next line if it does not fit)."""
    text = Text()
    text.append(title, style=NAME_STYLE)
    if badge is not None:
        text.append(" ")
        text.append_text(badge)
    flow(text, [kind], width, CARD_INDENT, Style())
    return text


def add_rows(text: Text, rows: Sequence[Row], width: int, chip_width: int, measure: Sequence[str] = ()) -> None:
    """Append ``rows`` below ``text``: bodies beside their chips when the widest of them (and of ``measure``) fits
    there, else each body on a line of its own under its chip."""
    indent = CARD_INDENT
    widest = max([row.body.cell_len for row in rows] + [cell_len(m) for m in measure], default=0)
    side_by_side = indent + chip_width + 1 + widest <= width
    body_indent = indent + chip_width + 1 if side_by_side else indent + 2
    previous = None
    for row in rows:
        first = row.chip != previous
        previous = row.chip
        if first or side_by_side:
            text.append("\n" + " " * indent)
            text.append(row.chip.ljust(chip_width) if first else " " * chip_width,
                        style=row.chip_style if first else Style())
        text.append(" " if side_by_side else "\n" + " " * body_indent)
        text.append_text(row.body if side_by_side else hang(row.body, width, body_indent))
        if row.after:
            fits = body_indent + row.body.cell_len + 2 + cell_len(row.after) <= width
            text.append("  " + row.after if fits else "\n" + " " * body_indent + row.after, style=row.body.style)


def hang(body: Text, width: int, indent: int) -> Text:
    """``body`` wrapped at word boundaries to fit beside ``indent`` cells, its later lines indented as much: a long
    name (`MainProcess [11227] consumer-1`) never runs back to the pane's edge, where it would read as a card."""
    room = width - indent
    if body.cell_len <= room or room < MIN_HANG:
        return body
    lines = body.wrap(Console(width=room, file=io.StringIO()), room)
    for line in lines:
        line.rstrip()
    return Text("\n" + " " * indent).join(lines)


def add_facts(text: Text, facts: list[str], width: int) -> None:
    """The card's last line, dim: counts and where it was made."""
    text.append("\n ")
    flow(text, facts, width, CARD_INDENT + 1)


def counted(n: int, one: str, many: str | None = None) -> str:
    """`1 failed try`, `3 failed tries`."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


class CardBody(Painted, Widget):
    """The cards, laid out by Rich once for each width and content, and drawn a line at a time from that: their
    height (asked for before the widget has a size, at the width it will paint with), the check of whether they
    still fit, and the paint all read the one layout."""

    COMPONENT_CLASSES = STATE_CLASSES
    DEFAULT_CSS = """
    CardBody { height: auto; width: 1fr; }
    """

    def __init__(self, card: CardText, empty: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.views: tuple[Any, ...] = ()
        self.projector = False
        self._card = card
        self._empty = empty
        self._laid: tuple[int, list[Strip]] | None = None  # (width, lines) of the views as they are

    def _lines(self, width: int) -> list[Strip]:
        laid = self._laid
        if laid is not None and laid[0] == width:
            return laid[1]
        console = self.app.console
        lines = [Strip(line) for line in console.render_lines(
            self._text(width), console.options.update(width=width, height=None), pad=False)]
        self._laid = (width, lines)
        return lines

    def _text(self, width: int) -> Text:
        if not self.views:
            return Text(self._empty, style=DIM)
        gap = "\n\n" if self.projector else "\n"
        return Text(gap).join(self._card(view, width, self.projector, self.palette) for view in self.views)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        lines = self._lines(width)
        line = lines[y] if y < len(lines) else Strip.blank(width)
        return line.apply_style(self.rich_style)

    def palette_changed(self) -> None:
        self._laid = None
        self.refresh()

    def set_projector(self, projector: bool) -> None:
        self.projector = projector
        self._laid = None
        self.refresh(layout=True)

    def show(self, views: tuple[Any, ...]) -> None:
        self.views = views
        self._laid = None
        # A layout pass reflows the whole screen and repaints the panes around: only when the cards no longer fit
        # (a waiter joined a queue) or are gone (a new run). Cards that shrink leave blank lines at the bottom
        # until then, rather than every lock handover costing a layout.
        width, height = self.size
        if width <= 0 or not views:
            self.refresh(layout=True)
            return
        self.refresh(layout=len(self._lines(width)) > height)


class CardPane(VerticalScroll):
    """Subclasses say how to copy their cards out of the model (``views``) and how to draw one (``card``)."""

    can_focus = True
    projector: reactive[bool] = reactive(False)
    EMPTY = "nothing yet"
    BODY_ID = "cards-body"

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._body = CardBody(self.card, self.EMPTY, id=self.BODY_ID)

    def compose(self) -> ComposeResult:
        yield self._body

    def views(self, model: Model) -> tuple[Any, ...]:
        raise NotImplementedError

    @staticmethod
    def card(view: Any, width: int, projector: bool, palette: Palette) -> Text:
        raise NotImplementedError

    def update_from(self, model: Model) -> None:
        # Copied whole each time and drawn from the copy: a new model needs no reset, and nothing reads the
        # model outside its lock.
        views = self.views(model)
        if views != self._body.views:
            self._body.show(views)

    def watch_projector(self, projector: bool) -> None:
        self._body.set_projector(projector)
