"""Deadlocks seen as they form: a cycle of threads (in one process or several) each waiting, with no timeout, for a
lock the next one holds is told as a ``deadlock`` event soon after the last of those waits began, once, with who
holds and wants what and where; waits that only look like one (timeouts, RLock re-entry, a condition's wait, a slow
holder) never are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import record_run, run_traced, script
from tests.scenario_runs import until_deadlock
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.deadlocks import SETTLE_NS, STALL_SETTLE_NS, DeadlockWatch, find_cycle, sentence
from tui.engine.export import chrome_trace
from tui.engine.jsonl import RecordingHeader
from tui.engine.model import Model
from tui.engine.plain import SENTENCES
from tui.engine.recording import Recording
from tui.engine.runner import Run

RUNS = 10
ROOT = Path(__file__).resolve().parent.parent
MAX_DELAY_NS = 500_000_000  # the deadlock event comes within 0.5 s of the wait that closed the cycle


def _record_until_deadlock(name: str, method: str | None = None) -> Recording:
    return until_deadlock(script(name), method, speed=1.0)


def _check_cycle(rec: Recording, script_name: str) -> None:
    [deadlock] = rec.of(ev.DEADLOCK)
    members = deadlock["members"]
    assert sorted(m["name"] for m in members) == ["a_then_b", "b_then_a"]
    by_name = {m["name"]: m for m in members}
    assert (by_name["a_then_b"]["holds_name"], by_name["a_then_b"]["wants_name"]) == ("mutex_a", "mutex_b")
    assert (by_name["b_then_a"]["holds_name"], by_name["b_then_a"]["wants_name"]) == ("mutex_b", "mutex_a")
    for m in members:  # where each took its lock and where it waits: the lines of `with mutex_x:` in the script
        assert m["taken_at"].startswith(script_name) and m["waits_at"].startswith(script_name)
        assert m["taken_at"] != m["waits_at"]
    # It came soon after the second of the two waits began, the one that closed the cycle.
    waits = [e for e in rec.of(ev.LOCK_WAIT) if e.get("lock") in (by_name["a_then_b"]["wants"],
                                                                   by_name["b_then_a"]["wants"])]
    assert len(waits) == 2
    assert 0 < deadlock.t - max(e.t for e in waits) <= MAX_DELAY_NS
    # The model has it, with the same members, and every view words it.
    [record] = rec.model.deadlocks
    assert {(m.pid, m.tid) for m in record.members} == {(m["pid"], m["tid"]) for m in members}
    words = sentence(deadlock.fields)
    assert "a_then_b holds mutex_a" in words and "b_then_a holds mutex_b" in words
    assert SENTENCES[ev.DEADLOCK](deadlock, rec.model, "contui").startswith("deadlock: ")


@pytest.mark.parametrize("attempt", range(RUNS))
def test_two_threads_taking_two_locks_in_opposite_order_are_told_deadlocked(attempt: int) -> None:
    _check_cycle(_record_until_deadlock("deadlock_threads.py"), "deadlock_threads.py")


@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize("attempt", range(RUNS))
def test_two_processes_taking_two_mp_locks_in_opposite_order_are_told_deadlocked(method: str, attempt: int) -> None:
    rec = _record_until_deadlock("deadlock_processes.py", method)
    _check_cycle(rec, "deadlock_processes.py")
    assert len({m["pid"] for m in rec.of(ev.DEADLOCK)[0]["members"]}) == 2  # one thread in each of two processes


def test_the_export_marks_the_deadlock() -> None:
    rec = _record_until_deadlock("deadlock_threads.py")
    trace = chrome_trace(RecordingHeader.for_target(resolve_target(script("deadlock_threads.py"))), rec.events)
    assert [i for i in trace["traceEvents"] if i.get("ph") == "i" and str(i.get("name")).startswith("deadlock: ")]


def test_waits_that_end_by_themselves_are_never_a_deadlock() -> None:
    rec = run_traced(script("no_deadlocks.py"))
    assert rec.code == 0 and rec.lines()[-1] == "done"
    assert any("got both after" in line for line in rec.lines())
    assert rec.of(ev.LOCK_WAIT)  # there were waits (timed ones among them), just no cycle of waits for ever
    assert any(e.get("timeout") == 0.3 for e in rec.of(ev.LOCK_WAIT))
    assert not rec.of(ev.DEADLOCK) and not rec.model.deadlocks
    assert not rec.of(ev.STALL)


def test_a_thread_holding_a_lock_and_joining_the_thread_that_wants_it_is_a_deadlock() -> None:
    rec = until_deadlock(script("deadlock_join.py"), speed=1.0)
    [deadlock] = rec.of(ev.DEADLOCK)
    by_name = {m["name"]: m for m in deadlock["members"]}
    assert sorted(by_name) == ["MainProcess", "worker"]
    main, worker = by_name["MainProcess"], by_name["worker"]
    assert (main["holds_name"], main["wants_kind"], main["wants_name"]) == ("mutex", "join", "worker")
    assert (worker["holds"], worker["wants_kind"], worker["wants_name"]) == ("", "lock", "mutex")
    assert "MainProcess holds mutex" in sentence(deadlock.fields) and "waits for worker to end" in sentence(
        deadlock.fields)
    join = next(e for e in rec.of(ev.THREAD_JOIN) if e.get("phase") == "begin")
    wait = next(e for e in rec.of(ev.LOCK_WAIT) if e.get("lock") == worker["wants"])
    assert 0 < deadlock.t - max(join.t, wait.t) <= MAX_DELAY_NS


def test_a_semaphore_seat_and_a_lock_taken_in_opposite_order_are_a_deadlock() -> None:
    rec = until_deadlock(script("deadlock_semaphore.py"), speed=1.0)
    [deadlock] = rec.of(ev.DEADLOCK)
    by_name = {m["name"]: m for m in deadlock["members"]}
    assert sorted(by_name) == ["lock_then_seat", "seat_then_lock"]
    assert (by_name["seat_then_lock"]["holds_name"], by_name["seat_then_lock"]["wants_name"]) == ("seat", "mutex")
    assert (by_name["lock_then_seat"]["wants_kind"], by_name["lock_then_seat"]["wants_name"]) == ("seat", "seat")
    assert all(m["taken_at"] and m["waits_at"] for m in deadlock["members"])
    [record] = rec.model.deadlocks
    assert record.locks == {by_name["seat_then_lock"]["wants"], by_name["lock_then_seat"]["wants"]}


@pytest.mark.parametrize("name", ["stall_thread_queue.py", "stall_processes.py"])
def test_every_thread_waiting_for_ever_with_no_cycle_is_a_stall(name: str) -> None:
    run = Run(resolve_target(script(name)), stdin="null")
    rec = record_run(run, name, timeout=30, on_event=lambda e: run.stop() if e.kind == ev.STALL else None)
    [stall] = rec.of(ev.STALL)
    assert not rec.of(ev.DEADLOCK)
    started = {(e.pid, e.pid) for e in rec.of(ev.PROC_START)} | {(e.pid, e.tid) for e in rec.of(ev.THREAD_START)}
    alive = started - {(e.pid, e.tid) for e in rec.of(ev.THREAD_EXIT) if e.t < stall.t}
    assert {(m["pid"], m["tid"]) for m in stall["members"]} == alive  # every live thread, each waiting
    last_wait = max(e.t for e in rec.events if e.kind in (ev.QUEUE_BLOCK, ev.PROC_JOIN) and e.t < stall.t)
    assert STALL_SETTLE_NS <= stall.t - last_wait <= STALL_SETTLE_NS + MAX_DELAY_NS
    assert "stall: every thread waits" in SENTENCES[ev.STALL](stall, rec.model, "contui")
    assert rec.model.stalls and rec.model.stalls[0].threads == {(m["pid"], m["tid"]) for m in stall["members"]}


def test_threads_waiting_for_ever_while_one_sleeps_are_no_stall() -> None:
    rec = run_traced(script("no_stalls.py"))
    assert rec.code == 0 and rec.lines()[-1] == "done"
    assert rec.of(ev.QUEUE_BLOCK) and rec.of(ev.EVENT_WAIT) and rec.of(ev.PROC_JOIN)
    assert not rec.of(ev.STALL) and not rec.of(ev.DEADLOCK)


def _wire(t: int, kind: str, pid: int, tid: int, **fields: object) -> tuple[int, str, int, int, dict[str, object]]:
    return (t, kind, pid, tid, dict(fields))


def _two_waits(timeout: float | None = None) -> Model:
    """Threads 11 and 12 of process 10: 11 holds A and waits for B, 12 holds B and waits for A (at t 2 and 3)."""
    model = Model()
    model.apply_wires([
        _wire(0, ev.PROC_START, 10, 10, ppid=1, name="MainProcess", daemon=False, method="main"),
        _wire(1, ev.LOCK_ACQUIRE, 10, 11, lock="A", type="threading.Lock", site="x.py:1"),
        _wire(1, ev.LOCK_ACQUIRE, 10, 12, lock="B", type="threading.Lock", site="x.py:5"),
        _wire(2, ev.LOCK_WAIT, 10, 11, lock="B", site="x.py:2"),
        _wire(3, ev.LOCK_WAIT, 10, 12, lock="A", site="x.py:6", **({} if timeout is None else {"timeout": timeout})),
    ])
    return model


def test_a_cycle_counts_once_every_wait_in_it_has_lasted() -> None:
    model = _two_waits()
    assert find_cycle(model, 3 + SETTLE_NS - 1) is None  # the second wait is too young yet
    members = find_cycle(model, 3 + SETTLE_NS)
    assert members is not None
    assert {(m.tid, m.holds, m.wants, m.taken_at, m.waits_at) for m in members} == {
        (11, "A", "B", "x.py:1", "x.py:2"), (12, "B", "A", "x.py:5", "x.py:6")}


def test_a_wait_with_a_timeout_or_for_a_lock_a_thread_holds_itself_makes_no_cycle() -> None:
    assert find_cycle(_two_waits(timeout=1.0), 10 * SETTLE_NS) is None
    model = Model()
    model.apply_wires([  # a Lock used as a signal: its holder waits for it; another thread will release it
        _wire(0, ev.PROC_START, 10, 10, ppid=1, name="MainProcess", daemon=False, method="main"),
        _wire(1, ev.LOCK_ACQUIRE, 10, 10, lock="done", type="threading.Lock", site="x.py:1"),
        _wire(2, ev.LOCK_WAIT, 10, 10, lock="done", site="x.py:2"),
    ])
    assert find_cycle(model, 10 * SETTLE_NS) is None


def test_contui_run_says_the_deadlock_in_one_line_on_stderr_and_lets_the_run_go_on() -> None:
    done = subprocess.run([sys.executable, "-m", "tui", "run", "--timeout", "2", script("deadlock_threads.py")],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    said = [line for line in done.stderr.splitlines() if line.startswith("contui: deadlock: ")]
    assert len(said) == 1 and "a_then_b holds mutex_a" in said[0] and "b_then_a holds mutex_b" in said[0]
    assert done.returncode == 124  # it went on until --timeout stopped it


def test_locks_taken_in_opposite_orders_by_two_threads_are_a_potential_deadlock_even_in_a_lucky_run() -> None:
    rec = run_traced(script("lock_order_lucky.py"))
    assert rec.code == 0 and not rec.of(ev.DEADLOCK)
    [warning] = rec.of(ev.LOCK_ORDER)
    orders = {m["name"]: m for m in warning["orders"]}
    assert sorted(orders) == ["a_then_b", "b_then_a"]
    assert (orders["a_then_b"]["first_name"], orders["a_then_b"]["then_name"]) == ("mutex_a", "mutex_b")
    assert (orders["b_then_a"]["first_name"], orders["b_then_a"]["then_name"]) == ("mutex_b", "mutex_a")
    source = Path(script("lock_order_lucky.py")).read_text(encoding="utf-8").splitlines()
    for m in warning["orders"]:  # each order's two lines: the `with` of its first lock, then of its second
        first, then = (int(site.rpartition(":")[2]) for site in (m["first_at"], m["then_at"]))
        assert source[first - 1].strip() == f"with {m['first_name']}:"
        assert source[then - 1].strip() == f"with {m['then_name']}:"
    # It came once the second order was taken: after the second thread's second acquire.
    second = [e for e in rec.of(ev.LOCK_ACQUIRE) if e.tid == warning["orders"][0]["tid"]]
    assert warning.t >= second[-1].t
    [record] = rec.model.potential_deadlocks
    assert record.threads == {(m["pid"], m["tid"]) for m in warning["orders"]}
    assert SENTENCES[ev.LOCK_ORDER](warning, rec.model, "contui").startswith("potential deadlock: ")


def test_lock_orders_of_one_thread_or_with_timeouts_are_no_potential_deadlock() -> None:
    rec = run_traced(script("no_deadlocks.py"))  # opposite orders, but the second lock is tried with a timeout
    assert not rec.of(ev.LOCK_ORDER) and not rec.model.potential_deadlocks
    model = Model()
    model.apply_wires([  # one thread takes A then B, later B then A: it never waits for itself
        _wire(0, ev.PROC_START, 10, 10, ppid=1, name="MainProcess", daemon=False, method="main"),
        _wire(1, ev.LOCK_ACQUIRE, 10, 10, lock="A", type="threading.Lock", site="x.py:1"),
        _wire(2, ev.LOCK_ACQUIRE, 10, 10, lock="B", type="threading.Lock", site="x.py:2"),
        _wire(3, ev.LOCK_RELEASE, 10, 10, lock="B"),
        _wire(4, ev.LOCK_RELEASE, 10, 10, lock="A"),
        _wire(5, ev.LOCK_ACQUIRE, 10, 10, lock="B", type="threading.Lock", site="x.py:5"),
        _wire(6, ev.LOCK_ACQUIRE, 10, 10, lock="A", type="threading.Lock", site="x.py:6"),
    ])
    assert set(model.lock_orders) == {("A", "B"), ("B", "A")}
    assert not [kind for kind, _ in DeadlockWatch().found(model, 10)]
    model.apply_wires([  # another thread takes C while holding A, having taken A with a timeout: no order
        _wire(7, ev.LOCK_RELEASE, 10, 10, lock="A"),
        _wire(8, ev.LOCK_RELEASE, 10, 10, lock="B"),
        _wire(9, ev.LOCK_ACQUIRE, 10, 11, lock="C", type="threading.Lock", site="x.py:9"),
        _wire(10, ev.LOCK_ACQUIRE, 10, 11, lock="A", type="threading.Lock", site="x.py:10", tried=True),
    ])
    assert ("C", "A") not in model.lock_orders


def test_locks_made_by_one_line_under_one_name_are_numbered_in_the_order_they_were_made() -> None:
    model = Model()
    model.apply_wires([_wire(0, ev.PROC_START, 10, 10, ppid=1, name="MainProcess", daemon=False, method="main")] + [
        _wire(i, ev.LOCK_NEW, 10, 10, lock=f"L{i}", type="threading.Lock", site="x.py:2", name="forks")
        for i in (1, 2, 3)] + [
        _wire(4, ev.LOCK_NEW, 10, 10, lock="L2", type="threading.Lock", site="x.py:2", name="forks"),  # told again
        _wire(5, ev.LOCK_NEW, 10, 10, lock="M", type="threading.Lock", site="x.py:3", name="mutex"),
    ])
    assert [model.locks[f"L{i}"].name for i in (1, 2, 3)] == ["forks #1", "forks #2", "forks #3"]
    assert model.locks["M"].name == "mutex"
