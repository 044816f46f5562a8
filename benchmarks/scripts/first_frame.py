"""``contui`` as its console script starts it, but headless: prints the monotonic ns at which the interpreter ran this
file and at which the first frame was ready for the terminal (rendered and encoded), and the folder of the ``tui``
package it imported, then quits."""
import time

STARTED = time.monotonic_ns()  # the interpreter is up and running this file

import gc  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

gc.disable()  # as tui.cli.cmd_app does before it loads the app; the app turns it back on after the first frame

from textual.app import App  # noqa: E402


def main() -> None:
    import tui
    from tui.cli import app_parser

    args = app_parser().parse_args(sys.argv[1:])
    from tui.app import ContuiApp

    original = App._display

    def display(self: App, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        original(self, screen, renderable)
        if renderable is None or self._batch_count or getattr(self, "_bench_done", False):
            return
        renderable.render_segments(self.console)  # what a real terminal frame costs beyond headless
        self._bench_done = True
        print(f"{STARTED} {time.monotonic_ns()} {os.path.dirname(tui.__file__)}", flush=True)
        self.exit(0)

    App._display = display  # type: ignore[method-assign]
    app = ContuiApp(user_targets=[], projector=args.projector, lang=args.lang)
    app.run(headless=True, size=(120, 40))


if __name__ == "__main__":
    main()
