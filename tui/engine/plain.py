"""``contui run --plain``: one readable line per event, worded from the model (who, which lock, which queue).

The model has folded the event when :func:`describe` is called, so names come from the one fold every view reads; the
script's own lines are printed as they are, not here. One small function per kind, grouped by domain, in SENTENCES.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

from tui.engine.deadlocks import alarm_sentence
from tui.engine.events import Event
from tui.engine.model import Model, OsStatus
from tui.inside import kinds as ev

Sentence = Callable[[Event, Model, str], "str | None"]  # (event, model, who did it) -> the line, or None


def signal_name(number: int | None) -> str:
    if number is None:
        return "a signal"
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def describe_code(code: int | None) -> str:
    if code is None:
        return "unknown code"
    return f"code {code}" if code >= 0 else f"killed by {signal_name(-code)}"


def who(model: Model, pid: int, tid: int = 0) -> str:
    """`Process-1[21049]`, with `/name` for a thread other than the main one."""
    th = model.thread(pid, tid) if tid and tid != pid else None
    return f"{model.name_of(pid)}[{pid}]" + (f"/{th.name}" if th is not None else "")


def describe(event: Event, model: Model) -> str | None:
    """A sentence for the event, or None for the script's own output and samples that change nothing worth telling."""
    sentence = SENTENCES.get(event.kind)
    me = who(model, event.pid, event.tid)
    text = f"{me} {event.kind}" if sentence is None else sentence(event, model, me)
    return None if text is None else f"[{event.t / 1e9:8.3f}s] {text}"


def _child(e: Event, model: Model) -> str:
    child = e.get("child")
    return who(model, child) if isinstance(child, int) else "?"


def _begins(e: Event) -> bool:
    return e.get("phase") == "begin"


# -- the run, processes and threads -------------------------------------------------------------------------------
def _run_start(e: Event, model: Model, me: str) -> str:
    return f"run of {e.get('target')} started (main pid {e.get('main')}, reaper pid {e.get('reaper')})"


def _proc_start(e: Event, model: Model, me: str) -> str:
    daemon = ", daemon" if e.get("daemon") else ""
    return f"{me} started (ppid {e.get('ppid')}, {e.get('method')}{daemon})" + _adopted_before(e, model)


def _proc_spawn(e: Event, model: Model, me: str) -> str:
    cmdline = e.get("cmdline")
    return f"{me} started {_child(e, model)}" + (f": $ {' '.join(map(str, cmdline))}" if cmdline else "")


def _proc_reap(e: Event, model: Model, me: str) -> str:
    if e.get("by") == "parent":
        by = "its parent"
    else:  # the reaper is the main process's parent; any other process it reaps, it adopted first
        by = "the reaper (its parent)" if e.get("child") == model.run.main else "the reaper (adopted)"
    return f"{_child(e, model)} reaped by {by}: {describe_code(e.get('code'))}"


def _proc_terminate(e: Event, model: Model, me: str) -> str:
    why = " (daemon, parent exiting)" if e.get("reason") == "daemon-at-exit" else ""
    return f"{me} sent {signal_name(int(e.get('signal', 15)))} to {_child(e, model)}{why}"


def _join(e: Event, model: Model, me: str) -> str:
    if not _begins(e):
        return f"{me} join() returned"
    return f"{me} waits in join() for {_child(e, model) if e.kind == ev.PROC_JOIN else e.get('name')}"


def _thread_start(e: Event, model: Model, me: str) -> str:
    role = e.get("role")
    return (f"{me} thread started{' (daemon)' if e.get('daemon') else ''}"
            + (f" ({role})" if role not in (None, "user") else ""))


def _wait(e: Event, model: Model, me: str) -> str:
    on = f" for task {e.get('object')}" if e.get("object") is not None else ""
    return f"{me} {'waits in' if _begins(e) else 'returned from'} {e.get('call')}(){on}"


def _signal_send(e: Event, model: Model, me: str) -> str:
    return f"{me} sent {signal_name(e.get('signal'))} to {_child(e, model)} ({e.get('call')})"


# -- locks and the other synchronisation primitives ---------------------------------------------------------------
def _named(model: Model, oid: object) -> str:
    """`mutex (Lock)`: the primitive's name and type."""
    return model.waited_name(str(oid)) or str(oid)


