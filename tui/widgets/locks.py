"""The synchronisation pane (still ``LockPane``): a card per primitive the script made, in the shape students know
it, by its variable name and type.

- a lock or RLock: who holds it and for how long (how deep, for an RLock), who waits in what order;
- a semaphore: its seats as boxes (`■■□ 2 of 3 taken`), who holds a seat, who waits for one;
- an event: its flag, SET or CLEAR, and who waits for it;
- a barrier: how many of its parties are at it, and whether it is broken;
- a condition: who waits in its wait(), and who holds its lock.

Chips reuse the state colours: a holder runs, a waiter is blocked. Waiters are listed in the order they came,
which is not the order a lock, a semaphore or an event wakes them: the card says so under a list of two or more.
Every word is said in English or Chinese (``lang``), the Chinese beside the English.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from tui.engine.model import Model, Part, State
from tui.engine.model.records import counting_now
from tui.engine.model.locks import LockRecord, Summarised
from tui.engine.model.sync import BarrierState, ConditionState, EventState, SemaphoreState, SyncRecord
from tui.widgets.badges import Palette, deadlock_badge, thread_label
from tui.widgets.cards import DIM, NAME_STYLE, CardPane, Row, add_facts, add_rows, card_title, counted, flow, pick

__all__ = ["LockPane", "flow", "sync_card"]

SEATS_DRAWN = 24  # a semaphore with more seats shows its counts alone
# Under a list of waiters whose order is not the order they will be woken in (all but a threading.Condition's).
ARRIVAL_NOTE = ("arrival order, not wake order", "按到达顺序，不是唤醒顺序")


def seconds(ns: int, lang: str = "en") -> str:
    return pick(lang, f"{max(ns, 0) / 1e9:.2f} s", f"{max(ns, 0) / 1e9:.2f} 秒")


def names(model: Model, keys: list[tuple[int, int]]) -> tuple[str, ...]:
    return tuple(thread_label(model, pid, tid) for pid, tid in keys)


# The chips: compact and projector words (English, then Chinese), and the state whose colour each wears.
@dataclass(frozen=True, slots=True)
class Chip:
    compact: str
    projector: str
    state: str
    compact_zh: str
    projector_zh: str

    def word(self, projector: bool, lang: str = "en") -> str:
        if lang == "zh":
            return self.projector_zh if projector else self.compact_zh
        return self.projector if projector else self.compact

    def style(self, palette: Palette) -> Style:
        return palette.badge(self.state)


OWNER = Chip(" owner ", " ▶ HELD BY ", State.RUNNING, " 持有者 ", " ▶ 持有者 ")
HELD = Chip(" held ", " ▶ HELD ", State.RUNNING, " 被持有 ", " ▶ 被持有 ")
FREE = Chip(" free ", " ✓ FREE ", State.EXITED, " 空闲 ", " ✓ 空闲 ")
WAITING = Chip(" waiting ", " ■ WAITING ", State.BLOCKED, " 等待 ", " ■ 等待 ")
SEATS = Chip(" seats ", " ▦ SEATS ", State.SLEEPING, " 座位 ", " ▦ 座位 ")
HOLDER = Chip(" holder ", " ▶ HOLDER ", State.RUNNING, " 持有者 ", " ▶ 持有者 ")
SET = Chip(" set ", " ⚑ SET ", State.RUNNING, " 已设置 ", " ⚑ 已设置 ")
CLEAR = Chip(" clear ", " ⚑ CLEAR ", State.BLOCKED, " 未设置 ", " ⚑ 未设置 ")
WOKEN = Chip(" woken ", " ↻ WOKEN ", State.JOINING, " 已唤醒 ", " ↻ 已唤醒 ")
PARTIES = Chip(" parties ", " ⧗ PARTIES ", State.SLEEPING, " 参与方 ", " ⧗ 参与方 ")
BROKEN = Chip(" broken ", " × BROKEN ", State.KILLED, " 已破坏 ", " × 已破坏 ")
IN_WAIT = Chip(" in wait ", " ■ IN WAIT ", State.BLOCKED, " 等通知 ", " ■ 等通知 ")  # in its wait(), for a notify
HOT = Chip(" hot ", " ≋ HOT LOOP ", State.RUNNING, " 热循环 ", " ≋ 热循环 ")
CHIPS = (OWNER, HELD, FREE, WAITING, SEATS, HOLDER, SET, CLEAR, WOKEN, PARTIES, BROKEN, IN_WAIT, HOT)


def chip_width(projector: bool, lang: str = "en") -> int:
    """The chip column's width: the widest chip of the language and form, so every card's bodies line up."""
    if lang == "zh":
        return max(cell_len(chip.word(projector, lang)) for chip in CHIPS)
    return 11 if projector else 9


def row(chip: Chip, body: Text, projector: bool, palette: Palette, after: str = "", lang: str = "en") -> Row:
    return Row(chip.word(projector, lang), chip.style(palette), body, after)


def numbered(chip: Chip, who: tuple[str, ...], projector: bool, palette: Palette, lang: str = "en",
             fifo: bool = False) -> list[Row]:
    """`1. Process-2 [124]`, `2. ...`: waiters in the order they came. Only a ``fifo`` primitive wakes them in that
    order; under two or more waiters of any other a dim note says it does not, lest a student read it as a queue."""
    out = []
    for i, name in enumerate(who, 1):
        body = Text(f"{i}. ", style=NAME_STYLE)
        body.append(name)
        out.append(row(chip, body, projector, palette, lang=lang))
    if len(who) > 1 and not fifo:
        # Not measured: a note as wide as the names would push every body of the card under its chip.
        out.append(Row(chip.word(projector, lang), chip.style(palette), Text(pick(lang, *ARRIVAL_NOTE), style=DIM),
                       measured=False))
    return out


@dataclass(frozen=True, slots=True)
class CardView:
    """What every card shows, copied out of the model: cards are laid out later, outside the model's lock."""

    title: str  # the variable it was assigned to, or its id
    type: str
    site: str | None


