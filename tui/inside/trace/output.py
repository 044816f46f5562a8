"""Captures each process's stdout/stderr as whole lines, tagged with the thread that wrote them."""

from __future__ import annotations

import _thread
import io
import time

from tui.inside.kinds import STDOUT
from tui.inside.trace.context import TraceContext
from tui.inside.emitter import FLUSH_DELAY
from tui.inside.control import STEPPING_AT
from tui.inside.frames import TEXT_PIECE, piece_size, text_pieces

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from typing import Any


_native_id = _thread.get_native_id
_monotonic_ns = time.monotonic_ns
_EAGER_NS = int(FLUSH_DELAY * 1e9)
# Pieces of one unfinished line kept before its whole chunks are sent.
HOLD_PIECES = 256


class LineCapture(io.TextIOBase):
    """A text stream that turns writes into ``stdout`` events, one per line (long lines in chunks)."""

    def __init__(self, ctx: TraceContext, stream: str, original: Any) -> None:
        super().__init__()
        self._emit = ctx.emitter.emit
        self._flush_events = ctx.emitter.flush
        self._ctx = ctx
        self._steps = ctx.steps
        self._flushed_ns = 0  # when a newline last flushed the events at once
        self._stream = stream
        self._original = original
        self._partial: dict[int, list[str]] = {}  # per thread: the pieces of its unfinished line
        self.buffer = _BytesShim(self)

    # io.TextIOBase would report these from a closed base; the script sees a normal text stream.
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "strict"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._original.fileno()

    def write(self, s: str) -> int:
        if "\n" not in s:  # print() writes each argument and the separators apart: most writes land here
            if s:
                tid = _native_id()
                pending = self._partial.get(tid)
                if pending is None:
                    self._partial[tid] = [s]
                else:
                    pending.append(s)  # pieces, joined once: a line of megabytes written in bits stays linear
                    if len(pending) >= HOLD_PIECES:
                        self._send_whole_chunks(tid, pending)
            return len(s)
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        partial = self._partial
        tid = _native_id()
        pending = partial.pop(tid, None)
        *lines, rest = ("".join(pending) + s if pending else s).split("\n")
        if self._steps[STEPPING_AT]:  # a printed line is a point of step mode: held before it shows
            self._ctx.point("print", lines[0][:60])
        for line in lines:
            self._send(line, False)
        if rest:
            partial[tid] = [rest]
        # A terminal shows a line the moment its newline is written; so do we, so a process killed right after
        # a print (SIGKILL, os.abort) still has its line on screen. Lines that come faster than the flusher's
        # delay are left to it: a write per line doubled the cost of a print and took the batching out of bursts
        # (only a SIGKILL within those 2 ms of a burst can then cost lines).
        now = _monotonic_ns()
        if now - self._flushed_ns >= _EAGER_NS:
            self._flushed_ns = now
            self._flush_events()
        return len(s)

    def _send_whole_chunks(self, tid: int, pending: list[str]) -> None:
        """A line still without its newline grew long: send its whole chunks now (as parts of one line), keep the
        rest. Memory stays bounded however long the line gets."""
        text = "".join(pending)
        whole = len(text) - len(text) % piece_size(text)
        if whole:
            self._send(text[:whole], partial=True)
        pending[:] = [text[whole:]] if whole < len(text) else []

    def _send(self, line: str, partial: bool) -> None:
        emit = self._emit
        stream = self._stream
        last = line
        if len(line) > TEXT_PIECE:  # a print's usual line needs no look at its characters
            *pieces, last = text_pieces(line)
            for piece in pieces:
                emit(STDOUT, {"stream": stream, "text": piece, "partial": True})
        if partial:
            emit(STDOUT, {"stream": stream, "text": last, "partial": True})
        else:
            emit(STDOUT, {"stream": stream, "text": last})

    def flush(self) -> None:
        """A flush shows a prompt such as ``>>:`` now; the rest of its line follows in later events."""
        rest = self._partial.pop(_native_id(), None)
        if rest:
            self._send("".join(rest), partial=True)
            self._flush_events()

    def finish(self) -> None:
        """At process exit: what is left unterminated is sent as it is, still without its newline, as python leaves
        it (``contui run > file`` keeps the file's bytes; a view shows it as a line of its own)."""
        for tid in list(self._partial):
            self._send("".join(self._partial.pop(tid)), partial=True)


class _BytesShim(io.RawIOBase):
    """``sys.stdout.buffer`` for scripts that write bytes."""

    def __init__(self, text: LineCapture) -> None:
        super().__init__()
        self._text = text

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self._text.write(data.decode("utf-8", errors="replace"))
        return len(data)

    def flush(self) -> None:
        self._text.flush()
