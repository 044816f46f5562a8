"""Step mode inside a traced process: at each synchronisation point of the script's own code (a sleep, an acquire
or release, a put or get, a print, a start or join, ...) the thread is held until contui lets it go.

While the run is not in step mode a point costs one read of the control page. In step mode the thread says what it
is about to do and where (``hold`` begin), waits for its tid in the control page's go slot, and says it goes
(``hold`` end); then it does that one thing and is held again at its next point. A library's own threads and calls
(a queue's feeder thread, a pool's handlers) are never held: only a point reached from the script's own code is.
"""

from __future__ import annotations

import _thread
import os
import sys
import time

from tui.inside import kinds as ev
from tui.inside.trace.context import TraceContext
from tui.inside.trace.sites import is_user_file, site_of

_real_sleep = time.sleep
_native_id = _thread.get_native_id
_getframe = sys._getframe
_INSIDE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # tui/inside/: contui's frames
POLL = 0.002  # s between looks at the go slot while held


def install(ctx: TraceContext) -> None:
    control = ctx.control
    if control is None:
        return
    stepping = control.stepping
    emit = ctx.emitter.emit
    flush = ctx.emitter.flush

    def point(action: str, what: str = "", until: int | None = None, site: str | None = None) -> None:
        """``site``: where the script's code for this point is, when no frame of it is on the stack (a process or
        thread about to run its target): then it is held whoever called."""
        if not stepping():  # the cost of a point while no run is stepped
            return
        if site is None:
            frame = _getframe(1)
            while frame is not None and frame.f_code.co_filename.startswith(_INSIDE):
                frame = frame.f_back
            if frame is None or not is_user_file(frame.f_code.co_filename):
                return
            site = site_of(frame)
        fields = {"phase": "begin", "action": action, "what": what, "site": site}
        if until is not None:
            fields["until"] = until
        emit(ev.HOLD, fields)
        flush()  # contui must see it now: nothing else comes from this thread until it goes
        tid = _native_id()
        while stepping() and not control.take_go(tid):
            _real_sleep(POLL)
        emit(ev.HOLD, {"phase": "end"})

    ctx.point = point


def code_site(func: object) -> str | None:
    """``file.py:line`` of a function of the script's own, or None for any other (a library's, a builtin)."""
    code = getattr(func, "__code__", None)
    if code is None or not is_user_file(code.co_filename):
        return None
    return f"{os.path.basename(code.co_filename)}:{code.co_firstlineno}"
