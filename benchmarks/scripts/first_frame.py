"""``contui`` as its console script starts it, but headless: prints the monotonic ns at which the interpreter ran this
file, at which the first frame was ready for the terminal (rendered and encoded), and at which the first complete
frame was (the Code pane highlighted, psutil loaded: what the app leaves until after its first frame), and the folder
of the ``tui`` package it imported, then quits."""
import time

STARTED = time.monotonic_ns()  # the interpreter is up and running this file

import gc  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

gc.disable()  # as tui.cli.cmd_app does before it loads the app; the app turns it back on after the first frame

from textual.app import App  # noqa: E402

NO_COMPLETE_FRAME = 3  # the exit code when no complete frame came within COMPLETE_WITHIN_S of the first
COMPLETE_WITHIN_S = 15.0


def complete(app: App) -> bool:  # type: ignore[type-arg]
    """The app has done what it leaves until after its first frame: the Code pane shows rich's highlighted Syntax,
    not the plain text of the first frame (tui/widgets/code.py), and psutil is imported (tui/app.py)."""
    from rich.syntax import Syntax

    code = app.query_one("#code-text")
    return "psutil" in sys.modules and isinstance(code.content, Syntax)  # type: ignore[attr-defined]


def main() -> None:
    import tui
    from tui.cli import app_parser

    args = app_parser().parse_args(sys.argv[1:])
    from tui.app import ContuiApp

    original = App._display
    first: list[int] = []

    def display(self: App, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        # The frame was rendered just before this call, from the app's state as it is now.
        done = complete(self)
        original(self, screen, renderable)
        if renderable is None or self._batch_count or getattr(self, "_bench_done", False):
            return
        renderable.render_segments(self.console)  # what a real terminal frame costs beyond headless
        now = time.monotonic_ns()
        if not first:
            first.append(now)
            self.set_timer(COMPLETE_WITHIN_S, lambda: self.exit(NO_COMPLETE_FRAME))
        if done:
            self._bench_done = True
            print(f"{STARTED} {first[0]} {now} {os.path.dirname(tui.__file__)}", flush=True)
            self.exit(0)

    App._display = display  # type: ignore[method-assign]
    app = ContuiApp(user_targets=[], projector=args.projector, lang=args.lang)
    app.run(headless=True, size=(120, 40))
    if app.return_code == NO_COMPLETE_FRAME:
        print(f"no complete frame within {COMPLETE_WITHIN_S:g} s of the first", file=sys.stderr)
    sys.exit(app.return_code or 0)


if __name__ == "__main__":
    main()
