"""Chrome Trace Event export of a recording: what ``contui export RECORDING -o trace.json`` writes for Perfetto,
chrome://tracing and VizTracer's viewer.

The recording's events are folded, in time order, into a :class:`~tui.engine.model.Model`, and the export takes what
the model knows as it goes (names, the timeline's lanes, what a thread is blocked on, queue depths, free seats). It
writes:

- ``M`` events naming every process and thread. Threads get small ids of the export's own (Perfetto drops ids that
  do not fit 32 bits and keys thread names by tid alone); the native id stays in the thread's name;
- one track per thread, a slice per stretch of its timeline lane: running, sleeping, blocked on X, joining, zombie,
  stopped;
- a pseudo-process, "locks, queues & pipes", with tracks for each primitive: its holds and its waits, never two
  overlapping slices on one track (another track of the same primitive takes the overlap);
- flows from each put (or send) to the get (or recv) that took the item, and from a release to the acquire it let
  through; each end sits inside a short slice on its thread's track, which a viewer binds it to;
- counters for queue depth, semaphores' free seats, events' flags and threads at barriers; instants for signals,
  terminations, daemon kills, reaps, exits and uncaught exceptions.

No Textual here: the CLI exports without starting the app.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tui.engine.deadlocks import alarm_sentence
from tui.engine.events import Event
from tui.engine.jsonl import RecordingHeader, RecordingReader
from tui.engine.model import JoinKind, Key, Lane, Model, Part, Segment, State, ThreadNode
from tui.engine.model.queues import Discipline, QueueRecord
from tui.engine.plain import describe_code, signal_name, who
from tui.inside import kinds as ev

TraceEvent = dict[str, Any]

# Times go out in µs on a 125 ns grid: the finest on which every µs value is an exact binary fraction, so a viewer
# that turns them back into whole ns (Perfetto truncates) puts a slice's end exactly where the next one starts.
TICK_NS = 125
TICKS_PER_US = 8
POINT_TICKS = TICKS_PER_US  # a put, get, release or acquire is drawn 1 µs long, shorter when the next one is sooner
PRIMITIVES_PID = 1 << 22  # above Linux's highest possible pid (PID_MAX_LIMIT): never a process of the run
PRIMITIVES_NAME = "locks, queues & pipes"
ITEM_CHARS = 40  # an item's repr in a slice's name; its args have it whole


def _tick(t_ns: int) -> int:
    return (max(t_ns, 0) * 2 + TICK_NS) // (2 * TICK_NS)  # t / 125, rounded half up


def _us(ticks: int) -> float:
    return ticks / TICKS_PER_US


def _short(text: object) -> str:
    text = str(text)
    return text if len(text) <= ITEM_CHARS else text[:ITEM_CHARS - 1] + "…"


# -- what the fold collects ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Point:
    """A moment on a thread's track that a flow starts or ends at (a put, get, send, recv, release or acquire):
    drawn as a short slice round it. Named when written, by then with the names the whole recording gave."""

    key: Key
    tick: int
    verb: str
    cat: str
    oid: str  # the queue, pipe end, lock or semaphore
    item: str | None = None  # what was put or got (a repr); None for a lock's or a semaphore's
    drawn: bool = True  # a put or a get always is; a release only when it let a waiter through
    at: int = -1  # where its flows start or end, once it is placed (inside its slice)


@dataclass(slots=True)
class _Flow:
    id: int
    cat: str
    source: _Point
    target: _Point


@dataclass(slots=True)
class _Interval:
    """A hold or a wait on a primitive by the thread ``key``: from ``start`` to ``end`` (None while it lasts)."""

    start: int
    end: int | None
    key: Key
    words: str = ""  # a wait's: what the thread does ("waits to get", "in wait()")
    depth: int = 1  # a reentrant lock's holds by its owner


@dataclass(slots=True)
class _Primitive:
    """A lock, semaphore, condition, event, barrier, queue or pipe end: its holds, waits and counter samples."""

    id: str
    series: str = ""  # what its counter counts ("items", "free seats" ...)
    holds: list[_Interval] = field(default_factory=list)
    waits: list[_Interval] = field(default_factory=list)
    counts: list[tuple[int, int]] = field(default_factory=list)  # (tick, value)
    summarised: list[_Interval] = field(default_factory=list)  # hot spans, one per process and stretch


@dataclass(slots=True)
class _Instant:
    tick: int
    name: str
    cat: str
    pid: int
    key: Key | None  # the thread it is on; None: its process's
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Slice:
    start: int
    end: int
    name: str
    cat: str
    args: dict[str, Any]


# -- the fold -----------------------------------------------------------------------------------------------------
Handler = Callable[[Event, Key, int], None]
# Waits with a begin and an end phase: the event's field that names the primitive, and the wait in words.
_PHASED_WAITS = {
    ev.COND_WAIT: ("cond", "in wait()"),
    ev.EVENT_WAIT: ("event", "in wait()"),
    ev.BARRIER_WAIT: ("barrier", "at the barrier"),
    ev.QUEUE_JOIN: ("queue", "in join()"),
}


class _Export:
    """One export's fold: the model, and what the trace shows of each event (a :class:`_Writer` writes it out)."""

    def __init__(self) -> None:
        self.model = Model(keep_output=False)
        self.model.lane_detail = 0  # every state change kept: a trace shows them all, however long the run
        self.primitives: dict[str, _Primitive] = {}
        self.points: list[_Point] = []
        self.flows: list[_Flow] = []
        self.instants: list[_Instant] = []
        self.pids: set[int] = set()
        self.threads: set[Key] = set()
        self.skipped = 0  # events whose fields made no sense to the export
        # A lane's stretch -> (the stretch, its state then, its words): the model keeps states, not what they were on.
        self._states: dict[int, tuple[Segment, State, str]] = {}
        self._waiting: dict[str, dict[Key, _Interval]] = {}
        self._holding: dict[str, list[_Interval]] = {}
        self._in_flight: dict[str, deque[_Point]] = {}  # a queue or receiving pipe end -> its items' puts, in order
        self._freed: dict[str, deque[_Point]] = {}  # a lock or semaphore -> releases that freed it while one waited
        self._spans: dict[str, dict[int, _Interval]] = {}  # a lock or queue -> its open hot spans, by process
        self._handlers: dict[str, Handler] = {
            ev.QUEUE_NEW: self._queue_new, ev.QUEUE_BLOCK: self._queue_block, ev.QUEUE_PUT: self._queue_put,
            ev.QUEUE_GET: self._queue_get, ev.QUEUE_TIMEOUT: self._queue_timeout,
            ev.LOCK_WAIT: self._lock_wait, ev.LOCK_ACQUIRE: self._lock_acquire, ev.LOCK_RELEASE: self._lock_release,
            ev.LOCK_TIMEOUT: self._lock_timeout, ev.LOCK_SUMMARY: self._lock_summary,
            ev.QUEUE_SUMMARY: self._queue_summary, ev.PIPE_SUMMARY: self._pipe_summary,
            ev.COND_SUMMARY: self._cond_summary, ev.TASK_SUMMARY: self._task_summary,
            ev.SEM_NEW: self._sem_count, ev.SEM_WAIT: self._sem_wait, ev.SEM_ACQUIRE: self._sem_acquire,
            ev.SEM_RELEASE: self._sem_release, ev.SEM_TIMEOUT: self._sem_timeout, ev.SEM_FAIL: self._sem_count,
            ev.EVENT_SET: self._event_flag, ev.EVENT_CLEAR: self._event_flag, ev.COND_NOTIFY: self._cond_notify,
            ev.PIPE_BLOCK: self._pipe_block, ev.PIPE_SEND: self._pipe_send, ev.PIPE_RECV: self._pipe_recv,
            ev.SIGNAL_SEND: self._signal_send, ev.PROC_TERMINATE: self._proc_terminate, ev.PROC_REAP: self._proc_reap,
            ev.PROC_EXIT: self._proc_exit, ev.EXCEPTION: self._exception,
            ev.RUN_START: self._run_start, ev.RUN_END: self._run_end, ev.RUN_LOST: self._run_end,
            ev.DEADLOCK: self._alarm,
            ev.STALL: self._alarm,
            ev.LOCK_ORDER: self._alarm,
            **dict.fromkeys(_PHASED_WAITS, self._phased_wait),
        }

    def feed(self, event: Event) -> None:
        """Fold one event into the model, then note what the trace shows of it (the model has its names by then)."""
        versions = self.model.versions
        timeline = versions[Part.TIMELINE]
        self.model.apply(event)
        key = (event.pid, event.tid or event.pid)
        if event.pid:  # pid 0: contui's own events (clock, frames dropped), no process of the run
            self.pids.add(event.pid)
            self.threads.add(key)
        handler = self._handlers.get(event.kind)
        if handler is not None:
            try:
                handler(event, key, _tick(event.t))
            except (KeyError, TypeError, ValueError):
                self.skipped += 1  # a malformed event is left out of the trace, never let end it
        if versions[Part.TIMELINE] != timeline:  # a lane may have begun a stretch
            self._note_state(key)

    # -- names ----------------------------------------------------------------------------------------------------
    def label(self, oid: str) -> str:
        """A primitive as the script names it: ``mutex (Lock)``, ``q (JoinableQueue)``, ``parent_conn (Pipe end)``."""
        return self.model.waited_object(oid)

    def who(self, key: Key) -> str:
        return who(self.model, *key)

    def _state_words(self, th: ThreadNode, state: State) -> str:
        """``blocked on mutex (Lock)``, ``joining Process-1[7655]``, ``waiting in socket.accept`` or the state."""
        if state is State.BLOCKED and th.blocked_on is not None:
            return f"blocked on {self.label(th.blocked_on)}"
        if state is State.JOINING and th.joining is not None:
            if th.joining_kind is JoinKind.THREAD:
                other = self.model.thread(th.pid, th.joining)
                return f"joining {other.name if other is not None else th.joining}"
            return f"joining {who(self.model, th.joining)}"
        if state is State.SLEEPING and th.waits_in is not None:
            return f"waiting in {th.waits_in}"
        if state is State.HELD and th.held is not None:
            return f"held before {th.held.action}"
        return state.value

    def _note_state(self, key: Key) -> None:
        """Words for the stretch the thread's lane is in now: the lane keeps its state, not what it waits on."""
        th = self.model.thread(*key)
        seg = th.lane.open if th is not None and th.lane is not None else None
        if th is None or seg is None:
            return
        known = self._states.get(id(seg))
        if known is None or known[1] is not seg.state:
            self._states[id(seg)] = (seg, seg.state, self._state_words(th, seg.state))

    def state_name(self, seg: Segment) -> str:
        known = self._states.get(id(seg))
        return known[2] if known is not None and known[0] is seg and known[1] is seg.state else seg.state.value

    # -- building blocks ------------------------------------------------------------------------------------------
    def _primitive(self, oid: str) -> _Primitive:
        found = self.primitives.get(oid)
        if found is None:
            found = self.primitives[oid] = _Primitive(oid)
        return found

    def _count(self, oid: str, series: str, tick: int, value: int) -> None:
        primitive = self._primitive(oid)
        primitive.series = series
        counts = primitive.counts
        if not counts or counts[-1][1] != value:
            counts.append((tick, value))

    def _point(self, key: Key, tick: int, verb: str, cat: str, oid: str, item: str | None = None,
               drawn: bool = True) -> _Point:
        point = _Point(key, tick, verb, cat, oid, item, drawn)
        self.points.append(point)
        return point

    def _flow(self, cat: str, source: _Point, target: _Point) -> None:
        source.drawn = True
        self.flows.append(_Flow(len(self.flows) + 1, cat, source, target))

    def _instant(self, tick: int, name: str, cat: str, pid: int, key: Key | None = None, **args: Any) -> None:
        self.instants.append(_Instant(tick, name, cat, pid, key, args))

    def _wait(self, oid: str, key: Key, tick: int, words: str) -> None:
        waiting = self._waiting.setdefault(oid, {})
        if key not in waiting:
            interval = waiting[key] = _Interval(tick, None, key, words)
            self._primitive(oid).waits.append(interval)

    def _unwait(self, oid: str, key: Key, tick: int) -> bool:
        """The thread's wait on the primitive is over; True if it was waiting."""
        interval = self._waiting.get(oid, {}).pop(key, None)
        if interval is None:
            return False
        interval.end = tick
        return True

    def _someone_waits(self, oid: str) -> bool:
        return bool(self._waiting.get(oid))

    # -- queues and pipes -----------------------------------------------------------------------------------------
    def _depth(self, qid: str, tick: int) -> None:
        queue = self.model.queues.get(qid)
        self._count(qid, "items", tick, len(queue.items) if queue is not None else 0)

    def _queue_new(self, e: Event, key: Key, tick: int) -> None:
        self._depth(str(e["queue"]), tick)

    def _queue_block(self, e: Event, key: Key, tick: int) -> None:
        self._wait(str(e["queue"]), key, tick, f"waits to {e.get('op')}")

    def _queue_timeout(self, e: Event, key: Key, tick: int) -> None:
        self._unwait(str(e["queue"]), key, tick)

    def _queue_put(self, e: Event, key: Key, tick: int) -> None:
        qid = str(e["queue"])
        self._unwait(qid, key, tick)
        point = self._point(key, tick, "put", "queue", qid, str(e.get("item")))
        pending = self._in_flight.setdefault(qid, deque())
        queue = self.model.queues.get(qid)
        discipline = queue.discipline if isinstance(queue, QueueRecord) else Discipline.FIFO
        rank = e.get("rank")
        # Where the queue will give it out from, as the model places it: last, first (LIFO), or after ``rank``.
        if discipline is Discipline.LIFO:
            pending.appendleft(point)
        elif discipline is Discipline.PRIORITY and isinstance(rank, int) and 0 <= rank < len(pending):
            pending.insert(rank, point)
        else:
            pending.append(point)
        self._depth(qid, tick)

    def _queue_get(self, e: Event, key: Key, tick: int) -> None:
        qid = str(e["queue"])
        self._arrived(qid, "queue", "get", e, key, tick)
        self._depth(qid, tick)

    def _arrived(self, oid: str, cat: str, verb: str, e: Event, key: Key, tick: int) -> None:
        """A get or a recv: the item's point, and a flow to it from the put or send it came from."""
        self._unwait(oid, key, tick)
        item = str(e.get("item"))
        point = self._point(key, tick, verb, cat, oid, item)
        source = _take(self._in_flight.get(oid), item)
        if source is not None:
            self._flow(cat, source, point)

    def _pipe_block(self, e: Event, key: Key, tick: int) -> None:
        self._wait(str(e["end"]), key, tick, "waits in recv()")

    def _pipe_send(self, e: Event, key: Key, tick: int) -> None:
        found = self.model.pipe_end(str(e["end"]))
        if found is None:
            return
        to = found[0].other(found[1])
        point = self._point(key, tick, "send", "pipe", found[1].id, str(e.get("item")))
        self._in_flight.setdefault(to.id, deque()).append(point)

    def _pipe_recv(self, e: Event, key: Key, tick: int) -> None:
        end = str(e["end"])
        if e.get("error"):  # EOFError: every copy of the other end is closed, nothing came
            self._unwait(end, key, tick)
            self._instant(tick, f"recv: {e.get('error')}", "pipe", key[0], key)
        else:
            self._arrived(end, "pipe", "recv", e, key, tick)

    # -- locks and semaphores -------------------------------------------------------------------------------------
    def _hold(self, oid: str, key: Key, tick: int) -> None:
        holds = self._holding.setdefault(oid, [])
        lock = self.model.locks.get(oid)
        mine = next((h for h in holds if h.key == key), None)
        if mine is not None and lock is not None and lock.reentrant:
            mine.depth += 1
            return
        if lock is not None and lock.exclusive:
            # Holds of one lock never overlap: an older hold whose release is lost (or late) is over by now.
            for other in holds:
                other.end = tick
            holds.clear()
        interval = _Interval(tick, None, key)
        holds.append(interval)
        self._primitive(oid).holds.append(interval)

    def _unhold(self, oid: str, key: Key, tick: int, anyone: bool) -> bool:
        """The thread gives back its hold (``anyone``: or the oldest hold, as a semaphore's release does); True if
        that freed it (an RLock's inner release, or the late release of a hold already over, frees nothing)."""
        holds = self._holding.get(oid) or []
        mine = next((h for h in holds if h.key == key), holds[0] if anyone and holds else None)
        if mine is None:
            return False
        mine.depth -= 1
        if mine.depth > 0:
            return False
        mine.end = tick
        holds.remove(mine)
        return True

    def _acquired(self, oid: str, cat: str, key: Key, tick: int) -> None:
        waited = self._unwait(oid, key, tick)
        self._hold(oid, key, tick)
        freed = self._freed.get(oid)
        release = freed.popleft() if freed else None  # whoever takes it next takes what that release freed
        if waited and release is not None:
            self._flow(cat, release, self._point(key, tick, "acquire", cat, oid))

    def _released(self, oid: str, cat: str, key: Key, tick: int, seats: int = 1) -> None:
        if self._someone_waits(oid):
            point = self._point(key, tick, "release", cat, oid, drawn=False)
            self._freed.setdefault(oid, deque()).extend([point] * seats)

    def _lock_wait(self, e: Event, key: Key, tick: int) -> None:
        self._wait(str(e["lock"]), key, tick, "waits")

    def _lock_acquire(self, e: Event, key: Key, tick: int) -> None:
        self._acquired(str(e["lock"]), "lock", key, tick)

    def _lock_release(self, e: Event, key: Key, tick: int) -> None:
        lid = str(e["lock"])
        if self._unhold(lid, key, tick, anyone=False):
            self._released(lid, "lock", key, tick)

    def _lock_summary(self, e: Event, key: Key, tick: int) -> None:
        """A lock's hot span. The holds of that process are summarised from its start, so those drawn one by one
        end there."""
        lid = str(e["lock"])
        holds = self._holding.get(lid) or []
        for hold in [h for h in holds if h.key[0] == e.pid]:
            hold.end = tick
            holds.remove(hold)
        self._summarised(lid, e, key, tick,
                         f"summarised: {e['n']:,} acquires, {e['waits']:,} waits (longest {e['wait_max'] / 1e6:.2f} "
                         f"ms), longest of {e.get('timed', 0):,} holds timed {e['hold_max'] / 1e6:.2f} ms")

    def _queue_summary(self, e: Event, key: Key, tick: int) -> None:
        qid = str(e["queue"])
        counts = e.get("n") or {}
        self._summarised(qid, e, key, tick,
                         f"summarised: {counts.get('put', 0):,} put, {counts.get('get', 0):,} got")
        self._depth(qid, tick)

    def _pipe_summary(self, e: Event, key: Key, tick: int) -> None:
        counts = e.get("n") or {}
        self._summarised(str(e["end"]), e, key, tick,
                         f"summarised: {counts.get('send', 0):,} sent, {counts.get('recv', 0):,} received")

    def _cond_summary(self, e: Event, key: Key, tick: int) -> None:
        counts = e.get("n") or {}
        self._summarised(str(e["cond"]), e, key, tick,
                         f"summarised: {counts.get('wait', 0):,} waits, {counts.get('notify', 0):,} notifies")

    def _task_summary(self, e: Event, key: Key, tick: int) -> None:
        n = e.get("n") or {}
        self._summarised(str(e["pool"]), e, key, tick,
                         f"summarised: {n.get('submit', 0):,} tasks submitted, {n.get('done', 0):,} done, "
                         f"{n.get('failed', 0):,} failed")

    def _summarised(self, oid: str, e: Event, key: Key, tick: int, words: str) -> None:
        """A hot span: one slice per process and stretch, saying what was counted in it so far."""
        spans = self._spans.setdefault(oid, {})
        since = _tick(e["since"])
        span = spans.get(e.pid)
        if span is None or span.start != since:
            span = spans[e.pid] = _Interval(since, tick, key)
            self._primitive(oid).summarised.append(span)
        span.end = tick
        span.words = words
        if e["done"]:
            del spans[e.pid]

    def _lock_timeout(self, e: Event, key: Key, tick: int) -> None:
        self._unwait(str(e["lock"]), key, tick)

    def _sem_count(self, e: Event, key: Key, tick: int) -> None:
        sid = str(e["sem"])
        sem = self.model.semaphores.get(sid)
        self._count(sid, "free seats", tick, sem.value if sem is not None else 0)

    def _sem_wait(self, e: Event, key: Key, tick: int) -> None:
        self._wait(str(e["sem"]), key, tick, "waits for a seat")
        self._sem_count(e, key, tick)

    def _sem_acquire(self, e: Event, key: Key, tick: int) -> None:
        self._acquired(str(e["sem"]), "semaphore", key, tick)
        self._sem_count(e, key, tick)

    def _sem_release(self, e: Event, key: Key, tick: int) -> None:
        sid = str(e["sem"])
        seats = int(e.get("n", 1))
        for _ in range(seats):
            self._unhold(sid, key, tick, anyone=True)  # anyone may release a semaphore: a seat goes back all the same
        self._released(sid, "semaphore", key, tick, seats)
        self._sem_count(e, key, tick)

    def _sem_timeout(self, e: Event, key: Key, tick: int) -> None:
        self._unwait(str(e["sem"]), key, tick)
        self._sem_count(e, key, tick)

    # -- conditions, events, barriers -----------------------------------------------------------------------------
    def _phased_wait(self, e: Event, key: Key, tick: int) -> None:
        field_name, words = _PHASED_WAITS[e.kind]
        oid = str(e[field_name])
        if e.get("phase") == "begin":
            self._wait(oid, key, tick, words)
        else:
            self._unwait(oid, key, tick)
        if e.kind == ev.BARRIER_WAIT:
            barrier = self.model.barriers.get(oid)
            self._count(oid, "waiting", tick, barrier.n_waiting if barrier is not None else 0)

    def _event_flag(self, e: Event, key: Key, tick: int) -> None:
        eid = str(e["event"])
        flag = self.model.sync_events.get(eid)
        self._count(eid, "set", tick, int(flag is not None and flag.is_set))
        self._instant(tick, f"{e.kind.split('.')[1]} {self.label(eid)}", "event", key[0], key)

    def _cond_notify(self, e: Event, key: Key, tick: int) -> None:
        call = "notify_all" if e.get("n") == -1 else "notify"
        self._instant(tick, f"{call} {self.label(str(e['cond']))}", "condition", key[0], key)

    # -- processes, signals, the run ------------------------------------------------------------------------------
    def _signal_send(self, e: Event, key: Key, tick: int) -> None:
        target = int(e["child"])
        sig = signal_name(e.get("signal"))
        self._instant(tick, f"{sig} to {who(self.model, target)}", "signal", key[0], key, call=e.get("call"))
        if target in self.model.processes:
            self._instant(tick, f"{sig} from {self.who(key)}", "signal", target, call=e.get("call"))

    def _proc_terminate(self, e: Event, key: Key, tick: int) -> None:
        child = int(e["child"])
        sig = signal_name(e.get("signal"))
        if e.get("reason") == "daemon-at-exit":
            self._instant(tick, f"daemon kill: {who(self.model, child)} ({sig})", "process", key[0], key)
            self._instant(tick, f"daemon killed ({sig}): its parent exits", "process", child)
        else:
            self._instant(tick, f"terminate {who(self.model, child)} ({sig})", "process", key[0], key)
            self._instant(tick, f"terminated by {self.who(key)} ({sig})", "process", child)

    def _proc_reap(self, e: Event, key: Key, tick: int) -> None:
        child = int(e["child"])
        by = "the reaper" if e.get("by") == "reaper" else "its parent"
        self._instant(tick, f"reaped by {by}: {describe_code(e.get('code'))}", "process", child)
        self.pids.add(child)

    def _proc_exit(self, e: Event, key: Key, tick: int) -> None:
        self._instant(tick, f"exit: {describe_code(e.get('code'))}", "process", key[0], key)

    def _exception(self, e: Event, key: Key, tick: int) -> None:
        text = f"{e.get('type')}: {e.get('message')}"
        self._instant(tick, f"uncaught {_short(text)}", "exception", key[0], key, traceback=e.get("traceback"))

    def _run_start(self, e: Event, key: Key, tick: int) -> None:
        self._run_instant(tick, f"run of {e.get('target')} started")

    def _run_end(self, e: Event, key: Key, tick: int) -> None:
        lost = " (its reaper was killed)" if e.kind == ev.RUN_LOST else ""
        self._run_instant(tick, f"run ended: {describe_code(e.get('code'))}{lost}")

    def _alarm(self, e: Event, key: Key, tick: int) -> None:
        self._run_instant(tick, alarm_sentence(e.kind, e.fields))

    def _run_instant(self, tick: int, name: str) -> None:
        """On the script's main process: a global instant would get a track of its own that viewers leave unnamed."""
        main = self.model.run.main
        if main is not None:
            self.pids.add(main)
            self._instant(tick, name, "run", main)


