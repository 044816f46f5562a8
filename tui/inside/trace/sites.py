"""Tells the user's code from the standard library's, so only the script's own locks, queues and threads show."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

_TRACE_DIR = os.path.dirname(os.path.abspath(__file__))


def _library_paths() -> set[str]:
    """The folders of the standard library and of installed packages: sysconfig's stdlib, platstdlib, purelib and
    platlib, worked out as sysconfig does for a prefix or venv install, without importing sysconfig (which loads
    the build's config data too: ~1.5 ms at every traced interpreter's start). A distribution's own scheme (Debian's
    dist-packages) is covered by the site-packages folders ``site`` put on sys.path."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    paths = {
        os.path.dirname(os.__file__),  # stdlib, wherever this interpreter found it
        os.path.join(sys.base_prefix, sys.platlibdir, version),  # stdlib
        os.path.join(sys.exec_prefix, sys.platlibdir, version),  # platstdlib (platlib is inside it)
        os.path.join(sys.prefix, "lib", version, "site-packages"),  # purelib
    }
    paths.update(p for p in sys.path if os.path.basename(p.rstrip(os.sep)) in ("site-packages", "dist-packages"))
    return paths


_LIBRARY_PATHS = _library_paths()
# The library's files as the interpreter names them, unresolved: most lookups end here without realpath(), whose
# dozen stat calls in every new child touched enough memory to cost it ~0.2 ms of copy-on-write faults.
_LIBRARY_PREFIXES = tuple(sorted({p.rstrip(os.sep) + os.sep for p in _LIBRARY_PATHS}, key=len, reverse=True))
_library_dirs: list[str] = []  # the same resolved (realpath), worked out at the first file that needs them
_user_cache: dict[str, bool] = {}
_assigned: list[Any] = []  # the pattern of assigned_name, compiled at its first use (re is not loaded for it)


def _resolved_library_dirs() -> list[str]:
    if not _library_dirs:
        _library_dirs.extend(sorted({os.path.realpath(p) for p in _LIBRARY_PATHS}, key=len, reverse=True))
    return _library_dirs


def is_user_file(filename: str) -> bool:
    known = _user_cache.get(filename)
    if known is not None:
        return known
    if filename.startswith("<"):
        user = filename.startswith("<stdin") or filename == "<string>"
    elif filename.startswith(_LIBRARY_PREFIXES):
        user = False
    else:
        path = os.path.realpath(filename)
        user = not path.startswith(_TRACE_DIR) and not any(
            path.startswith(d + os.sep) for d in _resolved_library_dirs()
        )
    _user_cache[filename] = user
    return user


def is_library_file(filename: str) -> bool:
    """The standard library's or an installed package's (not the script's, not the tracer's)."""
    return not is_user_file(filename) and not os.path.realpath(filename).startswith(_TRACE_DIR)


def caller_outside(obj: object, depth: int = 2, skip_files: tuple[str, ...] = ()) -> FrameType | None:
    """The frame that asked for ``obj`` to be built: past its own constructor chain and the given factory files."""
    frame = sys._getframe(depth)
    while frame is not None and frame.f_locals.get("self") is obj:
        frame = frame.f_back
    while frame is not None and (frame.f_code.co_filename in skip_files or frame.f_code.co_filename.startswith(_TRACE_DIR)):
        frame = frame.f_back
    return frame


def site_of(frame: FrameType | None) -> str:
    if frame is None:
        return "?"
    return f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}"


def assigned_name(frame: FrameType | None) -> str | None:
    """The variable a constructor call is assigned to on its source line (``mutex = Lock()`` → ``mutex``)."""
    if frame is None:
        return None
    import linecache  # loaded only when the script makes a lock or a queue: see tui/inside/__init__.py

    if not _assigned:
        import re

        _assigned.append(re.compile(r"^\s*(?:self\.)?([A-Za-z_][\w]*)\s*="))
    match = _assigned[0].match(linecache.getline(frame.f_code.co_filename, frame.f_lineno))
    return match.group(1) if match else None


def pickles_as(wrapper: Any, module: str, name: str) -> Any:
    """Name ``wrapper`` as what it replaces, ``module.name``, so pickle sends it as a reference to that name (which
    in a traced process is the wrapper again). A pool task ``time.sleep`` or a manager's registry of lock factories
    is pickled that way; under its own name, a closure of the tracer's cannot be pickled at all."""
    wrapper.__module__ = module
    wrapper.__qualname__ = wrapper.__name__ = name
    return wrapper
