"""The help screen: every key of the app with what it does, built from the app's own bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close help", id="help-close"),
    ]

    def __init__(self, rows: list[tuple[str, str]], intro: str = "") -> None:
        super().__init__()
        self.rows = rows
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