def _take(pending: deque[_Point] | None, item: str) -> _Point | None:
    """The put a get took: the front one (what the queue gives out next), or the first with the same repr when the
    order here is not the queue's; the front one when no repr is the same (an address that differs per process)."""
    if not pending:
        return None
    if pending[0].item != item:
        for i, point in enumerate(pending):
            if point.item == item:
                del pending[i]
                return point
    return pending.popleft()


# -- writing it out -----------------------------------------------------------------------------------------------
class _Tids:
    """Small thread ids, 1, 2, 3 …, one per track, never one that is a pid of the run (a viewer may take a thread
    whose tid is a pid for that process's main thread)."""

    def __init__(self, pids: set[int]) -> None:
        self._pids = pids
        self._last = 0
        self.of: dict[Key, int] = {}

    def new(self) -> int:
        self._last += 1
        while self._last in self._pids:
            self._last += 1
        return self._last

    def thread(self, key: Key) -> int:
        tid = self.of.get(key)
        if tid is None:
            tid = self.of[key] = self.new()
        return tid


def _meta(what: str, pid: int, tid: int, /, **args: Any) -> TraceEvent:
    return {"ph": "M", "name": what, "pid": pid, "tid": tid, "args": args}


def _complete(s: _Slice, pid: int, tid: int) -> TraceEvent:
    return {"ph": "X", "name": s.name, "cat": s.cat, "pid": pid, "tid": tid, "ts": _us(s.start),
            "dur": _us(s.end - s.start), "args": s.args}


