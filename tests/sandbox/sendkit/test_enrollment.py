"""The SendKit emulator's subsequence enrollment decision table (the lead PATCH page)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from outreach_cli.sandbox.sendkit import Emulator
from tests.sandbox.sendkit.helpers import (
    INTERESTED_SUB,
    ISO,
    MEETING_SUB,
    add_lead,
    create,
    get,
    lead_row,
    ok,
    patch_lead,
)

# -- the enrollment decision table -----------------------------------------------------------


@pytest.fixture
def table(api: httpx.Client, emulator: Emulator) -> dict[str, Any]:
    """A campaign with the two subsequences and a helper to put a lead in a known state."""
    camp = create(api, subsequences=[INTERESTED_SUB, MEETING_SUB])
    cid = camp["_id"]
    subs = {s["name"]: s["_id"] for s in camp["subsequences"]}
    counter = iter(range(1000))

    def lead(state: str) -> dict[str, Any]:
        cl = add_lead(api, cid, f"lead{next(counter)}@example.org")
        if state == "none":
            return cl
        tag = {"interested": "Interested", "meeting": "Meeting Booked"}[state.split("-")[0]]
        resp = patch_lead(api, cid, cl["_id"], {"aiTag": tag})
        assert resp.json()["subsequenceEnrollment"]["action"] == "enrolled"
        if state.endswith("-sent"):
            if get(api, cid)["status"] == "draft":
                ok(api.post(f"/campaigns/{cid}/start"))
            emulator.tick(1)
            assert lead_row(api, cid, cl["_id"])["subsequence"]["emailsSent"] == 1
        return lead_row(api, cid, cl["_id"])

    return {"cid": cid, "subs": subs, "lead": lead}


def test_table_match_and_no_subsequence_enrolls(
    api: httpx.Client, emulator: Emulator, table: dict[str, Any]
):
    cid = table["cid"]
    cl = table["lead"]("none")
    resp = patch_lead(api, cid, cl["_id"], {"aiTag": "INTERESTED"})
    assert resp.json()["subsequenceEnrollment"] == {
        "action": "enrolled",
        "subsequenceName": "Interested follow-up",
    }
    sub = resp.json()["data"]["subsequence"]
    assert sub["id"] == table["subs"]["Interested follow-up"]
    assert (
        sub["name"],
        sub["status"],
        sub["stepIndex"],
        sub["emailsSent"],
        sub["completedAt"],
    ) == ("Interested follow-up", "active", 0, 0, None)
    assert get(api, cid)["subsequences"][0]["addedCount"] == 1
    # the pending main-sequence send is canceled: the subsequence sends, the main one does not
    ok(api.post(f"/campaigns/{cid}/start"))
    summary = emulator.tick(60)
    assert summary["emailsSent"] == summary["subsequenceEmailsSent"] == 1
    row = lead_row(api, cid, cl["_id"])
    assert row["currentSequenceStep"] == 0 and row["subsequence"]["emailsSent"] == 1


def test_enrolling_cancels_the_pending_main_sequence_send(
    api: httpx.Client, emulator: Emulator, table: dict[str, Any]
):
    cid = table["cid"]
    cl = table["lead"]("none")
    ok(api.post(f"/campaigns/{cid}/start"))
    assert emulator.tick(1)["emailsSent"] == 1  # the initial email; the follow-up is 3 days out
    body = patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"}).json()
    assert body["subsequenceEnrollment"]["action"] == "enrolled"
    # the subsequence starts now rather than after the main sequence's wait
    assert emulator.tick(60)["subsequenceEmailsSent"] == 1
    summary = emulator.tick(5 * 86400)
    assert summary["emailsSent"] == summary["subsequenceEmailsSent"] == 1
    row = lead_row(api, cid, cl["_id"])
    assert row["currentSequenceStep"] == 2  # the main follow-up (step 2) never went out
    assert row["emailsSent"] == 3 and row["status"] == "completed"


def test_table_match_same_subsequence_is_a_no_op(api: httpx.Client, table: dict[str, Any]):
    cl = table["lead"]("interested")
    resp = patch_lead(api, table["cid"], cl["_id"], {"aiTag": "Interested"})
    assert resp.status_code == 200 and "subsequenceEnrollment" not in resp.json()
    assert resp.json()["data"]["subsequence"] == cl["subsequence"]
    assert get(api, table["cid"])["subsequences"][0]["addedCount"] == 1


def test_table_match_other_without_sent_switches(api: httpx.Client, table: dict[str, Any]):
    cl = table["lead"]("meeting")  # in "Meeting prep", nothing sent (it opens with a wait)
    resp = patch_lead(api, table["cid"], cl["_id"], {"aiTag": "Interested"})
    assert resp.json()["subsequenceEnrollment"] == {
        "action": "switched",
        "subsequenceName": "Interested follow-up",
    }
    sub = resp.json()["data"]["subsequence"]
    assert sub["id"] == table["subs"]["Interested follow-up"]
    assert sub["stepIndex"] == 0 and sub["emailsSent"] == 0 and sub["status"] == "active"
    counts = {s["name"]: s["addedCount"] for s in get(api, table["cid"])["subsequences"]}
    assert counts == {"Interested follow-up": 1, "Meeting prep": 1}


def test_table_match_other_with_sent_is_skipped(api: httpx.Client, table: dict[str, Any]):
    cl = table["lead"]("interested-sent")
    resp = patch_lead(api, table["cid"], cl["_id"], {"aiTag": "Meeting Booked"})
    body = resp.json()
    assert body["subsequenceEnrollment"] == {
        "action": "skippedInProgress",
        "subsequenceName": "Interested follow-up",
    }
    assert body["data"]["aiTag"] == "Meeting Booked"  # the tag still updates
    assert body["data"]["subsequence"] == cl["subsequence"]


def test_table_no_match_and_no_subsequence_is_a_no_op(api: httpx.Client, table: dict[str, Any]):
    cl = table["lead"]("none")
    resp = patch_lead(api, table["cid"], cl["_id"], {"aiTag": "Wrong Person"})
    assert "subsequenceEnrollment" not in resp.json()
    assert resp.json()["data"]["aiTag"] == "Wrong Person"
    assert resp.json()["data"]["subsequence"] is None
    assert resp.json()["data"]["status"] == "pending"


def test_table_no_match_without_sent_exits(api: httpx.Client, table: dict[str, Any]):
    cl = table["lead"]("meeting")
    resp = patch_lead(api, table["cid"], cl["_id"], {"aiTag": "Not Interested"})
    body = resp.json()
    assert body["subsequenceEnrollment"] == {"action": "exited", "subsequenceName": "Meeting prep"}
    sub = body["data"]["subsequence"]
    assert sub["id"] == table["subs"]["Meeting prep"]  # kept as a historical pointer
    assert sub["status"] == "completed" and ISO.match(sub["completedAt"])
    assert body["data"]["status"] == "completed"


def test_table_clearing_the_tag_exits_too(api: httpx.Client, table: dict[str, Any]):
    cl = table["lead"]("meeting")
    body = patch_lead(api, table["cid"], cl["_id"], {"aiTag": None}).json()
    assert body["subsequenceEnrollment"]["action"] == "exited"
    assert body["data"]["aiTag"] is None


def test_table_no_match_with_sent_is_skipped(
    api: httpx.Client, emulator: Emulator, table: dict[str, Any]
):
    cl = table["lead"]("interested-sent")
    body = patch_lead(api, table["cid"], cl["_id"], {"aiTag": "Out of Office"}).json()
    assert body["subsequenceEnrollment"] == {
        "action": "skippedInProgress",
        "subsequenceName": "Interested follow-up",
    }
    assert body["data"]["subsequence"]["status"] == "active"
    assert body["data"]["aiTag"] == "Out of Office"
    # kept in: the subsequence carries on after its wait
    assert emulator.tick(3 * 86400)["subsequenceEmailsSent"] == 1
    done = lead_row(api, table["cid"], cl["_id"])
    assert done["subsequence"]["emailsSent"] == 2
    assert done["subsequence"]["status"] == "completed" and done["status"] == "completed"
