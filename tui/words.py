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
    "start": "开始", "switch": "切换", "poll": "读取事件", "step mode": "单步模式",
    # messages (templates: ``said(english, lang).format(...)``)
    "{} s of {} s · event {}/{}": "{} s / {} s · 事件 {}/{}",
    "nothing is reading stdin: press Enter to start the run first": "没有谁在读标准输入：先按 Enter 开始运行",
    "cannot look back: {}": "无法回看：{}",
    "nothing to export: run a scenario first": "没有可导出的：先运行一个场景",
    "cannot export {}: {}": "无法导出 {}：{}",
    "{} trace events written to {}\nopen it in ui.perfetto.dev or chrome://tracing":
        "{} 个追踪事件已写入 {}\n用 ui.perfetto.dev 或 chrome://tracing 打开",
    "cannot save the screen: {}": "无法保存屏幕：{}",
    "the screen saved as {}": "屏幕已保存为 {}",
    "Browsers follow this run at:\n{}\n(w shows this again)": "浏览器在这里跟随这次运行：\n{}\n（按 w 再显示）",
    "link": "链接",
}


def said(english: str, lang: str) -> str:
    """``english`` in ``lang`` (itself when there is no Chinese for it)."""
    return ZH.get(english, english) if lang == "zh" else english
