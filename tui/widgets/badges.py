"""State badges: every process/thread state as a colour AND a letter/symbol AND a word, in a compact and a
projector form, plus the sentence that says what the state is about (which lock, which child, which signal).

Colours come from the theme: a pane that draws states declares ``COMPONENT_CLASSES = STATE_CLASSES`` and reads its
:class:`Palette` (``app.tcss`` maps each component class to a theme variable of ``tui/theme.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.engine.model import JoinKind, Model, ProcessNode, State, ThreadNode
from tui.engine.plain import signal_name
from tui.theme import STATE_COLOURS


@dataclass(frozen=True, slots=True)
class StateLook:
    """How one state looks everywhere, besides its colour: badge letter, projector symbol, word, timeline glyph; and
    what it means, for the legend, in English and Chinese."""

    letter: str  # the compact badge: ps's letter where ps has the state, never one that means another in ps
    symbol: str  # leads the projector badge
    word: str
    glyph: str  # the timeline's fill for a stretch in this state
    word_zh: str = ""
    means: str = ""
    means_zh: str = ""

    def said(self, lang: str) -> tuple[str, str]:
        """(word, meaning) in ``lang``."""
        return (self.word_zh, self.means_zh) if lang == "zh" else (self.word, self.means)


ORPHANED = "orphaned"  # not a state: a mark beside one (the process lives on under an adopter)
FAILED_EXIT = "failed-exit"  # an exit with a non-zero code is worth seeing: exited's letter and word, a warning colour

# ps's letters where ps has the state (R, S, T, Z; X is ps's "dead"); none that means another state in ps (ps's D
# is an uninterruptible sleep, so a daemon killed at its parent's exit is G, for 守护 guardian).
LOOKS: dict[str, StateLook] = {
    State.RUNNING: StateLook("R", "▶", "running", "█", "运行", "on a CPU or ready to be", "正在 CPU 上运行或随时可运行"),
    State.SLEEPING: StateLook("S", "~", "sleeping", "─", "睡眠", "in time.sleep, or waiting for input or a socket",
                              "在 time.sleep 中，或在等输入、等网络"),
    State.BLOCKED: StateLook("B", "■", "blocked", "▒", "阻塞",
                             "waiting for a lock, semaphore, event, condition, queue or pipe",
                             "在等锁、信号量、事件、条件、队列或管道"),
    State.JOINING: StateLook("J", "⇥", "joining", "═", "等待结束", "in join(), waiting for a process or thread to end",
                             "在 join() 中等一个进程或线程结束"),
    State.ZOMBIE: StateLook("Z", "†", "zombie", "░", "僵尸", "ended, not yet collected by its parent",
                            "已结束，父进程还没收尸"),
    State.STOPPED: StateLook("T", "‖", "stopped", "╌", "已冻结", "frozen (space): SIGSTOP", "被冻结（空格键）：SIGSTOP"),
    State.HELD: StateLook("H", "❚", "held", "┄", "按住", "step mode: held before its next action",
                          "单步模式：在下一个动作前被按住"),
    State.EXITED: StateLook("E", "✓", "exited", " ", "已退出", "ended by itself, with its exit code",
                            "自己结束，带着退出码"),
    State.TERMINATED: StateLook("X", "×", "terminated", " ", "被终止", "ended by terminate() or kill() from the script",
                                "被脚本的 terminate() 或 kill() 结束"),
    State.KILLED: StateLook("K", "×", "killed", " ", "被杀死", "ended by a signal nobody in the script sent",
                            "被脚本之外的信号杀死"),
    State.DAEMON_KILLED: StateLook("G", "×", "daemon-killed", " ", "守护进程被终止",
                                   "a daemon ended by multiprocessing when its parent's code ended",
                                   "父进程代码结束时，守护进程被 multiprocessing 终止"),
    ORPHANED: StateLook("O", "↑", "orphaned", " ", "孤儿", "its parent is gone: the run's reaper adopted it",
                        "父进程已退出，被收养"),
}
UNKNOWN_LOOK = StateLook("?", "?", "unknown", "?")
WORD_STYLE = Style(bold=True)

# Component classes: ``state--X`` is the badge (the state's colour behind a contrasting word), ``state-fg--X`` the
# state's colour as a foreground. One pair per colour of the theme's ``state-X`` variables.
STATE_CLASSES: frozenset[str] = frozenset(
    {f"state--{name}" for name in STATE_COLOURS} | {f"state-fg--{name}" for name in STATE_COLOURS}
)


def look(state: str) -> StateLook:
    return LOOKS.get(state, UNKNOWN_LOOK)


@dataclass(frozen=True, slots=True)
class Palette:
    """The theme's colours for states, read from a widget's component classes."""

    badges: dict[str, Style]
    colours: dict[str, Style]

    @classmethod
    def of(cls, widget: Widget) -> Palette:
        return cls(
            {name: widget.get_component_rich_style(f"state--{name}") for name in STATE_COLOURS},
            {name: widget.get_component_rich_style(f"state-fg--{name}", partial=True) for name in STATE_COLOURS},
        )

    def badge(self, key: str) -> Style:
        return self.badges.get(key, Style(reverse=True))

    def colour(self, key: str) -> Style:
        return self.colours.get(key, Style())


class Painted:
    """For a widget that draws with the theme's state colours: its palette, made again when the styles change.
    Mixed in before the widget class (whose ``COMPONENT_CLASSES`` must include :data:`STATE_CLASSES`)."""

    _palette: Palette | None = None

    @property
    def palette(self) -> Palette:
        palette = self._palette
        if palette is None:
            palette = self._palette = Palette.of(self)  # type: ignore[arg-type]
        return palette

    def notify_style_update(self) -> None:
        self._palette = None
        super().notify_style_update()  # type: ignore[misc]
        self.palette_changed()

    def palette_changed(self) -> None:
        """The theme changed: whatever was drawn with the old colours must be drawn again."""


def badge(palette: Palette, state: str, projector: bool = False, *, failed: bool = False, lang: str = "en") -> Text:
    """`R` (compact) or ` ▶ RUNNING ` (projector, ` ▶ 运行 ` in Chinese): never colour alone, the letter or word
    says it too."""
    lk = look(state)
    style = palette.badge(FAILED_EXIT if failed and state == State.EXITED else state)
    # The style goes on a span, not the Text's base style: appended text must not inherit the badge colours.
    text = Text()
    if projector:
        text.append(f" {lk.symbol} {lk.word_zh if lang == 'zh' and lk.word_zh else lk.word.upper()} ", style=style)
    else:
        text.append(f" {lk.letter} ", style=style)
    return text


def deadlock_badge(palette: Palette, projector: bool = False) -> Text:
    """` ✖ deadlock ` beside a thread or lock of the deadlock the banner names, in the blocked colours."""
    return Text(" ✖ DEADLOCK " if projector else " ✖ deadlock ", style=palette.badge(State.BLOCKED) + Style(bold=True))


def process_label(model: Model, pid: int | None) -> str:
    """`Process-1 [21049]`, or the reaper's name, or just the pid."""
    if pid is None:
        return "?"
    if pid in model.processes or pid == model.run.reaper:
        return f"{model.shown_name(pid)} [{pid}]"
    return f"[{pid}]"


