"""Captures each process's stdout/stderr as whole lines, tagged with the thread that wrote them.

``sys.stdout`` and ``sys.stderr`` stay Python's own C ``io.TextIOWrapper``: a ``print`` makes its four writes (the
arguments, the separator, the newline) in C, as under plain ``python``, and only what the wrapper would hand to a
file reaches the tracer's Python code, in :class:`_Sink`, the wrapper's ``buffer``:

- **line mode** (the app; ``contui run`` to a terminal; stderr always, as python's own stderr is line-buffered): the
  wrapper is line-buffered, so each line reaches the sink once, when its newline is written, as a terminal shows
  it. The lines a thread prints one after the other go out as ONE ``stdout`` event, a block: a line is added to its
  thread's block while that event still waits, last, in the emitter's queue; a line of another thread, or any other
  event, starts a new one. So the order of everything a process says is kept, every line keeps its thread, and a
  burst of 200,000 lines is some hundreds of events, not 200,000.
- **block mode** (``contui run`` with its stdout a file or a pipe, told by ``CONTUI_OUTPUT=block``): the wrapper
  is block-buffered, as python's stdout into a file is, and the sink gets 8 KiB at a time. Only while one thread
  of the process may print: the wrapper is flushed (by the thread that wrote all of it) and goes line-buffered
  before any other thread that may run the script's code starts, so no line is ever attributed to a thread that
  did not write it. (A queue's feeder thread does not count: a process that puts to a multiprocessing queue and
  prints now and then, line by line, cost a write and a wake-up of contui per line.)

A line printed in a quiet moment is sent at once (a process killed right after still has it on screen); lines that
come faster than the flusher's delay are left to it. ``flush()`` shows an unfinished line (a prompt) at once.
"""

from __future__ import annotations

import _thread
import io
import os
import sys
import time

from tui.inside.env import ENV_OUTPUT  # "block": the user's stdout is a file or a pipe; anything else is line mode
from tui.inside.kinds import STDOUT
from tui.inside.trace.context import TraceContext
from tui.inside.emitter import FLUSH_DELAY
from tui.inside.control import STEPPING_AT
from tui.inside.frames import ASCII_PIECE, text_pieces

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


_native_id = _thread.get_native_id
_monotonic_ns = time.monotonic_ns
_EAGER_NS = int(FLUSH_DELAY * 1e9)
# The bytes of one block: it fits one frame with the event around it (see frames.py).
BLOCK_BYTES = ASCII_PIECE
# Block mode: the unfinished line kept for the next write is sent (as parts of one line) once it is this long.
HOLD_BYTES = 4 * BLOCK_BYTES
# The most bytes of a line one event carries: any UTF-8 this long fits a frame with the event around it.
PIECE_BYTES = ASCII_PIECE
_ERRORS = "surrogatepass"  # what python's str can hold, any lone surrogate too, goes through and comes back whole


def LineCapture(ctx: TraceContext, stream: str, original: Any) -> io.TextIOWrapper:  # noqa: N802 (was a class)
    """The traced ``sys.stdout`` (``stream="stdout"``) or ``sys.stderr``: a C text stream over a :class:`_Sink`.

    It has ``finish()``: at the process's end, what is left unfinished is sent as it is."""
    # python -u (PYTHONUNBUFFERED) writes through: no block buffer to mimic then.
    blocks = (stream == "stdout" and os.environ.get(ENV_OUTPUT) == "block"
              and not getattr(original, "write_through", False))
    sink = _Sink(ctx, stream, original)
    text = io.TextIOWrapper(sink, encoding="utf-8", errors=_ERRORS, line_buffering=True)  # type: ignore[arg-type]
    sink.text = text
    text.finish = sink.finish  # type: ignore[attr-defined]
    if blocks:
        sink.to_blocks()
        _block_captures.append(sink)
        _watch_thread_starts()
        # A forked child starts with one thread: block mode again, whatever its parent had come to.
        os.register_at_fork(after_in_child=sink.to_blocks)
    return text


