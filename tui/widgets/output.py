"""The Output pane: every line each process printed, interleaved as it arrived, tagged with the process by colour
AND name; stderr marked with `!`, uncaught exceptions flagged. Built on ``Log`` to absorb bursts of lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Log

from tui.engine.model import ExceptionRecord, Model, OutputLine

MAX_LINES = 10_000
STDOUT_MARK = "│"
STDERR_MARK = "!"
EXCEPTION_MARK = "✖"
# White on a mid-dark colour: the tag reads the same on dark and light themes.
TAG_STYLES = tuple(Style.parse(f"bold #ffffff on {c}") for c in (
    "#1565c0", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#455a64", "#c62828", "#283593", "#558b2f",
))
ERROR_STYLE = Style.parse("bold #e53935")
EXCEPTION_STYLE = Style.parse("bold #ffffff on #b71c1c")
MARKS = STDOUT_MARK + STDERR_MARK + EXCEPTION_MARK
# `Process-1[21049] client-1 │ text`: the tag ends at the first mark; the pid is in the tag's brackets.
_TAG = re.compile(rf"^(.*?\[(\d+)\][^{MARKS}]*?) ([{MARKS}]) ")


def _safe_table() -> dict[int, str]:
    """Characters that would split one model line into several Log rows, or drive the terminal (ESC), made
    harmless: one model line stays exactly one row and a script cannot repaint the screen."""
    table = {c: "�" for c in (*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f)}
    table.update({c: " " for c in (0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029)})
    table[0x1b] = "␛"
    return table


_SAFE = _safe_table()


def safe(text: str) -> str:
    return text.translate(_SAFE)


class TagHighlighter(Highlighter):
    """Colours each row's process tag by its pid, and stderr / exception rows, from the row's own text."""

    def __init__(self, tag_style_of: dict[int, Style]) -> None:
        self.tag_style_of = tag_style_of

    def highlight(self, text: Text) -> None:
        match = _TAG.match(text.plain)
        if match is None:
            return
        end = match.end(1)
        style = self.tag_style_of.get(int(match.group(2)))
        if style is not None:
            text.stylize(style, 0, end)
        mark = match.group(3)
        if mark == STDERR_MARK:
            text.stylize(ERROR_STYLE, end)
        elif mark == EXCEPTION_MARK:
            text.stylize(EXCEPTION_STYLE, end)


@dataclass(slots=True)
class _PendingTraceback:
    """An uncaught exception whose traceback should follow on stderr; the record's own is shown if it never
    does by the time its process has ended."""

    record: ExceptionRecord
    last_line: str
    scan_from: int


class OutputPane(Log):
    """What the processes printed. Appends only what is new since the last update, in one write."""

    BORDER_TITLE = "Output"
    can_focus = True
    projector: reactive[bool] = reactive(False)

    DEFAULT_CSS = """
    OutputPane {
        height: 1fr;
        border: round $secondary;
        border-title-color: $text;
        &:focus { border: round $accent; }
        /* A projector audience cannot scroll sideways: no scrollbar eating a row. */
        &.-projector { overflow-x: hidden; }
    }
    """

    def __init__(self, *, max_lines: int = MAX_LINES, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(highlight=True, max_lines=max_lines, auto_scroll=True, name=name, id=id, classes=classes)
        self._tag_style_of: dict[int, Style] = {}
        self.highlighter = TagHighlighter(self._tag_style_of)
        self._last_model: Model | None = None
        self._begin()

    def _begin(self) -> None:
        self._next_line = 0  # model.lines[:_next_line] are written
        self._next_amend = 0  # model.amended_lines[:_next_amend] are handled
        self._next_exception = 0
        self._rows_written = 0  # rows ever appended: with len(self.lines) it maps a row number to where it is now
        self._partial_row: dict[int, int] = {}  # model line index -> row number, while the line may still grow
        self._pending: list[_PendingTraceback] = []
        self._tag_style_of.clear()

    # -- the contract with the app --------------------------------------------------------------------------
    def update_from(self, model: Model) -> None:
        if model is not self._last_model:
            self.clear()
            self._begin()
            self._last_model = model
        self._amend(model)
        rows = self._new_rows(model)
        rows += self._unprinted_tracebacks(model)
        if rows:
            self._append(rows)

    def watch_projector(self, projector: bool) -> None:
        self.set_class(projector, "-projector")  # the rows themselves are the same: tag and mark are short already

    def _update_size(self, updates: int, lines: list[str]) -> None:  # type: ignore[override]
        """Textual's Log measures new lines in a thread worker that calls back into the app, and one still running
        as the app exits fails the app (NoActiveAppError). Rows come here in batches at most ~30 times a second,
        so they are measured at once instead."""
        if lines:
            self._update_maximum_width(updates, max(cell_len(self._process_line(line)) for line in lines))

    def _append(self, rows: list[str]) -> None:
        self.write_lines(rows)
        self._rows_written += len(rows)
        # Log repaints the rows where the new lines were before max_lines pruned the oldest; once full and at the
        # end, nothing scrolls either, so the view would keep showing old lines. One repaint of what is visible.
        self.refresh()

    # -- rows -----------------------------------------------------------------------------------------------
    def _new_rows(self, model: Model) -> list[str]:
        lines, exceptions = model.lines, model.exceptions
        start, end = self._next_line, len(lines)
        limit = self.max_lines
        if limit is not None and end - start > limit:
            # Only the last screenful-and-more can be kept anyway; skipped rows still count for the mapping.
            self._rows_written += end - limit - start
            start = end - limit
        new_exceptions = exceptions[self._next_exception:]
        self._next_exception = len(exceptions)
        rows: list[str] = []
        append = rows.append
        row_of = self._row_of
        first_row = self._rows_written
        e = 0
        for index in range(start, end):
            line = lines[index]
            # An exception is shown where it happened among the lines: before the first line stamped after it.
            while e < len(new_exceptions) and new_exceptions[e].t <= line.t:
                append(self._exception_row(model, new_exceptions[e], start_scan=index))
                e += 1
            if line.partial:
                self._partial_row[index] = first_row + len(rows)
            append(row_of(model, line))
        for record in new_exceptions[e:]:
            append(self._exception_row(model, record, start_scan=end))
        self._next_line = end
        return rows

    def _row_of(self, model: Model, line: OutputLine) -> str:
        mark = STDERR_MARK if line.stream == "stderr" else STDOUT_MARK
        return f"{self._tag(model, line.pid, line.tid)} {mark} {safe(line.text)}"

    def _tag(self, model: Model, pid: int, tid: int) -> str:
        if pid not in self._tag_style_of:
            self._tag_style_of[pid] = TAG_STYLES[len(self._tag_style_of) % len(TAG_STYLES)]
        p = model.processes.get(pid)
        name = p.name if p is not None else ("contui-reaper" if pid == model.run.reaper else "?")
        tag = f"{name}[{pid}]"
        if tid and tid != pid:
            th = model.thread(pid, tid)
            tag += f" {th.name if th is not None else tid}"
        return safe(tag)

    def _exception_row(self, model: Model, record: ExceptionRecord, start_scan: int) -> str:
        tb_lines = [t for t in record.traceback.splitlines() if t.strip()]
        self._pending.append(_PendingTraceback(record, tb_lines[-1].strip() if tb_lines else "", start_scan))
        where = {"main": "the script", "process": "run()", "thread": "the thread"}.get(record.where, record.where)
        return (f"{self._tag(model, record.pid, record.tid)} {EXCEPTION_MARK} uncaught "
                f"{safe(record.type)}: {safe(record.message)}" + (f"  (in {where})" if where else ""))

    def _unprinted_tracebacks(self, model: Model) -> list[str]:
        """A traceback normally follows on stderr; if its process ended without printing it, show the record's."""
        if not self._pending:
            return []
        rows: list[str] = []
        still: list[_PendingTraceback] = []
        lines = model.lines
        for pending in self._pending:
            record = pending.record
            printed = any(
                line.pid == record.pid and line.stream == "stderr" and line.text.strip() == pending.last_line
                for line in lines[pending.scan_from:]
            )
            pending.scan_from = len(lines)
            if printed:
                continue
            p = model.processes.get(record.pid)
            if p is not None and p.ended or model.run.ended:
                tag = self._tag(model, record.pid, record.tid)
                rows.extend(f"{tag} {STDERR_MARK} {safe(t)}" for t in record.traceback.splitlines())
            else:
                still.append(pending)
        self._pending = still
        return rows

    # -- lines that grew after they were written ------------------------------------------------------------
    def _amend(self, model: Model) -> None:
        amended = model.amended_lines
        if self._next_amend >= len(amended):
            return
        pruned = self._rows_written - len(self._lines)
        for index in amended[self._next_amend:]:
            row = self._partial_row.get(index)
            if row is None:
                continue  # not written yet (it is written whole below) or already final
            line = model.lines[index]
            if not line.partial:
                del self._partial_row[index]
            y = row - pruned
            if 0 <= y < len(self._lines):
                self._lines[y] = self._row_of(model, line)
                self.refresh_lines(y)
        self._next_amend = len(amended)
        # Rows scrolled out of the Log can no longer be amended.
        if self._partial_row and pruned > 0:
            for index, row in list(self._partial_row.items()):
                if row < pruned:
                    del self._partial_row[index]
