"""The model folded from fixed event lists: no processes, no sleeps, no screen."""

from __future__ import annotations

from typing import Any

import pytest

from tui.engine.events import Event
from tui.engine.model import Model, OsStatus, OutputLine, ReapedBy, Segment, State, Stream

REAPER, MAIN, A, B, C = 100, 200, 301, 302, 303


def E(t: int, kind: str, pid: int, tid: int | None = None, **fields: Any) -> Event:
    """An event; the emitting thread defaults to the process's main thread (native tid == pid)."""
    return Event(t, kind, pid, pid if tid is None else tid, fields)


def started(*children: int, t: int = 10) -> list[Event]:
    """A run whose main process has started ``children`` (each with its own proc.start)."""
    evs = [
        E(0, "run.start", REAPER, target="x.py", cwd="/tmp", speed=1.0, start_method="fork", reaper=REAPER, main=MAIN),
        E(1, "proc.start", MAIN, ppid=REAPER, name="MainProcess", daemon=False, method="main"),
        E(2, "thread.start", MAIN, name="MainThread", daemon=False, ident=1),
    ]
    for i, pid in enumerate(children):
        evs.append(E(t + 2 * i, "proc.spawn", MAIN, child=pid, name=f"Process-{i + 1}", daemon=False, method="fork"))
        evs.append(E(t + 2 * i + 1, "proc.start", pid, ppid=MAIN, name=f"Process-{i + 1}", daemon=False,
                     method="fork"))
    return evs


def fold(events: list[Event]) -> Model:
    m = Model.from_events(events)
    assert m.rejected == 0
    return m


# -- locks ------------------------------------------------------------------------------------------------------

def test_three_processes_contending_for_a_lock_owner_and_waiters_in_arrival_order() -> None:
    evs = started(A, B, C) + [
        E(50, "lock.new", MAIN, lock="L1", type="mp.Lock", site="s.py:3", name="mutex"),
        E(60, "lock.acquire", B, lock="L1", site="s.py:9"),
        E(61, "lock.wait", C, lock="L1", site="s.py:9"),
        E(62, "lock.wait", A, lock="L1", site="s.py:9"),
    ]
    m = fold(evs)
    lock = m.locks["L1"]
    assert (lock.type, lock.name, lock.site) == ("mp.Lock", "mutex", "s.py:3")
    assert lock.owner == (B, B)
    assert lock.owners == [(B, B)]
    assert lock.waiters == [(C, C), (A, A)]
    assert lock.acquired_t == 60
    assert m.processes[C].state == "blocked" and m.processes[C].blocked_on == "L1"
    assert m.processes[A].threads[A].blocked_on == "L1"
    assert m.processes[B].state == "running"

    m.apply_many([
        E(70, "lock.release", B, lock="L1"),
        E(71, "lock.acquire", C, lock="L1", site="s.py:9"),
    ])
    assert lock.owner == (C, C)
    assert lock.waiters == [(A, A)]
    assert lock.acquired_t == 71
    assert lock.acquisitions == 2
    assert m.processes[C].state == "running" and m.processes[C].blocked_on is None
    assert m.processes[A].state == "blocked"

    m.apply_many([E(80, "lock.release", C, lock="L1"), E(81, "lock.acquire", A, lock="L1", site="s.py:9"),
                  E(90, "lock.release", A, lock="L1")])
    assert lock.owner is None and lock.owners == [] and lock.waiters == []
    assert lock.depth == 0 and lock.acquired_t is None and lock.acquisitions == 3


def test_rlock_reentry_counts_depth_not_owners() -> None:
    evs = started() + [
        E(10, "lock.new", MAIN, lock="R", type="threading.RLock", site="s.py:1", name="r"),
        E(11, "lock.acquire", MAIN, lock="R"),
        E(12, "lock.acquire", MAIN, lock="R"),
        E(13, "lock.acquire", MAIN, lock="R"),
    ]
    m = fold(evs)
    lock = m.locks["R"]
    assert lock.owners == [(MAIN, MAIN)]
    assert lock.depth == 3
    assert lock.acquired_t == 11
    m.apply(E(14, "lock.release", MAIN, lock="R"))
    assert (lock.owner, lock.depth) == ((MAIN, MAIN), 2)
    m.apply_many([E(15, "lock.release", MAIN, lock="R"), E(16, "lock.release", MAIN, lock="R")])
    assert (lock.owner, lock.depth) == (None, 0)


