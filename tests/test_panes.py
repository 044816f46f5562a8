"""The five model panes, each mounted alone in a tiny app and fed models folded from recorded runs: what they show."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.widget import Widget

from tests.helpers import screen_text
from tui.engine.events import Event, read_jsonl
from tui.engine.jsonl import read_recording
from tui.engine.model import Model
from tui.engine.replay import ReplaySession
from tui.widgets.badges import LOOKS, Palette, badge
from tui.widgets.locks import LockPane
from tui.widgets.output import DRAWN_LINES, OutputPane
from tui.widgets.queues import QueuePane
from tui.widgets.timeline import TimelinePane
from tui.widgets.tree import ProcessTree

RECORDINGS = Path(__file__).parent / "recordings"


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Runs an async test in its own event loop: no async pytest plugin is needed."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def folded(name: str, until: float = 1.0) -> Model:
    """The model of a recording folded up to a share of its duration, as a replay shows it."""
    return ReplaySession(RECORDINGS / f"{name}.jsonl", until=until).model


def folded_until(name: str, moment: Callable[[Model], object]) -> Model:
    """The model of a recording folded event by event (as they arrived) up to the first one after which ``moment``
    holds: a moment chosen by what it shows, not by when a run happened to reach it."""
    _, events = read_recording(RECORDINGS / f"{name}.jsonl")
    model = Model()
    for event in events:
        model.apply(event)
        if moment(model):
            return model
    pytest.fail(f"{name}.jsonl never reaches the moment")


def thread_start_order(model: Model, pid: int) -> list[str]:
    """The names of a process's threads in the order their starts were folded: the order tree and timeline use."""
    return [th.name for th in sorted(model.processes[pid].threads.values(), key=lambda th: th.started_t)]


def E(t: int, kind: str, pid: int, tid: int | None = None, **fields: Any) -> Event:
    return Event(t, kind, pid, pid if tid is None else tid, fields)


class PaneApp(App[None]):
    def __init__(self, pane: Widget) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane


def tree_labels(tree: ProcessTree) -> list[str]:
    """Every node's label as plain text, depth first (what the tree shows when all is expanded)."""
    out: list[str] = []

    def walk(node: Any, depth: int) -> None:
        for child in node.children:
            out.append("  " * depth + str(child.label))
            walk(child, depth + 1)

    walk(tree.root, 0)
    return out


def label_of(tree: ProcessTree, pid: int) -> str:
    return str(tree._node_of[("p", pid)].label)


def body_text(pane: LockPane | QueuePane) -> str:
    """The lines the pane's body paints, as plain text (trailing blanks dropped)."""
    body = pane.query_one("#locks-body" if isinstance(pane, LockPane) else "#queues-body")
    return "\n".join(body.render_line(y).text.rstrip() for y in range(body.size.height))


def pid_of(model: Model, name: str) -> int:
    return next(p.pid for p in model.processes.values() if p.name == name)


# -- badges ---------------------------------------------------------------------------------------------------
def test_every_state_has_its_own_letter_and_word_not_just_a_colour() -> None:
    letters = [lk.letter for lk in LOOKS.values()]
    words = [lk.word for lk in LOOKS.values()]
    assert len(set(letters)) == len(letters)
    assert len(set(words)) == len(words)
    plain = Palette({}, {})
    assert badge(plain, "zombie").plain.strip() == "Z"
    assert badge(plain, "zombie", projector=True).plain.strip() == "† ZOMBIE"
    assert badge(plain, "running", projector=True).plain == " ▶ RUNNING "


# -- processes ------------------------------------------------------------------------------------------------
@sync
async def test_zombie_child_shows_a_Z_badge_part_way() -> None:
    model = folded("zombie", 0.3)
    tree = ProcessTree()
    async with PaneApp(tree).run_test() as pilot:
        tree.update_from(model)
        await pilot.pause()
        child = label_of(tree, pid_of(model, "Process-1"))
        assert " Z " in child and "zombie" in child
        assert "sleeping" in label_of(tree, pid_of(model, "MainProcess"))
        # The child sits under its parent.
        assert tree_labels(tree)[1].startswith("  Process-1 [")


