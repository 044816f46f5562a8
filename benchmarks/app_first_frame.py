"""First frame: from starting ``contui`` (a new interpreter) to its first painted frame, headless (target <= 0.6 s);
beside it the floor of a bare interpreter start and, as a detail, the real ``contui`` in a pseudo-terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time

from benchmarks.common import SCRIPTS, Figure
from tui.engine.catalog import load_catalog

FIGURES = [
    Figure("first_frame.headless_s", "first frame: contui start -> painted (headless)", "s", 0.6),
    Figure("first_frame.python_s", "first frame floor: bare python start+exit", "s"),
    Figure("first_frame.pty_s", "first frame in a real pseudo-terminal", "s"),
]
REPEATS = 5


def headless() -> tuple[float, float]:
    began = time.monotonic_ns()
    done = subprocess.run([sys.executable, str(SCRIPTS / "first_frame.py")], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
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


def measure(quick: bool) -> dict[str, float]:
    frame, interpreter = headless()
    return {
        "first_frame.headless_s": frame,
        "first_frame.python_s": bare_python(),
        "first_frame.pty_s": in_terminal(),
        "first_frame.interpreter_up_s": interpreter,
    }
