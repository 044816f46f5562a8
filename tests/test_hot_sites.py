"""Hot sites: a lock taken in a tight loop is summarised by its process, and the model still counts every acquire
and follows its owner (tui/inside/trace/hot.py, tui/engine/model/locks.py)."""

from __future__ import annotations

import pytest

from tests.helpers import run_traced, script
from tui.engine import events as ev
from tui.engine.export import chrome_trace
from tui.engine.jsonl import RecordingHeader
from tui.engine.model import Model, State
from tui.engine.model.tasks import TaskState
from tui.engine.plain import describe
from tui.engine.recording import Recording
from tui.inside.env import ENV_SUMMARIES

def traced(name: str) -> tuple[Recording, list[str]]:
    """A run of tests/scripts/``name`` to its end, and the lines it printed."""
    rec = run_traced(script(name), timeout=120)
    return rec, [line.text for line in rec.model.lines]


ADDERS = 4
PER_ADDER = 250_000


def test_a_hot_value_lock_is_summarised_counted_exactly_and_its_owner_followed() -> None:
    rec = run_traced(script("hot_value.py"), timeout=120)
    model = rec.model
    printed = [line.text for line in model.lines]
    assert f"total {ADDERS * PER_ADDER}" in printed  # the lock did its job under the tracer

    (lock_id,) = [lid for lid, lock in model.locks.items() if lock.name == "counter (lock)"]
    lock = model.locks[lock_id]
    main = model.run.main
    adders = {e.pid for e in rec.of(ev.PROC_START) if e.pid != main}
    assert len(adders) == ADDERS

    # Every acquire the script made is counted, summarised or not. Each addition takes the lock three times: the
    # `with`, and `counter.value += 1` reads and writes the value, each of which takes the same RLock again
    # (multiprocessing.sharedctypes' synchronized property); each adder takes it once more after its loop, and the
    # main process once to read the total (the read takes it).
    assert lock.acquisitions == 3 * ADDERS * PER_ADDER + ADDERS + 1
    summaries = [e for e in rec.of(ev.LOCK_SUMMARY) if e["lock"] == lock_id]
    assert {e.pid for e in summaries} == adders  # each adder summarised its loop...
    summarised = lock.summarised
    assert summarised is not None and summarised.acquires > 2 * ADDERS * PER_ADDER  # ...most of it
    assert not summarised.open  # and every span has ended

    # The owner view follows the summaries: after each summary that says who holds the lock, the model shows that
    # holder; and the lock passes between the adders as the summaries say.
    replay = Model()
    owners_from_summaries = set()
    for e in rec.events:
        replay.apply(e)
        if e.kind == ev.LOCK_SUMMARY and e["lock"] == lock_id and e["holder"]:
            shown = replay.locks[lock_id].owner
            if shown is not None and shown[0] == e.pid:
                owners_from_summaries.add(shown)
    assert len({pid for pid, _ in owners_from_summaries}) >= 2

    # After its loop each adder's next acquire is an ordinary event again, right after its span's last summary;
    # a wait before it too, when it finds another adder holding the lock (they all rest as long, then take it).
    for pid in adders:
        told = [e for e in rec.events if e.pid == pid and e.kind.startswith("lock.") and e.get("lock") == lock_id]
        last_summary = [e for e in told if e.kind == ev.LOCK_SUMMARY][-1]
        assert last_summary["done"]
        after = [e.kind for e in told[told.index(last_summary) + 1:]]
        assert after in ([ev.LOCK_ACQUIRE, ev.LOCK_RELEASE], [ev.LOCK_WAIT, ev.LOCK_ACQUIRE, ev.LOCK_RELEASE]), after


def test_a_wait_that_lasts_on_a_hot_lock_is_told_as_it_is() -> None:
    """Summaries count short waits; one that lasts is an ordinary wait, so a deadlock on a hot lock still shows."""
    rec = run_traced(script("hot_then_blocked.py"), timeout=60)
    model = rec.model
    (a,) = [lid for lid, lock in model.locks.items() if lock.name == "a"]
    hot = next(th for p in model.processes.values() for th in p.threads.values() if th.name == "hot")
    # after the lock went hot (the span's start, which its first summary may come well after: a hot loop can be
    # over within a tick)
    hot_since = next(e for e in rec.of(ev.LOCK_SUMMARY) if e["lock"] == a)["since"]
    waits = [e for e in rec.of(ev.LOCK_WAIT) if e["lock"] == a and e.tid == hot.tid and e.t > hot_since]
    assert len(waits) == 1  # the hot thread's wait for `a` while the holder tried `b` for a second

    replay = Model()
    for e in rec.events:
        replay.apply(e)
        if e is waits[0]:
            th = replay.thread(hot.pid, hot.tid)
            assert th is not None and th.state is State.BLOCKED and th.blocked_on == a
            assert (hot.pid, hot.tid) in replay.locks[a].waiters
    assert "hot thread got a" in [line.text for line in model.lines]