@sync
async def test_orphan_moves_under_the_reaper_and_says_who_adopted_it() -> None:
    events = read_jsonl(str(RECORDINGS / "orphan.jsonl"))
    model = Model()
    tree = ProcessTree()
    async with PaneApp(tree).run_test() as pilot:
        # One model folded on and on, as in a live run: the tree must move the grandchild, not start over.
        split = next(i for i, e in enumerate(events) if e.kind == "sample" and e.get("parent_name") == "contui-reaper"
                     and e.pid != model.run.main and e.get("ppid") == events[0].pid and i > 5)
        model.apply_many(events[:split])
        tree.update_from(model)
        await pilot.pause()
        grandchild = pid_of(model, "Process-1:1")
        labels = tree_labels(tree)
        assert any(line.startswith(f"    Process-1:1 [{grandchild}]") for line in labels), labels

        model.apply_many(events[split:])
        tree.update_from(model)
        await pilot.pause()
        labels = tree_labels(tree)
        assert labels[-2].startswith(f"Process-1:1 [{grandchild}]"), labels  # now a top-level node
        assert " O  orphaned" in label_of(tree, grandchild)
        fact = str(tree._node_of[("i", grandchild, "adopted")].label)
        assert fact.startswith(f"↳ adopted by {model.run.reaper} (contui-reaper)")
        # Moved, not duplicated: one node per process.
        assert sum("Process-1:1 [" in line for line in labels) == 1
        assert sum(key[0] == "p" for key in tree._node_of) == len(model.processes)


@sync
async def test_daemon_killed_at_its_parents_exit() -> None:
    model = folded("daemon_process")
    tree = ProcessTree()
    async with PaneApp(tree).run_test() as pilot:
        tree.update_from(model)
        await pilot.pause()
        lary = label_of(tree, pid_of(model, "Process-1"))
        assert " G " in lary and "daemon-killed" in lary and "at its parent's exit" in lary
        assert "daemon" in label_of(tree, pid_of(model, "Process-2"))
        tree.projector = True
        await pilot.pause()
        assert "DAEMON-KILLED" in label_of(tree, pid_of(model, "Process-1"))


@sync
async def test_is_alive_answers_show_on_the_child_with_who_asked() -> None:
    model = folded("process_attributes")
    tree = ProcessTree()
    async with PaneApp(tree).run_test() as pilot:
        tree.update_from(model)
        await pilot.pause()
        child = next(p for p in model.processes.values() if p.alive_checks)
        asker = model.processes[child.alive_checks[-1].asker_pid]
        alive = str(tree._node_of[("i", child.pid, "alive")].label)
        # the answers the script printed, in order
        printed = [line.text.rsplit(" ", 1)[1] for line in model.lines if "is_alive():" in line.text]
        assert printed and f"is_alive() → {', '.join(printed)}" in alive
        assert f"asked by {asker.name} [{asker.pid}]" in alive
        label = label_of(tree, child.pid)
        assert "terminated" in label and "SIGTERM" in label


@sync
async def test_threads_show_under_their_process_and_labels_change_in_place() -> None:
    tree = ProcessTree()
    async with PaneApp(tree).run_test() as pilot:
        tree.update_from(folded("echo_server", 0.3))
        await pilot.pause()
        model = folded("echo_server", 0.6)
        main = model.run.main
        tree.update_from(model)
        await pilot.pause()
        node = tree._node_of[("p", main)]
        threads = [str(c.label).split(" tid ")[0] for c in node.children]
        assert threads == thread_start_order(model, main)
        assert {"MainThread", "server", "client-1", "client-2"} <= set(threads)
        # Same model object, one more event: the node is relabelled, not replaced.
        model.apply(E(model.now + 1, "sleep", main, main, secs=1, phase="begin"))
        tree.update_from(model)
        await pilot.pause()
        assert tree._node_of[("p", main)] is node


@sync
async def test_a_ppid_cycle_and_a_brand_new_model() -> None:
    cycle = Model.from_events([
        E(1, "proc.start", 100, ppid=200, name="A"),
        E(2, "proc.start", 200, ppid=100, name="B"),
    ])
    tree = ProcessTree()
    async with PaneApp(tree).run_test() as pilot:
        tree.update_from(folded("ticket_lock", 0.5))
        tree.update_from(cycle)  # another run: nothing of the first may remain
        await pilot.pause()
        labels = tree_labels(tree)
        assert len(labels) == 2 and labels[0].startswith("A [100]") and labels[1].startswith("  B [200]")


