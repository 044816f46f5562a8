"""A recording's lines as text: one event as its JSON line, written the same way by contui and by its recorder
process (tui/engine/flight_writer.py). Imports nothing of contui's, so that the recorder process starts at once."""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

FIELDS_KEY = "f"  # an event's fields sit under a key of their own (see tui/engine/jsonl.py)


def _plain(value: object) -> object:
    """What JSON has no word for, as text: bytes a script sent (decoded as Latin-1, so every byte survives), sets."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    return repr(value)


# Not ASCII-escaped: the course prints Chinese, and a recording should stay readable with `less`.
dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_plain).encode


def wire_line(t: int, kind: str, pid: int, tid: int, fields: dict[str, Any]) -> str:
    """One event, given as its wire parts, as its JSON line with the newline."""
    return f'{{"t":{t},"kind":{dumps(kind)},"pid":{pid},"tid":{tid},"{FIELDS_KEY}":{dumps(fields)}}}\n'


# The same JSON, by the C encoder called directly (what JSONEncoder.encode does around it costs as much again), and
# without its check for containers that hold themselves: see fast_lines.
_fields = c_make_encoder(None, _plain, encode_basestring, None, ":", ",", False, False, True)


def fast_lines(wires: list[tuple[int, str, int, int, dict[str, Any]]]) -> str:
    """A batch of events as their JSON lines (the recorder process's hot path). A batch with something the fast way
    cannot write (a list that holds itself, forged by a script) is written event by event the careful way, and an
    event that cannot be written at all is left out."""
    try:
        return "".join([f'{{"t":{t},"kind":{encode_basestring(kind)},"pid":{pid},"tid":{tid},"{FIELDS_KEY}":'
                        f'{"".join(_fields(fields, 0))}}}\n' for t, kind, pid, tid, fields in wires])
    except (ValueError, TypeError, RecursionError):
        return "".join(_careful(wire) for wire in wires)


def _careful(wire: tuple[int, str, int, int, dict[str, Any]]) -> str:
    try:
        return wire_line(*wire)
    except (ValueError, TypeError, RecursionError):
        return ""
