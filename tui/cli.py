"""The command line: ``contui`` (the live app), ``contui list``, ``contui run TARGET [ARGS ...]``, and the recorded
runs: ``contui runs``, ``contui replay RECORDING``, ``contui export RECORDING -o trace.json``.

The requests are named tuples, as catalog.py's records are: ``contui run`` loads this module before its script can
start, and ``dataclasses`` loads ``inspect`` and what it needs (see tests/test_startup.py)."""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import time
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tui.engine import catalog
from tui.engine.catalog import Target, TargetError, resolve_target
from tui.engine.runner import SPEED_MAX, SPEED_MIN, START_METHODS, Run
from tui.inside import kinds as ev  # the kinds alone: tui.engine.events (its Event class) loads after the run starts

# typing is not loaded at run time: contui run's start waits for every module it loads. The model is loaded by a
# run only: the app's start-up need not pay for it here.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn, TextIO

    from tui.app import ContuiApp
    from tui.share.server import ShareServer
    from tui.engine.events import Event
    from tui.engine.flight import FlightRecorder
    from tui.engine.model import Model

EXIT_USAGE = 2
# contui run neither folds nor samples the first 50 ms of a run: a run of a trivial script, over by then, waited
# for the model to load (a third of contui's own start) for nothing, since nothing reads it (see Collector).
SETTLE_NS = 50_000_000
EXIT_TIMEOUT = 124
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """The command line is wrong; the message says how, in one line (printed as ``contui: <message>``)."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's, told the terminal's width: its own asks shutil, and loading shutil (which loads bz2 and lzma) was
    part of what every run of contui run's waited for before its script could start."""

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 80
        super().__init__(prog, width=max(columns - 2, 11))  # what argparse makes of shutil's width


