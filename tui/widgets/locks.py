"""The synchronisation pane (still ``LockPane``): a card per primitive the script made, in the shape students know
it, by its variable name and type.

- a lock or RLock: who holds it and for how long (how deep, for an RLock), who waits in what order;
- a semaphore: its seats as boxes (`■■□ 2 of 3 taken`), who holds a seat, who waits for one;
- an event: its flag, SET or CLEAR, and who waits for it;
- a barrier: how many of its parties are at it, and whether it is broken;
- a condition: who waits in its wait(), and who holds its lock.

Chips reuse the state colours: a holder runs, a waiter is blocked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text

from tui.engine.model import Model, Part, State
from tui.engine.model.records import counting_now
from tui.engine.model.locks import LockRecord, Summarised
from tui.engine.model.sync import BarrierState, ConditionState, EventState, SemaphoreState, SyncRecord
from tui.widgets.badges import Palette, deadlock_badge, thread_label
from tui.widgets.cards import DIM, NAME_STYLE, CardPane, Row, add_facts, add_rows, card_title, counted, flow

__all__ = ["LockPane", "flow", "sync_card"]

SEATS_DRAWN = 24  # a semaphore with more seats shows its counts alone


def seconds(ns: int) -> str:
    return f"{max(ns, 0) / 1e9:.2f} s"


def names(model: Model, keys: list[tuple[int, int]]) -> tuple[str, ...]:
    return tuple(thread_label(model, pid, tid) for pid, tid in keys)


# The chips: compact and projector words, and the state whose colour each wears.
@dataclass(frozen=True, slots=True)
class Chip:
    compact: str
    projector: str
    state: str

    def word(self, projector: bool) -> str:
        return self.projector if projector else self.compact

    def style(self, palette: Palette) -> Style:
        return palette.badge(self.state)


OWNER = Chip(" owner ", " ▶ HELD BY ", State.RUNNING)
HELD = Chip(" held ", " ▶ HELD ", State.RUNNING)
FREE = Chip(" free ", " ✓ FREE ", State.EXITED)
WAITING = Chip(" waiting ", " ■ WAITING ", State.BLOCKED)
SEATS = Chip(" seats ", " ▦ SEATS ", State.SLEEPING)
HOLDER = Chip(" holder ", " ▶ HOLDER ", State.RUNNING)
SET = Chip(" set ", " ⚑ SET ", State.RUNNING)
CLEAR = Chip(" clear ", " ⚑ CLEAR ", State.BLOCKED)
WOKEN = Chip(" woken ", " ↻ WOKEN ", State.JOINING)
PARTIES = Chip(" parties ", " ⧗ PARTIES ", State.SLEEPING)
BROKEN = Chip(" broken ", " × BROKEN ", State.KILLED)
IN_WAIT = Chip(" in wait ", " ■ IN WAIT ", State.BLOCKED)
HOT = Chip(" hot ", " ≋ HOT LOOP ", State.RUNNING)


def chip_width(projector: bool) -> int:
    return 11 if projector else 9


def row(chip: Chip, body: Text, projector: bool, palette: Palette, after: str = "") -> Row:
    return Row(chip.word(projector), chip.style(palette), body, after)


def numbered(chip: Chip, who: tuple[str, ...], projector: bool, palette: Palette) -> list[Row]:
    """`1. Process-2 [124]`, `2. ...`: a queue of waiters, first in line first."""
    out = []
    for i, name in enumerate(who, 1):
        body = Text(f"{i}. ", style=NAME_STYLE)
        body.append(name)
        out.append(row(chip, body, projector, palette))
    return out


@dataclass(frozen=True, slots=True)
class CardView:
    """What every card shows, copied out of the model: cards are laid out later, outside the model's lock."""

    title: str  # the variable it was assigned to, or its id
    type: str
    site: str | None


def card(view: CardView, rows: list[Row], fact: str, width: int, projector: bool,
         measure: tuple[str, ...] = (), badge: Text | None = None) -> Text:
    text = card_title(view.title, view.type, width, badge)
    add_rows(text, rows, width, chip_width(projector), measure)
    if not projector:  # last: a short pane shows what matters first
        add_facts(text, [fact] + ([view.site] if view.site else []), width)
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

    @classmethod
    def of(cls, model: Model, lock: LockRecord) -> LockView:
        held = model.now - lock.acquired_t if lock.owners and lock.acquired_t is not None else None
        total = lock.summarised
        deadlock = model.deadlock
        return cls(lock.name or lock.id, lock.type, lock.site, names(model, lock.owners), held, lock.depth,
                   names(model, lock.waiters), lock.acquisitions, lock.timeouts, lock.fails, lock.owner_unreported,
                   *_summarised(total, model.now), deadlock is not None and lock.id in deadlock.locks)


def _summarised(total: Summarised | None, now: int) -> tuple[str | None, str, bool]:
    """What the card says of a lock's hot loops: its row (`2,999,687 counted in a hot loop`), its facts (`6,116 waits,
    longest 16.0 ms; 187,480 holds timed: 0.4 µs on average, longest 1.3 ms`), and whether it counts now."""
    if total is None:
        return None, "", False
    counting = total.counting(now)
    facts = []
    if total.waits:
        facts.append(f"{total.waits:,} waits, longest {_ms(total.wait_max_ns)}")
    if total.timed:
        facts.append(f"{total.timed:,} holds timed: {_ms(total.hold_ns // total.timed)} on average, longest "
                     f"{_ms(total.hold_max_ns)}")
    return (f"{total.acquires:,} counted" + (" in a hot loop" if counting else " in hot loops"), "; ".join(facts),
            counting)


