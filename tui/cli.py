"""The command line: ``contui`` (the live app), ``contui list``, ``contui run TARGET``."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import TextIO

from tui.engine import catalog
from tui.engine import events as ev
from tui.engine.catalog import TargetError, resolve_target
from tui.engine.runner import START_METHODS, Run

EXIT_USAGE = 2
EXIT_TIMEOUT = 124
EXIT_INTERRUPTED = 130


def app_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contui",
        description="Watch real Python processes, threads, locks and queues live. "
        "With no arguments, opens the classroom app with the course's scenarios.",
        epilog="commands:\n  contui list                 list the course's scenarios\n"
        "  contui run TARGET [...]     run a scenario or script without the app (see 'contui run -h')",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("scripts", nargs="*", metavar="SCRIPT.py",
                        help="your own scripts, added to the app's scenario list")
    parser.add_argument("--projector", action="store_true", help="start in projector mode")
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help="narration language (default: en)")
    return parser


def command_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="contui")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser("list", help="list the course's scenarios (id and title)")
    run = sub.add_parser("run", help="run a scenario or a script without the app, printing what happens",
                         description="Run a scenario (id or number, see 'contui list') or a .py file, traced. "
                         "Prints what the script prints; the exit code is the script's (128+N if signal N ended it).")
    run.add_argument("target", metavar="TARGET", help="scenario id or number, or path to a .py file")
    run.add_argument("--plain", action="store_true",
                     help="also print one readable line per process/thread/lock/queue event")
    run.add_argument("--jsonl", metavar="FILE",
                     help="record the run to FILE: a header line, then one JSON object per event")
    run.add_argument("--speed", type=_positive, default=1.0, metavar="X",
                     help="divide every sleep by X (default 1)")
    run.add_argument("--start-method", choices=START_METHODS, default=None,
                     help="default multiprocessing start method for the script")
    run.add_argument("--timeout", type=_positive, default=None, metavar="S",
                     help="stop the run after S seconds (exit code 124)")
    return parser


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0: {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("list", "run"):
        args = command_parser().parse_args(argv)
    else:
        args = app_parser().parse_args(argv)
        args.command = None
    try:
        if args.command == "list":
            return cmd_list(sys.stdout)
        if args.command == "run":
            return cmd_run(args)
        return cmd_app(args)
    except TargetError as exc:
        print(f"contui: {exc}", file=sys.stderr)
        return EXIT_USAGE


def cmd_list(out: TextIO) -> int:
    scenarios = catalog.load_catalog()
    width = max((len(s.id) for s in scenarios), default=0)
    for s in scenarios:
        print(f"{s.number:2d}  {s.id:<{width}}  {s.title_en} · {s.title_zh}", file=out)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    target = resolve_target(args.target)
    from tui.engine.describe import EventDescriber
    from tui.engine.jsonl import RecordingHeader, RecordingWriter
    from tui.engine.recording import record

    writer: RecordingWriter | None = None
    if args.jsonl is not None:
        header = RecordingHeader.for_target(target, speed=args.speed, start_method=args.start_method)
        try:  # before anything runs: a recording that cannot be written is bad input, not a failed run
            writer = RecordingWriter(args.jsonl, header)
        except OSError as exc:
            print(f"contui: cannot write {args.jsonl}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_USAGE
    describer = EventDescriber() if args.plain else None
    run = Run(target, speed=args.speed, start_method=args.start_method, stdin="inherit")

    def on_event(event: ev.Event) -> None:
        if writer is not None:
            writer.write(event)
        _show(event, describer)

    def on_timeout() -> None:
        print(f"contui: --timeout {args.timeout:g}s reached, stopping the run", file=sys.stderr)

    try:
        recording = record(run, timeout=args.timeout, on_event=on_event, on_timeout=on_timeout)
    except KeyboardInterrupt:
        run.close()
        print("\ncontui: interrupted, the run was stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `contui run X | head`: the reader left; stop quietly like any Unix filter
        run.close()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if writer is not None:
            writer.close()
        sys.stdout.flush()
    if recording.timed_out:
        return EXIT_TIMEOUT
    code = recording.code
    if code is None:
        return 1
    return code if code >= 0 else 128 - code


def _show(event: ev.Event, describer: object | None) -> None:
    if event.kind == ev.STDOUT:
        stream = sys.stderr if event.fields.get("stream") == "stderr" else sys.stdout
        end = "" if event.fields.get("partial") else "\n"
        stream.write(str(event.fields.get("text", "")) + end)
        if end == "" or describer is not None:
            stream.flush()
        return
    if describer is not None:
        line = describer.describe(event)  # type: ignore[attr-defined]
        if line is not None:
            print(line, flush=True)


def cmd_app(args: argparse.Namespace) -> int:
    targets = [resolve_target(path) for path in args.scripts]  # a bad path is the more useful message
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        print("contui: the app needs a terminal; to run a scenario without one use "
              "'contui run --plain TARGET' (see 'contui list')", file=sys.stderr)
        return EXIT_USAGE
    # Textual's import and the first frame make hundreds of thousands of objects, and the collections they set off
    # took a sixth of the time to the first frame. The app turns collection back on once that frame is out.
    gc.disable()
    try:
        from tui.app import ContuiApp

        app = ContuiApp(user_targets=targets, projector=args.projector, lang=args.lang)
        try:
            app.run()
        finally:
            app.close_session()  # however the app ended, no process of the run outlives it
    finally:
        gc.enable()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
