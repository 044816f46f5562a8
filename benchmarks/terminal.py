"""The real ``contui`` in a pseudo-terminal of 120x40: started, read, typed into, quit, and always ended."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time

COLUMNS, LINES = 120, 40


class Terminal:
    def __init__(self, args: list[str]) -> None:
        self.args = args
        self.proc: subprocess.Popen[bytes] | None = None
        self.master = -1
        self.seen = b""
        self.started = 0.0

    def __enter__(self) -> Terminal:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        env = dict(os.environ, TERM="xterm-256color")
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "tui", *self.args], stdin=slave, stdout=slave,
                                     stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.master = master
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def pump(self, seconds: float) -> bytes:
        """Read what the app writes for ``seconds`` (a terminal that is not read blocks the app's writes)."""
        import select

        got = b""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                break
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the app has closed the terminal
                break
            if not chunk:
                break
            got += chunk
        self.seen = (self.seen + got)[-262144:]
        return got

    def wait_for(self, needle: bytes, timeout: float = 20.0) -> float:
        """Seconds since the start at which ``needle`` was first on the screen."""
        deadline = time.monotonic() + timeout
        while needle not in self.seen:
            if time.monotonic() > deadline or (self.proc is not None and self.proc.poll() is not None):
                raise TimeoutError(f"{needle!r} never showed in the terminal")
            self.pump(0.01)
        return time.monotonic() - self.started

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        try:
            if self.proc.poll() is None:
                self.send(b"q")
                deadline = time.monotonic() + 10
                while self.proc.poll() is None and time.monotonic() < deadline:
                    self.pump(0.05)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            os.close(self.master)
