"""The course's order and names: children (and threads) in the order their parent started them, whatever order their
own starts arrive in; a process or thread named as the course names it (``args=('egon',)``: ``egon (Process-1)``),
never from what is not a name; timeline lanes of CJK names lined up by cells."""

from __future__ import annotations

import random

import pytest
from rich.cells import cell_len

from tests.helpers import record_run, screen_text, script
from tests.test_panes import E, PaneApp, sync, tree_labels
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.events import Event
from tui.engine.model import Model
from tui.engine.recording import Recording
from tui.engine.runner import Run
from tui.inside.trace.processes import alias_of, process_alias
from tui.widgets.timeline import TimelinePane, fit_label
from tui.widgets.tree import ProcessTree

MAIN, REAPER = 100, 99
KIDS = [101, 102, 103, 104, 105]  # started in this order


# -- what is taken for a name ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, alias", [
    (("egon",), "egon"), (("lary1", "peach", None), "lary1"), (["路人0"], "路人0"), (("进程_1",), "进程_1"),
    ((7,), None), ((3.5,), None), (("a sentence, not a name",), None), (("x" * 17,), None), ((["lary"],), None),
    (("1st",), None), (("",), None), ((), None), (None, None), ((b"egon",), None), (("lary-1",), None),
])
def test_only_a_short_name_like_str_first_argument_is_a_course_name(args: object, alias: str | None) -> None:
    assert alias_of(args) == alias  # (a list of arguments too, as a script may give one)


def test_a_name_the_script_gave_is_the_name_and_a_name_keyword_argument_counts() -> None:
    class Process:  # what process_alias reads of a multiprocessing Process
        def __init__(self, name: str, args: tuple = (), kwargs: dict | None = None) -> None:
            self._target, self._name, self._args, self._kwargs = print, name, args, kwargs or {}

    assert process_alias(Process("Process-3", ("egon",))) == "egon"
    assert process_alias(Process("Process-1:2", ("egon",))) == "egon"  # a grandchild's default name
    assert process_alias(Process("worker", ("egon",))) is None  # name='worker': the script's own
    assert process_alias(Process("Process-3", kwargs={"name": "alex"})) == "alex"
    assert process_alias(Process("Process-3", (7,), {"name": "alex"})) is None  # the first argument is not a name
    no_target = Process("Process-3", ("egon",))
    no_target._target = None  # a subclass with its own run(): its name is whatever it set
    assert process_alias(no_target) is None


# -- the order, from events in any order -----------------------------------------------------------------------------
def _events(spawn_first: bool) -> list[Event]:
    """A main process that starts five children (spawn stamped 10 ns apart), whose own starts come reversed (their
    interpreters got ready in the other order); with ``spawn_first`` False a child's start is stamped before its
    spawn (a fork child says its start at once, its parent's word comes later)."""
    out = [E(1, ev.RUN_START, REAPER, main=MAIN, reaper=REAPER), E(2, ev.PROC_START, MAIN, ppid=REAPER,
                                                                        name="MainProcess", method="main")]
    for i, kid in enumerate(KIDS):
        spawned = 100 + 10 * i
        started = 1000 - 10 * i if spawn_first else spawned - 5 + (50 if i == 0 else 0)
        out.append(E(spawned, ev.PROC_SPAWN, MAIN, child=kid, name=f"Process-{i + 1}", method="spawn"))
        out.append(E(started, ev.PROC_START, kid, ppid=MAIN, name=f"Process-{i + 1}", method="spawn"))
    return out


@pytest.mark.parametrize("spawn_first", [True, False])
def test_children_are_in_start_order_whatever_order_their_events_arrive_in(spawn_first: bool) -> None:
    events = _events(spawn_first)
    head, rest = events[:2], events[2:]
    orders = [rest, sorted(rest, key=lambda e: e.t), list(reversed(rest))]
    shuffle = random.Random(18)
    for _ in range(40):
        order = rest[:]
        shuffle.shuffle(order)
        orders.append(order)
    for order in orders:
        model = Model.from_events(head + order)
        assert [p.pid for p in model.children(MAIN)] == KIDS, [e.kind for e in order]
        assert [p.pid for p, _ in model.walk()] == [MAIN, *KIDS]


def test_the_order_of_a_child_whose_parent_has_not_said_its_start_yet_is_its_own_start() -> None:
    """Until every parent's word has come, the children's own starts stand in; each word puts its child in place."""
    events = _events(spawn_first=True)
    model = Model.from_events(events[:2] + [e for e in events[2:] if e.kind == ev.PROC_START])
    assert [p.pid for p in model.children(MAIN)] == list(reversed(KIDS))
    for e in (e for e in events if e.kind == ev.PROC_SPAWN):
        model.apply(e)
    assert [p.pid for p in model.children(MAIN)] == KIDS


# -- a real run ------------------------------------------------------------------------------------------------------
_runs: dict[str, Recording] = {}


def course_names_run(method: str) -> Recording:
    if method not in _runs:
        target = script("course_names.py")
        rec = record_run(Run(resolve_target(target), start_method=method, stdin="null"), target, timeout=60)
        assert rec.code == 0, rec.lines("stderr")[-5:]
        _runs[method] = rec
    return _runs[method]


