"""The app's live run: at most one at a time; start, switch, stop, freeze, speed and stdin, all without a screen.

The app's thread worker calls :meth:`Session.poll`; the screen calls the rest from its own thread and reads
``model`` while holding ``model_lock``.
"""

from __future__ import annotations

import os
import select
import threading

from tui.engine.collector import Collector
from tui.engine.events import Wire
from tui.engine.model import Model
from tui.engine.catalog import Target
from tui.engine.runner import Run

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 10.0)


class Session:
    def __init__(self, *, speed: float = 1.0, start_method: str | None = None, grace: float = 1.0) -> None:
        self.speed = speed
        self.start_method = start_method
        self.grace = grace
        self.model = Model()
        self.model_lock = threading.Lock()
        self.target: Target | None = None
        self.run: Run | None = None
        self.frozen = False
        self._collector: Collector | None = None
        # Held for a whole poll and for a switch, so a run is never closed while its queue is being read.
        self._switch_lock = threading.Lock()
        # Written by wake(): ends a poll early, so the app can poll slowly while idle yet act on a key at once.
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)

    @property
    def running(self) -> bool:
        run = self.run  # read once: another thread may be switching runs
        return run is not None and run.running

    def start(self, target: Target) -> None:
        """Start ``target``; a run still going is stopped and cleaned up first."""
        with self._switch_lock:
            self._end_current()
            run = Run(target, speed=self.speed, start_method=self.start_method, stdin="pipe", grace=self.grace)
            model = Model()
            with self.model_lock:
                self.model = model
            self.target = target
            self.frozen = False
            run.start()
            self.run = run
            self._collector = Collector(run, model, lock=self.model_lock)

    def stop(self) -> None:
        with self._switch_lock:
            if self.run is not None:
                self.run.stop()
            self.frozen = False

    def close(self) -> None:
        with self._switch_lock:
            self._end_current()
        self.wake()

    def _end_current(self) -> None:
        if self.run is not None:
            run, collector = self.run, self._collector
            self.run = self._collector = None
            run.stop()
            if collector is not None:  # fold in what the old run said last (its exits), for the record
                while not collector.finished and collector.poll(0.0):
                    pass
            run.close()

    def poll(self, timeout: float) -> list[Wire]:
        """Events of the current run folded into ``model`` in the last ``timeout`` seconds (empty if none)."""
        with self._switch_lock:
            collector = self._collector
            idle = collector is None or collector.finished
            batch = [] if idle else collector.poll_wires(timeout, wake=self._wake_r)  # type: ignore[union-attr]
        if idle:
            select.select([self._wake_r], [], [], timeout)  # nothing to read: wait like a poll, without spinning
        self._clear_wake()
        return batch

    def wake(self) -> None:
        """End the current or next poll now (thread-safe)."""
        try:
            os.write(self._wake_w, b"!")
        except BlockingIOError:  # already woken many times over
            pass

    def _clear_wake(self) -> None:
        while select.select([self._wake_r], [], [], 0)[0]:
            os.read(self._wake_r, 4096)

    def toggle_freeze(self) -> bool:
        """Freeze (SIGSTOP) or thaw (SIGCONT) every process of the run; returns whether it is now frozen."""
        run = self.run
        if run is None or not run.running:
            self.frozen = False
            return False
        if self.frozen:
            run.resume()
        else:
            run.freeze()
        self.frozen = not self.frozen
        return self.frozen

    def change_speed(self, step: int) -> float:
        """Next or previous speed in SPEEDS, for the run going now (from its next sleep) and the next ones."""
        here = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.speed))
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, here + step))]
        run = self.run
        if run is not None:
            run.set_speed(self.speed)
        return self.speed

    def send_line(self, text: str) -> bool:
        run = self.run
        return run is not None and run.write_stdin(text + "\n")
