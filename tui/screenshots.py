"""``python -m tui.screenshots``: an SVG and a PNG of every scenario and of every example of ``docs/examples/``
mid-run, and of step mode and of looking back at a run, normal layout and projector mode.

Each picture is of a REAL run: the scenario is started in a headless app, and the shot is taken once the run shows
what the scenario is about (a zombie, an adopted orphan, a held lock with waiters, items in a queue...).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import functools
import html
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.cells import cell_len, get_character_cell_size
from textual.pilot import Pilot

from tui.app import ContuiApp
from tui.engine.catalog import Scenario, load_catalog, resolve_target
from tui.engine.model import Model
from tui.engine.model.tasks import TaskState

NORMAL = (120, 40)
PROJECTOR = (100, 30)
DEADLINE = 20.0  # seconds a scenario may take to reach its moment; then the shot is taken anyway
OUT = Path("screenshots")
# CJK glyphs are not in the SVG's Fira Code and cairosvg has no per-glyph font fallback: they are drawn in this font.
WIDE_FONT = "Noto Sans Mono CJK SC"

Moment = Callable[[Model], bool]


def said(text: str) -> Moment:
    return lambda m: any(text in line.text for line in m.lines)


def lines(n: int) -> Moment:
    return lambda m: len(m.lines) >= n


def _zombie(m: Model) -> bool:
    return any(p.os_status == "zombie" for p in m.processes.values())


def _adopted(m: Model) -> bool:
    return any(p.adopted_by for p in m.processes.values())


def _daemon_killed(m: Model) -> bool:
    return any(p.end == "daemon-killed" for p in m.processes.values())


def _lock_queue(m: Model) -> bool:
    return any(lock.owners and lock.waiters for lock in m.locks.values())


# The moment that shows each scenario's point; the run's end is always a moment too.
MOMENTS: dict[str, Moment] = {
    "process_function": said("is running"),
    "process_subclass": said("is running"),
    "memory_isolation": lines(1),
    "join": lines(3),
    "process_attributes": said("terminate()"),
    "zombie": _zombie,
    "orphan": _adopted,
    "daemon_process": _daemon_killed,
    "ticket_race": said("购票成功"),
    "ticket_lock": _lock_queue,
    "queue": said("阻塞"),
    "pipe": said("子进程"),
    "producer_consumer": lines(4),  # peaches made and eaten, the eaters still waiting in get()
    "threads_two_ways": said("主"),
    "echo_server": said("WORLD"),
    "thread_methods": said("active_count(): 3"),
    "daemon_thread": said("主线程"),
    "why_processes": said("个线程"),
    "deadlock": lambda m: bool(m.deadlocks),  # the run frozen at the cycle, the banner naming it
    "deadlock_processes": lambda m: bool(m.deadlocks),
    "recursive_lock": lambda m: any(lock.depth == 2 and lock.waiters for lock in m.locks.values()),
    "semaphore": lambda m: any(len(s.holders) == 3 and s.waiters for s in m.semaphores.values()),  # a queue at the door
    "event": lambda m: any(len(e.waiters) >= 3 for e in m.sync_events.values()),  # everyone waits for the flag
    "timer": said("hello"),
    "thread_queues": lambda m: sum(len(q.items) for q in m.queues.values()) >= 9,  # each queue full, none got yet
    "process_pool": lambda m: any(m.task_counts(p)[TaskState.RUNNING] >= 3 for p in m.pools),
    "thread_pool": lambda m: any(m.task_counts(p)[TaskState.RUNNING] >= 3 for p in m.pools),
    "dining_philosophers": lambda m: bool(m.deadlocks),  # if this run deadlocks (else its end)
    "dining_philosophers_ordered": _lock_queue,
}
# What the class would type into the stdin line, for the scenarios that read it.
TYPED = {"echo_server": ["hello", "world"]}


def _event_waiters(n: int) -> Moment:
    return lambda m: any(len(e.waiters) >= n for e in m.sync_events.values())


def _pool_busy(m: Model) -> bool:
    counts = [m.task_counts(p) for p in m.pools]
    return any(c[TaskState.RUNNING] >= 2 for c in counts)


# docs/examples/: one script per primitive, each holding its point until Enter. The moment that shows it, and the
# lines typed before it (the signals are sent only after Enter).
EXAMPLES: dict[str, tuple[Moment, list[str]]] = {
    "event": (_event_waiters(3), []),
    "semaphore": (lambda m: any(len(s.holders) == 2 and len(s.waiters) == 2 for s in m.semaphores.values()), []),
    "barrier": (lambda m: any(len(b.waiting) == 2 for b in m.barriers.values()), []),
    "condition": (lambda m: any(len(c.room) == 2 for c in m.conditions.values()), []),
    "rlock": (lambda m: any(lock.depth == 2 and lock.waiters for lock in m.locks.values()), []),
    "pipe_in_flight": (lambda m: any(len(end.incoming) == 2 for p in m.pipes.values() for end in p.ends), []),
    "value": (lambda m: _event_waiters(2)(m) and all(v.value is not None for v in m.values.values()), []),
    "manager": (said("press Enter"), []),
    "pool": (_pool_busy, []),
    "futures": (_pool_busy, []),
    "queue_threads": (lambda m: any(len(q.items) == 2 and q.blocked_putters for q in m.queues.values()), []),
    "signals": (said("napper ended"), [""]),
    # once both the lock and the queue are counted, and the lock has passed between the adders
    "hot_loop": (lambda m: any(lock.summarised is not None and lock.summarised.counting(m.now) and lock.owners
                               for lock in m.locks.values())
                 and any(q.summarised is not None and q.summarised.counting(m.now) for q in m.queues.values()), []),
}
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "docs" / "examples"
EXAMPLE_HOLD = 2.0


async def shoot(scenario: Scenario, out: Path, speed: float) -> list[Path]:
    app = ContuiApp(speed=speed)
    index = next(i for i, t in enumerate(app.targets) if t.scenario is not None and t.scenario.id == scenario.id)
    moment = MOMENTS.get(scenario.id, lines(1))
    return await _shoot(app, index, moment, TYPED.get(scenario.id, []), out, f"{scenario.number:02d}_{scenario.id}")


async def shoot_example(name: str, out: Path, speed: float) -> list[Path]:
    app = ContuiApp(user_targets=[resolve_target(str(EXAMPLES_DIR / f"{name}.py"))], speed=speed)
    moment, typed = EXAMPLES[name]
    # an example holds its point until Enter: its lanes are given time to show it as a stretch, not a dot
    return await _shoot(app, len(app.targets) - 1, moment, typed, out, f"example_{name}", hold=EXAMPLE_HOLD)


async def _shoot(app: ContuiApp, index: int, moment: Moment, typed: list[str], out: Path, stem: str,
                 hold: float = 0.0) -> list[Path]:
    """Run the target at ``index``, type ``typed``, and shoot once ``moment`` (or the run's end) is on screen, and
    ``hold`` seconds after it."""
    written: list[Path] = []
    async with app.run_test(size=NORMAL) as pilot:
        app.pick(index)
        await pilot.pause()
        await pilot.press("enter")
        deadline = time.monotonic() + DEADLINE

        def reached() -> bool:
            with app.session.model_lock:
                model = app.session.model
                return model.run.main is not None and (moment(model) or model.run.ended)

        async def wait(predicate: Callable[[], bool]) -> None:
            while not predicate() and time.monotonic() < deadline:
                await pilot.pause(0.02)

        await wait(lambda: app.run_state.running or reached())  # a short run may be over before it is seen running
        for line in typed:
            await wait(lambda: len(app.session.model.lines) >= 1)
            await pilot.press("i", *line, "enter", "escape")
        await wait(reached)
        if hold:
            await pilot.pause(hold)
        seen = app.updates
        await wait(lambda: app.updates > seen)  # the moment has been drawn
        await pilot.pause()
        written += await both_layouts(app, pilot, out, stem)
    return written


async def both_layouts(app: ContuiApp, pilot: Pilot[int], out: Path, stem: str) -> list[Path]:
    """Shoot the screen as it is, then the same moment in projector mode (the switch redraws at once, no need to
    wait for the run), dark and light (``b``), and quit."""
    written = [save(app, out, stem)]
    await pilot.press("p")
    await pilot.resize_terminal(*PROJECTOR)
    await pilot.pause()
    await pilot.pause()
    written.append(save(app, out, f"{stem}_projector"))
    await pilot.press("b")
    await pilot.pause()
    await pilot.pause()
    written.append(save(app, out, f"{stem}_projector_light"))
    await pilot.press("q")
    return written


STEP_SCENARIO = "ticket_lock"  # step mode shown where it teaches most: who gets the lock is the teacher's choice
STEPS = 36  # '.' presses after the start: the buyers have started, one holds the lock, others wait for it


async def shoot_step_mode(out: Path, speed: float) -> list[Path]:
    """Step mode, a REAL run held: ``.`` starts the ticket sale held, then STEPS more ``.`` each let one buyer do one
    thing; the shot shows who is held at what, the next step in the status line, and the marked lines."""
    app = ContuiApp(speed=speed)
    index = next(i for i, t in enumerate(app.targets) if t.scenario is not None and t.scenario.id == STEP_SCENARIO)
    written: list[Path] = []
    async with app.run_test(size=NORMAL) as pilot:
        app.pick(index)
        await pilot.pause()
        deadline = time.monotonic() + DEADLINE

        def held_now() -> tuple[object, ...]:
            with app.session.model_lock:
                return tuple(th.held for th in app.session.model.held())

        await pilot.press("full_stop")
        while not held_now() and time.monotonic() < deadline:
            await pilot.pause(0.02)
        for _ in range(STEPS):
            before = held_now()
            await pilot.press("full_stop")
            while held_now() == before and time.monotonic() < deadline:
                await pilot.pause(0.02)
        seen = app.updates
        while app.updates == seen and time.monotonic() < deadline:
            await pilot.pause(0.02)
        await pilot.pause()
        written += await both_layouts(app, pilot, out, "step_mode")
    return written


LOOK_SCENARIO = "zombie"  # looking back where it teaches most: the child a zombie, long after the run has ended
LOOK_KEYS = ("home", "right_curly_bracket", "right_curly_bracket")  # the cursor to the start, then 2 s on


async def shoot_look_back(out: Path, speed: float) -> list[Path]:
    """Looking back, a REAL run: the zombie scenario run to its end, then the cursor put 2 s into it (Home, }, }):
    every pane as it stood then, the cursor's time in the status line."""
    app = ContuiApp(speed=speed)
    index = next(i for i, t in enumerate(app.targets) if t.scenario is not None and t.scenario.id == LOOK_SCENARIO)
    written: list[Path] = []
    async with app.run_test(size=NORMAL) as pilot:
        app.pick(index)
        await pilot.pause()
        await pilot.press("enter")
        deadline = time.monotonic() + DEADLINE

        def ended() -> bool:
            with app.session.model_lock:
                return app.session.model.run.ended and not app.run_state.running

        while not ended() and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.press(LOOK_KEYS[0])
        while app.look is None and time.monotonic() < deadline:
            await pilot.pause(0.02)
        await pilot.press(*LOOK_KEYS[1:])
        await pilot.pause()
        written += await both_layouts(app, pilot, out, "look_back")
    return written