def _bare(model: Model, oid: object) -> str:
    """`cv`: the primitive's name alone, where the sentence says what it is."""
    found = model.primitive(str(oid))
    return (found.name or found.id) if found is not None else str(oid)


def _lock(e: Event, model: Model, me: str) -> str | None:
    lock = _named(model, e.get("lock"))
    site = f" at {e.get('site')}" if e.get("site") else ""
    match e.kind:
        case ev.LOCK_NEW:
            return None if e.get("within") else f"{me} created {lock}{site}"  # a condition's lock: its cond.new
        case ev.LOCK_WAIT:
            return f"{me} waits for {lock}{site}"
        case ev.LOCK_ACQUIRE:
            return f"{me} acquired {lock}{site}"
        case ev.LOCK_RELEASE:
            return f"{me} released {lock}"
        case ev.LOCK_TIMEOUT:
            return f"{me} gave up waiting for {lock}"
    return f"{me} tried {lock}{site}: taken, acquire(blocking=False) returned False"  # lock.fail


def _lock_summary(e: Event, model: Model, me: str) -> str | None:
    """A hot span is told at its first summary and at its end; the summaries between only move the counts."""
    lock = _named(model, e.get("lock"))
    if e.get("done"):
        return (f"{me} took {lock} {e.get('n'):,} times in a hot loop, counted rather than told one by one "
                f"({e.get('waits'):,} waits, longest {e.get('wait_max', 0) / 1e6:.2f} ms; longest of "
                f"{e.get('timed', 0):,} holds timed {e.get('hold_max', 0) / 1e6:.2f} ms); single events again from here")
    found = model.locks.get(str(e.get("lock")))
    span = found.summarised.open.get(e.pid) if found is not None and found.summarised is not None else None
    if span is not None and span.summaries == 1:
        return f"{me} takes {lock} in a hot loop: its acquires are counted from here, not told one by one"
    return None


def _queue_summary(e: Event, model: Model, me: str) -> str | None:
    """Told at the span's first summary and at its end, as a lock's."""
    name = _queue_name(model, e)
    counts = e.get("n") or {}
    if e.get("done"):
        return (f"{me} put {counts.get('put', 0):,} and got {counts.get('get', 0):,} on {name} in a hot loop, counted "
                "rather than told one by one; single events again from here")
    found = model.queues.get(str(e.get("queue")))
    total = getattr(found, "summarised", None)
    span = total.open.get(e.pid) if total is not None else None
    if span is not None and span.summaries == 1:
        return f"{me} uses {name} in a hot loop: its puts and gets are counted from here, not told one by one"
    return None


def _pipe_summary(e: Event, model: Model, me: str) -> str | None:
    """Told at the span's first summary and at its end, as a queue's."""
    name = _end_name(model, e.get("end"))
    counts = e.get("n") or {}
    if e.get("done"):
        return (f"{me} sent {counts.get('send', 0):,} and received {counts.get('recv', 0):,} on {name} in a hot loop, "
                "counted rather than told one by one; single events again from here")
    found = model.pipe_end(str(e.get("end")))
    span = found[1].hot.get(e.pid) if found is not None else None
    if span is not None and span.summaries == 1:
        return f"{me} uses {name} in a hot loop: its sends and recvs are counted from here, not told one by one"
    return None


def _cond_summary(e: Event, model: Model, me: str) -> str | None:
    """Told at the span's first summary and at its end, as a queue's."""
    name = _named(model, e.get("cond"))
    counts = e.get("n") or {}
    if e.get("done"):
        return (f"{me} waited {counts.get('wait', 0):,} times and notified {counts.get('notify', 0):,} times on {name} "
                "in a hot loop, counted rather than told one by one; single events again from here")
    found = model.conditions.get(str(e.get("cond")))
    span = found.hot.get(e.pid) if found is not None else None
    if span is not None and span[3] == 1:
        return f"{me} uses {name} in a hot loop: its waits and notifies are counted from here, not told one by one"
    return None


def _task_summary(e: Event, model: Model, me: str) -> str | None:
    """Told once the executor's counted tasks have all ended (its summaries between only move the counts)."""
    if not e.get("done"):
        return None
    pool = model.pools.get(str(e.get("pool")))
    name = pool.label if pool is not None else str(e.get("pool"))
    n = e.get("n") or {}
    return (f"{me} ran {n.get('submit', 0):,} tasks of {name} in a hot loop, counted rather than told one by one "
            f"({n.get('done', 0):,} done, {n.get('failed', 0):,} failed, {n.get('cancelled', 0):,} cancelled)")


