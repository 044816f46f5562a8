"""The deadlock banner: under the status line, once the shown run has a deadlock, who holds what and waits for what,
in the chosen language. It renders the model's latest :class:`DeadlockRecord` and nothing else."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.engine.model import DeadlockMember, DeadlockRecord

WORDS = {
    "en": {"title": "DEADLOCK", "holds": "holds", "waits": "waits for", "frozen": "the run is frozen: s stops it"},
    "zh": {"title": "死锁", "holds": "持有", "waits": "等待", "frozen": "运行已冻结：按 s 停止"},
}


def deadlock_text(record: DeadlockRecord, lang: str = "en", frozen: bool = False) -> Text:
    """``⚠ DEADLOCK · Process-2 holds A (x.py:12), waits for B (x.py:20) · Process-3 holds B ..., waits for A ...``,
    and, while the live run is frozen at it, how to end it."""
    words = WORDS.get(lang, WORDS["en"])
    out = Text(f" ⚠ {words['title']} ", style="bold reverse")
    for member in record.members:
        out.append(" · ")
        out.append_text(_member(member, words))
    if frozen:
        out.append(f" · {words['frozen']}", style="italic")
    return out


def _member(m: DeadlockMember, words: dict[str, str]) -> Text:
    taken = f" ({m.taken_at})" if m.taken_at else ""
    waits = f" ({m.waits_at})" if m.waits_at else ""
    comma = "，" if words is WORDS["zh"] else ", "
    return Text.assemble((m.name, "bold"), f" {words['holds']} ", (m.holds_name, "bold"), taken, comma,
                         f"{words['waits']} ", (m.wants_name, "bold"), waits)


class DeadlockBanner(Static):
    """Shown while the model it was given has a deadlock; hidden otherwise."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._shown: tuple[DeadlockRecord | None, str, bool] = (None, "", False)
        self.display = False

    def show(self, record: DeadlockRecord | None, lang: str, frozen: bool) -> None:
        """``frozen``: the live run is frozen now (the banner says how to end it)."""
        shown = (record, lang, frozen)
        if shown == self._shown:
            return
        self._shown = shown
        self.display = record is not None
        if record is not None:
            self.update(deadlock_text(record, lang, frozen))
