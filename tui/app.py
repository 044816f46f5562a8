"""ContuiApp: the classroom app shell. Composition, key bindings and actions.

What runs where: the pump (``tui/pump.py``) folds the run's events in a thread worker and posts ``RunUpdated``; each
control action (start, stop, switch, freeze, speed, stdin) runs in a thread worker of its own, and its errors come
back through the worker's state; the feeder (``tui/widgets/pane.py``) hands the model to the panes; what the status
line says is worked out in ``tui/status.py``. Help and key bar are made from the bindings below.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections import deque
from pathlib import Path

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.worker import Worker, WorkerState, get_current_worker

from tui.engine.catalog import Target, load_catalog
from tui.engine.model import Model, Part
from tui.engine.replay import ReplaySession
from tui.engine.runs import runs_folder
from tui.engine.session import Session, next_speed
from tui.layout import MIN_HEIGHT, MIN_WIDTH, PANES, Needs, default_panes, main_column, needs, visible_panes
from tui.messages import FollowersChanged, RunUpdated
from tui.pump import Pump
from tui.status import (Action, Phase, RunState, StatusInfo, held_lines, highlighted_thread, phase_of,
                        picker_word, status_info)
from tui.theme import THEMES, VARIABLE_DEFAULTS, theme_for
from tui.widgets.banner import DeadlockBanner, alarm_of
from tui.widgets.legend import Legend
from tui.words import said
from tui.widgets.code import CodePane
from tui.widgets.keybar import KeyBar
from tui.widgets.locks import LockPane
from tui.widgets.narration import NarrationPane
from tui.widgets.output import OutputPane
from tui.widgets.pane import CLOCK_TICK_NS, ModelPane, PaneFeeder
from tui.widgets.picker import ScenarioPicker
from tui.widgets.queues import QueuePane
from tui.widgets.status import StatusLine
from tui.widgets.stdin import STDIN_CALLS, StdinLine
from tui.widgets.timeline import TimelinePane
from tui.widgets.tree import ProcessTree, tree_layout

_PICK = Binding.Group("pick")
_SPEED = Binding.Group("speed")
_PANES = Binding.Group("show/hide pane")
_LOOK = Binding.Group("look back")
RUN_GROUP = "run"  # start, stop and switch: a later one makes an earlier one that has not begun pointless
TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.share.feed import ShareFeed
    from tui.share.server import ShareServer

COLLECTION_AFTER_KEYS = 0.05  # s the scrub keys rest before garbage collection is let go on (_hold_collection)
COLLECTION_HELD_AT_MOST = 1.0  # s it is held at most, while they never rest
STEP_PATIENCE = 2.0  # s a step waits for the thread let go before to take its go, before it is dropped
SHARE_NOTE_SECONDS = 60  # s the share's link stays on screen at start, for the class to copy
FIT_PASSES = 3  # layouts the main column's heights may take to settle (see ContuiApp._fit_main_column)


class ControlError(Exception):
    """A control action could not be done; the message says why, for the user."""


def _writable_here(otherwise: Path) -> Path:
    """Where ``e`` and ``E`` write: the folder contui was started in, if it can be written, else ``otherwise``."""
    here = Path.cwd()
    return here if os.access(here, os.W_OK) else otherwise


def _bindings() -> list[Binding]:
    # Priority: the panes are free to bind keys of their own (a Tree binds enter, space, up, down), and a teacher
    # must be able to rely on these whatever has the focus. An Input keeps its printable keys regardless.
    pick = "pick scenario 1 to 9 (a run of another one is stopped first)"
    keys = [
        # One key bar entry for the eleven pick keys: "1-9↑↓ pick".
        Binding(str(n), f"pick_number({n})", "pick", id=f"pick-{n}", show=n == 1, key_display="1-9↑↓",
                priority=True, tooltip=pick, group=_PICK)
        for n in range(1, 10)
    ]
    keys += [
        Binding("up", "pick_step(-1)", "previous scenario", id="pick-previous", key_display="↑", priority=True,
                show=False, tooltip="pick the previous scenario"),
        Binding("down", "pick_step(1)", "next scenario", id="pick-next", key_display="↓", priority=True,
                show=False, tooltip="pick the next scenario"),
        Binding("enter", "run", "run", id="run", key_display="⏎", priority=True,
                tooltip="run the picked scenario, or restart it"),
        Binding("s", "stop", "stop", id="stop", priority=True, tooltip="stop the run (every process of it ends)"),
        Binding("space", "freeze", "freeze", id="freeze", priority=True,
                tooltip="freeze / resume the whole run (SIGSTOP / SIGCONT: the processes show as stopped; the run's "
                        "clock stops too, so no sleep is shortened); in step mode: leave it, and run free"),
        Binding("full_stop", "step", "step", id="step", key_display=".", priority=True,
                tooltip="step mode: the highlighted held process does its next action and is held again (with no "
                        "run: start the picked scenario in step mode; in a free run: enter step mode)"),
        Binding("comma", "next_held", "who", id="next-held", key_display=",", priority=True,
                tooltip="step mode: highlight the next held process, to choose who goes next"),
        Binding("plus,equals_sign", "speed(1)", "faster", id="speed-up", key_display="+", priority=True,
                group=_SPEED, tooltip="faster: the run's clock goes faster, at once, the sleep in progress too "
                                      "(what the script's clocks read stays the same)"),
        Binding("minus,underscore", "speed(-1)", "slower", id="speed-down", key_display="-", priority=True,
                group=_SPEED, tooltip="slower"),
        *_look_bindings(),
        Binding("e", "export", "export", id="export", priority=True,
                tooltip="export the run as Chrome Trace JSON (open it in ui.perfetto.dev or chrome://tracing); a "
                        "note says where it was written"),
        Binding("w", "share_link", "link", id="share-link", show=False, priority=True,
                tooltip="show the link the class follows the run at, in their browsers (contui --share)"),
        Binding("E", "save_svg", "save screen", id="save-svg", key_display="E", show=False, priority=True,
                tooltip="save the screen as an SVG picture (Textual's screenshot); a note says where"),
        Binding("l", "toggle_lang", "中/EN", id="lang", priority=True, tooltip="the whole screen in Chinese / English"),
        Binding("L", "toggle_legend", "legend", id="legend", key_display="L", priority=True,
                tooltip="what each state's letter and colour mean (shown at first in projector mode)"),
        Binding("b", "toggle_light", "light/dark", id="light", priority=True,
                tooltip="a light theme for a washed-out projector or a bright room, or back to the dark one"),
        Binding("p", "toggle_projector", "projector", id="projector", priority=True,
                tooltip="projector mode: high contrast, big badges, only the panes that matter"),
        Binding("question_mark", "help", "help", id="help", key_display="?", priority=True, tooltip="this help"),
        Binding("q", "quit", "quit", id="quit", priority=True, tooltip="quit (the run is stopped first)"),
        Binding("ctrl+c", "quit_now", "quit", id="quit-ctrl-c", show=False, priority=True,
                tooltip="quit as well, from anywhere"),
        Binding("i", "focus_stdin", "type", id="stdin", priority=True,
                tooltip="type into the stdin of a run that reads it: Enter sends the line, Ctrl+D ends the input "
                        "(EOF, as at a terminal), Esc puts the line away (i brings it back)"),
        # Textual's own focus keys, here so that the help lists them too.
        Binding("tab", "app.focus_next", "next pane", id="focus-next", show=False,
                tooltip="move the focus to the next pane"),
        Binding("shift+tab", "app.focus_previous", "previous pane", id="focus-previous", show=False,
                tooltip="move the focus to the previous pane"),
    ]
    keys += [
        Binding(p.key, f"toggle_pane('{p.id}')", p.title, id=f"pane-{p.id}", priority=True, group=_PANES,
                tooltip=f"show / hide the {p.title} pane")
        for p in PANES
    ]
    return keys


def _look_bindings() -> list[Binding]:
    """The scrub keys: in a finished, frozen or replayed run, a cursor every pane follows."""
    where = " (in a finished, frozen or replayed run: every pane shows the run at the cursor's time)"
    keys = [
        ("left_square_bracket", "[", "event", -1, "scrub-back", "the cursor one event back"),
        ("right_square_bracket", "]", "event", 1, "scrub-forward", "the cursor one event forward"),
        ("left_curly_bracket", "{", "second", -1, "scrub-second-back", "the cursor one second back"),
        ("right_curly_bracket", "}", "second", 1, "scrub-second-forward", "the cursor one second forward"),
        ("home", "Home", "start", 0, "scrub-start", "the cursor to the run's start"),
        ("end", "End", "end", 0, "scrub-end", "the cursor to the run's end"),
    ]
    # The first says what looking back is; the others only where they move the cursor.
    return [Binding(key, f"scrub('{unit}', {step})", "look back", id=binding_id, key_display=shown,
                    show=shown in ("[", "]"), priority=True, group=_LOOK, tooltip=text + (where if i == 0 else ""))
            for i, (key, shown, unit, step, binding_id, text) in enumerate(keys)]


def same_target(a: Target | None, b: Target | None) -> bool:
    return a is not None and b is not None and a.path == b.path


class ContuiApp(App[int]):
    """The classroom app. ``session`` may be given (a :class:`ReplaySession` for snapshots); else a live one."""

    CSS_PATH = "app.tcss"
    TITLE = "contui"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = _bindings()
    HELP_INTRO = ("contui runs the picked scenario as real processes and shows them live. "
                  "Pick with 1-9 or the arrows, Enter runs it.")

    projector: reactive[bool] = reactive(False)
    lang: reactive[str] = reactive("en")  # the language of everything said on screen: "en" or "zh"
    light: reactive[bool] = reactive(False)  # the light theme (b) instead of the dark one
    legend_shown: reactive[bool] = reactive(False)  # the legend of the states' letters and colours (L)

    def __init__(
        self,
        user_targets: list[Target] | tuple[Target, ...] = (),
        *,
        projector: bool = False,
        lang: str = "en",
        session: Session | ReplaySession | None = None,
        speed: float = 1.0,
        start_method: str | None = None,
        share: ShareServer | None = None,
    ) -> None:
        """``share``: the follow server (contui --share), started already: the run is shared with browsers."""
        super().__init__()
        self.targets: list[Target] = [Target(s.path, s) for s in load_catalog()] + list(user_targets)
        self.session: Session | ReplaySession = (
            session if session is not None else Session(speed=speed, start_method=start_method)
        )
        replayed = self.session.target
        if replayed is not None and not any(same_target(t, replayed) for t in self.targets):
            self.targets.append(replayed)  # a replay of a script of the student's: in the list, to be shown
        self.set_reactive(ContuiApp.lang, lang if lang in ("en", "zh") else "en")
        self.picked = self._initial_pick(list(user_targets))
        self.speed = self.session.speed
        self.set_reactive(ContuiApp.projector, projector)
        self.set_reactive(ContuiApp.legend_shown, projector)  # the back row cannot ask what a colour means
        self.run_state = RunState()  # as the pump last said
        self.share = share
        self.followers: int | None = None if share is None else 0  # browsers following (shown on the status line)
        self._share_feed: ShareFeed | None = None
        if share is not None:
            from tui.share.feed import ShareFeed  # here: only a shared run loads the page's views

            self._share_feed = ShareFeed(share.publish)
        self.updates = 0  # RunUpdated messages handled: for tests and benchmarks
        self.shown_panes: set[str] = set()  # ids of the panes shown
        self._overrides: dict[str, bool] = {}
        self._needs = Needs()
        self._model_has: tuple[bool, bool] = (False, False)
        self._blank = Model()  # what the panes show when the session's run is not the picked target's
        self._shown: Model | None = None
        # The shown model's clock in ticks; it stands still while the run is frozen (the sampler's events still
        # move the model's clock then, and a frozen run should repaint nothing).
        self._tick = 0
        self._status: StatusInfo | None = None
        self._feeder = PaneFeeder()
        self._stopped_by_user = False
        self._asked: Target | None = self.session.target  # the target of the last start asked for
        self._frozen_wanted = False
        self._deadlock_seen: tuple[int, int] = (0, 0)  # (the live model, its deadlocks) the run was frozen at
        self._tree_rows_at: tuple[tuple[int, int], int] = ((0, -1), 0)  # ((model, its processes' version), rows)
        self._tree_rows_now = 0  # the tree's rows for the model shown
        self.highlighted: int | None = None  # step mode: the held thread (tid) a step lets go; None: held longest
        # Looking back: the recorded run the panes show at a cursor (a replay is one from the start; a finished or
        # frozen live run gets one at the first scrub key, read from its recording).
        self.look: ReplaySession | None = self.session if isinstance(self.session, ReplaySession) else None
        self._collection_held_at_start = not gc.isenabled()  # by tui/cli.py, until the first frame
        self._held_since: float | None = None  # garbage collection held by the scrub keys since (_hold_collection)
        self._release_timer: Timer | None = None
        self._moves_waiting: list[tuple[str, int]] = []  # scrub keys pressed while the recording is being read
        self._stdin_lines: deque[str | None] = deque()  # None: Ctrl+D, the end of the run's input
        self._stdin_lock = threading.Lock()
        self._stdin_reachable = False  # whether a line typed now can reach the picked target (_stdin_reaches)
        self._stdin_away: tuple[object, int] | None = None  # the (run, pick) for which Esc put the stdin line away
        self._closed = False

    def _initial_pick(self, user_targets: list[Target]) -> int:
        start = self.session.target or (user_targets[0] if user_targets else None)
        for i, target in enumerate(self.targets):
            if same_target(target, start):
                return i
        return 0

    @property
    def picked_target(self) -> Target:
        return self.targets[self.picked]

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return VARIABLE_DEFAULTS

    # -- layout ---------------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self.status_line = StatusLine(id="status")
        self.deadlock_banner = DeadlockBanner(id="deadlock")
        self.picker = ScenarioPicker(self.targets, id="picker", classes="pane")
        self.narration_pane = NarrationPane(id="narration", classes="pane")
        self.code_pane = CodePane(id="code", classes="pane")
        self.tree_pane = ProcessTree(id="tree", classes="pane")
        self.locks_pane = LockPane(id="locks", classes="pane")
        self.queues_pane = QueuePane(id="queues", classes="pane")
        self.output_pane = OutputPane(id="output", classes="pane")
        self.timeline_pane = TimelinePane(id="timeline", classes="pane")
        self.stdin_line = StdinLine(id="stdin")
        self.too_small_note = Static(id="too-small")
        self.side_column = Vertical(id="side")
        self.sync_row = Horizontal(id="sync")
        self.main_column = Vertical(id="main")
        self.model_panes: tuple[ModelPane, ...] = (self.tree_pane, self.locks_pane, self.queues_pane, self.output_pane, self.timeline_pane)
        self.panes: dict[str, Widget] = {
            "picker": self.picker, "narration": self.narration_pane, "code": self.code_pane, "tree": self.tree_pane,
            "locks": self.locks_pane, "queues": self.queues_pane, "output": self.output_pane, "timeline": self.timeline_pane,
        }
        yield self.status_line
        yield self.deadlock_banner
        with Horizontal(id="body"):
            with self.side_column:
                yield self.picker.data_bind(ContuiApp.lang)
                yield self.narration_pane
                yield self.code_pane.data_bind(ContuiApp.lang)
            with self.main_column:
                yield self.tree_pane.data_bind(ContuiApp.projector, ContuiApp.lang)
                with self.sync_row:
                    yield self.locks_pane.data_bind(ContuiApp.projector, ContuiApp.lang)
                    yield self.queues_pane.data_bind(ContuiApp.projector, ContuiApp.lang)
                yield self.output_pane.data_bind(ContuiApp.projector, ContuiApp.lang)
                yield self.timeline_pane.data_bind(ContuiApp.projector, ContuiApp.lang)
        yield self.stdin_line.data_bind(ContuiApp.lang)
        self.legend = Legend(id="legend")
        yield self.legend.data_bind(ContuiApp.lang, ContuiApp.projector)
        yield self.too_small_note
        yield KeyBar(id="keys").data_bind(ContuiApp.lang)

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.legend.display = self.legend_shown
        self.watch_lang(self.lang)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.watch_projector(self.projector)
        self.picker.show_target(self.picked)
        self.picker.focus()  # before the layout, which moves the focus on if the picker is hidden (projector mode)
        self._show_picked()
        self._pump()
        self.call_after_refresh(self._start_up_done)
        if self.share is not None:
            self.share.on_followers = lambda n: self.post_message(FollowersChanged(n))
            self.action_share_link()

    def _start_up_done(self) -> None:
        """The first frame is out: load psutil for the runs' samples (loaded by the first sample instead, in the
        worker, an idle run cost the app a tenth of a percent more CPU for good, for reasons unclear). If start-up
        ran with the garbage collector off (see tui/cli.py), clear what it left and put everything still alive out
        of the collector's way for good (modules, classes, widgets: they live as long as the app), so later
        collections scan only what the run makes."""
        import psutil  # noqa: F401  # loaded now, off the first frame's path, rather than by a run's first sample

        if self._collection_held_at_start:
            gc.collect()
            gc.freeze()
            gc.enable()

    def _apply_layout(self, size: tuple[int, int] | None = None) -> None:
        width, height = size or self.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.screen.set_class(too_small, "-too-small")
        if too_small:
            self.too_small_note.update(
                f"contui needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}.\n"
                f"This one is {width}×{height}: make it larger (or the font smaller)."
            )
        locks, queues = self._model_has
        uses = Needs(self._needs.locks or locks, self._needs.queues or queues, self._needs.stdin,
                     self._needs.carriers)
        shown = visible_panes(default_panes(uses, width, height, self.projector), self._overrides)
        for pane_id, pane in self.panes.items():
            pane.display = pane_id in shown
        self.side_column.display = bool(shown & {"picker", "narration", "code"})
        self.sync_row.display = bool(shown & {"locks", "queues"})
        self.main_column.display = bool(shown & {"tree", "locks", "queues", "output", "timeline"})
        self._update_stdin_line(too_small)
        self.shown_panes = shown
        focused = self.focused
        if focused is None or not self._really_visible(focused):
            for pane_id, pane in self.panes.items():
                if pane_id in shown:
                    pane.focus()
                    break
        self.refresh_bindings()

    @staticmethod
    def _really_visible(widget: Widget) -> bool:
        return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))

    def on_resize(self, event: events.Resize) -> None:
        # This runs before App._on_resize stores the new size: take it from the event.
        self._apply_layout(event.size)

    def watch_projector(self, projector: bool) -> None:
        self.theme = theme_for(projector, self.light)
        self.screen.set_class(projector, "-projector")

    def watch_lang(self, lang: str) -> None:
        """Every pane's title in the language (the narration sets its own, with the text it shows)."""
        if self.share is not None:
            self.share.set_lang(lang)  # a browser that opens the link from now on starts in it
        if not self.is_mounted:
            return
        for pane in PANES:
            if pane.id != "narration":
                self.panes[pane.id].border_title = said(pane.title, lang)
        # Every pane says its words again, once the panes' own ``lang`` (bound above) has changed too.
        self._feeder.forget()
        self.call_later(self.refresh_panes)

    def watch_light(self, light: bool) -> None:
        self.theme = theme_for(self.projector, light)

    def watch_legend_shown(self, shown: bool) -> None:
        if self.is_mounted:
            self.legend.display = shown

    def action_toggle_legend(self) -> None:
        self.legend_shown = not self.legend_shown

    def action_toggle_light(self) -> None:
        self.light = not self.light

    def _theme_changed(self, theme: object) -> None:
        self._feeder.forget()  # every pane draws again in the new colours
        self.refresh_panes()

    def _show_picked(self) -> None:
        """The picked target changed: its code, narration, stdin line and layout, and the panes' model."""
        target = self.picked_target
        self._needs = needs(target)
        self.code_pane.show(target)
        self.narration_pane.show(target, self.lang)
        self.refresh_panes()
        self._apply_layout()
        self.refresh_panes()  # panes the layout has just shown catch up

    # -- model → panes ------------------------------------------------------------------------------------------
    def _tree_rows(self, model: Model) -> int:
        """How many rows the model's process tree has (counted again only when its processes changed)."""
        at = (id(model), model.versions[Part.PROCESSES])
        if at != self._tree_rows_at[0]:
            self._tree_rows_at = (at, sum(len(kids) for kids in tree_layout(model).values()))
        return self._tree_rows_at[1]

    def _shows_run(self) -> bool:
        return same_target(self.session.target, self.picked_target)

    def refresh_panes(self) -> None:
        """Hand the model to every visible pane whose part of it changed; then the status line."""
        source = self.look or self.session
        with self.batch_update():
            with source.model_lock:
                model = source.model if self._shows_run() else self._blank
                if model is not self._shown or not self.run_state.frozen:
                    self._tick = model.now // CLOCK_TICK_NS
                self._shown = model
                look = self.look
                self.timeline_pane.look_back(look.recorded.duration if look is not None and look.recorded is not None
                                             and model is look.model else 0)
                self._feeder.feed(model, self._tick, (p for p in self.model_panes if p.id in self.shown_panes))
                has = (bool(model.locks or model.conditions or model.sync_events or model.barriers
                            or model.semaphores),
                       bool(model.queues or model.pipes or model.values or model.managers or model.pools))
                info = self._status_info(model)
                marks = held_lines(model, self.picked_target, self.highlighted)
                alarm = alarm_of(model)
                self.narration_pane.light_from(model if self._shows_run() else None)
                tree_rows = self._tree_rows(model)
            self.deadlock_banner.show(alarm, self.lang, self._shows_run() and self.look is None
                                      and self.run_state.running and self.run_state.frozen)
            self.code_pane.mark(marks)
            if info != self._status:
                clock_only = info.only_clock_moved(self._status)
                self._status = info
                if clock_only:
                    # Only the run's clock moved: show it in a frame of its own. Textual repaints the box spanning
                    # every region changed in a frame, with every widget in it, and the line at the top of the
                    # screen with any pane below it is the whole screen, once a second while a run sleeps.
                    self.call_after_refresh(self._show_status)
                else:  # a key's effect (language, speed, state) shows in this very frame
                    self._show_status()
                self.picker.mark_loaded(self._loaded_index(), picker_word(info))
                # Picked and not run yet: the narration is what the class reads, so it takes the code's share.
                self.screen.set_class(info.phase is Phase.READY, "-ready")
            self._tree_rows_now = tree_rows
            self._fit_main_column()
            if has != self._model_has:
                self._model_has = has
                self._apply_layout()
            else:
                self._update_stdin_line()

    def _main_column_wants(self) -> list[tuple[Widget, int]]:
        """Each sized pane of the main column and the height it should have now (see tui/layout.py's main_column)."""
        shown = self.shown_panes
        sync = [pane for pane in (self.locks_pane, self.queues_pane) if pane.id in shown]
        heights = main_column(self.main_column.size.height or self.size.height, self._tree_rows_now,
                              self.timeline_pane.virtual_size.height if "timeline" in shown else None,
                              max(pane.rows_wanted() for pane in sync) if sync else None)
        return [(widget, wanted) for widget, wanted in ((self.tree_pane, heights.tree),
                                                        (self.timeline_pane, heights.timeline),
                                                        (self.sync_row, heights.sync)) if wanted is not None]

    @property
    def main_column_fits(self) -> bool:
        """Every pane of the main column has the height its content asks for (tests wait for it)."""
        return all(widget.styles.height is not None and widget.styles.height.value == wanted
                   for widget, wanted in self._main_column_wants())

    def _fit_main_column(self, passes: int = FIT_PASSES) -> None:
        """Size the main column's panes to what they hold, and look again after the layout this causes (a pane's
        width, and so its cards' rows, is known only once it has been laid out), a few ``passes`` at most: a
        scrollbar that comes and goes with the height must not make it go on for ever."""
        changed = False
        for widget, wanted in self._main_column_wants():
            if widget.styles.height is None or widget.styles.height.value != wanted:
                widget.styles.height = wanted
                changed = True
        if changed and passes > 1:
            self.call_after_refresh(self._fit_main_column, passes - 1)

    def _show_status(self) -> None:
        """Show the newest status: a clock-only update deferred to the next frame must not bring back an older one
        that a state change has replaced in between."""
        if self._status is not None:
            self.status_line.show(self._status)

    def _loaded_index(self) -> int | None:
        for i, target in enumerate(self.targets):
            if same_target(target, self.session.target):
                return i
        return None

    def _busy(self) -> Action | None:
        """The start or stop under way, if any (the latest asked for)."""
        for worker in reversed(list(self.workers)):  # oldest first
            if worker.group == RUN_GROUP and worker.state in (WorkerState.PENDING, WorkerState.RUNNING):
                if not worker.is_cancelled:
                    return Action(worker.name)
        return None

    def _status_info(self, model: Model) -> StatusInfo:
        source = self.look or self.session
        shown_is_run = model is source.model and self._shows_run()
        # Looking back at a live run: its phase is the run's (exited, frozen), not that of the moment looked at.
        phase = phase_of(shown_is_run=shown_is_run, busy=self._busy(), replay=isinstance(self.session, ReplaySession),
                         state=self.run_state, stopped_by_user=self._stopped_by_user,
                         model=model if source is self.session else self.session.model)
        return status_info(self.picked_target, model, phase, shown_is_run=shown_is_run,
                           clock_seconds=self._tick * CLOCK_TICK_NS / 1e9, speed=self.speed, lang=self.lang,
                           projector=self.projector, highlighted=self.highlighted, cursor=self._cursor_text(),
                           followers=self.followers)

    def _cursor_text(self) -> str:
        """Where the look-back cursor is: its time and event, of the run's."""
        look = self.look
        if look is None or look.recorded is None:
            return ""
        recorded = look.recorded
        return said("{} s of {} s · event {}/{}", self.lang).format(
            f"{recorded.time_after(look.count) / 1e9:.1f}", f"{recorded.duration / 1e9:.1f}", f"{look.count:,}",
            f"{recorded.count:,}")

    # -- the pump -------------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="pump", name="pump")
    def _pump(self) -> None:
        worker = get_current_worker()
        pump = Pump(self.session, self.post_message,  # type: ignore[arg-type]
                    on_error=lambda exc: self.call_from_thread(self._report, "poll", exc), share=self._share_feed)
        pump.run(lambda: worker.is_cancelled)

    @on(RunUpdated)
    def _on_run_updated(self, message: RunUpdated) -> None:
        if self._closed:
            return  # the app is going: its panes may already be gone
        self.updates += 1
        self._freeze_at_deadlock()
        if message.state != self.run_state:
            if not message.state.running:
                self._frozen_wanted = False
            self.run_state = message.state
            self.refresh_bindings()
        self.refresh_panes()

    @on(FollowersChanged)
    def _on_followers_changed(self, message: FollowersChanged) -> None:
        self.followers = message.followers
        if not self._closed:
            self.refresh_panes()

    def _freeze_at_deadlock(self) -> None:
        """A deadlock just found in the live run freezes it, as space does: the class looks at the cycle as it
        stands (space goes on, s stops)."""
        session = self.session
        if isinstance(session, ReplaySession) or not session.running:
            return
        with session.model_lock:
            model = session.model
            found = (id(model), len(model.deadlocks))
        if found[1] and found != self._deadlock_seen:
            self._deadlock_seen = found
            if not self._frozen_wanted:
                self._frozen_wanted = True
                self._freeze(True)

    # -- control actions: each in a thread worker of its own -----------------------------------------------------
    @work(thread=True, exclusive=True, group=RUN_GROUP, name=Action.START, exit_on_error=False)
    def _start(self, target: Target, stepping: bool = False) -> None:
        worker = get_current_worker()
        self.session.start(target, still_wanted=lambda: not worker.is_cancelled, stepping=stepping)

    @work(thread=True, exclusive=True, group=RUN_GROUP, name=Action.STOP, exit_on_error=False)
    def _stop(self) -> None:
        worker = get_current_worker()
        self.session.stop(still_wanted=lambda: not worker.is_cancelled)

    @work(thread=True, exclusive=True, group=RUN_GROUP, name=Action.SWITCH, exit_on_error=False)
    def _switch(self) -> None:
        """A stop the user did not ask for: another scenario was picked."""
        worker = get_current_worker()
        self.session.stop(still_wanted=lambda: not worker.is_cancelled)

    @work(thread=True, exclusive=True, group="freeze", name="freeze", exit_on_error=False)
    def _freeze(self, frozen: bool) -> None:
        if not get_current_worker().is_cancelled:  # a later press says what is wanted now
            self.session.set_frozen(frozen)

    @work(thread=True, exclusive=True, group="freeze", name="stepping", exit_on_error=False)
    def _set_stepping(self, stepping: bool) -> None:
        if not get_current_worker().is_cancelled:
            self.session.set_stepping(stepping)

    @work(thread=True, exclusive=True, group="step", name="step", exit_on_error=False)
    def _step(self, tid: int) -> None:
        """Let ``tid`` go; the thread let go before may take a moment to take its go (a press per step is kept)."""
        worker = get_current_worker()
        deadline = time.monotonic() + STEP_PATIENCE
        while not self.session.step(tid):
            if worker.is_cancelled or time.monotonic() > deadline or not self.session.stepping:
                return
            time.sleep(0.005)

    @work(thread=True, exclusive=True, group="speed", name="speed", exit_on_error=False)
    def _speed(self, speed: float) -> None:
        if not get_current_worker().is_cancelled:
            self.session.set_speed(speed)

    @work(thread=True, group="stdin", name="stdin", exit_on_error=False)
    def _send_stdin(self) -> None:
        with self._stdin_lock:  # lines go out in the order they were typed, and the end of input after them
            while self._stdin_lines:
                line = self._stdin_lines.popleft()
                if not (self.session.close_stdin() if line is None else self.session.send_line(line)):
                    self._stdin_lines.clear()
                    raise ControlError(said("nothing is reading stdin: press Enter to start the run first", self.lang))

    @on(Worker.StateChanged)
    def _on_worker_state(self, event: Worker.StateChanged) -> None:
        if self._closed or event.worker.group == "pump":
            return
        name, state = event.worker.name, event.state
        if state is WorkerState.ERROR:
            self._report(name, event.worker.error)
        elif state is WorkerState.SUCCESS and not event.worker.is_cancelled:
            if name == Action.START:
                self._stopped_by_user = False
            elif name == Action.STOP:
                self._stopped_by_user = True
        self.refresh_panes()
        self.refresh_bindings()

    def _report(self, what: str, error: BaseException | None) -> None:
        message = str(error) if isinstance(error, ControlError) else f"{type(error).__name__}: {error}"
        self.notify(message, title=f"contui: {said(what, self.lang)}", severity="error")

    def close_session(self) -> None:
        """End the run for good (quit, Ctrl+C, unmount): no process of it may outlive the app."""
        self._closed = True
        self.workers.cancel_group(self, "pump")
        self.session.wake()
        self.session.close()

    def on_unmount(self) -> None:
        self._release_collection()
        self.close_session()

    # -- actions --------------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit_now":
            return True  # Ctrl+C quits from anywhere, help included
        if isinstance(self.screen, ModalScreen):
            return False  # the help screen's own keys only
        typing = isinstance(self.focused, Input)
        if typing and action in ("run", "pick_step", "speed"):
            return False  # Enter sends the line; up/down stay in the input; + and - are text
        if action == "focus_stdin":
            return self._stdin_reachable and not typing
        if action == "stop":
            # Also while a start is on its way or before the pump has said the run is running: a teacher's s
            # right after Enter must stop that run, not be ignored.
            return True if self.run_state.running or self.session.running or self._busy() is Action.START else None
        if action == "freeze":
            return True if self.run_state.running or self.session.running else None
        if action == "next_held":
            return True if self._stepping else None
        if action == "scrub":
            return True if self._can_look_back() else False  # False: Home/End go on to the picker
        if action in ("pick_number", "pick_step") and self._replaying:
            return None  # a replay shows one recorded run
        if action == "share_link":
            return self.share is not None
        if action == "export":
            return True if self._recording_path() is not None else None
        return True

    # -- looking back: replay, scrub, export ----------------------------------------------------------------------
    @property
    def _replaying(self) -> bool:
        return isinstance(self.session, ReplaySession)

    def _can_look_back(self) -> bool:
        """A replay, or a live run of the picked target that has ended or is frozen, and was recorded."""
        if self._replaying:
            return self.session.total > 0  # type: ignore[union-attr]
        if self.look is not None:
            return True
        if not self._shows_run() or self.session.recorder is None or not self.session.recorder.events:
            return False
        return not self.session.running or self.session.frozen

    def _recording_path(self) -> Path | None:
        look = self.look
        if look is not None and look.recorded is not None:
            return look.recorded.path
        recorder = self.session.recorder
        return recorder.path if recorder is not None and recorder.events and self._shows_run() else None

    def action_scrub(self, unit: str, step: int) -> None:
        """Move the look-back cursor: an event, a second, or to the start or end of the run."""
        look = self.look
        if look is None:  # the recording is read first; keys pressed meanwhile are kept, and done in turn
            self._moves_waiting.append((unit, step))
            if len(self._moves_waiting) == 1:
                self._open_look()
            return
        recorded = look.recorded
        if recorded is None:
            return
        count = look.count
        if unit == "event":
            count += step
        elif unit == "second":
            count = recorded.moved(count, float(step))
        else:
            count = 0 if unit == "start" else recorded.count
        look.set_frozen(True)  # a replay playing stops where the cursor is put
        self._hold_collection()
        look.show(count)
        self.refresh_panes()

    def _hold_collection(self) -> None:
        """No garbage collection from a scrub key until the keys rest: a moment's fold and its frame make objects by
        the tens of thousands, and the collections they set off in the middle of the frame held it up by a fifth
        (by half, when one was a full collection). Collected in the pause after the keys instead (refcounting frees
        nearly all of it before then), or at the latest every COLLECTION_HELD_AT_MOST while the keys never rest."""
        if self._held_since is None:
            if not gc.isenabled():
                return  # held already (start-up holds it until the first frame: tui/cli.py)
            gc.disable()
            self._held_since = time.monotonic()
        elif time.monotonic() - self._held_since > COLLECTION_HELD_AT_MOST:
            self._release_collection()
            return
        if self._release_timer is not None:
            self._release_timer.stop()
        self._release_timer = self.set_timer(COLLECTION_AFTER_KEYS, self._release_collection)

    def _release_collection(self) -> None:
        if self._release_timer is not None:
            self._release_timer.stop()
            self._release_timer = None
        if self._held_since is not None:
            self._held_since = None
            gc.enable()

    @work(thread=True, exclusive=True, group="look", name="look", exit_on_error=False)
    def _open_look(self) -> None:
        """Read the run's recording (a finished or frozen run's), then move the cursor as the keys asked, from the
        end."""
        path = self._recording_path()
        if path is None:
            self.call_from_thread(self._moves_waiting.clear)
            return
        from tui.engine.scrub import RecordedRun

        running = self.session.running  # frozen: its recording is still being written
        recorder = self.session.recorder
        if not running and recorder is not None:
            recorder.close()  # the run is over: wait for the recorder to have written all of it
        try:
            look = ReplaySession(RecordedRun(path, being_written=running), target=self.session.target)
        except Exception as exc:
            self.call_from_thread(self._moves_waiting.clear)
            raise ControlError(said("cannot look back: {}", self.lang).format(exc)) from None
        self.call_from_thread(self._looking, look)

    def _looking(self, look: ReplaySession) -> None:
        moves, self._moves_waiting = self._moves_waiting, []
        if self._closed or not self._can_look_back_at(look):
            look.close()
            return
        self.look = look
        for unit, step in moves:
            self.action_scrub(unit, step)
        self.refresh_bindings()

    def _can_look_back_at(self, look: ReplaySession) -> bool:
        """Still the run it was read from, and still still."""
        return same_target(look.target, self.session.target) and (not self.session.running or self.session.frozen)

    def _stop_looking(self) -> None:
        """Back to the live run (a new start, a thaw)."""
        look, self.look = self.look, None
        if look is not None and look is not self.session:
            look.close()
            self.refresh_bindings()

    @work(thread=True, exclusive=True, group="export", name="export", exit_on_error=False)
    def action_export(self) -> None:
        path = self._recording_path()
        if path is None:
            raise ControlError(said("nothing to export: run a scenario first", self.lang))
        from tui.engine.export import export_recording

        out = _writable_here(path.parent) / (path.name.removesuffix(".jsonl") + ".trace.json")
        try:  # a run still going: what is recorded of it so far
            count = export_recording(path, out, being_written=self.look is None and self.session.running)
        except Exception as exc:
            raise ControlError(said("cannot export {}: {}", self.lang).format(path.name, exc)) from None
        self.call_from_thread(self.notify, said("{} trace events written to {}\nopen it in ui.perfetto.dev or "
                                                "chrome://tracing", self.lang).format(f"{count:,}", out),
                              title=f"contui: {said('export', self.lang)}", timeout=10)

    def action_save_svg(self) -> None:
        folder = _writable_here(runs_folder())
        try:
            folder.mkdir(parents=True, exist_ok=True)
            written = self.save_screenshot(path=str(folder))
        except OSError as exc:
            self.notify(said("cannot save the screen: {}", self.lang).format(exc.strerror or exc),
                        title=f"contui: {said('save screen', self.lang)}", severity="error")
            return
        self.notify(said("the screen saved as {}", self.lang).format(written),
                    title=f"contui: {said('save screen', self.lang)}", timeout=10)

    def action_pick_number(self, number: int) -> None:
        self.pick(number - 1)

    def action_pick_step(self, step: int) -> None:
        self.pick(max(0, min(len(self.targets) - 1, self.picked + step)))

    def pick(self, index: int) -> None:
        """Make ``index`` the picked target; a run of another target is stopped cleanly first."""
        if not 0 <= index < len(self.targets) or index == self.picked:
            return
        if self._replaying:  # a replay shows its recorded run: the list stays on it
            self.picker.show_target(self.picked)
            return
        self._stop_looking()
        self.picked = index
        self.picker.show_target(index)
        if self._asked is not None and not same_target(self._asked, self.picked_target):
            # Stop whatever runs, or is about to (a start may still be queued).
            if self.session.running or self._busy() is Action.START:
                self._switch()
            self._asked = None
        self._show_picked()

    @on(OptionList.OptionHighlighted, "#picker")
    def _on_picker_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Home/End/PgUp/PgDn in the list pick too; a stale event (the list's own first highlight) does not.
        index = self.picker.target_at(event.option_index)
        if event.option_list.highlighted == event.option_index and index is not None:
            self.pick(index)

    @on(OptionList.OptionSelected, "#picker")
    def _on_picker_selected(self, event: OptionList.OptionSelected) -> None:
        index = self.picker.target_at(event.option_index)
        if index is not None:
            self.pick(index)
            self.action_run()

    def action_run(self) -> None:
        if not self._replaying:
            self._stop_looking()
        self._asked = self.picked_target
        self._frozen_wanted = False
        self._start(self.picked_target)
        self.refresh_panes()

    def action_stop(self) -> None:
        self._stop()
        self.refresh_panes()

    def action_freeze(self) -> None:
        if self._stepping:  # space leaves step mode: the run goes on free
            self._set_stepping(False)
            return
        # A replay is paused by the scrub keys too: space does the opposite of what it is now.
        self._frozen_wanted = not (self.session.frozen if self._replaying else self._frozen_wanted)
        if not self._frozen_wanted and not self._replaying:
            self._stop_looking()  # the run goes on: the panes follow it again
        self._freeze(self._frozen_wanted)

    @property
    def _stepping(self) -> bool:
        """In step mode: the pump's word, or the session's when the pump has not said so yet."""
        return self.run_state.stepping or self.session.stepping

    def action_step(self) -> None:
        """``.``: start the picked scenario in step mode, or enter step mode, or step the highlighted thread. In a
        replay: the next recorded event."""
        if self._replaying:
            self.session.step(0)
            self.refresh_panes()
            return
        # The session's own word, not the pump's last (a run that has just ended, or just started, may not be said yet)
        running_here = (self.session.running or self._busy() is Action.START) and self._shows_run()
        if not running_here:
            self._asked = self.picked_target
            self._frozen_wanted = False
            self._start(self.picked_target, True)
        elif not self._stepping:  # the pump may not have said so yet
            self._frozen_wanted = False
            self._set_stepping(True)
        else:
            with self.session.model_lock:
                th = highlighted_thread(self.session.model, self.highlighted)
            if th is not None:
                self._step(th.tid)
            return  # nothing shows until the thread has taken its step, which the pump tells at once
        self.refresh_panes()

    def action_next_held(self) -> None:
        """``,``: the next held thread (in the order they were held) is the one a step lets go."""
        with self.session.model_lock:
            held = [th.tid for th in self.session.model.held()]
            current = highlighted_thread(self.session.model, self.highlighted)
        if held:
            at = held.index(current.tid) if current is not None and current.tid in held else -1
            self.highlighted = held[(at + 1) % len(held)]
        self.refresh_panes()

    def action_speed(self, step: int) -> None:
        self.speed = next_speed(self.speed, step)
        self._speed(self.speed)
        self.refresh_panes()

    def action_share_link(self) -> None:
        """The link the class follows the run at (contui --share): shown for a minute, for the class to copy."""
        if self.share is not None:
            self.notify(said("Browsers follow this run at:\n{}\n(w shows this again)", self.lang).format(
                "\n".join(self.share.links())), title="contui --share", timeout=SHARE_NOTE_SECONDS)

    def action_toggle_lang(self) -> None:
        self.lang = "zh" if self.lang == "en" else "en"
        self.narration_pane.show(self.picked_target, self.lang)
        self.refresh_panes()

    def action_toggle_projector(self) -> None:
        self._overrides.clear()  # each mode starts from its own choice of panes
        self.projector = not self.projector
        self.legend_shown = self.projector  # each mode with its own default
        self._apply_layout()
        self.refresh_panes()

    def action_toggle_pane(self, pane_id: str) -> None:
        self._overrides[pane_id] = pane_id not in self.shown_panes
        self._apply_layout()
        self.refresh_panes()
        if pane_id in self.shown_panes:
            self.panes[pane_id].focus()

    def action_focus_stdin(self) -> None:
        self._stdin_away = None
        self._update_stdin_line()
        # At once, not as Widget.focus() does it (after the keys already queued): "i" then Enter typed fast must
        # send a line, not restart the run.
        self.screen.set_focus(self.stdin_line)

    def _stdin_here(self) -> tuple[object, int]:
        return getattr(self.session, "run", None), self.picked

    def _stdin_reaches(self) -> bool:
        """Whether a line typed now can reach the picked target. Before its run (none yet, or one starting): if its
        code reads stdin (input(), sys.stdin), or it is a script of the user's (contui cannot know until it runs).
        During its run: if its code reads stdin or the tracer sees a thread of it waiting in input() or a read of
        stdin, until the run ends or Ctrl+D closes its stdin. Never in a replay, nor while looking back."""
        if self._replaying or self.look is not None:
            return False
        if not self._shows_run() or self._busy() is Action.START:
            return self.picked_target.scenario is None or self._needs.stdin
        session = self.session
        if not session.stdin_open:  # type: ignore[union-attr]  # not a replay
            return False
        if self._needs.stdin:
            return True
        with session.model_lock:
            return any(th.alive and th.waits_in in STDIN_CALLS
                       for proc in session.model.processes.values() for th in proc.threads.values())

    def _update_stdin_line(self, too_small: bool | None = None) -> None:
        """The stdin line shows while a line typed can reach the picked target, unless Esc put it away (for this run
        and pick: i brings it back, and so does the next run); i is offered in the key bar while one can."""
        reachable = self._stdin_reaches()
        if reachable != self._stdin_reachable:
            self._stdin_reachable = reachable
            self.refresh_bindings()
        if too_small is None:
            too_small = self.screen.has_class("-too-small")
        shown = reachable and not too_small and self._stdin_away != self._stdin_here()
        if shown != self.stdin_line.display:
            self.stdin_line.display = shown
            if not shown and self.focused is self.stdin_line:
                self.stdin_line.blur()  # the keys are the app's again

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen  # rich's Table and the modal: not needed for the first frame

        self.push_screen(HelpScreen(self.BINDINGS, intro=self.HELP_INTRO))

    async def action_quit(self) -> None:
        self.close_session()
        self.exit(0)

    async def action_quit_now(self) -> None:
        await self.action_quit()

    @on(Input.Submitted, "#stdin")
    def _on_stdin(self, event: Input.Submitted) -> None:
        with self._stdin_lock:
            self._stdin_lines.append(event.value)
        self._send_stdin()
        event.input.value = ""

    @on(StdinLine.Ended)
    def _on_stdin_ended(self, event: StdinLine.Ended) -> None:
        """Ctrl+D: what was typed goes as a line, then the run's stdin is closed (the line hides once it is)."""
        with self._stdin_lock:
            if event.text:
                self._stdin_lines.append(event.text)
            self._stdin_lines.append(None)
        self._send_stdin()

    @on(StdinLine.PutAway)
    def _on_stdin_put_away(self) -> None:
        self._stdin_away = self._stdin_here()
        self._update_stdin_line()

