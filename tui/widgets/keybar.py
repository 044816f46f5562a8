"""The key bar: every shown key of the app with its description, wrapped onto a second line when the terminal is narrow.

Textual's Footer keeps to one line and cuts what does not fit; at 80 columns contui's keys need two.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from tui.words import said

GAP = 2


class KeyBar(Static):
    """Shows the app's bindings in the order they are declared, in the chosen language; a disabled one dim, a hidden
    one not at all."""

    lang: reactive[str] = reactive("en")

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 3;
        background: $footer-background;
        color: $footer-description-foreground;
        padding: 0 1;
    }
    """

    _drawn: tuple[int, list[tuple[str, str, bool]]] | None = None  # the width and entries last drawn
    _rows = 1  # lines of keys last drawn

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._draw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def watch_lang(self) -> None:
        if self.is_attached:
            self._draw()

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self._draw()

    def on_resize(self, event: Resize) -> None:
        self._draw()

    def entries(self) -> list[tuple[str, str, bool]]:
        """(keys, description, enabled) for every binding to show, groups folded into one entry."""
        active = {b.binding.action: b.enabled for b in self.screen.active_bindings.values()}
        out: list[tuple[str, str, bool]] = []
        group: Binding.Group | None = None
        for binding in self.app.BINDINGS:
            if not isinstance(binding, Binding) or not binding.show or binding.action not in active:
                continue
            key = binding.key_display or self.app.get_key_display(binding)
            enabled = active[binding.action]
            if binding.group is not None and binding.group is group and out:
                keys, description, was = out[-1]
                out[-1] = (f"{keys} {key}", description, was or enabled)
                continue
            group = binding.group
            out.append((key, said(binding.group.description if binding.group else binding.description, self.lang),
                        enabled))
        return out

    def _draw(self) -> None:
        width = max(1, (self.size.width or self.app.size.width) - 2)
        entries = self.entries()
        # Bindings are said to have changed several times a step in step mode, mostly with nothing new to show; an
        # update would also ask for a layout pass of the whole screen.
        if (width, entries) == self._drawn:
            return
        self._drawn = (width, entries)
        lines: list[list[Content]] = [[]]
        used = 0
        for keys, description, enabled in entries:
            entry = Content.assemble(
                (keys, "bold $footer-key-foreground" if enabled else "dim"),
                " ",
                (description, "" if enabled else "dim"),
            )
            need = entry.cell_length + (GAP if lines[-1] else 0)
            if lines[-1] and used + need > width:
                lines.append([])
                used, need = 0, entry.cell_length
            lines[-1].append(entry)
            used += need
        self.update(Content("\n").join(Content(" " * GAP).join(line) for line in lines))
        self._rows = len(lines)
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """An update made while the screen is first laid out can be left at the height it had (one row, the first
        line of keys only, until a key changed the bindings): lay it out again if so."""
        if self.is_attached and self.size.height != min(self._rows, 3):
            self.refresh(layout=True)
