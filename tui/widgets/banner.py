"""The alarm banner: under the status line, once the shown run has a deadlock (who holds what and waits for what),
a stall (every thread waits, with no timeout, for something none of the others will do) or a potential deadlock
(locks taken in orders that go round in a circle), in the chosen language. It renders the model's latest
:class:`DeadlockRecord`, :class:`StallRecord` or :class:`OrderRecord` (in that order of weight) and nothing else."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.engine.model import ALARM_WORDS, DeadlockRecord, Model, OrderRecord, StallRecord
from tui.engine.model.records import one_file

Alarm = DeadlockRecord | StallRecord | OrderRecord


def alarm_of(model: Model) -> Alarm | None:
    """What the banner shows of a run: its deadlock, else its stall, else its potential deadlock."""
    if model.deadlock is not None:
        return model.deadlock
    if model.stalls:
        return model.stalls[-1]
    return model.potential_deadlocks[-1] if model.potential_deadlocks else None


def alarm_text(record: Alarm, lang: str = "en", frozen: bool = False) -> Text:
    """``⚠ DEADLOCK · Process-2 holds A (x.py:12), waits for B (x.py:20) · Process-3 holds B ..., waits for A ...``
    (or ``⚠ STALL · every thread waits ... · MainProcess waits for q (Queue)``), and, while the live run is frozen
    at it, how to end it."""
    words = ALARM_WORDS.get(lang, ALARM_WORDS["en"])
    if isinstance(record, StallRecord):
        title, say = words["stall"], words["stalled"]
    elif isinstance(record, OrderRecord):
        title, say = words["potential"], words["inverted"]
    else:
        title, say = words["deadlock"], ""
    out = Text(f" ⚠ {title} ", style="bold reverse")
    if say:
        out.append(f" · {say}")
    # Sites all in one file (the script's, as a rule) name it once, at the end: five philosophers fit in two lines.
    here = one_file(site for member in record.members for site in member.sites)
    for member in record.members:
        out.append(" · ")
        out.append_text(Text.assemble(*((text, "bold" if name else "") for text, name in member.parts(lang, here))))
    if here is not None:
        out.append(f" · {words['all in'].format(here)}")
    if frozen:
        out.append(f" · {words['frozen']}", style="italic")
    return out


class DeadlockBanner(Static):
    """Shown while the model it was given has a deadlock or a stall (the deadlock first); hidden otherwise."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._shown: tuple[Alarm | None, str, bool] = (None, "", False)
        self.display = False

    def show(self, record: Alarm | None, lang: str, frozen: bool) -> None:
        """``frozen``: the live run is frozen now (the banner says how to end it)."""
        shown = (record, lang, frozen)
        if shown == self._shown:
            return
        self._shown = shown
        self.display = record is not None
        self.set_class(isinstance(record, (StallRecord, OrderRecord)), "-warning")
        if record is not None:
            self.update(alarm_text(record, lang, frozen))
