"""Hooks on the script's own queues: multiprocessing's (Queue, JoinableQueue, SimpleQueue) and the thread queues of
the ``queue`` module (Queue, LifoQueue, PriorityQueue, SimpleQueue): put, get, blocking on full/empty, timeouts,
task_done, join. Queues the standard library makes for itself (a Pool's, an executor's, a manager's) are not traced."""

from __future__ import annotations

import itertools
import os
import sys
import time

from tui.inside import kinds as ev
from tui.inside.control import STEPPING_AT
from tui.inside.trace.context import TraceContext, short_repr
from tui.inside.trace.hot import COLD, HOT, LASTING_WAIT_S, Heat
from tui.inside.trace.marks import HEAT, ID, unmarked
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.sites import assigned_name, caller_outside, is_user_file, pickles_as, site_of

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any


_ids = itertools.count(1)
_real_monotonic = time.monotonic  # taken before the scenario clock is installed (see tui/inside/trace/clock.py)


def blocked(qid: str, op: str, timeout: float | None) -> dict[str, object]:
    """A ``queue.block``'s fields: a wait with a timeout says so (it may be in no stall: see tui/engine/deadlocks.py)."""
    return {"queue": qid, "op": op} if timeout is None else {"queue": qid, "op": op, "timeout": timeout}