class _Sink:
    """The bytes a traced text stream writes (its ``buffer``): each write becomes ``stdout`` events.

    ``flush`` is ``int`` in line mode: the wrapper calls it after every line, and a C call that does nothing costs
    nothing; what a flush must show has already come through ``write`` (the wrapper writes what it holds first)."""

    closed = False
    name = "<stdout>"

    def __init__(self, ctx: TraceContext, stream: str, original: Any) -> None:
        emitter = ctx.emitter
        self._ctx = ctx
        self._emit = emitter.emit
        self._flush_events = emitter.flush
        # The emitter's queue (a deque, cleared in place at a fork): a block grows while its event is the last one
        # in it, not yet sent.
        self._queue = emitter._queue
        self._steps = ctx.steps
        self._stream = stream
        self._original = original
        self.name = f"<{stream}>"
        self._mine = _thread._local()  # per thread: its block event (``event``) and the block's bytes (``block``)
        self._flushed_ns = 0  # when a line last flushed the events at once
        self._blocks = False
        self._held = b""  # block mode: the unfinished line after the last newline written (one thread only)
        self.text: io.TextIOWrapper | None = None
        self.flush: Callable[[], object] = int

    # -- the faces of a binary stream the wrapper and scripts look at ------------------------------------------------
    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._original.fileno()

    def close(self) -> None:
        """The script closed its stdout: writes raise from now on, as python's would (the real fd stays open)."""
        self.closed = True

    # -- writing --------------------------------------------------------------------------------------------------
    def write(self, b: Any) -> int:
        # The hot path, once per printed line: the line joins its thread's block while that block's event is still
        # the last one waiting in the emitter's queue (nothing else was said since, by anyone in this process).
        mine = self._mine
        try:
            block = mine.block
            if (self._queue[-1] is mine.event and b[-1] == 10 and len(block) + len(b) <= BLOCK_BYTES
                    and not self._steps[STEPPING_AT]):
                block += b
                return len(b)
        except (AttributeError, IndexError, TypeError):
            pass
        return self._write(b)

    def _write(self, b: Any) -> int:
        if not isinstance(b, (bytes, bytearray)):
            b = bytes(memoryview(b).cast("B"))  # TypeError for a str, as a binary stream's write raises
        n = len(b)
        if not n:
            return 0
        if self._steps[STEPPING_AT]:  # a printed line is a point of step mode: held before it shows
            self._ctx.point("print", _decode(b[:240]).split("\n", 1)[0][:60])
        # A line of any length is never copied whole, decoded whole, nor cut into a list of all its pieces: its bytes
        # are read where they are (offsets into ``b``) and go out a piece at a time (see ``_send``). Each copy of a
        # 200 MB line was 200 MB more to fault in.
        held = self._held
        if held:
            self._held = b""
            if n <= HOLD_BYTES:  # joined: at most a few blocks' worth, whatever the line has grown to
                b = held + b
                n = len(b)
            else:  # sent ahead of this write as the start of its line
                self._send(held, 0, len(held), True)
        cut = b.rfind(b"\n") + 1
        if cut:
            self._lines(b, cut)
        if cut < n:
            if self._blocks:  # as python's block buffer: the rest of the line waits for the rest of it
                self._mine.event = None  # no line may join a block ahead of this one
                if n - cut >= HOLD_BYTES:  # its whole pieces go now; less than a piece is kept
                    cut = self._send(b, cut, n, True, whole=True)
                if cut < n:
                    self._held = bytes(b[cut:])  # a copy: a bytearray written by the script may change later
            else:  # a flush (a prompt), or a carriage return: a terminal shows it now
                self._send(b, cut, n, True)
                self._flushed_ns = _monotonic_ns()
                self._flush_events()
                return n
        if not self._blocks:
            # A terminal shows a line the moment its newline is written; so do we, so a process killed right after
            # a print (SIGKILL, os.abort) still has its line on screen. Lines that come faster than the flusher's
            # delay are left to it (only a SIGKILL within those 2 ms of a burst can then cost lines).
            now = _monotonic_ns()
            if now - self._flushed_ns >= _EAGER_NS:
                self._flushed_ns = now
                self._flush_events()
        return n

    def _lines(self, data: bytes | bytearray, end: int) -> None:
        """The whole lines of ``data[:end]`` (``data[end - 1]`` is a newline): in blocks of at most BLOCK_BYTES; a
        longer line in pieces."""
        start = 0
        while start < end:
            stop = data.rfind(b"\n", start, start + BLOCK_BYTES) + 1
            if stop <= start:  # one line longer than a block: as text, in pieces that each fit a frame
                stop = data.index(b"\n", start) + 1
                self._send(data, start, stop - 1, False)
            else:
                self._block(bytearray(data[start:stop]))
            start = stop

    def _block(self, block: bytearray) -> None:
        """Send whole lines as one event, which the next lines of this thread may join while it waits."""
        fields = {"stream": self._stream, "text": block, "lines": True}
        self._emit(STDOUT, fields)
        queue = self._queue
        try:
            last = queue[-1]
        except IndexError:  # written at once: the next line starts a block of its own
            last = None
        mine = self._mine
        mine.event = last if last is not None and last[4] is fields else None
        mine.block = block

    def _send(self, data: bytes | bytearray, start: int, end: int, partial: bool, whole: bool = False) -> int:
        """``data[start:end]``, a line or (``partial``) the start of one whose end is still to come, as text events
        of at most PIECE_BYTES each, cut between characters. With ``whole``, only whole pieces go and where the rest
        starts is returned (the caller keeps it); otherwise everything goes, and the last piece is marked partial
        only if ``partial``. Linear, and nothing but one piece at a time is made of the line."""
        emit, stream = self._emit, self._stream
        self._mine.event = None
        while start < end:
            stop = start + PIECE_BYTES
            if stop >= end:
                if whole:
                    break
                stop = end
            else:
                # The first byte of the next piece may not be in the middle of a character (0b10xxxxxx continues
                # one; UTF-8 has at most 3 of them): bytes that are not UTF-8 at all are cut anywhere.
                back = stop
                while back > stop - 3 and data[back] & 0xC0 == 0x80:
                    back -= 1
                if data[back] & 0xC0 != 0x80:
                    stop = back
            last = stop == end and not partial
            try:
                # UTF-8 of at most PIECE_BYTES: one frame holds it, whatever its characters
                pieces = [data[start:stop].decode("utf-8", _ERRORS)]
            except UnicodeDecodeError:  # not UTF-8 (sys.stdout.buffer): replaced, a character may take 3 bytes now
                pieces = text_pieces(data[start:stop].decode("utf-8", "replace"))
            for i, piece in enumerate(pieces, 1):
                if last and i == len(pieces):
                    emit(STDOUT, {"stream": stream, "text": piece})
                else:
                    emit(STDOUT, {"stream": stream, "text": piece, "partial": True})
            start = stop
        return start

    def _flush_held(self) -> None:
        """Block mode's ``flush``: the unfinished line shows now (a prompt; ``input()`` flushes stdout too)."""
        if self._held:
            held, self._held = self._held, b""
            self._send(held, 0, len(held), True)
            self._flush_events()

    # -- modes ----------------------------------------------------------------------------------------------------
    def to_blocks(self) -> None:
        """Block-buffered, as python's stdout into a file (this process has one thread now)."""
        if self._blocks or self.text is None:
            return
        self.text.reconfigure(line_buffering=False)  # flushes what it holds first
        self._blocks = True
        self.flush = self._flush_held

    def to_lines(self) -> None:
        """Line-buffered from now on: another thread is about to start. What the one thread wrote goes out first,
        as its own."""
        if not self._blocks or self.text is None:
            return
        try:
            self.text.flush()
        except ValueError:  # closed by the script
            pass
        self._flush_held()
        self._blocks = False
        self.flush = int
        self.text.reconfigure(line_buffering=True)

    def finish(self) -> None:
        """At process exit: what is left unterminated is sent as it is, still without its newline, as python leaves
        it (``contui run > file`` keeps the file's bytes; a view shows it as a line of its own)."""
        if self.text is not None and not self.closed:
            try:
                self.text.flush()
            except (ValueError, OSError):  # closed, or detached by the script
                pass
        if self._held:
            held, self._held = self._held, b""
            self._send(held, 0, len(held), True)


