"""One readable line per event, for ``contui run --plain`` (the script's own lines are printed as they are)."""

from __future__ import annotations

import signal

from tui.engine import events as ev
from tui.engine.events import Event


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


class EventDescriber:
    """Remembers the names of processes, threads, locks and queues, so each line can say who and what."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.locks: dict[str, str] = {}
        self.queues: dict[str, str] = {}
        self._seen: dict[int, tuple[str, int]] = {}  # pid -> (status, ppid) last sampled

    def who(self, pid: int, tid: int = 0) -> str:
        name = self.names.get(pid, "?")
        thread = self.names.get(-tid) if tid and tid != pid else None
        return f"{name}[{pid}]" + (f"/{thread}" if thread else "")

    def describe(self, e: Event) -> str | None:
        """A sentence for the event, or None for the script's own output (printed as is) and routine samples."""
        f = e.fields
        k = e.kind
        if k in (ev.PROC_START, ev.PROC_SPAWN):
            pid = e.pid if k == ev.PROC_START else f.get("child", 0)
            self.names[pid] = str(f.get("name", "?"))
        elif k == ev.THREAD_START:
            self.names[-e.tid] = str(f.get("name", "?"))
        elif k == ev.LOCK_NEW:
            self.locks[f["lock"]] = f"{f.get('type')} {f.get('name') or f['lock']}"
        elif k == ev.QUEUE_NEW:
            self.queues[f["queue"]] = f"{f.get('type')} {f.get('name') or f['queue']}"
        text = self._sentence(e)
        return None if text is None else f"[{e.t / 1e9:8.3f}s] {text}"

    def _sentence(self, e: Event) -> str | None:
        f = e.fields
        k = e.kind
        who = self.who(e.pid, e.tid)
        child = f.get("child")
        target = self.who(child) if isinstance(child, int) else ""
        lock = self.locks.get(f.get("lock", ""), f.get("lock", ""))
        queue = self.queues.get(f.get("queue", ""), f.get("queue", ""))
        match k:
            case ev.STDOUT | ev.SLEEP:
                return None
            case ev.SAMPLE:
                return self._sample_change(e)
            case ev.RUN_START:
                return f"run of {f.get('target')} started (main pid {f.get('main')}, reaper pid {f.get('reaper')})"
            case ev.RUN_END:
                return f"run ended: main process {describe_code(f.get('code'))}"
            case ev.PROC_START:
                return f"{who} started (ppid {f.get('ppid')}, {f.get('method')}{', daemon' if f.get('daemon') else ''})"
            case ev.PROC_SPAWN:
                return f"{who} started {target}"
            case ev.PROC_EXIT:
                return f"{who} finished its code ({describe_code(f.get('code'))})"
            case ev.PROC_REAP:
                by = "its parent" if f.get("by") == "parent" else "the reaper (adopted)"
                return f"{target} reaped by {by}: {describe_code(f.get('code'))}"
            case ev.PROC_TERMINATE:
                why = " (daemon, parent exiting)" if f.get("reason") == "daemon-at-exit" else ""
                return f"{who} sent {signal_name(int(f.get('signal', 15)))} to {target}{why}"
            case ev.PROC_JOIN | ev.THREAD_JOIN:
                if f.get("phase") == "begin":
                    return f"{who} waits in join() for {target if k == ev.PROC_JOIN else f.get('name')}"
                return f"{who} join() returned"
            case ev.PROC_ALIVE:
                return f"{who} asked {target}.is_alive() → {f.get('result')}"
            case ev.THREAD_START:
                return f"{who} thread started{' (daemon)' if f.get('daemon') else ''}"
            case ev.THREAD_EXIT:
                return f"{who} thread ended"
            case ev.LOCK_NEW:
                return f"{who} created {lock} at {f.get('site')}"
            case ev.LOCK_WAIT:
                return f"{who} waits for {lock} at {f.get('site')}"
            case ev.LOCK_ACQUIRE:
                return f"{who} acquired {lock} at {f.get('site')}"
            case ev.LOCK_RELEASE:
                return f"{who} released {lock}"
            case ev.LOCK_TIMEOUT:
                return f"{who} gave up waiting for {lock}"
            case ev.QUEUE_NEW:
                size = f.get("maxsize") or "unbounded"
                return f"{who} created {queue} (maxsize {size})"
            case ev.QUEUE_PUT:
                return f"{who} put {f.get('item')} into {queue}"
            case ev.QUEUE_GET:
                return f"{who} got {f.get('item')} from {queue}"
            case ev.QUEUE_BLOCK:
                why = "full" if f.get("op") == "put" else "empty"
                return f"{who} blocks in {f.get('op')}(): {queue} is {why}"
            case ev.QUEUE_TIMEOUT:
                return f"{who} {f.get('op')}() on {queue} raised queue.{f.get('error')}"
            case ev.QUEUE_TASK_DONE:
                return f"{who} task_done() on {queue}"
            case ev.QUEUE_JOIN:
                return f"{who} {'waits in' if f.get('phase') == 'begin' else 'returned from'} {queue}.join()"
            case ev.EXCEPTION:
                return f"{who} raised {f.get('type')}: {f.get('message')}"
            case ev.SAMPLE_GONE:
                return f"{self.who(e.pid)} is gone (psutil)"
        return f"{who} {k}"

    def _sample_change(self, e: Event) -> str | None:
        """Samples repeat; only a new status worth telling (zombie, stopped) or a new parent is a line."""
        status, ppid = str(e.fields.get("status")), int(e.fields.get("ppid", 0))
        before = self._seen.get(e.pid)
        self._seen[e.pid] = (status, ppid)
        who = self.who(e.pid)
        if before is not None and ppid != before[1]:
            return f"{who} orphaned: adopted by {ppid} ({e.fields.get('parent_name')}) (psutil)"
        if status in ("zombie", "stopped") and (before is None or before[0] != status):
            return f"{who} is {status} (psutil)"
        return None
