"""The run's state, folded from its events: processes and threads, locks, queues, output and the timeline.

Every view (live TUI, ``--plain``, replay, export) renders a :class:`Model`; ``Model.apply(event)`` is the only way it
changes, so the state is a pure function of the event sequence. No I/O, no Textual.

The fold is split by domain, one mixin each (``processes``, ``locks``, ``sync``, ``queues``, ``pipes``, ``shared``,
``tasks``, ``signals``, ``steps``, ``output``, ``samples``) over the
shared state of ``core``; :class:`Model` puts them together and dispatches each event kind to the handler that
declared it with ``@handles``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tui.engine.events import Event
from tui.engine.model.core import Fields, ModelCore
from tui.engine.model.linelog import OUTPUT_WINDOW, LineLog
from tui.engine.model.locks import ACQUIRE_MARK_SPACING_NS, LockFold
from tui.engine.model.output import OutputFold
from tui.engine.model.processes import ProcessFold
from tui.engine.model.queues import QueueFold
from tui.engine.model.records import (
    BUSY_CPU,
    END_STATES,
    ALARM_WORDS,
    DeadlockMember,
    DeadlockRecord,
    LANE_STATES,
    UNKNOWN,
    AliveCheck,
    ExceptionRecord,
    Hold,
    JoinKind,
    Key,
    Lane,
    LockState,
    Mark,
    MarkKind,
    OrderMember,
    OrderRecord,
    OsStatus,
    OutputLine,
    Part,
    ProcessNode,
    QueueState,
    ReapedBy,
    RunInfo,
    Segment,
    SignalRecord,
    State,
    StallMember,
    StallRecord,
    Stream,
    TerminateReason,
    ThreadNode,
    ThreadRole,
    WaitKind,
)
from tui.engine.model.samples import SampleFold
from tui.engine.model.shared import SharedFold
from tui.engine.model.signals import SignalFold
from tui.engine.model.steps import StepFold
from tui.engine.model.sync import SyncFold
from tui.engine.model.tasks import TaskFold
from tui.engine.model.pipes import PipeFold

__all__ = [
    "ACQUIRE_MARK_SPACING_NS", "BUSY_CPU", "END_STATES", "LANE_STATES", "OUTPUT_WINDOW", "UNKNOWN", "AliveCheck",
    "ALARM_WORDS", "DeadlockMember", "DeadlockRecord", "OrderMember", "OrderRecord", "StallMember", "StallRecord", "WaitKind", "ExceptionRecord", "HANDLERS", "Hold", "JoinKind", "Key", "Lane", "LineLog", "LockState", "Mark", "MarkKind", "Model",
    "OsStatus", "OutputLine", "Part", "ProcessNode", "QueueState", "ReapedBy", "RunInfo", "Segment", "SignalRecord",
    "State", "Stream", "TerminateReason", "ThreadNode", "ThreadRole",
]


def _handler_names(cls: type) -> dict[str, str]:
    """Event kind -> name of the method marked ``@handles(kind)`` on ``cls`` or its bases (each kind once)."""
    names: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        for name, member in vars(klass).items():
            for kind in getattr(member, "handles", ()):
                if kind in names and names[kind] != name:
                    raise TypeError(f"{kind} is handled twice: {names[kind]} and {name}")
                names[kind] = name
    return names


class Model(ProcessFold, LockFold, SyncFold, QueueFold, PipeFold, SharedFold, TaskFold, SignalFold, StepFold,
            OutputFold, SampleFold, ModelCore):
    """Everything contui knows about one run; change it only with :meth:`apply`."""

    def __init__(self, *, keep_output: bool = True, output_window: int = OUTPUT_WINDOW) -> None:
        """``keep_output=False``: the printed lines are not kept (``contui run`` writes them out as they come, and a
        run may print gigabytes); everything else is folded as always. ``output_window``: how many of the newest
        printed lines are kept in memory (the recording has every one)."""
        super().__init__()
        self.keep_output = keep_output
        if output_window != OUTPUT_WINDOW:
            self.window_output(output_window)

    def apply(self, event: Event) -> None:
        self.apply_wire(event.t, event.kind, event.pid, event.tid, event.fields)

    def apply_wire(self, t: int, kind: str, pid: int, tid: int, fields: dict[str, Any]) -> None:
        """Fold one event given as its wire parts (saves making an :class:`Event` on the hot path)."""
        self.events += 1
        handler = HANDLERS.get(kind)
        try:
            if t > self.now:
                self.now = t
            if handler is None:
                self.unknown += 1
                return
            handler(self, t, pid, tid, fields if fields is not None else {})
        except Exception:  # a malformed event must never take the UI down; it is counted instead
            self.rejected += 1

    def apply_many(self, events: Iterable[Event]) -> None:
        apply_wire = self.apply_wire
        for e in events:
            apply_wire(e.t, e.kind, e.pid, e.tid, e.fields)

    def apply_wires(self, wires: Iterable[tuple[int, str, int, int, dict[str, Any]]]) -> None:
        apply_wire = self.apply_wire
        for t, kind, pid, tid, fields in wires:
            apply_wire(t, kind, pid, tid, fields)

    def waited_object(self, oid: str | None) -> str:
        """A primitive's id as the script names it: `mutex (Lock)`, `ready (Event)`, `a (Pipe end)`."""
        if oid is None:
            return "?"
        name = self.waited_name(oid)  # locks, conditions, events, barriers, semaphores
        if name is not None:
            return name
        queue = self.queues.get(oid)
        if queue is not None:
            return f"{queue.name or oid} ({queue.type.rsplit('.', 1)[-1]})"
        pipe_end = self.pipe_end(oid)
        if pipe_end is not None:
            return f"{pipe_end[1].name or oid} (Pipe end)"
        manager = self.managers.get(oid)
        if manager is not None:
            return f"{manager.name or manager.type} (manager)"
        return oid

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> Model:
        model = cls()
        model.apply_many(events)
        return model


# Event kind -> the function that folds it into a model. The class's functions, not each model's bound methods: a
# table of those would tie every model into a reference cycle, left for the garbage collector to find (each moment
# of a recording scrubbed to was one).
HANDLERS: dict[str, Callable[[Model, int, int, int, Fields], None]] = {
    kind: getattr(Model, name) for kind, name in _handler_names(Model).items()}
