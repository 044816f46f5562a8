"""First frame: from starting ``contui`` (a new interpreter) to its first painted frame, headless (target <= 0.6 s),
and to its first complete frame: the first one with the Code pane highlighted and psutil loaded, which the app leaves
until after the first frame (target <= 1.0 s: the first frame's 0.6 s, then 0.4 s for what follows it: pygments'
import and highlighting, psutil's import, the collection the app does once its first frame is out). Beside them the
floor of a bare interpreter start, the real ``contui`` in a pseudo-terminal and a start with no compiled bytecode of
contui's own modules. All wall time.

Python caches compiled modules in ``__pycache__`` at the first start (pip does it at install for the packages it
installs), so every later start is the one a class sees. These machines set ``PYTHONDONTWRITEBYTECODE=1``, which would
make every start a first one. So the measured starts import a copy of contui in a temporary folder, compiled there as
that first start would have (or left uncompiled, for the cold figure): the checkout itself is never written to."""

from __future__ import annotations

import compileall
import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import tui
from benchmarks.common import SCRIPTS, Figure
from tui.engine.catalog import load_catalog

FIGURES = [
    Figure("first_frame.headless_s", "first frame: contui start -> painted (headless, wall)", "s", 0.6),
    Figure("first_frame.complete_s", "first complete frame: code highlighted, psutil loaded (headless, wall)", "s",
           1.0),
    Figure("first_frame.python_s", "first frame floor: bare python start+exit (wall)", "s"),
    Figure("first_frame.pty_s", "first frame in a real pseudo-terminal (wall)", "s"),
    Figure("first_frame.cold_s", "first frame, contui's bytecode not compiled yet (wall)", "s"),
]
REPEATS = 5


def contui_copy(folder: str, compiled: bool) -> str:
    """Copy contui's package, and the scenarios package it lists, into ``folder`` without any bytecode; compile the
    copy if ``compiled``. A start whose sys.path begins with ``folder`` (see :func:`started_in`) imports it."""
    checkout = Path(tui.__file__).resolve().parent.parent
    for package in ("tui", "scenarios"):
        shutil.copytree(checkout / package, Path(folder) / package, ignore=shutil.ignore_patterns("__pycache__"))
    if compiled:
        compileall.compile_dir(folder, quiet=1)
    return folder


def started_in(copy: str) -> tuple[dict[str, str], str]:
    """Environment and working folder for a start that imports ``copy``'s contui and writes no bytecode anywhere.
    The folder comes first on sys.path for ``python -m``; PYTHONPATH puts it before the checkout's editable install
    for a script."""
    path = os.pathsep.join(p for p in (copy, os.environ.get("PYTHONPATH", "")) if p)
    return dict(os.environ, PYTHONPATH=path, PYTHONDONTWRITEBYTECODE="1"), copy


@dataclass(frozen=True)
class Start:
    """Seconds from starting the interpreter to: this file running in it, the first frame, the first complete one."""

    interpreter: float
    first: float
    complete: float


def headless(copy: str) -> Start:
    env, cwd = started_in(copy)
    began = time.monotonic_ns()
    done = subprocess.run([sys.executable, str(SCRIPTS / "first_frame.py")], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"first_frame.py failed: {done.stderr[-2000:]}")
    started, painted, complete, package = done.stdout.splitlines()[-1].split(" ", 3)
    if Path(package).resolve().parent != Path(copy).resolve():
        raise RuntimeError(f"first_frame.py imported contui from {package}, not from the copy in {copy}")
    return Start(*((int(ns) - began) / 1e9 for ns in (started, painted, complete)))


def bare_python() -> float:
    began = time.monotonic_ns()
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=30)
    return (time.monotonic_ns() - began) / 1e9


def in_terminal(copy: str, timeout: float = 20.0) -> float:
    """The real ``contui`` (``copy``'s) in a 120x40 pseudo-terminal: until the first scenario's title is on the
    screen."""
    needle = load_catalog()[0].title_en.encode()
    env, cwd = started_in(copy)
    env.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "tui"], stdin=slave, stdout=slave, stderr=slave, env=env,
                            cwd=cwd, start_new_session=True)
    os.close(slave)
    seen = b""
    found: float | None = None
    try:
        while time.monotonic() - began < timeout:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = (seen + chunk)[-65536:]
            if needle in seen:
                found = time.monotonic() - began
                break
        os.write(master, b"q")
        try:
            # Keep reading so the app is never blocked writing its last frame while it quits.
            deadline = time.monotonic() + 10
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
            proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    if found is None:
        raise RuntimeError("contui never showed its first screen in the pseudo-terminal")
    return found


def measure(quick: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="contui-cold-") as cold_copy, \
            tempfile.TemporaryDirectory(prefix="contui-compiled-") as compiled_copy:
        cold = headless(contui_copy(cold_copy, compiled=False))
        contui_copy(compiled_copy, compiled=True)
        start = headless(compiled_copy)
        pty_frame = in_terminal(compiled_copy)
    return {
        "first_frame.headless_s": start.first,
        "first_frame.complete_s": start.complete,
        "first_frame.python_s": bare_python(),
        "first_frame.pty_s": pty_frame,
        "first_frame.cold_s": cold.first,
        "first_frame.interpreter_up_s": start.interpreter,
        "first_frame.cold_complete_s": cold.complete,
    }
