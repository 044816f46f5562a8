"""The fold of the signals the script sends: who sent which to whom, and when."""

from __future__ import annotations

from tui.engine.model.core import ModelCore


class SignalFold(ModelCore):
    pass
