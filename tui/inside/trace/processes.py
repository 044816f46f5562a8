"""Hooks on multiprocessing's Process: start, join, is_alive, terminate, the reap, and the child's own life.

Each is installed when the script first imports the multiprocessing module it hooks (see on_import.py), never by
the tracer itself: a script that starts no process does not pay for loading multiprocessing (with socket, pickle and
subprocess, a third of the tracer's start-up), nor hold it in memory that each of its forks copies."""

from __future__ import annotations

import _thread
import os
import signal
import sys

from tui.inside import kinds as ev
from tui.inside.control import STEPPING_AT
from tui.inside.trace.children import finish_children
from tui.inside.trace.context import TraceContext
from tui.inside.trace.marks import mark_of
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.steps import code_site
from tui.inside.trace.sites import is_user_file
from tui.inside.trace.tracebacks import strip

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

    from multiprocessing import process


# On a Popen while a thread joins its process: that thread's ident.
JOINER = "_contui_joiner"
_get_ident = _thread.get_ident


def _called_from_user() -> bool:
    return is_user_file(sys._getframe(2).f_code.co_filename)


def _method(proc: process.BaseProcess) -> str:
    return getattr(proc._popen, "method", None) or getattr(proc, "_start_method", None) or "fork"


# The longest first argument taken for what the course calls a process or thread (``args=('egon',)``).
ALIAS_MAX = 16


def alias_of(args: Any, kwargs: Any = None) -> str | None:
    """The target's first positional argument (or its ``name=`` keyword argument) when it is a name-like str
    (``egon``, ``路人0``, ``lary_1``: letters, CJK, digits and underscores, not a digit first, at most ALIAS_MAX
    characters): what the course calls the process or thread. Nothing else is ever taken for a name (a number, a
    sentence, a list). A few C calls, no import."""
    if (type(args) is tuple or type(args) is list) and args:
        first = args[0]
    elif type(kwargs) is dict and kwargs:
        first = kwargs.get("name")
    else:
        return None
    if type(first) is str and len(first) <= ALIAS_MAX and first.isidentifier():
        return first
    return None


def process_alias(proc: Any) -> str | None:
    """What the course calls this Process: its target's name-like first argument, when the script gave it no name
    of its own (``Process-3``, ``SpawnProcess-1`` are multiprocessing's)."""
    if getattr(proc, "_target", None) is None:
        return None
    name = getattr(proc, "_name", None)
    prefix = type(proc).__name__
    if type(name) is not str or not (name.startswith(prefix) and name[len(prefix):len(prefix) + 1] == "-"
            and name[len(prefix) + 1:].replace(":", "").isdigit()):
        return None  # name= (or self.name = ...): the script's own name is the course's
    return alias_of(getattr(proc, "_args", None), getattr(proc, "_kwargs", None))


class _Children(set):  # type: ignore[type-arg]
    """multiprocessing's set of the children this process started (``process._children``): ``start()`` adds each one
    as soon as it runs. The spawn is said here, not around ``start()``, which would put a frame of the tracer's in
    the traceback of an error that ``start()`` raises (a spawned child of a script without the __main__ guard)."""

    def __init__(self, ctx: TraceContext) -> None:
        super().__init__()
        self._emit = ctx.emitter.emit
        self._emit_later = ctx.emitter.emit_later

    def add(self, proc: Any) -> None:
        # Right after the fork, while the child shares every page with this process: each object touched here (a
        # super() object, a property's frame) is a page that one of the two copies. So the fields are read straight.
        set.add(self, proc)
        popen = proc._popen
        if popen is None:  # not from start(): as a Process says it
            pid, method = proc.pid, _method(proc)
        else:
            pid, method = popen.pid, getattr(popen, "method", None) or getattr(proc, "_start_method", None) or "fork"
        # A fork child says its own start at once (proc.start, the truth the model goes by); the parent's word goes
        # out with its next write (its join, its next print), so that it writes nothing while the young child
        # shares its pages: each page either of them writes meanwhile is copied.
        # (What the course calls the child is the child's to say, in its proc.start: start() has just dropped the
        # target and its arguments here.)
        emit = self._emit_later if method == "fork" else self._emit
        emit(ev.PROC_SPAWN, {"child": pid, "name": proc._name, "daemon": proc._config.get("daemon", False),
                             "method": method})


