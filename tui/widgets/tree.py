"""The Processes pane: the live pid/ppid tree, threads under their process, each with its state badge, orphans'
adopters and the ``is_alive()`` answers the script got."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.engine.model import Key, Model, Part, ProcessNode, TerminateReason, ThreadNode, ThreadRole
from tui.status import hold_words
from tui.widgets.badges import (
    ORPHANED,
    STATE_CLASSES,
    Painted,
    Palette,
    badge,
    deadlock_badge,
    look,
    process_label,
    process_state_text,
    thread_state_text,
)

# A node's data: ("p", pid) for a process, ("t", pid, tid) for a thread, ("i", pid, what) for a line of facts
# about a process (adopted by, is_alive() answers, terminate() caller) kept off its own line so lines stay short.
NodeKey = tuple
NAME_STYLE = Style(bold=True)
DIM = Style(dim=True)
CPU_STYLE = Style(bold=True)
CPU_SHOWN = 5  # percent of a core: less is next to nothing, not worth a figure that flickers
ALIVE_SHOWN = 3  # the last few is_alive() answers: enough to see "True, True, False"
ROLE_WORDS = {ThreadRole.POOL_WORKER: "pool worker", ThreadRole.POOL_HELPER: "pool's own thread"}
# In Chinese a worker is a process or a thread (one word in English): (as a process, as a thread).
ROLE_WORDS_ZH = {ThreadRole.POOL_WORKER: ("池工作进程", "池工作线程"),
                 ThreadRole.POOL_HELPER: ("池的内部线程", "池的内部线程")}


def role_said(role: ThreadRole, lang: str = "en", *, process: bool = False) -> str:
    """`pool worker` (`池工作进程` for a process, `池工作线程` for a thread); empty for a thread of the script's own."""
    if lang == "zh":
        forms = ROLE_WORDS_ZH.get(role)
        return forms[not process] if forms is not None else ""
    return ROLE_WORDS.get(role, "")


def process_key(pid: int) -> NodeKey:
    return ("p", pid)


def thread_key(pid: int, tid: int) -> NodeKey:
    return ("t", pid, tid)


def info_keys(p: ProcessNode) -> list[NodeKey]:
    keys = []
    if p.adopted_by is not None:
        keys.append(("i", p.pid, "adopted"))
    if p.terminated_by is not None and p.terminated_by[1] is TerminateReason.CALL:
        keys.append(("i", p.pid, "terminate"))
    if p.alive_checks:
        keys.append(("i", p.pid, "alive"))
    return keys


def shows_threads(p: ProcessNode) -> bool:
    """A lone main thread says nothing its process does not: threads show once there is more than one."""
    return len(p.threads) > 1 or any(tid != p.pid for tid in p.threads)


def tree_layout(model: Model) -> dict[NodeKey | None, list[NodeKey]]:
    """Each node's children in display order (None: the top level): facts, threads, then child processes.

    Built from ``model.walk()``, which breaks ppid cycles and treats unknown parents as roots.
    """
    layout: dict[NodeKey | None, list[NodeKey]] = {None: []}
    path: list[NodeKey] = []
    for p, depth in model.walk():
        del path[depth:]
        key = process_key(p.pid)
        layout[path[-1] if path else None].append(key)
        kids = layout[key] = info_keys(p)
        if shows_threads(p):
            # The main thread first, then the others in the order they were started.
            kids.extend(thread_key(p.pid, th.tid) for th in model.threads_in_order(p))
        path.append(key)
    return layout


def node_label(model: Model, key: NodeKey, palette: Palette, projector: bool = False, *, lang: str = "en") -> Text | None:
    """The label of one node of :func:`tree_layout` (None: its process or thread is not in the model)."""
    kind = key[0]
    p = model.processes.get(key[1])
    if p is None:
        return None
    if kind == "p":
        return ProcessTree.process_label_text(model, p, palette, projector, lang=lang)
    if kind == "t":
        th = model.thread(key[1], key[2])
        if th is None:
            return None
        return ProcessTree.thread_label_text(model, th, palette, projector, p.stopped_by_os, lang=lang)
    return info_text(model, p, key[2], projector, lang=lang)


