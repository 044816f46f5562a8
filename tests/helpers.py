"""Shared by the tests: where the test scripts are, how to record a run, how to find a leaked process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.events import Event
from tui.engine.model import Model
from tui.engine.recording import Recording, record
from tui.engine.runner import Run
from tui.inside.env import ENV_OWNER

SCRIPTS = Path(__file__).parent / "scripts"


def script(name: str) -> str:
    return str(SCRIPTS / name)


def run_traced(target: str, *, timeout: float = 60.0, speed: float = 1.0, start_method: str | None = None,
               on_event: Callable[[Event], None] | None = None, stdin: str = "null",
               block_output: bool = False) -> Recording:
    """``block_output``: the script's stdout block-buffered, as under ``contui run > file``."""
    run = Run(resolve_target(target), speed=speed, start_method=start_method, stdin=stdin,  # type: ignore[arg-type]
              block_output=block_output)
    return record_run(run, target, timeout=timeout, on_event=on_event)


def record_run(run: Run, target: str, *, timeout: float = 60.0,
               on_event: Callable[[Event], None] | None = None) -> Recording:
    """Record ``run`` to its end: it must finish in time, and its model must have taken every event it got."""
    recording = record(run, timeout=timeout, on_event=on_event)
    assert not recording.timed_out, f"{target} did not finish within {timeout}s"
    assert_model_took_every_event(recording.model, target)
    return recording


def assert_model_took_every_event(model: Model, target: str) -> None:
    """A live run's events all made sense to the model: none of a kind it does not know, none it had to reject."""
    assert model.unknown == 0, f"{target}: {model.unknown} event(s) of a kind the model does not know"
    assert model.rejected == 0, f"{target}: the model rejected {model.rejected} event(s)"


def printed(e: Event) -> list[str]:
    """The lines a ``stdout`` event carries: one, or a block of a thread's consecutive lines (see
    tui/inside/trace/output.py); none for any other event."""
    if e.kind != ev.STDOUT:
        return []
    return str(e.get("text", "")).split("\n")


def read_after(recording: Recording, pid: int, t: int) -> list[Event]:
    """psutil's samples of ``pid`` (``sample`` and ``sample.gone``) that were read after ``t``.

    A sample is stamped when its read ends, so the first one stamped after ``t`` may have been read before it (a
    zombie sampled as its parent reaps it): that one is left out, every later one was read wholly after ``t``."""
    return [e for e in recording.of(ev.SAMPLE, ev.SAMPLE_GONE) if e.pid == pid and e.t > t][1:]


def plain_python(path: str, cwd: str | None = None, timeout: float = 60.0,
                 stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python SCRIPT`` as a student runs it, untraced: what it printed on stdout and stderr, and its exit code.
    ``stdin``: what it reads (nothing by default)."""
    # Unbuffered, two threads printing at once tear each other's lines; a pipe is block-buffered by default.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          input=stdin, stdin=subprocess.DEVNULL if stdin is None else None, env=env)


def plain_python_lines(path: str, cwd: str | None = None, timeout: float = 60.0) -> tuple[Counter[str], int]:
    """The lines ``python SCRIPT`` prints (stdout), and its exit code."""
    done = plain_python(path, cwd, timeout)
    return Counter(done.stdout.splitlines()), done.returncode


def run_processes() -> list[psutil.Process]:
    """Live processes of contui runs that are ours (started by this test process) or nobody's (their contui is
    gone, so nothing will ever end them): both are leaks. Runs of other contui processes are left alone."""
    me = os.getpid()
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            owner = proc.environ().get(ENV_OWNER)
        except psutil.Error:
            continue
        if owner is not None and (int(owner) == me or not psutil.pid_exists(int(owner))):
            found.append(proc)
    return found


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.02) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass (a deadline, never a blind sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def screen_text(app: Any, widget: Any) -> str:
    """What the app's screen shows inside ``widget``'s region, as plain text (whatever kind of widget it is)."""
    region = widget.region
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.crop(region.x, region.right).text for strip in strips[region.y:region.bottom])
