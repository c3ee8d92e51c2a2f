"""Simulated time (`tick`) and the millisecond timestamps lemlist writes."""

from __future__ import annotations

import time
from typing import Any

from ..store import Store


def iso_ms(ms: int) -> str:
    """An integer millisecond time as `2025-06-10T10:30:00.123Z` (exact, unlike float maths:
    two revisions one millisecond apart must never format alike)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


class SimulatedClock:
    """`tick` and `events`, as the Sandbox calls them on every emulator."""

    store: Store

    def tick(self, seconds: float, *, advance: bool = True) -> dict[str, Any]:
        """Advance simulated time. Minimal: the clock moves; no sends are simulated yet."""
        if advance:  # False when the Sandbox has already moved the shared clock
            self.store.advance(seconds)
        return {"provider": "lemlist", "advanced": seconds, "events": 0}

    def events(self, workspace: str | None = None) -> list[dict[str, Any]]:
        return []
