"""A line of any length goes through a traced process's stdout in pieces, with no copy of the whole line made and no
more kept than a few blocks, in block mode (``contui run > file``) and line mode: the sink's work and memory are
counted here, not timed."""

from __future__ import annotations

import io
import tracemalloc
from collections import deque
from types import SimpleNamespace
from typing import Any

from tui.inside.control import STEPPING_AT
from tui.inside.frames import MAX_PAYLOAD, FrameEncoder
from tui.inside.trace.output import HOLD_BYTES, PIECE_BYTES, _ERRORS, _Sink


class _Emitter:
    """Takes the events as the real emitter would, and keeps only what a test looks at."""

    def __init__(self, keep: bool = True) -> None:
        self._queue: deque[Any] = deque()
        self.keep = keep
        self.pieces: list[tuple[str, bool]] = []  # (text, partial)
        self.count = 0
        self.biggest = 0  # the largest piece, in UTF-8 bytes

    def emit(self, kind: str, fields: dict[str, Any], t: int | None = None) -> None:
        self.count += 1
        text = fields["text"]
        if isinstance(text, (bytes, bytearray)):  # a block of whole lines: text at contui (see decoder.py)
            text = text.decode("utf-8", _ERRORS).removesuffix("\n")
        self.biggest = max(self.biggest, len(text.encode("utf-8", _ERRORS)))
        if self.keep:
            self.pieces.append((text, bool(fields.get("partial"))))

    def flush(self) -> int:
        return 0

    def text(self) -> str:
        return "".join(text for text, _ in self.pieces)


def _sink(blocks: bool, keep: bool = True) -> tuple[_Sink, io.TextIOWrapper, _Emitter]:
    """A sink and its text stream as LineCapture makes them, without the hooks it installs in the process."""
    emitter = _Emitter(keep)
    ctx = SimpleNamespace(emitter=emitter, steps=bytes(STEPPING_AT + 1), point=lambda *args: None)
    sink = _Sink(ctx, "stdout", io.StringIO())  # type: ignore[arg-type]
    text = io.TextIOWrapper(sink, encoding="utf-8", errors=_ERRORS, line_buffering=True)  # type: ignore[arg-type]
    sink.text = text
    if blocks:
        sink.to_blocks()
    return sink, text, emitter


def test_one_write_of_a_long_line_is_never_copied_whole() -> None:
    """20 MB in one write (as sys.stdout.buffer takes it, or the wrapper hands it on): a piece at a time is made of
    it. Decoding it whole, or cutting it into a list of all its pieces, made two more copies of it."""
    size = 20_000_000
    for blocks in (True, False):
        sink, _, emitter = _sink(blocks, keep=False)
        data = b"x" * size
        tracemalloc.start()
        try:
            sink.write(data)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        sink.finish()
        assert peak < size // 20, (blocks, peak)
        assert emitter.biggest <= PIECE_BYTES
        assert emitter.count == -(-size // PIECE_BYTES)  # whole pieces: no event more than needed


def test_a_line_grown_by_many_writes_keeps_a_bounded_rest_and_goes_in_whole_pieces() -> None:
    """Half a million writes of two characters, some of them multi-byte, and then more in one write: what the sink
    keeps never reaches HOLD_BYTES (joining a growing rest to each write would be quadratic), its pieces each fit a
    frame and are whole but for the last, and the line comes back character for character."""
    sink, text, emitter = _sink(blocks=True)
    written = []
    held = 0
    for i in range(500_000):
        part = "é中" if i % 1000 == 999 else "bc"
        text.write(part)
        written.append(part)
        held = max(held, len(sink._held))
    tail = "\U0001f600\udcff" * 300_000  # a 4-byte character, and a lone surrogate as python's stdout lets it through
    text.write(tail)
    written.append(tail)
    held = max(held, len(sink._held))
    text.write("!\n")
    written.append("!\n")
    text.flush()  # block-buffered: the end of the line is in the wrapper's buffer until then
    assert held < HOLD_BYTES
    assert sink._held == b""
    line = "".join(written)[:-1]
    assert emitter.text() == line
    assert [partial for _, partial in emitter.pieces] == [True] * (len(emitter.pieces) - 1) + [False]
    assert emitter.biggest <= PIECE_BYTES
    size = len(line.encode("utf-8", _ERRORS))
    assert len(emitter.pieces) <= size // (PIECE_BYTES - 3) + 2 * (size // HOLD_BYTES) + 2


def test_an_unfinished_line_is_shown_by_flush_and_at_the_end() -> None:
    sink, text, emitter = _sink(blocks=True)
    text.write("Enter a number: ")
    assert emitter.pieces == []  # block mode: it waits for the rest of its line
    text.flush()
    assert emitter.pieces == [("Enter a number: ", True)]
    text.write("42\n" + "y" * (3 * HOLD_BYTES))
    text.flush()
    text.write("z" * 100)
    sink.finish()
    assert emitter.text() == "Enter a number: 42" + "y" * (3 * HOLD_BYTES) + "z" * 100
    assert all(partial for _, partial in emitter.pieces[2:])  # left unterminated, as python leaves it


def test_bytes_that_are_not_utf8_are_replaced_in_pieces_that_still_fit_a_frame() -> None:
    for blocks in (True, False):
        sink, _, emitter = _sink(blocks)
        sink.write(b"\xff" * 10_000 + b"\n")
        assert emitter.text() == "\ufffd" * 10_000
        assert emitter.pieces[-1][1] is False
        encoder = FrameEncoder()
        for piece, partial in emitter.pieces:
            event = (0, "stdout", 1, 1, {"stream": "stdout", "text": piece, "partial": partial})
            frame = next(encoder.frames([event]))
            assert len(frame) - 4 <= MAX_PAYLOAD and piece in frame.decode("utf-8", "replace")  # not shortened
