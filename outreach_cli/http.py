"""The one HTTP client factory: auth, timeouts, rate limits, retries, redaction.

Providers call `Api.request()`; nothing else in the package talks HTTP.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from . import __version__
from .errors import ApiError, NetworkError, OutreachError
from .urlpath import seg as seg  # re-exported: the one quoting of ids into paths

log = logging.getLogger("outreach.http")

USER_AGENT = f"outreach/{__version__} (+https://github.com/outreach-cli)"
MAX_RETRY_AFTER = 120.0  # seconds
# 429 means "not processed": any request may be sent again. 500, 502, 503 and 504 are
# transient on every platform here (Puffle's launch documents a 500 after which "retrying is
# safe"), but may have been half-done, so they are retried only for requests that are safe to
# repeat (below). DESIGN.md and the README list the same five.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Which requests are safe to repeat. GET, HEAD and PUT always; DELETE and PATCH only where
# the caller says so (`retry=True`), because repeating them can change what comes back:
#   SendKit  PATCH /campaigns/{id}             sets the fields sent (lists whole, with their
#                                              `_id`s): a repeat leaves the same campaign
#            PATCH /campaigns/{id}/leads/{id}  NOT: a repeat answers "no change" where the
#                                              first enrolled (the outcome is lost)
#            POST  /campaigns/{id}/leads       "already in the campaign are skipped": yes
#   lemlist  PATCH /campaigns/{id}, /schedules/{id}, /sequences/{s}/steps/{id}[/ab-test]
#                                              merge the fields sent: yes
#            DELETE /sequences/{s}/steps/{id}[/ab-test]  yes, with 404 read as done
#            POST  /campaigns/{id}/pause|start, /campaigns/{id}/schedules/{sid}
#                                              documented no-ops when already so: yes
#   Puffle   PATCH /campaigns/{id}             sets the fields sent (sequence_nodes whole): yes
#            POST  launch/pause/resume         NOT: a repeat answers 400/409; the adapter
#                                              looks at the status instead
# POSTs that create (campaigns, steps, schedules, A/B tests, Puffle prospects) are never
# repeated blindly: apply looks the campaign up by name after an ambiguous failure.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT"})
# Set to "off", the client's rate limiter is left off, but only for an API root on loopback:
# outreach's own sandbox, which enforces no limit unless `sandbox serve --rate-limit` asks it
# to. A real API always gets the limiter. `--sandbox` sets it for the embedded sandbox.
RATE_LIMIT_VAR = "OUTREACH_RATE_LIMIT"
# Headers whose values are credentials; `--verbose` logs them as "(redacted)".
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "cookie", "set-cookie"})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> None:
    """Refuse plain http:// except on loopback: an API key must never cross a network bare."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and is_loopback(parts.hostname or ""):
        return
    raise OutreachError(
        f"refusing {url}: API keys are sent only over https:// (plain http only on loopback)"
    )


def rate_limit_off(base_url: str, env: Mapping[str, str]) -> bool:
    """Whether a client for `base_url` goes without its rate limiter (RATE_LIMIT_VAR)."""
    return env.get(RATE_LIMIT_VAR, "").strip().lower() == "off" and is_loopback(
        urlsplit(base_url).hostname or ""
    )


def key_limiter(
    provider: str, key: str, limit: int, window: float, base_url: str, env: Mapping[str, str]
) -> Limiter | None:
    """The rate budget of `key` (shared_limiter), or None for a loopback root that says it
    enforces no limit (rate_limit_off)."""
    return None if rate_limit_off(base_url, env) else shared_limiter(provider, key, limit, window)


class RateLimiter:
    """At most `limit` requests in any `window` seconds, shared by every thread using it.

    A request holds its slot from the moment it leaves until `window` seconds after its answer
    arrived. The server counts a request when it arrives, which is somewhere in between: so
    however long a request spends in flight (network jitter, a GC pause in this process), no
    window the server sees can hold more than `limit`. Counting departures instead, with a
    fixed margin, measured 3 429s in 1,250 lemlist requests when 5% of them were delayed 80 ms.
    """

    def __init__(self, limit: int, window: float, margin: float = 0.0) -> None:
        self.limit, self.window = limit, window + margin
        self._slots: list[list[float | None]] = []  # [answered_at or None while in flight]
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def acquire(self) -> list[float | None]:
        """Wait for a free slot; pass the returned token to `release()` once answered."""
        while True:
            with self._lock:
                now = time.monotonic()
                self._slots = [s for s in self._slots if s[0] is None or now - s[0] < self.window]
                wait = max(self._paused_until - now, 0.0)
                if not wait and len(self._slots) < self.limit:
                    token: list[float | None] = [None]
                    self._slots.append(token)
                    return token
                if not wait:
                    done = [s[0] for s in self._slots if s[0] is not None]
                    wait = self.window - (now - min(done)) if done else 0.005
            time.sleep(max(wait, 0.001))

    def release(self, token: list[float | None]) -> None:
        with self._lock:
            token[0] = time.monotonic()

    def pause(self, seconds: float) -> None:
        """Hold every caller for `seconds` (the server said so: Retry-After, Remaining: 0)."""
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)


