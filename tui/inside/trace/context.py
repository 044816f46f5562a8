"""What every hook of one traced process shares: the emitter, the speed factor and the unscaled clock."""

from __future__ import annotations

import os
import reprlib

from tui.inside.control import STEPPING_AT, ControlPage
from tui.inside.emitter import Emitter
from tui.inside.trace.hot import HotSites

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from tui.inside.trace.clock import ScenarioClock

_short = reprlib.Repr()
_short.maxstring = 40
_short.maxother = 40
_short.maxlist = _short.maxtuple = _short.maxdict = _short.maxset = 6
_short.maxlevel = 2


# Types whose repr, when short, is exactly what reprlib gives: the usual queue items skip reprlib's dispatch,
# which cost about 2 µs per put and per get.
_PLAIN = frozenset({int, float, bool, str, type(None)})


def short_repr(obj: object) -> str:
    if type(obj) in _PLAIN:
        text = repr(obj)
        if len(text) <= 40:  # _short's maxstring, maxlong and maxother
            return text
    try:
        return _short.repr(obj)
    except Exception:  # a user __repr__ that raises must not break the user's put()
        return f"<{type(obj).__name__}>"


class TraceContext:
    # A plain class, not a dataclass: importing dataclasses costs every traced interpreter ~15 ms at start.
    def __init__(self, emitter: Emitter, control: ControlPage | None = None, root: str = "") -> None:
        self.emitter = emitter
        self.control = control  # None: real time, and no terminate requests
        self.clock: ScenarioClock | None = None  # the run's scenario clock, once installed (see clock.py)
        # A synchronisation point: holds the thread while the run is in step mode (steps.py installs it). A hot
        # path looks first, ``if ctx.steps[STEPPING_AT]: ctx.point(...)``: one read of the page, nothing more.
        self.point: Callable[..., None] = _no_point
        self.steps: Any = control.page if control is not None else bytes(STEPPING_AT + 1)
        self.hot = HotSites(emitter, self.steps)  # the primitives of this process used too fast to tell one by one
        self.root = root  # the folder that holds the tui package, for bootstrapping spawned interpreters
        self.finished_pid = 0  # the pid that has reported its own exit (a fork child inherits the parent's)
        self.sigterm_handler: object = None  # the tracer's own, while the script has not put one of its own

    @property
    def speed(self) -> float:
        """Read at every wait, so turning the speed in contui speeds up a run that is already going."""
        if self.control is None:
            return 1.0
        speed = self.control.speed()
        return speed if speed > 0 else 1.0

    def emit(self, kind: str, fields: dict, t: int | None = None) -> None:
        self.emitter.emit(kind, fields, t)

    def scaled(self, timeout: float | None) -> float | None:
        """A timeout in real seconds for ``timeout`` scenario seconds at the speed now (for a wait that cannot be
        taken up again, such as a barrier's: see :meth:`timed`)."""
        if timeout is None:
            return timeout
        return max(0.0, timeout) / self.speed

    def timed(self, call: Callable[[float | None], Any], timeout: float | None,
              finished: Callable[[Any], bool] = bool, expired: tuple[type[BaseException], ...] = ()) -> Any:
        """A wait of ``timeout`` seconds measured on the scenario clock: ``call(real_timeout)`` is made again, each
        time for a slice of what is left, until ``finished(result)`` or the time is up (``expired``: the exceptions
        ``call`` raises when its slice ran out). No timeout: one call that waits for ever."""
        if timeout is None:
            return call(None)
        if self.clock is None:
            return call(self.scaled(timeout))
        return self.clock.wait(call, timeout, finished, expired)

    @property
    def pid(self) -> int:
        return os.getpid()


def _no_point(action: str, what: str = "", until: int | None = None, site: str | None = None) -> None:
    """No control page, no step mode."""
