"""The Chrome Trace Event export (tui/engine/export.py): what Perfetto, chrome://tracing and VizTracer's viewer open.

Checked on the committed recordings: names for every process and thread, slices that nest on every track, flows
from each put to the get that took its item and from each release to the acquire it let through, counters,
instants; and one live run. A file that is not a recording is refused as the reader refuses it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_traced, script
from tui.engine.events import Event
from tui.engine.export import PRIMITIVES_PID, chrome_trace, export_recording, write_chrome_trace
from tui.engine.jsonl import RecordingError, RecordingHeader, read_recording

RECORDINGS = Path(__file__).parent / "recordings"
ALL = sorted(p.name for p in RECORDINGS.glob("*.jsonl"))
Track = tuple[int, int]


# -- reading a trace back -----------------------------------------------------------------------------------------
def export(name: str, tmp_path: Path) -> dict[str, Any]:
    """Export a committed recording to a file and read the file back, as a viewer would."""
    out = tmp_path / f"{name}.json"
    count = export_recording(RECORDINGS / name, out)
    trace: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert count == len(trace["traceEvents"])
    return trace


def of(trace: dict[str, Any], *phases: str) -> list[dict[str, Any]]:
    return [e for e in trace["traceEvents"] if e["ph"] in phases]


def named(trace: dict[str, Any], what: str) -> dict[Track, dict[str, Any]]:
    """(pid, tid) -> args of the M events called ``what`` (thread_name, process_name ...)."""
    return {(e["pid"], e["tid"]): e["args"] for e in of(trace, "M") if e["name"] == what}


def native(trace: dict[str, Any]) -> dict[Track, tuple[int, int]]:
    """Each thread track of the run -> the (pid, native tid) it stands for."""
    return {track: (track[0], args["native_tid"]) for track, args in named(trace, "thread_name").items()
            if "native_tid" in args}


def slices(trace: dict[str, Any]) -> dict[Track, list[tuple[float, float, str]]]:
    tracks: dict[Track, list[tuple[float, float, str]]] = defaultdict(list)
    for e in of(trace, "X"):
        tracks[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"], e["name"]))
    return tracks


def flow_pairs(trace: dict[str, Any], cat: str) -> dict[int, dict[str, dict[str, Any]]]:
    """Flow id -> its start ("s") and finish ("f"); each id must have exactly one of each."""
    pairs: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for e in of(trace, "s", "f"):
        if e["cat"] == cat:
            assert e["ph"] not in pairs[e["id"]], f"flow {e['id']} has two {e['ph']} events"
            pairs[e["id"]][e["ph"]] = e
    for fid, pair in pairs.items():
        assert set(pair) == {"s", "f"}, f"flow {fid} is not a pair: {pair}"
        assert pair["s"]["name"] == pair["f"]["name"] and pair["f"].get("bp") == "e"
    return pairs


def recorded(name: str) -> list[Event]:
    return read_recording(RECORDINGS / name)[1]


def assert_well_formed(trace: dict[str, Any]) -> None:
    """What a viewer needs to draw it right: every track's slices nest, each flow end sits inside a slice of its own
    track (the put, get, release or acquire it binds to), small named thread ids, times in order, numeric counters."""
    for track, spans in slices(trace).items():
        stack: list[tuple[float, float, str]] = []
        for span in sorted(spans, key=lambda s: (s[0], -s[1])):
            while stack and stack[-1][1] <= span[0]:
                stack.pop()
            assert not stack or span[1] <= stack[-1][1], f"{span} overlaps {stack[-1]} on {track} without nesting"
            stack.append(span)
    tracks = slices(trace)
    for e in of(trace, "s", "f"):
        inside = [s for s in tracks[(e["pid"], e["tid"])] if s[0] < e["ts"] < s[1]]
        assert inside, f"flow {e['id']} ({e['ph']}) at {e['ts']} is in no slice of its track"
    thread_names, process_names = named(trace, "thread_name"), named(trace, "process_name")
    for e in trace["traceEvents"]:
        assert isinstance(e["tid"], int) and 0 <= e["tid"] < 2**16, e
        assert isinstance(e["pid"], int) and 0 < e["pid"] < 2**31, e
        assert (e["pid"], 0) in process_names, f"pid {e['pid']} has no name"
        if e["ph"] in "XsfC" or (e["ph"] == "i" and e["s"] != "p"):
            assert (e["pid"], e["tid"]) in thread_names, f"track {e['pid']}/{e['tid']} has no name: {e}"
    times = [e["ts"] for e in trace["traceEvents"] if e["ph"] != "M"]
    assert times == sorted(times) and all(t >= 0 for t in times)
    assert all(e["dur"] >= 0 for e in of(trace, "X"))
    for e in of(trace, "C"):
        assert e["args"] and all(isinstance(v, int | float) for v in e["args"].values()), e
    assert trace["displayTimeUnit"] == "ms"


# -- the committed recordings -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_every_recording_exports_a_well_formed_trace(name: str, tmp_path: Path) -> None:
    trace = export(name, tmp_path)
    assert_well_formed(trace)
    header, events = read_recording(RECORDINGS / name)
    assert trace["otherData"]["target"] == header.target and trace["otherData"]["protocol"] == header.protocol
    # Every process and thread of the recording has its name, and the thread's native id with it.
    pids = {e.pid for e in events if e.pid}
    assert pids <= {pid for pid, _ in named(trace, "process_name")}
    assert {(e.pid, e.tid or e.pid) for e in events if e.pid} <= set(native(trace).values())


def test_producer_consumer_has_one_flow_per_item_put_and_got(tmp_path: Path) -> None:
    trace = export("producer_consumer.jsonl", tmp_path)
    events = recorded("producer_consumer.jsonl")
    puts = Counter(e["queue"] for e in events if e.kind == "queue.put")
    gets = Counter(e["queue"] for e in events if e.kind == "queue.get")
    pairs = flow_pairs(trace, "queue")
    assert len(pairs) == sum(min(puts[q], gets[q]) for q in puts) == 4
    threads = native(trace)
    put_at = {(e.pid, e.tid, e["item"]) for e in events if e.kind == "queue.put"}
    got_at = {(e.pid, e.tid, e["item"]) for e in events if e.kind == "queue.get"}
    for pair in pairs.values():
        start, finish = pair["s"], pair["f"]
        item = start["name"].split(": ", 1)[1]
        assert (*threads[(start["pid"], start["tid"])], item) in put_at
        assert (*threads[(finish["pid"], finish["tid"])], item) in got_at
        assert start["ts"] <= finish["ts"]
    # A get ends a wait: it is drawn in the running stretch it began, inside it, and its flow ends inside the get.
    tracks = slices(trace)
    for pair in pairs.values():
        finish = pair["f"]
        track = tracks[(finish["pid"], finish["tid"])]
        get = next(s for s in track if s[2].startswith("get ") and s[0] < finish["ts"] < s[1])
        around = [s for s in track if s[0] <= get[0] and get[1] <= s[1] and s != get]
        assert [s[2] for s in around] == ["running"]
    # First in, first out: the first item put (Process-2's peach0) went to whichever consumer got first.
    first = min(pairs.values(), key=lambda pair: pair["s"]["ts"])
    names = named(trace, "process_name")
    first_put = next(e for e in events if e.kind == "queue.put")
    first_get = next(e for e in events if e.kind == "queue.get")
    assert names[(first["s"]["pid"], 0)]["name"].startswith("Process-2")
    assert threads[(first["s"]["pid"], first["s"]["tid"])] == (first_put.pid, first_put.tid)
    assert threads[(first["f"]["pid"], first["f"]["tid"])] == (first_get.pid, first_get.tid)


def test_thread_slices_say_what_a_thread_is_blocked_on(tmp_path: Path) -> None:
    trace = export("producer_consumer.jsonl", tmp_path)
    spans = {name for track in slices(trace).values() for _, _, name in track}
    assert {"running", "sleeping", "zombie", "blocked on q (JoinableQueue)"} <= spans
    assert any(name.startswith("joining Process-1") for name in spans)
    # The waits are on the queue's own tracks, in the pseudo-process of the primitives, never overlapping.
    tracks = named(trace, "thread_name")
    waits = [name for (pid, tid), name in slices(trace).items() if pid == PRIMITIVES_PID]
    assert waits and named(trace, "process_name")[(PRIMITIVES_PID, 0)]["name"] == "locks, queues & pipes"
    queue_tracks = [args["name"] for (pid, _), args in tracks.items() if pid == PRIMITIVES_PID]
    assert "q (JoinableQueue) waits" in queue_tracks and "q (JoinableQueue) waits (2)" in queue_tracks


def test_a_queue_counts_its_items(tmp_path: Path) -> None:
    trace = export("producer_consumer.jsonl", tmp_path)
    depth = [e["args"]["items"] for e in of(trace, "C") if e["name"] == "q (JoinableQueue)"]
    # As deep as the recording's puts ran ahead of its gets.
    ahead, most = 0, 0
    for e in recorded("producer_consumer.jsonl"):
        ahead += (e.kind == "queue.put") - (e.kind == "queue.get")
        most = max(most, ahead)
    assert depth[0] == 0 and max(depth) == most > 0 and depth[-1] == 0


def test_a_release_flows_to_the_acquire_it_let_through(tmp_path: Path) -> None:
    trace = export("ticket_lock.jsonl", tmp_path)
    events = recorded("ticket_lock.jsonl")
    waited = {(e.pid, e.tid) for e in events if e.kind == "lock.wait"}
    released = {(e.pid, e.tid) for e in events if e.kind == "lock.release"}
    pairs = flow_pairs(trace, "lock")
    assert len(pairs) == len(waited) > 0  # every waiter got the lock from someone's release
    threads = native(trace)
    assert {threads[(p["f"]["pid"], p["f"]["tid"])] for p in pairs.values()} == waited
    assert all(threads[(p["s"]["pid"], p["s"]["tid"])] in released for p in pairs.values())
    # A waiter never gets the lock from its own release, and a release lets one waiter through.
    assert all(p["s"]["pid"] != p["f"]["pid"] and p["s"]["ts"] <= p["f"]["ts"] for p in pairs.values())
    holds = [name for (pid, _), track in slices(trace).items() if pid == PRIMITIVES_PID for *_, name in track]
    assert sum(name.startswith("held by") for name in holds) == 10


def test_a_semaphore_counts_its_free_seats_and_flows_to_its_waiters(tmp_path: Path) -> None:
    trace = export("docs_semaphore.jsonl", tmp_path)
    seats = [e["args"]["free seats"] for e in of(trace, "C") if e["name"] == "pool_sema (BoundedSemaphore)"]
    assert seats[0] == 2 and min(seats) == 0 and seats[-1] == 2
    waits = sum(e.kind == "sem.wait" for e in recorded("docs_semaphore.jsonl"))
    assert len(flow_pairs(trace, "semaphore")) == waits == 3
    # Two seats held at once: the holds take two tracks, so that no track has two overlapping slices.
    tracks = {args["name"] for (pid, _), args in named(trace, "thread_name").items() if pid == PRIMITIVES_PID}
    assert {"pool_sema (BoundedSemaphore)", "pool_sema (BoundedSemaphore) (2)"} <= tracks


def test_a_pipe_flows_from_send_to_recv(tmp_path: Path) -> None:
    pairs = flow_pairs(export("orphan.jsonl", tmp_path), "pipe")
    assert [p["s"]["name"] for p in pairs.values()] == ["reader (Pipe end): 'printed'"]


def instants(trace: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(scope, where: the process's name, what) of every instant."""
    processes = named(trace, "process_name")
    return [(e["s"], processes[(e["pid"], 0)]["name"], e["name"]) for e in of(trace, "i")]


