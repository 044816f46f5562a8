"""The event transport: a multiprocessing queue whose writers never share a lock.

The stdlib ``multiprocessing.Queue`` serialises writers with a lock shared by every process; a writer killed while
holding it blocks all others for good. Here every writer sends whole frames of at most ``PIPE_BUF`` bytes with one
``write()``, which the kernel makes atomic: a frame lands whole or not at all, whoever dies when. The wire format is
the queue's own (4-byte length + pickle); contui reads the pipe's bytes itself and decodes them as plain values only
(tui/engine/decoder.py), since anything in the run can write to the pipe.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.queues
import os
import time
from typing import Any

from tui.engine.decoder import FrameDecoder
from tui.engine.eventpipe import EventPipe
from tui.inside.frames import PIPE_BUF, FrameEncoder  # noqa: F401 (part of the transport's face)


READ_SIZE = 1 << 16


class EventQueue(multiprocessing.queues.Queue):  # type: ignore[type-arg]
    """contui's end of the transport: a ``multiprocessing.Queue`` with no shared write lock.

    Traced processes write frames to ``writer_fd`` directly (see :class:`FrameEncoder`); ``get`` returns one frame,
    a list of wire tuples. It reads the :class:`EventPipe` it is given (a run makes its pipe before it starts, and
    this queue once it is on its way), or one of its own.
    """

    def __init__(self, pipe: EventPipe | None = None) -> None:
        # The fork context makes its semaphores without a resource-tracker process; contui itself never forks.
        super().__init__(ctx=multiprocessing.get_context("fork"))
        self._wlock = None  # writers never share a lock: each frame is one atomic write
        # The queue's own pipe gives way to the event pipe, whose write end the run's processes may have already.
        self._reader.close()
        self._writer.close()
        self.pipe = pipe if pipe is not None else EventPipe()
        # Read as raw bytes and decoded here, trusting nothing (tui/engine/decoder.py): never unpickled as they come.
        self._reader = multiprocessing.connection.Connection(self.pipe.read_fd, writable=False)
        # contui's end only reads: what a put here would write goes nowhere, never into the run's events.
        self._writer = multiprocessing.connection.Connection(os.open(os.devnull, os.O_WRONLY), readable=False)
        self._reset()  # the queue's own shortcuts to its connections, made again for these
        self._decoder = FrameDecoder()

    @property
    def writer_fd(self) -> int:
        return self.pipe.write_fd

    def close_writer(self) -> None:
        """Drop contui's copy of the write end, so the reader sees EOF once every run process is gone."""
        self.pipe.close_writer()

    eof: bool = False

    def drain(self, timeout: float, max_frames: int = 5000, wake: int | None = None,
              gather: float = 0.0) -> list[tuple[Any, ...]]:
        """Events now waiting (waiting up to ``timeout`` for the first), in arrival order.

        ``wake`` is a file descriptor that ends the wait early when readable (the app's "a key was pressed").
        ``gather`` first waits that long without watching the pipe, so that the writes of a busy run pile up into
        one read instead of waking contui at each (see :class:`Collector`).
        Sets ``eof`` once every write end is closed: every process of the run is gone and all it sent is here.
        """
        out: list[tuple[Any, ...]] = []
        if self.eof:
            return out
        if gather > 0:
            if wake is None:
                time.sleep(gather)
            else:
                multiprocessing.connection.wait([wake], gather)
            timeout = max(0.0, timeout - gather)
        if wake is None:
            if not self._reader.poll(timeout):
                return out
        elif self._reader not in multiprocessing.connection.wait([self._reader, wake], timeout):
            return out  # woken (or timed out) with nothing to read
        fd = self._reader.fileno()
        chunks: list[bytes] = []
        room = max_frames * PIPE_BUF
        drained = ended = False
        while room > 0:
            try:
                chunk = os.read(fd, min(room, READ_SIZE))
            except BlockingIOError:
                drained = True
                break
            if not chunk:
                drained = ended = True
                break
            chunks.append(chunk)
            room -= len(chunk)
        out.extend(self._decoder.feed(b"".join(chunks), drained=drained))
        if ended:
            self._decoder.finish()
            self.eof = True
        return out

    @property
    def dropped(self) -> int:
        """Pieces of what came through the pipe that were not frames of the run's events (a script wrote to the
        pipe, or forged a frame), skipped and counted."""
        return self._decoder.dropped
