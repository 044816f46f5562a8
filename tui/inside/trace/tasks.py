"""Hooks on the tasks of multiprocessing.Pool and concurrent.futures executors: each task from its submit (in the
submitting thread) to the worker that runs it (``task.start`` sent by that worker process or thread) to its result or
error (``task.done``, sent by the worker before the result travels back, so whoever waits for it sees it after); the
threads that wait for one; and which threads are a pool's own (its workers and helpers).

Only pools and executors the script makes are reported (a manager's, or asyncio's default executor, are not). A task's
callable reaches the worker unchanged: the worker side is hooked through the worker functions, which multiprocessing
pickles by reference to spawned children (the wrappers pickle as the originals), and the queues they read and write.

Task ids: ``<pool>:<job>.<i>`` for a Pool (its job counter, and the chunk's index in a map), ``<pool>:<work id>`` for a
ProcessPoolExecutor, ``<pool>:<n>`` for a ThreadPoolExecutor. A wait on a whole map names its job, ``<pool>:<job>``.
"""

from __future__ import annotations

import collections
import itertools
import os
import signal
import sys
import threading

from tui.inside import kinds as ev
from tui.inside.control import STEPPING_AT
from tui.inside.trace.context import TraceContext, short_repr
from tui.inside.trace.hot import COLD, COOLING, HOT, cooling, too_many
from tui.inside.trace.marks import mark_of
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.own_class import OwnClasses
from tui.inside.trace.sites import assigned_name, caller_outside, is_user_file, pickles_as, site_of

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType, ModuleType
    from typing import Any


# Set on what belongs to a pool the script made: the pool or executor itself, its worker Process objects (they
# travel pickled to spawned workers, and a worker finds its pool on ``current_process()``), a Pool's result cache
# (every helper thread of the pool has it among its arguments) and a ThreadPool's worker threads.
POOL_MARK = "_contui_pool"
# On a future of a traced executor: (task id, pool id, True when its task runs in this process, in a thread) for a
# task told one by one; (the executor's heat, the task's number) for one a hot thread executor counted. Read and
# written as an attribute: a future's ``__dict__``, once asked for, is a dict more for every future to the end.
FUTURE_MARK = "_contui"
POOL_WORKER = "pool-worker"
POOL_HELPER = "pool-helper"
_MAX_ARGS = 6  # arguments shown in a task's args, as reprlib shows a list's items
_MAX_ERROR = 200

# A future's states (concurrent.futures._base's names, which the tracer reads without importing it first).
_PENDING, _RUNNING, _FINISHED = "PENDING", "RUNNING", "FINISHED"
_OVER = frozenset({"FINISHED", "CANCELLED", "CANCELLED_AND_NOTIFIED"})
# A hot executor's summary looks at this many of its counted tasks not over yet (the ones its workers have taken,
# and a few more: see _ExecutorHeat._counts).
_LOOKED_AT = 64
# When a counted task that lasts holds the front, the tasks over behind it are looked for (and let go), at most this
# many futures a tick on average: a look at a million costs milliseconds.
_LET_GO_PER_TICK = 1024

_ids = itertools.count(1)
_native_id = threading.get_native_id


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    # The futures of tasks told one by one get a subclass of Future whose methods report their start and end (see
    # own_class.py); every other future (the library's, a hot executor's) keeps Future's own, at full speed.
    futures = OwnClasses(lambda cls: _future_methods(ctx, cls))
    imports.when_imported("multiprocessing.pool", lambda module: _install_pool(ctx, module))
    imports.when_imported("concurrent.futures._base", lambda module: _install_many_waits(ctx, module))
    imports.when_imported("concurrent.futures", lambda module: _export_waits(module))
    imports.when_imported("concurrent.futures.thread",
                          lambda module: _install_thread_executor(ctx, module, futures))
    imports.when_imported("concurrent.futures.process",
                          lambda module: _install_process_executor(ctx, module, futures))


# -- what is reported of a task ----------------------------------------------------------------------------------
def callable_name(func: Any) -> str:
    func = getattr(func, "func", func)  # functools.partial
    return getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or type(func).__name__


def _call_args(args: Any, kwargs: Any) -> str:
    if not isinstance(args, (tuple, list)):  # any iterable will do for apply_async: never consume the script's
        return short_repr(args)
    shown = [short_repr(a) for a in args[:_MAX_ARGS]]
    if kwargs:
        shown += [f"{k}={short_repr(v)}" for k, v in list(kwargs.items())[:_MAX_ARGS]]
    if len(args) + len(kwargs or ()) > _MAX_ARGS:
        shown.append("...")
    return ", ".join(shown)