@pytest.fixture(scope="module")
def hot_queue() -> Recording:
    return run_traced(script("hot_queue.py"), timeout=120)


def test_hot_queues_are_summarised_counted_exactly_and_single_events_return(hot_queue: Recording) -> None:
    rec = hot_queue
    model = rec.model
    printed = [line.text for line in model.lines]
    n, m = 50_000, 20_000
    assert f"got {n} sum {n * (n - 1) // 2}" in printed and f"passed {m}" in printed

    q = next(q for q in model.queues.values() if q.name == "q")
    main = model.run.main
    (child,) = {e.pid for e in rec.of(ev.PROC_START) if e.pid != main}
    assert q.puts == q.gets == n + 2  # the numbers, "after" and None: summarised or told, each counted once
    assert len(q.items) == 0
    summaries = [e for e in rec.of(ev.QUEUE_SUMMARY) if e["queue"] == q.id]
    assert {e.pid for e in summaries} >= {child}  # the producer's hot loop was summarised
    assert q.summarised is not None and not q.summarised.open
    # After its rest the producer's next put is an ordinary event, after its span's last summary.
    told = [e for e in rec.events if e.pid == child and e.kind.startswith("queue.") and e.get("queue") == q.id]
    ends = [i for i, e in enumerate(told) if e.kind == ev.QUEUE_SUMMARY and e["done"]]
    after = next(i for i, e in enumerate(told) if e.kind == ev.QUEUE_PUT and e["item"] == "'after'")
    assert ends and ends[-1] < after

    tq = next(q for q in model.queues.values() if q.name == "tq")
    assert tq.puts == tq.gets == m and len(tq.items) == 0
    assert any(e["queue"] == tq.id and e.pid == main for e in rec.of(ev.QUEUE_SUMMARY))
    assert tq.summarised is not None and tq.summarised.puts > m // 2


def test_an_export_and_plain_show_a_hot_span_as_such(hot_queue: Recording) -> None:
    """A summarised stretch is never silence: the trace has a slice saying what was counted, --plain a sentence at
    its start and its end."""
    rec = hot_queue
    q = next(q for q in rec.model.queues.values() if q.name == "q")
    trace = chrome_trace(RecordingHeader("hot_queue.py", script("hot_queue.py")), rec.events)
    spans = [e for e in trace["traceEvents"] if e["ph"] == "X" and "summarised:" in e["name"]]
    ends = [e for e in rec.of(ev.QUEUE_SUMMARY) if e["queue"] == q.id and e["done"]]
    assert len(spans) >= len(ends) >= 1
    puts = sum(e["n"]["put"] for e in ends)
    assert puts and any(f"{e['n']['put']:,} put" in s["name"] for e in ends for s in spans)

    model = Model()
    said = []
    for e in rec.events:
        model.apply(e)
        if e.kind == ev.QUEUE_SUMMARY and e["queue"] == q.id:
            said.append(describe(e, model))
    told = [line for line in said if line is not None]
    assert any("in a hot loop: its puts and gets are counted from here" in line for line in told)
    assert sum("counted rather than told one by one" in line for line in told) == len(ends)


def test_a_hot_pipe_is_summarised_on_both_ends_and_counted_exactly() -> None:
    rec, printed = traced("hot_pipe.py")
    model = rec.model
    n = 20_000
    assert f"echoed after {n * (n - 1) // 2}" in printed
    (pipe,) = model.pipes.values()
    mine, theirs = pipe.ends
    # Every message: n numbers, "slow", "after" and None one way; n numbers, "slow" and "after" back.
    assert (mine.sent, theirs.received) == (n + 3, n + 3)
    assert (theirs.sent, mine.received) == (n + 2, n + 2)
    assert mine.in_flight == theirs.in_flight == 0
    summaries = rec.of(ev.PIPE_SUMMARY)
    assert {e["end"] for e in summaries} == {mine.id, theirs.id}  # both processes summarised their end
    assert not mine.hot and not theirs.hot
    main = model.run.main
    # The main process's wait for "slow" back was in a hot recv(): a summary named it, and the model showed it
    # blocked on its end then.
    replay = Model()
    blocked_seen = False
    for e in rec.events:
        replay.apply(e)
        if e.kind == ev.PIPE_SUMMARY and e.pid == main and main in e.get("waiting", ()):
            th = replay.thread(main, main)
            blocked_seen = blocked_seen or (th is not None and th.state is State.BLOCKED and th.blocked_on == mine.id)
    assert blocked_seen
    told = [e for e in rec.events if e.pid == main and e.kind.startswith("pipe.")]
    after = next(i for i, e in enumerate(told) if e.kind == ev.PIPE_SEND and e["item"] == "'after'")
    assert any(e.kind == ev.PIPE_SUMMARY and e["done"] for e in told[:after])


