"""The sandbox HTTP server: one loopback server that mounts the three emulators by prefix.

`start()` runs it on a background thread (used by `--sandbox` and the tests);
`serve()` runs it in the foreground (`outreach sandbox serve`).
"""

from __future__ import annotations

import contextlib
import http.client
import importlib
import json
import os
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from .store import Store
from .web import Request, Response

DEFAULT_DB = os.path.join(".outreach", "sandbox.sqlite3")
EMULATORS = ("sendkit", "lemlist", "puffle")
MAX_BODY = 8 * 1024 * 1024  # bytes: larger bodies are answered 413 unread
# Like a production server: a request line and headers of at most 64 KB together (431, then
# the connection is closed), and each request received whole (line, headers, body) within
# TIMEOUT seconds of the server starting to wait for it, so a slow or idle client (also an
# idle keep-alive connection) is dropped instead of holding a thread.
MAX_HEADER = 64 * 1024
TIMEOUT = 5.0
BODY_METHODS = ("POST", "PATCH", "PUT")
# What --fault-rate injects: `status` answers 429/5xx without acting; `lost` acts, then
# drops the connection before answering (the client cannot tell whether it landed); `drop`
# drops the connection without acting.
FAULT_KINDS = ("status", "lost", "drop")


class Emulator(Protocol):
    prefix: str  # e.g. "/sendkit/v1"

    def handle(self, request: Request) -> Response: ...


@dataclass
class Faults:
    """Injected latency and failures, reproducible with a seed."""

    latency_ms: float = 0.0
    fault_rate: float = 0.0
    seed: int | None = None
    kinds: tuple[str, ...] = ("status",)
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        unknown = sorted(set(self.kinds) - set(FAULT_KINDS))
        if unknown or not self.kinds:
            raise ValueError(f"unknown fault kinds {unknown}; choose from {', '.join(FAULT_KINDS)}")

    def pick(self) -> int | None:
        """Return an HTTP status to fail this request with, or None (see `draw`)."""
        kind, status = self.draw()
        return status if kind == "status" else None

    def draw(self) -> tuple[str | None, int | None]:
        """(kind, status) of this request's fault, or (None, None)."""
        with self._lock:
            if self.fault_rate <= 0 or self._rng.random() >= self.fault_rate:
                return None, None
            kind = self._rng.choice(self.kinds)
            return kind, (self._rng.choice([429, 500, 502, 503, 504]) if kind == "status" else None)


class DropConnection(Exception):
    """Close the connection without an answer (a `lost` or `drop` fault)."""


class Sandbox:
    """All emulators over one store."""

    def __init__(
        self, store: Store, faults: Faults | None = None, *, rate_limit: bool = False
    ) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.rate_limit = rate_limit
        self.emulators: list[Emulator] = []
        for name in EMULATORS:
            try:
                module = importlib.import_module(f"{__package__}.{name}")
            except ModuleNotFoundError as exc:  # a build without that emulator
                if exc.name != f"{__package__}.{name}":
                    raise
                continue
            emu = module.Emulator(store)
            # A platform's documented rate limit (lemlist's) is enforced only when asked.
            if hasattr(emu, "enforce_rate_limit"):
                emu.enforce_rate_limit = rate_limit
            self.emulators.append(emu)
        self.request_log: list[tuple[str, str, int]] = []
        self._log_lock = threading.Lock()

    def tick(self, seconds: float) -> dict[str, Any]:
        """Move the shared simulated clock once, then let every emulator catch up."""
        self.store.advance(seconds)
        summary: dict[str, Any] = {}
        for emu in self.emulators:
            tick = getattr(emu, "tick", None)
            if tick is not None:
                summary[emu.prefix.split("/")[1]] = tick(seconds, advance=False)
        return summary

    def events(self) -> list[dict[str, Any]]:
        """Every platform's event log in one shape: provider, at, event, campaign, data (each
        platform's own record under data), oldest first within a platform."""
        out: list[dict[str, Any]] = []
        for emu in self.emulators:
            events = getattr(emu, "events", None)
            name = emu.prefix.split("/")[1]
            out.extend(_one_shape(name, e) for e in (events() if events else []))
        return out

    def dispatch(self, request: Request) -> Response:
        for emu in self.emulators:
            if request.path == emu.prefix or request.path.startswith(emu.prefix + "/"):
                request.path = request.path[len(emu.prefix) :] or "/"
                if self.faults.latency_ms:
                    time.sleep(self.faults.latency_ms / 1000.0)
                kind, status = self.faults.draw()
                if kind == "drop":
                    raise DropConnection()
                if status is not None:
                    headers = {"Retry-After": "0"} if status == 429 else {}
                    return Response(status, "injected fault", headers)
                resp = emu.handle(request)
                if kind == "lost":
                    raise DropConnection()
                return resp
        return Response(404, {"error": "no emulator at this path"})


