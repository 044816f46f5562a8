"""The Timeline pane: one lane per process and thread over the run's time, its states as glyphs and colours, marks
for start, exit, terminate and lock acquire, scaled so the whole run (0..now) fits the pane's width."""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Set
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len, chop_cells
from rich.segment import Segment as RichSegment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.engine.model import LANE_STATES, Key, MarkKind, Model, Part, State
from tui.engine.model.samples import NOT_RUNNING
from tui.widgets.badges import STATE_CLASSES, Painted, Palette, look

# When two states share a cell for equally long, the one a student must notice wins.
PRIORITY = {State.BLOCKED: 6, State.JOINING: 5, State.ZOMBIE: 4, State.STOPPED: 3, State.RUNNING: 2,
            State.SLEEPING: 1}
MARK_GLYPH = {MarkKind.START: "[", MarkKind.EXIT: "]", MarkKind.TERMINATE: "×", MarkKind.ACQUIRE: "◆",
              MarkKind.SUMMARY: "≋", MarkKind.SIGNAL_SENT: "↯", MarkKind.SIGNAL_RECEIVED: "⇣", MarkKind.DEADLOCK: "✖"}
MARK_PRIORITY = {MarkKind.DEADLOCK: 7, MarkKind.TERMINATE: 6, MarkKind.EXIT: 5, MarkKind.SIGNAL_RECEIVED: 4, MarkKind.SIGNAL_SENT: 3,
                 MarkKind.START: 2, MarkKind.SUMMARY: 1, MarkKind.ACQUIRE: 1}
MARK_WORD = {MarkKind.START: "start", MarkKind.EXIT: "exit", MarkKind.TERMINATE: "terminate",
             MarkKind.ACQUIRE: "lock acquired", MarkKind.SUMMARY: "hot lock, counted",
             MarkKind.SIGNAL_SENT: "signal sent",
             MarkKind.SIGNAL_RECEIVED: "signal received", MarkKind.DEADLOCK: "deadlock found"}
MARK_WORD_ZH = {MarkKind.START: "开始", MarkKind.EXIT: "退出", MarkKind.TERMINATE: "被终止",
                MarkKind.ACQUIRE: "获得锁", MarkKind.SUMMARY: "热锁，只计数",
                MarkKind.SIGNAL_SENT: "发出信号",
                MarkKind.SIGNAL_RECEIVED: "收到信号", MarkKind.DEADLOCK: "发现死锁"}
NO_LANES = {"en": "no lanes yet", "zh": "还没有泳道"}
LEGEND_GAPS = ("  ", " ")  # between the legend's entries: the first that fits the legend in a row
# The axis and the lanes follow the run's clock every this many ticks: even a two-row repaint re-renders every pane
# beside the timeline (Textual repaints all widgets under one parent), and a run that only sleeps must cost the app
# next to nothing.
CLOCK_TICKS = 2
LABEL_MAX = 24
TAIL_KEPT = 5  # characters kept from the end of a lane label cut to fit
BOLD = Style(bold=True)
CURSOR = "▼"  # on the axis: the look-back cursor
DIM = Style(dim=True)


# A running stretch is drawn by the share of a core the thread got while it ran, where the OS's samples say (a thread
# that ran all through a sample's interval): a whole block from FULL_SHARE percent up, a lower one for part of a core
# (two CPU-bound threads of one process take turns for the GIL: about half each), a low one for hardly any.
FULL_SHARE = 75.0
LOW_SHARE = 25.0
PART_GLYPH = "▄"
LOW_GLYPH = "▁"
PART = "part"  # the cell keys of those looks (state names and mark kinds never are these)
LOW = "low"
SHARE_WORDS = ((PART_GLYPH, "part of a core", PART), (LOW_GLYPH, "hardly any CPU", LOW))
SHARE_WORDS_ZH = {PART: "占部分核心", LOW: "几乎不占 CPU"}

