"""The run's event pipe as it is made, before anything of the run starts: its write end goes to the run's processes
(their ``CONTUI_EVENT_FD``), and contui reads its read end through an :class:`~tui.engine.transport.EventQueue`
made once the run is on its way. Making a multiprocessing queue loads multiprocessing, a tenth of a second's part of
what a run of a trivial script waited for before its first process could start."""

from __future__ import annotations

import fcntl
import os

PIPE_SIZE = 1 << 20  # room for what a busy run writes while contui lets events gather (see Collector)


class EventPipe:
    """A pipe whose read end does not block, and whose write end has room for a burst."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        try:  # so that no writer waits while contui lets events gather
            fcntl.fcntl(self.write_fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        except OSError:  # above the system's pipe-max-size: the default 64 KiB still works, writers just wait more
            pass

    def close_writer(self) -> None:
        """Drop contui's copy of the write end, so the reader sees EOF once every run process is gone."""
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def close(self) -> None:
        """Both ends, for a pipe no queue ever took over."""
        self.close_writer()
        if self.read_fd >= 0:
            os.close(self.read_fd)
            self.read_fd = -1