class ProcessTree(Painted, Tree[Any]):
    """Processes by parent, threads under their process; labels are relabelled in place, the tree is only
    rebuilt when a process moves to another parent."""

    PART: ClassVar[Part] = Part.PROCESSES
    BORDER_TITLE = "Processes"
    COMPONENT_CLASSES = STATE_CLASSES
    can_focus = True
    projector: reactive[bool] = reactive(False)
    lang: reactive[str] = reactive("en")  # "en" or "zh": the words the pane draws

    DEFAULT_CSS = """
    /* A projector audience cannot scroll: no scrollbar eating a row. */
    ProcessTree.-projector { overflow-x: hidden; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("run", name=name, id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 3
        self._node_of: dict[NodeKey, TreeNode[Any]] = {}
        self._signatures: dict[NodeKey, tuple] = {}
        self._labels: dict[NodeKey, tuple[Text, Text]] = {}  # (normal, projector) form of each node's label

    # -- the pane contract (tui/widgets/pane.py) -------------------------------------------------------------
    def clock_key(self, model: Model, tick: int) -> Hashable:
        return None  # no time shown

    def update_from(self, model: Model) -> None:
        # Another model (a new run, or another moment of this one) keeps the nodes it shares with the last: a node
        # gone or moved rebuilds the tree (see _grow_to), a label changed is set again (see _relabel).
        layout = tree_layout(model)
        if not self._grow_to(layout):
            self._rebuild(layout)
        self._relabel(model)

    def watch_projector(self, projector: bool) -> None:
        self.set_class(projector, "-projector")
        # Both forms of every label were made with the model at hand: switching reads no model (the app does
        # not hold the model's lock when it switches).
        for key, forms in self._labels.items():
            node = self._node_of.get(key)
            if node is not None:
                node.set_label(forms[projector])

    def palette_changed(self) -> None:
        # Every label is made again, in the new colours, at the next update (the app feeds every pane then).
        self._signatures = {}

    def watch_lang(self, lang: str) -> None:
        # Every label is made again, in the new words, at the next update (the app feeds every pane again after a
        # change of language): the signatures leave the language out, so forgetting them is what makes them new.
        self._signatures = {}

    # -- fitting the pane ------------------------------------------------------------------------------------
    def render_label(self, node: TreeNode[Any], base_style: Style, style: Style) -> Text:
        """The label as wide as the pane leaves it: a tree cannot wrap a line, so a longer one ends at the last whole
        word that fits, with "…", rather than mid-word at the pane's edge (or off it, behind a scrollbar)."""
        text = super().render_label(node, base_style, style)
        width = self.scrollable_content_region.width
        if width <= 0:
            return text
        return fit_label(text, width - self.guide_depth * _depth(node))

    # -- structure ------------------------------------------------------------------------------------------
    def _reset(self) -> None:
        self.clear()
        self._node_of = {}
        self._signatures = {}
        self._labels = {}

    def _grow_to(self, layout: dict[NodeKey | None, list[NodeKey]]) -> bool:
        """Add the new nodes where they belong; False when an existing node would have to move (rebuild then)."""
        # Check first, change after: a half-applied growth would leave the map and the tree out of step.
        for parent, kids in layout.items():
            node = self.root if parent is None else self._node_of.get(parent)
            if node is None:
                continue  # new this time: all its children are new too
            existing = [c.data for c in node.children]
            positions = {k: i for i, k in enumerate(kids)}
            last = -1
            for k in existing:
                i = positions.get(k, -1)
                if i <= last:
                    return False  # gone from here (moved) or out of order
                last = i
        for parent, kids in layout.items():
            node = self.root if parent is None else self._node_of[parent]
            have = {c.data for c in node.children}
            if len(have) == len(kids):
                continue
            for i, k in enumerate(kids):
                if k in have:
                    continue
                before = next((self._node_of[n] for n in kids[i + 1:] if n in have), None)
                self._add(node, k, layout, before)
                have.add(k)
        for key, node in self._node_of.items():
            if key[0] == "p":
                node.allow_expand = bool(layout.get(key))
        return True

    def _add(self, parent: TreeNode[Any], key: NodeKey, layout: dict[NodeKey | None, list[NodeKey]],
             before: TreeNode[Any] | None) -> None:
        if key in self._node_of:  # cannot happen after _grow_to's check; kept so a bug shows as a rebuild
            raise KeyError(key)
        node = parent.add(Text(str(key)), key, before=before, expand=True, allow_expand=bool(layout.get(key)))
        self._node_of[key] = node

    def _rebuild(self, layout: dict[NodeKey | None, list[NodeKey]]) -> None:
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        self._reset()

        def add_all(parent_key: NodeKey | None, parent: TreeNode[Any]) -> None:
            for k in layout.get(parent_key, ()):
                self._add(parent, k, layout, None)
                add_all(k, self._node_of[k])

        add_all(None, self.root)
        if cursor in self._node_of:
            node = self._node_of[cursor]
            self.call_after_refresh(self.move_cursor, node)

    # -- labels ---------------------------------------------------------------------------------------------
    def _relabel(self, model: Model) -> None:
        palette = self.palette
        lang = self.lang
        signatures = self._signatures
        node_of = self._node_of
        for key, node in node_of.items():
            kind = key[0]
            if kind == "p":
                p = model.processes.get(key[1])
                if p is None:
                    continue
                sig = self._process_signature(model, p)
                if signatures.get(key) == sig:
                    continue
                signatures[key] = sig
                self._set(key, node, *(self.process_label_text(model, p, palette, form, lang=lang)
                                       for form in (False, True)))
                # Its fact lines change with it (they are only re-made when it changed).
                for what in ("adopted", "terminate", "alive"):
                    info_key = ("i", p.pid, what)
                    info = node_of.get(info_key)
                    if info is not None:
                        signatures[info_key] = ()
                        self._set(info_key, info, *(info_text(model, p, what, form, lang=lang)
                                                    for form in (False, True)))
            elif kind == "t":
                th = model.thread(key[1], key[2])
                if th is None:
                    continue
                p = model.processes.get(key[1])
                stopped = p is not None and p.stopped_by_os
                running = model.task_running(th.pid, th.tid)
                sig = (th.shown_state, model.thread_shown_name(th), th.daemon, th.blocked_on, th.joining,
                       th.waits_in, th.waits_on, th.wchan, th.role, stopped,
                       running.id if running is not None else None, model.tasks_ran(th.pid, th.tid), th.held,
                       in_deadlock(model, th.key), cpu_shown(model.thread_cpu.get(th.key), th.alive))
                if signatures.get(key) != sig:
                    signatures[key] = sig
                    self._set(key, node, *(self.thread_label_text(model, th, palette, form, stopped, lang=lang)
                                           for form in (False, True)))
            elif key not in signatures:  # a new fact line of a process whose own label did not change
                p = model.processes.get(key[1])
                if p is not None:
                    signatures[key] = ()
                    self._set(key, node, *(info_text(model, p, key[2], form, lang=lang) for form in (False, True)))

    def _set(self, key: NodeKey, node: TreeNode[Any], normal: Text, projector: Text) -> None:
        self._labels[key] = (normal, projector)
        node.set_label(projector if self.projector else normal)

    @staticmethod
    def _process_signature(model: Model, p: ProcessNode) -> tuple:
        """Everything the label shows, cheap to compare: only changed labels are rebuilt."""
        joined = p.joining
        joined_name = model.processes[joined].name if joined in model.processes else None
        manager = model.manager_of_server(p.pid)
        running = model.task_running(p.pid, p.pid)
        return (p.state, model.shown_name(p.pid), cpu_shown(p.cpu, not p.ended), p.daemon,
                p.adopted_by, p.original_ppid, p.exit_code, p.signal,
                p.terminate_signal, p.terminated_by, len(p.alive_checks), p.blocked_on, joined, joined_name,
                manager.id if manager is not None else None, p.cmdline, running.id if running is not None else None,
                model.tasks_ran(p.pid, p.pid), main.held if (main := p.threads.get(p.pid)) is not None else None,
                in_deadlock(model, (p.pid, p.pid)))

    @staticmethod
    def process_label_text(model: Model, p: ProcessNode, palette: Palette, projector: bool = False, *,
                           lang: str = "en") -> Text:
        """`Process-1 [21049]  R  running  daemon  is_alive() → True (asked by MainProcess [21043])`."""
        zh = lang == "zh"
        text = Text()
        text.append(f"{model.shown_name(p.pid)} [{p.pid}]", style=NAME_STYLE)
        text.append("  ")
        if in_deadlock(model, (p.pid, p.pid)) and not shows_threads(p):  # else its main thread's row says it
            text.append_text(deadlock_badge(palette, projector, lang=lang))  # before its state: a long one is cut
            text.append(" ")
        text.append_text(process_state_text(model, p, palette, projector, lang=lang))
        main = p.threads.get(p.pid)
        if main is not None and main.held is not None and not shows_threads(p):
            text.append_text(held_text(model, main, lang=lang))
        if main is not None and main.role is ThreadRole.POOL_WORKER:  # a pool's worker process runs its tasks itself
            text.append_text(worker_tasks_text(model, main, lang=lang))  # before the rest: a narrow pane cuts
        cpu = cpu_shown(p.cpu, not p.ended)  # all its threads together: up to a core each
        if cpu is not None:
            text.append(f"  cpu {cpu}%", style=CPU_STYLE if not projector else NAME_STYLE)
        if p.daemon:
            text.append("  守护" if zh else "  daemon", style=DIM if not projector else NAME_STYLE)
        manager = model.manager_of_server(p.pid)
        if manager is not None:
            served = manager.name or manager.type
            text.append(f"  {served} 的服务进程" if zh else f"  server of {served}",
                        style=DIM if not projector else NAME_STYLE)
        if p.cmdline:
            text.append(f"  $ {' '.join(p.cmdline)}", style=DIM)
        if main is not None and main.role is ThreadRole.POOL_WORKER:
            text.append(f"  {role_said(main.role, lang, process=True)}", style=DIM if not projector else NAME_STYLE)
        if p.adopted_by is not None:  # who adopted it is on its fact line, just below
            text.append("  ")
            text.append_text(badge(palette, ORPHANED, projector, lang=lang))
            if not projector:
                text.append(f" {look(ORPHANED).said(lang)[0]}", style=NAME_STYLE)
        return text

    @staticmethod
    def thread_label_text(model: Model, th: ThreadNode, palette: Palette, projector: bool = False,
                          stopped: bool = False, *, lang: str = "en") -> Text:
        text = Text()
        text.append(model.thread_shown_name(th), style=NAME_STYLE)
        if not projector:
            text.append(f" tid {th.tid}", style=DIM)
        text.append("  ")
        if in_deadlock(model, th.key):
            text.append_text(deadlock_badge(palette, projector, lang=lang))  # before its state: a long one is cut
            text.append(" ")
        text.append_text(thread_state_text(model, th, palette, projector, stopped, lang=lang))
        cpu = cpu_shown(model.thread_cpu.get(th.key), th.alive and not stopped)
        if cpu is not None:  # its share of a core: two threads taking turns for the GIL share one between them
            text.append(f"  cpu {cpu}%", style=CPU_STYLE if not projector else NAME_STYLE)
        if th.held is not None:
            text.append_text(held_text(model, th, lang=lang))
        text.append_text(worker_tasks_text(model, th, lang=lang))  # before the rest: a narrow pane must not cut it
        if th.daemon:
            text.append("  守护" if lang == "zh" else "  daemon", style=DIM if not projector else NAME_STYLE)
        role = role_said(th.role, lang, process=th.tid == th.pid)
        if role:
            text.append(f"  {role}", style=DIM if not projector else NAME_STYLE)
        return text


