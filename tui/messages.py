"""Messages from the app's pump to the screen."""

from __future__ import annotations

from textual.message import Message

from tui.status import RunState


class RunUpdated(Message):
    """The model or the run's state changed. A newer one replaces one still queued: the screen draws the latest
    state once, however far behind it is."""

    def __init__(self, state: RunState, events: int) -> None:
        super().__init__()
        self.state = state
        self.events = events  # events folded since the last message was posted

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RunUpdated)


class FollowersChanged(Message):
    """A browser began or stopped following the shared run (contui --share): how many follow now."""

    def __init__(self, followers: int) -> None:
        super().__init__()
        self.followers = followers

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FollowersChanged)
