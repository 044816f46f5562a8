"""The event kinds of the protocol and the fields each carries; no imports, so a traced process loads it cheaply."""

# 2: recordings start with a header, and an event's fields sit under a key of their own (tui/engine/jsonl.py).
# 3: per-thread OS states in samples; conditions, events, barriers, semaphores, pipes, tasks, signals, values,
#    manager calls and blocking calls the tracer knows (docs/protocol.md lists every kind and field).
PROTOCOL_VERSION = 3
# The run's reaper names itself this (its process name, prctl PR_SET_NAME); views call its pid by it.
REAPER_NAME = "contui-reaper"

# Kinds, with the fields each carries beside t/kind/pid/tid. ``pid``/``tid`` are always the emitter's
# (for ``sample`` the sampled process). Other processes are named in ``child``.
RUN_START = "run.start"  # target, cwd, speed, start_method, args, reaper (pid of the run's subreaper)
RUN_END = "run.end"  # code: the main process's exit code (128+N style is the CLI's business: here -N)
FRAMES_DROPPED = "frames.dropped"  # count: malformed frames contui has dropped from the pipe so far (contui's own)
RUN_LOST = "run.lost"  # (no fields) the reaper was killed; contui ended every process the run had left (contui's own)
RUN_SPEED = "run.speed"  # speed: the run's speed from now on, turned while it goes (contui's own)
RECORDING_OFF = "recording.off"  # reason: the run's recording could not be written; the run goes on unrecorded
# (contui's own)
CLOCK = "clock"  # (no fields) the run lives and is not frozen at this moment, though nothing happened (contui's own)
DEADLOCK = "deadlock"  # members: the threads of a cycle, each waiting (with no timeout) for a lock the next one
# holds: a list of {pid, tid, holds, wants (lock ids), taken_at, waits_at (sites)} (contui's own)
LOCK_ORDER = "lock.order"  # orders: locks taken in orders that go round in a circle (a potential deadlock): a list of
# {pid, tid, name, first, first_name, first_at, then, then_name, then_at}, each the first time a thread asked,
# with no timeout, for ``then`` while it held ``first`` (contui's own)
STALL = "stall"  # members: every live thread of the run, each blocked with no timeout on the run's primitives, and
# no cycle among them: a list of {pid, tid, name, what (what it waits for, in words), on (its id)} (contui's own)
PROC_START = "proc.start"  # ppid, name, daemon, method ("main" for the script's own process), alias (if any: what
# the course calls it, its target's name-like first argument: args=('egon',) -> "egon")
PROC_SPAWN = "proc.spawn"  # child, name, daemon, method: the parent saw start() return. Also for children made
# outside multiprocessing: method "exec" (subprocess.Popen, os.posix_spawn; with cmdline, a list) or "os.fork"
PROC_EXIT = "proc.exit"  # code: the process's own code ended (sent by the process itself)
PROC_REAP = "proc.reap"  # child, code (-N for signal N), by ("parent" or "reaper"): waitpid collected it
PROC_TERMINATE = "proc.terminate"  # child, signal, reason ("call" or "daemon-at-exit")
PROC_JOIN = "proc.join"  # child, phase ("begin"/"end"), timeout, code (at end)
PROC_ALIVE = "proc.alive"  # child, result: what is_alive() answered
THREAD_START = "thread.start"  # name, daemon, ident, role ("user"; "pool-worker": runs tasks of a pool or executor;
# "pool-helper": a pool's own feeder/handler thread), alias (if any, as for proc.start)
THREAD_EXIT = "thread.exit"  # name
THREAD_JOIN = "thread.join"  # child (native id of the joined thread), name, phase
LOCK_NEW = "lock.new"  # lock (id), type ("mp.Lock", "threading.RLock", ...), site ("file:line"), name, within
# (the condition it was made for, if it is a condition's own lock)
LOCK_WAIT = "lock.wait"  # lock, type, site: the acquire would block; timeout (seconds) if it gives up then
LOCK_ACQUIRE = "lock.acquire"  # lock, type, site; tried (True: an acquire with a timeout or blocking=False, that
# found it free)
LOCK_RELEASE = "lock.release"  # lock, type
LOCK_TIMEOUT = "lock.timeout"  # lock, type: an acquire gave up
LOCK_FAIL = "lock.fail"  # lock, site: acquire(blocking=False) found it taken and returned False
LOCK_SUMMARY = "lock.summary"  # lock, since (when the summarised span began), n, waits, fails (acquires, waits,
# failed tries in the span so far, not reported one by one), hold, timed, hold_max, wait_max (ns), holder (native id
# holding it now, 0: none in this process), last (native id that took it last), depth, waiting (native ids), done
# (True: the span is over, single events follow). Sent with tid 0 (see tui/inside/trace/hot.py)
QUEUE_NEW = "queue.new"  # queue (id), type ("Queue", "JoinableQueue", "SimpleQueue"), maxsize, site
QUEUE_PUT = "queue.put"  # queue, item (short repr), rank (a PriorityQueue: how many waiting items come out first)
QUEUE_GET = "queue.get"  # queue, item
QUEUE_BLOCK = "queue.block"  # queue, op ("put"/"get"): the call has to wait; timeout (seconds) if it gives up then
QUEUE_TIMEOUT = "queue.timeout"  # queue, op, error ("Full"/"Empty"), block (False: a non-blocking call)
QUEUE_TASK_DONE = "queue.task_done"  # queue
QUEUE_JOIN = "queue.join"  # queue, phase
QUEUE_SUMMARY = "queue.summary"  # queue, since (when the summarised span began), n ({"put": puts, "get": gets} in
# the span so far, not reported one by one), last ({"put": short repr of the last item put, "get": ... got}), done
# (True: the span is over, single events follow). Sent with tid 0 (see tui/inside/trace/hot.py)
HOLD = "hold"  # phase begin: held in step mode before action (sleep, acquire, put, print, ...), what, site, until
# (a sleep's end on the scenario clock, ns); phase end: let go
SLEEP = "sleep"  # secs (as asked, before the speed factor), phase
STDOUT = "stdout"  # stream ("stdout"/"stderr"), text (one line, no newline), partial (True: more of it follows)
EXCEPTION = "exception"  # type, message, traceback, where ("process", "thread" or "main")
SAMPLE = "sample"  # ppid, status, threads, cpu, parent_name (psutil's view of pid). threads: a list of
# {"tid", "status" (psutil's words, from /proc/<pid>/task/<tid>/stat), "wchan" (the kernel's wait, or ""), "cpu"
# (percent of a core since the sample before, or since it began; absent for a thread first seen younger than 50 ms)}
SAMPLE_GONE = "sample.gone"  # the sampled pid no longer exists (reaped)