class _Parser(argparse.ArgumentParser):
    """argparse whose errors are one line: the usage block it would print buries the one line that matters."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# -- contui (the app) -------------------------------------------------------------------------------------------------
class ShareRequest(namedtuple("ShareRequest", ("host", "port"))):
    """``--share [--host H] [--port P]``: serve the run to browsers, read-only."""

    __slots__ = ()


class AppRequest(namedtuple("AppRequest", ("scripts", "args", "projector", "lang", "share"),
                            defaults=((), (), False, "en", None))):
    """What ``contui [options] [SCRIPT.py ...] [-- ARGS ...]`` asks for: ``scripts``, and ``args`` (tuple[str, ...]:
    every script of the list gets these as its sys.argv[1:]), ``projector`` (bool), ``lang`` (str), ``share``
    (ShareRequest | None)."""

    __slots__ = ()


def app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="contui",
        usage="contui [--projector] [--lang {zh,en}] [--share [--host H] [--port P]] [SCRIPT.py ...] [-- ARGS ...]",
        description="Watch real Python processes, threads, locks and queues live. "
        "With no arguments, opens the classroom app with the course's scenarios.",
        epilog="arguments after '--' go to your scripts: each sees them as sys.argv[1:]\n\n"
        "commands:\n  contui list                 list the course's scenarios\n"
        "  contui run TARGET [ARGS]    run a scenario or script without the app (see 'contui run -h')\n"
        "  contui runs                 list the recorded runs (every run is recorded), newest first\n"
        "  contui replay RECORDING     open the app on a recorded run (a file, or a number from 'contui runs')\n"
        "  contui export RECORDING -o trace.json\n"
        "                              write a recorded run as Chrome Trace JSON (Perfetto, chrome://tracing)",
        formatter_class=_Formatter,
    )
    parser.add_argument("scripts", nargs="*", metavar="SCRIPT.py",
                        help="your own scripts, added to the app's scenario list")
    parser.add_argument("--projector", action="store_true", help="start in projector mode")
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help="the language of the screen: zh (中文) or en (default: en)")
    add_share_options(parser)
    return parser


def add_share_options(parser: argparse.ArgumentParser) -> None:
    from tui.share import DEFAULT_PORT, LOCAL_HOST  # light: no websockets until a share starts

    parser.add_argument("--share", action="store_true",
                        help="let browsers follow the run, read-only: prints a link with a secret token "
                        "(students open it to watch; nobody can control the run from a browser)")
    parser.add_argument("--host", metavar="H", default=None,
                        help=f"with --share: the address to listen on (default: {LOCAL_HOST}, this machine only; "
                        "0.0.0.0: every network this machine is on, for a classroom)")
    parser.add_argument("--port", type=_port, metavar="P", default=None,
                        help=f"with --share: the port (default: {DEFAULT_PORT}; 0: any free one)")


def share_request(ns: argparse.Namespace) -> ShareRequest | None:
    from tui.share import DEFAULT_PORT, LOCAL_HOST

    if not ns.share:
        if ns.host is not None or ns.port is not None:
            raise UsageError("--host and --port go with --share")
        return None
    return ShareRequest(ns.host or LOCAL_HOST, DEFAULT_PORT if ns.port is None else ns.port)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number (0-65535): {text!r}")
    return port


def parse_app_argv(argv: list[str]) -> AppRequest:
    """``contui``'s own arguments, then after the first ``--`` the scripts' (argparse would take them for scripts)."""
    cut = argv.index("--") if "--" in argv else len(argv)
    ours, args = argv[:cut], argv[cut + 1:]
    ns = app_parser().parse_args(ours)
    if args and not ns.scripts:
        raise UsageError("arguments after '--' are for your scripts: name a SCRIPT.py before the '--'")
    return AppRequest(scripts=tuple(ns.scripts), args=tuple(args), projector=ns.projector, lang=ns.lang,
                      share=share_request(ns))


def app_targets(request: AppRequest) -> list[Target]:
    return [resolve_target(path, args=request.args) for path in request.scripts]


# -- contui list ------------------------------------------------------------------------------------------------------
def list_parser() -> argparse.ArgumentParser:
    return _Parser(prog="contui list", description="List the course's scenarios: number, id and title, under the "
                   "part of the course each belongs to.")


# -- contui runs, replay, export: the recorded runs -------------------------------------------------------------------
def runs_parser() -> argparse.ArgumentParser:
    return _Parser(prog="contui runs", description="List the recorded runs, newest first: every run of the app and "
                   "of 'contui run' is recorded in the runs folder ($CONTUI_HOME/runs, else "
                   "$XDG_STATE_HOME/contui/runs or ~/.local/state/contui/runs), the oldest removed first.")


class ReplayRequest(namedtuple("ReplayRequest", ("recording", "projector", "lang", "share"),
                               defaults=(False, "en", None))):
    """What ``contui replay RECORDING`` asks for: ``recording`` (str), ``projector`` (bool), ``lang`` (str),
    ``share`` (ShareRequest | None)."""

    __slots__ = ()


def replay_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="contui replay", description="Open the app on a recorded run: it plays on the recorded "
                     "time (space pauses, + and - turn the speed, . shows the next event, Enter plays it again), and "
                     "[ ] { } Home End move a cursor through it.")
    parser.add_argument("recording", metavar="RECORDING", help="a recording file, or its number in 'contui runs' "
                        "(1: the newest)")
    parser.add_argument("--projector", action="store_true", help="start in projector mode")
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help="the language of the screen: zh (中文) or en (default: en)")
    add_share_options(parser)
    return parser


def export_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="contui export", description="Write a recorded run as Chrome Trace Event JSON, which "
                     "Perfetto (ui.perfetto.dev), chrome://tracing and VizTracer's vizviewer open.")
    parser.add_argument("recording", metavar="RECORDING", help="a recording file, or its number in 'contui runs'")
    parser.add_argument("-o", "--output", type=_file_name, metavar="FILE",
                        help="where to write it (default: the recording's name with .trace.json, here)")
    return parser


def _recording_path(spec: str) -> Path:
    from tui.engine.runs import RunsError, find_recording, runs_folder

    try:
        return find_recording(spec, runs_folder())
    except RunsError as exc:
        raise UsageError(str(exc)) from None


def cmd_runs(out: TextIO) -> int:
    from tui.engine.runs import list_runs, runs_folder

    folder = runs_folder()
    entries = list_runs(folder)
    if not entries:
        print(f"no runs recorded yet in {folder}", file=out)
        return 0
    width = max(len(e.target) for e in entries)
    width = min(max(width, len("target")), 40)
    print(f"{'#':>3}  {'when':<19}  {'target':<{width}}  {'length':>8}  {'exit':<9}  {'events':>10}", file=out)
    for e in entries:
        when = e.recorded[:19].replace("T", " ") if e.recorded else "?"
        target = e.target if len(e.target) <= width else "…" + e.target[-(width - 1):]
        length = f"{e.seconds:.1f} s" if e.seconds is not None else "?"
        exit_text = e.exit_text if not e.problem else f"? ({e.problem})"
        print(f"{e.number:>3}  {when:<19}  {target:<{width}}  {length:>8}  {exit_text:<9}  {e.events:>10,}", file=out)
    print(f"\nin {folder}; replay one with 'contui replay N', export it with 'contui export N -o trace.json'",
          file=out)
    return 0


def cmd_replay(request: ReplayRequest) -> int:
    from tui.engine.jsonl import RecordingError
    from tui.engine.scrub import RecordedRun

    path = _recording_path(request.recording)
    try:  # before the terminal check, as for the app: what is wrong with the file is the more useful message
        recorded = RecordedRun(path, progress=_Progress(path))
    except RecordingError as exc:
        raise UsageError(str(exc)) from None
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        recorded.close()
        print("contui: the app needs a terminal; to look at a recording without one use "
              f"'contui export {request.recording} -o trace.json'", file=sys.stderr)
        return EXIT_USAGE
    from tui.engine.replay import ReplaySession

    session = ReplaySession(recorded, playing=True)
    return _run_app(lambda app_class, share: app_class(session=session, projector=request.projector,
                                                       lang=request.lang, share=share), request.share, request.lang)


class _Progress:
    """Says on stderr how far the reading of a big recording is, on one line that it rewrites."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.said = -1

    def __call__(self, done: int, size: int) -> None:
        if size < 50 * 1024**2:
            return
        share = done * 100 // size
        if share // 10 != self.said // 10:
            self.said = share
            print(f"\rcontui: reading {self.path.name}: {share}%", end="", file=sys.stderr, flush=True)


