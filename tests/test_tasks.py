"""Tasks of pools and executors with real processes and threads: each task from its submit (by the script's thread)
to the worker that ran it to its result or error, under fork, spawn and forkserver; what the model says at the
moments the scripts print a CHECK line; the pools' own threads labelled as theirs; a standard library callable as a
task runs as under plain python."""

from __future__ import annotations

import functools
import re

import pytest

from tests.helpers import plain_python, plain_python_lines, printed, run_traced, script
from tui.engine import events as ev
from tui.engine.model import Model
from tui.engine.model.tasks import PoolRecord, TaskRecord, TaskState
from tui.engine.recording import Recording

CHECK = re.compile(r"CHECK done (\d+) failed (\d+) running (\d+)")


@functools.cache
def plain_lines(name: str) -> tuple[object, int]:
    """A script as a student runs it, once per session (its lines do not depend on the start method)."""
    return plain_python_lines(script(name))


def traced_as_plain(name: str, method: str | None = None) -> Recording:
    """The script traced: it prints the same lines and exits with the same code (0) as under plain python."""
    rec = run_traced(script(name), start_method=method, timeout=60)
    expected, code = plain_lines(name)
    assert rec.line_counts() == expected
    assert rec.code == code == 0
    return rec


def checks_hold(rec: Recording, pool_type: str) -> int:
    """At each CHECK line, the model folded up to that line has the tasks in the states the script printed."""
    events = sorted(rec.events, key=lambda e: e.t)
    seen = 0
    for i, event in enumerate(events):
        for line in printed(event):  # a block of a thread's lines: folded at one instant, so checked at it
            match = CHECK.fullmatch(line)
            if match is None:
                continue
            model = Model.from_events(events[: i + 1])
            counts = model.task_counts(pool_of(model, pool_type).id)
            done, failed, running = (int(n) for n in match.groups())
            assert (counts[TaskState.DONE], counts[TaskState.FAILED], counts[TaskState.RUNNING]) == (
                done, failed, running), f"at {match.group(0)!r} the model has {counts}"
            seen += 1
    return seen


def waits_for(rec: Recording, call: str) -> set[str]:
    """What the main thread waited for in ``call`` (a result already in when asked for makes no wait)."""
    return {e.get("object") for e in rec.of(ev.WAIT) if e.pid == rec.main_pid and e["call"] == call}


def pool_of(model: Model, pool_type: str) -> PoolRecord:
    pools = [p for p in model.pools.values() if p.type == pool_type]
    assert len(pools) == 1, f"one {pool_type} expected, the model has {model.pools}"
    return pools[0]


def tasks_by_call(model: Model, pool: PoolRecord) -> dict[str, TaskRecord]:
    return {t.call: t for t in model.tasks_in(pool.id)}


def assert_every_task_ran_in_a_worker(model: Model, pool: PoolRecord, worker_pids: set[int]) -> None:
    """Submitted by the main thread, started by a worker of the pool (a thread with role pool-worker, in one of
    ``worker_pids``), ended after; and each worker's count is what it ran."""
    main = (model.run.main, model.run.main)
    for task in model.tasks_in(pool.id):
        assert task.submitted_by == main, task
        assert task.run_by is not None and task.run_by[0] in worker_pids, task
        assert model.thread(*task.run_by).role == "pool-worker", task
        assert task.submitted_t <= task.started_t <= task.done_t, task
    for key, worker in model.task_workers.items():
        if worker.pool == pool.id:
            ran = [t for t in model.tasks_in(pool.id) if t.run_by == key]
            assert worker.ran == len(ran) and worker.current is None
            assert model.tasks_of(*key) == sorted(ran, key=lambda t: t.started_t)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_pool_tasks_from_submit_to_worker_to_result(method: str) -> None:
    rec = traced_as_plain("tasks_pool.py", method)
    model = rec.model
    pool = pool_of(model, "Pool")
    assert (pool.workers, pool.name, pool.created_by) == (2, "pool", model.run.main)
    assert pool.site.startswith("tasks_pool.py:")
    workers = {e["child"] for e in rec.of(ev.PROC_SPAWN) if "PoolWorker" in e["name"]}
    assert len(workers) == 2
    assert_every_task_ran_in_a_worker(model, pool, workers)
    tasks = tasks_by_call(model, pool)
    assert set(tasks) == {"square(7)", "square ×3 items [0, 1, 2]", "square ×3 items [3, 4, 5]",
                          "square ×2 items [6, 7]", "fails(1)", "blocks(5)"}
    assert tasks["square(7)"].result == "49"
    assert tasks["square ×2 items [6, 7]"].result == "[36, 49]"
    assert (tasks["fails(1)"].state, tasks["fails(1)"].error) == (TaskState.FAILED, "ValueError: bad 1")
    assert tasks["blocks(5)"].state is TaskState.DONE
    assert checks_hold(rec, "Pool") == 3
    # the pool's own threads, in the main process, are labelled as its helpers
    helpers = [th.name for th in model.processes[model.run.main].threads.values() if th.role == "pool-helper"]
    assert sorted(helpers) == ["Thread-1 (_handle_workers)", "Thread-2 (_handle_tasks)", "Thread-3 (_handle_results)"]
    # the main thread waited in get() for the task that could not be done yet; a wait's object names one task, or
    # a map's whole job
    assert tasks["blocks(5)"].id in waits_for(rec, "AsyncResult.get")
    map_job = tasks["square ×2 items [6, 7]"].id.rsplit(".", 1)[0]
    assert model.tasks_waited(map_job) == [t for t in model.tasks_in(pool.id) if t.id.startswith(map_job + ".")]
    assert model.tasks_waited(tasks["fails(1)"].id) == [tasks["fails(1)"]]


