"""Sharing a run with browsers (tui/share/): what the feed makes of a model, what the server lets in and sends, and the
command line. The page itself, in a real browser, is tests/test_share_browser.py."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tui.cli import main
from tui.engine.catalog import load_catalog, Target
from tui.engine.events import read_jsonl
from tui.engine.model import Model
from tui.share.feed import ShareFeed
from tui.share.server import ShareServer
from tui.share.view import Lanes, frame
from tui.status import RunState

RECORDINGS = Path(__file__).parent / "recordings"
LIVE = RunState(running=True)


class Clock:
    """A feed's clock that the test moves: every frame is due when the test says so, not when a machine gets to it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def feed_recording(name: str, *, step: int = 25,
                   publish: Any = None) -> tuple[Model, list[tuple[str, dict[str, Any]]], Target]:
    """Fold a recording ``step`` events at a time, offering the model to a feed after each batch as the pump does
    (a tenth of a second apart), then once more at the run's end. ``publish``: also hand each message to it."""
    scenario = next(s for s in load_catalog() if s.id == name)
    target = Target(scenario.path, scenario)
    sent: list[tuple[str, dict[str, Any]]] = []

    def keep(kind: str, text: bytes, data: object) -> None:
        sent.append((kind, json.loads(text)))
        if publish is not None:
            publish(kind, text, data)

    clock = Clock()
    feed = ShareFeed(keep, clock=clock)
    model = Model()
    events = read_jsonl(str(RECORDINGS / f"{name}.jsonl"))
    for start in range(0, len(events), step):
        model.apply_many(events[start:start + step])
        clock.now += 0.1
        feed.offer(model, LIVE, target)
    clock.now += 0.1
    feed.offer(model, RunState(), target)
    return model, sent, target


def last(sent: list[tuple[str, dict[str, Any]]], kind: str) -> dict[str, Any]:
    return next(message for k, message in reversed(sent) if k == kind)


@pytest.mark.parametrize("name", ["ticket_lock", "producer_consumer", "dining_philosophers"])
def test_the_feeds_last_messages_are_the_models_own_panes_lines_and_timeline(name: str) -> None:
    model, sent, _ = feed_recording(name)
    final = last(sent, "frame")
    expected = frame(model, RunState())
    assert {k: final[k] for k in ("t", "n", "tree", "sync", "queues", "state")} == {
        k: expected[k] for k in ("t", "n", "tree", "sync", "queues", "state")}
    assert final["state"] == "ended"
    lines: dict[int, str] = {}
    for kind, message in sent:
        if kind == "output":
            lines.update({line["i"]: line["text"] for line in message["lines"]})
    assert lines == {i: line.text for i, line in enumerate(model.lines)}
    assert last(sent, "timeline")["lanes"] == Lanes().timeline(model)["lanes"]
    assert len(final["tree"]["en"]) == len(final["tree"]["zh"]) > 0


def test_the_tree_is_sent_in_both_languages_with_the_terminals_words() -> None:
    model, sent, _ = feed_recording("zombie")
    final = last(sent, "frame")
    english = ["".join(text for text, _ in row["runs"]) for row in final["tree"]["en"]]
    chinese = ["".join(text for text, _ in row["runs"]) for row in final["tree"]["zh"]]
    assert any("exited" in row for row in english)
    assert any("已退出" in row for row in chinese)
    assert not any("exited" in row for row in chinese)
    # Badges keep their state's colour, as the terminal draws them.
    assert any("background-color:#808080" in css for row in final["tree"]["en"] for _, css in row["runs"])


def test_a_new_model_is_a_new_run_with_the_scenarios_title_in_both_languages() -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    clock = Clock()
    feed = ShareFeed(lambda kind, text, data: sent.append((kind, json.loads(text))), clock=clock)
    scenarios = load_catalog()
    first, second = (Target(s.path, s) for s in scenarios[:2])
    feed.offer(Model(), LIVE, first)
    clock.now += 1
    feed.offer(Model(), LIVE, second)
    runs = [message for kind, message in sent if kind == "run"]
    assert [r["run"] for r in runs] == [1, 2]
    assert runs[1]["title"] == {"en": f"2 · {scenarios[1].title_en}", "zh": f"2 · {scenarios[1].title_zh}"}
    frames = [message for kind, message in sent if kind == "frame"]
    assert [f["run"] for f in frames] == [1, 2]


def test_frames_keep_to_the_rate_limit_and_a_held_back_change_is_sent_when_due() -> None:
    sent: list[str] = []
    clock = Clock()
    feed = ShareFeed(lambda kind, text, data: sent.append(kind), clock=clock)
    model = Model()
    events = read_jsonl(str(RECORDINGS / "ticket_lock.jsonl"))
    feed.offer(model, LIVE, None)
    assert sent.count("frame") == 1
    model.apply_many(events[:200])
    feed.offer(model, LIVE, None)  # too soon: held back
    assert sent.count("frame") == 1
    assert 0 < feed.wait() <= 0.1
    clock.now += feed.wait()
    feed.offer(model, LIVE, None)  # nothing new since, but the held-back change is due
    assert sent.count("frame") == 2
    assert feed.wait() == float("inf")


