"""Looking back at a run: every run recorded in the runs folder, listed by ``contui runs``, replayed in the app with
the same panes as the live run, and scrubbed to any moment."""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import script
from tests.test_app import SIZE, app_with, pane_text, run_ended, sync, wait_for
import tui.app
from tui import cli
from tui.app import ContuiApp
from tui.engine.replay import ReplaySession
from tui.engine.runs import find_recording, list_runs, runs_folder
from tui.widgets.output import MARKS

RECORDINGS = Path(__file__).parent / "recordings"
# The panes whose text a replay must show as the live run did (the status line says "replay": it differs by design).
PANES = ("tree", "locks", "queues", "output", "timeline")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A runs folder of the test's own."""
    monkeypatch.setenv("CONTUI_HOME", str(tmp_path / "home"))
    return runs_folder()


def runs_text() -> str:
    out = io.StringIO()
    assert cli.cmd_runs(out) == 0
    return out.getvalue()


def contui(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``python -m tui ARGS`` with ``home`` as its runs folder."""
    env = {**os.environ, "CONTUI_HOME": str(home.parent)}
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120, env=env)


@sync
async def test_a_run_in_the_app_is_listed_by_contui_runs_and_replays_with_the_same_panes(home: Path) -> None:
    assert "no runs recorded yet" in runs_text()
    app = app_with("lock_wait.py")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: run_ended(app), what="the run to end")
        await wait_for(pilot, lambda: "EXITED" in pane_text(app, "status"), what="the end to be shown")
        await wait_for(pilot, lambda: app.main_column_fits, what="the panes sized to the end")
        await pilot.pause()
        live = {pane: pane_text(app, pane) for pane in PANES}
    listed = runs_text().splitlines()
    assert "lock_wait.py" in listed[1] and listed[1].split()[0] == "1"  # the newest, number 1
    [entry] = list_runs(home)
    assert entry.ended and entry.code == 0 and entry.events > 10
    replay = ContuiApp(session=ReplaySession(find_recording("1", home)))
    async with replay.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: replay.updates >= 1 or "REPLAY" in pane_text(replay, "status"))
        await wait_for(pilot, lambda: replay.main_column_fits, what="the panes sized to the replay")
        await pilot.pause()
        assert "REPLAY" in pane_text(replay, "status")
        shown = {pane: pane_text(replay, pane) for pane in PANES}
        assert shown == live


def zombie_recording(home: Path) -> Path:
    """The zombie scenario run at its own pace by ``contui run``: recorded in the runs folder."""
    done = contui("run", "zombie", home=home)
    assert done.returncode == 0, done.stderr
    return find_recording("1", home)


@sync
async def test_scrubbing_the_zombie_run_shows_the_child_a_zombie_at_2s_and_gone_at_the_end(home: Path) -> None:
    recording = zombie_recording(home)
    app = ContuiApp(session=ReplaySession(recording))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("home")
        assert app.look is not None and app.look.count == 0
        await pilot.press("right_curly_bracket", "right_curly_bracket")  # two seconds on: the last event by 2.0 s
        await pilot.pause()
        look = app.look
        assert look.recorded is not None
        at = look.recorded.time_after(look.count)
        # Each press: the last event at or before a second on. Where the events fall between the scenario's own
        # (a print each second) depends on when contui sampled the processes, so the landing place is read off the
        # recording: past the parent's print at one second, the child a zombie since well before.
        times = look.recorded.times
        first = max(t for t in times if t <= 1.0e9)
        assert at == max(t for t in times if t <= first + 1.0e9) and 1.0e9 < at <= 2.0e9
        with look.model_lock:
            child = next(p for p in look.model.processes.values() if p.name == "Process-1")
        assert "zombie" in pane_text(app, "tree").lower()
        assert f"{at / 1e9:.1f} s of" in pane_text(app, "status")
        # The timeline spans the whole run, its cursor (▼) where the lanes end.
        axis = next(row for row in pane_text(app, "timeline").splitlines() if "0 s" in row)
        assert "▼" in axis and axis.rstrip(" │").endswith(f"{look.recorded.duration / 1e9:.2f} s")
        await pilot.press("end")
        await pilot.pause()
        tree = pane_text(app, "tree").lower()
        assert look.count == look.recorded.count and "▼" not in pane_text(app, "timeline")
        assert "zombie" not in tree and f"[{child.pid}]" in tree
        with look.model_lock:
            assert look.model.processes[child.pid].reaped
        await pilot.press("left_square_bracket")  # one event back: the run's end is not shown yet
        await pilot.pause()
        assert look.count == look.recorded.count - 1
        ended = len(look.model.lines)
        await pilot.press("left_curly_bracket", "left_curly_bracket")  # back before the last lines were printed
        await pilot.pause()
        output = app.output_pane
        assert output.lines_shown == len(look.model.lines) < ended  # the pane kept only what was printed by then
        assert [row.split(" ", 1)[1] for row in output.row_texts()] == [
            f"{MARKS[line.stream]} {line.text}" for line in look.model.lines]


@sync
async def test_a_finished_live_run_can_be_scrubbed_and_a_new_run_leaves_the_look_back(home: Path) -> None:
    app = app_with("lock_wait.py")
    async with app.run_test(size=SIZE) as pilot:
        assert app.check_action("scrub", ("start", 0)) is False  # nothing to look back at: Home goes to the list
        await pilot.press("enter")
        await wait_for(pilot, lambda: run_ended(app), what="the run to end")
        # Keys pressed while the recording is still being read are all done, in turn.
        await pilot.press("home", "right_square_bracket", "right_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: app.look is not None, what="the recording to be read")
        await pilot.pause()
        assert app.look.count == 1
        await pilot.press("home")
        assert app.look.count == 0 and "cursor 0.0 s of" in pane_text(app, "status")
        assert "gave up" not in pane_text(app, "output")  # nothing printed yet at the start
        await pilot.press("end")
        await pilot.pause()
        assert "gave up" in pane_text(app, "output") and "released" in pane_text(app, "output")
        await pilot.press("enter")
        assert app.look is None  # a new run: the panes follow it
        await wait_for(pilot, lambda: run_ended(app), what="the second run to end")


def test_runs_are_kept_newest_first_and_pruned_oldest_first(home: Path) -> None:
    from tui.engine.runs import prune

    home.mkdir(parents=True)
    for n in range(5):
        (home / f"2026120{n}-000000-000000-x.jsonl").write_text("x" * 100)
    assert [p.name[:9] for p in find_all(home)] == ["20261204-", "20261203-", "20261202-", "20261201-", "20261200-"]
    removed = prune(home, keep=3)
    assert sorted(p.name[:8] for p in removed) == ["20261200", "20261201"]
    removed = prune(home, keep=10, keep_bytes=150)  # the newest stays, whatever its size
    assert [p.name[:8] for p in find_all(home)] == ["20261204"]


def find_all(folder: Path) -> list[Path]:
    from tui.engine.runs import recordings

    return recordings(folder)


def test_a_number_that_names_no_run_is_one_clear_line_and_exit_2(home: Path) -> None:
    done = contui("replay", "3", home=home)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no recorded run number 3" in done.stderr


@pytest.mark.parametrize("content,says", [
    (None, "no such recording"),
    ('{"protocol":3,"target":"x","path":"/x.py","start_method":null,"speed":1.0,"args":[],"contui":"0.1",'
     '"recorded":"2026"}\n{"t":1,"kind":"clock","pid":0,"tid":0,"f":{', "truncated"),
    ("not json\n", "corrupt"),
    ('{"t":1,"kind":"run.start","pid":1,"target":"x"}\n', "protocol 1"),
    ('{"protocol":2,"target":"x","path":"/x.py","start_method":null,"speed":1.0,"args":[],"contui":"0.1",'
     '"recorded":"2026"}\n', "protocol 2"),
])
@pytest.mark.parametrize("command", ["replay", "export"])
def test_a_bad_recording_is_one_clear_line_and_exit_2(tmp_path: Path, home: Path, command: str,
                                                       content: str | None, says: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert cli.main([command, str(path), *(["-o", str(tmp_path / "t.json")] if command == "export" else [])]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and err.startswith("contui: ")
    assert not (tmp_path / "t.json").exists()


def test_an_unwritable_runs_folder_never_stops_a_run_and_is_said_once(tmp_path: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where the runs folder's parent should be")
    done = contui("run", script("exit3.py"), home=blocker / "runs")
    assert done.returncode == 3  # the script ran to its own end
    said = [line for line in done.stderr.splitlines() if "unrecorded" in line]
    assert len(said) == 1 and "not a directory" in said[0]


def test_a_full_disk_stops_the_recording_not_the_run() -> None:
    from tui.engine.catalog import resolve_target
    from tui.engine.flight import FlightRecorder
    from tui.engine.jsonl import RecordingHeader
    from tui.engine.recording import record
    from tui.engine.runner import Run

    target = resolve_target(script("exit3.py"))
    recorder = FlightRecorder("/dev/full", RecordingHeader.for_target(target))
    recording = record(Run(target, stdin="null"), timeout=60, recorder=recorder)
    assert recording.code == 3
    assert "no space left on device" in recording.model.run.unrecorded
    assert len(recording.of("recording.off")) == 1


@sync
async def test_e_exports_the_run_and_E_saves_the_screen_both_saying_where(tmp_path: Path, home: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = ContuiApp(session=ReplaySession(RECORDINGS / "producer_consumer.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await wait_for(pilot, lambda: list(tmp_path.glob("*.trace.json")), what="the export")
        [trace] = tmp_path.glob("*.trace.json")
        assert trace.name == "producer_consumer.trace.json"
        assert json.loads(trace.read_text(encoding="utf-8"))["traceEvents"]
        await wait_for(pilot, lambda: any(str(trace) in n.message for n in app._notifications), what="the note")
        await pilot.press("E")
        [svg] = tmp_path.glob("*.svg")
        assert svg.read_text(encoding="utf-8").startswith("<svg")
        assert any(str(svg) in n.message for n in app._notifications)


@sync
async def test_e_exports_a_run_still_going_as_far_as_it_is_recorded(tmp_path: Path, home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_with("sleep3.py", speed=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.running and app.session.recorder is not None
                       and app.session.recorder.events > 0, what="the run to be recorded")
        await pilot.press("e")
        await wait_for(pilot, lambda: list(tmp_path.glob("*.trace.json")), what="the export")
        assert app.session.running  # exported while it went on
        [trace] = tmp_path.glob("*.trace.json")
        names = {e["args"]["name"] for e in json.loads(trace.read_text(encoding="utf-8"))["traceEvents"]
                 if e.get("name") == "process_name"}
        assert any("MainProcess" in name for name in names)
        await pilot.press("s")
        await wait_for(pilot, lambda: run_ended(app), what="the run to stop")


def tree_nodes(app: ContuiApp) -> dict[object, object]:
    """Every node of the process tree, by what it stands for."""
    nodes, todo = {}, list(app.tree_pane.root.children)
    while todo:
        node = todo.pop()
        nodes[node.data] = node
        todo.extend(node.children)
    return nodes


@sync
async def test_scrubbing_keeps_the_tree_nodes_two_moments_share() -> None:
    app = ContuiApp(session=ReplaySession(RECORDINGS / "docs_semaphore.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        before = tree_nodes(app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        after = tree_nodes(app)
        assert before and after.keys() == before.keys()
        assert all(after[key] is before[key] for key in before)  # the same nodes, not a tree made again


@sync
async def test_scrub_keys_hold_garbage_collection_until_they_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    assert gc.isenabled()
    monkeypatch.setattr(tui.app, "COLLECTION_AFTER_KEYS", 60.0)  # keys that rest longer than the test lasts
    app = ContuiApp(session=ReplaySession(RECORDINGS / "docs_semaphore.jsonl"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", "left_square_bracket")
        assert not gc.isenabled()  # held from the keys to the pause after them
        monkeypatch.setattr(tui.app, "COLLECTION_AFTER_KEYS", 0.05)
        await pilot.press("left_square_bracket")  # each key puts the pause off again: now a short one
        await wait_for(pilot, gc.isenabled, what="collection to be let go once the keys rest")
        monkeypatch.setattr(tui.app, "COLLECTION_AFTER_KEYS", 60.0)
        monkeypatch.setattr(tui.app, "COLLECTION_HELD_AT_MOST", 0.0)
        await pilot.press("left_square_bracket")
        assert not gc.isenabled()
        await pilot.press("left_square_bracket")  # keys that never rest: let go once it has been held long enough
        assert gc.isenabled()
        await pilot.press("left_square_bracket")
        assert not gc.isenabled()
    assert gc.isenabled()  # the app ended while it was held: let go
