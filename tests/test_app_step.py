"""Step mode in the app, driven as a teacher does (Pilot): ``.`` starts the picked scenario held, each ``.`` lets
the highlighted held process do one action, ``,`` chooses who goes next, ``space`` runs it free to its end; stop,
switch and quit in step mode leave no process behind."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual import events
from textual.pilot import Pilot

from tests.helpers import run_processes, wait_until
from tests.test_app import SIZE, app_with, index_of, live_pids, pane_text, sync, wait_for
from tui.app import ContuiApp
from tui.engine import events as ev
from tui.engine.model import State, ThreadNode
from tui.status import highlighted_thread

QUIET = (ev.SAMPLE, ev.SAMPLE_GONE, ev.CLOCK, ev.HOLD, ev.VALUE_SAMPLE)


def held(app: ContuiApp) -> list[ThreadNode]:
    with app.session.model_lock:
        return app.session.model.held()


def next_up(app: ContuiApp) -> ThreadNode | None:
    with app.session.model_lock:
        return highlighted_thread(app.session.model, app.highlighted)


def events_seen(app: ContuiApp) -> int:
    with app.session.model_lock:
        return app.session.model.events


async def start_stepped(pilot: Pilot, scenario: str) -> ContuiApp:
    app = pilot.app
    assert isinstance(app, ContuiApp)
    app.pick(index_of(app, scenario))
    await pilot.press("full_stop")
    await wait_for(pilot, lambda: len(held(app)) == 2, what="main and its child held")
    return app


async def step(pilot: Pilot, app: ContuiApp) -> ThreadNode:
    """Press ``.``; wait until the thread it let go is held again, or has ended; that thread."""
    th = next_up(app)
    assert th is not None and th.held is not None
    was = th.held
    await pilot.press("full_stop")
    await wait_for(pilot, lambda: th.held is not was and (th.held is not None or not th.alive),
                   what=f"{th.name} to take its step")
    return th


@sync
async def test_a_run_started_with_a_dot_does_nothing_until_stepped() -> None:
    async with app_with(speed=1.0).run_test(size=SIZE) as pilot:
        app = await start_stepped(pilot, "process_function")
        pids = live_pids(app)
        assert len(pids) == 2
        before = events_seen(app)
        with app.session.model_lock:
            kinds_before = len(app.session.model.lines)
        until = time.monotonic() + 3.0
        while time.monotonic() < until:  # no key for 3 s
            await pilot.pause(0.1)
        assert live_pids(app) == pids and kinds_before == 0
        with app.session.model_lock:
            assert app.session.model.lines == []
        assert events_seen(app) >= before  # samples go on; nothing of the script's
        assert "STEPPING" in pane_text(app, "status") and "next:" in pane_text(app, "status")
        await pilot.press("q")
    assert wait_until(lambda: not run_processes(), 3.0), run_processes()


# What one action of each kind sends, besides holds and samples: a print its line, a sleep its begin and end, a start
# (the process runs its target up to its first point) nothing.
ONE_ACTION = {"print": [ev.STDOUT], "sleep": [ev.SLEEP, ev.SLEEP], "start": []}


@sync
async def test_each_dot_is_one_action_and_a_comma_chooses_who() -> None:
    async with app_with(speed=1.0).run_test(size=SIZE) as pilot:
        app = await start_stepped(pilot, "process_function")
        model = app.session.model
        seen: list[tuple[str, int, int]] = []
        folded = model.apply_wire

        def spy(t: int, kind: str, pid: int, tid: int, fields: dict) -> None:  # type: ignore[type-arg]
            seen.append((kind, pid, tid))
            folded(t, kind, pid, tid, fields)

        model.apply_wire = spy  # type: ignore[method-assign]
        first = next_up(app)
        await pilot.press("comma")  # the other one goes next
        up = next_up(app)
        assert first is not None and up is not None and up.tid != first.tid
        while next_up(app).pid == app.session.model.run.main:  # type: ignore[union-attr]
            await pilot.press("comma")  # the child, to follow it through three steps
        child = next_up(app)
        main = next(th for th in held(app) if th is not child)
        kept = main.held
        for action in ("start", "print", "sleep"):  # its start, its first print, its 3 s sleep (ended at once)
            assert child is not None and child.held is not None and child.held.action == action
            seen.clear()
            stepped = await step(pilot, app)
            assert stepped is child
            own = [kind for kind, pid, tid in seen if (pid, tid) == (child.pid, child.tid) and kind not in QUIET]
            assert own == ONE_ACTION[action], (action, own)
            others = [kind for kind, pid, tid in seen if pid != child.pid and kind not in QUIET]
            assert others == [] and main.held is kept  # nothing else moved
        await pilot.press("space")  # leave step mode: it runs free to its normal end
        await wait_for(pilot, lambda: model.run.ended, timeout=20, what="the run's end")
        with app.session.model_lock:
            assert model.run.code == 0
            assert sorted(line.text for line in model.lines) == sorted(["主", "alex is running", "alex is done"])
    assert wait_until(lambda: not run_processes(), 3.0), run_processes()


@sync
async def test_stop_switch_and_quit_in_step_mode_leave_nothing_held() -> None:
    async with app_with(speed=1.0).run_test(size=SIZE) as pilot:
        app = await start_stepped(pilot, "process_function")
        await pilot.press("s")  # stop
        await wait_for(pilot, lambda: not live_pids(app), timeout=10, what="the stopped run's end")
        app = await start_stepped(pilot, "process_function")
        await pilot.press("2")  # switch
        await wait_for(pilot, lambda: not app.session.running, timeout=10, what="the switch's stop")
        app.pick(index_of(app, "process_function"))
        app = await start_stepped(pilot, "process_function")
        await pilot.press("q")  # quit
    assert wait_until(lambda: not run_processes(), 3.0), run_processes()


async def until(predicate: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    """As tests.test_app.wait_for, polling every few ms without waiting for the screen: a key's effect is read from
    the model, which the pump folds whatever the screen does."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        await asyncio.sleep(0.003)


