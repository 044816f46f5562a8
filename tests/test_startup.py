"""What ``contui run`` loads and starts on its way to the script: only what a run needs (its speed is a benchmark's,
shapes.trivial_ms; here only the behaviour that keeps it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.collector import SETTLE_MAX_NS
from tui.engine.model import Model
from tui.engine.recording import Recording, record
from tui.engine.runner import Run

ROOT = Path(__file__).resolve().parent.parent
HELLO = str(ROOT / "benchmarks" / "scripts" / "hello.py")


def _contui_run_hello(tmp_path: Path, before: str, report: str) -> tuple[int, object]:
    """``contui run --jsonl run.jsonl hello.py`` in a python of its own that runs ``before`` first: its exit code,
    and the value of the expression ``report`` once it is over."""
    code = (
        f"import json, os, sys\n{before}\n"
        "from tui import cli\n"
        f"code = cli.main(['run', '--jsonl', {str(tmp_path / 'run.jsonl')!r}, {HELLO!r}])\n"
        f"print(json.dumps([code, {report}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CONTUI_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    code_, reported = json.loads(done.stdout.splitlines()[-1])
    return code_, reported


def test_contui_run_loads_neither_textual_nor_importlib_metadata(tmp_path: Path) -> None:
    """The app's toolkit is for the app; the installed version is read from the dist-info folder itself."""
    code_, loaded = _contui_run_hello(
        tmp_path, "", "sorted(m for m in sys.modules if m.startswith(('textual', 'importlib.metadata')))")
    assert code_ == 0 and loaded == []
    header = json.loads((tmp_path / "run.jsonl").read_text(encoding="utf-8").splitlines()[0])
    from importlib.metadata import version

    assert header["contui"] == version("contui")


def test_a_run_that_ends_while_it_settles_never_loads_the_model(tmp_path: Path) -> None:
    """contui run folds nothing while a run settles (here: for all of it), and nothing else loads the model then:
    the deadlock watch waits for it too. Loading it right after the first fork took a core from the script's start
    on a 2-core machine: a trivial run took 12 ms longer."""
    code_, loaded = _contui_run_hello(
        tmp_path, "import tui.cli\ntui.cli.SETTLE_NS = 10**12",
        "sorted(m for m in sys.modules if m.startswith(('tui.engine.model', 'tui.engine.deadlocks')))")
    assert code_ == 0 and loaded == []


def test_the_reaper_reads_the_command_line_the_runner_writes() -> None:
    from tui.inside.reaper import parse_argv

    options, command = parse_argv(["--control-fd", "7", "--target", "-odd name.py", "--args", '["--", "x"]',
                                   "--", "python", "-c", "pass", "--target"])
    assert options["--control-fd"] == "7" and options["--target"] == "-odd name.py"
    assert options["--args"] == '["--", "x"]' and options["--grace"] == "1.0" and options["--cleanup"] == "[]"
    assert command == ["python", "-c", "pass", "--target"]
    for bad in (["--grace", "1"], ["--control-fd"], ["--control-fd", "7", "--what", "x", "--"]):
        with pytest.raises(SystemExit):
            parse_argv(bad)


def test_a_run_whose_folder_contui_already_removed_ends_quietly(tmp_path: Path) -> None:
    """A Ctrl+C just as contui started the run: contui closed it and removed its folder before the reaper got as far
    as linking the event pipe there. The reaper starts nothing, says nothing, and ends."""
    gone = tmp_path / "removed-by-contui" / "control"
    r, w = os.pipe()
    try:
        reaper = subprocess.run(
            [sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
             "from tui.inside.reaper import main; main()",
             "--control-fd", str(r), "--", sys.executable, "-c", "print('must not run')"],
            env={**os.environ, "CONTUI_EVENT_FD": str(w), "CONTUI_T0": "1", "CONTUI_CONTROL_FILE": str(gone)},
            pass_fds=(r, w), capture_output=True, text=True, timeout=30)
    finally:
        os.close(r)
        os.close(w)
    assert (reaper.returncode, reaper.stdout, reaper.stderr) == (0, "", "")


def test_contui_run_starts_the_run_before_it_loads_what_only_collecting_needs(tmp_path: Path) -> None:
    """The run's processes start (the reaper is contui's first fork) before contui loads multiprocessing (for the
    event queue), the model, psutil, typing, tempfile, dataclasses (and inspect, which it loads) or ctypes: a run of a
    trivial script waited for all of them."""
    code_, at_fork = _contui_run_hello(
        tmp_path, "seen = []\nos.register_at_fork(before=lambda: seen or seen.append(sorted(sys.modules)))", "seen[0]")
    assert isinstance(at_fork, list) and code_ == 0 and "tui.inside.reaper" in at_fork  # the reaper's fork: contui's first
    late = ("multiprocessing", "tui.engine.model", "tui.engine.transport", "psutil", "typing", "tempfile", "shutil",
            "dataclasses", "inspect", "ctypes")
    assert [m for m in at_fork if m.split(".")[0] in late or m in late] == []


def _record_sleeper(tmp_path: Path, settle_ns: int, sleep: float = 0.2) -> tuple[Recording, list[str]]:
    script = tmp_path / "sleeper.py"
    script.write_text(f"import time\nprint('before')\ntime.sleep({sleep})\nprint('after')\n")
    seen: list[str] = []
    recording = record(Run(resolve_target(str(script)), stdin="null"), timeout=60, make_model=Model,
                       settle_ns=settle_ns, on_event=lambda e: seen.append(e.kind), keep_events=False)
    return recording, seen


def test_a_run_that_outlasts_its_settling_is_folded_whole(tmp_path: Path) -> None:
    """contui run folds nothing of a run's first 50 ms: a run that lasts longer has every event in its model, those
    of its first moments too, and each was handed on as it came."""
    # It sleeps longer than the longest settling (SETTLE_MAX_NS: on a busy machine settling lasts that long).
    recording, seen = _record_sleeper(tmp_path, settle_ns=50_000_000, sleep=SETTLE_MAX_NS / 1e9 + 0.2)
    assert recording.model is not None and recording.code == 0
    assert recording.model.events >= len(seen) and seen.count(ev.STDOUT) == 2 and ev.RUN_START in seen
    assert recording.model.processes and all(p.reaped for p in recording.model.processes.values())


def test_a_run_over_before_it_settles_is_handed_on_and_never_folded(tmp_path: Path) -> None:
    recording, seen = _record_sleeper(tmp_path, settle_ns=10**12)  # settles long after it is over
    assert recording.model is None and recording.code == 0
    assert seen.count(ev.STDOUT) == 2 and seen[0] == ev.RUN_START and seen[-1] == ev.RUN_END
