"""The process pool and the thread pool (scenarios 26 and 27), proven from their events. Each makes two pools of 3
workers, one for 9 submits with a callback, one for a map of 9 items; in each pool every task is submitted by the
main thread and run by a worker of that pool (for the process pool: a child process of main that is a pool worker,
at most 3 of them, under fork and spawn; for the thread pool: a pool-worker thread of main, at most 3), so some
worker ran 3 tasks or more (9 tasks, 3 workers: it cannot be otherwise); each worker printed its own pid or name once
per task it ran; every result is the square of its argument; each callback printed its result after that task's
result was in (in the main process for the process pool; in the thread that ran the task, or in main if the task
was over before the callback was added, for the thread pool), all before shutdown(wait=True) returned; and map's
results are printed in the order the items were submitted, each after its task ended."""

from __future__ import annotations

import ast
import re
from collections import Counter

import pytest

from tests.scenario_runs import children_of, recorded
from tui.engine import events as ev
from tui.engine.events import Event
from tui.engine.recording import Recording

WORKERS = 3
TASKS = 9
SQUARES = [n ** 2 for n in range(TASKS)]
DONE_LINE = "+++> submit 的任务都做完了"


def timed_lines(rec: Recording) -> list[tuple[int, int, int, str]]:
    """Every whole stdout line as (t, pid, tid, text), stamped when its end was printed (a print's pieces, and a
    block of a thread's lines, taken apart as Recording.lines does)."""
    pending: dict[tuple[int, int], str] = {}
    out = []
    for e in rec.of(ev.STDOUT):
        if e.get("stream") != "stdout":
            continue
        key = (e.pid, e.tid)
        text = pending.pop(key, "") + str(e.get("text", ""))
        *whole, text = text.split("\n")
        out += [(e.t, e.pid, e.tid, line) for line in whole]
        if e.get("partial"):
            pending[key] = text
        else:
            out.append((e.t, e.pid, e.tid, text))
    return out


def matching(rec: Recording, pattern: str) -> list[tuple[int, int, int, re.Match[str]]]:
    return [(t, pid, tid, m) for t, pid, tid, line in timed_lines(rec) if (m := re.fullmatch(pattern, line))]


class Pool:
    """One pool of a run: its tasks' submits, starts and ends, by task id."""

    def __init__(self, rec: Recording, new: Event) -> None:
        self.id = new["pool"]
        self.submits = {e["task"]: e for e in rec.of(ev.TASK_SUBMIT) if e["pool"] == self.id}
        self.starts = [e for e in rec.of(ev.TASK_START) if e["pool"] == self.id]
        self.dones = {e["task"]: e for e in rec.of(ev.TASK_DONE) if e["pool"] == self.id}
        self.runner = {e["task"]: (e.pid, e.tid) for e in self.starts}

    def done_with(self, result: int) -> Event:
        """The end of the task whose result is ``result`` (the squares of 0..8 are all different)."""
        [done] = [e for e in self.dones.values() if ast.literal_eval(e["result"]) in (result, [result])]
        return done


def pools(rec: Recording, kind: str) -> tuple[Pool, Pool]:
    """The scenario's two pools, in the order it made them: the one for submit, the one for map."""
    news = [e for e in rec.of(ev.POOL_NEW) if e["type"] == kind]
    assert [e["workers"] for e in news] == [WORKERS, WORKERS]
    first, second = (Pool(rec, e) for e in news)
    return first, second


def assert_every_task_ran_once_and_squared(rec: Recording, pool: Pool, chunked: bool) -> None:
    """9 tasks, submitted by the main thread with the items 0..8 in order, each started once after its submit and
    ended with its square. ``chunked``: a ProcessPoolExecutor's map sends its items as chunks (lists, here of one)."""
    main = (rec.main_pid, rec.main_pid)
    submits = sorted(pool.submits.values(), key=lambda e: e.t)
    assert len(submits) == TASKS and all((e.pid, e.tid) == main for e in submits)
    assert sorted(e["task"] for e in pool.starts) == sorted(pool.submits)
    assert sorted(pool.dones) == sorted(pool.submits)
    items = []
    for submit in submits:
        args = ast.literal_eval(submit["args"])
        result = ast.literal_eval(pool.dones[submit["task"]]["result"])
        if chunked:
            assert isinstance(args, list) and result == [n ** 2 for n in args]
            items += args
        else:
            assert isinstance(args, int) and result == args ** 2
            items.append(args)
        assert submit.t < next(e.t for e in pool.starts if e["task"] == submit["task"])
    assert items == list(range(TASKS))


