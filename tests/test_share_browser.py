"""The shared run in a real browser: headless Chromium (Debian's, driven by Playwright) loads the page with the
link's token and follows the teacher's app as keys are pressed; without the token it gets 403."""

from __future__ import annotations

import pytest

from tests.test_app import SIZE, index_of, sync, wait_for
from tui.app import ContuiApp
from tui.share.browser import PAGE_WAIT_MS, browser_page, page_shows
from tui.share.server import ShareServer


@pytest.mark.timeout(120)
@sync
async def test_the_page_follows_the_teachers_run_freeze_step_and_switch_and_refuses_a_link_without_token() -> None:
    server = ShareServer(port=0)
    server.start()
    errors: list[str] = []
    try:
        app = ContuiApp(share=server)
        async with app.run_test(size=SIZE) as pilot, browser_page() as page:
            page.on("pageerror", lambda error: errors.append(str(error)))
            refused = await page.goto(f"http://127.0.0.1:{server.port}/")
            assert refused is not None and refused.status == 403
            loaded = await page.goto(server.url())
            assert loaded is not None and loaded.status == 200
            await wait_for(pilot, lambda: app.followers == 1, what="the teacher's screen counts the browser")
            assert "⇄ 1 following" in str(app.status_line.render())
            app.clear_notifications()
            await pilot.press("w")  # the link again, for a student who came late
            assert any(server.url() in n.message for n in app._notifications)

            app.pick(index_of(app, "echo_server"))
            await pilot.pause()
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.run_state.running, what="the echo server running")
            await page_shows(page, "#title", "15 ·")
            await page_shows(page, "#tree", "MainProcess")
            main = app.session.model.run.main
            await page_shows(page, "#tree", f"[{main}]")
            await page_shows(page, "#state", "running")

            await pilot.press("space")  # the teacher freezes the run: the page says so, and the OS's state shows
            await page_shows(page, "#state", "frozen")
            await page_shows(page, "#tree", "stopped")
            await pilot.press("space")
            await page_shows(page, "#state", "running")

            # Another scenario, started in step mode: the page follows the switch, and each step.
            app.pick(index_of(app, "process_function"))
            await pilot.pause()
            await pilot.press("full_stop")
            await page_shows(page, "#title", "1 ·")
            await page_shows(page, "#state", "stepping")
            await wait_for(pilot, lambda: app.session.model.run.main not in (None, main), what="the new run")
            await page_shows(page, "#tree", f"[{app.session.model.run.main}]")
            await page_shows(page, "#tree", "held")
            assert f"[{main}]" not in await page.inner_text("#tree")
            before = await page.inner_text("#tree")
            await pilot.press("full_stop")  # one step: the held thread does its next action, and is held again
            await page.wait_for_function("before => document.querySelector('#tree').innerText !== before",
                                         arg=before, timeout=PAGE_WAIT_MS)
            await pilot.press("l")  # the teacher switches to Chinese: a page opened from now on starts in it
            await page.goto(server.url())
            await page_shows(page, "#state", "单步模式")
            await page_shows(page, "#tree", "按住")
            await pilot.press("s")
    finally:
        server.close()
    assert errors == []
