"""Reads the run's frames out of the bytes that came through the event pipe, trusting nothing in them.

The pipe's write end is in every process of the run, so the script can write to it too: garbage, a frame with a
length of its choosing, a pickle that names a function to call. A frame is a 4-byte length (at most a pipe's atomic
write) and a pickle of plain values only: lists and tuples, dicts, strings, numbers, True/False/None. The decoder
refuses every global a pickle names (nothing the run sends is ever called), checks each event's shape, drops what
does not fit and counts it, and finds the next frame after garbage. It never raises and never waits for bytes.
A block of printed lines, which a traced process sends as bytes, is turned into text here (see ``_text_block``).
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from tui.inside.frames import MAX_PAYLOAD
from tui.inside.kinds import STDOUT

HEADER = 4
# Every frame's pickle starts with these (protocol 5, as tui/inside/frames.py writes them): where to look for the
# next frame after garbage.
PICKLE_START = b"\x80\x05"

Wire = tuple[int, str, int, int, dict[str, Any]]


class _PlainValues(pickle.Unpickler):
    """An unpickler that builds plain values only: any global (a class, a function to call) is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a frame names {module}.{name}: refused")


def _event(item: Any) -> Wire | None:
    """A wire tuple if ``item`` has an event's shape (t, kind, pid, tid, fields), else None."""
    if not isinstance(item, tuple) or len(item) != 5:
        return None
    t, kind, pid, tid, fields = item
    if (type(t) is int and type(kind) is str and type(pid) is int and type(tid) is int and type(fields) is dict
            and all(type(k) is str for k in fields)):
        return item  # type: ignore[return-value]
    return None


def decode_payload(payload: bytes) -> list[Wire] | None:
    """The events of one frame's payload, or None if it is not a list of well-formed events."""
    try:
        items = _PlainValues(io.BytesIO(payload)).load()
    except Exception:  # any malformed pickle: truncated, bad opcode, a refused global, too deep
        return None
    if type(items) is not list:
        return None
    events = []
    for item in items:
        event = _event(item)
        if event is None:
            return None
        if event[1] == STDOUT and type(event[4].get("text")) in _BYTES:
            event = _text_block(event)
        events.append(event)
    return events


_BYTES = (bytes, bytearray)


def _text_block(event: Wire) -> Wire:
    """A block of printed lines comes as the bytes the script's text stream wrote (UTF-8, every line with its
    newline): from here on it is text, the lines joined by newlines, ``lines`` saying how many (when more than one).
    The model splits it into its lines as it folds it."""
    t, kind, pid, tid, fields = event
    data = fields["text"]
    try:
        text = data.decode("utf-8", "surrogatepass")  # the script's lone surrogates come back as they were printed
    except UnicodeDecodeError:  # bytes a script wrote to sys.stdout.buffer need not be UTF-8
        text = data.decode("utf-8", "replace")
    if text.endswith("\n"):
        text = text[:-1]
    fields = {**fields, "text": text}
    lines = text.count("\n") + 1
    if lines > 1:
        fields["lines"] = lines
    else:
        fields.pop("lines", None)
    return (t, kind, pid, tid, fields)


class FrameDecoder:
    """Feed it bytes as they come; it returns the events of every whole frame and keeps the rest for later."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.dropped = 0  # pieces of garbage and malformed frames skipped so far
        self._skipping = False  # inside a piece already counted

    def feed(self, data: bytes, drained: bool = False) -> list[Wire]:
        """``drained``: the pipe had nothing more to read. Every frame is written whole in one atomic write, so a
        frame cut short then is garbage, not a frame still on its way (waiting for it would hold back the frames
        behind it)."""
        self._buffer += data
        return self._frames(drained)

    def finish(self) -> None:
        """The pipe is closed: what is left can never become a frame."""
        self._feed_end()

    def _feed_end(self) -> None:
        if self._buffer and not self._skipping:
            self.dropped += 1
        self._buffer.clear()
        self._skipping = False

    def _skip(self) -> None:
        if not self._skipping:
            self.dropped += 1
            self._skipping = True

    def _frames(self, drained: bool) -> list[Wire]:
        buf = self._buffer
        out: list[Wire] = []
        start = 0
        end = len(buf)
        while end - start >= HEADER:
            length = int.from_bytes(buf[start:start + HEADER], "big")
            if 0 < length <= MAX_PAYLOAD:
                if end - start - HEADER < length and not drained:
                    break  # the rest of this frame is still to be read
                if end - start - HEADER < length:
                    events = None  # cut short with nothing more to read: garbage that looked like a frame
                else:
                    events = decode_payload(bytes(buf[start + HEADER:start + HEADER + length]))
                if events is not None:
                    out.extend(events)
                    start += HEADER + length
                    self._skipping = False
                    continue
            # Not a frame here: skip to the next place a frame could start, counting what is skipped once.
            self._skip()
            start = self._next_start(start + 1)
        del buf[:start]
        if drained:
            self._feed_end()  # fewer bytes than a header, with nothing more to read: not a frame
        return out

    def _next_start(self, after: int) -> int:
        """Where the next frame may begin: 4 bytes before the next pickle start, or near the end (to keep a header
        that may still be completed)."""
        buf = self._buffer
        found = buf.find(PICKLE_START, after + HEADER)
        if found < 0:
            return max(after, len(buf) - HEADER - len(PICKLE_START) + 1)
        return found - HEADER
