"""The command line as a user meets it: list, run (exit codes, --plain, --jsonl, the script's arguments), and clear
errors for bad input."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.helpers import SCRIPTS, script
from tests.helpers import printed as lines_of
from tui.cli import AppRequest, RunRequest, UsageError, app_targets, parse_app_argv, parse_run_argv
from tui.engine.catalog import load_catalog
from tui.engine.events import PROTOCOL_VERSION
from tui.engine.jsonl import read_recording


def contui(*args: str, cwd: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, stdin=subprocess.DEVNULL)


def test_list_prints_every_scenario_in_course_order() -> None:
    done = contui("list")
    assert done.returncode == 0
    lines = [line for line in done.stdout.splitlines() if line[:2].strip().isdigit()]
    assert [line.split()[1] for line in lines] == [s.id for s in load_catalog()]
    assert lines[0].split()[0] == "1" and "方式一" in lines[0]
    headings = [line for line in done.stdout.splitlines() if line.startswith("Part ")]
    assert len(headings) == 2 and done.stdout.index(headings[1]) > done.stdout.index("18  why_processes")
    assert done.stdout.index(headings[1]) < done.stdout.index("19  deadlock")


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
    # named as it sits in the current folder, with no path to show it is one: still a file, not a scenario
    done = contui("run", "notes.txt", cwd=str(tmp_path))
    assert done.returncode == 2 and done.stderr == "contui: notes.txt is not a Python script (expected a .py file)\n"


def test_what_the_terminal_cannot_encode_is_shown_escaped_and_the_run_goes_on(tmp_path: Path) -> None:
    """A lone surrogate printed to a strict UTF-8 stdout: contui shows it escaped, and the script's exit code and
    later lines come through."""
    script_path = tmp_path / "surrogate.py"
    script_path.write_text('print("a\\udcff b")\nprint("after")\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tui", "run", str(script_path)], capture_output=True, timeout=60,
                          stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode() == "a\\udcff b\nafter\n" and b"Traceback" not in done.stderr


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
    assert sorted(line for e in printed for line in lines_of(e)) == sorted(done.stdout.splitlines())
    assert {e["stream"] for e in printed} == {"stdout"}
    kinds = {e.kind for e in events}
    assert {"run.start", "proc.start", "proc.spawn", "proc.exit", "proc.reap", "run.end", "sample"} <= kinds


def test_a_recordings_first_line_is_its_header(tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"
    before = datetime.now().astimezone()
    done = contui("run", "01", "--jsonl", str(out), "--speed", "10", "--start-method", "spawn", "x", "y z")
    assert done.returncode == 0, done.stderr
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    scenario = load_catalog()[0]
    assert first == {"protocol": PROTOCOL_VERSION, "target": scenario.id, "path": str(scenario.path),
                     "start_method": "spawn",
                     "speed": 10.0, "args": ["x", "y z"], "contui": version("contui"), "recorded": first["recorded"]}
    recorded = datetime.fromisoformat(first["recorded"])
    assert before - timedelta(seconds=1) <= recorded <= datetime.now().astimezone()
    header, events = read_recording(out)
    assert header.args == ("x", "y z")
    assert next(e for e in events if e.kind == "run.start")["args"] == ["x", "y z"]


def test_plain_prints_the_scripts_lines_and_one_line_per_event() -> None:
    # A script whose child must wait for the lock (scenario 10's buyers wait only if their random sleeps overlap,
    # which one run in a hundred or so they do not: CI failed on it once)
    done = contui("run", str(script("lock_wait.py")), "--speed", "10", "--plain")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert any("acquired mutex (Lock)" in line for line in lines)
    assert any("waits for mutex (Lock)" in line for line in lines)
    assert "gave up" in lines and "released" in lines
    assert lines[-1].endswith("run ended: main process code 0")


def test_plain_says_when_the_orphan_is_adopted_as_psutil_sees_it() -> None:
    # At speed 1 the grandchild lives on for over two seconds after its parent: several samples, at any interval
    # the sampler may take.
    done = contui("run", "orphan", "--plain")
    assert done.returncode == 0
    adopted = [line for line in done.stdout.splitlines() if "orphaned: adopted by" in line]
    assert len(adopted) == 1 and "Process-1:1[" in adopted[0] and "(contui-reaper)" in adopted[0], done.stdout


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


# -- the script's arguments ----------------------------------------------------------------------------------------
PRINT_ARGS = script("print_args.py")


def printed_args(done: subprocess.CompletedProcess[str]) -> list[str]:
    """What print_args.py printed: the one line of its output that is a list (--plain adds lines of its own)."""
    assert done.returncode == 0, done.stderr
    lists = [line for line in done.stdout.splitlines() if line.startswith("[") and line.endswith("]")
             and not line.startswith("[ ")]
    assert len(lists) == 1, done.stdout
    return ast.literal_eval(lists[0])


@pytest.mark.parametrize("argv, expected", [
    ([PRINT_ARGS, "a", "b c"], ["a", "b c"]),
    ([PRINT_ARGS], []),
    ([PRINT_ARGS, "-v", "--plain"], ["-v", "--plain"]),  # after an argument of the script's, all is the script's
    ([PRINT_ARGS, "--", "--plain"], ["--plain"]),
    ([PRINT_ARGS, "--", "--", "x"], ["--", "x"]),  # only the first '--' is contui's
    ([PRINT_ARGS, "-h"], ["-h"]),  # after TARGET, help is the script's
    (["--speed", "5", PRINT_ARGS, "a"], ["a"]),
    (["--speed=5", PRINT_ARGS, "--timeout=30", "--start-method", "spawn", "a", "--speed", "2"], ["a", "--speed", "2"]),
    (["--", PRINT_ARGS, "--plain"], ["--plain"]),
    ([PRINT_ARGS, "", "b"], ["", "b"]),
])
def test_a_script_gets_its_arguments_as_python_would_give_them(argv: list[str], expected: list[str]) -> None:
    assert printed_args(contui("run", *argv)) == expected
    if argv[0] == PRINT_ARGS and "--" not in argv:  # python itself would pass a '--' on
        plain = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=30)
        assert ast.literal_eval(plain.stdout.strip()) == expected


def test_contuis_options_after_target_are_contuis_until_the_scripts_first_argument(tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    done = contui("run", PRINT_ARGS, "--plain", "--jsonl", str(out), "-v", "--jsonl", "x")
    assert printed_args(done) == ["-v", "--jsonl", "x"]
    assert "run ended: main process code 0" in done.stdout  # --plain was contui's
    assert read_recording(out)[0].args == ("-v", "--jsonl", "x")


def test_run_help_shows_where_the_scripts_arguments_go() -> None:
    done = contui("run", "-h")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: contui run [options] TARGET [ARGS ...]\n")
    assert "sys.argv[1:]" in done.stdout and "contui run s.py -- --plain" in done.stdout


@pytest.mark.parametrize("args, message", [
    (["run"], "run needs a TARGET"),
    (["run", "zombie", "--speed"], "--speed needs a value"),
    (["run", "zombie", "--jsonl", "--plain"], "--jsonl needs a value"),
    (["run", "zombie", "--speed", "x"], "argument --speed: not a number: 'x'"),
    (["run", "zombie", "--speed=0"], "argument --speed: must be a finite number greater than 0: 0"),
    (["run", "--timeout", "-1", "zombie"], "argument --timeout: must be a finite number greater than 0: -1"),
    (["run", "--timeout", "nan", "zombie"], "argument --timeout: must be a finite number greater than 0: nan"),
    (["run", "--timeout", "inf", "zombie"], "argument --timeout: must be a finite number greater than 0: inf"),
    (["run", "zombie", "--speed", "nan"], "argument --speed: must be a finite number greater than 0: nan"),
    (["run", "zombie", "--speed", "1e-300"], "argument --speed: must be between 0.01 and 100: 1e-300"),
    (["run", "zombie", "--speed", "1000"], "argument --speed: must be between 0.01 and 100: 1000"),
    (["run", "zombie", "--start-method", "threads"], "argument --start-method: invalid choice: 'threads'"),
    (["run", "--bogus", "zombie"], "unknown option --bogus for 'contui run'"),
    (["run", "zombie", "--jsonl", "/no/such/folder/e.jsonl"], "cannot write /no/such/folder/e.jsonl"),
    (["list", "extra"], "unrecognized arguments: extra"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--", "a"], "arguments after '--' are for your scripts"),
])
def test_bad_command_lines_get_one_line_and_exit_2(args: list[str], message: str) -> None:
    done = contui(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("contui: ") and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_run_options_parse_in_both_forms_before_and_after_target() -> None:
    assert parse_run_argv(["--plain", "--speed=2", "s.py", "--jsonl", "f", "--timeout=3", "--start-method=fork",
                           "a", "--plain"]) == RunRequest(target="s.py", args=("a", "--plain"), plain=True,
                                                          jsonl="f", speed=2.0, start_method="fork", timeout=3.0)
    assert parse_run_argv(["zombie"]) == RunRequest(target="zombie")
    # Only whole option names are contui's: an abbreviation after TARGET is the script's.
    assert parse_run_argv(["s.py", "--spe", "3"]).args == ("--spe", "3")
    with pytest.raises(UsageError, match="unknown option --spe"):
        parse_run_argv(["--spe", "3", "s.py"])


def test_lines_written_below_sys_stdout_come_through_whole(tmp_path: Path) -> None:
    """What a script writes straight to fd 1 and 2 (C code does) is forwarded whole: a line of 100,000 characters,
    one of multi-byte characters, and a 20 MB last line written just before the script exits, byte for byte."""
    stdout, stderr = tmp_path / "out", tmp_path / "err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        done = subprocess.run([sys.executable, "-m", "tui", "run", script("long_lines_on_fd1.py")], stdout=out,
                              stderr=err, timeout=120, stdin=subprocess.DEVNULL)
    plain = subprocess.run([sys.executable, script("long_lines_on_fd1.py")], capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL)
    assert done.returncode == plain.returncode == 0, stderr.read_text()
    assert stdout.read_bytes() == plain.stdout
    assert stderr.read_bytes() == plain.stderr


# -- the app's command line (the app itself needs a terminal: only its parsing is run here) --------------------------
def test_the_app_gives_the_arguments_after_dashes_to_the_users_scripts() -> None:
    request = parse_app_argv([PRINT_ARGS, script("exit3.py"), "--projector", "--", "a", "b c", "--lang", "--"])
    assert request == AppRequest(scripts=(PRINT_ARGS, script("exit3.py")), args=("a", "b c", "--lang", "--"),
                                 projector=True)
    targets = app_targets(request)
    assert [t.path for t in targets] == [Path(PRINT_ARGS).resolve(), (SCRIPTS / "exit3.py").resolve()]
    assert all(t.args == ("a", "b c", "--lang", "--") for t in targets)


def test_the_app_without_dashes_gives_no_arguments() -> None:
    request = parse_app_argv(["--lang", "zh", PRINT_ARGS])
    assert request == AppRequest(scripts=(PRINT_ARGS,), lang="zh")
    assert app_targets(request)[0].args == ()
    assert parse_app_argv([]) == AppRequest()


def test_long_lines_without_newlines_come_through_byte_for_byte(tmp_path: Path) -> None:
    """Megabytes in one write and in half a million writes, and a last line left unterminated: contui run's stdout is
    python's, byte for byte, and the model holds every character of each line."""
    out = tmp_path / "events.jsonl"
    done = subprocess.run([sys.executable, "-m", "tui", "run", "--jsonl", str(out), script("long_lines.py")],
                          capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    plain = subprocess.run([sys.executable, script("long_lines.py")], capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL)
    assert done.returncode == plain.returncode == 0, done.stderr
    assert done.stdout == plain.stdout
    from tui.engine.jsonl import read_recording
    from tui.engine.model import Model

    model = Model.from_events(read_recording(out)[1])
    assert [len(line.text) for line in model.lines] == [3_000_000, 1_000_000]


def test_a_ctrl_c_that_an_import_turned_into_another_error_is_still_a_ctrl_c(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tui import cli

    def interrupted_while_importing(out: object) -> int:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:  # as a dataclass's __set_name__ reports one: a RuntimeError over it
            raise RuntimeError("Error calling __set_name__ on 'Field' instance") from exc

    monkeypatch.setattr(cli, "cmd_list", interrupted_while_importing)
    assert cli.main(["list"]) == 130
    assert capsys.readouterr().err == "\ncontui: interrupted\n"


def test_an_error_not_caused_by_ctrl_c_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui import cli

    def broken(out: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "cmd_list", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main(["list"])


def test_a_ctrl_c_while_a_run_starts_is_held_until_loading_is_over_then_raised() -> None:
    """A KeyboardInterrupt raised inside an import can be swallowed ("Exception ignored in ... _get_module_lock"),
    and `contui run` then went on to the run's end: while the run starts and contui loads, a Ctrl+C is only noted,
    and raised once that is over, so the run is stopped."""
    import signal

    from tui.cli import _ctrl_c_held

    before = signal.getsignal(signal.SIGINT)
    reached_the_end_of_loading = False
    with pytest.raises(KeyboardInterrupt):
        with _ctrl_c_held():
            os.kill(os.getpid(), signal.SIGINT)
            reached_the_end_of_loading = True
    assert reached_the_end_of_loading
    assert signal.getsignal(signal.SIGINT) is before  # the handler of before is back
    with _ctrl_c_held():  # no Ctrl+C, nothing raised
        pass
