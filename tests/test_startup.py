"""What ``contui run`` loads and starts on its way to the script: only what a run needs (its speed is a benchmark's,
shapes.trivial_ms; here only the behaviour that keeps it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
HELLO = str(ROOT / "benchmarks" / "scripts" / "hello.py")


def test_contui_run_loads_neither_textual_nor_importlib_metadata(tmp_path: Path) -> None:
    """The app's toolkit is for the app; the installed version is read from the dist-info folder itself."""
    code = (
        "import json, sys\n"
        "from tui import cli\n"
        f"code = cli.main(['run', '--jsonl', {str(tmp_path / 'run.jsonl')!r}, {HELLO!r}])\n"
        "print(json.dumps([code, sorted(m for m in sys.modules if m.startswith(('textual', 'importlib.metadata')))]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "CONTUI_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    code_, loaded = json.loads(done.stdout.splitlines()[-1])
    assert code_ == 0 and loaded == []
    header = json.loads((tmp_path / "run.jsonl").read_text(encoding="utf-8").splitlines()[0])
    from importlib.metadata import version

    assert header["contui"] == version("contui")


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
