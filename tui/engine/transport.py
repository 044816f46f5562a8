"""The event transport: a multiprocessing queue whose writers never share a lock.

The stdlib ``multiprocessing.Queue`` serialises writers with a lock shared by every process; a writer killed while
holding it blocks all others for good. Here every writer sends whole frames of at most ``PIPE_BUF`` bytes with one
``write()``, which the kernel makes atomic: a frame lands whole or not at all, whoever dies when. The wire format is
the queue's own (4-byte length + pickle), so the reading side is a plain ``multiprocessing.Queue``.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
import pickle
import struct
from collections.abc import Iterable, Iterator
from typing import Any

PIPE_BUF = 4096
_HEADER = struct.Struct("!i")
MAX_PAYLOAD = PIPE_BUF - _HEADER.size
# Fields that may carry long text; shortened only when one event alone would not fit in a frame.
_LONG_FIELDS = ("text", "traceback", "item", "message")


def _fit(event: tuple[Any, ...]) -> bytes:
    """Pickle one event, shortening its long text fields until the frame fits."""
    t, kind, pid, tid, fields = event
    budget = MAX_PAYLOAD // 2
    while True:
        fields = {
            k: (v[:budget] + "…" if k in _LONG_FIELDS and isinstance(v, str) and len(v) > budget else v)
            for k, v in fields.items()
        }
        payload = pickle.dumps([(t, kind, pid, tid, fields)], protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) <= MAX_PAYLOAD or budget < 16:
            return payload
        budget //= 2


class FrameEncoder:
    """Cuts a batch into frames of at most PIPE_BUF bytes, pickling each event about once.

    It remembers how many events fitted in a frame last time, so a steady stream needs no second pickling.
    """

    def __init__(self, guess: int = 64) -> None:
        self.guess = guess

    def frames(self, events: list[tuple[Any, ...]]) -> Iterator[bytes]:
        i, n = 0, len(events)
        while i < n:
            k = min(self.guess, n - i)
            payload = pickle.dumps(events[i : i + k], protocol=pickle.HIGHEST_PROTOCOL)
            if len(payload) > MAX_PAYLOAD:
                if k > 1:
                    self.guess = max(1, k // 2)
                    continue
                payload = _fit(events[i])  # one event alone is too big: shorten its text
            yield _HEADER.pack(len(payload)) + payload
            i += k
            if k == self.guess and len(payload) < MAX_PAYLOAD // 2:
                self.guess = k * 2

    def write(self, fd: int, events: list[tuple[Any, ...]]) -> None:
        for frame in self.frames(events):
            os.write(fd, frame)  # <= PIPE_BUF into a pipe: atomic, never torn


class EventQueue(multiprocessing.queues.Queue):  # type: ignore[type-arg]
    """contui's end of the transport: a ``multiprocessing.Queue`` with no shared write lock.

    Traced processes write to ``writer_fd`` directly (see :func:`write_frames`); ``get`` returns one frame,
    a list of wire tuples.
    """

    def __init__(self) -> None:
        # The fork context makes its semaphores without a resource-tracker process; contui itself never forks.
        super().__init__(ctx=multiprocessing.get_context("fork"))
        self._wlock = None  # writers never share a lock: each frame is one atomic write

    @property
    def writer_fd(self) -> int:
        return self._writer.fileno()

    def close_writer(self) -> None:
        """Drop contui's copy of the write end, so the reader sees EOF once every run process is gone."""
        self._writer.close()

    eof: bool = False

    def drain(self, timeout: float, max_frames: int = 5000) -> list[tuple[Any, ...]]:
        """Events now waiting (waiting up to ``timeout`` for the first), in arrival order.

        Sets ``eof`` once every write end is closed: every process of the run is gone and all it sent is here.
        """
        out: list[tuple[Any, ...]] = []
        if self.eof or not self._reader.poll(timeout):
            return out
        try:
            for _ in range(max_frames):
                out.extend(pickle.loads(self._reader.recv_bytes()))
                if not self._reader.poll(0):
                    break
        except EOFError:
            self.eof = True
        return out


def flatten(frames: Iterable[list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    return [event for frame in frames for event in frame]
