"""What the tracer costs each traced process, told by behaviour: what it loads, and that the events it sends in fewer
writes (a reap with its join's end, a wait for no thread with the process's end) all arrive, in order, and that a
real wait is still told as it begins."""

from __future__ import annotations

import os
import sysconfig
import time
from collections import Counter

from tests.helpers import plain_python_lines, run_traced, script
from tui.engine.recording import Event
from tui.inside import kinds as ev
from tui.inside.trace import sites


def test_the_library_folders_are_sysconfigs_without_loading_it(tmp_path: object) -> None:
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        folder = sysconfig.get_paths()[key]
        assert not sites.is_user_file(os.path.join(folder, "some_module.py")), key
    assert sites.is_user_file(os.path.join(str(tmp_path), "script.py"))


def test_start_and_join_tell_every_event_in_order_and_a_real_wait_as_it_begins() -> None:
    arrived: dict[tuple[int, str, str], float] = {}

    def on_event(event: Event) -> None:
        if event.kind == ev.WAIT:
            arrived.setdefault((event.pid, str(event.get("call")), str(event.get("phase"))), time.monotonic())

    rec = run_traced(script("start_join.py"), on_event=on_event)
    assert rec.code == 0
    assert rec.lines() == ["sysconfig loaded: False", "main done"]
    main = rec.main_pid
    events = sorted(rec.events, key=lambda e: e.t)
    children = [e.get("child") for e in events if e.kind == ev.PROC_SPAWN and e.pid == main]
    assert len(children) == 2
    for child in children:
        mine = [(e.kind, e.get("phase")) for e in events if e.pid == child and e.kind in (
            ev.PROC_START, ev.WAIT, ev.PROC_EXIT)]
        assert mine == [(ev.PROC_START, None), (ev.WAIT, "begin"), (ev.WAIT, "end"), (ev.PROC_EXIT, None)]
        about = [(e.kind, e.get("phase")) for e in events if e.pid == main and e.get("child") == child and e.kind in (
            ev.PROC_JOIN, ev.PROC_REAP)]
        assert about == [(ev.PROC_JOIN, "begin"), (ev.PROC_REAP, None), (ev.PROC_JOIN, "end")]
        exit_t = next(e.t for e in events if e.pid == child and e.kind == ev.PROC_EXIT)
        reap_t = next(e.t for e in events if e.pid == main and e.kind == ev.PROC_REAP and e.get("child") == child)
        assert exit_t < reap_t
    # The main process waited in threading._shutdown for its sleeping thread: the wait was told when it began, not
    # half a second later with its end.
    begin = arrived[(main, "threading._shutdown", "begin")]
    end = arrived[(main, "threading._shutdown", "end")]
    assert end - begin > 0.2
    assert [e.kind for e in events if e.pid == main][-1] == ev.PROC_EXIT


def test_only_the_scripts_own_conditions_and_semaphores_go_through_the_tracer() -> None:
    """The library's (a Future's, a Queue's) keep the class's own methods, so each of their calls costs what it
    does without contui; the script's own report, and a subclass's methods run where python runs them."""
    path = script("own_classes.py")
    rec = run_traced(path)
    assert rec.code == 0
    plain, code = plain_python_lines(path)
    assert code == 0 and Counter(rec.lines()) == plain
    assert rec.lines() == [
        "library's conditions keep their methods: True",
        "library's semaphore keeps its methods: True",
        "LoudCondition.notify", "LoudCondition.notify_all", "LoudCondition.notify",
        "isinstance: True True LoudCondition CountingSemaphore",
        "subclass acquires: 1",
    ]
    assert len(rec.of(ev.COND_NEW)) == 1
    # notify(), then the subclass's notify_all, which notifies through notify(n): told as the notify it is
    assert [e.get("n") for e in rec.of(ev.COND_NOTIFY)] == [1, 0]
    assert [e.get("phase") for e in rec.of(ev.COND_WAIT)] == ["begin", "end"]
    assert [e.get("type") for e in rec.of(ev.SEM_NEW)] == ["threading.BoundedSemaphore"]
    assert len(rec.of(ev.SEM_ACQUIRE)) == 2 and len(rec.of(ev.SEM_RELEASE)) == 2


def test_a_traced_lock_enters_through_exit_stack_as_an_untraced_one_does() -> None:
    """contextlib.ExitStack calls ``type(cm).__enter__(cm)``: a traced lock's __enter__ (the instance's acquire, for
    ``with``'s speed) must be callable that way too, and the acquire and release told."""
    path = script("exit_stack_locks.py")
    rec = run_traced(path)
    assert rec.code == 0
    plain, code = plain_python_lines(path)
    assert code == 0 and Counter(rec.lines()) == plain
    assert rec.lines()[1:] == ["held inside: True True", "held after: False False"]
    for kind in ("threading.Lock", "mp.Lock"):
        (lock_id,) = [lid for lid, lock in rec.model.locks.items() if lock.type == kind]
        told = [e.kind for e in rec.events if e.get("lock") == lock_id and e.kind in (ev.LOCK_ACQUIRE, ev.LOCK_RELEASE)]
        assert told[:2] == [ev.LOCK_ACQUIRE, ev.LOCK_RELEASE], kind


def test_the_tracer_never_gives_an_object_a_dict_of_its_own() -> None:
    """Queues, locks, events and pipe ends, the script's and the standard library's, hot and cold, keep their
    attributes inline under contui as under python: an object whose ``__dict__`` the tracer asked for (to read its
    mark) made every attribute read of the standard library's own code on it twice as slow, at every put and get."""
    path = script("inline_attributes.py")
    plain, code = plain_python_lines(path)
    assert code == 0 and plain == Counter(["own dict: []"])
    rec = run_traced(path)
    assert rec.code == 0 and rec.lines() == ["own dict: []"]
    assert rec.of(ev.QUEUE_SUMMARY) and rec.of(ev.LOCK_SUMMARY)  # the queue and the lock went hot, as the test needs