def card(view: CardView, rows: list[Row], fact: str | list[str], width: int, projector: bool,
         measure: tuple[str, ...] = (), badge: Text | None = None, lang: str = "en") -> Text:
    """``fact``: the counts of the last line, one part (English: `12 acquired, 1 timed out`) or several (Chinese:
    `获取 12 次`, `超时 1 次`; a part goes on the next line whole, and a Chinese count is never parted from its
    measure word by a wrap at the space between them)."""
    text = card_title(view.title, view.type, width, badge)
    add_rows(text, rows, width, chip_width(projector, lang), measure)
    if not projector:  # last: a short pane shows what matters first
        add_facts(text, ([fact] if isinstance(fact, str) else fact) + ([view.site] if view.site else []), width)
    return text


# -- locks ------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LockView(CardView):
    owners: tuple[str, ...]
    held_ns: int | None  # how long the first owner has held it, by the model's clock
    depth: int
    waiters: tuple[str, ...]
    acquisitions: int
    timeouts: int
    fails: int = 0
    unreported: bool = False  # held, but the owner's acquire has not arrived yet
    summary: str | None = None  # what its hot-loop summaries counted: `3,510,699 counted in a hot loop`
    summary_facts: str = ""  # their waits and hold times (see summary_facts)
    hot: bool = False  # a process summarises it now
    deadlock: bool = False  # one of the locks of the deadlock the banner names
    hot_counts: HotCounts | None = None  # the numbers ``summary`` and ``summary_facts`` say, for either language

    @classmethod
    def of(cls, model: Model, lock: LockRecord) -> LockView:
        held = model.now - lock.acquired_t if lock.owners and lock.acquired_t is not None else None
        total = lock.summarised
        deadlock = model.deadlock
        counts = HotCounts.of(total) if total is not None else None
        hot = total is not None and total.counting(model.now)
        summary, facts = counts.words(hot) if counts is not None else (None, "")
        return cls(lock.name or lock.id, lock.type, lock.site, names(model, lock.owners), held, lock.depth,
                   names(model, lock.waiters), lock.acquisitions, lock.timeouts, lock.fails, lock.owner_unreported,
                   summary, facts, hot, deadlock is not None and lock.id in deadlock.locks, counts)