def test_out_of_order_acquire_before_the_release_converges_to_the_new_owner() -> None:
    # A released at t=20 and B acquired at t=21, but B's batch arrived first.
    evs = started(A, B) + [
        E(5, "lock.new", MAIN, lock="L", type="mp.Lock", site="s.py:1", name="m"),
        E(15, "lock.acquire", A, lock="L"),
        E(16, "lock.wait", B, lock="L"),
        E(21, "lock.acquire", B, lock="L"),
    ]
    m = fold(evs)
    lock = m.locks["L"]
    assert lock.owners == [(B, B)]  # a Lock has one owner: B's acquire means A's hold is over
    m.apply(E(20, "lock.release", A, lock="L"))
    assert lock.owners == [(B, B)]
    assert lock.owner == (B, B)
    assert lock.acquired_t == 21
    assert lock.waiters == []
    assert lock.depth == 1
    # a release only clears the releaser's own hold
    m.apply(E(30, "lock.release", C, lock="L"))
    assert lock.owner == (B, B)


def test_lock_first_seen_in_wait_is_created_lazily_and_lock_new_fills_it_in_later() -> None:
    m = fold(started(A) + [E(20, "lock.wait", A, lock="L9", site="s.py:4")])
    assert m.locks["L9"].type == "?"
    assert m.locks["L9"].waiters == [(A, A)]
    m.apply(E(5, "lock.new", MAIN, lock="L9", type="mp.Semaphore", site="s.py:2", name="sem"))
    assert (m.locks["L9"].type, m.locks["L9"].name) == ("mp.Semaphore", "sem")
    assert m.locks["L9"].waiters == [(A, A)]


def test_semaphore_may_have_several_owners() -> None:
    evs = started(A, B) + [
        E(5, "lock.new", MAIN, lock="S", type="threading.Semaphore", site="s.py:1", name="sem"),
        E(20, "lock.acquire", A, lock="S"),
        E(21, "lock.acquire", B, lock="S"),
    ]
    m = fold(evs)
    assert m.locks["S"].owners == [(A, A), (B, B)]
    m.apply(E(22, "lock.release", A, lock="S"))
    assert m.locks["S"].owners == [(B, B)]
    assert m.locks["S"].acquired_t == 21


def test_lock_timeout_counts_and_unblocks() -> None:
    evs = started(A, B) + [
        E(20, "lock.acquire", A, lock="L"),
        E(21, "lock.wait", B, lock="L"),
        E(30, "lock.timeout", B, lock="L"),
    ]
    m = fold(evs)
    assert m.locks["L"].timeouts == 1
    assert m.locks["L"].waiters == []
    assert m.processes[B].state == "running"


# -- process life ---------------------------------------------------------------------------------------------

def test_zombie_only_from_psutil_then_reaped_exited() -> None:
    m = fold(started(A) + [E(30, "proc.exit", A, code=0)])
    p = m.processes[A]
    assert p.state == "exited"  # said it ended; no sample yet, so no zombie is invented
    assert p.reaped is False
    m.apply(Event(40, "sample", A, 0, {"ppid": MAIN, "status": "zombie", "threads": 1, "cpu": 0.0,
                                       "parent_name": "python3"}))
    assert p.state == "zombie"
    assert p.os_status == "zombie"
    m.apply(E(90, "proc.reap", MAIN, child=A, code=0, by="parent"))
    assert p.state == "exited"
    assert p.state != "zombie"
    assert (p.reaped, p.exit_code, p.end, p.signal) == (True, 0, "exited", None)
    assert p.ended_t == 30 and p.reaped_t == 90
    # a zombie sample taken before the reap but folded after it changes nothing
    m.apply(Event(85, "sample", A, 0, {"ppid": MAIN, "status": "zombie", "threads": 1, "cpu": 0.0}))
    assert p.state == "exited"


def test_orphan_adopted_after_its_parent_exits() -> None:
    evs = started(A) + [
        E(20, "proc.start", B, ppid=A, name="Process-1:1", daemon=False, method="fork"),
        Event(25, "sample", B, 0, {"ppid": A, "status": "sleeping", "threads": 1, "cpu": 0.0,
                                   "parent_name": "python3"}),
    ]
    m = fold(evs)
    b = m.processes[B]
    assert b.adopted_by is None
    assert [c.pid for c in m.children(A)] == [B]
    m.apply_many([
        E(30, "proc.exit", A, code=0),
        E(31, "proc.reap", MAIN, child=A, code=0, by="parent"),
        Event(40, "sample", B, 0, {"ppid": REAPER, "status": "sleeping", "threads": 1, "cpu": 0.0,
                                   "parent_name": "contui-reaper"}),
    ])
    assert b.adopted_by == (REAPER, "contui-reaper")
    assert (b.ppid, b.original_ppid) == (REAPER, A)
    assert m.children(A) == []
    assert [r.pid for r in m.roots()] == [MAIN, B]


