"""First frame: from starting ``contui`` (a new interpreter) to its first painted frame, headless (target <= 0.6 s);
beside it the floor of a bare interpreter start and, as details, the real ``contui`` in a pseudo-terminal and a
start with no compiled bytecode of contui's own modules.

Python caches compiled modules in ``__pycache__`` at the first start (pip does it at install for the packages it
installs), so every later start is the one a class sees. These machines set ``PYTHONDONTWRITEBYTECODE=1``, which would
make every start a first one: the benchmark compiles ``tui`` once first, as that first start would have."""

from __future__ import annotations

import compileall
import fcntl
import os
import pty
import struct
import subprocess
import sys
import shutil
import termios
import time

import tui
from benchmarks.common import SCRIPTS, Figure
from tui.engine.catalog import load_catalog

FIGURES = [
    Figure("first_frame.headless_s", "first frame: contui start -> painted (headless)", "s", 0.6),
    Figure("first_frame.python_s", "first frame floor: bare python start+exit", "s"),
    Figure("first_frame.pty_s", "first frame in a real pseudo-terminal", "s"),
    Figure("first_frame.cold_s", "first frame, contui's bytecode not compiled yet", "s"),
]
REPEATS = 5


def headless(env: dict[str, str] | None = None) -> tuple[float, float]:
    began = time.monotonic_ns()
    done = subprocess.run([sys.executable, str(SCRIPTS / "first_frame.py")], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, env=env)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"first_frame.py failed: {done.stderr[-2000:]}")
    started, painted = map(int, done.stdout.split()[-2:])
    return (painted - began) / 1e9, (started - began) / 1e9


def bare_python() -> float:
    began = time.monotonic_ns()
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=30)
    return (time.monotonic_ns() - began) / 1e9


def in_terminal(timeout: float = 20.0) -> float:
    """The real ``contui`` in a 120x40 pseudo-terminal: until the first scenario's title is on the screen."""
    needle = load_catalog()[0].title_en.encode()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "tui"], stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True)
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


def tui_bytecode(compiled: bool) -> None:
    """Compile contui's own modules, as its first start does where bytecode may be written; or remove them."""
    package = os.path.dirname(tui.__file__)
    if compiled:
        compileall.compile_dir(package, quiet=1)
        return
    for folder, dirs, _files in os.walk(package):
        if "__pycache__" in dirs:
            shutil.rmtree(os.path.join(folder, "__pycache__"))
            dirs.remove("__pycache__")


def measure(quick: bool) -> dict[str, float]:
    tui_bytecode(compiled=False)
    cold, _ = headless(dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    tui_bytecode(compiled=True)
    frame, interpreter = headless()
    return {
        "first_frame.headless_s": frame,
        "first_frame.python_s": bare_python(),
        "first_frame.pty_s": in_terminal(),
        "first_frame.cold_s": cold,
        "first_frame.interpreter_up_s": interpreter,
    }
