"""The model's records: typed states (enums) and the dataclasses every view reads (processes, threads, lanes, locks,
queues, output lines). Plain data: the folds in this package change them, views only read them."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

Key = tuple[int, int]  # (pid, tid) of a thread
UNKNOWN = "?"
# An item put (or a message sent) in a hot loop: counted, its repr not told (see tui/inside/trace/hot.py). It holds its
# place among the items, so counts and order stay the queue's; a repr is never this (a string's has its quotes).
UNSEEN = "⋯"
# A hot span whose latest summary is older than this is shown as over: its process stops summarising once nothing
# changes (the span itself ends at its next operation, or when its process ends).
QUIET_NS = 100_000_000


def counting_now(last_summaries: Iterable[int], now: int) -> bool:
    """Is any of these hot spans (the times of their latest summaries) still counting at ``now``?"""
    return any(now - t < QUIET_NS for t in last_summaries)


class Part(Enum):
    """A part of the model that views render; the model counts a version per part (see ``ModelCore.touch``)."""

    PROCESSES = "processes"
    LOCKS = "locks"
    QUEUES = "queues"
    OUTPUT = "output"
    TIMELINE = "timeline"
    RUN = "run"

    # Enum's own hash is a Python call: every event marks a part changed, so it was a tenth of the fold's time.
    # Members are singletons compared by identity, so identity's hash (in C) is consistent with their equality.
    __hash__ = object.__hash__


class State(StrEnum):
    """What a process or thread is doing, as every view shows it (a thread is one of the first five)."""

    RUNNING = "running"
    SLEEPING = "sleeping"
    BLOCKED = "blocked"
    JOINING = "joining"
    EXITED = "exited"
    ZOMBIE = "zombie"
    STOPPED = "stopped"
    HELD = "held"  # step mode: held by contui before its next action (see steps.py)
    TERMINATED = "terminated"
    KILLED = "killed"
    DAEMON_KILLED = "daemon-killed"


# States a timeline lane is drawn in while its thread lives (a process's main lane adds zombie and stopped).
LANE_STATES: tuple[State, ...] = (
    State.RUNNING, State.SLEEPING, State.BLOCKED, State.JOINING, State.ZOMBIE, State.STOPPED,
)
# How a process ended, once it has.
END_STATES = frozenset({State.EXITED, State.TERMINATED, State.KILLED, State.DAEMON_KILLED})


class OsStatus(StrEnum):
    """A process status as psutil reports it (``psutil.STATUS_*``)."""

    RUNNING = "running"
    SLEEPING = "sleeping"
    DISK_SLEEP = "disk-sleep"
    STOPPED = "stopped"
    TRACING_STOP = "tracing-stop"
    ZOMBIE = "zombie"
    DEAD = "dead"
    WAKE_KILL = "wake-kill"
    WAKING = "waking"
    IDLE = "idle"
    LOCKED = "locked"
    WAITING = "waiting"
    SUSPENDED = "suspended"
    PARKED = "parked"
    UNKNOWN = UNKNOWN

    @classmethod
    def _missing_(cls, value: object) -> OsStatus:
        return cls.UNKNOWN

    @property
    def waiting(self) -> bool:
        """Not on a CPU: waiting for something."""
        return self in _WAITING

    @property
    def stopped(self) -> bool:
        return self in _STOPPED


_WAITING = frozenset({OsStatus.SLEEPING, OsStatus.DISK_SLEEP, OsStatus.IDLE, OsStatus.WAKING, OsStatus.PARKED})
_STOPPED = frozenset({OsStatus.STOPPED, OsStatus.TRACING_STOP})


class ReapedBy(StrEnum):
    PARENT = "parent"  # its parent's waitpid collected it
    REAPER = "reaper"  # the run's reaper did (it was adopted, or it was the main process)
    GONE = "gone"  # psutil lost it before any reap was reported


class TerminateReason(StrEnum):
    CALL = "call"  # the script called terminate() or kill()
    DAEMON_AT_EXIT = "daemon-at-exit"  # multiprocessing ended a daemonic child as its parent exited


class JoinKind(StrEnum):
    PROCESS = "process"
    THREAD = "thread"


class MarkKind(StrEnum):
    START = "start"
    EXIT = "exit"
    TERMINATE = "terminate"
    ACQUIRE = "acquire"
    SUMMARY = "summary"  # a hot lock's summary: its acquires are counted, not shown one by one
    SIGNAL_SENT = "signal-sent"  # on the sender's lane
    SIGNAL_RECEIVED = "signal-received"  # on the receiver's main lane
    DEADLOCK = "deadlock"  # on the lane of each thread of a deadlock, when contui found it


class Stream(StrEnum):
    STDOUT = "stdout"
    STDERR = "stderr"
    EXCEPTION = "exception"  # an uncaught exception the tracer saw (its record is on the line)


@dataclass(slots=True)
class RunInfo:
    target: str = ""
    cwd: str = ""
    speed: float = 1.0
    start_method: str = ""
    reaper: int | None = None
    main: int | None = None
    code: int | None = None  # the main process's exit code (-N: killed by signal N)
    ended: bool = False
    t_start: int | None = None
    t_end: int | None = None
    dropped: int = 0  # malformed frames contui dropped from the event pipe (something in the run wrote to it)
    lost: bool = False  # its reaper was killed: contui itself ended what the run had left
    unrecorded: str = ""  # why the run's recording could not be written (empty: it is being recorded)


@dataclass(slots=True)
class Segment:
    """One stretch of a lane in one state; ``t1`` is None while it lasts."""

    state: State
    t0: int
    t1: int | None = None

    def __reduce__(self) -> tuple[type, tuple[State, int, int | None]]:
        # Pickled by the thousand for every checkpoint of a scrubbed run (tui/engine/scrub.py): as a plain call.
        return Segment, (self.state, self.t0, self.t1)


@dataclass(slots=True)
class Mark:
    t: int
    kind: MarkKind
    detail: str | None = None  # the lock id for "acquire", the reason for "terminate", the signal's number for signals

    def __reduce__(self) -> tuple[type, tuple[int, MarkKind, str | None]]:
        return Mark, (self.t, self.kind, self.detail)


@dataclass(slots=True)
class Lane:
    """One thread's row on the timeline."""

    pid: int
    tid: int
    label: str
    segments: list[Segment] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    # Segments (and marks) kept before the older ones are merged (tui/engine/model/detail.py); 0: all are kept.
    detail: int = 0
    merges: int = 0  # times the older ones were merged: a view's copy of the lane is stale then

    @property
    def open(self) -> Segment | None:
        segs = self.segments
        if segs and segs[-1].t1 is None:
            return segs[-1]
        return None


