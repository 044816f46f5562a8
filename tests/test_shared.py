"""Shared memory and managers with real processes: Value/Array (their lock, where they live, what contui reads from
the processes' memory) and Manager/BaseManager (the server, each proxy call), under each start method."""

from __future__ import annotations

import time

import pytest

from tests.helpers import assert_model_took_every_event, run_traced, script
from tests.test_pipes import check_lines, model_at
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.collector import Collector
from tui.engine.events import Event
from tui.engine.model import Model, State
from tui.engine.recording import Recording
from tui.engine.runner import Run

METHODS = ["fork", "spawn", "forkserver"]
# Kinds that would mean a manager's server reported its own insides as the script's.
PRIMITIVE_KINDS = {ev.LOCK_NEW, ev.QUEUE_NEW, ev.PIPE_NEW, ev.VALUE_NEW, ev.MANAGER_NEW, ev.MANAGER_CALL,
                   ev.COND_NEW, ev.EVENT_NEW, ev.SEM_NEW, ev.BARRIER_NEW, ev.POOL_NEW}


def run_read_after_last_check(path: str, method: str, timeout: float = 60.0) -> Recording:
    """Run a script that waits on its stdin after its last CHECK line: once contui has read the shared values in a
    sample made after that line arrived, close its stdin and record the rest. Nothing is left to timing: the values
    cannot change after the line, and the read is made after it."""
    run = Run(resolve_target(path), start_method=method, stdin="pipe")
    rec = Recording()
    collector = Collector(run, rec.model)
    expected = sum(1 for line in open(path) if 'print("CHECK' in line)
    passes_at_last_check: int | None = None
    deadline = time.monotonic() + timeout
    try:
        run.start()
        while not collector.finished:
            rec.events.extend(collector.poll(0.05))
            reader = collector.values
            if passes_at_last_check is None and len(check_lines(rec)) == expected and reader is not None:
                passes_at_last_check = reader.passes
            elif passes_at_last_check is not None and reader is not None and reader.passes > passes_at_last_check:
                run.close_stdin()
            assert time.monotonic() < deadline, f"{path} did not finish within {timeout}s"
    finally:
        run.close()
    rec.code = next((e.get("code") for e in rec.of(ev.RUN_END)), None)
    assert_model_took_every_event(rec.model, path)
    return rec


def said(rec: Recording, name: str) -> str:
    """What the script printed after ``CHECK <name> ``."""
    return next(line.split(" ", 2)[2] for line in check_lines(rec) if line.split(" ", 2)[1] == name)


# -- Value and Array ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_values_read_from_memory_are_what_the_script_printed_after_the_join(method: str) -> None:
    rec = run_read_after_last_check(script("shared_value.py"), method)
    assert rec.code == 0
    values = {v.name: v for v in rec.model.values.values()}
    assert values["num"].value == said(rec, "num") == "3.1415927"
    assert values["arr"].value == said(rec, "arr") == str([-i for i in range(10)])
    assert values["text"].value == said(rec, "text") == "b'bye'"
    assert (values["num"].type, values["num"].typecode, values["arr"].length) == ("Value", "d", 10)
    # Each value's lock is reported as the script's, named after it.
    locks = {lock.name: lock for lock in rec.model.locks.values()}
    assert {name: locks[f"{name} (lock)"].id for name in values} == {name: v.lock for name, v in values.items()}
    assert all(lock.type == "mp.RLock" for lock in locks.values())
    # Under spawn and forkserver the child maps the values at addresses of its own, and says where.
    child = next(e["child"] for e in rec.of(ev.PROC_SPAWN))
    mapped = {e["value"] for e in rec.of(ev.VALUE_MAP) if e.pid == child}
    assert mapped == ({values["num"].id, values["arr"].id} if method != "fork" else set())


def test_with_get_lock_shows_the_value_lock_held_by_its_owner() -> None:
    rec = run_read_after_last_check(script("shared_value.py"), "fork")
    model = model_at(rec, "CHECK holding num's lock")
    num = next(v for v in model.values.values() if v.name == "num")
    main = rec.main_pid
    assert model.locks[num.lock].owners == [(main, main)]


