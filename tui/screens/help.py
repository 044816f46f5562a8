"""The help screen: every key of the app with what it does, made from the app's bindings (their tooltips), so the
help can never disagree with the keys; in the app's language (the Chinese beside the English it translates, here)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.words import said

# How a key is written in the help (the key bar uses the bindings' short ``key_display``).
KEY_NAMES = {
    "up": "↑", "down": "↓", "enter": "Enter", "space": "Space", "plus": "+", "equals_sign": "=", "minus": "-",
    "underscore": "_", "question_mark": "?", "ctrl+c": "Ctrl+C", "escape": "Esc", "tab": "Tab",
    "shift+tab": "Shift+Tab", "full_stop": ".", "comma": ",", "left_square_bracket": "[",
    "right_square_bracket": "]", "left_curly_bracket": "{", "right_curly_bracket": "}", "home": "Home", "end": "End",
    "E": "Shift+E",
}


# What the keys do in Chinese, by what their tooltips (tui/app.py) say in English. A tooltip missing here is shown in
# English (tests/test_timeline_words.py finds it).
TOOLTIPS_ZH: dict[str, str] = {
    "pick scenario 1 to 9 (a run of another one is stopped first)": "选择第 1 到第 9 个场景（另一个场景的运行会先停止）",
    "pick the previous scenario": "选择上一个场景",
    "pick the next scenario": "选择下一个场景",
    "run the picked scenario, or restart it": "运行选中的场景，或重新运行它",
    "stop the run (every process of it ends)": "停止运行（它的每个进程都会结束）",
    "freeze / resume the whole run (SIGSTOP / SIGCONT: the processes show as stopped; the run's clock stops too, so "
    "no sleep is shortened); in step mode: leave it, and run free":
        "冻结 / 恢复整个运行（SIGSTOP / SIGCONT：进程显示为已冻结；运行的时钟也停下，所以 sleep 不会被缩短）；"
        "在单步模式中：退出单步，自由运行",
    "step mode: the highlighted held process does its next action and is held again (with no run: start the picked "
    "scenario in step mode; in a free run: enter step mode)":
        "单步模式：高亮的、被按住的进程执行它的下一个动作，然后再次被按住（没有运行时：以单步模式启动选中的场景；"
        "自由运行时：进入单步模式）",
    "step mode: highlight the next held process, to choose who goes next": "单步模式：高亮下一个被按住的进程，选择下一个谁走",
    "faster: the run's clock goes faster, at once, the sleep in progress too (what the script's clocks read stays "
    "the same)": "加速：运行的时钟立刻变快，正在进行的 sleep 也一样（脚本读到的时钟不受影响）",
    "slower": "减速",
    "the cursor one event back (in a finished, frozen or replayed run: every pane shows the run at the cursor's "
    "time)": "游标后退一个事件（在已结束、已冻结或回放的运行中：每个窗格都显示游标时刻的运行）",
    "the cursor one event forward": "游标前进一个事件",
    "the cursor one second back": "游标后退一秒",
    "the cursor one second forward": "游标前进一秒",
    "the cursor to the run's start": "游标移到运行的开始",
    "the cursor to the run's end": "游标移到运行的结束",
    "export the run as Chrome Trace JSON (open it in ui.perfetto.dev or chrome://tracing); a note says where it was "
    "written": "把运行导出为 Chrome Trace JSON（用 ui.perfetto.dev 或 chrome://tracing 打开）；提示会说明写到了哪里",
    "save the screen as an SVG picture (Textual's screenshot); a note says where":
        "把屏幕保存为 SVG 图片（Textual 的截图）；提示会说明保存在哪里",
    "the whole screen in Chinese / English": "整个界面：中文 / 英文",
    "what each state's letter and colour mean (shown at first in projector mode)":
        "每个状态的字母和颜色的含义（投影模式下一开始就显示）",
    "a light theme for a washed-out projector or a bright room, or back to the dark one":
        "浅色主题，适合发白的投影或明亮的教室；或切回深色主题",
    "projector mode: high contrast, big badges, only the panes that matter": "投影模式：高对比度、大徽章，只显示要紧的窗格",
    "this help": "本帮助",
    "show the link the class follows the run at, in their browsers (contui --share)":
        "显示全班在浏览器里跟随运行的链接（contui --share）",
    "quit (the run is stopped first)": "退出（先停止运行）",
    "quit as well, from anywhere": "同样是退出，在哪里都可用",
    "type into the stdin of a run that reads it: Enter sends the line, Ctrl+D ends the input (EOF, as at a "
    "terminal), Esc puts the line away (i brings it back)":
        "向读取 stdin 的运行输入：Enter 发送这一行，Ctrl+D 结束输入（EOF，和在终端里一样），Esc 收起输入行（i 再调出来）",
    "move the focus to the next pane": "把焦点移到下一个窗格",
    "move the focus to the previous pane": "把焦点移到上一个窗格",
}
PANE_TOOLTIP = re.compile(r"show / hide the (.+) pane")  # one per pane: its title (tui/words.py) in Chinese
INTRO_ZH: dict[str, str] = {  # the app's HELP_INTRO
    "contui runs the picked scenario as real processes and shows them live. Pick with 1-9 or the arrows, Enter runs "
    "it.": "contui 把选中的场景作为真实的进程运行，并实时显示它们。用 1-9 或方向键选择，Enter 运行。",
}
# The screen's own words.
WORDS: dict[str, dict[str, str]] = {
    "en": {"key": "Key", "does": "What it does", "title": "contui · keys", "closes": "Esc, ? or q closes"},
    "zh": {"key": "按键", "does": "作用", "title": "contui · 按键", "closes": "Esc、? 或 q 关闭"},
}


def what_it_does(text: str, lang: str = "en") -> str:
    """A binding's tooltip (or description) in ``lang``: itself in English, or where there is no Chinese for it."""
    if lang != "zh":
        return text
    zh = TOOLTIPS_ZH.get(text)
    if zh is not None:
        return zh
    pane = PANE_TOOLTIP.fullmatch(text)
    if pane is not None:
        return f"显示 / 隐藏{said(pane.group(1), lang)}窗格"
    return said(text, lang)  # a description: the key bar's word


