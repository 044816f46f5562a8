"""contui's console entry point (``contui``, ``python -m tui``): a Ctrl+C while contui is still loading ends it with
one line, not a traceback from whichever import it fell in; once loaded, ``tui.cli.main`` handles it."""

from __future__ import annotations

import _signal  # the C module: ``signal`` builds its enums first, a window of its own for a Ctrl+C
import os
import sys


def _interrupted_while_loading(signum: int, frame: object) -> None:
    os.write(2, b"\ncontui: interrupted\n")  # nothing has started yet: nothing to stop or to lose
    os._exit(130)


# On import, not in main(): the console script imports this module first, and the sooner the better.
_signal.signal(_signal.SIGINT, _interrupted_while_loading)


def main() -> int:
    from tui.cli import main as cli_main

    if sys.argv[1:2] != ["run"]:  # contui run holds a Ctrl+C itself, from its start to its end (tui/cli.py cmd_run)
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    code = cli_main()
    if sys.argv[1:2] == ["run"]:
        _end_now(code)
    return code


def _end_now(code: int) -> None:
    """End ``contui run`` as soon as its run has ended and everything is said. The interpreter's own teardown
    (freeing every module and object one by one: the model, psutil, multiprocessing) took 20 ms and more of every
    run of a trivial script, and there is nothing left for it to do: the run is stopped and reaped, its folders
    removed, its recording written and closed (cmd_run sees to all of that before it returns)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader left (or the stream is closed): what python's own exit says too
            code = code or 120
    os._exit(code)
