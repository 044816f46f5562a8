"""The fold of pools and executors (multiprocessing Pool and ThreadPool, concurrent.futures' ThreadPoolExecutor and
ProcessPoolExecutor): each task from its submit to the worker that runs it to its result or error, and for each worker
thread the task it runs now and how many it has run.

Events of different processes arrive in batches, not in the order they happened: a task's start (sent by its worker)
may be folded before its submit (sent by the submitting process), and its done before either. Each record is made on
first mention and filled in by whatever comes, so the state is the same whichever order they come in.

Task ids are ``<pool>:<job>.<i>`` for a Pool (``<pool>:<job>`` names the whole job of a map, as a wait on it does),
``<pool>:<n>`` for the executors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tui.engine.model.core import Fields, ModelCore, handles
from tui.engine.model.records import UNKNOWN, Key, Part, ProcessNode
from tui.inside import kinds as ev


class TaskState(StrEnum):
    QUEUED = "queued"  # submitted; no worker has taken it yet
    RUNNING = "running"  # a worker runs it now
    DONE = "done"  # it returned (``result``)
    FAILED = "failed"  # it raised (``error``), or could not reach a worker (a task that cannot be pickled)
    CANCELLED = "cancelled"  # cancelled before any worker took it (Future.cancel, shutdown(cancel_futures=True))
    LOST = "lost"  # its worker ended while running it, or its pool's process ended before any worker took it


ENDED = frozenset({TaskState.DONE, TaskState.FAILED, TaskState.CANCELLED})


@dataclass(slots=True)
class PoolRecord:
    """A pool or executor the script made."""

    id: str
    type: str = UNKNOWN  # "Pool", "ThreadPool", "ThreadPoolExecutor", "ProcessPoolExecutor"
    workers: int | None = None  # how many workers it may have
    site: str | None = None  # "file.py:line" where the script made it
    name: str | None = None  # the variable it was assigned to (``pool = Pool()``, ``with Pool() as pool``)
    created_by: int | None = None  # the pid of the process that made it (and submits to it)
    created_t: int | None = None
    tasks: list[str] = field(default_factory=list)  # its task ids, in the order they were first mentioned
    seq: int = 0  # the model's event count when it was first mentioned: views list pools in this order
    # Tasks a hot executor counted instead of telling (task.summary): by what happened to them, all its processes
    # together; and, by pid, the latest counts and summary time of a span not over yet.
    counted: dict[str, int] = field(default_factory=dict)
    counted_by: dict[int, dict[str, int]] = field(default_factory=dict)  # pid -> its latest counts
    counting: dict[int, int] = field(default_factory=dict)  # pid -> the latest summary's time, while not over

    @property
    def label(self) -> str:
        return f"{self.name} ({self.type})" if self.name else self.type


@dataclass(slots=True)
class TaskRecord:
    """One task: a call of ``submit``/``apply_async``, or one chunk of a map (``func`` is then ``f ×4 items``)."""

    id: str
    pool: str
    func: str = UNKNOWN  # the callable's name; ``f ×4 items`` for a chunk of a map
    args: str = ""  # its arguments, short (``0.1``; ``[0, 1, 2, 3]`` for a chunk: its items)
    submitted_by: Key | None = None  # the thread that submitted it (for imap: the one that called imap)
    run_by: Key | None = None  # the worker thread that ran it (a worker process's main thread: (pid, pid))
    state: TaskState = TaskState.QUEUED
    result: str | None = None  # short repr of what it returned
    error: str | None = None  # "ValueError: message"
    submitted_t: int | None = None
    started_t: int | None = None
    done_t: int | None = None
    seq: int = 0
    _counted: bool = field(default=False, repr=False)  # counted in its worker's ``ran``

    @property
    def ended(self) -> bool:
        return self.state in ENDED

    @property
    def call(self) -> str:
        """How the views name it: ``sleep(0.1)``, or ``f ×4 items [0, 1, 2, 3]`` for a chunk."""
        if "×" in self.func:
            return f"{self.func} {self.args}"
        return f"{self.func}({self.args})"


@dataclass(slots=True)
class TaskWorker:
    """A thread that runs a pool's tasks: a worker process's main thread, or a worker thread."""

    key: Key
    pool: str | None = None
    current: str | None = None  # the id of the task it runs now
    ran: int = 0  # tasks it has finished (done or failed)
    tasks: list[str] = field(default_factory=list)  # every task it started (in the order their starts came)


class TaskFold(ModelCore):
    def __init__(self) -> None:
        super().__init__()
        self.pools: dict[str, PoolRecord] = {}
        self.tasks: dict[str, TaskRecord] = {}
        self.task_workers: dict[Key, TaskWorker] = {}
        self._jobs: dict[str, list[str]] = {}  # a Pool's job id -> its tasks' ids

    # -- what the views ask -----------------------------------------------------------------------------------
    def pool(self, pool_id: str) -> PoolRecord | None:
        return self.pools.get(pool_id)

    def task(self, task_id: str) -> TaskRecord | None:
        return self.tasks.get(task_id)

    def tasks_in(self, pool_id: str) -> list[TaskRecord]:
        p = self.pools.get(pool_id)
        return [self.tasks[t] for t in p.tasks] if p is not None else []

    def task_counts(self, pool_id: str) -> dict[TaskState, int]:
        """How many of the pool's tasks are in each state (every state, 0 if none), counted ones included."""
        counts = dict.fromkeys(TaskState, 0)
        for task in self.tasks_in(pool_id):
            counts[task.state] += 1
        pool = self.pools.get(pool_id)
        if pool is not None and pool.counted:
            n = pool.counted.get
            ended = n("done", 0) + n("failed", 0)
            counts[TaskState.QUEUED] += max(n("submit", 0) - n("start", 0) - n("cancelled", 0), 0)
            counts[TaskState.RUNNING] += max(n("start", 0) - ended, 0)
            counts[TaskState.DONE] += n("done", 0)
            counts[TaskState.FAILED] += n("failed", 0)
            counts[TaskState.CANCELLED] += n("cancelled", 0)
        return counts

    def task_running(self, pid: int, tid: int) -> TaskRecord | None:
        """The task this thread runs now, if it is a pool's worker and runs one."""
        worker = self.task_workers.get((pid, tid or pid))
        return self.tasks.get(worker.current) if worker is not None and worker.current else None

    def tasks_of(self, pid: int, tid: int) -> list[TaskRecord]:
        """Every task this thread has started, in start order (the one it runs now last)."""
        worker = self.task_workers.get((pid, tid or pid))
        if worker is None:
            return []
        return sorted((self.tasks[t] for t in worker.tasks), key=lambda task: task.started_t or 0)

    def tasks_ran(self, pid: int, tid: int) -> int:
        """How many tasks this thread has finished (done or failed)."""
        worker = self.task_workers.get((pid, tid or pid))
        return worker.ran if worker is not None else 0

    def worker_pool(self, pid: int, tid: int) -> PoolRecord | None:
        """The pool whose tasks this thread runs, if any."""
        worker = self.task_workers.get((pid, tid or pid))
        return self.pools.get(worker.pool) if worker is not None and worker.pool else None

    def tasks_waited(self, obj: str | None) -> list[TaskRecord]:
        """The tasks a ``wait`` event's ``object`` names: one task, or every task of a Pool's job (a map's)."""
        if obj is None:
            return []
        task = self.tasks.get(obj)
        if task is not None:
            return [task]
        return [self.tasks[t] for t in self._jobs.get(obj, ())]

    # -- the fold ---------------------------------------------------------------------------------------------
    def _pool_record(self, pool_id: str) -> PoolRecord:
        p = self.pools.get(pool_id)
        if p is None:
            p = self.pools[pool_id] = PoolRecord(str(pool_id), seq=self.events)
        return p

    def _task(self, f: Fields) -> TaskRecord:
        task_id = f["task"]
        task = self.tasks.get(task_id)
        if task is None:
            pool_id = f.get("pool") or str(task_id).partition(":")[0]
            task = self.tasks[task_id] = TaskRecord(str(task_id), str(pool_id), seq=self.events)
            self._pool_record(task.pool).tasks.append(task.id)
            pool_part, _, local = task.id.partition(":")
            if "." in local:  # a Pool's task: <pool>:<job>.<i>
                self._jobs.setdefault(f"{pool_part}:{local.split('.')[0]}", []).append(task.id)
        return task

    def _worker(self, key: Key) -> TaskWorker:
        worker = self.task_workers.get(key)
        if worker is None:
            worker = self.task_workers[key] = TaskWorker(key)
        return worker

    @handles(ev.POOL_NEW)
    def _pool_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        p = self._pool_record(f["pool"])
        p.type = f.get("type") or p.type
        p.workers = f.get("workers", p.workers)
        p.site = f.get("site", p.site)
        p.name = f.get("name", p.name)
        p.created_by = pid
        p.created_t = t
        self.touch(Part.PROCESSES, Part.QUEUES)

    @handles(ev.TASK_SUBMIT)
    def _task_submit(self, t: int, pid: int, tid: int, f: Fields) -> None:
        task = self._task(f)
        task.func = f.get("func") or task.func
        task.args = f.get("args", task.args)
        by = f.get("by") or tid or pid  # imap's tasks are made by the pool's task handler for the thread in "by"
        self._thread(pid, by, t)
        task.submitted_by = (pid, by)
        task.submitted_t = t
        self.touch(Part.PROCESSES, Part.QUEUES)

    @handles(ev.TASK_START)
    def _task_start(self, t: int, pid: int, tid: int, f: Fields) -> None:
        task = self._task(f)
        th = self._thread(pid, tid, t)
        task.run_by = th.key
        task.started_t = t
        worker = self._worker(th.key)
        worker.pool = task.pool
        if task.id not in worker.tasks:
            worker.tasks.append(task.id)
        if task.ended:  # its done was folded first
            self._count(task)
        else:
            task.state = TaskState.RUNNING
            current = self.tasks.get(worker.current) if worker.current else None
            # one thread runs one task at a time: a start older than the current one's is of a task already over
            if current is None or current.started_t is None or current.started_t <= t:
                worker.current = task.id
        self.touch(Part.PROCESSES, Part.QUEUES)

    @handles(ev.TASK_DONE)
    def _task_done(self, t: int, pid: int, tid: int, f: Fields) -> None:
        task = self._task(f)
        task.done_t = t
        if f.get("cancelled"):
            task.state = TaskState.CANCELLED
        elif "error" in f:
            task.state = TaskState.FAILED
            task.error = f.get("error")
        else:
            task.state = TaskState.DONE
            task.result = f.get("result")
        if task.run_by is not None:
            worker = self._worker(task.run_by)
            if worker.current == task.id:
                worker.current = None
            self._count(task)
        self.touch(Part.PROCESSES, Part.QUEUES)

    @handles(ev.TASK_SUMMARY)
    def _task_summary(self, t: int, pid: int, tid: int, f: Fields) -> None:
        """A hot executor's counts in ``pid`` since its first hot moment: what changed since its last summary."""
        pool = self._pool_record(str(f["pool"]))
        before = pool.counted_by.get(pid, {})
        now = {str(k): int(v) for k, v in (f.get("n") or {}).items()}
        for what, n in now.items():
            pool.counted[what] = pool.counted.get(what, 0) + n - before.get(what, 0)
        pool.counted_by[pid] = now
        if f.get("done"):
            pool.counting.pop(pid, None)
        else:
            pool.counting[pid] = t
        self.touch(Part.PROCESSES, Part.QUEUES)

    def _count(self, task: TaskRecord) -> None:
        if not task._counted and task.run_by is not None and task.state in (TaskState.DONE, TaskState.FAILED):
            task._counted = True
            self._worker(task.run_by).ran += 1

    def _lose(self, task: TaskRecord, t: int) -> None:
        task.state = TaskState.LOST
        task.done_t = t
        self.touch(Part.PROCESSES, Part.QUEUES)

    # -- ends -------------------------------------------------------------------------------------------------
    def _forget_waits(self, pid: int, tid: int | None) -> None:
        if tid is not None:  # one thread ended (a whole process: _process_gone)
            worker = self.task_workers.get((pid, tid))
            if worker is not None and worker.current is not None:
                task = self.tasks[worker.current]
                worker.current = None
                if not task.ended:
                    self._lose(task, self.now)
        super()._forget_waits(pid, tid)

    def _process_gone(self, p: ProcessNode, t: int) -> None:
        """A worker process ended: the task it ran is lost. The process that made a pool ended: its tasks that no
        worker took never will (a LOST task that a late start or done then speaks of takes that state instead)."""
        for key, worker in self.task_workers.items():
            if key[0] == p.pid and worker.current is not None:
                task = self.tasks[worker.current]
                worker.current = None
                if not task.ended:
                    self._lose(task, t)
        for pool in self.pools.values():
            if pool.created_by == p.pid:
                for task_id in pool.tasks:
                    task = self.tasks[task_id]
                    if task.state is TaskState.QUEUED:
                        self._lose(task, t)
        super()._process_gone(p, t)
