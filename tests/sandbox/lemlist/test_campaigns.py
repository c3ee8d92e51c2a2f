"""The lemlist emulator over real loopback HTTP, checked against lemlist's pages."""

from __future__ import annotations

import base64
import calendar
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from outreach_cli.sandbox import server
from outreach_cli.sandbox.lemlist import Emulator, iso_ms, js_date

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
JS_DATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d\d \d{4} \d\d:\d\d:\d\d GMT\+0000 \(Coordinated Universal Time\)$"
)

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
    "name": "New campaign name", "stopOnEmailReplied": True, "stopOnMeetingBooked": True,
    "stopOnLinkClicked": False, "leadsPausedByInterest": False, "opportunityReplied": True,
    "opportunityClicked": False, "autoLeadInterest": True, "disableTrackOpen": False,
    "disableTrackClick": False, "disableTrackReply": False, "disableOutOfOffice": False,
    "sequenceSharing": False,
    "sendUsers": [
        {"id": "usr_2aBCdEfGHiJkLmNOp",
         "mailboxes": [{"sendUserMailboxId": "smb_1aBcDeFgHiJkLmNoP", "email": "john@acme.com"}],
         "phoneNumbers": ["+15551234567"], "whatsappAccountIds": ["wha_3xYzAbCdEfGhIjKlM"]},
        {"id": "usr_7xYzAbCdEfGhIjKlM",
         "mailboxes": [{"sendUserMailboxId": "smb_9zYxWvUtSrQpOnMlK", "email": "jane@acme.com"}],
         "phoneNumbers": [], "whatsappAccountIds": []},
    ],
}
EMAIL_ONLY_USER = "usr_DemoEmailOnly0001"