def cmd_export(recording: str, output: str | None) -> int:
    from tui.engine.export import export_recording
    from tui.engine.jsonl import RecordingError

    path = _recording_path(recording)
    out = Path(output) if output else Path(path.name.removesuffix(".jsonl") + ".trace.json")
    try:
        count = export_recording(path, out)
    except RecordingError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {count:,} trace events to {out}: open it in https://ui.perfetto.dev or chrome://tracing")
    return 0


# -- contui run -------------------------------------------------------------------------------------------------------
class RunRequest(namedtuple("RunRequest", ("target", "args", "plain", "jsonl", "speed", "start_method", "timeout"),
                            defaults=((), False, None, 1.0, None, None))):
    """What ``contui run [options] TARGET [ARGS ...]`` asks for: ``target`` (str), ``args`` (tuple[str, ...]: the
    script's sys.argv[1:]), ``plain`` (bool), ``jsonl`` (str | None), ``speed`` (float), ``start_method`` and
    ``timeout`` (None unless given)."""

    __slots__ = ()


def run_parser() -> argparse.ArgumentParser:
    # allow_abbrev off: after TARGET, '--spe' must reach the script, not be read as --speed.
    run = _Parser(
        prog="contui run", usage="contui run [options] TARGET [ARGS ...]", allow_abbrev=False,
        formatter_class=_Formatter,
        description="Run a scenario (id or number, see 'contui list') or a .py file, traced. Prints what the\n"
        "script prints; the exit code is the script's (128+N if signal N ended it).",
        epilog="ARGS reach the script as sys.argv[1:], as with 'python SCRIPT ARGS'. contui's options may come\n"
        "before or after TARGET; after TARGET, the first argument that is not one of them (or a '--')\n"
        "starts ARGS, and everything from there goes to the script as it is:\n"
        "  contui run s.py a 'b c'         the script gets ['a', 'b c']\n"
        "  contui run s.py --plain -v      contui takes --plain; the script gets ['-v']\n"
        "  contui run s.py -v --plain      the script gets ['-v', '--plain']\n"
        "  contui run s.py -- --plain      the script gets ['--plain']",
    )
    run.add_argument("target", metavar="TARGET", nargs="?", help="scenario id or number, or path to a .py file")
    run.add_argument("args", metavar="ARGS", nargs="*", help="the script's arguments (its sys.argv[1:])")
    run.add_argument("--plain", action="store_true",
                     help="also print one readable line per process/thread/lock/queue event")
    run.add_argument("--jsonl", type=_file_name, metavar="FILE",
                     help="record the run to FILE (a header line, then one JSON object per event) instead of "
                          "the runs folder (see 'contui runs')")
    run.add_argument("--speed", type=_speed, default=1.0, metavar="X",
                     help="run the script's clock X times faster, from 0.01 to 100 (default 1): a 1 s sleep "
                          "takes 1/X s and still reads as 1 s on the script's clocks")
    run.add_argument("--start-method", choices=START_METHODS, default=None,
                     help="default multiprocessing start method for the script")
    run.add_argument("--timeout", type=_positive, default=None, metavar="S",
                     help="stop the run after S seconds (exit code 124)")
    return run