def _depth(node: TreeNode[Any]) -> int:
    """How many levels below the top of the tree a node is drawn (the root itself is not drawn)."""
    depth = 0
    while node.parent is not None and node.parent.parent is not None:
        depth += 1
        node = node.parent
    return depth


def _in_a_word(char: str) -> bool:
    """Part of an English word or a name (``poll_schedule``): not to be cut."""
    return char.isascii() and (char.isalnum() or char == "_")


def fit_label(text: Text, width: int) -> Text:
    """``text`` in ``width`` cells: whole if it fits, else up to its last whole word that leaves room for "…" (a
    Chinese label may end between any two characters, as Chinese lines do)."""
    if text.cell_len <= width or width < 2:
        return text
    cut = text.copy()
    cut.truncate(width - 1)  # in cells: a Chinese character is two
    plain = cut.plain
    if plain and _in_a_word(plain[-1]) and _in_a_word(text.plain[len(plain)]):
        space = plain.rfind(" ")
        if space > 0:
            cut = cut[:space]
    cut.rstrip()
    cut.append("…", style=DIM)
    return cut


def cpu_shown(cpu: float | None, alive: bool) -> int | None:
    """The share of a core shown beside a live process or thread (percent, whole), once it is worth a look (from
    CPU_SHOWN up): what the OS counted since its sample before. None: nothing shown."""
    if cpu is None or not alive or cpu < CPU_SHOWN:
        return None
    return round(cpu)


