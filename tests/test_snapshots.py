"""Snapshots of the main layout and of projector mode, fed from recorded runs so every picture is the same.

Update with ``pytest tests/test_snapshots.py --snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tui.app import ContuiApp
from tui.engine.replay import ReplaySession

RECORDINGS = Path(__file__).parent / "recordings"
# The share of each recording to show: a moment where the scenario's point is on screen.
MOMENTS = {
    "ticket_lock": 0.5,  # one buyer holds the mutex, others wait in line
    "zombie": 0.5,  # the child has exited, the parent has not joined it yet
    "orphan": 0.5,  # the grandchild has been adopted
    "daemon_process": 1.0,  # the daemon was killed when the main code ended
    "queue": 0.4,  # items sit in the queue
    "echo_server": 0.6,  # two connections, two server threads
}
NORMAL = (120, 40)
PROJECTOR = (100, 30)


def replay_app(scenario: str, until: float | None = None, **kwargs: object) -> ContuiApp:
    until = MOMENTS.get(scenario, 0.5) if until is None else until
    session = ReplaySession(RECORDINGS / f"{scenario}.jsonl", target=scenario, until=until)
    return ContuiApp(session=session, **kwargs)  # type: ignore[arg-type]


async def settled(pilot: Pilot) -> None:
    """Wait (with a deadline) until the worker's first update has been drawn, with the panes sized to it."""
    app = pilot.app
    assert isinstance(app, ContuiApp)
    deadline = time.monotonic() + 10
    while app.updates < 1 and time.monotonic() < deadline:
        await pilot.pause(0.02)
    assert app.updates >= 1, "the app never handled an update"
    while not app.main_column_fits and time.monotonic() < deadline:
        await pilot.pause(0.02)
    assert app.main_column_fits, "the panes never took the heights their content asks for"
    await pilot.pause()


@pytest.mark.parametrize("scenario", sorted(MOMENTS))
def test_main_layout(snap_compare, scenario: str) -> None:
    assert snap_compare(replay_app(scenario), terminal_size=NORMAL, run_before=settled)


@pytest.mark.parametrize("scenario", sorted(MOMENTS))
def test_projector_mode(snap_compare, scenario: str) -> None:
    assert snap_compare(replay_app(scenario, projector=True), terminal_size=PROJECTOR, run_before=settled)


def test_smallest_normal_layout(snap_compare) -> None:
    assert snap_compare(replay_app("ticket_lock"), terminal_size=(80, 24), run_before=settled)


def test_largest_normal_layout(snap_compare) -> None:
    assert snap_compare(replay_app("producer_consumer", 0.8), terminal_size=(240, 70), run_before=settled)


def test_chinese_narration(snap_compare) -> None:
    assert snap_compare(replay_app("zombie", lang="zh"), terminal_size=NORMAL, run_before=settled)


def test_too_small(snap_compare) -> None:
    assert snap_compare(replay_app("zombie"), terminal_size=(60, 20), run_before=settled)


def test_help_screen(snap_compare) -> None:
    assert snap_compare(replay_app("zombie"), terminal_size=NORMAL, press=["question_mark"], run_before=settled)
