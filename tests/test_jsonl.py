"""Recordings (tui/engine/jsonl.py): what is written comes back the same, and what cannot be read is refused in one
line that says why, by read_recording and by ReplaySession alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from tui.engine.events import PROTOCOL_VERSION, Event, read_jsonl
from tui.engine.jsonl import (
    RecordingError,
    RecordingHeader,
    RecordingWriter,
    contui_version,
    read_recording,
    write_recording,
)
from tui.engine.replay import ReplaySession

RECORDINGS = Path(__file__).parent / "recordings"
HEADER = RecordingHeader(target="zombie", path="/somewhere/06_zombie.py", speed=2.5, start_method="spawn",
                         args=("a", "b c"), contui="9.9.9", recorded="2025-01-02T03:04:05+00:00")
EVENTS = [
    Event(0, "run.start", 10, 10, {"target": "zombie", "cwd": "/tmp/x", "speed": 2.5, "start_method": "spawn",
                                   "args": ["a", "b c"], "reaper": 10, "main": 11}),
    Event(5, "stdout", 11, 11, {"stream": "stdout", "text": "购票成功 ✓", "partial": False}),
    Event(7, "queue.put", 11, 12, {"queue": "q1", "item": "{'nested': [1, 2]}", "extra": {"deep": [None, 1.5]}}),
    Event(9, "run.end", 10, 10, {"code": 0}),
]
# What contui 0.1.0 wrote: no header, the fields spread beside the record's own keys.
V1_LINE = '{"t":104689172,"kind":"run.start","pid":20988,"tid":20988,"target":"process_function","cwd":"/tmp/x"}\n'

Reader = Callable[[Path], object]
READERS: dict[str, Reader] = {"read_recording": read_recording, "ReplaySession": ReplaySession}


def refusal(reader: Reader, path: Path) -> str:
    """The message a reader refuses ``path`` with; it must be one line."""
    with pytest.raises(RecordingError) as caught:
        reader(path)
    message = str(caught.value)
    assert message and "\n" not in message
    return message


def test_a_recording_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    with RecordingWriter(path, HEADER) as writer:
        for event in EVENTS:
            writer.write(event)
    assert read_recording(path) == (HEADER, EVENTS)


def test_every_recording_starts_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    write_recording(path, HEADER, EVENTS)
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first == {"protocol": PROTOCOL_VERSION, "target": "zombie", "path": "/somewhere/06_zombie.py",
                     "start_method": "spawn", "speed": 2.5, "args": ["a", "b c"], "contui": "9.9.9",
                     "recorded": "2025-01-02T03:04:05+00:00"}


def test_a_header_only_recording_has_no_events(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    write_recording(path, HEADER, [])
    assert read_recording(path) == (HEADER, [])


@pytest.mark.parametrize("key", ["t", "kind", "pid", "tid", "f"])
def test_a_field_named_like_a_records_own_key_survives_without_clobbering_it(tmp_path: Path, key: str) -> None:
    event = Event(42, "lock.new", 7, 8, {key: "the user's", "lock": "l1"})
    path = tmp_path / "run.jsonl"
    write_recording(path, HEADER, [event])
    assert read_recording(path)[1] == [event]
    row = json.loads(path.read_text(encoding="utf-8").splitlines()[1])
    assert (row["t"], row["kind"], row["pid"], row["tid"]) == (42, "lock.new", 7, 8)
    assert row["f"] == {key: "the user's", "lock": "l1"}


def test_a_new_header_says_this_contui_and_now() -> None:
    header = RecordingHeader(target="x", path="/x.py")
    assert header.protocol == PROTOCOL_VERSION
    assert header.contui == contui_version() == version("contui")
    assert header.recorded[:2] == "20" and header.recorded[10] == "T"


def test_the_version_comes_from_pyproject_when_contui_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    from tui.engine import jsonl

    monkeypatch.setattr(jsonl, "_installed_version", lambda: None)
    with open(Path(__file__).resolve().parent.parent / "pyproject.toml", "rb") as fh:
        expected = tomllib.load(fh)["project"]["version"]
    assert contui_version.__wrapped__() == expected  # type: ignore[attr-defined] (uncached: the real lookup)


def test_the_version_is_found_as_importlib_metadata_finds_it_without_importing_it(tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    from tui.engine import jsonl

    egg = tmp_path / "contui-9.8.7-py3.11.egg-info"  # a legacy install's metadata: a file, not a folder
    egg.write_text("Metadata-Version: 1.1\nName: contui\nVersion: 9.8.7\n\nVersion: not this one\n")
    (tmp_path / "contui_extra-1.0.dist-info").mkdir()  # another distribution whose name starts alike
    monkeypatch.syspath_prepend(str(tmp_path))
    assert jsonl._installed_version() == importlib.metadata.version("contui") == "9.8.7"


def test_the_committed_recordings_are_current() -> None:
    for path in sorted(RECORDINGS.glob("*.jsonl")):
        header, events = read_recording(path)
        start = next(e for e in events if e.kind == "run.start")
        assert header.target == start["target"] and header.speed == start["speed"], path.name
    assert read_jsonl(str(RECORDINGS / "zombie.jsonl")) == read_recording(RECORDINGS / "zombie.jsonl")[1]


def test_replay_keeps_the_header(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    write_recording(path, HEADER, EVENTS)
    session = ReplaySession(path)
    assert session.header == HEADER and session.total == len(EVENTS)
    assert session.model.events == len(EVENTS)  # shown at its end


def test_a_replay_of_no_recording_is_empty() -> None:
    session = ReplaySession(None)
    assert session.header is None and session.total == 0 and session.model.events == 0


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_protocol_1_recording_is_refused_naming_both_versions(tmp_path: Path, reader: Reader) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(V1_LINE * 3, encoding="utf-8")
    assert refusal(reader, path) == (f"{path} was recorded with protocol 1 (contui 0.1.0 or older); "
                                     f"this contui reads protocol {PROTOCOL_VERSION}")


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_recording_from_an_older_protocol_with_a_header_is_refused_naming_both_versions(
        tmp_path: Path, reader: Reader) -> None:
    path = tmp_path / "events.jsonl"
    old = PROTOCOL_VERSION - 1
    path.write_text(json.dumps({**HEADER.to_dict(), "protocol": old, "contui": "0.1.1"}) + "\n", encoding="utf-8")
    assert refusal(reader, path) == (f"{path} was recorded with protocol {old} (contui 0.1.1); "
                                     f"this contui reads protocol {PROTOCOL_VERSION}")


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_recording_from_a_newer_protocol_is_refused_naming_both_versions(tmp_path: Path, reader: Reader) -> None:
    path = tmp_path / "events.jsonl"
    newer = PROTOCOL_VERSION + 1
    path.write_text(json.dumps({**HEADER.to_dict(), "protocol": newer, "contui": "0.5.0"}) + "\n", encoding="utf-8")
    assert refusal(reader, path) == (f"{path} was recorded with protocol {newer} (contui 0.5.0); "
                                     f"this contui reads protocol {PROTOCOL_VERSION}")


def _lines(*rows: dict[str, Any] | str) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


_HEADER = HEADER.to_dict()
_EVENT = {"t": 1, "kind": "sleep", "pid": 2, "tid": 2, "f": {"secs": 1}}
BAD: dict[str, tuple[bytes | None, str]] = {
    "missing": (None, "no such recording: {path}"),
    "empty": (b"", "{path} is empty: not a contui recording"),
    "blank": (b"\n  \n", "{path} is empty: not a contui recording"),
    "not a header": (_lines({"hello": 1}, _EVENT).encode(), "its first line is not a recording header"),
    "not json at all": (b"hello world\n", "{path} is corrupt: line 1 is not valid JSON"),
    "corrupt line": (_lines(_HEADER, _EVENT, '{"t":2,"kind":"sl', _EVENT).encode(),
                     "{path} is corrupt: line 3 is not valid JSON"),
    "truncated": (_lines(_HEADER, _EVENT, _EVENT)[:-9].encode(),
                  "{path} is truncated: line 3 ends before its JSON does"),
    "event without fields": (_lines(_HEADER, _EVENT, {"t": 1, "kind": "sleep", "pid": 2, "tid": 2}).encode(),
                             "{path} is corrupt: line 3 is not an event (no 'f')"),
    "event of the wrong shape": (_lines(_HEADER, [1, 2]).encode(), "{path} is corrupt: line 2 is not an event"),
    "bad header": (_lines({**_HEADER, "speed": "fast"}).encode(), "{path} has a corrupt header (line 1): 'speed'"),
    "not text": (b"\xff\xfe\x00binary", "{path} is not a contui recording: it is not UTF-8 text"),
}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize("case", BAD)
def test_what_is_not_a_readable_recording_is_refused_in_one_line(tmp_path: Path, reader: Reader, case: str) -> None:
    content, expected = BAD[case]
    path = tmp_path / "events.jsonl"
    if content is not None:
        path.write_bytes(content)
    assert expected.format(path=path) in refusal(reader, path)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    assert refusal(read_recording, tmp_path) == f"{tmp_path} is a folder, not a recording"


def test_a_closed_writer_refuses_more_events(tmp_path: Path) -> None:
    writer = RecordingWriter(tmp_path / "run.jsonl", HEADER)
    writer.close()
    writer.close()  # closing twice is harmless, as for a file
    with pytest.raises(ValueError):
        writer.write(EVENTS[0])