class _Writer:
    """Turns a finished :class:`_Export` into trace events: tracks get their ids, points their place, flows their
    ends."""

    def __init__(self, export: _Export) -> None:
        self.export = export
        self.model = export.model
        self.end = _tick(self.model.now)
        self.tids = _Tids(export.pids | set(self.model.processes))
        self.out: list[TraceEvent] = []
        # Names as the whole recording gave them, looked up once each.
        self.label: Callable[[str], str] = cache(export.label)
        self.who: Callable[[Key], str] = cache(export.who)

    def write(self) -> list[TraceEvent]:
        self._processes()
        states = {key: self._lane_slices(key) for key in self.tids.of}
        self._points(states)
        self._flows()
        self._primitives()
        self._instants()
        return sorted(self.out, key=_order)

    # -- processes and threads ------------------------------------------------------------------------------------
    def _process_order(self) -> list[int]:
        walked = [p.pid for p, _ in self.model.walk()]
        return walked + sorted(self.export.pids - set(walked))

    def _thread_order(self, pid: int) -> list[Key]:
        keys = {k for k in self.export.threads | set(self.model.lanes) if k[0] == pid}
        started = {k: (k[1] != pid, _started(self.model.thread(*k)), k[1]) for k in keys}
        return sorted(keys, key=started.__getitem__)

    def _processes(self) -> None:
        for index, pid in enumerate(self._process_order()):
            self.out.append(_meta("process_name", pid, 0, name=f"{self.model.name_of(pid)} [{pid}]"))
            self.out.append(_meta("process_sort_index", pid, 0, sort_index=index))
            for rank, key in enumerate(self._thread_order(pid)):
                tid = self.tids.thread(key)
                self.out.append(_meta("thread_name", pid, tid, name=self._thread_name(key), native_tid=key[1]))
                self.out.append(_meta("thread_sort_index", pid, tid, sort_index=rank))

    def _thread_name(self, key: Key) -> str:
        pid, tid = key
        th = self.model.thread(pid, tid)
        if th is not None:
            return f"{th.name} [{tid}]"
        # The reaper, or a process whose threads the tracer never saw
        base = "MainThread" if tid == pid and pid in self.model.processes else self.model.name_of(pid)
        return f"{base} [{tid}]"

    def _lane_slices(self, key: Key) -> list[_Slice]:
        """The thread's timeline lane as slices, written out on its track."""
        lane: Lane | None = self.model.lanes.get(key)
        if lane is None:
            return []
        slices = []
        for seg in lane.segments:
            start = _tick(seg.t0)
            end = max(_tick(seg.t1) if seg.t1 is not None else self.end, start)
            slices.append(_Slice(start, end, self.export.state_name(seg), "state", {"state": seg.state.value}))
        for s in slices:
            self.out.append(_complete(s, key[0], self.tids.thread(key)))
        return slices

    # -- points and flows -----------------------------------------------------------------------------------------
    def _points(self, states: dict[Key, list[_Slice]]) -> None:
        by_thread: dict[Key, list[_Point]] = {}
        for point in self.export.points:
            if point.drawn:
                by_thread.setdefault(point.key, []).append(point)
        for key, points in by_thread.items():
            points.sort(key=lambda p: p.tick)
            for start, end, point in _place(points, states.get(key, [])):
                label = self.label(point.oid)
                what = label if point.item is None else _short(point.item)
                args = {"on": label} if point.item is None else {"on": label, "item": point.item}
                s = _Slice(start, end, f"{point.verb} {what}", point.cat, args)
                self.out.append(_complete(s, key[0], self.tids.thread(key)))

    def _flows(self) -> None:
        for flow in self.export.flows:
            item = flow.target.item
            name = self.label(flow.target.oid) + (f": {_short(item)}" if item is not None else "")
            for ph, point in (("s", flow.source), ("f", flow.target)):
                at = point.at if point.at >= 0 else point.tick
                event = {"ph": ph, "id": flow.id, "cat": flow.cat, "name": name, "pid": point.key[0],
                         "tid": self.tids.thread(point.key), "ts": _us(at)}
                if ph == "f":
                    event["bp"] = "e"  # bound to the slice it is in (the get), not the next one to begin
                self.out.append(event)

    # -- primitives -----------------------------------------------------------------------------------------------
    def _primitives(self) -> None:
        if not self.export.primitives:
            return
        self.out.append(_meta("process_name", PRIMITIVES_PID, 0, name=PRIMITIVES_NAME))
        self.out.append(_meta("process_sort_index", PRIMITIVES_PID, 0, sort_index=len(self.export.pids) + 1))
        rank = 0
        for prim in self.export.primitives.values():
            label = self.export.label(prim.id)
            tracks = [(label if i == 0 else f"{label} ({i + 1})", lane)
                      for i, lane in enumerate(self._stack(prim.holds, self._closer(prim.id, hold=True)))]
            tracks += [(f"{label} waits" if i == 0 else f"{label} waits ({i + 1})", lane)
                       for i, lane in enumerate(self._stack(prim.waits, self._closer(prim.id, hold=False)))]
            tracks += [(f"{label} summarised" if i == 0 else f"{label} summarised ({i + 1})", lane)
                       for i, lane in enumerate(self._stack(prim.summarised, lambda i: i.start))]
            first = None
            for name, lane in tracks or [(label, [])]:
                tid = self.tids.new()
                first = first if first is not None else tid
                self.out.append(_meta("thread_name", PRIMITIVES_PID, tid, name=name))
                self.out.append(_meta("thread_sort_index", PRIMITIVES_PID, tid, sort_index=rank))
                rank += 1
                self.out += [_complete(s, PRIMITIVES_PID, tid) for s in lane]
            self.out += [{"ph": "C", "name": label, "pid": PRIMITIVES_PID, "tid": first, "ts": _us(tick),
                          "args": {prim.series: value}} for tick, value in prim.counts]

    def _closer(self, oid: str, hold: bool) -> Callable[[_Interval], int]:
        """When a hold or wait still open at the end of the recording ended: a wait with its thread; a hold of a
        threading primitive with its process (it lives in its memory); any other hold lasts to the end."""
        found = self.model.primitive(oid)
        threading_own = found is not None and found.type.startswith("threading.")

        def end_of(interval: _Interval) -> int:
            pid, tid = interval.key
            if hold and not threading_own:
                return self.end
            node: Any = self.model.processes.get(pid) if hold else self.model.thread(pid, tid)
            ended = node.ended_t if node is not None else None
            return _tick(ended) if ended is not None else self.end

        return end_of

    def _stack(self, intervals: list[_Interval], end_of: Callable[[_Interval], int]) -> list[list[_Slice]]:
        """Holds or waits as slices, on as many tracks as it takes for none to overlap another on its track."""
        slices = []
        for i in intervals:
            who = self.who(i.key)
            end = max(i.end if i.end is not None else end_of(i), i.start)
            name = f"{who} {i.words}" if i.words else f"held by {who}"
            slices.append(_Slice(i.start, end, name, "sync", {"pid": i.key[0], "tid": i.key[1]}))
        return _stack(slices)

    # -- instants -------------------------------------------------------------------------------------------------
    def _instants(self) -> None:
        for i in self.export.instants:
            # On its thread's track, or on its process's own (scope "p": the process as a whole, or a child of it)
            scope, tid = ("p", 0) if i.key is None else ("t", self.tids.thread(i.key))
            self.out.append({"ph": "i", "s": scope, "name": i.name, "cat": i.cat, "ts": _us(i.tick), "pid": i.pid,
                             "tid": tid, "args": i.args})


