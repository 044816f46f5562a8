"""Tracebacks as the script would have them without the tracer: the frames of contui's own code (``tui/inside``, a
hook that an exception passed through or was raised in, such as the scaled ``time.sleep``) are left out, so a
student reads their code and the standard library's, as under plain python."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import TracebackType

INSIDE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep  # tui/inside/


def _kept(tb: TracebackType | None) -> TracebackType | None:
    """The chain from ``tb`` without the tracer's entries, relinked in place; its new head."""
    head = last = None
    while tb is not None:
        following = tb.tb_next
        if not tb.tb_frame.f_code.co_filename.startswith(INSIDE):
            if last is None:
                head = tb
            else:
                last.tb_next = tb
            last = tb
        tb = following
    if last is not None:
        last.tb_next = None
    return head


def strip(exc: BaseException | None) -> None:
    """Leave the tracer's frames out of ``exc``'s traceback and of those of the exceptions it came from."""
    todo = [exc]
    seen: set[int] = set()
    while todo:
        one = todo.pop()
        if one is None or id(one) in seen:
            continue
        seen.add(id(one))
        one.__traceback__ = _kept(one.__traceback__)
        todo += (one.__cause__, one.__context__)