def test_thread_pool_executor_tasks_run_in_its_worker_threads() -> None:
    rec = traced_as_plain("tasks_threads.py")
    model = rec.model
    pool = pool_of(model, "ThreadPoolExecutor")
    assert len(model.pools) == 1  # asyncio's default executor is the standard library's: not reported
    assert (pool.workers, pool.name) == (2, "executor")
    assert_every_task_ran_in_a_worker(model, pool, {model.run.main})
    tasks = tasks_by_call(model, pool)
    assert set(tasks) == {"square(4)", "fails(2)", "blocks(5)", *(f"square({i})" for i in range(5))}
    assert tasks["square(4)"].result == "16"
    assert tasks["fails(2)"].error == "ValueError: bad 2"
    assert checks_hold(rec, "ThreadPoolExecutor") == 3
    workers = [th for th in model.processes[model.run.main].threads.values() if th.role == "pool-worker"]
    assert workers and all(th.name.startswith("ThreadPoolExecutor-") for th in workers)
    # the callback ran in the worker thread that set the result; result(timeout) waited for the blocked task
    callback = next(line for line in model.lines if line.text == "callback 5")
    assert (callback.pid, callback.tid) == tasks["blocks(5)"].run_by
    assert tasks["blocks(5)"].id in waits_for(rec, "Future.result")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_process_pool_executor_tasks_run_in_its_worker_processes(method: str) -> None:
    rec = traced_as_plain("tasks_processes.py", method)
    model = rec.model
    pool = pool_of(model, "ProcessPoolExecutor")
    assert (pool.workers, pool.name) == (2, "executor")
    assert_every_task_ran_in_a_worker(model, pool, {e["child"] for e in rec.of(ev.PROC_SPAWN)})
    tasks = tasks_by_call(model, pool)
    assert set(tasks) == {"square(4)", "square ×2 items [0, 1]", "square ×2 items [2, 3]", "square ×1 item [4]",
                          "fails(2)", "blocks(5)"}
    assert tasks["square ×2 items [2, 3]"].result == "[4, 9]"
    assert tasks["fails(2)"].error == "ValueError: bad 2"
    assert checks_hold(rec, "ProcessPoolExecutor") == 3
    # the callback ran in the executor's management thread, a helper of the pool
    callback = next(line for line in model.lines if line.text == "callback 5")
    assert model.thread(callback.pid, callback.tid).role == "pool-helper"
    assert tasks["blocks(5)"].id in waits_for(rec, "Future.result")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_standard_library_callable_runs_as_a_task_as_under_python(method: str) -> None:
    """pool.apply_async(time.sleep, [0.1]) and ProcessPoolExecutor().submit(time.sleep, 0.1): the tracer's sleep
    pickles as time.sleep, and the workers run it."""
    rec = run_traced(script("tasks_sleep.py"), start_method=method, timeout=60)
    done = plain_python(script("tasks_sleep.py"))
    assert rec.lines() == done.stdout.splitlines() == ["None", "None"]
    assert rec.lines("stderr") == done.stderr.splitlines() == []
    assert rec.code == done.returncode == 0
    sleeps = [t for t in rec.model.tasks.values() if t.func == "sleep"]
    assert len(sleeps) == 2 and all(t.state is TaskState.DONE and t.args == "0.1" for t in sleeps)
