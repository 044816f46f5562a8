"""Hooks on children made outside multiprocessing (subprocess.Popen and what uses it, os.posix_spawn/posix_spawnp,
a bare os.fork), their reaps by the script, and the signals the script sends (os.kill, os.killpg,
signal.pthread_kill, and Popen's terminate/kill/send_signal).

An exec'd child is not traced: its parent says it was made (``proc.spawn``, method ``exec``, with its command line)
and reaped. What it writes to a stdout or stderr it inherited would reach the main process's pipe and read as the
main process's: when the script leaves a stream as it is (None), the child gets a pipe of the tracer's instead, read
by a hidden thread in the parent that sends each line as the child's own. Before a reap is reported, whatever the
child wrote is sent, so its lines come before its end and before what its parent prints after waiting for it.

A bare fork child has the tracer already (its emitter is reset at the fork): it says it started, and ends as any
traced process does (its own exit, or os._exit). multiprocessing's own forks report themselves.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading

from tui.inside import kinds as ev
from tui.inside.streamlines import StreamLines
from tui.inside.trace.context import TraceContext
from tui.inside.trace.marks import mark_of
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.sites import is_user_file

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType, ModuleType
    from typing import Any


_SUBPROCESS_FILE = os.path.join(os.path.dirname(os.__file__), "subprocess.py")
_READ_SIZE = 65536
# The real ones, for the tracer's own forwarder (see finish_children): neither is reported, nor runs any hook.
_REAL_FORK = os.fork
_REAL_EXIT = os._exit
_STREAM_FDS = {"stdout": 1, "stderr": 2}

# The children of this process whose output the tracer reads, by pid (the tracer's per-process state).
_followed: dict[int, _ChildOutput] = {}
# Whether the at-fork hook that forgets them is in place: only once there is one, so that the forks of a script that
# starts no exec'd child run no code of it (each object a young fork child touches costs it a page copied).
_fork_hook: list[bool] = []


class _ChildOutput:
    """The pipes one child writes its stdout/stderr into: a hidden thread reads them and sends each line as the
    child's (its pid; tid 0, the main thread of a process seen from outside). Every read and the lines it makes
    happen under one lock, so a drain from another thread (at a reap) never reorders a stream."""

    def __init__(self, ctx: TraceContext, pid: int, fds: dict[int, str]) -> None:
        self.pid = pid
        emit_for = ctx.emitter.emit_for
        self._lock = _thread.allocate_lock()
        self._streams = {fd: StreamLines(stream, lambda kind, fields: emit_for(pid, kind, fields))
                         for fd, stream in fds.items()}
        self._ended: set[int] = set()  # fds at EOF: the reader thread closes them
        for fd in fds:
            os.set_blocking(fd, False)

    def start(self) -> None:
        if not _fork_hook:  # from the first child followed on: a fork child must not read its parent's pipes
            _fork_hook.append(True)
            os.register_at_fork(after_in_child=_forget_in_fork_child)
        _followed[self.pid] = self
        # Hidden from threading.enumerate(), as the emitter's flusher. It starts with every signal blocked (a thread
        # inherits its starter's mask): a signal sent to the process is the script's threads' to take, as without
        # the tracer; one this thread took would leave the script's Python handler waiting for the main thread.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
        try:
            _thread.start_new_thread(self._run, ())
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def _run(self) -> None:
        try:
            _pump([self], locking=True)
        except OSError:  # the tracer's own pipes failed: the child's output is not worth breaking the script
            pass
        finally:
            if _followed.get(self.pid) is self:
                del _followed[self.pid]

    @property
    def open_fds(self) -> list[int]:
        return [fd for fd in self._streams if fd not in self._ended]

    def stop_reading(self) -> bool:
        """This process ends: send what the child has written so far and, if its pipes are still open, keep the
        lock, so this process's reader thread reads no more (a forwarder is to read on). True then."""
        if not self._lock.acquire(True, 0.1):
            return False
        self._read()
        if self.open_fds:
            return True
        self._lock.release()
        return False

    def drain(self) -> None:
        """Send now whatever the child has written so far (its reap is about to be reported, or its parent ends).

        With a timeout: a SIGTERM handler that ends this process drains too, and may have interrupted this very
        thread in a drain of its own."""
        if self._lock.acquire(True, 0.1):
            try:
                self._read()
            finally:
                self._lock.release()

    def abandon(self) -> None:
        """In a fork child: the pipes are the parent's to read, and this process has no reader thread."""
        for fd in self._streams:
            if fd not in self._ended:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def _read(self) -> None:
        for fd, lines in self._streams.items():
            if fd in self._ended:
                continue
            while True:
                try:
                    data = os.read(fd, _READ_SIZE)
                except BlockingIOError:
                    break
                except OSError:
                    data = b""
                if not data:
                    lines.end()
                    self._ended.add(fd)
                    break
                lines.feed(data)


