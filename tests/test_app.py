"""The app with real runs, driven by Pilot: every key, switching while a run goes, freeze, stdin, a burst, quitting.

Every wait is on a condition with a deadline; the autouse fixture in conftest fails a test that leaves a process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

import psutil
import pytest
from rich.cells import cell_len
from textual.pilot import Pilot

from tests.helpers import screen_text, script, wait_until
from tui import cli
from tui.app import ContuiApp
from tui.theme import PROJECTOR_THEME
from tui.engine.replay import ReplaySession
from tui.status import Phase, StatusInfo
from tui.engine.catalog import resolve_target
from tui.layout import PANES, Needs, default_panes, needs
from tui.screens.help import HelpScreen
from tui.widgets.narration import NarrationPane
from tui.widgets.wrapping import wrap
from tui.widgets.stdin import StdinLine

SPEED = 10.0  # scenario sleeps divided by 10: the five sleepers live 6 s, most scenarios end in well under 1 s
SIZE = (120, 40)
RECORDINGS = Path(__file__).parent / "recordings"


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Runs an async test in its own event loop: no async pytest plugin is needed."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def wait_for(pilot: Pilot, predicate: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Let the app run until ``predicate`` holds; fail the test if ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what or predicate}")
        await pilot.pause(0.02)


def app_with(*scripts: str, speed: float = SPEED, **kwargs: Any) -> ContuiApp:
    return ContuiApp(user_targets=[resolve_target(script(s)) for s in scripts], speed=speed, **kwargs)


def index_of(app: ContuiApp, scenario_id: str) -> int:
    return next(i for i, t in enumerate(app.targets) if t.scenario is not None and t.scenario.id == scenario_id)


def model_pids(app: ContuiApp) -> set[int]:
    with app.session.model_lock:
        return set(app.session.model.processes)


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def statuses(pids: set[int]) -> dict[int, str]:
    out = {}
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            out[pid] = psutil.Process(pid).status()
    return out


def live_pids(app: ContuiApp) -> set[int]:
    return {pid for pid in model_pids(app) if alive(pid)}


def main_pid(app: ContuiApp) -> int | None:
    with app.session.model_lock:
        return app.session.model.run.main


def run_ended(app: ContuiApp) -> bool:
    with app.session.model_lock:
        return app.session.model.run.ended and not app.run_state.running


def pane_text(app: ContuiApp, pane_id: str) -> str:
    """What the screen shows inside a pane, as plain text (whatever widget the pane is)."""
    return screen_text(app, app.query_one(f"#{pane_id}"))


def narration(app: ContuiApp) -> str:
    return app.query_one(NarrationPane).plain


async def start_sleepers(pilot: Pilot) -> set[int]:
    """Run the five sleepers (picked first, as the only user script) and wait for all six processes."""
    app = pilot.app
    assert isinstance(app, ContuiApp)
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(live_pids(app)) >= 6, what="the five sleepers and their parent")
    return live_pids(app)


# -- picking ----------------------------------------------------------------------------------------------------------
@sync
async def test_digits_and_arrows_pick_scenarios() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=SIZE) as pilot:
        for n in range(1, 10):
            await pilot.press(str(n))
            assert app.picked == n - 1
            assert app.query_one("#picker").highlighted_target == n - 1
            assert app.targets[n - 1].scenario.title_en in narration(app)  # type: ignore[union-attr]
        await pilot.press("down")
        assert app.picked == 9
        assert "ticket_lock" in app.targets[app.picked].path.name
        await pilot.press("up", "up")
        assert app.picked == 7
        await pilot.press("1", "up")
        assert app.picked == 0  # no wrap-around past the first


@sync
async def test_enter_runs_the_picked_scenario_and_restarts_it() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        await wait_for(pilot, lambda: main_pid(app) is not None, what="the run to start")
        first = main_pid(app)
        await wait_for(pilot, lambda: run_ended(app), what="process_function to end")
        await wait_for(pilot, lambda: "EXITED" in pane_text(app, "status"), what="the status line to say so")
        with app.session.model_lock:
            assert [line.text for line in app.session.model.lines if line.text == "alex is done"]
        await pilot.press("enter")  # again: a restart, a new run
        await wait_for(pilot, lambda: main_pid(app) not in (None, first), what="a new run")
        await wait_for(pilot, lambda: run_ended(app), what="the restarted run to end")


@sync
async def test_picking_another_scenario_stops_the_running_one_first() -> None:
    app = app_with("five_sleepers.py")
    async with app.run_test(size=SIZE) as pilot:
        old = await start_sleepers(pilot)
        await pilot.press("1")  # pick another scenario while the sleepers run
        await wait_for(pilot, lambda: not any(alive(p) for p in old), what="the old run's processes to end")
        assert not app.run_state.running
        await pilot.press("enter")
        await wait_for(pilot, lambda: run_ended(app), what="the new run to end")
        assert app.session.target is not None and app.session.target.scenario is not None
        assert app.session.target.scenario.id == "process_function"
        assert not any(alive(p) for p in old)
        await pilot.press("down")  # the run has ended: picking another stops nothing, so it says nothing about it
        assert app._busy() is None and "STOPPING" not in pane_text(app, "status")
        # And with the arrows: back to the sleepers, run them, go up to another scenario.
        await pilot.press("end")  # a key the app does not use changes nothing
        app.pick(len(app.targets) - 1)
        await pilot.pause()
        old = await start_sleepers(pilot)
        await pilot.press("up")
        await wait_for(pilot, lambda: not any(alive(p) for p in old), what="the sleepers to end after 'up'")


@sync
async def test_s_stops_the_run() -> None:
    app = app_with("five_sleepers.py")
    async with app.run_test(size=SIZE) as pilot:
        old = await start_sleepers(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: not any(alive(p) for p in old), what="every process of the run to end")
        await wait_for(pilot, lambda: "STOPPED" in pane_text(app, "status"), what="the status line to say stopped")
        assert not app.run_state.running


@sync
async def test_s_stops_a_run_the_pump_has_not_reported_yet() -> None:
    """Right after Enter the pump may not have said the run is running: s must not be ignored then."""
    app = app_with("five_sleepers.py", speed=1.0)  # they sleep a minute: only a stop ends them within the test
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.session.start(app.picked_target)  # as the start worker does; no message is handled in between
        assert not app.run_state.running  # so the app has not heard of it yet
        assert app.check_action("stop", ()) is True and app.check_action("freeze", ()) is True
        await pilot.press("s")
        await wait_for(pilot, lambda: not app.session.running, what="the run to be stopped")
        await wait_for(pilot, lambda: "STOPPED" in pane_text(app, "status"), what="the status line to say so")


@sync
async def test_a_clock_tick_drawn_a_frame_later_never_brings_back_an_older_state() -> None:
    app = ContuiApp(session=ReplaySession(RECORDINGS / "zombie.jsonl", target="zombie"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        running = StatusInfo(label="6 zombie", phase=Phase.RUNNING, seconds=1.0)
        infos = iter([running, replace(running, seconds=2.0), replace(running, phase=Phase.STOPPED, code=-15)])
        app._status_info = lambda model: next(infos)  # type: ignore[method-assign]
        app.refresh_panes()  # running: a new state, drawn at once
        app.refresh_panes()  # only the clock moved: drawn in a frame of its own, after this one
        app.refresh_panes()  # stopped: drawn at once, before that frame
        await pilot.pause()
        assert "STOPPED" in pane_text(app, "status") and "RUNNING" not in pane_text(app, "status")


@sync
async def test_space_freezes_and_resumes_the_whole_run() -> None:
    app = app_with("five_sleepers.py")
    async with app.run_test(size=SIZE) as pilot:
        pids = await start_sleepers(pilot)
        await pilot.press("space")
        await wait_for(pilot, lambda: set(statuses(pids).values()) == {psutil.STATUS_STOPPED},
                       what="psutil to see every process stopped")
        assert app.run_state.frozen
        await wait_for(pilot, lambda: "FROZEN" in pane_text(app, "status"), what="the status line to say frozen")

        def model_says_stopped() -> bool:
            with app.session.model_lock:
                return all(app.session.model.processes[p].state == "stopped" for p in pids)

        await wait_for(pilot, model_says_stopped, what="the model (and so the tree) to show them stopped")
        await pilot.press("space")
        await wait_for(pilot, lambda: psutil.STATUS_STOPPED not in statuses(pids).values(),
                       what="psutil to see them running again")
        assert not app.run_state.frozen
        assert all(alive(p) for p in pids)


@sync
async def test_plus_and_minus_change_the_speed_of_the_run_going_now() -> None:
    app = app_with("five_sleepers.py", speed=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await start_sleepers(pilot)
        await pilot.press("plus")
        await wait_for(pilot, lambda: app.session.speed == 2.0, what="speed 2")
        assert app.session.run is not None and app.session.run.speed == 2.0  # the running run's dial too
        await pilot.press("equals_sign")  # the unshifted + key
        await wait_for(pilot, lambda: app.session.speed == 4.0, what="speed 4")
        await pilot.press("minus", "minus", "minus")
        await wait_for(pilot, lambda: app.session.speed == 0.5, what="speed 0.5")
        await wait_for(pilot, lambda: "speed 0.5×" in pane_text(app, "status"), what="the status line to say so")
        await pilot.press("underscore")
        await wait_for(pilot, lambda: app.session.speed == 0.25, what="speed 0.25")


@sync
async def test_l_switches_the_narration_language() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        zombie = app.picked_target.scenario
        assert zombie is not None and zombie.title_en in narration(app)
        await pilot.press("l")
        assert app.lang == "zh"
        assert zombie.title_zh in narration(app) and zombie.watch_zh[0] in narration(app)
        await pilot.press("l")
        assert app.lang == "en" and zombie.watch_en[0] in narration(app)


@sync
async def test_p_switches_projector_mode_with_the_panes_that_matter() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme != PROJECTOR_THEME.name
        app.pick(index_of(app, "ticket_lock"))
        await pilot.press("p")
        assert app.theme == PROJECTOR_THEME.name and app.screen.has_class("-projector")
        for pane_id in ("tree", "locks", "queues", "output", "timeline"):
            assert app.query_one(f"#{pane_id}").projector is True  # type: ignore[attr-defined]
        assert app.shown_panes == {"tree", "locks", "output", "narration"}
        app.pick(index_of(app, "queue"))
        await pilot.pause()
        assert app.shown_panes == {"tree", "queues", "output", "narration"}
        await pilot.press("6")  # zombie: neither locks nor queues
        assert app.shown_panes == {"tree", "output", "narration"}
        assert not app.query_one("#picker").display
        await pilot.press("p")
        assert app.theme == "textual-dark" and not app.screen.has_class("-projector")
        assert app.query_one("#picker").display
        assert app.query_one("#tree").projector is False  # type: ignore[attr-defined]


@sync
async def test_question_mark_opens_help_listing_every_key() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.rows)
        for key in ("1-9", "↑", "↓", "enter", "s", "space", "+", "-", "l", "p", "?", "q", "ctrl+c", "i"):
            assert any(key in keys.lower() or key in keys for keys in rows), key
        for pane in PANES:
            assert pane.key in rows and pane.title in rows[pane.key]
        await pilot.press("s")  # the app's keys are off while help is up
        assert isinstance(app.screen, HelpScreen) and app.picked == 0
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@sync
async def test_every_pane_can_be_hidden_and_shown_from_the_keyboard() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=(160, 50)) as pilot:
        for pane in PANES:
            widget = app.query_one(f"#{pane.id}")
            assert widget.display, pane.id
            await pilot.press(pane.key)
            assert not widget.display, pane.id
            await pilot.press(pane.key)
            assert widget.display, pane.id
            assert app.focused is widget or widget in app.focused.ancestors  # type: ignore[union-attr]


@sync
async def test_tab_focuses_every_visible_pane() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=(160, 50)) as pilot:
        seen = set()
        for _ in range(20):
            await pilot.press("tab")
            focused = app.focused
            for pane in PANES:
                pane_widget = app.query_one(f"#{pane.id}")
                if focused is pane_widget or (focused is not None and pane_widget in focused.ancestors):
                    seen.add(pane.id)
        assert seen == {p.id for p in PANES}


# -- quitting ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["q", "ctrl+c"])
@sync
async def test_quitting_ends_every_process_of_the_run(key: str) -> None:
    app = app_with("five_sleepers.py")
    async with app.run_test(size=SIZE) as pilot:
        pids = await start_sleepers(pilot)
        await pilot.press(key)
        await wait_for(pilot, lambda: not app.is_running, timeout=10, what="the app to exit")
    assert wait_until(lambda: not any(alive(p) for p in pids), timeout=5.0), statuses(pids)
    assert app.return_code == 0


# -- the stdin line ---------------------------------------------------------------------------------------------------
@sync
async def test_stdin_line_feeds_the_echo_client_and_keeps_its_keys() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=SIZE) as pilot:
        stdin = app.query_one(StdinLine)
        await pilot.press("1")
        assert not stdin.display  # process_function reads nothing
        app.pick(index_of(app, "echo_server"))
        await pilot.pause()
        assert stdin.display
        await pilot.press("enter")
        await wait_for(pilot, lambda: main_pid(app) is not None and app.run_state.running, what="the echo server")
        first = main_pid(app)
        await pilot.press("i")
        assert app.focused is stdin
        # Letters that are app keys elsewhere (s stop, q quit, p projector, l language) are text here, and so is
        # space; Enter sends the line instead of restarting the run.
        await pilot.press(*"spql", "space", *"hello", "plus", "minus", "enter")
        assert stdin.value == "" and app.speed == SPEED  # + and - were text, not the speed keys

        def echoed() -> bool:
            with app.session.model_lock:
                return any("SPQL HELLO+-" in line.text for line in app.session.model.lines)

        await wait_for(pilot, echoed, what="the upper-cased echo")
        assert app.run_state.running and main_pid(app) == first
        assert not app.projector and app.lang == "en"
        await pilot.press("escape")
        assert app.focused is not stdin
        await pilot.press("s")
        await wait_for(pilot, lambda: not app.run_state.running, what="the echo server to stop")


@sync
async def test_user_scripts_are_listed_and_get_the_stdin_line() -> None:
    app = app_with("exit3.py", "sleep3.py")
    async with app.run_test(size=SIZE) as pilot:
        names = [t.path.name for t in app.targets]
        assert names[-2:] == ["exit3.py", "sleep3.py"]
        assert app.picked == len(app.targets) - 2  # the first user script is picked at start
        assert app.query_one(StdinLine).display
        await pilot.press("enter")
        await wait_for(pilot, lambda: run_ended(app), what="exit3.py to end")
        await wait_for(pilot, lambda: "exit 3" in pane_text(app, "status").lower(), what="its exit code shown")


# -- bad input --------------------------------------------------------------------------------------------------------
@sync
async def test_a_script_that_raises_shows_its_traceback_and_the_app_goes_on() -> None:
    app = app_with("raises.py")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: run_ended(app), what="raises.py to end")
        await wait_for(pilot, lambda: "ValueError" in pane_text(app, "output"), what="the traceback in Output")
        await wait_for(pilot, lambda: "FAILED · EXIT 1" in pane_text(app, "status"), what="the exit code shown")
        await pilot.press("l")
        assert app.lang == "zh"
        await pilot.press("enter")  # and it can run again
        await wait_for(pilot, lambda: run_ended(app) and app.session.model.exceptions, what="a second run")


def test_a_missing_script_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["no/such/script.py"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err


def test_without_a_terminal_contui_says_so_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2  # under pytest stdout is not a TTY
    err = capsys.readouterr().err
    assert "contui run --plain" in err and err.count("\n") == 1


# -- sizes ------------------------------------------------------------------------------------------------------------
@sync
async def test_below_the_minimum_size_the_app_says_so() -> None:
    app = ContuiApp(speed=SPEED)
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        text = pane_text(app, "too-small")
        assert "80×24" in text and "70×20" in text
        assert not app.query_one("#body").region  # nothing else is drawn
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: not app.screen.has_class("-too-small"), what="the layout back at 80×24")
        assert app.query_one("#tree").region.width > 20


# -- a burst ----------------------------------------------------------------------------------------------------------
@sync
async def test_a_burst_of_20000_lines_is_kept_shown_and_keys_still_work() -> None:
    app = app_with("burst.py", speed=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")

        def lines() -> int:
            with app.session.model_lock:
                return len(app.session.model.lines)

        await wait_for(pilot, lambda: lines() > 0, what="the burst to begin")
        during = lines()
        await pilot.press("l")  # during the burst
        await wait_for(pilot, lambda: app.lang == "zh", timeout=20, what="the key to take effect")
        assert "你自己的脚本" in narration(app)
        await wait_for(pilot, lambda: run_ended(app), timeout=30, what="the burst to end")
        with app.session.model_lock:
            texts = [line.text for line in app.session.model.lines]
        assert texts[:20000] == [f"burst line {i}" for i in range(20000)] and texts[20000:] == ["burst done"]
        await wait_for(pilot, lambda: "burst done" in pane_text(app, "output"), timeout=10, what="the last lines")
        assert "burst line 19999" in pane_text(app, "output")
        # The worker posts at most one update at a time: nowhere near one per line.
        assert 0 < app.updates < 20000 / 50, app.updates
        print(f"lines when l was pressed: {during}, updates handled: {app.updates}")


def test_chinese_narration_wraps_between_characters() -> None:
    text = "主进程先打印“主”：start() 只是请操作系统创建子进程，并不等它运行。"
    lines = wrap(text, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(line) <= 20 for line in lines) and cell_len(lines[0]) >= 18  # the first line is full
    assert not any(line.startswith(("，", "。", "：")) for line in lines)
    assert wrap("the quick brown fox", 9) == ["the quick", "brown fox"]


def test_a_word_longer_than_the_line_is_cut_by_cells() -> None:
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("x" * 1_000_000, 50) == ["x" * 50] * 20_000
    assert wrap("中文中文中", 4) == ["中文", "中文", "中"]  # two cells each
    assert wrap("ab\x1bcdef", 4) == ["ab\x1bcd", "ef"]  # a control character takes no cell, as in rich


# -- the layout rules -------------------------------------------------------------------------------------------------
def test_what_a_scenario_uses_is_read_from_its_code_not_its_comments() -> None:
    uses = {sid: needs(resolve_target(sid)) for sid in ("ticket_lock", "ticket_race", "why_processes", "echo_server",
                                                        "zombie", "producer_consumer")}
    assert uses["ticket_lock"] == Needs(locks=True, queues=True)
    assert uses["ticket_race"] == Needs(queues=True)
    assert uses["why_processes"] == Needs()  # "Global Interpreter Lock" is in a comment only
    assert uses["echo_server"] == Needs(stdin=True)
    assert uses["zombie"] == Needs()
    assert uses["producer_consumer"] == Needs(queues=True)
    pool = needs(resolve_target(str(Path(__file__).parent.parent / "docs" / "examples" / "pool.py")))
    assert pool == Needs(locks=True, queues=True, stdin=True, carriers=True)  # its Event only holds the workers


def test_default_panes_by_mode_and_size() -> None:
    both = Needs(locks=True, queues=True)
    assert default_panes(both, 100, 30, projector=True) == {"tree", "locks", "output", "narration"}
    assert default_panes(Needs(queues=True), 100, 30, projector=True) == {"tree", "queues", "output", "narration"}
    # a script that moves data through a pipe, value, manager or pool: that is the lesson, not its Event
    carriers = Needs(locks=True, queues=True, carriers=True)
    assert default_panes(carriers, 100, 30, projector=True) == {"tree", "queues", "output", "narration"}
    assert default_panes(Needs(), 100, 30, projector=True) == {"tree", "output", "narration"}
    assert default_panes(Needs(), 120, 40, projector=False) == {p.id for p in PANES}
    assert default_panes(Needs(), 80, 24, projector=False) == {"picker", "tree", "output", "narration"}
    assert default_panes(both, 80, 24, projector=False) == {"picker", "tree", "locks", "queues", "output", "narration"}


def test_a_user_scripts_docstring_reflows_by_paragraph_in_either_language(tmp_path: Path) -> None:
    from tui.widgets.narration import paragraphs

    path = tmp_path / "mine.py"
    path.write_text('"""Three threads wait\non one Event.\n\n主线程设置\n事件之后，它们继续。\n"""\nimport threading\n',
                    encoding="utf-8")
    texts = [p.text for p in paragraphs(resolve_target(str(path)), "en")]
    assert "Three threads wait on one Event." in texts  # an editor's line break is not the pane's
    assert "主线程设置事件之后，它们继续。" in texts  # no space is put between Chinese characters
    assert texts[-1] == "Enter runs it; while it runs, i types a line for its stdin, Ctrl+D ends it."