class ThreadRole(StrEnum):
    USER = "user"  # a thread the script made, or a process's main thread
    POOL_WORKER = "pool-worker"  # runs the tasks of a pool or an executor (the script's code, not its thread)
    POOL_HELPER = "pool-helper"  # a pool's own feeder or handler thread


@dataclass(slots=True)
class Hold:
    """A thread held in step mode: what it is about to do, on which line, since when."""

    t: int
    action: str  # sleep, acquire, release, put, get, print, start, join, wait, notify, set ...
    what: str  # what it acts on (a lock's or queue's id, a process's name, the line to print ...)
    site: str  # file.py:line of the script's code
    until: int | None = None  # a sleep's end on the scenario clock (ns): stepping it jumps the clock there


@dataclass(slots=True)
class ThreadNode:
    tid: int
    pid: int
    name: str
    daemon: bool | None = None
    started_t: int | None = None
    ended_t: int | None = None
    state: State = State.RUNNING  # what the tracer saw: running, sleeping, blocked, joining or exited
    state_t: int = 0  # when the tracer saw it change
    blocked_on: str | None = None  # the id of the primitive it waits for (lock, queue, condition, pipe ...)
    joining: int | None = None  # pid (proc.join) or native tid (thread.join) waited for
    joining_kind: JoinKind | None = None  # what ``joining`` names
    timed: bool = False  # its wait (blocked or joining) gives up after a timeout
    waits_in: str | None = None  # a blocking call the tracer knows it is in ("socket.accept", "input" ...)
    waits_on: str | None = None  # what that call waits for, when it says (a task's id)
    held: Hold | None = None  # held in step mode, and at what
    os_status: OsStatus | None = None  # the OS's view of this thread at the last sample (/proc/<pid>/task/<tid>)
    os_t: int = -1  # when that sample was taken
    wchan: str | None = None  # the kernel's wait channel at that sample ("inet_csk_accept", "futex_wait_queue")
    role: ThreadRole = ThreadRole.USER
    key: Key = (0, 0)
    lane: Lane | None = field(default=None, repr=False)

    @property
    def alive(self) -> bool:
        return self.state is not State.EXITED

    @property
    def os_says_waiting(self) -> bool:
        """The OS's last sample, taken after the tracer last saw this thread change, found it waiting."""
        status = self.os_status
        return status is not None and status.waiting and self.os_t >= self.state_t

    @property
    def shown_state(self) -> State:
        """What every view shows: the tracer's state, except that a thread the tracer thinks is running is shown
        sleeping while it is in a blocking call the tracer knows, or the OS says it waits (input, a socket, a lock
        of C code, the GIL): a thread the OS reports sleeping is never drawn running."""
        state = self.state
        if self.held is not None and state is not State.EXITED:
            return State.HELD  # it waits for a step, not for the OS
        if state is State.RUNNING and (self.waits_in is not None or self.os_says_waiting):
            return State.SLEEPING
        return state


