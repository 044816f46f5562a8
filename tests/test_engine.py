"""The engine with real processes: what the tracer reports, the transport's resilience, the runner's cleanup."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

import tui
from tests.helpers import (
    assert_model_took_every_event,
    plain_python,
    plain_python_lines,
    printed,
    read_after,
    record_run,
    run_processes,
    run_traced,
    script,
    wait_until,
)
from tui.engine import events as ev
from tui.engine.catalog import load_catalog
from tui.engine.model import Model

METHODS = ["fork", "spawn", "forkserver"]
LINES = 20000  # per busy writer: long enough that the kills land mid-write


def overlapping_owners(recording, lock_id: str) -> list[tuple[int, int]]:
    """Pairs of holders of one lock whose holds overlap in time (should never happen for a Lock)."""
    holds: dict[tuple[int, int], int] = {}
    spans = []
    for e in sorted(recording.of(ev.LOCK_ACQUIRE, ev.LOCK_RELEASE), key=lambda e: e.t):
        if e["lock"] != lock_id:
            continue
        key = (e.pid, e.tid)
        if e.kind == ev.LOCK_ACQUIRE:
            holds[key] = e.t
        elif key in holds:
            spans.append((holds.pop(key), e.t, key))
    spans.sort()
    return [(a[2], b[2]) for a, b in zip(spans, spans[1:]) if b[0] < a[1]]


@pytest.mark.parametrize("method", METHODS)
def test_everything_is_recorded(method: str) -> None:
    rec = run_traced(script("everything.py"), start_method=method, timeout=90)
    main = rec.main_pid
    assert rec.code == 0

    starts = {e.pid: e for e in rec.of(ev.PROC_START)}
    spawned = {e["child"]: e for e in rec.of(ev.PROC_SPAWN)}
    # main + task + Worker + 3 buyers + slow_getter + consumer
    user_children = [pid for pid in spawned if spawned[pid].pid == main]
    assert len(user_children) == 7
    for pid in [main, *user_children]:
        assert pid in starts, f"no proc.start from {pid}"
    forkserver = [pid for pid, e in starts.items() if e["method"] == "forkserver"]
    for pid in user_children:
        expected_ppid = forkserver[0] if method == "forkserver" else main
        assert starts[pid]["ppid"] == expected_ppid
        assert spawned[pid]["method"] == method
    assert starts[main]["ppid"] == rec.of(ev.RUN_START)[0]["reaper"]

    exits = {e.pid: e["code"] for e in rec.of(ev.PROC_EXIT)}
    reaps = {e["child"]: e["code"] for e in rec.of(ev.PROC_REAP)}
    daemon = next(pid for pid in user_children if spawned[pid]["daemon"])
    for pid in [main, *user_children]:
        if pid == daemon:  # the consumer is terminated at the main process's exit
            assert reaps[pid] == -signal.SIGTERM
        else:
            assert exits[pid] == 0
            assert reaps[pid] == 0
    assert [e for e in rec.of(ev.PROC_TERMINATE) if e["child"] == daemon][0]["reason"] == "daemon-at-exit"

    names = Counter(e["name"] for e in rec.of(ev.THREAD_START) if e.pid == main and e.tid != main)
    assert names and sum(names.values()) == 3
    thread_ids = {e.tid for e in rec.of(ev.THREAD_START) if e.pid == main and e.tid != main}
    assert thread_ids == {e.tid for e in rec.of(ev.THREAD_EXIT) if e.pid == main}

    locks = {e["lock"]: e for e in rec.of(ev.LOCK_NEW)}
    assert {e["type"] for e in locks.values()} == {"mp.Lock", "threading.Lock"}
    mp_lock = next(k for k, e in locks.items() if e["type"] == "mp.Lock")
    t_lock = next(k for k, e in locks.items() if e["type"] == "threading.Lock")
    buyers = {pid for pid in user_children if any(e.pid == pid for e in rec.of(ev.LOCK_ACQUIRE))}
    assert len(buyers) == 3
    for lock_id, pairs in ((mp_lock, 6), (t_lock, 9)):
        acquires = [e for e in rec.of(ev.LOCK_ACQUIRE) if e["lock"] == lock_id]
        releases = [e for e in rec.of(ev.LOCK_RELEASE) if e["lock"] == lock_id]
        assert len(acquires) == len(releases) == pairs
        assert Counter((e.pid, e.tid) for e in acquires) == Counter((e.pid, e.tid) for e in releases)
        assert overlapping_owners(rec, lock_id) == []
    # Whether two buyers meet at the lock is up to when each one starts (a wait that must happen: see
    # test_an_acquire_that_cannot_succeed_reports_its_wait_then_its_timeout); each one that waited got it in the end.
    for wait in rec.of(ev.LOCK_WAIT):
        assert any(e.pid == wait.pid and e.tid == wait.tid and e["lock"] == wait["lock"] and e.t > wait.t
                   for e in rec.of(ev.LOCK_ACQUIRE)), wait

    queues = {e["queue"]: e for e in rec.of(ev.QUEUE_NEW)}
    assert sorted(e["type"] for e in queues.values()) == ["JoinableQueue", "Queue"]
    for qid in queues:
        puts = [e for e in rec.of(ev.QUEUE_PUT) if e["queue"] == qid]
        gets = [e for e in rec.of(ev.QUEUE_GET) if e["queue"] == qid]
        assert len(puts) == len(gets) == 4
    bounded = next(q for q, e in queues.items() if e["maxsize"] == 3)
    assert any(e["queue"] == bounded and e["op"] == "put" for e in rec.of(ev.QUEUE_BLOCK))
    joinable = next(q for q, e in queues.items() if e["type"] == "JoinableQueue")
    assert len([e for e in rec.of(ev.QUEUE_TASK_DONE) if e["queue"] == joinable]) == 4
    assert [e["phase"] for e in rec.of(ev.QUEUE_JOIN)] == ["begin", "end"]

    expected, code = plain_python_lines(script("everything.py"))
    assert rec.line_counts() == expected
    assert rec.code == code


@pytest.mark.parametrize("method", METHODS)
def test_scenario_output_matches_plain_python(method: str, tmp_path) -> None:
    scenario = load_catalog()[0]
    rec = run_traced(scenario.id, start_method=method, timeout=30)
    expected, code = plain_python_lines(str(scenario.path), cwd=str(tmp_path))
    assert rec.line_counts() == expected
    assert rec.code == code == 0
    assert "主" in expected


def test_exit_codes_and_exceptions_match_plain_python() -> None:
    for name, code in (("exit3.py", 3), ("raises.py", 1), ("broken.py", 1)):
        rec = run_traced(script(name), timeout=30)
        expected, plain_code = plain_python_lines(script(name))
        assert rec.code == plain_code == code, name
        assert rec.line_counts() == expected, name
    rec = run_traced(script("raises.py"), timeout=30)
    [exc] = rec.of(ev.EXCEPTION)
    assert (exc["type"], exc["message"], exc["where"]) == ("ValueError", "bad value", "main")
    err = rec.lines("stderr")
    assert err[0] == "Traceback (most recent call last):" and err[-1] == "ValueError: bad value"
    # Read from the frames' files, not from the text: the checkout's own path may well contain "tui".
    package = Path(tui.__file__).resolve().parent
    frames = [Path(line.split('"')[1]).resolve() for line in err if line.startswith('  File "')]
    assert frames and not [f for f in frames if f.is_relative_to(package)], "contui's own frames leaked into it"
    assert err == plain_python(script("raises.py")).stderr.splitlines()  # exactly as under plain python


def test_speed_factor_scales_sleeps() -> None:
    rec = run_traced(script("sleep3.py"), speed=10, timeout=30)
    begin, end = rec.of(ev.SLEEP)
    assert begin["secs"] == 3 and begin["phase"] == "begin" and end["phase"] == "end"
    # At least the scaled 0.3 s, and short of the 3 s an unscaled sleep cannot take less than.
    assert 0.3e9 <= end.t - begin.t < 3e9
    assert rec.lines() == ["slept"]


def test_zombie_is_sampled_then_reaped() -> None:
    rec = run_traced(script("zombie_child.py"), timeout=30)
    main = rec.main_pid
    child = rec.of(ev.PROC_SPAWN)[0]["child"]
    zombie_samples = [e for e in rec.of(ev.SAMPLE) if e.pid == child and e["status"] == "zombie"]
    assert zombie_samples, "psutil never saw the child as a zombie"
    reap = next(e for e in rec.of(ev.PROC_REAP) if e["child"] == child)
    assert reap.pid == main and reap["by"] == "parent"
    main_exit = next(e for e in rec.of(ev.PROC_EXIT) if e.pid == main)
    assert zombie_samples[0].t < reap.t < main_exit.t, "the zombie was seen while its parent lived"
    assert not [e for e in read_after(rec, child, reap.t) if e.kind == ev.SAMPLE and e["status"] == "zombie"]

    model = Model()
    for e in rec.events:
        model.apply(e)
        if e is zombie_samples[0]:
            assert model.processes[child].state == "zombie"
    assert_model_took_every_event(model, "zombie_child.py")
    assert model.processes[child].state == "exited"
    assert model.processes[child].reaped


def test_orphan_is_adopted_by_the_reaper() -> None:
    rec = run_traced(script("orphan_child.py"), timeout=30)
    reaper = rec.of(ev.RUN_START)[0]["reaper"]
    starts = {e.pid: e for e in rec.of(ev.PROC_START)}
    grandchild = next(pid for pid, e in starts.items() if e["ppid"] not in (reaper, rec.main_pid)
                      and e["method"] != "main")
    parent = starts[grandchild]["ppid"]
    adopted = [e for e in rec.of(ev.SAMPLE) if e.pid == grandchild and e["ppid"] != parent]
    assert adopted, "psutil never saw the orphan's new parent"
    assert adopted[0]["ppid"] == reaper and adopted[0]["parent_name"] == "contui-reaper"
    assert rec.model.processes[grandchild].adopted_by == (reaper, "contui-reaper")
    assert "grandchild done" in rec.lines()


def test_killed_writers_never_block_or_lose_other_processes_events() -> None:
    """SIGKILL 10 of 20 busy writers at random moments: the others' events all arrive, and the run ends (in
    run_traced's time: a writer killed holding a lock others need would block them for good)."""
    rng = random.Random(1234)
    writers: list[int] = []
    killed: set[int] = set()
    kill_at: dict[int, float] = {}

    def on_event(e: ev.Event) -> None:
        now = time.monotonic()
        if e.kind == ev.PROC_SPAWN:
            writers.append(e["child"])
            # every second writer dies, at a random moment of its life (its 20,000 lines take a tenth of a second
            # or more; a writer that finished first is a survivor, below)
            if len(writers) % 2 == 0:
                kill_at[e["child"]] = now + rng.uniform(0.0, 0.1)
        for pid, when in list(kill_at.items()):
            if now >= when:
                del kill_at[pid]
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:  # it finished first (already reaped): it is a survivor
                    continue
                killed.add(pid)

    rec = run_traced(script("busy_writers.py"), timeout=60, on_event=on_event)
    assert len(writers) == 20 and len(killed) >= 8
    for pid in writers:
        if pid in killed:
            continue
        lines = rec.lines(pid=pid)
        n = lines[0].split()[0] if lines else "?"
        assert lines == [f"{n} {i}" for i in range(LINES)], f"writer {pid} lost events"
    assert rec.code == 0  # the main joins its writers, killed or not, and ends normally


