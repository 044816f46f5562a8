"""Frames of events for the transport: each at most PIPE_BUF bytes, so one write() puts it in the pipe whole.

Imports nothing heavy: every traced process and the reaper load it.
"""

from __future__ import annotations

import os
import struct

# pickle's own C pickler, which pickle.dumps is: without pickle.py's Python fallbacks, ~1 ms of every traced
# interpreter's start. Protocol -1 is the highest.
from _pickle import dumps

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any


PIPE_BUF = 4096
_HEADER = struct.Struct("!i")
MAX_PAYLOAD = PIPE_BUF - _HEADER.size
# Fields that may carry long text; shortened only when one event alone would not fit in a frame.
_LONG_FIELDS = ("text", "traceback", "item", "message")
# Printed text goes in pieces that each fit one frame with the event around them (its pickle takes well under
# _EVENT_ROOM bytes besides the text): ASCII text takes a byte a character, any other at most 4 in UTF-8.
_EVENT_ROOM = 160
ASCII_PIECE = MAX_PAYLOAD - _EVENT_ROOM
TEXT_PIECE = (MAX_PAYLOAD - _EVENT_ROOM) // 4


def piece_size(text: str) -> int:
    """How many characters of ``text`` one event can carry."""
    return ASCII_PIECE if text.isascii() else TEXT_PIECE


def text_pieces(text: str) -> list[str]:
    """``text`` cut into pieces that each fit one event (one piece for all but very long text), in linear time."""
    if len(text) <= TEXT_PIECE:
        return [text]
    size = piece_size(text)
    return [text[i:i + size] for i in range(0, len(text), size)]


def _fit(event: tuple[Any, ...]) -> bytes:
    """Pickle one event, shortening its long text fields until the frame fits."""
    t, kind, pid, tid, fields = event
    budget = MAX_PAYLOAD // 2
    while True:
        fields = {
            k: (v[:budget] + "…" if k in _LONG_FIELDS and isinstance(v, str) and len(v) > budget else v)
            for k, v in fields.items()
        }
        payload = dumps([(t, kind, pid, tid, fields)], protocol=-1)
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
            payload = dumps(events[i : i + k], protocol=-1)
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
        if len(events) <= 4:  # a printed line flushed at once: skip the cutting machinery
            payload = dumps(events, protocol=-1)
            if len(payload) <= MAX_PAYLOAD:
                os.write(fd, _HEADER.pack(len(payload)) + payload)
                return
        for frame in self.frames(events):
            os.write(fd, frame)  # <= PIPE_BUF into a pipe: atomic, never torn