class FakeClock:
    """A monotonic clock the test moves by hand, so rate-limit tests do not race real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Lem:
    url: str
    emulator: Emulator
    clock: FakeClock

    def client(self, key: str | None = None) -> httpx.Client:
        """A client with its own key, hence its own team and its own rate-limit bucket."""
        return httpx.Client(base_url=self.url + "/lemlist/api",
                            auth=("", key or "key-" + secrets.token_hex(6)), timeout=10)

    def unlimited(self) -> None:
        """Move the limiter's clock forward on every read: no test here is rate limited
        unless it says so."""
        clock = self.clock

        def ticking() -> float:
            clock.now += RATE_STEP
            return clock.now

        self.emulator.monotonic = ticking


RATE_STEP = 0.5  # > 2 s / 20: a request every half second never fills the window


@pytest.fixture(scope="module")
def running() -> Iterator[server.Running]:
    # One server for the module: every test uses fresh keys, hence its own team and bucket.
    run = server.start(":memory:")
    try:
        yield run
    finally:
        run.stop()


@pytest.fixture
def lem(running: server.Running) -> Lem:
    emu = next(e for e in running.sandbox.emulators if e.prefix == "/lemlist/api")
    assert isinstance(emu, Emulator)
    clock = FakeClock()
    emu.monotonic = clock
    return Lem(running.url, emu, clock)


@pytest.fixture
def api(lem: Lem) -> Iterator[httpx.Client]:
    lem.unlimited()
    with lem.client() as c:
        yield c


def make_campaign(api: httpx.Client, name: str = "Q3 outbound", **body: Any) -> dict[str, Any]:
    r = api.post("/campaigns", json={"name": name, **body})
    assert r.status_code == 200, r.text
    return r.json()


def add_step(api: httpx.Client, seq: str, **body: Any) -> dict[str, Any]:
    r = api.post(f"/sequences/{seq}/steps", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def steps_of(api: httpx.Client, camp: dict[str, Any]) -> list[dict[str, Any]]:
    r = api.get(f"/campaigns/{camp['_id']}/sequences")
    assert r.status_code == 200, r.text
    return r.json()[camp["sequenceId"]]["steps"]


def is_text(r: httpx.Response) -> bool:
    return r.headers["content-type"].startswith("text/plain")


# -- the update page ---------------------------------------------------------------------------

def test_update_page_example_is_accepted_and_answered_in_the_page_shape(api: httpx.Client) -> None:
    camp = make_campaign(api)
    r = api.patch(f"/campaigns/{camp['_id']}", json=UPDATE_EXAMPLE)
    assert r.status_code == 200, r.text
    assert r.json() == UPDATE_RESPONSE
    got = api.get(f"/campaigns/{camp['_id']}").json()
    assert got["name"] == "New campaign name"
    assert got["autoReview"] is True and got["autoReviewConditions"] == ["deliverable", "risky"]
    assert [s["id"] for s in got["senders"]] == UPDATE_EXAMPLE["sendUserIds"]
    assert got["senders"][0] == {"id": "usr_2aBCdEfGHiJkLmNOp", "email": "john@acme.com",
                                 "sendUserMailboxId": "smb_1aBcDeFgHiJkLmNoP"}


def test_patch_answers_send_users_only_when_sender_ids_were_sent(api: httpx.Client) -> None:
    camp = make_campaign(api)
    r = api.patch(f"/campaigns/{camp['_id']}", json={"disableTrackOpen": True})
    assert r.status_code == 200
    assert "sendUsers" not in r.json()
    assert r.json()["disableTrackOpen"] is True


def test_structured_sections_are_partial_updates_and_share_the_flat_flags(
        api: httpx.Client) -> None:
    camp = make_campaign(api)
    cid = camp["_id"]
    r = api.patch(f"/campaigns/{cid}", json={
        "tracking": {"trackOpens": False},
        "onReplied": {"campaignProgress": "pause"},
        "aiFeatures": {"onInterestedReply": {"enabled": True}},
    })
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
    r = api.patch(f"/campaigns/{camp['_id']}",
                  json={"name": "After", "autoReviewConditions": ["deliverable", "maybe"]})
    assert r.status_code == 400
    assert is_text(r)
    assert "autoReviewConditions" in r.text and "maybe" in r.text
    assert api.get(f"/campaigns/{camp['_id']}").json()["name"] == "Before"


@pytest.mark.parametrize("body, fragment", [
    ({"timezone": "Europe/Berlin"}, "timezone cannot be updated"),
    ({"stopOnEmailReplied": "yes"}, "stopOnEmailReplied must be a boolean"),
    ({"tracking": {"trackOpen": True}}, "tracking.trackOpen"),
    ({"onLinkClicked": {"campaignProgress": "halt"}}, "onLinkClicked.campaignProgress"),
    ({"emoji": "x"}, "Unknown parameter 'emoji'"),
    ({"name": ""}, "name must be a non-empty string"),
])
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
    r = api.patch(f"/campaigns/{camp['_id']}",
                  json={"sendUserIds": [EMAIL_ONLY_USER, "usr_7xYzAbCdEfGhIjKlM"]})
    assert r.status_code == 200, r.text
    assert [u["id"] for u in r.json()["sendUsers"]] == [EMAIL_ONLY_USER, "usr_7xYzAbCdEfGhIjKlM"]


# -- auth --------------------------------------------------------------------------------------

def test_basic_auth_with_empty_user_and_access_token_reach_the_same_team(lem: Lem) -> None:
    lem.unlimited()
    with lem.client("shared-key") as basic:
        camp = make_campaign(basic, "Mine")
    r = httpx.get(lem.url + "/lemlist/api/campaigns", params={"access_token": "shared-key"})
    assert r.status_code == 200
    assert camp["_id"] in [c["_id"] for c in r.json()]
    with lem.client("another-key") as other:
        assert other.get(f"/campaigns/{camp['_id']}").status_code == 404
        assert other.get(f"/campaigns/{camp['_id']}").text == "Campaign not found"


@pytest.mark.parametrize("authorization, status, body", [
    (None, 400, "No API key provided"),
    ("Bearer some-key", 401, "The authentication you supplied is incorrect"),
    ("Basic " + base64.b64encode(b"some-key:").decode(), 401,
     "The authentication you supplied is incorrect"),
    ("Basic " + base64.b64encode(b"user:some-key").decode(), 401,
     "The authentication you supplied is incorrect"),
    ("Basic not*base64", 401, "The authentication you supplied is incorrect"),
])
def test_auth_failures_are_plain_text(lem: Lem, authorization: str | None, status: int,
                                      body: str) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    r = httpx.get(lem.url + "/lemlist/api/campaigns", headers=headers)
    assert (r.status_code, r.text) == (status, body)
    assert is_text(r)


# -- rate limit --------------------------------------------------------------------------------

def test_the_21st_request_within_two_seconds_is_a_429(lem: Lem) -> None:
    with lem.client() as c:
        remaining = []
        for _ in range(20):
            r = c.get("/team")
            assert r.status_code == 200
            assert r.headers["X-RateLimit-Limit"] == "20"
            assert JS_DATE.match(r.headers["X-RateLimit-Reset"]), r.headers["X-RateLimit-Reset"]
            remaining.append(int(r.headers["X-RateLimit-Remaining"]))
        assert remaining == list(range(19, -1, -1))
        before = lem.emulator.rate_limited
        r = c.get("/team")
        assert r.status_code == 429
        assert is_text(r) and r.text
        assert int(r.headers["Retry-After"]) >= 1
        assert r.headers["X-RateLimit-Limit"] == "20"
        assert r.headers["X-RateLimit-Remaining"] == "0"
        reset = r.headers["X-RateLimit-Reset"]
        assert JS_DATE.match(reset), reset
        reset_ts = calendar.timegm(time.strptime(reset[:24], "%a %b %d %Y %H:%M:%S"))
        assert time.time() - 1 <= reset_ts <= time.time() + 3
        assert lem.emulator.rate_limited == before + 1
        # Other keys have their own budget.
        with lem.client() as other:
            assert other.get("/team").status_code == 200
        # Sliding window: once the oldest request is 2 s old, a slot is free again.
        lem.clock.now += 2.01
        r = c.get("/team")
        assert r.status_code == 200
        assert r.headers["X-RateLimit-Remaining"] == "19"


def test_rate_limit_window_slides(lem: Lem) -> None:
    with lem.client() as c:
        for _ in range(10):
            assert c.get("/team").status_code == 200
        lem.clock.now += 1.5
        for _ in range(10):
            assert c.get("/team").status_code == 200
        assert c.get("/team").status_code == 429  # 20 within the last 2 s
        lem.clock.now += 0.6  # the first ten are now older than 2 s
        r = c.get("/team")
        assert r.status_code == 200
        assert r.headers["X-RateLimit-Remaining"] == "9"


def test_js_date_and_iso_formats() -> None:
    assert js_date(1613466162) == "Tue Feb 16 2021 09:02:42 GMT+0000 (Coordinated Universal Time)"
    assert iso_ms(1613466162001) == "2021-02-16T09:02:42.001Z"


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


@pytest.mark.parametrize("body, fragment", [
    ({}, "name is required"),
    ({"name": "x", "timezone": "Mars/Olympus"}, "Invalid timezone"),
    ({"name": "x", "autoReviewConditions": ["nope"]}, "autoReviewConditions"),
    ({"name": "x", "status": "draft"}, "Unknown parameter 'status'"),
])
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
        api: httpx.Client) -> None:
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
    api.patch(f"/sequences/{camp['sequenceId']}/steps/{step['_id']}",
              json={"type": "email", "delay": 2})
    moved()
    api.patch(f"/schedules/{camp['scheduleIds'][0]}", json={"start": "08:00"})
    moved()
    other = api.post("/schedules", json={"name": "Late", "timezone": "UTC", "start": "12:00",
                                         "end": "20:00", "weekdays": [1, 2]}).json()
    api.post(f"/campaigns/{cid}/schedules/{other['_id']}")
    moved()


def test_campaign_list_pages_with_offset_and_limit(api: httpx.Client) -> None:
    for i in range(5):
        make_campaign(api, f"C{i}")
    # The demo team starts with one campaign: six in all.
    r = api.get("/campaigns", params={"version": "v2", "limit": 2})
    body = r.json()
    assert [c["name"] for c in body["campaigns"]] == ["Inbound follow-up (contact owner)", "C0"]
    assert body["pagination"] == {"totalRecords": 6, "currentPage": 1, "nextPage": 2,
                                  "totalPage": 3}
    body = api.get("/campaigns", params={"version": "v2", "limit": 2, "offset": 4}).json()
    assert [c["name"] for c in body["campaigns"]] == ["C3", "C4"]
    assert body["pagination"] == {"totalRecords": 6, "currentPage": 3, "nextPage": None,
                                  "totalPage": 3}
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
    assert senders == [{"userId": "usr_7xYzAbCdEfGhIjKlM", "campaigns": [
        {"_id": camp["_id"], "name": "Q3 outbound", "status": "running",
         "sendingChannels": ["email"]}]}]
    dup = api.post(f"/campaigns/{camp['_id']}/duplicate", json={}).json()
    assert dup["status"] == "draft" and dup["name"] == "Q3 outbound Copy"
    dup_full = api.get(f"/campaigns/{dup['_id']}").json()
    assert [s["type"] for s in steps_of(api, dup_full)] == ["email"]


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


@pytest.mark.parametrize("body, fragment", [
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
    ({"type": "linkedinSend", "message": "x", "images": ["https://x/a.png"] * 7},
     "at most 6 images"),
    ({"type": "linkedinVoiceNote", "recordMode": "auto"}, "recordMode"),
    ({"type": "email", "subject": "x", "body": "y"}, "Unknown parameter 'body'"),
])
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
    assert api.patch(f"/sequences/{seq}/steps/stp_nope", json={"type": "email"}).text == \
        "Step not found"
    assert api.patch(f"/sequences/seq_nope/steps/{step['_id']}", json={"type": "email"}).text == \
        "Sequence not found"


def test_deleting_a_step_of_a_running_campaign_is_refused(api: httpx.Client) -> None:
    camp = make_campaign(api)  # running at once
    seq = camp["sequenceId"]
    a = add_step(api, seq, type="email", subject="A")
    b = add_step(api, seq, type="email", subject="B")
    r = api.delete(f"/sequences/{seq}/steps/{a['_id']}")
    assert (r.status_code, r.text) == (
        400, "You cannot delete this step because the campaign is running")
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
        "stepId": step["_id"], "abTest": "B"}
    assert api.delete(url).json() == {"ok": True}
    assert "abTest" not in steps_of(api, camp)[0]


# -- schedules ---------------------------------------------------------------------------------

def test_schedules_create_update_attach_delete(api: httpx.Client) -> None:
    seeded = api.get("/schedules").json()
    assert {s["name"] for s in seeded["schedules"]} >= {"Default schedule", "US business hours"}
    r = api.post("/schedules", json={"name": "EU mornings", "timezone": "Europe/Berlin",
                                     "start": "08:00", "end": "12:00", "weekdays": [1, 2, 3]})
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


@pytest.mark.parametrize("body, fragment", [
    ({"name": "x", "timezone": "UTC", "start": "09:00", "end": "18:00"}, "weekdays"),
    ({"name": "x", "timezone": "Paris", "start": "09:00", "end": "18:00", "weekdays": [1]},
     "Invalid timezone"),
    ({"name": "x", "timezone": "UTC", "start": "9:00", "end": "18:00", "weekdays": [1]},
     "start must be HH:mm"),
    ({"name": "x", "timezone": "UTC", "start": "09:00", "end": "18:00", "weekdays": [0]},
     "weekdays"),
    ({"name": "x", "timezone": "UTC", "start": "18:00", "end": "09:00", "weekdays": [1]},
     "end must be after start"),
])
def test_schedule_validation_is_json(api: httpx.Client, body: dict[str, Any],
                                     fragment: str) -> None:
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
    r = api.post(f"/campaigns/{cid}/leads/", json={"email": "Ann@Example.com",
                                                   "firstName": "Ann", "companySize": "50"})
    assert r.status_code == 200, r.text
    lead = r.json()
    assert lead["_id"].startswith("lea_") and lead["email"] == "ann@example.com"
    assert lead["campaignName"] == "Q3 outbound" and lead["companySize"] == "50"
    assert api.post(f"/campaigns/{cid}/leads/", json={"email": "ann@example.com"}).status_code \
        == 409
    api.post(f"/campaigns/{cid}/leads/", json={"email": "bob@example.com"})
    listed = api.get(f"/campaigns/{cid}/leads/").json()
    assert [x["_id"] for x in listed][0] == lead["_id"]
    assert {x["state"] for x in listed} == {"scanned"}
    assert len(api.get(f"/campaigns/{cid}/leads/", params={"limit": 1}).json()) == 1
    assert api.get(f"/campaigns/{cid}/leads/", params={"state": "contacted"}).json() == []
    r = api.patch(f"/campaigns/{cid}/leads/{lead['_id']}",
                  json={"preferredContactMethod": "linkedIn", "jobTitle": "CTO"})
    assert r.status_code == 200, r.text
    assert r.json()["jobTitle"] == "CTO" and r.json()["leadUrl"].endswith("ann%40example.com")
    r = api.patch(f"/campaigns/{cid}/leads/lea_nope", json={"jobTitle": "x"})
    assert (r.status_code, r.text) == (404, "Lead not found")


# -- plumbing ----------------------------------------------------------------------------------

def test_unknown_routes_and_methods(api: httpx.Client) -> None:
    assert api.get("/nothing-here").status_code == 404
    r = api.delete("/campaigns")
    assert (r.status_code, r.text) == (405, "Method not allowed")
    r = api.post("/campaigns", content=b"{not json", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.text) == (400, "Invalid JSON body")


def test_tick_and_events(lem: Lem) -> None:
    assert lem.emulator.tick(60)["advanced"] == 60
    assert lem.emulator.events() == []
