"""Ids and timestamps: MongoDB-style ObjectIds, ISO-8601 times, ids derived from keys."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time


class _ObjectIds:
    """MongoDB-style ObjectIds: 4-byte seconds, 5 random bytes per emulator, 3-byte counter.

    Ids grow with (simulated) time and, within a second, with the counter, so `cursor` = "the
    last `_id` of the previous page" can be answered with `_id > cursor`, which stays right when
    the cursor's own item has been deleted meanwhile.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process = secrets.token_hex(5)
        self._counter = secrets.randbelow(1 << 20)

    def new(self, now: float) -> str:
        with self._lock:
            self._counter = (self._counter + 1) % (1 << 24)
            counter = self._counter
        return f"{int(now) & 0xFFFFFFFF:08x}{self._process}{counter:06x}"


def _iso_ms(ms: int) -> str:
    """`2025-06-10T10:30:00.000Z` from integer milliseconds (exact; no float rounding)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def _iso(ts: float) -> str:
    return _iso_ms(int(round(ts * 1000)))


def _sha24(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def workspace_for_key(key: str) -> str:
    """The workspace a workspace key (`sk_…`) is scoped to: stable for the same key."""
    return _sha24(key)


def agent_id_for(workspace: str) -> str:
    """The demo workspace's one AI agent (deterministic so tests and docs can name it)."""
    return _sha24(f"agent:{workspace}")
