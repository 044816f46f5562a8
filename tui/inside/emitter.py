"""Per-process event sender: any thread's events are written at once, or, during a burst, batched by a hidden
flusher thread that lasts as long as the burst."""

from __future__ import annotations

import _thread
import os
import time
from collections import deque

from tui.inside.eventfd import EventFd
from tui.inside.frames import FrameEncoder

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from typing import Any


# The flusher waits this long after the first event of a batch, so bursts go out in few frames.
FLUSH_DELAY = 0.002
# Events are written at once by the thread that makes them until more than BURST_EVENTS come within BURST_WINDOW;
# only then does a flusher thread batch them. Most processes say a few things now and then, and a second thread
# would cost each of them more than those writes: every fork of a process with two threads interrupts the other
# core to flush its TLB, and the thread's switches and memory are copied and touched at each fork.
BURST_EVENTS = 32
BURST_WINDOW_NS = 10_000_000
# The flusher ends once it has sent, over QUIET_WINDOW_NS, events at no more than a burst's rate (the rate that
# starts one): the burst is over. Events that keep coming at a lower rate (a process starting and joining children
# in a loop) are written at once again: each fork of a process with a second thread costs more than those writes.
# The window is long enough that how flushes fall among the events does not decide it. It ends too once it has had
# nothing to send for IDLE_END_S: a process that went quiet after a burst (a hot loop over) would otherwise keep the
# thread for good.
QUIET_WINDOW_NS = 50_000_000
IDLE_END_S = 0.05
# In a tight loop the flusher waits for the GIL (5 ms a turn) while thousands of events pile up; past this many, the
# thread that makes them writes them itself. Memory a burst once held stays in the process, and every fork copies it.
MAX_BUFFERED = 256

_real_sleep = time.sleep
_monotonic_ns = time.monotonic_ns
_native_id = _thread.get_native_id


