"""The app's own words in Chinese, by what they say in English (the code says the English where it is used): the key
bar's and the help's descriptions, the panes' titles, the short notes panes show. The states' words are in
tui/widgets/badges.py, the alarms' in tui/engine/model/records.py, the status line's in tui/widgets/status.py: each
beside its English."""

from __future__ import annotations

ZH: dict[str, str] = {
    # keys
    "pick": "选择", "previous scenario": "上一个场景", "next scenario": "下一个场景", "run": "运行", "stop": "停止",
    "freeze": "冻结", "step": "单步", "who": "下一个谁", "faster": "加速", "slower": "减速", "speed": "速度",
    "export": "导出", "save screen": "截屏", "legend": "图例", "light/dark": "亮/暗", "projector": "投影",
    "help": "帮助", "quit": "退出", "type": "输入", "next pane": "下一个窗格", "previous pane": "上一个窗格",
    "show/hide pane": "显示/隐藏窗格", "look back": "回看",
    # panes
    "Scenarios": "场景", "Processes": "进程", "Sync": "同步", "Queues": "队列", "Output": "输出",
    "Timeline": "时间线", "Code": "代码", "Narration": "看点",
}


def said(english: str, lang: str) -> str:
    """``english`` in ``lang`` (itself when there is no Chinese for it)."""
    return ZH.get(english, english) if lang == "zh" else english
