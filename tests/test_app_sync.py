"""The app with a real run that holds a semaphore, an event, a barrier and a condition each in one state until the
test types a line (tests/scripts/sync_holds.py): while they hold, the Sync pane, the tree and the timeline show that
state; after the line, they show each primitive let go. Driven by Pilot; every wait has a deadline."""

from __future__ import annotations

from textual import events

from tests.test_app import app_with, pane_text, run_ended, sync, wait_for
from tests.test_panes import body_text
from tui.app import ContuiApp
from tui.engine.model import State
from tui.widgets.badges import look
from tui.widgets.locks import LockPane

SIZE = (160, 60)  # room for every pane, every card and every lane at once
WAITERS = {"seated-1": "go (Event)", "seated-2": "go (Event)", "gate-1": "gate (Barrier)",
           "gate-2": "gate (Barrier)", "room-1": "room (Condition)", "room-2": "room (Condition)"}


def holding(app: ContuiApp) -> bool:
    """The model has every primitive in the state the script holds it in until Enter."""
    with app.session.model_lock:
        m = app.session.model
        if not (m.semaphores and m.sync_events and m.barriers and m.conditions):
            return False
        (seats,), (go,), (gate,), (room,) = (list(d.values()) for d in (m.semaphores, m.sync_events, m.barriers,
                                                                           m.conditions))
        return (len(seats.holders), len(go.waiters), len(gate.waiting), len(room.room)) == (2, 2, 2, 2) \
            and "input" in {th.waits_in for th in m.processes[m.run.main].threads.values()}


def sync_pane(app: ContuiApp) -> str:
    """Every line the Sync pane's cards paint, scrolled into view or not."""
    return body_text(app.query_one(LockPane))


def card(text: str, title: str) -> str:
    """One card of the Sync pane: its title line and the indented lines under it."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.split(" ")[0] == title), None)
    if start is None:
        return ""
    end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
    return "\n".join(lines[start:end])


def lane(text: str, name: str) -> str:
    """A thread's lane on the timeline, label cut off."""
    row = next(line for line in text.splitlines() if f"└ {name}" in line)
    return row.split(name, 1)[1].rstrip("│ ")


@sync
async def test_each_primitive_is_shown_in_its_state_while_it_holds_and_let_go_after() -> None:
    app = app_with("sync_holds.py")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: holding(app), what="2 seats taken, 2 at the event, barrier and condition")
        expected = {"seats": "2 of 3 taken", "go": "clear", "gate": "2 of 3 at the barrier", "room": "in wait"}
        await wait_for(pilot, lambda: all(words in card(sync_pane(app), title)
                                          for title, words in expected.items()), what="the four cards drawn")
        sync_text = sync_pane(app)
        assert "seated-1" in card(sync_text, "seats") and "seated-2" in card(sync_text, "seats")
        assert "wait() waits for set()" in card(sync_text, "go")
        for title, names in (("go", ("seated-1", "seated-2")), ("gate", ("gate-1", "gate-2")),
                             ("room", ("room-1", "room-2"))):
            assert all(name in card(sync_text, title) for name in names), card(sync_text, title)
        # the tree says what each thread is blocked on, by the name the script gave it
        await wait_for(pilot, lambda: all(f"blocked on {what}" in row for name, what in WAITERS.items()
                                          for row in pane_text(app, "tree").splitlines() if f"{name} tid" in row),
                       what="every waiting thread shown blocked on its primitive in the tree")
        tree = pane_text(app, "tree")
        assert all(any(f"{name} tid" in row for row in tree.splitlines()) for name in WAITERS)
        # and the timeline draws their lanes blocked now (the last cell of each lane)
        blocked = look(State.BLOCKED).glyph
        await wait_for(pilot, lambda: all(lane(pane_text(app, "timeline"), name).rstrip().endswith(blocked)
                                          for name in WAITERS), what="every waiting lane ending blocked")

        # The line the script's input() waits for, typed fast: both keys are queued before the first is handled,
        # so Enter must reach the stdin line that "i" focused, not restart the run.
        main = app.session.model.run.main
        app.post_message(events.Key("i", "i"))
        app.post_message(events.Key("enter", "\r"))
        await wait_for(pilot, lambda: run_ended(app), what="the script to end")
        assert app.session.model.run.main == main
        await wait_for(pilot, lambda: "wait() returns at once" in card(sync_pane(app), "go"), what="the event set")
        sync_text = sync_pane(app)
        assert "0 of 3 taken" in card(sync_text, "seats")
        assert "wait() returns at once" in card(sync_text, "go")
        assert "in wait" not in card(sync_text, "room")
        assert "all went on" in pane_text(app, "output")
