"""Every test must leave no process behind: none of its own children, and no process of any contui run."""

from __future__ import annotations

import os

import psutil
import pytest

from tests.helpers import run_processes, wait_until

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(autouse=True)
def no_leaked_processes():
    yield
    me = psutil.Process()

    def clean() -> bool:
        return not me.children(recursive=True) and not run_processes()

    if not wait_until(clean, timeout=3.0, interval=0.05):
        left = [(p.pid, p.status(), " ".join(p.cmdline())[:80]) for p in me.children(recursive=True)]
        left += [(p.pid, "run", p.name()) for p in run_processes()]
        for proc in me.children(recursive=True) + run_processes():
            try:
                proc.kill()
            except psutil.Error:
                pass
        pytest.fail(f"processes left behind: {left}")
