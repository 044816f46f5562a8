"""The run's reaper: parent of the script's main process, adopter of every orphan, and the one that ends them all.

contui starts it in a session of its own. It is the run's child subreaper, so every process the run makes stays its
descendant whatever happens to the parents in between; it ends them on SIGTERM (stop), when contui goes away (its
control pipe closes, even if contui was SIGKILLed), and it freezes and thaws them on SIGUSR1 / SIGUSR2.
"""

from __future__ import annotations

# What the main process's start needs, and no more: every run waits for the reaper to start it. The rest (the
# emitter, with pickle and re; json; the stream forwarders) is imported once it is on its way (see Reaper.run).
import os
import signal
import subprocess
import sys
import threading
import time

from tui.inside import kinds as ev
from tui.inside.env import ENV_CONTROL_FILE, ENV_FD, ENV_REAPER, ENV_T0
from tui.inside.eventfd import EVENTS_LINK, move_high
from tui.inside.prctl import PR_SET_CHILD_SUBREAPER, PR_SET_NAME, PR_SET_PDEATHSIG, prctl
READ_SIZE = 65536
FORWARD_GRACE = 5.0  # at most this long to read out the main process's stdout and stderr once the run is gone
_SIGNALS = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2}

TYPE_CHECKING = False  # no typing at run time: every run waits for the reaper's start-up (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from typing import NoReturn

    from tui.inside.emitter import Emitter


