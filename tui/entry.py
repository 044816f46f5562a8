"""contui's console entry point (``contui``, ``python -m tui``): a Ctrl+C while contui is still loading ends it with
one line, not a traceback from whichever import it fell in; once loaded, ``tui.cli.main`` handles it."""

from __future__ import annotations

import _signal  # the C module: ``signal`` builds its enums first, a window of its own for a Ctrl+C
import os


def _interrupted_while_loading(signum: int, frame: object) -> None:
    os.write(2, b"\ncontui: interrupted\n")  # nothing has started yet: nothing to stop or to lose
    os._exit(130)


# On import, not in main(): the console script imports this module first, and the sooner the better.
_signal.signal(_signal.SIGINT, _interrupted_while_loading)


def main() -> int:
    from tui.cli import main as cli_main

    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    return cli_main()