# Blocking calls the tracer knows: a thread in one is waiting for something outside the run's primitives.
WAIT = "wait"  # call ("socket.accept", "socket.recv", "select.select", "input", "stdin.read", "Future.result",
# "AsyncResult.get", ...), phase ("begin"/"end"), object (an id the call waits on, if any)
SIGNAL_SEND = "signal.send"  # child (the pid signalled), signal (number), call ("os.kill", "terminate", "kill",
# "os.killpg")
# Conditions: their lock's ownership as for a lock; wait releases it and takes it back.
COND_NEW = "cond.new"  # cond (id), type ("threading.Condition", "mp.Condition"), lock (its lock's id), site, name
COND_WAIT = "cond.wait"  # cond, site, phase; timeout (begin); result (end: False if it timed out)
COND_NOTIFY = "cond.notify"  # cond, site, n (how many it may wake; -1 for notify_all)
COND_SUMMARY = "cond.summary"  # cond, since, n ({"wait": waits, "notify": notifies, notify_all included} in the span
# so far), waiting (native ids in wait() now), done: a condition used in a hot loop, as queue.summary
EVENT_NEW = "event.new"  # event (id), type ("threading.Event", "mp.Event"), site, name
EVENT_SET = "event.set"  # event, site
EVENT_CLEAR = "event.clear"  # event, site
EVENT_WAIT = "event.wait"  # event, site, phase; timeout (begin); result (end)
BARRIER_NEW = "barrier.new"  # barrier (id), type, parties, site, name
BARRIER_WAIT = "barrier.wait"  # barrier, site, phase; timeout (begin); index (end) or broken (end: True)
BARRIER_ABORT = "barrier.abort"  # barrier, site: abort() or a timed-out wait broke it
BARRIER_RESET = "barrier.reset"  # barrier, site
SEM_NEW = "sem.new"  # sem (id), type ("threading.Semaphore", "mp.BoundedSemaphore", ...), value, site, name
SEM_WAIT = "sem.wait"  # sem, site: an acquire has to wait (no seat free); timeout (seconds) if it gives up then
SEM_ACQUIRE = "sem.acquire"  # sem, site
SEM_RELEASE = "sem.release"  # sem, site, n (only for release(n) with n != 1)
SEM_TIMEOUT = "sem.timeout"  # sem, site: an acquire gave up
SEM_FAIL = "sem.fail"  # sem, site: acquire(blocking=False) found no seat
# Pipes: multiprocessing.Pipe(); each end has an id, the pipe one too.
PIPE_NEW = "pipe.new"  # pipe (id), ends ([id, id]), duplex, site, name, names ([end a's name, end b's])
PIPE_SEND = "pipe.send"  # pipe, end, item (short repr)
PIPE_RECV = "pipe.recv"  # pipe, end, item; or error ("EOFError") when every copy of the other end is closed
PIPE_BLOCK = "pipe.block"  # pipe, end: a recv has to wait
PIPE_CLOSE = "pipe.close"  # pipe, end
PIPE_SUMMARY = "pipe.summary"  # pipe, end, since, n ({"send": sends, "recv": recvs} on this end in the span so far),
# last ({"send": short repr, "recv": ...}), waiting (native ids in recv() on it now), done: a hot end, as queue.summary
# Shared memory: multiprocessing Value and Array.
VALUE_NEW = "value.new"  # value (id), type ("Value", "Array", "RawValue", "RawArray"), typecode, ctype, length (Array),
# lock (its lock's id, or
# None), site, name, addr (where it is in this process's memory), size (bytes)
VALUE_MAP = "value.map"  # value, addr, size: this process maps it too (a spawned child)
VALUE_SAMPLE = "value.sample"  # value, repr (what contui read from a process's memory, when it changed)
# Managers: the server process, and each call of a proxy.
MANAGER_NEW = "manager.new"  # manager (id), type ("SyncManager", ...), server (its process's pid), site, name
MANAGER_CALL = "manager.call"  # manager, object (the proxy's referent id), type, method, site, phase; error (end)
# Tasks of multiprocessing.Pool and concurrent.futures executors.
POOL_NEW = "pool.new"  # pool (id), type ("Pool", "ThreadPoolExecutor", "ProcessPoolExecutor"), workers, site, name
TASK_SUBMIT = "task.submit"  # task (id), pool, func, args (short repr); by (tid that asked, for imap's tasks)
TASK_START = "task.start"  # task, pool: this process/thread runs it now
TASK_DONE = "task.done"  # task, pool; result (short repr) or error (type and message), or cancelled
TASK_SUMMARY = "task.summary"  # pool, since (its first hot moment), n ({"submit", "start", "done", "failed",
# "cancelled"}: the tasks of a hot thread executor counted since then, not told one by one), done (true: none of
# them is left to end). Sent with tid 0 (see tui/inside/trace/hot.py)

