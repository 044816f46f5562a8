"""The synchronisation pane (LockPane) mounted alone in a tiny app, fed a model folded from fixed events: a card per
primitive in its own shape, in compact and projector forms, chips in the state colours."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Text

from tests.test_model import MAIN, A, B, E, fold, started
from tests.test_panes import PaneApp, body_text, sync
from tui.engine.model import Model, State
from tui.widgets.badges import Palette
from tui.widgets.locks import LockPane, sync_card

T1, T2 = MAIN + 1, MAIN + 2


def everything() -> Model:
    """One of each: a lock whose owner's report is on its way, an RLock taken twice, a semaphore with two of three
    seats taken by one process, an event nobody set with a waiter, a barrier with two of three parties at it, and a
    condition with two threads in its wait() while the main thread holds its lock."""
    return fold(started(A, B) + [
        E(5, "thread.start", MAIN, T1, name="consumer-1", daemon=False, ident=1),
        E(6, "thread.start", MAIN, T2, name="consumer-2", daemon=False, ident=2),
        E(20, "lock.new", MAIN, lock="L", type="mp.Lock", site="s.py:3", name="mutex"),
        E(21, "lock.acquire", A, lock="L"), E(22, "lock.release", A, lock="L"), E(24, "lock.wait", A, lock="L"),
        E(25, "lock.fail", B, lock="L"),
        E(30, "lock.new", MAIN, lock="R", type="threading.RLock", site="s.py:4", name="rlock"),
        E(31, "lock.acquire", MAIN, lock="R"), E(32, "lock.acquire", MAIN, lock="R"),
        E(40, "sem.new", MAIN, sem="S", type="mp.BoundedSemaphore", value=3, site="s.py:5", name="pool"),
        E(41, "sem.acquire", A, sem="S"), E(42, "sem.acquire", A, sem="S"),
        E(50, "event.new", MAIN, event="V", type="threading.Event", site="s.py:6", name="ready"),
        E(51, "event.wait", B, event="V", phase="begin", timeout=None),
        E(60, "barrier.new", MAIN, barrier="G", type="mp.Barrier", parties=3, site="s.py:7", name="gate"),
        E(61, "barrier.wait", A, barrier="G", phase="begin"), E(62, "barrier.wait", MAIN, T1, barrier="G",
                                                                phase="begin"),
        E(70, "lock.new", MAIN, lock="CL", type="threading.RLock", site="s.py:8", name=None, within="C"),
        E(71, "cond.new", MAIN, cond="C", type="threading.Condition", lock="CL", site="s.py:8", name="cv"),
        E(72, "cond.wait", MAIN, T2, cond="C", phase="begin"),
        E(73, "lock.acquire", MAIN, lock="CL"),
    ])


def card_of(text: str, title: str) -> str:
    """The lines of one card: from its title line to the next card's."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title + " ") or line == title)
    titles = ("mutex", "rlock", "pool", "ready", "gate", "cv")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].split(" ")[0] in titles), len(lines))
    return "\n".join(lines[start:end])


