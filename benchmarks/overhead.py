"""Tracing overhead: one script times lock pairs, queue put+get, print (process CPU time) and Process start+join
(wall time) from inside, run traced and under plain ``python`` (printing to a pseudo-terminal, as a student's
``python script.py`` does) in the same benchmark run; targets: <= 5 µs more per lock pair, <= 1.5x for the rest."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import tempfile
import threading

from benchmarks.common import SCRIPTS, Figure, collect, env, script_target
from tui.engine.runner import Run

FIGURES = [
    Figure("overhead.thread_lock_us", "overhead: threading.Lock acquire+release (CPU time in the script)", "µs", 5.0),
    Figure("overhead.mp_lock_us", "overhead: mp.Lock acquire+release (CPU time in the script)", "µs", 5.0),
    Figure("overhead.queue_ratio", "overhead: mp.Queue put+get, traced/plain (CPU time in the script)", "ratio", 1.5),
    Figure("overhead.print_ratio", "overhead: print, traced/plain (terminal)", "ratio", 1.5),
    Figure("overhead.process_ratio", "overhead: Process start+join, traced/plain (wall time in the script)", "ratio",
           1.5),
]
REPEATS = 5
_KEYS = {
    "threading.Lock pair": "thread_lock", "mp.Lock pair": "mp_lock", "mp.Queue put+get": "queue",
    "print": "print", "Process start+join": "process",
}


def _read(path: str) -> dict[str, float]:
    with open(path) as fh:
        return {_KEYS[k]: v for k, v in json.load(fh).items()}


def plain(scale: float, out: str, terminal: bool) -> dict[str, float]:
    """``python overhead.py``, its stdout a pseudo-terminal (line-buffered, as in a terminal) or a pipe."""
    # The benchmark's own environment may ask for unbuffered output; a student's shell does not.
    child_env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    child_env.update(BENCH_OUT=out, BENCH_SCALE=str(scale))
    command = [sys.executable, str(SCRIPTS / "overhead.py")]
    if not terminal:
        subprocess.run(command, env=child_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, check=True,
                       timeout=120)
        return _read(out)
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(command, env=child_env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    finally:
        os.close(slave)
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    try:
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(5)
        os.close(master)
    if proc.returncode != 0:
        raise RuntimeError(f"plain overhead.py failed with code {proc.returncode}")
    return _read(out)


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
        p = plain(scale, out, terminal=True)
        pipe = plain(scale, out, terminal=False)
    finally:
        os.unlink(out)
    result = {
        "overhead.thread_lock_us": (t["thread_lock"] - p["thread_lock"]) / 1000,
        "overhead.mp_lock_us": (t["mp_lock"] - p["mp_lock"]) / 1000,
        "overhead.queue_ratio": t["queue"] / p["queue"],
        "overhead.print_ratio": t["print"] / p["print"],
        "overhead.process_ratio": t["process"] / p["process"],
        "overhead.print_ratio_pipe": t["print"] / pipe["print"],
    }
    for name in _KEYS.values():
        result[f"overhead.traced_{name}_us"] = t[name] / 1000
        result[f"overhead.plain_{name}_us"] = p[name] / 1000
    return result
