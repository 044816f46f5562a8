"""The fold of queues (multiprocessing Queue, JoinableQueue, SimpleQueue; the thread queues queue.Queue, LifoQueue,
PriorityQueue, SimpleQueue): the items in them in the order they will be got, who is blocked putting or getting,
unfinished tasks and who waits in join(). Events of one queue come from many processes and may arrive out of order: a
get before its put, a task_done before its put, and the counts still converge."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from enum import StrEnum

from tui.engine.model.core import Fields, ModelCore, drop_keys, gone_from, handles
from tui.engine.model.records import UNKNOWN, UNSEEN, Key, Part, QueueState, State, ThreadNode, counting_now
from tui.inside import kinds as ev

# The thread queues whose tasks count (task_done/join): every queue.* type but SimpleQueue.
_THREAD_JOINABLE = frozenset({"queue.Queue", "queue.LifoQueue", "queue.PriorityQueue"})


class Discipline(StrEnum):
    """Which item a get takes: the oldest, the newest, or the smallest."""

    FIFO = "fifo"
    LIFO = "lifo"
    PRIORITY = "priority"


@dataclass(slots=True)
class QueueSpan:
    """A stretch in which one process summarised its puts and gets on a queue (``queue.summary``): counts so far."""

    since: int
    t: int = 0  # the latest summary's time
    puts: int = 0
    gets: int = 0
    summaries: int = 0  # folded so far


@dataclass(slots=True)
class QueueSummarised:
    """What a queue's summaries told, all spans and processes together (also in ``puts``/``gets``)."""

    spans: int = 0
    puts: int = 0
    gets: int = 0
    last_put: str | None = None  # the last item a summary says was put (its short repr)
    last_got: str | None = None
    open: dict[int, QueueSpan] = field(default_factory=dict)  # by pid: spans not ended yet

    def counting(self, now: int) -> bool:
        return counting_now((span.t for span in self.open.values()), now)


@dataclass(slots=True)
class QueueRecord(QueueState):
    """A queue as protocol 3 folds it: QueueState, plus calls refused at once told apart from timeouts, and the
    thread queues' disciplines. ``items`` is kept in the order the queue gives them out (front first)."""

    refused_puts: int = 0  # put(block=False) that raised Full at once (not counted in ``timeouts``)
    refused_gets: int = 0  # get(block=False) that raised Empty at once
    summarised: QueueSummarised | None = None  # set once a process summarised it (a hot loop)

    @property
    def refused(self) -> int:
        return self.refused_puts + self.refused_gets

    @property
    def joinable(self) -> bool:
        return self.type in _THREAD_JOINABLE or self.type == "JoinableQueue" or self.type == UNKNOWN

    @property
    def discipline(self) -> Discipline:
        if self.type == "queue.LifoQueue":
            return Discipline.LIFO
        if self.type == "queue.PriorityQueue":
            return Discipline.PRIORITY
        return Discipline.FIFO