def spawn_order(rec: Recording) -> list[int]:
    return [e["child"] for e in rec.of(ev.PROC_SPAWN) if e.pid == rec.main_pid]


@pytest.mark.parametrize("method", ["spawn", "fork"])
@sync
async def test_the_tree_lists_children_and_threads_in_start_order_by_their_course_names(method: str) -> None:
    rec = course_names_run(method)
    model = rec.model
    assert model is not None
    kids = spawn_order(rec)
    assert len(kids) == 5
    if method == "spawn":  # the script's children said their own starts in the reverse order (see the script)
        starts = {e.pid: e.t for e in rec.of(ev.PROC_START)}
        assert sorted(kids, key=starts.__getitem__) == list(reversed(kids))
    tree = ProcessTree()
    async with PaneApp(tree).run_test(size=(120, 40)) as pilot:
        tree.update_from(model)
        await pilot.pause()
        labels = [label.strip() for label in tree_labels(tree)]
    main = rec.main_pid
    heads = [label.split("  ")[0] for label in labels]
    assert heads[0] == f"MainProcess [{main}]"
    threads = [h.split(" tid ")[0] for h in heads if " tid " in h]
    assert threads == ["MainThread", "lary (Thread-1)", "王五 (Thread-2)", "Thread-3 (work)", "Thread-4 (work)",
                       "worker"]
    # (a spawning run's resource tracker, which multiprocessing starts outside Process, shows too: left out here)
    processes = [h for h in heads[1:] if " tid " not in h and any(h.endswith(f"[{kid}]") for kid in kids)]
    assert processes == [f"egon (Process-1) [{kids[0]}]", f"路人1 (Process-2) [{kids[1]}]",
                         f"Process-3 [{kids[2]}]", f"Process-4 [{kids[3]}]", f"Process-5 [{kids[4]}]"]
    # and the timeline's lanes, in the same order by the same names
    pane = TimelinePane()
    async with PaneApp(pane).run_test(size=(100, 30)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        assert [label for label in pane.lane_labels() if not label.startswith("? ")] == [
            f"MainProcess {main}", " └ lary (Thread-1)", " └ 王五 (Thread-2)", " └ Thread-3 (work)",
            " └ Thread-4 (work)", " └ worker", f"egon (Process-1) {kids[0]}", f"路人1 (Process-2) {kids[1]}",
            f"Process-3 {kids[2]}", f"Process-4 {kids[3]}", f"Process-5 {kids[4]}"]


# -- CJK lanes --------------------------------------------------------------------------------------------------------
def _cjk_model() -> Model:
    """A main process with two children named in Chinese (one given its name, one named by its argument) and a thread
    of each kind: every lane lives up to the run's end, so its end mark is in its last cell."""
    end = 2_000_000_000
    return Model.from_events([
        E(1, ev.RUN_START, REAPER, main=MAIN, reaper=REAPER),
        E(2, ev.PROC_START, MAIN, ppid=REAPER, name="MainProcess", method="main"),
        E(10, ev.PROC_SPAWN, MAIN, child=101, name="进程1", method="fork"),
        E(11, ev.PROC_START, 101, ppid=MAIN, name="进程1", method="fork"),
        E(20, ev.PROC_SPAWN, MAIN, child=102, name="Process-2", method="fork"),
        E(21, ev.PROC_START, 102, ppid=MAIN, name="Process-2", method="fork", alias="路人0"),
        E(30, ev.THREAD_START, MAIN, 201, name="路人1", role="user"),
        E(40, ev.THREAD_START, MAIN, 202, name="Thread-1 (task)", role="user", alias="egon"),
        *[E(end, ev.THREAD_EXIT, MAIN, tid, name="x") for tid in (201, 202)],
        *[E(end, ev.PROC_EXIT, pid, code=0) for pid in (101, 102, MAIN)],
    ])


@sync
async def test_timeline_lanes_of_cjk_names_line_up_by_cells_and_keep_their_end_marks() -> None:
    model = _cjk_model()
    pane = TimelinePane()
    width = 90
    async with PaneApp(pane).run_test(size=(width, 20)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        lanes = [row for row in screen_text(pilot.app, pane).splitlines() if "│" in row]
        assert len(lanes) == 5
        separators = {cell_len(row[:row.index("│")]) for row in lanes}
        assert len(separators) == 1, lanes  # every lane's separator in the same column
        for row in lanes:
            assert row.rstrip().endswith("]"), row  # its end, in its last cell, on screen
        for row in pane.row_texts(width):
            assert cell_len(row) <= width, row  # no row wider than the pane
        assert pane.lane_labels() == ["MainProcess 100", " └ 路人1", " └ egon (Thread-1)", "进程1 101",
                                      "路人0 (Process-2) 102"]


def test_every_form_of_a_cut_label_fits_its_cells_exactly() -> None:
    labels = ["MainProcess 100", "路人0 (Process-2) 102", " └ 王五王五王五王五王五王五", "进程进程进程进程进程进程进程x"]
    for label in labels:
        for width in range(2, 30):
            fitted = fit_label(label, width)
            assert cell_len(fitted) == width, (label, width, fitted)
            if cell_len(label) <= width:
                assert fitted.rstrip() == label.rstrip()
            else:
                assert "…" in fitted
    assert fit_label("路人0", 6) == "路人0 "
