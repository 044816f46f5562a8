"""Per-process event buffer: events are appended by any thread and written out in batches by a hidden flusher."""

from __future__ import annotations

import _thread
import os
import time
from collections import deque
from typing import Any

from tui.engine.frames import FrameEncoder

# The flusher waits this long after the first event of a batch, so bursts go out in few frames.
FLUSH_DELAY = 0.002
# A process's first events are written at once by the thread that makes them; batching starts after these.
EAGER_EVENTS = 32
_real_sleep = time.sleep
_monotonic_ns = time.monotonic_ns
_native_id = _thread.get_native_id


class Emitter:
    """Buffers this process's events and sends them to contui's queue.

    The flusher is a bare ``_thread`` thread so the script never sees it in ``threading.enumerate()``.
    Everything it shares with other threads is either a deque (atomic append/popleft) or a process-local lock:
    a process killed mid-write can hold nothing another process needs.
    """

    def __init__(self, fd: int, t0: int) -> None:
        self.fd = fd
        self.t0 = t0
        self.enabled = True
        self._encoder = FrameEncoder()
        self._reset()
        os.register_at_fork(before=self._before_fork, after_in_parent=self._after_fork_parent,
                            after_in_child=self._after_fork_child)

    def _reset(self) -> None:
        self._queue: deque[tuple[Any, ...]] = deque()
        self._write_lock = _thread.allocate_lock()
        self._wake = _thread.allocate_lock()
        self._wake.acquire()
        self._idle = False
        self._flusher_running = False
        self._sent_at_once = 0
        self.pid = os.getpid()  # last: a signal handler trusts the rest once this is the process's own pid

    def emit(self, kind: str, fields: dict[str, Any], t: int | None = None) -> None:
        if not self.enabled:
            return
        self._queue.append(
            ((_monotonic_ns() if t is None else t) - self.t0, kind, self.pid, _native_id(), fields)
        )
        if self._idle or not self._flusher_running:
            self._wake_flusher()

    def emit_for(self, pid: int, kind: str, fields: dict[str, Any]) -> None:
        """An event about another process, seen from outside it (by the reaper)."""
        self._queue.append((_monotonic_ns() - self.t0, kind, pid, 0, fields))
        self._wake_flusher()

    def _wake_flusher(self) -> None:
        if self._idle:
            self._idle = False
            try:
                self._wake.release()
            except RuntimeError:  # another emit woke it first
                pass
        elif not self._flusher_running:
            # A young process sends its first events itself: most children say a few things and end, and a
            # flusher thread would cost each of them more than those few writes do.
            if self._sent_at_once < EAGER_EVENTS:
                self._sent_at_once += 1
                self.flush()
            else:
                self._start_flusher()

    def now(self) -> int:
        return _monotonic_ns()

    def _start_flusher(self) -> None:
        self._flusher_running = True
        _thread.start_new_thread(self._flush_loop, ())

    def _flush_loop(self) -> None:
        while self.enabled:
            self._idle = True
            if not self._queue:  # set idle before looking, so an emit in between still wakes us
                self._wake.acquire()
            self._idle = False
            _real_sleep(FLUSH_DELAY)
            self.flush()

    def flush(self, timeout: float = -1) -> None:
        """Send everything buffered now (also called at process exit, from whichever thread ends the process).

        A signal handler passes a timeout: the thread it interrupted may be the one holding the write lock.
        """
        if not self._write_lock.acquire(True, timeout):
            return
        try:
            queue = self._queue
            n = len(queue)
            if not n:
                return
            batch = [queue.popleft()] if n == 1 else [queue.popleft() for _ in range(n)]
            if not self.enabled:
                return
            try:
                self._encoder.write(self.fd, batch)
            except OSError:  # contui is gone: nobody is listening any more
                self.enabled = False
        finally:
            self._write_lock.release()

    # A fork copies the buffer and whatever lock another thread held at that instant; the child starts clean.
    def _before_fork(self) -> None:
        self._write_lock.acquire()

    def _after_fork_parent(self) -> None:
        self._write_lock.release()

    def _after_fork_child(self) -> None:
        self._reset()
