"""The rate limit: 20 requests per 2 seconds per key, and its `X-RateLimit-*` headers.

Enforced only when asked (`outreach sandbox serve --rate-limit`, `server.start(rate_limit=True)`
set `enforce_rate_limit`): the limiter's own tests and benchmarks turn it on. Off, the emulator
answers without the headers, as an API with no limit: a sandbox on loopback has no quota to
protect, and the README's first command and the test suite then wait for nothing.

A *sliding* window (a log of the accepted requests' times). lemlist's own limiter is probably a
fixed window; a sliding one is stricter, so a client that never sees a 429 here never sees one
there. Rejected requests do not count, so a client that backs off as told recovers at once.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

RATE_LIMIT = 20
RATE_WINDOW = 2.0


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def js_date(ts: float) -> str:
    """`Date.prototype.toString()` in UTC, as lemlist sends `X-RateLimit-Reset`.

    Names come from tables, not strftime, which would follow the process locale."""
    t = time.gmtime(ts)
    return (
        f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT+0000 (Coordinated Universal Time)"
    )


class RateLimit:
    """The limiter's state and check, mixed into the Emulator (tests swap its clocks)."""

    def _init_rate_limit(self) -> None:
        self.enforce_rate_limit = False
        self.rate_limited = 0  # 429s sent, for the rate-limit measurements
        self._hits: dict[str, deque[float]] = {}
        self._rl_lock = threading.Lock()
        # Injectable clocks: the limiter runs on real time whatever `tick` does to simulated time.
        self.monotonic: Callable[[], float] = time.monotonic
        self.wall: Callable[[], float] = time.time

    def _rate(self, key: str) -> tuple[bool, dict[str, str]]:
        now = self.monotonic()
        with self._rl_lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - RATE_WINDOW:
                hits.popleft()
            allowed = len(hits) < RATE_LIMIT
            if allowed:
                hits.append(now)
            else:
                self.rate_limited += 1
            # The window frees a slot when its oldest request turns RATE_WINDOW old.
            reset_in = hits[0] + RATE_WINDOW - now if hits else RATE_WINDOW
            headers = {
                "X-RateLimit-Limit": str(RATE_LIMIT),
                "X-RateLimit-Remaining": str(RATE_LIMIT - len(hits)),
                "X-RateLimit-Reset": js_date(self.wall() + reset_in),
            }
            if not allowed:
                headers["Retry-After"] = str(max(1, math.ceil(reset_in)))
        return allowed, headers
