"""The fold of what the run printed: every line of every process and thread in arrival order, partial lines joined as
they grow, and uncaught exceptions in their place among the lines. An exception's traceback normally follows on its
process's stderr; if the process ends without printing it, the lines of the exception's record are added instead.

Only the newest lines are kept (a :class:`LineLog` of ``output_window`` lines). A growing line that falls out of that
window is not amended any more: what it grows by starts a line of its own, at the end, where the reader sees it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.engine.model.core import Fields, ModelCore, handles
from tui.engine.model.linelog import LineLog
from tui.engine.model.records import ExceptionRecord, OutputLine, Part, ProcessNode, Stream
from tui.inside import kinds as ev


@dataclass(slots=True)
class _AwaitedTraceback:
    record: ExceptionRecord
    last_line: str  # the traceback's last line: once its process prints it on stderr, it printed the traceback


# The streams a printed line may come from (an exception is not printed: it has an event of its own).
_PRINTED = {Stream.STDOUT.value: Stream.STDOUT, Stream.STDERR.value: Stream.STDERR}
EXACT_CHARS = 65536  # a growing line shorter than this is joined at each piece: a view always shows all of it


class OutputFold(ModelCore):
    def __init__(self) -> None:
        super().__init__()
        self.keep_output = True  # False: no line is kept (see Model)
        self._partial: dict[tuple[int, int, str], int] = {}  # (pid, tid, stream) -> index of its growing line
        self._pending: dict[tuple[int, int, str], list[str]] = {}  # pieces of a long growing line not joined yet
        self._pending_size: dict[tuple[int, int, str], int] = {}
        self._awaited: list[_AwaitedTraceback] = []

    def window_output(self, window: int) -> None:
        """Keep the newest ``window`` printed lines in memory (before any is folded)."""
        self.lines = LineLog(window)
        self.amended_lines = LineLog(window)

    def growing_lines(self) -> list[int]:
        """Indices of the lines still being printed (a partial line waits for the rest of it)."""
        return sorted(self._partial.values())

    @handles(ev.STDOUT)
    def _stdout(self, t: int, pid: int, tid: int, f: Fields) -> None:
        if pid not in self.processes and pid != self.run.reaper:
            self._proc(pid)
        stream = _PRINTED[f.get("stream", "stdout")]  # KeyError for anything else: the event is rejected
        if not self.keep_output:
            return
        text = f.get("text", "")
        if not isinstance(text, str):
            text = str(text)
        partial = bool(f.get("partial", False))
        if "\n" in text:
            # A block of lines (``lines``: how many): folded exactly as its lines sent one by one, the same instant
            # each; ``partial``, if set, is its last line's.
            *whole, text = text.split("\n")
            line = self._line
            for piece in whole:
                line(t, pid, tid, stream, piece, False)
        self._line(t, pid, tid, stream, text, partial)

    def _line(self, t: int, pid: int, tid: int, stream: Stream, text: str, partial: bool) -> None:
        """Fold one printed line, or a piece of one (``partial``: more of it follows)."""
        key = (pid, tid, stream)
        index = self._partial.get(key) if self._partial else None
        if index is not None and index < self.lines.first:
            self._forget_partial(key)  # out of the window: this piece starts a new line
            if not text and not partial:
                return  # only the end of a line no longer kept: nothing to show
            index = None
        if index is not None:
            line = self.lines[index]
            pending = self._pending.setdefault(key, [])
            pending.append(text)
            self._pending_size[key] = size = self._pending_size.get(key, 0) + len(text)
            # Joined at once while the line is short (a prompt, dots printed one by one); a line of megabytes
            # written in thousands of pieces is joined when what waits is as long as what is joined, so building
            # it costs linear time, not a copy of the whole line per piece.
            if not partial or len(line.text) < EXACT_CHARS or size >= len(line.text):
                line.text += "".join(pending)
                del self._pending[key], self._pending_size[key]
            if not partial:
                line.partial = False
                del self._partial[key]
            self.amended_lines.append(index)
        else:
            line = OutputLine(t, pid, tid, stream, text, partial, speed=self.run.speed)
            lines = self.lines
            if partial:
                self._partial[key] = len(lines)
            # lines.append(line), inlined: a method call would be a measurable share of folding a printed line.
            tail = lines.tail
            tail.append(line)
            if len(tail) > lines.limit:
                lines.trim()
        if self._awaited and stream is Stream.STDERR and not line.partial:
            self._awaited = [a for a in self._awaited
                             if not (a.record.pid == pid and line.text.strip() == a.last_line)]
        self.touch(Part.OUTPUT)

    @handles(ev.EXCEPTION)
    def _exception(self, t: int, pid: int, tid: int, f: Fields) -> None:
        if pid not in self.processes:
            self._proc(pid)
        record = ExceptionRecord(
            t, pid, tid, str(f.get("type", "")), str(f.get("message", "")), str(f.get("traceback", "")),
            str(f.get("where", "")),
        )
        self.exceptions.append(record)
        if not self.keep_output:
            return
        self.lines.append(OutputLine(t, pid, tid, Stream.EXCEPTION, f"{record.type}: {record.message}",
                                     exception=record))
        shown = [line.strip() for line in record.traceback.splitlines() if line.strip()]
        if shown:
            self._awaited.append(_AwaitedTraceback(record, shown[-1]))
        self.touch(Part.OUTPUT)

    def _forget_partial(self, key: tuple[int, int, str]) -> None:
        del self._partial[key]
        self._pending.pop(key, None)
        self._pending_size.pop(key, None)

    # -- tracebacks never printed ---------------------------------------------------------------------------------
    def _process_gone(self, p: ProcessNode, t: int) -> None:
        self._join_pending(lambda key: key[0] == p.pid)
        self._give_up_waiting(lambda record: record.pid == p.pid)
        super()._process_gone(p, t)

    def _run_ended(self, t: int) -> None:
        self._join_pending(lambda key: True)
        self._give_up_waiting(lambda record: True)
        super()._run_ended(t)

    def _join_pending(self, whose: Callable[[tuple[int, int, str]], bool]) -> None:
        """No more of these lines will come: what of them waits to be joined is joined now."""
        for key in [k for k in self._pending if whose(k)]:
            index = self._partial.get(key)
            if index is not None and index >= self.lines.first:
                self.lines[index].text += "".join(self._pending[key])
                self.amended_lines.append(index)
                self.touch(Part.OUTPUT)
            del self._pending[key], self._pending_size[key]

    def _give_up_waiting(self, over: Callable[[ExceptionRecord], bool]) -> None:
        if not self._awaited:
            return
        still: list[_AwaitedTraceback] = []
        for awaited in self._awaited:
            record = awaited.record
            if not over(record):
                still.append(awaited)
                continue
            for text in record.traceback.splitlines():
                self.lines.append(OutputLine(record.t, record.pid, record.tid, Stream.STDERR, text,
                                             from_record=True))
            self.touch(Part.OUTPUT)
        self._awaited = still
