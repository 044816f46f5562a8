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

from textual.screen import Screen

from tui.engine.model import Model
from tui.engine.replay import ReplaySession
from tui.engine.catalog import Target

SIZE = (120, 40)  # the classroom layout the notes measured a full repaint at


@dataclass
class Paint:
    start: int  # monotonic ns
    end: int

    @property
    def ms(self) -> float:
        return (self.end - self.start) / 1e6


@dataclass
class PaintLog:
    """Every screen update of the current app: when it started and when it was ready for the terminal."""

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


def paint_log() -> PaintLog:
    """Start a fresh log; the first call patches Textual's screen update (in this process only)."""
    global _log, _installed
    _log = PaintLog()
    if not _installed:
        _installed = True
        original = Screen._on_timer_update

        def timed(self: Screen[Any]) -> None:
            start = time.monotonic_ns()
            app = self.app
            encoded: list[object] = []
            display = app._display

            def encode(screen: Screen[Any], renderable: Any) -> None:
                display(screen, renderable)
                if renderable is not None and hasattr(renderable, "render_segments") and not app._batch_count:
                    encoded.append(renderable.render_segments(app.console))

            app._display = encode  # type: ignore[method-assign]
            try:
                original(self)
            finally:
                del app._display
            if encoded and _log is not None:
                _log.paints.append(Paint(start, time.monotonic_ns()))

        Screen._on_timer_update = timed  # type: ignore[method-assign]
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
    """CPU time of a frame that redraws every pane from ``model`` (widget updates + paint), median of a few."""
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
            times: list[float] = []
            for _ in range(frames):
                await pilot.pause()
                app._feeder.forget()  # every pane redraws, as if each part of the model had changed
                t0 = time.monotonic_ns()
                app.refresh_panes()
                panes_ns = time.monotonic_ns() - t0
                paint = await log.wait_after(t0 + panes_ns)
                times.append((panes_ns + paint.end - paint.start) / 1e6)
        return {f"{prefix}frame_ms": statistics.median(times), f"{prefix}first_frame_ms": first_ms}

    return asyncio.run(go())


def run_async(factory: Callable[[], Any]) -> Any:
    return asyncio.run(factory())
