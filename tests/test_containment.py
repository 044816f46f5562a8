"""Containment that does not depend on the run's reaper: a script that kills its reaper, or its whole process group
after two children left it with setsid(), ends under contui with every one of its processes gone, however it was
started, and contui says why in one line. (Under plain python those children would sleep on.) A script that stops
its reaper keeps neither the timeout from ending the run nor its processes from ending with a SIGKILLed contui.
Ctrl+C stops a run with one line too."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.helpers import run_processes, script, wait_until
from tui.engine.catalog import resolve_target
from tui.engine.jsonl import read_recording
from tui.engine.model import Model
from tui.status import Phase, status_info
from tui.widgets.status import render_status

LOST = "contui: the run's reaper was killed (by the script?); contui ended every process the run had left\n"


def contui_run(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "tui", "run", *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    return done, time.monotonic() - began


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_script_that_kills_its_reaper_leaves_nothing(method: str) -> None:
    # --timeout is there to be kept: the run must not last until it (the script would sleep 60 s)
    done, took = contui_run("--start-method", method, "--timeout", "20", script("kills_its_reaper.py"))
    assert done.stdout == "children started\n"
    assert done.stderr == LOST and done.returncode == 1
    assert took < 20
    assert wait_until(lambda: not run_processes(), 2.0), run_processes()


def test_setsid_children_and_a_killed_process_group_leave_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    done, took = contui_run("--jsonl", str(out), script("kills_its_group.py"))
    assert done.stdout == "children in sessions of their own\n"
    assert done.stderr == LOST and done.returncode == 1
    assert wait_until(lambda: not run_processes(), 2.0), run_processes()
    # the model (and so every view) says the run is over and why: no process of it is left shown alive
    model = Model.from_events(read_recording(out)[1])
    assert model.run.lost and model.run.ended and model.rejected == 0
    assert all(p.ended for p in model.processes.values())
    info = status_info(resolve_target(script("kills_its_group.py")), model, Phase.FAILED, shown_is_run=True,
                       clock_seconds=0.0, speed=1.0, lang="en", projector=False)
    assert "its reaper was killed: contui ended the run" in render_status(info).plain



def test_a_stopped_reaper_keeps_the_timeout() -> None:
    done, took = contui_run("--timeout", "2", script("stops_its_reaper.py"))
    assert done.stdout == "reaper stopped\n"
    assert done.returncode == 124
    # the timeout, then at most the stop's grace for SIGTERM (1 s), and start-up; a reaper left stopped would have
    # been killed only after a further 5 s without an answer
    assert took < 5
    assert wait_until(lambda: not run_processes(), 2.0), run_processes()


def test_a_stopped_reaper_and_a_sigkilled_contui_leave_nothing() -> None:
    contui = subprocess.Popen([sys.executable, "-m", "tui", "run", script("stops_its_reaper.py")], text=True,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert contui.stdout is not None
        assert contui.stdout.readline() == "reaper stopped\n"
        reaper = [p for p in psutil.Process(contui.pid).children() if p.status() == psutil.STATUS_STOPPED]
        assert len(reaper) == 1  # the run's reaper is stopped when contui dies
    finally:
        contui.kill()
        contui.wait()
    assert wait_until(lambda: not run_processes(), 2.0), run_processes()


@pytest.mark.parametrize("name", ["closes_its_fds.py", "dup2s_over_its_fds.py"])
def test_a_script_that_closes_or_replaces_the_tracers_fd_loses_no_line_and_gets_no_frame(
        name: str, tmp_path: Path) -> None:
    traced, plain = tmp_path / "traced.txt", tmp_path / "plain.txt"
    done, _ = contui_run(script(name), str(traced))
    python = subprocess.run([sys.executable, script(name), str(plain)], capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert done.returncode == python.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == sorted(python.stdout.splitlines())
    assert done.stderr == ""
    assert traced.read_bytes() == plain.read_bytes() != b""


def test_ctrl_c_while_the_run_goes_stops_it_with_one_line() -> None:
    contui = subprocess.Popen([sys.executable, "-m", "tui", "run", script("five_sleepers.py")], text=True,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        me = psutil.Process(contui.pid)
        assert wait_until(lambda: len(me.children(recursive=True)) >= 7, timeout=20), "run never started"
        contui.send_signal(signal.SIGINT)
        _, err = contui.communicate(timeout=30)
    finally:
        if contui.poll() is None:
            contui.kill()
            contui.wait()
    assert contui.returncode == 130
    assert err == "\ncontui: interrupted, the run was stopped\n"
    assert wait_until(lambda: not run_processes(), 2.0), run_processes()


CONTUI = str(Path(sys.executable).parent / "contui")  # the console command, as a student runs it
TUI = str(Path(__file__).resolve().parent.parent / "tui")


def _default_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_at_random_moments_in_the_first_200ms_never_shows_a_traceback_of_contui() -> None:
    """Each moment gives one of three ends. From the moment contui's own code runs (tui/entry.py, first thing):
    one line and 130. Before CPython has set up signals: the default action, nothing printed. In between, CPython's
    start-up (site, the editable install's import hook, pip's console script: before any code of contui's package)
    prints its own traceback of KeyboardInterrupt, never through a frame of contui's. Nothing of a run is left in any
    case."""
    rng = random.Random(11)
    for _ in range(20):
        # As from a terminal: Ctrl+C's default action. Started from a shell's background job (``&`` without job
        # control: how CI may be run), SIGINT comes ignored, and CPython keeps it ignored until contui's own code runs.
        contui = subprocess.Popen([CONTUI, "run", "--timeout", "20", script("five_sleepers.py")], text=True,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  preexec_fn=_default_ctrl_c)
        time.sleep(rng.uniform(0, 0.2))
        contui.send_signal(signal.SIGINT)
        _, err = contui.communicate(timeout=30)
        if contui.returncode == 130:
            assert err.strip() in ("contui: interrupted", "contui: interrupted, the run was stopped"), err
        elif err == "":
            assert contui.returncode == -signal.SIGINT
        else:  # CPython ends an uncaught KeyboardInterrupt with exit 1, or by SIGINT once its start-up is done
            # (CPython ends it "KeyboardInterrupt", or "KeyboardInterrupt: " when the interrupt came while it set up
            # __main__: "python: failed to set __main__.__loader__", seen in CI)
            assert contui.returncode in (1, -signal.SIGINT) and err.rstrip().rstrip(":").endswith(
                "KeyboardInterrupt"), err
            frames = re.findall(r'File "([^"]+)"', err)
            assert frames and not [f for f in frames if f.startswith(TUI)], err
        assert wait_until(lambda: not run_processes(), 2.0), run_processes()