def in_deadlock(model: Model, key: Key) -> bool:
    """Is this thread one of the deadlock the banner names?"""
    deadlock = model.deadlock
    return deadlock is not None and key in deadlock.threads


def held_text(model: Model, th: ThreadNode, *, lang: str = "en") -> Text:
    """Step mode: ``  → acquire mutex, line 65`` (``  → acquire mutex，第 65 行``) beside its HELD badge, what the
    thread does when stepped."""
    return Text(f"  → {held_said(model, th, lang)}", style="bold")


def held_said(model: Model, th: ThreadNode, lang: str = "en") -> str:
    """tui/status.py's ``acquire mutex, line 65`` in ``lang``: the action is Python's own name (``acquire``,
    ``put``, ``join``), kept; only its line and a process's ``exit`` have words of their own."""
    words = hold_words(th, model)
    hold = th.held
    if lang != "zh" or hold is None:
        return words
    line = hold.site.rpartition(":")[2]
    if line and words.endswith(f", line {line}"):
        words = f"{words.removesuffix(f', line {line}')}，第 {line} 行"
    if hold.action == "exit" and words.startswith("exit"):
        words = "退出" + words.removeprefix("exit")
    return words


def worker_tasks_text(model: Model, th: ThreadNode, *, lang: str = "en") -> Text:
    """`  runs square(7) · 3 done` (`  运行 square(7) · 已完成 3 个`): a pool worker's task now, and how many it has
    finished (nothing for others)."""
    zh = lang == "zh"
    text = Text()
    running = model.task_running(th.pid, th.tid)
    ran = model.tasks_ran(th.pid, th.tid)
    if running is not None:
        text.append("  运行 " if zh else "  runs ", style=DIM)
        text.append(running.call, style=NAME_STYLE)
    if ran:
        done = f"已完成 {ran} 个" if zh else f"{ran} done"
        text.append(f"{' ·' if running is not None else ' '} {done}", style=DIM)
    return text


