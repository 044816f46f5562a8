"""Starts one run of a scenario or script in a fresh interpreter, owns every process of it, and ends them all."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path


import tui
from tui.engine.catalog import Target, TargetError
from tui.engine.forked import ForkedChild, single_threaded
from tui.inside.control import ControlPage
from tui.inside.env import ENV_CONTROL_FILE, ENV_FD, ENV_OUTPUT, ENV_OWNER, ENV_ROOT, ENV_START_METHOD, ENV_T0
from tui.engine.eventpipe import EventPipe

TYPE_CHECKING = False  # typing is not loaded at run time: contui run's start waits for every module it loads
if TYPE_CHECKING:
    from typing import IO, Any, Literal

    from tui.engine.transport import EventQueue

ROOT = str(Path(tui.__file__).resolve().parent.parent)
START_METHODS = ("fork", "spawn", "forkserver")
SPEED_MIN, SPEED_MAX = 0.01, 100.0  # what a run accepts: beyond, a scaled sleep is too long or too short to be one
_LAUNCH = (
    f"import sys; sys.path.insert(0, {ROOT!r}); from tui.inside.launch import main; main()"
)
_REAPER = f"import sys; sys.path.insert(0, {ROOT!r}); from tui.inside.reaper import main; main()"


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
        block_output: bool = False,
    ) -> None:
        """``block_output``: the script's stdout goes on to a file or a pipe (``contui run > out.txt``), so it is
        block-buffered in the script, as python's own stdout is there (see tui/inside/trace/output.py)."""
        if start_method is not None and start_method not in START_METHODS:
            raise TargetError(f"unknown start method {start_method!r}: use one of {', '.join(START_METHODS)}")
        self.target = target
        self.speed = speed
        self.start_method = start_method
        self.stdin_mode = stdin
        self.grace = grace
        self.python = python
        self.block_output = block_output
        self.pipe = EventPipe()
        self._queue: EventQueue | None = None
        self.t0 = 0
        self.reaper: subprocess.Popen[bytes] | ForkedChild | None = None
        self.workdir: str | None = None
        self._control_dir: str | None = None
        self._control: ControlPage | None = None
        self._control_w: int | None = None
        self.frozen = False
        self.stepping = False

    @property
    def queue(self) -> EventQueue:
        """The queue contui reads the run's events from, made at the first look (after the run has started: it loads
        multiprocessing, which the start need not wait for)."""
        if self._queue is None:
            from tui.engine.transport import EventQueue

            self._queue = EventQueue(self.pipe)
        return self._queue

    # -- life cycle -------------------------------------------------------------------------------------------
    def start(self, stepping: bool = False) -> None:
        """Launch the run; ``stepping``: in step mode from its first point (nothing of the script runs unstepped)."""
        if self.target.scenario is not None:
            self.workdir = _temp_folder(self.target.scenario.id)
            cwd = self.workdir
        else:
            cwd = os.getcwd()
        self._control_dir = _temp_folder("ctl")
        self._control = ControlPage(os.path.join(self._control_dir, "control"), initial_speed=self.speed)
        self.t0 = time.monotonic_ns()
        self._control.start_clock(self.t0, time.time_ns(), 0.0 if stepping else self.speed)
        self._control.set_stepping(stepping)
        self.stepping = stepping
        env = dict(os.environ)
        env.update({ENV_FD: str(self.pipe.write_fd), ENV_CONTROL_FILE: self._control.path, ENV_ROOT: ROOT,
                    **self._mark()})
        if self.start_method:
            env[ENV_START_METHOD] = self.start_method
        env.pop(ENV_OUTPUT, None)
        if self.block_output:
            env[ENV_OUTPUT] = "block"
        control_r, self._control_w = os.pipe()
        reaper_argv = [
            "--control-fd", str(control_r), "--grace", str(self.grace), "--target", self.target.label,
            "--speed", repr(self.speed), "--start-method", self.start_method or "",
            # JSON, so an argument that looks like an option is never taken for one of the reaper's
            "--args", json.dumps(list(self.target.args)),
            # if contui is SIGKILLed, the reaper outlives it long enough to end the run: it removes these then
            "--cleanup", json.dumps([d for d in (self.workdir, self._control_dir) if d is not None]),
            # After the script's path, as `python script.py ARGS` has them: launch makes sys.argv [script, *ARGS]
            "--", self.python, "-c", _LAUNCH, str(self.target.path), *self.target.args,
        ]
        try:
            if single_threaded():  # contui run: the reaper is a fork of contui (see tui/engine/forked.py)
                from tui.inside import reaper  # loaded before the fork: every later run's reaper has it

                self.reaper = ForkedChild.start(lambda: reaper.main(reaper_argv), stdin=self.stdin_mode,
                                                keep_fds=(self.pipe.write_fd, control_r), new_session=True,
                                                cwd=cwd, env=env)
            else:
                # -S: the reaper needs only the standard library and contui's own folder, and the site-packages'
                # .pth files (an editable install's finder imports pathlib and re) were half its start-up, which
                # every run waits for. The script's main process starts with them, as under `python script.py`.
                stdin = {"pipe": subprocess.PIPE, "inherit": None, "null": subprocess.DEVNULL}[self.stdin_mode]
                self.reaper = subprocess.Popen(
                    [self.python, "-S", "-c", _REAPER, *reaper_argv], cwd=cwd, env=env, stdin=stdin,
                    pass_fds=(self.pipe.write_fd, control_r), start_new_session=True,
                )
        finally:
            os.close(control_r)
            # From now on only the run holds the write end: the reader's EOF means all of the run is gone.
            self.pipe.close_writer()
        # Housekeeping of other contuis' runs, once this one is on its way: nothing of this run waits for it.
        sweep_stale_folders()

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
        """End every process of the run: SIGTERM, then SIGKILL after the grace period; all of them reaped.

        The reaper does it; if the reaper was killed (by the script, or by us when it did not answer), the processes
        it left are found by the mark every process of the run carries, and killed here."""
        if self.reaper is None:
            return
        if self.reaper.poll() is None:
            grace = self.grace if grace is None else grace
            try:
                self.reaper.send_signal(signal.SIGCONT)  # the script may have stopped it: it could not act
                self.reaper.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            if not self.wait(grace + 5.0):
                self._kill_hard()
        self.wait()
        if self.reaper.returncode is not None and self.reaper.returncode < 0:  # killed: it ended nothing
            self._end_strays()

    def _mark(self) -> dict[str, str]:
        """The environment every process of this run inherits, and carries even when it leaves the reaper's tree
        (a new session, a dead parent): whose run it is, and which of its runs."""
        return {ENV_OWNER: str(os.getpid()), ENV_T0: str(self.t0)}

    def _end_strays(self) -> None:
        """SIGKILL every live process that carries this run's mark, and wait (2 s at most) until they are gone."""
        import psutil  # only here: the app loads psutil after its first frame

        mark = self._mark()
        strays = []
        for proc in psutil.process_iter():
            try:
                environ = proc.environ()
                if all(environ.get(k) == v for k, v in mark.items()) and proc.status() != psutil.STATUS_ZOMBIE:
                    proc.kill()
                    strays.append(proc)
            except psutil.Error:  # gone meanwhile, or not ours to read
                continue
        deadline = time.monotonic() + 2.0
        while strays and time.monotonic() < deadline:
            # dead is enough: a zombie holds no file and runs nothing; whoever adopted it reaps it
            strays = [p for p in strays if _alive(p)]
            if strays:
                time.sleep(0.01)

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
        if self._queue is not None:
            self._queue.close()
            self._queue.join_thread()
        else:
            self.pipe.close()
        for folder in (self.workdir, self._control_dir):
            if folder is not None:
                import shutil  # here: contui run's start waits for every module it loads, and shutil loads bz2 and lzma

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

    @property
    def stdin_open(self) -> bool:
        """Whether lines can still be sent to the run's stdin (a pipe of contui's, not closed yet)."""
        pipe = self.stdin
        return pipe is not None and not pipe.closed

    def close_stdin(self) -> None:
        """Close the run's stdin, as Ctrl+D at a terminal does: a script reading it gets EOF (an empty read)."""
        if self.stdin is not None:
            try:
                self.stdin.close()
            except OSError:
                pass

    def set_speed(self, speed: float) -> None:
        """Takes effect at once, on the sleeps and waits in progress too, in every process."""
        self.speed = speed
        if self._control is not None:
            self._control.set_speed(speed)
            if not self.frozen:
                self._control.set_rate(speed, time.monotonic_ns())

    def freeze(self) -> None:
        """Stop every process of the run (SIGSTOP), and the scenario clock with them."""
        if self.running and self._control is not None:
            self.frozen = True
            self._control.set_rate(0.0, time.monotonic_ns())
        self._tell_reaper(signal.SIGUSR1)

    def resume(self) -> None:
        """Go on: the clock from where it stood (a frozen span shortens no sleep), then every process (SIGCONT)."""
        if self.frozen and self._control is not None:
            self._control.set_rate(self.speed, time.monotonic_ns())
        self.frozen = False
        self._tell_reaper(signal.SIGUSR2)

    # -- step mode ----------------------------------------------------------------------------------------------
    def enter_step(self) -> None:
        """Every thread of the script is held at its next point; the clock stands still but for a stepped sleep."""
        if self._control is None:
            return
        self._control.set_rate(0.0, time.monotonic_ns())
        self._control.set_stepping(True)
        self.stepping = True

    def leave_step(self) -> None:
        """Every held thread goes on, and the clock with them."""
        if self._control is None:
            return
        self._control.set_stepping(False)
        if not self.frozen:
            self._control.set_rate(self.speed, time.monotonic_ns())
        self.stepping = False

    def step(self, tid: int, until: int | None = None) -> bool:
        """Let the held thread ``tid`` do its next action; ``until``: the end of the sleep it is held at (scenario
        ns), where the clock jumps. False while the thread let go last has not gone yet (try again)."""
        if self._control is None or not self.stepping:
            return False
        if until is not None:
            self._control.jump_to(until, time.monotonic_ns())
        return self._control.go(tid)

    def scenario_seconds(self) -> float:
        """The run's scenario clock now (see tui/inside/control.py): what its scripts' clocks read since it began."""
        if self._control is None:
            return 0.0
        return self._control.scenario_ns(time.monotonic_ns()) / 1e9

    def _tell_reaper(self, sig: int) -> None:
        if self.running:
            assert self.reaper is not None
            self.reaper.send_signal(sig)


