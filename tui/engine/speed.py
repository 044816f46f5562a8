"""The run's speed factor, shared: contui turns it while the run goes, every traced process reads it at each wait."""

from __future__ import annotations

import mmap
import os
import struct

_FORMAT = struct.Struct("d")


class SpeedDial:
    """A float in an 8-byte file mapped by every process of the run (a fork inherits the mapping)."""

    def __init__(self, path: str, initial: float | None = None) -> None:
        self.path = path
        flags = os.O_RDWR | (os.O_CREAT if initial is not None else 0)
        fd = os.open(path, flags, 0o600)
        try:
            if initial is not None:
                os.ftruncate(fd, _FORMAT.size)
            self._map = mmap.mmap(fd, _FORMAT.size, mmap.MAP_SHARED)
        finally:
            os.close(fd)
        if initial is not None:
            self.set(initial)

    def get(self) -> float:
        return _FORMAT.unpack_from(self._map)[0]

    def set(self, speed: float) -> None:
        _FORMAT.pack_into(self._map, 0, float(speed))
