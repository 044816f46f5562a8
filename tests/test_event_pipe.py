"""A script that writes to contui's event pipe (its fd is in the environment): text, garbage, a length that promises
more than follows, a forged frame whose pickle would start `sleep 300`. Under contui run it prints every line it
prints under python and ends with its own exit code; contui starts nothing, hangs on nothing, and says in one line
how many malformed frames it dropped."""

from __future__ import annotations

import re
import subprocess
import sys

import psutil

from tests.helpers import plain_python, script


def sleeps_300() -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if proc.info["cmdline"] == ["sleep", "300"]:
            found.append(proc)
    return found


def test_what_a_script_writes_to_the_event_pipe_is_dropped_and_counted_and_runs_nothing() -> None:
    assert not sleeps_300()
    done = subprocess.run([sys.executable, "-m", "tui", "run", "--timeout", "30", script("writes_to_the_event_pipe.py")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    plain = plain_python(script("writes_to_the_event_pipe.py"))
    assert done.stdout == plain.stdout and "after" in done.stdout
    assert done.returncode == plain.returncode == 7
    # four writes; two that land side by side in the pipe are one piece of garbage
    assert re.fullmatch(r"contui: [1-4] malformed frames? on the event pipe dropped \(something in the run wrote to "
                        r"it\)\n", done.stderr), done.stderr
    assert not sleeps_300()
