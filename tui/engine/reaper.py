"""The run's reaper: parent of the script's main process, adopter of every orphan, and the one that ends them all.

contui starts it in a session of its own. It is the run's child subreaper, so every process the run makes stays its
descendant whatever happens to the parents in between; it ends them on SIGTERM (stop), when contui goes away (its
control pipe closes, even if contui was SIGKILLed), and it freezes and thaws them on SIGUSR1 / SIGUSR2.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import threading
import time

import psutil

from tui.engine import events as ev
from tui.engine.trace.emitter import Emitter
from tui.engine.trace.install import ENV_FD, ENV_T0
from tui.engine.trace.launch import ENV_REAPER

PR_SET_NAME = 15
PR_SET_CHILD_SUBREAPER = 36
NAME = b"contui-reaper"
_SIGNALS = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2}


def _prctl(option: int, value: object) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl failed")


class Reaper:
    def __init__(self, command: list[str], emitter: Emitter, grace: float) -> None:
        self.command = command
        self.emitter = emitter
        self.grace = grace
        self.main_pid = 0
        self.main_code: int | None = None
        self.contui_gone = False

    def run(self, control_fd: int, fields: dict[str, object]) -> int:
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        _prctl(PR_SET_NAME, NAME)
        env = dict(os.environ, **{ENV_REAPER: str(os.getpid())})
        main = subprocess.Popen(self.command, env=env, pass_fds=(self.emitter.fd,),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.main_pid = main.pid
        # Signals are taken synchronously from here on; the main process was started before, so it does not
        # inherit the blocked mask.
        signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        self.emitter.emit(ev.RUN_START, {**fields, "reaper": os.getpid(), "main": main.pid})
        for stream, pipe in (("stdout", main.stdout), ("stderr", main.stderr)):
            threading.Thread(target=self._forward, args=(stream, pipe), daemon=True).start()
        threading.Thread(target=self._watch_contui, args=(control_fd,), daemon=True).start()
        self._loop()
        self.emitter.emit(ev.RUN_END, {"code": self.main_code})
        self.emitter.flush()
        return 0

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

    def _descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process().children(recursive=True)
        except psutil.Error:
            return []

    def _signal_all(self, sig: int) -> None:
        for proc in self._descendants():
            try:
                proc.send_signal(sig)
            except psutil.Error:
                pass

    def end_all(self, grace: float) -> None:
        """SIGTERM everything, give it ``grace`` seconds, then SIGKILL what is left; reap what comes to us."""
        self._signal_all(signal.SIGCONT)  # a frozen process cannot act on SIGTERM
        self._signal_all(signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and self._alive_descendants():
            self._reap()
            time.sleep(0.01)
        deadline = time.monotonic() + 5.0
        while self._descendants() and time.monotonic() < deadline:
            self._signal_all(signal.SIGKILL)
            self._reap()
            time.sleep(0.005)
        self._reap()

    def _alive_descendants(self) -> bool:
        for proc in self._descendants():
            try:
                if proc.status() != psutil.STATUS_ZOMBIE:
                    return True
            except psutil.Error:
                pass
        return False

    def _forward(self, stream: str, pipe: object) -> None:
        """What the main process writes below Python's sys.stdout (C code, non-Python children) still shows."""
        for raw in iter(pipe.readline, b""):  # type: ignore[attr-defined]
            text = raw.decode("utf-8", errors="replace").rstrip("\n")
            self.emitter.emit_for(self.main_pid, ev.STDOUT, {"stream": stream, "text": text, "raw": True})

    def _watch_contui(self, control_fd: int) -> None:
        while os.read(control_fd, 4096):
            pass
        self.contui_gone = True
        os.kill(os.getpid(), signal.SIGTERM)


def main() -> None:
    parser = argparse.ArgumentParser(prog="contui-reaper")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--grace", type=float, default=1.0)
    parser.add_argument("--target", default="")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--start-method", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    emitter = Emitter(int(os.environ[ENV_FD]), int(os.environ[ENV_T0]))
    reaper = Reaper(args.command, emitter, args.grace)
    fields = {"target": args.target, "cwd": os.getcwd(), "speed": args.speed, "start_method": args.start_method}
    raise SystemExit(reaper.run(args.control_fd, fields))


if __name__ == "__main__":
    main()
