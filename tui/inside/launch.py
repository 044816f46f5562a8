"""The run's main process: installs the tracer, then runs the script as ``__main__``, as ``python script.py`` would."""

from __future__ import annotations

import atexit
import os
import signal
import sys

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any


def main() -> None:
    state: dict[str, Any] = {"code": 0, "ctx": None}
    # Registered before multiprocessing is imported, so it runs after multiprocessing's own exit hook
    # (atexit runs last-in first-out): the daemon kills and joins at exit are reported before we say "exited".
    atexit.register(_finish, state)
    _die_with_reaper()

    from tui.inside import kinds as ev
    from tui.inside.trace.install import install_from_env
    from tui.inside.trace.processes import exception_fields
    from tui.inside.trace.tracebacks import strip

    try:
        ctx = state["ctx"] = install_from_env("main")
    except Exception:  # a bug of contui's, not the script's: say so on the real stderr, which the reaper forwards
        import traceback

        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        traceback.print_exc()
        print("contui: the tracer could not be installed (this is a bug in contui)", file=sys.stderr)
        os._exit(70)
    sys.path.pop(0)  # the folder of the tui package, put first by the -c bootstrap
    script = os.path.abspath(sys.argv[1])
    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(os.path.realpath(script))  # python script.py puts the script's folder first
    if ctx is not None:
        _settle(script)
    try:
        _run_as_main(script)
        # Step mode: the script's last line has run; its end (the wait for its threads and children, its exit)
        # is a step of its own.
        if ctx is not None and ctx.control is not None and ctx.control.stepping():
            ctx.point("exit", "MainProcess", site=f"{os.path.basename(script)}:{_last_line(script)}")
    except SystemExit as exc:
        state["code"] = _exit_code(exc)
        raise
    except KeyboardInterrupt:
        state["code"] = -2
        raise
    except BaseException as exc:
        state["code"] = 1
        exc.__traceback__ = _from_script(exc.__traceback__, script)
        strip(exc)
        if ctx is not None:
            ctx.emit(ev.EXCEPTION, exception_fields(exc, "main"))
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__)
        raise SystemExit(1) from None


def _settle(script: str) -> None:
    """Settle what the tracer knows before the script's first line: the script's file is looked up once here, so
    that no child the script forks looks it up again (each lookup a new child makes touches memory it shares with its
    parent: copy-on-write faults). The garbage collector is left as python has it (``gc.freeze`` would save the
    exit's collections ~4 ms, but a script's ``gc.get_objects()`` would then miss what was frozen)."""
    from tui.inside.trace.sites import is_user_file

    is_user_file(script)


def _run_as_main(script: str) -> None:
    """Run the file as the ``__main__`` module, as ``python script.py`` does. Not runpy.run_path, which loads
    pkgutil: half a megabyte more for every fork the script makes to copy."""
    import builtins

    with open(script, "rb") as fh:
        code = compile(fh.read(), script, "exec", dont_inherit=True)
    main = type(sys)("__main__")
    main.__dict__.update(__file__=script, __cached__=None, __loader__=None, __package__=None, __spec__=None,
                         __builtins__=builtins)
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def _last_line(script: str) -> int:
    with open(script, "rb") as fh:
        return sum(1 for _ in fh)


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    return 1


def _from_script(tb: TracebackType | None, script: str) -> TracebackType | None:
    """Drop contui's frames, so the traceback reads as under plain ``python script.py``."""
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    return tb  # None for a script that does not compile: the SyntaxError names file and line itself


def _finish(state: dict[str, Any]) -> None:
    ctx = state["ctx"]
    if ctx is not None:
        from tui.inside.trace.processes import finish_process

        finish_process(ctx, state["code"])


def _die_with_reaper() -> None:
    """If the reaper dies (even by SIGKILL), this process goes too; its descendants are the reaper's to end. If it
    died before that was set, we are orphaned already: go now."""
    from tui.inside.env import ENV_REAPER

    reaper = os.environ.get(ENV_REAPER)
    if not reaper:
        return
    from tui.inside.prctl import PR_SET_PDEATHSIG, prctl

    try:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:  # the run still works; only a SIGKILLed reaper would leave this process to contui's care
        pass
    if os.getppid() != int(reaper):
        os._exit(1)


if __name__ == "__main__":
    main()
