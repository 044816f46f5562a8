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

from tui.engine.recording import Recording, record
from tui.inside.env import ENV_OWNER
from tui.engine.catalog import resolve_target
from tui.engine.runner import Run

SCRIPTS = Path(__file__).parent / "scripts"


def script(name: str) -> str:
    return str(SCRIPTS / name)


def run_traced(target: str, *, timeout: float = 60.0, speed: float = 1.0, start_method: str | None = None,
               on_event: Callable[..., None] | None = None, stdin: str = "null") -> Recording:
    run = Run(resolve_target(target), speed=speed, start_method=start_method, stdin=stdin)  # type: ignore[arg-type]
    recording = record(run, timeout=timeout, on_event=on_event)
    assert not recording.timed_out, f"{target} did not finish within {timeout}s"
    return recording


def plain_python_lines(path: str, cwd: str | None = None, timeout: float = 60.0) -> tuple[Counter[str], int]:
    """The lines ``python SCRIPT`` prints (stdout), and its exit code."""
    # Unbuffered, two threads printing at once tear each other's lines; a pipe is block-buffered by default.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          stdin=subprocess.DEVNULL, env=env)
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
