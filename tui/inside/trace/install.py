"""Installs every hook in the current process, from what the run put in the environment."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import time

from tui.inside import kinds as ev
from tui.inside.control import ControlPage
from tui.inside.trace import children, locks, steps, processes, sync, threads, waits
from tui.inside.trace.context import TraceContext
from tui.inside.emitter import Emitter
from tui.inside.eventfd import EVENTS_LINK
from tui.inside.env import ENV_CONTROL_FILE, ENV_FD, ENV_ROOT, ENV_START_METHOD, ENV_T0
from tui.inside.trace.clock import ScenarioClock
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.output import LineCapture
from tui.inside.trace.processes import die_of_sigterm, flush_at_exit
from tui.inside.trace.sites import pickles_as

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import ModuleType


# Prepended to the command of every interpreter that spawn or forkserver starts, so the tracer is in before
# multiprocessing unpickles anything.
BOOT_PREFIX = (
    "import sys; sys.path.insert(0, {root!r}); from tui.inside.trace.install import install_from_env; "
    "install_from_env({{role!r}}); del sys.path[0]; "
)

# Tracers loaded only once the script loads one of these modules (each then hooks what it needs of them): a script
# that never uses multiprocessing or concurrent.futures waited for them at every start all the same. Packages, not
# the modules hooked: those are imported while their package is, and a hook must never be run on a module that is
# still being imported.
LOADED_WITH = {
    "queues": ("multiprocessing", "queue"),
    "pipes": ("multiprocessing",),
    "shared": ("multiprocessing",),
    "tasks": ("multiprocessing", "concurrent"),
}

_installed: list[TraceContext] = []  # one per process; a list so that no module global is ever rebound


def install_from_env(role: str = "main") -> TraceContext | None:
    """Install the tracer if this interpreter belongs to a traced run (the environment says so)."""
    if _installed:
        return _installed[0]
    fd = os.environ.get(ENV_FD)
    if fd is None:
        return None
    control_path = os.environ.get(ENV_CONTROL_FILE)
    control = ControlPage(control_path) if control_path and os.path.exists(control_path) else None
    link = os.path.join(os.path.dirname(control_path), EVENTS_LINK) if control_path else None
    return install(Emitter(int(fd), int(os.environ[ENV_T0]), link), control, os.environ.get(ENV_ROOT, ""), role)


def install(emitter: Emitter, control: ControlPage | None, root: str, role: str) -> TraceContext:
    ctx = TraceContext(emitter, control=control, root=root)
    steps.install(ctx)
    _installed.append(ctx)
    sys.stdout = LineCapture(ctx, "stdout", sys.stdout)
    sys.stderr = LineCapture(ctx, "stderr", sys.stderr)
    _scale_sleep(ctx)
    imports = ImportWatch()
    processes.install(ctx, BOOT_PREFIX.format(root=root), imports)
    threads.install(ctx)
    locks.install(ctx, imports)
    sync.install(ctx, imports)
    for name, modules in LOADED_WITH.items():
        _install_with(ctx, imports, name, modules)
    children.install(ctx, imports)
    waits.install(ctx, imports)
    _default_start_method(os.environ.get(ENV_START_METHOD), imports)
    _flush_on_sigterm(ctx)
    if control is not None:
        ctx.clock = ScenarioClock(control)
        ctx.clock.install()
    # a spawned child that dies before multiprocessing's _bootstrap (a script without the __main__ guard) still
    # sends its last lines; for every other process this finds nothing left to send
    atexit.register(flush_at_exit, ctx)
    if role in ("main", "forkserver"):
        import threading

        ctx.emit(ev.PROC_START, {"ppid": os.getppid(), "name": "MainProcess" if role == "main" else "forkserver",
                                 "daemon": False, "method": role})
        ctx.emit(ev.THREAD_START, {"name": threading.current_thread().name, "daemon": False,
                                   "ident": threading.get_ident()})
    return ctx


def _install_with(ctx: TraceContext, imports: ImportWatch, name: str, modules: tuple[str, ...]) -> None:
    """Load and install the tracer ``tui.inside.trace.<name>`` right after the first of ``modules`` is imported."""
    done: list[bool] = []

    def install_now(module: ModuleType) -> None:
        if not done:
            done.append(True)
            __import__(f"tui.inside.trace.{name}")
            sys.modules[f"tui.inside.trace.{name}"].install(ctx, imports)

    for module in modules:
        imports.when_imported(module, install_now)


def _scale_sleep(ctx: TraceContext) -> None:
    real_sleep = time.sleep
    emit = ctx.emit

    def sleep(secs: float) -> None:
        clock = ctx.clock
        try:
            on_clock = clock is not None and 0 < secs < 1e12
        except TypeError:
            on_clock = False
        deadline = 0
        if on_clock:
            deadline = clock.ns() + int(secs * 1e9)  # type: ignore[union-attr]
            ctx.point("sleep", f"{secs:g} s", until=deadline)  # step mode: held, and let go at its end
        emit(ev.SLEEP, {"secs": secs, "phase": "begin"})
        try:
            if on_clock:
                clock.sleep_until(deadline, ctx.point)  # type: ignore[union-attr]
            else:  # no clock; or 0 (a yield), or what python refuses: python's own answer
                real_sleep(secs if clock is not None else secs / ctx.speed)
        finally:
            emit(ev.SLEEP, {"secs": secs, "phase": "end"})

    time.sleep = pickles_as(sleep, "time", "sleep")


def _default_start_method(method: str | None, imports: ImportWatch) -> None:
    """Make ``method`` the default without fixing it, so a script's own set_start_method() still works: once the
    script loads multiprocessing, whose context module holds the default."""
    if not method:
        return

    def set_default(context: ModuleType) -> None:
        context._default_context._default_context = context._concrete_contexts[method]

    imports.when_imported("multiprocessing.context", set_default)


def _flush_on_sigterm(ctx: TraceContext) -> None:
    """SIGTERM (terminate(), a daemon killed at exit) would drop the last few ms of events, prints included, that
    a terminal would have shown: send them, then die of SIGTERM as before. A script's own handler replaces this.

    A fork child drops a signal that arrives before its interpreter is reset, which with a handler in place would
    lose a terminate() right after start(): ``processes`` makes up for that through the run's control page."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def on_sigterm(signum: int, frame: object) -> None:
        die_of_sigterm(ctx)

    signal.signal(signal.SIGTERM, on_sigterm)
    ctx.sigterm_handler = on_sigterm
