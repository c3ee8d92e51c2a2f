"""The HTTP client against a real loopback server that plays scripted responses."""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from outreach_cli import __version__
from outreach_cli.errors import ApiError, NetworkError, OutreachError
from outreach_cli.http import Api, RateLimiter, RetryPolicy, check_url, parse_retry_after

# ---------------------------------------------------------------------------------------------
# The scripted server


@dataclass(frozen=True)
class Seen:
    method: str
    path: str  # without the query string
    target: str  # as sent, with the query string
    headers: dict[str, str]  # names lower-cased
    body: bytes


DROP = "drop"  # close the socket without answering


class ScriptedServer:
    """Answers each path from its own queue of (status, headers, body); records every request."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Any]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.requests: list[Seen] = []
        self.url = ""

    def reply(
        self, path: str, status: int = 200, body: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
            ctype = "application/json"
        else:
            payload = (body or "").encode() if isinstance(body, str) or body is None else body
            ctype = "text/plain; charset=utf-8"
        hdrs = {"Content-Type": ctype, **(headers or {})}
        with self._lock:
            self._queues[path].append((status, hdrs, payload))

    def drop(self, path: str) -> None:
        with self._lock:
            self._queues[path].append(DROP)

    def seen(self, path: str | None = None) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def _next(self, seen: Seen) -> Any:
        with self._lock:
            self.requests.append(seen)
            queue = self._queues[seen.path]
            if queue:
                return queue.popleft()
        unscripted = f"unscripted {seen.method} {seen.path}".encode()
        return (500, {"Content-Type": "text/plain"}, unscripted)


class _Handler(BaseHTTPRequestHandler):
    script: ScriptedServer  # set on the subclass made per server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(
            self.command,
            urlsplit(self.path).path,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            body,
        )
        step = self.script._next(seen)
        if step == DROP:
            self.close_connection = True
            return
        status, headers, payload = step
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    script = ScriptedServer()
    handler = type("Handler", (_Handler,), {"script": script})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    host, port = httpd.server_address[:2]
    script.url = f"http://{host}:{port}"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield script
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def make_api(server: ScriptedServer) -> Iterator[Callable[..., Api]]:
    """Build clients on the scripted server with tiny backoffs; close them afterwards."""
    made: list[Api] = []

    def make(**kw: Any) -> Api:
        kw.setdefault("retry", RetryPolicy(base=0.001))
        kw.setdefault("timeout", 5.0)
        api = Api("sendkit", server.url, **kw)
        made.append(api)
        return api

    yield make
    for api in made:
        api.close()


class JitterSpy:
    """A RetryPolicy jitter that counts calls: each call is one computed backoff."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        return 0.0


# ---------------------------------------------------------------------------------------------
# Retries


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_get_is_retried_on_transient_status_then_succeeds(server, make_api, status):
    server.reply("/campaigns", status, {"error": "busy"})
    server.reply("/campaigns", 200, {"success": True, "data": [1, 2]})
    api = make_api()

    reply = api.get("/campaigns")

    assert reply.status == 200
    assert reply.data == {"success": True, "data": [1, 2]}
    assert [r.method for r in server.seen("/campaigns")] == ["GET", "GET"]
    assert api.requests_sent == 2
    assert api.rate_limited == (1 if status == 429 else 0)


def test_patch_is_retried_only_where_the_caller_says_it_is_safe(server, make_api):
    server.reply("/campaigns/a", 500, "boom")
    server.reply("/campaigns/a", 200, {"ok": True})
    server.reply("/campaigns/b", 500, "boom")
    api = make_api()

    assert api.patch("/campaigns/a", json={"name": "x"}, retry=True).data == {"ok": True}
    with pytest.raises(ApiError):
        api.patch("/campaigns/b", json={"name": "x"})
    assert len(server.seen("/campaigns/a")) == 2 and len(server.seen("/campaigns/b")) == 1


def test_ids_are_quoted_into_one_path_segment():
    from outreach_cli.http import seg

    assert seg("../../../lemlist/api/team") == "..%2F..%2F..%2Flemlist%2Fapi%2Fteam"
    assert seg("x?limit=1") == "x%3Flimit%3D1"


