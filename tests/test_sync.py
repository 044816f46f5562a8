"""Conditions, events, barriers, semaphores and locks, traced in real runs under fork, spawn and forkserver.

Each sync_*.py script prints a CHECK line at a moment it chose, saying what it knows then (from the real object:
``n_waiting``, a semaphore's value, who holds what); the model folded from the events up to that line must say the
same. (The documentation's examples: tests/test_docs_examples.py.)"""

from __future__ import annotations

import re

import pytest

from tests.helpers import record_run, script
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.events import Event
from tui.engine.model import Model, State
from tui.engine.recording import Recording
from tui.engine.runner import Run

FORK_SPAWN = ["fork", "spawn"]
METHODS = ["fork", "spawn", "forkserver"]


def traced(name: str, method: str | None = None, speed: float = 10.0) -> Recording:
    """``contui run tests/scripts/NAME [METHOD]``, the script told the start method as ``python NAME METHOD`` is."""
    args = [method] if method else []
    run = Run(resolve_target(script(name), args=args), start_method=method, speed=speed, stdin="null")
    return record_run(run, name, timeout=60)


def at_checks(rec: Recording) -> dict[str, Model]:
    """The model as it was when each CHECK line was printed: the events sorted by time, folded up to that line."""
    events = sorted(rec.events, key=lambda e: e.t)
    found = {}
    for i, e in enumerate(events):
        text = str(e.get("text", ""))
        if e.kind == ev.STDOUT and text.startswith("CHECK "):
            found[text] = Model.from_events(events[:i + 1])
    return found


def said(line: str) -> dict[str, str]:
    """``CHECK pool free=1 of 3`` → {"free": "1"}: what the script says it knows."""
    return dict(re.findall(r"(\w+)=(\S+)", line))


def who(model: Model, keys: list[tuple[int, int]]) -> list[str]:
    """The main process's threads by their names; another process by its name (its main thread holds or waits)."""
    out = []
    for pid, tid in keys:
        th = model.thread(pid, tid)
        assert th is not None
        out.append(th.name if pid == model.run.main else model.processes[pid].name)
    return out


def check(models: dict[str, Model], prefix: str) -> tuple[Model, dict[str, str]]:
    [line] = [text for text in models if text.startswith(prefix)]
    return models[line], said(line)


def by_name(table: dict, name: str):  # type: ignore[no-untyped-def]
    [found] = [record for record in table.values() if record.name == name]
    return found


def assert_blocked_on(model: Model, keys: list[tuple[int, int]], oid: str) -> None:
    for key in keys:
        th = model.thread(*key)
        assert th is not None and (th.state, th.blocked_on) == (State.BLOCKED, oid), (key, th)


def made(rec: Recording, kind: str) -> list[Event]:
    return rec.of(kind)


# -- locks ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", FORK_SPAWN)
def test_lock_rlock_depth_a_failed_try_and_a_timeout_at_chosen_moments(method: str) -> None:
    rec = traced("sync_lock.py", method)
    models = at_checks(rec)
    m, says = check(models, "CHECK rlock depth=2")
    rlock = by_name(m.locks, "rlock")
    assert (rlock.type, who(m, rlock.owners), rlock.depth) == ("threading.RLock", [says["owner"]], int(says["depth"]))
    m, _ = check(models, "CHECK rlock free")
    assert by_name(m.locks, "rlock").free
    m, says = check(models, "CHECK mutex")
    mutex = by_name(m.locks, "mutex")
    assert (mutex.type, who(m, mutex.owners), mutex.waiters) == ("mp.Lock", [says["owner"]], [])
    assert (mutex.fails, mutex.timeouts) == (int(says["fails"]), int(says["timeouts"]))
    assert {"try without waiting: False", "try for a moment: False"} <= set(rec.lines())
    m, says = check(models, "CHECK turns")
    turns = by_name(m.locks, "turns")
    assert turns.free and turns.acquisitions == int(says["acquisitions"])
    assert [e["type"] for e in rec.of(ev.LOCK_NEW)] == ["threading.RLock", "mp.Lock", "mp.Lock"]


@pytest.mark.parametrize("method", FORK_SPAWN)
def test_a_lock_three_processes_take_turns_at_is_never_free_while_its_last_holder_waits(method: str) -> None:
    """The reported bug: events of the three arrive in batches, out of order. Folded in the order they arrived, the
    lock never shows free with its last holder among its waiters, nor two owners."""
    rec = traced("sync_lock.py", method)
    turns = next(e["lock"] for e in rec.of(ev.LOCK_NEW) if e["name"] == "turns")
    m = Model()
    last_holder = None
    for e in rec.events:  # as they arrived
        m.apply(e)
        lock = m.locks.get(turns)
        if lock is None or e.get("lock") != turns:
            continue
        assert len(lock.owners) <= 1
        if lock.owners:
            last_holder = lock.owner
        assert not (lock.free and last_holder in lock.waiters), e
    assert m.locks[turns].acquisitions == 450


