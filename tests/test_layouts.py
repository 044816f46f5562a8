"""Every scenario, replayed from its recording, at 80×24 and 120×40 and in projector mode at 100×30, in English and
in Chinese: no pane that wraps its text cuts a word at its right edge, a Chinese screen shows no English word but
code and names, and at 120×40 the Processes pane lists every process of the run (up to 11) without scrolling.

A word is cut when the pane's last column holds the start of a word the pane's own text has whole (``sleep`` of
``sleeping``); a word longer than the pane is wide may be folded, and the Code pane (which scrolls sideways, as an
editor does) and the Timeline (whose lanes are a fixed grid) do not wrap at all.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.helpers import screen_text
from tests.screen_words import english_words
from tests.test_app import wait_for
from tui.app import ContuiApp
from tui.engine.catalog import load_catalog
from tui.engine.replay import ReplaySession

RECORDINGS = Path(__file__).parent / "recordings"
SCENARIOS = [scenario.id for scenario in load_catalog()]
WORD = re.compile(r"[A-Za-z0-9_]+")
EDGE_WORD = re.compile(r"([A-Za-z0-9_]+)…?$")
WRAPPING_PANES = ("picker", "narration", "tree", "locks", "queues", "output")
SHOWN_PROCESSES = 11


def test_every_scenario_has_a_recording() -> None:
    assert [s for s in SCENARIOS if not (RECORDINGS / f"{s}.jsonl").exists()] == []


def _labels(node: Any) -> Iterator[str]:
    for child in node.children:
        yield child.label.plain
        yield from _labels(child)


def pane_source(app: ContuiApp, pane_id: str) -> str:
    """The whole text a pane draws (before it is fitted to the pane's width)."""
    if pane_id == "tree":
        return "\n".join(_labels(app.tree_pane.root))
    if pane_id == "narration":
        return app.narration_pane.plain
    if pane_id in ("locks", "queues"):
        return app.panes[pane_id]._body._text(10_000).plain  # type: ignore[attr-defined]
    if pane_id == "output":
        with app.session.model_lock:
            return "\n".join(line.text for line in app.session.model.lines)
    if pane_id == "picker":
        return "\n".join(str(option.prompt) for option in app.picker._options)
    raise KeyError(pane_id)


def printed_words(scenario: str) -> frozenset[str]:
    """Every word the recorded run printed (the narration may quote its output, as the Output pane shows it)."""
    model = ReplaySession(RECORDINGS / f"{scenario}.jsonl", target=scenario, until=1.0).model
    return frozenset(word for line in model.lines for word in WORD.findall(line.text))


def cut_words(app: ContuiApp, pane_id: str) -> list[str]:
    """The pane's lines whose last column cuts a word the pane's text has whole."""
    pane = app.panes[pane_id]
    inner = pane.scrollable_content_region
    whole = set(WORD.findall(pane_source(app, pane_id)))
    strips = app.screen._compositor.render_strips()
    cut = []
    for strip in strips[inner.y: inner.bottom]:
        row = strip.crop(inner.x, inner.right).text
        edge = EDGE_WORD.search(row)  # a line that reaches the last column with a word (or a word and "…")
        if edge is None:
            continue
        word = edge.group(1)
        if word not in whole and any(w.startswith(word) and len(w) <= inner.width for w in whole):
            cut.append(row)
    return cut


# The views of each scenario, in the order one app shows them, as a teacher switches (resizing the terminal, ``l``
# for the language, ``End`` for the run's end, ``p`` for projector mode): (size, projector, language, at the end).
# English mid-run at the smallest size, where most gets cut; 120×40 mid-run in Chinese, then at the end (every
# process the run had) in English; the projector in Chinese. Chinese views are also scanned for English words.
VIEWS = (
    ((80, 24), False, "en", False),
    ((120, 40), False, "zh", False),
    ((120, 40), False, "en", True),
    ((100, 30), True, "zh", True),
)


async def show(pilot: Pilot, size: tuple[int, int], projector: bool, lang: str, at_end: bool) -> None:
    """Switch the app to a view by its keys and wait until the screen shows it."""
    app = pilot.app
    assert isinstance(app, ContuiApp)
    if app.size != size:
        await pilot.resize_terminal(*size)
    if app.lang != lang:
        await pilot.press("l")
    if app.projector != projector:
        await pilot.press("p")
    look = app.look
    assert look is not None and look.recorded is not None
    if at_end and look.count < look.recorded.count:
        await pilot.press("end")
        await wait_for(pilot, lambda: look.count == look.recorded.count, what="the cursor at the run's end")
    await wait_for(pilot, lambda: app.main_column_fits, what="the panes sized to what they show")
    await pilot.pause()


async def _problems(scenario: str) -> list[str]:
    """What is wrong with any view of ``scenario``, one app switched from view to view (empty: nothing)."""
    session = ReplaySession(RECORDINGS / f"{scenario}.jsonl", target=scenario, until=0.5)
    app = ContuiApp(session=session)  # type: ignore[arg-type]
    printed = printed_words(scenario)
    found: list[str] = []
    async with app.run_test(size=VIEWS[0][0]) as pilot:
        await wait_for(pilot, lambda: app.updates >= 1, what="the first update")
        for size, projector, lang, at_end in VIEWS:
            await show(pilot, size, projector, lang, at_end)
            view = f"{size[0]}x{size[1]}{' projector' if projector else ''} {lang}{' at the end' if at_end else ''}"
            cut = {pane_id: lines for pane_id in WRAPPING_PANES
                   if app.panes[pane_id].display and app.panes[pane_id].region.area
                   and (lines := cut_words(app, pane_id))}
            if cut:
                found.append(f"words cut at a pane's edge, {view}: {cut}")
            english = english_words(app, printed) if lang == "zh" else {}
            if english:
                found.append(f"English on the Chinese screen, {view}: {english}")
            if size == (120, 40) and at_end:
                look = app.look
                assert look is not None
                with look.model_lock:
                    pids = {p.pid for p in look.model.processes.values()}
                tree = screen_text(app, app.tree_pane)
                listed = {pid for pid in pids if f"[{pid}]" in tree}
                if len(listed) < min(len(pids), SHOWN_PROCESSES):
                    found.append(f"{len(listed)} of {len(pids)} processes in view, {view}:\n{tree}")
    return found


def problems_of(scenario: str) -> list[str]:
    """``_problems`` in a process of its own (see the fixture below)."""
    return asyncio.run(_problems(scenario))


@pytest.fixture(scope="module")
def problems(request: pytest.FixtureRequest) -> dict[str, list[str]]:
    """Every selected scenario's problems, worked out two at a time: each takes a core for a second or two of
    rendering, and the suite's other tests run one at a time (its time budget is tight)."""
    selected = [item.callspec.params["scenario"] for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec")]
    # Forked: a spawned pool starts multiprocessing's resource tracker, a process that outlives the test.
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        return dict(zip(selected, pool.map(problems_of, selected)))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_view_fits_its_panes_and_speaks_its_language(scenario: str, problems: dict[str, list[str]]) -> None:
    assert problems[scenario] == []
