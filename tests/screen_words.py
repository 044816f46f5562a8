"""The English a Chinese screen still shows: every ASCII word drawn outside the Code and Output panes that is neither a
name the run gave (a process's, a thread's, a lock's, a queue's, a function's, its file's) nor on the allow-list of
words that are code or names everywhere (``pid``, ``Lock``, ``join``, ``SIGTERM``...).

Used by tests/test_chinese_screen.py; ``python -m tests.screen_words RECORDING [WIDTH HEIGHT] [--projector]`` prints
what it finds, for whoever is translating.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from tests.helpers import screen_text
from tui.app import ContuiApp
from tui.engine.catalog import Target, load_catalog
from tui.engine.model import Model
from tui.engine.replay import ReplaySession
from tui.layout import strip_docstring

RECORDINGS = Path(__file__).parent / "recordings"
# Panes whose text is the script's own (its code, what it printed): never translated.
THEIRS = ("code", "output")
WORD = re.compile(r"[A-Za-z][A-Za-z_']*[A-Za-z]|[A-Za-z]")
# Words that are code, names or units in either language: Python's and the OS's names, the app's name, units.
ALLOWED = frozenset("""
    contui pid ppid tid cpu CPU GIL OS Python python py EN zh Enter Esc Tab Ctrl Space Shift Ctrl+D
    Process Thread Lock RLock Semaphore BoundedSemaphore Event Condition Barrier Timer Queue JoinableQueue
    SimpleQueue LifoQueue PriorityQueue Pipe Manager Pool ProcessPoolExecutor ThreadPoolExecutor Future
    AsyncResult Value Array Connection MainThread MainProcess SyncManager
    start run join is_alive terminate kill daemon exitcode name put get put_nowait get_nowait task_done
    acquire release wait notify notify_all set clear send recv poll close submit map apply apply_async
    result done add_done_callback shutdown input print sleep accept connect recvfrom select epoll futex
    stdin stdout stderr EOF SIGTERM SIGKILL SIGINT SIGSTOP SIGCONT SIGCHLD fork spawn forkserver
    True False None reaper contui-reaper init systemd subreaper IPC GIL TCP IP FIFO LIFO
    EOFError BrokenBarrierError
    s ms µs x KB MB GB Z R S B D T J H E X K G O
""".split())

# The fields of the model's records that hold a name the script chose (or Python's for it).
NAME_FIELDS = frozenset(("name", "type", "kind", "target", "file", "func", "function", "site", "where", "label"))

# The scenarios' ids: what ``contui run`` takes, listed as they are (file names) in either language.
SCENARIO_IDS = frozenset(scenario.id for scenario in load_catalog())


def code_words(target: Target | None) -> frozenset[str]:
    """The words of the script's code, its docstring left out: a narration quoting what the code says or prints
    (``alex is running``) quotes code."""
    if target is None:
        return frozenset()
    try:
        source = Path(target.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(WORD.findall(strip_docstring(source)))


def model_names(model: Model) -> set[str]:
    """Every ASCII word of the names the run gave its processes, threads, primitives and code."""
    names: list[str] = []
    for p in model.processes.values():
        names += [p.name or "", str(getattr(p, "target", "") or "")]
        names += [name for th in p.threads.values() for name in (th.name or "", th.wchan or "")]  # wchan: the kernel's
    for table in vars(model).values():  # every record the model keeps by id: locks, queues, pools, pipes ...
        if isinstance(table, dict):
            for record in table.values():
                names += [value for attr in NAME_FIELDS if isinstance(value := getattr(record, attr, None), str)]
    names += list(model.aliases.values())
    return {word for name in names for word in WORD.findall(name)}


def english_words(app: ContuiApp, extra: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Pane (or "screen" for what lies outside the panes) → the lines that show a word not allowed."""
    source = app.look or app.session
    with source.model_lock:
        allowed = ALLOWED | extra | model_names(source.model) | SCENARIO_IDS | code_words(app.picked_target)
    found: dict[str, list[str]] = {}
    panes = {pid: w for pid, w in app.panes.items() if pid not in THEIRS and w.display and w.region.area}
    for pid, widget in panes.items():
        for line in screen_text(app, widget).splitlines():
            if any(not _allowed(match, line, allowed) for match in WORD.finditer(line)):
                found.setdefault(pid, []).append(line.rstrip())
    return found


EDGES = " │┃▁▂▃▄▅▆▇█▔"  # a pane's border and scrollbar around a line


def looks_like_code(word: str, before: str, after: str) -> bool:
    """``getName(``, ``t.daemon``, ``is_alive``, ``isAlive``: a call, an attribute, a snake or camel-case name."""
    return (after == "(" or before == "." or after == "." or "_" in word
            or any(a.islower() and b.isupper() for a, b in zip(word, word[1:])))


def _allowed(match: re.Match[str], line: str, allowed: frozenset[str] | set[str]) -> bool:
    """An allowed word, or the part of one that a shortened name (``commu…cate``) shows beside its ellipsis."""
    word = match.group(0)
    if word in allowed:
        return True
    before, after = line[match.start() - 1: match.start()], line[match.end(): match.end() + 1]
    if len(word) == 1 or looks_like_code(word, before, after):  # a key (i), a variable (p), or code
        return True
    # A long name folded over two lines by the pane (``ProcessPoolExecutor(max_wo`` / ``rkers=3)``).
    if not line[: match.start()].strip(EDGES) and any(w.endswith(word) for w in allowed):
        return True
    if not line[match.end():].strip(EDGES) and any(w.startswith(word) for w in allowed):
        return True
    return (after == "…" and any(w.startswith(word) for w in allowed)) or (
        before == "…" and any(w.endswith(word) for w in allowed))


async def scan(recording: Path, size: tuple[int, int], projector: bool, until: float = 0.6) -> dict[str, list[str]]:
    session = ReplaySession(recording, target=recording.stem, until=until)
    app = ContuiApp(session=session, lang="zh", projector=projector)  # type: ignore[arg-type]
    async with app.run_test(size=size) as pilot:
        while app.updates < 1:
            await pilot.pause(0.02)
        await pilot.pause()
        return english_words(app)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    width, height = (int(args[1]), int(args[2])) if len(args) >= 3 else (120, 40)
    path = Path(args[0]) if args else RECORDINGS / "zombie.jsonl"
    for pane, lines in asyncio.run(scan(path, (width, height), "--projector" in sys.argv)).items():
        print(f"== {pane}")
        print("\n".join(lines))