def test_lost_updates_show_in_the_values_read_and_end_at_what_the_script_printed() -> None:
    rec = run_read_after_last_check(script("shared_race.py"), "fork")
    assert rec.code == 0
    [counter] = rec.model.values.values()
    samples = [int(e["repr"]) for e in rec.of(ev.VALUE_SAMPLE)]
    # Whether updates were lost is up to the OS; what contui read last is what the script found, either way.
    # (A lost update can even make the value go down between two reads: no order is asserted.)
    assert counter.value == said(rec, "counter") == str(samples[-1])
    assert 0 < samples[-1] <= 8000


# -- managers -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_manager_server_and_every_proxy_call_of_the_script(method: str) -> None:
    rec = run_traced(script("shared_manager.py"), start_method=method, timeout=60)
    assert rec.code == 0
    news = rec.of(ev.MANAGER_NEW)
    assert [(e["type"], e["name"]) for e in news] == [("SyncManager", "manager"), ("TallyManager", "tallies")]
    assert [e["server"] for e in news] == [int(said(rec, "server")), int(said(rec, "tally").split()[-1])]
    main = rec.main_pid
    assert {e.pid for e in news} == {main}

    # At the child's CHECK line the model has all its calls: five sets on the dict, the Lock taken and given back
    # around one append.
    model = model_at(rec, "CHECK child set 5 appended 1")
    sync_manager = model.managers[news[0]["manager"]]
    calls = {o.type: dict(o.calls) for o in sync_manager.objects.values()}
    assert calls == {"dict": {"__setitem__": 5}, "Lock": {"acquire": 1, "release": 1}, "list": {"append": 1}}
    child = next(e["child"] for e in rec.of(ev.PROC_SPAWN) if e["name"].startswith("Process-"))
    assert {c.caller for c in sync_manager.recent} == {(child, child)}
    assert not sync_manager.in_call

    # The server is named as its manager, and nothing of its insides is reported as the script's.
    servers = {e["server"] for e in news}
    assert {rec.model.processes[pid].name for pid in servers} == {"SyncManager-1", "TallyManager-3"}
    assert rec.model.manager_of_server(news[0]["server"]) is rec.model.managers[news[0]["manager"]]
    assert not [e for e in rec.events if e.pid in servers and e.kind in PRIMITIVE_KINDS]
    tally = rec.model.managers[news[1]["manager"]]
    assert [(o.type, dict(o.calls)) for o in tally.objects.values()] == [("Tally", {"add": 2})]
    assert "tally 2 5" in rec.lines()


def test_a_thread_waiting_for_the_servers_answer_is_blocked_on_the_manager() -> None:
    rec = run_traced(script("shared_manager.py"), timeout=60)
    events = sorted(rec.events, key=lambda e: e.t)
    begin = next(i for i, e in enumerate(events) if e.kind == ev.MANAGER_CALL and e["method"] == "acquire")
    call = events[begin]
    model = Model.from_events(events[: begin + 1])
    th = model.thread(call.pid, call.tid)
    assert th.state is State.BLOCKED and th.blocked_on == call["manager"]
    assert list(model.managers[call["manager"]].in_call) == [(call.pid, call.tid)]
    end = next(i for i, e in enumerate(events) if i > begin and e.kind == ev.MANAGER_CALL and e.pid == call.pid)
    assert Model.from_events(events[: end + 1]).thread(call.pid, call.tid).state is State.RUNNING


def test_a_value_is_read_from_a_fork_child_once_its_maker_is_gone() -> None:
    # A fork child has its parent's mappings at the same addresses; a spawned one says where (value.map).
    def E(t: int, kind: str, pid: int, **fields: object) -> Event:
        return Event(t, kind, pid, pid, fields)

    model = Model.from_events([
        E(1, ev.PROC_START, 10, ppid=1, name="MainProcess", method="main"),
        E(2, ev.PROC_START, 11, ppid=10, name="Process-1", method="fork"),  # started before the value: not mapped
        E(3, ev.VALUE_NEW, 10, value="V10.1", type="Value", typecode="i", addr=4096, size=4),
        E(4, ev.PROC_START, 12, ppid=10, name="Process-2", method="fork"),
        E(5, ev.PROC_START, 13, ppid=10, name="Process-3", method="spawn"),
        E(6, ev.VALUE_MAP, 13, value="V10.1", addr=8192, size=4),
    ])
    [value] = model.values.values()
    assert model.value_readers(value) == [(10, 4096), (13, 8192), (12, 4096)]
    model.apply(E(7, ev.PROC_EXIT, 10, code=0))
    assert model.value_readers(value) == [(13, 8192), (12, 4096)]
