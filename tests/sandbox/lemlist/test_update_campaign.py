"""The lemlist emulator's PATCH /campaigns/{id}, checked against lemlist's Update Campaign page."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.lemlist.helpers import add_step, is_text, make_campaign

# The Update Campaign page's request and response examples, exactly as the page shows them
# (shared/seeds/lemlist-update-campaign.txt).
UPDATE_EXAMPLE: dict[str, Any] = {
    "name": "New campaign name",
    "stopOnEmailReplied": True,
    "stopOnMeetingBooked": True,
    "stopOnLinkClicked": False,
    "leadsPausedByInterest": False,
    "opportunityReplied": True,
    "opportunityClicked": False,
    "autoLeadInterest": True,
    "disableTrackOpen": False,
    "disableTrackClick": False,
    "disableTrackReply": False,
    "disableOutOfOffice": False,
    "sequenceSharing": False,
    "sendUserIds": ["usr_2aBCdEfGHiJkLmNOp", "usr_7xYzAbCdEfGhIjKlM"],
    "autoReview": True,
    "autoReviewConditions": ["deliverable", "risky"],
}
UPDATE_RESPONSE: dict[str, Any] = {
    "name": "New campaign name",
    "stopOnEmailReplied": True,
    "stopOnMeetingBooked": True,
    "stopOnLinkClicked": False,
    "leadsPausedByInterest": False,
    "opportunityReplied": True,
    "opportunityClicked": False,
    "autoLeadInterest": True,
    "disableTrackOpen": False,
    "disableTrackClick": False,
    "disableTrackReply": False,
    "disableOutOfOffice": False,
    "sequenceSharing": False,
    "sendUsers": [
        {
            "id": "usr_2aBCdEfGHiJkLmNOp",
            "mailboxes": [{"sendUserMailboxId": "smb_1aBcDeFgHiJkLmNoP", "email": "john@acme.com"}],
            "phoneNumbers": ["+15551234567"],
            "whatsappAccountIds": ["wha_3xYzAbCdEfGhIjKlM"],
        },
        {
            "id": "usr_7xYzAbCdEfGhIjKlM",
            "mailboxes": [{"sendUserMailboxId": "smb_9zYxWvUtSrQpOnMlK", "email": "jane@acme.com"}],
            "phoneNumbers": [],
            "whatsappAccountIds": [],
        },
    ],
}
EMAIL_ONLY_USER = "usr_DemoEmailOnly0001"


def test_update_page_example_is_accepted_and_answered_in_the_page_shape(api: httpx.Client) -> None:
    camp = make_campaign(api)
    r = api.patch(f"/campaigns/{camp['_id']}", json=UPDATE_EXAMPLE)
    assert r.status_code == 200, r.text
    assert r.json() == UPDATE_RESPONSE
    got = api.get(f"/campaigns/{camp['_id']}").json()
    assert got["name"] == "New campaign name"
    assert got["autoReview"] is True and got["autoReviewConditions"] == ["deliverable", "risky"]
    assert [s["id"] for s in got["senders"]] == UPDATE_EXAMPLE["sendUserIds"]
    assert got["senders"][0] == {
        "id": "usr_2aBCdEfGHiJkLmNOp",
        "email": "john@acme.com",
        "sendUserMailboxId": "smb_1aBcDeFgHiJkLmNoP",
    }


def test_patch_answers_send_users_only_when_sender_ids_were_sent(api: httpx.Client) -> None:
    camp = make_campaign(api)
    r = api.patch(f"/campaigns/{camp['_id']}", json={"disableTrackOpen": True})
    assert r.status_code == 200
    assert "sendUsers" not in r.json()
    assert r.json()["disableTrackOpen"] is True


def test_structured_sections_are_partial_updates_and_share_the_flat_flags(
    api: httpx.Client,
) -> None:
    camp = make_campaign(api)
    cid = camp["_id"]
    r = api.patch(
        f"/campaigns/{cid}",
        json={
            "tracking": {"trackOpens": False},
            "onReplied": {"campaignProgress": "pause"},
            "aiFeatures": {"onInterestedReply": {"enabled": True}},
        },
    )
    assert r.status_code == 200, r.text
    got = api.get(f"/campaigns/{cid}").json()
    assert got["tracking"] == {"trackOpens": False, "trackClicks": True, "trackReplies": True}
    assert got["disableTrackOpen"] is True
    assert got["onReplied"]["campaignProgress"] == "pause"
    assert got["stopOnEmailReplied"] is False
    assert got["aiFeatures"]["onInterestedReply"]["enabled"] is True
    assert got["aiFeatures"]["onInterestedReply"]["pauseAllCampaignsForLead"] is False
    # A flat flag moves its structured twin too.
    api.patch(f"/campaigns/{cid}", json={"disableTrackClick": True})
    assert api.get(f"/campaigns/{cid}").json()["tracking"]["trackClicks"] is False


def test_invalid_auto_review_condition_is_a_400_and_writes_nothing(api: httpx.Client) -> None:
    camp = make_campaign(api, "Before")
    r = api.patch(
        f"/campaigns/{camp['_id']}",
        json={"name": "After", "autoReviewConditions": ["deliverable", "maybe"]},
    )
    assert r.status_code == 400
    assert is_text(r)
    assert "autoReviewConditions" in r.text and "maybe" in r.text
    assert api.get(f"/campaigns/{camp['_id']}").json()["name"] == "Before"


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"timezone": "Europe/Berlin"}, "timezone cannot be updated"),
        ({"stopOnEmailReplied": "yes"}, "stopOnEmailReplied must be a boolean"),
        ({"tracking": {"trackOpen": True}}, "tracking.trackOpen"),
        ({"onLinkClicked": {"campaignProgress": "halt"}}, "onLinkClicked.campaignProgress"),
        ({"emoji": "x"}, "Unknown parameter 'emoji'"),
        ({"name": ""}, "name must be a non-empty string"),
    ],
)
def test_patch_validation(api: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    camp = make_campaign(api)
    r = api.patch(f"/campaigns/{camp['_id']}", json=body)
    assert r.status_code == 400
    assert fragment in r.text


def test_senders_cannot_be_set_on_a_dynamic_sender_campaign(api: httpx.Client) -> None:
    campaigns = api.get("/campaigns").json()
    dynamic = next(c for c in campaigns if c["name"] == "Inbound follow-up (contact owner)")
    assert api.get(f"/campaigns/{dynamic['_id']}").json()["senderStrategy"] == "contactOwner"
    r = api.patch(f"/campaigns/{dynamic['_id']}", json={"sendUserIds": ["usr_2aBCdEfGHiJkLmNOp"]})
    assert r.status_code == 400
    assert r.text.startswith("Cannot update senders on campaigns with a dynamic")


def test_senders_must_cover_the_campaign_channels(api: httpx.Client) -> None:
    camp = make_campaign(api)
    add_step(api, camp["sequenceId"], type="linkedinInvite", delay=0)
    r = api.patch(f"/campaigns/{camp['_id']}", json={"sendUserIds": [EMAIL_ONLY_USER]})
    assert r.status_code == 400
    assert r.text == "None of the provided senders have the required capabilities for this campaign"
    add_step(api, camp["sequenceId"], type="email", subject="Hi", delay=1)
    r = api.patch(f"/campaigns/{camp['_id']}", json={"sendUserIds": [EMAIL_ONLY_USER]})
    assert r.text == "The provided senders do not cover the following campaign channels: linkedin"
    r = api.patch(f"/campaigns/{camp['_id']}", json={"sendUserIds": ["usr_nobody"]})
    assert r.text == "None of the provided sender IDs are members of this team"
    r = api.patch(
        f"/campaigns/{camp['_id']}",
        json={"sendUserIds": [EMAIL_ONLY_USER, "usr_7xYzAbCdEfGhIjKlM"]},
    )
    assert r.status_code == 200, r.text
    assert [u["id"] for u in r.json()["sendUsers"]] == [EMAIL_ONLY_USER, "usr_7xYzAbCdEfGhIjKlM"]
