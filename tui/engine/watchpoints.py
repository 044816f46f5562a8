"""Watch points: a scenario's "Watch" bullet may end with a tag naming what proves it, and the narration lights the
bullet up once the run shows it (at the cursor's moment, when looking back: scrubbing moves the light too).

A tag is the last thing on its bullet, in square brackets:

- ``[state zombie]``: some process or thread was in that state (``running`` ... ``zombie``, ``terminated``,
  ``daemon-killed``, ``orphaned``), as its timeline lane or its end says;
- ``[stdout TEXT]``: a printed line contains TEXT;
- ``[deadlock]``, ``[stall]``, ``[lock.order]``: contui told one;
- ``[lock.acquire]``, ``[lock.wait]``, ``[sem.wait]``, ``[event.set]``, ``[queue.put]``, ``[queue.get]``,
  ``[task.done]``, ``[proc.spawn]``, ``[thread.start]``: the run did it at least once (as the model counts it).

Everything is read from the model as folded so far: no event log is kept for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tui.engine.model import Model, State

TAG = re.compile(r"\s*\[([a-z_.]+)(?: ([^\]]+))?\]\s*$")


def split_tag(bullet: str) -> tuple[str, str | None]:
    """A bullet's text and its tag (``"state zombie"``), or None."""
    match = TAG.search(bullet)
    if match is None:
        return bullet, None
    tag = match.group(1) + (f" {match.group(2).strip()}" if match.group(2) else "")
    return bullet[: match.start()].rstrip(), tag


def _in_state(model: Model, word: str) -> bool:
    if word == "orphaned":
        return any(p.adopted_by is not None for p in model.processes.values())
    try:
        state = State(word)
    except ValueError:
        return False
    if any(p.end is state or p.state is state for p in model.processes.values()):
        return True
    return any(seg.state is state for lane in model.lanes.values() for seg in lane.segments)


def _printed(model: Model, text: str) -> bool:
    return any(text in line.text for line in model.lines)


# What each tag without an argument asks of the model.
_DONE: dict[str, Callable[[Model], bool]] = {
    "deadlock": lambda m: bool(m.deadlocks),
    "stall": lambda m: bool(m.stalls),
    "lock.order": lambda m: bool(m.potential_deadlocks),
    "lock.acquire": lambda m: any(lock.acquisitions for lock in m.locks.values()),
    "lock.wait": lambda m: any(lock.waiters for lock in m.locks.values())
    or any(seg.state is State.BLOCKED for lane in m.lanes.values() for seg in lane.segments),
    "sem.wait": lambda m: any(s.waiters for s in m.semaphores.values())
    or any(s.acquisitions > (s.initial or 0) for s in m.semaphores.values()),
    "event.set": lambda m: any(e.sets for e in m.sync_events.values()),
    "queue.put": lambda m: any(q.puts for q in m.queues.values()),
    "queue.get": lambda m: any(q.gets for q in m.queues.values()),
    "task.done": lambda m: any(t.done_t is not None for t in m.tasks.values()),
    "proc.spawn": lambda m: len(m.processes) > 1,
    "thread.start": lambda m: any(len(p.threads) > 1 for p in m.processes.values()),
}


def seen(model: Model, tag: str) -> bool:
    """Has the run, as far as ``model`` has folded it, shown what ``tag`` names? An unknown tag never lights."""
    name, _, argument = tag.partition(" ")
    if name == "state":
        return _in_state(model, argument)
    if name == "stdout":
        return _printed(model, argument)
    check = _DONE.get(name)
    return check is not None and check(model)


def known(tag: str) -> bool:
    """A tag this module can answer (the catalog's test checks every scenario's tags with it)."""
    name, _, argument = tag.partition(" ")
    if name == "state":
        return argument == "orphaned" or argument in {s.value for s in State}
    if name == "stdout":
        return bool(argument)
    return name in _DONE


def lit(model: Model, tags: tuple[str | None, ...]) -> frozenset[int]:
    """The indices of the bullets whose tags the model shows."""
    return frozenset(i for i, tag in enumerate(tags) if tag is not None and seen(model, tag))