@dataclass(slots=True)
class AliveCheck:
    t: int
    result: bool | None
    asker_pid: int


# Below this psutil cpu percent a process psutil calls sleeping is shown sleeping even if a thread is "running"
# for the tracer (blocked in input(), accept(), recv(): waits the tracer does not see).
BUSY_CPU = 1.0


@dataclass(slots=True)
class ProcessNode:
    pid: int
    ppid: int | None = None
    original_ppid: int | None = None
    name: str = UNKNOWN
    daemon: bool | None = None
    method: str | None = None
    started_t: int | None = None
    ended_t: int | None = None
    exit_code: int | None = None
    end: State | None = None  # how it ended: one of END_STATES
    signal: int | None = None
    reaped: bool = False
    reaped_t: int | None = None
    reaped_by: ReapedBy | None = None
    os_status: OsStatus | None = None
    os_status_t: int | None = None  # when psutil first reported the current status
    cpu: float | None = None
    thread_count: int | None = None
    adopted_by: tuple[int, str] | None = None
    adopted_t: int | None = None  # when it was seen adopted
    alive_checks: list[AliveCheck] = field(default_factory=list)
    terminated_by: tuple[int, TerminateReason] | None = None  # (pid of the caller, why)
    terminate_signal: int | None = None
    cmdline: tuple[str, ...] | None = None  # a child made by exec (subprocess, os.posix_spawn): what it runs
    threads: dict[int, ThreadNode] = field(default_factory=dict)
    # Private bookkeeping for convergence under out-of-order arrival.
    _start_known: bool = field(default=False, repr=False)  # proc.start seen: ppid/started_t are authoritative
    _reap_seen: bool = field(default=False, repr=False)  # a proc.reap (not just sample.gone) was folded
    _sample_t: int = field(default=-1, repr=False)
    _sample_parent: str | None = field(default=None, repr=False)

    @property
    def ended(self) -> bool:
        return self.end is not None or self.reaped

    @property
    def stopped_by_os(self) -> bool:
        return self.os_status is not None and self.os_status.stopped

    @property
    def state(self) -> State:
        """The one state to display; psutil alone says zombie or stopped."""
        if self.reaped:
            return self.end or State.EXITED
        status = self.os_status
        if status is OsStatus.ZOMBIE:
            return State.ZOMBIE
        if self.end is not None:
            return self.end
        if status is not None and status.stopped:
            return State.STOPPED
        quiet = status is not None and status.waiting and (self.cpu is None or self.cpu < BUSY_CPU)
        main = self.threads.get(self.pid)
        if main is not None and main.alive:
            # The process's row is its main thread's, as its timeline lane is: a thread blocked on a lock while the
            # main thread waits in input() does not make the process blocked (its threads show under it).
            shown = main.shown_state
            # Without a per-thread sample (a recording of protocol 2), the process's own status and CPU have to do.
            return State.SLEEPING if shown is State.RUNNING and main.os_status is None and quiet else shown
        joining = sleeping = running = False
        threads_seen = False
        for th in self.threads.values():
            threads_seen = threads_seen or th.os_status is not None
            s = th.shown_state
            if s is State.BLOCKED:
                return State.BLOCKED
            if s is State.JOINING:
                joining = True
            elif s is State.SLEEPING:
                sleeping = True
            elif s is State.RUNNING:
                running = True
        if joining:
            return State.JOINING
        if sleeping and not running:
            return State.SLEEPING
        if not threads_seen and quiet:
            return State.SLEEPING
        return State.RUNNING

    def _first_thread(self, state: State) -> ThreadNode | None:
        """The thread whose wait the process's row names: its main thread's while it lives, as ``state`` says."""
        main = self.threads.get(self.pid)
        if main is not None and main.alive:
            return main if main.shown_state is state else None
        for th in self.threads.values():
            if th.state is state:
                return th
        return None

    @property
    def blocked_on(self) -> str | None:
        th = self._first_thread(State.BLOCKED)
        return th.blocked_on if th is not None else None

    @property
    def joining(self) -> int | None:
        th = self._first_thread(State.JOINING)
        return th.joining if th is not None else None

    @property
    def joining_kind(self) -> JoinKind | None:
        th = self._first_thread(State.JOINING)
        return th.joining_kind if th is not None else None

    @property
    def main_thread(self) -> ThreadNode | None:
        return self.threads.get(self.pid)