def _chunk(func: Any, items: Any) -> dict[str, str]:
    """A chunk of a map is one task: ``f ×4 items``, with the chunk's items."""
    n = len(items)
    return {"func": f"{callable_name(func)} ×{n} item{'' if n == 1 else 's'}", "args": short_repr(list(items))}


def describe(func: Any, args: Any, kwargs: Any = None) -> dict[str, str]:
    """The ``func`` and ``args`` fields of a task, seeing through the pools' own wrappers of a map's chunks."""
    module = getattr(func, "__module__", None)
    if module == "multiprocessing.pool" and getattr(func, "__name__", "") in ("mapstar", "starmapstar"):
        user_func, items = args[0]
        return _chunk(user_func, items)
    inner = getattr(func, "func", None)
    if inner is not None and getattr(inner, "__name__", "") == "_process_chunk" and func.args:
        # ProcessPoolExecutor.map: partial(_process_chunk, fn) over a chunk of argument tuples
        items = [a[0] if len(a) == 1 else a for a in args[0]]
        return _chunk(func.args[0], items)
    return {"func": callable_name(func), "args": _call_args(args, kwargs)}


def error_text(exc: Any) -> str:
    if type(exc).__name__ in ("ExceptionWithTraceback", "_ExceptionWithTraceback"):  # the pools' pickling wrappers
        exc = exc.exc
    text = str(exc)
    if len(text) > _MAX_ERROR:
        text = text[:_MAX_ERROR] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def outcome(ok: bool, value: Any) -> dict[str, str]:
    return {"result": short_repr(value)} if ok else {"error": error_text(value)}


# -- where a pool was made ----------------------------------------------------------------------------------------
def _user_frame(obj: object, skip_files: tuple[str, ...] = ()) -> FrameType | None:
    frame = caller_outside(obj, depth=3, skip_files=skip_files)
    if frame is None or not is_user_file(frame.f_code.co_filename):
        return None
    return frame


def _name_of(frame: FrameType) -> str | None:
    """``pool = Pool()`` → ``pool``; ``with Pool() as pool:`` → ``pool``."""
    name = assigned_name(frame)
    if name is None:
        import linecache
        import re

        match = re.search(r"^\s*with\b.*?\bas\s+([A-Za-z_]\w*)\s*[:,]",
                          linecache.getline(frame.f_code.co_filename, frame.f_lineno))
        name = match.group(1) if match else None
    return name


def _new_pool(ctx: TraceContext, obj: object, kind: str, workers: int, frame: FrameType, t: int) -> str:
    pool_id = getattr(obj, POOL_MARK)
    ctx.emit(ev.POOL_NEW, {"pool": pool_id, "type": kind, "workers": workers, "site": site_of(frame),
                           "name": _name_of(frame)}, t)
    return pool_id


def _mark(obj: object) -> str:
    pool_id = f"P{os.getpid()}.{next(_ids)}"
    setattr(obj, POOL_MARK, pool_id)
    return pool_id


def _marked(obj: object) -> str | None:
    return mark_of(obj, POOL_MARK)  # type: ignore[return-value]


# -- queues seen from one side ------------------------------------------------------------------------------------
class _Relay:
    """Stands in for a pool's queue on one side of it: reports what passes, hands everything else to the queue."""

    def __init__(self, queue: Any, seen: Callable[[Any], None]) -> None:
        self._queue = queue
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._queue, name)
        if getattr(value, "__self__", None) is self._queue:  # a method of the queue (a worker's get): kept, so the
            setattr(self, name, value)  # next call finds it at once instead of coming here again
        return value

    def _report(self, item: Any) -> None:
        try:
            self._seen(item)
        except Exception:  # a report that cannot be made must never break the pool it is about
            pass


class _Taking(_Relay):
    def get(self, *args: Any, **kwargs: Any) -> Any:
        item = self._queue.get(*args, **kwargs)
        self._report(item)
        return item


class _Giving(_Relay):
    def put(self, item: Any, *args: Any, **kwargs: Any) -> None:
        self._report(item)  # first: once the item is in, whoever waits for it may run on
        self._queue.put(item, *args, **kwargs)


