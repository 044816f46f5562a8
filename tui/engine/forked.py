"""contui's helper processes (a run's reaper, a recording's writer) made by forking contui itself, where that is safe.

A helper started as a fresh interpreter (``python -S -c ...``) costs its interpreter's start-up and imports, and a
trivial run waited for both of them: the reaper's before the script could start, the writer's before the run could
end. A fork of contui costs a fraction of that, and the helper's code is already loaded. Only a process with a single
thread may fork to go on running Python code: a lock that another thread held at the fork stays held in the child.
So ``contui run`` forks its helpers, and the app (Textual's threads) starts them as interpreters.
``ForkedChild`` gives a forked helper the face of ``subprocess.Popen`` that their users need.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

TYPE_CHECKING = False  # typing is not loaded at run time: contui run's start waits for every module it loads
if TYPE_CHECKING:
    from typing import IO


def single_threaded() -> bool:
    """contui has one thread, counted by the kernel (threads of C libraries included, which Python does not see)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class ForkedChild:
    """A helper forked from contui: what its users need of ``subprocess.Popen``."""

    def __init__(self, pid: int, stdin: IO[bytes] | None, stdout: IO[bytes] | None) -> None:
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.returncode: int | None = None
        self._lock = threading.Lock()  # one waitpid at a time: a pid reaped twice could be another process's

    @classmethod
    def start(cls, body: Callable[[], object], *, stdin: str = "inherit", stdout_pipe: bool = False,
              stderr_null: bool = False, keep_fds: tuple[int, ...] = (), new_session: bool = False,
              process_group: bool = False, cwd: str | None = None, env: dict[str, str] | None = None,
              pipesize: int = 0) -> ForkedChild:
        """Fork; the child runs ``body()`` and exits (70 if it returned or raised: a helper's body ends by
        ``os._exit``). The child holds only ``keep_fds`` beside 0, 1 and 2, as ``Popen(pass_fds=...)`` gives them.
        ``stdin``: "pipe", "inherit" or "null"; ``stdout_pipe``: its stdout is a pipe to us."""
        if not single_threaded():
            raise RuntimeError("contui forks a helper only while it has a single thread")
        theirs: dict[int, int] = {}  # the child's ends, by the fd they become in it
        if stdin == "pipe":
            r, w = os.pipe()
            if pipesize:
                _set_pipe_size(w, pipesize)
            theirs[0], stdin_w = r, w
        elif stdin == "null":
            theirs[0] = os.open(os.devnull, os.O_RDONLY)
        if stdout_pipe:
            r, w = os.pipe()
            theirs[1], stdout_r = w, r
        if stderr_null:
            theirs[2] = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):  # what contui buffered is contui's to write, never the child's too
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        pid = os.fork()
        if pid == 0:  # the child never returns into contui's code, whatever happens
            try:
                _settle_child(theirs, keep_fds, new_session, process_group, cwd, env)
                body()
            except BaseException:  # noqa: BLE001 (a helper reports its own errors; this is the last resort)
                os._exit(70)
            os._exit(70)
        for fd in theirs.values():
            os.close(fd)
        return cls(pid, os.fdopen(stdin_w, "wb") if stdin == "pipe" else None,
                   os.fdopen(stdout_r, "rb") if stdout_pipe else None)

    def poll(self) -> int | None:
        with self._lock:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:  # reaped by someone else: gone, its code unknown
                    self.returncode = -signal.SIGKILL
                    return self.returncode
                if pid == self.pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Its exit code once it has ended; ``subprocess.TimeoutExpired`` after ``timeout`` seconds."""
        code = self.poll()
        if code is not None:
            return code
        try:
            ended = os.pidfd_open(self.pid)
        except ProcessLookupError:  # ended and reaped between the poll and here
            return self.poll()  # type: ignore[return-value]
        try:
            if not select.select([ended], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(["contui helper"], timeout or 0.0)
        finally:
            os.close(ended)
        return self.poll()  # type: ignore[return-value]

    def communicate(self, timeout: float | None = None) -> tuple[bytes, None]:
        """Close its stdin, read its stdout to the end and wait for it to end, as ``Popen.communicate`` does."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if self.stdin is not None:
            self.stdin.close()
            self.stdin = None
        said = b""
        if self.stdout is not None:
            fd = self.stdout.fileno()
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and (left <= 0 or not select.select([fd], [], [], left)[0]):
                    raise subprocess.TimeoutExpired(["contui helper"], timeout or 0.0)
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                said += chunk
            self.stdout.close()
            self.stdout = None
        self.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return said, None

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:  # never a signal to a pid that may already be another process's
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _settle_child(theirs: dict[int, int], keep_fds: tuple[int, ...], new_session: bool, process_group: bool,
                  cwd: str | None, env: dict[str, str] | None) -> None:
    """In the forked child: what ``subprocess.Popen`` gives a child it starts, and a fresh interpreter's signal
    handlers."""
    if new_session:
        os.setsid()
    elif process_group:
        os.setpgid(0, 0)
    for sig in (signal.SIGTERM, signal.SIGCHLD, signal.SIGUSR1, signal.SIGUSR2, signal.SIGCONT):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for target, fd in theirs.items():
        os.dup2(fd, target)
    keep = {0, 1, 2, *keep_fds}
    for name in os.listdir("/proc/self/fd"):
        if int(name) not in keep:
            try:
                os.close(int(name))
            except OSError:  # the listing's own fd, closed already
                pass
    if cwd is not None:
        os.chdir(cwd)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)


def _set_pipe_size(fd: int, size: int) -> None:
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size)
    except OSError:  # above the system's pipe-max-size: the default still works
        pass
