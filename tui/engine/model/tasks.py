"""The fold of pools and executors: each task from submit to the worker that runs it to its result."""

from __future__ import annotations

from tui.engine.model.core import ModelCore


class TaskFold(ModelCore):
    pass