class _WorkQueue(_Relay):
    """A thread executor's work queue as its ``submit()`` sees it (the path of every task): each work item (which has
    no number of its own) is numbered as it goes in; while the executor is hot it is only counted (see
    :class:`_ExecutorHeat`), else ``seen(item, number)`` reports it."""

    def __init__(self, queue: Any, seen: Callable[[Any, int], None], heat: _ExecutorHeat) -> None:
        super().__init__(queue, seen)  # type: ignore[arg-type]
        self._numbers = itertools.count(1)
        self._heat = heat

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        if item is not None:  # None: the wake-up of a shutdown
            number = next(self._numbers)
            heat = self._heat
            if heat.mode == HOT:  # inline: a call more per task is what the executor's shape notices
                future = item.future
                future._contui = (heat, number)  # FUTURE_MARK (an attribute: future.__dict__ would make a dict)
                heat.submitted += 1
                heat.futures.append(future)
            else:
                try:
                    self._seen(item, number)  # type: ignore[call-arg]
                except Exception:  # a report that cannot be made must never break the pool it is about
                    pass
        self._queue.put(item, block, timeout)


def _become_worker(ctx: TraceContext) -> None:
    """A worker process's main thread runs the pool's tasks: its role, from itself (its name stays the model's).

    And terminate() ends it at once, as without the tracer. The tracer's SIGTERM handler runs in Python, so only once
    the main thread is back in the interpreter: a worker woken in sem_wait's retry loop (a sibling let go of the task
    queue's lock as the pool shut down) takes the signal between two waits and sleeps on, never to run it, and the
    pool's join waits for ever. Its events are sent as they are made, but within a burst (the emitter's 2 ms)."""
    if signal.getsignal(signal.SIGTERM) is ctx.sigterm_handler:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    ctx.emit(ev.THREAD_START, {"ident": threading.get_ident(), "role": POOL_WORKER})


def pool_role(thread: threading.Thread) -> str | None:
    """``pool-worker`` or ``pool-helper`` for a thread of a pool or executor the script made; None otherwise."""
    if _marked(thread) is not None:  # a ThreadPool's worker (multiprocessing.dummy's DummyProcess)
        return POOL_WORKER
    target = getattr(thread, "_target", None)
    if target is None:
        ref = getattr(thread, "executor_reference", None)  # a ProcessPoolExecutor's management thread
        if ref is not None and type(thread).__module__ == "concurrent.futures.process":
            return POOL_HELPER if _marked(ref()) else None
        return None
    module = getattr(target, "__module__", None)
    if module == "multiprocessing.pool":  # _handle_workers, _handle_tasks, _handle_results: the pool's cache is an arg
        return POOL_HELPER if any(_marked(a) for a in thread._args) else None  # type: ignore[attr-defined]
    if module == "concurrent.futures.thread":  # a ThreadPoolExecutor's worker: a weak reference to its executor first
        args = thread._args  # type: ignore[attr-defined]
        return POOL_WORKER if args and callable(args[0]) and _marked(args[0]()) else None
    return None


