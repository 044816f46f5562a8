"""``contui run --plain``: one readable line per event, worded from the model (who, which lock, which queue).

The model has folded the event when :func:`describe` is called, so names come from the one fold every view reads; the
script's own lines are printed as they are, not here.
"""

from __future__ import annotations

import signal

from tui.engine.events import Event
from tui.engine.model import Model, OsStatus
from tui.inside import kinds as ev


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


def _object(kind: str, obj: object) -> str:
    return f"{getattr(obj, 'type', '?')} {getattr(obj, 'name', None) or getattr(obj, 'id', '?')}" if obj else kind


def describe(event: Event, model: Model) -> str | None:
    """A sentence for the event, or None for the script's own output and samples that change nothing worth telling."""
    text = _sentence(event, model)
    return None if text is None else f"[{event.t / 1e9:8.3f}s] {text}"


def _sentence(e: Event, model: Model) -> str | None:
    f = e.fields
    k = e.kind
    me = who(model, e.pid, e.tid)
    child = f.get("child")
    target = who(model, child) if isinstance(child, int) else ""
    lock = _object(str(f.get("lock", "")), model.locks.get(f.get("lock", "")))
    queue = _object(str(f.get("queue", "")), model.queues.get(f.get("queue", "")))
    match k:
        case ev.STDOUT | ev.SLEEP:
            return None
        case ev.SAMPLE:
            return _sample_change(e, model)
        case ev.RUN_START:
            return f"run of {f.get('target')} started (main pid {f.get('main')}, reaper pid {f.get('reaper')})"
        case ev.RUN_END:
            return f"run ended: main process {describe_code(f.get('code'))}"
        case ev.PROC_START:
            daemon = ", daemon" if f.get("daemon") else ""
            return f"{me} started (ppid {f.get('ppid')}, {f.get('method')}{daemon})" + _adopted_before(e, model)
        case ev.PROC_SPAWN:
            return f"{me} started {target}"
        case ev.PROC_EXIT:
            return f"{me} finished its code ({describe_code(f.get('code'))})"
        case ev.PROC_REAP:
            if f.get("by") == "parent":
                by = "its parent"
            else:  # the reaper is the main process's parent; any other process it reaps, it adopted first
                by = "the reaper (its parent)" if child == model.run.main else "the reaper (adopted)"
            return f"{target} reaped by {by}: {describe_code(f.get('code'))}"
        case ev.PROC_TERMINATE:
            why = " (daemon, parent exiting)" if f.get("reason") == "daemon-at-exit" else ""
            return f"{me} sent {signal_name(int(f.get('signal', 15)))} to {target}{why}"
        case ev.PROC_JOIN | ev.THREAD_JOIN:
            if f.get("phase") == "begin":
                return f"{me} waits in join() for {target if k == ev.PROC_JOIN else f.get('name')}"
            return f"{me} join() returned"
        case ev.PROC_ALIVE:
            return f"{me} asked {target}.is_alive() → {f.get('result')}"
        case ev.THREAD_START:
            return f"{me} thread started{' (daemon)' if f.get('daemon') else ''}"
        case ev.THREAD_EXIT:
            return f"{me} thread ended"
        case ev.LOCK_NEW:
            return f"{me} created {lock} at {f.get('site')}"
        case ev.LOCK_WAIT:
            return f"{me} waits for {lock} at {f.get('site')}"
        case ev.LOCK_ACQUIRE:
            return f"{me} acquired {lock} at {f.get('site')}"
        case ev.LOCK_RELEASE:
            return f"{me} released {lock}"
        case ev.LOCK_TIMEOUT:
            return f"{me} gave up waiting for {lock}"
        case ev.QUEUE_NEW:
            size = f.get("maxsize") or "unbounded"
            return f"{me} created {queue} (maxsize {size})"
        case ev.QUEUE_PUT:
            return f"{me} put {f.get('item')} into {queue}"
        case ev.QUEUE_GET:
            return f"{me} got {f.get('item')} from {queue}"
        case ev.QUEUE_BLOCK:
            why = "full" if f.get("op") == "put" else "empty"
            return f"{me} blocks in {f.get('op')}(): {queue} is {why}"
        case ev.QUEUE_TIMEOUT:
            return f"{me} {f.get('op')}() on {queue} raised queue.{f.get('error')}"
        case ev.QUEUE_TASK_DONE:
            return f"{me} task_done() on {queue}"
        case ev.QUEUE_JOIN:
            return f"{me} {'waits in' if f.get('phase') == 'begin' else 'returned from'} {queue}.join()"
        case ev.EXCEPTION:
            return f"{me} raised {f.get('type')}: {f.get('message')}"
        case ev.SAMPLE_GONE:
            return f"{who(model, e.pid)} is gone (psutil)"
    return f"{me} {k}"


def _adopted_before(e: Event, model: Model) -> str:
    """psutil saw the process under an adopter before its own start arrived: say so with the start."""
    p = model.process(e.pid)
    if p is None or p.adopted_by is None or p.adopted_t is None or p.adopted_t >= e.t:
        return ""
    adopter, name = p.adopted_by
    return f"; orphaned: adopted by {adopter} ({name}) (psutil)"


def _sample_change(e: Event, model: Model) -> str | None:
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
