"""The event kinds of the protocol and the fields each carries; no imports, so a traced process loads it cheaply."""

# 2: recordings start with a header, and an event's fields sit under a key of their own (tui/engine/jsonl.py).
PROTOCOL_VERSION = 2
# The run's reaper names itself this (its process name, prctl PR_SET_NAME); views call its pid by it.
REAPER_NAME = "contui-reaper"

# Kinds, with the fields each carries beside t/kind/pid/tid. ``pid``/``tid`` are always the emitter's
# (for ``sample`` the sampled process). Other processes are named in ``child``.
RUN_START = "run.start"  # target, cwd, speed, start_method, args, reaper (pid of the run's subreaper)
RUN_END = "run.end"  # code: the main process's exit code (128+N style is the CLI's business: here -N)
PROC_START = "proc.start"  # ppid, name, daemon, method ("main" for the script's own process)
PROC_SPAWN = "proc.spawn"  # child, name, daemon, method: the parent saw start() return
PROC_EXIT = "proc.exit"  # code: the process's own code ended (sent by the process itself)
PROC_REAP = "proc.reap"  # child, code (-N for signal N), by ("parent" or "reaper"): waitpid collected it
PROC_TERMINATE = "proc.terminate"  # child, signal, reason ("call" or "daemon-at-exit")
PROC_JOIN = "proc.join"  # child, phase ("begin"/"end"), timeout, code (at end)
PROC_ALIVE = "proc.alive"  # child, result: what is_alive() answered
THREAD_START = "thread.start"  # name, daemon, ident
THREAD_EXIT = "thread.exit"  # name
THREAD_JOIN = "thread.join"  # child (native id of the joined thread), name, phase
LOCK_NEW = "lock.new"  # lock (id), type ("mp.Lock", "threading.RLock", ...), site ("file:line")
LOCK_WAIT = "lock.wait"  # lock, type, site: the acquire would block
LOCK_ACQUIRE = "lock.acquire"  # lock, type, site
LOCK_RELEASE = "lock.release"  # lock, type
LOCK_TIMEOUT = "lock.timeout"  # lock, type: an acquire gave up
QUEUE_NEW = "queue.new"  # queue (id), type ("Queue", "JoinableQueue", "SimpleQueue"), maxsize, site
QUEUE_PUT = "queue.put"  # queue, item (short repr)
QUEUE_GET = "queue.get"  # queue, item
QUEUE_BLOCK = "queue.block"  # queue, op ("put"/"get"): the call has to wait
QUEUE_TIMEOUT = "queue.timeout"  # queue, op, error ("Full"/"Empty"), block (False: a non-blocking call)
QUEUE_TASK_DONE = "queue.task_done"  # queue
QUEUE_JOIN = "queue.join"  # queue, phase
SLEEP = "sleep"  # secs (as asked, before the speed factor), phase
STDOUT = "stdout"  # stream ("stdout"/"stderr"), text (one line, no newline), partial (True: more of it follows)
EXCEPTION = "exception"  # type, message, traceback, where ("process", "thread" or "main")
SAMPLE = "sample"  # ppid, status, threads, cpu, parent_name (psutil's view of pid)
SAMPLE_GONE = "sample.gone"  # the sampled pid no longer exists (reaped)

KINDS: frozenset[str] = frozenset({
    RUN_START, RUN_END, PROC_START, PROC_SPAWN, PROC_EXIT, PROC_REAP, PROC_TERMINATE, PROC_JOIN, PROC_ALIVE,
    THREAD_START, THREAD_EXIT, THREAD_JOIN, LOCK_NEW, LOCK_WAIT, LOCK_ACQUIRE, LOCK_RELEASE, LOCK_TIMEOUT,
    QUEUE_NEW, QUEUE_PUT, QUEUE_GET, QUEUE_BLOCK, QUEUE_TIMEOUT, QUEUE_TASK_DONE, QUEUE_JOIN,
    SLEEP, STDOUT, EXCEPTION, SAMPLE, SAMPLE_GONE,
})
