"""The run's stdin in the app, as a teacher uses it (Pilot): the echo server's demo runs with nothing typed, Ctrl+D in
the stdin line ends a run's input as at a terminal, and the line is there only while a line typed can reach the run.

Every wait is on a condition with a deadline; the autouse fixture in conftest fails a test that leaves a process.
"""

from __future__ import annotations

import time

from tests.helpers import run_processes
from tests.test_app import SIZE, app_with, index_of, pane_text, run_ended, sync, wait_for
from tui.app import ContuiApp
from tui.widgets.stdin import StdinLine


def lines(app: ContuiApp) -> list[str]:
    with app.session.model_lock:
        return [line.text for line in app.session.model.lines]


def waiting_in(app: ContuiApp, call: str) -> bool:
    """A thread of the run is in ``call`` ("input", "stdin.read"), as the tracer told."""
    with app.session.model_lock:
        return any(th.alive and th.waits_in == call
                   for proc in app.session.model.processes.values() for th in proc.threads.values())


def connections_open(app: ContuiApp) -> int:
    """The echo server's connection threads alive now."""
    with app.session.model_lock:
        return sum(1 for proc in app.session.model.processes.values() for th in proc.threads.values()
                   if th.alive and "communicate" in th.name)


def offers_i(app: ContuiApp) -> bool:
    """The key bar offers i (type) now."""
    return bool(app.check_action("focus_stdin", ()))


@sync
async def test_the_echo_server_runs_its_two_clients_when_nobody_types() -> None:
    """At the app's own speed (1×, what the class sees): nothing is typed, so after the scenario's 3 s wait for a
    line the two scripted clients run, on two connections open at the same time (each stays open 1.5 s: a margin no
    scheduling eats), and both upper-case replies are in the Output pane within 10 s of Enter. Ctrl+D then ends the
    input, and the main thread shuts the server down and prints 主."""
    app = ContuiApp()
    assert app.speed == 1.0
    async with app.run_test(size=SIZE) as pilot:
        app.pick(index_of(app, "echo_server"))
        await pilot.pause()
        await pilot.press("enter")
        entered = time.monotonic()
        await wait_for(pilot, lambda: connections_open(app) == 2, timeout=10, what="two connections open at once")
        left = 10 - (time.monotonic() - entered)
        await wait_for(pilot, lambda: "client-1 <<:BYE" in pane_text(app, "output")
                       and "client-2 <<:DONE" in pane_text(app, "output"), timeout=left,
                       what=f"both clients' last upper-case replies on screen within 10 s of Enter: {lines(app)}")
        replies = [line for line in lines(app) if "<<:" in line]
        assert sorted(replies) == ["client-1 <<:BYE", "client-1 <<:CONCURRENCY", "client-1 <<:HELLO",
                                   "client-2 <<:DONE", "client-2 <<:SOCKETS", "client-2 <<:THREADS"]
        # The client still reads stdin (a line typed now would be sent too): its line stays, until Ctrl+D.
        stdin = app.query_one(StdinLine)
        assert stdin.display and app.session.running
        await pilot.press("i", "ctrl+d")
        await wait_for(pilot, lambda: run_ended(app), what="the echo server to end at the end of its input")
        assert lines(app)[-1] == "主" and app.session.model.run.code == 0
        await wait_for(pilot, lambda: not stdin.display, what="the stdin line to go with the run")
        assert app.focused is not stdin and not run_processes()


@sync
async def test_ctrl_d_in_the_stdin_line_ends_the_input_of_a_run_that_reads_it() -> None:
    app = app_with("echo_lines.py")
    async with app.run_test(size=SIZE) as pilot:
        stdin = app.query_one(StdinLine)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.running and app.run_state.running, what="the script to run")
        await pilot.press("i", *"hello", "enter")
        await wait_for(pilot, lambda: "got: hello" in lines(app), what="the line sent")
        assert app.session.running
        # A line typed and not sent yet goes first, then the end of input, as a terminal's Ctrl+D at a line's start.
        await pilot.press(*"bye", "ctrl+d")
        await wait_for(pilot, lambda: run_ended(app), what="the script to see EOF and end")
        assert lines(app) == ["got: hello", "got: bye", "EOF"]
        assert app.session.model.run.code == 0
        assert not run_processes()
        await wait_for(pilot, lambda: not stdin.display, what="the stdin line to go")
        assert app.focused is not stdin and not offers_i(app)


@sync
async def test_the_stdin_line_is_there_only_while_a_line_typed_can_reach_the_run() -> None:
    app = app_with("long_sleep.py", "stdin_via_helper.py")
    async with app.run_test(size=SIZE) as pilot:
        stdin = app.query_one(StdinLine)
        # Before its run, a script of the user's may read stdin: contui cannot tell yet.
        assert stdin.display and offers_i(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "sleeping" in lines(app), what="long_sleep.py to run")
        # Its run: its code reads no stdin and no thread of it waits in input(): no line, and i is not offered.
        await wait_for(pilot, lambda: not stdin.display and not offers_i(app), what="the line to go")
        await pilot.press("s")
        await wait_for(pilot, lambda: not app.session.running, what="the run to stop")

        # A script whose own code says nothing of stdin (it reads it in a module of its own): the line comes when
        # the tracer sees it wait in input().
        app.pick(index_of_script(app, "stdin_via_helper.py"))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: waiting_in(app, "input"), what="the script to wait in input()")
        await wait_for(pilot, lambda: stdin.display and offers_i(app), what="the line while it waits in input()")
        # Esc puts the line away at once (the keys are the app's again); i brings it back, with what was typed.
        await pilot.press("i", *"go")
        assert app.focused is stdin
        await pilot.press("escape")
        assert not stdin.display and app.focused is not stdin and offers_i(app)
        await pilot.press("i")
        assert stdin.display and app.focused is stdin and stdin.value == "go"
        await pilot.press("enter")
        await wait_for(pilot, lambda: run_ended(app), what="the script to end")
        assert lines(app) == ["asking", "got go"]
        # The run has ended: nothing can reach it, no line.
        await wait_for(pilot, lambda: not stdin.display and not offers_i(app), what="the line to go with the run")
        assert app.focused is not stdin


def index_of_script(app: ContuiApp, name: str) -> int:
    return next(i for i, t in enumerate(app.targets) if t.scenario is None and t.path.name == name)
