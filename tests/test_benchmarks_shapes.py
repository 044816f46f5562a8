"""The shape scripts of ``benchmarks/shapes.py`` still do their work: each run once under plain python at a tiny
size writes its JSON ({"seconds", "n", "result"}) with the result its work must give, and prints what it must.

Whether contui meets the shapes' targets is for ``python -m benchmarks --only shapes``; no timing is checked here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.shapes import SHAPES, TRIVIAL, Shape

TINY = {"thread_lock": 3_500, "mp_lock": 2_500, "queue": 300, "print": 1_234, "pool_map": 500, "executor": 200,
        "pipe": 300, "condition": 101, "mixed": 120}


def run_plain(script: Path, tmp_path: Path, **extra: str) -> tuple[subprocess.CompletedProcess[bytes], Path]:
    out = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAPE_")}
    env.update(SHAPE_OUT=str(out), PYTHONDONTWRITEBYTECODE="1", **extra)
    done = subprocess.run([sys.executable, str(script)], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done, out


def test_every_shape_has_a_tiny_size() -> None:
    assert set(TINY) == {s.name for s in SHAPES}
    for shape in SHAPES:
        assert shape.script.is_file(), shape.script


@pytest.mark.timeout(60)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_shape_script_writes_its_result(shape: Shape, tmp_path: Path) -> None:
    n = TINY[shape.name]
    done, out = run_plain(shape.script, tmp_path, SHAPE_N=str(n))
    got = json.loads(out.read_text())
    assert set(got) == {"seconds", "n", "result"}
    assert got["seconds"] > 0
    # The operations it did: all it was asked for (the mixed workload counts each of its 8 processes' rounds, the
    # ping-pong its messages, a whole number of round trips).
    assert got["n"] == {"mixed": 8 * n, "pipe": n - n % 2}.get(shape.name, n)
    assert got["result"] == shape.expect(got["n"])
    if shape.lines is not None:
        assert done.stdout.count(b"\n") == shape.lines(got["n"])


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["thread_lock", "mp_lock"])
def test_a_lock_loop_stops_when_its_budget_is_up(name: str, tmp_path: Path) -> None:
    shape = next(s for s in SHAPES if s.name == name)
    _, out = run_plain(shape.script, tmp_path, SHAPE_N=str(10**12), SHAPE_BUDGET="0.2")
    got = json.loads(out.read_text())
    assert 0 < got["n"] < 10**12 and got["result"] == got["n"]
    assert got["n"] % 1000 == 0  # whole blocks of a thousand pairs, the clock read between them


def test_the_trivial_script_says_hello(tmp_path: Path) -> None:
    done, _ = run_plain(TRIVIAL, tmp_path)
    assert done.stdout == b"hello, world\n"
