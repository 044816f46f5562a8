"""The run's shared control page, mapped by every process of the run (a fork inherits the mapping).

It holds the speed factor, which contui turns while the run goes; the run's scenario clock; and the terminate
requests that let a fork child die of a ``terminate()`` that came before it could handle signals.

The scenario clock is the run's own time: nanoseconds since the run began, advancing at the run's speed (``rate``),
standing still while the run is frozen. contui alone writes it, each time the rate changes: the moment (real
``CLOCK_MONOTONIC``) and the scenario time then, and the new rate. Traced processes read it with no lock: a sequence
number, odd while contui writes, tells a reader to read again (a seqlock).
"""

from __future__ import annotations

import mmap
import os
import struct

_SPEED = struct.Struct("d")  # at offset 0
_SEQ = struct.Struct("Q")  # at offset 8: odd while contui writes the clock
_CLOCK = struct.Struct("qqd")  # at offset 16: real ns then, scenario ns then, rate since
_ORIGIN = struct.Struct("qq")  # at offset 40: the run's start on CLOCK_MONOTONIC and on the wall clock (ns)
_SEQ_AT, _CLOCK_AT, _ORIGIN_AT = 8, 16, 40
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

    # -- the scenario clock (contui writes, every process reads) --------------------------------------------------
    def start_clock(self, t0: int, wall_t0: int, rate: float) -> None:
        """The run starts now: scenario time 0 at ``t0`` (CLOCK_MONOTONIC ns), the wall clock then ``wall_t0``."""
        _ORIGIN.pack_into(self._map, _ORIGIN_AT, t0, wall_t0)
        self._write_clock(t0, 0, rate)

    def set_rate(self, rate: float, now: int) -> None:
        """From ``now`` (CLOCK_MONOTONIC ns) on, the clock advances ``rate`` scenario ns a real ns (0: it stands)."""
        self._write_clock(now, self.scenario_ns(now), rate)

    def _write_clock(self, real: int, scenario: int, rate: float) -> None:
        seq = _SEQ.unpack_from(self._map, _SEQ_AT)[0]
        _SEQ.pack_into(self._map, _SEQ_AT, seq + 1)
        _CLOCK.pack_into(self._map, _CLOCK_AT, real, scenario, float(rate))
        _SEQ.pack_into(self._map, _SEQ_AT, seq + 2)

    def clock(self) -> tuple[int, int, float]:
        """(real ns, scenario ns, rate) as contui last set them: scenario time at real ``r`` is
        ``scenario + (r - real) * rate``."""
        buf = self._map
        while True:
            seq = _SEQ.unpack_from(buf, _SEQ_AT)[0]
            state = _CLOCK.unpack_from(buf, _CLOCK_AT)
            if not seq & 1 and _SEQ.unpack_from(buf, _SEQ_AT)[0] == seq:
                return state

    def scenario_ns(self, now: int) -> int:
        """Scenario ns since the run began, at real ``now`` (CLOCK_MONOTONIC ns)."""
        real, scenario, rate = self.clock()
        return scenario + int((now - real) * rate) if rate and now > real else scenario

    def origin(self) -> tuple[int, int]:
        """The run's start: (CLOCK_MONOTONIC ns, wall-clock ns)."""
        return _ORIGIN.unpack_from(self._map, _ORIGIN_AT)

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