def test_orphan_seen_by_psutil_before_its_own_start_arrives() -> None:
    m = fold(started(A) + [
        Event(40, "sample", B, 0, {"ppid": REAPER, "status": "running", "threads": 1, "cpu": 5.0,
                                   "parent_name": "contui-reaper"}),
        E(20, "proc.start", B, ppid=A, name="Process-1:1", daemon=False, method="fork"),
    ])
    assert m.processes[B].adopted_by == (REAPER, "contui-reaper")
    assert m.processes[B].original_ppid == A


def test_daemon_killed_at_parent_exit() -> None:
    m = fold(started(A) + [
        E(40, "proc.terminate", MAIN, child=A, signal=15, reason="daemon-at-exit"),
        E(41, "proc.reap", MAIN, child=A, code=-15, by="parent"),
    ])
    p = m.processes[A]
    assert p.state == "daemon-killed"
    assert (p.end, p.exit_code, p.signal, p.terminated_by) == ("daemon-killed", -15, 15, (MAIN, "daemon-at-exit"))
    assert p.threads[A].state == "exited"


def test_terminate_by_call() -> None:
    m = fold(started(A) + [
        E(40, "proc.terminate", MAIN, child=A, signal=15, reason="call"),
        E(41, "proc.alive", MAIN, child=A, result=True),
        E(50, "proc.reap", MAIN, child=A, code=-15, by="parent"),
        E(51, "proc.alive", MAIN, child=A, result=False),
    ])
    p = m.processes[A]
    assert p.state == "terminated"
    assert (p.exit_code, p.signal, p.terminated_by) == (-15, 15, (MAIN, "call"))
    assert [(c.t, c.result, c.asker_pid) for c in p.alive_checks] == [(41, True, MAIN), (51, False, MAIN)]
    assert [mk.kind for mk in m.lanes[(A, A)].marks] == ["start", "terminate", "exit"]


def test_killed_by_a_signal_without_terminate() -> None:
    m = fold(started(A) + [E(50, "proc.reap", REAPER, child=A, code=-9, by="reaper")])
    p = m.processes[A]
    assert p.state == "killed"
    assert (p.exit_code, p.signal, p.reaped_by) == (-9, 9, "reaper")
    assert REAPER not in m.processes  # the reaper is contui's, not a process of the scenario


def test_terminate_arriving_after_the_reap_still_names_the_end() -> None:
    m = fold(started(A) + [
        E(50, "proc.reap", REAPER, child=A, code=-15, by="reaper"),
        E(40, "proc.terminate", MAIN, child=A, signal=15, reason="daemon-at-exit"),
    ])
    assert m.processes[A].state == "daemon-killed"


def test_exit_code_then_reap_with_a_signal_is_killed() -> None:
    m = fold(started(A) + [E(30, "proc.exit", A, code=0), E(40, "proc.reap", REAPER, child=A, code=-9)])
    assert (m.processes[A].state, m.processes[A].exit_code) == ("killed", -9)


def test_sample_gone_then_late_reap_corrects_the_end() -> None:
    m = fold(started(A) + [E(40, "proc.terminate", MAIN, child=A, signal=15, reason="call"),
                           Event(45, "sample.gone", A, 0, {})])
    p = m.processes[A]
    assert p.reaped is True and p.state == "exited" and p.exit_code is None
    m.apply(E(44, "proc.reap", REAPER, child=A, code=-15, by="reaper"))
    assert (p.state, p.exit_code, p.reaped_by) == ("terminated", -15, "reaper")


def test_exit_code_kept_when_only_psutil_saw_it_go() -> None:
    m = fold(started(A) + [E(30, "proc.exit", A, code=3), Event(45, "sample.gone", A, 0, {})])
    assert (m.processes[A].state, m.processes[A].exit_code, m.processes[A].reaped) == ("exited", 3, True)


