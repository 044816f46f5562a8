"""The stdin line: what the user types here is sent, one line per Enter, to the run's standard input.

When it shows (``ContuiApp._update_stdin_line``): while typing can reach a run that reads stdin, and Esc has not put it
away. Ctrl+D ends the run's input, as at a terminal: a script reading stdin gets EOF.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input

PLACEHOLDER = "a line for the run's stdin: Enter sends it, Ctrl+D ends the input (EOF), Esc puts this line away"
PLACEHOLDER_ZH = "给运行的 stdin 的一行：Enter 发送，Ctrl+D 结束输入（EOF），Esc 收起这一行"
STDIN_CALLS = frozenset({"input", "stdin.read"})  # a thread the tracer sees waiting in one of these reads stdin


def placeholder(lang: str = "en") -> str:
    """What the empty line says, in ``lang``."""
    return PLACEHOLDER_ZH if lang == "zh" else PLACEHOLDER


class StdinLine(Input):
    """The app shows it for runs that read stdin (the echo client, docs/examples, the user's scripts) and sends what
    is submitted; Esc and Ctrl+D are told to the app as messages."""

    BORDER_TITLE = "stdin"
    # Input binds ctrl+d to "delete the character right of the cursor"; here it is a terminal's end of input.
    BINDINGS = [Binding("ctrl+d", "end_input", "end of input", show=False)]
    lang: reactive[str] = reactive("en")  # "en" or "zh": the placeholder's language

    class PutAway(Message):
        """Esc: the user is done typing; the app hides the line (i brings it back) and the keys are the app's again."""

    class Ended(Message):
        """Ctrl+D: the end of the run's input. ``text`` is what was typed and not sent yet (sent first, as a line)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None, lang: str = "en") -> None:
        super().__init__(placeholder=placeholder(lang), id=id, compact=True)
        self.set_reactive(StdinLine.lang, lang)

    def watch_lang(self, lang: str) -> None:
        self.placeholder = placeholder(lang)

    def on_key(self, event: events.Key) -> None:
        # Esc hands the keys back to the app (so s, space, q ... work again) without losing the line.
        if event.key == "escape":
            event.stop()
            self.post_message(self.PutAway())

    def action_end_input(self) -> None:
        text, self.value = self.value, ""
        self.post_message(self.Ended(text))
