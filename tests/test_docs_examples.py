"""The Python documentation's examples of every primitive, in versions of our own (tests/scripts/docs_*.py), run as a
student runs them: ``contui run --start-method M --jsonl F script`` beside ``python script``. Under contui each prints
the same lines (as a multiset: processes interleave) and ends with the same code, in fork, spawn and forkserver (the
threads-only ones once: no start method touches them), and the recording holds the kinds that say it was seen."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import plain_python_lines, script
from tui.engine import events as ev
from tui.engine.jsonl import read_recording
from tui.engine.model import Model
from tui.engine.model.tasks import TaskState

METHODS = ("fork", "spawn", "forkserver")
# script -> the kinds its recording must hold, and whether it uses processes (then it runs in every start method)
DOCS: dict[str, tuple[tuple[str, ...], bool]] = {
    "docs_condition.py": ((ev.COND_NEW, ev.COND_WAIT, ev.COND_NOTIFY), False),
    "docs_queue.py": ((ev.QUEUE_NEW, ev.QUEUE_PUT, ev.QUEUE_GET), False),
    "docs_event.py": ((ev.EVENT_NEW, ev.EVENT_WAIT, ev.EVENT_SET), True),
    "docs_barrier.py": ((ev.BARRIER_NEW, ev.BARRIER_WAIT), True),
    "docs_semaphore.py": ((ev.SEM_NEW, ev.SEM_ACQUIRE, ev.SEM_RELEASE), True),
    "docs_pipe.py": ((ev.PIPE_NEW, ev.PIPE_SEND, ev.PIPE_RECV), True),
    "docs_value.py": ((ev.VALUE_NEW,), True),  # a sample may come too late for so short a run: not asked for
    "docs_manager.py": ((ev.MANAGER_NEW, ev.MANAGER_CALL), True),
    "docs_pool.py": ((ev.POOL_NEW, ev.TASK_SUBMIT, ev.TASK_START, ev.TASK_DONE), True),
    "docs_futures.py": ((ev.POOL_NEW, ev.TASK_SUBMIT, ev.TASK_START, ev.TASK_DONE), True),
}
CASES = [(name, method) for name, (_, processes) in DOCS.items() for method in (METHODS if processes else (None,))]


@pytest.fixture(scope="module")
def plain() -> dict[str, tuple[Counter[str], int]]:
    """Each script under plain python, once: its lines do not depend on the start method."""
    return {name: plain_python_lines(script(name)) for name in DOCS}


def contui_run(name: str, method: str | None, recording: Path) -> subprocess.CompletedProcess[str]:
    options = ["--start-method", method] if method else []
    return subprocess.run([sys.executable, "-m", "tui", "run", *options, "--jsonl", str(recording), script(name)],
                          capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(("name", "method"), CASES)
def test_the_docs_example_prints_the_same_under_contui_run(name: str, method: str | None, plain,
                                                           tmp_path: Path) -> None:
    done = contui_run(name, method, tmp_path / "run.jsonl")
    expected, code = plain[name]
    assert Counter(done.stdout.splitlines()) == expected, done.stderr
    assert done.returncode == code == 0
    _, events = read_recording(tmp_path / "run.jsonl")
    kinds = {e.kind for e in events}
    missing = [kind for kind in DOCS[name][0] if kind not in kinds]
    assert not missing, f"{name} under {method}: the recording has no {missing}"
    model = Model.from_events(sorted(events, key=lambda e: e.t))
    assert model.rejected == 0
    if name in ("docs_pool.py", "docs_futures.py"):
        every_task_was_seen_to_its_end(name, model)


def every_task_was_seen_to_its_end(name: str, model: Model) -> None:
    """Every task the script submitted, from the main thread, ended as the script saw it end."""
    tasks = list(model.tasks.values())
    assert tasks and all(t.submitted_by == (model.run.main, model.run.main) for t in tasks)
    unfinished = [(t.call, t.state) for t in tasks if t.state not in (TaskState.DONE, TaskState.FAILED)]
    failed = [t.error for t in tasks if t.state is TaskState.FAILED]
    if name == "docs_pool.py":  # the task it lacks patience for sleeps on until the with-block ends the pool
        assert (unfinished, failed) == ([("sleep(2)", TaskState.LOST)], [])
    else:  # the page on a subdomain that does not exist fails, as in the docs
        assert (unfinished, failed) == ([], ["OSError: <urlopen error [Errno -2] Name or service not known> (60s)"])
    assert sorted(p.type for p in model.pools.values()) == (
        ["Pool"] if name == "docs_pool.py" else ["ProcessPoolExecutor", "ThreadPoolExecutor"])