STATE_INDEX = {state: i for i, state in enumerate(LANE_STATES)}
# Lanes with more segments (or marks) than this many per cell are summed with prefix sums and bisection, so a
# thread that changed state a million times costs the same to draw as one that changed a hundred times.
DIRECT_PER_CELL = 2


@dataclass(slots=True)
class LaneCopy:
    """A lane copied out of the model, kept up to date incrementally: only its last segment can still change."""

    key: Key
    label: str = ""
    segments: list[tuple[str, int, int | None]] = field(default_factory=list)
    # Over the final segments (all but the last): where each starts and ends, its state, and the time spent in
    # each state before it (prefix sums, one more entry than segments).
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    states: list[int] = field(default_factory=list)
    before: list[tuple[int, ...]] = field(default_factory=lambda: [(0,) * len(LANE_STATES)])
    mark_times: dict[MarkKind, list[int]] = field(default_factory=dict)
    marks_seen: int = 0
    merges: int = 0  # the lane's merges copied: its older part merged since, the copy starts again
    # The thread's share of a core per sample interval (t0, t1, percent; NOT_RUNNING: it did not run all through)
    shares: tuple[tuple[int, int, float], ...] = ()
    # The states of its final segments (the legend names only what the lanes show); kept as segments turn final, so
    # a lane of a million segments is not read again for it. The last segment's is not here: the model may still
    # change it (a state that lasted no time at all is replaced by the next).
    seen: set[str] = field(default_factory=set)

    def sync(self, lane_segments: list, lane_marks: list) -> None:
        start = max(len(self.segments) - 1, 0)
        del self.segments[start:]
        self.segments.extend((s.state, s.t0, s.t1) for s in lane_segments[start:])
        # A copy made anew (another moment scrubbed to) takes hundreds of segments and marks at once: the loops
        # below are kept tight.
        segments, starts, ends, states, before = self.segments, self.starts, self.ends, self.states, self.before
        totals = list(before[-1])
        seen = self.seen
        for i in range(len(starts), len(segments) - 1):
            state, t0, t1 = segments[i]
            seen.add(state)
            end = segments[i + 1][1] if t1 is None else t1
            index = STATE_INDEX.get(state, -1)
            if index >= 0 and end > t0:
                totals[index] += end - t0
            starts.append(t0)
            ends.append(end)
            states.append(index)
            before.append(tuple(totals))
        times = self.mark_times
        grown: set[MarkKind] = set()
        for mark in lane_marks[self.marks_seen:]:
            kind_times = times.get(mark.kind)
            if kind_times is None:
                kind_times = times[mark.kind] = []
            if kind_times and mark.t < kind_times[-1]:
                grown.add(mark.kind)  # out of order: sorted once, below
            kind_times.append(mark.t)
        for kind in grown:
            times[kind].sort()
        self.marks_seen = len(lane_marks)

    def tell_shown(self, shown: set[object]) -> None:
        """Add to ``shown`` the states the lane is drawn in (not all of them win a cell) and its marks' kinds."""
        shown |= self.seen
        if len(self.segments) > len(self.starts):
            shown.add(self.segments[-1][0])
        shown.update(self.mark_times)

    def rewind(self, lane_segments: list) -> None:
        """The same lane of another model of the run (scrubbed to another moment): keep what the two have in common
        (the copy's prefix sums cost most to make), so that the next sync copies only the rest. Marks are copied
        again."""
        same = 0
        final = len(self.starts)  # the copy's last segment may have been still open: never kept
        for mine, seg in zip(self.segments[:final], lane_segments):
            if mine != (seg.state, seg.t0, seg.t1):
                break
            same += 1
        del self.segments[same:], self.starts[same:], self.ends[same:], self.states[same:], self.before[same + 1:]
        # Looked at earlier, the lane may not have reached a state yet: the legend must not name it.
        self.seen = {state for state, _, _ in self.segments[:len(self.starts)]}
        self.mark_times.clear()
        self.marks_seen = 0


