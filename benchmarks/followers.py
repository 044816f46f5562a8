"""Simulated browsers for the share benchmark: ``python -m benchmarks.followers URL N`` connects N websocket clients
to a shared run (in a process of their own, so that their work is not counted as the server's), each folding what
it is sent as the page does: the newest frame and timeline, every printed line by its index.

It reads commands on stdin, one a line: ``join LINES`` connects one more follower and says how long it took to have
the run so far (the first LINES printed lines, a frame and a timeline); ``stop EVENTS`` waits until every follower
has a frame of EVENTS events, then prints one JSON line: each follower's digest (see :func:`digest`), every frame's
delay (receipt - the moment its oldest change was folded, both ``time.monotonic``: one clock on one machine) and the
joiner's time.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any

STOP_WAIT = 30.0  # s a follower may take to reach the last frame before it is given up (and counted as behind)


def digest(frame: dict[str, Any] | None, lines: dict[int, str], timeline: dict[str, Any] | None) -> str:
    """What a follower shows, as one hash: the panes of the frame, every printed line, the timeline's lanes."""
    shown = {
        "frame": None if frame is None else {k: frame.get(k) for k in ("t", "n", "tree", "sync", "queues")},
        "lines": sorted(lines.items()),
        "timeline": None if timeline is None else {k: timeline.get(k) for k in ("t", "lanes")},
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# A frame's head, as the feed writes it: its delay is read at receipt without parsing the rest (40 followers in one
# process here stand for 40 laptops: parsing every message at once would measure this process's CPU, not the server).
FRAME_HEAD = re.compile(rb'^\{"type":"frame","scrubbed":false,"run":(\d+),"seq":\d+,"changed":([0-9.e+-]+),')


@dataclass
class Follower:
    frame: dict[str, Any] | None = None
    timeline: dict[str, Any] | None = None
    lines: dict[int, str] = field(default_factory=dict)
    delays: list[float] = field(default_factory=list)
    run: int = 0
    unread: list[bytes] = field(default_factory=list)  # received, to be folded when asked (see fold)

    def receive(self, raw: bytes) -> None:
        head = FRAME_HEAD.match(raw)
        if head is not None:
            self.delays.append(time.monotonic() - float(head[2]))
        self.unread.append(raw)

    def fold(self) -> None:
        """Fold what was received, as the page does."""
        for raw in self.unread:
            self.take(json.loads(raw))
        self.unread = []

    def take(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "run":
            self.run = message["run"]
            self.frame = self.timeline = None
            self.lines = {}
        elif kind == "frame" and message.get("run") == self.run:
            self.frame = message
        elif kind == "timeline" and message.get("run") == self.run:
            self.timeline = message
        elif kind == "output" and message.get("run") == self.run:
            for line in message["lines"]:
                self.lines[line["i"]] = line["text"]

    def has_run_so_far(self, lines: int) -> bool:
        return (self.frame is not None and self.timeline is not None
                and all(i in self.lines for i in range(lines)))


def last_events(follower: Follower) -> int:
    """How many events the newest frame received had folded (-1: none yet)."""
    for raw in reversed(follower.unread):
        if FRAME_HEAD.match(raw):
            return int(json.loads(raw)["n"])
    return -1 if follower.frame is None else int(follower.frame["n"])


async def follow(url: str, follower: Follower, until: asyncio.Event, ready: asyncio.Event | None = None,
                 check: Any = None) -> None:
    from websockets.asyncio.client import connect

    async with connect(url, max_size=None, compression=None) as ws:
        if ready is not None:
            ready.set()
        while not until.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(decode=False), 0.2)
            except asyncio.TimeoutError:
                continue
            follower.receive(raw)
            if check is not None:  # the joiner: it folds as it goes, to know when it has the run so far
                follower.fold()
                check()


async def main(url: str, n: int) -> None:
    followers = [Follower() for _ in range(n)]
    done = asyncio.Event()
    connected = [asyncio.Event() for _ in range(n)]
    tasks = [asyncio.create_task(follow(url, f, done, ready)) for f, ready in zip(followers, connected)]
    for ready in connected:
        await ready.wait()
    print("ready", flush=True)
    join_seconds = float("nan")
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    joiner_done = asyncio.Event()
    while True:
        command = (await reader.readline()).decode().split()
        if not command:
            break
        if command[0] == "join":
            lines = int(command[1])
            joiner = Follower()
            started = time.monotonic()
            seen = asyncio.Event()

            def check() -> None:
                if not seen.is_set() and joiner.has_run_so_far(lines):
                    seen.set()

            task = asyncio.create_task(follow(url, joiner, joiner_done, check=check))
            try:
                await asyncio.wait_for(seen.wait(), 10.0)
                join_seconds = time.monotonic() - started
            except asyncio.TimeoutError:
                pass
            joiner_done.set()
            await task
            print("joined", flush=True)
        elif command[0] == "stop":
            events = int(command[1])
            deadline = time.monotonic() + STOP_WAIT
            while time.monotonic() < deadline and not all(last_events(f) >= events for f in followers):
                await asyncio.sleep(0.05)
            done.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            for f in followers:
                f.fold()
            print(json.dumps({
                "digests": [digest(f.frame, f.lines, f.timeline) for f in followers],
                "delays": [d for f in followers for d in f.delays],
                "join_seconds": join_seconds,
            }), flush=True)
            return


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
