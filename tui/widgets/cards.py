"""A pane of text cards (one per lock, one per queue) that Rich lays out at the pane's own width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget

from tui.engine.model import Model
from tui.widgets.badges import STATE_CLASSES, Painted, Palette

DIM = Style(dim=True)
CardText = Callable[[Any, int, bool, Palette], Text]


class _Laid:
    """Laid out by Rich at the width it is given: Textual asks for the height at the width it will paint with,
    before the widget has a size, so the widget's own size cannot be used."""

    def __init__(self, views: tuple[Any, ...], projector: bool, card: CardText, empty: str, palette: Palette) -> None:
        self.views, self.projector, self.card, self.empty, self.palette = views, projector, card, empty, palette

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.views:
            yield Text(self.empty, style=DIM)
            return
        gap = "\n\n" if self.projector else "\n"
        yield Text(gap).join(self.card(view, options.max_width, self.projector, self.palette) for view in self.views)


class CardBody(Painted, Widget):
    COMPONENT_CLASSES = STATE_CLASSES
    DEFAULT_CSS = """
    CardBody { height: auto; width: 1fr; }
    """

    def __init__(self, card: CardText, empty: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.views: tuple[Any, ...] = ()
        self.projector = False
        self._card = card
        self._empty = empty

    def render(self) -> _Laid:
        return _Laid(self.views, self.projector, self._card, self._empty, self.palette)

    def palette_changed(self) -> None:
        self.refresh()

    def show(self, views: tuple[Any, ...]) -> None:
        self.views = views
        # A layout pass reflows the whole screen and repaints the panes around: only when the cards no longer fit
        # (a waiter joined a queue) or are gone (a new run). Cards that shrink leave blank lines at the bottom
        # until then, rather than every lock handover costing a layout.
        width, height = self.size
        if width <= 0 or not views:
            self.refresh(layout=True)
            return
        console = self.app.console
        lines = console.render_lines(self.render(), console.options.update(width=width, height=None), pad=False)
        self.refresh(layout=len(lines) > height)


class CardPane(VerticalScroll):
    """Subclasses say how to copy their cards out of the model (``views``) and how to draw one (``card``)."""

    can_focus = True
    projector: reactive[bool] = reactive(False)
    EMPTY = "nothing yet"
    BODY_ID = "cards-body"

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._body = CardBody(self.card, self.EMPTY, id=self.BODY_ID)

    def compose(self) -> ComposeResult:
        yield self._body

    def views(self, model: Model) -> tuple[Any, ...]:
        raise NotImplementedError

    @staticmethod
    def card(view: Any, width: int, projector: bool, palette: Palette) -> Text:
        raise NotImplementedError

    def update_from(self, model: Model) -> None:
        # Copied whole each time and drawn from the copy: a new model needs no reset, and nothing reads the
        # model outside its lock.
        views = self.views(model)
        if views != self._body.views:
            self._body.show(views)

    def watch_projector(self, projector: bool) -> None:
        self._body.projector = projector
        self._body.refresh(layout=True)
