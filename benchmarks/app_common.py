"""What the app benchmarks share: a headless ContuiApp whose paints are timed, and a session that only shows a model.

Headless Textual renders every frame (layout, widgets, compositor) but skips encoding it for the terminal; the probe
does that encoding too, so a headless frame costs what a real one does short of the write itself.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

from tui.engine.model import Model
from tui.engine.replay import ReplaySession
from tui.engine.catalog import Target

SIZE = (120, 40)  # the classroom layout the notes measured a full repaint at


@dataclass
class Paint:
    """One frame: from the start of the screen update that made it to the moment it was ready for the terminal."""

    start: int  # monotonic ns
    end: int
    cpu_ns: int  # CPU time of the app's thread in between (every frame is made on that thread)
    output: str | None = None  # what a terminal would be sent, if the log keeps it (``paint_log(keep_output=True)``)

    @property
    def ms(self) -> float:
        return (self.end - self.start) / 1e6


@dataclass
class PaintLog:
    """Every frame of the current app: when it started, when it was ready for the terminal, what it cost."""

    keep_output: bool = False
    paints: list[Paint] = field(default_factory=list)

    def after(self, t_ns: int) -> Paint | None:
        for paint in self.paints:
            if paint.start >= t_ns:
                return paint
        return None

    async def wait_after(self, t_ns: int, timeout: float = 10.0) -> Paint:
        deadline = time.monotonic() + timeout
        while True:
            paint = self.after(t_ns)
            if paint is not None:
                return paint
            if time.monotonic() > deadline:
                raise TimeoutError("no frame was painted")
            await asyncio.sleep(0.001)


_log: PaintLog | None = None
_installed = False
_update_began: tuple[int, int] | None = None  # (monotonic ns, thread CPU ns) when the screen update under way began


def paint_log(keep_output: bool = False) -> PaintLog:
    """Start a fresh log; the first call patches Textual (in this process only). A frame is logged where it leaves
    the app, ``App._display``, whichever path made it (the screen's update timer, a layout refresh), and is encoded
    there as a real terminal's would be; it is timed from the start of the screen update that made it."""
    global _log, _installed
    _log = PaintLog(keep_output)
    if not _installed:
        _installed = True
        update, display = Screen._on_timer_update, App._display

        def timed_update(self: Screen[Any]) -> None:
            global _update_began
            _update_began = (time.monotonic_ns(), time.thread_time_ns())
            try:
                update(self)
            finally:
                _update_began = None

        def logged_display(self: App[Any], screen: Screen[Any], renderable: Any) -> None:
            began = _update_began or (time.monotonic_ns(), time.thread_time_ns())
            display(self, screen, renderable)
            if renderable is None or self._batch_count or not hasattr(renderable, "render_segments"):
                return  # nothing is sent to a terminal for these
            output = renderable.render_segments(self.console)
            if _log is not None:
                _log.paints.append(Paint(began[0], time.monotonic_ns(), time.thread_time_ns() - began[1],
                                         output if _log.keep_output else None))

        Screen._on_timer_update = timed_update  # type: ignore[method-assign]
        App._display = logged_display  # type: ignore[method-assign]
    return _log


class ModelSession(ReplaySession):
    """A session that shows a given model and runs nothing: a replay of no recording, then the model."""

    def __init__(self, model: Model, target: Target) -> None:
        # Through ReplaySession's own constructor, so every attribute the app relies on exists.
        super().__init__(None, target)
        with self.model_lock:
            self.model = model


def contui_app(*args: Any, **kwargs: Any) -> Any:
    """A ContuiApp started as ``contui`` starts one (tui.cli.cmd_app): no garbage collection until its first frame,
    which then freezes what start-up made, so later collections do not scan the whole app."""
    from tui.app import ContuiApp

    gc.disable()
    return ContuiApp(*args, **kwargs)


def frame_times(model: Model, quick: bool, prefix: str, target_path: Path | None = None) -> dict[str, float]:
    """A frame that redraws every pane from ``model`` (every pane updated, then the paint that follows), median of a
    few: ``frame_ms`` is its CPU time on the app's thread, where all of a frame's work is done, so other load on the
    machine (the pump's thread included) does not count; ``frame_wall_ms`` is its wall time. ``first_frame_ms``: wall
    time from making the app to the end of its first frame."""
    path = target_path or Path(__file__).resolve().parent / "scripts" / "fanout.py"
    target = Target(path)
    frames = 2 if quick else 8

    async def go() -> dict[str, float]:
        log = paint_log()
        app = contui_app([target], session=ModelSession(model, target))
        begun = time.monotonic_ns()
        async with app.run_test(size=SIZE) as pilot:
            first = await log.wait_after(begun)
            first_ms = (first.end - begun) / 1e6
            cpu, wall = await full_frames(app, pilot, log, frames)
        return {f"{prefix}frame_ms": cpu, f"{prefix}frame_wall_ms": wall, f"{prefix}first_frame_ms": first_ms}

    return asyncio.run(go())


async def full_frames(app: Any, pilot: Any, log: PaintLog, frames: int,
                      summary: Callable[[list[float]], float] = statistics.median) -> tuple[float, float]:
    """A frame of the running ``app`` that redraws every pane (each one updated from the model, then the paint that
    follows), ``summary`` (the median) of ``frames``: its CPU time on the app's thread (ms), and its wall time (ms)."""
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(frames):
        await pilot.pause()
        app._feeder.forget()  # every pane redraws, as if each part of the model had changed
        t0, c0 = time.monotonic_ns(), time.thread_time_ns()  # this coroutine runs on the app's thread
        app.refresh_panes()
        panes_ns, panes_cpu_ns = time.monotonic_ns() - t0, time.thread_time_ns() - c0
        paint = await log.wait_after(t0 + panes_ns)
        cpu.append((panes_cpu_ns + paint.cpu_ns) / 1e6)
        wall.append((panes_ns + paint.end - paint.start) / 1e6)
    return summary(cpu), summary(wall)


def run_async(factory: Callable[[], Any]) -> Any:
    return asyncio.run(factory())


async def key_to_paint(app: Any, key: str, character: str | None, changed: Callable[[], bool],
                       what: str = "the key's effect") -> float:
    """ms from a key, sent as a terminal delivers it, to the end of the screen refresh that first shows its effect
    (``changed`` says when the panes have it)."""
    driver = app._driver
    assert driver is not None
    began = time.monotonic()
    driver.send_message(events.Key(key, character))
    while not changed():
        if time.monotonic() - began > 10:
            raise TimeoutError(f"{what} never came")
        await asyncio.sleep(0.0005)
    await painted(app)
    return (time.monotonic() - began) * 1000


async def painted(app: Any) -> None:
    """Wait for the end of the next screen refresh (the one that paints what the panes have now)."""
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()
