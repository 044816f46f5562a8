"""The status line: which target the panes show, the run's phase (running, frozen, exit code), speed and language.
It renders a :class:`tui.status.StatusInfo`; what it says is worked out in ``tui/status.py``."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from tui.status import Phase, StatusInfo

# Phase → symbol: a symbol and a word every time, so colour is never the only sign. Colours: ``status--<phase>``.
SYMBOLS = {
    Phase.READY: "○",
    Phase.STARTING: "…",
    Phase.RUNNING: "▶",
    Phase.STEPPING: "❚▶",
    Phase.FROZEN: "❚❚",
    Phase.STOPPING: "…",
    Phase.STOPPED: "■",
    Phase.EXITED: "✓",
    Phase.FAILED: "✗",
    Phase.REPLAY: "⟲",
}


class StatusLine(Static):
    """One line at the top; the app hands it a :class:`StatusInfo` and it renders it."""

    COMPONENT_CLASSES = {"status--brand", *(f"status--{phase.value}" for phase in Phase)}

    def show(self, info: StatusInfo) -> None:
        # One row whatever it says (app.tcss): no layout pass, which would repaint every pane on the screen.
        self.update(self.render_info(info), layout=False)

    def render_info(self, info: StatusInfo) -> Text:
        return render_status(info, self.get_component_rich_style(f"status--{info.phase.value}", partial=True),
                             self.get_component_rich_style("status--brand", partial=True))


def render_status(info: StatusInfo, phase_style: Style | None = None, brand_style: Style | None = None) -> Text:
    """Most important first (state, target, speed), the title last: at 80 columns the end is what gets cut."""
    symbol = SYMBOLS.get(info.phase, "?")
    style = phase_style or Style(bold=True)
    if info.projector:
        style = Style(bold=True, reverse=True)  # the projector's status bar is bright: colours on it would wash out
    word: str = info.phase.value
    if info.phase in (Phase.EXITED, Phase.FAILED, Phase.STOPPED) and info.code is not None:
        code = info.code
        word = f"{word} · exit {code}" if code >= 0 else f"{word} · signal {-code}"
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(" contui ", style=brand_style or Style(bold=True, reverse=True))
    out.append(" ")
    out.append(f"{symbol} {word.upper()}", style=style)
    if info.phase is Phase.READY:
        out.append(" (Enter runs it)", style="italic")
    elif info.cursor:  # looking back: the cursor's time is the time that matters
        out.append(f" cursor {info.cursor}", style="bold")
    else:
        out.append(f" {info.seconds:.1f}s", style="" if info.projector else "dim")
    out.append("  ")
    out.append(info.label or "—", style="bold")
    if info.next_step:  # before the speed: in step mode, what the next step does is the point
        out.append(f"  next: {info.next_step}", style="bold")
    out.append(f"  speed {info.speed:g}×")
    out.append("  中文" if info.lang == "zh" else "  EN")
    if info.projector:
        out.append("  PROJECTOR", style="bold")
    if info.lost:
        out.append("  ⚠ its reaper was killed: contui ended the run", style="bold")
    if info.dropped:  # before the title: a reason to doubt what is on screen must not be the part cut off
        out.append(f"  ⚠ {info.dropped} malformed frame{'s' if info.dropped > 1 else ''} dropped", style="bold")
    if info.unrecorded:
        out.append(f"  ⚠ not recorded: {info.unrecorded}", style="bold")
    if info.title:
        out.append(f"  · {info.title}", style="italic")
    return out
