"""The card of a pool or executor in the Queues pane: how many of its tasks wait, run and ended, each worker with the
task it runs now and how many it has finished, and the last tasks that ended with their results or errors."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from tui.engine.model import Model, State
from tui.engine.model.records import counting_now
from tui.engine.model.tasks import PoolRecord, TaskRecord, TaskState
from tui.widgets.badges import Palette, thread_label
from tui.widgets.cards import CARD_INDENT, DIM, NAME_STYLE, add_facts, card_title, flow

ENDED_SHOWN = 4
PROJECTOR_ENDED = 2
# Each count with the state whose colour it borrows (a task running is a running thread's; one waiting for a worker
# is a blocked thread's).
COUNT_LOOKS = ((TaskState.QUEUED, State.BLOCKED), (TaskState.RUNNING, State.RUNNING), (TaskState.DONE, State.EXITED),
               (TaskState.FAILED, State.KILLED), (TaskState.CANCELLED, State.EXITED), (TaskState.LOST, State.KILLED))


@dataclass(frozen=True, slots=True)
class PoolView:
    title: str
    type: str
    workers: int | None
    counts: tuple[tuple[TaskState, int], ...]  # only the states some task is in, in COUNT_LOOKS order
    # (worker, task it runs now or "", tasks it finished, whether it still lives), by first start
    busy: tuple[tuple[str, str, int, bool], ...]
    ended: tuple[str, ...]  # "square(7) → 49", "fails(1) ✗ ValueError: bad 1", newest last
    site: str | None
    counted: int = 0  # tasks a hot loop counted instead of telling one by one
    hot: bool = False  # it counts now

    @classmethod
    def of(cls, model: Model, pool: PoolRecord) -> PoolView:
        counts = model.task_counts(pool.id)
        workers = [(key, w) for key, w in model.task_workers.items() if w.pool == pool.id]
        busy = tuple((thread_label(model, *key), model.tasks[w.current].call if w.current else "", w.ran,
                      _lives(model, key)) for key, w in workers)
        ended = sorted((t for t in model.tasks_in(pool.id) if t.done_t is not None), key=lambda t: t.done_t or 0)
        return cls(pool.name or pool.type, pool.type, pool.workers,
                   tuple((state, counts[state]) for state, _ in COUNT_LOOKS if counts[state]), busy,
                   tuple(ended_text(t) for t in ended[-ENDED_SHOWN:]), pool.site, pool.counted.get("submit", 0),
                   counting_now(pool.counting.values(), model.now))


def _lives(model: Model, key: tuple[int, int]) -> bool:
    """A worker is alive while its thread is and its process has not ended (a shut-down pool's workers have)."""
    th = model.thread(*key)
    p = model.processes.get(key[0])
    return th is not None and th.alive and p is not None and not p.ended


def ended_text(task: TaskRecord) -> str:
    if task.state is TaskState.DONE:
        return f"{task.call} → {task.result}"
    if task.state is TaskState.FAILED:
        return f"{task.call} ✗ {task.error}"
    return f"{task.call} {task.state.value}"


def pool_text(view: PoolView, width: int, projector: bool, palette: Palette) -> Text:
    """One pool: its task counts as coloured chips, its workers (each with its task now), the last tasks that ended."""
    text = card_title(view.title, view.type if view.workers is None else f"{view.type} ×{view.workers}", width)
    if view.counted:
        text.append("\n" + " " * CARD_INDENT)
        text.append(" ≋ HOT LOOP " if projector else " hot ", style=palette.badge(State.RUNNING))
        text.append(f" {view.counted:,} tasks counted in " + ("a hot loop" if view.hot else "hot loops")
                    + ", not shown one by one", style=NAME_STYLE if view.hot else DIM)
    text.append("\n" + " " * CARD_INDENT)
    if not view.counts:
        text.append("no tasks yet", style=DIM)
    looks = dict(COUNT_LOOKS)
    for i, (state, n) in enumerate(view.counts):
        if i:
            text.append(" ")
        text.append(f" {n} {state.value.upper() if projector else state.value} ", style=palette.badge(looks[state]))
    for worker, task, ran, lives in view.busy:
        text.append("\n" + " " * CARD_INDENT)
        text.append(worker, style=NAME_STYLE)
        parts = [f"runs {task}"] if task else ["idle" if lives else "exited"]
        if ran:
            parts.append(f"{ran} done")
        flow(text, parts, width, CARD_INDENT + 2, Style() if task else DIM)
    shown = view.ended[-(PROJECTOR_ENDED if projector else ENDED_SHOWN):]
    if shown:
        text.append("\n" + " " * CARD_INDENT + "last ended:", style=DIM)
        for line in shown:
            text.append("\n" + " " * (CARD_INDENT + 2))
            shown_line = Text(line)
            shown_line.truncate(max(width - CARD_INDENT - 2, 1), overflow="ellipsis")
            text.append_text(shown_line)
    if not projector and view.site:
        add_facts(text, [view.site], width)
    return text