def _spread(durations: list[list[float]], state: int, t0: int, t1: int, scale: float, last: int) -> None:
    """Add a stretch ``t0..t1`` in ``state`` to the cells it covers (in cell units)."""
    x0, x1 = t0 * scale, t1 * scale
    c0, c1 = min(int(x0), last), min(int(x1), last)
    if c0 == c1:
        durations[c0][state] += x1 - x0
        return
    durations[c0][state] += c0 + 1 - x0
    for c in range(c0 + 1, c1):
        durations[c][state] += 1.0
    durations[c1][state] += x1 - c1


def _prefix_durations(lane: LaneCopy, bounds: list[float], scale: float) -> list[list[float]]:
    """Time per state in each cell over the final segments, from the prefix sums: O(cells · log segments)."""
    starts, ends, states, before = lane.starts, lane.ends, lane.states, lane.before
    n = len(LANE_STATES)

    def upto(x: float) -> list[float]:
        i = bisect.bisect_right(starts, x) - 1
        if i < 0:
            return [0.0] * n
        totals = list(before[i])
        if states[i] >= 0:
            totals[states[i]] += max(min(x, ends[i]) - starts[i], 0)
        return totals

    at = [upto(x) for x in bounds]
    return [[(b - a) * scale for a, b in zip(at[c], at[c + 1])] for c in range(len(bounds) - 1)]


def lane_cells(lane: LaneCopy, now: int, width: int, span: int = 0) -> tuple[list[State | None],
                                                                         list[MarkKind | None]]:
    """Per cell: the state that filled most of it (None: not alive then) and the mark drawn on it, if any. The pane's
    width is ``span`` ns (``now`` if that is longer: a run looked back at spans the whole run, drawn up to now)."""
    states: list[State | None] = [None] * width
    marks: list[MarkKind | None] = [None] * width
    if width <= 0:
        return states, marks
    span = max(now, span, 1)
    scale = width / span
    last = width - 1
    bounds = [c * span / width for c in range(width + 1)]
    segments = lane.segments
    if len(segments) > DIRECT_PER_CELL * width:
        durations = _prefix_durations(lane, bounds, scale)
        tail = segments[-1:]
    else:
        durations = [[0.0] * len(LANE_STATES) for _ in range(width)]
        tail = segments
    touched = [False] * width  # a stretch of no length still shows the lane was alive there
    for state, t0, t1 in tail:
        end = now if t1 is None else min(t1, now)
        index = STATE_INDEX.get(state, -1)
        if end < t0 or index < 0:
            continue
        _spread(durations, index, t0, end, scale, last)
        touched[min(int(t0 * scale), last)] = True
    for c, cell in enumerate(durations):
        best = max(cell)
        if best <= 0 and not touched[c]:
            continue
        if cell.count(best) == 1:
            states[c] = LANE_STATES[cell.index(best)]
        else:  # equally long: the state a student must notice (blocked first) wins
            states[c] = max((LANE_STATES[k] for k in range(len(cell)) if cell[k] == best), key=PRIORITY.__getitem__)

    for kind in sorted(lane.mark_times, key=lambda k: MARK_PRIORITY.get(k, 0)):  # higher kinds drawn last, win
        times = lane.mark_times[kind]
        if len(times) <= DIRECT_PER_CELL * width:
            for t in times:
                marks[min(int(t * scale), last)] = kind
            continue
        for c in range(width):
            i = bisect.bisect_left(times, bounds[c])
            if i < len(times) and (times[i] < bounds[c + 1] or c == last):
                marks[c] = kind
    return states, marks


def cell_shares(shares: tuple[tuple[int, int, float], ...], now: int, width: int,
                span: int = 0) -> tuple[list[float | None], int]:
    """Per cell: the share of a core the thread got while running, in the sample interval the cell's middle falls
    in (None: no sample says); and the first cell past the last interval, from which the last share is given as the
    best guess (the drawing uses it only as long as the thread runs on in one stretch)."""
    out: list[float | None] = [None] * width
    if not shares or width <= 0:
        return out, width
    span = max(now, span, 1)
    ends = [t1 for _, t1, _ in shares]
    last = len(shares) - 1
    tail = width
    for c in range(width):
        mid = (c + 0.5) * span / width
        if mid > now:
            break
        i = bisect.bisect_left(ends, mid)
        if i > last:
            tail = min(tail, c)
            i = last
        t0, _, cpu = shares[i]
        if mid >= t0 and cpu != NOT_RUNNING:
            out[c] = cpu
    return out, tail


