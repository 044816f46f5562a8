"""The stdin line: what the user types here is sent, one line per Enter, to the run's standard input."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class StdinLine(Input):
    """Shown for targets that read stdin (the echo client) and for user scripts; the app sends what is submitted."""

    BORDER_TITLE = "stdin"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="type a line for the run's stdin, Enter sends it (Esc leaves)", id=id,
                         compact=True)

    def on_key(self, event: events.Key) -> None:
        # Esc hands the keys back to the app (so s, space, q ... work again) without losing the line.
        if event.key == "escape":
            event.stop()
            self.screen.focus_next()