def _started(th: ThreadNode | None) -> int:
    return th.started_t if th is not None and th.started_t is not None else 1 << 62


def _order(event: TraceEvent) -> tuple[int, float, float]:
    """Names first; then by time, a longer slice before the shorter ones that start with it (their parent)."""
    if event["ph"] == "M":
        return (0, 0.0, 0.0)
    return (1, event["ts"], -event.get("dur", 0.0))


def _stack(slices: list[_Slice]) -> list[list[_Slice]]:
    """Slices on as few tracks as it takes for none to overlap another on its track: each goes on the first track
    free by its start."""
    lanes: list[list[_Slice]] = []
    for s in sorted(slices, key=lambda s: (s.start, -s.end)):
        lane = next((lane for lane in lanes if lane[-1].end <= s.start), None)
        if lane is None:
            lanes.append([s])
        else:
            lane.append(s)
    return lanes


def _place(points: list[_Point], states: list[_Slice]) -> list[tuple[int, int, _Point]]:
    """(start, end, point): a short slice round each point (in time order), inside the state slice it is in and after
    the point before; a point's flows start or end strictly inside it, where a viewer binds them to it."""
    starts = [s.start for s in states]
    placed: list[tuple[int, int, _Point]] = []
    last = -1
    for i, point in enumerate(points):
        room, hi = _room(states, starts, point.tick)
        start = max(room, last, min(point.tick - 1, hi - 2))
        following = points[i + 1].tick if i + 1 < len(points) else hi
        end = min(hi, start + POINT_TICKS, max(start + 2, following - 1))
        if end - start < 2:
            # No room for a slice of its own (points crowd the end of a stretch): its flows bind to the stretch.
            point.at = min(max(point.tick, room + 1), hi - 1) if hi - room >= 2 else point.tick
            continue
        point.at = min(max(point.tick, start + 1), end - 1)
        placed.append((start, end, point))
        last = end
    return placed