# -- the server ------------------------------------------------------------------------------------------------------
@pytest.fixture
def server() -> Iterator[ShareServer]:
    shared = ShareServer(port=0)
    shared.start()
    try:
        yield shared
    finally:
        shared.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_every_request_without_the_token_is_refused(server: ShareServer) -> None:
    base = f"http://127.0.0.1:{server.port}"
    assert get(f"{base}/")[0] == 403
    assert get(f"{base}/?token=wrong")[0] == 403
    assert get(f"{base}/ws")[0] == 403
    assert get(f"{base}/?token={server.token[:-1]}")[0] == 403
    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(_connect(f"ws://127.0.0.1:{server.port}/ws"))
    assert refused.value.response.status_code == 403
    assert len(server.token) >= 24  # 18 random bytes


async def _connect(url: str) -> None:
    async with connect(url):
        pass


def test_the_page_comes_whole_from_contui_with_the_token(server: ShareServer) -> None:
    status, page = get(server.url())
    assert status == 200
    assert "<script>" in page and "/*PAGE_JS*/" not in page and "/*PAGE_CSS*/" not in page
    # Nothing loaded from elsewhere: a classroom may have no internet.
    for outside in ("src=", "href=\"http", "href='http", "@import", "url(http", "//cdn"):
        assert outside not in page, outside


def test_without_host_it_listens_on_loopback_only(server: ShareServer) -> None:
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{server.port}"], capture_output=True, text=True,
                               check=True).stdout.split()
    local = [field for field in listening if field.endswith(f":{server.port}")]
    assert local == [f"127.0.0.1:{server.port}"]


def publish_run(server: ShareServer, name: str) -> Model:
    """What a feed sends of a whole recorded run, handed to ``server`` as the pump would."""
    model, _, _ = feed_recording(name, publish=server.publish)
    done = threading.Event()
    server._loop.call_soon_threadsafe(done.set)  # type: ignore[union-attr]  # after every message published
    assert done.wait(10)
    return model


async def messages_until(ws: Any, kind: str, *, scrubbed: bool | None = None) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        got.append(message)
        if message["type"] == kind and (scrubbed is None or message.get("scrubbed") == scrubbed):
            return got


def test_a_browser_joining_late_gets_the_run_so_far_at_once_and_looks_back_on_its_own(server: ShareServer) -> None:
    model = publish_run(server, "ticket_lock")

    async def follow() -> None:
        async with connect(server.url().replace("http", "ws").replace("/?", "/ws?")) as ws:
            got = await messages_until(ws, "frame")
            kinds = [m["type"] for m in got]
            assert kinds[:2] == ["hello", "run"]
            assert kinds.index("output") < kinds.index("timeline") < kinds.index("frame")
            lines = [line for m in got if m["type"] == "output" for line in m["lines"]]
            assert [line["text"] for line in lines] == [line.text for line in model.lines]
            assert got[-1]["n"] == model.events and got[-1]["scrubbed"] is False
            # Looking back: the frame at that moment, for this browser only.
            halfway = model.now // 2
            await ws.send(json.dumps({"type": "at", "t": halfway}))
            reply = (await messages_until(ws, "frame", scrubbed=True))[-1]
            assert reply["t"] <= halfway
            # Anything else a browser says is ignored: the connection goes on, and "live" brings the newest back.
            for junk in ('{"type": "stop"}', '{"type": "stdin", "text": "x"}', "not json", "[1, 2]"):
                await ws.send(junk)
            await ws.send(json.dumps({"type": "live"}))
            back = (await messages_until(ws, "frame", scrubbed=False))[-1]
            assert back["n"] == model.events

    asyncio.run(follow())


def test_the_follower_count_goes_up_and_down_with_browsers(server: ShareServer) -> None:
    counts: list[int] = []
    changed = threading.Condition()

    def told(n: int) -> None:
        with changed:
            counts.append(n)
            changed.notify_all()

    server.on_followers = told
    url = server.url().replace("http", "ws").replace("/?", "/ws?")

    async def two_then_one() -> None:
        async with connect(url) as first:
            async with connect(url):
                await messages_until(first, "followers")
                await asyncio.to_thread(_wait_for_count, changed, counts, 2)
            await asyncio.to_thread(_wait_for_count, changed, counts, 1)

    asyncio.run(two_then_one())
    with changed:
        changed.wait_for(lambda: counts[-1:] == [0], timeout=10)
    assert counts[:2] == [1, 2] and counts[-2:] == [1, 0]


def _wait_for_count(changed: threading.Condition, counts: list[int], n: int) -> None:
    with changed:
        assert changed.wait_for(lambda: counts[-1:] == [n], timeout=10)


