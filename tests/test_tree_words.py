"""The Processes pane's words: in Chinese every word is Chinese except names (the script's, Python's, the OS's), in
English the labels are the ones the pane always drew, and both fit the pane a 120-column screen gives the tree."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text

from tests.test_panes import PaneApp, folded, folded_until
from tui.engine.model import Hold, JoinKind, Model, ProcessNode, State
from tui.widgets.badges import Palette
from tui.widgets.tree import ProcessTree, fit_label, info_keys, info_text

RECORDINGS = Path(__file__).parent / "recordings"
PLAIN = Palette({}, {})  # no colours: the words are what is tested
ASCII_WORD = re.compile(r"[A-Za-z_][A-Za-z_]*")
# Code and names in either language: Python's API, the OS's, units; single letters are the compact badges' letters.
CODE_WORDS = frozenset("tid cpu Lock RLock Queue JoinableQueue Event Semaphore BoundedSemaphore is_alive terminate "
                       "True False SIGTERM SIGKILL GIL futex accept recv recvfrom connect select input stdin poll "
                       "epoll Future AsyncResult result get wait acquire".split())
# The recordings' own code beyond names: a pool's task calls (``task(3)``, ``task ×1 item``), a kernel wait channel.
RECORDED_CODE = frozenset("task item poll_schedule_timeout constprop".split())
TREE_WIDTH = 80  # the tree pane's inside at 120×40
GUIDE = 3  # a child's row starts after its guide (``├─ ``): the tree's guide_depth


def process(model: Model, state: State) -> ProcessNode:
    return next(p for p in model.processes.values() if p.state is state)


def names_in(model: Model) -> list[str]:
    """Every name the run gave, longest first (so `Process-1:1` goes before `Process-1`)."""
    names = {"contui-reaper"}  # the run's own reaper: a process's name, not a word of the pane
    for p in model.processes.values():
        names.add(model.shown_name(p.pid))
        for node in (p, *p.threads.values()):  # what it waits on: `mutex (Lock)`, a name and Python's type
            names.add(model.waited_object(node.blocked_on) if node.blocked_on else "")
        names.update(model.thread_shown_name(th) for th in p.threads.values())
    return sorted(filter(None, names), key=len, reverse=True)


def english_left(model: Model, text: Text | str) -> list[str]:
    """The English words of a label once the run's names and the code words are taken out."""
    plain = text.plain if isinstance(text, Text) else text
    for name in names_in(model):
        plain = plain.replace(name, " ")
    return [w for w in ASCII_WORD.findall(plain) if len(w) > 1 and w not in CODE_WORDS]


def labels(model: Model, p: ProcessNode, lang: str) -> list[Text]:
    """A process's label and its fact lines, in both forms."""
    out = [ProcessTree.process_label_text(model, p, PLAIN, form, lang=lang) for form in (False, True)]
    out += [info_text(model, p, key[2], form, lang=lang) for key in info_keys(p) for form in (False, True)]
    return out


def assert_chinese(model: Model, texts: list[Text], *words: str) -> None:
    """Each of ``words`` is in one of the labels, and no label keeps an English word."""
    joined = "\n".join(t.plain for t in texts)
    for word in words:
        assert word in joined, (word, joined)
    for text in texts:
        assert not english_left(model, text), text.plain


# -- Chinese ---------------------------------------------------------------------------------------------------
def test_exit_code_and_zombie_say_it_in_chinese() -> None:
    model = folded("zombie", 0.3)
    assert_chinese(model, labels(model, process(model, State.ZOMBIE), "zh"), " Z ", "僵尸", "† 僵尸")
    model = folded("zombie")
    assert_chinese(model, labels(model, process(model, State.EXITED), "zh"), "已退出 退出码 0", "✓ 已退出")


def test_blocked_on_a_lock_names_the_lock_and_nothing_else_in_english() -> None:
    model = folded_until("ticket_lock", lambda m: any(p.state is State.BLOCKED for p in m.processes.values()))
    blocked = process(model, State.BLOCKED)
    assert_chinese(model, labels(model, blocked, "zh"), " B  阻塞 等待 mutex (Lock)", "■ 阻塞  等待 mutex (Lock)")


def test_joining_says_whom_it_waits_for() -> None:
    model = folded_until("zombie", lambda m: any(p.state is State.JOINING and p.joining_kind is JoinKind.PROCESS
                                                 for p in m.processes.values()))
    joiner = process(model, State.JOINING)
    child = f"{model.shown_name(joiner.joining)} [{joiner.joining}]"  # type: ignore[arg-type]
    assert_chinese(model, labels(model, joiner, "zh"), f"等待结束 等待 {child} 结束")


