"""Per-thread OS states: a thread that waits is never drawn running, whatever it waits in (real processes)."""

from __future__ import annotations

import threading

from tests.helpers import printed, record_run, script
from tui.engine import events as ev
from tui.engine.catalog import resolve_target
from tui.engine.events import Event
from tui.engine.model import Model, OsStatus, State
from tui.engine.runner import Run

TYPE_AFTER = 1.0  # seconds between "ready" and the line the test types: how long the waits last


def record_blocked_threads() -> list[Event]:
    target = script("blocked_threads.py")
    run = Run(resolve_target(target), stdin="pipe")
    timers: list[threading.Timer] = []

    def on_event(event: Event) -> None:
        if "ready" in printed(event):
            timer = threading.Timer(TYPE_AFTER, run.write_stdin, ["typed by the test\n"])
            timers.append(timer)
            timer.start()

    try:
        recording = record_run(run, target, timeout=30, on_event=on_event)
    finally:
        for timer in timers:
            timer.cancel()
    return sorted(recording.events, key=lambda e: e.t)


def line_t(events: list[Event], text: str) -> int:
    return next(e.t for e in events if text in printed(e))


def thread_named(model: Model, name: str) -> tuple[int, int]:
    for p in model.processes.values():
        for th in p.threads.values():
            if th.name == name:
                return p.pid, th.tid
    raise AssertionError(f"no thread {name}")


def wait_span(events: list[Event], call: str) -> tuple[int, int]:
    """When the call's wait began and ended."""
    begin, end = (next(e.t for e in events if e.kind == ev.WAIT and e.get("call") == call and e.get("phase") == phase)
                  for phase in ("begin", "end"))
    return begin, end


def test_threads_waiting_in_accept_input_and_a_bare_read_are_never_shown_running() -> None:
    events = record_blocked_threads()
    ready, typed = line_t(events, "ready"), line_t(events, "typed typed by the test")
    pipe_begins = line_t(events, "pipe read begins")
    first_pipe_sample = next(e.t for e in events if e.kind == ev.SAMPLE and e.t > pipe_begins)
    # While each waits: from its call to the call's return; for the bare read, which only the OS sees, from the
    # first sample after it began until the main thread writes to the pipe (after "typed").
    windows = {"acceptor": wait_span(events, "socket.accept"), "MainThread": wait_span(events, "input"),
               "pipe-reader": (first_pipe_sample, typed)}
    assert windows["MainThread"][1] - windows["MainThread"][0] >= TYPE_AFTER * 0.9e9  # the waits lasted
    shown: dict[str, list[State]] = {name: [] for name in windows}
    sampled: dict[str, list[tuple[OsStatus | None, str | None]]] = {name: [] for name in windows}
    model = Model()
    keys: dict[str, tuple[int, int]] = {}
    for event in events:
        model.apply(event)
        if event.t < ready:
            continue
        keys = keys or {name: thread_named(model, name) for name in windows}
        for name, (begin, end) in windows.items():
            if not begin <= event.t < end:
                continue
            th = model.thread(*keys[name])
            assert th is not None
            shown[name].append(th.shown_state)
            if event.kind == ev.SAMPLE and event.pid == keys[name][0]:
                sampled[name].append((th.os_status, th.wchan))
    for name, states in shown.items():
        assert states, f"{name}: no moment looked at"
        assert State.RUNNING not in states, f"{name} was shown running while it waited: {states}"
        assert any(status is OsStatus.SLEEPING and wchan for status, wchan in sampled[name]), sampled[name]
    for name in ("acceptor", "MainThread"):
        th = model.thread(*keys[name])
        assert th is not None and th.waits_in is None  # the waits ended with their calls


def test_a_sample_carries_every_thread_with_its_state_and_wait_channel() -> None:
    events = record_blocked_threads()
    ready, typed = line_t(events, "ready"), line_t(events, "typed typed by the test")
    main_pid = next(e.pid for e in events if e.kind == ev.PROC_START)
    during = [e for e in events if e.kind == ev.SAMPLE and e.pid == main_pid and ready < e.t < typed]
    assert during, "no sample while the threads waited"
    for sample in during:
        threads = sample.get("threads")
        assert isinstance(threads, list) and len(threads) >= 3
        assert {"tid", "status", "wchan"} <= threads[0].keys()
    waits = {th["wchan"] for sample in during for th in sample.get("threads") if th["status"] == "sleeping"}
    assert "inet_csk_accept" in waits  # the acceptor, as the kernel says


def test_a_for_loop_over_stdin_is_a_wait_on_stdin_as_a_read_is() -> None:
    """``for line in sys.stdin`` reads through the tracer's stand-in: the read it makes is the script's, told as a
    wait on stdin (it was missed: the loop's read was made from the tracer's own file)."""
    run = Run(resolve_target(script("echo_lines.py")), stdin="pipe")
    run.start()
    run.write_stdin("hello\n")
    run.close_stdin()
    rec = record_run(run, "echo_lines.py", timeout=30)
    assert rec.lines() == ["got: hello", "EOF"]
    reads = [e for e in rec.of(ev.WAIT) if e.get("call") == "stdin.read"]
    assert [e["phase"] for e in reads] == ["begin", "end"] * (len(reads) // 2) and len(reads) >= 4  # each line, EOF
