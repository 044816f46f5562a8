"""What can be run: the course's scenarios (found in ``scenarios/``, described by their module docstrings, never
imported) and the user's own scripts, both as a :class:`Target`.

Its records are named tuples, not dataclasses: ``contui run`` loads this module before its script can start, and
``dataclasses`` loads ``inspect`` (with ``ast``, ``dis`` and ``tokenize``), several ms of every run's start."""

from __future__ import annotations

import os
import re
from collections import namedtuple
from collections.abc import Sequence
from pathlib import Path

import scenarios

SCENARIO_DIR = Path(scenarios.__file__).resolve().parent
# The course's two parts, by the first scenario number of each: the seed's own examples (processes and threads),
# then its next chapter (deadlocks, the recursive lock, semaphores, events, timers, thread queues, pools). Each with
# a short title (the scenario list's heading) and what it is about.
PARTS: tuple[tuple[int, str, str], ...] = (
    (1, "Part 1 · 多进程与多线程", "processes and threads"),
    (19, "Part 2 · 死锁、同步与池", "deadlocks, synchronisation and pools"),
)
_FILE = re.compile(r"^(\d{2})_([a-z0-9_]+)\.py$")
# A module docstring as the first thing in the file (comments and blank lines may come before it).
_LEADING_DOC = re.compile(r'\A(?:\s*#[^\n]*\n)*\s*("""|\'\'\')(.*?)\1', re.DOTALL)
# The note on what was changed from the course's code, in English or in Chinese (either colon, ASCII or full-width).
_NOTE = re.compile(r"^(Modernised|改写)\s*[:：]")


class Scenario(namedtuple("Scenario", ("id", "number", "path", "title_zh", "title_en", "course", "watch_zh",
                                       "watch_en", "modernised", "modernised_zh"),
                          defaults=("", "", "", (), (), "", ""))):
    """One example of the course: ``id`` (str) is stable (the file name without its number), ``number`` (int) its
    place, ``path`` (Path) its file; the rest, from its docstring: ``title_zh``, ``title_en``, ``course`` (str),
    ``watch_zh``, ``watch_en`` (tuple[str, ...]: the bullets), ``modernised`` and ``modernised_zh`` (str: what was
    changed from the course's code, in English and in Chinese)."""

    __slots__ = ()

    @property
    def title(self) -> str:
        return f"{self.title_en} ({self.title_zh})" if self.title_zh else self.title_en

    @property
    def part(self) -> int:
        """The course part it belongs to: 1, 2 ... (see PARTS)."""
        return sum(1 for first, _, _ in PARTS if self.number >= first)

    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")


def parse_docstring(doc: str) -> dict[str, object]:
    """Split a scenario docstring: title line, ``Course:``, ``看点:``/``Watch:`` bullets, ``改写:``/``Modernised:``
    notes."""
    lines = doc.strip().splitlines()
    out: dict[str, object] = {"watch_zh": [], "watch_en": []}
    if lines:
        zh, _, en = lines[0].partition("|")
        out["title_zh"], out["title_en"] = (zh.strip(), en.strip()) if en else ("", zh.strip())
    section = None
    for line in lines[1:]:
        stripped = line.strip()
        note = _NOTE.match(stripped)
        if stripped.startswith("Course:"):
            out["course"] = stripped.removeprefix("Course:").strip()
        elif note is not None:
            section = "modernised_zh" if note.group(1) == "改写" else "modernised"
            out[section] = stripped[note.end():].strip()
        elif stripped in ("看点:", "看点："):
            section = "watch_zh"
        elif stripped == "Watch:":
            section = "watch_en"
        elif stripped.startswith("- ") and section in ("watch_zh", "watch_en"):
            out[section].append(stripped[2:].strip())  # type: ignore[union-attr]
        elif stripped and section in ("watch_zh", "watch_en") and out[section]:
            out[section][-1] = _joined(out[section][-1], stripped)  # type: ignore[index]
        elif stripped and section in ("modernised", "modernised_zh"):
            out[section] = _joined(str(out[section]), stripped)
    return out