class _HeaderTooLarge(http.client.HTTPException):
    """The request line and headers are over MAX_HEADER (http.server answers 431)."""


class _Reader:
    """The connection's input with a deadline per request and a budget for its headers.

    Every read waits at most until the request's deadline (a read that would pass it raises
    TimeoutError, which http.server answers by closing the connection), and reads one chunk
    at a time, so a client trickling bytes cannot stretch the deadline."""

    def __init__(self, raw: Any, sock: Any, timeout: float, max_header: int) -> None:
        self._raw = raw
        self._sock = sock
        self._timeout = timeout
        self._max_header = max_header
        self.start()

    def start(self) -> None:
        """A new request: its deadline starts now, its headers are still to come."""
        self._deadline = time.monotonic() + self._timeout
        self._header_bytes = 0
        self._lines = 0
        self._in_headers = True

    def _arm(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._sock.settimeout(left)

    def readline(self, limit: int = -1) -> bytes:
        out = bytearray()
        while limit < 0 or len(out) < limit:
            self._arm()
            chunk = self._raw.peek(1)  # at most one receive when nothing is buffered
            if not chunk:
                break
            end = chunk.find(b"\n")
            take = len(chunk) if end < 0 else end + 1
            if limit >= 0:
                take = min(take, limit - len(out))
            out += self._raw.read(take)
            if (
                self._in_headers
                and self._lines
                and self._header_bytes + len(out) > self._max_header
            ):
                raise _HeaderTooLarge(f"headers over {self._max_header} bytes")
            if out.endswith(b"\n"):
                break
        if self._in_headers:
            self._lines += 1
            self._header_bytes += len(out)
            if self._lines > 1 and bytes(out) in (b"\r\n", b"\n", b""):
                self._in_headers = False
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            self._arm()
            chunk = self._raw.read1(65536 if size < 0 else min(65536, size - len(out)))
            if not chunk:
                break
            out += chunk
        return bytes(out)

    def close(self) -> None:
        self._raw.close()

    @property
    def closed(self) -> bool:
        return bool(self._raw.closed)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a keep-alive client's delayed ACK
    # stalls every response by ~40 ms. TCP_NODELAY makes a loopback request take ~1 ms.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr logging
        return

    def setup(self) -> None:
        super().setup()
        self.rfile = _Reader(self.rfile, self.connection, self.server.request_timeout, MAX_HEADER)  # type: ignore[assignment]

    def handle_one_request(self) -> None:
        self.rfile.start()  # type: ignore[attr-defined]
        super().handle_one_request()

    def _refuse(self, status: int, message: str, close: bool = True) -> None:
        """Answer a request the server will not hand to an emulator (bad framing, size,
        method, content type), closing the connection when its framing cannot be trusted."""
        payload = json.dumps({"error": {"code": _REASONS[status], "message": message}}).encode()
        self.close_connection = close
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        if status == 405:
            self.send_header("Allow", "GET, POST, PATCH, PUT, DELETE, HEAD")
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _body(self) -> bytes | None:
        """The request body, or None after answering 400/411/413 for bad framing."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._refuse(411, "chunked bodies are not accepted: send Content-Length")
            return None
        raw = self.headers.get("Content-Length")
        if raw is None or raw.strip() == "":
            return b""
        if not raw.strip().isdigit():
            self._refuse(400, f"bad Content-Length {raw[:40]!r}")
            return None
        length = int(raw)
        if length > MAX_BODY:
            self._refuse(413, f"body of {length} bytes is over the {MAX_BODY}-byte limit")
            return None
        return self.rfile.read(length) if length else b""

    def _do(self) -> None:
        parts = urlsplit(self.path)
        body = self._body()
        if body is None:
            return
        # Read whole: the answer gets the full timeout to be written, whatever was left.
        self.connection.settimeout(self.server.request_timeout)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if (
            self.command in BODY_METHODS
            and body.strip()
            and ctype != "application/json"
            and not ctype.endswith("+json")
        ):
            self._refuse(
                415, f"Content-Type {ctype or '(none)'!r} is not application/json", close=False
            )
            return
        req = Request.build(self.command, parts.path, parts.query, dict(self.headers.items()), body)
        try:
            resp = self.server.sandbox.dispatch(req)
        except DropConnection:
            self.close_connection = True
            return
        except Exception as exc:  # an emulator bug must still answer, like a real 500
            resp = Response(500, {"error": "InternalError", "message": repr(exc)})
        payload, ctype = resp.encode()
        with self.server.sandbox._log_lock:
            self.server.sandbox.request_log.append((self.command, parts.path, resp.status))
        self.send_response(resp.status)
        headers = {"Content-Type": ctype, **resp.headers}
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _do

    def _not_allowed(self) -> None:
        self._refuse(405, f"method {self.command} is not allowed")

    def __getattr__(self, name: str) -> Any:
        # Any other method (OPTIONS, TRACE, FOO): 405 with Allow, not http.server's 501 page.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def handle(self) -> None:
        # A client that hung up has nothing to be answered, and nothing to report.
        with contextlib.suppress(ConnectionError, TimeoutError):
            super().handle()


_REASONS = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    411: "LENGTH_REQUIRED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A real backlog: socketserver's default of 5 refuses bursts of concurrent connects.
    request_queue_size = 256
    request_timeout = TIMEOUT
    sandbox: Sandbox

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a hang-up is not a server error
        super().handle_error(request, client_address)


@dataclass
class Running:
    """A sandbox running on a background thread."""

    url: str
    sandbox: Sandbox
    _server: _Server
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _one_shape(provider: str, event: dict[str, Any]) -> dict[str, Any]:
    inner = event.get("data")
    data: dict[str, Any] = inner if isinstance(inner, dict) else event
    at = event.get("timestamp") or event.get("at") or event.get("createdAt")
    kind = event.get("event") or event.get("type") or "event"
    if provider == "puffle" and "event" not in event:
        kind = f"prospect.{kind}"  # Puffle's log records a prospect's new status
    campaign = data.get("campaignId") or data.get("campaign_id") or event.get("campaign_id")
    return {
        "provider": provider,
        "at": at,
        "event": kind,
        "campaign": None if campaign is None else str(campaign),
        "data": data,
    }


def _make(
    db_path: str,
    host: str,
    port: int,
    faults: Faults | None,
    rate_limit: bool,
    timeout: float = TIMEOUT,
) -> _Server:
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the sandbox listens on loopback only")
    if not timeout > 0:
        raise ValueError("the timeout is a number of seconds above 0")
    server = _Server((host, port), _Handler)
    server.request_timeout = timeout
    server.sandbox = Sandbox(Store(db_path), faults, rate_limit=rate_limit)
    return server


def start(
    db_path: str = ":memory:",
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Faults | None = None,
    rate_limit: bool = False,
    timeout: float = TIMEOUT,
) -> Running:
    """Start the sandbox on a background thread; port 0 picks a free port.

    `rate_limit`: enforce the platforms' documented rate limits (lemlist's 20 requests per
    2 s per key, with 429s); off by default, since a loopback sandbox protects no quota."""
    server = _make(db_path, host, port, faults, rate_limit, timeout)
    # A short poll interval: stop() waits for the loop to notice, and the default 0.5 s made
    # every test that starts a sandbox half a second slower.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.02},
        name="outreach-sandbox",
        daemon=True,
    )
    thread.start()
    h, p = server.server_address[:2]
    return Running(f"http://{h!s}:{p}", server.sandbox, server, thread)


def serve(
    db_path: str = DEFAULT_DB,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    faults: Faults | None = None,
    ready: Any = None,
    rate_limit: bool = False,
    timeout: float = TIMEOUT,
) -> None:
    """Serve in the foreground until interrupted (`rate_limit`: as for `start`)."""
    server = _make(db_path, host, port, faults, rate_limit, timeout)
    if ready is not None:
        h, p = server.server_address[:2]
        ready(f"http://{h!s}:{p}")
    try:
        server.serve_forever()
    finally:
        server.server_close()