class QueueFold(ModelCore):
    def _queue(self, f: Fields) -> QueueRecord:
        qid = f["queue"]
        q = self.queues.get(qid)
        if q is None:
            q = self.queues[qid] = QueueRecord(str(qid), f.get("type") or UNKNOWN)
        return q  # type: ignore[return-value]  # every queue is made here

    @handles(ev.QUEUE_NEW)
    def _queue_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        q = self._queue(f)
        q.type = f.get("type") or q.type
        q.name = f.get("name", q.name)
        q.site = f.get("site", q.site)
        q.maxsize = f.get("maxsize", q.maxsize)
        q.created_by = pid
        if not q.joinable:
            q.unfinished = 0
        self.touch(Part.QUEUES)

    def _unwait(self, th: ThreadNode, waiting: list[Key], qid: str, t: int) -> None:
        if waiting and th.key in waiting:
            waiting.remove(th.key)
        if th.state is State.BLOCKED and th.blocked_on == qid:
            self._set_state(th, State.RUNNING, t)

    @handles(ev.QUEUE_PUT)
    def _queue_put(self, t: int, pid: int, tid: int, f: Fields) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        self._unwait(th, q.blocked_putters, q.id, t)
        q.puts += 1
        if q._early_gets:
            q._early_gets -= 1  # its get was already folded
        else:
            _place(q, f.get("item", UNKNOWN), f.get("rank"))
        if q.joinable and t > q._settled_t:
            if q._early_done:
                q._early_done -= 1
            else:
                q.unfinished += 1
        self.touch(Part.QUEUES)

    @handles(ev.QUEUE_GET)
    def _queue_get(self, t: int, pid: int, tid: int, f: Fields) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        self._unwait(th, q.blocked_getters, q.id, t)
        q.gets += 1
        items = q.items
        if items:
            # The front is the item the discipline gives out next; an equal repr elsewhere is the one taken when
            # the order here is not the queue's (an unranked priority put).
            item = f.get("item")
            if items[0] == item or items[0] is UNSEEN:
                items.popleft()
            else:
                try:
                    items.remove(item)
                except ValueError:  # a repr that differs in this process (an address): the front one went
                    items.popleft()
        else:
            q._early_gets += 1  # the put is still on its way
        self.touch(Part.QUEUES)

    @handles(ev.QUEUE_SUMMARY)
    def _queue_summary(self, t: int, pid: int, tid: int, f: Fields) -> None:
        """A process's puts and gets of a hot queue so far in its span. Items it put take their place unseen;
        items it got leave from the front, as a get takes them."""
        q = self._queue(f)
        total = q.summarised
        if total is None:
            total = q.summarised = QueueSummarised()
        span = total.open.get(pid)
        if span is None or span.since != f["since"]:
            span = total.open[pid] = QueueSpan(f["since"])
            total.spans += 1
        counts = f.get("n") or {}
        puts = counts.get("put", 0) - span.puts
        gets = counts.get("get", 0) - span.gets
        span.puts += puts
        span.gets += gets
        span.summaries += 1
        span.t = t
        total.puts += puts
        total.gets += gets
        q.puts += puts
        q.gets += gets
        last = f.get("last") or {}
        total.last_put = last.get("put", total.last_put)
        total.last_got = last.get("get", total.last_got)
        # Counted, not walked item by item: a summary may stand for tens of thousands of puts and gets.
        items = q.items
        early = min(q._early_gets, puts)
        q._early_gets -= early
        items.extend(repeat(UNSEEN, puts - early))
        taken = min(gets, len(items))
        if taken == len(items):
            items.clear()
        else:
            for _ in range(taken):
                items.popleft()
        q._early_gets += gets - taken
        if q.joinable and t > q._settled_t:
            q.unfinished += puts
        if f.get("done"):
            del total.open[pid]
        self.touch(Part.QUEUES)

    def _waiting_list(self, q: QueueState, f: Fields) -> list[Key]:
        return q.blocked_putters if f.get("op") == "put" else q.blocked_getters

    @handles(ev.QUEUE_BLOCK)
    def _queue_block(self, t: int, pid: int, tid: int, f: Fields) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        waiting = self._waiting_list(q, f)
        if th.alive and th.key not in waiting:
            waiting.append(th.key)
        self._set_state(th, State.BLOCKED, t, q.id, timed=f.get("timeout") is not None)
        self.touch(Part.QUEUES)

    @handles(ev.QUEUE_TIMEOUT)
    def _queue_timeout(self, t: int, pid: int, tid: int, f: Fields) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        self._unwait(th, self._waiting_list(q, f), q.id, t)
        if f.get("block", True) is False:  # refused at once: it never waited, so it did not time out
            if f.get("op") == "put":
                q.refused_puts += 1
            else:
                q.refused_gets += 1
        else:
            q.timeouts += 1
        self.touch(Part.QUEUES)

    @handles(ev.QUEUE_TASK_DONE)
    def _queue_task_done(self, t: int, pid: int, tid: int, f: Fields) -> None:
        q = self._queue(f)
        if q.type == UNKNOWN:
            q.type = "JoinableQueue"
        if t <= q._settled_t:
            pass  # already counted as done when join() returned
        elif q.unfinished > 0:
            q.unfinished -= 1
        else:
            q._early_done += 1  # its put is still on its way
        self.touch(Part.QUEUES)

    @handles(ev.QUEUE_JOIN)
    def _queue_join(self, t: int, pid: int, tid: int, f: Fields) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        if f.get("phase") == "begin":
            if th.alive and th.key not in q.joiners:
                q.joiners.append(th.key)
            self._set_state(th, State.BLOCKED, t, q.id)  # Queue.join() has no timeout
        else:
            if th.key in q.joiners:
                q.joiners.remove(th.key)
            # join() returned, so every item was task_done then, even if some task_done was lost with a killed
            # daemon consumer before its events were sent.
            q.unfinished = 0
            q._early_done = 0
            if t > q._settled_t:
                q._settled_t = t
            if th.state is State.BLOCKED and th.blocked_on == q.id:
                self._set_state(th, State.RUNNING, t)
        self.touch(Part.QUEUES)

    # -- when threads and processes end ---------------------------------------------------------------------------
    def _forget_waits(self, pid: int, tid: int | None) -> None:
        gone = gone_from(pid, tid)
        for q in self.queues.values():
            changed = False
            for waiting in q.wait_lists():
                changed = drop_keys(waiting, gone) or changed
            if changed:
                self.touch(Part.QUEUES)
        super()._forget_waits(pid, tid)


def _place(q: QueueRecord, item: str, rank: object) -> None:
    """Put ``item`` where the queue will give it out from: last (FIFO), first (LIFO), or after the ``rank`` items
    that a PriorityQueue gives out before it (the tracer counts them; without a rank, last)."""
    discipline = q.discipline
    if discipline is Discipline.LIFO:
        q.items.appendleft(item)
    elif discipline is Discipline.PRIORITY and isinstance(rank, int) and 0 <= rank < len(q.items):
        q.items.insert(rank, item)
    else:
        q.items.append(item)
