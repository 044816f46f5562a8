"""A pane of text cards (one per synchronisation primitive, one per queue) that Rich lays out at the pane's own
width, and the pieces cards are laid out with: words that flow onto the next line, and rows of a coloured chip
(`owner`, `waiting`, `seats` ...) beside what it is about. Cards speak English or Chinese (``lang``): each module
says its Chinese beside its English, where the card is drawn; names the script chose and Python's names (``mutex``,
``mp.Lock``, ``put()``) stay as they are in either."""

from __future__ import annotations

import io
import re
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
CardText = Callable[[Any, int, bool, Palette, str], Text]  # (view, width, projector, palette, lang)
CARD_INDENT = 2  # rows sit this far in from the card's title
MIN_HANG = 8  # narrower than this beside its indent, a body is left to the pane's own wrapping


def pick(lang: str, en: str, zh: str) -> str:
    """``zh`` when the pane speaks Chinese, else ``en``: the two written side by side where a card says them."""
    return zh if lang == "zh" else en


def pad(word: str, width: int) -> str:
    """``word`` padded to ``width`` terminal cells: a Chinese character takes two, so ``str.ljust`` would not do."""
    return word + " " * max(width - cell_len(word), 0)


def line_width(text: Text) -> int:
    """How many cells ``text``'s last line takes."""
    return cell_len(text.plain[text.plain.rfind("\n") + 1:])


def flow(text: Text, parts: list[str], width: int, indent: int, style: Style = DIM, gap: str = "  ") -> None:
    """Append ``parts`` after ``text``'s last line, ``gap`` apart, starting a new indented line for a part that
    would not fit: words are never cut in the middle by the pane's wrapping, and a part too long for any line goes
    on under itself."""
    used = line_width(text)
    blank = not text.plain[text.plain.rfind("\n") + 1:].strip()  # nothing on this line yet: a part starts here
    for part in parts:
        if not blank and used + len(gap) + cell_len(part) > width:
            text.append("\n" + " " * indent)
            used = indent
        else:
            text.append(gap, style=style)
            used += len(gap)
        blank = False
        piece = hang(Text(part, style=style), width, used)
        text.append_text(piece)
        last = piece.plain.rsplit("\n", 1)
        used = cell_len(last[-1]) if len(last) > 1 else used + cell_len(part)


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a card: a chip (a coloured word; the same chip as the row before draws blank, so a group reads
    as one) and its body. ``body`` is what must fit beside the chip; ``after`` may go on a line of its own. A row
    not ``measured`` (a note) does not widen the chip column's body: it wraps beside it instead."""

    chip: str
    chip_style: Style
    body: Text
    after: str = ""
    measured: bool = True


def card_title(title: str, kind: str, width: int, badge: Text | None = None) -> Text:
    """The card's first line: the primitive's name (and a badge, when it is in a deadlock), then its type (on the
    next line if it does not fit)."""
    text = title_text(title, width)
    if badge is not None:
        fits = line_width(text) + 1 + badge.cell_len <= width
        text.append(" " if fits else "\n" + " " * CARD_INDENT)
        text.append_text(badge)
    flow(text, [kind], width, CARD_INDENT, Style())
    return text


def title_text(title: str, width: int) -> Text:
    """A card's name, bold; one too long for the line (a pipe is named by both its ends' names) wraps at words,
    indented under itself."""
    text = Text()  # the name's style on its span, not the whole text's: what is appended after is not bold
    text.append(title, style=NAME_STYLE)
    if cell_len(title) <= width:
        return text
    # Its later lines go in as far as a card's rows: at the pane's edge they would read as the next card.
    return hang(text, width, CARD_INDENT)


def add_rows(text: Text, rows: Sequence[Row], width: int, chip_width: int, measure: Sequence[str] = ()) -> None:
    """Append ``rows`` below ``text``: bodies beside their chips when the widest of them (and of ``measure``) fits
    there, else each body on a line of its own under its chip."""
    indent = CARD_INDENT
    widest = max([row.body.cell_len for row in rows if row.measured] + [cell_len(m) for m in measure], default=0)
    side_by_side = indent + chip_width + 1 + widest <= width
    body_indent = indent + chip_width + 1 if side_by_side else indent + 2
    previous = None
    for row in rows:
        first = row.chip != previous
        previous = row.chip
        if first or side_by_side:
            text.append("\n" + " " * indent)
            text.append(pad(row.chip, chip_width) if first else " " * chip_width,
                        style=row.chip_style if first else Style())
        text.append(" " if side_by_side else "\n" + " " * body_indent)
        # (beside their chips the measured bodies fit as they are: only a note wraps there)
        text.append_text(hang(row.body, width, body_indent))
        if row.after:
            fits = body_indent + row.body.cell_len + 2 + cell_len(row.after) <= width
            text.append("  " + row.after if fits else "\n" + " " * body_indent + row.after, style=row.body.style)