def test_get_is_retried_after_dropped_connection(server, make_api):
    server.drop("/campaigns")
    server.reply("/campaigns", 200, {"ok": True})
    api = make_api()

    assert api.get("/campaigns").data == {"ok": True}
    assert len(server.seen("/campaigns")) == 2


def test_retry_after_zero_is_used_instead_of_backoff(server, make_api):
    server.reply("/campaigns", 503, "busy", headers={"Retry-After": "0"})
    server.reply("/campaigns", 200, {"ok": True})
    spy = JitterSpy()
    api = make_api(retry=RetryPolicy(base=0.001, jitter=spy))

    assert api.get("/campaigns").status == 200
    assert len(server.seen("/campaigns")) == 2
    assert spy.calls == 0  # the server's wait was taken, no backoff computed


def test_retry_after_http_date_is_used_instead_of_backoff(server, make_api):
    # A date already past means "retry now"; the date form must still be understood.
    server.reply(
        "/campaigns", 429, "slow down", headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
    )
    server.reply("/campaigns", 200, {"ok": True})
    spy = JitterSpy()
    api = make_api(retry=RetryPolicy(base=0.001, jitter=spy))

    assert api.get("/campaigns").status == 200
    assert len(server.seen("/campaigns")) == 2
    assert spy.calls == 0


def test_without_retry_after_the_backoff_is_used(server, make_api):
    server.reply("/campaigns", 502, "bad gateway")
    server.reply("/campaigns", 200, {"ok": True})
    spy = JitterSpy()
    api = make_api(retry=RetryPolicy(base=0.001, jitter=spy))

    assert api.get("/campaigns").status == 200
    assert spy.calls == 1


def test_post_is_not_retried_on_503(server, make_api):
    server.reply(
        "/campaigns",
        503,
        {"success": False, "error": {"code": "UNAVAILABLE", "message": "try later"}},
    )
    server.reply("/campaigns", 201, {"success": True})  # must never be reached
    api = make_api()

    with pytest.raises(ApiError) as info:
        api.post("/campaigns", json={"name": "Q2"})

    assert info.value.status == 503
    assert info.value.code == "UNAVAILABLE"
    seen = server.seen("/campaigns")
    assert [r.method for r in seen] == ["POST"]
    assert json.loads(seen[0].body) == {"name": "Q2"}


def test_post_is_not_retried_after_dropped_connection(server, make_api):
    server.drop("/campaigns")
    server.reply("/campaigns", 201, {"success": True})  # must never be reached
    api = make_api()

    with pytest.raises(NetworkError) as info:
        api.post("/campaigns", json={"name": "Q2"})

    assert "POST /campaigns failed" in info.value.message
    assert "OUTREACH_SENDKIT_URL" in (info.value.hint or "")
    assert [r.method for r in server.seen("/campaigns")] == ["POST"]


def test_post_is_retried_after_429(server, make_api):
    server.reply("/campaigns", 429, "Too Many Requests", headers={"Retry-After": "0"})
    server.reply("/campaigns", 201, {"success": True, "data": {"_id": "c1"}})
    api = make_api()

    reply = api.post("/campaigns", json={"name": "Q2"})

    assert reply.status == 201
    assert reply.data["data"]["_id"] == "c1"
    seen = server.seen("/campaigns")
    assert [r.method for r in seen] == ["POST", "POST"]
    assert seen[0].body == seen[1].body


def test_post_with_explicit_retry_is_retried_on_503(server, make_api):
    server.reply("/campaigns/c1/pause", 503, "busy")
    server.reply("/campaigns/c1/pause", 200, {"ok": True})
    api = make_api()

    assert api.post("/campaigns/c1/pause", retry=True).status == 200
    assert len(server.seen("/campaigns/c1/pause")) == 2


def test_attempts_are_bounded(server, make_api):
    for _ in range(5):
        server.reply("/campaigns", 503, "still down")
    api = make_api(retry=RetryPolicy(attempts=3, base=0.001))

    with pytest.raises(ApiError) as info:
        api.get("/campaigns")

    assert info.value.status == 503
    assert info.value.detail == "still down"
    assert len(server.seen("/campaigns")) == 3
    assert api.requests_sent == 3


