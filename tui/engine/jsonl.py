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
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tui.engine.catalog import Target
from tui.engine.events import PROTOCOL_VERSION, Event
from tui.engine.lines import FIELDS_KEY, wire_line
from tui.engine.lines import dumps as _dumps

# The last contui whose recordings had no header: what the refusal of a header-less file names.
_LAST_V1_CONTUI = "0.1.0"


class RecordingError(ValueError):
    """A file is not a recording this contui can read; the message says which file and why, in one line."""


@cache
def contui_version() -> str:
    """The installed contui's version; from pyproject.toml when run from a checkout that was never installed."""
    installed = _installed_version()
    if installed is not None:
        return installed
    import tomllib

    try:
        with open(Path(__file__).resolve().parents[2] / "pyproject.toml", "rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _installed_version() -> str | None:
    """What ``importlib.metadata.version("contui")`` says, found as it finds it (the first contui ``.dist-info``
    or ``.egg-info`` folder along sys.path) without importing it: importlib.metadata (email, zipfile, csv) took
    30 ms of every ``contui run``'s start, more than the rest of its command line."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, a folder that is gone
            continue
        for name in names:
            # contui-0.1.0.dist-info, contui-0.1.0-py3.11.egg-info, contui.egg-info (`setup.py develop`)
            if not name.endswith((".dist-info", ".egg-info")) or name.partition("-")[0].partition(".")[0].lower() \
                    != "contui":
                continue
            folder = os.path.join(entry or ".", name)
            # an .egg-info may be a file: the metadata itself
            for metadata in (os.path.join(folder, "METADATA"), os.path.join(folder, "PKG-INFO"), folder):
                try:
                    with open(metadata, encoding="utf-8") as fh:
                        for line in fh:
                            if line.startswith("Version:"):
                                return line.partition(":")[2].strip()
                            if not line.strip():  # the headers end at the first blank line
                                break
                except OSError:
                    continue
    return None


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


def event_line(event: Event) -> str:
    """One event as its JSON line (without the newline)."""
    return wire_line(event.t, event.kind, event.pid, event.tid, event.fields)[:-1]


def header_line(header: RecordingHeader) -> str:
    return _dumps(header.to_dict()) + "\n"


class RecordingWriter:
    """Writes a recording to ``path``: the header at once, then one line per :meth:`write`.

    Opening raises OSError as ``open`` does, so a caller can refuse an unwritable path before anything runs.
    """

    def __init__(self, path: str | Path, header: RecordingHeader) -> None:
        self.path = str(path)
        self.header = header
        self._fh: IO[str] | None = open(path, "w", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self._fh.write(header_line(header))

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
    with RecordingReader(path) as reader:
        return reader.header, [event for _, event in reader.events()]


class RecordingReader:
    """A recording read as a stream: the header when opened, the events as they are asked for, each with the byte
    offset of its line, so that a reader can come back to any of them (``events(offset)``) without reading the
    file again from its start. Every way a file can fail to be a recording raises :class:`RecordingError`."""

    def __init__(self, path: str | Path, *, being_written: bool = False) -> None:
        """``being_written``: the recording of a run still going (frozen): a last line not ended yet is where the
        recording stops for now, not damage."""
        self.name = str(path)
        self.path = Path(path)
        self.being_written = being_written
        self.position = 0  # where the line after the last one read starts
        with self._reading():
            self._fh: IO[bytes] = open(path, "rb")  # noqa: SIM115 (close())
            try:
                first = next(self._lines(0, 1), None)
                if first is None:
                    raise RecordingError(f"{self.name} is empty: not a contui recording")
                _, number, line = first
                self.header = _header(self.name, number, line)
            except BaseException:
                self._fh.close()
                raise
            self.first_offset = self.position
            self._first_number = number + 1

    def events(self, offset: int | None = None) -> Iterator[tuple[int, Event]]:
        """(offset of its line, event) for each event from ``offset`` (a line's start; the first event if None)."""
        at = self.first_offset if offset is None else offset
        number = self._first_number if offset is None else 0  # line numbers are known only from the start
        name = self.name
        with self._reading():
            fh = self._fh
            fh.seek(at)
            for line in fh:  # one loop, not a generator of lines under this one: millions of lines go through it
                if self.being_written and not line.endswith(b"\n"):
                    return
                self.position = end = at + len(line)
                if line.strip():
                    yield at, _event(name, number, line)
                at = end
                if number:
                    number += 1

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> RecordingReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _lines(self, offset: int, number: int) -> Iterator[tuple[int, int, bytes]]:
        """(offset, line number or 0 if unknown, line) for every line that is not blank, from ``offset``."""
        fh = self._fh
        fh.seek(offset)
        at = offset
        for line in fh:
            self.position = at + len(line)
            if line.strip():
                yield at, number, line
            at = self.position
            if number:
                number += 1

    @contextmanager
    def _reading(self) -> Iterator[None]:
        name = self.name
        try:
            yield
        except FileNotFoundError:
            raise RecordingError(f"no such recording: {name}") from None
        except IsADirectoryError:
            raise RecordingError(f"{name} is a folder, not a recording") from None
        except UnicodeDecodeError:
            raise RecordingError(f"{name} is not a contui recording: it is not UTF-8 text") from None
        except OSError as exc:
            raise RecordingError(f"cannot read {name}: {exc.strerror or exc}") from None


def _where(number: int) -> str:
    return f"line {number}" if number else "a line"


def _parse(name: str, number: int, line: bytes) -> Any:
    try:
        return json.loads(line)
    except UnicodeDecodeError:
        raise
    except ValueError:
        # The writer ends every line with a newline: a last line without one was cut off mid-write.
        if not line.endswith(b"\n"):
            raise RecordingError(f"{name} is truncated: {_where(number)} ends before its JSON does") from None
        raise RecordingError(f"{name} is corrupt: {_where(number)} is not valid JSON") from None


def _header(name: str, number: int, line: bytes) -> RecordingHeader:
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


def _event(name: str, number: int, line: bytes) -> Event:
    try:  # the common case checked inline: replays and scrubbing read millions of lines
        data = _decode(line.decode("utf-8"))
        t, kind, pid, tid, fields = data["t"], data["kind"], data["pid"], data["tid"], data[FIELDS_KEY]
        if type(t) is int and type(kind) is str and type(pid) is int and type(tid) is int and type(fields) is dict:
            return Event(t, kind, pid, tid, fields)
    except (ValueError, KeyError, TypeError):
        pass
    return _checked_event(name, number, line)


_decode = json.JSONDecoder().decode


def _checked_event(name: str, number: int, line: bytes) -> Event:
    """The slow way, which says what is wrong with a line that is not an event."""
    data = _parse(name, number, line)
    if not isinstance(data, dict):
        raise RecordingError(f"{name} is corrupt: {_where(number)} is not an event")
    try:
        return Event(_typed(data, "t", int), _typed(data, "kind", str), _typed(data, "pid", int),
                     _typed(data, "tid", int), _typed(data, FIELDS_KEY, dict))
    except _BadValue as exc:
        raise RecordingError(f"{name} is corrupt: {_where(number)} is not an event ({exc})") from None


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