def test_stop_ends_every_process_including_orphans() -> None:
    from tui.engine.catalog import resolve_target
    from tui.engine.runner import Run
    from tui.engine.collector import Collector

    run = Run(resolve_target(script("five_sleepers.py")), stdin="null", grace=0.5)
    collector = Collector(run)
    run.start()
    try:
        assert wait_until(lambda: collector.poll(0.05) is not None and
                          len([p for p in collector.model.processes.values() if p.pid != run.reaper.pid]) >= 6,
                          timeout=20)
        pids = [p.pid for p in collector.model.processes.values()]
        run.stop()
        assert not [pid for pid in pids if psutil.pid_exists(pid) and
                    psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
        while not collector.finished and collector.poll(0.0):  # what the run said last, for the model check
            pass
    finally:
        run.close()
    assert_model_took_every_event(collector.model, "five_sleepers.py")


def test_the_next_run_removes_the_temp_folders_of_a_contui_that_is_gone(tmp_path: Path) -> None:
    """A contui SIGKILLed before its reaper started leaves its folders: the next run removes them, and only them."""
    from tui.engine.runner import sweep_stale_folders

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = [tmp_path / f"contui-ctl-{gone.pid}-abc123", tmp_path / f"contui-ticket_lock-{gone.pid}-x_y"]
    kept = [tmp_path / f"contui-ctl-{os.getpid()}-def456", tmp_path / "contui-notes", tmp_path / "other-1-2"]
    for folder in stale + kept:
        folder.mkdir()
        (folder / "control").write_bytes(b"")
    assert sorted(sweep_stale_folders(str(tmp_path))) == sorted(str(f) for f in stale)
    assert sorted(tmp_path.iterdir()) == sorted(kept)


def test_sigkill_of_contui_ends_the_whole_run_within_2s_and_its_temp_folders_go_with_it(tmp_path: Path) -> None:
    # its own temp folder, so that what contui leaves there is this run's
    contui = subprocess.Popen([sys.executable, "-m", "tui", "run", script("five_sleepers.py")],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        me = psutil.Process(contui.pid)
        assert wait_until(lambda: len(me.children(recursive=True)) >= 7, timeout=20), "run never started"
        assert [p.name for p in tmp_path.iterdir()][0].startswith("contui-ctl-")
        tree = me.children(recursive=True)
        os.kill(contui.pid, signal.SIGKILL)
        contui.wait(5)
        killed_at = time.monotonic()
        assert wait_until(lambda: not _alive(tree), timeout=2.0), f"still alive: {_alive(tree)}"
        assert time.monotonic() - killed_at <= 2.0
    finally:
        if contui.poll() is None:
            contui.kill()
            contui.wait()
    assert wait_until(lambda: not run_processes(), timeout=3.0)
    # the reaper outlived contui long enough to end the run, and removed the folder contui could not
    assert wait_until(lambda: not list(tmp_path.iterdir()), timeout=3.0), list(tmp_path.iterdir())


def _alive(procs: list[psutil.Process]) -> list[int]:
    alive = []
    for proc in procs:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc.pid)
        except psutil.Error:
            pass
    return alive


def test_speed_can_be_turned_while_the_run_goes() -> None:
    from tui.engine.catalog import resolve_target
    from tui.engine.runner import Run

    run = Run(resolve_target(script("ticks.py")), stdin="null")
    turning: list[int] = []  # when the turn began, on the run's clock: no sleep that ended before saw it

    def on_event(e: ev.Event) -> None:
        if "tick 2" in printed(e) and not turning:
            turning.append(time.monotonic_ns() - run.t0)
            run.set_speed(20)

    rec = record_run(run, "ticks.py", timeout=30, on_event=on_event)
    assert len(rec.of(ev.STDOUT)) == 30 and turning
    sleeps = rec.of(ev.SLEEP)  # one thread: begin, end, begin, end, ...
    spans = [(begin.t, end.t) for begin, end in zip(sleeps[::2], sleeps[1::2], strict=True)]
    assert len(spans) == 30 and all(begin["secs"] == 0.1 for begin in sleeps[::2])
    before = [end - begin for begin, end in spans if end < turning[0]]
    after = [end - begin for begin, end in spans if begin > turning[0]]
    assert len(before) >= 3 and min(before) >= 0.1e9  # real time: 0.1 s a tick, up to tick 2 at least
    # The speed is read at each sleep. At real time the sleeps begun since the turn would take 0.1 s each at least;
    # they took less, all together (one may have read the speed just before it changed; the rest: 5 ms each).
    assert after and sum(after) < 0.1e9 * len(after)


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_terminate_right_after_start_is_never_lost(method: str) -> None:
    # A fork child drops signals that arrive before its interpreter is reset; with the tracer's SIGTERM handler in
    # place, a terminate() in that window would leave the child running where plain Python kills it.
    rec = run_traced(script("terminate_at_once.py"), start_method=method)
    assert "not terminated: 0" in rec.lines(), rec.lines()
    reaps = [e for e in rec.of(ev.PROC_REAP) if e["by"] == "parent"]
    assert len(reaps) == 100 and {e["code"] for e in reaps} == {-15}
    model = Model()
    for e in rec.events:
        model.apply(e)
    children = [p for p in model.processes.values() if p.name.startswith("Process-")]
    assert len(children) == 100 and {p.state for p in children} == {"terminated"}


def test_a_script_that_only_starts_processes_loads_no_queue_or_lock_machinery() -> None:
    # Every module the tracer loads is memory each fork of the script copies; queues, locks and the forkserver are
    # hooked when the script itself first imports them, and are traced from then on.
    rec = run_traced(script("loaded_modules.py"))
    assert rec.lines() == ["loaded: []", "locked"]
    assert [e["type"] for e in rec.of(ev.LOCK_NEW)] == ["mp.Lock"]
    assert len(rec.of(ev.LOCK_ACQUIRE)) == 1 and len(rec.of(ev.LOCK_RELEASE)) == 1


def test_an_acquire_that_cannot_succeed_reports_its_wait_then_its_timeout() -> None:
    rec = run_traced(script("lock_wait.py"))
    [child] = [e["child"] for e in rec.of(ev.PROC_SPAWN)]
    [lock] = rec.of(ev.LOCK_NEW)
    mine = [(e.kind, e.pid) for e in rec.of(ev.LOCK_WAIT, ev.LOCK_ACQUIRE, ev.LOCK_TIMEOUT, ev.LOCK_RELEASE)
            if e["lock"] == lock["lock"]]
    main = rec.main_pid
    assert mine == [(ev.LOCK_ACQUIRE, main), (ev.LOCK_WAIT, child), (ev.LOCK_TIMEOUT, child), (ev.LOCK_RELEASE, main)]
    assert rec.lines() == ["gave up", "released"]


def test_each_acquire_names_its_own_line() -> None:
    # Sites are cached per code position, and an acquire's fields are shared between events at one site.
    rec = run_traced(script("lock_sites.py"))
    sites = [(e["lock"].rsplit(".", 1)[1], e["site"]) for e in rec.of(ev.LOCK_ACQUIRE)]
    assert sites == [("1", "lock_sites.py:7"), ("1", "lock_sites.py:9"), ("2", "lock_sites.py:11"),
                     ("2", "lock_sites.py:13")]
    assert [e["site"] for e in rec.of(ev.SEM_ACQUIRE)] == ["lock_sites.py:14"]  # a semaphore has kinds of its own
