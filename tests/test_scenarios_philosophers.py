"""The dining philosophers (scenarios 28 and 29), proven from their events: with the seed whose think times make it
certain (checked from the run's own sleeps), the five threads each hold their left fork and wait for their right one,
and contui names all five within 0.5 s of the wait that closed the ring, every time; with random think times a run
either deadlocks with all five in the ring (the only ring five philosophers can make) or ends with everyone fed; the
ordered version, which takes the lower-numbered fork first, never deadlocks, with random think times or with the seed
that always deadlocks the unordered one."""

from __future__ import annotations

import re

import pytest

from tests.scenario_runs import until_deadlock
from tui.engine import events as ev
from tui.engine.events import Event
from tui.engine.recording import Recording

NAMES = ["egon", "alex", "yuan", "wupeiqi", "lary"]  # philosopher i sits between fork<i> (left) and fork<i+1>
ROUNDS = 3
GAP = 0.3  # each philosopher's sleep between its first fork and its second
# The scenario's seed for a certain deadlock: its five first think times lie within SPREAD of each other (0.052 s;
# the test checks it from the sleeps the run made), so all five have taken their left fork while the first to take
# one still sleeps the GAP before asking for its right one. Run at real speed, that leaves at least GAP - SPREAD =
# 0.2 s, far more than starting five threads takes.
DEADLOCK_SEED = "139441"
SPREAD = 0.1
RUNS = 10


def philosopher_threads(rec: Recording) -> dict[str, tuple[int, int]]:
    """Each philosopher's (pid, tid), from the thread names the scenario gives them."""
    found = {e["name"]: (e.pid, e.tid) for e in rec.of(ev.THREAD_START) if e.get("name") in NAMES}
    assert sorted(found) == sorted(NAMES)
    assert {pid for pid, _ in found.values()} == {rec.main_pid}  # threads of the one process
    return found


def forks(rec: Recording) -> dict[str, int]:
    """Lock id -> its fork's number, from the names the scenario's assignments (fork0 = Lock() ...) give them."""
    found = {e["lock"]: int(e["name"].removeprefix("fork")) for e in rec.of(ev.LOCK_NEW)
             if re.fullmatch(r"fork\d", str(e.get("name")))}
    assert sorted(found.values()) == list(range(5))
    return found


def sleeps_of(rec: Recording, key: tuple[int, int]) -> list[float]:
    """What a thread asked each of its sleeps for, in order (scenario seconds, before the speed)."""
    return [e["secs"] for e in rec.of(ev.SLEEP) if (e.pid, e.tid) == key and e["phase"] == "begin"]


def assert_ring_of_five(rec: Recording) -> Event:
    """One deadlock: the five philosophers, five threads, each holding its left fork and waiting for its right one,
    told within 0.5 s of the last of their waits (the one that closed the ring)."""
    [deadlock] = rec.of(ev.DEADLOCK)
    members = deadlock["members"]
    threads = philosopher_threads(rec)
    fork_of = forks(rec)
    assert sorted(m["name"] for m in members) == sorted(NAMES)
    assert len({(m["pid"], m["tid"]) for m in members}) == 5
    for m in members:
        i = NAMES.index(m["name"])
        assert (m["pid"], m["tid"]) == threads[m["name"]]
        assert (fork_of[m["holds"]], fork_of[m["wants"]]) == (i, (i + 1) % 5), m
        assert (m["holds_name"], m["wants_name"]) == (f"fork{i}", f"fork{(i + 1) % 5}")
    closing = max(next(e.t for e in reversed(rec.of(ev.LOCK_WAIT)) if (e.pid, e.tid) == (m["pid"], m["tid"])
                       and e["lock"] == m["wants"]) for m in members)
    assert 0 < deadlock.t - closing <= 500_000_000
    # Before it, the five orders (fork i, then fork i+1) went round the table: told as a potential deadlock.
    [warning] = rec.of(ev.LOCK_ORDER)
    assert warning.t <= deadlock.t
    assert sorted((o["name"], o["first_name"], o["then_name"]) for o in warning["orders"]) == sorted(
        (name, f"fork{i}", f"fork{(i + 1) % 5}") for i, name in enumerate(NAMES))
    return deadlock