# -- conditions -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_condition_waiting_room_and_lock_owner_at_chosen_moments(method: str) -> None:
    rec = traced("sync_condition.py", method)
    models = at_checks(rec)
    m, says = check(models, "CHECK cv room=2")
    cv = by_name(m.conditions, "cv")
    lock = m.locks[cv.lock]
    assert cv.type == "threading.Condition" and lock.within == cv.id
    assert who(m, cv.room) == ["first", "second"] and len(cv.room) == int(says["room"])
    assert who(m, lock.owners) == [says["owner"]]
    assert_blocked_on(m, cv.room, cv.id)
    assert m.waited_name(cv.id) == "cv (Condition)"
    # notify() woke the one that waited longest: it now waits to take the lock back.
    m, says = check(models, "CHECK cv notified")
    cv = by_name(m.conditions, "cv")
    assert who(m, cv.room) == ["second"] and len(cv.room) == int(says["room"])
    assert who(m, m.locks[cv.lock].waiters) == ["first"] and who(m, m.locks[cv.lock].owners) == [says["owner"]]
    assert_blocked_on(m, m.locks[cv.lock].waiters, cv.lock)
    m, _ = check(models, "CHECK cv room=0")
    assert by_name(m.conditions, "cv").room == [] and m.locks[by_name(m.conditions, "cv").lock].free

    m, says = check(models, "CHECK mcv room=2")
    mcv = by_name(m.conditions, "mcv")
    assert mcv.type == "mp.Condition" and m.locks[mcv.lock].type == "mp.RLock"
    assert sorted(who(m, mcv.room)) == ["waiter-1", "waiter-2"]
    assert who(m, m.locks[mcv.lock].owners) == [says["owner"]]
    assert_blocked_on(m, mcv.room, mcv.id)
    m, _ = check(models, "CHECK mcv room=0")
    assert by_name(m.conditions, "mcv").room == [] and m.locks[by_name(m.conditions, "mcv").lock].free
    # Only the script's own: the queues' conditions and locks are not reported.
    assert len(rec.of(ev.COND_NEW)) == 2 and all(e.get("within") for e in rec.of(ev.LOCK_NEW))
    assert sorted(line for line in rec.lines() if not line.startswith("CHECK")) == \
        ["consumed item-1", "consumed item-2", "woken waiter-1", "woken waiter-2"]


# -- events ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", FORK_SPAWN)
def test_event_flag_and_its_waiters_at_chosen_moments(method: str) -> None:
    rec = traced("sync_event.py", method)
    models = at_checks(rec)
    for name, kind in (("ready", "threading.Event"), ("go", "mp.Event")):
        m, says = check(models, f"CHECK {name} clear")
        e = by_name(m.sync_events, name)
        assert e.type == kind and not e.is_set
        assert sorted(who(m, e.waiters)) == [f"{name}-{i}" for i in range(3)] == sorted(who(m, e.waiters))
        assert len(e.waiters) == int(says["waiting"])
        assert_blocked_on(m, e.waiters, e.id)
        m, says = check(models, f"CHECK {name} set")
        e = by_name(m.sync_events, name)
        assert e.waiters == [] and e.sets == 1 and str(e.is_set) == says["is_set"]
    assert rec.of(ev.COND_NEW) == [] and rec.of(ev.LOCK_NEW) == []  # an Event's own condition is not reported


# -- barriers -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", FORK_SPAWN)
def test_barrier_parties_at_it_and_broken_at_chosen_moments(method: str) -> None:
    rec = traced("sync_barrier.py", method)
    models = at_checks(rec)
    for name, kind in (("gate", "threading.Barrier"), ("mgate", "mp.Barrier")):
        m, says = check(models, f"CHECK {name} waiting=2")
        b = by_name(m.barriers, name)
        assert (b.type, b.parties, b.n_waiting, b.broken) == (kind, int(says["parties"]), int(says["waiting"]), False)
        assert sorted(who(m, b.waiting)) == [f"{name}-0", f"{name}-1"]
        assert_blocked_on(m, b.waiting, b.id)
    m, says = check(models, "CHECK gate waiting=0")
    assert (by_name(m.barriers, "gate").n_waiting, by_name(m.barriers, "gate").passes) == (0, int(says["passes"]))
    m, says = check(models, "CHECK doomed")
    doomed = by_name(m.barriers, "doomed")
    assert str(doomed.broken) == says["broken"] and doomed.aborts == 1 and doomed.waiting == []
    assert "broken" in rec.lines()
    # Reported once, as a barrier: not as the condition and lock inside it.
    assert len(rec.of(ev.BARRIER_NEW)) == 3 and rec.of(ev.COND_NEW) == [] and rec.of(ev.LOCK_NEW) == []


# -- semaphores -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", FORK_SPAWN)
def test_semaphore_seats_holders_and_a_failed_try_at_chosen_moments(method: str) -> None:
    rec = traced("sync_semaphore.py", method)
    models = at_checks(rec)
    m, says = check(models, "CHECK pool")
    pool = by_name(m.semaphores, "pool")
    assert pool.type == "threading.BoundedSemaphore" and pool.bounded
    assert (pool.value, pool.seats, pool.taken) == (int(says["free"]), 3, 2)
    assert sorted(who(m, pool.holders)) == ["sitter-0", "sitter-1"]
    m, says = check(models, "CHECK seats")
    seats = by_name(m.semaphores, "seats")
    assert (seats.type, seats.value, seats.seats, seats.taken) == ("mp.Semaphore", int(says["free"]), 2, 2)
    assert (seats.fails, seats.timeouts) == (int(says["fails"]), int(says["timeouts"]))
    assert sorted(who(m, seats.holders)) == ["sitter-0", "sitter-1"] and seats.waiters == []
    ends = [m for line, m in models.items() if "nobody seated" in line]
    assert [(s.taken, s.value) for m in ends for s in m.semaphores.values() if s.acquisitions] == \
        [(0, 3), (0, 3), (0, 2)]
    # Semaphores report as semaphores, and only the script's: the queues' are not.
    assert [e["type"] for e in rec.of(ev.SEM_NEW)] == ["threading.BoundedSemaphore", "mp.Semaphore"]
    assert rec.of(ev.LOCK_NEW) == [] and rec.of(ev.COND_NEW) == []
