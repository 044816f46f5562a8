"""Hooks on shared state: multiprocessing Value and Array (their lock, where they live), and Managers (the server,
each proxy call).

A Value's lock is made inside sharedctypes, so the lock tracer leaves it alone: it is reported here as a lock of the
script's, named after the value (``counter (lock)``). Where the value lives (its address in this process, its size)
is reported so that contui can read it from the process's memory; a spawned child maps it at another address and
says so (``value.map``). contui reads it, not the tracer: see tui/engine/values.py.

A manager's server process runs the standard library's code: only its start (``manager.new``) and the script's own
proxy calls (``manager.call``, from the caller) are reported, nothing of the server's insides.
"""

from __future__ import annotations

import itertools
import os
import sys

from tui.inside import kinds as ev
from tui.inside.trace.context import TraceContext
from tui.inside.trace.marks import mark_of
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.pipes import carry_tag, names_on_line
from tui.inside.trace.sites import caller_outside, is_user_file, pickles_as, site_of

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import FrameType, ModuleType
    from typing import Any, Callable


_ids = itertools.count(1)
_GENERATED = "<string>"  # a manager's proxy methods are made with exec(): their code has no file


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    imports.when_imported("multiprocessing.sharedctypes", lambda module: _install_values(ctx, module))
    imports.when_imported("multiprocessing.managers", lambda module: _install_managers(ctx, module))


def _user_frame(skip_files: tuple[str, ...]) -> FrameType | None:
    """The script's frame that called the hooked function (past the given library files), or None if the standard
    library called it for itself."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename in skip_files:
        frame = frame.f_back
    if frame is None or not is_user_file(frame.f_code.co_filename):
        return None
    return frame


# -- Value and Array ------------------------------------------------------------------------------------------------
def _install_values(ctx: TraceContext, sharedctypes: ModuleType) -> None:
    import ctypes
    from multiprocessing import context as mp_context

    skip = (mp_context.__file__,)

    def traced(make: Callable[..., Any], kind: str) -> Callable[..., Any]:
        def factory(*args: Any, **kwargs: Any) -> Any:
            made = make(*args, **kwargs)
            frame = _user_frame(skip)
            if frame is not None:
                _report_value(ctx, ctypes, made, kind, frame)
            return made

        return pickles_as(factory, "multiprocessing.sharedctypes", make.__name__)

    # Value() calls RawValue() inside: that inner call comes from sharedctypes itself, so it is not reported twice.
    for name in ("Value", "Array", "RawValue", "RawArray"):
        setattr(sharedctypes, name, traced(getattr(sharedctypes, name), name))

    # The value's id travels with its pickled state to a spawned child, which then says where it maps it. (Each new
    # ctypes type's reducer is registered by rebuild_ctype, under the module's name reduce_ctype: this one.)
    def mapped(obj: Any, vid: str) -> None:
        ctx.emit(ev.VALUE_MAP, {"value": vid, "addr": ctypes.addressof(obj), "size": ctypes.sizeof(obj)})

    carry_tag(sharedctypes, "reduce_ctype", "rebuild_ctype", mapped)


def _report_value(ctx: TraceContext, ctypes: ModuleType, made: Any, kind: str, frame: FrameType) -> None:
    get_obj = getattr(made, "get_obj", None)
    obj = get_obj() if get_obj is not None else made  # Value(lock=False) and RawValue give the ctypes object
    vid = f"V{os.getpid()}.{next(_ids)}"
    obj._contui = vid
    names = names_on_line(frame)
    name = names[0] if len(names) == 1 else None
    site = site_of(frame)
    lock_id = None
    if get_obj is not None:
        lock_id = _trace_value_lock(ctx, made, f"{name or kind} (lock)", site)
    is_array = isinstance(obj, ctypes.Array)
    element = obj._type_ if is_array else type(obj)
    typecode = getattr(element, "_type_", None)
    ctx.emit(ev.VALUE_NEW, {
        "value": vid, "type": kind, "typecode": typecode if isinstance(typecode, str) else None,
        "ctype": element.__name__, "length": len(obj) if is_array else None, "lock": lock_id, "site": site,
        "name": name, "addr": ctypes.addressof(obj), "size": ctypes.sizeof(obj),
    })


def _trace_value_lock(ctx: TraceContext, made: Any, name: str, site: str) -> str | None:
    """Report the wrapper's lock as the script's, unless it is already (the script passed its own lock=)."""
    lock = made.get_lock()
    known = mark_of(lock)
    if known is not None or not hasattr(lock, "_make_methods"):
        return known  # a lock of the script's, already reported; or not a multiprocessing lock at all
    lock_id = f"L{os.getpid()}.v{next(_ids)}"
    lock._contui = lock_id
    lock._make_methods()  # the lock tracer's: acquire and release now report (see locks.py)
    # The wrapper took the lock's methods when it was made; `counter.value` and `counter.acquire()` use those.
    made.acquire, made.release = lock.acquire, lock.release
    ctx.emit(ev.LOCK_NEW, {"lock": lock_id, "type": f"mp.{type(lock).__name__}", "site": site, "name": name})
    return lock_id


# -- Managers -------------------------------------------------------------------------------------------------------
def manager_id(address: Any) -> str:
    """One id for a manager in every process: the address of its server, which every proxy of it knows."""
    return f"M{address}"


def _manager_name(frame: FrameType) -> str | None:
    """``m = Manager()``, ``with Manager() as m:``, or ``m.start()`` on a manager made earlier: ``m``."""
    import linecache
    import re

    names = names_on_line(frame)
    if len(names) == 1:
        return names[0]
    match = re.search(r"([A-Za-z_]\w*)\.start\(", linecache.getline(frame.f_code.co_filename, frame.f_lineno))
    return match.group(1) if match else None


def _install_managers(ctx: TraceContext, managers: ModuleType) -> None:
    from multiprocessing import context as mp_context

    emit = ctx.emitter.emit
    managers_file = managers.__file__
    skip_start = (mp_context.__file__, managers_file)
    skip_call = (managers_file, _GENERATED)
    BaseManager = managers.BaseManager
    BaseProxy = managers.BaseProxy
    orig_start = BaseManager.start
    orig_callmethod = BaseProxy._callmethod

    def start(self: Any, *args: Any, **kwargs: Any) -> None:
        orig_start(self, *args, **kwargs)
        frame = caller_outside(self, skip_files=skip_start)
        if frame is None or not is_user_file(frame.f_code.co_filename):
            return
        emit(ev.MANAGER_NEW, {"manager": manager_id(self._address), "type": type(self).__name__,
                              "server": self._process.pid, "site": site_of(frame), "name": _manager_name(frame)})

    def _callmethod(self: Any, methodname: str, args: tuple[Any, ...] = (), kwds: dict[str, Any] = {}) -> Any:
        frame = _user_frame(skip_call)
        if frame is None:
            return orig_callmethod(self, methodname, args, kwds)
        token = self._token
        fields = {"manager": manager_id(token.address), "object": token.id, "type": token.typeid,
                  "method": methodname, "site": site_of(frame)}
        emit(ev.MANAGER_CALL, {**fields, "phase": "begin"})
        try:
            result = orig_callmethod(self, methodname, args, kwds)
        except BaseException as exc:
            emit(ev.MANAGER_CALL, {**fields, "phase": "end", "error": type(exc).__name__})
            raise
        emit(ev.MANAGER_CALL, {**fields, "phase": "end"})
        return result

    BaseManager.start = start
    BaseProxy._callmethod = _callmethod
