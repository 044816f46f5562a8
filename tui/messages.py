"""Messages from the app's pump thread to the screen: new events were folded in, a control command finished."""

from __future__ import annotations

from textual.message import Message


class RunUpdated(Message):
    """The model changed: ``events`` were folded in since the last one. At most one is ever queued."""

    def __init__(self, events: int) -> None:
        super().__init__()
        self.events = events


class ControlDone(Message):
    """A start/stop/freeze/send asked of the session has been done (``error`` says why not)."""

    def __init__(self, command: str, error: str | None = None) -> None:
        super().__init__()
        self.command = command
        self.error = error
