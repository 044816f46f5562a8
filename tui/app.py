"""ContuiApp: the classroom app shell. Layout, keys, themes, and the thread worker that feeds the panes.

The worker is the only thread that touches the session's run (start, stop, freeze, stdin, poll); the screen asks it
for things through a command queue and hears back through messages, so a slow stop never freezes the keys.
"""

from __future__ import annotations

import gc
import queue
import threading
import time
from dataclasses import replace
from typing import Any, NamedTuple, TypeVar

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.worker import get_current_worker

from tui.engine.catalog import load_catalog
from tui.engine.model import Model
from tui.engine.replay import ReplaySession
from tui.engine.catalog import Target
from tui.engine.session import Session
from tui.layout import MIN_HEIGHT, MIN_WIDTH, PANES, Needs, default_panes, needs, shows_stdin, visible_panes
from tui.messages import ControlDone, RunUpdated
from tui.widgets.code import CodePane
from tui.widgets.keybar import KeyBar
from tui.widgets.locks import LockPane
from tui.widgets.narration import NarrationPane
from tui.widgets.output import OutputPane
from tui.widgets.picker import ScenarioPicker
from tui.widgets.queues import QueuePane
from tui.widgets.status import StatusInfo, StatusLine
from tui.widgets.stdin import StdinLine
from tui.widgets.timeline import TimelinePane
from tui.widgets.tree import ProcessTree

W = TypeVar("W", bound=Widget)
POLL_SECONDS = 1.0  # an idle poll; events, a finished run and every command (Session.wake) end it early
MAX_UPDATES_PER_SECOND = 30
# How often the worker looks again whether the screen has handled the last update, while news waits.
SCREEN_BUSY_POLL = 0.005
# Locks (time held), the timeline (lanes grow) and the status line's run time change with the clock too, not only
# with their version: redraw them when the run's clock has moved this far, even if nothing else happened. Slow on
# purpose: a run that only sleeps must cost next to nothing (a repaint of these panes is milliseconds each).
CLOCK_TICK_NS = 1_000_000_000
TIMELINE_TICKS = 2
NORMAL_THEME = "textual-dark"
PROJECTOR_THEME = Theme(
    name="contui-projector",
    primary="#FFD700",
    secondary="#00E5FF",
    accent="#00E5FF",
    warning="#FFB000",
    error="#FF5050",
    success="#3CFF3C",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    dark=True,
    text_alpha=1.0,
)
# Model panes and the part of the model (a key of Model.versions) each one renders.
MODEL_PANES = {"tree": "processes", "locks": "locks", "queues": "queues", "output": "output", "timeline": "timeline"}
_SPEED = Binding.Group("speed")
_PANES = Binding.Group("show/hide pane")


def _bindings() -> list[Binding]:
    # Priority: the panes are free to bind keys of their own (a Tree binds enter, space, up, down), and a teacher
    # must be able to rely on these whatever has the focus. An Input keeps its printable keys regardless.
    keys = [
        # One footer entry for the eleven pick keys: "1-9↑↓ pick".
        Binding(str(n), f"pick_number({n})", "pick", id=f"pick-{n}", show=n == 1, key_display="1-9↑↓",
                priority=True)
        for n in range(1, 10)
    ]
    keys += [
        Binding("up", "pick_step(-1)", "previous scenario", id="pick-previous", key_display="↑", priority=True,
                show=False),
        Binding("down", "pick_step(1)", "next scenario", id="pick-next", key_display="↓", priority=True,
                show=False),
        Binding("enter", "run", "run", id="run", key_display="⏎", priority=True),
        Binding("s", "stop", "stop", id="stop", priority=True),
        Binding("space", "freeze", "freeze", id="freeze", priority=True),
        Binding("plus,equals_sign", "speed(1)", "faster", id="speed-up", key_display="+", priority=True,
                group=_SPEED),
        Binding("minus,underscore", "speed(-1)", "slower", id="speed-down", key_display="-", priority=True,
                group=_SPEED),
        Binding("l", "toggle_lang", "中/EN", id="lang", priority=True),
        Binding("p", "toggle_projector", "projector", id="projector", priority=True),
        Binding("question_mark", "help", "help", id="help", key_display="?", priority=True),
        Binding("q", "quit", "quit", id="quit", priority=True),
        Binding("ctrl+c", "quit_now", "quit", id="quit-ctrl-c", show=False, priority=True),
        Binding("i", "focus_stdin", "type", id="stdin", priority=True),
    ]
    keys += [
        Binding(p.key, f"toggle_pane('{p.id}')", p.title, id=f"pane-{p.id}", priority=True, group=_PANES)
        for p in PANES
    ]
    return keys