def pid_of(seen: list[tuple[str, str, str]], name: str) -> int:
    """The pid of the process called ``name`` among the instants' places (``Process-3 [7657]``)."""
    return next(int(where.rpartition("[")[2].rstrip("]")) for _, where, _ in seen if where.startswith(f"{name} ["))


def test_signals_terminations_and_daemon_kills_are_instants(tmp_path: Path) -> None:
    seen = instants(export("producer_consumer.jsonl", tmp_path))
    for child in ("Process-3", "Process-4"):
        assert any(s == "t" and where.startswith("MainProcess") and what.startswith(f"daemon kill: {child}")
                   for s, where, what in seen)
        assert any(s == "p" and where.startswith(child) and what.startswith("daemon killed") for s, where, what in seen)
        sent = f"SIGTERM to {child}[{pid_of(seen, child)}]"
        assert any(s == "t" and where.startswith("MainProcess [") and what == sent for s, where, what in seen)
        assert any(s == "p" and where.startswith(child) and what == "reaped by its parent: killed by SIGTERM"
                   for s, where, what in seen)
    called = instants(export("process_attributes.jsonl", tmp_path))
    main, child = pid_of(called, "MainProcess"), pid_of(called, "进程1")
    assert ("t", f"MainProcess [{main}]", f"terminate 进程1[{child}] (SIGTERM)") in called  # terminate(): a call
    assert ("p", f"进程1 [{child}]", f"terminated by MainProcess[{main}] (SIGTERM)") in called


