"""Shared helpers for the lemlist emulator tests: the fake clock, the `Lem` handle, API calls."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import httpx

from outreach_cli.sandbox.lemlist import Emulator

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class FakeClock:
    """A monotonic clock the test moves by hand, so rate-limit tests do not race real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Lem:
    url: str
    emulator: Emulator
    clock: FakeClock

    def client(self, key: str | None = None) -> httpx.Client:
        """A client with its own key, hence its own team and its own rate-limit bucket."""
        return httpx.Client(
            base_url=self.url + "/lemlist/api",
            auth=("", key or "key-" + secrets.token_hex(6)),
            timeout=10,
        )

    def unlimited(self) -> None:
        """Move the limiter's clock forward on every read: no test here is rate limited
        unless it says so."""
        clock = self.clock

        def ticking() -> float:
            clock.now += RATE_STEP
            return clock.now

        self.emulator.monotonic = ticking


RATE_STEP = 0.5  # > 2 s / 20: a request every half second never fills the window


def make_campaign(api: httpx.Client, name: str = "Q3 outbound", **body: Any) -> dict[str, Any]:
    r = api.post("/campaigns", json={"name": name, **body})
    assert r.status_code == 200, r.text
    return r.json()


def add_step(api: httpx.Client, seq: str, **body: Any) -> dict[str, Any]:
    r = api.post(f"/sequences/{seq}/steps", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def steps_of(api: httpx.Client, camp: dict[str, Any]) -> list[dict[str, Any]]:
    r = api.get(f"/campaigns/{camp['_id']}/sequences")
    assert r.status_code == 200, r.text
    return r.json()[camp["sequenceId"]]["steps"]


def is_text(r: httpx.Response) -> bool:
    return r.headers["content-type"].startswith("text/plain")