def _joined(text: str, more: str) -> str:
    """A paragraph's next line added to it: after a space, or after nothing between two Chinese characters."""
    if not text:
        return more
    return text + ("" if _wide(text[-1]) and _wide(more[0]) else " ") + more


def _wide(char: str) -> bool:
    """A Chinese character or full-width punctuation (the CJK blocks start at U+2E80): no space goes next to it."""
    return char >= "\u2e80"


def module_docstring(source: str) -> str:
    """What ``ast.get_docstring(ast.parse(source))`` gives, without compiling the whole file: the app reads every
    scenario's docstring before its first frame, and parsing all 18 files took 18 ms of it."""
    import ast  # here: contui run's start waits for every module it loads, and reads no docstring for a script

    match = _LEADING_DOC.match(source)
    return ast.get_docstring(ast.parse(match.group(0) if match else source)) or ""


def load_scenario(path: Path) -> Scenario:
    match = _FILE.match(path.name)
    if match is None:
        raise ValueError(f"not a scenario file name: {path.name}")
    doc = module_docstring(path.read_text(encoding="utf-8"))
    info = parse_docstring(doc)
    return Scenario(
        id=match.group(2),
        number=int(match.group(1)),
        path=path,
        title_zh=str(info.get("title_zh", "")),
        title_en=str(info.get("title_en", "")) or match.group(2),
        course=str(info.get("course", "")),
        watch_zh=tuple(info["watch_zh"]),  # type: ignore[arg-type]
        watch_en=tuple(info["watch_en"]),  # type: ignore[arg-type]
        modernised=str(info.get("modernised", "")),
        modernised_zh=str(info.get("modernised_zh", "")),
    )


def load_catalog(directory: Path = SCENARIO_DIR) -> list[Scenario]:
    """Every scenario, in course order."""
    return sorted(
        (load_scenario(p) for p in directory.glob("*.py") if _FILE.match(p.name)), key=lambda s: s.number
    )


def find(catalog: list[Scenario], key: str) -> Scenario | None:
    """By id (``process_function``), number (``1`` or ``01``) or file stem (``01_process_function``)."""
    key = key.strip().replace("-", "_")
    for scenario in catalog:
        if key in (scenario.id, scenario.path.stem) or (key.isdigit() and int(key) == scenario.number):
            return scenario
    return None


class TargetError(ValueError):
    """What the user asked to run cannot be run; the message says why in one line."""


class Target(namedtuple("Target", ("path", "scenario", "args"), defaults=(None, ()))):
    """What a run runs: a course scenario (run in a temp folder of its own) or a user's script (run where it is).

    ``path`` (Path), ``scenario`` (Scenario | None), ``args`` (tuple[str, ...]): the script's sys.argv[1:]. Part of
    equality: the same file with other arguments is another run. (The app tells its list entries apart by path, not
    by this.)"""

    __slots__ = ()

    @property
    def label(self) -> str:
        return self.scenario.id if self.scenario else str(self.path)

    @property
    def title(self) -> str:
        return self.scenario.title if self.scenario else self.path.name


def resolve_target(spec: str, scenarios: list[Scenario] | None = None, args: Sequence[str] = ()) -> Target:
    """A scenario id/number, or a path to a ``.py`` file; ``args`` are what the script gets as sys.argv[1:]."""
    looks_like_path = spec.endswith(".py") or os.sep in spec or spec.startswith(".")
    if not looks_like_path:
        found = find(scenarios if scenarios is not None else load_catalog(), spec)
        if found is not None:
            return Target(found.path, found, tuple(args))
        if not os.path.isfile(spec):  # `contui run notes.txt` names a file, not a scenario: say what is wrong with it
            raise TargetError(f"unknown scenario {spec!r} (see 'contui list' for the ids)")
    path = Path(spec).expanduser()
    if not path.exists():
        raise TargetError(f"no such file: {spec}")
    if path.is_dir():
        raise TargetError(f"{spec} is a folder, not a Python script")
    if path.suffix != ".py":
        raise TargetError(f"{spec} is not a Python script (expected a .py file)")
    return Target(path.resolve(), args=tuple(args))