class _Pipes:
    """The pipes given to one exec'd child for the streams the script left as they are."""

    def __init__(self, streams: tuple[str, ...]) -> None:
        self.read: dict[int, str] = {}
        self.write: dict[str, int] = {}
        for stream in streams:
            r, w = os.pipe()  # both close-on-exec: the child gets its end as fd 1 or 2 only
            self.read[r] = stream
            self.write[stream] = w

    def close_writes(self) -> None:
        for w in self.write.values():
            os.close(w)
        self.write = {}

    def abandon(self) -> None:
        self.close_writes()
        for r in self.read:
            os.close(r)
        self.read = {}

    def follow(self, ctx: TraceContext, pid: int) -> None:
        self.close_writes()
        if self.read:
            _ChildOutput(ctx, pid, self.read).start()


def drain(pid: int) -> None:
    """Send what the child ``pid`` has written so far, if the tracer reads its output."""
    out = _followed.get(pid)
    if out is not None:
        out.drain()


def _pump(outs: list[_ChildOutput], locking: bool) -> None:
    """Read the pipes of ``outs`` until every one is at its end, closing each as it ends (only here: a number reused
    meanwhile is never closed by mistake)."""
    import select  # subprocess has loaded it already

    poller = select.poll()
    owners = {fd: out for out in outs for fd in out.open_fds}
    for fd in owners:
        poller.register(fd, select.POLLIN)
    while owners:
        poller.poll()
        for out in set(owners.values()):
            if locking:
                with out._lock:
                    out._read()
            else:
                out._read()
        for fd in [fd for fd, out in owners.items() if fd in out._ended]:
            poller.unregister(fd)
            os.close(fd)
            del owners[fd]


def finish_children(ctx: TraceContext) -> None:
    """This process ends: send what its children have written so far. Children that may still write (one started
    and left running) would write into a pipe nobody reads, and die of SIGPIPE where without the tracer they print
    on: a process forked now reads their pipes on, and leaves once every one is closed. It holds nothing else."""
    outs = [out for out in list(_followed.values()) if out.stop_reading()]
    if not outs:
        return
    for out in outs:
        del _followed[out.pid]  # so the fork's own at-fork hook leaves their pipes open in the forwarder
    if _REAL_FORK() == 0:
        _forward_alone(ctx, outs)


def _forward_alone(ctx: TraceContext, outs: list[_ChildOutput]) -> None:
    """The forwarder: nothing of its parent's open but the pipes it reads and the run's event pipe; no exit hook, no
    report of itself (it is the tracer's, not the script's); the default action for every signal that ends a run."""
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        low = 3
        for fd in sorted({ctx.emitter.fd, *(fd for out in outs for fd in out.open_fds)}):
            os.closerange(low, fd)
            low = fd + 1
        os.closerange(low, os.sysconf("SC_OPEN_MAX"))
        _pump(outs, locking=False)
        ctx.emitter.flush()
    finally:
        _REAL_EXIT(0)


def _forget_in_fork_child() -> None:
    for out in _followed.values():
        out.abandon()
    _followed.clear()


def _cmdline(args: Any, shell: bool) -> list[str]:
    if isinstance(args, (str, bytes, os.PathLike)):
        args = [args]
    cmd = [os.fsdecode(a) if isinstance(a, (str, bytes, os.PathLike)) else str(a) for a in args]
    return ["/bin/sh", "-c", *cmd] if shell else cmd