def _created(key: str, detail: Callable[[Event], str] = lambda e: "") -> Sentence:
    return lambda e, model, me: f"{me} created {_named(model, e.get(key))}{detail(e)} at {e.get('site')}"


def _cond_wait(e: Event, model: Model, me: str) -> str:
    cond = _bare(model, e.get("cond"))
    if _begins(e):
        return f"{me} waits in {cond}.wait() (its lock released)"
    timed_out = " (timed out)" if e.get("result") is False else ""
    return f"{me} woke in {cond}.wait(){timed_out}, its lock taken back"


def _cond_notify(e: Event, model: Model, me: str) -> str:
    n = e.get("n")
    call = "notify_all()" if n == -1 else "notify()" if n in (None, 1) else f"notify({n})"
    return f"{me} {call} on {_named(model, e.get('cond'))}"


def _event(e: Event, model: Model, me: str) -> str:
    flag = _named(model, e.get("event"))
    match e.kind:
        case ev.EVENT_SET:
            return f"{me} set {flag}"
        case ev.EVENT_CLEAR:
            return f"{me} cleared {flag}"
    if _begins(e):
        return f"{me} waits for {flag} to be set"
    return f"{me} {_bare(model, e.get('event'))}.wait() returned {e.get('result')}"


def _barrier(e: Event, model: Model, me: str) -> str:
    barrier = _named(model, e.get("barrier"))
    match e.kind:
        case ev.BARRIER_ABORT:
            return f"{me} broke {barrier}"
        case ev.BARRIER_RESET:
            return f"{me} reset {barrier}"
    if _begins(e):
        return f"{me} waits at {barrier}"
    if e.get("broken"):
        return f"{me} left {barrier}: it was broken (BrokenBarrierError)"
    return f"{me} passed {barrier} (index {e.get('index')})"


def _sem(e: Event, model: Model, me: str) -> str:
    sem = _named(model, e.get("sem"))
    match e.kind:
        case ev.SEM_WAIT:
            return f"{me} waits for a seat of {sem} at {e.get('site')}"
        case ev.SEM_ACQUIRE:
            return f"{me} took a seat of {sem} at {e.get('site')}"
        case ev.SEM_RELEASE:
            n = e.get("n")
            return f"{me} gave back {n if n not in (None, 1) else 'a'} seat{'s' if n not in (None, 1) else ''} of {sem}"
        case ev.SEM_TIMEOUT:
            return f"{me} gave up waiting for a seat of {sem}"
    return f"{me} tried {sem}: no seat free, acquire(blocking=False) returned False"  # sem.fail


# -- queues, pipes, shared memory, managers -----------------------------------------------------------------------
def _queue_name(model: Model, e: Event) -> str:
    qid = e.get("queue", "")
    q = model.queues.get(qid)
    return f"{q.type} {q.name or q.id}" if q is not None else str(qid)


def _queue(e: Event, model: Model, me: str) -> str:
    queue = _queue_name(model, e)
    match e.kind:
        case ev.QUEUE_NEW:
            return f"{me} created {queue} (maxsize {e.get('maxsize') or 'unbounded'})"
        case ev.QUEUE_PUT:
            return f"{me} put {e.get('item')} into {queue}"
        case ev.QUEUE_GET:
            return f"{me} got {e.get('item')} from {queue}"
        case ev.QUEUE_BLOCK:
            why = "full" if e.get("op") == "put" else "empty"
            return f"{me} blocks in {e.get('op')}(): {queue} is {why}"
        case ev.QUEUE_TIMEOUT:
            if e.get("block") is False:
                return f"{me} {e.get('op')}() on {queue} refused at once: queue.{e.get('error')}"
            return f"{me} {e.get('op')}() on {queue} raised queue.{e.get('error')}"
        case ev.QUEUE_TASK_DONE:
            return f"{me} task_done() on {queue}"
    return f"{me} {'waits in' if _begins(e) else 'returned from'} {queue}.join()"  # queue.join


def _end_name(model: Model, end_id: object) -> str:
    found = model.pipe_end(str(end_id))
    return (found[1].name or str(end_id)) if found is not None else str(end_id)


