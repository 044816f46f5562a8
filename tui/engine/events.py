"""The event record (protocol v1) that every part of contui speaks, its kinds, and its JSON form.

An event is what one process or thread of a run did at one instant. Traced processes send events as plain tuples
``(t, kind, pid, tid, fields)`` (cheap to make and to pickle); :meth:`Event.from_wire` turns them into records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tui.inside.kinds import (  # noqa: F401 (re-exported: every module says ev.KIND)
    RUN_START,
    RUN_END,
    PROC_START,
    PROC_SPAWN,
    PROC_EXIT,
    PROC_REAP,
    PROC_TERMINATE,
    PROC_JOIN,
    PROC_ALIVE,
    THREAD_START,
    THREAD_EXIT,
    THREAD_JOIN,
    LOCK_NEW,
    LOCK_WAIT,
    LOCK_ACQUIRE,
    LOCK_RELEASE,
    LOCK_TIMEOUT,
    QUEUE_NEW,
    QUEUE_PUT,
    QUEUE_GET,
    QUEUE_BLOCK,
    QUEUE_TIMEOUT,
    QUEUE_TASK_DONE,
    QUEUE_JOIN,
    SLEEP,
    STDOUT,
    EXCEPTION,
    SAMPLE,
    SAMPLE_GONE,
    PROTOCOL_VERSION,
    KINDS,
)

Wire = tuple[int, str, int, int, dict[str, Any]]


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

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.t, "kind": self.kind, "pid": self.pid, "tid": self.tid, **self.fields}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        rest = {k: v for k, v in data.items() if k not in ("t", "kind", "pid", "tid", "v")}
        return cls(int(data["t"]), str(data["kind"]), int(data["pid"]), int(data.get("tid", 0)), rest)

    @classmethod
    def from_json(cls, line: str) -> Event:
        return cls.from_dict(json.loads(line))


def read_jsonl(path: str) -> list[Event]:
    """Load a recording written by ``contui run --jsonl``."""
    with open(path, encoding="utf-8") as fh:
        return [Event.from_json(line) for line in fh if line.strip()]
