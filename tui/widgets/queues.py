"""The Queues pane: what carries data between processes and threads. Each queue (multiprocessing's and the thread
queues) as a row of slots holding its items in the order they will be got, its maxsize, who is blocked putting or
getting, and unfinished tasks; each Pipe with its two ends, the messages in flight each way and who waits in recv();
each shared Value or Array with its value as last read and its lock; each manager with its server and the calls made
on it; each pool or executor with its tasks and workers (tui/widgets/pools.py). Each says its words in English or
Chinese (``lang``), the Chinese beside the English; a card fits the pane's width however narrow, cutting no word:
what does not fit beside goes under, the slots give up their labels before they overflow."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from itertools import islice
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from tui.engine.model import Model, Part, QueueState, State
from tui.engine.model.pipes import PipeState
from tui.engine.model.queues import UNSEEN, Discipline, QueueSummarised
from tui.engine.model.records import counting_now
from tui.engine.model.shared import ManagerCall, ManagerState, ValueState
from tui.widgets.badges import Palette, process_label, thread_label
from tui.widgets.cards import CardPane, flow, line_width, pick, title_text
from tui.widgets.locks import ARRIVAL_NOTE
from tui.widgets.pools import PoolView, hot_row, pool_text

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
    hot_counts: tuple[int, int] = (0, 0)  # the puts and gets ``summary`` says, for either language

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


def _summarised(total: QueueSummarised | None, now: int) -> tuple[str | None, bool, tuple[int, int]]:
    """`99,937 put, 100,001 got in a hot loop`, whether it counts now, and the two counts."""
    if total is None:
        return None, False, (0, 0)
    counting = total.counting(now)
    return summary_words(total.puts, total.gets, counting), counting, (total.puts, total.gets)


def summary_words(puts: int, gets: int, hot: bool, lang: str = "en") -> str:
    """`99,937 put, 100,001 got in a hot loop` (``hot``: counted now), `in hot loops` (once)."""
    if lang == "zh":
        return ("热循环中，已计" if hot else "热循环里共计") + f" put {puts:,} 次，get {gets:,} 次"
    return f"{puts:,} put, {gets:,} got" + (" in a hot loop" if hot else " in hot loops")


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


# The labels left and right of the slots: where a get takes from and a put adds to (English, Chinese).
_ENDS = {
    Discipline.FIFO: (("get ◀ ", " ◀ put"), ("get ◀ ", " ◀ put")),
    Discipline.LIFO: (("get ◀▶ put ", ""), ("get ◀▶ put ", "")),  # a stack: both at the front
    # the smallest first: a put lands where it ranks
    Discipline.PRIORITY: (("get ◀ ", " ◀ put, sorted"), ("get ◀ ", " ◀ put，排序")),
}


def _more_long(n: int, lang: str) -> str:
    return pick(lang, f" +{n} more ", f" +{n} 个 ")


def _more_short(n: int, lang: str) -> str:  # (``lang`` as _more_long's: either may be the row's)
    return f" +{n} "


def slots_text(view: QueueView, width: int, suffix: Text | None = None, indent: str = "  ", lang: str = "en") -> Text:
    """The queue as boxed slots, front (next to be got) on the left, cut to ``width`` cells::

              ┌───┬──────────────┬───┐
        get ◀ │ 2 │ {'count': 3} │ · │ ◀ put  2/3
              └───┴──────────────┴───┘

    Too narrow for that, the row gives up what it can spare to show at least its front item, in turn: the word of
    the `+N more` cell, then the words after `put` (`, sorted`); the `get ◀` and `◀ put` labels only when nothing
    else fits. It is never wider than ``width`` (but in a pane so narrow that not even `│ +N │` fits)."""
    return slot_rows(view, width, indent, lang).text(suffix)


class Slots(NamedTuple):
    """The three lines of a queue's slots, how many items they show, and how much of their words they gave up to
    fit (0: nothing)."""

    top: Text
    middle: Text
    bottom: Text
    shown: int
    level: int

    @property
    def rank(self) -> tuple[bool, int]:
        """Higher is better: showing an item at all first, then giving up less."""
        return self.shown > 0, -self.level

    def text(self, suffix: Text | None = None) -> Text:
        middle = self.middle.copy()
        if suffix is not None:
            middle.append_text(suffix)
        return Text("\n").join([self.top, middle, self.bottom])


def slot_rows(view: QueueView, width: int, indent: str = "  ", lang: str = "en") -> Slots:
    """The lines of :func:`slots_text`: the first way (of giving up less) that fits and shows an item."""
    items = [short_item(i) for i in view.items]
    capacity = view.capacity
    empty = max(capacity - view.count, 0) if capacity is not None else 0
    # Items not copied still count: they are behind the "+N more" cell (never drawn: no pane is that wide).
    uncopied = view.count - len(items)
    cells = [(i, True) for i in items] + ([] if uncopied else [(EMPTY_SLOT, False)] * empty)
    total = len(cells) + uncopied
    if not cells:
        cells = [(" ", False)]  # an unbounded empty queue still shows where items would go
    head, put = _ENDS[view.discipline][lang == "zh"]
    end = " …∞" if capacity is None else ""
    plain_put = put[:len(" ◀ put")]
    tries = [(head, put, _more_long), (head, put, _more_short), (head, plain_put, _more_short), ("", "", _more_short)]
    laid = [Slots(*_slots(cells, total, uncopied, (head, put, end), more, width, indent, lang), level)
            for level, (head, put, more) in enumerate(tries)]
    # Without its labels the row no longer says which end is which: only when nothing else fits at all.
    fitting = [rows for rows in laid[:-1] if rows.middle.cell_len <= width] or laid[-1:]
    return next((rows for rows in fitting if rows.shown or not items), fitting[0])


def _slots(cells: list[tuple[str, bool]], total: int, uncopied: int, labels: tuple[str, str, str],
           more: Callable[[int, str], str], width: int, indent: str, lang: str) -> tuple[Text, Text, Text, int]:
    """The three lines of the slots with these ``labels`` (get's, put's, and the unbounded end) and this `+N` cell
    (``more``), as many cells as fit in ``width``; and how many items they show."""
    head, put, end = labels
    budget = width - cell_len(indent) - cell_len(head) - cell_len(put) - cell_len(end) - 1
    top, middle, bottom = Text(indent + " " * cell_len(head)), Text(indent), Text(indent + " " * cell_len(head))
    middle.append(head, style=DIM)
    widths: list[int] = []
    used = shown = 0
    for index, (cell, is_item) in enumerate([*cells, (None, False)] if uncopied else cells):
        after = total - index - 1
        if cell is not None:
            size = cell_len(cell) + 3  # "│ item "
            reserve = cell_len("│" + more(after, lang)) if after > 0 else 0  # the empty queue's blank cell: none after
        if cell is None or used + size + reserve > budget:
            if total > index:  # not for the empty queue's blank cell: there is nothing more
                more_cell = more(total - index, lang)
                widths.append(cell_len(more_cell))
                middle.append("│", style=DIM)
                middle.append(more_cell, style=DIM)
            break
        widths.append(cell_len(cell) + 2)
        middle.append("│", style=DIM)
        middle.append(f" {cell} ", style=ITEM_STYLE if is_item else DIM)
        used += size
        shown += is_item
    middle.append("│", style=DIM)
    top.append("┌" + "┬".join("─" * w for w in widths) + "┐", style=DIM)
    bottom.append("└" + "┴".join("─" * w for w in widths) + "┘", style=DIM)
    if end:
        middle.append(end, style=NAME_STYLE)
    middle.append(put, style=DIM)
    return top, middle, bottom, shown


def chip_after(text: Text, chip: str, style: Style, width: int, indent: int, gap: str = "  ") -> None:
    """Append ``chip`` after ``text``'s last line, ``gap`` apart, or on a new line ``indent`` in if it would not fit
    there: a chip is never cut by the pane's wrapping."""
    if line_width(text) + len(gap) + cell_len(chip) > width:
        text.append("\n" + " " * indent)
    else:
        text.append(gap)
    text.append(chip, style=style)


