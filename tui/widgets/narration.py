"""The Narration pane: what to watch in the picked scenario, in Chinese or English, and what was modernised. A
"Watch" bullet whose tag (see tui/engine/watchpoints.py) the shown run has proved is lit: ✔ instead of •."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.widgets import Static

from tui.engine.catalog import Target
from tui.engine.model import Model
from tui.engine.watchpoints import seen, split_tag
from tui.widgets.wrapping import wrap
from tui.words import said


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""
    prefix: str = ""  # a bullet ("• ", wrapped lines hang under the text) or a label ("Modernised: ", "改写：")
    prefix_style: str = "bold"
    hang: bool = False
    tag: str | None = None  # a Watch bullet's: what lights it (tui/engine/watchpoints.py)

    def lit(self) -> Paragraph:
        return replace(self, prefix="✔ ", prefix_style="bold green", style="bold")


def paragraphs(target: Target | None, lang: str) -> list[Paragraph]:
    """The teaching text of ``target``: title, course, bullets, modernised note (or a user script's docstring)."""
    if target is None:
        return []
    zh = lang == "zh"
    scenario = target.scenario
    if scenario is None:
        out = [Paragraph(target.path.name, "bold"), Paragraph("你自己的脚本" if zh else "Your own script", "italic"),
               Paragraph(str(target.path), "dim"), Paragraph("")]
        # the docstring's paragraphs reflow to the pane's width (its own line breaks were for an editor's)
        for block in _docstring(target).strip().split("\n\n"):
            if block.strip():
                out += [Paragraph(_reflow(block)), Paragraph("")]
        out.append(Paragraph("按 Enter 运行；运行中按 i 给它的标准输入打一行，Ctrl+D 结束输入。" if zh
                             else "Enter runs it; while it runs, i types a line for its stdin, Ctrl+D ends it."))
        return out
    title = (scenario.title_zh or scenario.title_en) if zh else scenario.title_en
    out = [Paragraph(title, "bold", prefix=f"{scenario.number}. ", hang=True)]
    course = scenario.course.split("|")
    if course[0]:
        out.append(Paragraph((course[0] if zh or len(course) == 1 else course[1]).strip(), "dim"))
    out += [Paragraph(""), Paragraph("看点" if zh else "Watch", "bold underline")]
    bullets = (scenario.watch_zh or scenario.watch_en) if zh else (scenario.watch_en or scenario.watch_zh)
    tags = watch_tags(scenario.watch_en, scenario.watch_zh)
    out += [Paragraph(split_tag(line)[0], prefix="• ", hang=True, tag=tags[i] if i < len(tags) else None)
            for i, line in enumerate(bullets)]
    # What was changed from the course's code: in Chinese when there is a Chinese note, else the English one.
    note, label = ((scenario.modernised_zh, "改写：") if zh and scenario.modernised_zh
                   else (scenario.modernised, "Modernised: "))
    if note:
        out += [Paragraph(""), Paragraph(note, "italic", prefix=label, prefix_style="bold italic")]
    return out


def watch_tags(watch_en: tuple[str, ...], watch_zh: tuple[str, ...]) -> tuple[str | None, ...]:
    """Each Watch bullet's tag, from either language's bullet (the two lists say the same, in order)."""
    out = []
    for i in range(max(len(watch_en), len(watch_zh))):
        tags = [split_tag(bullets[i])[1] for bullets in (watch_en, watch_zh) if i < len(bullets)]
        out.append(next((tag for tag in tags if tag), None))
    return tuple(out)


def _reflow(block: str) -> str:
    """A paragraph's lines joined into one: with a space between words, with none between Chinese characters."""
    text = ""
    for line in (line.strip() for line in block.splitlines()):
        if text and line:
            wide = get_character_cell_size(text[-1]) == 2 and get_character_cell_size(line[0]) == 2
            text += "" if wide else " "
        text += line
    return text


def _docstring(target: Target) -> str:
    try:
        return ast.get_docstring(ast.parse(target.path.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return ""


def render(paras: list[Paragraph], width: int) -> Text:
    out = Text()
    for para in paras:
        indent = cell_len(para.prefix) if para.hang else 0
        out.append(para.prefix, style=para.prefix_style)
        lines = wrap(para.text, width - indent, first=0 if para.hang else cell_len(para.prefix))
        for i, line in enumerate(lines):
            if i:
                out.append("\n" + " " * indent)
            out.append(line, style=para.style)
        out.append("\n")
    out.rstrip()
    return out


class NarrationPane(VerticalScroll):
    """Focusable and scrollable: the Chinese bullets can be longer than the pane."""

    BORDER_TITLE = "Narration"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._paragraphs: list[Paragraph] = []
        self._lit: frozenset[int] = frozenset()  # indices (into the paragraphs) of the bullets lit
        self._lit_in: int | None = None  # id of the model they were lit in: a run only adds to them

    def compose(self) -> ComposeResult:
        yield Static(id="narration-text")

    @property
    def plain(self) -> str:
        """The text shown, unwrapped: what tests read."""
        return "\n".join(p.prefix + p.text for p in self._paragraphs)

    def show(self, target: Target | None, lang: str) -> None:
        self.border_title = said("Narration", lang)
        self.border_subtitle = "中文" if lang == "zh" else "English"
        self._paragraphs = paragraphs(target, lang)
        self._lit, self._lit_in = frozenset(), None
        self._draw()
        self.scroll_home(animate=False)

    @property
    def lit(self) -> frozenset[int]:
        """Which Watch bullets are lit (their order among the bullets, from 0): what tests read."""
        bullets = [i for i, p in enumerate(self._paragraphs) if p.prefix == "• "]
        return frozenset(n for n, i in enumerate(bullets) if i in self._lit)

    def light_from(self, model: Model | None) -> None:
        """Light the bullets the run shown (``model``: live, or at the cursor's moment) has proved. A live run's
        bullets stay lit; another model (a cursor moved, a new run) is asked again from none."""
        if model is None:
            lit = frozenset()
        else:
            before = self._lit if self._lit_in == id(model) else frozenset()
            lit = before | frozenset(i for i, p in enumerate(self._paragraphs)
                                     if p.tag is not None and i not in before and seen(model, p.tag))
            self._lit_in = id(model)
        if lit != self._lit:
            self._lit = lit
            self._draw()

    def on_resize(self, event: Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        # The width left for text: the pane's content width less the scrollbar that long text brings.
        width = self.scrollable_content_region.width or self.size.width or 40
        shown = [p.lit() if i in self._lit else p for i, p in enumerate(self._paragraphs)]
        self.query_one("#narration-text", Static).update(render(shown, width - 1))
