"""Share: the burst (20,000 lines in about a second) shown in the headless app and shared with 40 followers (websocket
clients in a process of their own, benchmarks/followers.py) while keys are pressed, as in app_burst.

Figures: the teacher's key -> screen (worst press; app_burst's target), the share's CPU (its server thread, plus the
messages made in the pump's thread) as a share of one core over the run, each frame's delay from the moment its
oldest change was folded to a follower's receipt (p95), followers whose final view is not the teacher's (the frame's
panes, every printed line and the timeline, made from the app's model at the end), and a follower that joins halfway
through: the time until it has the run so far (every line printed by then, a frame and the timeline).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from benchmarks.app_burst import noting, presses_during_burst
from benchmarks.app_common import SIZE, contui_app, paint_log
from benchmarks.common import Figure, env, patched, percentile, script_target
from benchmarks.followers import digest

FOLLOWERS = 40
FIGURES = [
    Figure("share.key_max_ms", f"share, {FOLLOWERS} followers, burst: key -> screen, worst press (wall)", "ms", 150.0),
    Figure("share.cpu_pct", "share: its CPU (server thread + messages made), % of one core over the run", "%", 25.0),
    Figure("share.delay_p95_ms", "share: a change folded -> a follower has it, p95", "ms", 250.0),
    Figure("share.followers_off", "share: followers whose final view is not the teacher's", "followers", 0.0),
    Figure("share.join_s", "share: a follower joining halfway has the run so far", "s", 1.0),
]
REPEATS = 3
ROOT = Path(__file__).resolve().parent.parent


def thread_cpu(native_id: int) -> float:
    """CPU seconds (user + system) of one thread of this process."""
    fields = Path(f"/proc/self/task/{native_id}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(quick: bool) -> dict[str, float]:
    from tui.share.feed import ShareFeed
    from tui.share.server import ShareServer
    from tui.share.view import Lanes, frame
    from tui.status import RunState
    from tui.widgets.status import StatusLine

    lines = 2000 if quick else 20_000
    shown: list[tuple[int, str]] = []
    server = ShareServer(port=0)
    server.start()
    share_thread = next(t for t in threading.enumerate() if t.name == "contui-share")
    url = server.url().replace("http://", "ws://").replace("/?", "/ws?")
    followers = subprocess.Popen([sys.executable, "-m", "benchmarks.followers", url, str(FOLLOWERS)], cwd=ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def say(command: str) -> None:
        assert followers.stdin is not None
        followers.stdin.write(command + "\n")
        followers.stdin.flush()

    def heard() -> str:
        assert followers.stdout is not None
        return followers.stdout.readline().strip()

    async def go() -> dict[str, Any]:
        log = paint_log()
        app = contui_app([script_target("burst.py")], share=server)
        feed: ShareFeed = app._share_feed
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            if await asyncio.to_thread(heard) != "ready":
                raise RuntimeError("the followers did not connect")

            async def join_halfway() -> None:
                while len(app.session.model.lines) < lines // 2 and not app.session.model.run.ended:
                    await asyncio.sleep(0.005)
                say(f"join {len(app.session.model.lines)}")
                await asyncio.to_thread(heard)

            cpu0, busy0, wall0 = thread_cpu(share_thread.native_id), feed.busy, time.monotonic()
            process0 = time.process_time()
            joiner = asyncio.create_task(join_halfway())
            latencies = await presses_during_burst(app, log, shown, lines, quick, time.monotonic() + 60)
            await joiner
            model = app.session.model
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and (server._run.frame is None
                                                   or json.loads(server._run.frame)["n"] != model.events):
                await asyncio.sleep(0.01)
            cpu = thread_cpu(share_thread.native_id) - cpu0 + feed.busy - busy0
            wall = time.monotonic() - wall0
            # The app without its share: what one more app per browser (textual-serve's way) would cost each.
            app_cpu = time.process_time() - process0 - cpu
            say(f"stop {model.events}")
            report = json.loads(await asyncio.to_thread(heard))
            teacher = digest({**frame(model, RunState()), "n": model.events},
                             {i: model.lines[i].text for i in range(model.lines.first, len(model.lines))},
                             Lanes().timeline(model))
            await pilot.press("q")
        return {"latencies": latencies, "cpu_pct": 100 * cpu / wall, "report": report, "teacher": teacher,
                "app_cpu_pct": 100 * app_cpu / wall, "rss_mb": psutil.Process().memory_info().rss / 2**20}

    try:
        with patched(StatusLine, "show", noting(shown)), env(BENCH_LINES=str(lines)):
            out = asyncio.run(go())
    finally:
        server.close()
        followers.kill()
        followers.wait()
    report = out["report"]
    if not out["latencies"]:
        raise RuntimeError("no key was pressed during the burst")
    return {
        "share.key_max_ms": max(out["latencies"]),
        "share.cpu_pct": out["cpu_pct"],
        "share.delay_p95_ms": 1000 * percentile(report["delays"], 95),
        "share.followers_off": float(sum(d != out["teacher"] for d in report["digests"])),
        "share.join_s": report["join_seconds"],
        "share.frames_per_follower": len(report["delays"]) / FOLLOWERS,
        # For the choice against one app per browser (docs/sharing.md): what the teacher's app itself takes.
        "share.app_cpu_pct": out["app_cpu_pct"],
        "share.app_rss_mb": out["rss_mb"],
    }
