"""Hot sites: a primitive used faster than a person could follow is summarised, not reported operation by operation.

While one lock (or queue, ...) is used more than HOT_OPS times within HOT_WINDOW_NS in one process, that process stops
sending an event per operation (each costs the script microseconds, and contui gains nothing from a million of them).
Its counters go on counting instead, and a hidden ticker thread sends their state at least 30 times a second as a
summary event (``lock.summary``: how often it was taken, hold and wait times, who holds it now and who waits;
``queue.summary``: puts and gets, the last item each way). When the rate drops, the next operation ends the span (a
last summary, ``end``) and is reported as an ordinary event again. A wait that lasts (LASTING_WAIT_S) is reported as
it is, so a deadlock still shows.

This module holds what the sites of one process share: the registry of hot sites and the ticker, and
:class:`Heat`, the counters of a primitive that only counts. A lock keeps its own counters in closure variables
(``locks.py``: its hot loop is the tightest), read here through the ``tick`` function it registers.
"""

from __future__ import annotations

import _thread
import os
import time

from tui.inside.control import STEPPING_AT
from tui.inside.env import ENV_SUMMARIES

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from typing import Any, Callable

    from tui.inside.emitter import Emitter

# A lock taken this many times within this window becomes hot: about 6,400 acquires a second. Not fewer times: a
# teaching example's loop of a few dozen puts and gets (the documentation's queue.Queue example has 30) is shown
# operation by operation.
HOT_OPS = 64
HOT_WINDOW_NS = 10_000_000
# The ticker sends each hot site's summary this often: more than 30 times a second.
TICK_S = 0.03
# A hot site whose rate falls below half the hot rate is cooling: its next operation ends the span. The rate is per
# second of the process's CPU time, not of the clock: a process the OS did not run for a tick (eight of them on two
# cores) did not slow down, and its spans must not flap.
COOL_OPS_PER_CPU_S = HOT_OPS * 1e9 / HOT_WINDOW_NS / 2


def cooling(ops: int, cpu_ns: int) -> bool:
    """``ops`` operations in a tick in which the process ran ``cpu_ns`` of CPU time: too few to stay hot."""
    return ops == 0 or ops < COOL_OPS_PER_CPU_S * cpu_ns / 1e9
# One hold in this many + 1 is timed (n & mask == 0): two clock reads per hold would double a hot loop's cost.
TIMED_HOLD_MASK = 15
# A wait in a hot span that lasts longer than this is reported as an ordinary wait (and its acquire too).
LASTING_WAIT_S = 0.05

# The states of a site.
COLD = 0  # every operation is an event
HOT = 1  # summarised
COOLING = 2  # summarised, but the rate has dropped: the next acquire ends the span

_real_sleep = time.sleep
_process_time_ns = time.process_time_ns
_ident = _thread.get_ident


def native_id_of(ident: int) -> int:
    """The native id of the thread ``ident`` names (0 for none): how events name threads. Hot paths note threads by
    ident (pthread_self, cheap; a native id is a system call each time) and name them so only in summaries."""
    if not ident:
        return 0
    import threading  # loaded by then: every hook that counts threads is threading's or built on it

    thread = threading._active.get(ident)  # type: ignore[attr-defined]
    native = getattr(thread, "native_id", None)
    return native if native is not None else (_thread.get_native_id() if ident == _ident() else 0)


class HotSites:
    """The hot sites of one process and the ticker that sends their summaries.

    A site registers while its span is open: ``tick(cpu_ns) -> bool`` sends its summary (``cpu_ns``: the CPU time
    the process ran since the last tick) (the ticker calls it every
    TICK_S and stops once it returns False: the site has gone quiet, or is cold again), ``end()`` closes the span
    with its last summary (at process exit), ``reset()`` forgets it (in a forked child, whose counters were the
    parent's). The ticker is a bare ``_thread`` thread, so the script never sees it in ``threading.enumerate()``;
    it ends when no site is left to tick.
    """

    def __init__(self, emitter: Emitter, steps: Any) -> None:
        self.emitter = emitter
        self.steps = steps  # the control page: step mode ends every span (see tui/inside/control.py)
        # CONTUI_SUMMARIES=off: nothing is ever summarised (what the benchmarks of event volume need)
        self.enabled = os.environ.get(ENV_SUMMARIES) != "off"
        self._open: dict[str, tuple[Callable[[int], bool], Callable[[], None], Callable[[], None]]] = {}
        self._ticking: set[str] = set()
        self._ticker = False
        self._forks_watched = False  # the at-fork hook is registered with the first hot site: most runs have none
        # One summary at a time: the ticker holds it while it ticks, a span's end and a holder's summary take it.
        # Without it, a tick that had found a span open could send its summary after the span's last one.
        self.telling = _thread.allocate_lock()

    def _after_fork_child(self) -> None:
        """The child's sites start cold: the counters it inherited count the parent's operations."""
        sites = list(self._open.values())
        self.telling = _thread.allocate_lock()  # the parent's ticker may have held it at the fork
        self._open.clear()
        self._ticking.clear()
        self._ticker = False
        for _tick, _end, reset in sites:
            reset()

    def add(self, site: str, tick: Callable[[int], bool], end: Callable[[], None], reset: Callable[[], None]) -> None:
        """``site``'s span is open: tick it until it says it is done."""
        if not self._forks_watched:
            self._forks_watched = True
            os.register_at_fork(after_in_child=self._after_fork_child)
        self._open[site] = (tick, end, reset)
        self._ticking.add(site)
        if not self._ticker:
            self._ticker = True
            _thread.start_new_thread(self._tick_loop, ())

    def closed(self, site: str) -> None:
        """``site``'s span has ended (its last summary is sent)."""
        self._open.pop(site, None)
        self._ticking.discard(site)

    def _tick_loop(self) -> None:
        pid = os.getpid()
        cpu = _process_time_ns()
        while True:
            _real_sleep(TICK_S)
            if os.getpid() != pid or not self.emitter.enabled:
                return
            now = _process_time_ns()
            ran, cpu = now - cpu, now
            for site in list(self._ticking):
                with self.telling:
                    entry = self._open.get(site)
                    if entry is None or not entry[0](ran):
                        self._ticking.discard(site)
            if not self._ticking:
                self._ticker = False
                if not self._ticking:  # a site added while the loop decided to end found it still running
                    return
                self._ticker = True

    def finish(self) -> None:
        """At process exit: every span still open sends its last summary, so its counts are whole."""
        for _tick, end, _reset in list(self._open.values()):
            end()
        self._open.clear()
        self._ticking.clear()


