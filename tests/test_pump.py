"""The pump's pacing, with a scripted session: news waits for the rate limit (30 posts a second), except the end of
a step (a thread held again), which the screen is told at once: the run then stands still until the next key."""

from __future__ import annotations

from tui.engine import events as ev
from tui.engine.model import Model, Part
from tui.pump import Pump


class ScriptedSession:
    """Hands out one batch per poll, moving the model's version with each; ``calls`` logs polls and posts in order."""

    def __init__(self, batches: list[list[tuple]]) -> None:
        self.model = Model()
        self.batches = batches
        self.calls: list[str] = []
        self.running, self.frozen, self.stepping = True, False, True

    def poll(self, timeout: float) -> list[tuple]:
        self.calls.append("poll")
        if not self.batches:
            return []
        self.model.versions[Part.PROCESSES] += 1
        return self.batches.pop(0)


def run_pump(batches: list[list[tuple]]) -> list[str]:
    session = ScriptedSession(batches)
    def fail(exc: Exception) -> None:
        raise exc

    pump = Pump(session, lambda message: session.calls.append("post"), on_error=fail)  # type: ignore[arg-type]
    pump.run(lambda: session.calls.count("poll") > 6)
    return session.calls


def test_a_thread_held_again_is_told_at_once_whatever_the_rate_limit() -> None:
    line = (1, ev.STDOUT, 10, 10, {"text": "x"})
    hold = (2, ev.HOLD, 10, 10, {"phase": "begin", "action": "print", "what": "", "site": "a.py:3"})
    # the first news is posted (nothing was yet); the hold that comes right after it is posted before the next poll,
    # where other news would wait out the rest of the 1/30 s since that post
    assert run_pump([[line], [hold]])[:4] == ["poll", "post", "poll", "post"]
