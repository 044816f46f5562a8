"""Headless Chromium, driven by Playwright: what the browser test and ``python -m tui.screenshots`` look at the
shared page with. Debian's Chromium (``apt-get install chromium``), not a browser Playwright downloads: the
machines have no network but the package registries. Playwright is a dev dependency; nothing else imports this.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psutil
from playwright.async_api import Page, async_playwright

from tui.inside.prctl import PR_SET_CHILD_SUBREAPER, prctl

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root and with no network: no sandbox (it needs a user namespace), and none of Chromium's calls home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-crash-reporter", "--disable-breakpad"]
PAGE_WAIT_MS = 10_000


CHROMIUM_NAMES = frozenset({"chromium", "chrome_crashpad", "chrome_crashpad_handler", "chrome"})
GONE_WITHIN = 10.0  # s Chromium's processes may take to end once it is closed


@asynccontextmanager
async def browser_page(**context: Any) -> AsyncIterator[Page]:
    """A page of a fresh headless Chromium; ``context``: Playwright's (viewport, device_scale_factor...).

    Chromium leaves processes of its own (its crash handler, its zygotes) to be reaped by whoever adopts them: this
    process adopts them while the browser lives (a child subreaper) and reaps every one once it is closed, so none
    is left behind for an init that reaps late."""
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = await (await browser.new_context(**context)).new_page()
                yield page
            finally:
                await browser.close()
        await asyncio.to_thread(_reap_chromium)
    finally:
        prctl(PR_SET_CHILD_SUBREAPER, 0)


def _reap_chromium() -> None:
    """Wait for every Chromium process this process adopted, and reap it (by pid: other children are not ours)."""
    deadline = time.monotonic() + GONE_WITHIN
    while True:
        left = []
        for proc in (p for p in psutil.Process().children() if _is_chromium(p)):
            if time.monotonic() > deadline:
                proc.kill()
            try:
                if not os.waitpid(proc.pid, os.WNOHANG)[0]:
                    left.append(proc)
            except ChildProcessError:
                pass
        if not left:
            return
        time.sleep(0.02)


def _is_chromium(proc: psutil.Process) -> bool:
    try:
        return proc.name() in CHROMIUM_NAMES
    except psutil.Error:
        return False


async def page_shows(page: Page, selector: str, text: str, timeout_ms: int = PAGE_WAIT_MS) -> None:
    """Wait until the element's text holds ``text``."""
    await page.wait_for_function("([selector, text]) => (document.querySelector(selector)?.innerText ?? '')"
                                 ".includes(text)", arg=[selector, text], timeout=timeout_ms)