class Reaper:
    def __init__(self, command: list[str], fd: int, t0: int, grace: float, cleanup: str = "[]") -> None:
        """``fd``: the event pipe, ``t0``: the run's start (CLOCK_MONOTONIC ns); ``cleanup``: contui's temp folders
        for this run, a JSON list: ours to remove if contui is gone."""
        self.command = command
        self.fd = fd
        self.t0 = t0
        self.emitter: Emitter  # made once the main process is on its way
        self.grace = grace
        self._cleanup_json = cleanup
        self.cleanup: list[str] = []
        self.main_pid = 0
        self.main_code: int | None = None
        self.contui_gone = False

    def run(self, control_fd: int, options: dict[str, str]) -> NoReturn:
        """Start the main process, say the run has started (``options``: the reaper's, see :func:`parse_argv`),
        and reap, forward, freeze and end until nothing of the run is left; then exit."""
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        # A script can SIGSTOP its reaper; stopped, it would not see contui go. The kernel sends this signal when
        # contui's thread that started us ends (or contui itself, SIGKILL included): SIGCONT wakes a stopped reaper
        # (and does nothing to a running one), which then reads the end of its control pipe and ends the run.
        prctl(PR_SET_PDEATHSIG, signal.SIGCONT)
        prctl(PR_SET_NAME, ev.REAPER_NAME.encode())
        env = dict(os.environ, **{ENV_REAPER: str(os.getpid())})
        # No preexec_fn (the main process sets its own parent-death signal, see launch.py): without one, Popen
        # starts it with vfork, where a fork of the reaper (a fork of contui, with all it had loaded) took ms.
        main = subprocess.Popen(self.command, env=env, pass_fds=(self.fd,),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.main_pid = main.pid
        # Signals are taken synchronously from here on; the main process was started before, so it does not
        # inherit the blocked mask.
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        # The main process's interpreter takes tens of ms to start and load its tracer before it says anything:
        # what the reaper needs from here on (a few ms of imports) loads meanwhile, instead of before it.
        import json

        from tui.inside.emitter import Emitter

        self.emitter = Emitter(self.fd, self.t0)
        self.cleanup = json.loads(self._cleanup_json)
        fields = {"target": options["--target"], "cwd": os.getcwd(), "speed": float(options["--speed"]),
                  "start_method": options["--start-method"], "args": json.loads(options["--args"])}
        self.emitter.emit(ev.RUN_START, {**fields, "reaper": os.getpid(), "main": main.pid})
        forwarders = [threading.Thread(target=self._forward, args=(stream, pipe.fileno()), daemon=True)
                      for stream, pipe in (("stdout", main.stdout), ("stderr", main.stderr))]
        for thread in forwarders:
            thread.start()
        threading.Thread(target=self._watch_contui, args=(control_fd,), daemon=True).start()
        self._loop()
        # Every process of the run is gone, so the pipes are at their end once read out: what the last one wrote
        # just before it exited (a line of megabytes) is forwarded before the run is said to end. Bounded all the
        # same: a process of the run may have handed its end of a pipe to one outside the run.
        deadline = time.monotonic() + FORWARD_GRACE
        for thread in forwarders:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.emitter.emit(ev.RUN_END, {"code": self.main_code})
        self.emitter.flush()
        if self.contui_gone:  # contui was killed before it could remove them: nobody else will
            import shutil

            for folder in self.cleanup:
                shutil.rmtree(folder, ignore_errors=True)
        # Nothing of the run is left and all is said: skip the interpreter's teardown, which only delays the stop
        # (and the next run's start) that contui is waiting for.
        os._exit(0)

    def _loop(self) -> None:
        while True:
            if not self._reap():  # no child left: every orphan came to us, so nothing of the run is left
                return
            info = signal.sigtimedwait(_SIGNALS, 0.5)
            if info is None or info.si_signo == signal.SIGCHLD:
                continue
            if info.si_signo in (signal.SIGTERM, signal.SIGINT):
                self.end_all(0.0 if self.contui_gone else self.grace)
            elif info.si_signo == signal.SIGUSR1:
                self._signal_all(signal.SIGSTOP)
            elif info.si_signo == signal.SIGUSR2:
                self._signal_all(signal.SIGCONT)

    def _reap(self) -> bool:
        """Collect every child that has ended; False once we have no children at all."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return False
            if pid == 0:
                return True
            self._record(pid, status)

    def _record(self, pid: int, status: int) -> None:
        code = os.waitstatus_to_exitcode(status)
        if pid == self.main_pid:
            self.main_code = code
        self.emitter.emit(ev.PROC_REAP, {"child": pid, "code": code, "by": "reaper"})

    def _descendants(self) -> list[int]:
        """Every process below us. A walk of /proc, as psutil would do, without loading psutil at start-up."""
        parents: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = _stat(int(entry))
                if stat is not None:
                    parents.setdefault(stat[1], []).append(int(entry))
        found: list[int] = []
        todo = [os.getpid()]
        while todo:
            for child in parents.get(todo.pop(), ()):
                if child not in found:  # a cycle cannot happen in the kernel's tree, but a walk must not hang
                    found.append(child)
                    todo.append(child)
        return found

    def _signal_all(self, sig: int, pids: list[int] | None = None) -> None:
        for pid in self._descendants() if pids is None else pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass

    def end_all(self, grace: float) -> None:
        """SIGTERM everything, give it ``grace`` seconds, then SIGKILL what is left; reap what comes to us."""
        pids = self._descendants()
        self._signal_all(signal.SIGCONT, pids)  # a frozen process cannot act on SIGTERM
        self._signal_all(signal.SIGTERM, pids)
        deadline = time.monotonic() + grace
        # Only the pids we signalled are watched here (cheap /proc reads); the full walk below catches any
        # process born in between.
        while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
            self._reap()
            signal.sigtimedwait({signal.SIGCHLD}, 0.005)
        deadline = time.monotonic() + 5.0
        while (left := self._descendants()) and time.monotonic() < deadline:
            self._signal_all(signal.SIGKILL, left)
            self._reap()
            signal.sigtimedwait({signal.SIGCHLD}, 0.005)
        self._reap()

    def _forward(self, stream: str, fd: int) -> None:
        """What the main process writes below Python's sys.stdout (C code, ``os.write(1, ...)``) still shows."""
        from tui.inside.streamlines import StreamLines

        main_pid, emit_for = self.main_pid, self.emitter.emit_for
        lines = StreamLines(stream, lambda kind, fields: emit_for(main_pid, kind, {**fields, "raw": True}))
        while data := os.read(fd, READ_SIZE):
            lines.feed(data)
        lines.end()

    def _watch_contui(self, control_fd: int) -> None:
        while os.read(control_fd, 4096):
            pass
        self.contui_gone = True
        os.kill(os.getpid(), signal.SIGTERM)


# The reaper's options, each with a value, and their defaults. contui's runner writes this command line, so a
# hand-made reader is enough: argparse (with gettext and locale) was a tenth of the reaper's start-up.
_OPTIONS = {"--control-fd": None, "--grace": "1.0", "--target": "", "--speed": "1.0", "--start-method": "",
            "--args": "[]",  # the script's arguments, a JSON list (for run.start)
            "--cleanup": "[]"}  # contui's temp folders of the run, a JSON list: removed at the end if contui is gone


def parse_argv(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    """(the reaper's options by name, the main process's command): ``--name value`` pairs, then ``--`` and the
    command. A name it does not know, or one without a value, is a bug of contui's: it says so and exits 1."""
    options: dict[str, str] = {}
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] not in _OPTIONS or i + 1 >= len(argv):
            raise SystemExit(f"{ev.REAPER_NAME}: bad option {argv[i]!r}")
        options[argv[i]] = argv[i + 1]
        i += 2
    for name, default in _OPTIONS.items():
        if name not in options:
            if default is None:
                raise SystemExit(f"{ev.REAPER_NAME}: {name} is required")
            options[name] = default
    return options, argv[i + 1:]


def main(argv: list[str] | None = None) -> NoReturn:
    """The reaper's life, from its command line (``sys.argv[1:]`` when it was started as ``python -S -c ...``;
    contui passes the same list when it forks the reaper from itself, see tui/engine/forked.py)."""
    options, command = parse_argv(sys.argv[1:] if argv is None else argv)
    # The run's processes inherit the event pipe at a high fd, out of the script's way, and reopen it through the
    # link if the script closes it anyway (see eventfd.py).
    fd = move_high(int(os.environ[ENV_FD]))
    os.environ[ENV_FD] = str(fd)
    control_file = os.environ.get(ENV_CONTROL_FILE)
    if control_file:
        try:
            os.symlink(f"/proc/{os.getpid()}/fd/{fd}", os.path.join(os.path.dirname(control_file), EVENTS_LINK))
        except FileNotFoundError:
            # contui removed the run's folder before the reaper got here: it has closed the run already (a Ctrl+C
            # just as it started it). Nothing has started: nothing to start, end or say.
            os._exit(0)
    reaper = Reaper(command, fd, int(os.environ[ENV_T0]), float(options["--grace"]), options["--cleanup"])
    reaper.run(int(options["--control-fd"]), options)


if __name__ == "__main__":
    main()


def _stat(pid: int) -> tuple[str, int] | None:
    """(state letter, ppid) from /proc/<pid>/stat, or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return fields[0].decode(), int(fields[1])


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")
