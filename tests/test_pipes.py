"""Pipes and the thread queues with real processes: what the tracer reports under each start method, and the model's
state at the moments the scripts chose (their CHECK lines) against what the scripts printed there."""

from __future__ import annotations

import ast

import pytest

from tests.helpers import printed, run_traced, script
from tui.engine import events as ev
from tui.engine.events import Event
from tui.engine.model import Model, State
from tui.engine.model.queues import Discipline
from tui.engine.recording import Recording

METHODS = ["fork", "spawn", "forkserver"]


def in_order(rec: Recording) -> list[Event]:
    return sorted(rec.events, key=lambda e: e.t)


def model_at(rec: Recording, line: str) -> Model:
    """The model folded from the recording's events in time order, up to and with the printed ``line``."""
    events = in_order(rec)
    at = next(i for i, e in enumerate(events) if line in printed(e))
    return Model.from_events(events[: at + 1])


def check_lines(rec: Recording) -> list[str]:
    return [line for line in rec.lines() if line.startswith("CHECK ")]


# -- pipes --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
def test_messages_in_flight_each_way_are_what_the_script_says(method: str) -> None:
    rec = run_traced(script("pipes_flight.py"), start_method=method, speed=4)
    assert rec.code == 0
    [duplex, one_way] = rec.of(ev.PIPE_NEW)
    assert (duplex["duplex"], one_way["duplex"]) == (True, False)
    assert duplex["names"] == ["parent_conn", "child_conn"] and one_way["names"] == ["r", "w"]
    checks = check_lines(rec)
    assert len(checks) == 2
    for line in checks:
        words = line.split()[1:]
        said = dict(zip(words[::2], map(int, words[1::2])))
        model = model_at(rec, line)
        ends = {end.name: end for p in model.pipes.values() for end in p.ends}
        assert {name: ends[name].in_flight for name in said} == said, line
    # The ids travelled to the child with its ends (by inheritance or pickled): every send and recv names them.
    model = rec.model
    child = next(e["child"] for e in rec.of(ev.PROC_SPAWN))
    main = rec.main_pid
    ends = {end.name: end for p in model.pipes.values() for end in p.ends}
    assert ends["parent_conn"].users == [(main, main)]
    assert ends["child_conn"].users == [(child, child)] and ends["w"].users == [(child, child)]
    assert ends["r"].users == [(main, main)]
    assert (ends["parent_conn"].sent, ends["parent_conn"].received) == (2, 3)
    assert (ends["child_conn"].sent, ends["child_conn"].received) == (3, 2)
    assert sorted(ends["child_conn"].closed_in) == sorted([main, child])
    assert ends["r"].eof_seen and all(end.in_flight == 0 and not end.blocked for end in ends.values())


def test_a_recv_that_finds_the_pipe_empty_blocks_its_thread_until_it_returns() -> None:
    rec = run_traced(script("pipes_flight.py"), speed=4)
    main = rec.main_pid
    r_end = next(e["ends"][0] for e in rec.of(ev.PIPE_NEW) if not e["duplex"])
    events = in_order(rec)
    # The last recv on r happens with nothing left in the pipe (it ends in EOFError): it must have waited.
    block = max((i for i, e in enumerate(events) if e.kind == ev.PIPE_BLOCK and e["end"] == r_end), default=None)
    assert block is not None, "the recv on an empty pipe did not report a wait"
    waiting = Model.from_events(events[: block + 1])
    assert waiting.pipe_end(r_end)[1].blocked == [(main, main)]
    th = waiting.thread(main, main)
    assert th.state is State.BLOCKED and th.blocked_on == r_end
    eof = next(i for i, e in enumerate(events) if e.kind == ev.PIPE_RECV and e.get("error") == "EOFError")
    assert eof > block
    after = Model.from_events(events[: eof + 1])
    assert after.thread(main, main).state is State.RUNNING and not after.pipe_end(r_end)[1].blocked


def test_only_the_scripts_own_pipe_is_reported_beside_queues_pools_and_managers() -> None:
    rec = run_traced(script("pipes_internal.py"), start_method="spawn", timeout=60)
    assert rec.code == 0 and rec.lines()[-1] == "only me"
    [pipe] = rec.of(ev.PIPE_NEW)
    assert pipe["names"] == ["a", "b"]
    assert [e["item"] for e in rec.of(ev.PIPE_SEND)] == ["'only me'"]
    assert [e["item"] for e in rec.of(ev.PIPE_RECV)] == ["'only me'"]
    assert not rec.of(ev.PIPE_CLOSE)  # the script closed nothing; multiprocessing closes its own pipes often


# -- thread queues ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_thread_queues_in_a_child_keep_their_items_in_the_order_they_give_them_out(method: str) -> None:
    rec = run_traced(script("pipes_thread_queues.py"), start_method=method, speed=4)
    assert rec.code == 0 and rec.lines()[-1] == "exit 0"
    news = {e["name"]: e for e in rec.of(ev.QUEUE_NEW)}
    # Only the script's: the executor's own SimpleQueue is not among them.
    assert {name: e["type"] for name, e in news.items()} == {
        "fifo": "queue.Queue", "stack": "queue.LifoQueue", "jobs": "queue.PriorityQueue", "bounded": "queue.Queue",
        "simple": "queue.SimpleQueue",
    }
    child = next(e["child"] for e in rec.of(ev.PROC_SPAWN))
    assert {e.pid for e in rec.of(ev.QUEUE_NEW)} == {child}
    by_name = {e["queue"]: name for name, e in news.items()}
    for line in check_lines(rec):
        _, name, rest = line.split(" ", 2)
        model = model_at(rec, line)
        q = next(q for q in model.queues.values() if by_name[q.id] == name)
        if name == "bounded":
            words = rest.split()
            said = dict(zip(words[::2], map(int, words[1::2])))
            assert {k: getattr(q, k) for k in said} == said
        else:
            assert list(q.items) == ast.literal_eval(rest), line
    model = rec.model
    queues = {by_name[q.id]: q for q in model.queues.values()}
    assert queues["stack"].discipline is Discipline.LIFO and queues["jobs"].discipline is Discipline.PRIORITY
    assert queues["jobs"].refused_puts == 1 and queues["jobs"].timeouts == 0
    assert (queues["fifo"].puts, queues["fifo"].gets, queues["fifo"].unfinished) == (3, 3, 0)
    assert queues["simple"].timeouts == 1 and (queues["simple"].puts, queues["simple"].gets) == (1, 1)
    # A put into the full bounded queue and a get from the empty SimpleQueue had to wait (nobody else used them).
    blocks = {(by_name[e["queue"]], e["op"]) for e in rec.of(ev.QUEUE_BLOCK)}
    assert {("bounded", "put"), ("simple", "get")} <= blocks
    assert [e["phase"] for e in rec.of(ev.QUEUE_JOIN)] == ["begin", "end"]


def test_a_put_refused_at_once_is_not_counted_as_a_timeout() -> None:
    # Scenario 11: put(block=False) on the full queue raises at once; put(timeout=1) and get(timeout=1) time out.
    rec = run_traced("queue", speed=4)
    [q] = rec.model.queues.values()
    assert (q.timeouts, q.refused_puts, q.refused_gets) == (2, 1, 0)
    refused = [e for e in rec.of(ev.QUEUE_TIMEOUT) if e["block"] is False]
    assert len(refused) == 1 and refused[0]["op"] == "put"