BROWSER_SCENARIO = "ticket_lock"
BROWSER_SIZES = {"browser": {"width": 1280, "height": 800}, "browser_phone": {"width": 390, "height": 844}}


async def shoot_browser(out: Path, speed: float) -> list[Path]:
    """The page a student follows the run in (contui --share), in headless Chromium: the ticket sale with a lock
    held and buyers waiting, on a laptop (English and Chinese) and a phone; then, the run over, looked back at
    halfway through. Beside them, the teacher's screen counting the followers."""
    from tui.share.browser import browser_page, page_shows
    from tui.share.server import ShareServer

    server = ShareServer(port=0)
    server.start()
    written: list[Path] = []
    try:
        app = ContuiApp(speed=speed, share=server)
        index = next(i for i, t in enumerate(app.targets) if t.scenario is not None
                     and t.scenario.id == BROWSER_SCENARIO)
        async with app.run_test(size=NORMAL) as pilot, browser_page(viewport=BROWSER_SIZES["browser"]) as page, \
                browser_page(viewport=BROWSER_SIZES["browser_phone"], device_scale_factor=2) as phone:
            await page.goto(server.url())
            await phone.goto(server.url())
            app.pick(index)
            await pilot.pause()
            await pilot.press("enter")
            deadline = time.monotonic() + DEADLINE
            while not _lock_queue(app.session.model) and time.monotonic() < deadline:
                await pilot.pause(0.02)
            await pilot.press("space")  # frozen where the lock is held and buyers wait, for every shot alike
            await page_shows(page, "#state", "frozen")
            await page_shows(phone, "#state", "frozen")
            written.append(save(app, out, "share_teacher"))
            for stem, shown in (("browser", page), ("browser_phone", phone)):
                await shown.screenshot(path=str(out / f"{stem}.png"), full_page=stem == "browser_phone")
                written.append(out / f"{stem}.png")
            await page.click("#lang")
            await page_shows(page, "#state", "已冻结")
            await page.screenshot(path=str(out / "browser_zh.png"))
            written.append(out / "browser_zh.png")
            await page.click("#lang")
            await pilot.press("space")
            while not (app.session.model.run.ended and not app.run_state.running) and time.monotonic() < deadline:
                await pilot.pause(0.05)
            await page_shows(page, "#state", "ended")
            await page.focus("#scrub")
            await page.keyboard.press("Home")
            for _ in range(20):  # half way, a fortieth of the run a press
                await page.keyboard.press("ArrowRight")
            await page.wait_for_function("!document.querySelector('#follow').classList.contains('on')")
            await page.screenshot(path=str(out / "browser_look_back.png"))
            written.append(out / "browser_look_back.png")
    finally:
        server.close()
    return written


