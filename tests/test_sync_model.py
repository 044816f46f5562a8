"""The fold of locks, conditions, events, barriers and semaphores from fixed event lists, and a property: however the
events of processes contending one lock interleave and arrive, the lock is never shown free while its last holder
waits for it, and a Lock never has two owners."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

import pytest

from tests.test_model import MAIN, A, B, C, E, fold, started
from tui.engine.events import Event
from tui.engine.model import Model, State

T1, T2 = MAIN + 1, MAIN + 2  # threads of the main process


def threads(*tids: int, t: int = 5) -> list[Event]:
    return [E(t + i, "thread.start", MAIN, tid, name=f"T{tid - MAIN}", daemon=False, ident=tid)
            for i, tid in enumerate(tids)]


def state_of(m: Model, pid: int, tid: int | None = None) -> tuple[State, str | None]:
    th = m.thread(pid, tid or pid)
    assert th is not None
    return th.state, th.blocked_on


# -- locks: the new facts -------------------------------------------------------------------------------------------
def test_a_failed_try_is_counted_and_blocks_nobody() -> None:
    m = fold(started(A) + [E(20, "lock.new", MAIN, lock="L", type="mp.Lock", site="s.py:1", name="m"),
                           E(21, "lock.acquire", MAIN, lock="L"), E(22, "lock.fail", A, lock="L", site="s.py:5")])
    assert m.locks["L"].fails == 1
    assert m.locks["L"].waiters == []
    assert state_of(m, A) == (State.RUNNING, None)


def test_a_wait_on_a_lock_nobody_is_known_to_hold_means_its_owner_has_not_reported_yet() -> None:
    # The reported bug: A's acquire, release and wait arrive before B's acquire, made between A's release and wait.
    head = started(A, B, C) + [E(20, "lock.new", MAIN, lock="L", type="mp.Lock", site="s.py:1", name="m")]
    m = fold(head + [E(30, "lock.acquire", A, lock="L"), E(31, "lock.release", A, lock="L"),
                     E(33, "lock.wait", A, lock="L"), E(34, "lock.wait", C, lock="L")])
    lock = m.locks["L"]
    assert lock.owners == [] and lock.owner_unreported and not lock.free
    assert lock.waiters == [(A, A), (C, C)]
    m.apply(E(32, "lock.acquire", B, lock="L"))  # on its way all along
    assert lock.owner == (B, B) and not lock.owner_unreported
    m.apply(E(40, "lock.release", B, lock="L"))
    assert lock.free  # A and C began waiting while B held it: they are about to be woken
    m.apply(E(41, "lock.acquire", C, lock="L"))
    assert lock.owner == (C, C) and lock.waiters == [(A, A)]


def test_a_waiter_that_tried_before_the_last_release_leaves_the_lock_free() -> None:
    m = fold(started(A, B) + [E(20, "lock.new", MAIN, lock="L", type="mp.Lock", site="s", name="m"),
                              E(30, "lock.acquire", A, lock="L"), E(31, "lock.wait", B, lock="L"),
                              E(32, "lock.release", A, lock="L")])
    assert m.locks["L"].free and m.locks["L"].waiters == [(B, B)]


def test_an_acquire_older_than_the_owners_is_a_hold_that_already_ended() -> None:
    m = fold(started(A, B, C) + [E(20, "lock.new", MAIN, lock="L", type="mp.Lock", site="s", name="m"),
                                 E(30, "lock.acquire", A, lock="L"), E(31, "lock.release", A, lock="L"),
                                 E(35, "lock.acquire", C, lock="L")])
    m.apply_many([E(32, "lock.acquire", B, lock="L"), E(33, "lock.release", B, lock="L")])  # late
    lock = m.locks["L"]
    assert lock.owners == [(C, C)] and lock.acquired_t == 35 and lock.acquisitions == 3


def test_rlock_depth_and_a_condition_wait_gives_every_level_up() -> None:
    m = fold(started() + threads(T1) + [
        E(20, "lock.new", MAIN, lock="R", type="threading.RLock", site="s", name=None, within="C"),
        E(21, "cond.new", MAIN, cond="C", type="threading.Condition", lock="R", site="s:1", name="cv"),
        E(22, "lock.acquire", MAIN, T1, lock="R"), E(23, "lock.acquire", MAIN, T1, lock="R"),
    ])
    assert (m.locks["R"].depth, m.locks["R"].owner) == (2, (MAIN, T1))
    m.apply_many([E(24, "cond.wait", MAIN, T1, cond="C", phase="begin", timeout=None),
                  E(25, "lock.release", MAIN, T1, lock="R"), E(25, "lock.release", MAIN, T1, lock="R")])
    assert m.locks["R"].free
    assert m.conditions["C"].room == [(MAIN, T1)]
    assert state_of(m, MAIN, T1) == (State.BLOCKED, "C")
    assert m.waited_name("C") == "cv (Condition)" and m.waited_name("R") == "lock of cv (RLock)"
    # Its own lock is shown inside the condition, not on its own.
    assert [type(p).__name__ for p in m.primitives()] == ["ConditionState"]


# -- conditions -----------------------------------------------------------------------------------------------------
def cond_with_two_waiters(kind: str) -> Model:
    return fold(started() + threads(T1, T2) + [
        E(20, "lock.new", MAIN, lock="R", type=f"{kind}.RLock", site="s", name=None, within="C"),
        E(21, "cond.new", MAIN, cond="C", type=f"{kind}.Condition", lock="R", site="s:1", name="cv"),
        E(22, "lock.acquire", MAIN, T1, lock="R"), E(23, "cond.wait", MAIN, T1, cond="C", phase="begin"),
        E(24, "lock.release", MAIN, T1, lock="R"),
        E(25, "lock.acquire", MAIN, T2, lock="R"), E(26, "cond.wait", MAIN, T2, cond="C", phase="begin"),
        E(27, "lock.release", MAIN, T2, lock="R"),
        E(30, "lock.acquire", MAIN, lock="R"),
    ])


def test_threading_notify_wakes_the_oldest_waiter_who_then_waits_for_the_lock() -> None:
    m = cond_with_two_waiters("threading")
    c = m.conditions["C"]
    assert c.room == [(MAIN, T1), (MAIN, T2)] and m.locks["R"].owner == (MAIN, MAIN)
    m.apply(E(31, "cond.notify", MAIN, cond="C", n=1))
    assert c.room == [(MAIN, T2)] and c.notifies == 1
    assert m.locks["R"].waiters == [(MAIN, T1)]
    assert state_of(m, MAIN, T1) == (State.BLOCKED, "R")
    m.apply_many([E(32, "lock.release", MAIN, lock="R"), E(33, "lock.acquire", MAIN, T1, lock="R"),
                  E(34, "cond.wait", MAIN, T1, cond="C", phase="end", result=True)])
    assert state_of(m, MAIN, T1) == (State.RUNNING, None)
    assert m.locks["R"].owner == (MAIN, T1) and m.locks["R"].waiters == []
    m.apply(E(35, "cond.notify", MAIN, T1, cond="C", n=-1))  # notify_all
    assert c.room == [] and state_of(m, MAIN, T2) == (State.BLOCKED, "R")


def test_multiprocessing_notify_names_nobody_a_waiter_leaves_when_it_takes_the_lock_back() -> None:
    m = cond_with_two_waiters("mp")
    c = m.conditions["C"]
    m.apply(E(31, "cond.notify", MAIN, cond="C", n=1))
    assert c.room == [(MAIN, T1), (MAIN, T2)]  # which one a semaphore wakes, only its own events tell
    m.apply(E(32, "lock.wait", MAIN, T2, lock="R"))
    assert c.room == [(MAIN, T1)] and state_of(m, MAIN, T2) == (State.BLOCKED, "R")
    m.apply_many([E(33, "lock.release", MAIN, lock="R"), E(34, "lock.acquire", MAIN, T2, lock="R"),
                  E(35, "cond.wait", MAIN, T2, cond="C", phase="end", result=True)])
    assert state_of(m, MAIN, T2) == (State.RUNNING, None)


def test_a_condition_on_the_scripts_own_lock_keeps_the_lock_a_card_of_its_own() -> None:
    m = fold(started() + threads(T1) + [
        E(20, "lock.new", MAIN, lock="L", type="mp.Lock", site="s", name="mutex"),
        E(21, "cond.new", MAIN, cond="C", type="mp.Condition", lock="L", site="s:1", name="cv"),
        E(22, "lock.acquire", MAIN, T1, lock="L"), E(23, "cond.wait", MAIN, T1, cond="C", phase="begin"),
        E(24, "lock.release", MAIN, T1, lock="L"), E(25, "lock.acquire", MAIN, lock="L"),
        E(26, "cond.notify", MAIN, cond="C", n=1), E(27, "lock.wait", MAIN, T1, lock="L"),
    ])
    assert m.conditions["C"].room == [] and m.locks["L"].waiters == [(MAIN, T1)]
    assert [p.id for p in m.primitives()] == ["L", "C"] and m.waited_name("L") == "mutex (Lock)"


def test_a_wait_that_timed_out_is_counted() -> None:
    m = cond_with_two_waiters("threading")
    m.apply_many([E(31, "lock.release", MAIN, lock="R"), E(40, "lock.acquire", MAIN, T1, lock="R"),
                  E(41, "cond.wait", MAIN, T1, cond="C", phase="end", result=False)])
    assert m.conditions["C"].timeouts == 1 and m.conditions["C"].room == [(MAIN, T2)]


# -- events ---------------------------------------------------------------------------------------------------------
def test_event_flag_waiters_and_set_that_wakes_them() -> None:
    m = fold(started(A, B) + [E(20, "event.new", MAIN, event="V", type="mp.Event", site="s:2", name="ready"),
                              E(21, "event.wait", A, event="V", phase="begin", timeout=None),
                              E(22, "event.wait", B, event="V", phase="begin", timeout=1.0)])
    e = m.sync_events["V"]
    assert (e.is_set, e.waiters, e.woken) == (False, [(A, A), (B, B)], [])
    assert state_of(m, A) == (State.BLOCKED, "V") and m.waited_name("V") == "ready (Event)"
    m.apply(E(30, "event.set", MAIN, event="V"))
    assert e.is_set and e.woken == [(A, A), (B, B)]  # their returns are on their way
    m.apply(E(31, "event.wait", A, event="V", phase="end", result=True))
    assert e.waiters == [(B, B)] and state_of(m, A) == (State.RUNNING, None)


def test_event_flag_follows_the_latest_call_by_time_not_by_arrival() -> None:
    m = fold(started(A) + [E(20, "event.new", MAIN, event="V", type="mp.Event", site="s", name="v"),
                           E(40, "event.clear", A, event="V"), E(30, "event.set", MAIN, event="V")])
    e = m.sync_events["V"]
    assert not e.is_set and (e.sets, e.clears) == (1, 1)


def test_an_event_wait_that_timed_out() -> None:
    m = fold(started(A) + [E(21, "event.wait", A, event="V", phase="begin", timeout=0.1),
                           E(22, "event.wait", A, event="V", phase="end", result=False)])
    assert m.sync_events["V"].timeouts == 1 and m.sync_events["V"].waiters == []


# -- barriers -------------------------------------------------------------------------------------------------------
def test_barrier_parties_waiting_passes_and_breaks() -> None:
    m = fold(started(A, B) + [E(20, "barrier.new", MAIN, barrier="G", type="mp.Barrier", parties=3, site="s",
                                name="gate"),
                              E(21, "barrier.wait", A, barrier="G", phase="begin", timeout=None),
                              E(22, "barrier.wait", B, barrier="G", phase="begin", timeout=None)])
    b = m.barriers["G"]
    assert (b.parties, b.n_waiting, b.broken) == (3, 2, False)
    assert state_of(m, B) == (State.BLOCKED, "G") and m.waited_name("G") == "gate (Barrier)"
    m.apply_many([E(23, "barrier.wait", MAIN, barrier="G", phase="begin"),
                  E(24, "barrier.wait", MAIN, barrier="G", phase="end", index=2),
                  E(25, "barrier.wait", A, barrier="G", phase="end", index=0),
                  E(26, "barrier.wait", B, barrier="G", phase="end", index=1)])
    assert (b.n_waiting, b.passes) == (0, 1) and state_of(m, A) == (State.RUNNING, None)
    m.apply_many([E(30, "barrier.wait", A, barrier="G", phase="begin"), E(31, "barrier.abort", MAIN, barrier="G"),
                  E(32, "barrier.wait", A, barrier="G", phase="end", broken=True)])
    assert b.broken and b.aborts == 1 and b.waiting == []
    m.apply(E(29, "barrier.reset", MAIN, barrier="G"))  # older than the abort: it changes nothing
    assert b.broken
    m.apply(E(40, "barrier.reset", MAIN, barrier="G"))
    assert not b.broken and b.resets == 2


# -- semaphores -----------------------------------------------------------------------------------------------------
def test_semaphore_seats_holders_waiters_timeouts_and_fails() -> None:
    m = fold(started(A, B, C) + [E(20, "sem.new", MAIN, sem="S", type="mp.BoundedSemaphore", value=2, site="s:3",
                                   name="pool"),
                                 E(21, "sem.acquire", A, sem="S"), E(22, "sem.acquire", A, sem="S"),
                                 E(23, "sem.wait", B, sem="S"), E(24, "sem.fail", C, sem="S")])
    s = m.semaphores["S"]
    assert (s.value, s.seats, s.taken, s.holders, s.waiters) == (0, 2, 2, [(A, A), (A, A)], [(B, B)])
    assert s.bounded and s.fails == 1 and state_of(m, B) == (State.BLOCKED, "S")
    assert m.waited_name("S") == "pool (BoundedSemaphore)"
    m.apply_many([E(25, "sem.release", A, sem="S"), E(26, "sem.acquire", B, sem="S")])
    assert (s.value, s.taken, s.holders, s.waiters) == (0, 2, [(A, A), (B, B)], [])
    assert state_of(m, B) == (State.RUNNING, None)
    m.apply_many([E(27, "sem.wait", C, sem="S"), E(28, "sem.timeout", C, sem="S")])
    assert s.timeouts == 1 and s.waiters == [] and state_of(m, C) == (State.RUNNING, None)


def test_a_release_by_a_thread_holding_no_seat_still_gives_one_back() -> None:
    m = fold(started(A, B) + [E(20, "sem.new", MAIN, sem="S", type="threading.Semaphore", value=0, site="s",
                                name="signal"),
                              E(21, "sem.release", A, sem="S", n=2)])
    s = m.semaphores["S"]
    assert (s.value, s.seats, s.taken) == (2, 2, 0)
    m.apply_many([E(22, "sem.acquire", B, sem="S"), E(23, "sem.release", A, sem="S")])
    assert (s.value, s.seats, s.taken, s.holders) == (2, 2, 0, [])


def test_a_semaphore_acquire_that_arrives_before_its_release_never_shows_fewer_than_no_seats() -> None:
    m = fold(started(A, B) + [E(20, "sem.new", MAIN, sem="S", type="mp.Semaphore", value=1, site="s", name="s"),
                              E(21, "sem.acquire", A, sem="S"), E(30, "sem.acquire", B, sem="S")])
    s = m.semaphores["S"]
    assert s.value == 0 and s.taken == 2  # A's release (t=25) is on its way
    m.apply(E(25, "sem.release", A, sem="S"))
    assert (s.value, s.taken, s.holders) == (0, 1, [(B, B)])


def test_primitives_in_the_order_they_were_made_and_waits_forgotten_when_a_process_ends() -> None:
    m = fold(started(A) + [
        E(20, "sem.new", MAIN, sem="S", type="mp.Semaphore", value=1, site="s", name="s"),
        E(21, "event.new", MAIN, event="V", type="mp.Event", site="s", name="v"),
        E(22, "lock.new", MAIN, lock="L", type="mp.Lock", site="s", name="l"),
        E(23, "barrier.new", MAIN, barrier="G", type="mp.Barrier", parties=2, site="s", name="g"),
        E(30, "event.wait", A, event="V", phase="begin"), E(31, "barrier.wait", A, barrier="G", phase="begin"),
    ])
    assert [p.id for p in m.primitives()] == ["S", "V", "L", "G"]
    m.apply(E(40, "proc.exit", A, code=0))
    assert m.sync_events["V"].waiters == [] and m.barriers["G"].waiting == []


# -- the property ---------------------------------------------------------------------------------------------------
@dataclass
class Contender:
    """One process taking a lock ``rounds`` times, as the tracer reports it: a try that fails is followed by a wait
    (a step later: the holder may let go in between), an acquire after the real one, a release stamped before."""

    pid: int
    rounds: int
    phase: str = "idle"  # idle -> (holding | tried -> waiting -> holding) -> idle ...
    events: list[Event] = field(default_factory=list)


def contend(owners: int, rounds: int, steps: list[int]) -> list[Contender]:
    """Run the contenders on one lock, each step letting the one ``steps`` picks move once."""
    people = [Contender(A + i, rounds) for i in range(owners)]
    holder: Contender | None = None
    t = 100
    # The steps given, then turns in a ring until everyone is done (every one of them moves on within a ring).
    for pick in itertools.chain(steps, range(10_000)):
        live = [p for p in people if p.rounds or p.phase != "idle"]
        if not live:
            break
        p = live[pick % len(live)]
        t += 1
        if p.phase == "holding":
            p.events.append(E(t, "lock.release", p.pid, lock="L"))
            holder, p.phase = None, "idle"
            p.rounds -= 1
        elif p.phase in ("idle", "waiting"):
            if holder is None:
                holder, p.phase = p, "holding"
                p.events.append(E(t, "lock.acquire", p.pid, lock="L"))
            elif p.phase == "idle":
                p.phase = "tried"
        elif p.phase == "tried":
            p.events.append(E(t, "lock.wait", p.pid, lock="L"))
            p.phase = "waiting"
    return people


def arrivals(people: list[Contender], order: list[int]) -> list[Event]:
    """The events in an arrival order that keeps each process's own order (batches of processes interleave)."""
    queues = [list(p.events) for p in people]
    out: list[Event] = []
    for pick in order:
        ready = [q for q in queues if q]
        if not ready:
            break
        q = ready[pick % len(ready)]
        out.extend(q[:1 + pick % 3])  # one to three of that process's events at once
        del q[:1 + pick % 3]
    return out + [e for q in queues for e in q]


