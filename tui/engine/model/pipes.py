"""The fold of pipes (``multiprocessing.Pipe()``): messages in flight each way, who is blocked in recv on which end,
which process or thread used each end, and where an end was closed.

A message sent on one end is received on the other. Events of one pipe come from several processes and may arrive
out of order (a recv before its send): the counts still converge, as a queue's do.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from tui.engine.model.core import Fields, ModelCore, drop_keys, gone_from, handles
from tui.engine.model.records import UNKNOWN, UNSEEN, Key, Part, State, ThreadNode
from tui.inside import kinds as ev


@dataclass(slots=True)
class PipeSpan:
    """A stretch in which one process summarised its sends and recvs on an end (``pipe.summary``): counts so far."""

    since: int
    t: int = 0  # the latest summary's time
    sends: int = 0
    recvs: int = 0
    summaries: int = 0  # folded so far


@dataclass(slots=True)
class PipeEnd:
    """One end of a pipe, as every process that has a copy of it uses it."""

    id: str
    index: int  # 0 or 1: the first or second end Pipe() returned
    name: str | None = None  # the variable it was bound to (`parent_conn`)
    can_send: bool = True
    can_recv: bool = True
    sent: int = 0
    received: int = 0
    # Messages sent to this end and not yet received here, oldest first (their reprs). A pipe holds what its kernel
    # buffer holds, a few thousand small messages at most: a sender blocks beyond that.
    incoming: deque[str] = field(default_factory=deque)
    users: list[Key] = field(default_factory=list)  # threads that sent or received on it, in order of first use
    blocked: list[Key] = field(default_factory=list)  # threads waiting in recv() on it
    closed_in: list[int] = field(default_factory=list)  # pids that closed their copy
    eof_seen: bool = False  # a recv here raised EOFError: every copy of the other end was closed
    hot: dict[int, PipeSpan] = field(default_factory=dict)  # by pid: spans not ended yet
    summarised: int = 0  # sends and recvs on this end that summaries counted
    hot_spans: int = 0
    _early_recvs: int = field(default=0, repr=False)  # recvs folded before their send arrived

    @property
    def in_flight(self) -> int:
        """Messages on their way to this end: sent on the other end, not yet received here."""
        return len(self.incoming)


@dataclass(slots=True)
class PipeState:
    id: str
    ends: tuple[PipeEnd, PipeEnd]
    duplex: bool = True
    name: str | None = None
    site: str | None = None
    created_by: int | None = None

    def end(self, end_id: str) -> PipeEnd | None:
        for end in self.ends:
            if end.id == end_id:
                return end
        return None

    def other(self, end: PipeEnd) -> PipeEnd:
        return self.ends[1 - end.index]


class PipeFold(ModelCore):
    def __init__(self) -> None:
        super().__init__()
        self.pipes: dict[str, PipeState] = {}
        self._pipe_ends: dict[str, tuple[PipeState, PipeEnd]] = {}  # end id -> its pipe and end

    def pipe_end(self, end_id: str | None) -> tuple[PipeState, PipeEnd] | None:
        """The pipe and end an id names (what a thread blocked in recv() waits on), or None."""
        return self._pipe_ends.get(end_id) if end_id is not None else None

    def _pipe(self, f: Fields) -> PipeState:
        pid_ = f["pipe"]
        p = self.pipes.get(pid_)
        if p is None:
            ends = f.get("ends") or [f"{pid_}a", f"{pid_}b"]
            p = self.pipes[str(pid_)] = PipeState(str(pid_), (PipeEnd(str(ends[0]), 0), PipeEnd(str(ends[1]), 1)))
            for end in p.ends:
                self._pipe_ends[end.id] = (p, end)
        return p

    def _end(self, f: Fields) -> tuple[PipeState, PipeEnd]:
        p = self._pipe(f)
        end = p.end(f["end"])
        if end is None:
            raise ValueError(f"{f['end']!r} is not an end of {p.id}")
        return p, end

    def _end_used(self, t: int, pid: int, tid: int, f: Fields) -> tuple[PipeState, PipeEnd, ThreadNode]:
        """The pipe and end an event names, and the thread that used that end (noted among its users)."""
        p, end = self._end(f)
        th = self._thread(pid, tid, t)
        if th.key not in end.users:
            end.users.append(th.key)
        return p, end, th

    @handles(ev.PIPE_NEW)
    def _pipe_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        p = self._pipe(f)
        p.duplex = bool(f.get("duplex", True))
        p.name = f.get("name", p.name)
        p.site = f.get("site", p.site)
        p.created_by = pid
        names = f.get("names") or [None, None]
        for end, name in zip(p.ends, names):
            end.name = name or end.name
        if not p.duplex:  # Pipe(duplex=False): the first end only receives, the second only sends
            p.ends[0].can_send = False
            p.ends[1].can_recv = False
        self.touch(Part.QUEUES)

    @handles(ev.PIPE_SEND)
    def _pipe_send(self, t: int, pid: int, tid: int, f: Fields) -> None:
        p, end, _ = self._end_used(t, pid, tid, f)
        end.sent += 1
        to = p.other(end)
        if to._early_recvs:
            to._early_recvs -= 1  # its recv was already folded
        else:
            to.incoming.append(str(f.get("item", UNKNOWN)))
        self.touch(Part.QUEUES)

    @handles(ev.PIPE_RECV)
    def _pipe_recv(self, t: int, pid: int, tid: int, f: Fields) -> None:
        _, end, th = self._end_used(t, pid, tid, f)
        self._unblock(end, th.key, t)
        if f.get("error"):  # EOFError: no message came, every copy of the other end is closed
            end.eof_seen = True
        else:
            end.received += 1
            if end.incoming:
                end.incoming.popleft()  # a pipe delivers in order: the oldest message is the one received
            else:
                end._early_recvs += 1  # its send is still on its way
        self.touch(Part.QUEUES)

    @handles(ev.PIPE_SUMMARY)
    def _pipe_summary(self, t: int, pid: int, tid: int, f: Fields) -> None:
        """A process's sends and recvs on a hot end so far in its span: messages it sent wait unseen at the other
        end, messages it received leave this end's oldest first."""
        p, end = self._end(f)
        span = end.hot.get(pid)
        if span is None or span.since != f["since"]:
            span = end.hot[pid] = PipeSpan(f["since"])
            end.hot_spans += 1
        counts = f.get("n") or {}
        sends, recvs = counts.get("send", 0) - span.sends, counts.get("recv", 0) - span.recvs
        span.sends += sends
        span.recvs += recvs
        span.summaries += 1
        span.t = t
        end.sent += sends
        end.received += recvs
        end.summarised += sends + recvs
        to = p.other(end)
        for _ in range(sends):
            if to._early_recvs:
                to._early_recvs -= 1
            else:
                to.incoming.append(UNSEEN)
        for _ in range(recvs):
            if end.incoming:
                end.incoming.popleft()
            else:
                end._early_recvs += 1
        if f.get("done"):
            del end.hot[pid]
        # Who of this process is in recv() on the end now (a span's recvs are not told one by one).
        waiting = {(pid, tid_) for tid_ in f.get("waiting") or () if tid_}
        for key in [k for k in end.blocked if k[0] == pid and k not in waiting]:
            self._unblock(end, key, t)
        for key in waiting - set(end.blocked):
            th = self._thread(pid, key[1], t)
            if th.alive:
                end.blocked.append(th.key)
            self._set_state(th, State.BLOCKED, t, end.id)
        self.touch(Part.QUEUES)

    @handles(ev.PIPE_BLOCK)
    def _pipe_block(self, t: int, pid: int, tid: int, f: Fields) -> None:
        _, end, th = self._end_used(t, pid, tid, f)
        if th.alive and th.key not in end.blocked:
            end.blocked.append(th.key)
        self._set_state(th, State.BLOCKED, t, end.id)
        self.touch(Part.QUEUES)

    @handles(ev.PIPE_CLOSE)
    def _pipe_close(self, t: int, pid: int, tid: int, f: Fields) -> None:
        _, end = self._end(f)
        if pid not in end.closed_in:
            end.closed_in.append(pid)
        self.touch(Part.QUEUES)

    def _unblock(self, end: PipeEnd, key: Key, t: int) -> None:
        if key in end.blocked:
            end.blocked.remove(key)
        th = self.thread(*key)
        if th is not None and th.state is State.BLOCKED and th.blocked_on == end.id:
            self._set_state(th, State.RUNNING, t)

    # -- when threads and processes end ---------------------------------------------------------------------------
    def _forget_waits(self, pid: int, tid: int | None) -> None:
        gone = gone_from(pid, tid)
        for p in self.pipes.values():
            if any([drop_keys(end.blocked, gone) for end in p.ends]):
                self.touch(Part.QUEUES)
        super()._forget_waits(pid, tid)
