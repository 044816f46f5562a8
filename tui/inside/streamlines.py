"""Turns what a process writes into a pipe (bytes, in reads of any size) into ``stdout`` events.

Each whole line is one event (a long one in pieces that each fit a frame, all but the last marked partial); what
follows the last newline of a read is sent at once, unfinished, as a terminal shows it; and what is left without a
newline at the end stays so, as ``python script.py > file`` leaves it. Memory and time are linear in what is read,
however long a line grows.

Used wherever a stream is read below Python's ``sys.stdout``: the reaper reads the main process's fds 1 and 2 (C
code, ``os.write(1, ...)``), the tracer the pipes it gives exec'd children.
"""

from __future__ import annotations

import codecs

from tui.inside import kinds as ev
from tui.inside.frames import text_pieces

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class StreamLines:
    """One stream of one process: ``feed`` it each read, ``end`` it at EOF; ``emit(kind, fields)`` sends an event."""

    def __init__(self, stream: str, emit: Callable[[str, dict[str, Any]], None]) -> None:
        self.stream = stream
        self._emit = emit
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")  # a character cut between two reads stays whole

    def feed(self, data: bytes) -> None:
        self._send(self._decoder.decode(data))

    def end(self) -> None:
        self._send(self._decoder.decode(b"", final=True))

    def _send(self, text: str) -> None:
        *lines, rest = text.split("\n")
        for line in lines:
            self._line(line, partial=False)
        if rest:
            self._line(rest, partial=True)

    def _line(self, text: str, partial: bool) -> None:
        emit, stream = self._emit, self.stream
        *pieces, last = text_pieces(text)
        for piece in pieces:
            emit(ev.STDOUT, {"stream": stream, "text": piece, "partial": True})
        fields: dict[str, Any] = {"stream": stream, "text": last}
        if partial:
            fields["partial"] = True
        emit(ev.STDOUT, fields)
