"""The Puffle emulator over real loopback HTTP: prospect list, import and delete."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from outreach_cli.sandbox.puffle import Emulator
from tests.sandbox.puffle.helpers import (
    create,
    error,
    make_campaign,
    ok,
)


def test_prospect_list_pages_with_limit_up_to_200(api: httpx.Client) -> None:
    cid = create(api)
    people = [{"email": f"p{i}@example.com"} for i in range(250)]
    assert ok(api.post(f"/campaigns/{cid}/leads", json={"prospects": people})) == {
        "imported": 250,
        "duplicates": 0,
    }

    first = ok(api.get(f"/campaigns/{cid}/leads", params={"limit": 200}))
    assert (len(first["prospects"]), first["total"], first["page"], first["limit"]) == (
        200,
        250,
        1,
        200,
    )
    second = ok(api.get(f"/campaigns/{cid}/leads", params={"limit": 200, "page": 2}))
    assert len(second["prospects"]) == 50
    assert {p["id"] for p in first["prospects"]}.isdisjoint(p["id"] for p in second["prospects"])
    default = ok(api.get(f"/campaigns/{cid}/leads"))
    assert (default["limit"], len(default["prospects"])) == (100, 100)
    assert "limit" in error(api.get(f"/campaigns/{cid}/leads", params={"limit": 201}), 400)
    error(api.get(f"/campaigns/{cid}/leads", params={"limit": 0}), 400)
    error(api.get(f"/campaigns/{cid}/leads", params={"page": 0}), 400)
    assert ok(api.get(f"/campaigns/{cid}/leads", params={"status": "pending"}))["total"] == 250
    assert ok(api.get(f"/campaigns/{cid}/leads", params={"status": "sent"}))["total"] == 0
    error(api.get(f"/campaigns/{cid}/leads", params={"status": "bogus"}), 400)


def test_prospect_import_dedupes_by_identity(api: httpx.Client) -> None:
    cid = create(api)
    leads = f"/campaigns/{cid}/leads"
    assert ok(
        api.post(
            leads,
            json={
                "prospects": [
                    {"email": "Jane@Example.com"},
                    {"email": "jane@example.com"},
                    {"email": "sam@example.com"},
                ]
            },
        )
    ) == {"imported": 2, "duplicates": 1}
    assert ok(api.post(leads, json={"prospects": [{"email": "SAM@example.com"}]})) == {
        "imported": 0,
        "duplicates": 1,
    }
    assert sorted(p["email"] for p in ok(api.get(leads))["prospects"]) == [
        "jane@example.com",
        "sam@example.com",
    ]

    li = create(api, "linkedin")
    assert ok(
        api.post(
            f"/campaigns/{li}/leads",
            json={
                "prospects": [
                    {"linkedin_url": "https://www.linkedin.com/in/jane/"},
                    {"linkedin_url": "https://www.linkedin.com/in/jane?utm_source=x"},
                ]
            },
        )
    ) == {"imported": 1, "duplicates": 1}


@pytest.mark.parametrize(
    ("ctype", "rows", "fragment"),
    [
        ("email", [{"email": "a@example.com"}, {"first_name": "No email"}], "prospects[1]"),
        ("linkedin", [{"email": "a@example.com"}], "linkedin_url"),
        ("email", [], "1 to 1000"),
        ("email", [{"email": f"p{i}@example.com"} for i in range(1001)], "1 to 1000"),
    ],
)
def test_prospect_import_refuses_bad_rows(
    api: httpx.Client, ctype: str, rows: list[dict[str, Any]], fragment: str
) -> None:
    cid = create(api, ctype)
    assert fragment in error(api.post(f"/campaigns/{cid}/leads", json={"prospects": rows}), 400)
    assert ok(api.get(f"/campaigns/{cid}/leads"))["total"] == 0


def test_prospect_delete_by_ids_and_all(api: httpx.Client) -> None:
    cid = create(api)
    leads = f"/campaigns/{cid}/leads"
    ok(api.post(leads, json={"prospects": [{"email": f"p{i}@example.com"} for i in range(3)]}))
    first = ok(api.get(leads))["prospects"][0]["id"]
    assert ok(api.request("DELETE", leads, json={"prospect_ids": [first]})) == {"deleted": 1}
    assert ok(api.request("DELETE", leads, json={"all": True})) == {"deleted": 2}
    error(api.request("DELETE", leads, json={}), 400)


def test_prospect_writes_need_a_draft(api: httpx.Client, emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "active")
    leads = f"/campaigns/{cid}/leads"
    assert "draft" in error(api.post(leads, json={"prospects": [{"email": "x@example.com"}]}), 400)
    error(api.request("DELETE", leads, json={"all": True}), 400)