def test_daemon_killed_is_short_in_both_languages() -> None:
    model = folded("daemon_process")
    killed = process(model, State.DAEMON_KILLED)
    zh = labels(model, killed, "zh")
    assert_chinese(model, zh, " G  守护进程被终止 父进程结束时  守护")
    en = labels(model, killed, "en")
    name = f"{model.shown_name(killed.pid)} [{killed.pid}]"
    assert en[0].plain == f"{name}   G  daemon-killed at its parent's exit  daemon"
    # A child's row of the tree pane at 120×40 shows it whole, Chinese measured in cells (two for a character).
    for text in zh + en:
        assert GUIDE + cell_len(text.plain) <= TREE_WIDTH, text.plain


def test_adopted_orphan_says_who_adopted_it() -> None:
    model = folded("orphan")
    orphan = next(p for p in model.processes.values() if p.adopted_by is not None)
    adopter, _ = orphan.adopted_by  # type: ignore[misc]
    texts = labels(model, orphan, "zh")
    assert_chinese(model, texts, " O  孤儿", "↑ 孤儿",
                   f"↳ 被 {adopter} (contui-reaper) 收养，父进程 {orphan.original_ppid} 已退出")
    english = info_text(model, orphan, "adopted", lang="en").plain
    assert english == f"↳ adopted by {adopter} (contui-reaper), parent {orphan.original_ppid} gone"


def test_terminated_says_the_signal_who_called_and_who_asked_is_alive() -> None:
    model = folded("process_attributes")
    killed = process(model, State.TERMINATED)
    main = f"{model.shown_name(model.run.main)} [{model.run.main}]"  # type: ignore[arg-type]
    assert_chinese(model, labels(model, killed, "zh"), "X  被终止 信号 SIGTERM", f"terminate() 由 {main} 调用",
                   f"由 {main} 询问")
    en = labels(model, killed, "en")
    assert en[0].plain == f"{model.shown_name(killed.pid)} [{killed.pid}]   X  terminated by SIGTERM"
    assert info_text(model, killed, "terminate").plain == f"terminate() called by {main}"


def test_every_thread_of_every_recording_says_chinese() -> None:
    # Threads meet the other details: waits in a call, the kernel's wait channels, pools' roles, frozen processes.
    for path in sorted(RECORDINGS.glob("*.jsonl")):
        for until in (0.3, 0.6, 1.0):
            model = folded(path.stem, until)
            for p in model.processes.values():
                for th in p.threads.values():
                    for form in (False, True):
                        for stopped in (False, True):
                            text = ProcessTree.thread_label_text(model, th, PLAIN, form, stopped, lang="zh")
                            left = set(english_left(model, text)) - RECORDED_CODE
                            assert not left, (path.stem, text.plain, left)


def test_a_held_thread_says_its_line_in_chinese() -> None:
    model = folded("ticket_lock", 0.6)
    th = next(iter(model.processes[model.run.main].threads.values()))  # type: ignore[index]
    th.held = Hold(0, "acquire", "", "ticket_lock.py:65")
    text = ProcessTree.thread_label_text(model, th, PLAIN, lang="zh").plain
    assert "→ acquire，第 65 行" in text
    assert "→ acquire, line 65" in ProcessTree.thread_label_text(model, th, PLAIN).plain


# -- the pane ----------------------------------------------------------------------------------------------------
def test_switching_language_relabels_every_node_at_the_next_update() -> None:
    async def run() -> None:
        model = folded("process_attributes")
        tree = ProcessTree()
        async with PaneApp(tree).run_test() as pilot:
            tree.update_from(model)
            await pilot.pause()
            before = {key: str(node.label) for key, node in tree._node_of.items()}
            assert any("terminated" in label for label in before.values())
            tree.lang = "zh"
            tree.update_from(model)  # the same model: only the language changed
            await pilot.pause()
            after = {key: str(node.label) for key, node in tree._node_of.items()}
            assert after.keys() == before.keys()
            assert all(not english_left(model, label) for label in after.values()), after
            tree.lang = "en"
            tree.update_from(model)
            await pilot.pause()
            assert {key: str(node.label) for key, node in tree._node_of.items()} == before

    asyncio.run(run())


def test_a_label_too_long_for_the_pane_ends_at_its_last_whole_word() -> None:
    label = Text("Process-5 [3184]   B  blocked on mutex (Lock)")
    assert fit_label(label, 60) is label  # it fits: as it is
    assert fit_label(label, 32).plain == "Process-5 [3184]   B  blocked…"  # not "blocked o…"
    # A word longer than the room left has no whole word to end at: it is cut, still within the pane.
    assert fit_label(Text("poll_schedule_timeout.constprop.0 x"), 12).plain == "poll_schedu…"
    chinese = fit_label(Text("进程1 等待 mutex (Lock) 结束"), 10)
    assert cell_len(chinese.plain) <= 10 and chinese.plain.endswith("…")