@dataclass(slots=True)
class LockState:
    id: str
    type: str = UNKNOWN
    name: str | None = None
    site: str | None = None
    owners: list[Key] = field(default_factory=list)
    depth: int = 0  # holds of ``owner``: >1 only for RLock re-entry
    waiters: list[Key] = field(default_factory=list)
    acquired_t: int | None = None  # when ``owner`` got it
    acquisitions: int = 0
    timeouts: int = 0
    created_by: int | None = None  # pid that made it (lock.new)
    _since: dict[Key, int] = field(default_factory=dict, repr=False)

    @property
    def owner(self) -> Key | None:
        return self.owners[0] if self.owners else None

    @property
    def reentrant(self) -> bool:
        return "RLock" in self.type

    @property
    def exclusive(self) -> bool:
        """At most one owner: Lock and RLock. Semaphores (and locks of unknown type) may have several."""
        return self.type.endswith("Lock")

    @property
    def dies_with_process(self) -> bool:
        """A threading lock lives in its process's memory; a multiprocessing one outlives its holder."""
        return self.type.startswith("threading.")


@dataclass(slots=True)
class QueueState:
    id: str
    type: str = UNKNOWN
    name: str | None = None
    maxsize: int = 0
    site: str | None = None
    items: deque[str] = field(default_factory=deque)
    blocked_putters: list[Key] = field(default_factory=list)
    blocked_getters: list[Key] = field(default_factory=list)
    unfinished: int = 0
    puts: int = 0
    gets: int = 0
    timeouts: int = 0
    joiners: list[Key] = field(default_factory=list)
    created_by: int | None = None
    # A get or task_done that arrived before its put: the matching put is absorbed when it comes.
    _early_gets: int = field(default=0, repr=False)
    _early_done: int = field(default=0, repr=False)
    # When the last queue.join returned: every put stamped before it had been task_done by then.
    _settled_t: int = field(default=-1, repr=False)

    @property
    def capacity(self) -> int | None:
        """maxsize, or None when unbounded (multiprocessing reports SEM_VALUE_MAX for "no limit")."""
        m = self.maxsize
        if not isinstance(m, int) or m <= 0 or m >= 2**31 - 1:
            return None
        return m

    @property
    def joinable(self) -> bool:
        return self.type == "JoinableQueue" or self.type == UNKNOWN

    def wait_lists(self) -> tuple[list[Key], list[Key], list[Key]]:
        return self.blocked_putters, self.blocked_getters, self.joiners


class WaitKind(StrEnum):
    """What a thread of a deadlock waits for: a lock (Lock or RLock, a condition's own), a semaphore's seat, or
    another thread (or process) to end, in join()."""

    LOCK = "lock"
    SEAT = "seat"
    JOIN = "join"


def one_file(sites: Iterable[str | None]) -> str | None:
    """The file every one of these ``file:line`` sites is in, if they are all in one (a banner then says it once)."""
    files = {site.rpartition(":")[0] for site in sites if site}
    return files.pop() if len(files) == 1 else None


def _at(site: str | None, words: dict[str, str], here: str | None) -> list[tuple[str, bool]]:
    """`` (x.py:12)``; `` (line 12)`` when ``here`` is its file."""
    if not site:
        return []
    file, _, line = site.rpartition(":")
    return [(f" ({words['line'].format(line)})" if here is not None and file == here else f" ({site})", False)]


