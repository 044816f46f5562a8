"""The tracer's marks on the script's objects, read as plain attributes: ``_contui`` (the object's id, for one the
script made), ``_contui_heat`` (its hot-site counters, see hot.py) and the like, each None on the class until the
object gets its own.

Never through ``obj.__dict__``: in Python 3.11 asking an object for its ``__dict__`` turns its inline attribute values
into a dict for good, and from then on every attribute the standard library's own code reads on it (a queue's
``_sem``, ``_notempty`` and ``_buffer`` at each put, a lock's ``acquire`` at each ``with``) costs about twice as much.
That was a third of what an untraced ``mp.Queue.put`` cost more under contui.
"""

from __future__ import annotations

ID = "_contui"
HEAT = "_contui_heat"


def mark_of(obj: object, name: str = ID) -> object:
    """``obj``'s mark ``name`` (or its class's default), None if it has none. Looked up on the object alone, never
    through a ``__getattr__`` of its class, which may answer anything (an object of the script's own passed to a
    pool, a traced lock standing in for a raw one)."""
    try:
        return object.__getattribute__(obj, name)
    except AttributeError:
        return None


def unmarked(*classes: type, names: tuple[str, ...] = (ID, HEAT)) -> None:
    """``names`` read None on instances of ``classes`` (and their subclasses) that were not given their own."""
    for cls in classes:
        for name in names:
            setattr(cls, name, None)