def parse_run_argv(argv: list[str]) -> RunRequest:
    """``contui run``'s arguments (without the ``run``): contui's options, TARGET, and the script's ARGS."""
    parser = run_parser()
    options, target, args = _split_run_argv(parser, argv)
    ns = parser.parse_args(options)
    if target is None:
        raise UsageError("run needs a TARGET: a scenario id or number (see 'contui list') or a .py file")
    return RunRequest(target=target, args=tuple(args), plain=ns.plain, jsonl=ns.jsonl, speed=ns.speed,
                      start_method=ns.start_method, timeout=ns.timeout)


def _split_run_argv(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[list[str], str | None, list[str]]:
    """(contui's options, TARGET, the script's ARGS). argparse alone cannot do this: it takes options anywhere in
    the line, so ``contui run s.py -v --plain`` would give --plain to contui and stop at the script's -v."""
    flags = {name for action in parser._actions if action.nargs == 0 for name in action.option_strings}
    valued = {name for action in parser._actions if action.nargs != 0 for name in action.option_strings}
    helps = {"-h", "--help"}
    options: list[str] = []
    target: str | None = None
    i = 0
    while i < len(argv):
        arg = argv[i]
        name = arg.partition("=")[0] if arg.startswith("--") else arg
        if arg == "--":
            if target is None:  # `contui run -- -odd-name.py ARGS`: the next one is TARGET, however it looks
                return options, (argv[i + 1] if i + 1 < len(argv) else None), argv[i + 2:]
            return options, target, argv[i + 1:]
        if name in flags - helps or (name in helps and target is None):
            options.append(arg)
        elif name in valued and "=" in arg:
            options.append(arg)
        elif name in valued:
            value = argv[i + 1] if i + 1 < len(argv) else None
            if value is None or value == "--" or value.partition("=")[0] in flags | valued:
                raise UsageError(f"{arg} needs a value (see 'contui run -h')")
            options.append(f"{arg}={value}")  # one token: argparse would refuse a value that starts with '-'
            i += 1
        elif target is not None:
            return options, target, argv[i:]
        elif arg.startswith("-"):
            raise UsageError(f"unknown option {arg} for 'contui run' (the script's own options go after TARGET)")
        else:
            target = arg
        i += 1
    return options, target, []


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):  # `not >` also refuses nan
        raise argparse.ArgumentTypeError(f"must be a finite number greater than 0: {text}")
    return value


def _speed(text: str) -> float:
    """A speed a run can keep: sleeps divided by 100 are still sleeps; by 1e-300 they overflow the OS's clock."""
    value = _positive(text)
    if not SPEED_MIN <= value <= SPEED_MAX:
        raise argparse.ArgumentTypeError(f"must be between {SPEED_MIN:g} and {SPEED_MAX:g}: {text}")
    return value


