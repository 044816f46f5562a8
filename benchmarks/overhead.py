"""Tracing overhead: one script times lock pairs, queue put+get (CPU time of its process), print and Process
start+join (wall time) from inside, traced and under plain ``python`` in the same benchmark run; targets: <= 5 µs more
per lock pair, <= 1.5x for the rest.

Locks, queue and processes are traced as the app runs a script (the engine's Run + Collector, recorded as the app
records every run) and compared with ``python script.py`` printing to a pseudo-terminal. Printing costs what the
script's stdout makes it cost, so it is timed as a user gets it, at a user's size (200,000 lines of
``print("line", i)``), every way beside its plain ceiling in the same run:

- ``contui run script.py`` in a pseudo-terminal against ``python script.py`` in one (line-buffered: a write per line);
- ``contui run script.py > out.txt`` against ``python script.py > out.txt`` (block-buffered, as into a pipe);
- the app's way (Run + Collector + recording; its Output pane is a terminal: line by line) against ``python`` in a
  pseudo-terminal, and, in the details, against ``python > out.txt``.

Each is the wall time of the script's print loop, taken inside the script: what its author waits for, a write held up
by a reader that is behind included, contui's start-up not (that has its own figures). Their CPU-time ratios are in
the details. The benchmark's own environment may ask for unbuffered output (PYTHONUNBUFFERED); a student's shell
does not, and plain python under it takes 10x longer to print into a file: every command here runs without it."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import CHECKOUT, SCRIPTS, Figure, collect, env, script_target
from tui.engine.flight import FlightRecorder
from tui.engine.jsonl import RecordingHeader
from tui.engine.runner import Run

FIGURES = [
    Figure("overhead.thread_lock_us", "overhead: threading.Lock acquire+release (CPU time in the script)", "µs", 5.0),
    Figure("overhead.mp_lock_us", "overhead: mp.Lock acquire+release (CPU time in the script)", "µs", 5.0),
    Figure("overhead.queue_ratio", "overhead: mp.Queue put+get, traced/plain (CPU time in the script)", "ratio", 1.5),
    Figure("overhead.print_ratio", "overhead: print, stdout a terminal: contui run/python (wall time in the script)",
           "ratio", 1.5),
    Figure("overhead.print_ratio_pipe", "overhead: print, stdout > file: contui run/python (wall time in the script)",
           "ratio", 1.5),
    Figure("overhead.print_ratio_app", "overhead: print, in the app: traced/python in a terminal (wall time in the "
           "script)", "ratio", 1.5),
    Figure("overhead.process_ratio", "overhead: Process start+join, traced/plain (wall time in the script)", "ratio",
           1.5),
]
REPEATS = 5
_KEYS = {
    "threading.Lock pair": "thread_lock", "mp.Lock pair": "mp_lock", "mp.Queue put+get": "queue",
    "print": "print", "print wall": "print_wall", "Process start+join": "process",
}
_PRINTS = "print,print wall"
# Lines per timed round of printing: what a user printing in a loop prints (20,000 took 10 ms under plain python, less
# than the tracer's start-up jitter and the time contui takes to get going).
PRINT_LINES = 200_000
# The environment a student's shell gives: nothing that asks for unbuffered output or a mode of contui's.
_NOT_A_USERS = ("PYTHONUNBUFFERED", "BENCH_OPS", "CONTUI_OUTPUT")
PLAIN = [sys.executable, str(SCRIPTS / "overhead.py")]
CONTUI_RUN = [sys.executable, "-m", "tui", "run", str(SCRIPTS / "overhead.py")]


def _read(path: str) -> dict[str, float]:
    with open(path) as fh:
        return {_KEYS[k]: v for k, v in json.load(fh).items()}


def command(args: list[str], scale: float, out: str, stdout: str, ops: str = "") -> dict[str, float]:
    """Run ``args`` (plain ``python`` or ``contui run``, on overhead.py) with its stdout a pseudo-terminal
    (``stdout="terminal"``: line-buffered, as in a terminal) or a file (``"file"``: ``> out.txt``); what the script
    timed."""
    # The benchmark's own environment may ask for unbuffered output; a student's shell does not.
    child_env = {k: v for k, v in os.environ.items() if k not in _NOT_A_USERS}
    child_env.update(BENCH_OUT=out, BENCH_SCALE=str(scale), BENCH_PRINTS=str(_prints(scale)))
    # ``python -m tui`` imports this checkout's contui, wherever the benchmarks are started from.
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(CHECKOUT), os.environ.get("PYTHONPATH", "")) if p)
    if ops:
        child_env["BENCH_OPS"] = ops
    with _stdout(stdout) as fd:
        proc = subprocess.Popen(args, env=child_env, stdin=subprocess.DEVNULL, stdout=fd, stderr=fd)
        try:
            proc.wait(timeout=180)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[1:])} failed with code {proc.returncode}")
    return _read(out)


@contextmanager
def _stdout(kind: str) -> Iterator[int]:
    """A file descriptor for a child's stdout: a file in a temporary folder, or a pseudo-terminal read to its end
    (a terminal that is not read would block the writer)."""
    if kind == "file":
        with tempfile.TemporaryFile(prefix="contui-bench-out-") as fh:
            yield fh.fileno()
        return
    master, slave = pty.openpty()
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    try:
        yield slave
    finally:
        os.close(slave)  # the child has ended: the reader gets EOF (EIO) once it has read everything
        reader.join(5)
        os.close(master)


def _drain(fd: int) -> None:
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:  # EIO: the last writer closed the terminal
            return


def _prints(scale: float) -> int:
    return max(1, int(PRINT_LINES * scale))


def traced(scale: float, out: str) -> dict[str, float]:
    """The app's way: the engine's Run + Collector fold every event into a model that keeps the lines, and the run is
    recorded, as the app records every run."""
    removed = {k: os.environ.pop(k) for k in _NOT_A_USERS if k in os.environ}
    target = script_target("overhead.py")
    try:
        with tempfile.TemporaryDirectory(prefix="contui-bench-rec-") as folder, \
                env(BENCH_OUT=out, BENCH_SCALE=str(scale), BENCH_PRINTS=str(_prints(scale))):
            recorder = FlightRecorder(Path(folder) / "run.jsonl", RecordingHeader.for_target(target))
            collect(Run(target, stdin="null"), recorder=recorder, timeout=240)
    finally:
        os.environ.update(removed)
    return _read(out)


def measure(quick: bool) -> dict[str, float]:
    scale = 0.02 if quick else 1.0
    fd, out = tempfile.mkstemp(prefix="contui-bench-", suffix=".json")
    os.close(fd)
    try:
        t = traced(scale, out)
        p = command(PLAIN, scale, out, "terminal")
        # Printing alone, so each pair differs only in contui: (contui run or python, terminal or file) -> timings.
        prints = {(who, where): command(args, scale, out, where, _PRINTS)
                  for where in ("terminal", "file") for who, args in (("python", PLAIN), ("run", CONTUI_RUN))}
    finally:
        os.unlink(out)
    plain_tty, plain_file = prints["python", "terminal"], prints["python", "file"]
    result = {
        "overhead.thread_lock_us": (t["thread_lock"] - p["thread_lock"]) / 1000,
        "overhead.mp_lock_us": (t["mp_lock"] - p["mp_lock"]) / 1000,
        "overhead.queue_ratio": t["queue"] / p["queue"],
        "overhead.print_ratio": prints["run", "terminal"]["print_wall"] / plain_tty["print_wall"],
        "overhead.print_ratio_pipe": prints["run", "file"]["print_wall"] / plain_file["print_wall"],
        "overhead.print_ratio_app": t["print_wall"] / plain_tty["print_wall"],
        "overhead.process_ratio": t["process"] / p["process"],
        # The app's printing against the fastest plain python can print: into a file.
        "overhead.print_ratio_app_vs_file": t["print_wall"] / plain_file["print_wall"],
        # The same prints in CPU time of the script's process: what is left out of it is time spent waiting, for
        # contui to take the events or for the terminal to take the lines.
        "overhead.print_cpu_ratio": prints["run", "terminal"]["print"] / plain_tty["print"],
        "overhead.print_cpu_ratio_pipe": prints["run", "file"]["print"] / plain_file["print"],
        "overhead.print_cpu_ratio_app": t["print"] / plain_tty["print"],
        "overhead.print_lines": _prints(scale),
    }
    for name in _KEYS.values():
        result[f"overhead.traced_{name}_us"] = t[name] / 1000
        result[f"overhead.plain_{name}_us"] = p[name] / 1000
    # Every printing figure beside its plain ceiling: µs per line.
    for (who, where), timed in prints.items():
        for name in ("print", "print_wall"):
            result[f"overhead.{who}_{where}_{name}_us"] = timed[name] / 1000
    return result