def thread_label(model: Model, pid: int, tid: int, *, always: bool = False) -> str:
    """`Process-1 [21049]`, with the thread's name when it is not the main thread (or ``always``)."""
    th = model.thread(pid, tid)
    base = process_label(model, pid)
    if th is None:
        return base if (tid == pid and not always) else f"{base} thread {tid}"
    if th.tid == pid and not always:
        return base
    return f"{base} {model.thread_shown_name(th)}"


def state_detail(model: Model, state: State, *, blocked_on: str | None = None, joining: int | None = None,
                 joining_kind: JoinKind | None = None, node: ProcessNode | None = None) -> str:
    """What the state is about, in words: `on mutex (Lock)`, `for Process-2 [21013]`, `code 0`, `SIGTERM`."""
    if state is State.BLOCKED:
        return f"on {model.waited_object(blocked_on)}"
    if state is State.JOINING:
        if joining is None:
            return ""
        if joining_kind is JoinKind.THREAD:
            for p in model.processes.values():
                th = p.threads.get(joining)
                if th is not None:
                    return f"for thread {th.name}"
            return f"for thread {joining}"
        return f"for {process_label(model, joining)}"
    if node is None:
        return ""
    if state is State.EXITED:
        return f"code {node.exit_code}" if node.exit_code is not None else ""
    if state in (State.TERMINATED, State.KILLED):
        return f"by {signal_name(node.signal or node.terminate_signal)}"
    if state is State.DAEMON_KILLED:
        return "killed as a daemon at its parent's exit"
    return ""


