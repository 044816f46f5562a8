"""Hooks on threading.Thread: start, exit, join, and uncaught exceptions, for the script's own threads and the threads
of its pools and executors (each with its role: the script's, a pool's worker, a pool's helper).

A threading.Timer is a thread too: the script's when the function it calls is. Its delay is a wait on an Event that
threading makes (``Timer.run``), which the tracer leaves alone like every primitive the standard library makes; so
``Timer.run`` is the tracer's, which counts the delay on the run's scenario clock (the speed and a freeze act on it
as on a sleep; ``cancel()`` ends it at once) and tells it as the thread sleeping."""

from __future__ import annotations

import sys
import threading

from tui.inside import kinds as ev
from tui.inside.trace.context import TraceContext
from tui.inside.trace.steps import code_site
from tui.inside.trace.processes import alias_of, exception_fields
from tui.inside.trace.sites import is_user_file
from tui.inside.trace.tracebacks import strip

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from typing import Any


def _runs(thread: threading.Thread) -> Any:
    """What the thread runs, that tells whose it is: its target; a Timer's function (``Timer.run`` only waits, then
    calls it); or its class's own run. None: threading.Thread's run, with no target, runs nothing."""
    target = getattr(thread, "_target", None)
    if target is not None:
        return target
    run = type(thread).run
    if run is threading.Timer.run:
        return getattr(thread, "function", None)
    return None if run is threading.Thread.run else run


def _is_users(thread: threading.Thread) -> bool:
    """A thread is the script's if the code it runs is: multiprocessing's feeder threads are not."""
    runs = _runs(thread)
    code = getattr(getattr(runs, "func", runs), "__code__", None)  # functools.partial keeps it in .func
    return code is not None and is_user_file(code.co_filename)


def _role(thread: threading.Thread) -> str | None:
    """Why this thread is shown: the script made it (``user``), or it is one of a pool's the script made. The
    tracer of pools is loaded with the first module that can make one (see install.py): until then there is none."""
    if _is_users(thread):
        return "user"
    tasks = sys.modules.get("tui.inside.trace.tasks")
    return None if tasks is None else tasks.pool_role(thread)


def _alias(thread: threading.Thread) -> str | None:
    """What the course calls the thread (``Thread(target=sayhi, args=('egon',))``: egon), when it runs a target and
    the script gave it no name of its own (``Thread-1 (sayhi)`` is threading's)."""
    if getattr(thread, "_target", None) is None:
        return None
    name = thread._name  # type: ignore[attr-defined]
    if not (type(name) is str and name.startswith("Thread-") and name[7:].partition(" ")[0].isdigit()):
        return None
    return alias_of(getattr(thread, "_args", None), getattr(thread, "_kwargs", None))


def install(ctx: TraceContext) -> None:
    Thread = threading.Thread
    emit = ctx.emitter.emit

    orig_inner = Thread._bootstrap_inner

    def _bootstrap_inner(self: threading.Thread) -> None:
        role = _role(self)
        traced = role is not None
        self._contui_traced = traced  # type: ignore[attr-defined]
        if traced:
            # Stamped before start() returns in the thread that called it (start() waits for _bootstrap_inner to
            # say the thread has started): the threads of a process are in start() order by this event's time.
            fields = {"name": self.name, "daemon": self.daemon, "ident": threading.get_ident(), "role": role}
            alias = _alias(self) if role == "user" else None
            if alias is not None:
                fields["alias"] = alias
            emit(ev.THREAD_START, fields)
            if role == "user":  # held in step mode before it runs its target, and before it exits
                site = code_site(_runs(self))
                if site is not None:
                    ctx.point("start", self.name, site=site)
                    user_run = self.run

                    def run() -> None:
                        user_run()
                        ctx.point("exit", self.name, site=site)

                    self.run = run  # type: ignore[method-assign]
        try:
            orig_inner(self)
        finally:
            if traced:
                emit(ev.THREAD_EXIT, {"name": self.name})

    orig_timer_run = threading.Timer.run

    def timer_run(self: threading.Timer) -> None:
        """``Timer.run`` with its delay on the scenario clock. A reported Timer's delay is its thread sleeping
        (``sleep`` begin and end, as time.sleep; a cancelled one's ends early), and in step mode it is a point like a
        sleep (held, and when let go the clock jumps to its end); a Timer of the library's only waits."""
        finished = self.finished
        secs = self.interval
        try:
            on_clock = 0 < secs < 1e12
        except TypeError:
            on_clock = False
        if not on_clock or finished.is_set():  # 0 or cancelled already (no wait), or what python refuses:
            return orig_timer_run(self)  # python's own answer
        if not getattr(self, "_contui_traced", False):
            ctx.timed(finished.wait, secs)
        else:
            wait = secs
            clock = ctx.clock
            site = code_site(_runs(self))
            if site is not None and clock is not None:
                deadline = clock.ns() + int(secs * 1e9)
                ctx.point("sleep", f"{secs:g} s", until=deadline, site=site)
                wait = max(0.0, (deadline - clock.ns()) / 1e9)  # none left if step mode let it go
            emit(ev.SLEEP, {"secs": secs, "phase": "begin"})
            try:
                ctx.timed(finished.wait, wait)  # each slice ends at once on cancel(), which sets finished
            finally:
                emit(ev.SLEEP, {"secs": secs, "phase": "end"})
        if not finished.is_set():  # the rest is Timer.run's own
            self.function(*self.args, **self.kwargs)
        finished.set()

    orig_join = Thread.join

    def _timed_join(thread: threading.Thread, timeout: float | None) -> None:
        ctx.timed(lambda slice_: orig_join(thread, slice_), timeout, finished=lambda _: not thread.is_alive())

    def join(self: threading.Thread, timeout: float | None = None) -> None:
        if not getattr(self, "_contui_traced", False):
            return _timed_join(self, timeout)
        ctx.point("join", self.name)
        fields: dict[str, Any] = {"child": self.native_id, "name": self.name}
        emit(ev.THREAD_JOIN, {**fields, "phase": "begin", "timeout": timeout})
        try:
            _timed_join(self, timeout)
        finally:
            emit(ev.THREAD_JOIN, {**fields, "phase": "end", "alive": self.is_alive()})

    orig_hook = threading.excepthook

    def excepthook(args: Any) -> None:
        # the thread's traceback starts in threading's own frames, never in ours: its head stays
        strip(args.exc_value)
        if args.exc_value is not None and not isinstance(args.exc_value, SystemExit):
            emit(ev.EXCEPTION, exception_fields(args.exc_value, "thread"))
        orig_hook(args)

    Thread._bootstrap_inner = _bootstrap_inner  # type: ignore[attr-defined]
    Thread.join = join  # type: ignore[method-assign]
    threading.Timer.run = timer_run  # type: ignore[method-assign]
    threading.excepthook = excepthook