@sync
async def test_stopped_killed_and_failed_exit_have_their_own_letters() -> None:
    model = Model.from_events([
        E(1, "run.start", 1, main=10, reaper=1),
        E(2, "proc.start", 10, ppid=1, name="MainProcess"),
        E(3, "proc.start", 11, ppid=10, name="Stopped"),
        E(4, "proc.start", 12, ppid=10, name="Killed"),
        E(5, "proc.start", 13, ppid=10, name="Failed"),
        Event(6, "sample", 11, 0, {"ppid": 10, "status": "stopped", "threads": 1, "cpu": 0.0}),
        E(7, "proc.reap", 10, child=12, code=-9, by="parent"),
        E(8, "proc.exit", 13, code=3),
    ])
    tree = ProcessTree()
    async with PaneApp(tree).run_test() as pilot:
        tree.update_from(model)
        await pilot.pause()
        assert " T  stopped" in label_of(tree, 11)
        assert " K  killed by SIGKILL" in label_of(tree, 12)
        assert " E  exited code 3" in label_of(tree, 13)
        tree.projector = True
        await pilot.pause()
        assert "‖ STOPPED" in label_of(tree, 11) and "× KILLED" in label_of(tree, 12)


# -- locks ----------------------------------------------------------------------------------------------------
@sync
async def test_lock_owner_waiters_in_order_and_time_held_from_the_model() -> None:
    model = folded("ticket_lock", 0.5)
    pane = LockPane()
    async with PaneApp(pane).run_test() as pilot:
        pane.update_from(model)
        await pilot.pause()
        text = body_text(pane)
        lock = next(iter(model.locks.values()))
        owner = model.processes[lock.owner[0]]
        assert "mutex" in text and "mp.Lock" in text
        owner_line = next(line for line in text.splitlines() if "owner" in line)
        assert f"{owner.name} [{owner.pid}]" in owner_line
        held = (model.now - lock.acquired_t) / 1e9
        assert f"held {held:.2f} s" in owner_line
        waiters = [model.processes[pid] for pid, _ in lock.waiters]
        assert len(waiters) >= 2
        lines = text.splitlines()
        for i, w in enumerate(waiters, 1):
            assert any(f"{i}. {w.name} [{w.pid}]" in line for line in lines), (i, w.name, text)
        # Deterministic: the same model reads the same.
        pane.update_from(model)
        assert body_text(pane) == text


@sync
async def test_lock_pane_without_locks() -> None:
    pane = LockPane()
    async with PaneApp(pane).run_test() as pilot:
        pane.update_from(folded("zombie"))
        await pilot.pause()
        assert "no locks" in body_text(pane)


# -- queues ---------------------------------------------------------------------------------------------------
@sync
async def test_full_queue_of_three_with_a_blocked_putter() -> None:
    model = folded("queue", 0.5)
    pane = QueuePane()
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        text = body_text(pane)
        slot_line = next(line for line in text.splitlines() if "get ◀" in line)
        assert "│ 2 │ {'count': 3} │ 'fourth' │" in slot_line
        assert "3/3" in slot_line and "full" in slot_line
        assert "maxsize 3" in text
        main = model.processes[model.run.main]
        assert any("blocked in put()" in line and f"{main.name} [{main.pid}]" in line for line in text.splitlines())


@sync
async def test_unbounded_joinable_queue_with_a_blocked_getter_and_unfinished_tasks() -> None:
    def getter_waits_with_tasks_unfinished(m: Model) -> bool:
        return any(q.blocked_getters and q.unfinished for q in m.queues.values())

    model = folded_until("producer_consumer", getter_waits_with_tasks_unfinished)
    (queue,) = model.queues.values()
    pane = QueuePane()
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        text = body_text(pane)
        assert "JoinableQueue" in text and "maxsize ∞" in text
        assert f"unfinished tasks: {queue.unfinished}" in text
        assert "blocked in get()" in text


