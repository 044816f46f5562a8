"""Every test must leave no process behind: none of its own children, and no process of any contui run. Every
Python the tests start imports this checkout's contui."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import psutil
import pytest

from tests.helpers import run_processes, wait_until

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
# Every run is recorded in the runs folder: the tests' runs go to a folder of their own, never the user's.
_HOME = tempfile.mkdtemp(prefix="contui-tests-home-")
os.environ["CONTUI_HOME"] = _HOME
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
# ``python -m tui`` started from another folder would import whatever checkout the virtualenv's editable install
# points at, which need not be this one (a second clone run with the first one's venv): put this one first.
_CHECKOUT = str(Path(__file__).resolve().parent.parent)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_CHECKOUT, os.environ.get("PYTHONPATH", "")) if p)


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