def info_text(model: Model, p: ProcessNode, what: str, projector: bool = False, *, lang: str = "en") -> Text:
    if what == "adopted":
        return adopted_text(model, p, projector, lang=lang)
    if what == "terminate":
        return terminate_text(model, p, projector, lang=lang)
    return alive_text(model, p, projector, lang=lang)


def adopted_text(model: Model, p: ProcessNode, projector: bool = False, *, lang: str = "en") -> Text:
    """`↳ adopted by 21059 (contui-reaper), parent 21066 gone` (`↳ 被 21059 (contui-reaper) 收养，父进程 21066 已退出`):
    who matters most comes first (narrow panes cut)."""
    assert p.adopted_by is not None
    zh = lang == "zh"
    adopter_pid, adopter_name = p.adopted_by
    adopter = f"{adopter_pid} ({adopter_name})"
    text = Text("↳ ")
    text.append(f"被 {adopter} 收养" if zh else f"adopted by {adopter}", style=NAME_STYLE)
    if p.original_ppid is not None:
        gone = f"，父进程 {p.original_ppid} 已退出" if zh else f", parent {p.original_ppid} gone"
        text.append(gone, style=DIM if not projector else None)
    return text


def terminate_text(model: Model, p: ProcessNode, projector: bool = False, *, lang: str = "en") -> Text:
    """`terminate() called by MainProcess [21043]` (`terminate() 由 MainProcess [21043] 调用`)."""
    assert p.terminated_by is not None
    caller = process_label(model, p.terminated_by[0])
    text = Text()
    text.append("terminate()", style=Style(bold=True, italic=True))
    text.append(f" 由 {caller} 调用" if lang == "zh" else f" called by {caller}")
    return text


def alive_text(model: Model, p: ProcessNode, projector: bool = False, *, lang: str = "en") -> Text:
    """`is_alive() → True, False  asked by MainProcess [21043]` (`… 由 MainProcess [21043] 询问`): the answers the
    script saw (Python's True and False in any language), where it asked."""
    zh = lang == "zh"
    checks = p.alive_checks
    shown = checks[-1:] if projector else checks[-ALIVE_SHOWN:]
    answers = ", ".join("?" if c.result is None else str(c.result) for c in shown)
    more = ""
    if len(checks) > len(shown) and not projector:
        hidden = len(checks) - len(shown)
        more = f"…另 {hidden} 次, " if zh else f"…{hidden} more, "
    text = Text()
    text.append(f"is_alive() → {more}", style=Style(bold=True, italic=True))
    text.append(answers, style=Style(bold=True))
    last = len({c.asker_pid for c in shown}) > 1  # several askers: the one named asked last
    asker = process_label(model, shown[-1].asker_pid)
    if zh:
        text.append(f"  {'最后' if last else ''}由 {asker} 询问")
    else:
        text.append(f"  {'last asked by' if last else 'asked by'} {asker}")
    return text