def key(app: ContuiApp, name: str, char: str) -> None:
    """A key as a terminal delivers it: Pilot's press would also wait for the screen to settle each time."""
    assert app._driver is not None
    app._driver.send_message(events.Key(name, char))


async def bring_up(pilot: Pilot, app: ContuiApp, th: ThreadNode) -> None:
    """``,`` until ``th`` is highlighted: the one the next ``.`` lets go. By name, not by default: a highlighted thread
    that was blocked on a lock comes back held, and is the one a step lets go again."""
    for _ in range(64):  # round the held ones, however many come meanwhile
        if app.highlighted == th.tid:
            return
        was = app.highlighted
        key(app, "comma", ",")
        await until(lambda: app.highlighted != was, "the highlight to move")
    raise AssertionError(f"{th.name} never came up")


@sync
async def test_keys_drive_the_ticket_sale_to_oversell_every_time_and_never_with_the_lock() -> None:
    """The policy of tests/test_step_mode.py, played with keys: ``,`` to the thread it picks, ``.`` to step it; ten
    unlocked sales in a row, all oversold, then a locked one, not, each started with ``.`` in the same app. (The
    locked sale three more times through the engine, the same steps without keys, in tests/test_step_mode.py: by
    keys a sale takes seconds.)"""
    from tests.test_step_mode import SOLD, oversell_policy

    async with app_with(speed=1.0).run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, ContuiApp)
        for scenario, runs, oversold in (("ticket_race", 10, True), ("ticket_lock", 1, False)):
            app.pick(index_of(app, scenario))
            for _ in range(runs):
                await wait_for(pilot, lambda: not app.session.running, what="the last run's end")
                old = app.session.model
                key(app, "full_stop", ".")
                await wait_for(pilot, lambda: app.session.model is not old and bool(held(app)), what="the run held")
                model = app.session.model
                for _ in range(400):
                    if model.run.ended:
                        break
                    now = held(app)
                    if not now:
                        await asyncio.sleep(0.003)
                        continue
                    chosen = oversell_policy(now)
                    await bring_up(pilot, app, chosen)
                    was = chosen.held
                    key(app, "full_stop", ".")
                    await until(lambda: chosen.held is not was or model.run.ended, f"{chosen.name} to take its step")
                    await until(lambda: chosen.held is not None or not chosen.alive
                                or chosen.state is not State.RUNNING or model.run.ended, f"{chosen.name} to stand")
                await wait_for(pilot, lambda: model.run.ended, timeout=20, what="the sale's end")
                with app.session.model_lock:
                    summary = [m for line in model.lines if (m := SOLD.search(line.text))]
                assert len(summary) == 1
                assert (int(summary[0].group(1)) > 1) is oversold, summary[0].group(0)
        await pilot.press("q")
    assert wait_until(lambda: not run_processes(), 3.0), run_processes()


@sync
async def test_marking_the_held_lines_lexes_the_code_once() -> None:
    """Each step marks new lines in the Code pane; pygments colours the code once per script, not once per step."""
    from rich.syntax import Syntax

    lexed: list[str] = []
    original = Syntax.highlight

    def counting(self: Syntax, code: str, line_range: object = None) -> object:
        lexed.append(code)
        return original(self, code, line_range)  # type: ignore[arg-type]

    Syntax.highlight = counting  # type: ignore[method-assign]
    try:
        async with app_with().run_test(size=SIZE) as pilot:
            app = pilot.app
            assert isinstance(app, ContuiApp)
            app.pick(index_of(app, "ticket_lock"))
            await wait_for(pilot, lambda: bool(lexed), what="the code coloured")
            first = len(lexed)
            for lines in ((20,), (20, 25), (25,), ()):
                app.code_pane.mark(lines)
                await pilot.pause()
            text = app.code_pane.query_one("#code-text")
            assert text.render_lines(text.region.reset_offset)  # drawn, with the last marks
            assert len(lexed) == first
            await pilot.press("q")
    finally:
        Syntax.highlight = original  # type: ignore[method-assign]


@sync
async def test_the_key_bar_draws_again_only_when_its_keys_change() -> None:
    """Bindings are said to change several times a step; a key bar drawn again each time asked the whole screen for a
    layout pass, a third of what a step's frame cost."""
    from tui.widgets.keybar import KeyBar

    async with app_with().run_test(size=SIZE) as pilot:
        app = pilot.app
        bar = app.query_one(KeyBar)
        await pilot.pause()
        updates: list[object] = []
        original = bar.update
        bar.update = lambda *args, **kwargs: updates.append(args) or original(*args, **kwargs)  # type: ignore[method-assign]
        for _ in range(3):
            app.refresh_bindings()
            await pilot.pause()
        assert updates == []
        await pilot.resize_terminal(80, 24)  # narrower: the keys wrap differently, drawn again
        await pilot.pause()
        assert len(updates) >= 1
        await pilot.press("q")