# The words of a deadlock or a stall, in each language a view speaks (plain text and exports speak English).
ALARM_WORDS: dict[str, dict[str, str]] = {
    "en": {"deadlock": "DEADLOCK", "stall": "STALL", "holds": "holds", "waits": "waits for", "joins": "waits for",
           "to end": " to end", "seat": "a seat of ", "frozen": "the run is frozen: s stops it",
           "stalled": "every thread waits, with no timeout, and none is left to wake the others", ", ": ", ",
           "potential": "POTENTIAL DEADLOCK",
           "inverted": "locks taken in contradicting orders: threads doing so at once would deadlock",
           "line": "line {}", "all in": "all in {}"},
    "zh": {"deadlock": "死锁", "stall": "全部停滞", "holds": "持有", "waits": "等待", "joins": "等待",
           "to end": " 结束", "seat": "信号量 ", "frozen": "运行已冻结：按 s 停止",
           "stalled": "所有线程都在无超时地等待，没有谁能唤醒它们", ", ": "，",
           "potential": "潜在死锁",
           "inverted": "加锁顺序互相矛盾：同时这样做就会死锁",
           "line": "第 {} 行", "all in": "都在 {}"},
}


@dataclass(frozen=True, slots=True)
class DeadlockMember:
    """One thread of a deadlock: it holds ``holds`` (taken at ``taken_at``), which the member before it waits for,
    and waits, with no timeout, for ``wants`` (at ``waits_at``): a lock or a seat the next member holds, or, in
    join(), the next member's end (``wants`` is then its ``pid:tid``). ``holds`` is empty when the member before it
    joins this one: it holds nothing that one needs, it only has to end."""

    pid: int
    tid: int
    holds: str
    wants: str
    taken_at: str | None = None
    waits_at: str | None = None
    name: str = UNKNOWN  # the thread's (its process's, for a main thread), and the locks' as the script calls them
    holds_name: str = UNKNOWN
    wants_name: str = UNKNOWN
    wants_kind: WaitKind = WaitKind.LOCK

    @classmethod
    def from_fields(cls, m: dict[str, Any]) -> DeadlockMember:
        """One member of a ``deadlock`` event's ``members``."""
        holds = str(m.get("holds") or "")
        return cls(int(m["pid"]), int(m["tid"]), holds, str(m["wants"]), m.get("taken_at"), m.get("waits_at"),
                   str(m.get("name") or UNKNOWN), str(m.get("holds_name") or holds),
                   str(m.get("wants_name") or m["wants"]), WaitKind(m.get("wants_kind") or WaitKind.LOCK))

    @property
    def sites(self) -> tuple[str | None, ...]:
        return self.taken_at, self.waits_at

    def parts(self, lang: str = "en", here: str | None = None) -> list[tuple[str, bool]]:
        """Its sentence as pieces, each with whether it is a name (views make those bold): ``Process-2 holds A
        (x.py:12), waits for B (x.py:20)``; a site in the file ``here`` as ``(line 12)``."""
        words = ALARM_WORDS.get(lang, ALARM_WORDS["en"])
        out: list[tuple[str, bool]] = [(self.name, True)]
        if self.holds:
            out += [(f" {words['holds']} ", False), (self.holds_name, True)]
            out += _at(self.taken_at, words, here)
            out.append((words[", "], False))
        else:
            out.append((" ", False))
        if self.wants_kind is WaitKind.JOIN:
            out += [(f"{words['joins']} ", False), (self.wants_name, True), (words["to end"], False)]
        else:
            seat = words["seat"] if self.wants_kind is WaitKind.SEAT else ""
            out += [(f"{words['waits']} {seat}", False), (self.wants_name, True)]
        return out + _at(self.waits_at, words, here)

    def sentence(self) -> str:
        """``Process-2 holds A (x.py:12), waits for B (x.py:20)``."""
        return "".join(text for text, _ in self.parts())


@dataclass(slots=True)
class DeadlockRecord:
    """A cycle of threads each waiting for a lock the next one holds, as contui found it (a ``deadlock`` event)."""

    t: int
    members: tuple[DeadlockMember, ...]

    @property
    def threads(self) -> frozenset[Key]:
        """The threads of the cycle."""
        return frozenset((m.pid, m.tid) for m in self.members)

    @property
    def locks(self) -> frozenset[str]:
        """The locks and semaphores of the cycle (each held by one member, wanted by the next)."""
        return frozenset(m.wants for m in self.members if m.wants_kind is not WaitKind.JOIN)