def test_process_state_from_its_threads_and_psutil() -> None:
    m = fold(started(A, B, C) + [
        E(20, "sleep", A, secs=1, phase="begin"),
        E(21, "proc.join", MAIN, child=B, phase="begin", timeout=None),
        E(22, "thread.start", B, 2001, name="worker", daemon=True, ident=9),
        E(23, "thread.join", B, B, child=2001, name="worker", phase="begin"),
        E(24, "queue.block", C, queue="Q", op="get"),
    ])
    assert m.processes[A].state == "sleeping"
    assert m.processes[MAIN].state == "joining" and m.processes[MAIN].joining == B
    assert m.processes[B].state == "joining" and m.processes[B].joining == 2001
    assert m.processes[B].threads[B].joining_kind == "thread"
    assert m.processes[C].state == "blocked" and m.processes[C].blocked_on == "Q"
    assert m.processes[B].threads[2001].name == "worker" and m.processes[B].threads[2001].daemon is True
    m.apply(E(30, "sleep", A, secs=1, phase="end"))
    assert m.processes[A].state == "running"
    # psutil: waiting where the tracer cannot see (input(), accept()): sleeping; busy: running; stopped
    m.apply(Event(31, "sample", A, 0, {"ppid": MAIN, "status": "sleeping", "threads": 1, "cpu": 0.0}))
    assert m.processes[A].state == "sleeping"
    m.apply(Event(32, "sample", A, 0, {"ppid": MAIN, "status": "sleeping", "threads": 2, "cpu": 97.0}))
    assert m.processes[A].state == "running" and m.processes[A].thread_count == 2
    m.apply(Event(33, "sample", A, 0, {"ppid": MAIN, "status": "stopped", "threads": 2, "cpu": 0.0}))
    assert m.processes[A].state == "stopped"


def test_main_thread_exists_implicitly() -> None:
    m = fold(started(A))
    th = m.processes[A].threads[A]
    assert (th.name, th.tid, th.pid, th.state) == ("MainThread", A, A, "running")
    assert m.thread(A, A) is th


# -- queues -----------------------------------------------------------------------------------------------------

def test_queue_put_get_block_timeout_task_done() -> None:
    m = fold(started(A, B) + [
        E(5, "queue.new", MAIN, queue="Q", type="JoinableQueue", maxsize=2, site="s.py:5", name="q"),
        E(20, "queue.block", B, queue="Q", op="get"),
        E(21, "queue.put", A, queue="Q", item="'a'"),
        E(22, "queue.put", A, queue="Q", item="'b'"),
        E(23, "queue.get", B, queue="Q", item="'a'"),
    ])
    q = m.queues["Q"]
    assert (q.type, q.name, q.maxsize, q.capacity) == ("JoinableQueue", "q", 2, 2)
    assert list(q.items) == ["'b'"]
    assert q.blocked_getters == []
    assert (q.puts, q.gets, q.unfinished) == (2, 1, 2)
    assert m.processes[B].state == "running"

    m.apply_many([
        E(24, "queue.put", A, queue="Q", item="'c'"),
        E(25, "queue.block", A, queue="Q", op="put"),
    ])
    assert q.blocked_putters == [(A, A)]
    assert m.processes[A].state == "blocked" and m.processes[A].blocked_on == "Q"
    m.apply(E(30, "queue.timeout", A, queue="Q", op="put", error="Full", block=True))
    assert q.blocked_putters == [] and q.timeouts == 1
    assert m.processes[A].state == "running"

    m.apply_many([E(31, "queue.task_done", B, queue="Q"), E(32, "queue.task_done", B, queue="Q")])
    assert q.unfinished == 1
    m.apply_many([E(33, "queue.task_done", B, queue="Q")] * 3)
    assert q.unfinished == 0  # never below zero

    m.apply(E(40, "queue.join", MAIN, queue="Q", phase="begin"))
    assert q.joiners == [(MAIN, MAIN)]
    m.apply(E(41, "queue.join", MAIN, queue="Q", phase="end"))
    assert q.joiners == []


def test_queue_get_of_an_unknown_repr_takes_the_oldest_and_never_goes_negative() -> None:
    m = fold(started(A, B) + [
        E(5, "queue.new", MAIN, queue="Q", type="Queue", maxsize=0, site="s.py:5", name="q"),
        E(20, "queue.put", A, queue="Q", item="<Foo at 0x1>"),
        E(21, "queue.put", A, queue="Q", item="2"),
        E(22, "queue.get", B, queue="Q", item="<Foo at 0x9>"),
    ])
    q = m.queues["Q"]
    assert list(q.items) == ["2"]
    assert q.capacity is None
    m.apply_many([E(23, "queue.get", B, queue="Q", item="2"), E(24, "queue.get", B, queue="Q", item="2")])
    assert list(q.items) == []
    assert len(q.items) == 0


