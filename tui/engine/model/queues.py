"""The fold of queues (multiprocessing Queue, JoinableQueue, SimpleQueue): the items in them, who is blocked putting
or getting, unfinished tasks and who waits in join(). Events of one queue come from many processes and may arrive out
of order: a get before its put, a task_done before its put, and the counts still converge."""

from __future__ import annotations

from tui.engine.model.core import Fields, ModelCore, drop_keys, gone_from, handles
from tui.engine.model.records import UNKNOWN, Key, Part, QueueState, State, ThreadNode
from tui.inside import kinds as ev


class QueueFold(ModelCore):
    def _queue(self, f: Fields) -> QueueState:
        qid = f["queue"]
        q = self.queues.get(qid)
        if q is None:
            q = self.queues[qid] = QueueState(str(qid), f.get("type") or UNKNOWN)
        return q

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
            q.items.append(f.get("item", UNKNOWN))
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
            item = f.get("item")
            if items[0] == item:
                items.popleft()
            else:
                try:
                    items.remove(item)
                except ValueError:  # a repr that differs in this process (an address): the oldest went
                    items.popleft()
        else:
            q._early_gets += 1  # the put is still on its way
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
        self._set_state(th, State.BLOCKED, t, q.id)
        self.touch(Part.QUEUES)

    @handles(ev.QUEUE_TIMEOUT)
    def _queue_timeout(self, t: int, pid: int, tid: int, f: Fields) -> None:
        q = self._queue(f)
        th = self._thread(pid, tid, t)
        self._unwait(th, self._waiting_list(q, f), q.id, t)
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
            self._set_state(th, State.BLOCKED, t, q.id)
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
