"""The lemlist emulator's sequences, steps and A/B tests."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.lemlist.helpers import add_step, is_text, make_campaign, steps_of

# -- steps -------------------------------------------------------------------------------------


def test_steps_are_added_in_place_with_documented_delay_defaults(api: httpx.Client) -> None:
    camp = make_campaign(api)
    seq = camp["sequenceId"]
    first = add_step(api, seq, type="email", subject="Hi", message="<p>Hello</p>")
    assert first["_id"].startswith("stp_") and first["emailTemplateId"].startswith("etp_")
    assert first["delay"] == 0  # default 0 for the first step
    second = add_step(api, seq, type="linkedinInvite", message="Let's connect")
    assert second["delay"] == 1  # and 1 for later ones
    visit = add_step(api, seq, type="linkedinVisit", delay=0, index=0)
    steps = steps_of(api, camp)
    assert [s["_id"] for s in steps] == [visit["_id"], first["_id"], second["_id"]]
    assert [(s["index"], s["sequenceStep"]) for s in steps] == [(1, 0), (2, 1), (3, 2)]
    assert steps[1]["subject"] == "Hi" and steps[1]["sequenceId"] == seq


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"type": "fax"}, "Invalid step type"),
        ({}, "type is required"),
        ({"type": "email"}, "subject is required for email steps"),
        ({"type": "sms"}, "message is required for sms steps"),
        ({"type": "api", "url": "ftp://x", "method": "GET"}, "url must start with http"),
        ({"type": "api", "method": "GET"}, "url is required for api steps"),
        ({"type": "api", "url": "https://x", "method": "FETCH"}, "method must be one of"),
        ({"type": "conditional", "delayType": "within"}, "conditionKey is required"),
        ({"type": "conditional", "conditionKey": "isNice"}, "Invalid conditionKey"),
        ({"type": "conditional", "conditionKey": "emailsOpened", "delayType": "soon"}, "delayType"),
        ({"type": "sendToAnotherCampaign", "campaignId": "cam_nope"}, "does not exist"),
        ({"type": "linkedinVisit", "delay": -1}, "delay must be a whole number"),
        ({"type": "linkedinVisit", "delay": 1.5}, "delay must be a whole number"),
        ({"type": "linkedinVisit", "index": -2}, "index must be an integer >= -1"),
        ({"type": "linkedinSend", "message": "x", "images": ["http://x/a.png"]}, "HTTPS"),
        (
            {"type": "linkedinSend", "message": "x", "images": ["https://x/a.png"] * 7},
            "at most 6 images",
        ),
        ({"type": "linkedinVoiceNote", "recordMode": "auto"}, "recordMode"),
        ({"type": "email", "subject": "x", "body": "y"}, "Unknown parameter 'body'"),
    ],
)
def test_step_validation(api: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    camp = make_campaign(api)
    r = api.post(f"/sequences/{camp['sequenceId']}/steps", json=body)
    assert r.status_code == 400, r.text
    assert fragment in r.text


def test_step_to_another_campaign_must_target_an_existing_one(api: httpx.Client) -> None:
    a, b = make_campaign(api, "A"), make_campaign(api, "B")
    step = add_step(api, a["sequenceId"], type="sendToAnotherCampaign", campaignId=b["_id"])
    assert step["campaignId"] == b["_id"]


def test_step_type_is_immutable(api: httpx.Client) -> None:
    camp = make_campaign(api)
    seq = camp["sequenceId"]
    step = add_step(api, seq, type="email", subject="Hi", delay=0)
    url = f"/sequences/{seq}/steps/{step['_id']}"
    r = api.patch(url, json={"type": "linkedinSend", "message": "x"})
    assert r.status_code == 400 and is_text(r)
    assert "type cannot be changed" in r.text
    r = api.patch(url, json={"subject": "Other"})
    assert (r.status_code, r.text) == (400, "type is required")
    r = api.patch(url, json={"type": "email", "subject": ""})
    assert (r.status_code, r.text) == (400, "subject is required for email steps")
    r = api.patch(url, json={"type": "email", "subject": "Better", "delay": 3})
    assert r.status_code == 200
    assert r.json()["subject"] == "Better" and r.json()["delay"] == 3
    assert steps_of(api, camp)[0]["subject"] == "Better"
    assert (
        api.patch(f"/sequences/{seq}/steps/stp_nope", json={"type": "email"}).text
        == "Step not found"
    )
    assert (
        api.patch(f"/sequences/seq_nope/steps/{step['_id']}", json={"type": "email"}).text
        == "Sequence not found"
    )


def test_deleting_a_step_of_a_running_campaign_is_refused(api: httpx.Client) -> None:
    camp = make_campaign(api)  # running at once
    seq = camp["sequenceId"]
    a = add_step(api, seq, type="email", subject="A")
    b = add_step(api, seq, type="email", subject="B")
    r = api.delete(f"/sequences/{seq}/steps/{a['_id']}")
    assert (r.status_code, r.text) == (
        400,
        "You cannot delete this step because the campaign is running",
    )
    assert len(steps_of(api, camp)) == 2
    api.post(f"/campaigns/{camp['_id']}/pause")
    r = api.delete(f"/sequences/{seq}/steps/{a['_id']}")
    assert (r.status_code, r.json()) == (200, {"ok": True})
    steps = steps_of(api, camp)
    assert [(s["_id"], s["index"]) for s in steps] == [(b["_id"], 1)]


def test_ab_test_variant_b(api: httpx.Client) -> None:
    camp = make_campaign(api)
    seq = camp["sequenceId"]
    step = add_step(api, seq, type="email", subject="A subject", message="<p>A</p>")
    url = f"/sequences/{seq}/steps/{step['_id']}/ab-test"
    assert api.post(url).text == "You cannot create an A/B test while the campaign is running"
    api.post(f"/campaigns/{camp['_id']}/pause")
    assert api.get(url).status_code == 404
    created = api.post(url).json()
    assert created["abTest"] is True and created["subject"] == "A subject"
    patched = api.patch(url, json={"subject": "B subject", "message": "<p>B</p>"}).json()
    assert patched["subject"] == "B subject"
    assert api.get(url).json()["message"] == "<p>B</p>"
    listed = steps_of(api, camp)[0]
    assert listed["abTest"] is True
    assert listed["emailTemplateBId"] == created["emailTemplateBId"]
    assert api.post(url + "/winner", json={"variant": "B"}).json() == {
        "stepId": step["_id"],
        "abTest": "B",
    }
    assert api.delete(url).json() == {"ok": True}
    assert "abTest" not in steps_of(api, camp)[0]
