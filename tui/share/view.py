"""What a browser following the run is shown: the model's panes as plain data, ready for JSON.

The words and colours are the terminal's own: the tree's labels, the Sync and Queues cards and the timeline's cells
come from the same functions the panes draw with (``tui/widgets/``), given the model, so a student's page and the
teacher's screen never tell a run differently. Rich text becomes runs of ``[text, css]``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from rich.color import Color
from rich.style import Style
from rich.text import Text

from tui.engine.model import LANE_STATES, DeadlockRecord, Key, Model, OutputLine, Part, State
from tui.status import RunState
from tui.theme import STATE_COLOURS
from tui.widgets.badges import LOOKS, Palette
from tui.widgets.banner import alarm_of, alarm_text
from tui.widgets.locks import sync_card, sync_clock_key, sync_views
from tui.widgets.pane import CLOCK_TICK_NS
from tui.widgets.queues import any_card, queue_views, queues_clock_key
from tui.widgets.timeline import LaneCopy, lane_cells, lane_label, lane_order
from tui.widgets.tree import node_label, tree_layout

LANGS = ("en", "zh")
CARD_WIDTH = 56  # columns: the page shows cards in a monospace font, as the terminal does
TIMELINE_CELLS = 400  # cells across the whole run so far: the page scales them to its width
NOT_ALIVE = " "
# A lane's cell, one character: the state's badge letter (R, S, B, J, Z, T).
CELL_CODES: dict[State, str] = {state: LOOKS[state].letter for state in LANE_STATES}

Runs = list[list[str]]


def contrast(hex_colour: str) -> str:
    """Black or white, whichever reads on ``hex_colour`` (the terminal's ``color: auto``)."""
    r, g, b = Color.parse(hex_colour).get_truecolor()
    return "#000000" if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else "#ffffff"


def web_palette() -> Palette:
    """The dark theme's state colours, as ``app.tcss`` gives them to the panes: a badge is the state's colour behind
    a contrasting bold word."""
    return Palette({name: Style(color=contrast(colour), bgcolor=colour, bold=True)
                    for name, colour in STATE_COLOURS.items()},
                   {name: Style(color=colour) for name, colour in STATE_COLOURS.items()})


def css(style: Style | None) -> str:
    if style is None:
        return ""
    colour, background = style.color, style.bgcolor
    if style.reverse:
        colour, background = background or Color.parse("#1e1e1e"), colour or Color.parse("#e0e0e0")
    parts = []
    if colour is not None and not colour.is_default:
        parts.append(f"color:{colour.get_truecolor().hex}")
    if background is not None and not background.is_default:
        parts.append(f"background-color:{background.get_truecolor().hex}")
    if style.bold:
        parts.append("font-weight:bold")
    if style.dim:
        parts.append("opacity:.65")
    if style.italic:
        parts.append("font-style:italic")
    if style.underline:
        parts.append("text-decoration:underline")
    return ";".join(parts)


def runs(text: Text) -> Runs:
    """``text`` as runs of the same style: ``[["Process-1 [12]", "font-weight:bold"], ...]``."""
    plain = text.plain
    if not plain:
        return []
    # Each character's style, from the base style and every span over it (later spans win, as rich draws them).
    cuts = {0, len(plain)}
    for span in text.spans:
        cuts.update((max(0, min(span.start, len(plain))), max(0, min(span.end, len(plain)))))
    bounds = sorted(cuts)
    out: Runs = []
    base = text.style if isinstance(text.style, Style) else Style.parse(text.style) if text.style else Style()
    for start, end in zip(bounds, bounds[1:]):
        if start == end:
            continue
        style = base
        for span in text.spans:
            if span.start <= start and end <= span.end:
                style = style + (span.style if isinstance(span.style, Style) else Style.parse(span.style))
        look = css(style)
        if out and out[-1][1] == look:
            out[-1][0] += plain[start:end]
        else:
            out.append([plain[start:end], look])
    return out


def card_lines(text: Text) -> list[Runs]:
    return [runs(line) for line in text.split("\n", allow_blank=True)]


def state_word(state: RunState, ended: bool) -> str:
    if state.running:
        return "stepping" if state.stepping else "frozen" if state.frozen else "running"
    return "ended" if ended else "idle"


def tree_rows(model: Model, palette: Palette, lang: str) -> list[dict[str, Any]]:
    layout = tree_layout(model)
    rows: list[dict[str, Any]] = []

    def add(parent: Any, depth: int) -> None:
        for key in layout.get(parent, ()):
            label = node_label(model, key, palette, lang=lang)
            if label is not None:
                rows.append({"depth": depth, "runs": runs(label)})
            add(key, depth + 1)

    add(None, 0)
    return rows


def sync_cards(model: Model, palette: Palette, lang: str) -> list[list[Runs]]:
    return [card_lines(sync_card(view, CARD_WIDTH, False, palette, lang)) for view in sync_views(model)]


def queue_cards(model: Model, palette: Palette, lang: str) -> list[list[Runs]]:
    return [card_lines(any_card(view, CARD_WIDTH, False, palette, lang)) for view in queue_views(model)]


def _no_clock(model: Model, tick: int) -> None:
    return None


@dataclass(frozen=True)
class PagePane:
    """A pane of the page: the part of the model it shows, what of the run's clock it shows (as the terminal's pane
    says: tui/widgets/pane.py), and how it is made in one language."""

    name: str
    part: Part
    clock_key: Callable[[Model, int], Hashable]
    make: Callable[[Model, Palette, str], Any]


PAGE_PANES = (PagePane("tree", Part.PROCESSES, _no_clock, tree_rows),
              PagePane("sync", Part.LOCKS, sync_clock_key, sync_cards),
              PagePane("queues", Part.QUEUES, queues_clock_key, queue_cards))


@dataclass
class Panes:
    """The page's panes, each made again (in both languages) only when its part of the model or its clock moved: as
    the terminal's panes are fed (tui/widgets/pane.py's PaneFeeder), so both show a held lock's time alike."""

    palette: Palette = field(default_factory=web_palette)
    seen: dict[str, Hashable] = field(default_factory=dict)
    made: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of(self, model: Model, tick: int) -> dict[str, dict[str, Any]]:
        for pane in PAGE_PANES:
            key = (model.versions[pane.part], pane.clock_key(model, tick))
            if self.seen.get(pane.name) != key or pane.name not in self.made:
                self.seen[pane.name] = key
                self.made[pane.name] = {lang: pane.make(model, self.palette, lang) for lang in LANGS}
        return self.made


def banner(model: Model) -> dict[str, Any] | None:
    """The terminal's banner: the run's deadlock (``kind`` "deadlock"), else its stall or potential deadlock
    ("warning"), in both languages; None while there is none. Without the teacher's key hint: a page has no keys."""
    record = alarm_of(model)
    if record is None:
        return None
    return {"kind": "deadlock" if isinstance(record, DeadlockRecord) else "warning",
            **{lang: runs(_on_the_page(alarm_text(record, lang))) for lang in LANGS}}


def _on_the_page(text: Text) -> Text:
    """The banner's words without the terminal's base style (reverse, over the widget's own colours): the page's
    banner has colours of its own."""
    text.style = ""
    return text


def frame(model: Model, state: RunState, panes: Panes | None = None, tick: int | None = None) -> dict[str, Any]:
    """One moment of the run, in both languages (each student picks one). ``panes``: those made for the last frame
    (only what changed is made again); ``tick``: the run's clock as the terminal shows it (it stands still while the
    run is frozen), by default the model's."""
    shown = (panes or Panes()).of(model, model.now // CLOCK_TICK_NS if tick is None else tick)
    return {"type": "frame", "t": model.now, "n": model.events, "state": state_word(state, model.run.ended),
            "banner": banner(model), **shown}


def output_line(model: Model, index: int, line: OutputLine) -> dict[str, Any]:
    return {"i": index, "t": line.t, "pid": line.pid, "name": model.shown_name(line.pid), "stream": str(line.stream),
            "text": line.text}


@dataclass
class OutputCursor:
    """Which printed lines a follower has been sent: new ones, and old ones still being printed (they grow)."""

    sent: int = 0
    amended: int = 0

    def news(self, model: Model) -> list[dict[str, Any]]:
        lines = model.lines
        again = sorted({i for i in model.amended_lines.since(self.amended) if lines.first <= i < self.sent})
        self.amended = len(model.amended_lines)
        fresh = range(max(self.sent, lines.first), len(lines))
        self.sent = len(lines)
        return [output_line(model, i, lines[i]) for i in (*again, *fresh)]


@dataclass
class Lanes:
    """The timeline's lanes, copied out of the model incrementally (as the Timeline pane does)."""

    copies: dict[Key, LaneCopy] = field(default_factory=dict)

    def timeline(self, model: Model, width: int = TIMELINE_CELLS) -> dict[str, Any]:
        copies = self.copies
        for key, lane in model.lanes.items():
            copy = copies.get(key)
            if copy is None or copy.merges != lane.merges:
                copy = copies[key] = LaneCopy(key, merges=lane.merges)
            copy.label = lane_label(model, key, lane.label)
            copy.sync(lane.segments, lane.marks)
        now = model.now
        lanes = []
        for key in lane_order(model):
            copy = copies.get(key)
            if copy is None:
                continue
            states, _marks = lane_cells(copy, now, width)
            lanes.append({"label": copy.label,
                          "cells": "".join(NOT_ALIVE if s is None else CELL_CODES.get(s, "?") for s in states)})
        return {"type": "timeline", "t": now, "width": width, "lanes": lanes}


def state_table() -> dict[str, dict[str, Any]]:
    """The timeline's cell codes, for the page's colours and legend."""
    return {code: {"name": str(state), "colour": STATE_COLOURS.get(str(state), "#808080"),
                   "word": {"en": LOOKS[state].word, "zh": LOOKS[state].word_zh}}
            for state, code in CELL_CODES.items()}
