"""State badges: every process/thread state as a colour AND a letter/symbol AND a word, in a compact and a
projector form, plus the sentence that says what the state is about (which lock, which child, which signal)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from tui.engine.describe import signal_name
from tui.engine.model import Model, ProcessNode, ThreadNode


@dataclass(frozen=True, slots=True)
class StateLook:
    """How one state looks everywhere: badge, timeline glyph and colours."""

    letter: str  # the compact badge, ps-like where ps has one
    symbol: str  # leads the projector badge
    word: str
    badge_style: str  # foreground ON background: readable whatever the theme's background is
    colour: str  # foreground only (timeline, text): mid-luminance so it reads on dark and on light
    glyph: str  # the timeline's fill for a stretch in this state


# Backgrounds carry an explicit foreground so the pair reads the same on dark and light themes.
LOOKS: dict[str, StateLook] = {
    "running": StateLook("R", "▶", "running", "bold #000000 on #5fd75f", "#2e9e44", "█"),
    "sleeping": StateLook("S", "z", "sleeping", "bold #000000 on #87afd7", "#3a7bd5", "─"),
    "blocked": StateLook("B", "■", "blocked", "bold #ffffff on #c62828", "#d32f2f", "▒"),
    "joining": StateLook("J", "⇥", "joining", "bold #000000 on #e0b000", "#b98900", "═"),
    "zombie": StateLook("Z", "†", "zombie", "bold #ffffff on #7b1fa2", "#9c27b0", "░"),
    "stopped": StateLook("T", "‖", "stopped", "bold #000000 on #ff9800", "#e65100", "╌"),
    "exited": StateLook("E", "✓", "exited", "bold #ffffff on #616161", "#808080", " "),
    "terminated": StateLook("X", "×", "terminated", "bold #ffffff on #ad1457", "#c2185b", " "),
    "killed": StateLook("K", "×", "killed", "bold #ffffff on #b71c1c", "#c62828", " "),
    "daemon-killed": StateLook("D", "×", "daemon-killed", "bold #ffffff on #8d4e00", "#a0522d", " "),
    "orphaned": StateLook("O", "↑", "orphaned", "bold #000000 on #26c6da", "#00838f", " "),
}
UNKNOWN_LOOK = StateLook("?", "?", "unknown", "bold #000000 on #bdbdbd", "#808080", "?")
# An exit with a non-zero code is worth seeing: same letter and word, a warning colour.
FAILED_EXIT_STYLE = "bold #000000 on #ff8a65"
WORD_STYLE = Style(bold=True)


def look(state: str) -> StateLook:
    return LOOKS.get(state, UNKNOWN_LOOK)


def badge(state: str, projector: bool = False, *, failed: bool = False) -> Text:
    """`R` (compact) or ` ▶ RUNNING ` (projector): never colour alone, the letter or word says it too."""
    lk = look(state)
    style = FAILED_EXIT_STYLE if failed and state == "exited" else lk.badge_style
    # The style goes on a span, not the Text's base style: appended text must not inherit the badge colours.
    text = Text()
    if projector:
        text.append(f" {lk.symbol} {lk.word.upper()} ", style=style)
    else:
        text.append(f" {lk.letter} ", style=style)
    return text


def process_label(model: Model, pid: int | None) -> str:
    """`Process-1 [21049]`, or the reaper's name, or just the pid."""
    if pid is None:
        return "?"
    p = model.processes.get(pid)
    if p is not None:
        return f"{p.name} [{pid}]"
    if pid == model.run.reaper:
        return f"contui-reaper [{pid}]"
    return f"[{pid}]"


def thread_label(model: Model, pid: int, tid: int, *, always: bool = False) -> str:
    """`Process-1 [21049]`, with the thread's name when it is not the main thread (or ``always``)."""
    th = model.thread(pid, tid)
    base = process_label(model, pid)
    if th is None:
        return base if (tid == pid and not always) else f"{base} thread {tid}"
    if th.tid == pid and not always:
        return base
    return f"{base} {th.name}"


def waited_object(model: Model, oid: str | None) -> str:
    """A lock or queue id as the script names it: `mutex (Lock)`."""
    if oid is None:
        return "?"
    lock = model.locks.get(oid)
    if lock is not None:
        return f"{lock.name or oid} ({short_type(lock.type)})"
    q = model.queues.get(oid)
    if q is not None:
        return f"{q.name or oid} ({short_type(q.type)})"
    return oid


def short_type(type_name: str) -> str:
    """`mp.Lock` → `Lock`; the module prefix is noise on screen (the pane says the full type once)."""
    return type_name.rsplit(".", 1)[-1]


def state_detail(model: Model, state: str, *, blocked_on: str | None = None, joining: int | None = None,
                 joining_kind: str | None = None, node: ProcessNode | None = None) -> str:
    """What the state is about, in words: `on mutex (Lock)`, `for Process-2 [21013]`, `code 0`, `SIGTERM`."""
    if state == "blocked":
        return f"on {waited_object(model, blocked_on)}"
    if state == "joining":
        if joining is None:
            return ""
        if joining_kind == "thread":
            for p in model.processes.values():
                th = p.threads.get(joining)
                if th is not None:
                    return f"for thread {th.name}"
            return f"for thread {joining}"
        return f"for {process_label(model, joining)}"
    if node is None:
        return ""
    if state == "exited":
        return f"code {node.exit_code}" if node.exit_code is not None else ""
    if state in ("terminated", "killed"):
        return f"by {signal_name(node.signal or node.terminate_signal)}"
    if state == "daemon-killed":
        return "killed as a daemon at its parent's exit"
    return ""


def process_state_text(model: Model, p: ProcessNode, projector: bool = False) -> Text:
    """Badge + word + detail for a process, e.g. ` B  blocked on mutex (Lock)`."""
    state = p.state
    detail = state_detail(model, state, blocked_on=p.blocked_on, joining=p.joining,
                          joining_kind=_joining_kind(p), node=p)
    return _state_text(state, detail, projector, failed=state == "exited" and bool(p.exit_code))


def thread_state_text(model: Model, th: ThreadNode, projector: bool = False) -> Text:
    detail = state_detail(model, th.state, blocked_on=th.blocked_on, joining=th.joining,
                          joining_kind=th.joining_kind)
    return _state_text(th.state, detail, projector)


def _state_text(state: str, detail: str, projector: bool, failed: bool = False) -> Text:
    text = Text()
    text.append_text(badge(state, projector, failed=failed))
    if not projector:
        text.append(f" {look(state).word}", style=WORD_STYLE)
    if detail:
        text.append(f" {detail}")
    return text


def _joining_kind(p: ProcessNode) -> str | None:
    for th in p.threads.values():
        if th.state == "joining":
            return th.joining_kind
    return None
