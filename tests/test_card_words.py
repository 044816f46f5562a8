"""The Sync and Queues panes' cards in Chinese (``lang="zh"``) and at narrow widths, drawn from models folded from
fixed events: every word Chinese but code and names, waiters never shown as a queue they are not, and a card that
fits a narrow pane without cutting a word or wrapping a line at the pane's edge."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from rich.cells import cell_len
from rich.text import Text

from tests.test_model import MAIN, A, B, C, E, fold, started
from tests.test_panes import PaneApp, body_text, sync
from tui.engine import events as ev
from tui.engine.events import Event
from tui.engine.model import Model
from tui.widgets.badges import Palette
from tui.widgets.locks import LockPane, sync_card
from tui.widgets.queues import QueuePane, any_card

T1, T2 = MAIN + 1, MAIN + 2
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z_']*[A-Za-z]|[A-Za-z]")
# Python's names a card may show in either language (the script's own names come from the views).
API_WORDS = frozenset("""
    wait set clear notify put get join recv send acquire release EOFError BrokenBarrierError Pipe s ms µs
""".split())
# The fields of a view that hold English the card says itself (kept for English callers), not a name.
ENGLISH_FIELDS = frozenset(("summary", "summary_facts"))
# Slots and messages in flight: their borders, and the cells between (the items, `+2 more`, `+2 个`).
CELLS = re.compile(r"[┌└][─┬┴]*[┐┘]|│[^│]*(?=│)|│")
Draw = Callable[[Any, int, bool, Palette, str], Text]


def plain() -> Palette:
    """No colours: the tests read the cards' words, not their looks."""
    return Palette({}, {})


def view_names(views: Iterable[Any]) -> set[str]:
    """Every ASCII word the views carry as a name: titles, types, sites, who holds and who waits, items."""
    words: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            words.update(ASCII_WORD.findall(value))
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                if field.name not in ENGLISH_FIELDS:
                    walk(getattr(value, field.name))

    for view in views:
        walk(view)
    return words


def english_left(text: str, allowed: set[str]) -> list[str]:
    """The lines of ``text`` with an ASCII word that is neither a name nor Python's."""
    return [line for line in text.splitlines() if any(w not in allowed for w in ASCII_WORD.findall(line))]


def drawn(model: Model, pane: LockPane | QueuePane, draw: Draw, width: int, projector: bool, lang: str) -> str:
    return "\n".join(draw(view, width, projector, plain(), lang).plain for view in pane.views(model))


def sync_model() -> Model:
    """A lock held with two waiters and a hot loop counted on it, a semaphore with a seat taken and a waiter, an
    event with a waiter, a barrier with two at it and broken, a threading and an mp condition with two in wait()."""
    return fold(started(A, B, C) + [
        E(5, "thread.start", MAIN, T1, name="consumer-1", daemon=False, ident=1),
        E(6, "thread.start", MAIN, T2, name="consumer-2", daemon=False, ident=2),
        E(20, "lock.new", MAIN, lock="L", type="mp.Lock", site="s.py:3", name="mutex"),
        E(21, "lock.acquire", A, lock="L"), E(22, "lock.wait", B, lock="L"), E(23, "lock.wait", C, lock="L"),
        E(24, "lock.timeout", MAIN, lock="L"), E(25, "lock.fail", MAIN, lock="L"),
        Event(26, ev.LOCK_SUMMARY, MAIN, 0, {"lock": "L", "since": 0, "n": 5000, "waits": 3, "fails": 0,
                                             "hold": 1000, "timed": 10, "hold_max": 400, "wait_max": 2000,
                                             "holder": 0, "last": 0, "depth": 0, "waiting": [], "done": False}),
        E(30, "sem.new", MAIN, sem="S", type="mp.BoundedSemaphore", value=2, site="s.py:5", name="pool"),
        E(31, "sem.acquire", A, sem="S"), E(32, "sem.acquire", A, sem="S"), E(33, "sem.wait", B, sem="S"),
        E(40, "event.new", MAIN, event="V", type="threading.Event", site="s.py:6", name="ready"),
        E(41, "event.wait", B, event="V", phase="begin", timeout=None),
        E(50, "barrier.new", MAIN, barrier="G", type="mp.Barrier", parties=3, site="s.py:7", name="gate"),
        E(51, "barrier.wait", A, barrier="G", phase="begin"), E(52, "barrier.wait", B, barrier="G", phase="begin"),
        E(53, "barrier.abort", MAIN, barrier="G"),
        E(60, "lock.new", MAIN, lock="CL", type="threading.RLock", site="s.py:8", name=None, within="C"),
        E(61, "cond.new", MAIN, cond="C", type="threading.Condition", lock="CL", site="s.py:8", name="cv"),
        E(62, "cond.wait", MAIN, T1, cond="C", phase="begin"), E(63, "cond.wait", MAIN, T2, cond="C", phase="begin"),
        E(70, "lock.new", MAIN, lock="ML", type="mp.RLock", site="s.py:9", name=None, within="M"),
        E(71, "cond.new", MAIN, cond="M", type="mp.Condition", lock="ML", site="s.py:9", name="mcv"),
        E(72, "cond.wait", A, cond="M", phase="begin"), E(73, "cond.wait", B, cond="M", phase="begin"),
    ])


