"""Every course scenario, run through the engine, proves what it teaches (from its events and psutil samples)."""

from __future__ import annotations

import ast
import re
import signal

import pytest

from tests.helpers import printed, read_after, record_run
from tests.scenario_runs import (SPEED, assert_deadlocked, children_of, event_of, line_time, recorded, sleep_ends,
                                 until_deadlock)
from tui.engine import events as ev
from tui.engine.catalog import SCENARIO_DIR, load_catalog, module_docstring, resolve_target
from tui.engine.recording import Recording
from tui.engine.runner import Run

def assert_start_did_not_wait(rec: Recording, child: int) -> None:
    """What the course's 主 shows, in the form no scheduling can break. Whether 主 or the child's first line comes
    first is the OS's choice (both processes are ready to run at once), so that order is not asserted."""
    main = rec.main_pid
    spawn = event_of(rec, ev.PROC_SPAWN, main, child)
    main_line = next(e for e in rec.of(ev.STDOUT) if e.pid == main and "主" in printed(e))
    reap = event_of(rec, ev.PROC_REAP, child=child)
    # start() returned while the child was still in its 3 s sleep (that sleep is the margin: a start() that waited
    # for the child would return after it);
    [child_slept] = sleep_ends(rec, [child])
    assert spawn.t < child_slept.t
    # in the parent's own order: start() returned, it printed 主 while its child still existed, and only at its exit
    # did it wait for the child, reaping it after the child had ended.
    assert spawn.t < main_line.t < reap.t < event_of(rec, ev.PROC_EXIT, main).t
    assert (reap.pid, reap["by"], reap["code"]) == (main, "parent", 0)
    assert event_of(rec, ev.PROC_EXIT, child).t < reap.t


