"""The Queues pane: what carries data between processes and threads. Each queue (multiprocessing's and the thread
queues) as a row of slots holding its items in the order they will be got, its maxsize, who is blocked putting or
getting, and unfinished tasks; each Pipe with its two ends, the messages in flight each way and who waits in recv();
each shared Value or Array with its value as last read and its lock; each manager with its server and the calls made
on it; each pool or executor with its tasks and workers (tui/widgets/pools.py)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from itertools import islice
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from tui.engine.model import Model, Part, QueueState, State
from tui.engine.model.pipes import PipeState
from tui.engine.model.queues import UNSEEN, Discipline, QueueSummarised
from tui.engine.model.records import counting_now
from tui.engine.model.shared import ManagerCall, ManagerState, ValueState
from tui.widgets.badges import Palette, process_label, thread_label
from tui.widgets.cards import CardPane
from tui.widgets.locks import flow
from tui.widgets.pools import PoolView, pool_text

NAME_STYLE = Style(bold=True)
DIM = Style(dim=True)
ITEM_STYLE = Style(bold=True)
ITEM_WIDTH = 12  # an item's repr is cut to this many cells: a slot must stay a slot
MIN_ITEM_WIDTH = 4  # a pipe's row cuts an item down to this to show it at all
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
    refused_puts: int = 0  # put(block=False) on a full queue: refused at once, not timed out
    refused_gets: int = 0
    discipline: Discipline = Discipline.FIFO
    summary: str | None = None  # what its hot-loop summaries counted (see summary_text)
    hot: bool = False  # a process summarises it now

    @classmethod
    def of(cls, model: Model, q: QueueState) -> QueueView:
        def names(keys: list[tuple[int, int]]) -> tuple[str, ...]:
            return tuple(thread_label(model, pid, tid) for pid, tid in keys)

        return cls(q.name or q.id, q.type, q.site, q.capacity, tuple(islice(q.items, ITEMS_COPIED)), len(q.items),
                   names(q.blocked_putters),
                   names(q.blocked_getters), names(q.joiners), q.joinable and q.type != "?", q.unfinished,
                   q.puts, q.gets, q.timeouts,
                   # Every queue the model folds is a QueueRecord; a bare QueueState has neither.
                   getattr(q, "refused_puts", 0), getattr(q, "refused_gets", 0),
                   getattr(q, "discipline", Discipline.FIFO), *_summarised(getattr(q, "summarised", None), model.now))


def _summarised(total: QueueSummarised | None, now: int) -> tuple[str | None, bool]:
    """`99,937 put, 100,001 got in a hot loop`, and whether it counts now."""
    if total is None:
        return None, False
    counting = total.counting(now)
    return f"{total.puts:,} put, {total.gets:,} got" + (" in a hot loop" if counting else " in hot loops"), counting


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


# The labels left and right of the slots: where a get takes from and a put adds to.
_ENDS = {
    Discipline.FIFO: ("get ◀ ", " ◀ put"),
    Discipline.LIFO: ("get ◀▶ put ", ""),  # a stack: both at the front
    Discipline.PRIORITY: ("get ◀ ", " ◀ put, sorted"),  # the smallest first: a put lands where it ranks
}


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
    head, put = _ENDS[view.discipline]
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
            reserve = len(f"│ +{after} more ") if after > 0 else 0  # the empty queue's blank cell has none after
        if cell is None or used + size + reserve > budget:
            if total > index:  # not for the empty queue's blank cell: there is nothing more
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
    if view.summary is not None:
        text.append(" ≋ HOT LOOP " if projector else " hot ", style=palette.badge(State.RUNNING))
        text.append(" ")
        text.append(view.summary, style=NAME_STYLE if view.hot else DIM)
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
        facts += refusals(view)
        if view.summary is not None:
            facts.append(f"{UNSEEN}: put in a hot loop, counted, not shown one by one")
        if view.site:
            facts.append(view.site)
        flow(text, facts, width, 3)
    return text


def refusals(view: QueueView) -> list[str]:
    """Non-blocking calls the queue refused at once: they never waited, so they are not timeouts."""
    out = []
    if view.refused_puts:
        out.append(f"{view.refused_puts} refused: full at once")
    if view.refused_gets:
        out.append(f"{view.refused_gets} refused: empty at once")
    return out


# -- pipes ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EndView:
    """One end of a pipe, copied out of the model."""

    label: str  # the variable it was bound to, or "end a"/"end b"
    users: tuple[str, ...]
    closed_in: tuple[str, ...]
    blocked: tuple[str, ...]  # threads waiting in recv() on it
    incoming: tuple[str, ...]  # messages on their way to it, oldest first (the front only)
    in_flight: int
    sent: int
    received: int
    can_send: bool
    can_recv: bool
    eof: bool
    summarised: int = 0  # sends and recvs on it that hot-loop summaries counted
    hot: bool = False  # a process summarises it now


@dataclass(frozen=True, slots=True)
class PipeView:
    title: str
    duplex: bool
    site: str | None
    ends: tuple[EndView, EndView]

    @classmethod
    def of(cls, model: Model, p: PipeState) -> PipeView:
        def names(keys: list[tuple[int, int]]) -> tuple[str, ...]:
            return tuple(thread_label(model, pid, tid) for pid, tid in keys)

        ends = tuple(
            EndView(end.name or f"end {'ab'[end.index]}", names(end.users),
                    tuple(process_label(model, pid) for pid in end.closed_in), names(end.blocked),
                    tuple(islice(end.incoming, ITEMS_COPIED)), end.in_flight, end.sent, end.received, end.can_send,
                    end.can_recv, end.eof_seen, end.summarised,
                    counting_now((span.t for span in end.hot.values()), model.now))
            for end in p.ends
        )
        return cls(p.name or p.id, p.duplex, p.site, ends)  # type: ignore[arg-type]  # two ends


def in_flight_row(sender: str, receiver: str, to: EndView, width: int) -> Text:
    """`a ─▶ │ 42 │ 'hi' │ ─▶ b  2 in flight`: the oldest message, the next one received, is nearest its receiver;
    the newest that do not fit are counted in a `+N` cell at the sender's side."""
    text = Text("  ")
    text.append(sender, style=NAME_STYLE)
    text.append(" ─▶ ", style=DIM)
    count = to.in_flight
    budget = width - text.cell_len - len(" ─▶ ") - cell_len(receiver) - 1
    cells: list[str] = []
    used = 1
    for item in to.incoming:
        more = count - len(cells) - 1
        reserve = len(f" +{more} │") if more else 0
        room = min(ITEM_WIDTH, budget - used - 3 - reserve)  # a narrow pane cuts items shorter, down to a few cells
        if room < MIN_ITEM_WIDTH:
            break
        cell = short_item(item, room)
        cells.append(cell)
        used += cell_len(cell) + 3
    hidden = count - len(cells)
    if count:
        text.append("│", style=DIM)
        if hidden:
            text.append(f" +{hidden} ", style=DIM)
            text.append("│", style=DIM)
        for cell in reversed(cells):  # newest on the left, oldest by the receiver
            text.append(f" {cell} ", style=ITEM_STYLE)
            text.append("│", style=DIM)
        text.append(" ─▶ ", style=DIM)
    text.append(receiver, style=NAME_STYLE)
    flow(text, [f"{count} in flight" if count else "nothing in flight"], width, 4, NAME_STYLE if count else DIM)
    return text


