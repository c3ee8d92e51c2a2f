"""The lemlist emulator's schedules and campaign leads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.lemlist.helpers import ISO, make_campaign

# -- schedules ---------------------------------------------------------------------------------


def test_schedules_create_update_attach_delete(api: httpx.Client) -> None:
    seeded = api.get("/schedules").json()
    assert {s["name"] for s in seeded["schedules"]} >= {"Default schedule", "US business hours"}
    r = api.post(
        "/schedules",
        json={
            "name": "EU mornings",
            "timezone": "Europe/Berlin",
            "start": "08:00",
            "end": "12:00",
            "weekdays": [1, 2, 3],
        },
    )
    assert r.status_code == 200, r.text
    sched = r.json()
    assert sched["_id"].startswith("skd_") and sched["secondsToWait"] == 1200
    assert sched["public"] is False and ISO.match(sched["createdAt"])
    camp = make_campaign(api)
    r = api.post(f"/campaigns/{camp['_id']}/schedules/{sched['_id']}")
    assert r.json() == {"scheduleId": sched["_id"], "campaignId": camp["_id"]}
    ids = [s["_id"] for s in api.get(f"/campaigns/{camp['_id']}/schedules/").json()]
    assert ids == [*camp["scheduleIds"], sched["_id"]]
    r = api.patch(f"/schedules/{sched['_id']}", json={"end": "13:30", "secondsToWait": 600})
    assert r.json()["end"] == "13:30" and r.json()["secondsToWait"] == 600
    assert api.get(f"/schedules/{sched['_id']}").json()["end"] == "13:30"
    assert api.delete(f"/schedules/{sched['_id']}").json() == {"_id": sched["_id"]}
    r = api.get(f"/schedules/{sched['_id']}")
    assert (r.status_code, r.text) == (404, "Schedule not found")
    assert api.get(f"/campaigns/{camp['_id']}").json()["scheduleIds"] == camp["scheduleIds"]


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"name": "x", "timezone": "UTC", "start": "09:00", "end": "18:00"}, "weekdays"),
        (
            {"name": "x", "timezone": "Paris", "start": "09:00", "end": "18:00", "weekdays": [1]},
            "Invalid timezone",
        ),
        (
            {"name": "x", "timezone": "UTC", "start": "9:00", "end": "18:00", "weekdays": [1]},
            "start must be HH:mm",
        ),
        (
            {"name": "x", "timezone": "UTC", "start": "09:00", "end": "18:00", "weekdays": [0]},
            "weekdays",
        ),
        (
            {"name": "x", "timezone": "UTC", "start": "18:00", "end": "09:00", "weekdays": [1]},
            "end must be after start",
        ),
    ],
)
def test_schedule_validation_is_json(
    api: httpx.Client, body: dict[str, Any], fragment: str
) -> None:
    r = api.post("/schedules", json=body)
    assert r.status_code == 400
    assert r.json()["error"] == "BadRequest" and fragment in r.json()["message"]


def test_schedule_patch_404_is_json(api: httpx.Client) -> None:
    r = api.patch("/schedules/skd_nope", json={"name": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "Schedule not found"})


# -- leads -------------------------------------------------------------------------------------


def test_campaign_leads(api: httpx.Client) -> None:
    camp = make_campaign(api)
    cid = camp["_id"]
    r = api.post(
        f"/campaigns/{cid}/leads/",
        json={"email": "Ann@Example.com", "firstName": "Ann", "companySize": "50"},
    )
    assert r.status_code == 200, r.text
    lead = r.json()
    assert lead["_id"].startswith("lea_") and lead["email"] == "ann@example.com"
    assert lead["campaignName"] == "Q3 outbound" and lead["companySize"] == "50"
    assert (
        api.post(f"/campaigns/{cid}/leads/", json={"email": "ann@example.com"}).status_code == 409
    )
    api.post(f"/campaigns/{cid}/leads/", json={"email": "bob@example.com"})
    listed = api.get(f"/campaigns/{cid}/leads/").json()
    assert [x["_id"] for x in listed][0] == lead["_id"]
    assert {x["state"] for x in listed} == {"scanned"}
    assert len(api.get(f"/campaigns/{cid}/leads/", params={"limit": 1}).json()) == 1
    assert api.get(f"/campaigns/{cid}/leads/", params={"state": "contacted"}).json() == []
    r = api.patch(
        f"/campaigns/{cid}/leads/{lead['_id']}",
        json={"preferredContactMethod": "linkedIn", "jobTitle": "CTO"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["jobTitle"] == "CTO" and r.json()["leadUrl"].endswith("ann%40example.com")
    r = api.patch(f"/campaigns/{cid}/leads/lea_nope", json={"jobTitle": "x"})
    assert (r.status_code, r.text) == (404, "Lead not found")