def save(app: ContuiApp, out: Path, stem: str) -> Path:
    svg = app.export_screenshot(title=f"contui · {stem}")
    path = out / f"{stem}.svg"
    path.write_text(svg, encoding="utf-8")
    svg_to_png(svg, out / f"{stem}.png")
    return path


_TEXT = re.compile(r'<text class="([^"]*)" x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)" '
                   r'clip-path="([^"]*)">([^<]*)</text>')


def _blank(char: str) -> bool:
    return char in " \xa0"  # rich writes spaces as no-break spaces


def _split_cells(match: re.Match[str]) -> str:
    """A text run split so that each character sits at its own cell: cairosvg ignores textLength, and draws with
    whatever fonts the machine has (Fira Code is seldom one), so a run drawn whole drifts from its cells: axis
    labels crowd together, a badge's last letter spills out of its box, CJK and block glyphs (a lane's ▒) come from
    fallback fonts of other widths. Blanks draw nothing and are left out."""
    cls, x, y, length, clip, body = match.groups()
    text = html.unescape(body)
    if len(text) <= 1:
        return match.group(0)
    per_cell = float(length) / len(text)  # rich's textLength counts characters, not cells
    pos = float(x)
    parts = []
    for char in text:
        width = cell_len(char) * per_cell
        if not _blank(char):
            font = f' style="font-family: {WIDE_FONT}"' if get_character_cell_size(char) == 2 else ""
            parts.append(f'<text class="{cls}" x="{pos:.1f}" y="{y}" textLength="{width:.1f}" '
                         f'clip-path="{clip}"{font}>{html.escape(char, quote=False)}</text>')
        pos += width
    return "".join(parts)


