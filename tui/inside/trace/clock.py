"""The run's scenario clock inside a traced process (see control.py): what the script's clocks read and what its
waits are measured on.

``time.time()``, ``time.monotonic()`` and ``time.perf_counter()`` (and their ``_ns`` forms) read scenario time: the
run's start on that clock plus the scenario time since. At speed 1 and never frozen, that is real time; at speed 4
a sleep of 1 s takes a quarter of a second and reads as 1 s; while the run is frozen the clock stands still, so no
sleep is shortened by a freeze and the join scenario prints 3 s however long the class looked at it. Work that
needs the CPU is not sped up: at speed 4 a second of it reads as 4.

A wait looks at the clock again at least every SLICE seconds, so a change of speed, or the end of a freeze, acts
on the wait in progress.
"""

from __future__ import annotations

import time

from tui.inside.control import ControlPage
from tui.inside.trace.sites import pickles_as

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

SLICE = 0.1  # s: the longest a wait goes without looking at the clock again
_real_ns = time.monotonic_ns
_real_sleep = time.sleep


class ScenarioClock:
    def __init__(self, control: ControlPage) -> None:
        self._control = control
        self.t0, self.wall_t0 = control.origin()

    def ns(self) -> int:
        """Scenario ns since the run began."""
        return self._control.scenario_ns(_real_ns())

    def real_wait(self, remaining: int) -> float:
        """How long (real s) to wait for ``remaining`` scenario ns before looking at the clock again."""
        rate = self._control.clock()[2]
        if rate <= 0:
            return SLICE  # frozen: the freeze ends (SIGCONT) before the clock goes on
        return min(remaining / rate / 1e9, SLICE)

    def sleep_until(self, deadline: int, point: Callable[..., None]) -> None:
        """Sleep until scenario time ``deadline``. Step mode, which came while this sleep went on, holds it (a
        ``point``): when contui lets it go, the clock jumps to its end."""
        control = self._control
        while (remaining := deadline - self.ns()) > 0:
            if control.stepping() and control.clock()[2] == 0:
                point("sleep", f"{remaining / 1e9:.3g} s left", until=deadline)
                remaining = deadline - self.ns()
                if remaining <= 0:
                    return
            _real_sleep(self.real_wait(remaining))

    def wait(self, call: Callable[[float], Any], timeout: float, finished: Callable[[Any], bool],
             expired: tuple[type[BaseException], ...] = ()) -> Any:
        """``call(real_timeout)`` again and again until ``finished(result)``, or ``timeout`` scenario seconds have
        passed: then the last result is returned, or what the last call raised of ``expired`` is raised."""
        deadline = self.ns() + int(max(0.0, timeout) * 1e9)
        while True:
            remaining = deadline - self.ns()
            try:
                result = call(self.real_wait(remaining) if remaining > 0 else 0.0)
            except expired:
                if remaining <= 0:
                    raise
                continue
            if remaining <= 0 or finished(result):
                return result

    def install(self) -> None:
        """The script's clocks read scenario time. Last of all hooks: the tracer's own modules have bound the real
        ones already (events are stamped in real time)."""
        ns = self.ns
        t0, wall_t0 = self.t0, self.wall_t0
        # Each clock goes forward at every read, by the least it can, even while the scenario clock stands (step
        # mode): a library loop that polls until ``deadline - monotonic() < 0`` (multiprocessing's wait() with a
        # timeout of 0, as Queue.empty() does) must still end. Per process; two threads may read the same value.
        last_ns = {"monotonic": 0, "time": 0}
        last_s = {"monotonic": 0.0, "time": 0.0}

        def forward_ns(which: str, value: int) -> int:
            if value <= last_ns[which]:
                value = last_ns[which] + 1
            last_ns[which] = value
            return value

        def forward_s(which: str, value: float) -> float:
            if value <= last_s[which]:
                import math  # loaded only for a clock that has not moved since its last read (see tui/inside/__init__.py)

                value = math.nextafter(last_s[which], math.inf)
            last_s[which] = value
            return value

        def monotonic_ns() -> int:
            return forward_ns("monotonic", t0 + ns())

        def monotonic() -> float:
            return forward_s("monotonic", (t0 + ns()) / 1e9)

        def time_ns() -> int:
            return forward_ns("time", wall_t0 + ns())

        def time_() -> float:
            return forward_s("time", (wall_t0 + ns()) / 1e9)

        for name, func in (("monotonic", monotonic), ("monotonic_ns", monotonic_ns), ("perf_counter", monotonic),
                           ("perf_counter_ns", monotonic_ns), ("time", time_), ("time_ns", time_ns)):
            setattr(time, name, pickles_as(func, "time", name))
