"""Drains one run's event queue, adds psutil samples of its pids and reads of its shared values, and folds everything
into the model.

The same loop serves ``contui run`` (called from the main thread) and the app (called from a thread worker): each
``poll`` returns the batch it applied, sorted by time, so callers can print, record or post it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from operator import itemgetter

from tui.engine import events as ev
from tui.engine.events import Event, Wire
from tui.engine.runner import Run
from tui.engine.sampler import Sampler
from tui.engine.spare import SpareCpu
from tui.engine.values import ValueReader

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.engine.deadlocks import DeadlockWatch
    from tui.engine.flight import FlightRecorder
    from tui.engine.model import Model

_NEW_PIDS = {ev.PROC_START: None, ev.PROC_SPAWN: "child", ev.RUN_START: "main"}
# After a poll that found events, the next one lets events gather this long before it reads (a key press still ends
# the wait). A busy run then wakes contui a few hundred times a second rather than at each write, and on a 2-core
# machine each of those wake-ups took a core from the script, just as it had forked.
GATHER = 0.004
# While a run lives and is not frozen, the model's clock is never further behind real time than this: a quiet run
# still moves the timeline's axis (contui adds a ``clock`` event).
CLOCK_EVERY_NS = 500_000_000
SETTLE_MAX_NS = 1_000_000_000  # see Collector's settle_ns


class Collector:
    def __init__(
        self, run: Run, model: Model | None = None, sample: bool = True, lock: threading.Lock | None = None,
        recorder: FlightRecorder | None = None, make_model: Callable[[], Model] | None = None,
        settle_ns: int = 0,
    ) -> None:
        """``make_model``: how the model is made, if ``model`` is not given (at the first fold: loading the model is
        a good part of contui's own start). ``settle_ns``: for so long into the run nothing is folded or sampled,
        only handed on (``contui run``: a run that ends sooner is only written out and recorded, and nothing reads
        its model; one that lasts is folded and sampled from then on, as if it always had been); and after that for
        as long as the run keeps every core busy, up to SETTLE_MAX_NS (see tui/engine/spare.py)."""
        self.run = run
        self.recorder = recorder  # every batch is written to it before it is folded
        self._model = model
        self._make_model = make_model
        self.settle_ns = settle_ns
        self._unfolded: list[Wire] = []  # handed on while the run settles, folded once it has
        self._spare: SpareCpu | None = SpareCpu() if settle_ns else None
        self.now = 0  # the latest event's time (the model's clock, whether or not it is folded yet)
        # Held while applying a batch; a screen that reads the model from another thread takes it too.
        self.lock = lock if lock is not None else threading.Lock()
        self._sample = sample
        self.sampler: Sampler | None = None  # made at the first poll: it needs the run's start time
        self.values: ValueReader | None = None  # made with the sampler; reads shared values when it samples
        self.pids: set[int] = set()
        self.events_seen = 0
        self.ended = False
        self.reaper_lost = False  # the run's reaper was killed (by the script): contui ended what it left
        self._dropped_said = 0  # the malformed-frame count the model was last told
        self._speed_said = run.speed  # the speed the model was last told (run.start tells the first)
        self._unrecorded_said = False
        self._busy = False
        self.deadlocks: DeadlockWatch | None = None  # made with the model: nothing else of a run needs it

    @property
    def model(self) -> Model:
        """The model, with every event so far folded (made now, if it was not yet)."""
        if self._model is None:
            if self._make_model is not None:
                self._model = self._make_model()
            else:
                from tui.engine.model import Model

                self._model = Model()
        if self._unfolded:
            unfolded, self._unfolded = self._unfolded, []
            self._fold(unfolded, None)
        return self._model

    @property
    def settling(self) -> bool:
        """Nothing asked of the model yet, and still in the first ``settle_ns`` of the run (or, past it, the run keeps
        every core busy; for SETTLE_MAX_NS at most)."""
        if self._model is not None or self._spare is None:
            return False
        lasted = time.monotonic_ns() - self.run.t0
        return lasted < self.settle_ns or (lasted < SETTLE_MAX_NS and not self._spare.now())

    @property
    def finished(self) -> bool:
        """Every process of the run is gone and everything it sent has been read."""
        return self.run.queue.eof

    def poll(self, timeout: float, after_each: Callable[[Event], None] | None = None) -> list[Event]:
        """Wait up to ``timeout`` for events; apply them and any samples now due; return them in time order.

        ``after_each`` is called with each event right after the model has folded it (``--plain`` words each event
        from the model as it stood then)."""
        each = None if after_each is None else (lambda wire: after_each(Event(*wire)))
        return [Event(*wire) for wire in self.poll_wires(timeout, after_each=each)]

    def poll_wires(self, timeout: float, wake: int | None = None,
                   after_each: Callable[[Wire], None] | None = None) -> list[Wire]:
        """As :meth:`poll`, as wire tuples: the app only folds them, and a record per event costs a third of that."""
        settling = self.settling
        if self._sample and self.sampler is None and self.run.t0 and not settling:
            self.sampler = Sampler(self.run.t0)
            self.values = ValueReader(self.run.t0)
        wait = timeout
        if self.sampler is not None and self.pids:
            wait = min(timeout, self.sampler.seconds_until_due())
        batch = self.run.queue.drain(wait, wake=wake, gather=min(wait, GATHER) if self._busy else 0.0)
        self._busy = bool(batch)
        dropped = self.run.queue.dropped
        if dropped != self._dropped_said:  # contui's own event: every view and the recording say it
            self._dropped_said = dropped
            batch.append((time.monotonic_ns() - self.run.t0, ev.FRAMES_DROPPED, 0, 0, {"count": dropped}))
        if self.run.speed != self._speed_said:  # turned while the run goes: lines printed from now on say so
            self._speed_said = self.run.speed
            batch.append((time.monotonic_ns() - self.run.t0, ev.RUN_SPEED, 0, 0, {"speed": self.run.speed}))
        if not self.ended and not self.reaper_lost:
            reaper = self.run.reaper
            code = reaper.poll() if reaper is not None else None
            if code is not None and code < 0:
                # Killed before it ended the run: nobody else will end what it leaves (setsid children hold the
                # pipe open for ever). contui ends them by the mark they carry (Run.stop).
                self.reaper_lost = True
                self.run.stop()
                batch.append((time.monotonic_ns() - self.run.t0, ev.RUN_LOST, 0, 0, {}))
        if batch and self.sampler is not None:
            self.sampler.hurry()
        if not batch and not self.ended and not self.run.frozen and self.run.t0:
            now = time.monotonic_ns() - self.run.t0
            if now - self.now >= CLOCK_EVERY_NS and self.run.running:
                batch.append((now, ev.CLOCK, 0, 0, {}))
        pids = self.pids
        for wire in batch:
            if wire[1] == ev.RUN_END:
                self.ended = True  # every process is gone: nothing left to sample
            field = _NEW_PIDS.get(wire[1], False)
            if field is None:
                pids.add(wire[2])
            elif field:
                pid = wire[4].get(field)
                if pid:
                    pids.add(pid)
        if self.sampler is not None and pids and not self.ended and self.sampler.due():
            batch.extend(e.to_wire() for e in self.sampler.sample(sorted(pids)))
            if self.values is not None:
                # The model as folded so far: this thread alone changes it, so it is read here without the lock.
                batch.extend(self.values.read(self.model))
        if batch:
            batch.sort(key=_by_time)
            self.now = max(self.now, batch[-1][0])
        if self.recorder is not None:
            self.recorder.write(batch)  # an empty batch too: what the recorder process could not take yet goes now
        if settling:
            self._unfolded += batch
            if after_each is not None:
                for wire in batch:
                    after_each(wire)
            if self.ended and any(wire[1] in _TAKES for wire in self._unfolded):
                # Over before it settled, having taken locks: their orders are looked at once, on its whole model
                # (a lucky run's potential deadlock is the warning a class needs); a run that took none stays unread.
                self.model  # made now, with every event so far folded
                batch += self._found(after_each)
        else:
            self._fold(batch, after_each)
            batch += self._found(after_each)
        if self.recorder is not None:
            said = self._recording_said()
            self._fold(said, after_each)
            batch += said
        return batch

    def _fold(self, batch: list[Wire], after_each: Callable[[Wire], None] | None) -> None:
        if not batch:
            return
        self.events_seen += len(batch)
        model = self.model
        with self.lock:
            if after_each is None:
                model.apply_wires(batch)
            else:
                apply_wire = model.apply_wire
                for wire in batch:
                    apply_wire(*wire)
                    after_each(wire)

    def _found(self, after_each: Callable[[Wire], None] | None) -> list[Wire]:
        """What the deadlock watch found in the model just folded, recorded and folded in turn."""
        found = self._deadlock_found()
        if found:
            if self.recorder is not None:
                self.recorder.write(found)
            self._fold(found, after_each)
        return found

    def _deadlock_found(self) -> list[Wire]:
        """Lock orders in a circle, a cycle of waits or a stall just found in the folded model, as contui's own
        ``lock.order``, ``deadlock`` or ``stall`` events (see deadlocks.py)."""
        if self._model is None or not self.run.t0:
            return []
        if self.deadlocks is None:
            from tui.engine.deadlocks import DeadlockWatch

            self.deadlocks = DeadlockWatch()
        now = time.monotonic_ns() - self.run.t0
        t = max(now, self.now)
        return [(t, kind, 0, 0, fields) for kind, fields in self.deadlocks.found(self._model, now)]

    def _recording_said(self) -> list[Wire]:
        """The run's end closes its recording (waiting for it to be written to its end, once the screen has the end
        folded); a recording that failed, now or then, is said once, as an event of contui's own."""
        recorder = self.recorder
        assert recorder is not None
        if self.finished:
            recorder.close()
        if recorder.failure is None or self._unrecorded_said:
            return []
        self._unrecorded_said = True
        now = max(time.monotonic_ns() - self.run.t0, self.now) if self.run.t0 else self.now
        return [(now, ev.RECORDING_OFF, 0, 0, {"reason": recorder.failure})]


_by_time = itemgetter(0)
_TAKES = frozenset({ev.LOCK_ACQUIRE, ev.LOCK_WAIT})  # what teaches the watch the orders locks are taken in