def waiting_bytes(conn: Any) -> int:
    """Bytes waiting in a pipe's read end (one ioctl); -1 if it cannot say."""
    try:
        import fcntl  # here: most traced interpreters never ask, and each module loaded costs every one of them
        import termios

        return int.from_bytes(fcntl.ioctl(conn.fileno(), termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)
    except (OSError, ValueError, AttributeError):
        return -1


def get_within(queue: Any, seconds: float, Empty: type) -> Any:
    """``queue.get(True, seconds)`` on a multiprocessing Queue, done as multiprocessing does it but for the wait for
    the pipe: one poll() here, where its own wait builds a selector each time, which nearly doubled a hot loop's get
    whenever the queue ran empty (a consumer as fast as its producers). Raises ``Empty`` as it does."""
    if queue._closed:
        raise ValueError(f"Queue {queue!r} is closed")
    deadline = _real_monotonic() + seconds
    if not queue._rlock.acquire(True, seconds):
        raise Empty
    try:
        ready = queue._contui_poll
        if ready is None:  # made once per queue and process: a hot loop's get may come here every time
            import select  # loaded by multiprocessing.connection already

            ready = queue._contui_poll = select.poll()
            ready.register(queue._reader.fileno(), select.POLLIN)
        if not ready.poll(max(0.0, deadline - _real_monotonic()) * 1000):
            raise Empty
        data = queue._recv_bytes()
        queue._sem.release()
    finally:
        queue._rlock.release()
    # What multiprocessing unpickles a queue's items with (loaded with every multiprocessing queue): looked up, not
    # imported, here, where an import statement cost a hot loop's get more than the rest of this function.
    return sys.modules["multiprocessing.reduction"].ForkingPickler.loads(data)


class _Mark(tuple):  # type: ignore[type-arg]
    """Rides at the end of a pickled queue's state so a spawned child knows the queue is traced."""


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    imports.when_imported("multiprocessing.queues", lambda module: _install_queues(ctx, module))
    imports.when_imported("queue", lambda module: _install_thread_queues(ctx, module))


def _announce(ctx: TraceContext, queue: Any, type_name: str, maxsize: int, frame: Any) -> None:
    """Give the script's new queue an id and report it."""
    qid = f"Q{os.getpid()}.{next(_ids)}"
    queue._contui = qid
    ctx.emit(ev.QUEUE_NEW, {"queue": qid, "type": type_name, "maxsize": maxsize, "site": site_of(frame),
                            "name": assigned_name(frame)})


def _noted(ctx: TraceContext, queue: Any, qid: str, t: int) -> None:
    """A put or get told as an event: the queue's rate in this process decides whether it becomes hot."""
    heat = queue._contui_heat
    if heat is None:
        heat = queue._contui_heat = Heat(ctx.hot, ev.QUEUE_SUMMARY, "queue", qid, ("put", "get"), short_repr)
    heat.note(t)


def _cool(queue: Any) -> None:
    """The queue's next operation is told one by one: a span still open (cooling) ends first."""
    heat = queue._contui_heat
    if heat is not None and heat.mode != COLD:
        heat.end()


def _install_queues(ctx: TraceContext, queues: ModuleType) -> None:
    import queue as queue_mod  # for Full and Empty; multiprocessing.queues has loaded it
    from multiprocessing import context as mp_context

    context_file = mp_context.__file__
    emit = ctx.emitter.emit
    steps = ctx.steps
    unmarked(queues.Queue, queues.SimpleQueue, names=(ID, HEAT, "_contui_poll"))

    def traced_init(cls: type) -> None:
        orig_init = cls.__init__

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            orig_init(self, *args, **kwargs)
            if self._contui is not None:  # JoinableQueue's __init__ runs Queue's: decided there already
                return
            frame = caller_outside(self, skip_files=(context_file,))
            if frame is None or not is_user_file(frame.f_code.co_filename):
                return
            _announce(ctx, self, type(self).__name__, getattr(self, "_maxsize", 0), frame)

        cls.__init__ = __init__

    def traced_put(cls: type) -> None:
        orig_put = cls.put

        def put(self: Any, obj: Any, block: bool = True, timeout: float | None = None) -> None:
            heat = self._contui_heat
            if heat is not None and heat.mode != COLD:
                if heat.mode == HOT:  # a hot loop's put: counted, unless the queue is full
                    try:
                        orig_put(self, obj, False)
                    except queue_mod.Full:
                        pass
                    else:
                        heat.counts[0] += 1
                        heat.last[0] = obj
                        return
                heat.end()
            qid = self._contui
            if qid is None:
                return orig_put(self, obj, block, timeout)
            if steps[STEPPING_AT]:
                ctx.point("put", qid)
            t = ctx.emitter.now()
            try:
                orig_put(self, obj, False)
            except queue_mod.Full:
                if not block:
                    emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": "put", "error": "Full", "block": False})
                    raise
                emit(ev.QUEUE_BLOCK, blocked(qid, "put", timeout))
                try:
                    ctx.timed(lambda slice_: orig_put(self, obj, True, slice_), timeout, finished=_done,
                              expired=(queue_mod.Full,))
                except queue_mod.Full:
                    emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": "put", "error": "Full", "block": True})
                    raise
                t = None
            emit(ev.QUEUE_PUT, {"queue": qid, "item": short_repr(obj)}, t)
            _noted(ctx, self, qid, t or ctx.emitter.now())

        cls.put = put

    def traced_get(cls: type) -> None:
        orig_get = cls.get

        def get(self: Any, block: bool = True, timeout: float | None = None) -> Any:
            heat = self._contui_heat
            if heat is not None and heat.mode != COLD:
                if heat.mode == HOT and timeout is None:
                    # A hot loop's get: counted, unless nothing comes soon (then it is told, as it waits) or a
                    # non-blocking get finds it empty (told as refused).
                    try:
                        # Nothing put and not yet got (the queue's own count: a C call, where asking the pipe
                        # costs a system call per get): it may wait, so only for so long.
                        if block and self._maxsize - self._sem._semlock._get_value() == 0:
                            item = get_within(self, LASTING_WAIT_S, queue_mod.Empty)
                        else:
                            item = orig_get(self, block)
                    except queue_mod.Empty:
                        pass
                    else:
                        heat.counts[1] += 1
                        heat.last[1] = item
                        return item
                heat.end()
            qid = self._contui
            if qid is None:
                return orig_get(self, block, timeout)
            if steps[STEPPING_AT]:
                ctx.point("get", qid)
            # Stamped before the call: the get frees a slot inside it, and a putter blocked on that slot may report
            # its put before this process gets to report the get.
            t = ctx.emitter.now()
            try:
                if not block:
                    item = orig_get(self, False)
                else:
                    # Nothing in the pipe yet: this get waits (for a put, or for the putter's feeder thread). One
                    # ioctl tells, where get(False) first would build a selector to poll the pipe, which made a
                    # traced get cost up to twice a plain one whenever the feeder thread lagged.
                    if waiting_bytes(self._reader) == 0:
                        emit(ev.QUEUE_BLOCK, blocked(qid, "get", timeout))
                        t = None
                    item = ctx.timed(lambda slice_: orig_get(self, True, slice_), timeout, finished=_done,
                                     expired=(queue_mod.Empty,))
            except queue_mod.Empty:
                emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": "get", "error": "Empty", "block": block})
                raise
            emit(ev.QUEUE_GET, {"queue": qid, "item": short_repr(item)}, t)
            _noted(ctx, self, qid, t or ctx.emitter.now())
            return item

        cls.get = get

    def traced_state(cls: type) -> None:
        orig_getstate = cls.__getstate__
        orig_setstate = cls.__setstate__

        def __getstate__(self: Any) -> Any:
            state = orig_getstate(self)
            qid = self._contui
            return state if qid is None else state + (_Mark((qid,)),)

        def __setstate__(self: Any, state: Any) -> None:
            if state and isinstance(state[-1], _Mark):
                self._contui = state[-1][0]
                state = state[:-1]
            orig_setstate(self, state)

        cls.__getstate__ = __getstate__
        cls.__setstate__ = __setstate__

    for cls in (queues.Queue, queues.JoinableQueue, queues.SimpleQueue):
        traced_init(cls)
    traced_put(queues.Queue)
    traced_put(queues.JoinableQueue)
    traced_get(queues.Queue)
    traced_state(queues.Queue)
    traced_state(queues.SimpleQueue)
    _install_simple(ctx, queues.SimpleQueue)
    _install_joinable(ctx, queues.JoinableQueue)


def _install_simple(ctx: TraceContext, cls: type) -> None:
    orig_put = cls.put
    orig_get = cls.get
    steps = ctx.steps

    def put(self: Any, obj: Any) -> None:
        qid = self._contui
        if qid is not None and steps[STEPPING_AT]:
            ctx.point("put", qid)
        t = ctx.emitter.now()
        orig_put(self, obj)
        if qid is not None:
            ctx.emit(ev.QUEUE_PUT, {"queue": qid, "item": short_repr(obj)}, t)

    def get(self: Any) -> Any:
        qid = self._contui
        if qid is not None and steps[STEPPING_AT]:
            ctx.point("get", qid)
        if qid is not None and self.empty():
            ctx.emit(ev.QUEUE_BLOCK, {"queue": qid, "op": "get"})
        item = orig_get(self)
        if qid is not None:
            ctx.emit(ev.QUEUE_GET, {"queue": qid, "item": short_repr(item)})
        return item

    cls.put = put
    cls.get = get


def _install_joinable(ctx: TraceContext, cls: type) -> None:
    orig_task_done = cls.task_done
    orig_join = cls.join

    def task_done(self: Any) -> None:
        qid = self._contui
        if qid is not None:
            # Said before it happens: the last task_done lets join() return, and a daemon consumer may be
            # terminated at once, before it could say anything after.
            ctx.emit(ev.QUEUE_TASK_DONE, {"queue": qid})
        orig_task_done(self)

    def join(self: Any) -> None:
        qid = self._contui
        if qid is None:
            return orig_join(self)
        ctx.emit(ev.QUEUE_JOIN, {"queue": qid, "phase": "begin"})
        orig_join(self)
        ctx.emit(ev.QUEUE_JOIN, {"queue": qid, "phase": "end"})

    cls.task_done = task_done
    cls.join = join


# A PriorityQueue put says where its item now ranks (how many waiting items come out first), so the model can keep
# the items in the order they will be got; past this many items it is not worked out (a scan per put).
RANK_LIMIT = 200


def _install_thread_queues(ctx: TraceContext, queue_mod: ModuleType) -> None:
    """queue.Queue and its subclasses are traced in place (a script may subclass them); put and get events are
    sent from inside ``_put``/``_get``, under the queue's own mutex, so their order is the queue's real order."""
    Queue = queue_mod.Queue
    Full, Empty = queue_mod.Full, queue_mod.Empty
    emit = ctx.emitter.emit
    steps = ctx.steps
    orig_init = Queue.__init__
    unmarked(Queue)

    def stdlib_type(cls: type) -> str:
        base = next((c for c in cls.__mro__ if c.__module__ == "queue"), cls)
        return f"queue.{base.__name__}"

    def __init__(self: Any, maxsize: int = 0) -> None:
        orig_init(self, maxsize)
        frame = caller_outside(self)
        if frame is not None and is_user_file(frame.f_code.co_filename):
            _announce(ctx, self, stdlib_type(type(self)), maxsize, frame)

    def traced_put_get(cls: type, ranked: bool) -> None:
        orig_put_item = cls.__dict__["_put"]
        orig_get_item = cls.__dict__["_get"]

        def _put(self: Any, item: Any) -> None:
            heat = self._contui_heat
            if heat is not None and heat.mode == HOT:  # a hot loop's put: counted (under the queue's mutex)
                heat.counts[0] += 1
                heat.last[0] = item
                return orig_put_item(self, item)
            qid = self._contui
            if qid is not None:
                _cool(self)
                fields = {"queue": qid, "item": short_repr(item)}
                if ranked:
                    fields["rank"] = _rank(self.queue, item)
                emit(ev.QUEUE_PUT, fields)
                _noted(ctx, self, qid, ctx.emitter.now())
            orig_put_item(self, item)

        def _get(self: Any) -> Any:
            item = orig_get_item(self)
            heat = self._contui_heat
            if heat is not None and heat.mode == HOT:
                heat.counts[1] += 1
                heat.last[1] = item
                return item
            qid = self._contui
            if qid is not None:
                _cool(self)
                emit(ev.QUEUE_GET, {"queue": qid, "item": short_repr(item)})
                _noted(ctx, self, qid, ctx.emitter.now())
            return item

        cls._put = _put
        cls._get = _get

    orig_put = Queue.put
    orig_get = Queue.get
    orig_task_done = Queue.task_done
    orig_join = Queue.join

    def try_then_wait(qid: str, op: str, Error: type, block: bool, timeout: float | None, call: Any,
                      queue: Any, *args: Any) -> Any:
        """``call(queue, *args, block, timeout)`` without waiting first; if it would have to, report that and wait (or
        report the refusal of a non-blocking call: it raised at once, it did not time out). A hot queue's call
        waits a little first: only a wait that lasts is told (and ends the span)."""
        try:
            return call(queue, *args, False)
        except Error:
            if not block:
                _cool(queue)
                emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": op, "error": Error.__name__, "block": False})
                raise
        heat = queue._contui_heat
        if heat is not None and heat.mode == HOT and timeout is None:
            try:
                return call(queue, *args, True, LASTING_WAIT_S)
            except Error:
                pass
        _cool(queue)
        emit(ev.QUEUE_BLOCK, blocked(qid, op, timeout))
        try:
            if timeout is not None and timeout < 0:
                return call(queue, *args, True, timeout)  # the queue refuses it (ValueError), as it would
            return ctx.timed(lambda slice_: call(queue, *args, True, slice_), timeout, finished=_done,
                             expired=(Error,))
        except Error:
            emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": op, "error": Error.__name__, "block": True})
            raise

    def put(self: Any, item: Any, block: bool = True, timeout: float | None = None) -> None:
        qid = self._contui
        if qid is not None and steps[STEPPING_AT]:
            ctx.point("put", qid)
        if qid is None or self.maxsize <= 0:  # unbounded: a put never waits (its event comes from _put)
            return orig_put(self, item, block, timeout)
        try_then_wait(qid, "put", Full, block, timeout, orig_put, self, item)

    def get(self: Any, block: bool = True, timeout: float | None = None) -> Any:
        qid = self._contui
        if qid is None:
            return orig_get(self, block, timeout)
        if steps[STEPPING_AT]:
            ctx.point("get", qid)
        return try_then_wait(qid, "get", Empty, block, timeout, orig_get, self)

    def task_done(self: Any) -> None:
        qid = self._contui
        if qid is not None and self.unfinished_tasks > 0:  # one too many raises ValueError: nothing is done then
            emit(ev.QUEUE_TASK_DONE, {"queue": qid})
        orig_task_done(self)

    def join(self: Any) -> None:
        qid = self._contui
        if qid is None:
            return orig_join(self)
        emit(ev.QUEUE_JOIN, {"queue": qid, "phase": "begin"})
        orig_join(self)
        emit(ev.QUEUE_JOIN, {"queue": qid, "phase": "end"})

    Queue.__init__ = __init__
    Queue.put = put
    Queue.get = get
    Queue.task_done = task_done
    Queue.join = join
    traced_put_get(Queue, False)
    traced_put_get(queue_mod.LifoQueue, False)
    traced_put_get(queue_mod.PriorityQueue, True)
    queue_mod.SimpleQueue = _traced_simple_queue(ctx, queue_mod.SimpleQueue, Empty)


def _done(result: Any) -> bool:
    """A put or get that returned has done what it waited for (one whose slice ran out raised instead)."""
    return True


def _rank(heap: list[Any], item: Any) -> int | None:
    """How many of the waiting items a PriorityQueue gives out before ``item`` (those not greater than it)."""
    if len(heap) > RANK_LIMIT:
        return None
    try:
        return sum(1 for other in heap if not item < other)
    except Exception:  # items that do not compare: the heap itself only compares along one path
        return None


def _traced_simple_queue(ctx: TraceContext, raw: type, Empty: type) -> type:
    """queue.SimpleQueue is a C type whose methods cannot be replaced: the script gets a subclass of it that reports,
    named as the original. The standard library's own SimpleQueues (an executor's, a Pool's) stay plain ones."""
    emit = ctx.emitter.emit
    steps = ctx.steps
    raw_put, raw_get, raw_empty = raw.put, raw.get, raw.empty

    class SimpleQueue(raw):  # type: ignore[misc, valid-type]
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            frame = sys._getframe(1)
            if cls is SimpleQueue and not is_user_file(frame.f_code.co_filename):
                return raw()
            self = raw.__new__(cls)
            _announce(ctx, self, "queue.SimpleQueue", 0, frame)
            return self

        def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
            if steps[STEPPING_AT]:
                ctx.point("put", self._contui)
            t = ctx.emitter.now()  # stamped before: a getter in another thread may report its get first
            raw_put(self, item, block, timeout)
            emit(ev.QUEUE_PUT, {"queue": self._contui, "item": short_repr(item)}, t)

        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            qid = self._contui
            if steps[STEPPING_AT]:
                ctx.point("get", qid)
            try:
                if block and raw_empty(self):
                    emit(ev.QUEUE_BLOCK, blocked(qid, "get", timeout))
                    if timeout is not None and timeout < 0:
                        item = raw_get(self, True, timeout)  # refused (ValueError), as it would be
                    else:
                        item = ctx.timed(lambda slice_: raw_get(self, True, slice_), timeout, finished=_done,
                                         expired=(Empty,))
                else:
                    item = raw_get(self, block, timeout)
            except Empty:
                emit(ev.QUEUE_TIMEOUT, {"queue": qid, "op": "get", "error": "Empty", "block": block})
                raise
            emit(ev.QUEUE_GET, {"queue": qid, "item": short_repr(item)})
            return item

        def put_nowait(self, item: Any) -> None:
            self.put(item, False)

        def get_nowait(self) -> Any:
            return self.get(False)

        def __reduce_ex__(self, protocol: Any) -> Any:
            # The C type refuses with its own name; a subclass would be refused under "SimpleQueue".
            raise TypeError(f"cannot pickle '{raw.__module__}.{raw.__name__}' object")

    return pickles_as(SimpleQueue, raw.__module__, raw.__name__)
