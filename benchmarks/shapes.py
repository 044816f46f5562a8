"""Shapes of real concurrent code: each one a script (benchmarks/scripts/shape_*.py) that times its own work from
inside, run as a student runs it, ``contui run script.py`` against ``python script.py``, in turns in the same
benchmark run; each figure is contui/plain of the time per operation (medians of the turns). Targets: <= 5 for a
tight threading.Lock or mp.Lock loop, <= 1.5 for the rest; a hello world costs <= 50 ms more under ``contui run``;
a 10 s hot lock loop leaves a recording of <= 5 MB.

Each script writes {"seconds", "n", "result"} to the file named by SHAPE_OUT: the wall time of its work (perf_counter
around it: interpreter start-up is not in it), the operations it did and what it computed (checked, so a shape that
goes wrong under contui is a failure, not a figure). A lock loop stops once SHAPE_BUDGET seconds are up (the traced
one does fewer pairs; the ratio is per pair). Both sides run with stdout and stderr a pipe read to its end, with
the environment of a student's shell (no PYTHONUNBUFFERED, no PYTHONDONTWRITEBYTECODE: bytecode is cached, in a
temporary PYTHONPYCACHEPREFIX warmed before timing, so the checkout is not written to), and this checkout's contui on
PYTHONPATH. Each traced run records into a runs folder of its own (CONTUI_HOME), whose size is a detail. A shape
that fails or hangs under contui (timeout: stopped, its processes killed and reaped) is said in the log, has no
value (the table shows it missed) and is not run again. The engine's way (Run + collect, recorded, as the app runs
a script) is a detail: one traced run per shape against the same plain median."""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from benchmarks.common import CHECKOUT, SCRIPTS, Figure, collect, log, script_target
from tui.engine.flight import FlightRecorder
from tui.engine.jsonl import RecordingHeader
from tui.engine.runner import Run
from tui.inside.env import ENV_OWNER


@dataclass(frozen=True)
class Shape:
    """One shape: its script, its sizes (normal, quick), its target and what its script must compute."""

    name: str
    label: str
    target: float
    n: int
    quick_n: int
    expect: Callable[[int], int]  # the script's "result" for the "n" it reports
    budget: float = 0.0  # seconds after which a loop stops (0: it does all n)
    lines: Callable[[int], int] | None = None  # the lines it prints for n, if checked
    rounds: int = 3  # plain and traced runs, in turns (more where one run's time depends on how threads were run)

    @property
    def script(self) -> Path:
        return SCRIPTS / f"shape_{self.name}.py"

    @property
    def key(self) -> str:
        return f"shapes.{self.name}_ratio"


def _mixed_lines(n: int) -> int:
    return 8 * (2 + sum(1 for i in range(n) if i % 100 in (0, 50)))