def queue_text(view: QueueView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """One queue: its slots, how full, who is blocked putting or getting (blocked's colour), who waits in join()."""
    zh = lang == "zh"
    text = title_text(view.title, width)
    size = "∞" if view.capacity is None else str(view.capacity)
    if zh:
        flow(text, [view.type, "容量不限" if view.capacity is None else f"最多 {size} 个"], width, 2, Style())
    else:
        flow(text, [view.type, f"maxsize {size}"], width, 2, Style())
    count = view.count
    fill = Text(f"  {count}/{size}", style=NAME_STYLE)
    if view.capacity is not None and count >= view.capacity:
        fill.append(" ")
        fill.append(pick(lang, " ■ FULL " if projector else " full ", " ■ 满 " if projector else " 满 "),
                    style=palette.badge(State.BLOCKED))
    elif count == 0:
        fill.append(pick(lang, " empty", " 空"), style=DIM)
    text.append("\n")
    if view.summary is not None:
        words = summary_words(*view.hot_counts, view.hot, lang) if zh else view.summary
        hot_row(text, words, view.hot, width, projector, palette, lang, 2)
        text.append("\n")
    # Beside the slots when there is room for a few of them, else under them; under them too when that shows an
    # item the slots beside it could not, or gives up fewer of their words.
    beside = slot_rows(view, width - fill.cell_len, lang=lang) if width - fill.cell_len >= 32 else None
    under = slot_rows(view, width, lang=lang)
    if beside is not None and (not view.items or beside.rank >= under.rank):
        text.append_text(beside.text(fill))
    else:
        text.append_text(under.text())
        text.append("\n   ")
        text.append_text(fill)
    for chip, who in (("put", view.putters), ("get", view.getters)):
        if who:
            if zh:
                label = f" ■ 阻塞在 {chip}() 中 " if projector else f" 阻塞在 {chip}() 中 "
            else:
                label = f" ■ BLOCKED IN {chip.upper()}() " if projector else f" blocked in {chip}() "
            text.append("\n  ")
            text.append(label, style=palette.badge(State.BLOCKED))
            flow(text, list(who), width, 4, NAME_STYLE)
    if view.joinable:
        text.append("\n  ")
        text.append(pick(lang, f"unfinished tasks: {view.unfinished}", f"未完成任务：{view.unfinished}"),
                    style=NAME_STYLE if view.unfinished else DIM)
        if view.joiners:
            chip = pick(lang, " ⇥ JOIN() " if projector else " in join() ",
                        " ⇥ 在 join() 中 " if projector else " 在 join() 中 ")
            chip_after(text, chip, palette.badge(State.JOINING), width, 2)
            flow(text, list(view.joiners), width, 4, Style())
    if not projector:  # last: a short pane shows what matters first
        text.append("\n ")
        if zh:
            facts = [f"put {view.puts} 次", f"get {view.gets} 次"] + ([f"超时 {view.timeouts} 次"] if view.timeouts else [])
        else:
            facts = [f"{view.puts} put, {view.gets} got" + (f", {view.timeouts} timed out" if view.timeouts else "")]
        facts += refusals(view, lang)
        if view.summary is not None:
            facts.append(pick(lang, f"{UNSEEN}: put in a hot loop, counted, not shown one by one",
                              f"{UNSEEN}：在热循环中 put 的，只计数，不逐个显示"))
        if view.site:
            facts.append(view.site)
        flow(text, facts, width, 3)
    return text


def refusals(view: QueueView, lang: str = "en") -> list[str]:
    """Non-blocking calls the queue refused at once: they never waited, so they are not timeouts."""
    out = []
    if view.refused_puts:
        out.append(pick(lang, f"{view.refused_puts} refused: full at once", f"拒绝 {view.refused_puts} 次：当时已满"))
    if view.refused_gets:
        out.append(pick(lang, f"{view.refused_gets} refused: empty at once", f"拒绝 {view.refused_gets} 次：当时为空"))
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


def end_label(end: EndView, lang: str) -> str:
    """The end's variable name, or `end a` / `a 端` for an end the script bound to none (a variable's name has no
    space, so it is never one of those)."""
    if lang == "zh" and end.label in ("end a", "end b"):
        return f"{end.label[-1]} 端"
    return end.label


def in_flight_row(sender: str, receiver: str, to: EndView, width: int, lang: str = "en") -> Text:
    """`a ─▶ │ 42 │ 'hi' │ ─▶ b  2 in flight`: the oldest message, the next one received, is nearest its receiver;
    the newest that do not fit are counted in a `+N` cell at the sender's side. Too narrow for even that cell, the
    row leaves the messages out (its count says how many), and the receiver goes under the sender if it must."""
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
    if count and (cells or budget >= len(f"│ +{hidden} ")):
        text.append("│", style=DIM)
        if hidden:
            text.append(f" +{hidden} ", style=DIM)
            text.append("│", style=DIM)
        for cell in reversed(cells):  # newest on the left, oldest by the receiver
            text.append(f" {cell} ", style=ITEM_STYLE)
            text.append("│", style=DIM)
        text.append(" ─▶ ", style=DIM)
    if text.cell_len + cell_len(receiver) > width:  # the arrow ends the line: the receiver is the next one's
        text.rstrip()
        text.append("\n    ")
    text.append(receiver, style=NAME_STYLE)
    if lang == "zh":
        flow(text, [f"途中 {count} 条" if count else "途中没有消息"], width, 4, NAME_STYLE if count else DIM)
    else:
        flow(text, [f"{count} in flight" if count else "nothing in flight"], width, 4, NAME_STYLE if count else DIM)
    return text


def pipe_text(view: PipeView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """One pipe: what is in flight each way, who uses each end and where it was closed, who waits in recv()."""
    a, b = view.ends
    text = title_text(view.title, width)
    flow(text, ["Pipe" + pick(lang, " (duplex)" if view.duplex else " (one-way)", "（双向）" if view.duplex else "（单向）")],
         width, 2, Style())
    summarised = a.summarised + b.summarised
    if summarised:
        hot = a.hot or b.hot
        text.append("\n")
        if lang == "zh":
            words = ("热循环中，已计" if hot else "热循环里共计") + f" {summarised:,} 次 send 和 recv"
        else:
            words = f"{summarised:,} sends and recvs counted in " + ("a hot loop" if hot else "hot loops")
        hot_row(text, words, hot, width, projector, palette, lang, 4, styled_gap=True)
    for sender, receiver in ((a, b), (b, a)):
        if sender.can_send and receiver.can_recv:
            text.append("\n")
            text.append_text(in_flight_row(end_label(sender, lang), end_label(receiver, lang), receiver, width, lang))
    for end in view.ends:
        facts = [", ".join(end.users) if end.users else pick(lang, "not used yet", "还没用过")]
        if end.closed_in:
            facts.append(pick(lang, "closed in " + ", ".join(end.closed_in), "在 " + "、".join(end.closed_in) + " 中关闭"))
        if end.eof:
            facts.append("recv() → EOFError")
        text.append("\n  ")
        text.append(end_label(end, lang), style=NAME_STYLE)
        flow(text, facts, width, 4, DIM if not end.users else Style())
    for end in view.ends:
        if end.blocked:
            text.append("\n  ")
            label = pick(lang, " ■ BLOCKED IN RECV() " if projector else " blocked in recv() ",
                         " ■ 阻塞在 recv() 中 " if projector else " 阻塞在 recv() 中 ")
            text.append(label, style=palette.badge(State.BLOCKED))
            flow(text, [*end.blocked, pick(lang, f"on {end.label}", f"在 {end_label(end, lang)} 上")], width, 4,
                 NAME_STYLE)
    if not projector:
        text.append("\n ")
        if lang == "zh":
            facts = [f"发出 {a.sent + b.sent} 条", f"收到 {a.received + b.received} 条"]
        else:
            facts = [f"{a.sent + b.sent} sent, {a.received + b.received} received"]
        if a.summarised + b.summarised:
            facts.append(pick(lang, f"{UNSEEN}: sent in a hot loop, counted, not shown one by one",
                              f"{UNSEEN}：在热循环中发出的，只计数，不逐个显示"))
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


def value_text(view: ValueView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """One Value or Array: its value as contui last read it from a process's memory, and who holds its lock."""
    text = title_text(view.title, width)
    flow(text, [view.type], width, 2, Style())
    text.append("\n  = ", style=DIM)
    if view.value is None:
        text.append(pick(lang, "not read yet", "还没读到"), style=DIM)
    else:
        shown = view.value if cell_len(view.value) <= width - 4 else short_item(view.value, width - 4)
        text.append(shown, style=ITEM_STYLE)
    if view.lock is not None:
        text.append("\n  ")
        if view.owners:
            text.append(pick(lang, " ▶ HELD BY " if projector else " lock held by ",
                             " ▶ 持有者 " if projector else " 锁的持有者 "), style=palette.badge(State.RUNNING))
            flow(text, list(view.owners), width, 4, NAME_STYLE)
        else:
            text.append(pick(lang, " ✓ LOCK FREE " if projector else " lock free ",
                             " ✓ 锁空闲 " if projector else " 锁空闲 "), style=palette.badge(State.EXITED))
        if view.waiters:
            text.append("\n  ")
            text.append(pick(lang, " ■ WAITING " if projector else " waiting ", " ■ 等待 " if projector else " 等待 "),
                        style=palette.badge(State.BLOCKED))
            # in the order they came, which is not the order a lock lets them in
            flow(text, [f"{i}. {w}" for i, w in enumerate(view.waiters, 1)], width, 4, NAME_STYLE)
            if len(view.waiters) > 1:
                flow(text, [pick(lang, *ARRIVAL_NOTE)], width, 4, DIM)
    elif not projector:
        text.append(pick(lang, "\n  no lock", "\n  没有锁"), style=DIM)
    if not projector:
        text.append("\n ")
        facts = [pick(lang, f"read from {view.read_from}", f"读自 {view.read_from}")] if view.read_from else []
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


def manager_text(view: ManagerView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """One manager: its server process, the objects the script called with how often each method, who waits for the
    server's answer now, and the last few calls."""
    text = title_text(view.title, width)
    flow(text, [view.type, pick(lang, f"server {view.server or '?'}", f"服务进程 {view.server or '?'}")], width, 2,
         Style())
    for label, methods in view.objects:
        text.append("\n  ")
        text.append(label, style=NAME_STYLE)
        flow(text, [f"{name} ×{n}" for name, n in methods], width, 4)
    if view.in_call:
        text.append("\n  ")
        text.append(pick(lang, " ■ WAITING FOR SERVER " if projector else " in a call ",
                         " ■ 等待服务进程 " if projector else " 调用中 "), style=palette.badge(State.BLOCKED))
        flow(text, list(view.in_call), width, 4, NAME_STYLE)
    recent = view.recent[-(PROJECTOR_RECENT if projector else RECENT_SHOWN):]
    if recent:
        text.append(pick(lang, "\n  last calls:", "\n  最近的调用："), style=DIM)
        for line in recent:
            text.append("\n    ")
            text.append(line if cell_len(line) <= width - 4 else short_item(line, width - 4))
    if not projector:
        text.append("\n ")
        facts = [pick(lang, f"{view.calls} call" + ("" if view.calls == 1 else "s"), f"调用 {view.calls} 次")]
        if view.site:
            facts.append(view.site)
        flow(text, facts, width, 3)
    return text


CardView = QueueView | PipeView | ValueView | ManagerView | PoolView
_CARDS = {QueueView: queue_text, PipeView: pipe_text, ValueView: value_text, ManagerView: manager_text,
          PoolView: pool_text}


def any_card(view: CardView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """Each card in its own shape, in ``lang`` ("en" or "zh")."""
    return _CARDS[type(view)](view, width, projector, palette, lang)  # type: ignore[operator]


def queues_clock_key(model: Model, tick: int) -> Hashable:
    """No time is shown. A value card shows who holds and who waits for its lock, which change the Locks part, not
    this one: they are part of the key, so the card follows them."""
    locks = [model.locks.get(v.lock) for v in model.values.values() if v.lock is not None]
    return tuple((tuple(lock.owners), tuple(lock.waiters)) for lock in locks if lock is not None) or None


def queue_views(model: Model) -> tuple[CardView, ...]:
    """Every queue of the run in the order they were made, then every pipe, shared value, manager and pool."""
    return (*(QueueView.of(model, q) for q in model.queues.values()),
            *(PipeView.of(model, p) for p in model.pipes.values()),
            *(ValueView.of(model, v) for v in model.values.values()),
            *(ManagerView.of(model, m) for m in model.managers.values()),
            *(PoolView.of(model, p) for p in sorted(model.pools.values(), key=lambda p: p.seq)))


class QueuePane(CardPane):
    """Every queue of the run in the order they were made, then every pipe, shared value, manager and pool."""

    PART: ClassVar[Part] = Part.QUEUES
    BORDER_TITLE = "Queues"
    EMPTY = "no queues yet"
    EMPTY_ZH = "还没有队列"
    BODY_ID = "queues-body"

    def clock_key(self, model: Model, tick: int) -> Hashable:
        return queues_clock_key(model, tick)

    def views(self, model: Model) -> tuple[CardView, ...]:
        return queue_views(model)

    card = staticmethod(any_card)