def _decode(data: bytes | bytearray) -> str:
    """Text the wrapper encoded comes back whole; bytes a script wrote to ``sys.stdout.buffer`` may not be UTF-8."""
    try:
        return data.decode("utf-8", _ERRORS)
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


# -- block mode lasts while the process has one thread ---------------------------------------------------------------
_block_captures: list[_Sink] = []
_watching: list[bool] = []  # one item once the thread starts are watched (a list: no module global is rebound)


def _runs_no_script_code(function: Any) -> bool:
    """A thread about to start with ``function`` can print none of the script's lines: one of the tracer's hidden
    threads (the emitter's flusher, readers of children's pipes), or a multiprocessing queue's feeder thread (every
    process that puts to a queue has one; it only pickles and writes items, and a failure of its own goes to stderr,
    which is line-buffered always). Any other thread may run the script's code, a library's that calls back into it
    (a Timer, a pool's result handler) too."""
    if str(getattr(function, "__module__", "")).startswith("tui.inside."):
        return True
    target = getattr(getattr(function, "__self__", None), "_target", None)  # threading.Thread._bootstrap's thread
    return getattr(target, "__module__", None) == "multiprocessing.queues" and \
        getattr(target, "__qualname__", None) == "Queue._feed"


def _watch_thread_starts() -> None:
    """Every Python thread starts through ``_thread.start_new_thread`` (``threading`` keeps its own reference):
    before one that may print does, block mode ends."""
    if _watching:
        return
    _watching.append(True)
    real = _thread.start_new_thread

    def start_new_thread(function: Any, args: Any, kwargs: Any = None) -> int:
        if not _runs_no_script_code(function):
            for sink in _block_captures:
                sink.to_lines()
        return real(function, args) if kwargs is None else real(function, args, kwargs)

    _thread.start_new_thread = start_new_thread
    threading = sys.modules.get("threading")
    if threading is not None and getattr(threading, "_start_new_thread", None) is real:
        threading._start_new_thread = start_new_thread  # type: ignore[attr-defined]
