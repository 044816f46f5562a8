"""Abuse: contui run SIGKILLed at random moments, 200 MB printed without a newline, 1,000,000 items through a queue.

``contui run`` is SIGKILLed 300 times at random moments: how many processes of its runs are still alive 2 s later.
200 MB printed without a newline: ``contui run > file`` against ``python > file`` (wall time), the output checked byte
for byte. 1,000,000 items through an mp.Queue: ``contui run``'s peak RSS.

Each is ``contui run`` as a user starts it, from outside: ``python -m tui run SCRIPT ARGS`` in this checkout. A process
belongs to a killed run if its environment carries that contui's owner mark (``CONTUI_OWNER``, its pid) and a run
start (``CONTUI_T0``) within that contui's life, so a pid used again later is never taken for it."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

import psutil

from benchmarks.common import CHECKOUT, SCRIPTS, Figure, log
from tui.inside.env import ENV_OWNER, ENV_T0

FIGURES = [
    Figure("abuse.leaked_after_sigkill", "abuse: leaked processes over 300 SIGKILLed runs", "procs", 0.0),
    Figure("abuse.long_line_ratio",
           "abuse: 200 MB printed without a newline, contui run > file / python > file (wall)", "ratio", 3.0),
    Figure("abuse.million_items_rss_mb", "abuse: contui run RSS, 1,000,000 items through an mp.Queue", "MB", 100.0),
]
REPEATS = 1  # one repeat is already several minutes
CONTUI_RUN = [sys.executable, "-m", "tui", "run"]
SEED = 11  # the kill moments are the same from one benchmark run to the next
KILL_WITHIN = 1.0  # s: each run is SIGKILLed at a moment uniform in [0, this)
GONE_WITHIN = 2.0  # s: a run's processes still alive this long after its contui was killed are leaked
POLL = 0.02  # s between looks at the process table
TIMEOUT = 600.0  # s: a single run of figures 2 and 3 taking longer is broken, not slow


def _env() -> dict[str, str]:
    """The environment of a user's shell: the benchmark's own may ask for unbuffered output, a student's does not."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _contui(script: str, *args: str) -> list[str]:
    return [*CONTUI_RUN, str(SCRIPTS / script), *args]


def _plain(script: str, *args: str) -> list[str]:
    return [sys.executable, str(SCRIPTS / script), *args]


def _check(args: list[str], code: int, stderr: IO[bytes]) -> None:
    """A run that failed measures nothing: raise with the end of what it said on stderr."""
    if code != 0:
        stderr.seek(0)
        said = stderr.read()[-2000:].decode(errors="replace")
        raise RuntimeError(f"{' '.join(args[1:])} exited with code {code}:\n{said}")


# -- 1. contui run SIGKILLed ------------------------------------------------------------------------------------------
def _marked(runs: dict[str, tuple[int, int]]) -> list[psutil.Process]:
    """Live processes of any of ``runs`` (owner pid -> (first, last) monotonic ns of that contui's life)."""
    found = []
    for proc in psutil.process_iter():
        try:
            environ = proc.environ()
            life = runs.get(environ.get(ENV_OWNER, ""))
            # A zombie runs nothing and holds nothing: it is gone, whoever reaps it.
            if life is not None and life[0] <= int(environ.get(ENV_T0, "-1")) <= life[1] \
                    and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (psutil.Error, ValueError):  # gone meanwhile, not ours to read, or a mark that is not a number
            continue
    return found


def _describe(procs: list[psutil.Process]) -> list[str]:
    lines = []
    for proc in procs:
        try:
            lines.append(f"{proc.pid} {proc.status()} {' '.join(proc.cmdline())[:120]}")
        except psutil.Error:
            lines.append(f"{proc.pid} (gone)")
    return lines


def _end(runs: dict[str, tuple[int, int]], within: float = 5.0) -> None:
    """SIGKILL every live process of ``runs`` until none is left: nothing a benchmark started may stay."""
    deadline = time.monotonic() + within
    while left := _marked(runs):
        if time.monotonic() > deadline:
            raise RuntimeError(f"processes of killed runs survive SIGKILL: {_describe(left)}")
        for proc in left:
            try:
                proc.kill()
            except psutil.Error:
                pass
        time.sleep(POLL)