def _spawned(ctx: TraceContext, pid: int, cmdline: list[str], t: int | None = None) -> None:
    name = os.path.basename(cmdline[0]) if cmdline else "?"
    ctx.emit(ev.PROC_SPAWN, {"child": pid, "name": name, "daemon": False, "method": "exec", "cmdline": cmdline}, t)


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    _install_fork(ctx)
    _install_posix_spawn(ctx)
    _install_reaps(ctx)
    _install_signals(ctx)
    imports.when_imported("subprocess", lambda module: _install_subprocess(ctx, module))


# -- subprocess ----------------------------------------------------------------------------------------------------
def _install_subprocess(ctx: TraceContext, subprocess: ModuleType) -> None:
    Popen = subprocess.Popen
    orig_init = Popen.__init__
    orig_handle = Popen._handle_exitstatus

    def __init__(self: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
        # Options given by position (rare) are left exactly as they are, streams too.
        streams = () if rest else tuple(s for s in _STREAM_FDS if kwargs.get(s) is None)
        pipes = _Pipes(streams)
        kwargs.update(pipes.write)
        try:
            orig_init(self, args, *rest, **kwargs)
        except BaseException:
            pipes.abandon()
            raise
        shell = rest[7] if len(rest) > 7 else kwargs.get("shell", False)  # Popen(args, bufsize, ..., shell)
        _spawned(ctx, self.pid, _cmdline(self.args, bool(shell)))
        pipes.follow(ctx, self.pid)

    def _handle_exitstatus(self: Any, sts: int, *args: Any, **kwargs: Any) -> None:
        orig_handle(self, sts, *args, **kwargs)
        if self.returncode is not None and not mark_of(self, "_contui_reaped"):
            self._contui_reaped = True
            drain(self.pid)
            ctx.emit(ev.PROC_REAP, {"child": self.pid, "code": self.returncode, "by": "parent"})

    Popen.__init__ = __init__
    Popen._handle_exitstatus = _handle_exitstatus


# -- os --------------------------------------------------------------------------------------------------------------
def _install_fork(ctx: TraceContext) -> None:
    real_fork = os.fork
    emit = ctx.emitter.emit
    mp_prefix: list[str] = []  # multiprocessing's folder, once it is loaded (the tracer never loads it)

    def fork() -> int:
        # Without multiprocessing loaded, neither can this fork be its, nor this process be one of its Processes.
        process = sys.modules.get("multiprocessing.process")
        if process is not None:
            if not mp_prefix:
                mp_prefix.append(os.path.dirname(process.__file__) + os.sep)
            if sys._getframe(1).f_code.co_filename.startswith(mp_prefix[0]):  # multiprocessing's: it reports itself
                return real_fork()
        # a fork child is a copy: it has its parent's name too
        name = process.current_process().name if process is not None else "MainProcess"
        pid = real_fork()
        if pid:
            emit(ev.PROC_SPAWN, {"child": pid, "name": name, "daemon": False, "method": "os.fork"})
        else:
            emit(ev.PROC_START, {"ppid": os.getppid(), "name": name, "daemon": False, "method": "os.fork"})
            thread = threading.current_thread()
            emit(ev.THREAD_START, {"name": thread.name, "daemon": False, "ident": threading.get_ident(),
                                   "role": "user"})
        return pid

    os.fork = fork


def _touches(file_actions: Any, fd: int) -> bool:
    """Whether the script's own file actions for posix_spawn set up ``fd``."""
    for action in file_actions or ():
        tag = action[0]
        if (tag == os.POSIX_SPAWN_DUP2 and action[2] == fd) or (
            tag in (os.POSIX_SPAWN_OPEN, os.POSIX_SPAWN_CLOSE) and action[1] == fd
        ):
            return True
    return False


def _install_posix_spawn(ctx: TraceContext) -> None:
    def traced(real: Callable[..., int]) -> Callable[..., int]:
        def spawn(path: Any, argv: Any, env: Any, **kwargs: Any) -> int:
            if sys._getframe(1).f_code.co_filename == _SUBPROCESS_FILE:  # Popen's: Popen reports it
                return real(path, argv, env, **kwargs)
            actions = kwargs.get("file_actions")
            pipes = _Pipes(tuple(s for s, fd in _STREAM_FDS.items() if not _touches(actions, fd)))
            # first, so that the script's own actions come after them, as they would have without them
            ours = [(os.POSIX_SPAWN_DUP2, w, _STREAM_FDS[s]) for s, w in pipes.write.items()]
            if ours:
                kwargs["file_actions"] = ours + list(actions or ())
            try:
                pid = real(path, argv, env, **kwargs)
            except BaseException:
                pipes.abandon()
                raise
            _spawned(ctx, pid, _cmdline(argv, False) or [os.fsdecode(path)])
            pipes.follow(ctx, pid)
            return pid

        return spawn

    os.posix_spawn = traced(os.posix_spawn)
    os.posix_spawnp = traced(os.posix_spawnp)


def _install_reaps(ctx: TraceContext) -> None:
    """The script's own waits for a child (a bare fork's, a posix_spawn's): the reap, by its parent. subprocess and
    multiprocessing wait through their own objects, which report it."""

    def traced(real: Callable[..., Any]) -> Callable[..., Any]:
        def reap(*args: Any, **kwargs: Any) -> Any:
            result = real(*args, **kwargs)
            pid, status = result[0], result[1]
            if pid > 0 and is_user_file(sys._getframe(1).f_code.co_filename):
                try:
                    code = os.waitstatus_to_exitcode(status)
                except ValueError:  # stopped or continued: not a reap
                    return result
                drain(pid)
                ctx.emit(ev.PROC_REAP, {"child": pid, "code": code, "by": "parent"})
            return result

        return reap

    for name in ("wait", "waitpid", "wait3", "wait4"):
        setattr(os, name, traced(getattr(os, name)))


# -- signals -------------------------------------------------------------------------------------------------------
def _signal_call(frame: FrameType, call: str) -> str | None:
    """How the script sent a signal: ``call`` when its own code did, ``Popen.kill`` (or ``subprocess.run`` for its
    timeout) through subprocess; None for the standard library's own (multiprocessing reports terminate/kill)."""
    filename = frame.f_code.co_filename
    if is_user_file(filename):
        return call
    if filename != _SUBPROCESS_FILE:
        return None
    while frame.f_back is not None and frame.f_back.f_code.co_filename == filename:
        frame = frame.f_back
    name = frame.f_code.co_qualname
    return name if name.startswith("Popen.") else f"subprocess.{name}"


def _install_signals(ctx: TraceContext) -> None:
    emit = ctx.emitter.emit
    now = ctx.emitter.now

    def send(real: Callable[[int, int], None], target: int, sig: int, fields: dict[str, Any], mine: bool) -> None:
        if mine:  # it may end this very process: said first
            emit(ev.SIGNAL_SEND, fields)
            real(target, sig)
            return
        t = now()  # stamped before, so whatever the signal makes happen comes later
        real(target, sig)  # raises if nobody got it: then nothing was sent
        emit(ev.SIGNAL_SEND, fields, t)

    real_kill = os.kill
    real_killpg = os.killpg
    real_pthread_kill = signal.pthread_kill

    def kill(pid: int, sig: int) -> None:
        call = _signal_call(sys._getframe(1), "os.kill") if sig else None  # signal 0 only asks if pid exists
        if call is None:
            return real_kill(pid, sig)
        send(real_kill, pid, sig, {"child": pid, "signal": int(sig), "call": call}, pid <= 0 or pid == os.getpid())

    def killpg(pgid: int, sig: int) -> None:
        call = _signal_call(sys._getframe(1), "os.killpg") if sig else None
        if call is None:
            return real_killpg(pgid, sig)
        send(real_killpg, pgid, sig, {"child": pgid, "signal": int(sig), "call": call},
             pgid == 0 or pgid == os.getpgrp())

    def pthread_kill(thread_id: int, sig: int) -> None:
        call = _signal_call(sys._getframe(1), "signal.pthread_kill") if sig else None
        if call is None:
            return real_pthread_kill(thread_id, sig)
        target = threading._active.get(thread_id)  # type: ignore[attr-defined]
        fields = {"child": os.getpid(), "signal": int(sig), "call": call,
                  "thread": getattr(target, "native_id", None)}
        send(real_pthread_kill, thread_id, sig, fields, True)

    os.kill = kill
    os.killpg = killpg
    signal.pthread_kill = pthread_kill
