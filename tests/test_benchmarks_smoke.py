"""The benchmarks still run: each once at a tiny size (``python -m benchmarks --quick``), every figure in the JSON.

Only that they work is checked here; whether they meet their targets is for ``python -m benchmarks`` on a quiet
machine, not for the test suite's time budget.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(300)
def test_quick_benchmarks_report_every_figure(tmp_path: Path) -> None:
    from benchmarks.__main__ import MODULES, _load

    out = tmp_path / "quick.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["quick"] is True
    for name in MODULES:
        entry = report["benchmarks"][name]
        assert entry["error"] is None, f"{name}: {entry['error']}"
        got = {f["key"]: f for f in entry["figures"]}
        for figure in _load(name).FIGURES:
            assert figure.key in got, f"{name}: {figure.key} missing"
            value = got[figure.key]["median"]
            assert isinstance(value, (int, float)) and math.isfinite(value), f"{figure.key}: {value!r}"
    assert "figure" in done.stdout and "median" in done.stdout  # the table was printed