def test_queue_get_before_its_put_arrives_converges_to_empty() -> None:
    m = fold(started(A, B) + [
        E(22, "queue.get", B, queue="Q", item="'x'"),
        E(21, "queue.put", A, queue="Q", item="'x'"),
    ])
    assert list(m.queues["Q"].items) == []
    assert (m.queues["Q"].puts, m.queues["Q"].gets) == (1, 1)


def test_queue_join_end_settles_unfinished_even_with_late_or_lost_events() -> None:
    m = fold(started(A, B) + [
        E(5, "queue.new", MAIN, queue="Q", type="JoinableQueue", maxsize=0, site="s.py:5", name="q"),
        E(20, "queue.put", A, queue="Q", item="1"),
        E(21, "queue.put", A, queue="Q", item="2"),
        E(22, "queue.get", B, queue="Q", item="1"),
        E(23, "queue.get", B, queue="Q", item="2"),
        E(24, "queue.task_done", B, queue="Q"),
        # the second task_done was lost with its daemon consumer; join() returning says it happened
        E(30, "queue.join", MAIN, queue="Q", phase="begin"),
        E(40, "queue.join", MAIN, queue="Q", phase="end"),
    ])
    q = m.queues["Q"]
    assert q.unfinished == 0
    m.apply(E(25, "queue.task_done", B, queue="Q"))  # it was only late: nothing more to count
    m.apply(E(26, "queue.put", A, queue="Q", item="3"))  # stamped before join() returned: done by then
    assert q.unfinished == 0
    m.apply(E(50, "queue.put", A, queue="Q", item="4"))
    assert q.unfinished == 1


def test_late_waits_of_an_ended_process_are_not_shown() -> None:
    m = fold(started(A) + [
        E(40, "proc.terminate", MAIN, child=A, signal=15, reason="daemon-at-exit"),
        E(41, "proc.reap", MAIN, child=A, code=-15, by="parent"),
        E(35, "queue.block", A, queue="Q", op="get"),
        E(36, "lock.wait", A, lock="L"),
    ])
    assert m.queues["Q"].blocked_getters == []
    assert m.locks["L"].waiters == []
    assert m.processes[A].state == "daemon-killed"


# -- output -----------------------------------------------------------------------------------------------------

def test_partial_output_extends_its_line() -> None:
    m = fold(started() + [
        E(10, "stdout", MAIN, 7, stream="stdout", text=">>:", partial=True),
        E(11, "stdout", MAIN, 8, stream="stdout", text="other thread"),
    ])
    assert [ln.text for ln in m.lines] == [">>:", "other thread"]
    assert m.lines[0].partial is True
    m.apply(E(12, "stdout", MAIN, 7, stream="stdout", text="hello"))
    assert [ln.text for ln in m.lines] == [">>:hello", "other thread"]
    assert m.lines[0] == OutputLine(10, MAIN, 7, "stdout", ">>:hello", False)
    assert m.amended_lines == [0]
    m.apply(E(13, "stdout", MAIN, 7, stream="stdout", text="next"))
    assert [ln.text for ln in m.lines] == [">>:hello", "other thread", "next"]


def test_every_one_of_20000_lines_is_kept() -> None:
    m = Model()
    m.apply_many(E(i, "stdout", A, stream="stdout", text=f"line {i}") for i in range(20_000))
    assert len(m.lines) == 20_000
    assert m.lines[0].text == "line 0"
    assert m.lines[12_345].text == "line 12345"
    assert m.lines[-1].text == "line 19999"


def test_a_model_that_keeps_no_output_folds_everything_else() -> None:
    """contui run writes lines out as they come: its model keeps none of them, however many, but still knows the
    process that printed them and the exception it raised."""
    m = Model(keep_output=False)
    m.apply_many(started(A) + [E(20 + i, "stdout", A, stream="stdout", text="x" * 1000) for i in range(1000)])
    m.apply_many([E(2000, "exception", A, type="KeyError", message="'k'", where="process", traceback=TRACEBACK),
                  E(2001, "proc.reap", MAIN, child=A, code=1, by="parent")])
    assert m.lines == []
    assert A in m.processes
    assert [e.type for e in m.exceptions] == ["KeyError"]