def hang(body: Text, width: int, indent: int) -> Text:
    """``body`` wrapped at word boundaries to fit beside ``indent`` cells, its later lines indented as much: a long
    name (`MainProcess [11227] consumer-1`) never runs back to the pane's edge, where it would read as a card."""
    room = width - indent
    if body.cell_len <= room or room < MIN_HANG:
        return body
    if CJK.search(body.plain):
        lines = chinese_lines(body, room)
    else:
        lines = body.wrap(Console(width=room, file=io.StringIO()), room)
    for line in lines:
        line.rstrip()
    return Text("\n" + " " * indent).join(lines)


# Chinese characters and the full-width punctuation that goes with them.
CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
BREAK_AFTER = frozenset("，、；：。！？）")


def chinese_lines(body: Text, room: int) -> list[Text]:
    """``body`` (with Chinese in it) cut into lines of at most ``room`` cells where Chinese text breaks: after its
    punctuation (`按到达顺序，` | `不是唤醒顺序`) and at a space, but for a space between a number or a call and a
    Chinese character, which keeps a count with its measure word (`5,000 次`) and a call with its particle
    (`put() 中`). A piece with no such break that is longer than a line is cut at the line's end, as Rich would."""
    plain = body.plain
    pieces: list[tuple[int, int]] = []  # [start, end) of what must stay on one line, in order
    start = 0
    for i, ch in enumerate(plain):
        if ch == " ":
            if 0 < i < len(plain) - 1 and (plain[i - 1].isdigit() or plain[i - 1] == ")") and CJK.match(plain[i + 1]):
                continue  # `5,000 次`, `put() 中`: one piece
            if i > start:
                pieces.append((start, i))
            start = i + 1
        elif ch in BREAK_AFTER:
            pieces.append((start, i + 1))
            start = i + 1
    if start < len(plain):
        pieces.append((start, len(plain)))
    lines: list[Text] = []
    line_start = line_end = -1
    for piece_start, piece_end in pieces:
        if line_start >= 0 and cell_len(plain[line_start:piece_end]) <= room:
            line_end = piece_end
            continue
        if line_start >= 0:
            lines.append(body[line_start:line_end])
        line_start, line_end = piece_start, piece_end
        while cell_len(plain[line_start:line_end]) > room:  # longer than a line: cut where the line ends
            cut = line_start + 1
            while cell_len(plain[line_start:cut + 1]) <= room:
                cut += 1
            lines.append(body[line_start:cut])
            line_start = cut
    if line_start >= 0:
        lines.append(body[line_start:line_end])
    return lines


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

    def __init__(self, card: CardText, empty: dict[str, str], *, id: str | None = None) -> None:
        """``empty``: what an empty pane says, by language."""
        super().__init__(id=id)
        self.views: tuple[Any, ...] = ()
        self.projector = False
        self.lang = "en"
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
            return Text(self._empty.get(self.lang, self._empty["en"]), style=DIM)
        gap = "\n\n" if self.projector else "\n"
        return Text(gap).join(self._card(view, width, self.projector, self.palette, self.lang) for view in self.views)

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

    def set_lang(self, lang: str) -> None:
        # Chinese words are as wide as English ones or wider, and wrap elsewhere: a new layout, not only a paint.
        if lang != self.lang:
            self.lang = lang
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
    lang: reactive[str] = reactive("en")  # "en" or "zh": the words the pane draws
    EMPTY = "nothing yet"
    EMPTY_ZH = "还没有内容"
    BODY_ID = "cards-body"

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._body = CardBody(self.card, {"en": self.EMPTY, "zh": self.EMPTY_ZH}, id=self.BODY_ID)

    def compose(self) -> ComposeResult:
        yield self._body

    def views(self, model: Model) -> tuple[Any, ...]:
        raise NotImplementedError

    @staticmethod
    def card(view: Any, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
        raise NotImplementedError

    def update_from(self, model: Model) -> None:
        # Copied whole each time and drawn from the copy: a new model needs no reset, and nothing reads the
        # model outside its lock.
        views = self.views(model)
        if views != self._body.views:
            self._body.show(views)

    def watch_projector(self, projector: bool) -> None:
        self._body.set_projector(projector)

    def watch_lang(self, lang: str) -> None:
        self._body.set_lang(lang)

    def rows_wanted(self) -> int:
        """How many rows the cards take at the pane's width: what the app sizes the pane to. Read from the cards
        themselves, not the laid-out widget, so a pane fed just now is sized in the same frame."""
        width = self.scrollable_content_region.width
        return len(self._body._lines(width)) if width > 0 else self.virtual_size.height
