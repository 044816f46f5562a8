"""Tracing overhead: one script times lock pairs, queue put+get (CPU time of its process), print and Process
start+join (wall time) from inside, traced and under plain ``python`` in the same benchmark run; targets: <= 5 µs more
per lock pair, <= 1.5x for the rest.

Locks, queue and processes are traced as the app runs a script (the engine's Run + Collector) and compared with
``python script.py`` printing to a pseudo-terminal. Printing costs what the script's stdout makes it cost, so it is
timed as a user runs the script, both ways: ``contui run script.py`` against ``python script.py`` in a
pseudo-terminal (line-buffered: a write per line), and ``contui run script.py > out.txt`` against ``python script.py >
out.txt`` (block-buffered, as into a pipe). Each is the wall time of the script's print loop, taken inside the script:
what its author waits for, a write held up by a reader that is behind included, contui's start-up not (that has its
own figures). Their CPU-time ratios are in the details."""

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

from benchmarks.common import CHECKOUT, SCRIPTS, Figure, collect, env, script_target
from tui.engine.runner import Run

FIGURES = [
    Figure("overhead.thread_lock_us", "overhead: threading.Lock acquire+release (CPU time in the script)", "µs", 5.0),
    Figure("overhead.mp_lock_us", "overhead: mp.Lock acquire+release (CPU time in the script)", "µs", 5.0),
    Figure("overhead.queue_ratio", "overhead: mp.Queue put+get, traced/plain (CPU time in the script)", "ratio", 1.5),
    Figure("overhead.print_ratio", "overhead: print, stdout a terminal: contui run/python (wall time in the script)",
           "ratio", 1.5),
    Figure("overhead.print_ratio_pipe", "overhead: print, stdout > file: contui run/python (wall time in the script)",
           "ratio", 1.5),
    Figure("overhead.process_ratio", "overhead: Process start+join, traced/plain (wall time in the script)", "ratio",
           1.5),
]
REPEATS = 5
_KEYS = {
    "threading.Lock pair": "thread_lock", "mp.Lock pair": "mp_lock", "mp.Queue put+get": "queue",
    "print": "print", "print wall": "print_wall", "Process start+join": "process",
}
_PRINTS = "print,print wall"
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
    child_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONUNBUFFERED", "BENCH_OPS")}
    child_env.update(BENCH_OUT=out, BENCH_SCALE=str(scale))
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


def traced(scale: float, out: str) -> dict[str, float]:
    with env(BENCH_OUT=out, BENCH_SCALE=str(scale)):
        collect(Run(script_target("overhead.py"), stdin="null"), timeout=120)
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
    result = {
        "overhead.thread_lock_us": (t["thread_lock"] - p["thread_lock"]) / 1000,
        "overhead.mp_lock_us": (t["mp_lock"] - p["mp_lock"]) / 1000,
        "overhead.queue_ratio": t["queue"] / p["queue"],
        "overhead.print_ratio": prints["run", "terminal"]["print_wall"] / prints["python", "terminal"]["print_wall"],
        "overhead.print_ratio_pipe": prints["run", "file"]["print_wall"] / prints["python", "file"]["print_wall"],
        "overhead.process_ratio": t["process"] / p["process"],
        # The same prints in CPU time of the script's process: what is left out of it is time spent waiting, for
        # contui to take the events or for the terminal to take the lines.
        "overhead.print_cpu_ratio": prints["run", "terminal"]["print"] / prints["python", "terminal"]["print"],
        "overhead.print_cpu_ratio_pipe": prints["run", "file"]["print"] / prints["python", "file"]["print"],
    }
    for name in _KEYS.values():
        result[f"overhead.traced_{name}_us"] = t[name] / 1000
        result[f"overhead.plain_{name}_us"] = p[name] / 1000
    for (who, where), timed in prints.items():
        for name in ("print", "print_wall"):
            result[f"overhead.{who}_{where}_{name}_us"] = timed[name] / 1000
    return result