def test_lines_remember_the_speed_they_were_printed_at_and_a_clock_event_moves_only_the_clock() -> None:
    m = fold(started() + [E(20, "stdout", MAIN, stream="stdout", text="主 3.01")])
    versions = dict(m.versions)
    m.apply(E(5_000_000_000, "clock", 0, 0))
    assert m.now == 5_000_000_000 and m.versions == versions  # the clock moved, nothing drawn from parts changed
    m.apply_many([E(5_000_000_001, "run.speed", 0, 0, speed=4.0),
                  E(5_000_000_002, "stdout", MAIN, stream="stdout", text="主 3.02")])
    assert [(line.text, line.speed) for line in m.lines] == [("主 3.01", 1.0), ("主 3.02", 4.0)]
    assert m.run.speed == 4.0


def test_exception_is_recorded() -> None:
    m = fold(started(A) + [E(30, "exception", A, type="ZeroDivisionError", message="division by zero",
                                traceback="Traceback...", where="process")])
    ex = m.exceptions[0]
    assert (ex.t, ex.pid, ex.tid, ex.type, ex.message, ex.where) == (30, A, A, "ZeroDivisionError",
                                                                     "division by zero", "process")


# -- robustness -------------------------------------------------------------------------------------------------

def test_unknown_kinds_unknown_pids_and_missing_fields_never_raise() -> None:
    m = Model()
    m.apply(E(1, "no.such.kind", 9, x=1))
    m.apply(E(2, "lock.acquire", 777, lock="L"))  # never-seen pid
    m.apply(E(3, "proc.reap", 5, child=888))  # no code
    m.apply(E(4, "lock.wait", 1, lock=None))
    m.apply(E(5, "lock.acquire", 2))  # no lock id
    m.apply(E(6, "queue.get", 3))
    m.apply(E(7, "proc.terminate", 4))
    m.apply(E(8, "sample", 999, status="zombie"))
    m.apply(E(9, "stdout", 5))
    m.apply(Event(10, "proc.exit", 6, 6, None))  # type: ignore[arg-type]
    m.apply(E(11, "proc.reap", 5, child=889, code="weird"))
    assert m.unknown == 1
    assert 777 in m.processes and 888 in m.processes
    assert m.processes[777].name == "?"
    assert m.locks["L"].owner == (777, 777)
    assert m.processes[888].reaped is True
    assert m.now == 11
    assert m.rejected >= 1  # counted, not raised


def test_ppid_cycle_is_broken_in_roots_and_children() -> None:
    m = Model.from_events([
        E(1, "proc.start", A, ppid=B, name="a"),
        E(2, "proc.start", B, ppid=C, name="b"),
        E(3, "proc.start", C, ppid=A, name="c"),
        E(4, "proc.start", MAIN, ppid=MAIN, name="self"),
    ])
    roots = [p.pid for p in m.roots()]
    assert roots == [A, MAIN]  # the cycle is cut at its earliest start; a self-parent is a root
    assert [p.pid for p in m.children(A)] == [C]
    assert [p.pid for p in m.children(C)] == [B]
    assert m.children(B) == []
    rows = [(p.pid, d) for p, d in m.walk()]
    assert rows == [(A, 0), (C, 1), (B, 2), (MAIN, 0)]


def test_children_sorted_by_start() -> None:
    m = fold(started() + [
        E(30, "proc.start", C, ppid=MAIN, name="c"),
        E(10, "proc.start", B, ppid=MAIN, name="b"),
        E(20, "proc.start", A, ppid=MAIN, name="a"),
    ])
    assert [p.pid for p in m.children(MAIN)] == [B, A, C]
    assert [p.pid for p in m.roots()] == [MAIN]


# -- timeline -----------------------------------------------------------------------------------------------------

def test_timeline_segments_sleep_then_running() -> None:
    m = fold(started(A) + [
        E(20, "sleep", A, secs=1, phase="begin"),
        E(30, "sleep", A, secs=1, phase="end"),
        E(35, "lock.acquire", A, lock="L"),
    ])
    lane = m.lanes[(A, A)]
    assert lane.label == "Process-1 [301]"
    assert lane.segments == [Segment("running", 11, 20), Segment("sleeping", 20, 30), Segment("running", 30, None)]
    assert [(mk.t, mk.kind) for mk in lane.marks] == [(11, "start"), (35, "acquire")]


def test_timeline_zombie_segment_until_reaped() -> None:
    m = fold(started(A) + [
        E(30, "proc.exit", A, code=0),
        Event(40, "sample", A, 0, {"ppid": MAIN, "status": "zombie", "threads": 1, "cpu": 0.0}),
        E(70, "proc.reap", MAIN, child=A, code=0, by="parent"),
    ])
    lane = m.lanes[(A, A)]
    assert lane.segments == [Segment("running", 11, 30), Segment("zombie", 40, 70)]
    assert [(mk.t, mk.kind) for mk in lane.marks] == [(11, "start"), (30, "exit")]