def queue_events() -> list[Event]:
    """A full Queue(2) with a putter blocked, a refused put and a timed-out get; a JoinableQueue with unfinished
    tasks and a joiner; a LIFO and a priority queue; an empty unbounded queue; a duplex pipe with a message in
    flight, an end closed and a reader blocked."""
    return started(A, B) + [
        E(20, "queue.new", MAIN, queue="Q", type="Queue", maxsize=2, site="s.py:5", name="q"),
        E(21, "queue.put", A, queue="Q", item="'first'"), E(22, "queue.put", A, queue="Q", item="{'count': 3}"),
        E(23, "queue.timeout", B, queue="Q", op="put", error="Full", block=False),
        E(24, "queue.block", A, queue="Q", op="put"),
        E(25, "queue.timeout", B, queue="Q", op="get", error="Empty", block=True),
        E(30, "queue.new", MAIN, queue="J", type="JoinableQueue", maxsize=0, site="s.py:6", name="jobs"),
        E(31, "queue.put", A, queue="J", item="'peach1'"), E(32, "queue.put", A, queue="J", item="'peach2'"),
        E(33, "queue.get", B, queue="J", item="'peach1'"),
        E(34, "queue.join", MAIN, queue="J", phase="begin"),
        E(40, "queue.new", MAIN, queue="L", type="queue.LifoQueue", maxsize=0, site="s.py:7", name="stack"),
        *(E(41 + i, "queue.put", MAIN, queue="L", item=f"'item{i}'") for i in range(3)),
        E(50, "queue.new", MAIN, queue="P", type="queue.PriorityQueue", maxsize=0, site="s.py:8", name="ranked"),
        *(E(51 + i, "queue.put", MAIN, queue="P", item=f"({i}, 'job')", rank=0) for i in range(3)),
        E(60, "queue.new", MAIN, queue="E", type="Queue", maxsize=0, site="s.py:9", name="sold"),
        E(70, "pipe.new", MAIN, pipe="P1", ends=["P1a", "P1b"], duplex=True, site="s.py:10",
          name="parent_conn, child_conn", names=["parent_conn", "child_conn"]),
        E(71, "pipe.send", MAIN, pipe="P1", end="P1a", item="'one'"),
        E(72, "pipe.send", MAIN, pipe="P1", end="P1a", item="2"),
        E(73, "pipe.close", MAIN, pipe="P1", end="P1b"),
        E(74, "pipe.block", MAIN, pipe="P1", end="P1a"),
        E(75, "pipe.recv", A, pipe="P1", end="P1b", item="'one'"),
    ]


