"""The flight recorder: every run's events go to its recording as they are folded, batch by batch.

contui only hands each batch over, in ``marshal``'s format, to a recorder process of its own
(tui/engine/flight_writer.py), which writes the JSON lines and flushes them. The recorder process runs at a low
priority, on the CPU the run and contui leave over: a busy run's fold never waits for its JSON. What it cannot take
yet waits in contui, up to ``MAX_PENDING`` bytes; beyond that contui waits for it (a run that floods contui for long
is slowed rather than contui's memory grown). A batch the recorder process has taken is on disk even if contui dies
next; what it is still writing when the run ends, close() waits for (the collector closes it then).

A recording that cannot be written (an unwritable runs folder, a full disk) never stops the run: the recorder stops,
keeps why in ``failure``, and the collector tells the model once (a ``recording.off`` event of contui's own).
"""

from __future__ import annotations

import marshal
import os
import select
import subprocess
import sys
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from tui.engine.catalog import Target
from tui.engine.events import Wire
from tui.engine.flight_writer import BATCH, TEXT, serve, yield_the_cpu
from tui.engine.forked import ForkedChild, single_threaded
from tui.engine.jsonl import RecordingHeader, header_line
from tui.engine.lines import fast_lines
from tui.engine.runs import prune, recording_name, runs_folder

PIPE_SIZE = 1 << 20  # room for a burst while the recorder process catches up
MAX_PENDING = 32 * 1024**2  # bytes of batches contui keeps for the recorder process before it waits for it
CLOSE_PATIENCE = 60.0  # s close() waits for the recorder process to write what it was given
_CHECKOUT = str(Path(__file__).resolve().parents[2])  # where ``tui`` is, for the recorder process to import it


class FlightRecorder:
    """Writes one recording: the header at once, then each batch of events as it comes."""

    def __init__(self, path: Path | str, header: RecordingHeader) -> None:
        self.path = Path(path)
        self.header = header
        self.failure: str | None = None  # why the recording stopped, if it did
        self.events = 0  # events handed over
        self._writer: subprocess.Popen[bytes] | ForkedChild | None = None
        self._pending: deque[memoryview] = deque()  # frames the recorder process has not taken yet
        self._pending_bytes = 0
        try:
            self.path.open("w").close()  # here, at once: a file that cannot be written is known before the run
        except OSError as exc:
            self.failure = f"{_reason(exc)} ({self.path})"
            return
        # Its own session: a Ctrl+C in the terminal is contui's to handle, and must not cut the recording short; and
        # a session's share of the CPU is set apart from contui's (see flight_writer.yield_the_cpu).
        if single_threaded():  # contui run: a fork of contui, which has the writer loaded (tui/engine/forked.py)
            path = str(self.path)
            self._writer = ForkedChild.start(lambda: _write_forked(path), stdin="pipe", stdout_pipe=True,
                                             stderr_null=True, new_session=True, pipesize=PIPE_SIZE)
        else:
            env = {**os.environ,
                   "PYTHONPATH": os.pathsep.join(p for p in (_CHECKOUT, os.environ.get("PYTHONPATH")) if p)}
            self._writer = subprocess.Popen(
                [sys.executable, "-S", "-m", "tui.engine.flight_writer", str(self.path)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                start_new_session=True, close_fds=True, pipesize=PIPE_SIZE,
            )
        assert self._writer.stdin is not None
        self._fd = self._writer.stdin.fileno()
        os.set_blocking(self._fd, False)
        self._send(TEXT, header_line(header).encode("utf-8"))

    @classmethod
    def in_runs_folder(cls, target: Target, header: RecordingHeader, folder: Path | None = None) -> FlightRecorder:
        """A recorder writing into the runs folder (made if need be, and pruned of its oldest recordings first)."""
        folder = runs_folder() if folder is None else folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # opening the file says why, in the failure
        prune(folder)
        return cls(folder / recording_name(target), header)

    @property
    def recording(self) -> bool:
        return self._writer is not None and self.failure is None

    def write(self, batch: Sequence[Wire]) -> None:
        """Hand a batch over to be written (a batch of something marshal cannot write is written as JSON here)."""
        if not self.recording:
            return
        if not batch:
            if self._pending:
                self._hand_over(wait=False)
            return
        try:
            kind, payload = BATCH, marshal.dumps(batch)
        except ValueError:
            kind, payload = TEXT, fast_lines(list(batch)).encode("utf-8", "backslashreplace")
        if self._send(kind, payload):
            self.events += len(batch)
        self._heard()

    def finish(self) -> None:
        """Nothing more will come: hand over what waits and let the recorder process end once it has written it
        (without waiting for that: close() does)."""
        writer = self._writer
        if writer is None or writer.stdin is None:
            return
        if self.failure is None:
            self._hand_over(wait=True)
        try:
            writer.stdin.close()
        except OSError:
            pass
        writer.stdin = None  # closed: communicate() must not flush it

    def close(self) -> None:
        """Wait for the recorder process to write what it was given, and end it."""
        if self._writer is None:
            return
        self.finish()
        writer, self._writer = self._writer, None
        try:  # its stdin is closed: it writes what it has, and ends
            said, _ = writer.communicate(timeout=CLOSE_PATIENCE)
        except subprocess.TimeoutExpired:
            writer.kill()
            writer.communicate()
            said = b"the recorder took too long to write the rest"
        if said and self.failure is None:
            self.failure = f"{said.decode('utf-8', 'replace').splitlines()[0]} ({self.path})"

    def _send(self, kind: bytes, payload: bytes) -> bool:
        frame = memoryview(len(payload).to_bytes(4, "big") + kind + payload)
        self._pending.append(frame)
        self._pending_bytes += len(frame)
        # Too much waiting: wait for the recorder process (the run is slowed, contui's memory is not grown).
        return self._hand_over(wait=self._pending_bytes > MAX_PENDING)

    def _hand_over(self, wait: bool) -> bool:
        """Write what waits to the recorder process's pipe, as much as it takes now (all of it, if ``wait``)."""
        pending = self._pending
        try:
            if wait:
                os.set_blocking(self._fd, True)
            while pending:
                try:
                    written = os.write(self._fd, pending[0])
                except BlockingIOError:
                    break
                self._pending_bytes -= written
                if written == len(pending[0]):
                    pending.popleft()
                else:
                    pending[0] = pending[0][written:]
            if wait:
                os.set_blocking(self._fd, False)
        except OSError:
            self.failure = f"the recorder process ended ({self.path})"
            pending.clear()
            self._pending_bytes = 0
            return False
        return True

    def _heard(self) -> None:
        """A failure the recorder process said (one line on its stdout), if it said one."""
        writer = self._writer
        if writer is None or writer.stdout is None or self.failure is not None:
            return
        if select.select([writer.stdout], [], [], 0)[0]:
            line = writer.stdout.readline().decode("utf-8", "replace").strip()
            self.failure = f"{line or 'the recorder process ended'} ({self.path})"


def _write_forked(path: str) -> None:
    """The forked writer's life: its stdin and stdout are pipes from and to contui (fresh file objects: contui's
    own ``sys.stdin`` may hold what it buffered)."""
    yield_the_cpu()
    serve(path, os.fdopen(0, "rb", closefd=False), os.fdopen(1, "w", closefd=False))
    os._exit(0)


def _reason(exc: Exception) -> str:
    return (getattr(exc, "strerror", None) or str(exc)).lower()
