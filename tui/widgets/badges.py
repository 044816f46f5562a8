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
UNKNOWN_LOOK = StateLook("?", "?", "unknown", "?", "未知")
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


def deadlock_badge(palette: Palette, projector: bool = False, *, lang: str = "en") -> Text:
    """` ✖ deadlock ` (` ✖ 死锁 `) beside a thread or lock of the deadlock the banner names, in the blocked
    colours."""
    word = "死锁" if lang == "zh" else "DEADLOCK" if projector else "deadlock"
    return Text(f" ✖ {word} ", style=palette.badge(State.BLOCKED) + Style(bold=True))


def process_label(model: Model, pid: int | None) -> str:
    """`Process-1 [21049]`, or the reaper's name, or just the pid."""
    if pid is None:
        return "?"
    if pid in model.processes or pid == model.run.reaper:
        return f"{model.shown_name(pid)} [{pid}]"
    return f"[{pid}]"


def thread_label(model: Model, pid: int, tid: int, *, always: bool = False, lang: str = "en") -> str:
    """`Process-1 [21049]`, with the thread's name when it is not the main thread (or ``always``)."""
    th = model.thread(pid, tid)
    base = process_label(model, pid)
    if th is None:
        return base if (tid == pid and not always) else f"{base} {'线程' if lang == 'zh' else 'thread'} {tid}"
    if th.tid == pid and not always:
        return base
    return f"{base} {model.thread_shown_name(th)}"


# The words the model puts after a waited object's name (``a (Pipe end)``), in Chinese; Python's names stay.
WAITED_KIND_ZH = {" (Pipe end)": " (Pipe 端)", " (manager)": " (Manager)"}


def waited_object(model: Model, oid: str | None, lang: str = "en") -> str:
    """`mutex (Lock)`, `a (Pipe end)`: what a thread waits on, as the script names it, in ``lang``."""
    name = model.waited_object(oid)
    if lang == "zh":
        for english, chinese in WAITED_KIND_ZH.items():
            if name.endswith(english):
                return name.removesuffix(english) + chinese
    return name


def signal_said(number: int | None, lang: str = "en") -> str:
    """`SIGTERM` in any language; `a signal`, `signal 64` (`信号`, `信号 64`) for one without a name."""
    name = signal_name(number)
    if lang != "zh":
        return name
    if number is None:
        return "信号"
    return name.replace("signal ", "信号 ")


def state_detail(model: Model, state: State, *, blocked_on: str | None = None, joining: int | None = None,
                 joining_kind: JoinKind | None = None, node: ProcessNode | None = None, lang: str = "en") -> str:
    """What the state is about, in words: `on mutex (Lock)`, `for Process-2 [21013]`, `code 0`, `by SIGTERM`
    (`等待 mutex (Lock)`, `等待 Process-2 [21013] 结束`, `退出码 0`, `信号 SIGTERM`)."""
    zh = lang == "zh"
    if state is State.BLOCKED:
        obj = waited_object(model, blocked_on, lang)
        return f"等待 {obj}" if zh else f"on {obj}"
    if state is State.JOINING:
        if joining is None:
            return ""
        if joining_kind is JoinKind.THREAD:
            name: str | int = joining
            for p in model.processes.values():
                th = p.threads.get(joining)
                if th is not None:
                    name = th.name
                    break
            return f"等待线程 {name} 结束" if zh else f"for thread {name}"
        who = process_label(model, joining)
        return f"等待 {who} 结束" if zh else f"for {who}"
    if node is None:
        return ""
    if state is State.EXITED:
        if node.exit_code is None:
            return ""
        return f"退出码 {node.exit_code}" if zh else f"code {node.exit_code}"
    if state in (State.TERMINATED, State.KILLED):
        sig = signal_said(node.signal or node.terminate_signal, lang)
        if zh:  # `信号 SIGTERM`; one without a name is already `信号 64`
            return sig if sig.startswith("信号") else f"信号 {sig}"
        return f"by {sig}"
    if state is State.DAEMON_KILLED:
        # Short: the badge's word already says a daemon was killed, and the label must fit an 80-column pane.
        return "父进程结束时" if zh else "at its parent's exit"
    return ""


def stopped_while(model: Model, th: ThreadNode, *, lang: str = "en") -> str:
    """What a thread of a stopped process (frozen, or SIGSTOP) was waiting for when it stopped: a deadlock's threads
    stay frozen with what they wait for in view. Empty if it was not waiting."""
    if th.state in (State.BLOCKED, State.JOINING):
        detail = state_detail(model, th.state, blocked_on=th.blocked_on, joining=th.joining,
                              joining_kind=th.joining_kind, lang=lang)
        if lang == "zh":  # `T  已冻结 当时等待 mutex (Lock)`: the detail already says what it waited for
            return f"当时{detail or look(th.state).word_zh}"
        return f"while {look(th.state).word} {detail}".rstrip()
    return ""


def process_state_text(model: Model, p: ProcessNode, palette: Palette, projector: bool = False, *,
                       lang: str = "en") -> Text:
    """Badge + word + detail for a process, e.g. ` B  blocked on mutex (Lock)` (` B  阻塞 等待 mutex (Lock)`)."""
    state = p.state
    detail = state_detail(model, state, blocked_on=p.blocked_on, joining=p.joining, joining_kind=p.joining_kind,
                          node=p, lang=lang)
    main = p.main_thread
    if state is State.STOPPED and main is not None and main.alive:
        detail = stopped_while(model, main, lang=lang)
    return _state_text(palette, state, detail, projector, failed=state is State.EXITED and bool(p.exit_code),
                       lang=lang)


