"""The Queues pane's cards for pipes, thread queues, shared values and managers, mounted alone in a tiny app and fed
models folded from events as the tracer sends them (and scenario 11's recording)."""

from __future__ import annotations

from tests.test_panes import E, PaneApp, body_text, folded, sync
from tui.engine.events import Event
from tui.engine.model import Model
from tui.widgets.queues import QueuePane

MAIN, CHILD = 10, 11


def started(*more: Event) -> Model:
    return Model.from_events([
        E(1, "run.start", 1, main=MAIN, reaper=1),
        E(2, "proc.start", MAIN, ppid=1, name="MainProcess"),
        E(3, "proc.start", CHILD, ppid=MAIN, name="Process-1"),
        *more,
    ])


async def shown(model: Model, projector: bool = False, size: tuple[int, int] = (80, 30)) -> str:
    pane = QueuePane()
    async with PaneApp(pane).run_test(size=size) as pilot:
        pane.projector = projector
        pane.update_from(model)
        await pilot.pause()
        return body_text(pane)


PIPE = [
    E(10, "pipe.new", MAIN, pipe="P10.1", ends=["P10.1a", "P10.1b"], duplex=True, site="s.py:9",
      name="parent_conn, child_conn", names=["parent_conn", "child_conn"]),
    E(11, "pipe.send", MAIN, pipe="P10.1", end="P10.1a", item="'one'"),
    E(12, "pipe.send", MAIN, pipe="P10.1", end="P10.1a", item="2"),
    E(13, "pipe.close", MAIN, pipe="P10.1", end="P10.1b"),
    E(14, "pipe.block", MAIN, pipe="P10.1", end="P10.1a"),
    E(15, "pipe.recv", CHILD, pipe="P10.1", end="P10.1b", item="'one'"),
]


@sync
async def test_pipe_card_shows_what_is_in_flight_each_way_who_uses_each_end_and_who_waits() -> None:
    text = await shown(started(*PIPE))
    lines = text.splitlines()
    assert lines[0].startswith("parent_conn, child_conn") and "Pipe (duplex)" in lines[0]
    # One message left on its way to child_conn (the oldest went), none the other way.
    assert any("parent_conn ─▶ │ 2 │ ─▶ child_conn  1 in flight" in line for line in lines), text
    assert any("child_conn ─▶ parent_conn  nothing in flight" in line for line in lines), text
    assert any("child_conn" in line and "Process-1 [11]" in line and "closed in MainProcess [10]" in line
               for line in lines), text
    assert any("blocked in recv()" in line and "MainProcess [10]" in line and "on parent_conn" in line
               for line in lines), text
    assert "2 sent, 1 received" in text
    projected = await shown(started(*PIPE), projector=True)
    assert "■ BLOCKED IN RECV()" in projected and "2 sent" not in projected


@sync
async def test_a_one_way_pipe_has_one_direction() -> None:
    text = await shown(started(
        E(10, "pipe.new", MAIN, pipe="P10.2", ends=["P10.2a", "P10.2b"], duplex=False, names=["r", "w"]),
        E(11, "pipe.send", CHILD, pipe="P10.2", end="P10.2b", item="'done'"),
    ))
    assert "Pipe (one-way)" in text and "w ─▶ │ 'done' │ ─▶ r  1 in flight" in text
    assert "r ─▶ w" not in text


VALUE = [
    E(10, "lock.new", MAIN, lock="L10.v2", type="mp.RLock", site="s.py:5", name="counter (lock)"),
    E(11, "value.new", MAIN, value="V10.1", type="Value", typecode="i", ctype="c_int", length=None, lock="L10.v2",
      site="s.py:5", name="counter", addr=4096, size=4),
    Event(12, "value.sample", MAIN, 0, {"value": "V10.1", "repr": "3930"}),
    E(13, "lock.acquire", CHILD, lock="L10.v2", site="s.py:9"),
    E(14, "lock.wait", MAIN, lock="L10.v2", site="s.py:12"),
]


@sync
async def test_value_card_shows_the_value_as_read_and_its_locks_owner_and_waiters() -> None:
    text = await shown(started(*VALUE))
    assert "counter  Value c_int" in text
    assert "= 3930" in text
    assert any("lock held by" in line and "Process-1 [11]" in line for line in text.splitlines()), text
    assert any("waiting" in line and "1. MainProcess [10]" in line for line in text.splitlines()), text
    assert "read from MainProcess [10]" in text
    freed = started(*VALUE[:3])
    assert "lock free" in await shown(freed)
    assert "✓ LOCK FREE" in await shown(freed, projector=True)
    unread = started(*VALUE[:2])
    assert "= not read yet" in await shown(unread)


MANAGER = [
    E(10, "manager.new", MAIN, manager="M/tmp/l-1", type="SyncManager", server=12, site="s.py:20", name="manager"),
    E(11, "proc.start", 12, ppid=MAIN, name="SyncManager-1"),
    E(12, "manager.call", CHILD, manager="M/tmp/l-1", object="7f00aa", type="dict", method="__setitem__",
      site="s.py:8", phase="begin"),
    E(13, "manager.call", CHILD, manager="M/tmp/l-1", object="7f00aa", type="dict", method="__setitem__",
      site="s.py:8", phase="end"),
    E(14, "manager.call", MAIN, manager="M/tmp/l-1", object="7f00bb", type="Lock", method="acquire",
      site="s.py:22", phase="begin"),
]


@sync
async def test_manager_card_shows_its_server_the_calls_per_object_and_who_waits_for_an_answer() -> None:
    text = await shown(started(*MANAGER))
    lines = text.splitlines()
    assert lines[0].startswith("manager") and "SyncManager" in lines[0] and "server SyncManager-1 [12]" in lines[0]
    assert any("dict 7f00aa" in line and "__setitem__ ×1" in line for line in lines), text
    assert any("in a call" in line and "MainProcess [10]  Lock.acquire()" in line for line in lines), text
    assert any("Process-1 [11]  dict.__setitem__()  s.py:8" in line for line in lines), text
    assert "2 calls" in text
    assert "■ WAITING FOR SERVER" in await shown(started(*MANAGER), projector=True)


@sync
async def test_scenario_11_tells_the_refused_put_from_the_two_timeouts() -> None:
    text = await shown(folded("queue", 1.0), size=(100, 30))
    assert "2 timed out" in text and "1 refused: full at once" in text
    assert "3 timed out" not in text


@sync
async def test_a_stack_and_a_priority_queue_say_where_gets_and_puts_go() -> None:
    def queue(qid: str, kind: str, *items: tuple[str, int]) -> list[Event]:
        return [E(10, "queue.new", MAIN, queue=qid, type=kind, maxsize=0, name=qid),
                *(E(11 + i, "queue.put", MAIN, queue=qid, item=item, rank=rank)
                  for i, (item, rank) in enumerate(items))]

    text = await shown(started(*queue("stack", "queue.LifoQueue", ("1", 0), ("2", 0), ("3", 0)),
                               *queue("jobs", "queue.PriorityQueue", ("5", 0), ("1", 0), ("3", 1))))
    assert "get ◀▶ put │ 3 │ 2 │ 1 │" in text, text
    assert "get ◀ │ 1 │ 3 │ 5 │ …∞ ◀ put, sorted" in text, text


def test_a_value_card_follows_its_lock_though_the_lock_changes_another_part() -> None:
    # The feeder hands the pane the model when its part or its clock key moved: a lock taken moves the key.
    pane = QueuePane()
    model = started(*VALUE[:3])
    before = pane.clock_key(model, 0)
    model.apply(VALUE[3])
    assert pane.clock_key(model, 0) != before
