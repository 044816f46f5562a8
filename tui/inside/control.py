"""The run's shared control page, mapped by every process of the run (a fork inherits the mapping).

It holds the speed factor, which contui turns while the run goes and every traced process reads at each wait, and
the terminate requests that let a fork child die of a ``terminate()`` that came before it could handle signals.
"""

from __future__ import annotations

import mmap
import os
import struct

_SPEED = struct.Struct("d")  # at offset 0
_PID = struct.Struct("i")
_REQUESTS_AT = 64
_SLOTS = (mmap.PAGESIZE - _REQUESTS_AT) // _PID.size


class ControlPage:
    def __init__(self, path: str, initial_speed: float | None = None) -> None:
        """Map the page at ``path``; contui creates it by giving the initial speed, a traced process just opens it."""
        self.path = path
        create = initial_speed is not None
        fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
        try:
            if create:
                os.ftruncate(fd, mmap.PAGESIZE)
            self._map = mmap.mmap(fd, mmap.PAGESIZE, mmap.MAP_SHARED)
        finally:
            os.close(fd)
        if initial_speed is not None:
            self.set_speed(initial_speed)

    def speed(self) -> float:
        return _SPEED.unpack_from(self._map)[0]

    def set_speed(self, speed: float) -> None:
        _SPEED.pack_into(self._map, 0, float(speed))

    # A fork child drops every signal that arrives before its interpreter has been reset after the fork, so a
    # terminate() right after start() would be lost on a child whose SIGTERM the tracer handles. The parent notes
    # the request here before it signals; the child looks once it can handle signals. A slot per pid modulo the
    # page: two pids in one slot would need two terminate() calls within the same few microseconds.
    def request_terminate(self, pid: int) -> None:
        _PID.pack_into(self._map, _slot(pid), pid)

    def take_terminate_request(self, pid: int) -> bool:
        """True (once) if ``pid`` was asked to terminate."""
        at = _slot(pid)
        if _PID.unpack_from(self._map, at)[0] != pid:
            return False
        _PID.pack_into(self._map, at, 0)
        return True


def _slot(pid: int) -> int:
    return _REQUESTS_AT + (pid % _SLOTS) * _PID.size
