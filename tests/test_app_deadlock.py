"""A deadlock in the app, as a teacher sees it (Pilot): the run freezes the moment the cycle forms, a banner says who
holds what and waits for what (in the chosen language), and ``s`` stops the run, leaving nothing behind."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import run_processes, script, wait_until
from tests.test_app import SIZE, app_with, live_pids, pane_text, sync, wait_for
from tui.app import ContuiApp


def deadlocks(app: ContuiApp) -> int:
    with app.session.model_lock:
        return len(app.session.model.deadlocks)


def banner_text(app: ContuiApp) -> str:
    """The banner as the screen shows it, its lines joined ("" while hidden or not drawn yet)."""
    return " ".join(pane_text(app, "deadlock").split()) if app.deadlock_banner.display else ""


def deadlock_rows(text: str) -> list[str]:
    """The name (the first word that is one) on each line of a pane that carries the deadlock badge, sorted."""
    return sorted(next(w for w in line.replace("│", " ").split() if w[0].isalnum()) for line in text.splitlines()
                  if "✖ deadlock" in line and "found" not in line)


@sync
async def test_a_deadlock_freezes_the_run_and_a_banner_names_the_cycle() -> None:
    async with app_with("deadlock_threads.py", speed=1.0).run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, ContuiApp)
        app.pick(len(app.targets) - 1)
        assert not app.deadlock_banner.display
        await pilot.press("enter")
        await wait_for(pilot, lambda: deadlocks(app) == 1, what="the deadlock")
        await wait_for(pilot, lambda: app.session.frozen, what="the run to freeze")
        # The banner as read, whatever the lines it wraps into; once it is on screen (shown, then drawn).
        await wait_for(pilot, lambda: banner_text(app).startswith("⚠ DEADLOCK"), what="the banner")
        banner = banner_text(app)
        assert "DEADLOCK" in banner and "a_then_b holds mutex_a" in banner and "b_then_a holds mutex_b" in banner
        await wait_for(pilot, lambda: "FROZEN" in pane_text(app, "status"), what="the status line to say so")
        # The cycle is highlighted: its two threads in the tree, its two locks in the sync pane, a mark on the
        # timeline (one per thread of it); nothing else is.
        await wait_for(pilot, lambda: deadlock_rows(pane_text(app, "tree")) == ["a_then_b", "b_then_a"],
                       what="the tree to mark the cycle's threads")
        # (The sync pane may be too short for every card: those it shows.)
        await wait_for(pilot, lambda: deadlock_rows(pane_text(app, "locks")), what="the sync pane to mark a lock")
        assert set(deadlock_rows(pane_text(app, "locks"))) <= {"mutex_a", "mutex_b"}, pane_text(app, "locks")
        await wait_for(pilot, lambda: "✖ deadlock found" in pane_text(app, "timeline"), what="the timeline's legend")
        timeline_rows = [line for line in pane_text(app, "timeline").splitlines() if "✖" in line]
        assert sum("a_then_b" in line or "b_then_a" in line for line in timeline_rows) == 2
        # The Code pane marks where each thread took its lock and where it waits (the script's with-lines).
        source = Path(script("deadlock_threads.py")).read_text(encoding="utf-8").splitlines()
        with_lines = [n for n, line in enumerate(source, 1) if line.strip().startswith("with mutex_")]
        await wait_for(pilot, lambda: sorted(app.code_pane.marked) == with_lines, what="the code lines marked")
        await pilot.press("l")  # 中文
        await wait_for(pilot, lambda: "死锁" in pane_text(app, "deadlock"), what="the banner in Chinese")
        assert "持有" in pane_text(app, "deadlock") and "运行已冻结" in pane_text(app, "deadlock")
        pids = live_pids(app)
        assert pids
        await pilot.press("s")
        await wait_for(pilot, lambda: not app.session.running, what="the run to stop")
        await wait_for(pilot, lambda: "运行已冻结" not in pane_text(app, "deadlock"),
                       what="the banner to drop the hint")
        assert "死锁" in pane_text(app, "deadlock")  # the run's deadlock is still what it ended in
        await pilot.press("q")
    assert wait_until(lambda: not run_processes(), 3.0), run_processes()


@sync
async def test_a_stall_and_a_potential_deadlock_each_get_a_warning_banner() -> None:
    for name, title, words in (("stall_thread_queue.py", "STALL", "MainProcess waits for jobs (Queue)"),
                               ("lock_order_lucky.py", "POTENTIAL DEADLOCK", "a_then_b: mutex_a (line 10) → mutex_b (line 11)")):
        async with app_with(name, speed=1.0).run_test(size=SIZE) as pilot:
            app = pilot.app
            assert isinstance(app, ContuiApp)
            app.pick(len(app.targets) - 1)
            await pilot.press("enter")
            await wait_for(pilot, lambda: banner_text(app).startswith("⚠"), timeout=15, what=f"the {title} banner")
            banner = banner_text(app)
            assert banner.startswith(f"⚠ {title} ·") and words in banner
            assert app.deadlock_banner.has_class("-warning")
            assert not app.session.frozen  # only a deadlock freezes the run
            await pilot.press("s")
            await wait_for(pilot, lambda: not app.session.running, what="the run to stop")
            await pilot.press("q")
        assert wait_until(lambda: not run_processes(), 3.0), run_processes()
