"""A script that writes to contui's event pipe (its fd is in the environment): text, garbage, a length that promises
more than follows, a forged frame whose pickle would start `sleep 300`. Under contui run it prints every line it
prints under python and ends with its own exit code; contui starts nothing, hangs on nothing, and says in one line
how many malformed frames it dropped."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

from pathlib import Path

import psutil

from tests.helpers import plain_python, script
from tui.engine.catalog import resolve_target
from tui.engine.jsonl import read_recording
from tui.engine.model import Model
from tui.status import Phase, status_info
from tui.widgets.status import render_status


MARK = "CONTUI_TEST_EVENT_PIPE"


def sleeps_300(mark: str) -> list[psutil.Process]:
    """``sleep 300`` processes started by this test's contui or its run: they carry ``mark`` in their environment
    (another ``sleep 300`` on the machine is none of this test's business)."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if proc.info["cmdline"] == ["sleep", "300"] and proc.environ().get(MARK) == mark:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_what_a_script_writes_to_the_event_pipe_is_dropped_and_counted_and_runs_nothing() -> None:
    mark = uuid.uuid4().hex
    done = subprocess.run([sys.executable, "-m", "tui", "run", "--timeout", "30", script("writes_to_the_event_pipe.py")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, MARK: mark})
    plain = plain_python(script("writes_to_the_event_pipe.py"))
    assert done.stdout == plain.stdout and "after" in done.stdout
    assert done.returncode == plain.returncode == 7
    # four writes; two that land side by side in the pipe are one piece of garbage
    assert re.fullmatch(r"contui: [1-4] malformed frames? on the event pipe dropped \(something in the run wrote to "
                        r"it\)\n", done.stderr), done.stderr
    assert not sleeps_300(mark)


def test_the_dropped_frames_are_said_by_plain_and_on_the_status_line(tmp_path: Path) -> None:
    """The count is an event of contui's own, folded into the model, so every view says it."""
    out = tmp_path / "run.jsonl"
    done = subprocess.run([sys.executable, "-m", "tui", "run", "--plain", "--jsonl", str(out),
                           script("writes_to_the_event_pipe.py")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 7
    assert re.search(r"contui dropped malformed frames from the event pipe: [1-4] so far", done.stdout)
    model = Model.from_events(read_recording(out)[1])
    assert model.rejected == 0 and 1 <= model.run.dropped <= 4 and 0 not in model.processes
    info = status_info(resolve_target(script("writes_to_the_event_pipe.py")), model, Phase.FAILED, shown_is_run=True,
                       clock_seconds=0.0, speed=1.0, lang="en", projector=False)
    assert f"⚠ {model.run.dropped} malformed frame" in render_status(info).plain
