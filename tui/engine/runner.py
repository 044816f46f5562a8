"""Starts one run of a scenario or script in a fresh interpreter, owns every process of it, and ends them all."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal


import tui
from tui.engine import catalog
from tui.engine.control import ControlPage
from tui.engine.trace.env import ENV_FD, ENV_OWNER, ENV_ROOT, ENV_CONTROL_FILE, ENV_START_METHOD, ENV_T0
from tui.engine.transport import EventQueue

ROOT = str(Path(tui.__file__).resolve().parent.parent)
START_METHODS = ("fork", "spawn", "forkserver")
_LAUNCH = (
    f"import sys; sys.path.insert(0, {ROOT!r}); from tui.engine.trace.launch import main; main()"
)


class TargetError(ValueError):
    """What the user asked to run cannot be run; the message says why in one line."""


@dataclass(frozen=True)
class Target:
    """What a run runs: a course scenario (run in a temp folder of its own) or a user's script (run where it is)."""

    path: Path
    scenario: catalog.Scenario | None = None

    @property
    def label(self) -> str:
        return self.scenario.id if self.scenario else str(self.path)

    @property
    def title(self) -> str:
        return self.scenario.title if self.scenario else self.path.name


def resolve_target(spec: str, scenarios: list[catalog.Scenario] | None = None) -> Target:
    """A scenario id/number, or a path to a ``.py`` file."""
    looks_like_path = spec.endswith(".py") or os.sep in spec or spec.startswith(".")
    if not looks_like_path:
        found = catalog.find(scenarios if scenarios is not None else catalog.load_catalog(), spec)
        if found is None:
            raise TargetError(f"unknown scenario {spec!r} (see 'contui list' for the ids)")
        return Target(found.path, found)
    path = Path(spec).expanduser()
    if not path.exists():
        raise TargetError(f"no such file: {spec}")
    if path.is_dir():
        raise TargetError(f"{spec} is a folder, not a Python script")
    if path.suffix != ".py":
        raise TargetError(f"{spec} is not a Python script (expected a .py file)")
    return Target(path.resolve())


class Run:
    """One run. ``start()`` launches it, ``queue`` carries its events, ``stop()`` ends every process of it."""

    def __init__(
        self,
        target: Target,
        *,
        speed: float = 1.0,
        start_method: str | None = None,
        stdin: Literal["pipe", "inherit", "null"] = "pipe",
        grace: float = 1.0,
        python: str = sys.executable,
    ) -> None:
        if start_method is not None and start_method not in START_METHODS:
            raise TargetError(f"unknown start method {start_method!r}: use one of {', '.join(START_METHODS)}")
        self.target = target
        self.speed = speed
        self.start_method = start_method
        self.stdin_mode = stdin
        self.grace = grace
        self.python = python
        self.queue = EventQueue()
        self.t0 = 0
        self.reaper: subprocess.Popen[bytes] | None = None
        self.workdir: str | None = None
        self._control_dir: str | None = None
        self._control: ControlPage | None = None
        self._control_w: int | None = None

    # -- life cycle -------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.target.scenario is not None:
            self.workdir = tempfile.mkdtemp(prefix=f"contui-{self.target.scenario.id}-")
            cwd = self.workdir
        else:
            cwd = os.getcwd()
        self._control_dir = tempfile.mkdtemp(prefix="contui-ctl-")
        self._control = ControlPage(os.path.join(self._control_dir, "control"), initial_speed=self.speed)
        self.t0 = time.monotonic_ns()
        env = dict(os.environ)
        env.update({ENV_FD: str(self.queue.writer_fd), ENV_T0: str(self.t0), ENV_CONTROL_FILE: self._control.path,
                    ENV_ROOT: ROOT, ENV_OWNER: str(os.getpid())})
        if self.start_method:
            env[ENV_START_METHOD] = self.start_method
        control_r, self._control_w = os.pipe()
        command = [
            self.python, "-c", f"import sys; sys.path.insert(0, {ROOT!r}); from tui.engine.reaper import main; main()",
            "--control-fd", str(control_r), "--grace", str(self.grace), "--target", self.target.label,
            "--speed", repr(self.speed), "--start-method", self.start_method or "",
            "--", self.python, "-c", _LAUNCH, str(self.target.path),
        ]
        stdin: int | None = {"pipe": subprocess.PIPE, "inherit": None, "null": subprocess.DEVNULL}[self.stdin_mode]
        try:
            self.reaper = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=stdin, pass_fds=(self.queue.writer_fd, control_r),
                start_new_session=True,
            )
        finally:
            os.close(control_r)
            # From now on only the run holds the write end: the reader's EOF means all of the run is gone.
            self.queue.close_writer()

    @property
    def running(self) -> bool:
        return self.reaper is not None and self.reaper.poll() is None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the run to end by itself; True if it did."""
        if self.reaper is None:
            return True
        try:
            self.reaper.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self, grace: float | None = None) -> None:
        """End every process of the run: SIGTERM, then SIGKILL after the grace period; all of them reaped."""
        if self.reaper is None:
            return
        if self.reaper.poll() is None:
            grace = self.grace if grace is None else grace
            try:
                self.reaper.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            if not self.wait(grace + 5.0):
                self._kill_hard()
        self.wait()

    def _kill_hard(self) -> None:
        """The reaper did not answer: end it and everything under it ourselves."""
        import psutil  # only here: the app loads psutil after its first frame

        assert self.reaper is not None
        try:
            tree = psutil.Process(self.reaper.pid).children(recursive=True)
        except psutil.Error:
            tree = []
        self.reaper.kill()
        for proc in tree:
            try:
                proc.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(tree, timeout=2.0)

    def close(self) -> None:
        """Stop if needed and release everything: pipes, the queue, the temp folder."""
        self.stop()
        if self._control_w is not None:
            os.close(self._control_w)
            self._control_w = None
        if self.reaper is not None and self.reaper.stdin is not None:
            try:
                self.reaper.stdin.close()
            except OSError:
                pass
        self.queue.close()
        self.queue.join_thread()
        for folder in (self.workdir, self._control_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self.workdir = self._control_dir = None

    def __enter__(self) -> Run:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- control ------------------------------------------------------------------------------------------------
    @property
    def stdin(self) -> IO[bytes] | None:
        return self.reaper.stdin if self.reaper is not None else None

    def write_stdin(self, text: str) -> bool:
        """Send a line to the run's stdin (the echo client reads it); False if the run no longer listens."""
        pipe = self.stdin
        if pipe is None:
            return False
        try:
            pipe.write(text.encode("utf-8"))
            pipe.flush()
        except (BrokenPipeError, ValueError):
            return False
        return True

    def close_stdin(self) -> None:
        if self.stdin is not None:
            try:
                self.stdin.close()
            except OSError:
                pass

    def set_speed(self, speed: float) -> None:
        """Takes effect at the run's next sleep or wait, in every process."""
        self.speed = speed
        if self._control is not None:
            self._control.set_speed(speed)

    def freeze(self) -> None:
        self._tell_reaper(signal.SIGUSR1)

    def resume(self) -> None:
        self._tell_reaper(signal.SIGUSR2)

    def _tell_reaper(self, sig: int) -> None:
        if self.running:
            assert self.reaper is not None
            self.reaper.send_signal(sig)