def _ms(ns: int) -> str:
    if ns < 1_000_000:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns / 1e6:.1f} ms" if ns < 10_000_000_000 else f"{ns / 1e9:.0f} s"


def holding_rows(view: LockView, projector: bool, palette: Palette, free_text: str = "nobody holds it") -> list[Row]:
    """Who holds the lock and for how long; or that it is held by someone whose report is on its way; or free."""
    if view.owners:
        out = []
        for i, owner in enumerate(view.owners):
            after = ""
            if i == 0 and view.held_ns is not None:
                after = f"held {seconds(view.held_ns)}" + (f", re-entered {view.depth}×" if view.depth > 1 else "")
            out.append(row(OWNER, Text(owner, style=NAME_STYLE), projector, palette, after))
        return out
    if view.unreported:
        return [row(HELD, Text("its owner's report is on its way", style=DIM), projector, palette)]
    return [row(FREE, Text(free_text, style=DIM), projector, palette)]


def taken_facts(view: LockView | SemaphoreView) -> str:
    """`12 acquired, 1 timed out, 2 failed tries`: a lock's or a semaphore's."""
    fact = f"{view.acquisitions} acquired"
    if view.timeouts:
        fact += f", {view.timeouts} timed out"
    if view.fails:
        fact += f", {counted(view.fails, 'failed try', 'failed tries')}"
    return fact


def lock_text(view: LockView, width: int, projector: bool, palette: Palette) -> Text:
    """One lock as a few lines laid out for ``width``; too narrow for chip and body on one line, they stack. A lock
    a hot loop takes says so after who holds it: what the card counts of it is summarised, not each acquire."""
    rows = holding_rows(view, projector, palette) + numbered(WAITING, view.waiters, projector, palette)
    fact = taken_facts(view)
    if view.summary is not None:
        rows.append(row(HOT, Text(view.summary, style=NAME_STYLE if view.hot else DIM), projector, palette))
        fact += f"; {view.summary_facts}" if view.summary_facts else ""
    return card(view, rows, fact, width, projector, measure=("nobody holds it",),
                badge=deadlock_badge(palette, projector) if view.deadlock else None)


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


def seats_text(view: SemaphoreView, palette: Palette) -> Text:
    """`■■□ 2 of 3 taken`: a box per seat, taken ones in the running colour."""
    text = Text()
    if view.seats <= SEATS_DRAWN:
        text.append("■" * view.taken, style=palette.colour(State.RUNNING))
        text.append("□" * (view.seats - view.taken), style=DIM)
        text.append(" ")
    text.append(f"{view.taken} of {view.seats} taken", style=NAME_STYLE)
    return text


def semaphore_text(view: SemaphoreView, width: int, projector: bool, palette: Palette) -> Text:
    rows = [row(SEATS, seats_text(view, palette), projector, palette)]
    for name, n in view.holders:
        rows.append(row(HOLDER, Text(name + (f" ×{n}" if n > 1 else ""), style=NAME_STYLE), projector, palette))
    rows += numbered(WAITING, view.waiters, projector, palette)
    return card(view, rows, taken_facts(view), width, projector)


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


def event_text(view: EventView, width: int, projector: bool, palette: Palette) -> Text:
    if view.is_set:
        rows = [row(SET, Text("wait() returns at once", style=DIM), projector, palette)]
    else:
        rows = [row(CLEAR, Text("wait() waits for set()", style=DIM), projector, palette)]
    rows += [row(WOKEN, Text(name, style=NAME_STYLE), projector, palette) for name in view.woken]
    rows += numbered(WAITING, view.waiters, projector, palette)
    fact = f"{view.sets} set, {view.clears} cleared" + (f", {view.timeouts} timed out" if view.timeouts else "")
    return card(view, rows, fact, width, projector)


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


def barrier_text(view: BarrierView, width: int, projector: bool, palette: Palette) -> Text:
    parties = "?" if view.parties is None else str(view.parties)
    rows = [row(PARTIES, Text(f"{len(view.waiting)} of {parties} at the barrier", style=NAME_STYLE), projector,
                palette)]
    if view.broken:
        rows.append(row(BROKEN, Text("wait() raises BrokenBarrierError", style=DIM), projector, palette))
    rows += numbered(WAITING, view.waiting, projector, palette)
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


def condition_text(view: ConditionView, width: int, projector: bool, palette: Palette) -> Text:
    """Its waiting room first (who is in wait()), then its lock: who holds it, who waits to take it (back)."""
    rows = numbered(IN_WAIT, view.room, projector, palette)
    lock = view.lock
    if lock is not None:
        rows += holding_rows(lock, projector, palette, "nobody holds its lock")
        rows += numbered(WAITING, lock.waiters, projector, palette)
    if view.summarised:
        words = f"{view.summarised:,} waits and notifies counted in " + ("a hot loop" if view.hot else "hot loops")
        rows.append(row(HOT, Text(words, style=NAME_STYLE if view.hot else DIM), projector, palette))
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


def sync_card(view: SyncView, width: int, projector: bool, palette: Palette) -> Text:
    """Each primitive's card in its own shape."""
    return _CARDS[type(view)](view, width, projector, palette)  # type: ignore[operator]


class LockPane(CardPane):
    """Every synchronisation primitive of the run, in the order they were made."""

    PART: ClassVar[Part] = Part.LOCKS
    BORDER_TITLE = "Sync"
    EMPTY = "no locks yet"
    BODY_ID = "locks-body"

    def clock_key(self, model: Model, tick: int) -> Hashable:
        # "held 2 s" moves only while some lock is held
        return tick if any(lock.owners for lock in model.locks.values()) else None

    def views(self, model: Model) -> tuple[SyncView, ...]:
        return tuple(view_of(model, record) for record in model.primitives())

    card = staticmethod(sync_card)
