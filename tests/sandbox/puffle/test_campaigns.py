"""The Puffle emulator over real loopback HTTP: create, read, list and delete."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from outreach_cli.sandbox.puffle import UUID_PATTERN, Emulator
from tests.sandbox.puffle.helpers import (
    EMAIL_1,
    LINKEDIN_1,
    campaign,
    create,
    error,
    make_campaign,
    ok,
)


@pytest.mark.parametrize(
    ("ctype", "first"), [("email", "email"), ("linkedin", "connection_request")]
)
def test_create_seeds_a_two_node_draft(api: httpx.Client, ctype: str, first: str) -> None:
    sender = EMAIL_1 if ctype == "email" else LINKEDIN_1
    body = ok(
        api.post("/campaigns", json={"type": ctype, "name": "New", "sender_account_ids": [sender]})
    )
    created = body["campaign"]
    assert created["status"] == "draft" and created["type"] == ctype
    assert re.match(UUID_PATTERN, created["id"])
    assert [(n["type"], n["position"]) for n in created["sequence_nodes"]] == [
        (first, 0),
        ("end", 1),
    ]
    assert [s["id"] for s in created["sender_accounts"]] == [sender]

    got = ok(api.get(f"/campaigns/{created['id']}"))
    assert set(got) == {"campaign", "sequence_nodes", "prospects_by_status", "prospects_by_node"}
    assert "sequence_nodes" not in got["campaign"]
    assert [n["id"] for n in got["sequence_nodes"]] == [n["id"] for n in created["sequence_nodes"]]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"type": "sms", "name": "x"}, "type"),
        ({"type": "email"}, "name"),
        ({"type": "email", "name": ""}, "name"),
        ({"type": "email", "name": "x", "sender_account_ids": [LINKEDIN_1]}, "linkedin account"),
        ({"type": "linkedin", "name": "x", "sender_account_ids": [EMAIL_1]}, "email account"),
        ({"type": "email", "name": "x", "daily_limit": 501}, "daily_limit"),
    ],
)
def test_create_refuses_bad_input(api: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    assert fragment in error(api.post("/campaigns", json=body), 400)
    assert ok(api.get("/campaigns"))["campaigns"] == []


def test_create_takes_the_create_fields(api: httpx.Client) -> None:
    cid = create(
        api,
        "email",
        daily_limit=80,
        open_tracking=False,
        signature="Best,\n%first_name%",
        operating_hours={"tuesday": []},
    )
    got = campaign(api, cid)
    assert (got["daily_limit"], got["open_tracking"], got["signature"], got["operating_hours"]) == (
        80,
        False,
        "Best,\n%first_name%",
        {"tuesday": []},
    )


def test_list_puts_running_campaigns_first(api: httpx.Client, emulator: Emulator) -> None:
    first = create(api)
    running_id = make_campaign(api, emulator, "active")
    last = create(api)
    listed = ok(api.get("/campaigns"))["campaigns"]
    assert [c["id"] for c in listed] == [running_id, last, first]
    assert all(c["node_count"] == 2 and "sender_accounts" in c for c in listed)


def test_delete_campaign(api: httpx.Client) -> None:
    cid = create(api)
    assert ok(api.delete(f"/campaigns/{cid}")) == {"success": True}
    error(api.get(f"/campaigns/{cid}"), 404)
    error(api.delete(f"/campaigns/{cid}"), 404)


def test_bad_and_unknown_ids(api: httpx.Client) -> None:
    error(api.get("/campaigns/not-a-uuid"), 400)
    error(api.get(f"/campaigns/{uuid.uuid4()}"), 404)
    error(api.get("/nowhere"), 404)
    error(api.put("/campaigns"), 405)
