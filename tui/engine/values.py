"""Reads the run's shared Values and Arrays from the memory of a process that has them mapped.

The tracer says where each one lives (``value.new``, ``value.map``); at each sample contui reads those bytes from
``/proc/<pid>/mem`` and, when they changed, adds a ``value.sample`` event with what they hold. contui is an ancestor of
every process of the run, so the kernel lets it read their memory. A read that fails (the process is gone, or the
page went with it) tries the next process that has the value, or skips it until the next sample.
"""

from __future__ import annotations

import os
import struct
import time
from tui.engine import events as ev

TYPE_CHECKING = False  # what contui run loads before a trivial run ends is its start-up: nothing of the model here
if TYPE_CHECKING:
    from typing import Any

    from tui.engine.events import Wire
    from tui.engine.model import Model
    from tui.engine.model.shared import ValueState

MAX_BYTES = 1 << 16  # a bigger array is read up to this many bytes
SHOWN_ELEMENTS = 32  # an array's repr lists this many elements, then "…"
# ctypes codes struct reads as they are; 'c' (c_char) and 'u' (c_wchar) are text, the rest are not read.
_STRUCT_CODES = frozenset("bBhHiIlLqQfd?P")
_WCHAR = "I"  # a c_wchar is 4 bytes on Linux


def decode(v: ValueState, data: bytes) -> str:
    """What the script would see: ``counter.value`` for a Value, ``arr[:]`` for an Array (``arr.value`` for c_char
    and c_wchar arrays), as its repr; the bytes themselves for a type struct cannot read (a Structure)."""
    code = v.typecode
    count = v.length if v.length is not None else 1
    if code == "c":
        text: Any = data[:count]
        return repr(text.split(b"\0", 1)[0] if v.length is not None else text)
    if code == "u":
        chars = "".join(chr(c) for c in struct.unpack(f"@{len(data) // 4}{_WCHAR}", data[: len(data) // 4 * 4]))
        return repr(chars.split("\0", 1)[0] if v.length is not None else chars)
    if code is None or code not in _STRUCT_CODES:
        return repr(data)
    size = struct.calcsize(f"@{code}")
    count = min(count, len(data) // size)
    items = struct.unpack(f"@{count}{code}", data[: count * size])
    if v.length is None:
        return repr(items[0])
    if len(items) > SHOWN_ELEMENTS or count < v.length:
        return "[" + ", ".join(repr(x) for x in items[:SHOWN_ELEMENTS]) + ", …]"
    return repr(list(items))


def read_memory(pid: int, addr: int, size: int) -> bytes | None:
    """``size`` bytes at ``addr`` in process ``pid``, or None if they cannot be read (gone, not mapped there)."""
    try:
        fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY)
    except OSError:
        return None
    try:
        data = os.pread(fd, size, addr)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == size else None


class ValueReader:
    """Reads every value of the model at each sample; reports only what changed since its last read."""

    def __init__(self, t0: int) -> None:
        self.t0 = t0
        self._last: dict[str, bytes] = {}
        self.passes = 0  # sampling passes made (tests wait for one made after a moment they chose)

    def read(self, model: Model) -> list[Wire]:
        out: list[Wire] = []
        for v in model.values.values():
            if not v.size:
                continue
            size = min(v.size, MAX_BYTES)
            for pid, addr in model.value_readers(v):
                data = read_memory(pid, addr, size)
                if data is None:
                    continue
                if self._last.get(v.id) != data:
                    self._last[v.id] = data
                    t = time.monotonic_ns() - self.t0
                    out.append((t, ev.VALUE_SAMPLE, pid, 0, {"value": v.id, "repr": decode(v, data)}))
                break
        self.passes += 1
        return out
