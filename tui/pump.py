"""The pump: the loop (run in a thread worker of the app) that folds the run's events into the model and tells the
screen when there is something new to draw, at most ``MAX_UPDATES_PER_SECOND`` times a second.

The screen is told by posting :class:`RunUpdated`, which replaces one still queued: a burst of events folds into the
model here and the screen draws the latest state once, however far behind it is. The loop waits in the session's
poll, which ends early on events, on ``Session.wake`` (a control action, quitting) or when the next update is due.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

from tui.engine import events as ev
from tui.engine.session import Session
from tui.messages import RunUpdated

from tui.status import RunState
from tui.widgets.pane import CLOCK_TICK_NS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.share.feed import ShareFeed

POLL_SECONDS = 1.0  # an idle poll; events, a finished run and every control action (Session.wake) end it early
MAX_UPDATES_PER_SECOND = 30


class Pump:
    def __init__(self, session: Session, post: Callable[[RunUpdated], object],
                 on_error: Callable[[Exception], None], share: ShareFeed | None = None) -> None:
        """``share``: the run is shared with browsers (contui --share): the feed is told of each change too."""
        self.session = session
        self.post = post
        self.on_error = on_error
        self.share = share

    def run(self, cancelled: Callable[[], bool]) -> None:
        session = self.session
        interval = 1.0 / MAX_UPDATES_PER_SECOND
        # Events (and state changes) not told to the screen yet; at first, the run's state itself: the first poll
        # must not wait, or a finished replay's first frame would come an idle poll late.
        pending = 1
        last_post = 0.0
        news: Hashable = None
        state: RunState | None = None
        failed: str | None = None
        settled = False  # a thread of the run was held: nothing more comes until the teacher steps
        share = self.share
        while not cancelled():
            wait = POLL_SECONDS
            if pending:  # news waits only for the rate limit
                wait = 0.0 if settled else max(interval - (time.monotonic() - last_post), 0.0)
            if share is not None:  # a frame for the browsers held back by its own rate limit
                wait = min(wait, share.wait())
            try:
                batch = session.poll(wait)
            except Exception as exc:  # an engine fault must not kill the app; say it once, keep going
                batch = []
                if failed != repr(exc):
                    failed = repr(exc)
                    self.on_error(exc)
            if batch:
                # Most of an idle run's events are samples that change nothing shown: only a new version of some
                # part of the model, or a clock tick, is worth waking the screen for. Only this thread folds
                # events into the model, so reading it here needs no lock.
                model = session.model
                now_news = (id(model), *model.versions.values(), model.now // CLOCK_TICK_NS)
                if now_news != news:
                    news = now_news
                    pending += len(batch)
                    # Step mode: a thread held again ends a step. The run now stands still until a key, so the
                    # screen may show it at once, whatever the rate limit says (steps come at the pace of keys).
                    settled = settled or any(wire[1] == ev.HOLD for wire in batch)
            # A run that ends says so by its reaper exiting, not always by an event: that is news too.
            now_state = RunState(session.running, session.frozen, session.stepping)
            if now_state != state:
                state = now_state
                pending += 1
            if share is not None:
                try:
                    share.offer(session.model, now_state, session.target)
                except Exception as exc:  # sharing must never stop the teacher's screen: said once, as a poll's
                    if failed != repr(exc):
                        failed = repr(exc)
                        self.on_error(exc)
            if pending and (settled or time.monotonic() - last_post >= interval):
                self.post(RunUpdated(now_state, pending))
                pending = 0
                settled = False
                last_post = time.monotonic()
