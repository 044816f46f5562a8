"""The help screen: every key of the app with what it does, made from the app's bindings (their tooltips), so the
help can never disagree with the keys."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# How a key is written in the help (the key bar uses the bindings' short ``key_display``).
KEY_NAMES = {
    "up": "↑", "down": "↓", "enter": "Enter", "space": "Space", "plus": "+", "equals_sign": "=", "minus": "-",
    "underscore": "_", "question_mark": "?", "ctrl+c": "Ctrl+C", "escape": "Esc", "tab": "Tab",
    "shift+tab": "Shift+Tab", "full_stop": ".", "comma": ",", "left_square_bracket": "[",
    "right_square_bracket": "]", "left_curly_bracket": "{", "right_curly_bracket": "}", "home": "Home", "end": "End",
    "E": "Shift+E",
}


def key_names(binding: Binding) -> list[str]:
    return [KEY_NAMES.get(key, key) for key in binding.key.split(",")]


def help_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, what they do) for every binding, in order. Bindings of one group that do the same thing (the same
    tooltip) share a row: the nine digit keys are one row "1-9"."""
    rows: list[tuple[str, str]] = []
    merged: dict[tuple[int, str], int] = {}  # (group, text) -> row index
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        text = binding.tooltip or binding.description
        keys = key_names(binding)
        at = merged.get((id(binding.group), text)) if binding.group is not None else None
        if at is None:
            if binding.group is not None:
                merged[(id(binding.group), text)] = len(rows)
            rows.append((", ".join(keys), text))
        else:
            rows[at] = (_join_keys(rows[at][0], keys), text)
    return rows


def _join_keys(before: str, more: list[str]) -> str:
    """``1`` + ``2`` → ``1-2``: a run of digit keys is written as a range."""
    first, _, last = before.partition("-")
    if len(more) == 1 and more[0].isdigit() and (last or first).isdigit() and int(more[0]) == int(last or first) + 1:
        return f"{first}-{more[0]}"
    return ", ".join([before, *more])


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close help", id="help-close"),
    ]

    def __init__(self, bindings: Iterable[BindingType], intro: str = "") -> None:
        super().__init__()
        self.rows = help_rows(bindings)
        self.intro = intro

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2), expand=False)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("What it does")
        for keys, what in self.rows:
            table.add_row(keys, what)
        with VerticalScroll(id="help-box") as box:
            box.border_title = "contui · keys"
            box.border_subtitle = "Esc, ? or q closes"
            if self.intro:
                yield Static(Text(self.intro), id="help-intro")
            yield Static(table, id="help-table")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
