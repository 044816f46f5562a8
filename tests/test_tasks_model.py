"""The fold of pools, tasks and signals from hand-made events: the same state whatever order a task's events arrive
in (they come from different processes, in batches); a task whose worker ends is lost, a queued task of a pool whose
process ends too; signals stay in time order."""

from __future__ import annotations

import itertools

from tui.engine import events as ev
from tui.engine.events import Event
from tui.engine.model import Model
from tui.engine.model.tasks import TaskState

MAIN, WORKER = 100, 200
POOL = "P100.1"


def fold(events: list[Event]) -> Model:
    model = Model.from_events(events)
    assert model.rejected == 0 and model.unknown == 0
    return model


def a_task(task: str, done: dict[str, object], t: int = 0) -> list[Event]:
    return [
        Event(10, ev.POOL_NEW, MAIN, MAIN, {"pool": POOL, "type": "Pool", "workers": 2, "site": "s.py:3", "name": "p"}),
        Event(t + 20, ev.TASK_SUBMIT, MAIN, MAIN, {"task": task, "pool": POOL, "func": "f", "args": "1"}),
        Event(t + 30, ev.TASK_START, WORKER, WORKER, {"task": task, "pool": POOL}),
        Event(t + 40, ev.TASK_DONE, WORKER, WORKER, {"task": task, "pool": POOL, **done}),
    ]


def test_a_task_is_the_same_whatever_order_its_events_come_in() -> None:
    events = a_task(f"{POOL}:0.0", {"result": "1"}) + a_task(f"{POOL}:0.1", {"error": "ValueError: no"}, 100)[1:]
    expected = None
    for order in itertools.permutations(events):
        model = fold(list(order))
        ok, failed = model.task(f"{POOL}:0.0"), model.task(f"{POOL}:0.1")
        state = (ok.state, ok.result, ok.submitted_by, ok.run_by, failed.state, failed.error,
                 model.tasks_ran(WORKER, WORKER), model.task_running(WORKER, WORKER), model.pool(POOL).label,
                 [t.id for t in model.tasks_of(WORKER, 0)])
        assert expected is None or state == expected, order
        expected = state
    assert expected[:6] == (TaskState.DONE, "1", (MAIN, MAIN), (WORKER, WORKER), TaskState.FAILED, "ValueError: no")
    assert expected[6:9] == (2, None, "p (Pool)")


def test_a_running_task_whose_worker_ends_is_lost_and_so_is_a_queued_one_whose_pool_ends() -> None:
    events = a_task(f"{POOL}:0.0", {})[:3] + [
        Event(25, ev.TASK_SUBMIT, MAIN, MAIN, {"task": f"{POOL}:1.0", "pool": POOL, "func": "g", "args": ""}),
        Event(50, ev.PROC_REAP, MAIN, MAIN, {"child": WORKER, "code": -15, "by": "parent"}),
    ]
    model = fold(events)
    assert model.task(f"{POOL}:0.0").state is TaskState.LOST and model.task_running(WORKER, WORKER) is None
    assert model.task(f"{POOL}:1.0").state is TaskState.QUEUED
    model.apply(Event(60, ev.PROC_EXIT, MAIN, MAIN, {"code": 0}))
    assert model.task(f"{POOL}:1.0").state is TaskState.LOST
    counts = model.task_counts(POOL)
    assert (counts[TaskState.LOST], counts[TaskState.DONE]) == (2, 0)


def test_a_map_job_names_its_tasks_and_imap_tasks_name_the_thread_that_asked() -> None:
    events = [Event(20 + i, ev.TASK_SUBMIT, MAIN, 101, {"task": f"{POOL}:3.{i}", "pool": POOL, "func": "f ×2 items",
                                                         "args": "[0, 1]", "by": MAIN}) for i in range(3)]
    model = fold(events)
    assert [t.id for t in model.tasks_waited(f"{POOL}:3")] == [f"{POOL}:3.0", f"{POOL}:3.1", f"{POOL}:3.2"]
    assert model.task(f"{POOL}:3.0").submitted_by == (MAIN, MAIN)
    assert model.task(f"{POOL}:3.0").call == "f ×2 items [0, 1]"
    assert model.tasks_waited(None) == [] and model.tasks_waited("P9.9:1") == []


def test_signals_are_kept_in_time_order_whatever_order_they_come_in() -> None:
    late = Event(50, ev.SIGNAL_SEND, MAIN, MAIN, {"child": WORKER, "signal": 15, "call": "terminate"})
    early = Event(30, ev.SIGNAL_SEND, WORKER, 201, {"child": MAIN, "signal": 10, "call": "os.kill"})
    model = fold([late, early])
    assert [(s.t, s.sender, s.target, s.signal, s.call) for s in model.signals] == [
        (30, (WORKER, 201), MAIN, 10, "os.kill"), (50, (MAIN, MAIN), WORKER, 15, "terminate")]
    assert [s.t for s in model.signals_to(WORKER)] == [50] and [s.t for s in model.signals_from(WORKER)] == [30]