class Emitter:
    """Buffers this process's events and sends them to contui's queue.

    The flusher is a bare ``_thread`` thread so the script never sees it in ``threading.enumerate()``.
    Everything it shares with other threads is either a deque (atomic append/popleft) or a process-local lock:
    a process killed mid-write can hold nothing another process needs.
    """

    def __init__(self, fd: int, t0: int, link: str | None = None) -> None:
        self._pipe = EventFd(fd, link)  # see eventfd.py: ``link`` reopens the pipe if the script closes its fd
        self.t0 = t0
        self.enabled = True
        self._encoder = FrameEncoder()
        self._reset()
        # Nothing runs in the parent at a fork: every page it writes while the young child still shares it costs a
        # copy (about 5 µs each on these machines).
        os.register_at_fork(after_in_child=self._after_fork_child)

    def _reset(self) -> None:
        self._queue: deque[tuple[Any, ...]] = deque()
        self._write_lock = _thread.allocate_lock()
        self._writer = 0  # the thread holding the write lock, if any
        self._wake = _thread.allocate_lock()
        self._wake.acquire()
        self._restart()

    def _after_fork_child(self) -> None:
        """The child starts with an empty buffer and free locks; whatever the parent's flusher held stays the
        parent's. Reset in place: each new object a young child allocates touches pages it shares with its parent."""
        self._queue.clear()
        self._write_lock._at_fork_reinit()  # type: ignore[attr-defined]
        self._wake._at_fork_reinit()  # type: ignore[attr-defined]
        self._wake.acquire()
        self._restart()

    def _restart(self) -> None:
        self._writer = 0
        self._idle = False
        self._flusher_running = False
        self._burst_start = 0
        self._burst_count = 0
        self.pid = os.getpid()  # last: a signal handler trusts the rest once this is the process's own pid

    def emit(self, kind: str, fields: dict[str, Any], t: int | None = None) -> None:
        if not self.enabled:
            return
        now = _monotonic_ns() if t is None else t
        queue = self._queue
        queue.append((now - self.t0, kind, self.pid, _native_id(), fields))
        if self._flusher_running and not self._idle and len(queue) <= MAX_BUFFERED:
            return  # the hottest path, a burst: the flusher is awake and will send it
        self._dispatch(now)

    def emit_later(self, kind: str, fields: dict[str, Any]) -> None:
        """An event that another follows at once, in this thread, with nothing between that can wait (a reap that a
        join's end follows; a wait for no thread, then the process's end), or one that only fills in until another
        process says the same (a fork child's spawn: the child's own start is the truth): it goes out with the next
        write of any thread, or the flush at this process's end, stamped now. One write fewer, and one wake-up of
        contui fewer."""
        if self.enabled:
            self._queue.append((_monotonic_ns() - self.t0, kind, self.pid, _native_id(), fields))

    def emit_for(self, pid: int, kind: str, fields: dict[str, Any]) -> None:
        """An event about another process, seen from outside it (by the reaper)."""
        now = _monotonic_ns()
        self._queue.append((now - self.t0, kind, pid, 0, fields))
        self._dispatch(now)

    def _dispatch(self, now: int) -> None:
        """Wake the flusher if there is one; otherwise write now, unless this is a burst worth a flusher."""
        if self._flusher_running:
            if self._idle:
                self._idle = False
                try:
                    self._wake.release()
                except RuntimeError:  # another emit woke it first
                    pass
            elif len(self._queue) > MAX_BUFFERED:
                self._send_now(wait=True)
            return
        if now - self._burst_start > BURST_WINDOW_NS:
            self._burst_start = now
            self._burst_count = 0
        self._burst_count += 1
        if self._burst_count <= BURST_EVENTS:
            self._send_now()
            return
        # Under the write lock, so two threads of a burst cannot both start one; without waiting for it, as above
        # (whoever holds it sends this event).
        if not self._write_lock.acquire(False):
            return
        try:
            if self._flusher_running:
                return
            self._flusher_running = True
        finally:
            self._write_lock.release()
        _thread.start_new_thread(self._flush_loop, ())

    def now(self) -> int:
        return _monotonic_ns()

    @property
    def fd(self) -> int:
        """The event pipe's fd now (a process the run starts inherits it)."""
        return self._pipe.fd

    def _flush_loop(self) -> None:
        window_start = _monotonic_ns()
        window_sent = 0
        while self.enabled:
            self._idle = True
            # idle set before looking, so an emit in between still wakes us
            if not self._queue and not self._wake.acquire(True, IDLE_END_S):
                quiet = True  # nothing came for a while: the burst is long over
            else:
                self._idle = False
                _real_sleep(FLUSH_DELAY)
                window_sent += self.flush()
                now = _monotonic_ns()
                quiet = False
                if now - window_start >= QUIET_WINDOW_NS:
                    quiet = window_sent * BURST_WINDOW_NS <= BURST_EVENTS * (now - window_start)
                    window_start, window_sent = now, 0
            if quiet:
                with self._write_lock:
                    self._flusher_running = False
                self._burst_count = 0
                self.flush()  # what came while it decided; from now on emit() writes at once
                return

    def flush(self, timeout: float = -1) -> int:
        """Send everything buffered now (also called at process exit, from whichever thread ends the process);
        returns how many events that was.

        A signal handler passes a timeout: the thread it interrupted may be the one holding the write lock.
        """
        if not self._write_lock.acquire(True, timeout):
            return 0
        return self._write_held()

    def _send_now(self, wait: bool = False) -> None:
        """Write what is buffered, unless another write is going on: that one sends it too (see ``_write_held``).

        With ``wait``, wait a little for another thread's write to end first. Not for our own: an event made by a
        signal handler that interrupted this thread mid-write would wait for ever (the timeout covers the instant
        between taking the lock and noting who took it)."""
        if self._write_lock.acquire(False) or (
            wait and self._writer != _thread.get_ident() and self._write_lock.acquire(True, 0.1)
        ):
            self._write_held()

    def _write_held(self) -> int:
        """Write batches while holding the write lock, and release it. An event appended while the lock was held
        was left to the holder by ``_send_now``, so the holder looks again after releasing it."""
        queue = self._queue
        sent = 0
        while True:
            self._writer = _thread.get_ident()
            try:
                n = len(queue)
                if n:
                    batch = [queue.popleft()] if n == 1 else [queue.popleft() for _ in range(n)]
                    sent += n
                    if self.enabled:
                        fd = self._pipe.checked()
                        try:
                            if fd < 0:
                                raise OSError("the event pipe is gone")
                            self._encoder.write(fd, batch)
                        except OSError:  # contui is gone: nobody is listening any more
                            self.enabled = False
            finally:
                self._writer = 0
                self._write_lock.release()
            if not queue or not self._write_lock.acquire(False):
                return sent
