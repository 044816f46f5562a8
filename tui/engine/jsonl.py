"""Recordings: the one writer and reader of contui's JSON Lines files (``contui run --jsonl``, replays, tests).

A recording is a header line, then one line per event::

    {"protocol":2,"target":"zombie","path":"/…/06_zombie.py","start_method":null,"speed":1.0,"args":[],
     "contui":"0.1.0","recorded":"2025-05-01T10:00:00+02:00"}
    {"t":151972834,"kind":"run.start","pid":21078,"tid":21078,"f":{"target":"zombie","cwd":"/tmp/…"}}

An event's fields sit under a key of their own, ``"f"``, so a field named ``t`` or ``kind`` cannot clobber the
record's own keys. Protocol 1 recordings (contui 0.1.0 and older) had no header and spread the fields beside
t/kind/pid/tid: they are refused with a message naming both versions, never half-read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tui.engine.catalog import Target
from tui.engine.events import PROTOCOL_VERSION, Event

FIELDS_KEY = "f"
# The last contui whose recordings had no header: what the refusal of a header-less file names.
_LAST_V1_CONTUI = "0.1.0"


class RecordingError(ValueError):
    """A file is not a recording this contui can read; the message says which file and why, in one line."""


@cache
def contui_version() -> str:
    """The installed contui's version; from pyproject.toml when run from a checkout that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("contui")
    except PackageNotFoundError:
        pass
    import tomllib

    try:
        with open(Path(__file__).resolve().parents[2] / "pyproject.toml", "rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _now() -> str:
    from datetime import datetime  # only when recording: the app imports this module (replays) before its first frame

    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class RecordingHeader:
    """The first line of a recording: which protocol its events speak, and what run they come from."""

    target: str  # the target's label: a scenario id, or the script's path
    path: str  # the file that ran
    speed: float = 1.0
    start_method: str | None = None  # None: the platform's default
    args: tuple[str, ...] = ()  # the script's sys.argv[1:]
    contui: str = field(default_factory=contui_version)
    recorded: str = field(default_factory=_now)  # ISO 8601, local time with its offset
    protocol: int = PROTOCOL_VERSION

    @classmethod
    def for_target(cls, target: Target, *, speed: float = 1.0, start_method: str | None = None) -> RecordingHeader:
        """The header of a run of ``target`` about to start now, by this contui."""
        return cls(target=target.label, path=str(target.path), speed=speed, start_method=start_method,
                   args=target.args)

    def to_dict(self) -> dict[str, Any]:
        return {"protocol": self.protocol, "target": self.target, "path": self.path,
                "start_method": self.start_method, "speed": self.speed, "args": list(self.args),
                "contui": self.contui, "recorded": self.recorded}


def _dumps(data: dict[str, Any]) -> str:
    # Not ASCII-escaped: the course prints Chinese, and a recording should stay readable with `less`.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def event_line(event: Event) -> str:
    """One event as its JSON line (without the newline)."""
    return _dumps({"t": event.t, "kind": event.kind, "pid": event.pid, "tid": event.tid, FIELDS_KEY: event.fields})


class RecordingWriter:
    """Writes a recording to ``path``: the header at once, then one line per :meth:`write`.

    Opening raises OSError as ``open`` does, so a caller can refuse an unwritable path before anything runs.
    """

    def __init__(self, path: str | Path, header: RecordingHeader) -> None:
        self.path = str(path)
        self.header = header
        self._fh: IO[str] | None = open(path, "w", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self._fh.write(_dumps(header.to_dict()) + "\n")

    def write(self, event: Event) -> None:
        if self._fh is None:
            raise ValueError(f"recording {self.path} is closed")
        self._fh.write(event_line(event) + "\n")

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def write_recording(path: str | Path, header: RecordingHeader, events: Sequence[Event]) -> None:
    """A whole recording at once (tests, converted fixtures)."""
    with RecordingWriter(path, header) as writer:
        for event in events:
            writer.write(event)


# -- reading ----------------------------------------------------------------------------------------------------------
def read_recording(path: str | Path) -> tuple[RecordingHeader, list[Event]]:
    """The header and every event of a recording; :class:`RecordingError` if it is not one this contui reads."""
    name = str(path)
    try:
        with open(path, encoding="utf-8") as fh:
            lines = _numbered(fh, name)
            first = next(lines, None)
            if first is None:
                raise RecordingError(f"{name} is empty: not a contui recording")
            header = _header(name, *first)
            events = [_event(name, number, line) for number, line in lines]
    except FileNotFoundError:
        raise RecordingError(f"no such recording: {name}") from None
    except IsADirectoryError:
        raise RecordingError(f"{name} is a folder, not a recording") from None
    except UnicodeDecodeError:
        raise RecordingError(f"{name} is not a contui recording: it is not UTF-8 text") from None
    except OSError as exc:
        raise RecordingError(f"cannot read {name}: {exc.strerror or exc}") from None
    return header, events


def _numbered(fh: IO[str], name: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line that is not blank; line numbers count from 1, blank lines included."""
    for number, line in enumerate(fh, start=1):
        if line.strip():
            yield number, line


def _parse(name: str, number: int, line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        # The writer ends every line with a newline: a last line without one was cut off mid-write.
        if not line.endswith("\n"):
            raise RecordingError(f"{name} is truncated: line {number} ends before its JSON does") from None
        raise RecordingError(f"{name} is corrupt: line {number} is not valid JSON") from None


def _header(name: str, number: int, line: str) -> RecordingHeader:
    data = _parse(name, number, line)
    if isinstance(data, dict) and "protocol" not in data and {"t", "kind", "pid"} <= data.keys():
        raise RecordingError(f"{name} was recorded with protocol 1 (contui {_LAST_V1_CONTUI} or older); "
                             f"this contui reads protocol {PROTOCOL_VERSION}")
    if not isinstance(data, dict) or "protocol" not in data:
        raise RecordingError(f"{name} is not a contui recording: its first line is not a recording header")
    protocol = data["protocol"]
    if not isinstance(protocol, int) or isinstance(protocol, bool):
        raise RecordingError(f"{name} has a corrupt header (line {number}): 'protocol' is not a number")
    if protocol != PROTOCOL_VERSION:
        made_by = data.get("contui")
        by = f" (contui {made_by})" if isinstance(made_by, str) else ""
        raise RecordingError(f"{name} was recorded with protocol {protocol}{by}; "
                             f"this contui reads protocol {PROTOCOL_VERSION}")
    try:
        start_method = None if data.get("start_method") is None else _typed(data, "start_method", str)
        args = _typed(data, "args", list)
        if not all(isinstance(arg, str) for arg in args):
            raise _BadValue("'args' holds something that is not a string")
        header = RecordingHeader(
            target=_typed(data, "target", str), path=_typed(data, "path", str),
            speed=float(_typed(data, "speed", (int, float))), start_method=start_method, args=tuple(args),
            contui=_typed(data, "contui", str), recorded=_typed(data, "recorded", str), protocol=protocol,
        )
    except _BadValue as exc:
        raise RecordingError(f"{name} has a corrupt header (line {number}): {exc}") from None
    return header


def _event(name: str, number: int, line: str) -> Event:
    data = _parse(name, number, line)
    if not isinstance(data, dict):
        raise RecordingError(f"{name} is corrupt: line {number} is not an event")
    try:
        return Event(_typed(data, "t", int), _typed(data, "kind", str), _typed(data, "pid", int),
                     _typed(data, "tid", int), _typed(data, FIELDS_KEY, dict))
    except _BadValue as exc:
        raise RecordingError(f"{name} is corrupt: line {number} is not an event ({exc})") from None


class _BadValue(Exception):
    pass


def _typed(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in data:
        raise _BadValue(f"no {key!r}")
    value = data[key]
    # bool is an int to isinstance, but a true/false where a number belongs is damage, not a number.
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _BadValue(f"{key!r} is {json.dumps(value)[:40]}")
    return value
