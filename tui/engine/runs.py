"""The runs folder: where every run's recording goes, kept to a count and a size (oldest removed first), and what
``contui runs`` lists and ``contui replay N`` finds.

The folder is ``$CONTUI_HOME/runs`` if ``CONTUI_HOME`` is set, else ``$XDG_STATE_HOME/contui/runs`` (by default
``~/.local/state/contui/runs``). A recording's name starts with the time its run began, so names sort by age.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui.engine.catalog import Target

SUFFIX = ".jsonl"
KEEP_RUNS = 100  # recordings kept; the oldest go first
KEEP_BYTES = 2 * 1024**3  # and at most this much in all (the newest is kept whatever its size)
_TAIL_BYTES = 1 << 16  # read from a recording's end for its last event
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def runs_folder(environ: Mapping[str, str] | None = None) -> Path:
    """The runs folder this contui records into (not made here)."""
    env = os.environ if environ is None else environ
    home = env.get("CONTUI_HOME")
    if home:
        return Path(home).expanduser() / "runs"
    state = env.get("XDG_STATE_HOME") or str(Path("~/.local/state").expanduser())
    return Path(state) / "contui" / "runs"


def recording_name(target: Target, now: datetime | None = None) -> str:
    """``20261202-081500-123456-zombie.jsonl``: the start time (to the µs, so two runs never share a name), then
    the scenario's id or the script's file name."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
    label = target.scenario.id if target.scenario else target.path.stem
    return f"{stamp}-{_UNSAFE.sub('_', label)[:40]}{SUFFIX}"


def recordings(folder: Path) -> list[Path]:
    """The folder's recordings, newest first (none if the folder does not exist)."""
    try:
        found = [p for p in folder.iterdir() if p.name.endswith(SUFFIX) and p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def prune(folder: Path, keep: int = KEEP_RUNS, keep_bytes: int = KEEP_BYTES) -> list[Path]:
    """Remove the oldest recordings until at most ``keep`` remain and they take at most ``keep_bytes`` (the newest
    stays whatever its size). Returns what was removed; a file that cannot be removed is left."""
    removed: list[Path] = []
    total = 0
    for index, path in enumerate(recordings(folder)):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        total += size
        if index >= keep or (index > 0 and total > keep_bytes):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


@dataclass(frozen=True)
class RunEntry:
    """What ``contui runs`` says of one recording, read from its header and its end."""

    number: int  # 1: the newest
    path: Path
    recorded: str = ""  # ISO 8601 local time the run began
    target: str = ""
    seconds: float | None = None  # the run's length: its last event's time
    code: int | None = None  # the main process's exit code (-N: signal N); None if the run did not end
    ended: bool = False  # the recording holds the run's end (a recording cut short by a crash does not)
    events: int = 0
    problem: str = ""  # why the file could not be read; empty if it could

    @property
    def exit_text(self) -> str:
        if self.problem:
            return "?"
        if not self.ended:
            return "cut short"
        if self.code is None:
            return "?"
        return f"signal {-self.code}" if self.code < 0 else str(self.code)


def list_runs(folder: Path) -> list[RunEntry]:
    return [read_entry(number, path) for number, path in enumerate(recordings(folder), start=1)]


def read_entry(number: int, path: Path) -> RunEntry:
    """The entry of one recording, without reading all of it: the header line, a count of its lines, its tail."""
    try:
        with open(path, "rb") as fh:
            header = json.loads(fh.readline() or b"null")
            if not isinstance(header, dict) or "protocol" not in header:
                return RunEntry(number, path, problem="not a contui recording")
            fh.seek(0)
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
            size = fh.tell()
            fh.seek(max(0, size - _TAIL_BYTES))
            tail = fh.read().splitlines()
    except (OSError, ValueError) as exc:
        return RunEntry(number, path, problem=str(getattr(exc, "strerror", None) or exc))
    last_t: int | None = None
    code: int | None = None
    ended = False
    for raw in reversed(tail[1:] if len(tail) > 1 else tail):  # the first may be cut by the seek
        try:
            event = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(event, dict) or "t" not in event:
            continue
        if last_t is None and isinstance(event["t"], int):
            last_t = event["t"]
        if event.get("kind") in ("run.end", "run.lost"):
            ended = True
            fields = event.get("f")
            code = fields.get("code") if isinstance(fields, dict) else None
            break
    return RunEntry(number, path, recorded=str(header.get("recorded", "")), target=str(header.get("target", "")),
                    seconds=None if last_t is None else last_t / 1e9, code=code if isinstance(code, int) else None,
                    ended=ended, events=max(0, lines - 1))


class RunsError(LookupError):
    """``contui replay N`` names no recording; the message says why, in one line."""


def find_recording(spec: str, folder: Path) -> Path:
    """A recording named by its number in ``contui runs`` (1 is the newest), or a path (returned as it is)."""
    if spec.isdigit():
        found = recordings(folder)
        number = int(spec)
        if not 1 <= number <= len(found):
            have = {0: "there is none: no run has been recorded yet", 1: "there is only 1"}.get(
                len(found), f"there are 1 to {len(found)}")
            raise RunsError(f"no recorded run number {spec} in {folder} ({have}; see 'contui runs')")
        return found[number - 1]
    return Path(spec).expanduser()