def svg_to_png(svg: str, path: Path) -> None:
    """Render with cairosvg, every character at its own cell (see _split_cells); wide (CJK) ones in a CJK font."""
    import cairosvg

    cairosvg.svg2png(bytestring=_TEXT.sub(_split_cells, svg).encode("utf-8"), write_to=str(path))


def write_index(out: Path, scenarios: list[Scenario]) -> None:
    rows = ["# contui screenshots", "",
            "Made by `python -m tui.screenshots` from real runs: each scenario (and each example of "
            "`docs/examples/`) is started in a headless app and shot once its point is on screen, in the normal "
            f"layout ({NORMAL[0]}×{NORMAL[1]}) and in projector mode ({PROJECTOR[0]}×{PROJECTOR[1]}), with its dark "
            "and its light theme (`b`). The SVGs are "
            "what Textual exported; the PNGs are the same pictures rendered with cairosvg (the Chinese text needs a "
            "CJK font such as Debian's fonts-noto-cjk, else it shows as boxes; the SVGs render in any browser).", "",
            "## The course's scenarios", "",
            "| # | scenario | normal | projector | projector, light |", "|---|---|---|---|---|"]
    for s in scenarios:
        rows.append(f"| {s.number} | {s.title_en} · {s.title_zh} | {_links(f'{s.number:02d}_{s.id}')} |")
    rows += ["", "## One script per primitive (`docs/examples/`)", "",
             "| example | what it holds until Enter | normal | projector | projector, light |", "|---|---|---|---|---|"]
    for name in EXAMPLES:
        rows.append(f"| [{name}.py](../docs/examples/{name}.py) | {_first_line(name)} | {_links(f'example_{name}')} |")
    rows += ["", "## Step mode", "",
             "| run | what it shows | normal | projector | projector, light |", "|---|---|---|---|---|",
             f"| {STEP_SCENARIO}, {STEPS + 1} presses of `.` | who is held at what, who holds the lock and who waits, "
             f"the next step in the status line, the held lines marked in the Code pane | {_links('step_mode')} |"]
    rows += ["", "## Looking back", "",
             "| run | what it shows | normal | projector | projector, light |", "|---|---|---|---|---|",
             f"| {LOOK_SCENARIO}, run to its end, then `Home` `}}` `}}` | every pane as the run stood 2 s in (the child "
             f"a zombie), the cursor's time in the status line; `contui replay` shows the same | "
             f"{_links('look_back')} |"]
    rows += ["", "## The class follows in browsers (`contui --share`)", "",
             "Headless Chromium on the page a student opens, while the teacher's app runs "
             f"{BROWSER_SCENARIO} (frozen with the lock held and buyers waiting):", "",
             "| what | picture |", "|---|---|",
             "| the page on a laptop (1280×800) | [png](browser.png) |",
             "| the same in Chinese (the page's 中文 button) | [png](browser_zh.png) |",
             "| on a phone (390 wide) | [png](browser_phone.png) |",
             "| looked back at halfway through, in that page only (the run over) | [png](browser_look_back.png) |",
             "| the teacher's screen meanwhile: `⇄ 2 following` on the status line | "
             "[png](share_teacher.png) · [svg](share_teacher.svg) |"]
    (out / "README.md").write_text("\n".join(rows) + "\n", encoding="utf-8")


