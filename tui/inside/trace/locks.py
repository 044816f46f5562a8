"""Hooks on the script's own locks: threading Lock/RLock/Semaphore and multiprocessing Lock/RLock/Semaphore.

A lock made inside the standard library (a Queue's, a Condition's, an Event's) is left untouched and unreported.
Release is reported before the real release and acquire after the real acquire, so in time order two owners of one
lock never overlap, whatever order the events arrive in.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
import time

from tui.inside import kinds as ev
from tui.inside.trace.context import TraceContext
from tui.inside.trace.on_import import ImportWatch
from tui.inside.trace.sites import assigned_name, caller_outside, is_user_file, pickles_as, site_of

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Callable


_ids = itertools.count(1)


# (code, bytecode offset) of the user's call -> "file.py:line". Keyed by the user's own frame: frame 2 is
# __enter__ for every `with lock:`, so a key taken there gave all of a process's `with` statements the first one's
# line. The offset rather than f_lineno, which decodes the line table at every call.
_sites: dict[tuple[object, int], str] = {}
_getframe = sys._getframe


def _user_site(depth: int = 2) -> str:
    frame = _getframe(depth)
    for _ in range(3):  # `with lock:` goes through __enter__ first
        if frame is None or is_user_file(frame.f_code.co_filename):
            break
        frame = frame.f_back
    if frame is None:
        return site_of(frame)
    key = (frame.f_code, frame.f_lasti)
    site = _sites.get(key)
    if site is None:
        site = _sites[key] = site_of(frame)
    return site


def traced_methods(
    ctx: TraceContext, raw_acquire: Callable[..., bool], raw_release: Callable[[], Any], lock_id: str
) -> tuple[Callable[..., bool], Callable[[], Any]]:
    emit = ctx.emitter.emit  # bound once: this is the hottest path of a traced script
    now = time.monotonic_ns
    acquired = ev.LOCK_ACQUIRE
    released = ev.LOCK_RELEASE
    # One fields dict per lock (and per site), shared by all its events: nothing changes an event's fields once
    # made, and pickle sends an object it has already sent in a frame as a two-byte reference.
    released_fields = {"lock": lock_id}
    at_site: dict[str, dict[str, str]] = {}

    def fields_here() -> dict[str, str]:
        site = _user_site(3)  # past this function and acquire
        fields = at_site.get(site)
        if fields is None:
            fields = at_site[site] = {"lock": lock_id, "site": site}
        return fields

    def acquire(blocking: bool = True, timeout: float | None = None) -> bool:
        if raw_acquire(False):
            emit(acquired, fields_here())
            return True
        if not blocking:
            return False
        emit(ev.LOCK_WAIT, fields_here())
        if timeout is None or timeout < 0:
            ok = raw_acquire(True)
        else:
            ok = raw_acquire(True, ctx.scaled(timeout))
        emit(acquired if ok else ev.LOCK_TIMEOUT, fields_here())
        return ok

    def release() -> Any:
        t = now()  # stamped before the real release, so the next owner's acquire is always later
        result = raw_release()
        emit(released, released_fields, t)
        return result

    return acquire, release


def _new_lock(ctx: TraceContext, kind: str, frame: Any) -> str:
    lock_id = f"L{os.getpid()}.{next(_ids)}"
    ctx.emit(ev.LOCK_NEW, {"lock": lock_id, "type": kind, "site": site_of(frame), "name": assigned_name(frame)})
    return lock_id


class TracedLock:
    """Stands in for a threading lock the script made; everything not about ownership goes to the real one."""

    def __init__(self, ctx: TraceContext, raw: Any, kind: str, frame: Any) -> None:
        self._raw = raw
        self._contui_id = _new_lock(ctx, kind, frame)
        self.acquire, self.release = traced_methods(ctx, raw.acquire, raw.release, self._contui_id)

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def locked(self) -> bool:
        return self._raw.locked()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __repr__(self) -> str:
        return repr(self._raw)


def install(ctx: TraceContext, imports: ImportWatch) -> None:
    _install_threading(ctx)
    imports.when_imported("multiprocessing.synchronize", lambda module: _install_multiprocessing(ctx, module))


def _install_threading(ctx: TraceContext) -> None:
    def factory(raw_factory: Callable[[], Any], kind: str, name: str) -> Callable[[], Any]:
        def make() -> Any:
            raw = raw_factory()
            frame = sys._getframe(1)
            if not is_user_file(frame.f_code.co_filename):
                return raw
            return TracedLock(ctx, raw, kind, frame)

        # A manager's registry holds threading.Lock and RLock, and is pickled to its server under spawn.
        return pickles_as(make, "threading", name)

    threading.Lock = factory(threading.Lock, "threading.Lock", "Lock")  # type: ignore[misc]
    threading.RLock = factory(threading.RLock, "threading.RLock", "RLock")  # type: ignore[misc]

    # Semaphores are classes a script may subclass, so they are traced in place rather than replaced.
    orig_init = threading.Semaphore.__init__
    orig_acquire = threading.Semaphore.acquire
    orig_release = threading.Semaphore.release

    def __init__(self: threading.Semaphore, value: int = 1) -> None:
        orig_init(self, value)
        frame = caller_outside(self)
        if frame is not None and is_user_file(frame.f_code.co_filename):
            kind = f"threading.{type(self).__name__}"
            lock_id = _new_lock(ctx, kind, frame)
            bound_release = orig_release.__get__(self)
            self._contui = traced_methods(ctx, orig_acquire.__get__(self), bound_release, lock_id)

    def acquire(self: threading.Semaphore, blocking: bool = True, timeout: float | None = None) -> bool:
        traced = self.__dict__.get("_contui")
        if traced is None:
            return orig_acquire(self, blocking, timeout)
        return traced[0](blocking, timeout)

    def release(self: threading.Semaphore, n: int = 1) -> None:
        traced = self.__dict__.get("_contui")
        if traced is None or n != 1:
            return orig_release(self, n)
        traced[1]()

    threading.Semaphore.__init__ = __init__  # type: ignore[method-assign]
    threading.Semaphore.acquire = acquire  # type: ignore[method-assign]
    threading.Semaphore.__enter__ = acquire  # type: ignore[method-assign]
    threading.Semaphore.release = release  # type: ignore[method-assign]


def _install_multiprocessing(ctx: TraceContext, synchronize: ModuleType) -> None:
    from multiprocessing import context as mp_context

    context_file = mp_context.__file__
    SemLock = synchronize.SemLock
    user_kinds = (synchronize.Lock, synchronize.RLock, synchronize.Semaphore, synchronize.BoundedSemaphore)
    orig_init = SemLock.__init__
    orig_make = SemLock._make_methods
    orig_getstate = SemLock.__getstate__
    orig_setstate = SemLock.__setstate__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        orig_init(self, *args, **kwargs)
        if type(self) not in user_kinds:
            return
        frame = caller_outside(self, skip_files=(context_file,))
        if frame is None or not is_user_file(frame.f_code.co_filename):
            return
        self._contui = _new_lock(ctx, f"mp.{type(self).__name__}", frame)
        self._make_methods()

    def _make_methods(self: Any) -> None:
        orig_make(self)
        lock_id = self.__dict__.get("_contui")
        if lock_id is not None:
            self.acquire, self.release = traced_methods(
                ctx, self._semlock.acquire, self._semlock.release, lock_id
            )

    # The lock's identity travels with it to spawned children.
    def __getstate__(self: Any) -> Any:
        state = orig_getstate(self)
        lock_id = self.__dict__.get("_contui")
        return state if lock_id is None else (state, lock_id)

    def __setstate__(self: Any, state: Any) -> None:
        if len(state) == 2 and isinstance(state[0], tuple):
            state, self._contui = state
        orig_setstate(self, state)

    def __enter__(self: Any) -> bool:
        return self.acquire()

    def __exit__(self: Any, *exc: object) -> None:
        self.release()

    SemLock.__init__ = __init__  # type: ignore[method-assign]
    SemLock._make_methods = _make_methods  # type: ignore[method-assign]
    SemLock.__getstate__ = __getstate__  # type: ignore[method-assign]
    SemLock.__setstate__ = __setstate__  # type: ignore[method-assign]
    SemLock.__enter__ = __enter__  # type: ignore[method-assign]
    SemLock.__exit__ = __exit__  # type: ignore[method-assign]
