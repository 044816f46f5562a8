"""The command line as a user meets it: list, run (exit codes, --plain, --jsonl), and clear errors for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.helpers import SCRIPTS, script
from tui.engine.catalog import load_catalog
from tui.engine.jsonl import read_recording


def contui(*args: str, cwd: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, stdin=subprocess.DEVNULL)


def test_list_prints_every_scenario_in_course_order() -> None:
    done = contui("list")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert [line.split()[1] for line in lines] == [s.id for s in load_catalog()]
    assert lines[0].split()[0] == "1" and "方式一" in lines[0]


@pytest.mark.parametrize("args, message", [
    (["run", "no_such_scenario"], "unknown scenario 'no_such_scenario'"),
    (["run", "missing.py"], "no such file: missing.py"),
    (["run", str(SCRIPTS.parent / "conftest.py").replace(".py", ".txt")], "no such file"),
    (["run", str(SCRIPTS)], "is a folder"),
    (["missing_script.py"], "no such file: missing_script.py"),
])
def test_bad_targets_get_one_line_and_exit_2(args: list[str], message: str) -> None:
    done = contui(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_file_that_is_not_python_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    done = contui("run", str(notes))
    assert done.returncode == 2 and "not a Python script" in done.stderr and "Traceback" not in done.stderr


def test_the_app_without_a_terminal_points_to_plain_mode() -> None:
    done = contui()
    assert done.returncode == 2
    assert "contui run --plain" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name, code", [("exit3.py", 3), ("raises.py", 1), ("broken.py", 1),
                                        ("killed_by_signal.py", 128 + 9)])
def test_exit_code_is_the_scripts(name: str, code: int) -> None:
    done = contui("run", script(name))
    plain = subprocess.run([sys.executable, script(name)], capture_output=True, text=True, timeout=30)
    assert done.returncode == code
    assert done.stdout == plain.stdout
    if name == "raises.py":
        assert done.stderr == plain.stderr  # the same traceback, without contui's frames


def test_jsonl_records_every_event_with_its_fields(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    done = contui("run", "process_function", "--speed", "10", "--jsonl", str(out))
    assert done.returncode == 0
    _, events = read_recording(out)
    printed = [e for e in events if e.kind == "stdout"]
    assert sorted(e["text"] for e in printed) == sorted(done.stdout.splitlines())
    assert {e["stream"] for e in printed} == {"stdout"}
    kinds = {e.kind for e in events}
    assert {"run.start", "proc.start", "proc.spawn", "proc.exit", "proc.reap", "run.end", "sample"} <= kinds


def test_a_recordings_first_line_is_its_header(tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"
    before = datetime.now().astimezone()
    done = contui("run", "01", "--jsonl", str(out), "--speed", "10", "--start-method", "spawn")
    assert done.returncode == 0, done.stderr
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    scenario = load_catalog()[0]
    assert first == {"protocol": 2, "target": scenario.id, "path": str(scenario.path), "start_method": "spawn",
                     "speed": 10.0, "args": [], "contui": version("contui"), "recorded": first["recorded"]}
    recorded = datetime.fromisoformat(first["recorded"])
    assert before - timedelta(seconds=1) <= recorded <= datetime.now().astimezone()


def test_plain_prints_the_scripts_lines_and_one_line_per_event() -> None:
    done = contui("run", "ticket_lock", "--speed", "10", "--plain")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert any("acquired mp.Lock mutex" in line for line in lines)
    assert any("waits for mp.Lock mutex" in line for line in lines)
    assert any(line.endswith("购票成功") for line in lines)
    assert lines[-1].endswith("run ended: main process code 0")


def test_timeout_stops_the_run_with_124() -> None:
    done = contui("run", script("five_sleepers.py"), "--timeout", "1.5")
    assert done.returncode == 124 and "--timeout 1.5s reached" in done.stderr


def test_a_users_script_runs_where_contui_was_started(tmp_path: Path) -> None:
    done = contui("run", script("where_am_i.py"), cwd=str(tmp_path))
    assert done.stdout.splitlines() == [str(tmp_path), str(SCRIPTS)]


def test_a_scenario_runs_in_a_temp_folder_that_is_removed_after(tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    done = contui("run", "ticket_lock", "--speed", "10", "--jsonl", str(out), cwd=str(tmp_path))
    assert done.returncode == 0
    start = next(e for e in read_recording(out)[1] if e.kind == "run.start")
    assert start["cwd"] != str(tmp_path) and not os.path.exists(start["cwd"])
    assert not (tmp_path / "db.txt").exists()