def test_a_hot_condition_and_its_lock_are_summarised_and_counted_exactly() -> None:
    rec = run_traced(script("hot_condition.py"), timeout=120)
    model = rec.model
    said = next(line.text for line in model.lines if line.text.startswith("turns "))
    words = said.split()
    turns, waits, notifies, withs = (int(words[i]) for i in (1, 3, 5, 7))
    assert turns == 20_000
    (cond,) = model.conditions.values()
    assert (cond.waits, cond.notifies) == (waits, notifies)
    assert cond.summarised > turns and not cond.hot and cond.room == []  # no span open
    lock = model.locks[cond.lock]
    assert lock.acquisitions == withs + waits  # each wait takes the lock back
    assert lock.summarised is not None and lock.summarised.acquires > 0
    # After the rest the main thread's notify_all is an ordinary event again.
    last_notify = rec.of(ev.COND_NOTIFY)[-1]
    assert last_notify.tid == model.run.main and last_notify["n"] == -1  # the main thread (native id = pid)


def test_a_span_whose_process_went_quiet_shows_as_over_though_it_has_not_ended() -> None:
    """A process stops summarising once nothing changes, and its span ends only at its next operation (or its end):
    a card says "in a hot loop" only while summaries come."""
    from tui.engine.events import Event
    from tui.widgets.locks import LockView

    summary = {"lock": "L1.1", "since": 0, "n": 5000, "waits": 0, "fails": 0, "hold": 0, "timed": 0, "hold_max": 0,
               "wait_max": 0, "holder": 0, "last": 0, "depth": 0, "waiting": [], "done": False}
    model = Model()
    model.apply(Event(0, ev.LOCK_NEW, 1, 1, {"lock": "L1.1", "type": "threading.Lock", "site": "x.py:1"}))
    model.apply(Event(1_000_000_000, ev.LOCK_SUMMARY, 1, 0, summary))
    model.apply(Event(1_030_000_000, ev.CLOCK, 0, 0, {}))
    view = LockView.of(model, model.locks["L1.1"])
    assert view.hot and view.summary is not None and "in a hot loop" in view.summary
    model.apply(Event(1_500_000_000, ev.CLOCK, 0, 0, {}))
    view = LockView.of(model, model.locks["L1.1"])
    assert not view.hot and view.summary is not None and "in hot loops" in view.summary
    assert model.locks["L1.1"].summarised.open  # over as far as a person can see; not ended in the model


def test_a_cooling_locks_next_try_ends_its_span_even_when_another_process_holds_it() -> None:
    """The first operation after a hot loop's rate has dropped is told as it is, and the span's summary ends before
    it: also a try that finds the lock taken (it was counted into the span, whose end waited for the process's)."""
    rec, printed = traced("cooling_contended.py")
    assert printed == ["try while held: False", "taken"]
    main = rec.model.run.main
    (lock_id,) = rec.model.locks
    told = [e for e in rec.events if e.pid == main and e.kind.startswith("lock.") and e.get("lock") == lock_id]
    last_summary = [e for e in told if e.kind == ev.LOCK_SUMMARY][-1]
    assert last_summary["done"] and last_summary["fails"] == 0
    after = [e.kind for e in told[told.index(last_summary) + 1:]]
    # (the take after it waits if the other process has not let go yet)
    assert after in ([ev.LOCK_FAIL, ev.LOCK_ACQUIRE, ev.LOCK_RELEASE],
                     [ev.LOCK_FAIL, ev.LOCK_WAIT, ev.LOCK_ACQUIRE, ev.LOCK_RELEASE]), after


def test_a_with_hold_that_outlasts_its_span_is_told_let_go() -> None:
    """A span that ends while a ``with`` hold of it lasts (another thread's failed try ends it) must not leave the
    lock shown held: the hold's release is told when it comes."""
    rec, printed = traced("hot_hold_outlasts_a_try.py")
    assert printed == ["try while held: False"] * 2 + ["let go"]
    assert len(rec.model.locks) == 2
    for lock_id in rec.model.locks:  # (two loops, one hold apart: whichever hold in 16 is timed, one is not)
        kinds = [e.kind for e in rec.events if e.kind.startswith("lock.") and e.get("lock") == lock_id]
        assert kinds[-2:] == [ev.LOCK_FAIL, ev.LOCK_RELEASE], lock_id


def test_a_hot_locks_summaries_say_it_is_free_once_a_hold_they_told_is_over() -> None:
    """A hot Lock's release in a span is not seen; the summaries ask the lock. After the last hold they said was on,
    one more says it is free while the span is still open, not only the span's end at the process's exit."""
    rec, printed = traced("hot_hold_then_idle.py")
    assert printed == ["let go"]
    (lock_id,) = rec.model.locks
    summaries = [e for e in rec.of(ev.LOCK_SUMMARY) if e["lock"] == lock_id]
    last_held = max(i for i, e in enumerate(summaries) if e["depth"])
    assert any(e["depth"] == 0 and e["holder"] == 0 and not e["done"] for e in summaries[last_held + 1:])