@sync
async def test_free_slots_show_and_a_narrow_pane_cuts_the_row_with_a_count() -> None:
    model = folded("queue", 0.5)
    q = next(iter(model.queues.values()))
    q.items.popleft()  # two of three slots used
    pane = QueuePane()
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        slot_line = next(line for line in body_text(pane).splitlines() if "get ◀" in line)
        assert "│ {'count': 3} │ 'fourth' │ · │" in slot_line and "2/3" in slot_line
        for i in range(40):
            q.items.append(f"item {i}")
        pane.update_from(model)
        await pilot.pause()
        slot_line = next(line for line in body_text(pane).splitlines() if "get ◀" in line)
        assert "more" in slot_line and len(slot_line) <= 80
        for i in range(100_000):  # far more than are copied out of the model: the count stays right
            q.items.append(f"bulk {i}")
        pane.update_from(model)
        await pilot.pause()
        lines = body_text(pane).splitlines()
        slot_line = next(line for line in lines if "get ◀" in line)
        shown = slot_line.count("│") - 1  # slots drawn, and the "+N more" cell
        assert f"+{100_042 - (shown - 1)} more" in slot_line, slot_line
        assert any("100042/3" in line for line in lines)


# -- output ---------------------------------------------------------------------------------------------------
@sync
async def test_a_burst_of_20000_lines_is_counted_whole_and_only_what_is_seen_is_drawn() -> None:
    pane = OutputPane()
    model = Model.from_events([E(1, "proc.start", 10, ppid=1, name="MainProcess"),
                               E(2, "proc.start", 11, ppid=10, name="Process-1")])
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        pane.update_from(model)
        t = 10
        for frame in range(20):  # 20 frames of 1,000 lines from two processes
            for i in range(1000):
                t += 1
                n = frame * 1000 + i
                model.apply(E(t, "stdout", 10 + n % 2, stream="stdout", text=f"line {n}"))
            pane.update_from(model)
            await pilot.pause()
        assert len(model.lines) == 20000
        assert pane.virtual_size.height == 20000  # every line of the model, one row each: no cap of its own
        screen = screen_text(pilot.app, pane)
        assert "Process-1[11] │ line 19999" in screen  # it follows the newest lines
        assert len(pane._drawn) <= DRAWN_LINES < 20000  # rows are drawn as they are seen, not as they come
        pane.scroll_home(animate=False)
        await pilot.pause()
        assert "MainProcess[10] │ line 0" in screen_text(pilot.app, pane)  # and the oldest are still there


@sync
async def test_the_output_pane_keeps_showing_the_newest_lines_until_scrolled_back() -> None:
    pane = OutputPane()
    model = Model.from_events([E(1, "proc.start", 10, ppid=1, name="MainProcess")])
    async with PaneApp(pane).run_test(size=(60, 12)) as pilot:
        t = 1

        async def more(count: int) -> None:
            nonlocal t
            for _ in range(count):
                t += 1
                model.apply(E(t, "stdout", 10, text=f"line {len(model.lines)}"))
            pane.update_from(model)
            await pilot.pause()

        for _ in range(14):  # one line at a time: the first line that no longer fits is shown too
            await more(1)
            assert f"line {len(model.lines) - 1}" in screen_text(pilot.app, pane)
        await more(1000)
        assert "line 1013" in screen_text(pilot.app, pane)
        pane.focus()
        await pilot.press("home")  # the reader scrolls back: new lines no longer pull the view down
        await more(100)
        assert "line 0" in screen_text(pilot.app, pane) and "line 1113" not in screen_text(pilot.app, pane)
        await pilot.press("end")  # back at the end: it follows again
        await more(100)
        await more(1)
        assert "line 1214" in screen_text(pilot.app, pane)
        await pilot.press("pageup", "pagedown", "pagedown")  # scrolling down to the end anchors it too
        await more(1)
        assert "line 1215" in screen_text(pilot.app, pane)