NO_STYLE = Style()


def cell_looks(palette: Palette) -> dict[object, tuple[str, Style]]:
    """What one cell looks like for a state or a mark (mark kinds and state names do not overlap)."""
    running = palette.colour(State.RUNNING)
    return {
        **{state: (look(state).glyph, palette.colour(state)) for state in LANE_STATES},
        **{kind: (glyph, BOLD) for kind, glyph in MARK_GLYPH.items()},
        MarkKind.DEADLOCK: (MARK_GLYPH[MarkKind.DEADLOCK], palette.colour(State.BLOCKED) + BOLD),
        PART: (PART_GLYPH, running),
        LOW: (LOW_GLYPH, running),
    }


def legend_entries(palette: Palette, deadlock: bool = False, shares: bool = False, *, lang: str = "en",
                   shown: Set[object] | None = None) -> list[tuple[str, str, Style]]:
    """The legend's glyphs and words in ``lang``, in a fixed order: the states, then the marks. ``shown``: the
    states, mark kinds and share looks (PART, LOW) the lanes have, the only ones named (so the legend fits a row in
    most runs, and says what is on screen); None: all of them, the deadlock mark's only with ``deadlock``, the lower
    blocks of running on part of a core only with ``shares``."""
    zh = lang == "zh"
    if shown is None:
        shown = {*LANE_STATES, *MarkKind, *((PART, LOW) if shares else ())} - (set() if deadlock else
                                                                              {MarkKind.DEADLOCK})
    entries = [(look(s).glyph, look(s).said(lang)[0] if zh else s.value, palette.colour(s)) for s in LANE_STATES
               if s in shown]
    at = 1 if State.RUNNING in shown else 0  # the lower blocks beside running's whole block
    entries[at:at] = [(glyph, SHARE_WORDS_ZH[key] if zh else word, palette.colour(State.RUNNING))
                      for glyph, word, key in SHARE_WORDS if key in shown]
    looks = cell_looks(palette)
    entries += [(MARK_GLYPH[k], (MARK_WORD_ZH if zh else MARK_WORD)[k], looks[k][1]) for k in MarkKind if k in shown]
    return entries