def _links(stem: str) -> str:
    return " | ".join(f"[png]({s}.png) · [svg]({s}.svg)" for s in (stem, f"{stem}_projector", f"{stem}_projector_light"))


def _first_line(name: str) -> str:
    """The first paragraph of the example's docstring: what it shows."""
    doc = ast.get_docstring(ast.parse((EXAMPLES_DIR / f"{name}.py").read_text(encoding="utf-8"))) or name
    return " ".join(doc.split("\n\n")[0].split()).replace("|", "\\|")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.screenshots", description=__doc__)
    parser.add_argument("ids", nargs="*", help="only these scenario ids or example names (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write (default: screenshots/)")
    parser.add_argument("--speed", type=float, default=1.0, help="run speed (default 1)")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    unknown = set(args.ids) - {s.id for s in catalog} - set(EXAMPLES) - {"step_mode", "look_back", "browser"}
    if unknown:
        parser.error(f"no scenario or example named {', '.join(sorted(unknown))}")
    shots = [(s.id, functools.partial(shoot, s)) for s in catalog if not args.ids or s.id in args.ids]
    shots += [(name, functools.partial(shoot_example, name)) for name in EXAMPLES if not args.ids or name in args.ids]
    if not args.ids or "step_mode" in args.ids:
        shots.append(("step_mode", shoot_step_mode))
    if not args.ids or "look_back" in args.ids:
        shots.append(("look_back", shoot_look_back))
    if not args.ids or "browser" in args.ids:
        shots.append(("browser", shoot_browser))
    args.out.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    for name, shot in shots:
        t0 = time.monotonic()
        paths = asyncio.run(shot(args.out, args.speed))
        print(f"{name:<20} {time.monotonic() - t0:5.1f}s  " + "  ".join(p.name for p in paths), flush=True)
    if not args.ids:
        write_index(args.out, catalog)
    print(f"{len(shots) * 3} screenshots in {args.out}/ in {time.monotonic() - began:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