class RunState(NamedTuple):
    """The run's state as the worker last saw it: the screen reads this, never the run itself."""

    running: bool = False
    frozen: bool = False


def same_target(a: Target | None, b: Target | None) -> bool:
    return a is not None and b is not None and a.path == b.path


class ContuiApp(App[int]):
    """The classroom app. ``session`` may be given (a :class:`ReplaySession` for snapshots); else a live one."""

    CSS_PATH = "app.tcss"
    TITLE = "contui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = _bindings()

    def __init__(
        self,
        user_targets: list[Target] | tuple[Target, ...] = (),
        *,
        projector: bool = False,
        lang: str = "en",
        session: Session | ReplaySession | None = None,
        speed: float = 1.0,
        start_method: str | None = None,
    ) -> None:
        super().__init__()
        self.targets: list[Target] = [Target(s.path, s) for s in load_catalog()] + list(user_targets)
        self.session: Session | ReplaySession = (
            session if session is not None else Session(speed=speed, start_method=start_method)
        )
        self.projector = projector
        self.lang = lang if lang in ("en", "zh") else "en"
        self.picked = self._initial_pick(list(user_targets))
        self._overrides: dict[str, bool] = {}
        self._visible: set[str] = set()
        self._needs = Needs()
        self._model_has: tuple[bool, bool] = (False, False)
        # What the model panes show: the session's model when it is the picked target's, else an empty one.
        self._blank = Model()
        self._shown: Model | None = None
        self._seen: dict[str, object] = {}
        # The shown model's clock in ticks; it stands still while the run is frozen (the sampler's events still
        # move the model's clock then, and a frozen run should repaint nothing).
        self._tick = 0
        self._stopped_by_user = False
        self._inflight: list[str] = []
        self.updates = 0  # RunUpdated messages handled: for tests and benchmarks
        # The worker's side.
        self._commands: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._caught_up = threading.Event()
        self._caught_up.set()
        self._control_lock = threading.Lock()
        self._session_closed = False
        self.run_state = RunState()  # written by the worker only
        self._asked: Target | None = self.session.target  # the target of the last start asked for
        self._main_screen: Screen[Any] | None = None
        self._widgets: dict[str, Widget] = {}
        self._status: StatusInfo | None = None

    def _initial_pick(self, user_targets: list[Target]) -> int:
        start = self.session.target or (user_targets[0] if user_targets else None)
        for i, target in enumerate(self.targets):
            if same_target(target, start):
                return i
        return 0

    @property
    def _main(self) -> Screen[Any]:
        """The screen the panes are on (the default one), whichever screen is on top."""
        return self._main_screen if self._main_screen is not None else self.screen

    @property
    def picked_target(self) -> Target:
        return self.targets[self.picked]

    # -- layout ---------------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield ScenarioPicker(self.targets, id="picker")
                yield NarrationPane(id="narration")
                yield CodePane(id="code")
            with Vertical(id="main"):
                yield ProcessTree(id="tree")
                with Horizontal(id="sync"):
                    yield LockPane(id="locks")
                    yield QueuePane(id="queues")
                yield OutputPane(id="output")
                yield TimelinePane(id="timeline")
        yield StdinLine(id="stdin")
        yield Static(id="too-small")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        # The panes live on the default screen; App.query_one would search whichever screen is on top (help).
        self._main_screen = self.screen
        for selector, kind in (("#status", StatusLine), ("#picker", ScenarioPicker), ("#narration", NarrationPane),
                               ("#code", CodePane), ("#stdin", StdinLine), ("#too-small", Static),
                               ("#side", Widget), ("#sync", Widget), ("#main", Widget)):
            self._one(selector, kind)
        for pane in PANES:
            self._pane(pane.id)
        self.register_theme(PROJECTOR_THEME)
        self._set_projector(self.projector)
        picker = self._one("#picker", ScenarioPicker)
        picker.highlighted = self.picked
        picker.focus()  # before the layout, which moves the focus on if the picker is hidden (projector mode)
        self._show_picked()
        self._pump()
        self.call_after_refresh(self._start_up_done)

    @staticmethod
    def _start_up_done() -> None:
        """The first frame is out: load psutil for the runs' samples (loaded by the first sample instead, in the
        worker, an idle run cost the app a tenth of a percent more CPU for good, for reasons unclear). If start-up
        ran with the garbage collector off (see tui/cli.py), clear what it left and put everything still alive out
        of the collector's way for good (modules, classes, widgets: they live as long as the app), so later
        collections scan only what the run makes."""
        import psutil  # noqa: F401  # loaded now, off the first frame's path, rather than by a run's first sample

        if not gc.isenabled():
            gc.collect()
            gc.freeze()
            gc.enable()

    def _pane(self, pane_id: str) -> Widget:
        return self._one(f"#{pane_id}", Widget)

    def _one(self, selector: str, kind: type[W]) -> W:
        """A widget of the main screen, looked up once: messages handled while the app is being torn down
        then touch detached widgets instead of failing to find them."""
        widget = self._widgets.get(selector)
        if widget is None:
            widget = self._widgets[selector] = self._main.query_one(selector, kind)
        return widget  # type: ignore[return-value]

    def _apply_layout(self, size: tuple[int, int] | None = None) -> None:
        width, height = size or self.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        self._main.set_class(too_small, "-too-small")
        if too_small:
            self._one("#too-small", Static).update(
                f"contui needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}.\n"
                f"This one is {width}×{height}: make it larger (or the font smaller)."
            )
        locks, queues = self._model_has
        uses = Needs(self._needs.locks or locks, self._needs.queues or queues, self._needs.stdin)
        shown = visible_panes(default_panes(uses, width, height, self.projector), self._overrides)
        for pane in PANES:
            self._pane(pane.id).display = pane.id in shown
        self._one("#side", Widget).display = bool(shown & {"picker", "narration", "code"})
        self._one("#sync", Widget).display = bool(shown & {"locks", "queues"})
        self._one("#main", Widget).display = bool(shown & {"tree", "locks", "queues", "output", "timeline"})
        self._one("#stdin", StdinLine).display = shows_stdin(self.picked_target) and not too_small
        self._visible = shown
        focused = self._main.focused
        if focused is None or not self._really_visible(focused):
            for pane in PANES:
                if pane.id in shown:
                    self._pane(pane.id).focus()
                    break
        self.refresh_bindings()

    def _really_visible(self, widget: Widget) -> bool:
        return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))

    def on_resize(self, event: events.Resize) -> None:
        # This runs before App._on_resize stores the new size: take it from the event.
        self._apply_layout(event.size)

    def _set_projector(self, on: bool) -> None:
        self.projector = on
        self.theme = PROJECTOR_THEME.name if on else NORMAL_THEME
        self._main.set_class(on, "-projector")
        for pane_id in MODEL_PANES:
            self._pane(pane_id).projector = on  # type: ignore[attr-defined]
        self._one("#code", CodePane).restyle()

    def _show_picked(self) -> None:
        """The picked target changed: its code, narration, stdin line and layout, and the panes' model."""
        target = self.picked_target
        self._needs = needs(target)
        self._one("#code", CodePane).show(target)
        self._one("#narration", NarrationPane).show(target, self.lang)
        self.refresh_panes()
        self._apply_layout()
        self.refresh_panes()  # panes the layout has just shown catch up

    # -- model → panes ------------------------------------------------------------------------------------------
    def _model_to_show(self) -> Model:
        session = self.session
        if same_target(session.target, self.picked_target):
            return session.model
        return self._blank

    def refresh_panes(self) -> None:
        """Hand the model to every visible pane whose part of it changed; then the status line."""
        session = self.session
        with self.batch_update():
            with session.model_lock:
                model = self._model_to_show()
                if model is not self._shown:
                    self._shown = model
                    self._seen.clear()
                    self._tick = model.now // CLOCK_TICK_NS
                elif not self.run_state.frozen:
                    self._tick = model.now // CLOCK_TICK_NS
                clock = {
                    # "held 2 s" moves only while some lock is held
                    "locks": self._tick if any(lock.owners for lock in model.locks.values()) else None,
                    # The lanes grow and rescale, and the axis says the time: every other tick, because even a
                    # two-row repaint re-renders every pane beside the timeline (Textual repaints all widgets
                    # under one parent), and a run that only sleeps must cost the app next to nothing.
                    "timeline": self._tick // TIMELINE_TICKS,
                }
                for pane_id, part in MODEL_PANES.items():
                    if pane_id not in self._visible:
                        continue  # a hidden pane catches up when it is shown
                    key: object = (model.versions.get(part, 0), clock.get(pane_id))
                    if self._seen.get(pane_id) != key:
                        self._pane(pane_id).update_from(model)  # type: ignore[attr-defined]
                        self._seen[pane_id] = key
                has = (bool(model.locks), bool(model.queues))
                info = self._status_info(model)
            if info != self._status:
                status = self._one("#status", StatusLine)
                if self._status is not None and replace(info, seconds=self._status.seconds) == self._status:
                    # Only the run's clock moved: show it in a frame of its own. Textual repaints the box spanning
                    # every region changed in a frame, with every widget in it, and the line at the top of the
                    # screen with any pane below it is the whole screen, once a second while a run sleeps.
                    self.call_after_refresh(status.show, info)
                else:  # a key's effect (language, speed, state) shows in this very frame
                    status.show(info)
                self._status = info
                self._one("#picker", ScenarioPicker).mark_loaded(self._loaded_index(), _short_state(info))
            if has != self._model_has:
                self._model_has = has
                self._apply_layout()

    def _loaded_index(self) -> int | None:
        for i, target in enumerate(self.targets):
            if same_target(target, self.session.target):
                return i
        return None

    def _status_info(self, model: Model) -> StatusInfo:
        session = self.session
        ours = model is session.model and same_target(session.target, self.picked_target)
        code = model.run.code if ours else None
        busy = next((c for c in reversed(self._inflight) if c in ("start", "stop")), None)
        if busy is not None:
            state = "starting" if busy == "start" else "stopping"
        elif not ours:
            state = "ready"
        elif isinstance(session, ReplaySession):
            state = "replay"
        elif self.run_state.frozen:
            state = "frozen"
        elif self.run_state.running:
            state = "running"
        elif self._stopped_by_user:
            state = "stopped"
        elif model.run.ended or model.run.code is not None:
            state = "exited" if code == 0 else "failed"
        else:
            state = "ready"
        return StatusInfo(
            label=self._label(self.picked_target),
            title=self._title(self.picked_target),
            state=state,
            code=code,
            seconds=self._seconds(model, state) if ours else 0.0,
            speed=session.speed,
            lang=self.lang,
            projector=self.projector,
        )

    def _seconds(self, model: Model, state: str) -> float:
        if state in ("running", "frozen"):
            # A live clock shows whole ticks: a tenth-of-a-second counter would repaint the status line ten times
            # a second while the run only sleeps.
            return self._tick * CLOCK_TICK_NS / 1e9
        return round(model.now / 1e9, 1)

    @staticmethod
    def _label(target: Target) -> str:
        scenario = target.scenario
        return target.path.name if scenario is None else f"{scenario.number} {scenario.id}"

    def _title(self, target: Target) -> str:
        scenario = target.scenario
        if scenario is None:
            return ""
        return scenario.title_zh if self.lang == "zh" and scenario.title_zh else scenario.title_en

    # -- the worker: the only thread that drives the run ----------------------------------------------------------
    @work(thread=True, exclusive=True, group="pump", name="pump")
    def _pump(self) -> None:
        worker = get_current_worker()
        interval = 1.0 / MAX_UPDATES_PER_SECOND
        pending = 0
        last_post = 0.0
        failed: str | None = None
        state: RunState | None = None
        news: tuple[object, ...] | None = None
        while not worker.is_cancelled:
            acted = self._run_commands()
            began = time.monotonic()
            wait = 0.0 if acted else POLL_SECONDS  # after a command, show its effect before waiting again
            if pending:
                # News is waiting for the rate limit or for the screen: come back as soon as it may be posted,
                # not a whole poll later (that alone added a poll's length to every change shown).
                wait = max(interval - (began - last_post), 0.0) if self._caught_up.is_set() else SCREEN_BUSY_POLL
                wait = min(wait, POLL_SECONDS)
            try:
                batch = self.session.poll(wait)
            except Exception as exc:  # an engine fault must not kill the app; say it once, keep going
                batch = []
                if failed != repr(exc):
                    failed = repr(exc)
                    self.post_message(ControlDone("poll", f"{type(exc).__name__}: {exc}"))
            if batch:
                # Most of an idle run's events are samples that change nothing shown: only a new version of some
                # part of the model, or a clock tick, is worth waking the screen for. Only this thread folds
                # events into the model, so reading it here needs no lock.
                model = self.session.model
                now_news = (model, *model.versions.values(), model.now // CLOCK_TICK_NS)
                if now_news != news:
                    news = now_news
                    pending += len(batch)
            # A run that ends says so by its reaper exiting, not always by an event: that is news too.
            now_state = RunState(self.session.running, self.session.frozen)
            if now_state != state:
                state = self.run_state = now_state
                pending += 1
            now = time.monotonic()
            # One message at a time: the next is posted only once the screen has handled the last, so a burst
            # of events folds into the model here and never piles up in the message queue.
            if pending and now - last_post >= interval and self._caught_up.is_set():
                self._caught_up.clear()
                self.post_message(RunUpdated(pending))
                pending = 0
                last_post = now
            if not batch:
                # A finished run's poll returns at once: wait out the rest here, woken early by a command.
                rest = wait - (time.monotonic() - began)
                if rest > 0 and self._wake.wait(rest):
                    self._wake.clear()

    def _run_commands(self) -> bool:
        """Carry out every command asked for; True if there was any."""
        acted = False
        while True:
            try:
                command, arg = self._commands.get_nowait()
            except queue.Empty:
                return acted
            acted = True
            error: str | None = None
            # Under the control lock so a quit between the check and the start cannot leave a run behind.
            with self._control_lock:
                if self._session_closed:
                    return acted
                try:
                    if command == "start":
                        self.session.start(arg)
                    elif command in ("stop", "switch"):  # a switch is a stop the user did not ask for
                        self.session.stop()
                    elif command == "freeze":
                        self.session.toggle_freeze()
                    elif command == "speed":
                        self.session.change_speed(arg)
                    elif command == "send" and not self.session.send_line(arg):
                        error = "nothing is reading stdin: press Enter to start the run first"
                except Exception as exc:  # a run that cannot start is reported, the app goes on
                    error = f"{type(exc).__name__}: {exc}"
            self.post_message(ControlDone(command, error))

    def _ask(self, command: str, arg: Any = None) -> None:
        self._inflight.append(command)
        self._commands.put((command, arg))
        self._wake.set()
        self.session.wake()
        self.refresh_panes()

    @on(RunUpdated)
    def _on_run_updated(self, message: RunUpdated) -> None:
        if self._session_closed:
            return  # the app is going: its panes may already be gone
        try:
            self.refresh_panes()
        finally:
            self.updates += 1
            self._caught_up.set()

    @on(ControlDone)
    def _on_control_done(self, message: ControlDone) -> None:
        if self._session_closed:
            return
        if message.command in self._inflight:
            self._inflight.remove(message.command)
        if message.command == "start" and message.error is None:
            self._stopped_by_user = False
        elif message.command == "stop":
            self._stopped_by_user = True
        if message.error:
            self.notify(message.error, title=f"contui: {message.command}", severity="error")
        self.refresh_panes()
        self.refresh_bindings()

    def close_session(self) -> None:
        """End the run for good (quit, Ctrl+C, unmount): no process of it may outlive the app."""
        with self._control_lock:
            self._session_closed = True
        self._wake.set()
        self.session.wake()
        self.workers.cancel_group(self, "pump")
        self.session.close()

    def on_unmount(self) -> None:
        self.close_session()

    # -- actions --------------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_now":
            return True  # Ctrl+C quits from anywhere, help included
        if isinstance(self.screen, ModalScreen):
            return False  # the help screen's own keys only
        typing = isinstance(self.focused, Input)
        if typing and action in ("run", "pick_step"):
            return False  # Enter sends the line; up/down stay in the input
        if action == "focus_stdin":
            return self._one("#stdin", StdinLine).display and not typing
        if action in ("stop", "freeze"):
            return True if self.run_state.running else None
        return True

    def action_pick_number(self, number: int) -> None:
        self.pick(number - 1)

    def action_pick_step(self, step: int) -> None:
        self.pick(max(0, min(len(self.targets) - 1, self.picked + step)))

    def pick(self, index: int) -> None:
        """Make ``index`` the picked target; a run of another target is stopped cleanly first."""
        if not 0 <= index < len(self.targets) or index == self.picked:
            return
        self.picked = index
        picker = self._one("#picker", ScenarioPicker)
        if picker.highlighted != index:
            picker.highlighted = index
        if self._asked is not None and not same_target(self._asked, self.picked_target):
            # Stop whatever runs, or is about to (a start may still be queued); a stop of nothing costs nothing.
            self._ask("switch")
            self._asked = None
        self._show_picked()

    @on(OptionList.OptionHighlighted, "#picker")
    def _on_picker_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Home/End/PgUp/PgDn in the list pick too; a stale event (the list's own first highlight) does not.
        if event.option_list.highlighted == event.option_index:
            self.pick(event.option_index)

    @on(OptionList.OptionSelected, "#picker")
    def _on_picker_selected(self, event: OptionList.OptionSelected) -> None:
        self.pick(event.option_index)
        self.action_run()

    def action_run(self) -> None:
        self._asked = self.picked_target
        self._ask("start", self.picked_target)

    def action_stop(self) -> None:
        self._ask("stop")

    def action_freeze(self) -> None:
        self._ask("freeze")

    def action_speed(self, step: int) -> None:
        self._ask("speed", step)  # the worker turns the run's dial: only it touches the run

    def action_toggle_lang(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"
        self._one("#narration", NarrationPane).show(self.picked_target, self.lang)
        self.refresh_panes()

    def action_toggle_projector(self) -> None:
        self._overrides.clear()  # each mode starts from its own choice of panes
        self._set_projector(not self.projector)
        self._apply_layout()
        self.refresh_panes()

    def action_toggle_pane(self, pane_id: str) -> None:
        self._overrides[pane_id] = pane_id not in self._visible
        self._apply_layout()
        self.refresh_panes()
        if pane_id in self._visible:
            self._pane(pane_id).focus()

    def action_focus_stdin(self) -> None:
        self._one("#stdin", StdinLine).focus()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen  # rich's Table and the modal: not needed for the first frame

        self.push_screen(HelpScreen(self.help_rows(), intro=HELP_INTRO))

    async def action_quit(self) -> None:
        self.close_session()
        self.exit(0)

    async def action_quit_now(self) -> None:
        await self.action_quit()

    @on(Input.Submitted, "#stdin")
    def _on_stdin(self, event: Input.Submitted) -> None:
        self._ask("send", event.value)
        event.input.value = ""

    def help_rows(self) -> list[tuple[str, str]]:
        """Every key, from the bindings themselves, so the help never disagrees with the keys."""
        rows: list[tuple[str, str]] = [("1-9", "pick scenario 1 to 9 (a run of another one is stopped first)")]
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.id and binding.id.startswith("pick-") and binding.id[5:].isdigit():
                continue
            keys = ", ".join(KEY_NAMES.get(k, k) for k in binding.key.split(","))
            rows.append((keys, HELP.get(binding.id or "", binding.description)))
        rows.append(("Tab, Shift+Tab", "move the focus between the panes"))
        return rows


KEY_NAMES = {
    "up": "↑", "down": "↓", "enter": "Enter", "space": "Space", "plus": "+", "equals_sign": "=", "minus": "-",
    "underscore": "_", "question_mark": "?", "ctrl+c": "Ctrl+C",
}
HELP_INTRO = (
    "contui runs the picked scenario as real processes and shows them live. "
    "Pick with 1-9 or the arrows, Enter runs it."
)
HELP = {
    "pick-previous": "pick the previous scenario",
    "pick-next": "pick the next scenario",
    "run": "run the picked scenario, or restart it",
    "stop": "stop the run (every process of it ends)",
    "freeze": "freeze / resume the whole run (SIGSTOP / SIGCONT: the processes show as stopped)",
    "speed-up": "faster: divides the scenario's sleeps, in the run going now too",
    "speed-down": "slower",
    "lang": "narration in Chinese / English",
    "projector": "projector mode: high contrast, big badges, only the panes that matter",
    "help": "this help",
    "quit": "quit (the run is stopped first)",
    "quit-ctrl-c": "quit as well",
    "stdin": "type a line for the run's stdin (Enter sends it, Esc leaves the input)",
    **{f"pane-{p.id}": f"show / hide the {p.title} pane" for p in PANES},
}


def _short_state(info: StatusInfo) -> str:
    return {"running": "running", "frozen": "frozen", "starting": "…", "stopping": "…"}.get(info.state, "")
