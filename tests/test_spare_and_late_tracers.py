"""What contui puts off until it is needed: its own work while a run keeps every core busy (tui/engine/spare.py),
and the tracers of multiprocessing's queues, pipes, shared values and of pools, loaded in a traced process only once
its script loads what they trace (tui/inside/trace/install.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import run_traced
from tui.engine import spare
from tui.engine.spare import MIN_SPAN_NS, SpareCpu
from tui.inside import kinds as ev

LATE = ["tui.inside.trace.queues", "tui.inside.trace.pipes", "tui.inside.trace.shared", "tui.inside.trace.tasks"]


def test_spare_cpu_says_no_until_it_has_counted_then_whether_half_a_core_was_idle(
        monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [10**9]
    counters = [(0, 0)]
    monkeypatch.setattr(spare.time, "monotonic_ns", lambda: clock[0])
    monkeypatch.setattr(spare, "_cpu_times", lambda: counters[0])
    monkeypatch.setattr(spare, "_stalled_us", lambda: None)  # a kernel without pressure counters
    monkeypatch.setattr(spare.os, "cpu_count", lambda: 2)
    cpu = SpareCpu()
    assert not cpu.now()  # it starts counting
    clock[0] += MIN_SPAN_NS
    counters[0] = (0, 4)  # both cores busy for the span
    assert not cpu.now()
    clock[0] += MIN_SPAN_NS // 2
    counters[0] = (4, 8)  # too soon to tell again: the last answer stands
    assert not cpu.now()
    clock[0] += MIN_SPAN_NS
    counters[0] = (6, 12)  # 6 of 12 ticks idle since the last count: a core free
    assert cpu.now()
    clock[0] += MIN_SPAN_NS
    counters[0] = (7, 16)  # 1 of 4: a quarter of the two cores, half a core
    assert cpu.now()
    clock[0] += MIN_SPAN_NS
    counters[0] = (7, 20)
    assert not cpu.now()


def test_spare_cpu_says_no_while_tasks_wait_for_a_cpu_whatever_the_idle_ticks_say(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight busy processes on two cores: a tick of idle time in a short span is the counters' grain, not a free
    core; the pressure counter (µs in which some task waited for a CPU) tells."""
    clock = [10**9]
    counters = [(0, 0)]
    stalled = [0]
    monkeypatch.setattr(spare.time, "monotonic_ns", lambda: clock[0])
    monkeypatch.setattr(spare, "_cpu_times", lambda: counters[0])
    monkeypatch.setattr(spare, "_stalled_us", lambda: stalled[0])
    monkeypatch.setattr(spare.os, "cpu_count", lambda: 2)
    cpu = SpareCpu()
    assert not cpu.now()
    span_us = MIN_SPAN_NS // 1000
    clock[0] += MIN_SPAN_NS
    counters[0] = (2, 6)  # a third of the ticks idle...
    stalled[0] += span_us  # ...while some task waited for a CPU the whole span
    assert not cpu.now()
    clock[0] += MIN_SPAN_NS
    counters[0] = (4, 10)
    stalled[0] += span_us // 20  # a twentieth of the span: nobody to speak of waited
    assert cpu.now()
    clock[0] += MIN_SPAN_NS
    counters[0] = (4, 14)  # no tick idle: no spare core, whatever the pressure
    assert not cpu.now()


def _loaded_tracers(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "which.py"
    script.write_text(f"import sys\n{body}\nprint(sorted(m for m in sys.modules if m.startswith('tui.inside.trace.')))\n")
    rec = run_traced(str(script))
    assert rec.code == 0
    return [name for name in LATE if name in rec.lines()[-1]]


def test_a_script_that_loads_no_multiprocessing_loads_none_of_its_tracers(tmp_path: Path) -> None:
    assert _loaded_tracers(tmp_path, "import threading\nthreading.Thread(target=print).start()") == []


@pytest.mark.parametrize("module", ["multiprocessing", "concurrent.futures"])
def test_a_script_that_loads_multiprocessing_or_futures_has_their_tracers_in_time(tmp_path: Path,
                                                                                 module: str) -> None:
    """Loaded with the package, before any of the modules they hook: a queue the script makes is traced."""
    expected = LATE if module == "multiprocessing" else ["tui.inside.trace.tasks"]
    assert _loaded_tracers(tmp_path, f"import {module}") == expected
    script = tmp_path / "uses_a_queue.py"
    script.write_text("import multiprocessing\nq = multiprocessing.Queue()\nq.put(1)\nprint(q.get())\n")
    rec = run_traced(str(script))
    assert rec.lines() == ["1"] and rec.of(ev.QUEUE_PUT) and rec.of(ev.QUEUE_GET)
