"""Puffle's API as the sandbox serves it, over real loopback HTTP: the update page (PATCH).

The update page's status × field table (shared/seeds/puffle-update-campaign.txt) is copied here
as the docs print it, not taken from the client's rules, so these tests check the emulator
against the docs on their own.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from outreach_cli.sandbox.puffle import UUID_PATTERN, Emulator
from tests.sandbox.puffle.helpers import (
    EMAIL_1,
    EMAIL_2,
    LINKEDIN_1,
    campaign,
    create,
    error,
    make_campaign,
    nodes,
    ok,
)

STATUSES = ("draft", "active", "paused")
# The update page's table: ✅ → True, "ignored" → False, per (draft, active, paused).
TABLE: dict[str, tuple[bool, bool, bool]] = {
    "name": (True, True, True),
    "operating_hours": (True, True, True),
    "daily_limit": (True, True, True),
    "account_limits": (True, True, True),
    "skip_other_campaigns": (True, False, False),
    "stop_on_reply": (True, False, False),
    "open_tracking": (True, False, False),
    "signature": (True, False, False),
    "sender_account_ids": (True, False, False),
    "sequence_nodes": (True, False, False),
}
# A new value for each row, on a campaign of the type the row belongs to.
NEW_VALUES: dict[str, tuple[str, Any]] = {
    "name": ("email", "Renamed"),
    "operating_hours": ("email", {"monday": {"start": "09:00", "end": "17:00"}}),
    "daily_limit": ("email", 123),
    "account_limits": ("email", [{"account_id": EMAIL_1, "daily_limit": 7}]),
    "skip_other_campaigns": ("linkedin", True),
    "stop_on_reply": ("email", False),
    "open_tracking": ("email", False),
    "signature": ("email", "Cheers,\n%sender_first_name%"),
    "sender_account_ids": ("email", [EMAIL_2]),
    "sequence_nodes": (
        "email",
        [
            {"type": "email", "subject": "Changed", "body": "Again"},
            {"type": "delay", "delay_days": 2},
            {"type": "end"},
        ],
    ),
}


def read(api: httpx.Client, cid: str, field: str) -> Any:
    """A field as the file would state it, read back from GET /campaigns/{id}."""
    if field == "sender_account_ids":
        return [s["id"] for s in campaign(api, cid)["sender_accounts"]]
    if field == "sequence_nodes":
        return [
            {k: v for k, v in n.items() if k not in ("id", "campaign_id", "position")}
            for n in nodes(api, cid)
        ]
    return campaign(api, cid)[field]


# -- the update page ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("field", list(TABLE))
def test_update_page_table(api: httpx.Client, emulator: Emulator, field: str, status: str) -> None:
    ctype, value = NEW_VALUES[field]
    cid = make_campaign(api, emulator, status, ctype)
    before = read(api, cid, field)
    assert before != value

    body = ok(api.patch(f"/campaigns/{cid}", json={field: value}))

    applies = TABLE[field][STATUSES.index(status)]
    assert read(api, cid, field) == (value if applies else before)
    assert body["campaign"]["status"] == status


@pytest.mark.parametrize(
    ("ctype", "field", "value"),
    [
        ("linkedin", "daily_limit", 100),
        ("linkedin", "account_limits", [{"account_id": LINKEDIN_1, "daily_limit": 5}]),
        ("linkedin", "stop_on_reply", True),
        ("linkedin", "signature", "Best"),
        ("email", "skip_other_campaigns", True),
    ],
)
def test_fields_of_the_other_channel_are_ignored(
    api: httpx.Client, ctype: str, field: str, value: Any
) -> None:
    cid = create(api, ctype)
    before = campaign(api, cid)[field]
    ok(api.patch(f"/campaigns/{cid}", json={field: value}))
    assert campaign(api, cid)[field] == before


def test_type_cannot_change(api: httpx.Client) -> None:
    cid = create(api, "email")
    ok(api.patch(f"/campaigns/{cid}", json={"type": "linkedin"}))
    assert campaign(api, cid)["type"] == "email"


def test_repeated_account_limit_keeps_the_last_value(api: httpx.Client) -> None:
    cid = create(api)
    ok(
        api.patch(
            f"/campaigns/{cid}",
            json={
                "account_limits": [
                    {"account_id": EMAIL_1, "daily_limit": 5},
                    {"account_id": EMAIL_2, "daily_limit": 6},
                    {"account_id": EMAIL_1, "daily_limit": 9},
                ]
            },
        )
    )
    assert campaign(api, cid)["account_limits"] == [
        {"account_id": EMAIL_1, "daily_limit": 9},
        {"account_id": EMAIL_2, "daily_limit": 6},
    ]


# -- delays and validation before any write ----------------------------------------------------


@pytest.mark.parametrize(
    ("delay", "accepted"),
    [
        ({"delay_minutes": 0}, False),
        ({}, False),
        ({"delay_minutes": 1}, True),
        ({"delay_days": 30}, True),
        ({"delay_hours": 720}, True),
        ({"delay_days": 30, "delay_minutes": 1}, False),
        ({"delay_days": 29, "delay_hours": 23, "delay_minutes": 61}, False),
    ],
)
def test_delay_limits(api: httpx.Client, delay: dict[str, int], accepted: bool) -> None:
    cid = create(api)
    before_nodes, before = nodes(api, cid), campaign(api, cid)
    sequence = [
        {"type": "email", "subject": "S", "body": "B"},
        {"type": "delay", **delay},
        {"type": "email", "subject": "S2", "body": "B2"},
        {"type": "end"},
    ]

    response = api.patch(f"/campaigns/{cid}", json={"name": "Renamed", "sequence_nodes": sequence})

    if accepted:
        ok(response)
        assert campaign(api, cid)["name"] == "Renamed"
        assert nodes(api, cid)[1]["type"] == "delay"
    else:
        message = error(response, 400)
        assert "sequence_nodes[1]" in message and "30 days" in message and "1 minute" in message
        after = campaign(api, cid)
        assert after["name"] == "Original"
        assert after["updated_at"] == before["updated_at"]
        assert nodes(api, cid) == before_nodes


def test_delay_limits_are_checked_even_where_the_sequence_would_be_ignored(
    api: httpx.Client, emulator: Emulator
) -> None:
    cid = make_campaign(api, emulator, "active")
    response = api.patch(
        f"/campaigns/{cid}",
        json={
            "name": "Renamed",
            "sequence_nodes": [{"type": "delay", "delay_minutes": 0}, {"type": "end"}],
        },
    )
    error(response, 400)
    assert campaign(api, cid)["name"] == "Original"


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("daily_limit", 0, "daily_limit"),
        ("daily_limit", 501, "daily_limit"),
        ("daily_limit", "50", "daily_limit"),
        ("account_limits", [{"account_id": EMAIL_1, "daily_limit": 1}] * 51, "at most 50"),
        ("account_limits", [{"account_id": "not-a-uuid", "daily_limit": 1}], "account_id"),
        ("account_limits", [{"account_id": EMAIL_1, "daily_limit": 0}], "daily_limit"),
        ("sender_account_ids", ["5e4de000-0000-0000-0000-000000000001"], "UUID"),
        ("sender_account_ids", ["11111111-1111-4111-8111-111111111111"], "not found"),
        ("sender_account_ids", [LINKEDIN_1], "linkedin account"),
        ("stop_on_reply", "yes", "boolean"),
        ("sequence_nodes", [{"subject": "no type"}], "type is required"),
        ("sequence_nodes", [{"type": "wait"}], "type must be one of"),
        ("sequence_nodes", [{"type": "message", "body": "Hi"}], "do not belong in a email"),
        ("sequence_nodes", [{"type": "delay", "delay_days": -1}], "non-negative"),
        # Found by the layout work: a UUID with a trailing newline passed (`$` in the pattern),
        # and a list as a node's type or id was a 500.
        ("account_limits", [{"account_id": EMAIL_1 + "\n", "daily_limit": 1}], "account_id"),
        ("sequence_nodes", [{"type": ["email"]}], "type"),
        ("sequence_nodes", [{"type": "end", "id": [EMAIL_1]}], "id"),
    ],
)
def test_a_bad_value_fails_the_whole_patch(
    api: httpx.Client, field: str, value: Any, fragment: str
) -> None:
    cid = create(api)
    message = error(api.patch(f"/campaigns/{cid}", json={"name": "Renamed", field: value}), 400)
    assert fragment in message
    assert campaign(api, cid)["name"] == "Original"


def test_name_needs_a_character(api: httpx.Client) -> None:
    cid = create(api)
    assert "name" in error(api.patch(f"/campaigns/{cid}", json={"name": ""}), 400)


def test_nil_and_max_uuids_pass_the_pattern(api: httpx.Client) -> None:
    cid = create(api)
    for special in ("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"):
        ok(
            api.patch(
                f"/campaigns/{cid}",
                json={"account_limits": [{"account_id": special, "daily_limit": 3}]},
            )
        )


def test_sequence_nodes_positions_follow_array_order(api: httpx.Client) -> None:
    cid = create(api)
    email_id, end_id = (n["id"] for n in nodes(api, cid))

    ok(
        api.patch(
            f"/campaigns/{cid}",
            json={
                "sequence_nodes": [
                    {"type": "email", "subject": "A", "body": "a", "position": 9},
                    {"type": "delay", "delay_days": 1, "position": 0},
                    {"id": email_id, "type": "email", "subject": "B", "body": "b", "position": 3},
                    {"id": end_id, "type": "end", "position": 1},
                ]
            },
        )
    )

    got = nodes(api, cid)
    assert [n["position"] for n in got] == [0, 1, 2, 3]
    assert [n["type"] for n in got] == ["email", "delay", "email", "end"]
    assert [n.get("subject") for n in got] == ["A", None, "B", None]
    assert (got[2]["id"], got[3]["id"]) == (email_id, end_id)
    assert got[0]["id"] not in (email_id, end_id) and re.match(UUID_PATTERN, got[0]["id"])
    assert {n["campaign_id"] for n in got} == {cid}


def test_a_node_id_of_another_type_gets_a_new_node(api: httpx.Client) -> None:
    cid = create(api)
    email_id, end_id = (n["id"] for n in nodes(api, cid))
    ok(
        api.patch(
            f"/campaigns/{cid}",
            json={
                "sequence_nodes": [
                    {"id": end_id, "type": "email", "subject": "x", "body": "y"},
                    {"type": "end"},
                ]
            },
        )
    )
    got = nodes(api, cid)
    assert got[0]["id"] not in (email_id, end_id)


def test_updated_at_moves_forward_on_every_write(api: httpx.Client) -> None:
    cid = create(api)
    seen = [campaign(api, cid)["updated_at"]]
    for i in range(5):
        seen.append(
            ok(api.patch(f"/campaigns/{cid}", json={"name": f"n{i}"}))["campaign"]["updated_at"]
        )
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