def _pipe(e: Event, model: Model, me: str) -> str:
    end = _end_name(model, e.get("end"))
    match e.kind:
        case ev.PIPE_NEW:
            kind = "duplex" if e.get("duplex") else "one-way"
            return f"{me} created Pipe {e.get('name') or e.get('pipe')} ({kind}) at {e.get('site')}"
        case ev.PIPE_SEND:
            return f"{me} sent {e.get('item')} on {end}"
        case ev.PIPE_RECV:
            if e.get("error"):
                return f"{me} recv() on {end} raised {e.get('error')}"
            return f"{me} received {e.get('item')} on {end}"
        case ev.PIPE_BLOCK:
            return f"{me} waits in recv() on {end}: nothing in the pipe"
    return f"{me} closed {end}"  # pipe.close


def _value_name(model: Model, vid: object) -> str:
    value = model.values.get(str(vid))
    return (value.name or value.id) if value is not None else str(vid)


def _value(e: Event, model: Model, me: str) -> str:
    name = _value_name(model, e.get("value"))
    match e.kind:
        case ev.VALUE_NEW:
            length = f"[{e.get('length')}]" if e.get("length") else ""
            return f"{me} created {e.get('type')} {name} ({e.get('ctype') or e.get('typecode')}{length}) at {e.get('site')}"
        case ev.VALUE_MAP:
            return f"{me} maps {name} at {hex(int(e.get('addr') or 0))}"
    return f"{name} = {e.get('repr')} (read from {who(model, e.pid)}'s memory)"  # value.sample


def _manager(e: Event, model: Model, me: str) -> str:
    found = model.managers.get(str(e.get("manager")))
    manager = (found.name or found.type) if found is not None else str(e.get("manager"))
    if e.kind == ev.MANAGER_NEW:
        return f"{me} started {e.get('type')} {manager}: server {who(model, e.get('server') or 0)}"
    call = f"{e.get('type')}.{e.get('method')}()"
    if _begins(e):
        return f"{me} calls {call} on {manager}"
    return f"{me} {call} raised {e.get('error')}" if e.get("error") else f"{me} {call} returned"


# -- pools and executors ------------------------------------------------------------------------------------------
def _task(e: Event, model: Model, me: str) -> str:
    task = e.get("task")
    match e.kind:
        case ev.POOL_NEW:
            return f"{me} created {e.get('type')} {e.get('name') or e.get('pool')} ({e.get('workers')} workers)"
        case ev.TASK_SUBMIT:
            return f"{me} submitted task {task}: {e.get('func')}{e.get('args') or '()'}"
        case ev.TASK_START:
            return f"{me} runs task {task}"
    if e.get("error"):
        return f"{me} task {task} raised {e.get('error')}"
    return f"{me} task {task} returned {e.get('result')}"  # task.done


# -- output and the OS --------------------------------------------------------------------------------------------
def _adopted_before(e: Event, model: Model) -> str:
    """psutil saw the process under an adopter before its own start arrived: say so with the start."""
    p = model.process(e.pid)
    if p is None or p.adopted_by is None or p.adopted_t is None or p.adopted_t >= e.t:
        return ""
    adopter, name = p.adopted_by
    return f"; orphaned: adopted by {adopter} ({name}) (psutil)"


def _sample_change(e: Event, model: Model, me: str) -> str | None:
    """Samples repeat: only the one that made a process adopted, a zombie or stopped is worth a line."""
    p = model.process(e.pid)
    if p is None:
        return None
    if p.adopted_by is not None and p.adopted_t == e.t:
        adopter, name = p.adopted_by
        return f"{who(model, e.pid)} orphaned: adopted by {adopter} ({name}) (psutil)"
    status = p.os_status
    if p.os_status_t == e.t and status in (OsStatus.ZOMBIE, OsStatus.STOPPED):
        return f"{who(model, e.pid)} is {status} (psutil)"
    return None


def _quiet(e: Event, model: Model, me: str) -> None:
    return None