@pytest.mark.parametrize("projector", [False, True])
def test_sync_cards_in_chinese_say_no_english_but_names_and_code(projector: bool) -> None:
    model = sync_model()
    pane = LockPane()
    text = drawn(model, pane, sync_card, 80, projector, "zh")
    assert english_left(text, view_names(pane.views(model)) | API_WORDS) == [], text
    for words in ("持有者", "等待", "座位", "占用 2/2", "未设置", "wait() 等待 set()", "参与方", "已到达 2/3",
                  "wait() 抛出 BrokenBarrierError", "已破坏", "等通知", "热循环", "按到达顺序，不是唤醒顺序"):
        assert words in text, (words, text)
    if projector:
        assert "▶ 持有者" in text and "■ 等待" in text and "≋ 热循环" in text and "HELD" not in text
    else:
        for part in ("获取 5001 次", "超时 1 次", "尝试失败 1 次", "热循环中，已计 5,000 次", "等待 3 次", "最长等待 2.0 µs",
                     "持有计时 10 次", "平均持有 0.1 µs", "最长持有 0.4 µs", "set 0 次", "clear 0 次", "wait 2 次",
                     "notify 0 次", "它的锁是 threading.RLock", "通过 0 次", "破坏 1 次"):
            assert part in text, (part, text)


@pytest.mark.parametrize("projector", [False, True])
def test_queue_and_pipe_cards_in_chinese_say_no_english_but_names_and_code(projector: bool) -> None:
    model = fold(queue_events())
    pane = QueuePane()
    text = drawn(model, pane, any_card, 80, projector, "zh")
    assert english_left(text, view_names(pane.views(model)) | API_WORDS) == [], text
    for words in ("最多 2 个", "2/2", "阻塞在 put() 中", "容量不限", "未完成任务：2", "在 join() 中", "◀ put，排序",
                  "Pipe（双向）", "途中 1 条", "阻塞在 recv() 中", "在 parent_conn 上", "0/∞ 空"):
        assert words in text, (words, text)
    if projector:
        assert "■ 满" in text and "■ 阻塞在 put() 中" in text and "FULL" not in text
    else:
        assert " 满 " in text and "put 2 次  get 0 次  超时 1 次" in text and "拒绝 1 次：当时已满" in text
        assert "在 MainProcess [200] 中关闭" in text and "发出 2 条  收到 1 条" in text


def test_english_cards_keep_their_words() -> None:
    """The Chinese sit beside the English: a card drawn without a language is the English one."""
    model = fold(queue_events())
    pane = QueuePane()
    assert drawn(model, pane, any_card, 80, False, "en") == \
        "\n".join(any_card(view, 80, False, plain()).plain for view in pane.views(model))
    english = drawn(model, pane, any_card, 80, False, "en")
    assert "maxsize 2" in english and " full " in english and "blocked in put()" in english
    assert "1 in flight" in english and "2 sent, 1 received" in english


def test_waiters_come_in_arrival_order_with_a_word_that_it_is_not_the_wake_order() -> None:
    """A lock, a semaphore, an event, a barrier or a multiprocessing condition does not wake its waiters in the order
    they came; only a threading.Condition's notify() does. Numbered alone they would read as a queue."""
    model = sync_model()
    cards = {view.title: (sync_card(view, 80, False, plain()).plain, sync_card(view, 80, True, plain(), "zh").plain)
             for view in LockPane().views(model)}
    for title in ("mutex", "gate", "mcv"):
        english, chinese = cards[title]
        assert "1. Process-" in english and "2. Process-" in english, english
        assert "arrival order, not wake order" in english, english
        assert "按到达顺序，不是唤醒顺序" in chinese and "2. Process-" in chinese, chinese
    assert "arrival order" not in cards["pool"][0]  # one waiter: no order to mistake
    cv = cards["cv"][0]
    assert "1. MainProcess [200] consumer-1" in cv and "2. MainProcess [200] consumer-2" in cv
    assert "arrival order" not in cv  # notify() wakes them in this order


def test_shared_values_lock_waiters_carry_the_same_word() -> None:
    """A Value's card lists who waits for its lock (in the Queues pane): in arrival order, said to be so."""
    model = fold(started(A, B) + [
        E(10, "lock.new", MAIN, lock="VL", type="mp.RLock", site="s.py:5", name="counter (lock)"),
        E(11, "value.new", MAIN, value="V1", type="Value", typecode="i", ctype="c_int", length=None, lock="VL",
          site="s.py:5", name="counter", addr=4096, size=4),
        E(12, "lock.acquire", MAIN, lock="VL"), E(13, "lock.wait", A, lock="VL"), E(14, "lock.wait", B, lock="VL"),
    ])
    (view,) = QueuePane().views(model)
    assert "arrival order, not wake order" in any_card(view, 80, False, plain()).plain
    chinese = any_card(view, 80, False, plain(), "zh").plain
    assert "锁的持有者" in chinese and "按到达顺序，不是唤醒顺序" in chinese and "lock" not in chinese


