"""The script's own objects of a class the standard library uses too get a subclass of it with the traced methods.

A threading.Condition or Semaphore the script makes reports its waits and notifies; the ones the standard library
makes (every Future, mp.Queue, Event and executor has one, used at every task or item) keep the class's own methods,
at their full speed: with the class's methods replaced in place, each of their calls went through a wrapper that
only found out it had nothing to report. The subclass has the name, module and slots of the class it stands on, so
``repr``, ``isinstance`` and a script's own subclass (whose methods it wraps) behave as before.
"""

from __future__ import annotations

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from typing import Any, Callable


class OwnClasses:
    """The traced subclass of each class the script's objects have been of: made at the first such object."""

    def __init__(self, make_methods: Callable[[type], dict[str, Any]]) -> None:
        """``make_methods(cls)``: the traced methods for objects of ``cls``; they may call ``cls``'s own."""
        self._make_methods = make_methods
        self._made: dict[type, type] = {}

    def adopt(self, obj: Any) -> None:
        """From now on ``obj`` is of the traced subclass of its class."""
        cls = type(obj)
        traced = self._made.get(cls)
        if traced is None:
            namespace = {"__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__,
                         **self._make_methods(cls)}
            traced = self._made[cls] = type(cls.__name__, (cls,), namespace)
        obj.__class__ = traced
