"""The recorder process: writes a run's recording from the batches of events contui sends it, so that turning
millions of events into JSON never slows contui's fold of them (tui/engine/flight.py starts it).

It reads frames from its stdin, each a 4-byte length, a kind byte and the payload: ``t``, text to write as it is
(the header line); ``m``, a batch of wire tuples in ``marshal``'s format. It writes and flushes each frame's lines at
once, so the recording loses nothing that reached it if contui dies. A failure to write is said once, as one line
on its stdout; it then reads on (so contui's writes never block) and writes nothing more. It ends when its stdin
does: contui closed it, or died.
"""

from __future__ import annotations

import marshal
import os
import sys

from tui.engine.lines import fast_lines

TYPE_CHECKING = False  # typing is not loaded at run time: contui run loads this before a trivial run has ended
if TYPE_CHECKING:
    from typing import IO

HEAD = 5  # length (4 bytes, big-endian), kind (1 byte)
NICE = 19  # the recorder process's niceness: it takes what the run and contui leave of the CPU
TEXT, BATCH = b"t", b"m"


def _read(stream: IO[bytes], n: int) -> bytes:
    data = stream.read(n)
    return data if data is not None else b""


def _lines(kind: bytes, payload: bytes) -> str:
    if kind == TEXT:
        return payload.decode("utf-8")
    return fast_lines(marshal.loads(payload))


def yield_the_cpu() -> None:
    """Take only what the run and contui leave of the CPU. In a session of its own (see FlightRecorder), where the
    kernel's autogroups (sched_autogroup_enabled) share the CPU fairly between sessions, not between processes: a
    process's niceness counts only within its session, so the session's is set too. A run's processes are in a
    session of their own, and a recorder that shared contui's took a core from a script that needed both."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, NICE)
    except OSError:
        pass
    try:
        with open("/proc/self/autogroup", "w") as autogroup:  # no such file where autogroups are not built in
            autogroup.write(str(NICE))
    except OSError:
        pass


def serve(path: str, stdin: IO[bytes], say: IO[str]) -> None:
    failure: str | None = None
    out: IO[str] | None = None
    try:
        # A lone surrogate a script printed is written as its JSON escape, which reads back as the same text.
        out = open(path, "a", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115 (closed below)
    except OSError as exc:
        failure = _reason(exc)
    if failure:
        print(failure, file=say, flush=True)
    while True:
        head = _read(stdin, HEAD)
        if len(head) < HEAD:
            break
        payload = _read(stdin, int.from_bytes(head[:4], "big"))
        if out is None:
            continue
        try:
            out.write(_lines(head[4:5], payload))
            out.flush()
        except (OSError, ValueError, EOFError, TypeError) as exc:
            print(_reason(exc), file=say, flush=True)
            out = _closed(out)
    if out is not None:
        try:
            out.close()
        except OSError as exc:
            print(_reason(exc), file=say, flush=True)


def _closed(out: IO[str]) -> None:
    try:
        out.close()
    except OSError:
        pass
    return None


def _reason(exc: BaseException) -> str:
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).lower()


if __name__ == "__main__":
    yield_the_cpu()
    serve(sys.argv[1], sys.stdin.buffer, sys.stdout)
    try:
        sys.stdout.flush()
    except OSError:  # contui is gone: nobody is left to tell
        pass
    # The recording is written and closed: the interpreter's teardown would only delay contui's end, which waits
    # for this process at the end of every run.
    os._exit(0)