def check_lock_invariants(people: list[Contender], arrival: list[Event]) -> None:
    m = fold(started(*(p.pid for p in people)) +
             [E(50, "lock.new", MAIN, lock="L", type="mp.Lock", site="s:1", name="mutex")])
    lock = m.locks["L"]
    last_holder = None
    for e in arrival:
        m.apply(e)
        assert len(lock.owners) <= 1, f"two owners of a Lock: {lock.owners}"
        if lock.owners:
            last_holder = lock.owner
        assert not (lock.free and last_holder in lock.waiters), \
            f"free while its last holder {last_holder} waits for it, after {e}"
    assert lock.owners == [] and lock.waiters == [] and lock.free
    assert lock.acquisitions == sum(1 for p in people for e in p.events if e.kind == "lock.acquire")


@pytest.mark.parametrize("seed", range(200))
def test_lock_is_never_free_while_its_last_holder_waits_random_seeds(seed: int) -> None:
    rng = random.Random(seed)
    owners = rng.randint(2, 5)
    people = contend(owners, rng.randint(1, 4), [rng.randrange(1000) for _ in range(400)])
    check_lock_invariants(people, arrivals(people, [rng.randrange(1000) for _ in range(400)]))


def test_lock_is_never_free_while_its_last_holder_waits_property() -> None:
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(owners=st.integers(2, 5), rounds=st.integers(1, 4),
                      steps=st.lists(st.integers(0, 999), min_size=1, max_size=300),
                      order=st.lists(st.integers(0, 999), max_size=300))
    def prop(owners: int, rounds: int, steps: list[int], order: list[int]) -> None:
        people = contend(owners, rounds, steps)
        check_lock_invariants(people, arrivals(people, order))

    prop()
