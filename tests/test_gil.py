"""Scenario 18 shows the GIL as the OS counts it: its two CPU-bound threads share one core between them (each thread's
CPU time from /proc/<pid>/task/<tid>/stat, sent with every sample), its two processes may use a core each, and the
tree says each thread's share.

Every bound below is what the kernel's counts allow, with their own error as the margin: utime and stime are read in
whole clock ticks (truncated), so a share measured over ``span`` seconds may be off by two ticks each way; nothing
here depends on how fast the machine is, or how loaded, beyond the scenario's threads living long enough to be
sampled between two samples (a sample at least every 0.1 s while they change; they run for tenths of a second)."""

from __future__ import annotations

import os

import pytest

from tests.helpers import run_traced
from tests.test_panes import PaneApp, sync, tree_labels
from tui.engine import events as ev
from tui.engine.events import Event
from tui.engine.model import Model
from tui.engine.recording import Recording
from tui.engine.sampler import CLK_TCK
from tui.widgets.tree import ProcessTree, cpu_shown

# Two threads handing the GIL to each other may both be on a CPU for the moment of a handoff: a few microseconds
# every 5 ms switch interval. A tenth of a core covers it many times over.
HANDOFF = 10.0
_runs: dict[str, Recording] = {}


def scenario_18() -> Recording:
    if "run" not in _runs:
        rec = run_traced("why_processes", timeout=120)
        assert rec.code == 0, rec.lines("stderr")[-5:]
        _runs["run"] = rec
    return _runs["run"]


def tick_error(span_ns: int) -> float:
    """The most a share (percent of a core) measured over ``span_ns`` can be off by: two clock ticks."""
    return 100.0 * 2 / CLK_TCK / (span_ns / 1e9)


def counting_threads(rec: Recording) -> list[int]:
    main = rec.main_pid
    tids = [e.tid for e in rec.of(ev.THREAD_START) if e.pid == main and e.tid != main]
    assert len(tids) == 2
    return tids


def shares_between_samples(samples: list[Event], tids: list[int]) -> list[tuple[int, dict[int, float]]]:
    """For each sample after the first of ``samples`` (one pid's) in which every thread of ``tids`` has a share:
    the time since the sample before (the span the shares were measured over) and the shares. The first sample's
    shares are measured since each thread began, over a span this test does not know to a tick: left out."""
    out = []
    for before, sample in zip(samples, samples[1:]):
        threads = {th["tid"]: th for th in sample["threads"]}
        had = {th["tid"] for th in before["threads"]}
        if all(tid in threads and tid in had and "cpu" in threads[tid] for tid in tids):
            out.append((sample.t - before.t, {tid: float(threads[tid]["cpu"]) for tid in tids}))
    return out


def test_the_two_threads_share_one_core_between_them() -> None:
    rec = scenario_18()
    tids = counting_threads(rec)
    main = rec.main_pid
    samples = [e for e in rec.of(ev.SAMPLE) if e.pid == main]
    measured = shares_between_samples(samples, tids)
    assert measured, "no two samples while both threads ran: nothing to see on screen either"
    for span, shares in measured:
        # Each sample: together at most one core, give or take the ticks' error of each.
        assert sum(shares.values()) <= 100.0 + 2 * tick_error(span) + HANDOFF, (span, shares)
        for cpu in shares.values():
            assert cpu <= 100.0 + tick_error(span) + HANDOFF  # no thread runs on more than one core
    # Over all of it the ticks' error is spread thin: still one core between the two.
    total = sum(span for span, _ in measured)
    average = sum(span * sum(shares.values()) for span, shares in measured) / total
    assert average <= 100.0 + 2 * tick_error(total) + HANDOFF, average


def test_the_two_processes_use_more_than_one_core_only_if_the_machine_has_them() -> None:
    rec = scenario_18()
    main = rec.main_pid
    kids = [e["child"] for e in rec.of(ev.PROC_SPAWN) if e.pid == main]
    assert len(kids) == 2
    cores = os.cpu_count() or 1
    per_kid = {kid: [e for e in rec.of(ev.SAMPLE) if e.pid == kid] for kid in kids}
    measured = {kid: shares_between_samples(samples, [kid]) for kid, samples in per_kid.items()}
    for kid, shares in measured.items():
        for span, share in shares:
            assert share[kid] <= 100.0 + tick_error(span) + HANDOFF  # one thread: one core at most
    # The samples of one round (the sampler reads every pid in turn, a round every 0.1 s or more) side by side.
    a, b = kids
    rounds = []
    for t, span_a, share_a in ((e.t, span, s[a]) for e, (span, s) in zip(per_kid[a][1:], measured[a])):
        near = [(abs(e.t - t), span, s[b]) for e, (span, s) in zip(per_kid[b][1:], measured[b])]
        if near:
            gap, span_b, share_b = min(near)
            if gap < 20_000_000:
                rounds.append((min(span_a, span_b), share_a + share_b))
    for span, together in rounds:
        # More than one core's worth only with the cores for it: on one core, one at most.
        assert together <= 100.0 * min(cores, 2) + 2 * tick_error(span) + HANDOFF, (together, cores)


@sync
async def test_the_tree_shows_each_threads_share_of_a_core_and_the_process_total() -> None:
    rec = scenario_18()
    tids = counting_threads(rec)
    main = rec.main_pid
    model = Model()
    moment = None
    for event in sorted(rec.events, key=lambda e: e.t):
        model.apply(event)
        if event.kind == ev.SAMPLE and event.pid == main and all(
                (model.thread_cpu.get((main, tid)) or 0) >= 5 and model.thread(main, tid).alive  # type: ignore
                for tid in tids):
            moment = model
            break
    assert moment is not None, "no sample found both threads running"
    tree = ProcessTree()
    async with PaneApp(tree).run_test(size=(120, 30)) as pilot:
        tree.update_from(moment)
        await pilot.pause()
        labels = [label.strip() for label in tree_labels(tree)]
    for tid in tids:
        row = next(label for label in labels if f" tid {tid} " in label)
        assert f"cpu {round(moment.thread_cpu[(main, tid)])}%" in row, row
    process_row = next(label for label in labels if label.startswith(f"MainProcess [{main}]"))
    cpu = moment.processes[main].cpu
    if cpu is not None and cpu >= 5:
        assert f"cpu {round(cpu)}%" in process_row, process_row


@pytest.mark.parametrize("cpu, shown", [(None, None), (0.0, None), (4.9, None), (49.4, 49), (101.0, 101)])
def test_a_share_worth_a_look_is_shown_whole(cpu: float | None, shown: int | None) -> None:
    assert cpu_shown(cpu, True) == shown
    assert cpu_shown(cpu, False) is None  # nothing beside what has ended