def stopped_while(model: Model, th: ThreadNode) -> str:
    """What a thread of a stopped process (frozen, or SIGSTOP) was waiting for when it stopped: a deadlock's threads
    stay frozen with what they wait for in view. Empty if it was not waiting."""
    if th.state in (State.BLOCKED, State.JOINING):
        detail = state_detail(model, th.state, blocked_on=th.blocked_on, joining=th.joining,
                              joining_kind=th.joining_kind)
        return f"while {look(th.state).word} {detail}".rstrip()
    return ""


def process_state_text(model: Model, p: ProcessNode, palette: Palette, projector: bool = False) -> Text:
    """Badge + word + detail for a process, e.g. ` B  blocked on mutex (Lock)`."""
    state = p.state
    detail = state_detail(model, state, blocked_on=p.blocked_on, joining=p.joining, joining_kind=p.joining_kind,
                          node=p)
    main = p.main_thread
    if state is State.STOPPED and main is not None and main.alive:
        detail = stopped_while(model, main)
    return _state_text(palette, state, detail, projector, failed=state is State.EXITED and bool(p.exit_code))


# Blocking calls the tracer reports, as a student would call them.
CALL_WORDS = {
    "socket.accept": "in accept()", "socket.recv": "in recv()", "socket.recv_into": "in recv()",
    "socket.recvfrom": "in recvfrom()", "socket.recvfrom_into": "in recvfrom()", "socket.connect": "in connect()",
    "select.select": "in select()", "input": "in input()", "stdin.read": "reading stdin",
    "Future.result": "in Future.result()", "AsyncResult.get": "in AsyncResult.get()",
    "AsyncResult.wait": "in AsyncResult.wait()", "threading._shutdown": "at exit, waiting for its threads to end",
}
# The kernel's wait channels (/proc/<pid>/task/<tid>/wchan) a class meets, in words; others are shown as they are.
WCHAN_WORDS = {
    "futex_wait_queue": "on a futex (a lock in C, or the GIL)", "futex_do_wait": "on a futex (a lock in C, or the GIL)",
    "futex_wait_queue_me": "on a futex (a lock in C, or the GIL)", "inet_csk_accept": "in accept()",
    "pipe_read": "reading a pipe", "anon_pipe_read": "reading a pipe", "pipe_wait": "on a pipe",
    "do_select": "in select()", "do_sys_poll": "in poll()", "ep_poll": "in epoll()", "do_epoll_wait": "in epoll()",
    "wait_woken": "reading a socket or terminal", "sk_wait_data": "reading a socket", "do_wait": "waiting for a child",
    "hrtimer_nanosleep": "in a sleep", "do_nanosleep": "in a sleep", "n_tty_read": "reading the terminal",
}


def wait_detail(model: Model, th: ThreadNode) -> str:
    """What a thread shown sleeping waits in: the call the tracer saw (with the task it waits for), else the
    kernel's wait channel."""
    if th.waits_in is not None:
        call = CALL_WORDS.get(th.waits_in, f"in {th.waits_in}")
        tasks = model.tasks_waited(th.waits_on)
        if len(tasks) == 1:
            return f"{call} for {tasks[0].call}"
        if tasks:
            return f"{call} for {len(tasks)} tasks of a map"
        return call
    if th.os_says_waiting and th.wchan:
        return WCHAN_WORDS.get(th.wchan, f"(kernel: {th.wchan})")
    return ""


def thread_state_text(model: Model, th: ThreadNode, palette: Palette, projector: bool = False,
                      stopped: bool = False) -> Text:
    """Badge + word + detail for a thread; ``stopped``: its process is frozen (SIGSTOP), whatever it was doing."""
    if stopped and th.alive:
        return _state_text(palette, State.STOPPED, stopped_while(model, th), projector)
    state = th.shown_state
    if state is State.SLEEPING and th.state is State.RUNNING:
        detail = wait_detail(model, th)
    else:
        detail = state_detail(model, state, blocked_on=th.blocked_on, joining=th.joining,
                              joining_kind=th.joining_kind)
    return _state_text(palette, state, detail, projector)


def _state_text(palette: Palette, state: State, detail: str, projector: bool, failed: bool = False) -> Text:
    text = Text()
    text.append_text(badge(palette, state, projector, failed=failed))
    if not projector:
        text.append(f" {look(state).word}", style=WORD_STYLE)
    if detail:
        text.append(f" {detail}")
    return text
