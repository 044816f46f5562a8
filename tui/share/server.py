"""The follow server: one thread of contui's own process serves the run to any number of browsers, read-only.

It answers two requests, both only with the share's token in the query string (any other request gets 403):
``/`` is the page (tui/share/static/, with its script and style inlined: nothing comes from elsewhere, a classroom
may have no internet), ``/ws`` the websocket that carries the run (see docs/sharing.md for its messages).

What it sends is what :class:`~tui.share.feed.ShareFeed` made in the pump's thread, handed over with
:meth:`ShareServer.publish`. A browser that joins gets the run so far at once (its output, timeline and latest
frame); then every message, each follower at its own pace: a slow one is sent the newest frame and timeline, not a
backlog of old ones, and every printed line. A browser can ask for one thing: the frame at a moment of the run
(it looks back in its own view). Nothing here can reach the run: the server is given no session, runner or stdin.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import socket
import threading
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tui.engine.model import OUTPUT_WINDOW
from tui.share import DEFAULT_PORT, LOCAL_HOST
from tui.share.feed import encoded
from tui.share.view import state_table

MAX_REQUEST_BYTES = 1024  # a browser sends only "at" and "live"
HISTORY_FRAMES = 2000  # frames kept for looking back; beyond, every other older one is dropped
HISTORY_BYTES = 64 * 1024**2  # and at most this much of them (a run of many processes makes big frames)
REPLY_PREFIX = (b'{"type":"frame","scrubbed":false,', b'{"type":"frame","scrubbed":true,')


class ShareError(Exception):
    """The server cannot start (the port is taken, the host is not this machine's): one line says why."""


def page_html(lang: str) -> bytes:
    """The page, its script and style inlined."""
    static = resources.files("tui.share") / "static"
    html = (static / "index.html").read_text(encoding="utf-8")
    html = html.replace("/*PAGE_CSS*/", (static / "page.css").read_text(encoding="utf-8"))
    html = html.replace("/*PAGE_JS*/", (static / "page.js").read_text(encoding="utf-8"))
    return html.replace("__LANG__", lang).encode("utf-8")


@dataclass
class Mailbox:
    """What one follower has still to be sent, in order: a new run, printed lines, then the newest timeline and
    frame (older ones are replaced), the answer to its look back, and the number of followers."""

    hello: bytes | None = None
    run: bytes | None = None
    output: list[bytes] = field(default_factory=list)
    timeline: bytes | None = None
    frame: bytes | None = None
    reply: bytes | None = None
    followers: bytes | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def take(self) -> list[bytes]:
        out = [m for m in (self.hello, self.run, *self.output, self.timeline, self.frame, self.reply, self.followers)
               if m]
        self.hello = self.run = self.timeline = self.frame = self.reply = self.followers = None
        self.output = []
        self.ready.clear()
        return out


@dataclass
class RunSoFar:
    """Everything of the current run a joining browser needs, kept in the server's loop."""

    run: bytes | None = None
    lines: dict[int, dict[str, object]] = field(default_factory=dict)  # printed lines by their index
    timeline: bytes | None = None
    frame: bytes | None = None
    times: list[int] = field(default_factory=list)  # the run's time of each kept frame
    frames: list[bytes] = field(default_factory=list)
    size: int = 0  # bytes of the kept frames

    def keep_lines(self, lines: list[dict[str, object]]) -> None:
        """The newest lines, as many as the model keeps (a print loop left running must not grow contui)."""
        for line in lines:
            self.lines[line["i"]] = line  # type: ignore[index]
        if len(self.lines) > OUTPUT_WINDOW + OUTPUT_WINDOW // 10:
            for index in sorted(self.lines)[:len(self.lines) - OUTPUT_WINDOW]:
                del self.lines[index]

    def keep_frame(self, text: bytes, t: int) -> None:
        self.frame = text
        if self.times and t < self.times[-1]:
            t = self.times[-1]
        self.times.append(t)
        self.frames.append(text)
        self.size += len(text)
        while len(self.frames) > 2 and (len(self.frames) > HISTORY_FRAMES or self.size > HISTORY_BYTES):
            # Thin the older half: the newest moments stay finest.
            half = len(self.frames) // 2
            self.size -= sum(len(f) for f in self.frames[1:half:2])
            self.frames[:half] = self.frames[:half:2]
            self.times[:half] = self.times[:half:2]

    def frame_at(self, t: int) -> bytes | None:
        i = bisect_right(self.times, t) - 1
        if not self.frames:
            return None
        text = self.frames[max(i, 0)]
        return REPLY_PREFIX[1] + text[len(REPLY_PREFIX[0]):] if text.startswith(REPLY_PREFIX[0]) else text


class ShareServer:
    """Serve followers from a thread of its own. ``start()`` binds at once (so a taken port is said before the app
    starts) and raises ShareError; ``close()`` ends every connection and the thread."""

    def __init__(self, *, host: str = LOCAL_HOST, port: int = DEFAULT_PORT, lang: str = "en",
                 on_followers: Callable[[int], None] | None = None, token: str | None = None) -> None:
        self.host = host
        self.port = port
        self.lang = lang
        self.token = token or secrets.token_urlsafe(18)
        self.on_followers = on_followers
        self._page: bytes | None = None  # read at the first request
        self._hello = b""
        self.set_lang(lang)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self._sock: socket.socket | None = None
        self._run = RunSoFar()
        self._boxes: dict[ServerConnection, Mailbox] = {}
        self._started = threading.Event()
        self._failed: BaseException | None = None

    # -- contui's side ----------------------------------------------------------------------------------------
    def start(self) -> None:
        try:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
            family = infos[0][0]
            self._sock = socket.create_server((self.host, self.port), family=family, reuse_port=False)
        except (OSError, UnicodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise ShareError(f"cannot share on {self.host}:{self.port}: {reason.lower()}") from None
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="contui-share", daemon=True)
        self._thread.start()
        self._started.wait(5.0)
        if self._failed is not None:
            raise ShareError(f"cannot share: {self._failed}")

    def url(self, host: str | None = None) -> str:
        shown = host or self.host
        if ":" in shown:
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}/?token={self.token}"

    def links(self) -> list[str]:
        """The page's link, with its token: on every address of this machine's networks when it listens on all of
        them (0.0.0.0), so the teacher can give the class the one their network reaches."""
        if self.host not in ("0.0.0.0", "::", ""):
            return [self.url()]
        import psutil

        addresses = [a.address for addrs in psutil.net_if_addrs().values() for a in addrs
                     if a.family == socket.AF_INET and not a.address.startswith("127.")]
        return [self.url(address) for address in addresses] or [self.url(LOCAL_HOST)]

    @property
    def link(self) -> str:
        return self.links()[0]

    def publish(self, kind: str, text: bytes, data: object = None) -> None:
        """Hand a message made by the feed (in the pump's thread) to the server's loop: ``text`` as sent, ``data``
        what the server keeps of it (an output message's lines, a frame's time)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._publish, kind, text, data)
            except RuntimeError:  # the loop closed meanwhile: contui is going
                pass

    def close(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:
                pass
        if self._thread is not None:
            self._thread.join(5.0)
        if self._sock is not None:
            self._sock.close()

    def set_lang(self, lang: str) -> None:
        """The teacher's language: a page opened from now on starts in it (each student may switch)."""
        self.lang = lang
        self._page = None
        # One assignment, read by the server's thread: it sees the old hello or the new one, whole.
        self._hello = encoded({"type": "hello", "version": 1, "states": state_table(), "lang": lang})

    @property
    def followers(self) -> int:
        return len(self._boxes)

    # -- the server's loop ------------------------------------------------------------------------------------
    def _serve(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # said by start(), or lost with contui's end
            self._failed = exc
            self._started.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server: Server
        async with serve(self._follow, sock=self._sock, process_request=self._check, max_size=MAX_REQUEST_BYTES,
                         compression=None, ping_interval=20, ping_timeout=20) as server:
            self._started.set()
            await self._stop.wait()
            server.close()
        self._loop = None

    def _allowed(self, path: str) -> bool:
        tokens = parse_qs(urlsplit(path).query).get("token", [])
        return any(hmac.compare_digest(token.encode(), self.token.encode()) for token in tokens)

    def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        """Every request needs the token; ``/`` is the page, ``/ws`` goes on to the websocket."""
        if not self._allowed(request.path):
            return _response(HTTPStatus.FORBIDDEN, b"403 forbidden: this page needs the link with its token\n")
        where = urlsplit(request.path).path
        if where == "/ws":
            return None
        if where in ("/", "/index.html"):
            page = self._page  # read once: the teacher's l may drop it meanwhile
            if page is None:
                page = self._page = page_html(self.lang)
            return _response(HTTPStatus.OK, page, "text/html; charset=utf-8")
        return _response(HTTPStatus.NOT_FOUND, b"404 not found\n")

    async def _follow(self, connection: ServerConnection) -> None:
        box = Mailbox(hello=self._hello)
        self._boxes[connection] = box
        self._fill(box)
        self._count_changed()
        sender = asyncio.create_task(self._send_to(connection, box))
        try:
            async for message in connection:
                self._asked(box, message)
        except ConnectionClosed:
            pass
        finally:
            sender.cancel()
            del self._boxes[connection]
            self._count_changed()

    def _fill(self, box: Mailbox) -> None:
        """Everything of the run so far, for a browser that joins (or whose run was just replaced)."""
        run = self._run
        box.run = run.run
        if run.lines:
            first = encoded({"type": "output", "run": _run_of(run.run), "lines": list(run.lines.values())})
            box.output.append(first)
        box.timeline = run.timeline
        box.frame = run.frame
        box.ready.set()

    async def _send_to(self, connection: ServerConnection, box: Mailbox) -> None:
        try:
            while True:
                await box.ready.wait()
                for text in box.take():
                    await connection.send(text, text=True)
        except ConnectionClosed:
            pass

    def _asked(self, box: Mailbox, message: str | bytes) -> None:
        """A browser's look back (``at``) or its return to the live run (``live``); anything else is ignored."""
        try:
            asked = json.loads(message)
        except (ValueError, TypeError):
            return
        if not isinstance(asked, dict):
            return
        if asked.get("type") == "at" and isinstance(asked.get("t"), (int, float)):
            box.reply = self._run.frame_at(int(asked["t"]))
        elif asked.get("type") == "live":
            box.frame = self._run.frame
        else:
            return
        box.ready.set()

    def _publish(self, kind: str, text: bytes, data: object) -> None:
        run = self._run
        if kind == "run":
            self._run = run = RunSoFar(run=text)
            for box in self._boxes.values():
                box.output = []
                box.timeline = box.frame = box.reply = None
                box.run = text
                box.ready.set()
            return
        if kind == "output":
            run.keep_lines(data)  # type: ignore[arg-type]
            for box in self._boxes.values():
                box.output.append(text)
                box.ready.set()
            return
        if kind == "timeline":
            run.timeline = text
            for box in self._boxes.values():
                box.timeline = text
                box.ready.set()
            return
        if kind == "frame":
            run.keep_frame(text, int(data))  # type: ignore[call-overload]
            for box in self._boxes.values():
                box.frame = text
                box.ready.set()

    def _count_changed(self) -> None:
        n = len(self._boxes)
        text = encoded({"type": "followers", "n": n})
        for box in self._boxes.values():
            box.followers = text
            box.ready.set()
        if self.on_followers is not None:
            self.on_followers(n)


def _response(status: HTTPStatus, body: bytes, content_type: str = "text/plain; charset=utf-8") -> Response:
    headers = Headers([("Content-Type", content_type), ("Content-Length", str(len(body))),
                       ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                       ("Referrer-Policy", "no-referrer")])
    return Response(status.value, status.phrase, headers, body)


def _run_of(run_text: bytes | None) -> int:
    return int(json.loads(run_text)["run"]) if run_text else 0