def _room(states: list[_Slice], starts: list[int], tick: int) -> tuple[int, int]:
    """The stretch a point at ``tick`` may be drawn in: the state slice holding it (on a boundary, the one that begins
    there, which the event began, if it has room), else the gap it is in."""
    i = bisect_right(starts, tick) - 1
    holding = [s for s in states[max(i - 1, 0):i + 1] if s.start <= tick <= s.end]
    if holding:
        best = ([s for s in holding if s.end - s.start >= 2] or holding)[-1]
        return best.start, best.end
    lo = states[i].end if i >= 0 else 0
    hi = states[i + 1].start if i + 1 < len(states) else 1 << 62
    return lo, hi


# -- the public face ----------------------------------------------------------------------------------------------
def chrome_trace(header: RecordingHeader, events: Iterable[Event]) -> dict[str, Any]:
    """The Chrome Trace Event JSON of a recording, as a dict: ``traceEvents``, ``displayTimeUnit``, ``otherData``."""
    export = _Export()
    # In time order: events of different processes arrive in batches, and a slice or a flow follows time.
    for event in sorted(events, key=lambda e: e.t):
        export.feed(event)
    run = export.model.run
    other = {**header.to_dict(), "main_pid": run.main, "code": run.code, "events": export.model.events,
             "events_left_out": export.skipped}
    return {"traceEvents": _Writer(export).write(), "displayTimeUnit": "ms", "otherData": other}


def write_chrome_trace(header: RecordingHeader, events: Iterable[Event], out_path: str | Path) -> int:
    """Write the trace of these events to ``out_path`` (compact JSON, UTF-8); the number of trace events written.
    OSError as ``open`` raises it."""
    trace = chrome_trace(header, events)
    text = json.dumps(trace, ensure_ascii=False, separators=(",", ":"))
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return len(trace["traceEvents"])


def export_recording(recording_path: str | Path, out_path: str | Path, *, being_written: bool = False) -> int:
    """Read a recording and write its trace; the number of trace events written. RecordingError (one line) for a
    file that is not a recording this contui reads, OSError for an output that cannot be written.
    ``being_written``: the recording of a run still going: what is written of it so far."""
    with RecordingReader(recording_path, being_written=being_written) as reader:
        header, events = reader.header, [event for _, event in reader.events()]
    return write_chrome_trace(header, events, out_path)
