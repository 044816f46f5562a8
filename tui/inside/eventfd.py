"""The run's event pipe as each process of the run holds it: out of the script's way, and checked before each write.

contui's end of the pipe is read, so whatever lands in it is an event; a script's own file must never get a frame,
and a script that closes its fds must not silence the tracer. So the reaper moves the pipe to a high fd number, where
scripts seldom reach, and leaves a link to its own end in the run's control folder. Before each write a traced
process checks that its fd is still that pipe (device and inode); if the script closed it or put something else
there, the process opens the pipe again through the link, at a new high number, and writes there.
"""

from __future__ import annotations

import os

from tui.inside.env import ENV_FD

EVENTS_LINK = "events"  # in the run's control folder: a link to the reaper's end of the event pipe


def high_fd_floor() -> int:
    """Near the top of the fds a process may open. Never above 1024: each fork copies a table as long as the highest
    fd, and select() cannot watch an fd beyond it."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 1024
    return max(3, min(soft, 1024) - 32)


def move_high(fd: int) -> int:
    """``fd`` duplicated to a high number that child processes inherit; ``fd`` itself is closed."""
    import fcntl

    try:
        return fcntl.fcntl(fd, fcntl.F_DUPFD, high_fd_floor())
    finally:
        os.close(fd)


def identity(fd: int) -> tuple[int, int] | None:
    """What ``fd`` is open on (device, inode), or None if it is not open."""
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class EventFd:
    """The event pipe's fd in one process. ``link``: the run's link to the pipe, to reopen it through; without it
    (the reaper, which runs no script code) the fd is trusted as it is."""

    def __init__(self, fd: int, link: str | None = None) -> None:
        self.fd = fd
        self.link = link
        self.pipe = identity(fd) if link is not None else None

    def checked(self) -> int:
        """The fd to write the next frames to: the same one, or the pipe opened again if the script closed or
        replaced it; -1 if it cannot be had (contui and its reaper are gone)."""
        if self.link is None:
            return self.fd
        try:
            st = os.fstat(self.fd)
            if (st.st_dev, st.st_ino) == self.pipe:
                return self.fd
        except OSError:
            pass
        return self._reopen()

    def _reopen(self) -> int:
        try:
            # Non-blocking: opening a pipe nobody reads would wait for ever; a write to it then fails at once.
            fd = os.open(self.link, os.O_WRONLY | os.O_NONBLOCK)  # type: ignore[arg-type]
        except OSError:
            return -1
        try:
            if identity(fd) != self.pipe:  # the link leads elsewhere: never write a frame into it
                os.close(fd)
                return -1
            os.set_blocking(fd, True)
            high = move_high(fd)
        except OSError:
            return -1
        self.fd = high
        os.environ[ENV_FD] = str(high)  # where the processes this one starts from now on find it
        return high
