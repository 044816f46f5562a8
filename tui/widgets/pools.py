"""The card of a pool or executor in the Queues pane: how many of its tasks wait, run and ended, each worker with the
task it runs now and how many it has finished, and the last tasks that ended with their results or errors. In English
or Chinese (``lang``); the hot-loop row here is the Queues pane's (queues and pipes have one too)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from tui.engine.model import Model, State
from tui.engine.model.records import counting_now
from tui.engine.model.tasks import PoolRecord, TaskRecord, TaskState
from tui.widgets.badges import Palette, thread_label
from tui.widgets.cards import CARD_INDENT, DIM, NAME_STYLE, add_facts, card_title, flow, hang, line_width, pick

ENDED_SHOWN = 4
PROJECTOR_ENDED = 2
# Each count with the state whose colour it borrows (a task running is a running thread's; one waiting for a worker
# is a blocked thread's).
COUNT_LOOKS = ((TaskState.QUEUED, State.BLOCKED), (TaskState.RUNNING, State.RUNNING), (TaskState.DONE, State.EXITED),
               (TaskState.FAILED, State.KILLED), (TaskState.CANCELLED, State.EXITED), (TaskState.LOST, State.KILLED))
# A task's state in Chinese (in English it is the state's value).
TASK_STATE_ZH = {TaskState.QUEUED: "排队", TaskState.RUNNING: "运行中", TaskState.DONE: "完成", TaskState.FAILED: "失败",
                 TaskState.CANCELLED: "已取消", TaskState.LOST: "丢失"}


@dataclass(frozen=True, slots=True)
class PoolView:
    title: str
    type: str
    workers: int | None
    counts: tuple[tuple[TaskState, int], ...]  # only the states some task is in, in COUNT_LOOKS order
    # (worker, task it runs now or "", tasks it finished, whether it still lives), by first start
    busy: tuple[tuple[str, str, int, bool], ...]
    ended: tuple[Ended, ...]  # newest last
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
                   tuple(Ended.of(t) for t in ended[-ENDED_SHOWN:]), pool.site, pool.counted.get("submit", 0),
                   counting_now(pool.counting.values(), model.now))


def _lives(model: Model, key: tuple[int, int]) -> bool:
    """A worker is alive while its thread is and its process has not ended (a shut-down pool's workers have)."""
    th = model.thread(*key)
    p = model.processes.get(key[0])
    return th is not None and th.alive and p is not None and not p.ended


@dataclass(frozen=True, slots=True)
class Ended:
    """A task that ended: its call, how it ended, and its result or error (its repr, as the tracer told it)."""

    call: str
    state: TaskState
    outcome: str | None

    @classmethod
    def of(cls, task: TaskRecord) -> Ended:
        outcome = task.result if task.state is TaskState.DONE else task.error if task.state is TaskState.FAILED \
            else None
        return cls(task.call, task.state, outcome)

    def text(self, lang: str = "en") -> str:
        """`square(7) → 49`, `fails(1) ✗ ValueError: bad 1`, `slow(3) cancelled`."""
        if self.state is TaskState.DONE:
            return f"{self.call} → {self.outcome}"
        if self.state is TaskState.FAILED:
            return f"{self.call} ✗ {self.outcome}"
        return f"{self.call} {pick(lang, self.state.value, TASK_STATE_ZH[self.state])}"


def hot_chip(projector: bool, lang: str = "en") -> str:
    return pick(lang, " ≋ HOT LOOP " if projector else " hot ", " ≋ 热循环 " if projector else " 热循环 ")


def hot_row(text: Text, words: str, hot: bool, width: int, projector: bool, palette: Palette, lang: str,
            indent: int, styled_gap: bool = False) -> None:
    """` hot  99,937 put, 100,001 got in a hot loop`: the chip, then its words beside it (in its style when
    ``styled_gap``), or under it ``indent`` in, wrapped at words, when they do not fit beside it."""
    style = NAME_STYLE if hot else DIM
    text.append(hot_chip(projector, lang), style=palette.badge(State.RUNNING))
    if line_width(text) + 1 + cell_len(words) <= width:
        text.append(" ", style=style if styled_gap else Style())
        text.append(words, style=style)
    else:
        flow(text, [words], width, indent, style, gap=" ")


def pool_text(view: PoolView, width: int, projector: bool, palette: Palette, lang: str = "en") -> Text:
    """One pool: its task counts as coloured chips, its workers (each with its task now), the last tasks that ended.
    Chips that do not fit on a line go on the next; a worker's name too long for a line wraps under itself."""
    zh = lang == "zh"
    text = card_title(view.title, view.type if view.workers is None else f"{view.type} ×{view.workers}", width)
    if view.counted:
        text.append("\n" + " " * CARD_INDENT)
        if zh:
            words = ("热循环中，已计" if view.hot else "热循环里共计") + f" {view.counted:,} 个任务，不逐个显示"
        else:
            words = f"{view.counted:,} tasks counted in " + ("a hot loop" if view.hot else "hot loops") \
                + ", not shown one by one"
        hot_row(text, words, view.hot, width, projector, palette, lang, CARD_INDENT + 2, styled_gap=True)
    text.append("\n" + " " * CARD_INDENT)
    if not view.counts:
        text.append(pick(lang, "no tasks yet", "还没有任务"), style=DIM)
    looks = dict(COUNT_LOOKS)
    for i, (state, n) in enumerate(view.counts):
        word = TASK_STATE_ZH[state] if zh else state.value.upper() if projector else state.value
        chip = f" {n} {word} "
        if i:
            fits = line_width(text) + 1 + cell_len(chip) <= width
            text.append(" " if fits else "\n" + " " * CARD_INDENT)
        text.append(chip, style=palette.badge(looks[state]))
    for worker, task, ran, lives in view.busy:
        text.append("\n" + " " * CARD_INDENT)
        name = Text(worker, style=NAME_STYLE)
        text.append_text(name if CARD_INDENT + name.cell_len <= width else hang(name, width, CARD_INDENT + 2))
        if zh:
            parts = [f"运行 {task}"] if task else ["空闲" if lives else "已退出"]
            if ran:
                parts.append(f"完成 {ran} 个")
        else:
            parts = [f"runs {task}"] if task else ["idle" if lives else "exited"]
            if ran:
                parts.append(f"{ran} done")
        flow(text, parts, width, CARD_INDENT + 2, Style() if task else DIM)
    shown = view.ended[-(PROJECTOR_ENDED if projector else ENDED_SHOWN):]
    if shown:
        text.append("\n" + " " * CARD_INDENT + pick(lang, "last ended:", "最近结束："), style=DIM)
        for ended in shown:
            text.append("\n" + " " * (CARD_INDENT + 2))
            shown_line = Text(ended.text(lang))
            shown_line.truncate(max(width - CARD_INDENT - 2, 1), overflow="ellipsis")
            text.append_text(shown_line)
    if not projector and view.site:
        add_facts(text, [view.site], width)
    return text