@dataclass(frozen=True, slots=True)
class HotCounts:
    """What a lock's hot-loop summaries counted, copied out of the model's :class:`Summarised`."""

    acquires: int
    waits: int
    wait_max_ns: int
    timed: int
    hold_ns: int
    hold_max_ns: int

    @classmethod
    def of(cls, total: Summarised) -> HotCounts:
        return cls(total.acquires, total.waits, total.wait_max_ns, total.timed, total.hold_ns, total.hold_max_ns)

    def words(self, hot: bool, lang: str = "en") -> tuple[str, str]:
        """Its row (`2,999,687 counted in a hot loop`) and its facts (`6,116 waits, longest 16.0 ms; 187,480 holds
        timed: 0.4 µs on average, longest 1.3 ms`); ``hot``: a process counts it now."""
        if lang == "zh":
            row_words = f"热循环中，已计 {self.acquires:,} 次" if hot else f"热循环里共计 {self.acquires:,} 次"
        else:
            row_words = f"{self.acquires:,} counted" + (" in a hot loop" if hot else " in hot loops")
        return row_words, pick(lang, "; ", "  ").join(self.facts(lang))

    def facts(self, lang: str = "en") -> list[str]:
        """Its waits and its hold times, each a part of the card's last line."""
        facts = []
        if self.waits:
            facts.append(pick(lang, f"{self.waits:,} waits, longest {_ms(self.wait_max_ns)}",
                              f"等待 {self.waits:,} 次"))
            if lang == "zh":
                facts.append(f"最长等待 {_ms(self.wait_max_ns)}")
        if self.timed:
            average, longest = _ms(self.hold_ns // self.timed), _ms(self.hold_max_ns)
            if lang == "zh":
                facts += [f"持有计时 {self.timed:,} 次", f"平均持有 {average}", f"最长持有 {longest}"]
            else:
                facts.append(f"{self.timed:,} holds timed: {average} on average, longest {longest}")
        return facts


def _ms(ns: int) -> str:
    if ns < 1_000_000:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns / 1e6:.1f} ms" if ns < 10_000_000_000 else f"{ns / 1e9:.0f} s"


NOBODY = ("nobody holds it", "没有人持有")
NOBODY_ITS_LOCK = ("nobody holds its lock", "没有人持有它的锁")


def holding_rows(view: LockView, projector: bool, palette: Palette, free_text: tuple[str, str] = NOBODY,
                 lang: str = "en") -> list[Row]:
    """Who holds the lock and for how long; or that it is held by someone whose report is on its way; or free
    (``free_text``: what to say then, in English and Chinese)."""
    if view.owners:
        out = []
        for i, owner in enumerate(view.owners):
            after = ""
            if i == 0 and view.held_ns is not None:
                held = seconds(view.held_ns, lang)
                after = pick(lang, f"held {held}" + (f", re-entered {view.depth}×" if view.depth > 1 else ""),
                             f"持有 {held}" + (f"，重入 {view.depth} 次" if view.depth > 1 else ""))
            out.append(row(OWNER, Text(owner, style=NAME_STYLE), projector, palette, after, lang))
        return out
    if view.unreported:
        return [row(HELD, Text(pick(lang, "its owner's report is on its way", "持有者的报告还在路上"), style=DIM),
                    projector, palette, lang=lang)]
    return [row(FREE, Text(pick(lang, *free_text), style=DIM), projector, palette, lang=lang)]


