"""The tracer's per-process emitter: when it writes at once, when a flusher thread batches, and that nothing is lost
or reordered either way. Runs in the test process, against a real pipe."""

from __future__ import annotations

import os
import pickle
import struct
import threading
import time

import pytest

from tests.helpers import wait_until
from tui.inside import emitter as emitter_mod
from tui.inside.emitter import BURST_EVENTS, Emitter


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))  # the flusher is a bare _thread: threading does not list it


class PipeReader:
    """Reads frames off the pipe in a thread, as contui does, so a writer never waits on a full pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.events: list[tuple] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read_exactly(self, n: int) -> bytes | None:
        data = b""
        while len(data) < n:
            chunk = os.read(self.fd, n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def _read(self) -> None:
        while (header := self._read_exactly(4)) is not None:
            (size,) = struct.unpack("!i", header)
            body = self._read_exactly(size)
            assert body is not None, "a frame was torn"
            self.events.extend(pickle.loads(body))

    def seqs(self) -> list[int]:
        return [e[4]["seq"] for e in self.events]


@pytest.fixture
def pipe():
    r, w = os.pipe()
    reader = PipeReader(r)
    emitter = Emitter(w, time.monotonic_ns())
    yield emitter, reader
    emitter.enabled = False
    os.close(w)
    reader._thread.join(5)
    os.close(r)


def test_a_few_events_are_written_at_once_without_a_thread(pipe) -> None:
    emitter, reader = pipe
    before = _threads()
    for seq in range(3):
        emitter.emit("test", {"seq": seq})
    assert wait_until(lambda: len(reader.events) == 3, timeout=2)
    assert reader.seqs() == [0, 1, 2]
    assert _threads() == before


def test_a_burst_is_batched_by_a_flusher_that_ends_with_the_burst(pipe) -> None:
    emitter, reader = pipe
    before = _threads()
    n = 20 * BURST_EVENTS
    for seq in range(n):
        emitter.emit("test", {"seq": seq})
    assert _threads() == before + 1  # the flusher started
    assert wait_until(lambda: len(reader.events) == n, timeout=5)
    assert reader.seqs() == list(range(n))
    # Quiet from here on: after a few small flushes the flusher ends, and events are written at once again.
    for seq in range(n, n + 24):
        emitter.emit("test", {"seq": seq})
        time.sleep(2 * emitter_mod.FLUSH_DELAY)
    assert wait_until(lambda: _threads() == before, timeout=5)
    emitter.emit("test", {"seq": -1})
    assert wait_until(lambda: reader.seqs()[-1:] == [-1], timeout=2)
    assert reader.seqs()[:-1] == list(range(n + 24))


def test_a_flusher_ends_once_its_process_goes_quiet_after_a_burst(pipe) -> None:
    """A hot loop's burst is over and nothing more comes: the process goes back to one thread (each fork of a
    process with two costs more)."""
    emitter, reader = pipe
    before = _threads()
    for seq in range(20 * BURST_EVENTS):
        emitter.emit("test", {"seq": seq})
    assert _threads() == before + 1
    assert wait_until(lambda: _threads() == before, timeout=5)
    assert wait_until(lambda: len(reader.events) == 20 * BURST_EVENTS, timeout=2)


def test_a_flusher_ends_when_events_keep_coming_below_a_bursts_rate(pipe) -> None:
    """After a burst, four events every 2 ms (a process starting and joining children in a loop): under the rate
    that starts a flusher, so it ends, though no flush of its is empty and some send eight events in 2 ms."""
    emitter, reader = pipe
    before = _threads()
    n = 20 * BURST_EVENTS
    for seq in range(n):
        emitter.emit("test", {"seq": seq})
    assert _threads() == before + 1
    seq = n
    deadline = time.monotonic() + 5
    while _threads() > before and time.monotonic() < deadline:
        for _ in range(4):
            emitter.emit("test", {"seq": seq})
            seq += 1
        time.sleep(0.002)  # pacing the events, at most 2,000 a second: a loaded machine only makes it fewer
    assert _threads() == before
    assert wait_until(lambda: len(reader.events) == seq, timeout=2)
    assert reader.seqs() == list(range(seq))


def test_a_burst_never_buffers_more_than_its_bound(pipe) -> None:
    # Events piling up while the flusher waits for the GIL would be memory the process keeps, and copies at every
    # fork: past MAX_BUFFERED the emitting thread writes them itself.
    emitter, reader = pipe
    most = 0
    for seq in range(10 * emitter_mod.MAX_BUFFERED):
        emitter.emit("test", {"seq": seq})
        most = max(most, len(emitter._queue))
    assert most <= emitter_mod.MAX_BUFFERED + 1
    assert wait_until(lambda: len(reader.events) == 10 * emitter_mod.MAX_BUFFERED, timeout=5)
    assert reader.seqs() == list(range(10 * emitter_mod.MAX_BUFFERED))


def test_an_emit_inside_a_flush_does_not_wait_and_is_still_sent(pipe) -> None:
    # As from a signal handler (a script's print in a SIGTERM handler) that interrupted this thread mid-flush:
    # waiting for the write lock would wait for ourselves for ever.
    emitter, reader = pipe
    emitter.emit("test", {"seq": 0})
    assert emitter._write_lock.acquire(False)  # the interrupted flush holds it
    emitter.emit("test", {"seq": 1})  # same thread: a wait here would never end (pytest-timeout ends the test)
    assert len(emitter._queue) == 1  # left for the holder
    emitter._write_held()  # the interrupted flush goes on, and sends what the handler said
    assert wait_until(lambda: len(reader.events) == 2, timeout=2)
    assert reader.seqs() == [0, 1]