def test_a_hot_thread_executor_counts_each_task_from_submit_to_end() -> None:
    rec, printed = traced("hot_executor.py")
    model = rec.model
    n = 20_000
    assert f"failed 1 total {sum(2 * i for i in range(n)) - 14} last 2" in printed
    (pool,) = model.pools.values()
    counts = model.task_counts(pool.id)
    # every task ended, the counted ones too, and the one that raised is a failure, counted or told
    assert counts[TaskState.DONE] == n and counts[TaskState.FAILED] == 1
    assert counts[TaskState.QUEUED] == counts[TaskState.RUNNING] == 0
    assert pool.counted.get("submit", 0) > n // 2 and not pool.counting  # most were counted; nothing left counting
    # the task after the rest was told one by one again
    last = rec.of(ev.TASK_SUBMIT)[-1]
    assert last["args"] == "1" and model.tasks[last["task"]].state is TaskState.DONE
    # a counted task costs its future nothing: most futures are of Future itself, whose methods are its own
    assert "most futures are Future's own: True" in printed


def test_a_hot_executor_lets_go_of_the_tasks_over_behind_one_that_lasts_and_counts_them() -> None:
    """Counted tasks are read from their futures, which wait in submit order: a counted task that lasts holds the
    front, and the 10,000 over behind it are still counted, and their results let go, while it lasts."""
    rec, printed = traced("hot_executor_long_front.py")
    n = 10_000
    assert printed == [f"sum {n * (n - 1) // 2}", "results let go: True", f"first: True warm: {200 * 199 // 2}"]
    (pool,) = rec.model.pools.values()
    counts = rec.model.task_counts(pool.id)
    assert counts[TaskState.DONE] == n + 201 and counts[TaskState.QUEUED] == counts[TaskState.RUNNING] == 0
    # while the one that waits still ran: every task counted had started, and all but it were done
    running = [e["n"] for e in rec.of(ev.TASK_SUMMARY) if not e["done"]]
    assert any(c["start"] == c["submit"] > n and c["done"] == c["submit"] - 1 for c in running)


@pytest.mark.parametrize("summaries", ["on", "off"])
def test_summaries_can_be_turned_off_for_every_event(summaries: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """CONTUI_SUMMARIES=off (what the benchmarks of event volume use): a hot loop is told one event at a time."""
    if summaries == "off":
        monkeypatch.setenv(ENV_SUMMARIES, "off")
    rec = run_traced(script("hot_lock_loop.py"))
    acquires = len(rec.of(ev.LOCK_ACQUIRE))
    (lock,) = rec.model.locks.values()
    assert lock.acquisitions == 5_000
    if summaries == "off":
        assert acquires == 5_000 and not rec.of(ev.LOCK_SUMMARY)
    else:
        assert acquires < 5_000 and rec.of(ev.LOCK_SUMMARY)


def test_a_hot_plain_lock_whose_release_is_not_seen_still_names_its_holder_and_counts_exactly() -> None:
    """A hot Lock (not an RLock), threading's and multiprocessing's, releases through the raw release in a span
    (tui/inside/trace/locks.py): its summaries still count every acquire and say who holds it while a hold lasts,
    and nobody once it is let go. So does a threading.Lock taken by ``with``, whose exit in a span is the raw one too;
    and after each loop, the next acquire and its release are ordinary events again."""
    rec, printed = traced("hot_plain_locks.py")
    model = rec.model
    ids = [lid for lid, lock in model.locks.items()]  # in the order the script made them
    for name, lock_id in zip(("thread lock", "mp lock", "with lock"), ids):
        holder = int(next(line for line in printed if line.startswith(f"{name} held by")).split()[-1])
        assert model.locks[lock_id].acquisitions == 50_000 + 1
        summaries = [e for e in rec.of(ev.LOCK_SUMMARY) if e["lock"] == lock_id]
        assert any(e["holder"] == holder and e["depth"] == 1 for e in summaries), name  # the last hold, as it lasts
        last = summaries[-1]
        assert last["done"] and last["holder"] == 0 and last["depth"] == 0  # let go when the span ended
        assert last["timed"] > 0 and last["hold"] > 0  # one hold in 16 is timed
        assert model.locks[lock_id].owner is None
        told = [e for e in rec.events if e.kind.startswith("lock.") and e.get("lock") == lock_id]
        assert [e.kind for e in told[told.index(last) + 1:]] == [ev.LOCK_ACQUIRE, ev.LOCK_RELEASE], name