def taken_facts(view: LockView | SemaphoreView, lang: str = "en") -> str | list[str]:
    """`12 acquired, 1 timed out, 2 failed tries`: a lock's or a semaphore's (in Chinese a part for each)."""
    if lang == "zh":
        return [f"获取 {view.acquisitions} 次"] + ([f"超时 {view.timeouts} 次"] if view.timeouts else []) + \
            ([f"尝试失败 {view.fails} 次"] if view.fails else [])
    fact = f"{view.acquisitions} acquired"
    if view.timeouts:
        fact += f", {view.timeouts} timed out"
    if view.fails:
        fact += f", {counted(view.fails, 'failed try', 'failed tries')}"
    return fact


def hot_words(view: LockView, lang: str) -> tuple[str, list[str]]:
    """The hot-loop row and facts of ``view`` (which has a summary) in ``lang``."""
    if view.hot_counts is None or lang != "zh":
        return view.summary or "", [view.summary_facts] if view.summary_facts else []
    return view.hot_counts.words(view.hot, lang)[0], view.hot_counts.facts(lang)


def badge_of(view: LockView, palette: Palette, projector: bool, lang: str) -> Text | None:
    """` ✖ deadlock ` beside the name of a lock of the deadlock the banner names; ` ✖ 死锁 ` in Chinese."""
    if not view.deadlock:
        return None
    badge = deadlock_badge(palette, projector)
    return Text(" ✖ 死锁 ", style=badge.style) if lang == "zh" else badge


