"""Which panes the app shows: the pane table, what a target needs (locks, queues, stdin) and the visible set.

Pure functions of the target, the model and the terminal size, so the app's layout rules are testable without a screen.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tui.engine.catalog import Target

MIN_WIDTH, MIN_HEIGHT = 80, 24
# Below this the normal layout drops the code and timeline panes (and empty lock/queue panes) by default.
ROOMY_WIDTH, ROOMY_HEIGHT = 120, 32


@dataclass(frozen=True)
class Pane:
    id: str  # the widget id
    title: str
    key: str  # the key that shows/hides it


PANES: tuple[Pane, ...] = (
    Pane("picker", "Scenarios", "a"),
    Pane("tree", "Processes", "r"),
    Pane("locks", "Sync", "k"),
    Pane("queues", "Queues", "u"),
    Pane("output", "Output", "o"),
    Pane("timeline", "Timeline", "t"),
    Pane("code", "Code", "c"),
    Pane("narration", "Narration", "n"),
)
PANE_IDS = tuple(p.id for p in PANES)

_LOCKS = re.compile(r"\b(?:R?Lock|BoundedSemaphore|Semaphore|Condition|Event|Barrier)\s*\(")
_QUEUES = re.compile(
    r"\b(?:(?:Joinable|Simple|Lifo|Priority)?Queue|Pipe|Value|Array|RawValue|RawArray|Manager|SyncManager|Pool|ThreadPool"
    r"|ProcessPoolExecutor|ThreadPoolExecutor)\s*\(")
_STDIN = re.compile(r"\binput\s*\(|\bsys\.stdin\b|\bstdin\.read")
# What the Queues pane shows besides queues: seldom incidental, unlike an Event a script uses to hold its workers.
_CARRIERS = re.compile(r"\b(?:Pipe|Value|Array|RawValue|RawArray|Manager|SyncManager|Pool|ThreadPool"
                       r"|ProcessPoolExecutor|ThreadPoolExecutor)\s*\(")


@dataclass(frozen=True)
class Needs:
    """What a script's code uses, read from its source (docstring and comments left out)."""

    locks: bool = False
    queues: bool = False
    stdin: bool = False
    carriers: bool = False  # pipes, shared values, managers, pools: the Queues pane is the lesson


@lru_cache(maxsize=64)
def _needs_of_source(source: str) -> Needs:
    code = strip_docstring(source)
    code = "\n".join(line.split("#", 1)[0] for line in code.splitlines())
    return Needs(bool(_LOCKS.search(code)), bool(_QUEUES.search(code)), bool(_STDIN.search(code)),
                 bool(_CARRIERS.search(code)))


def strip_docstring(source: str) -> str:
    """The source without its module docstring (what the script says about itself is not what it does)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        lines = source.splitlines()
        end = body[0].end_lineno or 0
        return "\n".join(lines[end:])
    return source


def needs(target: Target | None) -> Needs:
    if target is None:
        return Needs()
    try:
        source = Path(target.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return Needs()
    return _needs_of_source(source)


def shows_stdin(target: Target | None) -> bool:
    """The input line is for scenarios that read stdin, and for every user script (contui cannot know)."""
    return target is not None and (target.scenario is None or needs(target).stdin)


def default_panes(uses: Needs, width: int, height: int, projector: bool) -> set[str]:
    """The panes shown before the user hides or shows any; ``uses`` says what the script (or its model) has."""
    if projector:
        # Only what the class should look at: one synchronisation pane, locks first (ticket_lock's
        # result queue is incidental, its lock is the lesson), unless the script moves data through pipes, shared
        # values, managers or pools (an Event that holds their workers is incidental then).
        shown = {"tree", "output", "narration"}
        if uses.queues and (uses.carriers or not uses.locks):
            shown.add("queues")
        elif uses.locks:
            shown.add("locks")
        return shown
    shown = {"picker", "tree", "output", "narration"}
    roomy = width >= ROOMY_WIDTH and height >= ROOMY_HEIGHT
    if roomy:
        # Room for everything; an empty Locks pane beside the lock-free ticket race is itself a lesson.
        return shown | {"locks", "queues", "code", "timeline"}
    if uses.locks:
        shown.add("locks")
    if uses.queues:
        shown.add("queues")
    return shown


TREE_MIN = 6  # rows of the Processes pane, borders included, however few processes a run has
TIMELINE_MIN = 5  # the Timeline's legend, axis and one lane
SYNC_MIN = 3  # one line of the Sync and Queues cards ("no locks yet")
OUTPUT_MIN = 4  # two lines of what the run prints


@dataclass(frozen=True)
class ColumnHeights:
    """The main column's pane heights, borders included; None for a pane not shown. The Output pane takes the rest."""

    tree: int
    timeline: int | None
    sync: int | None


def main_column(height: int, tree_rows: int, timeline_rows: int | None, sync_rows: int | None) -> ColumnHeights:
    """How the main column (``height`` rows) is shared, by what the class must see first: every process (the tree
    takes all its rows while they fit in two fifths of the column, at 37 rows 14: a run of 11 processes and their
    facts), then the Sync and Queues cards as tall as their content up to a quarter of the column (who holds a lock
    and who waits for it is the lesson of the scenarios that have one), then one timeline lane per thread; the Output
    pane keeps at least OUTPUT_MIN. ``*_rows`` are content rows, None for a hidden pane."""
    tree = max(TREE_MIN, min(tree_rows + 2, height * 2 // 5))
    left = height - tree - OUTPUT_MIN
    timeline = sync = None
    if sync_rows is not None:
        sync = max(SYNC_MIN, min(sync_rows + 2, height // 4, left - (TIMELINE_MIN if timeline_rows is not None else 0)))
        left -= sync
    if timeline_rows is not None:
        timeline = max(TIMELINE_MIN, min(timeline_rows + 2, left))
    return ColumnHeights(tree, timeline, sync)


def visible_panes(defaults: set[str], overrides: dict[str, bool]) -> set[str]:
    shown = set(defaults)
    for pane, on in overrides.items():
        if on:
            shown.add(pane)
        else:
            shown.discard(pane)
    return shown