# -- multiprocessing.Pool -----------------------------------------------------------------------------------------
def _install_pool(ctx: TraceContext, pool_mod: ModuleType) -> None:
    from multiprocessing import context as mp_context

    emit = ctx.emitter.emit
    Pool = pool_mod.Pool
    # multiprocessing.Pool() and multiprocessing.dummy.Pool() make it for the script
    factories = (mp_context.__file__, os.path.join(os.path.dirname(pool_mod.__file__), "dummy", "__init__.py"))

    def task_id(pool_id: str, task: Any) -> str:
        return f"{pool_id}:{task[0]}.{task[1]}"  # (job, i, func, args, kwds)

    def announce(pool_id: str, task: Any, t: int | None = None, by: int | None = None) -> None:
        fields = {"task": task_id(pool_id, task), "pool": pool_id, **describe(task[2], task[3], task[4])}
        if by is not None and by != _native_id():
            fields["by"] = by  # the thread that asked (imap's tasks are made later, by the pool's task handler)
        emit(ev.TASK_SUBMIT, fields, t)

    orig_init = Pool.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        frame = _user_frame(self, factories)
        if frame is None:
            return orig_init(self, *args, **kwargs)
        t = ctx.emitter.now()
        pool_id = _mark(self)
        make = type(self).Process  # a staticmethod: Process(ctx, *args, **kwds)

        def Process(*a: Any, **kw: Any) -> Any:  # every worker, also those that replace one later, knows its pool
            worker = make(*a, **kw)
            setattr(worker, POOL_MARK, pool_id)
            return worker

        self.Process = Process
        orig_init(self, *args, **kwargs)
        _new_pool(ctx, self, type(self).__name__, self._processes, frame, t)

    orig_repopulate = Pool._repopulate_pool

    def _repopulate_pool(self: Any) -> Any:
        pool_id = _marked(self)
        if pool_id is not None:  # made in __init__ just before; every helper thread gets it among its arguments
            setattr(self._cache, POOL_MARK, pool_id)
        return orig_repopulate(self)

    orig_apply_async = Pool.apply_async

    def apply_async(self: Any, func: Any, args: Any = (), kwds: Any = {}, callback: Any = None,
                    error_callback: Any = None) -> Any:
        pool_id = _marked(self)
        if pool_id is None:
            return orig_apply_async(self, func, args, kwds, callback, error_callback)
        t = ctx.emitter.now()  # before the task is on its way: its worker's start is always later
        result = orig_apply_async(self, func, args, kwds, callback, error_callback)
        announce(pool_id, (result._job, 0, func, args, kwds), t)
        return result

    orig_generate = Pool._guarded_task_generation

    def _guarded_task_generation(self: Any, result_job: int, func: Any, iterable: Any) -> Any:
        pool_id = _marked(self)
        if pool_id is None:
            return orig_generate(self, result_job, func, iterable)
        if sys._getframe(1).f_code.co_name == "_map_async":
            # map and starmap: the chunks of a list, all known now: every task is submitted by this call
            chunks = list(iterable)
            for i, chunk in enumerate(chunks):
                announce(pool_id, (result_job, i, func, (chunk,), {}))
            return orig_generate(self, result_job, func, chunks)
        # imap: the task handler takes items from the script's iterable one by one, as the workers need them
        return _announced(orig_generate(self, result_job, func, iterable), pool_id, _native_id())

    def _announced(tasks: Any, pool_id: str, by: int) -> Any:
        for task in tasks:
            announce(pool_id, task, by=by)
            yield task

    orig_handle_tasks = Pool._handle_tasks

    def _handle_tasks(taskqueue: Any, put: Any, outqueue: Any, pool: Any, cache: Any) -> Any:
        pool_id = _marked(cache)
        if pool_id is not None:
            put = _failing_reported(put, pool_id)
        return orig_handle_tasks(taskqueue, put, outqueue, pool, cache)

    def _failing_reported(put: Any, pool_id: str) -> Any:
        def send(task: Any) -> None:
            try:
                put(task)
            except Exception as exc:  # a task that cannot be pickled never reaches a worker: it failed here
                if task is not None:
                    emit(ev.TASK_DONE, {"task": task_id(pool_id, task), "pool": pool_id, "error": error_text(exc)})
                raise

        return send

    orig_worker = pool_mod.worker

    def worker(inqueue: Any, outqueue: Any, *args: Any, **kwargs: Any) -> Any:
        pool_id = getattr(threading.current_thread(), POOL_MARK, None)  # a ThreadPool's worker thread
        if pool_id is None:
            pool_id = getattr(_current_process(), POOL_MARK, None)
            if pool_id is None:
                return orig_worker(inqueue, outqueue, *args, **kwargs)
            _become_worker(ctx)

        def started(task: Any) -> None:
            if task is not None:
                emit(ev.TASK_START, {"task": task_id(pool_id, task), "pool": pool_id})

        def finished(result: Any) -> None:
            job, i, (ok, value) = result
            emit(ev.TASK_DONE, {"task": f"{pool_id}:{job}.{i}", "pool": pool_id, **outcome(ok, value)})

        return orig_worker(_Taking(inqueue, started), _Giving(outqueue, finished), *args, **kwargs)

    Pool.__init__ = __init__
    Pool._repopulate_pool = _repopulate_pool
    Pool.apply_async = apply_async
    Pool._guarded_task_generation = _guarded_task_generation
    Pool._handle_tasks = staticmethod(pickles_as(_handle_tasks, "multiprocessing.pool", "_handle_tasks"))
    # the target of every worker process, pickled by reference to spawned ones: there it is this wrapper again
    pool_mod.worker = pickles_as(worker, "multiprocessing.pool", "worker")
    _install_pool_waits(ctx, pool_mod)