def test_dropped_connections_are_bounded(server, make_api):
    for _ in range(5):
        server.drop("/campaigns")
    api = make_api(retry=RetryPolicy(attempts=3, base=0.001))

    with pytest.raises(NetworkError):
        api.get("/campaigns")
    assert len(server.seen("/campaigns")) == 3


def test_client_errors_are_not_retried(server, make_api):
    server.reply(
        "/campaigns/x",
        400,
        {"success": False, "error": {"code": "INVALID_TAG", "message": "bad tag"}},
    )
    api = make_api()

    with pytest.raises(ApiError) as info:
        api.get("/campaigns/x")
    assert (info.value.status, info.value.code) == (400, "INVALID_TAG")
    assert len(server.seen()) == 1


def test_ok_statuses_are_returned_not_raised(server, make_api):
    server.reply(
        "/campaigns/x", 404, {"success": False, "error": {"code": "NOT_FOUND", "message": "gone"}}
    )
    api = make_api()

    reply = api.get("/campaigns/x", ok=(404,))
    assert reply.status == 404
    assert reply.data["error"]["code"] == "NOT_FOUND"


# ---------------------------------------------------------------------------------------------
# Retry-After parsing


def test_parse_retry_after_seconds():
    assert parse_retry_after("0") == 0.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0


def test_parse_retry_after_http_date_against_fixed_now():
    when = datetime(2015, 10, 21, 7, 28, 0, tzinfo=timezone.utc)
    header = format_datetime(when, usegmt=True)
    assert header == "Wed, 21 Oct 2015 07:28:00 GMT"

    assert parse_retry_after(header, now=when.timestamp() - 30) == 30.0
    assert parse_retry_after(header, now=when.timestamp()) == 0.0
    assert parse_retry_after(header, now=when.timestamp() + 60) == 0.0  # already past


@pytest.mark.parametrize("value", [None, "", "soon", "nan", "inf", "-inf"])
def test_parse_retry_after_rejects_what_is_not_a_wait(value):
    # A non-finite wait would crash (nan) or hang (inf) time.sleep().
    assert parse_retry_after(value) is None


def test_unusable_retry_after_falls_back_to_backoff(server, make_api):
    server.reply("/campaigns", 503, "busy", headers={"Retry-After": "nan"})
    server.reply("/campaigns", 200, {"ok": True})
    spy = JitterSpy()
    api = make_api(retry=RetryPolicy(base=0.001, jitter=spy))

    assert api.get("/campaigns").status == 200
    assert spy.calls == 1


# ---------------------------------------------------------------------------------------------
# Error bodies


def test_error_envelope_object(server, make_api):
    server.reply(
        "/campaigns/x",
        404,
        {"success": False, "error": {"code": "NOT_FOUND", "message": "Campaign not found"}},
    )
    api = make_api()

    with pytest.raises(ApiError) as info:
        api.get("/campaigns/x")

    err = info.value
    assert (err.provider, err.status, err.code, err.detail) == (
        "sendkit",
        404,
        "NOT_FOUND",
        "Campaign not found",
    )
    assert err.message == "sendkit API 404 NOT_FOUND: Campaign not found (GET /campaigns/x)"


def test_error_string_with_message(server, make_api):
    server.reply(
        "/workspaces/w/api-key",
        403,
        {"error": "Forbidden", "message": "Only owners can rotate keys", "code": 403},
    )
    api = make_api()

    with pytest.raises(ApiError) as info:
        api.post("/workspaces/w/api-key")

    assert info.value.status == 403
    assert info.value.code is None
    assert info.value.detail == "Forbidden: Only owners can rotate keys"


def test_error_plain_text(server, make_api):
    server.reply("/campaigns/x", 404, "Campaign not found")
    api = make_api()

    with pytest.raises(ApiError) as info:
        api.get("/campaigns/x")

    assert (info.value.status, info.value.code, info.value.detail) == (
        404,
        None,
        "Campaign not found",
    )


def test_error_empty_body_names_the_status(server, make_api):
    # 501 (not implemented) is not transient: answered at once, not retried.
    server.reply("/campaigns/x", 501, "")
    api = make_api()

    with pytest.raises(ApiError) as info:
        api.get("/campaigns/x")
    assert info.value.detail == "HTTP 501"