KINDS: frozenset[str] = frozenset({
    RUN_START, RUN_END, FRAMES_DROPPED, RUN_LOST, RUN_SPEED, RECORDING_OFF, CLOCK, DEADLOCK, STALL, LOCK_ORDER, PROC_START, PROC_SPAWN, PROC_EXIT, PROC_REAP, PROC_TERMINATE, PROC_JOIN, PROC_ALIVE,
    THREAD_START, THREAD_EXIT, THREAD_JOIN, LOCK_NEW, LOCK_WAIT, LOCK_ACQUIRE, LOCK_RELEASE, LOCK_TIMEOUT,
    QUEUE_NEW, QUEUE_PUT, QUEUE_GET, QUEUE_BLOCK, QUEUE_TIMEOUT, QUEUE_TASK_DONE, QUEUE_JOIN, QUEUE_SUMMARY,
    SLEEP, HOLD, STDOUT, EXCEPTION, SAMPLE, SAMPLE_GONE,
    LOCK_FAIL, LOCK_SUMMARY, WAIT, SIGNAL_SEND, COND_NEW, COND_WAIT, COND_NOTIFY, COND_SUMMARY, EVENT_NEW, EVENT_SET, EVENT_CLEAR, EVENT_WAIT,
    BARRIER_NEW, BARRIER_WAIT, BARRIER_ABORT, BARRIER_RESET, SEM_NEW, SEM_WAIT, SEM_ACQUIRE, SEM_RELEASE,
    SEM_TIMEOUT, SEM_FAIL, PIPE_NEW, PIPE_SEND, PIPE_RECV, PIPE_BLOCK, PIPE_CLOSE, PIPE_SUMMARY, VALUE_NEW, VALUE_MAP,
    VALUE_SAMPLE, MANAGER_NEW, MANAGER_CALL, POOL_NEW, TASK_SUBMIT, TASK_START, TASK_DONE, TASK_SUMMARY,
})