@sync
async def test_long_lines_wrap_to_the_pane_width_under_their_text_and_cjk_counts_two_cells() -> None:
    message = ("AssertionError: daemonic processes are not allowed to have children, and this line goes on to be "
               "longer than the pane")
    model = Model.from_events([E(1, "proc.start", 10, ppid=1, name="MainProcess"),
                               E(2, "stdout", 10, stream="stderr", text=message),
                               E(3, "stdout", 10, text="主进程" * 30)])
    pane = OutputPane()
    async with PaneApp(pane).run_test(size=(80, 12)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        rows = pane.row_texts()
        width = pane.scrollable_content_region.width
        assert all(cell_len(row) <= width for row in rows), rows
        prefix = "MainProcess[10] ! "
        error_rows = rows[:next(i for i, row in enumerate(rows) if "主" in row)]
        assert error_rows[0].startswith(prefix) and len(error_rows) > 1
        assert all(row.startswith(" " * len(prefix)) for row in error_rows[1:])  # hung under the text
        assert " ".join(row.strip() for row in error_rows) == prefix + message  # no word cut, nothing lost
        cjk_rows = rows[len(error_rows):]
        assert "".join(row.strip().removeprefix("MainProcess[10] │") for row in cjk_rows).strip() == "主进程" * 30
        assert len(cjk_rows) > 1
        screen = screen_text(pilot.app, pane)
        assert "longer than the pane" in screen  # the whole error reads on screen, no sideways scrolling


@sync
async def test_a_line_of_a_million_characters_sent_in_pieces_shows_whole_folded_to_the_pane() -> None:
    """As a run sends it: 250 partial pieces of 4,000 characters, then its end. Cut into rows in time linear in the
    line (a cut that copied the rest of the line at each row took minutes and froze the app)."""
    text = "".join(f"{i:07d}" for i in range(1_000_000 // 7))
    events = [E(1, "proc.start", 10, ppid=1, name="MainProcess")]
    events += [E(2 + n, "stdout", 10, text=text[i:i + 4000], partial=True) for n, i in enumerate(range(0, len(text),
                                                                                                     4000))]
    events.append(E(1000, "stdout", 10, text=""))
    pane = OutputPane()
    async with PaneApp(pane).run_test(size=(80, 12)) as pilot:
        model = Model()
        for event in events:  # the pane follows the line as it grows, as in a live run
            model.apply(event)
            pane.update_from(model)
        await pilot.pause()
        rows = pane.row_texts()
        width = pane.scrollable_content_region.width
        prefix = "MainProcess[10] │ "
        assert rows[0].startswith(prefix) and all(row.startswith(" " * len(prefix)) for row in rows[1:])
        assert all(cell_len(row) <= width for row in rows)
        assert rows[0][len(prefix):] + "".join(row.strip() for row in rows[1:]) == text
        assert text[-20:] in screen_text(pilot.app, pane)  # anchored at the end: the line's end is on screen


@sync
async def test_a_timing_printed_at_another_speed_says_the_speed() -> None:
    model = Model.from_events([E(1, "proc.start", 10, ppid=1, name="MainProcess"),
                               E(2, "stdout", 10, text="主 3.01"), E(3, "run.speed", 0, speed=4.0),
                               E(4, "stdout", 10, text="主 3.02"), E(5, "stdout", 10, text="no timing here")])
    pane = OutputPane()
    async with PaneApp(pane).run_test(size=(80, 12)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        assert [row.split("│ ", 1)[1].rstrip() for row in pane.row_texts()] == [
            "主 3.01", "主 3.02  [4×]", "no timing here"]


@sync
async def test_partial_lines_stderr_and_uncaught_exceptions() -> None:
    main, child = 10, 11
    model = Model.from_events([E(1, "proc.start", main, ppid=1, name="MainProcess"),
                               E(2, "stdout", main, text="Enter a number: ", partial=True)])
    pane = OutputPane()
    async with PaneApp(pane).run_test() as pilot:
        pane.update_from(model)
        assert pane.row_texts()[-1] == "MainProcess[10] │ Enter a number: "
        model.apply_many([
            E(3, "stdout", main, text="42"),
            E(4, "proc.start", child, ppid=main, name="Process-1"),
            E(5, "exception", child, type="ValueError", message="bad value", where="process",
              traceback="Traceback (most recent call last):\n  File \"x.py\", line 2, in f\nValueError: bad value\n"),
            E(6, "stdout", child, stream="stderr", text="Traceback (most recent call last):"),
            E(7, "stdout", child, stream="stderr", text="ValueError: bad value"),
            E(8, "stdout", main, text="colour \x1b[31mred\tand\rmore"),
        ])
        pane.update_from(model)
        await pilot.pause()
        rows = pane.row_texts()
        assert rows[0] == "MainProcess[10] │ Enter a number: 42"  # the partial line grew in place
        assert rows[1] == "Process-1[11] ✖ uncaught ValueError: bad value  (in run())"
        assert rows[2] == "Process-1[11] ! Traceback (most recent call last):"
        assert rows[3] == "Process-1[11] ! ValueError: bad value"
        assert rows[4] == "MainProcess[10] │ colour ␛[31mred and more"  # one row; no escape reaches the terminal
        assert len(rows) == 5


@sync
async def test_a_traceback_never_printed_is_shown_from_the_exception_record() -> None:
    model = Model.from_events([
        E(1, "proc.start", 10, ppid=1, name="MainProcess"),
        E(2, "exception", 10, type="KeyError", message="'k'", where="main",
          traceback="Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'k'\n"),
        E(3, "proc.exit", 10, code=1),
    ])
    pane = OutputPane()
    async with PaneApp(pane).run_test() as pilot:
        pane.update_from(model)
        await pilot.pause()
        assert pane.row_texts() == [
            "MainProcess[10] ✖ uncaught KeyError: 'k'  (in the script)",
            "MainProcess[10] ! Traceback (most recent call last):",
            "MainProcess[10] !   File \"x.py\", line 1",
            "MainProcess[10] ! KeyError: 'k'",
        ]


@sync
async def test_output_of_a_recording_in_arrival_order_and_reset_on_a_new_model() -> None:
    pane = OutputPane()
    async with PaneApp(pane).run_test() as pilot:
        model = folded("zombie")
        pane.update_from(folded("zombie", 0.2))
        pane.update_from(model)  # another model object: starts over, no line twice
        await pilot.pause()
        rows = pane.row_texts()
        assert len(rows) == len(model.lines)
        for row, line in zip(rows, model.lines):
            p = model.processes[line.pid]
            assert row == f"{p.name}[{p.pid}] │ {line.text}"


# -- timeline -------------------------------------------------------------------------------------------------
@sync
async def test_timeline_lanes_in_tree_order_with_state_glyphs_and_lock_marks() -> None:
    model = folded("ticket_lock", 0.5)
    pane = TimelinePane()
    async with PaneApp(pane).run_test(size=(100, 30)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        main = model.processes[model.run.main]
        labels = pane.lane_labels()
        assert labels[0] == f"{main.name} {main.pid}" and len(labels) == len(model.lanes)
        rows = pane.row_texts(100)
        axis = next(i for i, row in enumerate(rows) if "╵" in row)
        assert "█ running" in rows[0] and "▒ blocked" in "".join(rows[:axis])  # the legend, above the axis
        assert rows[axis].rstrip().endswith(f"{model.now / 1e9:.2f} s")  # the axis ends at now
        lock = next(iter(model.locks.values()))
        owner = model.processes[lock.owner[0]]
        owner_row = next(r for r in rows if r.startswith(f"{owner.name} {owner.pid} "))
        assert "◆" in owner_row  # where it acquired the lock
        waiter = model.processes[lock.waiters[0][0]]
        waiter_row = next(r for r in rows if r.startswith(f"{waiter.name} {waiter.pid} "))
        assert waiter_row.rstrip().endswith("▒")  # blocked up to now
        assert "[" in waiter_row and "─" in waiter_row  # started, then slept


@sync
async def test_timeline_thread_lanes_and_zombie_stretch() -> None:
    pane = TimelinePane()
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        echo = folded("echo_server", 0.6)
        pane.update_from(echo)
        await pilot.pause()
        assert pane.lane_labels()[1:] == [f" └ {name}" for name in thread_start_order(echo, echo.run.main)[1:]]
        assert {" └ server", " └ client-1", " └ client-2"} <= set(pane.lane_labels())
        model = folded("zombie")
        pane.update_from(model)  # a brand-new model: only its lanes
        await pilot.pause()
        assert len(pane.lane_labels()) == 2
        child = next(r for r in pane.row_texts(80) if r.startswith("Process-1 "))
        assert "]" in child and "░" in child  # its code ended, then it was a zombie


@sync
async def test_timeline_on_screen_follows_the_clock_when_only_time_moves() -> None:
    # With the same lanes, only the axis and the lane rows are repainted: what the screen shows must still move on.
    model = folded("zombie")
    pane = TimelinePane()
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        before = screen_text(pilot.app, pane)
        model.now += 3_000_000_000  # the run sleeps on: no event, the clock moves
        pane.update_from(model)
        await pilot.pause()
        after = screen_text(pilot.app, pane)
        assert f"{model.now / 1e9:.2f} s" in after and f"{model.now / 1e9:.2f} s" not in before
        child_before = next(r for r in before.splitlines() if "Process-1 " in r)
        child_after = next(r for r in after.splitlines() if "Process-1 " in r)
        # Its lane ended long before: now squeezed into the left part of the same width.
        assert child_after.rstrip().rfind("░") < child_before.rstrip().rfind("░")


@pytest.mark.parametrize("pane_class", [ProcessTree, LockPane, QueuePane, OutputPane, TimelinePane])
@sync
async def test_every_pane_keeps_the_contract(pane_class: type[Widget]) -> None:
    pane = pane_class()
    assert pane.can_focus and pane.BORDER_TITLE
    async with PaneApp(pane).run_test() as pilot:
        pane.update_from(folded("ticket_lock", 0.5))
        pane.projector = True
        pane.update_from(folded("queue"))
        await pilot.pause()
        assert pane.border_title == pane.BORDER_TITLE
        pane.focus()
        await pilot.pause()
        assert pane.has_focus


def test_timeline_cells_from_prefix_sums_match_the_direct_sum() -> None:
    """A lane with many segments is drawn from prefix sums; a short one segment by segment: same cells."""
    import random

    from tui.widgets import timeline

    rng = random.Random(7)
    events = [E(0, "proc.start", 10, ppid=1, name="P")]
    t = 0
    for i in range(3000):
        t += rng.randint(1, 5000)
        kind = rng.choice(["sleep", "lock.wait", "lock.acquire", "proc.join"])
        if kind == "sleep":
            events.append(E(t, "sleep", 10, secs=1, phase=rng.choice(["begin", "end"])))
        elif kind == "proc.join":
            events.append(E(t, "proc.join", 10, child=11, phase=rng.choice(["begin", "end"])))
        else:
            events.append(E(t, kind, 10, lock="L1", type="threading.Lock"))
    model = Model.from_events(events)
    copy = timeline.LaneCopy((10, 10))
    lane = model.lanes[(10, 10)]
    copy.sync(lane.segments[:1000], lane.marks[:500])  # in two steps, as frames would
    copy.sync(lane.segments, lane.marks)
    assert len(copy.segments) > timeline.DIRECT_PER_CELL * 100
    fast = timeline.lane_cells(copy, model.now, 100)
    direct = timeline.DIRECT_PER_CELL
    try:
        timeline.DIRECT_PER_CELL = 10**9
        slow = timeline.lane_cells(copy, model.now, 100)
    finally:
        timeline.DIRECT_PER_CELL = direct
    assert fast[1] == slow[1]
    differ = [c for c in range(100) if fast[0][c] != slow[0][c]]
    assert len(differ) <= 2, differ  # float rounding at a cell edge at most
    assert {"blocked", "sleeping", "running"} <= set(fast[0])


def test_a_lane_copy_keeps_each_kind_of_mark_in_time_order_whatever_order_they_come_in() -> None:
    """Marks of a kind are looked up by bisection: one that comes after a later one (a signal seen by a sample)
    still goes in its place, whether it comes in the same sync or a later one."""
    from tui.engine.model.records import Mark, MarkKind
    from tui.widgets import timeline

    marks = [Mark(10, MarkKind.ACQUIRE), Mark(30, MarkKind.ACQUIRE), Mark(20, MarkKind.ACQUIRE),
             Mark(5, MarkKind.SIGNAL_RECEIVED)]
    copy = timeline.LaneCopy((10, 10))
    copy.sync([], marks[:2])
    copy.sync([], marks)
    marks.append(Mark(15, MarkKind.ACQUIRE))
    copy.sync([], marks)
    assert copy.mark_times == {MarkKind.ACQUIRE: [10, 15, 20, 30], MarkKind.SIGNAL_RECEIVED: [5]}


def test_an_empty_unbounded_queue_in_a_narrow_pane_shows_its_blank_cell_not_plus_0_more() -> None:
    """Seen in tmux at 80x24: the queue box of an empty Queue() said `+0 more` where its blank cell belongs."""
    from tui.engine.model.queues import Discipline
    from tui.widgets.queues import QueueView, slots_text

    view = QueueView(title="sold", type="Queue", site=None, capacity=None, items=(), count=0, putters=(),
                     getters=(), joiners=(), joinable=False, unfinished=0, puts=0, gets=0, timeouts=0,
                     discipline=Discipline.FIFO)
    for width in (24, 40):
        text = slots_text(view, width).plain
        assert "more" not in text and "│   │" in text, (width, text)
    assert "more" not in slots_text(view, 20).plain  # too narrow for the blank cell: no cell, not a false count