def _install_pool_waits(ctx: TraceContext, pool_mod: ModuleType) -> None:
    """A thread in ``AsyncResult.get()``/``.wait()`` (and so in ``Pool.map``/``apply``) or in an imap's ``next()``
    waits for tasks: for one task (apply_async) or a whole job (a map's, named ``<pool>:<job>``)."""
    emit = ctx.emitter.emit
    pool_file = pool_mod.__file__
    ApplyResult = pool_mod.ApplyResult
    MapResult = pool_mod.MapResult
    IMapIterator = pool_mod.IMapIterator

    def waited(result: Any) -> str | None:
        pool_id = _marked(result._pool)  # None once the result is in
        if pool_id is None:
            return None
        single = not isinstance(result, (MapResult, IMapIterator))
        return f"{pool_id}:{result._job}.0" if single else f"{pool_id}:{result._job}"

    def call_of(frame: FrameType) -> str:
        if frame.f_code.co_name != "get":
            return "AsyncResult.wait"
        outer = frame.f_back
        if outer is not None and outer.f_code.co_filename == pool_file and outer.f_code.co_name in (
            "map", "starmap", "apply",
        ):
            return f"Pool.{outer.f_code.co_name}"
        return "AsyncResult.get"

    orig_wait = ApplyResult.wait

    def wait(self: Any, timeout: float | None = None) -> Any:
        obj = None if self._event.is_set() else waited(self)
        if obj is None:
            return orig_wait(self, ctx.scaled(timeout))
        fields = {"call": call_of(sys._getframe(1)), "object": obj}
        emit(ev.WAIT, {**fields, "phase": "begin"})
        try:
            return orig_wait(self, ctx.scaled(timeout))
        finally:
            emit(ev.WAIT, {**fields, "phase": "end"})

    orig_next = IMapIterator.next

    def next_item(self: Any, timeout: float | None = None) -> Any:
        obj = None if self._items or self._index == self._length else waited(self)
        if obj is None:
            return orig_next(self, ctx.scaled(timeout))
        fields = {"call": "IMapIterator.next", "object": obj}
        emit(ev.WAIT, {**fields, "phase": "begin"})
        try:
            return orig_next(self, ctx.scaled(timeout))
        finally:
            emit(ev.WAIT, {**fields, "phase": "end"})

    ApplyResult.wait = wait
    IMapIterator.next = IMapIterator.__next__ = next_item  # __next__ is the same function, bound apart


# -- concurrent.futures -------------------------------------------------------------------------------------------
def _future_methods(ctx: TraceContext, Future: type) -> dict[str, Any]:
    """The methods of a future whose task is told one by one (a wait in ``result()`` is reported by its condition,
    see ``_track``): a ThreadPoolExecutor's task starts and ends in its future's hands (in the worker thread); a task
    that never reached a worker of a ProcessPoolExecutor (it could not be pickled, the pool broke) fails in the
    parent; a cancelled one never runs."""
    emit = ctx.emitter.emit
    orig_running = Future.set_running_or_notify_cancel
    orig_cancel = Future.cancel

    def set_running_or_notify_cancel(self: Any) -> bool:
        running = orig_running(self)
        task = getattr(self, FUTURE_MARK)
        if running and task[2]:
            emit(ev.TASK_START, {"task": task[0], "pool": task[1]})
        return running

    def traced_outcome(orig: Callable[[Any, Any], None], ok: bool) -> Callable[[Any, Any], None]:
        def set_outcome(self: Any, value: Any) -> None:
            task = getattr(self, FUTURE_MARK)
            if task[2] or (not ok and sys._getframe(1).f_code.co_name != "process_result_item"):
                emit(ev.TASK_DONE, {"task": task[0], "pool": task[1], **outcome(ok, value)})
            orig(self, value)

        return set_outcome

    def cancel(self: Any) -> bool:
        cancelled = orig_cancel(self)
        if cancelled:
            task = getattr(self, FUTURE_MARK)
            emit(ev.TASK_DONE, {"task": task[0], "pool": task[1], "cancelled": True})
        return cancelled

    return {"set_running_or_notify_cancel": set_running_or_notify_cancel,
            "set_result": traced_outcome(Future.set_result, True),
            "set_exception": traced_outcome(Future.set_exception, False), "cancel": cancel}


class _WaitedCondition:
    """A traced future's condition, as the future sees it: a wait in it (``result()`` or ``exception()`` for a task
    not over yet) is a wait for the task. The future's own methods stay the real ones, so an error that ``result()``
    raises again has no frame of the tracer's in its traceback."""

    def __init__(self, condition: Any, ctx: TraceContext, task: str) -> None:
        self._condition = condition
        self._ctx = ctx
        self._task = task

    def __enter__(self) -> Any:
        return self._condition.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self._condition.__exit__(*exc)

    def wait(self, timeout: float | None = None) -> bool:
        ctx = self._ctx
        fields = {"call": f"Future.{sys._getframe(1).f_code.co_name}", "object": self._task}  # result or exception
        ctx.emit(ev.WAIT, {**fields, "phase": "begin"})
        try:
            return self._condition.wait(ctx.scaled(timeout))
        finally:
            ctx.emit(ev.WAIT, {**fields, "phase": "end"})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._condition, name)