def test_timeline_stopped_segment() -> None:
    m = fold(started(A) + [
        Event(20, "sample", A, 0, {"ppid": MAIN, "status": "stopped", "threads": 1, "cpu": 0.0}),
        E(25, "sleep", A, secs=1, phase="begin"),  # a late event while stopped keeps the lane stopped
        Event(30, "sample", A, 0, {"ppid": MAIN, "status": "sleeping", "threads": 1, "cpu": 0.0}),
    ])
    assert m.lanes[(A, A)].segments == [Segment("running", 11, 20), Segment("stopped", 20, 30),
                                        Segment("sleeping", 30, None)]


def test_thread_lanes_start_and_exit() -> None:
    m = fold(started() + [
        E(10, "thread.start", MAIN, 5001, name="worker", daemon=False, ident=1),
        E(20, "thread.exit", MAIN, 5001, name="worker"),
    ])
    lane = m.lanes[(MAIN, 5001)]
    assert lane.label == "MainProcess [200] worker"
    assert lane.segments == [Segment("running", 10, 20)]
    assert [mk.kind for mk in lane.marks] == ["start", "exit"]
    assert m.processes[MAIN].threads[5001].state == "exited"
    assert m.processes[MAIN].threads[5001].ended_t == 20


# -- run and versions ---------------------------------------------------------------------------------------------

def test_run_info() -> None:
    m = fold(started() + [E(90, "proc.reap", REAPER, child=MAIN, code=0, by="reaper"),
                          E(91, "run.end", REAPER, code=0)])
    r = m.run
    assert (r.target, r.cwd, r.speed, r.start_method, r.reaper, r.main) == ("x.py", "/tmp", 1.0, "fork", REAPER,
                                                                              MAIN)
    assert (r.code, r.ended, r.t_start, r.t_end) == (0, True, 0, 91)
    assert m.now == 91
    assert [p.pid for p in m.roots()] == [MAIN]


def _bumped(m: Model, event: Event) -> set[str]:
    before = dict(m.versions)
    m.apply(event)
    return {k.value for k in m.versions if m.versions[k] != before[k]}


@pytest.mark.parametrize(
    ("event", "parts"),
    [
        (E(50, "stdout", A, stream="stdout", text="hi"), {"output"}),
        (E(50, "queue.put", A, queue="Q", item="1"), {"queues"}),
        (E(50, "lock.release", A, lock="L"), {"locks"}),
        (E(50, "lock.acquire", B, lock="M"), {"locks", "timeline"}),
        (E(50, "lock.wait", B, lock="L"), {"locks", "processes", "timeline"}),
        (E(50, "sleep", A, secs=1, phase="begin"), {"processes", "timeline"}),
        (Event(50, "sample", A, 0, {"ppid": MAIN, "status": "running", "threads": 1, "cpu": 3.0}), {"processes"}),
        (E(50, "proc.alive", MAIN, child=A, result=True), {"processes"}),
        (E(50, "no.such.kind", A), set()),
    ],
)
def test_versions_bump_only_for_the_part_that_changed(event: Event, parts: set[str]) -> None:
    m = fold(started(A, B) + [E(30, "lock.acquire", A, lock="L"), E(31, "queue.new", MAIN, queue="Q", type="Queue",
                                                                    maxsize=0, site="s", name="q")])
    assert _bumped(m, event) == parts


def test_late_release_of_a_displaced_owner_changes_nothing() -> None:
    m = fold(started(A, B) + [E(21, "lock.acquire", B, lock="L"), E(30, "lock.acquire", A, lock="L")])
    assert m.locks["L"].owners == [(B, B), (A, A)]  # type unknown: could be a semaphore, so both stay
    m = fold(started(A, B) + [E(5, "lock.new", MAIN, lock="L", type="mp.Lock", site="s", name="l"),
                              E(10, "lock.acquire", A, lock="L"), E(21, "lock.acquire", B, lock="L")])
    assert _bumped(m, E(20, "lock.release", A, lock="L")) == set()
    assert m.locks["L"].owner == (B, B)


# -- one dispatcher, typed states -------------------------------------------------------------------------------

def test_every_kind_of_the_protocol_has_exactly_one_handler() -> None:
    from tui.engine.model import HANDLERS
    from tui.inside.kinds import KINDS

    assert set(HANDLERS) == set(KINDS)


