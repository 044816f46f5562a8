"""The fold of shared memory (Value, Array: their value as last read) and managers (the server, proxy calls)."""

from __future__ import annotations

from tui.engine.model.core import ModelCore


class SharedFold(ModelCore):
    pass
