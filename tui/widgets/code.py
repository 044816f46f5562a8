"""The Code pane: the picked script's source, highlighted, with its line numbers (a scenario's docstring is the
Narration pane's text, so it is left out here)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from tui.engine.catalog import Target

if TYPE_CHECKING:
    from rich.syntax import Syntax

UNREADABLE = {"en": "cannot read {path}: {error}", "zh": "无法读取 {path}：{error}"}


def code_of(target: Target) -> tuple[str, int]:
    """The source to show and the number of its first line."""
    source = target.path.read_text(encoding="utf-8")
    if target.scenario is None:
        return source, 1
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return source, 1
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        first = (body[0].end_lineno or 0) + 1
        return "\n".join(source.splitlines()[first - 1:]), first
    return source, 1


class CodePane(VerticalScroll):
    """Read-only: a Static holding rich's Syntax, so no key is swallowed as an edit."""

    BORDER_TITLE = "Code"
    lang: reactive[str] = reactive("en")  # "en" or "zh": the pane's own note (the code is the script's)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._target: Target | None = None
        self._marks: tuple[int, ...] = ()  # the lines marked (see tui/status.py's held_lines), the first in view
        self._first = 1
        # Until the screen has painted once, the code is shown plain: pygments (import, lexer set-up, highlighting)
        # costs about a tenth of a second, which the first frame should not wait for.
        self._painted = False
        # The picked code as pygments coloured it, kept: in step mode the marked lines change at each step, and each
        # change draws the code again (lexing it again made a key press in step mode cost tens of milliseconds).
        self._lexed: dict[tuple[Any, ...], Text] = {}
        self._syntax: type[Syntax] | None = None  # made once pygments may load: see _painted
        self._unreadable = False  # the note that the code cannot be read is shown: said again in another language

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_paint_done)
        self.app.theme_changed_signal.subscribe(self, lambda theme: self.restyle())

    def _first_paint_done(self) -> None:
        self._painted = True
        if self._target is not None:
            self.show(self._target)

    def compose(self) -> ComposeResult:
        yield Static(id="code-text")

    @property
    def marked(self) -> tuple[int, ...]:
        return self._marks

    def mark(self, lines: tuple[int, ...]) -> None:
        """Mark these lines (step mode: where the held threads are; a deadlock: where its threads took their locks
        and wait), and bring the first (the one a step lets go) into view. Nothing is drawn again unless they
        changed."""
        if lines == self._marks:
            return
        redraw = set(lines) != set(self._marks)  # only the order moved (a new highlight): no new highlighting
        self._marks = lines
        if self._target is not None:
            if redraw:
                self.show(self._target, keep_scroll=True)
            if lines:
                self.call_after_refresh(self._into_view, lines[0])

    def _into_view(self, line: int) -> None:
        row = max(0, line - self._first - 2)
        if not self.scroll_offset.y <= row < self.scroll_offset.y + self.scrollable_content_region.height - 2:
            self.scroll_to(y=row, animate=False)

    def show(self, target: Target | None, keep_scroll: bool = False) -> None:
        if target is not self._target:
            self._marks = ()
            self._lexed.clear()
        self._target = target
        text = self.query_one("#code-text", Static)
        if target is None:
            text.update("")
            return
        try:
            source, first = code_of(target)
        except (OSError, UnicodeDecodeError) as exc:
            self._unreadable = True
            # As Text: a path or an OS message in brackets is not markup
            text.update(Text(UNREADABLE.get(self.lang, UNREADABLE["en"]).format(path=target.path, error=exc)))
            return
        self._unreadable = False
        self.border_subtitle = target.path.name
        self._first = first
        if not self._painted:
            text.update(plain_code(source, first, self._marks))
            return
        # The pane's own background, so tokens do not sit on blocks of another colour.
        background = self.app.theme_variables.get("background")
        # Wrapped, because the side column is narrow at 80 columns and a cut line hides the point of it.
        if self._syntax is None:
            self._syntax = lexed_once(self._lexed)
        text.update(self._syntax(source, "python", line_numbers=True, start_line=first, word_wrap=True,
                                 theme="monokai", background_color=background, highlight_lines=set(self._marks)),
                    layout=not keep_scroll)  # marks alone change no line's height: no layout pass
        if not keep_scroll:
            self.scroll_home(animate=False)

    def watch_lang(self, lang: str) -> None:
        if self._unreadable and self._target is not None:
            self.show(self._target)

    def restyle(self) -> None:
        """The app's theme changed: draw again on the new background (once the app has its new colours)."""
        self.call_after_refresh(self.show, self._target)


def lexed_once(lexed: dict[tuple[Any, ...], Text]) -> type[Syntax]:
    """rich's Syntax, with what pygments made of the code kept in ``lexed`` (by code and background) and copied
    from there on every later draw."""
    from rich.syntax import Syntax  # only once the first frame is out: see CodePane._painted

    class LexedOnce(Syntax):
        def highlight(self, code: str, line_range: tuple[int | None, int | None] | None = None) -> Text:
            key = (code, line_range, self.background_color)
            text = lexed.get(key)
            if text is None:
                text = lexed[key] = super().highlight(code, line_range)
            return text.copy()

    return LexedOnce


def plain_code(source: str, first: int, marks: tuple[int, ...] = ()) -> Text:
    """The code as Syntax lays it out (numbers right-aligned, then the line), without the colours; ``marks``:
    lines shown in reverse (step mode)."""
    lines = source.splitlines()
    width = len(str(first + len(lines))) + 2
    text = Text(no_wrap=False)
    for n, line in enumerate(lines, first):
        text.append(f"{n:>{width - 1}} ".rjust(width), style="dim")
        text.append(line + "\n", style="reverse" if n in marks else "")
    text.rstrip()
    return text
