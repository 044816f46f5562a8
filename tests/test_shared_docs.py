"""The Python documentation's examples of Pipe, Manager, Value/Array and queue.Queue, in versions of our own
(tests/scripts/docs_*.py): traced, each prints the same lines and exits with the same code as under plain python, in
every start method (a manager's server starts under spawn and forkserver too: its registry pickles)."""

from __future__ import annotations

import pytest

from tests.helpers import plain_python_lines, run_traced, script
from tui.engine import events as ev

METHODS = ["fork", "spawn", "forkserver"]
DOCS = {"docs_pipe.py": ev.PIPE_NEW, "docs_manager.py": ev.MANAGER_NEW, "docs_value.py": ev.VALUE_NEW,
        "docs_queue.py": ev.QUEUE_NEW}


@pytest.fixture(scope="module")
def plain() -> dict[str, tuple[object, int]]:
    """Each script as a student runs it, once: its lines do not depend on the start method."""
    return {name: plain_python_lines(script(name)) for name in DOCS}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(DOCS))
def test_the_docs_example_prints_the_same_under_contui(name: str, method: str, plain) -> None:
    rec = run_traced(script(name), start_method=method, timeout=60)
    expected, code = plain[name]
    assert rec.line_counts() == expected
    assert rec.code == code == 0
    assert rec.of(DOCS[name]), f"{name}: no {DOCS[name]} reported"