def intro_said(intro: str, lang: str = "en") -> str:
    return INTRO_ZH.get(intro, intro) if lang == "zh" else intro


def key_names(binding: Binding) -> list[str]:
    return [KEY_NAMES.get(key, key) for key in binding.key.split(",")]


def help_rows(bindings: Iterable[BindingType], lang: str = "en") -> list[tuple[str, str]]:
    """(keys, what they do in ``lang``) for every binding, in order. Bindings of one group that do the same thing
    (the same tooltip) share a row: the nine digit keys are one row "1-9"."""
    rows: list[tuple[str, str]] = []
    merged: dict[tuple[int, str], int] = {}  # (group, text) -> row index
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        text = binding.tooltip or binding.description
        keys = key_names(binding)
        at = merged.get((id(binding.group), text)) if binding.group is not None else None
        if at is None:
            if binding.group is not None:
                merged[(id(binding.group), text)] = len(rows)
            rows.append((", ".join(keys), text))
        else:
            rows[at] = (_join_keys(rows[at][0], keys), text)
    return [(keys, what_it_does(text, lang)) for keys, text in rows]


def _join_keys(before: str, more: list[str]) -> str:
    """``1`` + ``2`` → ``1-2``: a run of digit keys is written as a range."""
    first, _, last = before.partition("-")
    if len(more) == 1 and more[0].isdigit() and (last or first).isdigit() and int(more[0]) == int(last or first) + 1:
        return f"{first}-{more[0]}"
    return ", ".join([before, *more])


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close help", id="help-close"),
    ]

    def __init__(self, bindings: Iterable[BindingType], intro: str = "", lang: str | None = None) -> None:
        """``intro`` in English (the Chinese is looked up here); ``lang``: None, the app's when the screen is
        composed."""
        super().__init__()
        self._keys = list(bindings)
        self.lang = lang
        self.rows = help_rows(self._keys, lang or "en")
        self.intro = intro

    def compose(self) -> ComposeResult:
        lang = self.lang or getattr(self.app, "lang", "en")
        if lang != (self.lang or "en"):
            self.rows = help_rows(self._keys, lang)
        self.lang = lang
        words = WORDS.get(lang, WORDS["en"])
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2), expand=False)
        table.add_column(words["key"], style="bold", no_wrap=True)
        # Chinese has no spaces to wrap at: its lines are folded at the column's edge, not cut short
        table.add_column(words["does"], overflow="fold" if lang == "zh" else "ellipsis")
        for keys, what in self.rows:
            table.add_row(keys, what)
        with VerticalScroll(id="help-box") as box:
            box.border_title = words["title"]
            box.border_subtitle = words["closes"]
            if self.intro:
                yield Static(Text(intro_said(self.intro, lang)), id="help-intro")
            yield Static(table, id="help-table")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