# -- the command line ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, said", [
    (["--host", "0.0.0.0"], "--host and --port go with --share"),
    (["--port", "9000"], "--host and --port go with --share"),
    (["--share", "--port", "70000"], "not a port number (0-65535): '70000'"),
    (["--share", "--port", "http"], "not a port number (0-65535): 'http'"),
])
def test_share_options_misused_say_so_in_one_line(argv: list[str], said: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err


def test_a_port_already_taken_is_one_line_before_the_app_starts(server: ShareServer) -> None:
    from tui.cli import ShareRequest, UsageError, _start_share

    with pytest.raises(UsageError, match=rf"cannot share on 127.0.0.1:{server.port}: address already in use"):
        _start_share(ShareRequest("127.0.0.1", server.port), "en")


def test_what_the_server_keeps_of_a_run_is_bounded_and_looking_back_still_finds_each_moment() -> None:
    from tui.share.server import HISTORY_FRAMES, RunSoFar

    run = RunSoFar()
    for t in range(3 * HISTORY_FRAMES):
        run.keep_frame(b'{"type":"frame","scrubbed":false,"t":%d}' % t, t)
    assert len(run.frames) <= HISTORY_FRAMES and run.size == sum(map(len, run.frames))
    assert run.frames[-1].endswith(b"%d}" % (3 * HISTORY_FRAMES - 1))  # the newest is always kept
    assert run.times[0] == 0 and run.times[-HISTORY_FRAMES // 4:] == list(  # the first and the newest quarter
        range(3 * HISTORY_FRAMES - HISTORY_FRAMES // 4, 3 * HISTORY_FRAMES))
    for asked in (0, 1234, 3 * HISTORY_FRAMES - 1):
        answer = run.frame_at(asked)
        assert answer is not None and answer.startswith(b'{"type":"frame","scrubbed":true,')
        shown = int(answer.rpartition(b":")[2].rstrip(b"}"))
        assert shown == max(t for t in run.times if t <= asked)  # the newest kept moment at or before it


def test_the_server_keeps_as_many_printed_lines_as_the_model_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.share import server as share_server

    monkeypatch.setattr(share_server, "OUTPUT_WINDOW", 100)
    run = share_server.RunSoFar()
    for start in range(0, 1000, 50):
        run.keep_lines([{"i": i, "text": f"line {i}"} for i in range(start, start + 50)])
    assert 100 <= len(run.lines) <= 110 and max(run.lines) == 999
    assert sorted(run.lines) == list(range(1000 - len(run.lines), 1000))  # the newest, none missing between


def test_a_frozen_runs_held_lock_keeps_its_held_time_on_the_page_as_on_the_terminal() -> None:
    from tui.engine.events import CLOCK, Event

    sent: list[tuple[str, dict[str, Any]]] = []
    clock = Clock()
    feed = ShareFeed(lambda kind, text, data: sent.append((kind, json.loads(text))), clock=clock)
    model = Model()
    for event in read_jsonl(str(RECORDINGS / "ticket_lock.jsonl")):
        model.apply(event)
        if any(lock.owners for lock in model.locks.values()):
            break
    frozen = RunState(running=True, frozen=True)
    feed.offer(model, frozen, None)
    held_then = last(sent, "frame")["sync"]["en"]
    main = model.run.main or 0
    for seconds in (1, 2, 3):  # the OS's samples go on while frozen: the model's clock moves
        model.apply(Event(model.now + 1_000_000_000, CLOCK, main))
        clock.now += 1
        feed.offer(model, frozen, None)
    assert last(sent, "frame")["sync"]["en"] == held_then
    model.apply(Event(model.now + 1_000_000_000, CLOCK, main))
    clock.now += 1
    feed.offer(model, LIVE, None)  # thawed: the held time moves on
    assert last(sent, "frame")["sync"]["en"] != held_then


def test_a_deadlock_comes_with_the_terminals_banner_in_both_languages() -> None:
    _, sent, _ = feed_recording("deadlock")
    frames = [message for kind, message in sent if kind == "frame"]
    assert frames[0]["banner"] is None
    final = frames[-1]["banner"]
    assert final["kind"] == "deadlock"
    english, chinese = ("".join(text for text, _ in final[lang]) for lang in ("en", "zh"))
    assert "DEADLOCK" in english and "死锁" in chinese
    assert "space" not in english  # the teacher's key hint: a page has no keys


def test_a_page_opened_after_the_teacher_switched_language_starts_in_it(server: ShareServer) -> None:
    assert '<html lang="en">' in get(server.url())[1]
    server.set_lang("zh")
    assert '<html lang="zh">' in get(server.url())[1]

    async def hello() -> dict[str, Any]:
        async with connect(server.url().replace("http", "ws").replace("/?", "/ws?")) as ws:
            return json.loads(await asyncio.wait_for(ws.recv(), 10))

    assert asyncio.run(hello())["lang"] == "zh"