def test_states_are_enum_members_not_strings() -> None:
    m = fold(started(A) + [E(20, "sleep", A, secs=1, phase="begin"),
                           Event(21, "sample", A, 0, {"ppid": MAIN, "status": "sleeping", "threads": 1, "cpu": 0.0})])
    p = m.processes[A]
    assert p.state is State.SLEEPING and p.threads[A].state is State.SLEEPING
    assert p.os_status is OsStatus.SLEEPING and p.os_status.waiting
    assert m.lanes[(A, A)].segments[-1].state is State.SLEEPING


def test_a_state_psutil_has_no_name_for_is_known_as_unknown_and_a_bad_reason_is_rejected() -> None:
    m = Model.from_events(started(A) + [
        Event(20, "sample", A, 0, {"ppid": MAIN, "status": "no-such-status", "threads": 1, "cpu": 0.0}),
        E(21, "proc.terminate", MAIN, child=A, signal=15, reason="no-such-reason"),
    ])
    assert m.processes[A].os_status is OsStatus.UNKNOWN
    assert m.rejected == 1 and m.processes[A].terminated_by is None


# -- exceptions are output lines --------------------------------------------------------------------------------

TRACEBACK = "Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'k'\n"


def test_an_uncaught_exception_is_a_line_among_the_output_where_it_happened() -> None:
    m = fold(started(A) + [
        E(20, "stdout", A, stream="stdout", text="before"),
        E(21, "exception", A, type="KeyError", message="'k'", where="process", traceback=TRACEBACK),
        E(22, "stdout", A, stream="stderr", text="Traceback (most recent call last):"),
        E(23, "stdout", A, stream="stderr", text="KeyError: 'k'"),
        E(24, "proc.exit", A, code=1),
    ])
    assert [(line.stream, line.text) for line in m.lines] == [
        (Stream.STDOUT, "before"), (Stream.EXCEPTION, "KeyError: 'k'"),
        (Stream.STDERR, "Traceback (most recent call last):"), (Stream.STDERR, "KeyError: 'k'"),
    ]
    assert m.lines[1].exception is m.exceptions[0]
    assert not any(line.from_record for line in m.lines)  # it printed its traceback: nothing added


def test_a_traceback_its_process_never_printed_comes_from_the_record_when_the_process_ends() -> None:
    m = fold(started(A) + [
        E(21, "exception", A, type="KeyError", message="'k'", where="process", traceback=TRACEBACK),
    ])
    assert len(m.lines) == 1  # still waiting for the process to print it
    m.apply(E(30, "proc.reap", MAIN, child=A, code=-9, by="parent"))
    assert [line.text for line in m.lines[1:]] == TRACEBACK.splitlines()
    assert all(line.from_record and line.stream is Stream.STDERR for line in m.lines[1:])


def test_a_printed_line_cannot_claim_to_be_an_exception() -> None:
    m = Model.from_events(started() + [E(20, "stdout", MAIN, stream="exception", text="fake")])
    assert m.rejected == 1 and not m.lines


def test_a_process_whose_reap_never_came_is_gone_when_the_run_ends() -> None:
    m = fold(started(A) + [Event(20, "sample", A, 0, {"ppid": MAIN, "status": "stopped", "threads": 1, "cpu": 0.0})])
    assert m.processes[A].state is State.STOPPED
    m.apply(E(30, "proc.reap", REAPER, child=MAIN, code=-9, by="reaper"))
    m.apply(E(31, "run.end", REAPER, code=-9))
    a = m.processes[A]
    assert a.ended and a.reaped_by is ReapedBy.GONE and a.state is not State.STOPPED
    assert m.lanes[(A, A)].open is None  # its stopped stretch ends with the run


def test_a_model_dropped_is_freed_at_once_not_left_to_the_garbage_collector() -> None:
    """No reference cycle holds a model (a table of its own bound methods did): each moment a recording is scrubbed
    to is a model of thousands of objects, and the collector finding them held frames up."""
    import gc
    import weakref

    model = Model.from_events([
        E(0, "proc.start", 10, ppid=1, name="MainProcess"),
        E(1, "thread.start", 10, 11, name="worker"),
        E(2, "lock.acquire", 10, 11, lock="L1", type="threading.Lock"),
        E(3, "stdout", 10, 11, stream="stdout", text="hello"),
    ])
    assert model.processes and model.lines
    gone = weakref.ref(model)
    gc.disable()
    try:
        del model
        assert gone() is None
    finally:
        gc.enable()
