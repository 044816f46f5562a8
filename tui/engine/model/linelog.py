"""A log that numbers every item ever added but keeps only the newest ones in memory: the model's printed lines (and
its list of amended lines) under a print loop that runs for hours.

Items keep their absolute index for good: ``log[i]`` is the i-th item ever added, for as long as it is kept. What
falls out of the window is not lost to the reader: every run is recorded, and the recording has every line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar, overload

T = TypeVar("T")

# The printed lines a model keeps: scrolling back further than this reads the recording.
OUTPUT_WINDOW = 100_000


class LineLog(Generic[T]):
    """The newest ``window`` items of everything appended, indexed by absolute position.

    ``len(log)`` counts every item ever appended; ``log.first`` is the absolute index of the oldest one still kept,
    so ``log[first:len(log)]`` are in memory. Indexing below ``first`` raises IndexError; a negative index counts from
    the end, as a list's does. Iteration goes over the kept items, oldest first.
    """

    __slots__ = ("first", "limit", "tail", "window")

    def __init__(self, window: int = OUTPUT_WINDOW) -> None:
        if window < 1:
            raise ValueError(f"a window keeps at least one item, not {window}")
        self.window = window
        self.first = 0  # absolute index of tail[0]
        # The kept items, oldest first: the tail of everything appended. Read it; add only through append (or as
        # append does: a fold's hot path inlines it).
        self.tail: list[T] = []
        # Trimmed once the window is overrun by a tenth: one cut per many appends keeps an append O(1) amortised.
        self.limit = window + max(1, window // 10)

    @classmethod
    def holding(cls, items: list[T], first: int, window: int = OUTPUT_WINDOW) -> LineLog[T]:
        """A log whose kept items are ``items`` (taken, not copied), the oldest of them number ``first``: a scrubbed
        moment's lines, cut from the run's (tui/engine/scrub.py)."""
        log: LineLog[T] = cls(window)
        log.tail = items[-window:] if len(items) > window else items
        log.first = first + len(items) - len(log.tail)
        return log

    def append(self, item: T) -> None:
        tail = self.tail
        tail.append(item)
        if len(tail) > self.limit:
            self.trim()

    def trim(self) -> None:
        """Drop the oldest items down to the window (append does it once the window is overrun by a tenth)."""
        drop = len(self.tail) - self.window
        del self.tail[:drop]
        self.first += drop

    @property
    def kept(self) -> int:
        """How many items are in memory."""
        return len(self.tail)

    def since(self, start: int) -> list[T]:
        """The kept items from absolute index ``start`` on (from ``first`` if ``start`` is older than that)."""
        return self.tail[max(start - self.first, 0):]

    # -- a sequence's manners -------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.first + len(self.tail)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return self._slice(index)
        if index < 0:
            index += len(self)
        local = index - self.first
        if local < 0:
            raise IndexError(f"item {index} is no longer kept (the oldest kept is {self.first})")
        return self.tail[local]  # IndexError past the end, as a list's

    def _slice(self, index: slice) -> list[T]:
        """Absolute bounds, as a list's; the part of them older than ``first`` is left out."""
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("a LineLog slices with step 1 only")
        first = self.first
        return self.tail[max(start - first, 0):max(stop - first, 0)]

    def __iter__(self) -> Iterator[T]:
        return iter(self.tail)

    def __bool__(self) -> bool:
        return bool(self.tail) or self.first > 0

    def __eq__(self, other: object) -> bool:
        """Equal to a list holding every item ever added (only while none has been dropped), or to a log with the
        same window contents at the same indices."""
        if isinstance(other, LineLog):
            return self.first == other.first and self.tail == other.tail
        if isinstance(other, list):
            return self.first == 0 and self.tail == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"LineLog(first={self.first}, kept={len(self.tail)}, window={self.window})"