def pipe_text(view: PipeView, width: int, projector: bool, palette: Palette) -> Text:
    """One pipe: what is in flight each way, who uses each end and where it was closed, who waits in recv()."""
    a, b = view.ends
    text = Text()
    text.append(view.title, style=NAME_STYLE)
    flow(text, ["Pipe" + (" (duplex)" if view.duplex else " (one-way)")], width, 2, Style())
    summarised = a.summarised + b.summarised
    if summarised:
        hot = a.hot or b.hot
        text.append("\n")
        text.append(" ≋ HOT LOOP " if projector else " hot ", style=palette.badge(State.RUNNING))
        text.append(f" {summarised:,} sends and recvs counted in " + ("a hot loop" if hot else "hot loops"),
                    style=NAME_STYLE if hot else DIM)
    for sender, receiver in ((a, b), (b, a)):
        if sender.can_send and receiver.can_recv:
            text.append("\n")
            text.append_text(in_flight_row(sender.label, receiver.label, receiver, width))
    for end in view.ends:
        facts = [", ".join(end.users) if end.users else "not used yet"]
        if end.closed_in:
            facts.append("closed in " + ", ".join(end.closed_in))
        if end.eof:
            facts.append("recv() → EOFError")
        text.append("\n  ")
        text.append(end.label, style=NAME_STYLE)
        flow(text, facts, width, 4, DIM if not end.users else Style())
    for end in view.ends:
        if end.blocked:
            text.append("\n  ")
            text.append(" ■ BLOCKED IN RECV() " if projector else " blocked in recv() ", style=palette.badge(State.BLOCKED))
            flow(text, [*end.blocked, f"on {end.label}"], width, 4, NAME_STYLE)
    if not projector:
        text.append("\n ")
        facts = [f"{a.sent + b.sent} sent, {a.received + b.received} received"]
        if a.summarised + b.summarised:
            facts.append(f"{UNSEEN}: sent in a hot loop, counted, not shown one by one")
        if view.site:
            facts.append(view.site)
        flow(text, facts, width, 3)
    return text


