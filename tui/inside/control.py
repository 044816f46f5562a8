"""The run's shared control page, mapped by every process of the run (a fork inherits the mapping).

It holds the speed factor, which contui turns while the run goes; the run's scenario clock; step mode (whether
the run is in it, and which held thread contui lets go); and the terminate requests that let a fork child die of
a ``terminate()`` that came before it could handle signals.

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
_STEPPING = struct.Struct("i")  # at offset 56: 1 while the run is in step mode
_GO = struct.Struct("q")  # at offset 64: the native tid of the held thread contui lets go, 0 once it has gone
STEPPING_AT, _GO_AT = 56, 64
_PID = struct.Struct("i")
_REQUESTS_AT = 128
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

    def jump_to(self, scenario: int, now: int) -> None:
        """The clock jumps forward to ``scenario`` ns (never back): a sleep stepped in step mode ends at once."""
        real, current, rate = self.clock()
        at_now = current + int((now - real) * rate) if rate and now > real else current
        self._write_clock(now, max(at_now, scenario), rate)

    # -- step mode (contui writes; a held thread reads, and takes its go) -----------------------------------------
    @property
    def page(self) -> mmap.mmap:
        """The mapped page: a hot path reads ``page[STEPPING_AT]`` itself, the cheapest look there is."""
        return self._map

    def stepping(self) -> bool:
        return self._map[STEPPING_AT] != 0

    def set_stepping(self, on: bool) -> None:
        _STEPPING.pack_into(self._map, STEPPING_AT, 1 if on else 0)

    def go(self, tid: int) -> bool:
        """Let the held thread ``tid`` go; False while the last one let go has not gone yet."""
        if _GO.unpack_from(self._map, _GO_AT)[0]:
            return False
        _GO.pack_into(self._map, _GO_AT, tid)
        return True

    def take_go(self, tid: int) -> bool:
        """True (once) if contui let ``tid`` go."""
        if _GO.unpack_from(self._map, _GO_AT)[0] != tid:
            return False
        _GO.pack_into(self._map, _GO_AT, 0)
        return True

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
        """True (once) if ``pid`` was asked to terminate. Every new fork child asks, first of all: so no call of
        _slot's, whose objects would be pages more it copies from its parent."""
        at = _REQUESTS_AT + (pid % _SLOTS) * 4  # _slot(pid)
        if _PID.unpack_from(self._map, at)[0] != pid:
            return False
        _PID.pack_into(self._map, at, 0)
        return True


def _slot(pid: int) -> int:
    return _REQUESTS_AT + (pid % _SLOTS) * _PID.size
