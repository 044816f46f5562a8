"""docs/examples/: one script per primitive for students to run under contui. Each holds its point until a line
comes on stdin; given one, it prints the same lines (as a multiset: processes interleave) and ends with the same code
under ``contui run`` as under ``python``, and the screenshot tool knows the moment that shows it."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from tests.helpers import plain_python
from tui.screenshots import EXAMPLES, EXAMPLES_DIR

SCRIPTS = sorted(path.stem for path in EXAMPLES_DIR.glob("*.py"))


ENTER = "\n"


def test_every_example_has_its_screenshot_moment() -> None:
    assert SCRIPTS and SCRIPTS == sorted(EXAMPLES)


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_example_prints_the_same_under_contui_run_as_under_python(name: str) -> None:
    path = str(EXAMPLES_DIR / f"{name}.py")
    plain = plain_python(path, stdin=ENTER)
    assert plain.returncode == 0, plain.stderr
    done = subprocess.run([sys.executable, "-m", "tui", "run", path], input=ENTER, capture_output=True, text=True,
                          timeout=90)
    assert Counter(done.stdout.splitlines()) == Counter(plain.stdout.splitlines()), done.stderr
    assert done.returncode == plain.returncode