def test_error_message_omits_the_query_string(server, make_api):
    server.reply("/campaigns", 404, "nope")
    api = make_api()

    with pytest.raises(ApiError) as info:
        api.get("/campaigns?access_token=tok_in_query")

    assert server.seen("/campaigns")[0].target == "/campaigns?access_token=tok_in_query"
    assert "tok_in_query" not in str(info.value)
    assert "(GET /campaigns)" in str(info.value)


# ---------------------------------------------------------------------------------------------
# URL policy


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9",
        "http://127.0.0.1:9/sendkit/v1",
        "http://[::1]:9",
        "http://localhost:9",
        "https://api.sendkit.ai/v1",
        "https://api.example.com",
        "https://10.0.0.1:8443",
    ],
)
def test_check_url_accepts_https_and_loopback(url):
    check_url(url)  # does not raise


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com",
        "http://api.example.com/v1",
        "http://10.0.0.1:8080",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
        "ftp://127.0.0.1",
    ],
)
def test_check_url_refuses_plain_http_off_loopback(url):
    with pytest.raises(OutreachError) as info:
        check_url(url)
    assert url in info.value.message
    assert "https://" in info.value.message


def test_api_refuses_plain_http_url():
    with pytest.raises(OutreachError):
        Api("sendkit", "http://api.example.com/v1", headers={"X-Api-Key": "sk_x"})


# ---------------------------------------------------------------------------------------------
# Redaction and headers


def test_credentials_never_appear_in_debug_logs(server, make_api, caplog):
    caplog.set_level(logging.DEBUG, logger="outreach.http")
    server.reply("/campaigns", 429, "slow", headers={"Retry-After": "0"})
    server.reply("/campaigns", 200, {"ok": True})
    server.reply("/campaigns", 200, {"ok": True})
    server.reply("/team", 401, "Unauthorized")
    sendkit = make_api(headers={"X-Api-Key": "sk_secret_value"})
    lemlist = make_api(auth=("", "lemlist-secret"))

    sendkit.get("/campaigns")
    lemlist.get("/campaigns?access_token=tok_query_secret")
    with pytest.raises(ApiError):
        lemlist.get("/team")

    basic = base64.b64encode(b":lemlist-secret").decode()
    # The credentials did go out: the test would prove nothing otherwise.
    seen = server.seen()
    assert seen[0].headers["x-api-key"] == "sk_secret_value"
    assert seen[2].headers["authorization"] == f"Basic {basic}"

    text = caplog.text
    # One line per request, the full URL without its query, the status and the time; no
    # headers at all.
    assert re.search(r"GET http://127\.0\.0\.1:\d+/campaigns → 429, \d+ ms", text)
    assert re.search(r"GET http://127\.0\.0\.1:\d+/campaigns → 200, \d+ ms", text)
    assert re.search(r"GET http://127\.0\.0\.1:\d+/team → 401, \d+ ms", text)
    for secret in ("sk_secret_value", "lemlist-secret", basic, "tok_query_secret"):
        assert secret not in text


def test_user_agent_is_sent(server, make_api):
    server.reply("/campaigns", 200, {"ok": True})
    make_api().get("/campaigns")

    ua = server.seen("/campaigns")[0].headers["user-agent"]
    assert ua.startswith("outreach/")
    assert ua.startswith(f"outreach/{__version__}")


# ---------------------------------------------------------------------------------------------
# Rate limiting


def _max_in_window(times: list[float], window: float) -> int:
    """The most acquires that fall within any half-open interval [t, t + window)."""
    times = sorted(times)
    best = 0
    for i, start in enumerate(times):
        best = max(best, sum(1 for t in times[i:] if t - start < window))
    return best