def _killed_run(delay: float) -> tuple[dict[str, tuple[int, int]], bool, float, list[psutil.Process]]:
    """Start ``contui run`` on the tree, SIGKILL it after ``delay`` s, wait up to GONE_WITHIN s for its run to go:
    (the run as ``_marked`` takes it, whether any of its processes was alive just after the kill, seconds until
    none was, those still alive)."""
    began = time.monotonic_ns()
    contui = subprocess.Popen(_contui("abuse_tree.py"), cwd=CHECKOUT, env=_env(), stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    contui.send_signal(signal.SIGKILL)
    contui.wait()
    killed = time.monotonic()
    run = {str(contui.pid): (began, time.monotonic_ns())}
    left = _marked(run)
    started = bool(left)
    while left and time.monotonic() - killed < GONE_WITHIN:
        time.sleep(POLL)
        left = _marked(run)
    return run, started, time.monotonic() - killed, left


def sigkilled(n: int) -> dict[str, float]:
    """``n`` runs one after another, each SIGKILLed at a random moment; how many processes each one left."""
    rng = random.Random(SEED)
    all_runs: dict[str, tuple[int, int]] = {}
    leaked = started = leaking_runs = 0
    cleanup: list[float] = []
    for _ in range(n):
        run, had_tree, seconds, left = _killed_run(rng.uniform(0.0, KILL_WITHIN))
        all_runs.update(run)
        started += had_tree
        cleanup.append(seconds)
        if left:
            leaked += len(left)
            leaking_runs += 1
            log(f"   run of contui {next(iter(run))} left: {_describe(left)}")
            _end(run)  # before the next run: its processes must not weigh on the next one's
    # A process that was being started (between fork and exec) while a run was looked at shows up only later.
    late = _marked(all_runs)
    if late:
        log(f"   processes of killed runs found after all runs: {_describe(late)}")
        _end(all_runs)
    return {
        "abuse.leaked_after_sigkill": float(leaked + len(late)),
        "abuse.sigkill_runs": float(n),
        "abuse.sigkill_runs_started": float(started),  # runs that had processes at the kill: the rest prove little
        "abuse.sigkill_runs_leaking": float(leaking_runs),
        "abuse.sigkill_late_leaks": float(len(late)),
        "abuse.sigkill_cleanup_max_s": max(cleanup),
        "abuse.sigkill_cleanup_mean_s": sum(cleanup) / n,
    }


# -- 2. one 200 MB line -----------------------------------------------------------------------------------------------
def _to_file(args: list[str], path: Path) -> float:
    """Wall time of ``args > path``, from outside, as a shell user would time it."""
    with open(path, "wb") as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        done = subprocess.run(args, cwd=CHECKOUT, env=_env(), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                              timeout=TIMEOUT)
        wall = time.perf_counter() - began
        _check(args, done.returncode, err)
    return wall


def _fingerprint(path: Path) -> tuple[int, str]:
    """Size and digest, read in chunks: 200 MB need not be in memory to be compared."""
    with open(path, "rb") as fh:
        return path.stat().st_size, hashlib.file_digest(fh, "sha256").hexdigest()


def long_line(n: int) -> dict[str, float]:
    """``n`` bytes with no newline through ``python > file`` and ``contui run > file``; same bytes or an error."""
    with tempfile.TemporaryDirectory(prefix="contui-bench-abuse-") as folder:
        plain_out, run_out = Path(folder, "python.out"), Path(folder, "contui.out")
        plain = _to_file(_plain("abuse_long_line.py", str(n)), plain_out)
        run = _to_file(_contui("abuse_long_line.py", str(n)), run_out)
        expected, got = _fingerprint(plain_out), _fingerprint(run_out)
        if got != expected:  # a benchmark whose output is wrong measures nothing worth having
            raise RuntimeError(f"contui run printed other bytes than python: (size, sha256) {got} != {expected}")
    return {"abuse.long_line_ratio": run / plain, "abuse.long_line_python_s": plain, "abuse.long_line_contui_s": run}


# -- 3. a million items through a queue -------------------------------------------------------------------------------
def _peak_kb(pid: int) -> int | None:
    """The process's peak resident set (VmHWM, kB) so far, or None if it cannot be read (gone, or a zombie)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def million_items(n: int) -> dict[str, float]:
    """``contui run`` on a producer putting ``n`` ints into an mp.Queue for main to get: contui's own peak RSS."""
    args = _contui("abuse_queue.py", str(n))
    peak_kb = 0
    with tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        contui = subprocess.Popen(args, cwd=CHECKOUT, env=_env(), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=err)
        try:
            while contui.poll() is None:
                if time.perf_counter() - began > TIMEOUT:
                    raise TimeoutError(f"{' '.join(args[1:])} did not end within {TIMEOUT:.0f} s")
                # VmHWM only grows: the last value read is the peak, but for what the last poll missed.
                peak_kb = _peak_kb(contui.pid) or peak_kb
                time.sleep(0.05)
            wall = time.perf_counter() - began
        finally:
            if contui.poll() is None:  # it timed out: its run ends with it (the reaper sees contui go)
                contui.kill()
                contui.wait()
        _check(args, contui.returncode, err)
    if not peak_kb:
        raise RuntimeError("contui's peak RSS was never read: it ended before the first look")
    return {"abuse.million_items_rss_mb": peak_kb / 1024, "abuse.million_items_wall_s": wall}


def measure(quick: bool) -> dict[str, float]:
    result = sigkilled(10 if quick else 300)
    result.update(long_line(5_000_000 if quick else 200_000_000))
    result.update(million_items(50_000 if quick else 1_000_000))
    return result
