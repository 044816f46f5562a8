"""The benchmarks still run: each once at a tiny size (``python -m benchmarks --quick``), every figure in the JSON.

Only that they work, and leave the checkout as they found it, is checked here; whether they meet their targets is for
``python -m benchmarks`` on a quiet machine, not for the test suite's time budget.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def cache_and_benchmark_files() -> dict[str, tuple[int, int]]:
    """What a benchmark could write or delete in the checkout: every bytecode cache (each ``__pycache__`` folder and
    ``.pyc`` file, outside .git and .venv) and everything under benchmarks/, with its size and mtime."""
    found: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in (".git", ".venv")]
        here = Path(folder).relative_to(ROOT)
        watched = "__pycache__" in here.parts or here.parts[:1] == ("benchmarks",)
        for name in [*dirs, *files]:
            path = here / name
            if watched or name == "__pycache__" or name.endswith(".pyc"):
                stat = (ROOT / path).stat()
                found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


@pytest.mark.timeout(300)
def test_quick_benchmarks_report_every_figure_and_leave_the_checkout_alone(tmp_path: Path) -> None:
    from benchmarks.__main__ import MODULES, _load

    before = cache_and_benchmark_files()
    # The interpreter's own bytecode caching is not the benchmarks' doing: with it off, whatever changes in the
    # checkout's caches was written (or deleted) by a benchmark.
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    # Two halves at once, one a core: each benchmark process checks that it leaves none of its own processes behind,
    # and a quick run's figures are only checked for being there, not against their targets.
    halves = [MODULES[0::2], MODULES[1::2]]
    outs = [tmp_path / f"quick{i}.json" for i in range(len(halves))]
    running = [subprocess.Popen([sys.executable, "-m", "benchmarks", "--quick", "--only", *half, "--out", str(out)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for half, out in zip(halves, outs)]
    finished = [proc.communicate(timeout=280) for proc in running]
    after = cache_and_benchmark_files()
    assert after == before, (
        f"the benchmarks changed the checkout: added {sorted(after.keys() - before.keys())[:10]}, "
        f"removed {sorted(before.keys() - after.keys())[:10]}, "
        f"rewrote {sorted(k for k in after.keys() & before.keys() if after[k] != before[k])[:10]}"
    )
    for proc, (_, stderr) in zip(running, finished):
        assert proc.returncode == 0, stderr[-3000:]
    stdout = "".join(out for out, _ in finished)
    reports = [json.loads(out.read_text(encoding="utf-8")) for out in outs]
    assert all(report["quick"] is True for report in reports)
    entries = {name: entry for report in reports for name, entry in report["benchmarks"].items()}
    for name in MODULES:
        entry = entries[name]
        assert entry["error"] is None, f"{name}: {entry['error']}"
        got = {f["key"]: f for f in entry["figures"]}
        for figure in _load(name).FIGURES:
            assert figure.key in got, f"{name}: {figure.key} missing"
            value = got[figure.key]["median"]
            assert isinstance(value, (int, float)) and math.isfinite(value), f"{figure.key}: {value!r}"
            # In the table too, met or missed: a figure that misses its target is reported, never left out.
            assert figure.label in stdout, f"{figure.key} is not in the printed table"
    headers = [line for line in stdout.splitlines() if line.startswith("figure") and "median" in line]
    assert len(headers) == len(halves)  # each half printed its table
