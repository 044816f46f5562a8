"""The status line: which target the panes show, the run's state (running, frozen, exit code), speed and language."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

# State word → (symbol, style): a symbol and a word every time, so colour is never the only sign.
_STATES = {
    "ready": ("○", "bold"),
    "starting": ("…", "bold"),
    "running": ("▶", "bold green"),
    "frozen": ("❚❚", "bold reverse cyan"),
    "stopping": ("…", "bold"),
    "stopped": ("■", "bold yellow"),
    "exited": ("✓", "bold"),
    "failed": ("✗", "bold red"),
    "replay": ("⟲", "bold magenta"),
}


@dataclass(frozen=True)
class StatusInfo:
    label: str = ""  # "10 ticket_lock", or a script's file name
    title: str = ""  # the scenario's title, in the narration's language
    state: str = "ready"
    code: int | None = None  # the main process's exit code once the run has ended
    seconds: float = 0.0  # run time so far, from the model's clock
    speed: float = 1.0  # sleeps are divided by this, in the run going now and the next ones
    lang: str = "en"
    projector: bool = False


class StatusLine(Static):
    """One line at the top; the app hands it a :class:`StatusInfo` and it renders it."""

    def show(self, info: StatusInfo) -> None:
        # One row whatever it says (app.tcss): no layout pass, which would repaint every pane on the screen.
        self.update(render_status(info), layout=False)


def render_status(info: StatusInfo) -> Text:
    """Most important first (state, target, speed), the title last: at 80 columns the end is what gets cut."""
    symbol, style = _STATES.get(info.state, ("?", "bold"))
    if info.projector:
        style = "bold reverse"  # the projector's status bar is bright: colours on it would wash out
    word = info.state
    if info.state in ("exited", "failed", "stopped") and info.code is not None:
        code = info.code
        word = f"{info.state} · exit {code}" if code >= 0 else f"{info.state} · signal {-code}"
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(" contui ", style="bold reverse")
    out.append(" ")
    out.append(f"{symbol} {word.upper()}", style=style)
    if info.state == "ready":
        out.append(" (Enter runs it)", style="italic")
    else:
        out.append(f" {info.seconds:.1f}s", style="" if info.projector else "dim")
    out.append("  ")
    out.append(info.label or "—", style="bold")
    out.append(f"  speed {_x(info.speed)}")
    out.append("  中文" if info.lang == "zh" else "  EN")
    if info.projector:
        out.append("  PROJECTOR", style="bold")
    if info.title:
        out.append(f"  · {info.title}", style="italic")
    return out


def _x(speed: float) -> str:
    return f"{speed:g}×"