def _track(ctx: TraceContext, futures: OwnClasses, future: Any, task: str, pool_id: str, local: bool) -> None:
    """A future of a traced executor whose task is told one by one: its task's id and pool, and whether its task
    runs here (in a thread)."""
    setattr(future, FUTURE_MARK, (task, pool_id, local))
    future._condition = _WaitedCondition(future._condition, ctx, task)
    futures.adopt(future)


def _task_of(future: Any) -> str | None:
    """The id of a traced executor's task, from its future (None: not one)."""
    mark = getattr(future, FUTURE_MARK, None)
    if mark is None:
        return None
    if isinstance(mark[0], _ExecutorHeat):  # counted: numbered, never told
        return f"{mark[0].pool}:{mark[1]}"
    return mark[0]


def _install_many_waits(ctx: TraceContext, base: ModuleType) -> None:
    """``wait()`` and ``as_completed()`` wait for several tasks at once: ``tasks`` lists them, ``object`` is None."""
    emit = ctx.emitter.emit
    orig_wait = base.wait
    orig_as_completed = base.as_completed
    done_states = (base.FINISHED, base.CANCELLED_AND_NOTIFIED)

    def pending(fs: Any) -> list[str]:
        return [task for f in fs if f._state not in done_states and (task := _task_of(f)) is not None]

    def wait(fs: Any, timeout: float | None = None, return_when: str = base.ALL_COMPLETED) -> Any:
        fs = list(fs)
        tasks = pending(fs)
        if not tasks:
            return orig_wait(fs, ctx.scaled(timeout), return_when)
        fields = {"call": "futures.wait", "object": None, "tasks": tasks}
        emit(ev.WAIT, {**fields, "phase": "begin"})
        try:
            return orig_wait(fs, ctx.scaled(timeout), return_when)
        finally:
            emit(ev.WAIT, {**fields, "phase": "end"})

    def as_completed(fs: Any, timeout: float | None = None) -> Any:
        fs = list(fs)  # here, at the first next(), as as_completed itself reads them
        left = set(fs)
        results = orig_as_completed(fs, ctx.scaled(timeout))
        try:
            while True:
                tasks = [] if any(f._state in done_states for f in left) else pending(left)
                if tasks:  # nothing is ready yet: the next one has to be waited for
                    fields = {"call": "as_completed", "object": None, "tasks": tasks}
                    emit(ev.WAIT, {**fields, "phase": "begin"})
                    try:
                        future = results.__next__()
                    except StopIteration:
                        return
                    finally:
                        emit(ev.WAIT, {**fields, "phase": "end"})
                else:
                    try:
                        future = results.__next__()
                    except StopIteration:
                        return
                left.discard(future)
                yield future
        finally:
            results.close()

    base.wait = pickles_as(wait, base.__name__, "wait")
    base.as_completed = pickles_as(as_completed, base.__name__, "as_completed")


def _export_waits(package: ModuleType) -> None:
    """concurrent.futures names _base's functions as its own: the traced ones (its _base is hooked by now)."""
    base = sys.modules.get("concurrent.futures._base")
    if base is not None:
        package.wait = base.wait
        package.as_completed = base.as_completed


def _trace_executor(ctx: TraceContext, futures: OwnClasses, Executor: type, local: bool,
                    follow: Callable[[Any, Callable[[Any, Any], None], _ExecutorHeat | None], None]) -> None:
    """The script's own executors of this class: said when made, and ``follow(executor, submitted, heat)`` hooks
    the place where its ``submit()`` hands a work item on, to call ``submitted(item, number)`` there, in the
    submitting thread and before any worker can take it (unless ``heat`` is hot: then the hook counts the item
    itself). ``local``: its tasks run in this process (threads)."""
    emit = ctx.emitter.emit
    orig_init = Executor.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        frame = _user_frame(self)
        if frame is None:
            return orig_init(self, *args, **kwargs)
        t = ctx.emitter.now()
        orig_init(self, *args, **kwargs)
        pool_id = _mark(self)
        # A thread executor's tasks start and end in this process: while tasks come faster than a person could
        # follow, each is counted, from its submit to its end.
        heat = _ExecutorHeat(ctx, pool_id) if local else None

        def submitted(item: Any, number: Any) -> None:
            if heat is not None and heat.mode != COLD:  # cooling: this submit ends the span
                heat.end()
            task = f"{pool_id}:{number}"
            _track(ctx, futures, item.future, task, pool_id, local)
            emit(ev.TASK_SUBMIT, {"task": task, "pool": pool_id, **describe(item.fn, item.args, item.kwargs)})
            if heat is not None:
                heat.note(ctx.emitter.now())

        follow(self, submitted, heat)
        _new_pool(ctx, self, type(self).__name__, self._max_workers, frame, t)

    Executor.__init__ = __init__


