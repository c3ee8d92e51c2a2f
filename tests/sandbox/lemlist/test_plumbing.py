"""The lemlist emulator's plumbing: auth, the rate limit, time formats, routing, `tick`."""

from __future__ import annotations

import base64
import calendar
import re
import time

import httpx
import pytest

from outreach_cli.sandbox.lemlist import iso_ms, js_date
from tests.sandbox.lemlist.helpers import Lem, is_text, make_campaign

JS_DATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d\d \d{4} \d\d:\d\d:\d\d GMT\+0000 \(Coordinated Universal Time\)$"
)


# -- auth --------------------------------------------------------------------------------------


def test_basic_auth_with_empty_user_and_access_token_reach_the_same_team(lem: Lem) -> None:
    lem.unlimited()
    with lem.client("shared-key") as basic:
        camp = make_campaign(basic, "Mine")
    r = httpx.get(lem.url + "/lemlist/api/campaigns", params={"access_token": "shared-key"})
    assert r.status_code == 200
    assert camp["_id"] in [c["_id"] for c in r.json()]
    with lem.client("another-key") as other:
        assert other.get(f"/campaigns/{camp['_id']}").status_code == 404
        assert other.get(f"/campaigns/{camp['_id']}").text == "Campaign not found"


@pytest.mark.parametrize(
    "authorization, status, body",
    [
        (None, 400, "No API key provided"),
        ("Bearer some-key", 401, "The authentication you supplied is incorrect"),
        (
            "Basic " + base64.b64encode(b"some-key:").decode(),
            401,
            "The authentication you supplied is incorrect",
        ),
        (
            "Basic " + base64.b64encode(b"user:some-key").decode(),
            401,
            "The authentication you supplied is incorrect",
        ),
        ("Basic not*base64", 401, "The authentication you supplied is incorrect"),
    ],
)
def test_auth_failures_are_plain_text(
    lem: Lem, authorization: str | None, status: int, body: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    r = httpx.get(lem.url + "/lemlist/api/campaigns", headers=headers)
    assert (r.status_code, r.text) == (status, body)
    assert is_text(r)


# -- rate limit --------------------------------------------------------------------------------


def test_the_21st_request_within_two_seconds_is_a_429(lem: Lem) -> None:
    with lem.client() as c:
        remaining = []
        for _ in range(20):
            r = c.get("/team")
            assert r.status_code == 200
            assert r.headers["X-RateLimit-Limit"] == "20"
            assert JS_DATE.match(r.headers["X-RateLimit-Reset"]), r.headers["X-RateLimit-Reset"]
            remaining.append(int(r.headers["X-RateLimit-Remaining"]))
        assert remaining == list(range(19, -1, -1))
        before = lem.emulator.rate_limited
        r = c.get("/team")
        assert r.status_code == 429
        assert is_text(r) and r.text
        assert int(r.headers["Retry-After"]) >= 1
        assert r.headers["X-RateLimit-Limit"] == "20"
        assert r.headers["X-RateLimit-Remaining"] == "0"
        reset = r.headers["X-RateLimit-Reset"]
        assert JS_DATE.match(reset), reset
        reset_ts = calendar.timegm(time.strptime(reset[:24], "%a %b %d %Y %H:%M:%S"))
        assert time.time() - 1 <= reset_ts <= time.time() + 3
        assert lem.emulator.rate_limited == before + 1
        # Other keys have their own budget.
        with lem.client() as other:
            assert other.get("/team").status_code == 200
        # Sliding window: once the oldest request is 2 s old, a slot is free again.
        lem.clock.now += 2.01
        r = c.get("/team")
        assert r.status_code == 200
        assert r.headers["X-RateLimit-Remaining"] == "19"


def test_rate_limit_window_slides(lem: Lem) -> None:
    with lem.client() as c:
        for _ in range(10):
            assert c.get("/team").status_code == 200
        lem.clock.now += 1.5
        for _ in range(10):
            assert c.get("/team").status_code == 200
        assert c.get("/team").status_code == 429  # 20 within the last 2 s
        lem.clock.now += 0.6  # the first ten are now older than 2 s
        r = c.get("/team")
        assert r.status_code == 200
        assert r.headers["X-RateLimit-Remaining"] == "9"


def test_js_date_and_iso_formats() -> None:
    assert js_date(1613466162) == "Tue Feb 16 2021 09:02:42 GMT+0000 (Coordinated Universal Time)"
    assert iso_ms(1613466162001) == "2021-02-16T09:02:42.001Z"


# -- plumbing ----------------------------------------------------------------------------------


def test_unknown_routes_and_methods(api: httpx.Client) -> None:
    assert api.get("/nothing-here").status_code == 404
    r = api.delete("/campaigns")
    assert (r.status_code, r.text) == (405, "Method not allowed")
    r = api.post("/campaigns", content=b"{not json", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.text) == (400, "Invalid JSON body")


def test_tick_and_events(lem: Lem) -> None:
    assert lem.emulator.tick(60)["advanced"] == 60
    assert lem.emulator.events() == []