def test_a_zombie_is_a_slice_until_its_reap(tmp_path: Path) -> None:
    trace = export("zombie.jsonl", tmp_path)
    child = next(pid for (pid, _), args in named(trace, "process_name").items() if args["name"].startswith("Process-1 ["))
    zombie = [s for (pid, _), track in slices(trace).items() if pid == child for s in track if s[2] == "zombie"]
    reaped = [e for e in of(trace, "i") if e["pid"] == child and e["name"] == "reaped by its parent: code 0"]
    assert len(zombie) == 1 and len(reaped) == 1 and reaped[0]["s"] == "p"
    assert zombie[0][1] == reaped[0]["ts"]  # a zombie until its parent reaps it
    exits = [e for e in of(trace, "i") if e["pid"] == child and e["name"] == "exit: code 0"]
    assert len(exits) == 1 and exits[0]["ts"] <= zombie[0][0]


def test_a_live_run_killed_by_a_signal(tmp_path: Path) -> None:
    recording = run_traced(script("killed_by_signal.py"))
    out = tmp_path / "trace.json"
    header = RecordingHeader(target="killed_by_signal", path=script("killed_by_signal.py"))
    write_chrome_trace(header, recording.events, out)
    trace = json.loads(out.read_text(encoding="utf-8"))
    assert_well_formed(trace)
    main = f"MainProcess [{recording.main_pid}]"
    seen = instants(trace)
    assert ("t", main, f"SIGKILL to MainProcess[{recording.main_pid}]") in seen
    assert ("p", main, "reaped by the reaper: killed by SIGKILL") in seen
    assert ("p", main, "run ended: killed by SIGKILL") in seen