def _current_process() -> Any:
    """multiprocessing's current process: only asked for by a pool's worker, so multiprocessing is loaded by then
    (importing it at the tracer's start cost every traced interpreter ~8 ms: socket, selectors, subprocess)."""
    from multiprocessing import process

    return process.current_process()


class _ExecutorHeat:
    """A thread executor's tasks while it is hot (see hot.py): a task submitted then is counted, and so are its start
    and its end, whenever they come. The counts run from the executor's first hot moment; a summary (``task.summary``)
    carries them while they change, and says ``done`` once the span is over and every counted task has ended.

    A counted task's future keeps Future's own methods: its start and end are read from the future's state at each
    tick instead. The counted futures wait in submit order (``futures``, appended by the work queue's ``put``), which is
    the order the workers take them in; those over leave from the front, and are counted as they leave."""

    __slots__ = ("ctx", "pool", "mode", "window_start", "window_n", "since", "submitted", "left", "ticked", "told",
                 "futures", "front", "credit")

    def __init__(self, ctx: TraceContext, pool: str) -> None:
        self.ctx = ctx
        self.pool = pool
        self.mode = COLD
        self.window_start = self.window_n = self.since = 0
        self.submitted = 0
        self.left = [0, 0, 0, 0]  # started, done, failed, cancelled: of the tasks that left the queue below
        self.ticked = 0
        self.told: tuple[int, ...] = ()
        self.futures: collections.deque[Any] = collections.deque()
        self.front: Any = None  # the first of them at the last tick
        self.credit = 0  # futures that may be looked at for those over behind the front (see _let_go)

    def note(self, t: int) -> None:
        """A task submitted as an event: one too many within the window and the executor is hot."""
        if too_many(self, t, self.ctx.hot):
            self.mode = HOT
            self.since = self.since or t
            self.ctx.hot.add(self.pool, self.tick, self.end, self.reset)

    def _counts(self) -> tuple[int, int, int, int, int]:
        """(submitted, started, done, failed, cancelled): the futures over leave the front of the queue (only here,
        under the summaries' lock: the work queue's ``put`` only appends), the first few still in it are looked at."""
        futures = self.futures
        while futures and futures[0]._state in _OVER:
            _tally(self.left, futures.popleft())
        counts = list(self.left)
        for i in range(min(len(futures), _LOOKED_AT)):  # by index: put() may append meanwhile
            _tally(counts, futures[i])
        return (self.submitted, *counts)

    def _let_go(self) -> bool:
        """A counted task that has lasted since the last tick holds the front: the tasks over behind it leave too
        (counted as they leave), so that their results are not kept alive by the tracer. True if they were looked
        for."""
        futures = self.futures
        front = futures[0] if futures else None
        if front is None or front is not self.front:
            self.front, self.credit = front, 0
            return False
        self.credit += _LET_GO_PER_TICK
        if self.credit < len(futures):
            return False
        self.credit = 0
        for _ in range(len(futures)):
            future = futures.popleft()
            if future._state in _OVER:
                _tally(self.left, future)
            else:
                futures.append(future)  # after any appended meanwhile: the order is only nearly kept
        self.front = futures[0] if futures else None
        return True

    def tick(self, cpu_ns: int) -> bool:
        if self.mode == HOT and (cooling(self.submitted - self.ticked, cpu_ns) or self.ctx.steps[STEPPING_AT]):
            self.mode = COOLING  # the next submit ends the span
        self.ticked = self.submitted
        counts = self._counts()
        if self._let_go():
            counts = self._counts()
        if self.mode == COLD and not self.futures:
            self._tell(counts, True)
            self.ctx.hot.closed(self.pool)
            return False
        if counts != self.told:
            self._tell(counts, False)
            return True
        # Quiet: ticks go on while counted tasks are not over (they end whenever they do), else stop until the
        # span ends.
        return bool(self.futures) or self.mode == COLD

    def end(self) -> None:
        """The span is over (a submit after the rate dropped, or the process's end): its counted tasks that have
        not ended yet are still counted, and told, as they end."""
        with self.ctx.hot.telling:  # never between a tick's look at the counts and its summary (see hot.py)
            self.mode = COLD
            counts = self._counts()
            if self.futures:
                self._tell(counts, False)
                self.ctx.hot.add(self.pool, self.tick, self.end, self.reset)  # ticks until they have
            else:
                self._tell(counts, True)
                self.ctx.hot.closed(self.pool)

    def reset(self) -> None:
        """In a forked child: the futures counted are the parent's."""
        self.mode = COLD
        self.futures = collections.deque()
        self.front = None

    def _tell(self, counts: tuple[int, ...], done: bool) -> None:
        self.told = counts
        emitter = self.ctx.emitter
        emitter.emit_for(emitter.pid, ev.TASK_SUMMARY, {
            "pool": self.pool, "since": self.since - emitter.t0,
            "n": dict(zip(("submit", "start", "done", "failed", "cancelled"), counts)), "done": done})