@sync
async def test_a_card_per_primitive_in_its_own_shape() -> None:
    model = everything()
    pane = LockPane()
    async with PaneApp(pane).run_test(size=(80, 60)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        text = body_text(pane)
        mutex = card_of(text, "mutex")
        assert "held" in mutex and "its owner's report is on its way" in mutex and "free" not in mutex
        assert "1. Process-1 [301]" in mutex and "1 acquired, 1 failed try" in mutex
        assert "re-entered 2×" in card_of(text, "rlock")
        pool = card_of(text, "pool")
        assert "mp.BoundedSemaphore" in pool and "■■□ 2 of 3 taken" in pool
        assert "holder" in pool and "Process-1 [301] ×2" in pool
        ready = card_of(text, "ready")
        assert "clear" in ready and "wait() waits for set()" in ready and "1. Process-2 [302]" in ready
        gate = card_of(text, "gate")
        assert "2 of 3 at the barrier" in gate and "1. Process-1 [301]" in gate and "2. MainProcess [200] consumer-1" \
            in gate and "broken" not in gate
        cv = card_of(text, "cv")
        assert "in wait" in cv and "1. MainProcess [200] consumer-2" in cv
        assert "owner" in cv and "MainProcess [200]" in cv and "its lock a threading.RLock" in cv
        # A condition's own lock is shown in its card, not as a card of its own: six cards, in the order made.
        assert [line.split(" ")[0] for line in text.splitlines() if line and not line.startswith(" ")] == \
            ["mutex", "rlock", "pool", "ready", "gate", "cv"]


@sync
async def test_what_changes_shows_set_woken_broken_and_free() -> None:
    model = everything()
    model.apply_many([E(80, "event.set", MAIN, event="V"), E(81, "barrier.abort", MAIN, barrier="G"),
                      E(82, "lock.acquire", B, lock="L"), E(83, "lock.release", B, lock="L"),
                      E(84, "sem.release", A, sem="S")])
    pane = LockPane()
    async with PaneApp(pane).run_test(size=(80, 60)) as pilot:
        pane.update_from(model)
        await pilot.pause()
        text = body_text(pane)
        ready = card_of(text, "ready")
        assert "set" in ready and "wait() returns at once" in ready and "woken" in ready and "1 set" in ready
        assert "wait() raises BrokenBarrierError" in card_of(text, "gate")
        mutex = card_of(text, "mutex")
        assert "free" in mutex and "nobody holds it" in mutex and "1. Process-1 [301]" in mutex
        assert "■□□ 1 of 3 taken" in card_of(text, "pool")


@sync
async def test_projector_form_says_each_chip_in_capitals() -> None:
    pane = LockPane()
    async with PaneApp(pane).run_test(size=(80, 70)) as pilot:
        pane.update_from(everything())
        pane.projector = True
        await pilot.pause()
        text = body_text(pane)
        for chip in ("▶ HELD", "■ WAITING", "▦ SEATS", "▶ HOLDER", "⚑ CLEAR", "⧗ PARTIES", "■ IN WAIT", "▶ HELD BY"):
            assert chip in text, chip
        assert "failed try" not in text  # the facts line is left out on a projector


def test_chips_wear_the_colours_of_the_states_they_stand_for() -> None:
    states = (State.RUNNING, State.BLOCKED, State.EXITED, State.SLEEPING, State.JOINING, State.KILLED)
    palette = Palette({state: Style(bgcolor=f"color({i + 1})") for i, state in enumerate(states)}, {})
    console = Console(width=80)
    pane = LockPane()
    model = everything()
    cards = {view.title: sync_card(view, 80, False, palette) for view in pane.views(model)}

    def style_of(card: Text, word: str) -> Style:
        return card.get_style_at_offset(console, card.plain.index(word))

    assert style_of(cards["mutex"], " held ") == palette.badge(State.RUNNING)
    assert style_of(cards["mutex"], " waiting ") == palette.badge(State.BLOCKED)
    assert style_of(cards["pool"], " seats ") == palette.badge(State.SLEEPING)
    assert style_of(cards["ready"], " clear ") == palette.badge(State.BLOCKED)
    assert style_of(cards["cv"], " in wait ") == palette.badge(State.BLOCKED)
    assert style_of(cards["cv"], " owner ") == palette.badge(State.RUNNING)


def test_a_narrow_pane_stacks_bodies_under_their_chips() -> None:
    palette = Palette({}, {})
    pool = next(view for view in LockPane().views(everything()) if view.title == "pool")
    lines = sync_card(pool, 22, False, palette).plain.splitlines()
    assert lines[:2] == ["pool", "  mp.BoundedSemaphore"]  # the type goes under the name
    assert [line.strip() for line in lines[2:6]] == ["seats", "■■□ 2 of 3 taken", "holder", "Process-1 [301] ×2"]
    assert all(len(line) <= 22 for line in lines)


def test_a_name_too_long_for_its_line_goes_on_indented_never_back_to_the_edge() -> None:
    """`2. MainProcess [200] consumer-2` in a pane too narrow for it: its second line stays under the first, where
    a reader does not take it for the next card's title."""
    palette = Palette({}, {})
    cv = next(view for view in LockPane().views(everything()) if view.title == "cv")
    for width in (24, 28, 32):
        lines = sync_card(cv, width, False, palette).plain.splitlines()
        assert lines[0].startswith("cv") and all(line.startswith(" ") and line.strip() for line in lines[1:]), \
            (width, lines)
        assert "consumer-2" in "".join(lines)
