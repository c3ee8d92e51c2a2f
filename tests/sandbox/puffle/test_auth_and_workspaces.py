"""The Puffle emulator over real loopback HTTP: auth, workspaces, senders, settings."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from outreach_cli.sandbox import server
from outreach_cli.sandbox.puffle import UUID_PATTERN
from tests.sandbox.puffle.helpers import (
    EMAIL_2,
    client,
    create,
    error,
    ok,
)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer sk_live_abc",
        "Bearer pk_live_",
        "pk_live_abc",
        "Basic pk_live_abc",
        "Bearer pk_prod_abc",
    ],
)
def test_auth_needs_a_bearer_pk_key(running: server.Running, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=running.url + "/puffle/api", headers=headers) as c:
        error(c.get("/campaigns"), 401)


def test_each_key_is_its_own_workspace(running: server.Running) -> None:
    suffix = uuid.uuid4().hex
    with client(running, f"pk_live_{suffix}") as live, client(running, f"pk_test_{suffix}") as test:
        cid = create(live)
        error(test.get(f"/campaigns/{cid}"), 404)
        assert ok(test.get("/campaigns"))["campaigns"] == []
        assert [c["id"] for c in ok(live.get("/campaigns"))["campaigns"]] == [cid]


def test_demo_senders_of_both_types(api: httpx.Client) -> None:
    senders = ok(api.get("/senders"))["senders"]
    assert sorted((s["type"], s["status"]) for s in senders) == [
        ("email", "active"),
        ("email", "active"),
        ("linkedin", "connected"),
        ("linkedin", "connected"),
    ]
    assert all(re.match(UUID_PATTERN, s["id"]) for s in senders)
    assert ok(api.get(f"/senders/{EMAIL_2}"))["sender"]["email"]
    assert len(ok(api.get("/campaigns/settings"))["accounts"]) == 4
    assert ok(api.get("/settings"))["settings"]["timezone"] == "UTC"
    ok(api.put("/settings", json={"timezone": "Europe/Paris"}))
    assert ok(api.get("/settings"))["settings"]["timezone"] == "Europe/Paris"
    error(api.put("/settings", json={"timezone": "Mars/Olympus"}), 400)
    error(api.put("/settings", json={"timezone": "America"}), 400)  # a folder: was a 500
