"""The Scenarios pane: the course's scenarios in course order, under a heading per part of the course, then the
user's scripts; the loaded one is marked. The app speaks of targets by their index in its list; headings are options
of their own here (disabled: the highlight skips them), so this pane maps one to the other."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.engine.catalog import PARTS, Target
from tui.widgets.status import WORDS as STATUS_WORDS

LOADED = "▶"
YOUR_SCRIPTS = "Your scripts · 你的脚本"
YOUR_SCRIPTS_ZH = "你的脚本"
NUMBERS_ZH = "零一二三四五六七八九十"


def heading(part: int | None, lang: str = "en") -> str:
    """The heading over a part of the course (``part``: 1, 2 ...; None: the user's scripts). English says the
    catalog's title (``Part 1 · 多进程与多线程``: the course's own name stays); Chinese, ``第一部分 · 多进程与多线程``."""
    if part is None:
        return YOUR_SCRIPTS_ZH if lang == "zh" else YOUR_SCRIPTS
    title = PARTS[part - 1][1]
    if lang != "zh":
        return title
    number = NUMBERS_ZH[part] if part < len(NUMBERS_ZH) else str(part)
    return f"第{number}部分 · {title.partition(' · ')[2] or title}"


def heading_prompt(part: int | None, lang: str = "en") -> Text:
    return Text(heading(part, lang), style="bold underline")


def state_said(state: str, lang: str = "en") -> str:
    """The loaded target's state word (the status line's phase words, ``running``, ``frozen`` ...) in ``lang``."""
    return STATUS_WORDS["zh"].get(state, state) if lang == "zh" else state


class ScenarioPicker(OptionList, inherit_bindings=False):
    """A list of targets. The app moves the highlight (picking) and marks the loaded target; Enter or a click runs."""

    BORDER_TITLE = "Scenarios"
    # Up, down and Enter are the app's keys (they work from every pane); the list keeps only its paging keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page Down", show=False),
        Binding("pageup", "page_up", "Page Up", show=False),
    ]

    lang: reactive[str] = reactive("en")  # "en" or "zh": the headings' and the state word's language

    def __init__(self, targets: list[Target], *, id: str | None = None, classes: str | None = None,
                 lang: str = "en") -> None:
        self.targets = list(targets)
        self._loaded: int | None = None
        self._state = ""
        options: list[Option] = []
        self._option_of: list[int] = []  # target index -> option index
        self._headings: list[tuple[int, int | None]] = []  # (option index, part; None: the user's scripts)
        part: int | None | bool = False  # the part of the heading last added (False: none yet)
        for i, target in enumerate(self.targets):
            this = target.scenario.part if target.scenario is not None else None
            if this != part:
                part = this
                self._headings.append((len(options), this))
                options.append(Option(heading_prompt(this, lang), disabled=True))
            self._option_of.append(len(options))
            options.append(Option(self._prompt(i, lang)))
        self._target_of = {option: target for target, option in enumerate(self._option_of)}
        super().__init__(*options, id=id, classes=classes)
        self.set_reactive(ScenarioPicker.lang, lang)

    def watch_lang(self, lang: str) -> None:
        for option, part in self._headings:
            self.replace_option_prompt_at_index(option, heading_prompt(part, lang))
        loaded = self._loaded
        if loaded is not None and 0 <= loaded < len(self.targets):
            self.replace_option_prompt_at_index(self._option_of[loaded], self._prompt(loaded))

    def target_at(self, option_index: int | None) -> int | None:
        """The target shown at this option (None: a heading, or nothing)."""
        return self._target_of.get(option_index) if option_index is not None else None

    @property
    def highlighted_target(self) -> int | None:
        return self.target_at(self.highlighted)

    def show_target(self, index: int) -> None:
        """Highlight target ``index`` (the app's pick)."""
        option = self._option_of[index]
        if self.highlighted != option:
            self.highlighted = option

    def _prompt(self, index: int, lang: str | None = None) -> Text:
        """The target's row; ``lang``: the language of its state word, the pane's own once it is made."""
        target = self.targets[index]
        loaded = index == self._loaded
        mark = Text(f"{LOADED} " if loaded else "  ", style="bold")
        if target.scenario is not None:
            number = Text(f"{target.scenario.number:>2} ", style="dim" if target.scenario.number > 9 else "bold")
            name = target.scenario.id
        else:
            number = Text(" + ", style="bold")
            name = target.path.name
        label = Text(name, style="bold" if loaded else "")
        text = Text.assemble(mark, number, label)
        if loaded and self._state:
            text.append(f" {state_said(self._state, self.lang if lang is None else lang)}", style="italic")
        return text

    def mark_loaded(self, index: int | None, state: str = "") -> None:
        """Mark the target whose run the panes show (with a short state word), unmarking the previous one."""
        if index == self._loaded and state == self._state:
            return
        before, self._loaded, self._state = self._loaded, index, state
        for i in {before, index} - {None}:
            assert i is not None
            if 0 <= i < len(self.targets):
                self.replace_option_prompt_at_index(self._option_of[i], self._prompt(i))

    @property
    def loaded(self) -> int | None:
        return self._loaded