def install(ctx: TraceContext, boot_prefix: str, imports: ImportWatch) -> None:
    emit = ctx.emitter.emit
    emit_later = ctx.emitter.emit_later
    control = ctx.control

    def wrap_poll(cls: type) -> None:
        orig_poll = cls.poll

        def poll(self: Any, flag: int = os.WNOHANG) -> int | None:
            before = self.returncode
            code = orig_poll(self, flag)
            if before is None and code is not None:
                fields = {"child": self.pid, "code": code, "by": "parent"}
                if mark_of(self, JOINER) == _get_ident():  # the join's end follows at once: one write for both
                    emit_later(ev.PROC_REAP, fields)
                else:
                    emit(ev.PROC_REAP, fields)
            return code

        cls.poll = poll

    def install_popen_fork(popen_fork: ModuleType) -> None:
        orig_send_signal = popen_fork.Popen._send_signal

        def _send_signal(self: Any, sig: int) -> None:
            if control is not None and sig == signal.SIGTERM:
                control.request_terminate(self.pid)
            if self.returncode is None:
                caller = sys._getframe(2).f_code.co_name
                reason = "daemon-at-exit" if caller == "_exit_function" else "call"
                emit(ev.PROC_TERMINATE, {"child": self.pid, "signal": int(sig), "reason": reason})
                # Popen.terminate or Popen.kill, whoever called it
                emit(ev.SIGNAL_SEND, {"child": self.pid, "signal": int(sig), "call": sys._getframe(1).f_code.co_name})
            orig_send_signal(self, sig)

        wrap_poll(popen_fork.Popen)
        popen_fork.Popen._send_signal = _send_signal

    imports.when_imported("multiprocessing.process", lambda module: _install_process(ctx, module))
    imports.when_imported("multiprocessing.popen_fork", install_popen_fork)
    # forkserver's Popen has a poll of its own; the forkserver machinery is loaded only by a script that uses it
    imports.when_imported("multiprocessing.popen_forkserver", lambda module: wrap_poll(module.Popen))
    imports.when_imported("multiprocessing.util", lambda module: _follow_new_interpreters(ctx, boot_prefix, module))
    _flush_on_os_exit(ctx)


def _install_process(ctx: TraceContext, process: ModuleType) -> None:
    """Process's own life (its start in the child, its join, is_alive) and the set of children start() adds to."""
    BaseProcess = process.BaseProcess
    emit = ctx.emitter.emit
    control = ctx.control
    steps = ctx.steps
    process._children = _Children(ctx)

    def _hold(proc: process.BaseProcess, action: str) -> None:
        target = proc._target  # type: ignore[attr-defined]
        site = code_site(target) if target is not None else code_site(type(proc).run)
        if site is not None:
            ctx.point(action, proc.name, site=site)

    orig_bootstrap = BaseProcess._bootstrap

    def _bootstrap(self: process.BaseProcess, *args: Any, **kwargs: Any) -> int:
        if control is not None and control.take_terminate_request(os.getpid()) and (
            signal.getsignal(signal.SIGTERM) is ctx.sigterm_handler
        ):  # terminate() came before this fork child could handle it (see ControlPage)
            die_of_sigterm(ctx)
        fields = {"ppid": os.getppid(), "name": self.name, "daemon": self.daemon, "method": _current_method()}
        alias = process_alias(self)
        if alias is not None:
            fields["alias"] = alias
        emit(ev.PROC_START, fields)
        user_run = self.run

        def run() -> None:
            process._children = _Children(ctx)  # _bootstrap has just emptied it
            # A process of the script's (its target, or its own run()) is held in step mode before it runs it, and
            # once more before it exits: its end is a step of its own. Where its code is, is worked out only in step
            # mode: every object a young fork child touches costs it a page copied (see _Children.add).
            if steps[STEPPING_AT]:
                _hold(self, "start")
            try:
                user_run()
                if steps[STEPPING_AT]:
                    _hold(self, "exit")
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                strip(exc)  # this frame too: re-raised bare, the exception does not take it back
                emit(ev.EXCEPTION, exception_fields(exc, "process"))
                raise

        self.run = run  # type: ignore[method-assign]
        code = orig_bootstrap(self, *args, **kwargs)
        finish_process(ctx, code)
        return code

    orig_join = BaseProcess.join

    def join(self: process.BaseProcess, timeout: float | None = None) -> None:
        if steps[STEPPING_AT]:  # (the child may still share this process's pages: see _Children.add)
            ctx.point("join", self.name)
        emit(ev.PROC_JOIN, {"child": self.pid, "phase": "begin", "timeout": timeout})
        popen = self._popen  # type: ignore[attr-defined]
        if popen is not None:
            setattr(popen, JOINER, _get_ident())  # see poll: the reap this join sees goes out with its end
        try:
            ctx.timed(lambda slice_: orig_join(self, slice_), timeout, finished=lambda _: self.exitcode is not None)
        finally:
            if popen is not None:
                setattr(popen, JOINER, None)
            emit(ev.PROC_JOIN, {"child": self.pid, "phase": "end", "code": self.exitcode})

    orig_is_alive = BaseProcess.is_alive

    def is_alive(self: process.BaseProcess) -> bool:
        result = orig_is_alive(self)
        if _called_from_user():
            emit(ev.PROC_ALIVE, {"child": self.pid, "result": result})
        return result

    BaseProcess._bootstrap = _bootstrap
    BaseProcess.join = join
    BaseProcess.is_alive = is_alive


