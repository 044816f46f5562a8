"""The fold of conditions, events, barriers and semaphores: who waits, who holds, the flag, the seats."""

from __future__ import annotations

from tui.engine.model.core import ModelCore


class SyncFold(ModelCore):
    pass
