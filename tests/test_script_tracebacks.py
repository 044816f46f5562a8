"""A script's tracebacks under contui read as under plain python: an exception raised inside a function the tracer
wraps (time.sleep, Lock.acquire) or passed through one (a child process's run) shows no frame of contui's own code,
in fork and spawn children, threads and the main thread alike."""

from __future__ import annotations

import pytest

from tests.helpers import plain_python, run_traced, script


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_tracebacks_show_no_frame_of_contui(method: str) -> None:
    rec = run_traced(script("raises_through_hooks.py"), start_method=method, timeout=60)
    plain = plain_python(script("raises_through_hooks.py"))
    assert rec.code == plain.returncode == 1
    assert rec.lines("stderr") == plain.stderr.splitlines()
    assert "tui/inside" not in "\n".join(rec.lines("stderr"))