def fit_label(label: str, width: int) -> str:
    """A lane's label in exactly ``width`` cells (a CJK character takes two): padded, or cut in the middle (thread
    names often differ only at their end: ThreadPoolExecutor-0_0, -0_1), so every lane's separator lines up."""
    cells = cell_len(label)
    if width <= 1:
        return " " * max(width, 0)
    if cells <= width:
        return label + " " * (width - cells)
    tail_cells = min(TAIL_KEPT, max(width - 2, 0) // 2)
    tail = ""
    for ch in reversed(label):  # the last characters that fit in tail_cells
        if cell_len(ch + tail) > tail_cells:
            break
        tail = ch + tail
    head_room = max(width - 1 - cell_len(tail), 0)
    head = chop_cells(label, head_room)[0] if head_room else ""
    if cell_len(head) > head_room:  # a wide character would straddle the edge
        head = head[:-1]
    cut = head + "…" + tail
    return cut + " " * (width - cell_len(cut))


def seconds(ns: int) -> str:
    return f"{ns / 1e9:.2f} s"


def lane_label(model: Model, key: Key, fallback: str) -> str:
    """A lane's label: a process's name and pid, or its thread's name under it."""
    pid, tid = key
    p = model.processes.get(pid)
    if p is None:
        return fallback or f"[{pid}]"
    if tid == pid:
        return f"{model.shown_name(pid)} {pid}"
    th = p.threads.get(tid)
    return f" └ {model.thread_shown_name(th) if th is not None else tid}"


def lane_order(model: Model) -> list[Key]:
    """The tree's order: processes as their parents started them, each one's main thread, then its other threads
    as they were started."""
    lanes = model.lanes
    by_pid: dict[int, list[Key]] = {}
    for key in lanes:
        by_pid.setdefault(key[0], []).append(key)
    order: list[Key] = []
    for p, _depth in model.walk():
        keys = by_pid.pop(p.pid, None)
        if keys:
            have = set(keys)
            started = [th.key for th in model.threads_in_order(p) if th.key in have]
            order.extend(started)
            if len(started) < len(keys):  # lanes of no thread the model knows
                known = set(started)
                order.extend(k for k in keys if k not in known)
    for keys in by_pid.values():  # lanes of pids the tree does not know (yet)
        order.extend(keys)
    return order


@dataclass(slots=True)
class _Frame:
    """What every row at one width shares, and the lane rows built so far."""

    width: int
    label_width: int
    cells_width: int
    head: list[Strip]  # the legend (or "no lanes yet"), the axis: always last
    lanes: list[LaneCopy]
    built: dict[int, Strip] = field(default_factory=dict)


class TimelinePane(Painted, ScrollView):
    """Lanes in process-tree order (a process's main thread, then its other threads)."""

    PART: ClassVar[Part] = Part.TIMELINE
    BORDER_TITLE = "Timeline"
    COMPONENT_CLASSES = STATE_CLASSES
    can_focus = True
    projector: reactive[bool] = reactive(False)
    lang: reactive[str] = reactive("en")  # "en" or "zh": the words the pane draws

    DEFAULT_CSS = """
    TimelinePane { overflow-x: hidden; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._last_model: Model | None = None
        self._lane_copies: dict[Key, LaneCopy] = {}
        self._order: list[Key] = []
        self._now = 0
        # What the lanes show (states, mark kinds, PART and LOW for running on part of a core): the legend names
        # these. The share looks are kept apart: the OS's samples say them, not the lanes' copies.
        self._shown: frozenset[object] = frozenset()
        self._share_looks: frozenset[str] = frozenset()
        # Looking back at a recorded run: its length. The axis spans all of it, the lanes end at the cursor (now),
        # which the axis marks. 0: the axis spans 0..now.
        self.horizon = 0
        # Rows are built one at a time as they are drawn, and kept until the lanes or the width change: only the
        # lanes on screen cost anything (a run of 500 processes has 1,500 lanes, a pane shows a dozen).
        self._frame: _Frame | None = None
        self._looks: dict[object, tuple[str, Style]] | None = None

    # -- the pane contract (tui/widgets/pane.py) -------------------------------------------------------------
    def clock_key(self, model: Model, tick: int) -> Hashable:
        # The lanes grow and rescale, the axis says the time; and once more at the run's end, which is drawn at
        # its own time (a replay of the run ends there too).
        return tick // CLOCK_TICKS, model.run.ended

    def update_from(self, model: Model) -> None:
        another = model is not self._last_model
        if another:  # a new run, or another moment of this one (scrubbing): lanes it shares with the last are kept
            self._last_model = model
            self._share_looks = frozenset()
            self._lane_copies = {key: copy for key, copy in self._lane_copies.items() if key in model.lanes}
        copies = self._lane_copies
        same_rows = not another
        for key, lane in model.lanes.items():
            copy = copies.get(key)
            if copy is None or copy.merges != lane.merges:
                copy = copies[key] = LaneCopy(key, merges=lane.merges)
                same_rows = False
            elif another:
                copy.rewind(lane.segments)
            label = lane_label(model, key, lane.label)
            if label != copy.label:
                copy.label = label
                same_rows = False
            copy.sync(lane.segments, lane.marks)
            shares = model.cpu_shares.get(key)
            if shares is not None and (len(shares) != len(copy.shares) or (shares and shares[-1] != copy.shares[-1])):
                copy.shares = tuple(shares)
        order = lane_order(model)
        share_looks = self._share_looks | {PART if cpu >= LOW_SHARE else LOW for shares in model.cpu_shares.values()
                                           for _, _, cpu in shares[-4:] if 0 <= cpu < FULL_SHARE}
        shown: set[object] = set(share_looks)
        for copy in copies.values():
            copy.tell_shown(shown)
        same_rows = same_rows and order == self._order and shown == self._shown
        self._share_looks = frozenset(share_looks)
        self._shown = frozenset(shown)
        self._order = order
        self._now = model.now
        if same_rows and self._frame is not None:
            self._redraw_lanes(self._frame)
        else:
            self._invalidate()

    def watch_projector(self, projector: bool) -> None:
        self._invalidate()

    def watch_lang(self, lang: str) -> None:
        self._invalidate()

    # -- drawing --------------------------------------------------------------------------------------------
    def _invalidate(self) -> None:
        """Rows are built when drawn, not here: the app calls update_from holding the model's lock."""
        self._frame = None
        width = self.scrollable_content_region.width
        if width > 0:
            rows = len(self._legend_rows(width, Style())) + 1 + len(self._order)
            self.virtual_size = Size(width, rows)
        self.refresh()

    def _redraw_lanes(self, frame: _Frame) -> None:
        """The same rows with time moved on (the clock, a lane's state): rebuild the axis and the lanes, and repaint
        just those rows, in a frame of their own. Textual repaints the box spanning every region changed in a frame,
        with every widget in it: with the status line's clock at the top of the screen, that was all of them, once
        a second, most of what an idle app cost."""
        axis = len(frame.head) - 1
        frame.head[axis] = self._axis_row(frame.label_width, frame.cells_width, Style())
        frame.built.clear()
        self.call_after_refresh(self.refresh_lines, axis, 1 + len(frame.lanes))

    def on_resize(self) -> None:
        self._invalidate()

    def palette_changed(self) -> None:
        self._frame = None
        self._looks = None

    def _frame_for(self, width: int) -> _Frame:
        frame = self._frame
        if frame is None or frame.width != width:
            # The widget's own style goes under every row when drawn (render_line): a theme change needs no rebuild.
            base = Style()
            lanes = [self._lane_copies[k] for k in self._order if k in self._lane_copies]
            label_width = min(max((cell_len(lane.label) for lane in lanes), default=4), LABEL_MAX, max(width // 3, 6))
            cells_width = max(width - label_width - 2, 1)
            head = [*self._legend_rows(width, base), self._axis_row(label_width, cells_width, base)]
            frame = self._frame = _Frame(width, label_width, cells_width, head, lanes)
        return frame

    def _row(self, frame: _Frame, index: int) -> Strip | None:
        if index < len(frame.head):
            return frame.head[index]
        lane_index = index - len(frame.head)
        if lane_index >= len(frame.lanes):
            return None
        row = frame.built.get(lane_index)
        if row is None:
            row = frame.built[lane_index] = self._lane_row(frame.lanes[lane_index], frame.label_width,
                                                            frame.cells_width, Style())
        return row

    def _build_rows(self, width: int) -> list[Strip]:
        frame = self._frame_for(width)
        return [row for i in range(len(frame.head) + len(frame.lanes)) if (row := self._row(frame, i)) is not None]

    def _legend_rows(self, width: int, base: Style) -> list[Strip]:
        """The legend in one row if it fits (with a narrower gap between entries if need be: every entry starts with
        its glyph, which sets it apart; the lanes get the row), else flowed over as many rows as ``width`` needs.
        Measured in cells: a Chinese word's characters take two each. One row at least, which says there are no
        lanes yet before there are any."""
        entries = [(glyph, f" {word}", style) for glyph, word, style in
                   legend_entries(self.palette, lang=self.lang, shown=self._shown)]
        if not entries:
            note = NO_LANES.get(self.lang, NO_LANES["en"]) if not self._order else ""
            return [Strip([RichSegment(note, base + DIM)])]
        sizes = [cell_len(glyph) + cell_len(word) for glyph, word, _ in entries]
        gap = next((gap for gap in LEGEND_GAPS if sum(sizes) + cell_len(gap) * (len(sizes) - 1) <= width),
                   LEGEND_GAPS[0])
        rows: list[Strip] = []
        line: list[RichSegment] = []
        used = 0
        for (glyph, word, style), size in zip(entries, sizes):
            if line and used + cell_len(gap) + size > width:
                rows.append(Strip(line))
                line, used = [], 0
            if line:
                line.append(RichSegment(gap, base))
                used += cell_len(gap)
            line += [RichSegment(glyph, base + style), RichSegment(word, base + DIM)]
            used += size
        rows.append(Strip(line))
        return rows

    def _axis_row(self, label_width: int, cells_width: int, base: Style) -> Strip:
        span = max(self._now, self.horizon)
        left, right = "0 s", seconds(span)
        middle = seconds(span // 2)
        # The look-back cursor, where the lanes end; a label it would cut is left out.
        cursor = min(int(self._now * cells_width / max(span, 1)), cells_width - 1) if self.horizon > self._now \
            else None
        axis = [" "] * cells_width
        for text, at in ((left, 0), (middle, cells_width // 2 - len(middle) // 2), (right, cells_width - len(right))):
            if at < 0 or at + len(text) > cells_width or (cursor is not None and at - 1 <= cursor <= at + len(text)):
                continue
            axis[at:at + len(text)] = text
        row = [RichSegment(" " * (label_width + 1) + "╵", base + DIM)]
        if cursor is not None and cells_width > 0:
            row += [RichSegment("".join(axis[:cursor]), base + DIM), RichSegment(CURSOR, base + BOLD),
                    RichSegment("".join(axis[cursor + 1:]), base + DIM)]
        else:
            row.append(RichSegment("".join(axis), base + DIM))
        return Strip(row)

    def look_back(self, horizon: int) -> None:
        """Span the whole of a recorded run (``horizon``: its length), the cursor at the model's now; 0: live."""
        if horizon != self.horizon:
            self.horizon = horizon
            self._invalidate()

    def _lane_row(self, lane: LaneCopy, label_width: int, cells_width: int, base: Style) -> Strip:
        label = fit_label(lane.label, label_width)
        segments = [RichSegment(label + " ", base + BOLD), RichSegment("│", base + DIM)]
        states, marks = lane_cells(lane, self._now, cells_width, self.horizon)
        looks = self._looks
        if looks is None:
            looks = self._looks = cell_looks(self.palette)
        # Cells in runs of one look: a mark, a state (running on part of a core: PART or LOW), or nothing (None).
        cells: list[object] = [mark if mark is not None else state for state, mark in zip(states, marks)]
        if lane.shares:
            shares, tail = cell_shares(lane.shares, self._now, cells_width, self.horizon)
            for c, share in enumerate(shares):
                if cells[c] is not State.RUNNING:
                    if c >= tail:
                        break  # the last share is a guess only for the stretch it was measured in
                    continue
                if share is not None and share < FULL_SHARE:
                    cells[c] = PART if share >= LOW_SHARE else LOW
        start = 0
        for c in range(1, cells_width + 1):
            if c < cells_width and cells[c] == cells[start]:
                continue
            glyph, style = looks.get(cells[start], (" ", NO_STYLE))
            segments.append(RichSegment(glyph * (c - start), base + style if base else style))
            start = c
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self._row(self._frame_for(width), self.scroll_offset.y + y)
        style = self.rich_style
        if row is None:
            return Strip.blank(width, style)
        return row.apply_style(style).extend_cell_length(width, style).crop(0, width)

    def lane_labels(self) -> list[str]:
        """The lanes' labels as shown, top to bottom (for tests and the plain-text view)."""
        return [self._lane_copies[k].label for k in self._order if k in self._lane_copies]

    def row_texts(self, width: int = 80) -> list[str]:
        """Every row as plain text at ``width`` cells (for tests)."""
        frame = self._frame
        try:
            return [strip.text for strip in self._build_rows(width)]
        finally:
            self._frame = frame  # the rows on screen are at the pane's own width
