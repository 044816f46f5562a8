"""The Queues pane: each queue drawn as a row of slots holding its items, its maxsize, who is blocked putting or
getting, and a JoinableQueue's unfinished tasks."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from itertools import islice
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from tui.engine.model import Model, Part, QueueState, State
from tui.widgets.badges import Palette, thread_label
from tui.widgets.cards import CardPane
from tui.widgets.locks import flow

NAME_STYLE = Style(bold=True)
DIM = Style(dim=True)
ITEM_STYLE = Style(bold=True)
ITEM_WIDTH = 12  # an item's repr is cut to this many cells: a slot must stay a slot
EMPTY_SLOT = "·"
ITEMS_COPIED = 100


@dataclass(frozen=True, slots=True)
class QueueView:
    """What the pane shows of one queue, copied out of the model: rendering happens later, outside its lock."""

    title: str
    type: str
    site: str | None
    capacity: int | None
    items: tuple[str, ...]  # the front of the queue only: no pane is wide enough for more
    count: int
    putters: tuple[str, ...]
    getters: tuple[str, ...]
    joiners: tuple[str, ...]
    joinable: bool
    unfinished: int
    puts: int
    gets: int
    timeouts: int

    @classmethod
    def of(cls, model: Model, q: QueueState) -> QueueView:
        def names(keys: list[tuple[int, int]]) -> tuple[str, ...]:
            return tuple(thread_label(model, pid, tid) for pid, tid in keys)

        return cls(q.name or q.id, q.type, q.site, q.capacity, tuple(islice(q.items, ITEMS_COPIED)), len(q.items),
                   names(q.blocked_putters),
                   names(q.blocked_getters), names(q.joiners), q.joinable and q.type != "?", q.unfinished,
                   q.puts, q.gets, q.timeouts)


def short_item(item: str, width: int = ITEM_WIDTH) -> str:
    item = item.replace("\n", "⏎")
    if cell_len(item) <= width:
        return item
    out = ""
    for ch in item:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def slots_text(view: QueueView, width: int, suffix: Text | None = None, indent: str = "  ") -> Text:
    """The queue as boxed slots, front (next to be got) on the left, cut to ``width`` cells::

              ┌───┬──────────────┬───┐
        get ◀ │ 2 │ {'count': 3} │ · │ ◀ put  2/3
              └───┴──────────────┴───┘
    """
    items = [short_item(i) for i in view.items]
    capacity = view.capacity
    empty = max(capacity - view.count, 0) if capacity is not None else 0
    # Items not copied still count: they are behind the "+N more" cell (never drawn: no pane is that wide).
    uncopied = view.count - len(items)
    cells = [(i, True) for i in items] + ([] if uncopied else [(EMPTY_SLOT, False)] * empty)
    total = len(cells) + uncopied
    if not cells:
        cells = [(" ", False)]  # an unbounded empty queue still shows where items would go
    head, put = "get ◀ ", " ◀ put"
    end = " …∞" if capacity is None else ""
    budget = width - len(indent) - len(head) - len(put) - len(end) - 1
    top, middle, bottom = Text(indent + " " * len(head)), Text(indent), Text(indent + " " * len(head))
    middle.append(head, style=DIM)
    widths: list[int] = []
    used = 0
    for index, (cell, is_item) in enumerate([*cells, (None, False)] if uncopied else cells):
        after = total - index - 1
        if cell is not None:
            size = cell_len(cell) + 3  # "│ item "
            reserve = len(f"│ +{after} more ") if after else 0
        if cell is None or used + size + reserve > budget:
            more = f" +{total - index} more "
            widths.append(len(more))
            middle.append("│", style=DIM)
            middle.append(more, style=DIM)
            break
        widths.append(cell_len(cell) + 2)
        middle.append("│", style=DIM)
        middle.append(f" {cell} ", style=ITEM_STYLE if is_item else DIM)
        used += size
    middle.append("│", style=DIM)
    top.append("┌" + "┬".join("─" * w for w in widths) + "┐", style=DIM)
    bottom.append("└" + "┴".join("─" * w for w in widths) + "┘", style=DIM)
    if end:
        middle.append(end, style=NAME_STYLE)
    middle.append(put, style=DIM)
    if suffix is not None:
        middle.append_text(suffix)
    return Text("\n").join([top, middle, bottom])


def queue_text(view: QueueView, width: int, projector: bool, palette: Palette) -> Text:
    """One queue: its slots, how full, who is blocked putting or getting (blocked's colour), who waits in join()."""
    text = Text()
    text.append(view.title, style=NAME_STYLE)
    size = "∞" if view.capacity is None else str(view.capacity)
    flow(text, [view.type, f"maxsize {size}"], width, 2, Style())
    count = view.count
    fill = Text(f"  {count}/{size}", style=NAME_STYLE)
    if view.capacity is not None and count >= view.capacity:
        fill.append(" ")
        fill.append(" ■ FULL " if projector else " full ", style=palette.badge(State.BLOCKED))
    elif count == 0:
        fill.append(" empty", style=DIM)
    text.append("\n")
    # Beside the slots when there is room for a few of them, else under them.
    if width - fill.cell_len >= 32:
        text.append_text(slots_text(view, width - fill.cell_len, fill))
    else:
        text.append_text(slots_text(view, width))
        text.append("\n   ")
        text.append_text(fill)
    for chip, who in (("put", view.putters), ("get", view.getters)):
        if who:
            label = f" ■ BLOCKED IN {chip.upper()}() " if projector else f" blocked in {chip}() "
            text.append("\n  ")
            text.append(label, style=palette.badge(State.BLOCKED))
            flow(text, list(who), width, 4, NAME_STYLE)
    if view.joinable:
        text.append("\n  ")
        text.append(f"unfinished tasks: {view.unfinished}", style=NAME_STYLE if view.unfinished else DIM)
        if view.joiners:
            text.append("  ")
            text.append(" ⇥ JOIN() " if projector else " in join() ", style=palette.badge(State.JOINING))
            flow(text, list(view.joiners), width, 4, Style())
    if not projector:  # last: a short pane shows what matters first
        text.append("\n ")
        facts = [f"{view.puts} put, {view.gets} got" + (f", {view.timeouts} timed out" if view.timeouts else "")]
        if view.site:
            facts.append(view.site)
        flow(text, facts, width, 3)
    return text


class QueuePane(CardPane):
    """Every queue of the run, in the order they were made."""

    PART: ClassVar[Part] = Part.QUEUES
    BORDER_TITLE = "Queues"
    EMPTY = "no queues yet"
    BODY_ID = "queues-body"

    def clock_key(self, model: Model, tick: int) -> Hashable:
        return None  # no time shown

    def views(self, model: Model) -> tuple[QueueView, ...]:
        return tuple(QueueView.of(model, q) for q in model.queues.values())

    card = staticmethod(queue_text)