SENTENCES: dict[str, Sentence] = {
    ev.STDOUT: _quiet,  # the script's own lines are printed as they are
    ev.SLEEP: _quiet,
    ev.CLOCK: _quiet,  # time went on, nothing happened
    ev.HOLD: lambda e, model, me: (f"{me} held (step mode) before {e.get('action')} {e.get('what')} at {e.get('site')}"
                                   if e.get("phase") == "begin" else None),
    ev.RUN_START: _run_start,
    ev.RUN_SPEED: lambda e, model, me: f"speed turned to {e.get('speed'):g}x: the run's clock goes at that rate "
                                       "from now on",
    ev.RUN_END: lambda e, model, me: f"run ended: main process {describe_code(e.get('code'))}",
    ev.RECORDING_OFF: lambda e, model, me: f"the run is not recorded from here on: {e.get('reason')}",
    ev.RUN_LOST: lambda e, model, me: "run ended: its reaper was killed, and contui ended every process it had left",
    ev.DEADLOCK: lambda e, model, me: alarm_sentence(e.kind, e.fields),
    ev.STALL: lambda e, model, me: alarm_sentence(e.kind, e.fields),
    ev.LOCK_ORDER: lambda e, model, me: alarm_sentence(e.kind, e.fields),
    ev.FRAMES_DROPPED: lambda e, model, me: f"contui dropped malformed frames from the event pipe: "
                                            f"{e.get('count')} so far (something in the run wrote to it)",
    ev.PROC_START: _proc_start,
    ev.PROC_SPAWN: _proc_spawn,
    ev.PROC_EXIT: lambda e, model, me: f"{me} finished its code ({describe_code(e.get('code'))})",
    ev.PROC_REAP: _proc_reap,
    ev.PROC_TERMINATE: _proc_terminate,
    ev.PROC_JOIN: _join,
    ev.THREAD_JOIN: _join,
    ev.PROC_ALIVE: lambda e, model, me: f"{me} asked {_child(e, model)}.is_alive() → {e.get('result')}",
    ev.THREAD_START: _thread_start,
    ev.THREAD_EXIT: lambda e, model, me: f"{me} thread ended",
    ev.WAIT: _wait,
    ev.SIGNAL_SEND: _signal_send,
    ev.LOCK_SUMMARY: _lock_summary,
    ev.QUEUE_SUMMARY: _queue_summary,
    ev.PIPE_SUMMARY: _pipe_summary,
    ev.COND_SUMMARY: _cond_summary,
    ev.TASK_SUMMARY: _task_summary,
    **dict.fromkeys((ev.LOCK_NEW, ev.LOCK_WAIT, ev.LOCK_ACQUIRE, ev.LOCK_RELEASE, ev.LOCK_TIMEOUT, ev.LOCK_FAIL),
                    _lock),
    ev.COND_NEW: _created("cond"),
    ev.COND_WAIT: _cond_wait,
    ev.COND_NOTIFY: _cond_notify,
    ev.EVENT_NEW: _created("event"),
    **dict.fromkeys((ev.EVENT_SET, ev.EVENT_CLEAR, ev.EVENT_WAIT), _event),
    ev.BARRIER_NEW: _created("barrier", lambda e: f" for {e.get('parties')} parties"),
    **dict.fromkeys((ev.BARRIER_WAIT, ev.BARRIER_ABORT, ev.BARRIER_RESET), _barrier),
    ev.SEM_NEW: _created("sem", lambda e: f" with {e.get('value')} seats"),
    **dict.fromkeys((ev.SEM_WAIT, ev.SEM_ACQUIRE, ev.SEM_RELEASE, ev.SEM_TIMEOUT, ev.SEM_FAIL), _sem),
    **dict.fromkeys((ev.QUEUE_NEW, ev.QUEUE_PUT, ev.QUEUE_GET, ev.QUEUE_BLOCK, ev.QUEUE_TIMEOUT, ev.QUEUE_TASK_DONE,
                     ev.QUEUE_JOIN), _queue),
    **dict.fromkeys((ev.PIPE_NEW, ev.PIPE_SEND, ev.PIPE_RECV, ev.PIPE_BLOCK, ev.PIPE_CLOSE), _pipe),
    **dict.fromkeys((ev.VALUE_NEW, ev.VALUE_MAP, ev.VALUE_SAMPLE), _value),
    **dict.fromkeys((ev.MANAGER_NEW, ev.MANAGER_CALL), _manager),
    **dict.fromkeys((ev.POOL_NEW, ev.TASK_SUBMIT, ev.TASK_START, ev.TASK_DONE), _task),
    ev.EXCEPTION: lambda e, model, me: f"{me} raised {e.get('type')}: {e.get('message')}",
    ev.SAMPLE: _sample_change,
    ev.SAMPLE_GONE: lambda e, model, me: f"{who(model, e.pid)} is gone (psutil)",
}
