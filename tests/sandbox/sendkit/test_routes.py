"""The SendKit emulator over loopback HTTP: the pages' examples, auth, listing, campaign leads."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import httpx

from outreach_cli.sandbox.sendkit import FLATTENED_SETTINGS, Emulator, workspace_for_key
from tests.sandbox.sendkit.helpers import (
    CREATE_EXAMPLE,
    HEX24,
    INTERESTED_SUB,
    ISO,
    LEAD_UPDATE_EXAMPLE,
    UPDATE_EXAMPLE,
    add_lead,
    create,
    error,
    get,
    lead_row,
    ok,
    patch_lead,
)

# -- the pages' own examples -------------------------------------------------------------------


def test_create_page_example_is_accepted_and_answered_in_the_page_shape(api: httpx.Client):
    data = ok(api.post("/campaigns", json=CREATE_EXAMPLE), 201)
    for k in (
        "_id",
        "name",
        "userId",
        "workspaceId",
        "status",
        "mailboxes",
        "sequence",
        "sendingSchedule",
        "trackOpens",
        "trackClicks",
        "stopOnReply",
        "stats",
        "createdAt",
        "updatedAt",
    ):
        assert k in data, k
    assert HEX24.match(data["_id"]) and HEX24.match(data["userId"])
    assert HEX24.match(data["workspaceId"])
    assert data["status"] == "draft"
    assert data["name"] == "Q2 Outbound - Decision Makers"
    assert ISO.match(data["createdAt"]) and ISO.match(data["updatedAt"])
    # mailboxTags ["outreach"] resolves to the demo mailboxes carrying that tag.
    mailboxes = ok(api.get("/mailboxes"))
    outreach = [m["_id"] for m in mailboxes if "outreach" in m["tags"]]
    assert sorted(data["mailboxes"]) == sorted(outreach) and len(outreach) == 3
    assert data["mailboxCount"] == 3
    steps = data["sequence"]
    assert [s["name"] for s in steps] == ["Initial Email", "Wait 3 days", "Follow-up 1"]
    assert [s["order"] for s in steps] == [0, 1, 2]
    assert all(HEX24.match(s["_id"]) for s in steps)
    assert steps[0]["subject"] == "Quick question about {{companyName}}"
    assert steps[0]["body"] == CREATE_EXAMPLE["sequence"][0]["body"]  # HTML kept as it is
    assert steps[1]["waitDays"] == 3
    assert steps[0]["variants"][0]["label"] == "A"
    assert data["sendingSchedule"] == CREATE_EXAMPLE["schedule"]
    assert set(data["stats"]) == {
        "sent",
        "delivered",
        "opened",
        "clicked",
        "replied",
        "bounced",
        "unsubscribed",
    }
    assert data["emailIntervalMinutes"] == 12
    assert data["settings"]["cc"] == ["sales-log@yourcompany.com"]
    assert "secret" not in data["settings"]["webhook"]


def test_get_returns_the_read_shape_with_the_settings_split(api: httpx.Client):
    cid = ok(api.post("/campaigns", json=CREATE_EXAMPLE), 201)["_id"]
    data = get(api, cid)
    for k in (
        "_id",
        "name",
        "userId",
        "workspaceId",
        "status",
        "sequence",
        "subsequences",
        "sendingSchedule",
        "trackOpens",
        "trackClicks",
        "stopOnReply",
        "includeUnsubscribeLink",
        "emailIntervalMinutes",
        "mailboxCount",
        "settings",
        "stats",
        "leadCounts",
        "startedAt",
        "completedAt",
        "createdAt",
        "updatedAt",
    ):
        assert k in data, k
    assert "mailboxes" not in data  # write-only selectors: a read gives the count only
    assert data["mailboxCount"] == 3
    assert data["leadCounts"] == {"total": 0, "active": 0}
    for k in FLATTENED_SETTINGS:
        assert k not in data["settings"], k
        assert k in data
    written = CREATE_EXAMPLE["settings"]
    for k, v in written.items():
        if k in FLATTENED_SETTINGS:
            assert data[k] == v, k
        elif k == "webhook":
            assert data["settings"]["webhook"] == {kk: vv for kk, vv in v.items() if kk != "secret"}
        else:
            assert data["settings"][k] == v, k


def test_update_page_example_is_accepted_and_merges(api: httpx.Client):
    before = ok(api.post("/campaigns", json=CREATE_EXAMPLE), 201)
    resp = api.patch(f"/campaigns/{before['_id']}", json=UPDATE_EXAMPLE)
    data = ok(resp)
    for k in ("_id", "name", "status", "sendingSchedule", "createdAt", "updatedAt"):
        assert k in data, k
    assert data["_id"] == before["_id"]
    assert data["name"] == "Q1 Outreach Campaign (Updated)"
    assert data["status"] == "draft"
    assert data["updatedAt"] > before["updatedAt"]
    assert data["createdAt"] == before["createdAt"]
    # schedule merges: the timezone and days written on create survive.
    assert data["sendingSchedule"] == {
        "timezone": "America/Chicago",
        "startTime": "10:00",
        "endTime": "18:00",
        "workingDays": [1, 2, 3, 4, 5],
        "skipNationalHolidays": False,
    }
    after = get(api, before["_id"])
    settings = after["settings"]
    assert settings["dailySendLimit"] == 100
    assert settings["stopOnAutoReply"] is False
    assert settings["stopOnCompanyReply"] is True  # untouched
    assert settings["cc"] == ["sales-log@yourcompany.com"]  # untouched
    assert settings["segSkipProviders"] == ["proofpoint", "mimecast", "barracuda"]
    # nested objects merge one level deep
    assert settings["webhook"] == {
        "enabled": True,
        "url": "https://yourcompany.com/webhooks/sendkit",
        "events": ["lead.replied", "email.opened"],
    }
    assert settings["variantOptimization"] == {
        "enabled": True,
        "minimumSendsPerVariant": 100,
        "minimumDays": 5,
        "optimizationMetric": "openRate",
        "keepMinimumVariants": 2,
    }
    assert after["emailIntervalMinutes"] == 12


def test_lead_update_page_example_is_accepted(api: httpx.Client):
    camp = create(api, subsequences=[INTERESTED_SUB])
    cl = add_lead(api, camp["_id"])
    resp = patch_lead(api, camp["_id"], cl["_id"], LEAD_UPDATE_EXAMPLE)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["success"] is True
    data = body["data"]
    for k in ("_id", "campaignId", "status", "aiTag", "currentSequenceStep", "replied", "addedAt"):
        assert k in data, k
    assert data["_id"] == cl["_id"] and data["campaignId"] == camp["_id"]
    assert data["status"] == "paused"
    assert data["aiTag"] == "Interested"
    assert data["replied"] is False
    assert body["subsequenceEnrollment"] == {
        "action": "enrolled",
        "subsequenceName": "Interested follow-up",
    }


# -- envelopes, auth -------------------------------------------------------------------------


def test_not_found_envelope(api: httpx.Client):
    missing = "665a1b2c3d4e5f6a7b8c9d0e"
    resp = api.get(f"/campaigns/{missing}")
    assert resp.status_code == 404
    assert resp.json() == {
        "success": False,
        "error": {"code": "NOT_FOUND", "message": "Campaign not found"},
    }
    error(api.patch(f"/campaigns/{missing}", json={"name": "x"}), 404, "NOT_FOUND")
    error(api.post(f"/campaigns/{missing}/start"), 404, "NOT_FOUND")
    cid = create(api)["_id"]
    msg = error(patch_lead(api, cid, missing, {"status": "paused"}), 404, "NOT_FOUND")
    assert msg == "Campaign lead not found"
    error(api.get("/no-such-endpoint"), 404, "NOT_FOUND")


def test_auth_header_forms(make_client: Callable[..., httpx.Client], key: str):
    with_header = make_client({"X-Api-Key": key})
    cid = create(with_header)["_id"]
    bearer = make_client({"Authorization": f"Bearer {key}"})
    assert get(bearer, cid)["_id"] == cid  # same key, same workspace
    assert get(bearer, cid)["workspaceId"] == workspace_for_key(key)

    other = make_client({"X-Api-Key": "sk_other_" + secrets.token_hex(4)})
    error(other.get(f"/campaigns/{cid}"), 404, "NOT_FOUND")  # another workspace

    platform = make_client({"X-Api-Key": "sk_user_" + secrets.token_hex(6)})
    msg = error(platform.get("/campaigns"), 400, "WORKSPACE_ID_REQUIRED")
    assert "X-Workspace-Id" in msg
    ws = secrets.token_hex(12)
    scoped = make_client({"X-Api-Key": platform.headers["X-Api-Key"], "X-Workspace-Id": ws})
    assert get(scoped, create(scoped)["_id"])["workspaceId"] == ws

    for headers in (
        {"X-Api-Key": "pk_live_123"},
        {"Authorization": "Bearer nope"},
        {"Authorization": f"Basic {key}"},
        {},
        {"X-Api-Key": "sk_user_"},
    ):
        resp = make_client(headers).get("/campaigns")
        assert resp.status_code == 401, headers
        assert resp.json()["success"] is False
        assert resp.json()["error"]["code"] == "UNAUTHORIZED"


def test_malformed_json_and_unknown_keys_are_validation_errors(api: httpx.Client):
    resp = api.post(
        "/campaigns", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    error(resp, 400, "VALIDATION_ERROR")
    msg = error(
        api.post("/campaigns", json={"name": "x", "sendingSchedule": {}}), 400, "VALIDATION_ERROR"
    )
    assert "sendingSchedule" in msg
    msg = error(api.post("/campaigns", json={"sequence": []}), 400, "VALIDATION_ERROR")
    assert msg.startswith("name")
    assert ok(api.get("/campaigns")) == []


# -- listing ---------------------------------------------------------------------------------


def test_cursor_pagination_returns_each_campaign_once(api: httpx.Client):
    created = {create(api, name=f"Batch {i:02d}")["_id"] for i in range(30)}
    first = api.get("/campaigns").json()
    assert len(first["data"]) == 25
    assert first["pagination"]["limit"] == 25
    assert first["pagination"]["total"] == 30
    assert first["pagination"]["hasMore"] is True
    assert first["pagination"]["nextCursor"] == first["data"][-1]["_id"]
    second = api.get("/campaigns", params={"cursor": first["pagination"]["nextCursor"]}).json()
    assert len(second["data"]) == 5
    assert second["pagination"]["hasMore"] is False
    ids = [c["_id"] for c in first["data"] + second["data"]]
    assert len(ids) == len(set(ids)) and set(ids) == created

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/campaigns", params=params).json()
        seen += [c["_id"] for c in page["data"]]
        if not page["pagination"]["hasMore"]:
            break
        cursor = page["pagination"]["nextCursor"]
    assert sorted(seen) == sorted(created) and len(seen) == 30


def test_list_filters_and_limits(api: httpx.Client):
    create(api, name="Alpha Launch")
    beta = create(api, name="beta launch")["_id"]
    create(api, name="Gamma")
    names = {c["name"] for c in ok(api.get("/campaigns", params={"search": "LAUNCH"}))}
    assert names == {"Alpha Launch", "beta launch"}
    ok(api.post(f"/campaigns/{beta}/start"))
    active = ok(api.get("/campaigns", params={"status": "active"}))
    assert [c["_id"] for c in active] == [beta]
    error(api.get("/campaigns", params={"status": "running"}), 400, "VALIDATION_ERROR")
    error(api.get("/campaigns", params={"limit": 101}), 400, "VALIDATION_ERROR")
    error(api.get("/campaigns", params={"limit": 0}), 400, "VALIDATION_ERROR")
    error(api.get("/campaigns", params={"limit": "²"}), 400, "VALIDATION_ERROR")  # was a 500
    assert len(ok(api.get("/campaigns", params={"limit": 100}))) == 3


def test_tags_and_mailboxes(api: httpx.Client):
    tags = ok(api.get("/tags"))
    assert [t["name"] for t in tags] == [
        "Interested",
        "Not Interested",
        "Meeting Booked",
        "Out of Office",
        "Wrong Person",
    ]
    assert all(set(t) == {"name", "description", "color"} for t in tags)
    resp = api.get("/mailboxes").json()
    boxes = resp["data"]
    assert resp["pagination"]["total"] == len(boxes) == 4
    assert {m["provider"] for m in boxes} == {"gmail", "outlook", "custom"}
    for m in boxes:
        assert HEX24.match(m["_id"]) and m["status"] == "active"
        assert {"email", "displayName", "tags"} <= set(m)
    page = api.get("/mailboxes", params={"limit": 3}).json()
    rest = api.get("/mailboxes", params={"cursor": page["pagination"]["nextCursor"]}).json()
    assert len(page["data"]) == 3 and len(rest["data"]) == 1


# -- campaign leads --------------------------------------------------------------------------


def test_add_leads_modes(api: httpx.Client):
    cid = create(api)["_id"]
    workspace_leads = 30
    resp = ok(
        api.post(
            f"/campaigns/{cid}/leads",
            json={
                "leads": [
                    {"email": "New.Person@Example.org", "firstName": "New"},
                    {"email": "new.person@example.org"},
                    {"leadId": "0" * 24},
                    {"email": "not-an-email"},
                    {"phone": "123"},
                ]
            },
        )
    )
    assert resp["added"] == 1 and resp["skipped"] == 1
    assert [e["entry"] for e in resp["errors"]] == [
        {"leadId": "0" * 24},
        {"email": "not-an-email"},
        {"phone": "123"},
    ]
    assert all(isinstance(e["message"], str) and e["message"] for e in resp["errors"])
    rows = ok(api.get(f"/campaigns/{cid}/leads"))
    assert rows[0]["leadId"]["email"] == "new.person@example.org"
    assert rows[0]["leadId"]["firstName"] == "New"
    for k in (
        "_id",
        "campaignId",
        "leadId",
        "status",
        "aiTag",
        "currentSequenceStep",
        "subsequence",
        "replied",
        "addedAt",
    ):
        assert k in rows[0], k
    assert set(rows[0]["leadId"]) == {"_id", "email", "firstName", "lastName", "companyName"}

    error(api.post(f"/campaigns/{cid}/leads", json={}), 400, "VALIDATION_ERROR")
    error(
        api.post(f"/campaigns/{cid}/leads", json={"leads": [], "selectAll": True}),
        400,
        "VALIDATION_ERROR",
    )
    error(
        api.post(f"/campaigns/{cid}/leads", json={"leads": [{"email": "a@b.co"}] * 5001}),
        400,
        "VALIDATION_ERROR",
    )

    other = create(api)["_id"]
    vip = ok(api.post(f"/campaigns/{other}/leads", json={"filters": {"tags": ["vip"]}}))
    assert vip["added"] == 6
    some = ok(api.get(f"/campaigns/{other}/leads"))
    exclude = [some[0]["leadId"]["_id"]]
    everyone = ok(
        api.post(f"/campaigns/{other}/leads", json={"selectAll": True, "excludeIds": exclude})
    )
    # 30 seeded + the one created above; 6 already in, 1 excluded (already in anyway)
    assert everyone["added"] == workspace_leads + 1 - 6
    assert everyone["skipped"] == 5
    total = api.get(f"/campaigns/{other}/leads").json()["pagination"]["total"]
    assert total == workspace_leads + 1
    error(
        api.post(f"/campaigns/{other}/leads", json={"filters": {"colour": "red"}}),
        400,
        "VALIDATION_ERROR",
    )


def test_campaign_leads_paginate_and_filter(api: httpx.Client):
    cid = create(api)["_id"]
    ok(api.post(f"/campaigns/{cid}/leads", json={"selectAll": True}))
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 8, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/campaigns/{cid}/leads", params=params).json()
        seen += [cl["_id"] for cl in page["data"]]
        if not page["pagination"]["hasMore"]:
            break
        cursor = page["pagination"]["nextCursor"]
    assert len(seen) == len(set(seen)) == 30
    patch_lead(api, cid, seen[0], {"status": "paused"})
    paused = ok(api.get(f"/campaigns/{cid}/leads", params={"status": "paused"}))
    assert [cl["_id"] for cl in paused] == [seen[0]]
    error(
        api.get(f"/campaigns/{cid}/leads", params={"status": "sleeping"}), 400, "VALIDATION_ERROR"
    )


def test_lead_actions(api: httpx.Client, emulator: Emulator):
    cid = create(api)["_id"]
    a = add_lead(api, cid, "a@example.org")
    b = add_lead(api, cid, "b@example.org")
    c = add_lead(api, cid, "c@example.org")
    res = ok(
        api.post(
            f"/campaigns/{cid}/leads/action",
            json={"action": "pause", "leadIds": [a["_id"], b["_id"]]},
        )
    )
    assert res == {"action": "pause", "modifiedCount": 2}
    res = ok(
        api.post(f"/campaigns/{cid}/leads/action", json={"action": "resume", "selectAll": True})
    )
    assert res == {"action": "resume", "modifiedCount": 2}
    assert lead_row(api, cid, a["_id"])["status"] == "pending"  # the campaign is a draft
    ok(api.post(f"/campaigns/{cid}/start"))
    emulator.tick(1)
    ok(api.post(f"/campaigns/{cid}/leads", json={"leads": [{"email": "d@example.org"}]}))
    res = ok(
        api.post(
            f"/campaigns/{cid}/leads/action",
            json={"action": "remove", "selectAll": True, "excludeIds": [c["_id"]]},
        )
    )
    assert res["modifiedCount"] == 3
    rows = {cl["leadId"]["email"]: cl for cl in ok(api.get(f"/campaigns/{cid}/leads"))}
    # a, b had an email sent: kept as removed; d had none: deleted; c excluded
    assert {k: v["status"] for k, v in rows.items()} == {
        "a@example.org": "removed",
        "b@example.org": "removed",
        "c@example.org": "active",
    }
    error(
        api.post(f"/campaigns/{cid}/leads/action", json={"action": "delete", "selectAll": True}),
        400,
        "VALIDATION_ERROR",
    )
    error(
        api.post(f"/campaigns/{cid}/leads/action", json={"action": "pause"}),
        400,
        "VALIDATION_ERROR",
    )
    # The page states only the target values: a removed lead may be set back to active.
    back = patch_lead(api, cid, a["_id"], {"status": "active"})
    assert back.status_code == 200, back.text
    assert lead_row(api, cid, a["_id"])["status"] == "active"


def test_lead_patch_validation(api: httpx.Client):
    cid = create(api)["_id"]
    cl = add_lead(api, cid)
    msg = error(patch_lead(api, cid, cl["_id"], {"aiTag": "InvalidTag"}), 400, "INVALID_TAG")
    assert msg == 'Tag "InvalidTag" does not exist in workspace'
    error(patch_lead(api, cid, cl["_id"], {"status": "completed"}), 400, "VALIDATION_ERROR")
    error(patch_lead(api, cid, cl["_id"], {"note": "x"}), 400, "VALIDATION_ERROR")
    error(patch_lead(api, cid, cl["_id"], {}), 400, "VALIDATION_ERROR")
    # a failed PATCH writes nothing, not even the valid half
    error(
        patch_lead(api, cid, cl["_id"], {"status": "paused", "aiTag": "Nope"}), 400, "INVALID_TAG"
    )
    row = lead_row(api, cid, cl["_id"])
    assert row["status"] == "pending" and row["aiTag"] is None
    # tag names match ignoring case; the label's own spelling is stored
    data = ok(patch_lead(api, cid, cl["_id"], {"aiTag": "meeting BOOKED"}))
    assert data["aiTag"] == "Meeting Booked"
    assert ok(patch_lead(api, cid, cl["_id"], {"aiTag": None}))["aiTag"] is None
    other = create(api)["_id"]
    error(patch_lead(api, other, cl["_id"], {"status": "paused"}), 404, "NOT_FOUND")


def test_campaign_leads_page_by_id_from_the_index(api: httpx.Client):
    cid = create(api)["_id"]
    other = create(api, name="Other")["_id"]
    emails = [{"email": f"p{i:03d}@example.org"} for i in range(23)]
    assert ok(api.post(f"/campaigns/{cid}/leads", json={"leads": emails}))["added"] == 23
    ok(api.post(f"/campaigns/{other}/leads", json={"leads": emails[:5]}))
    every = ok(api.get(f"/campaigns/{cid}/leads", params={"limit": 100}))
    ids = [cl["_id"] for cl in every]
    assert len(ids) == 23 and ids == sorted(ids)
    paused = ids[3]
    patch = api.patch(f"/campaigns/{cid}/leads/{paused}", json={"status": "paused"})
    assert patch.status_code == 200, patch.text

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = api.get(f"/campaigns/{cid}/leads", params=params).json()
        assert body["pagination"]["total"] == 23
        assert body["pagination"]["limit"] == 10
        seen += [cl["_id"] for cl in body["data"]]
        assert all(cl["campaignId"] == cid for cl in body["data"])
        if not body["pagination"]["hasMore"]:
            assert body["pagination"]["nextCursor"] is None
            break
        cursor = body["pagination"]["nextCursor"]
        assert cursor == seen[-1]
    assert seen == ids

    only = api.get(f"/campaigns/{cid}/leads", params={"status": "paused"}).json()
    assert [cl["_id"] for cl in only["data"]] == [paused]
    assert only["pagination"]["total"] == 1 and only["pagination"]["hasMore"] is False
    assert get(api, cid)["leadCounts"]["total"] == 23
    assert get(api, other)["leadCounts"]["total"] == 5