class Limiter(Protocol):
    """What Api needs of a limiter: RateLimiter here, ratebudget.SharedRateLimiter across
    processes."""

    window: float

    def acquire(self) -> Any: ...

    def release(self, token: Any) -> None: ...

    def pause(self, seconds: float) -> None: ...


_LIMITERS: dict[str, Limiter] = {}
_LIMITERS_LOCK = threading.Lock()


def shared_limiter(provider: str, key: str, limit: int, window: float) -> Limiter:
    """The rate budget of `key` on `provider`: one per key, shared by every thread of this
    process and every outreach process of this user on the machine (ratebudget.py); limits
    are per key, not per client. Where the user's cache folder cannot be written, a limiter
    for this process alone (and a warning with --verbose)."""
    from .ratebudget import SharedRateLimiter, budget_path

    path = budget_path(provider, key)
    with _LIMITERS_LOCK:
        lim = _LIMITERS.get(str(path))
        if lim is None:
            try:
                lim = SharedRateLimiter(path, limit, window)
            except OSError as exc:
                log.warning(
                    "%s: rate budget not shared with other processes (%s: %s)",
                    provider,
                    type(exc).__name__,
                    exc.strerror or exc,
                )
                lim = RateLimiter(limit, window)
            _LIMITERS[str(path)] = lim
        return lim


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        # "nan"/"inf" parse as floats but would crash or hang time.sleep().
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (now if now is not None else time.time()), 0.0)


