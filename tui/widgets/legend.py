"""The legend: what each state's letter (a symbol and word in projector mode) and colour mean, in the chosen
language, flowed over as many lines as the width needs. A key shows and hides it; projector mode shows it at first,
since the back row cannot ask."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from tui.widgets.badges import LOOKS, STATE_CLASSES, Painted, badge

GAP = "  "
TITLE = {"en": "Legend", "zh": "图例"}


def legend_text(painted: Painted, lang: str, projector: bool, width: int) -> Text:
    """Each state's badge and word (``R running``), in the states' order, wrapped at ``width`` between entries."""
    out = Text()
    used = 0
    for state, look in LOOKS.items():
        entry = badge(painted.palette, state, projector, lang=lang)
        if not projector:  # the projector badge says the word itself
            entry.append(f" {look.said(lang)[0]}")
        size = entry.cell_len + cell_len(GAP)
        if used and used + size > width:
            out.append("\n")
            used = 0
        elif used:
            out.append(GAP)
        out.append_text(entry)
        used += size
    return out


class Legend(Painted, Widget):
    """Under the panes, above the key bar; it renders the states' looks and nothing else, at its width."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(STATE_CLASSES)
    DEFAULT_CSS = """
    Legend {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    """

    lang: reactive[str] = reactive("en", layout=True)
    projector: reactive[bool] = reactive(False, layout=True)

    def palette_changed(self) -> None:
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._text(width).plain.splitlines()) or 1

    def render(self) -> Text:
        return self._text(self.content_region.width)

    def _text(self, width: int) -> Text:
        return legend_text(self, self.lang, self.projector, max(width, 20))