def _current_method() -> str:
    """``multiprocessing.get_start_method(allow_none=True) or "fork"``, read off the default context itself: in a
    young fork child each object touched is a page copied, and the import statement and the call touched a dozen."""
    context = sys.modules.get("multiprocessing.context")
    actual = getattr(getattr(context, "_default_context", None), "_actual_context", None)
    if actual is None:
        if context is not None:
            return "fork"
        import multiprocessing  # not loaded through the usual path: ask it

        return multiprocessing.get_start_method(allow_none=True) or "fork"
    return actual._name


def _follow_new_interpreters(ctx: TraceContext, boot_prefix: str, util: ModuleType) -> None:
    """spawn and forkserver start fresh interpreters: hand them the event pipe and install the tracer first."""
    orig_spawnv = util.spawnv_passfds

    def spawnv_passfds(path: str, args: list[str], passfds: Any) -> int:
        args = list(args)
        if "-c" in args:
            i = args.index("-c") + 1
            if "spawn_main" in args[i] or "forkserver import main" in args[i]:
                role = "spawn" if "spawn_main" in args[i] else "forkserver"
                args[i] = boot_prefix.format(role=role) + args[i]
                passfds = sorted(set(passfds) | {ctx.emitter.fd})
        return orig_spawnv(path, args, passfds)

    util.spawnv_passfds = spawnv_passfds


def exception_fields(exc: BaseException, where: str) -> dict[str, Any]:
    import traceback  # loaded only when something raises: see tui/inside/__init__.py

    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
        "where": where,
    }


def finish_process(ctx: TraceContext, code: int | None) -> None:
    """The process's own code is over: finish half-written lines, say so (once), and send everything now."""
    finish_lines(ctx)
    if ctx.finished_pid != os.getpid():  # a child's os._exit comes after its _bootstrap already said it
        ctx.finished_pid = os.getpid()
        ctx.emit(ev.PROC_EXIT, {"code": code})
    ctx.emitter.flush()


def finish_lines(ctx: TraceContext) -> None:
    """What this process has printed, and what its exec'd children have so far, goes out as lines now: a
    half-written line as a line of its own, as a terminal would show it. Hot locks send their last summaries."""
    ctx.hot.finish()
    finish_children(ctx)
    for stream in (sys.stdout, sys.stderr):
        finish = getattr(stream, "finish", None)
        if finish is not None:
            finish()


def flush_at_exit(ctx: TraceContext) -> None:
    """At the interpreter's exit: send everything said so far. A spawned child whose script has no ``__main__``
    guard dies before multiprocessing's _bootstrap (which says ``proc.exit``): its last lines, the RuntimeError
    that explains the mistake, are sent by this."""
    if ctx.emitter.pid == os.getpid():
        finish_lines(ctx)
        ctx.emitter.flush()


def die_of_sigterm(ctx: TraceContext) -> None:
    """Send what this process has said, then die of SIGTERM, as it would have without the tracer."""
    if ctx.emitter.pid == os.getpid():  # right after a fork, until its reset, the emitter is still the parent's
        finish_lines(ctx)
        ctx.emitter.flush(timeout=0.1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _flush_on_os_exit(ctx: TraceContext) -> None:
    """os._exit skips every exit hook; what the process said before it must still arrive."""
    real_exit = os._exit

    def _exit(code: int) -> None:
        try:
            finish_process(ctx, code)
        finally:
            real_exit(code)

    os._exit = _exit