# -- made-up events: what recordings seldom show ------------------------------------------------------------------
HEADER = RecordingHeader(target="made up", path="/nowhere/made_up.py", contui="0", recorded="2025-01-01T00:00:00")
REAPER, MAIN, WORKER, CHILD = 4000000, 4000001, 4194000, 3  # native ids too large for a viewer; a pid a tid could be


def made_up() -> list[Event]:
    """A main thread putting into a LIFO, a priority and a plain queue that a worker thread gets from out of order,
    an RLock re-entered, then taken back by its owner before the waiting worker gets it; a child with a tiny pid."""
    a, b = (MAIN, MAIN), (MAIN, WORKER)

    def at(t: int, kind: str, key: tuple[int, int], **fields: Any) -> Event:
        return Event(t, kind, key[0], key[1], fields)

    return [
        at(0, "run.start", (REAPER, REAPER), target="made up", reaper=REAPER, main=MAIN),
        at(1_000, "proc.start", a, ppid=REAPER, name="MainProcess", method="main"),
        at(2_000, "thread.start", b, name="worker", daemon=False),
        at(2_200, "proc.spawn", a, child=CHILD, name="Process-1", daemon=False, method="fork"),
        at(2_500, "proc.start", (CHILD, CHILD), ppid=MAIN, name="Process-1", method="fork"),
        at(3_000, "queue.new", a, queue="Q1", type="queue.LifoQueue", maxsize=0, name="stack"),
        at(3_100, "queue.new", a, queue="Q2", type="queue.PriorityQueue", maxsize=0, name="prio"),
        at(3_200, "queue.new", a, queue="Q3", type="queue.Queue", maxsize=0, name="plain"),
        at(3_500, "proc.exit", (CHILD, CHILD), code=0),
        at(4_000, "lock.new", a, lock="L1", type="threading.RLock", name="r"),
        at(4_500, "proc.reap", a, child=CHILD, code=0, by="parent"),
        at(5_000, "queue.put", a, queue="Q1", item="'x'"),
        at(5_500, "queue.put", a, queue="Q1", item="'x'"),  # the same repr: only the order tells them apart
        at(5_700, "sleep", a, secs=0.001, phase="begin"),  # less than a put's 1 µs after it
        at(7_000, "sleep", a, secs=0.001, phase="end"),
        at(7_050, "queue.put", a, queue="Q2", item="'p'", rank=0),
        at(7_600, "queue.put", a, queue="Q2", item="'p'", rank=0),  # ranked before the first: it comes out first
        at(7_500, "lock.acquire", a, lock="L1"),
        at(7_550, "lock.acquire", a, lock="L1"),
        at(7_800, "lock.wait", b, lock="L1"),
        at(8_000, "lock.release", a, lock="L1"),  # still held once: lets nobody through
        at(8_200, "queue.put", a, queue="Q3", item="'y'"),
        at(8_600, "queue.put", a, queue="Q3", item="'z'"),
        at(9_000, "lock.release", a, lock="L1"),
        at(9_300, "lock.acquire", a, lock="L1"),  # its owner takes it back before the worker does
        at(9_600, "lock.release", a, lock="L1"),  # this one lets the worker through
        at(9_900, "lock.acquire", b, lock="L1"),
        at(10_400, "queue.get", b, queue="Q1", item="'x'"),
        at(10_800, "queue.get", b, queue="Q2", item="'p'"),
        at(11_200, "queue.get", b, queue="Q1", item="'x'"),
        at(11_600, "queue.get", b, queue="Q2", item="'p'"),
        at(12_000, "queue.get", b, queue="Q3", item="'z'"),  # not in the order put (a repr that says so)
        at(12_400, "queue.get", b, queue="Q3", item="'y'"),
        at(12_800, "lock.release", b, lock="L1"),
        at(13_200, "thread.exit", b, name="worker"),
        at(14_000, "proc.exit", a, code=0),
        at(15_000, "proc.reap", (REAPER, REAPER), child=MAIN, code=0, by="reaper"),
        at(16_000, "run.end", (REAPER, REAPER), code=0),
    ]


