"""``contui run`` forks its helpers (the run's reaper, the recording's writer) instead of starting interpreters for
them (tui/engine/forked.py); the app, which has threads, starts interpreters. A forked helper must hold no end of
contui's pipes that contui holds too: the run's end is seen as the event pipe's EOF, contui's death as the control
pipe's, and the end of a recording as the writer's stdin's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import psutil

from tests.helpers import run_processes, wait_until
from tui.engine.catalog import resolve_target
from tui.engine.runner import Run
from tui.inside.kinds import REAPER_NAME

ROOT = Path(__file__).resolve().parent.parent


def _pipe_ends(pid: int) -> set[tuple[str, str]]:
    """(pipe, "r" or "w") for every pipe end the process holds beyond its stdin, stdout and stderr (which a child
    shares with its parent by design)."""
    ends = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        if int(fd) <= 2:
            continue
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            with open(f"/proc/{pid}/fdinfo/{fd}") as fh:
                flags = int(next(line for line in fh if line.startswith("flags:")).split()[1], 8)
        except (OSError, StopIteration):  # closed meanwhile
            continue
        if target.startswith("pipe:"):
            ends.add((target, "w" if flags & os.O_WRONLY else "r"))
    return ends


def test_contui_run_forks_its_reaper_and_writer_which_hold_none_of_contuis_pipe_ends(tmp_path: Path) -> None:
    waits = tmp_path / "waits.py"
    waits.write_text("import sys\nprint('got', sys.stdin.read().strip())\n")
    recording = tmp_path / "run.jsonl"
    contui = subprocess.Popen([sys.executable, "-m", "tui", "run", "--jsonl", str(recording), str(waits)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ,
                                                                                  "CONTUI_HOME": str(tmp_path)})
    try:
        me = psutil.Process(contui.pid)

        def helpers() -> list[psutil.Process]:
            return [p for p in me.children() if p.pid != contui.pid]

        def started() -> bool:
            kids = helpers()
            return len(kids) == 2 and any(k.name() == REAPER_NAME and k.children() for k in kids)

        assert wait_until(started, timeout=20), "the run never started"
        ours = _pipe_ends(contui.pid)
        for helper in helpers():
            assert helper.cmdline() == me.cmdline(), f"{helper.name()} is not a fork of contui"
            # A helper closes what it inherited right after the fork: that may still be under way.
            settled = wait_until(lambda: not ours & _pipe_ends(helper.pid), timeout=10)
            assert settled, f"{helper.name()} holds contui's own ends {ours & _pipe_ends(helper.pid)}"
        (writer,) = [k for k in helpers() if k.name() != REAPER_NAME]
        # The writer takes only what the run and contui leave of the CPU: in a session of its own, whose share the
        # kernel's autogroups set by the session's niceness (where the kernel has them), and its own.
        autogroup = Path(f"/proc/{writer.pid}/autogroup")

        def yielded() -> bool:  # it does so right after the fork: that may still be under way
            return writer.nice() == 19 and (not autogroup.exists() or autogroup.read_text().split()[-1] == "19")

        assert wait_until(yielded, timeout=10)
        assert os.getsid(writer.pid) == writer.pid != os.getsid(contui.pid)
        out, _ = contui.communicate(b"hello\n", timeout=30)
    finally:
        if contui.poll() is None:
            contui.kill()
            contui.wait()
    assert (contui.returncode, out) == (0, b"got hello\n")
    kinds = [json.loads(line).get("kind") for line in recording.read_text().splitlines()[1:]]
    assert kinds[-1] == "run.end"
    assert wait_until(lambda: not run_processes(), timeout=3.0)


def test_a_contui_with_threads_starts_its_reaper_as_an_interpreter() -> None:
    """A fork of a process with threads may inherit a lock another thread held: never for code that goes on."""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    run = Run(resolve_target(str(ROOT / "benchmarks" / "scripts" / "hello.py")), stdin="null")
    try:
        run.start()
        assert isinstance(run.reaper, subprocess.Popen)
        assert run.wait(30)
    finally:
        release.set()
        other.join()
        run.close()
    assert wait_until(lambda: not run_processes(), timeout=3.0)
