"""Idle: the real ``contui`` in a pseudo-terminal runs a script that sleeps for 10 s; the app's own CPU meanwhile
(its process, every thread: screen, pump, collector, sampler), as a share of one core (target <= 1 %)."""

from __future__ import annotations

import os
import time

import psutil

from benchmarks.common import SCRIPTS, Figure, cpu_share, env
from benchmarks.terminal import Terminal

FIGURES = [
    Figure("idle.app_cpu", "idle: app CPU time (every thread) while the run sleeps", "% core", 1.0),
    Figure("idle.run_cpu", "idle: CPU time of the run's own processes meanwhile", "% core"),
]
REPEATS = 3


def _run_processes(app: psutil.Process) -> list[psutil.Process]:
    try:
        return app.children(recursive=True)
    except psutil.Error:
        return []


def _cpu(procs: list[psutil.Process]) -> float:
    """CPU seconds used so far by every thread of these processes, to the nanosecond (/proc/PID/task/*/schedstat):
    psutil's cpu_times count 10 ms ticks, an eighth of the whole 1 % budget over this window."""
    total = 0
    for proc in procs:
        try:
            tasks = os.listdir(f"/proc/{proc.pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{proc.pid}/task/{tid}/schedstat") as fh:
                    total += int(fh.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # a thread that ended just now
    return total / 1e9


def measure(quick: bool) -> dict[str, float]:
    sleep = 2.0 if quick else 10.0
    window = sleep - (1.2 if quick else 2.0)  # leave out the start and the end of the run
    with env(BENCH_SECONDS=str(sleep)), Terminal([str(SCRIPTS / "sleep10.py")]) as term:
        term.wait_for(b"sleep10.py")
        term.send(b"\r")  # Enter: run the picked script (the first one given on the command line)
        app = psutil.Process(term.pid)
        deadline = time.monotonic() + 20
        # Running once its main process exists under the app (the run's reaper, then the script).
        while len(_run_processes(app)) < 2 and time.monotonic() < deadline:
            term.pump(0.05)
        run = _run_processes(app)
        if len(run) < 2:
            raise RuntimeError("the run never started in the app")
        term.pump(0.5)  # the start's own work (first frames, first samples) is not idling
        app_cpu0, run_cpu0, wall0 = _cpu([app]), _cpu(run), time.monotonic()
        while time.monotonic() - wall0 < window:
            term.pump(0.1)  # keep reading: a terminal that is not read would block the app
        app_cpu, run_cpu, wall = _cpu([app]) - app_cpu0, _cpu(run) - run_cpu0, time.monotonic() - wall0
    return {"idle.app_cpu": cpu_share(app_cpu, wall), "idle.run_cpu": cpu_share(run_cpu, wall)}