# Blocking calls the tracer reports, as a student would call them: (English, Chinese).
CALL_WORDS: dict[str, tuple[str, str]] = {
    "socket.accept": ("in accept()", "在 accept() 中"), "socket.recv": ("in recv()", "在 recv() 中"),
    "socket.recv_into": ("in recv()", "在 recv() 中"), "socket.recvfrom": ("in recvfrom()", "在 recvfrom() 中"),
    "socket.recvfrom_into": ("in recvfrom()", "在 recvfrom() 中"),
    "socket.connect": ("in connect()", "在 connect() 中"), "select.select": ("in select()", "在 select() 中"),
    "input": ("in input()", "在 input() 中"), "stdin.read": ("reading stdin", "在读 stdin"),
    "Future.result": ("in Future.result()", "在 Future.result() 中"),
    "AsyncResult.get": ("in AsyncResult.get()", "在 AsyncResult.get() 中"),
    "AsyncResult.wait": ("in AsyncResult.wait()", "在 AsyncResult.wait() 中"),
    "threading._shutdown": ("at exit, waiting for its threads to end", "退出时等其他线程结束"),
}
# The kernel's wait channels (/proc/<pid>/task/<tid>/wchan) a class meets, in words (English, Chinese); others are
# shown as they are.
_FUTEX = ("on a futex (a lock in C, or the GIL)", "等 futex（C 里的锁，或 GIL）")
_PIPE_READ = ("reading a pipe", "在读管道")
_SLEEP = ("in a sleep", "在睡眠中")
_EPOLL = ("in epoll()", "在 epoll() 中")
WCHAN_WORDS: dict[str, tuple[str, str]] = {
    "futex_wait_queue": _FUTEX, "futex_do_wait": _FUTEX, "futex_wait_queue_me": _FUTEX,
    "inet_csk_accept": ("in accept()", "在 accept() 中"), "pipe_read": _PIPE_READ, "anon_pipe_read": _PIPE_READ,
    "pipe_wait": ("on a pipe", "等管道"), "do_select": ("in select()", "在 select() 中"),
    "do_sys_poll": ("in poll()", "在 poll() 中"), "ep_poll": _EPOLL, "do_epoll_wait": _EPOLL,
    "wait_woken": ("reading a socket or terminal", "在读套接字或终端"), "sk_wait_data": ("reading a socket", "在读套接字"),
    "do_wait": ("waiting for a child", "等子进程"), "hrtimer_nanosleep": _SLEEP, "do_nanosleep": _SLEEP,
    "n_tty_read": ("reading the terminal", "在读终端"),
}


def wait_detail(model: Model, th: ThreadNode, *, lang: str = "en") -> str:
    """What a thread shown sleeping waits in: the call the tracer saw (with the task it waits for), else the
    kernel's wait channel."""
    zh = lang == "zh"
    if th.waits_in is not None:
        words = CALL_WORDS.get(th.waits_in)
        if words is None:
            call = f"在 {th.waits_in} 中" if zh else f"in {th.waits_in}"
        else:
            call = words[zh]
        tasks = model.tasks_waited(th.waits_on)
        if len(tasks) == 1:
            return f"{call}等 {tasks[0].call}" if zh else f"{call} for {tasks[0].call}"
        if tasks:
            return f"{call}等 map 的 {len(tasks)} 个任务" if zh else f"{call} for {len(tasks)} tasks of a map"
        return call
    if th.os_says_waiting and th.wchan:
        words = WCHAN_WORDS.get(th.wchan)
        if words is None:
            return f"(内核: {th.wchan})" if zh else f"(kernel: {th.wchan})"
        return words[zh]
    return ""


def thread_state_text(model: Model, th: ThreadNode, palette: Palette, projector: bool = False,
                      stopped: bool = False, *, lang: str = "en") -> Text:
    """Badge + word + detail for a thread; ``stopped``: its process is frozen (SIGSTOP), whatever it was doing."""
    if stopped and th.alive:
        return _state_text(palette, State.STOPPED, stopped_while(model, th, lang=lang), projector, lang=lang)
    state = th.shown_state
    if state is State.SLEEPING and th.state is State.RUNNING:
        detail = wait_detail(model, th, lang=lang)
    else:
        detail = state_detail(model, state, blocked_on=th.blocked_on, joining=th.joining,
                              joining_kind=th.joining_kind, lang=lang)
    return _state_text(palette, state, detail, projector, lang=lang)


def _state_text(palette: Palette, state: State, detail: str, projector: bool, failed: bool = False,
                lang: str = "en") -> Text:
    text = Text()
    text.append_text(badge(palette, state, projector, failed=failed, lang=lang))
    if not projector:  # the compact badge is a letter: the word follows it (the projector badge holds the word)
        lk = look(state)
        text.append(f" {lk.word_zh if lang == 'zh' and lk.word_zh else lk.word}", style=WORD_STYLE)
    if detail:
        text.append(f" {detail}")
    return text