def test_rate_limiter_never_exceeds_limit_in_any_window():
    limiter = RateLimiter(limit=5, window=0.2)
    times: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker(n: int) -> None:
        start.wait()
        for _ in range(n):
            token = limiter.acquire()
            now = time.monotonic()
            with lock:
                times.append(now)
            limiter.release(token)

    threads = [threading.Thread(target=worker, args=(n,)) for n in (8, 8, 7, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)

    assert len(times) == 30
    # Never more than 5 in a window, and the limiter does let 5 through (it is not stuck at 1).
    assert _max_in_window(times, 0.2) == 5


def test_rate_limiter_counts_a_slow_request_until_its_answer():
    """A request in flight keeps its slot: the server may count it late (jitter, GC)."""
    limiter = RateLimiter(limit=2, window=0.1)
    first, second = limiter.acquire(), limiter.acquire()
    got: list[float] = []
    t = threading.Thread(target=lambda: got.append((limiter.acquire(), time.monotonic())[1]))
    t0 = time.monotonic()
    t.start()
    time.sleep(0.25)  # longer than the window: departure-counting would have let it through
    assert not got
    limiter.release(first)
    released = time.monotonic()
    t.join(timeout=5)
    assert got and got[0] - released >= 0.09  # one window after the answer, not the send
    assert got[0] - t0 >= 0.3
    limiter.release(second)


def test_max_in_window_helper_counts():
    assert _max_in_window([0.0, 0.125, 0.25, 0.375], 0.25) == 2  # half-open windows
    assert _max_in_window([0.0, 0.1, 0.19, 0.2, 0.21], 0.2) == 4
    assert _max_in_window([0.0, 0.0, 0.0, 0.5], 0.2) == 3


def test_rate_limiter_pause_holds_callers():
    limiter = RateLimiter(limit=100, window=1.0)
    limiter.pause(0.15)
    limiter.pause(0.0)  # a shorter pause never shortens a longer one
    began = time.monotonic()
    waited: list[float] = []

    def worker() -> None:
        limiter.acquire()
        waited.append(time.monotonic() - began)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)

    assert len(waited) == 3
    assert min(waited) >= 0.14


def test_rate_limit_remaining_zero_pauses_the_limiter(server, make_api):
    server.reply(
        "/campaigns",
        200,
        {"ok": True},
        headers={"X-RateLimit-Remaining": "0", "Retry-After": "0.25"},
    )
    limiter = RateLimiter(limit=100, window=1.0)
    api = make_api(limiter=limiter)

    api.get("/campaigns")
    began = time.monotonic()
    limiter.acquire()

    assert time.monotonic() - began >= 0.1


def test_a_failed_request_gives_its_limiter_slot_back():
    """An error that is not a transport error (here a bug in a transport) must not leak the
    slot: with a limit of 1, a leaked slot would block every later request forever."""
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("transport bug")
        return httpx.Response(200, json={"ok": True})

    limiter = RateLimiter(limit=1, window=0.05)
    api = Api(
        "lemlist",
        "https://api.example.test",
        limiter=limiter,
        transport=httpx.MockTransport(handler),
    )
    try:
        with pytest.raises(RuntimeError):
            api.get("/x")
        done = threading.Event()
        threading.Thread(target=lambda: (api.get("/x"), done.set()), daemon=True).start()
        assert done.wait(timeout=5), "the limiter slot of the failed request was never released"
    finally:
        api.close()


@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_beyond_the_cap_is_an_error_not_a_sleep(
    server, make_api, monkeypatch, status
):
    # A server asking for an hour gets an error now (MAX_RETRY_AFTER), not a silent wait.
    from outreach_cli import http as http_module

    slept: list[float] = []
    monkeypatch.setattr(http_module.time, "sleep", slept.append)
    wait = http_module.MAX_RETRY_AFTER + 1
    server.reply("/campaigns", status, "come back later", headers={"Retry-After": str(wait)})
    server.reply("/campaigns", 200, {"ok": True})  # must never be reached
    api = make_api()

    with pytest.raises(ApiError) as info:
        api.get("/campaigns")

    assert info.value.status == status
    assert len(server.seen("/campaigns")) == 1
    assert not any(s >= wait for s in slept)


def test_backoff_is_equal_jitter_doubling_to_the_cap() -> None:
    """What the docstring says: half of each step fixed, half random, doubling, capped."""
    from outreach_cli.http import RetryPolicy

    low, high = RetryPolicy(jitter=lambda: 0.0), RetryPolicy(jitter=lambda: 1.0)
    assert [low.backoff(n) for n in (1, 2, 3)] == [0.125, 0.25, 0.5]
    assert [high.backoff(n) for n in (1, 2, 3)] == [0.25, 0.5, 1.0]
    assert high.backoff(20) == high.cap and low.backoff(20) == high.cap / 2