def lock_text(view: LockView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """One lock as a few lines laid out for ``width``; too narrow for chip and body on one line, they stack. A lock
    a hot loop takes says so after who holds it: what the card counts of it is summarised, not each acquire."""
    rows = holding_rows(view, projector, palette, lang=lang) + numbered(WAITING, view.waiters, projector, palette,
                                                                        lang)
    fact = taken_facts(view, lang)
    if view.summary is not None:
        summary, summary_facts = hot_words(view, lang)
        rows.append(row(HOT, Text(summary, style=NAME_STYLE if view.hot else DIM), projector, palette, lang=lang))
        if isinstance(fact, str):
            fact += "".join(f"; {part}" for part in summary_facts)
        else:
            fact += summary_facts
    return card(view, rows, fact, width, projector, measure=(pick(lang, *NOBODY),),
                badge=badge_of(view, palette, projector, lang), lang=lang)


# -- semaphores -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SemaphoreView(CardView):
    seats: int
    taken: int
    holders: tuple[tuple[str, int], ...]  # who holds seats, and how many, in the order they took the first
    waiters: tuple[str, ...]
    acquisitions: int
    timeouts: int
    fails: int

    @classmethod
    def of(cls, model: Model, s: SemaphoreState) -> SemaphoreView:
        held = Counter(names(model, s.holders))
        return cls(s.name or s.id, s.type, s.site, s.seats, s.taken, tuple(held.items()), names(model, s.waiters),
                   s.acquisitions, s.timeouts, s.fails)


def seats_text(view: SemaphoreView, palette: Palette, lang: str = "en") -> Text:
    """`■■□ 2 of 3 taken`: a box per seat, taken ones in the running colour."""
    text = Text()
    if view.seats <= SEATS_DRAWN:
        text.append("■" * view.taken, style=palette.colour(State.RUNNING))
        text.append("□" * (view.seats - view.taken), style=DIM)
        text.append(" ")
    text.append(pick(lang, f"{view.taken} of {view.seats} taken", f"占用 {view.taken}/{view.seats}"), style=NAME_STYLE)
    return text


def semaphore_text(view: SemaphoreView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    rows = [row(SEATS, seats_text(view, palette, lang), projector, palette, lang=lang)]
    for name, n in view.holders:
        rows.append(row(HOLDER, Text(name + (f" ×{n}" if n > 1 else ""), style=NAME_STYLE), projector, palette,
                        lang=lang))
    rows += numbered(WAITING, view.waiters, projector, palette, lang)
    return card(view, rows, taken_facts(view, lang), width, projector, lang=lang)


# -- events -----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EventView(CardView):
    is_set: bool
    woken: tuple[str, ...]  # set() woke them; their return is on its way
    waiters: tuple[str, ...]
    sets: int
    clears: int
    timeouts: int

    @classmethod
    def of(cls, model: Model, e: EventState) -> EventView:
        woken = e.woken
        return cls(e.name or e.id, e.type, e.site, e.is_set, names(model, woken),
                   names(model, [k for k in e.waiters if k not in woken]), e.sets, e.clears, e.timeouts)


def event_text(view: EventView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    if view.is_set:
        rows = [row(SET, Text(pick(lang, "wait() returns at once", "wait() 立即返回"), style=DIM), projector, palette,
                    lang=lang)]
    else:
        rows = [row(CLEAR, Text(pick(lang, "wait() waits for set()", "wait() 等待 set()"), style=DIM), projector,
                    palette, lang=lang)]
    rows += [row(WOKEN, Text(name, style=NAME_STYLE), projector, palette, lang=lang) for name in view.woken]
    rows += numbered(WAITING, view.waiters, projector, palette, lang)
    if lang == "zh":
        fact: str | list[str] = [f"set {view.sets} 次", f"clear {view.clears} 次"] + \
            ([f"超时 {view.timeouts} 次"] if view.timeouts else [])
    else:
        fact = f"{view.sets} set, {view.clears} cleared" + (f", {view.timeouts} timed out" if view.timeouts else "")
    return card(view, rows, fact, width, projector, lang=lang)


# -- barriers ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BarrierView(CardView):
    parties: int | None
    waiting: tuple[str, ...]
    broken: bool
    passes: int
    aborts: int
    resets: int

    @classmethod
    def of(cls, model: Model, b: BarrierState) -> BarrierView:
        return cls(b.name or b.id, b.type, b.site, b.parties, names(model, b.waiting), b.broken, b.passes, b.aborts,
                   b.resets)


def barrier_text(view: BarrierView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    parties = "?" if view.parties is None else str(view.parties)
    at = pick(lang, f"{len(view.waiting)} of {parties} at the barrier", f"已到达 {len(view.waiting)}/{parties}")
    rows = [row(PARTIES, Text(at, style=NAME_STYLE), projector, palette, lang=lang)]
    if view.broken:
        rows.append(row(BROKEN, Text(pick(lang, "wait() raises BrokenBarrierError", "wait() 抛出 BrokenBarrierError"),
                                     style=DIM), projector, palette, lang=lang))
    rows += numbered(WAITING, view.waiting, projector, palette, lang)
    if lang == "zh":
        parts = [f"通过 {view.passes} 次"] + ([f"破坏 {view.aborts} 次"] if view.aborts else []) + \
            ([f"重置 {view.resets} 次"] if view.resets else [])
        return card(view, rows, parts, width, projector, lang=lang)
    fact = f"{counted(view.passes, 'pass', 'passes')}"
    if view.aborts:
        fact += f", broken {counted(view.aborts, 'time')}"
    if view.resets:
        fact += f", reset {counted(view.resets, 'time')}"
    return card(view, rows, fact, width, projector)


# -- conditions -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ConditionView(CardView):
    lock: LockView | None  # its lock: who holds it, who waits to take it (back)
    room: tuple[str, ...]  # in wait(), in the order they began
    waits: int
    notifies: int
    timeouts: int
    summarised: int = 0  # waits and notifies its hot-loop summaries counted
    hot: bool = False

    @classmethod
    def of(cls, model: Model, c: ConditionState) -> ConditionView:
        lock = model.locks.get(c.lock) if c.lock is not None else None
        return cls(c.name or c.id, c.type, c.site, LockView.of(model, lock) if lock is not None else None,
                   names(model, c.room), c.waits, c.notifies, c.timeouts, c.summarised,
                   counting_now((span[4] for span in c.hot.values()), model.now))


def condition_text(view: ConditionView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """Its waiting room first (who is in wait()), then its lock: who holds it, who waits to take it (back). A
    threading.Condition's notify() wakes its room in the order they came; a multiprocessing one's need not."""
    rows = numbered(IN_WAIT, view.room, projector, palette, lang, fifo=view.type == "threading.Condition")
    lock = view.lock
    if lock is not None:
        rows += holding_rows(lock, projector, palette, NOBODY_ITS_LOCK, lang)
        rows += numbered(WAITING, lock.waiters, projector, palette, lang)
    if view.summarised:
        if lang == "zh":
            words = (f"热循环中，已计 {view.summarised:,} 次" if view.hot else f"热循环里共计 {view.summarised:,} 次") + \
                " wait 和 notify"
        else:
            words = f"{view.summarised:,} waits and notifies counted in " + ("a hot loop" if view.hot else "hot loops")
        rows.append(row(HOT, Text(words, style=NAME_STYLE if view.hot else DIM), projector, palette, lang=lang))
    if lang == "zh":
        parts = [f"wait {view.waits} 次", f"notify {view.notifies} 次"] + \
            ([f"超时 {view.timeouts} 次"] if view.timeouts else [])
        if lock is not None:
            parts.append(f"它的锁是 {lock.type}")
            if lock.summary is not None:
                parts.append(f"它的锁{hot_words(lock, lang)[0]}")
        return card(view, rows, parts, width, projector, lang=lang)
    fact = f"{counted(view.waits, 'wait')}, {counted(view.notifies, 'notify', 'notifies')}"
    if view.timeouts:
        fact += f", {view.timeouts} timed out"
    if lock is not None:
        fact += f", its lock a {lock.type}"
        if lock.summary is not None:
            fact += f"; its lock {lock.summary}"
    return card(view, rows, fact, width, projector)


# -- the pane ---------------------------------------------------------------------------------------------------------
SyncView = LockView | SemaphoreView | EventView | BarrierView | ConditionView

_VIEWS = {LockRecord: LockView, SemaphoreState: SemaphoreView, EventState: EventView, BarrierState: BarrierView,
          ConditionState: ConditionView}
_CARDS = {LockView: lock_text, SemaphoreView: semaphore_text, EventView: event_text, BarrierView: barrier_text,
          ConditionView: condition_text}


def view_of(model: Model, record: SyncRecord) -> SyncView:
    return _VIEWS[type(record)].of(model, record)  # type: ignore[attr-defined]


def sync_card(view: SyncView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """Each primitive's card in its own shape, in ``lang`` ("en" or "zh")."""
    return _CARDS[type(view)](view, width, projector, palette, lang)  # type: ignore[operator]


def sync_clock_key(model: Model, tick: int) -> Hashable:
    """What of the run's clock the cards show: "held 2 s" moves only while some lock is held."""
    return tick if any(lock.owners for lock in model.locks.values()) else None


def sync_views(model: Model) -> tuple[SyncView, ...]:
    """Every synchronisation primitive of the run, in the order they were made."""
    return tuple(view_of(model, record) for record in model.primitives())


class LockPane(CardPane):
    """Every synchronisation primitive of the run, in the order they were made."""

    PART: ClassVar[Part] = Part.LOCKS
    BORDER_TITLE = "Sync"
    EMPTY = "no locks yet"
    EMPTY_ZH = "还没有锁"
    BODY_ID = "locks-body"

    def clock_key(self, model: Model, tick: int) -> Hashable:
        return sync_clock_key(model, tick)

    def views(self, model: Model) -> tuple[SyncView, ...]:
        return sync_views(model)

    card = staticmethod(sync_card)
