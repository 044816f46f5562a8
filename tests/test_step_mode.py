"""Step mode in the engine, with real processes: a run started stepped does nothing until it is stepped, each step
lets exactly one held thread do one thing, leaving step mode runs it to its end, and the interleaving is the
stepper's: the unlocked ticket sale (scenario 9) oversells every time under one fixed policy, the locked one
(scenario 10) never does."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest

from tests.helpers import printed, script, wait_until
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.collector import Collector
from tui.engine.model import Model, State, ThreadNode
from tui.engine.runner import Run
from tui.status import hold_words

Policy = Callable[[list[ThreadNode]], ThreadNode]


def settled(model: Model, th: ThreadNode, stepped_at: int) -> bool:
    """The stepped thread did its action and stands again: held at its next point, waiting in the kernel, or gone."""
    if th.held is not None and th.held.t > stepped_at:
        return True
    return th.held is None and (not th.alive or th.state in (State.BLOCKED, State.JOINING, State.SLEEPING)
                                or model.processes[th.pid].ended)


def step_once(run: Run, collector: Collector, th: ThreadNode) -> list[ev.Event]:
    """Let ``th`` go and wait until it has settled; the events that came meanwhile."""
    assert th.held is not None
    stepped_at = collector.model.now
    assert run.step(th.tid, th.held.until)
    seen: list[ev.Event] = []
    # No sleep between the checks: the poll itself waits (up to 20 ms) for the next events.
    assert wait_until(lambda: seen.extend(collector.poll(0.02)) or settled(collector.model, th, stepped_at),
                      timeout=10, interval=0.0), f"{th.name} did not settle after its step"
    return seen


def drive(run: Run, collector: Collector, policy: Policy, limit: int = 500, timeout: float = 120.0) -> None:
    """Step by ``policy`` until nothing is held and the run has ended: at most ``limit`` steps (the polls between
    them, while nothing is held yet, are not steps: on a busy machine there are more of them)."""
    steps = 0
    deadline = time.monotonic() + timeout
    while steps < limit and time.monotonic() < deadline:
        collector.poll(0.02)
        if collector.finished:
            return
        held = collector.model.held()
        if not held:
            continue
        step_once(run, collector, policy(held))
        steps += 1
    pytest.fail(f"the run did not end within {limit} steps and {timeout:.0f} s ({steps} steps taken)")


def started_stepped(target: str) -> tuple[Run, Collector]:
    run = Run(resolve_target(target), stdin="null")
    collector = Collector(run)
    run.start(stepping=True)
    return run, collector


def test_a_run_started_stepped_does_nothing_until_stepped_and_each_step_is_one_action() -> None:
    run, collector = started_stepped("process_function")
    try:
        model = collector.model
        # main is held before its print, the child before it runs its target: nothing is printed, the child lives
        assert wait_until(lambda: collector.poll(0.02) is not None and len(model.held()) == 2, timeout=20)
        until = time.monotonic() + 3.0
        while time.monotonic() < until:  # nobody steps for 3 s: nothing happens (samples aside)
            assert not [e for e in collector.poll(0.05) if e.kind not in (ev.SAMPLE, ev.SAMPLE_GONE, ev.CLOCK)]
        assert model.lines == [] and not any(p.ended for p in model.processes.values())
        child = next(th for th in model.held() if th.held is not None and th.held.action == "start")
        main = next(th for th in model.held() if th is not child)
        # a step of the child: it runs to its next point (its first print) and nothing else happens
        seen = step_once(run, collector, child)
        done = [e for e in seen if e.kind not in (ev.SAMPLE, ev.SAMPLE_GONE, ev.CLOCK, ev.HOLD)]
        assert done == [] and child.held is not None and child.held.action == "print"
        assert main.held is not None and model.lines == []  # the other one did not move
        seen = step_once(run, collector, child)  # the print: exactly one line, the child's
        assert [line for e in seen for line in printed(e)] == ["alex is running"]
        assert child.held is not None and child.held.action == "sleep"
        seen = step_once(run, collector, child)  # a 3 s sleep ends at once when stepped: the clock jumps
        sleeps = [(e.kind, e.get("phase")) for e in seen if e.kind == ev.SLEEP]
        assert sleeps == [(ev.SLEEP, "begin"), (ev.SLEEP, "end")]
        run.leave_step()
        while not collector.finished:
            collector.poll(0.05)
    finally:
        run.close()
    assert sorted(line.text for line in model.lines) == sorted(["主", "alex is running", "alex is done"])
    assert model.run.code == 0


def test_pipe_send_and_recv_and_both_simple_queues_are_step_points() -> None:
    run, collector = started_stepped(script("steps_pipe_simple.py"))
    model = collector.model
    steps: list[str] = []
    try:
        for _ in range(40):
            assert wait_until(lambda: collector.poll(0.02) is not None and (collector.finished or bool(model.held())),
                              timeout=20)
            if collector.finished:
                break
            main = model.held()[0]
            steps.append(hold_words(main, model))
            step_once(run, collector, main)
    finally:
        run.close()
    assert [line.text for line in model.lines] == ["ping", "job", "note"]
    # the ends and queues by the names the script gave them
    assert [s for s in steps if not s.startswith(("print", "exit"))] == [
        "send left, line 8", "recv right, line 9", "put jobs, line 11", "get jobs, line 12",
        "put notes, line 14", "get notes, line 15"]


def sleep_lines(path: str) -> list[int]:
    with open(path, encoding="utf-8") as fh:
        return [n for n, line in enumerate(fh, 1) if "time.sleep(" in line]


def oversell_policy(held: list[ThreadNode]) -> ThreadNode:
    """Everything but a sleep first; of the sleeps, the earliest line first. Every buyer then reads the one ticket
    before any of them, asleep between reading and writing, is let go to write."""
    def key(th: ThreadNode) -> tuple[int, int]:
        assert th.held is not None
        line = int(th.held.site.rpartition(":")[2] or 0)
        return (1 if th.held.action == "sleep" else 0, line)
    return min(held, key=key)


SOLD = re.compile(r"卖出了 (\d+) 张")


@pytest.mark.parametrize("target, oversold", [("ticket_race", True), ("ticket_lock", False)])
def test_a_fixed_stepping_oversells_the_unlocked_sale_every_time_and_never_the_locked_one(
        target: str, oversold: bool) -> None:
    for _ in range(10 if oversold else 3):
        run, collector = started_stepped(target)
        try:
            drive(run, collector, oversell_policy)
        finally:
            run.close()
        summary = [m for line in collector.model.lines if (m := SOLD.search(line.text))]
        assert len(summary) == 1, [line.text for line in collector.model.lines]
        sold = int(summary[0].group(1))
        assert (sold > 1) is oversold, sold
