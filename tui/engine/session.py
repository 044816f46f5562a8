"""The app's live run: at most one at a time; start, switch, stop, freeze, speed and stdin, all without a screen.

The app's pump calls :meth:`Session.poll` from a thread worker; each control action runs in a thread worker of its
own; the screen reads ``model`` while holding ``model_lock``. Starts and stops are serialised here: an action that a
later one has made pointless (``still_wanted`` says so) is dropped once its turn comes.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable

from tui.engine.collector import Collector
from tui.engine.events import Wire
from tui.engine.flight import FlightRecorder
from tui.engine.jsonl import RecordingHeader
from tui.engine.model import Model
from tui.engine.catalog import Target
from tui.engine.runner import Run

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 10.0)


def next_speed(speed: float, step: int) -> float:
    """The next (``step`` > 0) or previous speed in SPEEDS from the one nearest ``speed``."""
    here = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
    return SPEEDS[max(0, min(len(SPEEDS) - 1, here + step))]


def _always() -> bool:
    return True


class Session:
    def __init__(self, *, speed: float = 1.0, start_method: str | None = None, grace: float = 1.0) -> None:
        self.speed = speed
        self.start_method = start_method
        self.grace = grace
        self.model = Model()
        self.model_lock = threading.Lock()
        self.target: Target | None = None
        self.run: Run | None = None
        self.recorder: FlightRecorder | None = None  # the current run's recording (in the runs folder)
        self.frozen = False
        self._collector: Collector | None = None
        # Held to start, switch and stop runs. A poll holds it only to pick its collector: the wait is outside, so an
        # action never waits for a poll; a run's queue is closed only once no poll reads it (``_readers``).
        self._switch = threading.Condition(threading.Lock())
        self._readers = 0
        self._freeze_lock = threading.Lock()
        # Written by wake(): ends a poll early, so the app can poll slowly while idle yet act on a key at once.
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)

    @property
    def running(self) -> bool:
        run = self.run  # read once: another thread may be switching runs
        return run is not None and run.running

    def start(self, target: Target, still_wanted: Callable[[], bool] = _always, stepping: bool = False) -> None:
        """Start ``target``; a run still going is stopped and cleaned up first. ``stepping``: in step mode from
        its first point."""
        with self._switch:
            if not still_wanted():
                return
            self._end_current()
            run = Run(target, speed=self.speed, start_method=self.start_method, stdin="pipe", grace=self.grace)
            model = Model()
            with self.model_lock:
                self.model = model
            self.target = target
            self.frozen = False
            header = RecordingHeader.for_target(target, speed=self.speed, start_method=self.start_method)
            recorder = FlightRecorder.in_runs_folder(target, header)
            try:
                run.start(stepping=stepping)
            except BaseException:
                recorder.close()
                raise
            self.run = run
            self.recorder = recorder
            self._collector = Collector(run, model, lock=self.model_lock, recorder=recorder)
        self.wake()

    def stop(self, still_wanted: Callable[[], bool] = _always) -> None:
        """End every process of the run (the poll goes on reading what they say as they go)."""
        with self._switch:
            if not still_wanted():
                return
            run = self.run
        if run is not None:
            run.stop()
        self.set_frozen(False)
        self.wake()

    def close(self) -> None:
        with self._switch:
            self._end_current()
        self.wake()

    def _end_current(self) -> None:
        """Stop the current run and release it, once no poll reads its queue (called holding ``_switch``)."""
        run, collector = self.run, self._collector
        if run is None:
            return
        self.run = self._collector = None  # the next poll reads nothing of it
        self.wake()  # a poll reading it now ends at once
        self._switch.wait_for(lambda: self._readers == 0)
        run.stop()
        if collector is not None:  # fold in what the old run said last (its exits), for the record
            while not collector.finished and collector.poll(0.0):
                pass
            if collector.recorder is not None:
                collector.recorder.close()
        run.close()

    def poll(self, timeout: float) -> list[Wire]:
        """Events of the current run folded into ``model`` in the last ``timeout`` seconds (empty if none)."""
        with self._switch:
            collector = self._collector
            if collector is None or collector.finished:
                collector = None
            else:
                self._readers += 1
        if collector is None:
            select.select([self._wake_r], [], [], timeout)  # nothing to read: wait like a poll, without spinning
            self._clear_wake()
            return []
        try:
            batch = collector.poll_wires(timeout, wake=self._wake_r)
        finally:
            with self._switch:
                self._readers -= 1
                self._switch.notify_all()
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

    def set_frozen(self, frozen: bool) -> bool:
        """Freeze (SIGSTOP) or thaw (SIGCONT) every process of the run; returns whether it is now frozen."""
        with self._freeze_lock:
            run = self.run
            if run is None or not run.running:
                self.frozen = False
            elif frozen != self.frozen:
                if frozen:
                    run.freeze()
                else:
                    run.resume()
                self.frozen = frozen
            frozen = self.frozen
        self.wake()
        return frozen

    @property
    def stepping(self) -> bool:
        run = self.run
        return run is not None and run.stepping and run.running

    def set_stepping(self, stepping: bool) -> bool:
        """Enter step mode (every thread of the script is held at its next point) or leave it (they all go on);
        returns whether the run is now in it. A frozen run is thawed first: a held thread must be able to go."""
        with self._freeze_lock:
            run = self.run
            if run is not None and run.running and stepping != run.stepping:
                if self.frozen:
                    run.resume()
                    self.frozen = False
                if stepping:
                    run.enter_step()
                else:
                    run.leave_step()
            stepping = run is not None and run.stepping
        self.wake()
        return stepping

    def step(self, tid: int) -> bool:
        """Let the held thread ``tid`` do its next action; False if it is not held (any more), or the last one let
        go has not gone yet."""
        run = self.run
        if run is None:
            return False
        with self.model_lock:
            held = next((th.held for th in self.model.held() if th.tid == tid), None)
        if held is None:
            return False
        done = run.step(tid, held.until)
        self.wake()
        return done

    def set_speed(self, speed: float) -> None:
        """The speed for the run going now (from its next sleep) and the next ones."""
        self.speed = speed
        run = self.run
        if run is not None:
            run.set_speed(speed)

    def send_line(self, text: str) -> bool:
        """Send a line to the run's stdin; False if no run reads it."""
        run = self.run
        return run is not None and run.write_stdin(text + "\n")

    @property
    def stdin_open(self) -> bool:
        """The run goes on and its stdin has not been closed: lines can still be sent to it."""
        run = self.run
        return run is not None and run.running and run.stdin_open

    def close_stdin(self) -> bool:
        """Close the run's stdin (Ctrl+D in the app): a script reading it gets EOF. False if no run takes it."""
        run = self.run
        if run is None or not run.running or not run.stdin_open:
            return False
        run.close_stdin()
        return True