# -- shared values ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ValueView:
    title: str
    type: str  # "Value c_int", "Array c_double[10]"
    value: str | None  # as last read; None before the first read
    read_from: str | None
    lock: str | None  # its lock's name
    owners: tuple[str, ...]
    waiters: tuple[str, ...]
    site: str | None

    @classmethod
    def of(cls, model: Model, v: ValueState) -> ValueView:
        ctype = v.ctype or v.typecode or "?"
        kind = f"{v.type} {ctype}" + (f"[{v.length}]" if v.length is not None else "")
        lock = model.locks.get(v.lock) if v.lock is not None else None
        owners = tuple(thread_label(model, pid, tid) for pid, tid in lock.owners) if lock is not None else ()
        waiters = tuple(thread_label(model, pid, tid) for pid, tid in lock.waiters) if lock is not None else ()
        return cls(v.name or v.id, kind, v.value, process_label(model, v.read_from) if v.read_from else None,
                   (lock.name or lock.id) if lock is not None else None, owners, waiters, v.site)


def value_text(view: ValueView, width: int, projector: bool, palette: Palette) -> Text:
    """One Value or Array: its value as contui last read it from a process's memory, and who holds its lock."""
    text = Text()
    text.append(view.title, style=NAME_STYLE)
    flow(text, [view.type], width, 2, Style())
    text.append("\n  = ", style=DIM)
    if view.value is None:
        text.append("not read yet", style=DIM)
    else:
        shown = view.value if cell_len(view.value) <= width - 4 else short_item(view.value, width - 4)
        text.append(shown, style=ITEM_STYLE)
    if view.lock is not None:
        text.append("\n  ")
        if view.owners:
            text.append(" ▶ HELD BY " if projector else " lock held by ", style=palette.badge(State.RUNNING))
            flow(text, list(view.owners), width, 4, NAME_STYLE)
        else:
            text.append(" ✓ LOCK FREE " if projector else " lock free ", style=palette.badge(State.EXITED))
        if view.waiters:
            text.append("\n  ")
            text.append(" ■ WAITING " if projector else " waiting ", style=palette.badge(State.BLOCKED))
            flow(text, [f"{i}. {w}" for i, w in enumerate(view.waiters, 1)], width, 4, NAME_STYLE)
    elif not projector:
        text.append("\n  no lock", style=DIM)
    if not projector:
        text.append("\n ")
        facts = [f"read from {view.read_from}"] if view.read_from else []
        if view.site:
            facts.append(view.site)
        flow(text, facts, width, 3)
    return text


# -- managers --------------------------------------------------------------------------------------------------------
RECENT_SHOWN = 4
PROJECTOR_RECENT = 2