# A run's temp folders are named for their contui: contui-<scenario id or "ctl">-<contui's pid>-<random>.
_RUN_FOLDER = re.compile(r"contui-\w+-(\d+)-\w+")


def _temp_folder(kind: str) -> str:
    """A new folder of this contui's, as ``tempfile.mkdtemp`` makes it (mode 0700, a random name) in the temp
    folder that TMPDIR names, or /tmp. tempfile itself is loaded only if neither will do (it loads shutil, and
    shutil bz2 and lzma: the start of every run of contui run's waited for them)."""
    prefix = f"contui-{kind}-{os.getpid()}-"
    parent = _temp_parent()
    for _ in range(100):
        path = os.path.join(parent, prefix + os.urandom(6).hex())
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        except OSError:
            break
        return os.path.abspath(path)
    import tempfile

    return tempfile.mkdtemp(prefix=prefix)


def _temp_parent() -> str:
    return os.environ.get("TMPDIR") or "/tmp"


def sweep_stale_folders(parent: str | None = None) -> list[str]:
    """Remove the temp folders of runs whose contui is gone (SIGKILLed before its reaper, which removes them then,
    had started); returns those removed. A folder's contui is gone if no process has its pid, or the one that has it
    started after the folder was last changed (the pid was used again)."""
    parent = parent or _temp_parent()
    removed = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        match = _RUN_FOLDER.fullmatch(entry.name)
        # This contui's own folders are its runs': nothing to judge (nor psutil to load, the start of a run of
        # contui run's waits for what it loads).
        if match is None or int(match.group(1)) == os.getpid() or not entry.is_dir(follow_symlinks=False):
            continue
        import psutil  # only here: the app loads psutil after its first frame

        try:
            made = entry.stat(follow_symlinks=False).st_mtime
            if entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            owner = psutil.Process(int(match.group(1)))
            # Start times are known to a second or so (the boot time is whole seconds): a process that started
            # within that of the folder is taken for its maker, alive.
            if owner.create_time() <= made + 2.0:
                continue
        except psutil.NoSuchProcess:
            pass
        except (OSError, psutil.Error):
            continue
        import shutil

        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.path)
    return removed


def _alive(proc: Any) -> bool:
    """A psutil process that still runs (not gone, not a zombie)."""
    import psutil

    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
