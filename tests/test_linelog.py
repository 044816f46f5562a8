"""The model keeps a window of the newest printed lines: LineLog's absolute indices and trimming, and the output fold
over a small window (lines, amended lines, partial lines that fall out of it)."""

from __future__ import annotations

import pytest

from tests.test_panes import E
from tui.engine.model import OUTPUT_WINDOW, LineLog, Model

MAIN = 10


def filled(count: int, window: int) -> LineLog[int]:
    log: LineLog[int] = LineLog(window)
    for i in range(count):
        log.append(i)
    return log


def started() -> Model:
    return Model.from_events([E(1, "proc.start", MAIN, ppid=1, name="MainProcess")])


def windowed(window: int) -> Model:
    model = Model(output_window=window)
    model.apply(E(1, "proc.start", MAIN, ppid=1, name="MainProcess"))
    return model


def printed(model: Model, texts: list[str], *, tid: int = MAIN, t: int = 100, partial: bool = False) -> None:
    model.apply_many(E(t + i, "stdout", MAIN, tid, text=text, partial=partial) for i, text in enumerate(texts))


# -- LineLog --------------------------------------------------------------------------------------------------------
def test_a_log_within_its_window_is_a_list() -> None:
    log = filled(5, 10)
    assert len(log) == 5 and log.first == 0 and log.kept == 5
    assert list(log) == [0, 1, 2, 3, 4] and log == [0, 1, 2, 3, 4]
    assert log[0] == 0 and log[-1] == 4 and log[-5] == 0
    assert log[1:3] == [1, 2] and log[3:] == [3, 4]
    with pytest.raises(IndexError):
        log[5]
    with pytest.raises(IndexError):
        log[-6]
    assert not LineLog() and LineLog() == [] and LineLog().window == OUTPUT_WINDOW


def test_the_oldest_items_are_dropped_a_chunk_at_a_time_and_every_index_stays_absolute() -> None:
    log: LineLog[int] = LineLog(100)
    kept = []
    for i in range(1000):
        log.append(i)
        kept.append(log.kept)
        assert len(log) == i + 1
    assert max(kept) == 110  # overrun by a tenth at most, then cut back to the window
    cuts = [after for before, after in zip(kept, kept[1:]) if after < before]
    assert cuts == [100] * ((1000 - 100) // 11)  # one cut per eleven appends past the window, not one per append
    first = 1000 - kept[-1]
    assert log.first == first == 891
    assert list(log) == list(range(first, 1000))
    assert log[first] == first and log[999] == 999 and log[-1] == 999 and log[-kept[-1]] == first
    with pytest.raises(IndexError):
        log[first - 1]  # no longer kept
    with pytest.raises(IndexError):
        log[-kept[-1] - 1]
    with pytest.raises(IndexError):
        log[1000]
    assert log != list(range(1000))  # a list of everything: some of it is gone
    assert log == filled(1000, 100)


def test_since_and_slices_leave_out_what_is_no_longer_kept() -> None:
    log = filled(300, 100)
    first = log.first
    assert 190 <= first <= 200
    assert log.since(250) == list(range(250, 300))
    assert log.since(0) == list(range(first, 300))  # a cursor older than the window: from the oldest kept
    assert log.since(300) == []
    assert log[first - 10:first + 5] == list(range(first, first + 5))
    assert log[:first] == []
    assert log[-3:] == [297, 298, 299]
    with pytest.raises(ValueError):
        log[::2]


def test_a_window_keeps_at_least_one() -> None:
    with pytest.raises(ValueError):
        LineLog(0)
    log = filled(10, 1)
    assert len(log) == 10 and log[-1] == 9 and log.kept <= 2


# -- the model's window ---------------------------------------------------------------------------------------------
def test_the_model_keeps_the_newest_lines_and_counts_every_one() -> None:
    model = windowed(100)
    printed(model, [f"line {i}" for i in range(1050)])
    lines = model.lines
    assert len(lines) == 1050
    assert 1050 - 110 <= lines.first <= 1050 - 100
    assert lines[-1].text == "line 1049" and lines[lines.first].text == f"line {lines.first}"
    assert [line.text for line in lines] == [f"line {i}" for i in range(lines.first, 1050)]
    assert model.rejected == 0


def test_a_dot_printer_amends_one_line_and_its_amended_log_stays_bounded() -> None:
    model = windowed(50)
    printed(model, ["."] * 5000, partial=True)
    assert len(model.lines) == 1 and model.lines[0].text == "." * 5000
    amended = model.amended_lines
    assert len(amended) == 4999  # every piece after the first is counted, for a view's cursor
    assert amended.kept <= 55 and amended.first >= 4999 - 55
    assert set(amended) == {0}


def test_a_growing_line_that_falls_out_of_the_window_goes_on_as_a_new_line() -> None:
    model = windowed(10)
    printed(model, ["Enter a number: "], tid=7, partial=True)
    printed(model, [f"other {i}" for i in range(20)], tid=8, t=200)
    assert model.lines.first > 0  # the growing line is no longer kept
    printed(model, ["4"], tid=7, t=300, partial=True)
    printed(model, ["2"], tid=7, t=400)
    last = model.lines[-1]
    assert (last.tid, last.text, last.partial) == (7, "42", False)  # its growth, on a line of its own
    assert all(index >= model.lines.first for index in model.amended_lines)
    assert model.rejected == 0
    printed(model, ["next"], tid=7, t=500)
    assert model.lines[-1].text == "next"  # the line is over: the next piece starts a line as always


def test_only_the_end_of_a_dropped_line_adds_nothing() -> None:
    model = windowed(10)
    printed(model, ["dots..."], tid=7, partial=True)
    printed(model, [f"other {i}" for i in range(20)], tid=8, t=200)
    count = len(model.lines)
    printed(model, [""], tid=7, t=300)  # print() after the dots
    assert len(model.lines) == count and model.rejected == 0
    printed(model, ["after"], tid=7, t=400)
    assert model.lines[-1].text == "after" and len(model.lines) == count + 1


def test_a_long_growing_line_dropped_while_pieces_wait_is_not_joined_into_a_later_line() -> None:
    """Pieces of a line of megabytes wait to be joined; if the line falls out of the window meanwhile, its process's
    end must neither fail nor amend a line it no longer has."""
    model = windowed(10)
    big = "x" * 70_000  # past EXACT_CHARS: later pieces wait
    printed(model, [big, "y", "z"], tid=7, partial=True)
    printed(model, [f"other {i}" for i in range(20)], tid=8, t=200)
    amended_before = len(model.amended_lines)
    model.apply(E(300, "proc.exit", MAIN, code=0))
    assert model.rejected == 0
    assert len(model.amended_lines) == amended_before
    assert all(line.text.startswith("other") for line in model.lines)


def test_a_default_model_keeps_the_output_window() -> None:
    model = started()
    assert model.lines.window == model.amended_lines.window == OUTPUT_WINDOW
    assert Model(output_window=7).lines.window == 7
