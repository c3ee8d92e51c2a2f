"""The lemlist emulator over real loopback HTTP, checked against lemlist's pages: campaigns."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.lemlist.helpers import ISO, add_step, make_campaign, steps_of

# -- campaigns ---------------------------------------------------------------------------------


def test_create_runs_at_once_with_a_sequence_and_a_default_schedule(api: httpx.Client) -> None:
    camp = make_campaign(api, "Fresh", timezone="America/New_York")
    assert camp["state"] == "running"
    assert camp["_id"].startswith("cam_") and camp["sequenceId"].startswith("seq_")
    assert [s[:4] for s in camp["scheduleIds"]] == ["skd_"]
    assert ISO.match(camp["createdAt"])
    got = api.get(f"/campaigns/{camp['_id']}").json()
    assert got["status"] == "running" and got["timezone"] == "America/New_York"
    schedules = api.get(f"/campaigns/{camp['_id']}/schedules/").json()
    assert [s["_id"] for s in schedules] == camp["scheduleIds"]
    assert schedules[0]["timezone"] == "America/New_York"
    assert make_campaign(api, "Default tz")["_id"]
    assert api.get("/campaigns").json()[-1]["timezone"] == "Europe/Paris"


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({}, "name is required"),
        ({"name": "x", "timezone": "Mars/Olympus"}, "Invalid timezone"),
        ({"name": "x", "autoReviewConditions": ["nope"]}, "autoReviewConditions"),
        ({"name": "x", "status": "draft"}, "Unknown parameter 'status'"),
    ],
)
def test_create_validation(api: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    r = api.post("/campaigns", json=body)
    assert r.status_code == 400 and fragment in r.text


def test_start_and_pause_and_their_no_ops(api: httpx.Client) -> None:
    camp = make_campaign(api)
    cid = camp["_id"]

    def revision() -> str:
        return str(api.get(f"/campaigns/{cid}").json()["updatedAt"])

    r0 = revision()
    assert api.post(f"/campaigns/{cid}/start").json() == {"_id": cid, "state": "running"}
    assert revision() == r0  # already running: nothing happens
    assert api.post(f"/campaigns/{cid}/pause").json() == {"_id": cid, "state": "paused"}
    r1 = revision()
    assert r1 > r0
    assert api.post(f"/campaigns/{cid}/pause").json()["state"] == "paused"
    assert revision() == r1
    assert api.post(f"/campaigns/{cid}/start").json()["state"] == "running"
    assert api.get(f"/campaigns/{cid}").json()["status"] == "running"
    assert api.post("/campaigns/cam_missing/start").text == "Campaign not found"


def test_revision_moves_on_every_write_to_the_campaign_its_steps_or_schedules(
    api: httpx.Client,
) -> None:
    camp = make_campaign(api)
    cid = camp["_id"]
    seen = [api.get(f"/campaigns/{cid}").json()["updatedAt"]]

    def moved() -> None:
        now = api.get(f"/campaigns/{cid}").json()["updatedAt"]
        assert ISO.match(now)
        assert now > seen[-1]
        seen.append(now)

    api.patch(f"/campaigns/{cid}", json={"name": "Renamed"})
    moved()
    step = add_step(api, camp["sequenceId"], type="email", subject="Hi")
    moved()
    api.patch(
        f"/sequences/{camp['sequenceId']}/steps/{step['_id']}", json={"type": "email", "delay": 2}
    )
    moved()
    api.patch(f"/schedules/{camp['scheduleIds'][0]}", json={"start": "08:00"})
    moved()
    other = api.post(
        "/schedules",
        json={
            "name": "Late",
            "timezone": "UTC",
            "start": "12:00",
            "end": "20:00",
            "weekdays": [1, 2],
        },
    ).json()
    api.post(f"/campaigns/{cid}/schedules/{other['_id']}")
    moved()


def test_campaign_list_pages_with_offset_and_limit(api: httpx.Client) -> None:
    for i in range(5):
        make_campaign(api, f"C{i}")
    # The demo team starts with one campaign: six in all.
    r = api.get("/campaigns", params={"version": "v2", "limit": 2})
    body = r.json()
    assert [c["name"] for c in body["campaigns"]] == ["Inbound follow-up (contact owner)", "C0"]
    assert body["pagination"] == {
        "totalRecords": 6,
        "currentPage": 1,
        "nextPage": 2,
        "totalPage": 3,
    }
    body = api.get("/campaigns", params={"version": "v2", "limit": 2, "offset": 4}).json()
    assert [c["name"] for c in body["campaigns"]] == ["C3", "C4"]
    assert body["pagination"] == {
        "totalRecords": 6,
        "currentPage": 3,
        "nextPage": None,
        "totalPage": 3,
    }
    body = api.get("/campaigns", params={"version": "v2", "limit": 2, "page": 2}).json()
    assert [c["name"] for c in body["campaigns"]] == ["C1", "C2"]
    # limit is capped at the documented maximum of 100.
    body = api.get("/campaigns", params={"version": "v2", "limit": 500}).json()
    assert len(body["campaigns"]) == 6
    # Without version=v2: the bare array the OpenAPI file documents.
    bare = api.get("/campaigns", params={"limit": 3, "sortOrder": "desc"}).json()
    assert [c["name"] for c in bare] == ["C4", "C3", "C2"]
    drafts = api.get("/campaigns", params={"status": "draft"}).json()
    assert [c["name"] for c in drafts] == ["Inbound follow-up (contact owner)"]
    assert len(api.get("/campaigns", params={"status": "errors"}).json()) == 5


def test_statutes_and_senders_and_duplicate(api: httpx.Client) -> None:
    camp = make_campaign(api)
    st = api.get(f"/campaigns/{camp['_id']}/statutes").json()
    assert st["status"] == "running"
    assert {s["message"] for s in st["statutes"]} >= {"No senders configured on this campaign."}
    add_step(api, camp["sequenceId"], type="email", subject="Hi")
    api.patch(f"/campaigns/{camp['_id']}", json={"sendUserIds": ["usr_7xYzAbCdEfGhIjKlM"]})
    assert api.get(f"/campaigns/{camp['_id']}/statutes").json()["statutes"] == []
    senders = api.get("/team/senders").json()
    assert senders == [
        {
            "userId": "usr_7xYzAbCdEfGhIjKlM",
            "campaigns": [
                {
                    "_id": camp["_id"],
                    "name": "Q3 outbound",
                    "status": "running",
                    "sendingChannels": ["email"],
                }
            ],
        }
    ]
    dup = api.post(f"/campaigns/{camp['_id']}/duplicate", json={}).json()
    assert dup["status"] == "draft" and dup["name"] == "Q3 outbound Copy"
    dup_full = api.get(f"/campaigns/{dup['_id']}").json()
    assert [s["type"] for s in steps_of(api, dup_full)] == ["email"]