def _file_name(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("needs a file name")
    return text


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["list"]:
            list_parser().parse_args(argv[1:])
            return cmd_list(sys.stdout)
        if argv[:1] == ["run"]:
            return cmd_run(parse_run_argv(argv[1:]))
        if argv[:1] == ["runs"]:
            runs_parser().parse_args(argv[1:])
            return cmd_runs(sys.stdout)
        if argv[:1] == ["replay"]:
            ns = replay_parser().parse_args(argv[1:])
            return cmd_replay(ReplayRequest(ns.recording, ns.projector, ns.lang, share_request(ns)))
        if argv[:1] == ["export"]:
            ns = export_parser().parse_args(argv[1:])
            return cmd_export(ns.recording, ns.output)
        return cmd_app(parse_app_argv(argv))
    except (UsageError, TargetError) as exc:
        print(f"contui: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # before a run started, or after it ended: nothing to stop
        print("\ncontui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        # A Ctrl+C in the middle of an import can come out as another error (a dataclass being made turns it into
        # a RuntimeError): still a Ctrl+C.
        if not _caused_by_interrupt(exc):
            raise
        print("\ncontui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _caused_by_interrupt(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def cmd_list(out: TextIO) -> int:
    scenarios = catalog.load_catalog()
    width = max((len(s.id) for s in scenarios), default=0)
    part = 0
    for s in scenarios:
        if s.part != part:  # a heading before each part of the course, a blank line between parts
            _, title, about = catalog.PARTS[s.part - 1]
            print(f"{chr(10) if part else ''}{title} · {about}", file=out)
            part = s.part
        print(f"{s.number:2d}  {s.id:<{width}}  {s.title_en} · {s.title_zh}", file=out)
    return 0


def cmd_run(request: RunRequest) -> int:
    # A Ctrl+C from here to the run's end is acted on where contui looks for it (before the run starts, once it
    # has, and between two polls): raised wherever it fell, it could land in an import (contui loads what it needs
    # while the run starts, the model once the run has settled) and be lost, and the run would go on to its end.
    with _ctrl_c_held() as pressed:
        return _run(request, pressed)


def _run(request: RunRequest, pressed: list[int]) -> int:
    target = resolve_target(request.target, args=request.args)
    if request.jsonl is not None:  # before anything runs: a file asked for that cannot be written is bad input
        try:
            open(request.jsonl, "w").close()  # noqa: SIM115
        except OSError as exc:
            raise UsageError(f"cannot write {request.jsonl}: {(exc.strerror or str(exc)).lower()}") from None
    # Into a file or a pipe the script's stdout is block-buffered, as python's is there; a terminal's, and --plain's
    # (its sentences go between the script's lines), line by line.
    block_output = not request.plain and not sys.stdout.isatty()
    run = Run(target, speed=request.speed, start_method=request.start_method, stdin="inherit",
              block_output=block_output)
    recorder: FlightRecorder | None = None
    try:
        # The run starts first: what contui alone needs (the model, the recorder, psutil for the samples) loads
        # while the run's reaper and the script's interpreter start, on the other core. A run of a trivial script
        # waited for all of it, a hundred milliseconds and more, before a single process of its own had started.
        # Its first events wait in the event pipe (a MiB) until the collector reads them.
        # The recorder's writer comes next, before the model loads: a run of a trivial script is over before the
        # model has loaded, and then waits for its recording to be written.
        if pressed:
            raise KeyboardInterrupt
        run.start()
        from tui.engine.flight import FlightRecorder
        from tui.engine.jsonl import RecordingHeader

        header = RecordingHeader.for_target(target, speed=request.speed, start_method=request.start_method)
        if request.jsonl is not None:
            recorder = FlightRecorder(request.jsonl, header)
        else:  # every run is recorded in the runs folder; one that cannot be is still run (and says so)
            recorder = FlightRecorder.in_runs_folder(target, header)
        from tui.engine.recording import record

        # --plain words each event from the model as it stands then: it is folded from the first event. Else
        # the model is made, and the run sampled, only once the run has lasted SETTLE_NS (see Collector).
        model = _run_model() if request.plain else None
        echo = _Echo(model)

        def on_event(event: Event) -> None:
            if event.kind == ev.RECORDING_OFF and not request.plain:  # --plain says it in its own words
                print(f"contui: the run goes on unrecorded: {event.fields.get('reason')}", file=sys.stderr)
            elif event.kind in (ev.DEADLOCK, ev.STALL, ev.LOCK_ORDER) and not request.plain:
                from tui.engine.deadlocks import alarm_sentence  # the model has loaded what it needs

                goes_on = "" if event.kind == ev.LOCK_ORDER else " (the run goes on: stop it with Ctrl+C)"
                print(f"contui: {alarm_sentence(event.kind, event.fields)}{goes_on}", file=sys.stderr)
            echo.show(event)

        def on_timeout() -> None:
            print(f"contui: --timeout {request.timeout:g}s reached, stopping the run", file=sys.stderr)

        def on_batch() -> None:
            sys.stdout.flush()
            sys.stderr.flush()

        # The script's lines are written out once per batch of events, not one write per line: a terminal's line
        # buffering made the traced script wait for contui at every print. A batch is at most a few ms of the run.
        # What the terminal's encoding cannot show (a lone surrogate) is shown escaped: contui never dies of a print.
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
                if stream.isatty():
                    reconfigure(line_buffering=False)
        # --timeout counts from the run's start, as it did when the run started inside record()
        timeout = None if request.timeout is None else max(1e-3, request.timeout - (time.monotonic_ns() - run.t0) / 1e9)
        recording = record(run, timeout=timeout, on_event=on_event, on_timeout=on_timeout, on_batch=on_batch,
                           model=model, make_model=_run_model, settle_ns=0 if request.plain else SETTLE_NS,
                           keep_events=False, recorder=recorder, interrupted=lambda: bool(pressed))
    except KeyboardInterrupt:
        run.close()
        pressed.clear()  # acted on: cmd_run's handler has nothing more to say
        print("\ncontui: interrupted, the run was stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `contui run X | head`: the reader left; stop quietly like any Unix filter
        run.close()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except BaseException:
        run.close()  # whatever went wrong in contui, nothing of the run outlives it
        raise
    finally:
        if recorder is not None:
            recorder.close()
        sys.stdout.flush()
    if recording.dropped:
        print(f"contui: {recording.dropped} malformed frame{'s' if recording.dropped > 1 else ''} on the event pipe "
              "dropped (something in the run wrote to it)", file=sys.stderr)
    if recording.reaper_lost:
        print("contui: the run's reaper was killed (by the script?); contui ended every process the run had left",
              file=sys.stderr)
    if recording.timed_out:
        return EXIT_TIMEOUT
    code = recording.code
    if code is None:
        return 1
    return code if code >= 0 else 128 - code


def _run_model() -> Model:
    from tui.engine.model import Model

    return Model(keep_output=False)  # the lines are written out as they come, not kept: a run may print GBs


@contextmanager
def _ctrl_c_held() -> Iterator[list[int]]:
    """A Ctrl+C while the run starts and contui loads what it needs is acted on once that is over (or sooner, by
    whoever reads the list it yields: a Ctrl+C pressed is in it). Raised in the middle of an import, a
    KeyboardInterrupt can land in one of importlib's weakref callbacks, where Python only prints "Exception ignored"
    and goes on: the run would go on to its end as if nobody had pressed it."""
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


class _Echo:
    """Writes the script's own lines as they are; with ``--plain`` (``plain`` is the run's model, which has just
    folded the event) a sentence for every other event worth one."""

    def __init__(self, plain: Model | None) -> None:
        self.plain = plain
        self._last: TextIO | None = None  # the stream written last

    def show(self, event: Event) -> None:
        if event.kind == ev.STDOUT:  # written out at the end of each batch (contui run's on_batch)
            stream = sys.stderr if event.fields.get("stream") == "stderr" else sys.stdout
            self._to(stream)
            text = str(event.fields.get("text", ""))
            stream.write(text if event.fields.get("partial") else text + "\n")
            return
        if self.plain is not None:
            from tui.engine.plain import describe

            line = describe(event, self.plain)
            if line is not None:
                self._to(sys.stdout)
                print(line, flush=True)

    def _to(self, stream: TextIO) -> None:
        """Lines of the two streams reach a shared terminal in the order they were written."""
        if self._last is not None and self._last is not stream:
            self._last.flush()
        self._last = stream


def cmd_app(request: AppRequest) -> int:
    targets = app_targets(request)  # before the terminal check: a bad path is the more useful message
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        print("contui: the app needs a terminal; to run a scenario without one use "
              "'contui run --plain TARGET' (see 'contui list')", file=sys.stderr)
        return EXIT_USAGE
    return _run_app(lambda app_class, share: app_class(user_targets=targets, projector=request.projector,
                                                       lang=request.lang, share=share), request.share, request.lang)


def _run_app(make: Callable[[type[ContuiApp], ShareServer | None], ContuiApp], share: ShareRequest | None = None,
             lang: str = "en") -> int:
    server = _start_share(share, lang) if share is not None else None
    # Textual's import and the first frame make hundreds of thousands of objects, and the collections they set off
    # took a sixth of the time to the first frame. The app turns collection back on once that frame is out.
    gc.disable()
    try:
        from tui.app import ContuiApp

        app = make(ContuiApp, server)
        try:
            app.run()
        finally:
            app.close_session()  # however the app ended, no process of the run outlives it
    finally:
        gc.enable()
        if server is not None:
            server.close()
            print("contui: sharing stopped", file=sys.stderr)
    return app.return_code or 0


def _start_share(request: ShareRequest, lang: str) -> ShareServer:
    """Listen at once, so that a port taken or a host not this machine's is one line before the app starts."""
    from tui.share.server import ShareError, ShareServer

    server = ShareServer(host=request.host, port=request.port, lang=lang)
    try:
        server.start()
    except ShareError as exc:
        raise UsageError(str(exc)) from None
    for link in server.links():
        print(f"contui: browsers follow the run at {link}", file=sys.stderr)
    return server


if __name__ == "__main__":
    sys.exit(main())