def assert_everyone_ate(rec: Recording, ordered: bool) -> None:
    """Exit 0, no deadlock told; each philosopher ate every round, the line saying so naming the second fork it took
    (its right one; in the ordered version the higher-numbered one), and was full; then 主."""
    assert rec.code == 0, rec.lines("stderr")[-5:]
    assert not rec.of(ev.DEADLOCK)
    if ordered:  # one order for all: fork i before fork j > i, never round the table
        assert not rec.of(ev.LOCK_ORDER)
    lines = rec.lines()
    for i, name in enumerate(NAMES):
        took = f"叉子 fork{max(i, (i + 1) % 5)}" if ordered else f"右手的叉子 fork{(i + 1) % 5}"
        assert [line for line in lines if line.startswith(name + " ") and "碗面" in line] == [
            f"{name} 拿起了{took}，吃第 {n} 碗面" for n in range(1, ROUNDS + 1)]
        assert f"{name} 吃饱了" in lines
    assert lines[-1] == "主：大家都吃饱了"


# -- 28: the deadlock ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("attempt", range(RUNS))
def test_the_seed_makes_all_five_hold_their_left_fork_and_wait_for_the_right_one(attempt: int) -> None:
    rec = until_deadlock("dining_philosophers", speed=1.0, args=(DEADLOCK_SEED,))
    # Why it is certain, from the run's own sleeps: the five first think times are within SPREAD of each other, and
    # each sleeps GAP between its forks, so everyone took the left fork before anyone asked for a right one.
    threads = philosopher_threads(rec)
    first = [sleeps_of(rec, key)[:2] for key in threads.values()]
    assert all(gap == GAP for _, gap in first)
    assert max(think for think, _ in first) - min(think for think, _ in first) < SPREAD < GAP
    assert_ring_of_five(rec)
    lines = rec.lines()
    assert sorted(line for line in lines if "左手" in line) == sorted(
        f"{name} 拿起了左手的叉子 fork{i}" for i, name in enumerate(NAMES))
    assert not any("碗面" in line for line in lines)  # nobody got a right fork


@pytest.mark.parametrize("attempt", range(6))
def test_random_think_times_deadlock_all_five_or_feed_everyone(attempt: int) -> None:
    # Whether this run deadlocks is the dice's to decide; what a deadlock looks like is not. Speed 5: a deadlock
    # forms within about 4 s of scenario time (under 1 s here), so the watchdog's 10 s (2 s) would end the run before
    # contui told one only if contui missed it.
    rec = until_deadlock("dining_philosophers", speed=5.0)
    if rec.of(ev.DEADLOCK):
        assert_ring_of_five(rec)
        assert "主：大家都吃饱了" not in rec.lines()
    else:
        assert_everyone_ate(rec, ordered=False)


# -- 29: the fix ---------------------------------------------------------------------------------------------------
def assert_forks_taken_in_order(rec: Recording) -> None:
    """Why no ring can form: no philosopher ever waits for, or takes, a fork numbered lower than one it holds."""
    fork_of = forks(rec)
    for name, key in philosopher_threads(rec).items():
        held: set[int] = set()
        taken = 0
        for e in rec.of(ev.LOCK_WAIT, ev.LOCK_ACQUIRE, ev.LOCK_RELEASE):
            if (e.pid, e.tid) != key or e["lock"] not in fork_of:
                continue
            fork = fork_of[e["lock"]]
            if e.kind == ev.LOCK_RELEASE:
                held.discard(fork)
                continue
            assert all(h < fork for h in held), f"{name} holds {held} and asks for fork{fork}"
            if e.kind == ev.LOCK_ACQUIRE:
                held.add(fork)
                taken += 1
        assert taken == 2 * ROUNDS, name


@pytest.mark.parametrize("attempt", range(20))
def test_ordered_forks_never_deadlock(attempt: int) -> None:
    # until_deadlock: a run that deadlocked (it has no watchdog) would be stopped at once and fail on its deadlock
    rec = until_deadlock("dining_philosophers_ordered", speed=10.0)
    assert_everyone_ate(rec, ordered=True)
    assert_forks_taken_in_order(rec)


def test_ordered_forks_feed_everyone_even_with_the_seed_that_always_deadlocks() -> None:
    rec = until_deadlock("dining_philosophers_ordered", speed=10.0, args=(DEADLOCK_SEED,))
    threads = philosopher_threads(rec)
    first = [sleeps_of(rec, key)[0] for key in threads.values()]
    assert max(first) - min(first) < SPREAD  # the same think times as the deadlocked runs of 28
    assert_everyone_ate(rec, ordered=True)
    assert_forks_taken_in_order(rec)