def whole_words(text: str) -> set[str]:
    """The whitespace-separated words of ``text``'s lines, but for the cells of slots and of messages in flight
    (cut to fit, and counted in a `+N more` cell, by design), split at commas too: a narrow queue of a priority
    queue says `◀ put` where a wide one says `◀ put, sorted`."""
    return {word for line in text.splitlines() for word in re.split(r"[\s,，]+", CELLS.sub(" ", line)) if word}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("projector", [False, True])
@pytest.mark.parametrize("width", [24, 27, 30, 34, 38])
def test_narrow_queue_cards_fit_their_width_and_cut_no_word(width: int, projector: bool, lang: str) -> None:
    """However narrow (a 38-column Queues pane at 120×40, 30 cells here), no line is wider than the pane, so the
    pane never wraps one at its edge; what does not fit goes under, whole; the slots keep `get ◀` and `◀ put` on
    their own line."""
    model = fold(queue_events())
    for view in QueuePane().views(model):
        wide = any_card(view, 400, projector, plain(), lang).plain
        narrow = any_card(view, width, projector, plain(), lang).plain
        lines = narrow.splitlines()
        assert all(cell_len(line) <= width for line in lines), (width, narrow)
        assert whole_words(narrow) <= whole_words(wide), (whole_words(narrow) - whole_words(wide), narrow)
        slots = [line for line in lines if "get ◀" in line]
        if slots:
            assert all("│" in line for line in slots) and not any(line.strip() == "◀ put" for line in lines), narrow
        assert "+0" not in narrow


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("projector", [False, True])
@pytest.mark.parametrize("width", [26, 30, 38])
def test_narrow_sync_cards_fit_their_width_and_cut_no_word(width: int, projector: bool, lang: str) -> None:
    """A Sync card too: a name or a Chinese note too long for its line goes on under itself, broken at a space or
    after Chinese punctuation, never inside a word or between a count and its measure word."""
    for view in LockPane().views(sync_model()):
        wide = sync_card(view, 400, projector, plain(), lang).plain
        narrow = sync_card(view, width, projector, plain(), lang).plain
        assert all(cell_len(line) <= width for line in narrow.splitlines()), (width, narrow)
        assert whole_words(narrow) <= whole_words(wide), (whole_words(narrow) - whole_words(wide), narrow)


def test_a_narrow_empty_queue_shows_its_blank_slot_and_a_full_one_its_front_item() -> None:
    """At 30 cells: `│   │` for the empty queue (never `+0 more`), and rather the front item with a bare count
    (`│ 'first' │ +1 │`) than a box that says only `+2 more`."""
    model = fold(queue_events())
    cards = {view.title: any_card(view, 30, False, plain(), "zh").plain for view in QueuePane().views(model)}
    assert "get ◀ │   │ …∞ ◀ put" in cards["sold"]
    assert "│ 'first' │" in cards["q"] and "◀ put" in cards["q"]


@sync
async def test_the_panes_say_their_words_again_when_the_language_changes() -> None:
    """``lang`` is bound to the app's: the same views are laid out again in the other language, and an empty pane
    says so in it."""
    model = sync_model()
    locks, queues = LockPane(), QueuePane()
    async with PaneApp(locks).run_test(size=(60, 60)) as pilot:
        locks.lang = "zh"
        await pilot.pause()
        assert body_text(locks).strip() == "还没有锁"
        locks.update_from(model)
        await pilot.pause()
        assert "持有者" in body_text(locks) and "owner" not in body_text(locks)
        locks.lang = "en"
        await pilot.pause()
        assert "owner" in body_text(locks) and "持有者" not in body_text(locks)
    async with PaneApp(queues).run_test(size=(60, 20)) as pilot:
        queues.lang = "zh"
        await pilot.pause()
        assert body_text(queues).strip() == "还没有队列"
