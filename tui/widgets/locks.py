"""The Locks pane: each lock by its variable name and type, who holds it and for how long, who waits in what
order, and how often it was taken."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from tui.engine.model import LockState, Model, Part, State
from tui.widgets.badges import Palette, thread_label
from tui.widgets.cards import CardPane

NAME_STYLE = Style(bold=True)
DIM = Style(dim=True)


def seconds(ns: int) -> str:
    return f"{max(ns, 0) / 1e9:.2f} s"


@dataclass(frozen=True, slots=True)
class LockView:
    """What the pane shows of one lock, copied out of the model: it is laid out later, outside the model's lock."""

    title: str
    type: str
    site: str | None
    owners: tuple[str, ...]
    held_ns: int | None  # how long the first owner has held it, by the model's clock
    depth: int
    waiters: tuple[str, ...]
    acquisitions: int
    timeouts: int

    @classmethod
    def of(cls, model: Model, lock: LockState) -> LockView:
        held = model.now - lock.acquired_t if lock.owners and lock.acquired_t is not None else None
        return cls(lock.name or lock.id, lock.type, lock.site,
                   tuple(thread_label(model, pid, tid) for pid, tid in lock.owners), held, lock.depth,
                   tuple(thread_label(model, pid, tid) for pid, tid in lock.waiters), lock.acquisitions,
                   lock.timeouts)


def flow(text: Text, parts: list[str], width: int, indent: int, style: Style = DIM) -> None:
    """Append ``parts`` after ``text``'s last line, two spaces apart, starting a new indented line for a part that
    would not fit: words are never cut in the middle by the pane's wrapping."""
    line_width = cell_len(text.plain[text.plain.rfind("\n") + 1:])
    for part in parts:
        if line_width + 2 + len(part) <= width:
            text.append("  ", style=style)
            line_width += 2
        else:
            text.append("\n" + " " * indent)
            line_width = indent
        text.append(part, style=style)
        line_width += len(part)


def lock_text(view: LockView, width: int, projector: bool, palette: Palette) -> Text:
    """One lock as a few lines laid out for ``width``; too narrow for chip and name on one line, they stack.
    The chips reuse the state colours: a holder runs, a waiter is blocked."""
    chip_width = 11 if projector else 9
    indent = 2
    text = Text()
    text.append(view.title, style=NAME_STYLE)
    flow(text, [view.type], width, indent, Style())

    bodies = [*view.owners, *(f"{i}. {w}" for i, w in enumerate(view.waiters, 1)), "nobody holds it"]
    side_by_side = indent + chip_width + 1 + max(len(b) for b in bodies) <= width
    body_indent = indent + chip_width + 1 if side_by_side else indent + 2

    def row(chip: str, chip_style: Style, first: bool, body: Text) -> None:
        if first or side_by_side:
            text.append("\n" + " " * indent)
            text.append(chip.ljust(chip_width) if first else " " * chip_width, style=chip_style if first else Style())
        if side_by_side:
            text.append(" ")
        else:
            text.append("\n" + " " * body_indent)
        text.append_text(body)

    if view.owners:
        for i, owner in enumerate(view.owners):
            body = Text(owner, style=NAME_STYLE)
            if i == 0 and view.held_ns is not None:
                held = f"held {seconds(view.held_ns)}" + (f", re-entered {view.depth}×" if view.depth > 1 else "")
                fits = body_indent + body.cell_len + 2 + len(held) <= width
                body.append("  " + held if fits else "\n" + " " * body_indent + held)
            row(" ▶ HELD BY " if projector else " owner ", palette.badge(State.RUNNING), i == 0, body)
    else:
        row(" ✓ FREE " if projector else " free ", palette.badge(State.EXITED), True,
            Text("nobody holds it", style=DIM))
    for i, waiter in enumerate(view.waiters, 1):
        body = Text(f"{i}. ", style=NAME_STYLE)
        body.append(waiter)
        row(" ■ WAITING " if projector else " waiting ", palette.badge(State.BLOCKED), i == 1, body)
    if not projector:  # last: a short pane shows what matters first
        text.append("\n ")
        facts = [f"{view.acquisitions} acquired" + (f", {view.timeouts} timed out" if view.timeouts else "")]
        if view.site:
            facts.append(view.site)
        flow(text, facts, width, indent + 1)
    return text


class LockPane(CardPane):
    """Every lock of the run, in the order they were made."""

    PART: ClassVar[Part] = Part.LOCKS
    BORDER_TITLE = "Locks"
    EMPTY = "no locks yet"
    BODY_ID = "locks-body"

    def clock_key(self, model: Model, tick: int) -> Hashable:
        # "held 2 s" moves only while some lock is held
        return tick if any(lock.owners for lock in model.locks.values()) else None

    def views(self, model: Model) -> tuple[LockView, ...]:
        return tuple(LockView.of(model, lock) for lock in model.locks.values())

    card = staticmethod(lock_text)
