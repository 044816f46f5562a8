"""The event record that every part of contui speaks, and its kinds (see tui/inside/kinds.py).

An event is what one process or thread of a run did at one instant. Traced processes send events as plain tuples
``(t, kind, pid, tid, fields)`` (cheap to make and to pickle); :meth:`Event.from_wire` turns them into records.
Their JSON form, in recordings, is tui/engine/jsonl.py's alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.inside.kinds import *  # noqa: F403 (re-exported: every module of contui says ev.KIND)
from tui.inside.kinds import KINDS, PROTOCOL_VERSION  # noqa: F401 (named for readers; the * brings them too)

TYPE_CHECKING = False  # typing is not loaded at run time: contui run's start waits for every module it loads
if TYPE_CHECKING:
    from typing import Any

    Wire = tuple[int, str, int, int, dict[str, Any]]
else:  # what the name stands for at run time, where nothing looks inside it
    Wire = tuple


@dataclass(slots=True, frozen=True)
class Event:
    """One thing that happened: ``t`` is nanoseconds since the run began (one clock for every process)."""

    t: int
    kind: str
    pid: int
    tid: int = 0
    fields: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    @classmethod
    def from_wire(cls, wire: Wire) -> Event:
        t, kind, pid, tid, fields = wire
        return cls(t, kind, pid, tid, fields)

    def to_wire(self) -> Wire:
        return (self.t, self.kind, self.pid, self.tid, self.fields)


def read_jsonl(path: str) -> list[Event]:
    """The events of a recording written by ``contui run --jsonl`` (see tui/engine/jsonl.py, which reads it)."""
    from tui.engine.jsonl import read_recording  # here, not at the top: jsonl imports this module

    return read_recording(path)[1]