@dataclass
class RetryPolicy:
    # 6 attempts: under 30 % injected faults a read still fails only 0.07 % of the time.
    attempts: int = 6
    base: float = 0.25
    cap: float = 8.0
    jitter: Callable[[], float] = field(default=random.random)

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with equal jitter (attempt counts from 1): half the step is
        fixed and half random, so a retry never comes at once, yet many clients spread out."""
        return min(self.cap, self.base * 2 ** (attempt - 1)) * (0.5 + self.jitter() / 2)


@dataclass(frozen=True)
class Reply:
    status: int
    data: Any
    headers: httpx.Headers


ErrorParser = Callable[[int, Any], tuple[str | None, str]]


def default_error_parser(status: int, body: Any) -> tuple[str | None, str]:
    """(code, message) from the common error shapes: `{error:{code,message}}`,
    `{error: "…", message: "…"}`, `{message}`, or plain text."""
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            return err.get("code"), str(err.get("message") or err)
        msg = body.get("message")
        if isinstance(err, str):
            return (None, f"{err}: {msg}") if msg else (None, err)
        if msg:
            return None, str(msg)
        return None, str(body)[:500]
    text = str(body or "").strip()
    return None, text[:500] or f"HTTP {status}"


class Api:
    """An authenticated client for one provider's API root."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        limiter: Limiter | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        error_parser: ErrorParser = default_error_parser,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        check_url(base_url)
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.limiter = limiter
        self.retry = retry or RetryPolicy()
        self.error_parser = error_parser
        self.requests_sent = 0
        self.rate_limited = 0
        # A digest naming the workspace this client reaches (set by the session): the key of
        # the per-workspace create lock. Never the key itself.
        self.identity = ""
        self._count_lock = threading.Lock()
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            params=params,
            auth=auth,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        retry: bool | None = None,
        ok: tuple[int, ...] = (),
    ) -> Reply:
        """Send one request; retry transient failures when the request is safe to repeat.

        `retry=None` retries GET/HEAD/PUT only; PATCH and DELETE pass `retry=True` where
        repeating cannot change the outcome (the table at RETRY_STATUSES). A POST that
        creates is never blindly repeated (the caller looks the object up instead).
        Statuses in `ok` are returned rather than raised.
        """
        method = method.upper()
        may_retry = retry if retry is not None else method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            token = self.limiter.acquire() if self.limiter is not None else None
            with self._count_lock:
                self.requests_sent += 1
            started = time.monotonic()
            try:
                resp = self._client.request(method, path, json=json, params=params)
            except httpx.TransportError as exc:
                self._release(token)
                self._log(method, path, None, started, transport_words(exc))
                # A 429-style wait does not apply: the server never answered. A request that
                # may have been received is repeated only when it is idempotent.
                if may_retry and attempt < self.retry.attempts:
                    time.sleep(self.retry.backoff(attempt))
                    continue
                raise NetworkError(
                    f"{self.provider}: {method} {self._show(path)} failed: {transport_words(exc)}",
                    hint="check the network, or the API URL override "
                    f"OUTREACH_{self.provider.upper()}_URL",
                ) from exc
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError) as exc:
                self._release(token)
                raise OutreachError(
                    f"{self.provider}: {method} {self._show(path)[:200]}: cannot be sent: "
                    f"{str(exc)[:200]}",
                    hint="a value in the file is too long or malformed for a URL",
                ) from None
            except BaseException:
                # Any other failure (interrupt, decoding): never leak a limiter slot.
                self._release(token)
                raise
            self._release(token)
            self._log(method, path, resp, started)
            self._note_rate_headers(resp)
            if resp.status_code in RETRY_STATUSES:
                if resp.status_code == 429:
                    with self._count_lock:
                        self.rate_limited += 1
                wait = parse_retry_after(resp.headers.get("Retry-After"))
                # 429 means the request was not processed, so it is safe to send again even
                # for a POST; a 5xx on a POST may have been half-done.
                safe = may_retry or resp.status_code == 429
                # A server asking for a longer pause than MAX_RETRY_AFTER gets an error
                # rather than a silent hour-long sleep.
                if (
                    safe
                    and attempt < self.retry.attempts
                    and (wait is None or wait <= MAX_RETRY_AFTER)
                ):
                    delay = wait if wait is not None else self.retry.backoff(attempt)
                    if self.limiter is not None and resp.status_code == 429:
                        self.limiter.pause(delay)
                    time.sleep(delay)
                    continue
            data = _decode(resp)
            if resp.is_success or resp.status_code in ok:
                return Reply(resp.status_code, data, resp.headers)
            code, message = self.error_parser(resp.status_code, data)
            raise ApiError(
                self.provider,
                resp.status_code,
                message,
                code=code,
                method=method,
                url=self._show(path),
            )

    def _release(self, token: Any) -> None:
        if token is not None and self.limiter is not None:
            self.limiter.release(token)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Reply:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Reply:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Reply:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.request("DELETE", path, **kw)

    def header(self, name: str) -> str | None:
        """A header this client sends with every request (never printed: it may be a key)."""
        return self._client.headers.get(name)

    def watch(
        self,
        on_request: Callable[[httpx.Request], None],
        on_response: Callable[[httpx.Response], None],
    ) -> None:
        """Have the callbacks see every request as it leaves and every answer as its
        headers arrive (`outreach doctor`: timing and rate-limit headers)."""
        self._client.event_hooks["request"].append(on_request)
        self._client.event_hooks["response"].append(on_response)

    def _note_rate_headers(self, resp: httpx.Response) -> None:
        if self.limiter is None:
            return
        remaining = resp.headers.get("X-RateLimit-Remaining")
        if remaining is not None and remaining.strip() == "0" and resp.status_code != 429:
            # The server's window is full: wait out Retry-After if given, else one window.
            wait = parse_retry_after(resp.headers.get("Retry-After"))
            self.limiter.pause(wait if wait is not None else self.limiter.window / 2)

    def _show(self, path: str) -> str:
        """The path as it may be printed (no query string: it can carry access tokens)."""
        return path.split("?", 1)[0]

    def _log(
        self, method: str, path: str, resp: httpx.Response | None, started: float, failure: str = ""
    ) -> None:
        """--verbose: one line per request, `GET https://…/campaigns → 200, 312 ms` (no
        query string, no header: nothing that can carry a credential)."""
        if not log.isEnabledFor(logging.DEBUG):
            return
        ms = (time.monotonic() - started) * 1000
        url = self._show(
            str(resp.request.url)
            if resp is not None
            else str(self._client.base_url).rstrip("/") + "/" + path.lstrip("/")
        )
        answer = str(resp.status_code) if resp is not None else failure
        log.debug("%s %s → %s, %.0f ms", method, url, answer, ms)


def transport_words(exc: Exception) -> str:
    """A failure with no answer, as a person words it (never the exception's class name)."""
    if isinstance(exc, httpx.TimeoutException):
        return "no answer in time (timed out)"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect (refused, unreachable or a name that does not resolve)"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection closed without an answer"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return "the connection was lost mid-request"
    if isinstance(exc, httpx.ProxyError):
        return "the proxy refused the request"
    return "a network failure"


def _decode(resp: httpx.Response) -> Any:
    ctype = resp.headers.get("Content-Type", "")
    if "json" in ctype:
        try:
            return resp.json()
        except ValueError:
            return resp.text
    text = resp.text
    if text[:1] in "{[":
        try:
            return resp.json()
        except ValueError:
            pass
    return text