def assert_workers_reused(pool: Pool, workers: set[tuple[int, int]]) -> Counter[tuple[int, int]]:
    """Every task ran in one of at most 3 workers of the pool; so (9 tasks) one of them ran at least 3."""
    ran = Counter(pool.runner.values())
    assert set(ran) <= workers and len(ran) <= WORKERS
    assert max(ran.values()) >= -(-TASKS // WORKERS)
    return ran


def assert_callbacks_after_their_results(rec: Recording, pool: Pool, pattern: str,
                                         allowed: dict[int, set[tuple[int, int]]]) -> list[tuple[int, int, int]]:
    """One callback line per task, each printed after its task's end, by a thread ``allowed`` for that result; all
    before shutdown(wait=True) returned (the line after it)."""
    lines = matching(rec, pattern)
    assert sorted(int(m.group("result")) for *_, m in lines) == SQUARES
    done_line = next(t for t, pid, _, line in timed_lines(rec) if line == DONE_LINE and pid == rec.main_pid)
    for t, pid, tid, m in lines:
        result = int(m.group("result"))
        assert pool.done_with(result).t < t < done_line
        assert (pid, tid) in allowed[result], (m.group(0), pid, tid)
    assert all(e.t < done_line for e in pool.dones.values())
    return [(t, pid, tid) for t, pid, tid, _ in lines]


def assert_map_in_order(rec: Recording, pool: Pool) -> None:
    """map's results printed by the main thread in the order of their items, each after its task ended, after the
    submit pool was shut down."""
    lines = matching(rec, r"map 结果 (?P<result>\d+)")
    assert [int(m.group("result")) for *_, m in lines] == SQUARES
    assert all((pid, tid) == (rec.main_pid, rec.main_pid) for _, pid, tid, _ in lines)
    for t, _, _, m in lines:
        assert pool.done_with(int(m.group("result"))).t < t
    done_line = next(t for t, _, _, line in timed_lines(rec) if line == DONE_LINE)
    assert done_line < min(e.t for e in pool.submits.values())
    assert rec.lines()[-1] == "主"


# -- 26: ProcessPoolExecutor ----------------------------------------------------------------------------------------
METHODS = [None, "spawn"]


def process_workers(rec: Recording, method: str | None) -> set[tuple[int, int]]:
    """The pool workers: child processes the main process started (by the run's start method), each running its
    tasks on its main thread, which contui labels a pool worker."""
    children = set(children_of(rec, rec.main_pid))
    assert {e["method"] for e in rec.of(ev.PROC_SPAWN) if e.pid == rec.main_pid} == {method or "fork"}
    return {(e.pid, e.tid) for e in rec.of(ev.THREAD_START)
            if e.get("role") == "pool-worker" and e.pid in children and e.tid == e.pid}


@pytest.mark.parametrize("method", METHODS)
def test_process_pool_tasks_run_in_three_reused_child_processes(method: str | None) -> None:
    rec = recorded("process_pool", method)
    workers = process_workers(rec, method)
    ran: Counter[int] = Counter()
    for pool in pools(rec, "ProcessPoolExecutor"):
        for (pid, _), n in assert_workers_reused(pool, workers).items():
            assert pid != rec.main_pid
            ran[pid] += n
    # each worker printed its own pid once per task it ran
    printed = Counter()
    for _, pid, _, m in matching(rec, r"(?P<pid>\d+) is running"):
        assert int(m.group("pid")) == pid
        printed[pid] += 1
    assert printed == ran and sum(ran.values()) == 2 * TASKS


@pytest.mark.parametrize("method", METHODS)
def test_process_pool_results_are_the_squares(method: str | None) -> None:
    rec = recorded("process_pool", method)
    submit_pool, map_pool = pools(rec, "ProcessPoolExecutor")
    assert_every_task_ran_once_and_squared(rec, submit_pool, chunked=False)
    assert_every_task_ran_once_and_squared(rec, map_pool, chunked=True)


@pytest.mark.parametrize("method", METHODS)
def test_process_pool_callbacks_print_in_the_main_process_after_each_result(method: str | None) -> None:
    rec = recorded("process_pool", method)
    submit_pool, _ = pools(rec, "ProcessPoolExecutor")
    # The thread that takes the results in (a pool helper of main) runs the callback; main itself runs it only if
    # the task was already over when add_done_callback was called. Either way: the main process, never a worker.
    helpers = {(e.pid, e.tid) for e in rec.of(ev.THREAD_START)
               if e.pid == rec.main_pid and e.get("role") == "pool-helper"}
    allowed = {r: helpers | {(rec.main_pid, rec.main_pid)} for r in SQUARES}
    printed = assert_callbacks_after_their_results(rec, submit_pool, r"回调 拿到结果 (?P<result>\d+)", allowed)
    assert {pid for _, pid, _ in printed} == {rec.main_pid}


@pytest.mark.parametrize("method", METHODS)
def test_process_pool_map_prints_results_in_submission_order(method: str | None) -> None:
    rec = recorded("process_pool", method)
    _, map_pool = pools(rec, "ProcessPoolExecutor")
    assert_map_in_order(rec, map_pool)


# -- 27: ThreadPoolExecutor -----------------------------------------------------------------------------------------
def thread_workers(rec: Recording) -> dict[tuple[int, int], str]:
    """The pool's threads (role pool-worker, in the main process) and their names."""
    return {(e.pid, e.tid): e["name"] for e in rec.of(ev.THREAD_START)
            if e.get("role") == "pool-worker" and e.pid == rec.main_pid and e.tid != rec.main_pid}


def test_thread_pool_tasks_run_in_three_reused_pool_threads() -> None:
    rec = recorded("thread_pool")
    workers = thread_workers(rec)
    ran: Counter[tuple[int, int]] = Counter()
    for pool in pools(rec, "ThreadPoolExecutor"):
        ran.update(assert_workers_reused(pool, set(workers)))
    # each pool thread printed its own name once per task it ran
    printed = Counter()
    for _, pid, tid, m in matching(rec, r"(?P<name>\S+) is running"):
        assert workers[(pid, tid)] == m.group("name")
        printed[(pid, tid)] += 1
    assert printed == ran and sum(ran.values()) == 2 * TASKS


def test_thread_pool_results_are_the_squares() -> None:
    rec = recorded("thread_pool")
    submit_pool, map_pool = pools(rec, "ThreadPoolExecutor")
    assert_every_task_ran_once_and_squared(rec, submit_pool, chunked=False)
    assert_every_task_ran_once_and_squared(rec, map_pool, chunked=False)


def test_thread_pool_callbacks_run_in_the_thread_that_did_the_task() -> None:
    rec = recorded("thread_pool")
    submit_pool, _ = pools(rec, "ThreadPoolExecutor")
    main = (rec.main_pid, rec.main_pid)
    # set_result runs the callbacks in the worker thread that finished the task; only a task already over when
    # add_done_callback was called has its callback run at once, by main (its sleep makes that unlikely, not
    # impossible, so it is allowed).
    allowed = {r: {submit_pool.runner[submit_pool.done_with(r)["task"]], main} for r in SQUARES}
    pattern = r"(?P<name>\S+) 回调 拿到结果 (?P<result>\d+)"
    assert_callbacks_after_their_results(rec, submit_pool, pattern, allowed)
    names = thread_workers(rec) | {main: "MainThread"}
    for _, pid, tid, m in matching(rec, pattern):
        assert names[(pid, tid)] == m.group("name")  # current_thread() is the thread that printed


def test_thread_pool_map_prints_results_in_submission_order() -> None:
    rec = recorded("thread_pool")
    _, map_pool = pools(rec, "ThreadPoolExecutor")
    assert_map_in_order(rec, map_pool)
