"""Children made outside multiprocessing and the signals the script sends, with real processes: subprocess and
posix_spawn children are processes of the run with their command lines, and what they print to the streams they
inherit is theirs; a bare os.fork() child is its own process with its own lines; a signal is a record from its sender
to its receiver; a spawned child of a script without the __main__ guard says everything it printed."""

from __future__ import annotations

import signal

from tests.helpers import plain_python, printed, run_traced, script
from tui.engine import events as ev
from tui.engine.model.records import MarkKind, ReapedBy, State


def lines_of(model, pid: int, stream: str = "stdout") -> list[str]:
    return [line.text for line in model.lines if line.pid == pid and line.stream.value == stream]


def test_popen_and_posix_spawn_children_are_processes_with_their_own_lines() -> None:
    rec = run_traced(script("children_popen.py"), timeout=60)
    done = plain_python(script("children_popen.py"))
    assert sorted(rec.lines()) == sorted(done.stdout.splitlines())
    assert rec.lines("stderr") == done.stderr.splitlines() == ["python child complains"]
    assert rec.code == done.returncode == 0
    model = rec.model
    main = model.run.main
    execs = {p.cmdline[-1]: p for p in model.processes.values() if p.method == "exec"}
    assert sorted(execs) == sorted(["echo says hi", "captured line", "spawned says hi", execs_python(execs)])
    for p in execs.values():
        assert p.ppid == main and p.reaped_by is ReapedBy.PARENT and p.exit_code == 0 and p.end is State.EXITED
    python = execs[execs_python(execs)]
    assert python.name.startswith("python") and python.cmdline[1] == "-c"
    assert lines_of(model, python.pid) == ["python child says hi", "python child again"]
    assert lines_of(model, python.pid, "stderr") == ["python child complains"]
    assert lines_of(model, execs["echo says hi"].pid) == ["echo says hi"]
    assert lines_of(model, execs["spawned says hi"].pid) == ["spawned says hi"]
    assert lines_of(model, execs["captured line"].pid) == []  # the script captured it, and printed it itself
    assert "parent captured: captured line" in lines_of(model, main)
    # a child's lines come before its reap, and before what its parent prints once it has waited for it
    events = sorted(rec.events, key=lambda e: e.t)
    at = {(e.kind, e.pid, text, e.get("child")): i for i, e in enumerate(events) for text in printed(e) or [None]}
    echo = execs["echo says hi"].pid
    assert at[(ev.STDOUT, echo, "echo says hi", None)] < at[(ev.PROC_REAP, main, None, echo)]
    assert at[(ev.STDOUT, echo, "echo says hi", None)] < at[(ev.STDOUT, main, "parent captured: captured line", None)]


def execs_python(execs) -> str:
    return next(cmd for cmd in execs if cmd.startswith("import sys"))


def test_a_bare_fork_child_is_its_own_process_with_its_own_lines() -> None:
    rec = run_traced(script("children_fork.py"), timeout=60)
    done = plain_python(script("children_fork.py"))
    assert sorted(rec.lines()) == sorted(done.stdout.splitlines())
    assert rec.code == done.returncode == 0
    model = rec.model
    main = model.run.main
    (child,) = [p for p in model.processes.values() if p.method == "os.fork"]
    assert child.ppid == child.original_ppid == main and child.name == "MainProcess"
    assert [e.pid for e in rec.of(ev.PROC_START) if e["method"] == "os.fork"] == [child.pid]
    assert lines_of(model, child.pid) == ["child True"]
    assert "child True" not in lines_of(model, main)
    assert (child.exit_code, child.reaped_by) == (3, ReapedBy.PARENT)
    assert [e["code"] for e in rec.of(ev.PROC_EXIT) if e.pid == child.pid] == [3]


def test_a_child_left_running_prints_on_after_its_parent_ends() -> None:
    """Its lines are still its own, and it is not killed by a pipe nobody reads (SIGPIPE): it ends as under python."""
    rec = run_traced(script("children_outlive.py"), timeout=60)
    done = plain_python(script("children_outlive.py"))
    assert sorted(rec.lines()) == sorted(done.stdout.splitlines()) == ["late line", "parent leaves"]
    assert rec.lines("stderr") == done.stderr.splitlines() == ["late complaint"]
    model = rec.model
    (sh,) = [p for p in model.processes.values() if p.name == "sh"]
    assert lines_of(model, sh.pid) == ["late line"] and lines_of(model, sh.pid, "stderr") == ["late complaint"]
    assert (sh.exit_code, sh.end) == (0, State.EXITED)


def test_signals_are_records_from_sender_to_receiver() -> None:
    rec = run_traced(script("children_signals.py"), timeout=60)
    assert rec.lines() == ["sleep ended with -10", "worker ended with -15"]
    model = rec.model
    main = model.run.main
    sleep = next(p for p in model.processes.values() if p.cmdline == ("sleep", "30"))
    worker = next(p for p in model.processes.values() if p.name.startswith("Process-"))
    sent = [(s.sender, s.target, s.signal, s.call) for s in model.signals]
    assert sent == [((main, main), sleep.pid, signal.SIGUSR1, "os.kill"),
                    ((main, main), worker.pid, signal.SIGTERM, "terminate")]
    assert model.signals_to(sleep.pid)[0].t < sleep.reaped_t
    assert (sleep.exit_code, worker.end) == (-signal.SIGUSR1, State.TERMINATED)
    # the timeline draws each from sender to receiver: a mark on the sender's lane and one on the receiver's
    def marks(pid: int, tid: int, kind: MarkKind) -> list[str | None]:
        return [m.detail for m in model.lanes[(pid, tid)].marks if m.kind is kind]

    assert marks(main, main, MarkKind.SIGNAL_SENT) == [str(int(signal.SIGUSR1)), str(int(signal.SIGTERM))]
    assert marks(sleep.pid, sleep.pid, MarkKind.SIGNAL_RECEIVED) == [str(int(signal.SIGUSR1))]
    assert marks(worker.pid, worker.pid, MarkKind.SIGNAL_RECEIVED) == [str(int(signal.SIGTERM))]


def test_an_unguarded_spawned_child_says_everything_it_printed() -> None:
    """Without the __main__ guard the spawned child dies before multiprocessing's _bootstrap, of a RuntimeError whose
    traceback is longer than one burst of events: every line of it arrives, as under plain python."""
    rec = run_traced(script("children_unguarded_spawn.py"), timeout=60)
    done = plain_python(script("children_unguarded_spawn.py"))
    assert sorted(rec.lines()) == sorted(done.stdout.splitlines())
    assert rec.code == done.returncode == 0
    assert rec.lines("stderr") == done.stderr.splitlines()
    assert "RuntimeError: " in done.stderr and len(done.stderr.splitlines()) > 32
