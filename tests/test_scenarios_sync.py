"""Course part 2, the threads' other tools (scenarios 22-25): the semaphore, the event, the timer and the thread
queues, each proving what it teaches from its recorded events."""

from __future__ import annotations

import ast

from tests.helpers import printed
from tests.scenario_runs import recorded
from tui.engine import events as ev
from tui.engine.events import Event
from tui.engine.recording import Recording


def _named_threads(rec: Recording) -> dict[str, int]:
    """The script's threads by name: their native ids."""
    return {e["name"]: e.tid for e in rec.of(ev.THREAD_START) if e.tid != rec.main_pid}


def _line(rec: Recording, text: str, tid: int | None = None) -> Event:
    """The stdout event that carries ``text`` (printed by ``tid``, if given)."""
    return next(e for e in rec.of(ev.STDOUT) if any(text in line for line in printed(e))
                and (tid is None or e.tid == tid))


# -- 22 semaphore ----------------------------------------------------------------------------------------------------
# Real time: each one stays at least 1 s inside, and in that second the 8 threads, started one after another, all
# reach the door; so the first 3 go in and the other 5 find no seat. That second is the margin asserted on.
SEMAPHORE_SPEED = 1.0


def test_semaphore_never_lets_more_than_three_in_and_the_rest_wait_at_the_door() -> None:
    rec = recorded("semaphore", speed=SEMAPHORE_SPEED)
    [sem] = rec.of(ev.SEM_NEW)
    assert (sem["type"], sem["value"], sem["name"]) == ("threading.Semaphore", 3, "sm")
    sid = sem["sem"]
    people = _named_threads(rec)
    assert sorted(people) == ["路人%s" % i for i in range(8)]

    inside: set[int] = set()
    most = 0
    for e in sorted(rec.of(ev.SEM_ACQUIRE, ev.SEM_RELEASE), key=lambda e: e.t):
        assert e["sem"] == sid
        if e.kind == ev.SEM_ACQUIRE:
            assert e.tid not in inside
            inside.add(e.tid)
        else:
            inside.remove(e.tid)  # only a holder gives a seat back here
        most = max(most, len(inside))
        assert len(inside) <= 3
    assert most == 3 and not inside

    # everyone got in once and came out once, saying so in that order
    acquires = {e.tid: e for e in rec.of(ev.SEM_ACQUIRE)}
    releases = {e.tid: e for e in rec.of(ev.SEM_RELEASE)}
    assert len(rec.of(ev.SEM_ACQUIRE)) == len(rec.of(ev.SEM_RELEASE)) == 8
    assert set(acquires) == set(releases) == set(people.values())
    for name, tid in people.items():
        went_in, came_out = _line(rec, "%s 进去上厕所" % name, tid), _line(rec, "%s 出来了" % name, tid)
        assert acquires[tid].t < went_in.t < came_out.t < releases[tid].t

    # the other five waited at the door, and each got in only after someone came out
    waits = rec.of(ev.SEM_WAIT)
    assert len(waits) == 5 and len({e.tid for e in waits}) == 5
    for wait in waits:
        got_in = acquires[wait.tid]
        assert wait.t < got_in.t
        assert any(wait.t < out.t < got_in.t for out in releases.values())
    assert not rec.of(ev.SEM_TIMEOUT, ev.SEM_FAIL)


# -- 23 event --------------------------------------------------------------------------------------------------------
# The check's sleep(2) is the time in which the three connecting threads reach event.wait(): at speed 2 it lasts a
# second, the margin asserted on when the test says they waited before the flag was set.
EVENT_SPEED = 2.0


def test_event_workers_wait_until_the_check_thread_sets_the_flag() -> None:
    rec = recorded("event", speed=EVENT_SPEED)
    [event] = rec.of(ev.EVENT_NEW)
    assert (event["type"], event["name"]) == ("threading.Event", "event")
    threads = _named_threads(rec)
    assert sorted(threads) == ["alex", "check", "egon", "lxx"]
    check = threads.pop("check")

    [set_] = rec.of(ev.EVENT_SET)
    assert set_.tid == check and set_["event"] == event["event"]
    [slept] = [e for e in rec.of(ev.SLEEP) if e.tid == check and e["phase"] == "end"]
    assert slept.t < _line(rec, "服务器已启动", check).t < set_.t
    assert not rec.of(ev.EVENT_CLEAR)

    for name, tid in threads.items():
        [begin, end] = [e for e in rec.of(ev.EVENT_WAIT) if e.tid == tid]
        assert (begin["phase"], begin["timeout"]) == ("begin", None)
        assert (end["phase"], end["result"]) == ("end", True)
        assert _line(rec, "%s 等待连接" % name, tid).t < begin.t < set_.t  # blocked before the flag was set
        assert set_.t < end.t < _line(rec, "%s 连接成功" % name, tid).t  # and went on only after it