SHAPES = [
    Shape("thread_lock", "threading.Lock acquire+release loop", 5.0, 3_000_000, 20_000, lambda n: n, budget=2.0),
    Shape("mp_lock", "mp.Lock acquire+release loop", 5.0, 3_000_000, 20_000, lambda n: n, budget=2.0),
    Shape("queue", "mp.Queue: a child puts 100k, main gets", 1.5, 100_000, 2_000, lambda n: n * (n - 1) // 2),
    Shape("print", "print loop, stdout a pipe", 1.5, 500_000, 5_000, lambda n: n, lines=lambda n: n),
    Shape("pool_map", "Pool().map over 100k tiny tasks", 1.5, 100_000, 2_000, lambda n: sum(i * i for i in range(n))),
    # Four workers and the submitting thread take turns at the GIL: how they did decides a run's time per task, in
    # two clusters about a third apart (plain or traced alike); a median of three runs says more about which cluster
    # each side fell in than about what tracing costs.
    Shape("executor", "ThreadPoolExecutor, 10k tasks", 1.5, 10_000, 500, lambda n: n * (n - 1), rounds=9),
    Shape("pipe", "mp.Pipe ping-pong, 100k messages", 1.5, 100_000, 2_000, lambda n: n // 2),
    Shape("condition", "threading.Condition ping-pong, 2 threads", 1.5, 50_000, 1_000, lambda n: n),
    # n: rounds per process (SHAPE_N); the script reports the 8 processes' rounds in all
    Shape("mixed", "mixed: 8 procs with locks, queues, prints", 1.5, 5_000, 200,
          lambda n: 8 * (n // 8) * (n // 8 - 1) // 2, lines=lambda n: _mixed_lines(n // 8)),
]
TRIVIAL = SCRIPTS / "shape_trivial.py"
HOT = SCRIPTS / "shape_thread_lock.py"

FIGURES = [Figure(s.key, f"shapes: {s.label}, contui run/python (per op)", "ratio", s.target) for s in SHAPES] + [
    Figure("shapes.trivial_ms", "shapes: hello world, contui run minus python (wall)", "ms", 50.0),
    Figure("shapes.hot_recording_mb", "shapes: recording of a 10 s hot threading.Lock loop", "MB", 5.0),
]
REPEATS = 1  # the turns are inside measure()
TRIVIAL_ROUNDS = 7
TIMEOUT = 60.0  # seconds one command may take before it is stopped (a hang is a failure, not a wait)
QUICK_TIMEOUT = 30.0
HOT_SECONDS = 10.0
# What a student's shell does not set; and what one run must not hand on to the next.
_DROPPED = ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "SHAPE_OUT", "SHAPE_N",
            "SHAPE_BUDGET", "CONTUI_HOME")


class ShapeFailed(Exception):
    """A run of a shape went wrong: the message says how."""


@dataclass
class Outcome:
    """One command's run: the wall time of the whole command, and what its script timed."""

    wall: float
    seconds: float = float("nan")
    n: int = 0
    result: int | None = None
    lines: int = 0
    recording_bytes: int = 0

    @property
    def per_op(self) -> float:
        return self.seconds / self.n if self.n else float("nan")


class Runner:
    """Runs the shape scripts, plain or under ``contui run``, in a temporary folder of its own."""

    def __init__(self, folder: Path, timeout: float) -> None:
        self.folder = folder
        self.timeout = timeout
        self.cache = folder / "pycache"
        self.out = folder / "result.json"
        self.count = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
        # ``python -m tui`` imports this checkout's contui, wherever the benchmarks are started from.
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(CHECKOUT), os.environ.get("PYTHONPATH", "")) if p)
        env["PYTHONPYCACHEPREFIX"] = str(self.cache)
        env.update(extra)
        return env

    def run(self, script: Path, traced: bool, n: int = 0, budget: float = 0.0,
            home: Path | None = None) -> Outcome:
        """Run ``script`` (under ``contui run`` if ``traced``) to its end; its outcome, or ShapeFailed."""
        self.out.unlink(missing_ok=True)
        self.count += 1
        home = home or self.folder / f"home-{self.count}"
        env = self.env(SHAPE_OUT=str(self.out), SHAPE_N=str(n), SHAPE_BUDGET=str(budget), CONTUI_HOME=str(home))
        args = [sys.executable, *(["-m", "tui", "run"] if traced else []), str(script)]
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self._stop(proc, traced)
            raise ShapeFailed(f"hung: stopped after {self.timeout:.0f} s") from None
        finally:
            if proc.poll() is None:  # interrupted some other way: nothing may be left
                self._stop(proc, traced)
        wall = time.perf_counter() - start
        outcome = Outcome(wall, lines=out.count(b"\n"), recording_bytes=_size(home / "runs"))
        _remove(home)
        if proc.returncode != 0:
            tail = err.decode(errors="replace").strip().splitlines()[-6:]
            raise ShapeFailed(f"exit code {proc.returncode}: " + " | ".join(tail))
        if n:
            try:
                got = json.loads(self.out.read_text())
            except (OSError, ValueError) as exc:
                raise ShapeFailed(f"wrote no result ({exc})") from None
            outcome.seconds, outcome.n, outcome.result = float(got["seconds"]), int(got["n"]), int(got["result"])
        return outcome

    def _stop(self, proc: subprocess.Popen[bytes], traced: bool) -> None:
        """End a command that overran, and everything it started: ``contui run`` gets SIGINT first (it then stops
        its run itself), then SIGKILL goes to the command's process group and to every process of its run."""
        if traced:
            try:
                proc.send_signal(signal.SIGINT)
                proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        owned = _owned_by(proc.pid)
        for p in owned:
            try:
                p.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(owned, timeout=5)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:  # something still holds the pipes: stop reading them
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        proc.wait()


def _owned_by(pid: int) -> list[psutil.Process]:
    """The live processes of a contui run started by ``pid`` (they carry its mark, wherever they were reparented)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get(ENV_OWNER) == str(pid) and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def _size(folder: Path) -> int:
    try:
        return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    except OSError:
        return 0


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _check(shape: Shape, outcome: Outcome, n: int) -> None:
    if outcome.result != shape.expect(outcome.n):
        raise ShapeFailed(f"wrong result {outcome.result} for n={outcome.n} (expected {shape.expect(outcome.n)})")
    if outcome.n < (n if not shape.budget else 1):
        raise ShapeFailed(f"did {outcome.n} operations of {n}")
    if shape.lines is not None and outcome.lines != shape.lines(outcome.n):
        raise ShapeFailed(f"printed {outcome.lines} lines, expected {shape.lines(outcome.n)}")


def measure_shape(runner: Runner, shape: Shape, quick: bool, rounds: int, result: dict[str, float]) -> None:
    n = shape.quick_n if quick else shape.n
    plain: list[Outcome] = []
    traced: list[Outcome] = []
    failure = ""
    for r in range(rounds):
        for is_traced in ((False, True) if r % 2 == 0 else (True, False)):  # in turns, each side first in turn
            if is_traced and failure:
                continue
            try:
                outcome = runner.run(shape.script, is_traced, n, shape.budget)
                _check(shape, outcome, n)
            except ShapeFailed as exc:
                if not is_traced:  # the shape itself is broken: that is the benchmark's fault
                    raise RuntimeError(f"shapes: {shape.name} fails under plain python: {exc}") from None
                failure = str(exc)
                log(f"   shapes: {shape.name} FAILED under contui run: {failure}; not run again")
                continue
            (traced if is_traced else plain).append(outcome)
    name = f"shapes.{shape.name}"
    p_per_op = statistics.median(o.per_op for o in plain)
    result[f"{name}_plain_s"] = statistics.median(o.seconds for o in plain)
    result[f"{name}_plain_n"] = statistics.median(o.n for o in plain)
    if failure:
        result[f"{name}_failed"] = 1.0
    if traced:
        t_per_op = statistics.median(o.per_op for o in traced)
        result[shape.key] = t_per_op / p_per_op
        result[f"{name}_traced_s"] = statistics.median(o.seconds for o in traced)
        result[f"{name}_traced_n"] = statistics.median(o.n for o in traced)
        result[f"{name}_plain_us_per_op"] = p_per_op * 1e6
        result[f"{name}_traced_us_per_op"] = t_per_op * 1e6
        result[f"{name}_recording_mb"] = statistics.median(o.recording_bytes for o in traced) / 1e6
        log(f"   shapes: {shape.name}: plain {result[f'{name}_plain_s']:.3f} s for {plain[0].n}, contui run "
            f"{result[f'{name}_traced_s']:.3f} s for {traced[0].n}: {result[shape.key]:.2f}x per op")
    result[f"{name}_plain_per_op"] = p_per_op  # for the engine's way, below


def measure_trivial(runner: Runner, rounds: int, result: dict[str, float]) -> None:
    plain: list[float] = []
    traced: list[float] = []
    for r in range(rounds):
        for is_traced in ((False, True) if r % 2 == 0 else (True, False)):
            try:
                outcome = runner.run(TRIVIAL, is_traced)
            except ShapeFailed as exc:
                log(f"   shapes: trivial FAILED under {'contui run' if is_traced else 'python'}: {exc}")
                return
            if outcome.lines != 1:
                log(f"   shapes: trivial printed {outcome.lines} lines under "
                    f"{'contui run' if is_traced else 'python'}, not 1")
                return
            (traced if is_traced else plain).append(outcome.wall)
    p, t = statistics.median(plain), statistics.median(traced)
    result["shapes.trivial_ms"] = (t - p) * 1000
    result["shapes.trivial_plain_ms"] = p * 1000
    result["shapes.trivial_traced_ms"] = t * 1000
    log(f"   shapes: trivial: python {p * 1000:.0f} ms, contui run {t * 1000:.0f} ms")


def measure_hot(runner: Runner, seconds: float, result: dict[str, float]) -> None:
    home = runner.folder / "hot-home"
    try:
        # The recording is measured before run() removes the home: read it from the outcome.
        outcome = runner.run(HOT, True, 10**12, seconds, home=home)
    except ShapeFailed as exc:
        log(f"   shapes: hot lock loop FAILED under contui run: {exc}")
        return
    result["shapes.hot_recording_mb"] = outcome.recording_bytes / 1e6
    result["shapes.hot_seconds"] = outcome.seconds
    result["shapes.hot_pairs"] = float(outcome.n)
    log(f"   shapes: hot loop: {outcome.n} pairs in {outcome.seconds:.1f} s, recording "
        f"{outcome.recording_bytes / 1e6:.1f} MB")


@contextmanager
def _engine_env(runner: Runner, **extra: str) -> Iterator[None]:
    """This process's environment as a run started here inherits it: the children's one."""
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(runner.env(**extra))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(old)


def measure_engine(runner: Runner, shape: Shape, quick: bool, result: dict[str, float]) -> None:
    """One traced run of ``shape`` the app's way (Run + collect, recorded): its ratio, as a detail."""
    plain_per_op = result.get(f"shapes.{shape.name}_plain_per_op")
    if plain_per_op is None or f"shapes.{shape.name}_failed" in result:
        return
    n = shape.quick_n if quick else shape.n
    runner.out.unlink(missing_ok=True)
    target = script_target(shape.script.name)
    try:
        with _engine_env(runner, SHAPE_OUT=str(runner.out), SHAPE_N=str(n), SHAPE_BUDGET=str(shape.budget)):
            recorder = FlightRecorder(runner.folder / "engine.jsonl", RecordingHeader.for_target(target))
            collect(Run(target, stdin="null"), timeout=runner.timeout, recorder=recorder)
        got = json.loads(runner.out.read_text())
    except Exception as exc:  # noqa: BLE001 - a shape that breaks the engine is reported, the others still run
        log(f"   shapes: {shape.name} FAILED the engine's way (Run + collect): {exc}")
        result[f"shapes.{shape.name}_engine_failed"] = 1.0
        return
    finally:
        (runner.folder / "engine.jsonl").unlink(missing_ok=True)
    if got["n"] and got["result"] == shape.expect(got["n"]):
        result[f"shapes.{shape.name}_engine_ratio"] = got["seconds"] / got["n"] / plain_per_op
    else:
        log(f"   shapes: {shape.name}: wrong result the engine's way: {got}")
        result[f"shapes.{shape.name}_engine_failed"] = 1.0


def measure(quick: bool) -> dict[str, float]:
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="contui-bench-shapes-") as folder:
        runner = Runner(Path(folder), QUICK_TIMEOUT if quick else TIMEOUT)
        for traced in (False, True):  # warm the bytecode cache, as a student's second run finds it
            try:
                runner.run(TRIVIAL, traced)
            except ShapeFailed as exc:
                log(f"   shapes: warming up: hello world failed under {'contui run' if traced else 'python'}: {exc}")
        measure_trivial(runner, 1 if quick else TRIVIAL_ROUNDS, result)
        for shape in SHAPES:
            measure_shape(runner, shape, quick, 1 if quick else shape.rounds, result)
        measure_hot(runner, 1.0 if quick else HOT_SECONDS, result)
        for shape in SHAPES:
            measure_engine(runner, shape, quick, result)
    for shape in SHAPES:
        result.pop(f"shapes.{shape.name}_plain_per_op", None)
    return result
