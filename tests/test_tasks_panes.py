"""Tasks where a class sees them: a real Pool run (tests/scripts/tasks_pool.py) folded up to the moment the script
prints that one task runs, drawn by the tree (each worker with the task it runs now and how many it finished) and by
the Queues pane (the pool's card: counts, workers, the last tasks that ended with their results or errors)."""

from __future__ import annotations

from tests.helpers import printed, run_traced, script
from tests.test_panes import PaneApp, body_text, sync, tree_labels
from tui.engine import events as ev
from tui.engine.model import Model
from tui.widgets.queues import QueuePane
from tui.widgets.tree import ProcessTree

MOMENT = "CHECK done 4 failed 1 running 1"


def model_at(line: str) -> Model:
    """The model of a fork run folded up to the event of the line the script printed."""
    rec = run_traced(script("tasks_pool.py"), start_method="fork", timeout=60)
    events = sorted(rec.events, key=lambda e: e.t)
    at = next(i for i, e in enumerate(events) if line in printed(e))
    return Model.from_events(events[: at + 1])


@sync
async def test_the_tree_and_the_pool_card_show_which_worker_runs_what() -> None:
    model = model_at(MOMENT)
    (running,) = [t for t in model.tasks.values() if t.state.value == "running"]
    assert running.call == "blocks(5)"
    worker_pid = running.run_by[0]

    tree = ProcessTree()
    async with PaneApp(tree).run_test(size=(140, 30)) as pilot:
        tree.update_from(model)
        await pilot.pause()
        rows = tree_labels(tree)
    worker_rows = [row for row in rows if f"[{worker_pid}]" in row or "runs blocks(5)" in row]
    assert any("runs blocks(5)" in row for row in worker_rows), rows
    # every worker says how many tasks it finished; together they are the 5 that ended (4 done, 1 failed)
    done = [int(row.split(" done")[0].rsplit(" ", 1)[1]) for row in rows if " done" in row and "pool worker" in row]
    assert sum(done) == 5, rows

    pane = QueuePane()
    async with PaneApp(pane).run_test(size=(80, 40)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        card = body_text(pane)
    assert card.startswith("pool  Pool ×2"), card
    assert "1 running" in card and "4 done" in card and "1 failed" in card
    assert "runs blocks(5)" in card
    assert "fails(1) ✗ ValueError: bad 1" in card and "square ×2 items [6, 7] → [36, 49]" in card


@sync
async def test_a_pools_workers_that_have_ended_are_shown_exited_not_idle() -> None:
    rec = run_traced(script("tasks_pool.py"), start_method="fork", timeout=60)
    model = rec.model  # the run is over: the pool closed and its workers ended
    pane = QueuePane()
    async with PaneApp(pane).run_test(size=(80, 40)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        card = body_text(pane)
    workers = [line for line in card.splitlines() if "ForkPoolWorker" in line or "PoolWorker" in line]
    assert workers and all("exited" in line and "idle" not in line for line in workers), card
