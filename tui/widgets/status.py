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


# What the line says, in each language (phases by their value).
WORDS: dict[str, dict[str, str]] = {
    "en": {"enter": " (Enter runs it)", "cursor": "cursor", "next": "next:", "speed": "speed", "exit": "exit",
           "signal": "signal", "lost": "⚠ its reaper was killed: contui ended the run",
           "dropped": "⚠ {n} malformed frame{s} dropped", "unrecorded": "⚠ not recorded: {}",
           "followers": "⇄ {} following"},
    "zh": {"enter": "（按 Enter 运行）", "cursor": "游标", "next": "下一步：", "speed": "速度", "exit": "退出码",
           "signal": "信号", "lost": "⚠ 收尸进程被杀：contui 结束了这次运行",
           "dropped": "⚠ 丢弃了 {n} 个错误的事件帧", "unrecorded": "⚠ 未录制：{}", "followers": "⇄ {} 人在看",
           **{phase.value: word for phase, word in (
               (Phase.READY, "就绪"), (Phase.STARTING, "启动中"), (Phase.RUNNING, "运行中"), (Phase.STEPPING, "单步"),
               (Phase.FROZEN, "已冻结"), (Phase.STOPPING, "停止中"), (Phase.STOPPED, "已停止"), (Phase.EXITED, "已结束"),
               (Phase.FAILED, "失败"), (Phase.REPLAY, "回放"))}},
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
    """Most important first (state, target, speed), the title last: at 80 columns the end is what gets cut. Projector
    mode says less, so that the scenario's number and title fit (its list is hidden there): no speed at 1×, no
    language, the title right after the scenario."""
    words = WORDS["zh"] if info.lang == "zh" else WORDS["en"]
    symbol = SYMBOLS.get(info.phase, "?")
    style = phase_style or Style(bold=True)
    if info.projector:
        style = Style(bold=True, reverse=True)  # the projector's status bar is bright: colours on it would wash out
    word: str = words.get(info.phase.value, info.phase.value.upper())
    if info.phase in (Phase.EXITED, Phase.FAILED, Phase.STOPPED) and info.code is not None:
        code = info.code
        word = f"{word} · {words['exit']} {code}" if code >= 0 else f"{word} · {words['signal']} {-code}"
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(" contui ", style=brand_style or Style(bold=True, reverse=True))
    out.append(" ")
    out.append(f"{symbol} {word.upper()}", style=style)
    if info.phase is Phase.READY:
        if not info.projector:
            out.append(words["enter"], style="italic")
    elif info.cursor:  # looking back: the cursor's time is the time that matters
        # Projector mode: only the time (the event count is for the one at the keyboard; the title must fit).
        cursor = info.cursor.partition(" · ")[0] if info.projector else info.cursor
        out.append(f" {words['cursor']} {cursor}", style="bold")
    else:
        out.append(f" {info.seconds:.1f}s", style="" if info.projector else "dim")
    out.append("  ")
    out.append(info.label or "—", style="bold")
    if info.projector and info.title:
        out.append(f" · {info.title}", style="bold italic")
    if info.next_step:  # before the speed: in step mode, what the next step does is the point
        out.append(f"  {words['next']} {info.next_step}", style="bold")
    if not info.projector or info.speed != 1:
        out.append(f"  {words['speed']} {info.speed:g}×")
    if info.followers is not None:  # sharing: how many browsers follow
        out.append(f"  ⇄ {info.followers}" if info.projector else f"  {words['followers'].format(info.followers)}",
                   style="bold")
    if not info.projector:
        out.append("  中文" if info.lang == "zh" else "  EN")
    if info.lost:
        out.append(f"  {words['lost']}", style="bold")
    if info.dropped:  # before the title: a reason to doubt what is on screen must not be the part cut off
        out.append(f"  {words['dropped'].format(n=info.dropped, s='s' if info.dropped > 1 else '')}", style="bold")
    if info.unrecorded:
        out.append(f"  {words['unrecorded'].format(info.unrecorded)}", style="bold")
    if info.title and not info.projector:
        out.append(f"  · {info.title}", style="italic")
    return out