def too_many(counter: Any, t: int, sites: HotSites) -> bool:
    """One more operation at ``t`` on ``counter`` (its ``window_start`` and ``window_n``): are there now HOT_OPS within
    HOT_WINDOW_NS (and the run not in step mode, where everything is told; and summaries not turned off)?"""
    if t - counter.window_start > HOT_WINDOW_NS:
        counter.window_start = t
        counter.window_n = 1
        return False
    counter.window_n += 1
    return counter.window_n >= HOT_OPS and not sites.steps[STEPPING_AT] and sites.enabled


class Heat:
    """One primitive's rate of use in this process and, while it is hot, what it counts instead of telling.

    The hook of each operation looks at ``mode``: COLD, it reports the operation and calls :meth:`note`; HOT, it
    counts (``counts[i] += 1``, ``last[i] = item``) and reports nothing; COOLING, it calls :meth:`end` first and is
    cold again. ``ops`` names the operations (``("put", "get")``); ``describe`` gives an item's short repr.
    """

    __slots__ = ("sites", "kind", "key", "oid", "ops", "describe", "extra", "mode", "window_start", "window_n",
                 "since", "counts", "last", "ticked", "told", "waiting", "told_waiting")

    def __init__(self, sites: HotSites, kind: str, key: str, oid: str, ops: tuple[str, ...],
                 describe: Callable[[object], str], extra: dict[str, object] | None = None) -> None:
        self.sites = sites
        self.kind = kind  # the summary's event kind
        self.key = key  # the field naming the primitive
        self.oid = oid
        self.ops = ops
        self.describe = describe
        self.extra = extra  # more fields every summary carries (a pipe end's pipe)
        self.mode = COLD
        self.window_start = self.window_n = self.since = 0
        self.counts = [0] * len(ops)
        self.last: list[object] = [None] * len(ops)
        self.ticked = self.told = -1
        self.waiting: dict[int, int] | None = None  # ident -> since, for a primitive whose waiters a view shows
        self.told_waiting: tuple[int, ...] = ()

    def note(self, t: int) -> None:
        """An operation told as an event: one too many within the window and the primitive is hot."""
        if too_many(self, t, self.sites):
            self.mode = HOT
            self.since = t
            self.counts = [0] * len(self.ops)
            self.last = [None] * len(self.ops)
            self.ticked = self.told = -1
            self.sites.add(self.oid, self.tick, self.end, self.reset)

    def tick(self, cpu_ns: int) -> bool:
        if self.mode == COLD:
            return False
        total = sum(self.counts)
        if self.mode == HOT and (cooling(total - max(self.ticked, 0), cpu_ns) or self.sites.steps[STEPPING_AT]):
            self.mode = COOLING  # the next operation ends the span
        self.ticked = total
        waiting = tuple(self.waiting) if self.waiting else ()
        if total == self.told and waiting == self.told_waiting:
            return bool(waiting)  # nothing new: the span waits for its end (ticking while someone waits)
        self.told_waiting = waiting
        self._tell(False)
        return True

    def end(self) -> None:
        """The span's last summary; every operation from now on is an event again."""
        if self.mode == COLD:
            return
        with self.sites.telling:
            if self.mode == COLD:  # ended by another thread meanwhile
                return
            self.mode = COLD
            self.sites.closed(self.oid)
            self._tell(True)

    def reset(self) -> None:
        self.mode = COLD

    def _tell(self, end: bool) -> None:
        counts = list(self.counts)
        self.told = sum(counts)
        emitter = self.sites.emitter
        describe = self.describe
        fields = {**(self.extra or {}), self.key: self.oid, "since": self.since - emitter.t0, "n": dict(zip(self.ops, counts)),
                  "last": {op: describe(item) for op, item, n in zip(self.ops, self.last, counts) if n},
                  "done": end}
        if self.waiting is not None:
            fields["waiting"] = [native_id_of(ident) for ident in list(self.waiting)]
        emitter.emit_for(emitter.pid, self.kind, fields)