@dataclass(frozen=True, slots=True)
class ManagerView:
    title: str
    type: str
    server: str | None
    objects: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # ("dict 7f41…", (("__setitem__", 3), ...))
    in_call: tuple[str, ...]  # "Process-1 [13] Lock.acquire()"
    recent: tuple[str, ...]  # newest last
    calls: int
    site: str | None

    @classmethod
    def of(cls, model: Model, m: ManagerState) -> ManagerView:
        def call_text(c: ManagerCall) -> str:
            where = f"  {c.site}" if c.site else ""
            failed = f" → {c.error}" if c.error else ""
            return f"{thread_label(model, *c.caller)}  {c.type}.{c.method}(){failed}{where}"

        objects = tuple((f"{o.type} {o.id[-6:]}", tuple(o.calls.most_common())) for o in m.objects.values())
        in_call = tuple(f"{thread_label(model, *k)}  {c.type}.{c.method}()" for k, c in m.in_call.items())
        return cls(m.name or m.type, m.type, process_label(model, m.server) if m.server else None, objects, in_call,
                   tuple(call_text(c) for c in m.recent), m.calls, m.site)


def manager_text(view: ManagerView, width: int, projector: bool, palette: Palette) -> Text:
    """One manager: its server process, the objects the script called with how often each method, who waits for the
    server's answer now, and the last few calls."""
    text = Text()
    text.append(view.title, style=NAME_STYLE)
    flow(text, [view.type, f"server {view.server or '?'}"], width, 2, Style())
    for label, methods in view.objects:
        text.append("\n  ")
        text.append(label, style=NAME_STYLE)
        flow(text, [f"{name} ×{n}" for name, n in methods], width, 4)
    if view.in_call:
        text.append("\n  ")
        text.append(" ■ WAITING FOR SERVER " if projector else " in a call ", style=palette.badge(State.BLOCKED))
        flow(text, list(view.in_call), width, 4, NAME_STYLE)
    recent = view.recent[-(PROJECTOR_RECENT if projector else RECENT_SHOWN):]
    if recent:
        text.append("\n  last calls:", style=DIM)
        for line in recent:
            text.append("\n    ")
            text.append(line if cell_len(line) <= width - 4 else short_item(line, width - 4))
    if not projector:
        text.append("\n ")
        facts = [f"{view.calls} call" + ("" if view.calls == 1 else "s")]
        if view.site:
            facts.append(view.site)
        flow(text, facts, width, 3)
    return text


CardView = QueueView | PipeView | ValueView | ManagerView | PoolView
_CARDS = {QueueView: queue_text, PipeView: pipe_text, ValueView: value_text, ManagerView: manager_text,
          PoolView: pool_text}


def any_card(view: CardView, width: int, projector: bool, palette: Palette) -> Text:
    return _CARDS[type(view)](view, width, projector, palette)  # type: ignore[operator]


class QueuePane(CardPane):
    """Every queue of the run in the order they were made, then every pipe, shared value, manager and pool."""

    PART: ClassVar[Part] = Part.QUEUES
    BORDER_TITLE = "Queues"
    EMPTY = "no queues yet"
    BODY_ID = "queues-body"

    def clock_key(self, model: Model, tick: int) -> Hashable:
        # No time is shown. A value card shows who holds and who waits for its lock, which change the Locks part,
        # not this one: they are part of the key, so the card follows them.
        locks = [model.locks.get(v.lock) for v in model.values.values() if v.lock is not None]
        return tuple((tuple(lock.owners), tuple(lock.waiters)) for lock in locks if lock is not None) or None

    def views(self, model: Model) -> tuple[CardView, ...]:
        return (*(QueueView.of(model, q) for q in model.queues.values()),
                *(PipeView.of(model, p) for p in model.pipes.values()),
                *(ValueView.of(model, v) for v in model.values.values()),
                *(ManagerView.of(model, m) for m in model.managers.values()),
                *(PoolView.of(model, p) for p in sorted(model.pools.values(), key=lambda p: p.seq)))

    card = staticmethod(any_card)
