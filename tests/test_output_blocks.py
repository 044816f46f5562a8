"""Printed lines travel in blocks (many lines of one thread in one ``stdout`` event): every line still reaches every
view exactly as if it had come alone, attributed to the thread that printed it, in line mode (the app, a terminal) and
in block mode (``contui run > file``: ``CONTUI_OUTPUT=block``)."""

from __future__ import annotations

import pickle
from collections import Counter

import pytest

from tests.helpers import run_traced, script
from tui.engine import events as ev
from tui.engine.decoder import decode_payload
from tui.engine.events import Event
from tui.engine.model import Model
from tui.engine.recording import Recording

MAIN = 10


def _lines(model: Model) -> list[tuple[int, int, int, str, str, bool]]:
    return [(line.t, line.pid, line.tid, line.stream.value, line.text, line.partial) for line in model.lines]


def _stdout(t: int, tid: int, text: str, **fields: object) -> Event:
    return Event(t, ev.STDOUT, MAIN, tid, {"stream": "stdout", "text": text, **fields})


def test_a_block_folds_exactly_as_its_lines_sent_one_by_one() -> None:
    start = [Event(1, ev.PROC_START, MAIN, MAIN, {"ppid": 1, "name": "MainProcess", "daemon": False,
                                                  "method": "main"})]
    one_by_one, blocks = Model(), Model()
    one_by_one.apply_many(start + [
        _stdout(2, 7, "Enter: ", partial=True),
        _stdout(3, 7, "42"), _stdout(3, 7, ""), _stdout(3, 7, "b"),  # a block continuing a partial line
        _stdout(4, 8, "x"), _stdout(4, 8, "y", partial=True),  # a block whose last line is unfinished
        _stdout(5, 8, " z"),
    ])
    blocks.apply_many(start + [
        _stdout(2, 7, "Enter: ", partial=True),
        _stdout(3, 7, "42\n\nb", lines=3),
        _stdout(4, 8, "x\ny", lines=2, partial=True),
        _stdout(5, 8, " z"),
    ])
    assert _lines(blocks) == _lines(one_by_one)
    assert [line.text for line in blocks.lines] == ["Enter: 42", "", "b", "x", "y z"]
    assert blocks.rejected == 0


def test_a_recordings_lines_split_its_blocks() -> None:
    recording = Recording(events=[_stdout(1, 7, "a", partial=True), _stdout(2, 7, "b\nc\nd", lines=3),
                                  _stdout(3, 8, "e\nf", lines=2, partial=True)])
    assert recording.lines() == ["ab", "c", "d", "e", "f"]


def test_the_decoder_turns_a_block_of_bytes_into_text_and_counts_its_lines() -> None:
    def decoded(text: object) -> dict[str, object]:
        payload = pickle.dumps([(1, "stdout", 2, 3, {"stream": "stdout", "text": text, "lines": True})], protocol=5)
        events = decode_payload(payload)
        assert events is not None
        return events[0][4]

    assert decoded(bytearray("a\nbé\n".encode())) == {"stream": "stdout", "text": "a\nbé", "lines": 2}
    assert decoded(b"one\n") == {"stream": "stdout", "text": "one"}  # one line: as a line sent alone
    # a lone surrogate the script printed comes back as it was; bytes that are not UTF-8 are replaced
    assert decoded("x\udcff\n".encode("utf-8", "surrogatepass"))["text"] == "x\udcff"
    assert decoded(b"\xff\nz\n")["text"] == "\ufffd\nz"


def _check(rec: Recording) -> None:
    """What prints_every_way.py printed: every line, each thread's in its order, each by the thread that printed it."""
    assert rec.code == 0
    lines = [line for line in rec.model.lines if line.pid == rec.main_pid]
    tids = {}
    for line in lines:
        if line.text.startswith("tid "):
            who, tid = line.text.split()[1:]
            tids[who] = int(tid)
            assert line.tid == int(tid)
    assert set(tids) == {"main", "0", "1", "2"}
    by_thread: dict[str, list[str]] = {}
    for line in lines:
        words = line.text.split()
        if words[0] in ("main", "thread"):
            who = "main" if words[0] == "main" else words[1]
            assert line.tid == tids[who], line
            by_thread.setdefault(who, []).append(words[-1])
    assert by_thread["main"] == [str(i) for i in range(5000)]
    for n in "012":
        assert by_thread[n] == [str(i) for i in range(2000)]
    texts = [line.text for line in lines]
    for expected in ("held", "Enter a number: 42", "bytes line", "50%\r100%", "end"):
        assert texts.count(expected) == 1, expected
    assert [line.partial for line in lines if line.text == "end"] == [True]  # left unterminated, as python leaves it
    expected = Counter({f"main {i}": 1 for i in range(5000)})
    expected.update(f"thread {n} {i}" for n in range(3) for i in range(2000))
    got = Counter(rec.lines())
    assert all(got[line] == 1 for line in expected) and len(rec.lines()) == 5000 + 6000 + 4 + 5


def test_line_mode_sends_blocks_of_lines_each_of_its_thread_and_keeps_the_order_of_events() -> None:
    rec = run_traced(script("prints_every_way.py"))
    _check(rec)
    stdout = rec.of(ev.STDOUT)
    assert any(e.get("lines", 1) > 1 for e in stdout)  # a burst goes in blocks
    # The line printed holding the lock is between its acquire and its release, as the thread did them.
    main = rec.main_pid
    order = [e for e in rec.events if e.pid == main and e.tid == main
             and (e.kind in (ev.LOCK_ACQUIRE, ev.LOCK_RELEASE) or "held" in str(e.get("text", "")).split("\n"))]
    assert [e.kind for e in order] == [ev.LOCK_ACQUIRE, ev.STDOUT, ev.LOCK_RELEASE]


def test_block_mode_buffers_as_python_into_a_file_and_still_gives_each_line_its_thread(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)  # python -u writes through: no block buffer to mimic
    rec = run_traced(script("prints_every_way.py"), block_output=True)
    _check(rec)


def test_block_mode_outlasts_a_queues_feeder_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A queue's feeder thread prints nothing of the script's: the lines around its start stay in the block buffer
    and leave together, as python writes them into a file, not one write (and one wake-up of contui) per line."""
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)  # python -u writes through: no block buffer to mimic
    rec = run_traced(script("prints_around_a_feeder.py"), block_output=True)
    assert rec.code == 0
    assert rec.lines() == ["before the queue", "after its feeder started", "last line"]
    [block] = [e for e in rec.of(ev.STDOUT) if e.pid == rec.main_pid]
    assert block.get("lines") == 3 and block.tid == rec.main_pid