# -- 24 timer --------------------------------------------------------------------------------------------------------
# Real time: egon's timer fires 1 s after start() and the main thread cancels alex's 2 s after; the second between
# them is the margin asserted on.
TIMER_SPEED = 1.0


def _main_sleep(rec: Recording) -> tuple[Event, Event]:
    [begin, end] = [e for e in rec.of(ev.SLEEP) if e.tid == rec.main_pid]
    assert (begin["phase"], begin["secs"], end["phase"]) == ("begin", 2, "end")
    return begin, end


def test_timer_runs_hello_in_its_own_thread_after_its_delay_and_the_cancelled_one_never() -> None:
    rec = recorded("timer", speed=TIMER_SPEED)
    main = rec.main_pid
    lines = [line for line in rec.lines() if line]
    assert lines[0] == "主线程 继续干活"  # main went on at once: start() does not wait for the delay
    hellos = [e for e in rec.of(ev.STDOUT) if any(line.startswith("hello,") for line in printed(e))]
    [hello] = hellos  # alex's timer was cancelled and never printed, though the process stayed up for it: a
    # Timer is not a daemon, so one still pending would have kept the main process until it fired
    assert printed(hello)[0].startswith("hello, egon (在 ") and "MainThread" not in printed(hello)[0]
    assert hello.pid == main and hello.tid != main  # in a thread of its own, in the main process
    slept_from, slept_to = _main_sleep(rec)
    cancelled = _line(rec, "主线程 取消了 alex 的定时器", main)
    assert _line(rec, "主线程 继续干活", main).t < slept_from.t < hello.t < slept_to.t < cancelled.t
    assert lines[-1] == "主线程 取消了 alex 的定时器"


def test_timer_threads_are_shown_starting_and_ending() -> None:
    rec = recorded("timer", speed=TIMER_SPEED)
    timers = [e for e in rec.of(ev.THREAD_START) if e.tid != rec.main_pid]
    assert len(timers) == 2
    assert {e.tid for e in rec.of(ev.THREAD_EXIT)} >= {e.tid for e in timers}
    [hello] = [e for e in rec.of(ev.STDOUT) if any(line.startswith("hello,") for line in printed(e))]
    assert hello.tid in {e.tid for e in timers}


def test_timer_delay_runs_on_the_scenario_clock() -> None:
    rec = recorded("timer")  # speed 10
    slept_from, slept_to = _main_sleep(rec)
    hello = next(e for e in rec.of(ev.STDOUT) if any(line.startswith("hello, egon") for line in printed(e)))
    assert slept_from.t < hello.t < slept_to.t


# -- 25 thread queues ------------------------------------------------------------------------------------------------
def test_thread_queues_give_back_fifo_lifo_and_priority_order() -> None:
    rec = recorded("thread_queues")
    queues = {e["type"]: e["queue"] for e in rec.of(ev.QUEUE_NEW)}
    assert sorted(queues) == ["queue.LifoQueue", "queue.PriorityQueue", "queue.Queue"]
    assert len(rec.of(ev.QUEUE_NEW)) == 3

    def items(kind: str, qid: str) -> list[str]:
        return [e["item"] for e in rec.of(kind) if e["queue"] == qid]

    for qid in queues.values():
        assert len(items(ev.QUEUE_PUT, qid)) == 3
        # every get after the last put: the order is the queue's, not the order in which they came in between
        last_put = max(e.t for e in rec.of(ev.QUEUE_PUT) if e["queue"] == qid)
        assert all(e.t > last_put for e in rec.of(ev.QUEUE_GET) if e["queue"] == qid)
    fifo, lifo, prio = queues["queue.Queue"], queues["queue.LifoQueue"], queues["queue.PriorityQueue"]
    assert items(ev.QUEUE_GET, fifo) == items(ev.QUEUE_PUT, fifo)
    assert items(ev.QUEUE_GET, lifo) == items(ev.QUEUE_PUT, lifo)[::-1]
    put = [ast.literal_eval(item) for item in items(ev.QUEUE_PUT, prio)]
    got = [ast.literal_eval(item) for item in items(ev.QUEUE_GET, prio)]
    assert got == sorted(put) and got != put  # smallest number first, not the order they were put in
    # each put says how many of the waiting items come out before it
    ranks = [e["rank"] for e in rec.of(ev.QUEUE_PUT) if e["queue"] == prio]
    assert ranks == [sum(1 for before in put[:i] if before <= item) for i, item in enumerate(put)]

    # what each get returned is what the script printed, queue by queue, in order
    printed_lines = [line for line in rec.lines() if line]
    expected = [f"{name}: {ast.literal_eval(item)}" for name, qid in (("Queue", fifo), ("LifoQueue", lifo),
                                                                     ("PriorityQueue", prio))
                for item in items(ev.QUEUE_GET, qid)]
    assert printed_lines == expected
