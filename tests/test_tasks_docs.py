"""The Python documentation's Pool and concurrent.futures examples, in versions of our own (tests/scripts/docs_pool.py,
docs_futures.py): traced, each prints the same lines and exits with the same code as under plain python, in every
start method, and every task it submits is seen from its submit to its end."""

from __future__ import annotations

import pytest

from tests.test_tasks import traced_as_plain
from tui.engine.model.tasks import TaskState

POOLS = {"docs_pool.py": ["Pool"], "docs_futures.py": ["ProcessPoolExecutor", "ThreadPoolExecutor"]}


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
@pytest.mark.parametrize("name", sorted(POOLS))
def test_the_docs_example_prints_the_same_under_contui(name: str, method: str) -> None:
    model = traced_as_plain(name, method).model
    assert sorted(p.type for p in model.pools.values()) == POOLS[name]
    tasks = list(model.tasks.values())
    assert tasks and all(t.submitted_by == (model.run.main, model.run.main) for t in tasks)
    unfinished = [(t.call, t.state) for t in tasks if t.state not in (TaskState.DONE, TaskState.FAILED)]
    failed = [t.error for t in tasks if t.state is TaskState.FAILED]
    if name == "docs_pool.py":  # the task it lacks patience for sleeps on until the with-block ends the pool
        assert (unfinished, failed) == ([("sleep(2)", TaskState.LOST)], [])
    else:
        assert (unfinished, failed) == ([], ["OSError: <urlopen error [Errno -2] Name or service not known> (60s)"])