@dataclass(frozen=True, slots=True)
class OrderMember:
    """One order of a potential deadlock: thread ``name`` took ``first`` (at ``first_at``), then asked for ``then``
    (at ``then_at``), with no timeout; the orders of a potential deadlock go round in a circle."""

    pid: int
    tid: int
    name: str
    first: str
    then: str
    first_name: str
    then_name: str
    first_at: str | None = None
    then_at: str | None = None

    @classmethod
    def from_fields(cls, m: dict[str, Any]) -> OrderMember:
        return cls(int(m["pid"]), int(m["tid"]), str(m.get("name") or UNKNOWN), str(m["first"]), str(m["then"]),
                   str(m.get("first_name") or m["first"]), str(m.get("then_name") or m["then"]), m.get("first_at"),
                   m.get("then_at"))

    @property
    def sites(self) -> tuple[str | None, ...]:
        return self.first_at, self.then_at

    def parts(self, lang: str = "en", here: str | None = None) -> list[tuple[str, bool]]:
        """``eat1: noodle_lock (x.py:30) → fork_lock (x.py:32)``, the lock it took, then the one it asked for; a site
        in ``here`` as ``(line 30)``."""
        words = ALARM_WORDS.get(lang, ALARM_WORDS["en"])
        out: list[tuple[str, bool]] = [(self.name, True), (": ", False), (self.first_name, True)]
        out += _at(self.first_at, words, here)
        out += [(" → ", False), (self.then_name, True)]
        return out + _at(self.then_at, words, here)

    def sentence(self) -> str:
        return "".join(text for text, _ in self.parts())


@dataclass(slots=True)
class OrderRecord:
    """Locks taken in orders that go round in a circle (a ``lock.order`` event): each order was taken by some
    thread, so threads taking them at the same moment would deadlock, though this run did not."""

    t: int
    members: tuple[OrderMember, ...]

    @property
    def threads(self) -> frozenset[Key]:
        return frozenset((m.pid, m.tid) for m in self.members)


@dataclass(frozen=True, slots=True)
class StallMember:
    """One thread of a stall: blocked, with no timeout, on ``on`` (an object's id; None for a join), which it is
    shown waiting for as ``what`` (``get on q (Queue)``, ``join of Process-2 [123]``)."""

    pid: int
    tid: int
    name: str
    what: str
    on: str | None = None

    @classmethod
    def from_fields(cls, m: dict[str, Any]) -> StallMember:
        return cls(int(m["pid"]), int(m["tid"]), str(m.get("name") or UNKNOWN), str(m.get("what") or UNKNOWN),
                   m.get("on"))

    @property
    def sites(self) -> tuple[str | None, ...]:
        return ()

    def parts(self, lang: str = "en", here: str | None = None) -> list[tuple[str, bool]]:
        words = ALARM_WORDS.get(lang, ALARM_WORDS["en"])
        return [(self.name, True), (f" {words['waits']} ", False), (self.what, True)]

    def sentence(self) -> str:
        return "".join(text for text, _ in self.parts())


@dataclass(slots=True)
class StallRecord:
    """Every live thread of the run blocked, with no timeout, and no cycle among them (a ``stall`` event): nothing
    is left to wake any of them."""

    t: int
    members: tuple[StallMember, ...]

    @property
    def threads(self) -> frozenset[Key]:
        return frozenset((m.pid, m.tid) for m in self.members)


@dataclass(slots=True)
class SignalRecord:
    """A signal the script sent (``os.kill``, ``terminate()``, ``kill()``): who sent it, to whom, which."""

    t: int
    sender: Key
    target: int
    signal: int
    call: str


@dataclass(slots=True)
class ExceptionRecord:
    t: int
    pid: int
    tid: int
    type: str
    message: str
    traceback: str
    where: str  # "main" (the script), "process" (a Process's run()) or "thread"


@dataclass(slots=True)
class OutputLine:
    t: int
    pid: int
    tid: int
    stream: Stream
    text: str
    partial: bool = False  # more text for this line may still come
    exception: ExceptionRecord | None = None  # on an EXCEPTION line: what was raised
    from_record: bool = False  # a traceback line its process never printed, shown from the exception's record
    speed: float = 1.0  # the run's speed when the line was printed
