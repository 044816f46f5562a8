"""``prctl(2)``, the one libc call contui's own processes make (a child subreaper, a parent-death signal, a name),
bound with the C core of ctypes alone. The ``ctypes`` package defines dozens of classes as it loads: a millisecond
that every run waited for (the reaper loads it before the script can start), and memory that every fork of the
script's main process would copy."""

from __future__ import annotations

import _ctypes

PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15
PR_SET_CHILD_SUBREAPER = 36


class _Int(_ctypes._SimpleCData):
    _type_ = "i"


class _Libc:
    _handle = _ctypes.dlopen(None)  # the libc the interpreter itself is linked with


class _Function(_ctypes.CFuncPtr):  # what ctypes.CDLL(None, use_errno=True) makes of a libc function
    _flags_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO
    _restype_ = _Int


_prctl = _Function(("prctl", _Libc))


def prctl(option: int, value: int | bytes) -> None:
    """``prctl(option, value, 0, 0, 0)``; OSError if it fails."""
    if _prctl(option, value, 0, 0, 0) != 0:
        raise OSError(_ctypes.get_errno(), "prctl failed")