def _tally(counts: list[int], future: Any) -> None:
    """Add what ``future``'s state says of its task to ``counts`` (started, done, failed, cancelled)."""
    state = future._state
    if state == _RUNNING:
        counts[0] += 1
    elif state == _FINISHED:
        counts[0] += 1
        counts[1 if future._exception is None else 2] += 1
    elif state != _PENDING:
        counts[3] += 1


def _install_thread_executor(ctx: TraceContext, thread_mod: ModuleType, futures: OwnClasses) -> None:
    def follow(executor: Any, submitted: Callable[[Any, Any], None], heat: _ExecutorHeat | None) -> None:
        executor._work_queue = _WorkQueue(executor._work_queue, submitted, heat)

    _trace_executor(ctx, futures, thread_mod.ThreadPoolExecutor, True, follow)


class _TaggingContext:
    """A ProcessPoolExecutor's multiprocessing context, as the executor sees it: every worker it makes knows its
    pool. Everything else is the context's own."""

    def __init__(self, context: Any, pool_id: str) -> None:
        self._context = context
        self._pool_id = pool_id

    def Process(self, *args: Any, **kwargs: Any) -> Any:
        worker = self._context.Process(*args, **kwargs)
        setattr(worker, POOL_MARK, self._pool_id)
        return worker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _install_process_executor(ctx: TraceContext, process_mod: ModuleType, futures: OwnClasses) -> None:
    emit = ctx.emitter.emit

    def follow(executor: Any, submitted: Callable[[Any, Any], None], _heat: _ExecutorHeat | None) -> None:
        executor._mp_context = _TaggingContext(executor._mp_context, _marked(executor))
        pending = executor._pending_work_items  # work id -> work item: the executor's own dict for its whole life
        work_ids = executor._work_ids
        orig_put = work_ids.put

        def put(work_id: int, *args: Any, **kwargs: Any) -> None:  # in submit(), under the executor's lock
            item = pending.get(work_id)
            if item is not None:
                submitted(item, work_id)
            orig_put(work_id, *args, **kwargs)

        work_ids.put = put

    _trace_executor(ctx, futures, process_mod.ProcessPoolExecutor, False, follow)

    orig_worker = process_mod._process_worker

    def _process_worker(call_queue: Any, result_queue: Any, *args: Any, **kwargs: Any) -> Any:
        pool_id = getattr(_current_process(), POOL_MARK, None)
        if pool_id is None:
            return orig_worker(call_queue, result_queue, *args, **kwargs)
        _become_worker(ctx)

        def started(call: Any) -> None:
            if call is not None:
                emit(ev.TASK_START, {"task": f"{pool_id}:{call.work_id}", "pool": pool_id})

        def finished(result: Any) -> None:
            work_id = getattr(result, "work_id", None)  # also put: this worker's pid, as it leaves
            if work_id is not None:
                failed = result.exception is not None
                fields = outcome(not failed, result.exception if failed else result.result)
                emit(ev.TASK_DONE, {"task": f"{pool_id}:{work_id}", "pool": pool_id, **fields})

        return orig_worker(_Taking(call_queue, started), _Giving(result_queue, finished), *args, **kwargs)

    # the target of every worker process, pickled by reference to spawned ones: there it is this wrapper again
    process_mod._process_worker = pickles_as(_process_worker, process_mod.__name__, "_process_worker")