def flows_from(trace: dict[str, Any], cat: str) -> list[tuple[float, float]]:
    """(start, finish) times of a kind of flow, by finish."""
    return sorted(((p["s"]["ts"], p["f"]["ts"]) for p in flow_pairs(trace, cat).values()), key=lambda sf: sf[1])


def test_made_up_events_keep_the_rules() -> None:
    trace = chrome_trace(HEADER, made_up())
    assert_well_formed(trace)
    tracks = named(trace, "thread_name")
    assert {args["name"] for args in tracks.values()} >= {f"MainThread [{MAIN}]", f"worker [{WORKER}]", "r (RLock)"}
    assert not {tid for _, tid in tracks} & {REAPER, MAIN, CHILD}  # a tid that is a pid may pass for its main thread
    # The puts, in µs: 'x' 5.0 and 5.5; 'p' 7.05, 'p' 7.6 (ranked first); 'y' 8.2, 'z' 8.6. A flow starts within a
    # tick (125 ns) of its put: inside the put's slice, which begins where the thread's running stretch does.
    puts = [start for start, _ in flows_from(trace, "queue")]
    assert puts == pytest.approx([5.5, 7.6, 5.0, 7.05, 8.6, 8.2], abs=0.13)  # LIFO, priority, then the reprs' order
    # The re-entered RLock is one hold; the release that let the worker through is the owner's second one.
    assert [start for start, _ in flows_from(trace, "lock")] == [9.625]
    holds = sorted(s[:2] for (pid, _), track in slices(trace).items() if pid == PRIMITIVES_PID for s in track
                   if s[2].startswith("held by"))
    assert holds == [(7.5, 9.0), (9.25, 9.625), (9.875, 12.75)]


def test_a_malformed_event_is_left_out() -> None:
    broken = Event(9_500, "queue.put", MAIN, MAIN, {"item": "'which queue?'"})
    trace = chrome_trace(HEADER, [*made_up(), broken])
    assert_well_formed(trace)
    assert trace["otherData"]["events_left_out"] == 1
    assert len(flow_pairs(trace, "queue")) == 6


def test_an_unsorted_recording_exports_as_a_sorted_one() -> None:
    events = made_up()
    assert chrome_trace(HEADER, reversed(events)) == chrome_trace(HEADER, events)


# -- what is not a recording, and where nothing can be written ----------------------------------------------------
def test_a_missing_recording_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="no such recording"):
        export_recording(tmp_path / "nothing.jsonl", tmp_path / "trace.json")
    assert not (tmp_path / "trace.json").exists()


def test_a_truncated_recording_is_refused(tmp_path: Path) -> None:
    text = (RECORDINGS / "zombie.jsonl").read_text(encoding="utf-8")
    cut = tmp_path / "cut.jsonl"
    cut.write_text(text[:len(text) // 2], encoding="utf-8")
    with pytest.raises(RecordingError, match="truncated") as caught:
        export_recording(cut, tmp_path / "trace.json")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "trace.json").exists()


def test_an_unwritable_output_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        export_recording(RECORDINGS / "zombie.jsonl", tmp_path)  # a folder
    with pytest.raises(OSError):
        export_recording(RECORDINGS / "zombie.jsonl", tmp_path / "no such folder" / "trace.json")


def test_the_export_does_not_import_textual() -> None:
    code = "import sys, tui.engine.export; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"
