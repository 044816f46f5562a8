"""The fold of pipes: messages in flight each way, who is blocked in recv, which end is whose."""

from __future__ import annotations

from tui.engine.model.core import ModelCore


class PipeFold(ModelCore):
    pass
