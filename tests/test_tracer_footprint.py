"""What the tracer costs each traced process, told by behaviour: what it loads, and that the events it sends in fewer
writes (a reap with its join's end, a wait for no thread with the process's end) all arrive, in order, and that a
real wait is still told as it begins."""

from __future__ import annotations

import os
import sysconfig
import time

from tests.helpers import run_traced, script
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