def test_catalog_reads_each_docstring_as_ast_does() -> None:
    # The catalog reads only the leading docstring (the app's first frame waits for it), not the whole file.
    for path in sorted(SCENARIO_DIR.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert module_docstring(source) == (ast.get_docstring(ast.parse(source)) or ""), path.name
    assert module_docstring('# coding: utf-8\n"""One.\n\n    Two."""\nx = 1\n') == "One.\n\nTwo."
    assert module_docstring('x = 1\n"""not a docstring"""\n') == ""


def test_catalog_lists_every_course_example_in_order() -> None:
    ids = [s.id for s in load_catalog()]
    assert ids == [
        "process_function", "process_subclass", "memory_isolation", "join", "process_attributes", "zombie",
        "orphan", "daemon_process", "ticket_race", "ticket_lock", "queue", "pipe", "producer_consumer",
        "threads_two_ways", "echo_server", "thread_methods", "daemon_thread", "why_processes",
        "deadlock", "deadlock_processes", "recursive_lock", "semaphore", "event", "timer", "thread_queues",
        "process_pool", "thread_pool", "dining_philosophers", "dining_philosophers_ordered",
    ]
    assert [s.number for s in load_catalog()] == list(range(1, 30))
    assert [s.part for s in load_catalog()] == [1] * 18 + [2] * 11
    for s in load_catalog():
        assert s.title_zh and s.title_en and s.course, s.id
        assert 2 <= len(s.watch_zh) <= 5 and 2 <= len(s.watch_en) <= 5, s.id
        assert s.modernised, s.id
        assert "import tui" not in s.source() and "from tui" not in s.source(), s.id


# The child's sleep(3) takes 1.5 s: the margin by which start() returns before the child is done.
CHILD_SLEEPS = 2.0


@pytest.mark.parametrize("method", [None, "spawn"])
def test_process_function_main_goes_on_while_the_child_runs(method: str | None) -> None:
    rec = recorded("process_function", method, CHILD_SLEEPS)
    [child] = children_of(rec, rec.main_pid)
    assert_start_did_not_wait(rec, child)
    assert rec.lines(pid=child) == ["alex is running", "alex is done"]


def test_process_subclass_runs_its_run_method_in_the_child() -> None:
    rec = recorded("process_subclass", speed=CHILD_SLEEPS)
    [child] = children_of(rec, rec.main_pid)
    start = next(e for e in rec.of(ev.PROC_START) if e.pid == child)
    assert start["name"] == "进程1"
    assert rec.lines(pid=child) == ["进程1 is running", "进程1 is done"]
    assert_start_did_not_wait(rec, child)


def test_memory_isolation_parent_still_sees_100() -> None:
    rec = recorded("memory_isolation")
    assert rec.lines(pid=rec.main_pid)[-1] == "主 100"
    [child] = children_of(rec, rec.main_pid)
    assert child != rec.main_pid
    assert [e["result"] for e in rec.of(ev.PROC_ALIVE)] == [False]


@pytest.mark.parametrize("method", [None, "spawn"])
def test_join_waits_for_the_longest_not_the_sum(method: str | None) -> None:
    speed = 2.0
    rec = recorded("join", method, speed)
    main = rec.main_pid
    kids = children_of(rec, main)
    assert len(kids) == 3
    # All three are started before the first join: start() does not wait.
    joins = [e for e in rec.of(ev.PROC_JOIN) if e.pid == main]
    assert max(e.t for e in rec.of(ev.PROC_SPAWN) if e.pid == main) < min(e.t for e in joins)
    # Each join returns only once its child has ended.
    joins_end = [e for e in joins if e["phase"] == "end"]
    assert {e["child"] for e in joins_end} == set(kids)
    for end in joins_end:
        assert end["code"] == 0 and event_of(rec, ev.PROC_EXIT, end["child"]).t < end.t
    # One after another the sleeps could not take less than their sum; side by side they take about the longest
    # (the margin: the two shorter sleeps, 1.5 s at this speed).
    begins = [e for e in rec.of(ev.SLEEP) if e.pid in kids and e["phase"] == "begin"]
    assert sorted(e["secs"] for e in begins) == [1, 2, 3]
    span = max(e.t for e in sleep_ends(rec, kids)) - min(e.t for e in begins)
    assert span < sum(e["secs"] for e in begins) / speed * 1e9
    assert rec.lines(pid=main)[-1].startswith("主 ")


def test_process_attributes_terminate_gives_minus_15_and_is_alive_turns_false() -> None:
    # Real time: the terminated child has the main's sleep(1), a whole second, to die before the second is_alive().
    # The first is_alive(), right after terminate(), may say either: not asserted.
    rec = recorded("process_attributes", speed=1.0)
    [child] = children_of(rec, rec.main_pid)
    terminate = next(e for e in rec.of(ev.PROC_TERMINATE) if e["child"] == child)
    assert terminate["reason"] == "call" and terminate["signal"] == signal.SIGTERM
    reap = next(e for e in rec.of(ev.PROC_REAP) if e["child"] == child)
    assert reap["code"] == -15
    checks = [e for e in rec.of(ev.PROC_ALIVE) if e["child"] == child]
    assert len(checks) == 2 and checks[-1]["result"] is False and checks[-1].t > terminate.t
    assert "exitcode: -15" in rec.lines()
    assert "进程1" in rec.lines()
    assert rec.model.processes[child].state == "terminated"


def test_zombie_is_seen_by_psutil_until_the_parent_reaps_it() -> None:
    rec = recorded("zombie", speed=2.0)  # the zombie lasts three sleep(1)s: 1.5 s for psutil to see it
    [child] = children_of(rec, rec.main_pid)
    zombies = [e for e in rec.of(ev.SAMPLE) if e.pid == child and e["status"] == "zombie"]
    assert zombies, "psutil never saw the zombie"
    reap = next(e for e in rec.of(ev.PROC_REAP) if e["child"] == child)
    main_exit = next(e for e in rec.of(ev.PROC_EXIT) if e.pid == rec.main_pid)
    assert zombies[0].t < reap.t < main_exit.t  # a zombie while its parent was alive
    assert all(e.kind == ev.SAMPLE_GONE for e in read_after(rec, child, reap.t))  # and gone once reaped
    assert any("Z (僵尸 zombie)" in line for line in rec.lines(pid=rec.main_pid))
    assert rec.model.processes[child].reaped and rec.model.processes[child].state == "exited"


def test_orphan_gets_a_new_parent_named_by_the_os() -> None:
    rec = recorded("orphan", speed=2.0)  # B outlives A by its sleep(2): 1 s for psutil, and B, to see its new parent
    [a] = children_of(rec, rec.main_pid)
    [b] = children_of(rec, a)
    moved = [e for e in rec.of(ev.SAMPLE) if e.pid == b and e["ppid"] != a]
    assert moved, "psutil never saw B's new parent"
    adopter = moved[0]["ppid"]
    assert adopter not in (a, rec.main_pid)
    assert rec.model.processes[b].adopted_by == (adopter, moved[0]["parent_name"])
    assert any(f"现在是 {adopter} ({moved[0]['parent_name']})" in line for line in rec.lines(pid=b))


def test_daemon_process_is_terminated_at_main_exit_before_it_is_done() -> None:
    # Real time: the daemons have the main's sleep(1) to print their first lines, and lary's sleep(3) outlasts it.
    rec = recorded("daemon_process", speed=1.0)
    lary, alex = children_of(rec, rec.main_pid)  # in the order the main started them
    assert rec.lines(pid=lary) == ["lary is running"]
    terminate = next(e for e in rec.of(ev.PROC_TERMINATE) if e["child"] == lary)
    assert terminate.pid == rec.main_pid and terminate["reason"] == "daemon-at-exit"
    assert terminate.t > line_time(rec, "主")
    assert next(e for e in rec.of(ev.PROC_REAP) if e["child"] == lary)["code"] == -signal.SIGTERM
    assert "lary is done" not in rec.lines()
    assert rec.model.processes[lary].state == "daemon-killed"
    assert any("daemonic processes are not allowed to have children" in line for line in rec.lines(pid=alex))


def _sold(rec: Recording) -> int:
    return sum(1 for line in rec.lines() if line.endswith("购票成功"))


def test_ticket_race_takes_no_lock_and_the_main_counts_every_sale() -> None:
    # Without a lock nothing keeps two buyers from taking the last ticket at once, and most runs sell more than
    # one. Most, not all: the buyers' random sleeps can keep their reads of the count apart, so how many are sold
    # is the dice's to decide. What every run shows is asserted: no lock, every buyer looks, at least the first
    # sells, and the main counts exactly the buyers that said they sold.
    rec = recorded("ticket_race")
    buyers = children_of(rec, rec.main_pid)
    assert len(buyers) == 10
    assert not rec.of(ev.LOCK_NEW, ev.LOCK_ACQUIRE)
    assert {e.pid for e in rec.of(ev.STDOUT) if "查看剩余票数" in e["text"]} == set(buyers)
    sellers = {pid for pid in buyers if any(line.endswith("购票成功") for line in rec.lines(pid=pid))}
    assert sellers and {e.pid for e in rec.of(ev.QUEUE_PUT)} == sellers
    [summary] = rec.lines(pid=rec.main_pid)
    n = len(sellers)
    assert re.fullmatch(rf"主: 只有 1 张票，卖出了 {n} 张 \(1 ticket, {n} sold\)", summary), summary


@pytest.mark.parametrize("method", [None, "spawn"])
def test_ticket_lock_sells_exactly_one_with_one_owner_at_a_time(method: str | None) -> None:
    from tests.test_engine import overlapping_owners

    rec = recorded("ticket_lock", method)
    assert _sold(rec) == 1
    [lock] = rec.of(ev.LOCK_NEW)
    assert lock["type"] == "mp.Lock" and lock["name"] == "mutex"
    acquires = [e for e in rec.of(ev.LOCK_ACQUIRE) if e["lock"] == lock["lock"]]
    assert len({e.pid for e in acquires}) == 10
    assert overlapping_owners(rec, lock["lock"]) == []
    # How many buyers meet at the lock is up to their random sleeps; each one that had to wait got it in the end.
    for wait in rec.of(ev.LOCK_WAIT):
        assert any(e.pid == wait.pid and e.t > wait.t for e in acquires), wait
    assert not rec.of(ev.LOCK_TIMEOUT)


def test_queue_full_put_blocks_and_timeouts_raise() -> None:
    rec = recorded("queue", speed=1.0)  # real time: the helper's sleep(1) is what keeps the queue full at the put
    [q] = rec.of(ev.QUEUE_NEW)
    assert q["maxsize"] == 3
    block = next(e for e in rec.of(ev.QUEUE_BLOCK) if e["op"] == "put")
    put_after = next(e for e in rec.of(ev.QUEUE_PUT) if e.pid == block.pid and e.t > block.t)
    get_between = [e for e in rec.of(ev.QUEUE_GET) if block.t < e.t <= put_after.t and e.pid != block.pid]
    assert get_between, "the blocked put went on only after another process took an item"
    timeouts = {(e["op"], e["error"], e["block"]) for e in rec.of(ev.QUEUE_TIMEOUT)}
    assert ("put", "Full", False) in timeouts and ("put", "Full", True) in timeouts
    assert ("get", "Empty", True) in timeouts
    assert any("queue.Full" in line or "Full" in line for line in rec.lines())
    assert any("Empty" in line for line in rec.lines())


def test_pipe_carries_messages_both_ways() -> None:
    rec = recorded("pipe")
    [child] = children_of(rec, rec.main_pid)
    assert any("收到" in line for line in rec.lines(pid=child))
    assert any("收到" in line for line in rec.lines(pid=rec.main_pid))
    assert rec.lines()[-1] == "主"


def test_producer_consumer_consumes_everything_then_main_prints_last() -> None:
    rec = recorded("producer_consumer")
    [q] = rec.of(ev.QUEUE_NEW)
    assert q["type"] == "JoinableQueue"
    puts = [e for e in rec.of(ev.QUEUE_PUT) if e["queue"] == q["queue"]]
    gets = [e for e in rec.of(ev.QUEUE_GET) if e["queue"] == q["queue"]]
    assert len(puts) == len(gets) == 4
    assert sorted(e["item"] for e in puts) == sorted(e["item"] for e in gets)
    assert len(rec.of(ev.QUEUE_TASK_DONE)) == 4
    join_end = next(e for e in rec.of(ev.QUEUE_JOIN) if e["phase"] == "end")
    assert join_end.t > max(e.t for e in rec.of(ev.QUEUE_TASK_DONE))
    assert rec.lines()[-1] == "主" and line_time(rec, "主") > join_end.t
    assert rec.model.queues[q["queue"]].unfinished == 0


def test_threads_two_ways_both_run_in_the_main_process() -> None:
    rec = recorded("threads_two_ways")
    threads = [e for e in rec.of(ev.THREAD_START) if e.tid != rec.main_pid]
    assert len(threads) == 2 and {e.pid for e in threads} == {rec.main_pid}
    assert len({e.tid for e in rec.of(ev.THREAD_EXIT)}) == 2
    assert not rec.of(ev.PROC_SPAWN)
    assert "主" in rec.lines()


def test_echo_server_uppercases_and_gives_each_connection_its_own_thread() -> None:
    rec = recorded("echo_server")
    lines = rec.lines()
    sent = [m.groups() for m in (re.match(r"(client-\d) >>:(.*)", line) for line in lines) if m]
    replies = {m.groups() for m in (re.match(r"(client-\d) <<:(.*)", line) for line in lines) if m}
    assert len(sent) >= 4
    for client, message in sent:
        assert (client, message.upper()) in replies
    connections = [line for line in lines if line.startswith("('127.0.0.1'")]
    handlers = [e for e in rec.of(ev.THREAD_START) if "communicate" in e["name"]]
    assert len(connections) == len(handlers) >= 2
    assert len({e.tid for e in handlers}) == len(handlers)


def test_echo_server_keeps_both_connections_open_at_once() -> None:
    # Real time: each scripted client's 0.5 s sleeps keep its connection open 1.5 s, a margin no scheduling eats.
    rec = recorded("echo_server", speed=1.0)
    handlers = sorted((e for e in rec.of(ev.THREAD_START) if "communicate" in e["name"]), key=lambda e: e.t)
    # A connection's thread is a daemon: one still finishing when the main thread ends is ended with its process,
    # with no exit of its own (the run's last event is then when it was last alive).
    ended = {e.tid: e.t for e in rec.of(ev.THREAD_EXIT)}
    first, second = handlers
    assert second.t < ended.get(first.tid, max(e.t for e in rec.events))  # the second began while the first served


def test_echo_server_answers_lines_sent_to_its_stdin_instead_of_the_scripted_clients() -> None:
    run = Run(resolve_target("echo_server"), speed=SPEED, stdin="pipe")
    run.start()
    run.write_stdin("hello from the class\n")  # there before the script looks: well within its wait for a line
    run.close_stdin()
    rec = record_run(run, "echo_server", timeout=30)
    lines = rec.lines()
    assert ">>:hello from the class" in lines and "HELLO FROM THE CLASS" in lines
    assert not any(line.startswith("client-") for line in lines)
    assert lines[-1] == "主"


def test_echo_server_runs_its_clients_when_nothing_is_typed_and_still_answers_a_later_line() -> None:
    """stdin stays open and empty (the app's stdin line, nobody typing): the scripted clients start after the wait;
    a line sent once they have (so after the wait, whatever the machine's speed) is answered too, and the end of
    stdin (Ctrl+D in the app) ends the client, so the server is shut down and the main thread prints 主."""
    run = Run(resolve_target("echo_server"), speed=SPEED, stdin="pipe")

    def on_event(event: ev.Event) -> None:
        if any(line.startswith("client-1 <<:") for line in printed(event)) and run.stdin_open:
            run.write_stdin("too late for the wait\n")
            run.close_stdin()

    rec = record_run(run, "echo_server", timeout=30, on_event=on_event)
    lines = rec.lines()
    assert {"client-1 <<:BYE", "client-2 <<:DONE", "TOO LATE FOR THE WAIT"} <= set(lines)
    assert lines[-1] == "主" and rec.code == 0


def test_thread_methods_report_alive_and_counts() -> None:
    rec = recorded("thread_methods", speed=1.0)  # real time: t1's sleep(1) keeps it alive while the main counts
    lines = rec.lines()
    assert "threading.active_count(): 3" in lines and "threading.active_count(): 1" in lines
    assert "t1.is_alive(): True" in lines
    assert len([e for e in rec.of(ev.THREAD_START) if e.tid != rec.main_pid]) == 2


def test_daemon_thread_never_says_hello() -> None:
    rec = recorded("daemon_thread", speed=1.0)  # real time: its sleep(2) outlasts the main's two prints
    [daemon] = [e for e in rec.of(ev.THREAD_START) if e.tid != rec.main_pid]
    assert daemon["daemon"] is True
    assert not any("say hello" in line for line in rec.lines())
    assert not [e for e in rec.of(ev.THREAD_EXIT) if e.tid == daemon.tid]
    assert rec.lines() == ["主线程", "True"]


def test_why_processes_runs_the_work_on_threads_and_on_processes() -> None:
    rec = recorded("why_processes")
    assert len([e for e in rec.of(ev.THREAD_START) if e.tid != rec.main_pid]) == 2
    assert len(children_of(rec, rec.main_pid)) == 2
    assert any("线程" in line and "秒" in line for line in rec.lines())
    assert any("进程" in line and "秒" in line for line in rec.lines())


@pytest.mark.parametrize("scenario", [s.id for s in load_catalog() if s.part == 1])
def test_no_scenario_of_part_1_deadlocks_stalls_or_takes_locks_in_contradicting_orders(scenario: str) -> None:
    rec = recorded(scenario)  # the run the tests above share (recorded() checks each run of a scenario as it is made)
    assert not rec.of(ev.DEADLOCK) and not rec.of(ev.STALL) and not rec.of(ev.LOCK_ORDER)
    assert not rec.model.deadlocks and not rec.model.stalls and not rec.model.potential_deadlocks


# -- course part 2: deadlocks and the recursive lock ---------------------------------------------------------------
DEADLOCK_RUNS = 10


@pytest.mark.parametrize("attempt", range(DEADLOCK_RUNS))
def test_deadlock_the_scientists_threads_hold_one_lock_each_and_wait_for_the_other(attempt: int) -> None:
    rec = until_deadlock("deadlock")
    assert_deadlocked(rec, "noodle_lock", "fork_lock")
    assert sum(line.endswith("吃面") for line in rec.lines()) < 6  # the two of the cycle never eat
    assert len({m["pid"] for m in rec.of(ev.DEADLOCK)[0]["members"]}) == 1  # two threads of the main process


@pytest.mark.parametrize("method", [None, "spawn"])
@pytest.mark.parametrize("attempt", range(DEADLOCK_RUNS))
def test_deadlock_processes_each_hold_one_mp_lock_and_wait_for_the_other(method: str | None, attempt: int) -> None:
    # Real time: each task's sleep(1), holding its first lock, is the window in which the other, a process that has
    # to start first (a whole interpreter under spawn), takes its own.
    rec = until_deadlock("deadlock_processes", method, speed=1.0)
    assert_deadlocked(rec, "mutex_a", "mutex_b")
    assert "进程1 拿到B锁" not in rec.lines() and "进程2 拿到A锁" not in rec.lines()  # neither got its second
    assert len({m["pid"] for m in rec.of(ev.DEADLOCK)[0]["members"]}) == 2  # two child processes


def test_recursive_lock_lets_every_eater_eat_taking_the_rlock_twice_deep() -> None:
    rec = recorded("recursive_lock")  # recorded() asserts there is no deadlock
    assert sum(line.endswith("吃面") for line in rec.lines()) == 6
    [rlock] = [e["lock"] for e in rec.of(ev.LOCK_NEW) if e["type"] == "threading.RLock"]
    depth: dict[tuple[int, int], int] = {}
    deepest = 0
    for e in sorted(rec.events, key=lambda e: e.t):
        if e.kind in (ev.LOCK_ACQUIRE, ev.LOCK_RELEASE) and e.get("lock") == rlock:
            key = (e.pid, e.tid)
            depth[key] = depth.get(key, 0) + (1 if e.kind == ev.LOCK_ACQUIRE else -1)
            deepest = max(deepest, depth[key])
            assert sum(1 for d in depth.values() if d > 0) <= 1  # one owner at a time, however deep
    assert deepest == 2


def test_every_scenario_of_part_2_runs_alone_with_plain_python(tmp_path) -> None:
    """``python scenarios/NN_x.py``, all at once (they mostly sleep): each ends by itself. The deadlocking ones
    really hang, their waits with no timeout, until their watchdog ends them after 10 s with code 1; the
    philosophers may eat or hang (the dice decide); every other one exits 0."""
    import subprocess
    import sys
    import time as clock

    part_2 = [s for s in load_catalog() if s.part == 2]
    began = clock.monotonic()
    runs = {s.id: subprocess.Popen([sys.executable, str(s.path)], cwd=tmp_path, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True) for s in part_2}
    done = {}
    for sid, proc in runs.items():
        out, err = proc.communicate(timeout=60)
        done[sid] = (proc.returncode, out, err, clock.monotonic() - began)
    for sid, (code, out, err, took) in done.items():
        hung = "看门狗" in out
        if sid in ("deadlock", "deadlock_processes") or (sid == "dining_philosophers" and code != 0):
            assert code == 1 and hung and took >= 10, (sid, code, out, err)
        else:
            assert code == 0 and not hung and not err, (sid, code, out, err)
    assert "进程1 拿到B锁" not in done["deadlock_processes"][1]  # it deadlocked: neither got its second lock
