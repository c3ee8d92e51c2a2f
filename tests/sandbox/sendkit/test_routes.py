"""The SendKit emulator over real loopback HTTP, checked against the vendor's pages."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from outreach_cli.sandbox import server
from outreach_cli.sandbox.sendkit import (
    FLATTENED_SETTINGS,
    Emulator,
    agent_id_for,
    to_tiptap_html,
    workspace_for_key,
)

HEX24 = re.compile(r"^[0-9a-f]{24}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# The request bodies exactly as the vendor's pages show them (shared/seeds/sendkit-*.txt).
CREATE_EXAMPLE: dict[str, Any] = {
    "name": "Q2 Outbound - Decision Makers",
    "sequence": [
        {"type": "email", "order": 0, "subject": "Quick question about {{companyName}}",
         "body": "<p>Hi {{firstName}},</p><p>I noticed {{companyName}} is scaling fast. Would "
                 "love to share how we helped similar teams cut outbound costs by 40%.</p>"},
        {"type": "wait", "order": 1, "waitDays": 3},
        {"type": "email", "order": 2, "subject": "Re: Quick question about {{companyName}}",
         "body": "<p>Hey {{firstName}}, just bumping this up. Happy to send over a case study "
                 "if that helps.</p>"},
    ],
    "schedule": {"timezone": "America/Chicago", "startTime": "08:30", "endTime": "16:00",
                 "workingDays": [1, 2, 3, 4, 5], "skipNationalHolidays": True},
    "settings": {
        "trackOpens": True, "trackClicks": True, "includeUnsubscribeLink": False,
        "cc": ["sales-log@yourcompany.com"], "bcc": ["crm-sync@yourcompany.com"],
        "stopOnReply": True, "stopOnAutoReply": True, "stopOnCompanyReply": True,
        "skipDNC": True, "dailySendLimit": 50, "emailIntervalMinutes": 12,
        "espMatchingMode": "auto", "segCheckMode": "skip_providers",
        "segSkipProviders": ["proofpoint", "mimecast"],
        "cnameTracking": {"enabled": True, "domain": "track.yourcompany.com"},
        "slackChannelId": "C04ABCDEF12", "positiveRepliesOnlySlack": True,
        "webhook": {"enabled": True, "url": "https://yourcompany.com/webhooks/sendkit",
                    "secret": "whsec_abc123xyz",
                    "events": ["lead.replied", "email.sent", "lead.bounced"]},
        "copyFatigueProtection": {"enabled": True, "autoRegenerate": True, "autoResume": True},
        "variantOptimization": {"enabled": True, "minimumSendsPerVariant": 50,
                                "minimumDays": 5, "optimizationMetric": "replyRate",
                                "keepMinimumVariants": 2},
    },
    "mailboxTags": ["outreach"],
}
UPDATE_EXAMPLE: dict[str, Any] = {
    "name": "Q1 Outreach Campaign (Updated)",
    "schedule": {"startTime": "10:00", "endTime": "18:00", "skipNationalHolidays": False},
    "settings": {
        "stopOnAutoReply": False, "dailySendLimit": 100, "espMatchingMode": "auto",
        "segCheckMode": "skip_providers",
        "segSkipProviders": ["proofpoint", "mimecast", "barracuda"],
        "webhook": {"enabled": True, "events": ["lead.replied", "email.opened"]},
        "variantOptimization": {"enabled": True, "optimizationMetric": "openRate",
                                "minimumSendsPerVariant": 100},
    },
}
LEAD_UPDATE_EXAMPLE = {"status": "paused", "aiTag": "Interested"}

# Subsequences used by the enrollment tests: "Interested" sends at once and then waits, so a
# tick leaves its lead inside it with one email sent; "Meeting Booked" starts with a wait, so a
# lead in it has sent nothing from it until a day has passed.
INTERESTED_SUB = {"name": "Interested follow-up",
                  "trigger": {"type": "ai_tag", "value": "interested"},
                  "sequence": [{"type": "email", "subject": "Great!", "body": "Glad to hear it."},
                               {"type": "wait", "waitDays": 2},
                               {"type": "email", "subject": "Re: Great!", "body": "Any news?"}]}
MEETING_SUB = {"name": "Meeting prep", "trigger": {"type": "ai_tag", "value": "Meeting Booked"},
               "sequence": [{"type": "wait", "waitDays": 1},
                            {"type": "email", "subject": "See you soon", "body": "Agenda?"}]}
SIMPLE_SEQUENCE = [{"type": "email", "subject": "Hello", "body": "Hi there"},
                   {"type": "wait", "waitDays": 3},
                   {"type": "email", "subject": "Again", "body": "Bump"}]


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def running() -> Iterator[server.Running]:
    run = server.start()
    try:
        yield run
    finally:
        run.stop()


@pytest.fixture
def emulator(running: server.Running) -> Emulator:
    found = [e for e in running.sandbox.emulators if isinstance(e, Emulator)]
    assert len(found) == 1
    return found[0]


@pytest.fixture
def make_client(running: server.Running) -> Iterator[Callable[..., httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(headers: dict[str, str] | None = None) -> httpx.Client:
        client = httpx.Client(base_url=running.url + "/sendkit/v1", headers=headers or {},
                              timeout=10)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def key() -> str:
    return "sk_test_" + secrets.token_hex(8)


@pytest.fixture
def api(make_client: Callable[..., httpx.Client], key: str) -> httpx.Client:
    return make_client({"X-Api-Key": key})


# -- helpers ---------------------------------------------------------------------------------


def ok(resp: httpx.Response, status: int = 200) -> Any:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["success"] is True
    return body["data"]


def error(resp: httpx.Response, status: int, code: str) -> str:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["success"] is False
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code, body
    return body["error"]["message"]


def create(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"name": "Test campaign", "sequence": copy.deepcopy(SIMPLE_SEQUENCE),
            "mailboxTags": ["outreach"], **fields}
    return ok(api.post("/campaigns", json=body), 201)


def get(api: httpx.Client, cid: str) -> dict[str, Any]:
    return ok(api.get(f"/campaigns/{cid}"))


def add_lead(api: httpx.Client, cid: str, email: str = "pat@example.org") -> dict[str, Any]:
    added = ok(api.post(f"/campaigns/{cid}/leads", json={"leads": [{"email": email}]}))
    assert added["added"] == 1, added
    leads = ok(api.get(f"/campaigns/{cid}/leads", params={"limit": 100}))
    return next(cl for cl in leads if cl["leadId"]["email"] == email)


def patch_lead(api: httpx.Client, cid: str, clid: str, body: dict[str, Any]) -> httpx.Response:
    return api.patch(f"/campaigns/{cid}/leads/{clid}", json=body)


def lead_row(api: httpx.Client, cid: str, clid: str) -> dict[str, Any]:
    leads = ok(api.get(f"/campaigns/{cid}/leads", params={"limit": 100}))
    return next(cl for cl in leads if cl["_id"] == clid)


def subsequence_named(campaign: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in campaign["subsequences"] if s["name"] == name)


# -- the pages' own examples -------------------------------------------------------------------


def test_create_page_example_is_accepted_and_answered_in_the_page_shape(api: httpx.Client):
    data = ok(api.post("/campaigns", json=CREATE_EXAMPLE), 201)
    for k in ("_id", "name", "userId", "workspaceId", "status", "mailboxes", "sequence",
              "sendingSchedule", "trackOpens", "trackClicks", "stopOnReply", "stats",
              "createdAt", "updatedAt"):
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
    assert set(data["stats"]) == {"sent", "delivered", "opened", "clicked", "replied",
                                  "bounced", "unsubscribed"}
    assert data["emailIntervalMinutes"] == 12
    assert data["settings"]["cc"] == ["sales-log@yourcompany.com"]
    assert "secret" not in data["settings"]["webhook"]


def test_get_returns_the_read_shape_with_the_settings_split(api: httpx.Client):
    cid = ok(api.post("/campaigns", json=CREATE_EXAMPLE), 201)["_id"]
    data = get(api, cid)
    for k in ("_id", "name", "userId", "workspaceId", "status", "sequence", "subsequences",
              "sendingSchedule", "trackOpens", "trackClicks", "stopOnReply",
              "includeUnsubscribeLink", "emailIntervalMinutes", "mailboxCount", "settings",
              "stats", "leadCounts", "startedAt", "completedAt", "createdAt", "updatedAt"):
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
            assert data["settings"]["webhook"] == {kk: vv for kk, vv in v.items()
                                                   if kk != "secret"}
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
    assert data["sendingSchedule"] == {"timezone": "America/Chicago", "startTime": "10:00",
                                       "endTime": "18:00", "workingDays": [1, 2, 3, 4, 5],
                                       "skipNationalHolidays": False}
    after = get(api, before["_id"])
    settings = after["settings"]
    assert settings["dailySendLimit"] == 100
    assert settings["stopOnAutoReply"] is False
    assert settings["stopOnCompanyReply"] is True  # untouched
    assert settings["cc"] == ["sales-log@yourcompany.com"]  # untouched
    assert settings["segSkipProviders"] == ["proofpoint", "mimecast", "barracuda"]
    # nested objects merge one level deep
    assert settings["webhook"] == {"enabled": True,
                                   "url": "https://yourcompany.com/webhooks/sendkit",
                                   "events": ["lead.replied", "email.opened"]}
    assert settings["variantOptimization"] == {"enabled": True, "minimumSendsPerVariant": 100,
                                               "minimumDays": 5,
                                               "optimizationMetric": "openRate",
                                               "keepMinimumVariants": 2}
    assert after["emailIntervalMinutes"] == 12


def test_lead_update_page_example_is_accepted(api: httpx.Client):
    camp = create(api, subsequences=[INTERESTED_SUB])
    cl = add_lead(api, camp["_id"])
    resp = patch_lead(api, camp["_id"], cl["_id"], LEAD_UPDATE_EXAMPLE)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["success"] is True
    data = body["data"]
    for k in ("_id", "campaignId", "status", "aiTag", "currentSequenceStep", "replied",
              "addedAt"):
        assert k in data, k
    assert data["_id"] == cl["_id"] and data["campaignId"] == camp["_id"]
    assert data["status"] == "paused"
    assert data["aiTag"] == "Interested"
    assert data["replied"] is False
    assert body["subsequenceEnrollment"] == {"action": "enrolled",
                                             "subsequenceName": "Interested follow-up"}


# -- envelopes, auth -------------------------------------------------------------------------


def test_not_found_envelope(api: httpx.Client):
    missing = "665a1b2c3d4e5f6a7b8c9d0e"
    resp = api.get(f"/campaigns/{missing}")
    assert resp.status_code == 404
    assert resp.json() == {"success": False,
                           "error": {"code": "NOT_FOUND", "message": "Campaign not found"}}
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

    for headers in ({"X-Api-Key": "pk_live_123"}, {"Authorization": "Bearer nope"},
                    {"Authorization": f"Basic {key}"}, {}, {"X-Api-Key": "sk_user_"}):
        resp = make_client(headers).get("/campaigns")
        assert resp.status_code == 401, headers
        assert resp.json()["success"] is False
        assert resp.json()["error"]["code"] == "UNAUTHORIZED"


def test_malformed_json_and_unknown_keys_are_validation_errors(api: httpx.Client):
    resp = api.post("/campaigns", content=b"{not json",
                    headers={"Content-Type": "application/json"})
    error(resp, 400, "VALIDATION_ERROR")
    msg = error(api.post("/campaigns", json={"name": "x", "sendingSchedule": {}}), 400,
                "VALIDATION_ERROR")
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
    assert len(ok(api.get("/campaigns", params={"limit": 100}))) == 3


def test_tags_and_mailboxes(api: httpx.Client):
    tags = ok(api.get("/tags"))
    assert [t["name"] for t in tags] == ["Interested", "Not Interested", "Meeting Booked",
                                         "Out of Office", "Wrong Person"]
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


# -- sequences and bodies --------------------------------------------------------------------


def test_plain_text_bodies_become_tiptap_html(api: httpx.Client):
    plain = "Hi {{firstName}},\n\nLine one\nline two & <three>\n\n\nBye"
    data = create(api, sequence=[
        {"type": "email", "subject": "Plain <subject> & co", "body": plain},
        {"type": "email", "subject": "AB", "body": "x",
         "variants": [{"label": "A", "subject": "First", "body": "One\ntwo"},
                      {"label": "C", "subject": "Second", "body": "<p>Kept</p>"}]},
    ])
    expected = ("<p>Hi {{firstName}},</p><p>Line one<br>line two &amp; &lt;three&gt;</p>"
                "<p>Bye</p>")
    first, second = get(api, data["_id"])["sequence"]
    assert first["body"] == expected
    assert first["subject"] == "Plain <subject> & co"  # subjects are not converted
    assert [(v["label"], v["subject"], v["body"]) for v in first["variants"]] == [
        ("A", "Plain <subject> & co", expected)]
    assert [(v["label"], v["body"]) for v in second["variants"]] == [
        ("A", "<p>One<br>two</p>"), ("C", "<p>Kept</p>")]
    assert second["name"] == "Follow-up 1"
    assert all(HEX24.match(v["_id"]) for v in first["variants"] + second["variants"])


def test_tiptap_conversion_edges():
    assert to_tiptap_html("") == ""
    assert to_tiptap_html("One line") == "<p>One line</p>"
    assert to_tiptap_html("a\r\nb\r\n\r\nc") == "<p>a<br>b</p><p>c</p>"
    assert to_tiptap_html("<div>html</div>\n\nstays") == "<div>html</div>\n\nstays"
    assert to_tiptap_html("5 < 6 and 7 > 3") == "<p>5 &lt; 6 and 7 &gt; 3</p>"


def test_step_names_ids_and_order_are_assigned(api: httpx.Client):
    seq = [{"type": "email", "order": 9, "subject": "s", "body": "b"},
           {"type": "wait", "waitDays": 1},
           {"type": "email", "subject": "s2", "body": "b2", "name": "My own name"},
           {"type": "wait", "waitHours": 5},
           {"type": "email", "subject": "s3", "body": "b3"},
           {"type": "wait", "waitDays": 2, "waitHours": 4}]
    steps = create(api, sequence=seq)["sequence"]
    assert [s["order"] for s in steps] == list(range(6))
    assert [s["name"] for s in steps] == ["Initial Email", "Wait 1 day", "My own name",
                                          "Wait 5 hours", "Follow-up 2", "Wait 2 days 4 hours"]
    assert len({s["_id"] for s in steps}) == 6


@pytest.mark.parametrize("sequence, field", [
    ([{"type": "wait", "waitDays": 1}], "sequence[0].type"),
    ([{"type": "sms", "subject": "s"}], "sequence[0].type"),
    ([{"type": "email", "body": "no subject"}], "sequence[0].subject"),
    ([{"type": "email", "subject": "s"}, {"type": "wait"}], "sequence[1].waitDays"),
    ([{"type": "email", "subject": "s"}, {"type": "wait", "waitDays": 0, "waitHours": 0}],
     "sequence[1].waitDays"),
    ([{"type": "email", "subject": "s", "variants": [{"label": "a"}]}],
     "sequence[0].variants[0].label"),
    ([{"type": "email", "subject": "s", "variants": [{"label": "AB"}]}],
     "sequence[0].variants[0].label"),
    ([{"type": "email", "subject": "s", "variants": [{"label": "B"}, {"label": "B"}]}],
     "sequence[0].variants[1].label"),
    ([{"type": "email", "subject": "s", "colour": "red"}], "sequence[0].colour"),
])
def test_sequence_validation_names_the_field(api: httpx.Client, sequence: list[Any],
                                             field: str):
    resp = api.post("/campaigns", json={"name": "x", "sequence": sequence})
    msg = error(resp, 400, "VALIDATION_ERROR")
    assert msg.startswith(field + ":"), msg


# -- settings and schedule -------------------------------------------------------------------


def test_settings_patch_merges_and_keeps_untouched_keys(api: httpx.Client):
    cid = ok(api.post("/campaigns", json=CREATE_EXAMPLE), 201)["_id"]
    before = get(api, cid)
    ok(api.patch(f"/campaigns/{cid}", json={"settings": {"trackOpens": False,
                                                         "webhook": {"enabled": False}}}))
    after = get(api, cid)
    assert after["trackOpens"] is False
    assert after["trackClicks"] is True
    assert after["emailIntervalMinutes"] == 12
    assert after["settings"]["webhook"] == {**before["settings"]["webhook"], "enabled": False}
    for k, v in before["settings"].items():
        if k != "webhook":
            assert after["settings"][k] == v, k
    assert after["sequence"] == before["sequence"]
    assert after["sendingSchedule"] == before["sendingSchedule"]
    assert after["mailboxCount"] == before["mailboxCount"]


def test_create_defaults(api: httpx.Client):
    data = get(api, ok(api.post("/campaigns", json={"name": "Bare"}), 201)["_id"])
    assert data["sequence"] == [] and data["subsequences"] == []
    assert (data["trackOpens"], data["trackClicks"], data["includeUnsubscribeLink"],
            data["stopOnReply"], data["emailIntervalMinutes"]) == (True, True, False, True, 15)
    assert data["settings"] == {"stopOnAutoReply": False, "stopOnCompanyReply": False,
                                "skipDNC": True}
    assert data["sendingSchedule"] == {"timezone": "America/New_York", "startTime": "09:00",
                                       "endTime": "17:00", "workingDays": [1, 2, 3, 4, 5],
                                       "skipNationalHolidays": True}
    assert data["mailboxCount"] == 0


@pytest.mark.parametrize("settings, field", [
    ({"espMatchingMode": "custom"}, "settings.espMatchingMode"),
    ({"segCheckMode": "sometimes"}, "settings.segCheckMode"),
    ({"segSkipProviders": ["proofpoint", "gmail"]}, "settings.segSkipProviders[1]"),
    ({"variantOptimization": {"optimizationMetric": "bounceRate"}},
     "settings.variantOptimization.optimizationMetric"),
    ({"replyNotificationEmails": [f"a{i}@x.com" for i in range(6)]},
     "settings.replyNotificationEmails"),
    ({"replyNotificationEmails": ["not-an-email"]}, "settings.replyNotificationEmails[0]"),
    ({"cc": ["ok@x.com", "broken"]}, "settings.cc[1]"),
    ({"trackOpens": "yes"}, "settings.trackOpens"),
    ({"stopOnReplay": True}, "settings.stopOnReplay"),
    ({"webhook": {"url": "ftp://x"}}, "settings.webhook.url"),
])
def test_settings_validation(api: httpx.Client, settings: dict[str, Any], field: str):
    msg = error(api.post("/campaigns", json={"name": "x", "settings": settings}), 400,
                "VALIDATION_ERROR")
    assert msg.startswith(field + ":"), msg


def test_settings_normalisation_and_agent(api: httpx.Client, key: str):
    five = [f"a{i}@x.com" for i in range(5)]
    cid = create(api, settings={"segCheckMode": "use_specific_mailboxes",
                                "replyNotificationEmails": five})["_id"]
    assert get(api, cid)["settings"]["segCheckMode"] == "disabled"
    msg = error(api.patch(f"/campaigns/{cid}", json={"settings": {"aiAgentId": "0" * 24}}), 400,
                "AGENT_NOT_FOUND")
    assert "aiAgentId" in msg
    agent = agent_id_for(workspace_for_key(key))
    ok(api.patch(f"/campaigns/{cid}", json={"settings": {"aiAgentId": agent,
                                                         "aiAgentEnabled": True}}))
    assert get(api, cid)["settings"]["aiAgentId"] == agent
    ok(api.patch(f"/campaigns/{cid}", json={"settings": {"aiAgentId": None}}))
    assert get(api, cid)["settings"]["aiAgentId"] is None


@pytest.mark.parametrize("schedule, field", [
    ({"timezone": "Mars/Olympus"}, "schedule.timezone"),
    ({"startTime": "9:00"}, "schedule.startTime"),
    ({"startTime": "18:00"}, "schedule.endTime"),
    ({"workingDays": [1, 7]}, "schedule.workingDays[1]"),
    ({"workingDays": [1, 1]}, "schedule.workingDays"),
    ({"days": [1]}, "schedule.days"),
])
def test_schedule_validation(api: httpx.Client, schedule: dict[str, Any], field: str):
    cid = create(api)["_id"]
    msg = error(api.patch(f"/campaigns/{cid}", json={"schedule": schedule}), 400,
                "VALIDATION_ERROR")
    assert msg.startswith(field + ":"), msg


def test_mailbox_selectors(api: httpx.Client):
    boxes = ok(api.get("/mailboxes"))
    by_provider = {m["provider"]: m for m in boxes}
    data = create(api, mailboxTags=["sales"], mailboxProvider="outlook",
                  mailboxEmails=[by_provider["gmail"]["email"].upper()])
    assert sorted(data["mailboxes"]) == sorted(
        [by_provider["custom"]["_id"], by_provider["outlook"]["_id"],
         by_provider["gmail"]["_id"]])
    cid = data["_id"]
    ok(api.patch(f"/campaigns/{cid}", json={"mailboxIds": [boxes[0]["_id"]]}))
    assert get(api, cid)["mailboxCount"] == 1
    ok(api.patch(f"/campaigns/{cid}", json={"name": "no selector: mailboxes stay"}))
    assert get(api, cid)["mailboxCount"] == 1
    error(api.patch(f"/campaigns/{cid}", json={"mailboxEmails": ["nobody@nowhere.com"]}), 400,
          "VALIDATION_ERROR")


# -- writes are all-or-nothing; updatedAt ----------------------------------------------------


def test_failed_validation_writes_nothing(api: httpx.Client):
    cid = create(api, subsequences=[INTERESTED_SUB])["_id"]
    before = get(api, cid)
    bad_bodies = [
        {"name": "Renamed", "schedule": {"startTime": "18:00", "endTime": "09:00"}},
        {"name": "Renamed", "settings": {"trackOpens": False, "aiAgentId": "1" * 24}},
        {"name": "Renamed", "sequence": [{"type": "wait", "waitDays": 1}]},
        {"name": "Renamed", "settings": {"dailySendLimit": 5}, "bogus": 1},
        {"name": "Renamed", "subsequences": [{**INTERESTED_SUB, "_id": "f" * 24}]},
        {"name": "Renamed", "mailboxIds": ["0" * 24]},
    ]
    for body in bad_bodies:
        assert api.patch(f"/campaigns/{cid}", json=body).status_code == 400, body
        assert get(api, cid) == before, body


def test_updated_at_strictly_increases(api: httpx.Client, emulator: Emulator,
                                       monkeypatch: pytest.MonkeyPatch):
    cid = create(api)["_id"]
    # A frozen clock: every write lands in the same millisecond, and still must move updatedAt.
    frozen = emulator.store.now()
    monkeypatch.setattr(emulator.store, "now", lambda: frozen)
    stamps = [get(api, cid)["updatedAt"]]
    for i in range(8):
        stamps.append(ok(api.patch(f"/campaigns/{cid}", json={"name": f"n{i}"}))["updatedAt"])
    stamps.append(ok(api.post(f"/campaigns/{cid}/start")) and get(api, cid)["updatedAt"])
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all(ISO.match(s) for s in stamps)


# -- subsequences ----------------------------------------------------------------------------


def _sub(i: int, **over: Any) -> dict[str, Any]:
    return {"name": f"Sub {i}", "trigger": {"type": "ai_tag", "value": f"Tag {i}"},
            "sequence": [{"type": "wait", "waitDays": 1},
                         {"type": "email", "subject": "s", "body": "b"}], **over}


def test_subsequence_limits(api: httpx.Client):
    msg = error(api.post("/campaigns", json={"name": "x", "subsequences": [
        _sub(i) for i in range(16)]}), 400, "VALIDATION_ERROR")
    assert "15" in msg
    archived = [_sub(i) for i in range(15)] + [_sub(15, status="archived")]
    data = create(api, subsequences=archived)
    assert len(data["subsequences"]) == 16
    for sub in data["subsequences"]:
        assert HEX24.match(sub["_id"])
        assert sub["addedCount"] == 0 and sub["stats"] == {"sent": 0}
        assert sub["sequence"][0]["type"] == "wait"  # an inner sequence may open with a wait
    # Reactivating the archived one makes 16 active.
    subs = [{k: s[k] for k in ("_id", "name", "trigger", "sequence")}
            for s in data["subsequences"]]
    error(api.patch(f"/campaigns/{data['_id']}", json={"subsequences": subs}), 400,
          "VALIDATION_ERROR")


def test_subsequence_trigger_rules(api: httpx.Client):
    reply = {"type": "reply"}
    msg = error(api.post("/campaigns", json={"name": "x", "subsequences": [
        _sub(1, trigger=reply), _sub(2, trigger=reply)]}), 400, "VALIDATION_ERROR")
    assert "reply" in msg
    create(api, subsequences=[_sub(1, trigger=reply), _sub(2, trigger=reply, status="archived")])
    msg = error(api.post("/campaigns", json={"name": "x", "subsequences": [
        _sub(1, trigger={"type": "ai_tag", "value": "Interested"}),
        _sub(2, trigger={"type": "ai_tag", "value": "INTERESTED"})]}), 400, "VALIDATION_ERROR")
    assert "unique" in msg
    error(api.post("/campaigns", json={"name": "x", "subsequences": [
        _sub(1, trigger={"type": "ai_tag"})]}), 400, "VALIDATION_ERROR")
    error(api.post("/campaigns", json={"name": "x", "subsequences": [
        _sub(1, trigger={"type": "opened"})]}), 400, "VALIDATION_ERROR")
    msg = error(api.post("/campaigns", json={"name": "x", "subsequences": [
        _sub(1, _id="a" * 24)]}), 400, "VALIDATION_ERROR")
    assert msg.startswith("subsequences[0]._id")


def test_subsequence_ids_are_kept_and_patch_replaces_the_array(api: httpx.Client):
    data = create(api, subsequences=[_sub(1), _sub(2)])
    first, second = data["subsequences"]
    renamed = {**_sub(1, name="Renamed"), "_id": first["_id"]}
    patched = ok(api.patch(f"/campaigns/{data['_id']}", json={"subsequences": [renamed]}))
    assert [(s["_id"], s["name"]) for s in patched["subsequences"]] == [
        (first["_id"], "Renamed")]
    # a trigger may change while the subsequence has enrolled nobody and sent nothing
    changed = {**renamed, "trigger": {"type": "ai_tag", "value": "Other"}}
    ok(api.patch(f"/campaigns/{data['_id']}", json={"subsequences": [changed]}))
    # the removed one cannot be referenced any more
    error(api.patch(f"/campaigns/{data['_id']}", json={"subsequences": [
        {**_sub(2), "_id": second["_id"]}]}), 400, "VALIDATION_ERROR")


def test_trigger_immutable_once_subsequence_sent(api: httpx.Client, emulator: Emulator):
    camp = create(api, subsequences=[INTERESTED_SUB])
    cid = camp["_id"]
    cl = add_lead(api, cid)
    resp = patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"})
    assert resp.json()["subsequenceEnrollment"]["action"] == "enrolled"
    ok(api.post(f"/campaigns/{cid}/start"))
    summary = emulator.tick(60)
    assert summary["subsequenceEmailsSent"] == 1
    before = get(api, cid)
    sub = before["subsequences"][0]
    assert sub["addedCount"] == 1 and sub["stats"]["sent"] == 1
    assert before["stats"]["sent"] == 1

    edited = {"_id": sub["_id"], "name": sub["name"], "sequence": INTERESTED_SUB["sequence"],
              "trigger": {"type": "ai_tag", "value": "Meeting Booked"}}
    msg = error(api.patch(f"/campaigns/{cid}", json={"name": "Changed", "subsequences": [edited]}),
                400, "TRIGGER_IMMUTABLE")
    assert "subsequences[0].trigger" in msg
    assert get(api, cid) == before  # nothing written, not even the name
    # the same trigger, or a case change of it, is a change too... the same one is not
    same = {**edited, "trigger": sub["trigger"], "name": "Renamed"}
    after = ok(api.patch(f"/campaigns/{cid}", json={"subsequences": [same]}))
    assert after["subsequences"][0]["name"] == "Renamed"
    assert after["subsequences"][0]["addedCount"] == 1
    assert after["subsequences"][0]["stats"] == {"sent": 1}  # counters survive a PATCH
    recased = {**same, "trigger": {"type": "ai_tag", "value": "INTERESTED"}}
    error(api.patch(f"/campaigns/{cid}", json={"subsequences": [recased]}), 400,
          "TRIGGER_IMMUTABLE")


def test_enrollment_alone_locks_the_trigger(api: httpx.Client):
    # "immutable once … addedCount > 0 or stats.sent > 0": enrolling is enough.
    camp = create(api, subsequences=[INTERESTED_SUB])
    cl = add_lead(api, camp["_id"])
    patch_lead(api, camp["_id"], cl["_id"], {"aiTag": "Interested"})
    sub = get(api, camp["_id"])["subsequences"][0]
    assert sub["addedCount"] == 1 and sub["stats"]["sent"] == 0
    edited = {**INTERESTED_SUB, "_id": sub["_id"], "trigger": {"type": "reply"}}
    error(api.patch(f"/campaigns/{camp['_id']}", json={"subsequences": [edited]}), 400,
          "TRIGGER_IMMUTABLE")


# -- lifecycle -------------------------------------------------------------------------------


def test_start_pause_resume_state_machine(api: httpx.Client):
    no_mailbox = ok(api.post("/campaigns", json={"name": "x", "sequence": SIMPLE_SEQUENCE}), 201)
    msg = error(api.post(f"/campaigns/{no_mailbox['_id']}/start"), 400, "VALIDATION_ERROR")
    assert "mailbox" in msg
    no_steps = ok(api.post("/campaigns", json={"name": "x", "mailboxTags": ["sales"]}), 201)
    error(api.post(f"/campaigns/{no_steps['_id']}/start"), 400, "VALIDATION_ERROR")

    cid = create(api)["_id"]
    error(api.post(f"/campaigns/{cid}/pause"), 400, "INVALID_STATUS")
    error(api.post(f"/campaigns/{cid}/resume"), 400, "INVALID_STATUS")
    assert ok(api.post(f"/campaigns/{cid}/start")) == {"id": cid, "status": "active"}
    started = get(api, cid)
    assert started["status"] == "active" and ISO.match(started["startedAt"])
    error(api.post(f"/campaigns/{cid}/start"), 400, "INVALID_STATUS")
    error(api.post(f"/campaigns/{cid}/resume"), 400, "INVALID_STATUS")
    assert ok(api.post(f"/campaigns/{cid}/pause")) == {"id": cid, "status": "paused"}
    assert get(api, cid)["status"] == "paused"
    error(api.post(f"/campaigns/{cid}/pause"), 400, "INVALID_STATUS")
    error(api.post(f"/campaigns/{cid}/start"), 400, "INVALID_STATUS")
    resp = api.post(f"/campaigns/{cid}/resume")
    assert resp.status_code == 200
    assert resp.json() == {"success": True, "data": {"id": cid, "status": "active"}}
    assert get(api, cid)["status"] == "active"


def test_start_activates_pending_leads_and_tick_sends(api: httpx.Client, emulator: Emulator):
    cid = create(api)["_id"]  # email, wait 3 days, email
    cl = add_lead(api, cid)
    assert cl["status"] == "pending"
    ok(api.post(f"/campaigns/{cid}/start"))
    assert lead_row(api, cid, cl["_id"])["status"] == "active"
    assert get(api, cid)["leadCounts"] == {"total": 1, "active": 1}
    late = add_lead(api, cid, "late@example.org")
    assert late["status"] == "active"  # added to an active campaign

    assert emulator.tick(60)["emailsSent"] == 2
    row = lead_row(api, cid, cl["_id"])
    assert row["currentSequenceStep"] == 2 and row["emailsSent"] == 1
    assert emulator.tick(86400)["emailsSent"] == 0  # still waiting
    summary = emulator.tick(3 * 86400)
    assert summary["emailsSent"] == 2 and summary["leadsCompleted"] == 2
    final = get(api, cid)
    assert final["stats"]["sent"] == 4
    assert final["status"] == "completed" and ISO.match(final["completedAt"])
    sent = [e for e in emulator.events(workspace=final["workspaceId"])
            if e["event"] == "email.sent"]
    assert len(sent) == 4


def test_paused_campaign_does_not_send(api: httpx.Client, emulator: Emulator):
    cid = create(api)["_id"]
    add_lead(api, cid)
    ok(api.post(f"/campaigns/{cid}/start"))
    ok(api.post(f"/campaigns/{cid}/pause"))
    assert emulator.tick(10 * 86400)["emailsSent"] == 0
    assert get(api, cid)["stats"]["sent"] == 0


# -- campaign leads --------------------------------------------------------------------------


def test_add_leads_modes(api: httpx.Client):
    cid = create(api)["_id"]
    workspace_leads = 30
    resp = ok(api.post(f"/campaigns/{cid}/leads", json={"leads": [
        {"email": "New.Person@Example.org", "firstName": "New"},
        {"email": "new.person@example.org"},
        {"leadId": "0" * 24},
        {"email": "not-an-email"},
        {"phone": "123"},
    ]}))
    assert resp["added"] == 1 and resp["skipped"] == 1
    assert [e["entry"] for e in resp["errors"]] == [{"leadId": "0" * 24},
                                                    {"email": "not-an-email"}, {"phone": "123"}]
    assert all(isinstance(e["message"], str) and e["message"] for e in resp["errors"])
    rows = ok(api.get(f"/campaigns/{cid}/leads"))
    assert rows[0]["leadId"]["email"] == "new.person@example.org"
    assert rows[0]["leadId"]["firstName"] == "New"
    for k in ("_id", "campaignId", "leadId", "status", "aiTag", "currentSequenceStep",
              "subsequence", "replied", "addedAt"):
        assert k in rows[0], k
    assert set(rows[0]["leadId"]) == {"_id", "email", "firstName", "lastName", "companyName"}

    error(api.post(f"/campaigns/{cid}/leads", json={}), 400, "VALIDATION_ERROR")
    error(api.post(f"/campaigns/{cid}/leads", json={"leads": [], "selectAll": True}), 400,
          "VALIDATION_ERROR")
    error(api.post(f"/campaigns/{cid}/leads", json={"leads": [{"email": "a@b.co"}] * 5001}),
          400, "VALIDATION_ERROR")

    other = create(api)["_id"]
    vip = ok(api.post(f"/campaigns/{other}/leads", json={"filters": {"tags": ["vip"]}}))
    assert vip["added"] == 6
    some = ok(api.get(f"/campaigns/{other}/leads"))
    exclude = [some[0]["leadId"]["_id"]]
    everyone = ok(api.post(f"/campaigns/{other}/leads",
                           json={"selectAll": True, "excludeIds": exclude}))
    # 30 seeded + the one created above; 6 already in, 1 excluded (already in anyway)
    assert everyone["added"] == workspace_leads + 1 - 6
    assert everyone["skipped"] == 5
    total = api.get(f"/campaigns/{other}/leads").json()["pagination"]["total"]
    assert total == workspace_leads + 1
    error(api.post(f"/campaigns/{other}/leads", json={"filters": {"colour": "red"}}), 400,
          "VALIDATION_ERROR")


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
    error(api.get(f"/campaigns/{cid}/leads", params={"status": "sleeping"}), 400,
          "VALIDATION_ERROR")


def test_lead_actions(api: httpx.Client, emulator: Emulator):
    cid = create(api)["_id"]
    a = add_lead(api, cid, "a@example.org")
    b = add_lead(api, cid, "b@example.org")
    c = add_lead(api, cid, "c@example.org")
    res = ok(api.post(f"/campaigns/{cid}/leads/action",
                      json={"action": "pause", "leadIds": [a["_id"], b["_id"]]}))
    assert res == {"action": "pause", "modifiedCount": 2}
    res = ok(api.post(f"/campaigns/{cid}/leads/action",
                      json={"action": "resume", "selectAll": True}))
    assert res == {"action": "resume", "modifiedCount": 2}
    assert lead_row(api, cid, a["_id"])["status"] == "pending"  # the campaign is a draft
    ok(api.post(f"/campaigns/{cid}/start"))
    emulator.tick(1)
    ok(api.post(f"/campaigns/{cid}/leads", json={"leads": [{"email": "d@example.org"}]}))
    res = ok(api.post(f"/campaigns/{cid}/leads/action",
                      json={"action": "remove", "selectAll": True, "excludeIds": [c["_id"]]}))
    assert res["modifiedCount"] == 3
    rows = {cl["leadId"]["email"]: cl for cl in ok(api.get(f"/campaigns/{cid}/leads"))}
    # a, b had an email sent: kept as removed; d had none: deleted; c excluded
    assert {k: v["status"] for k, v in rows.items()} == {
        "a@example.org": "removed", "b@example.org": "removed", "c@example.org": "active"}
    error(api.post(f"/campaigns/{cid}/leads/action", json={"action": "delete",
                                                           "selectAll": True}),
          400, "VALIDATION_ERROR")
    error(api.post(f"/campaigns/{cid}/leads/action", json={"action": "pause"}), 400,
          "VALIDATION_ERROR")
    msg = error(patch_lead(api, cid, a["_id"], {"status": "active"}), 400, "INVALID_STATUS")
    assert "removed" in msg


def test_lead_patch_validation(api: httpx.Client):
    cid = create(api)["_id"]
    cl = add_lead(api, cid)
    msg = error(patch_lead(api, cid, cl["_id"], {"aiTag": "InvalidTag"}), 400, "INVALID_TAG")
    assert msg == 'Tag "InvalidTag" does not exist in workspace'
    error(patch_lead(api, cid, cl["_id"], {"status": "completed"}), 400, "VALIDATION_ERROR")
    error(patch_lead(api, cid, cl["_id"], {"note": "x"}), 400, "VALIDATION_ERROR")
    error(patch_lead(api, cid, cl["_id"], {}), 400, "VALIDATION_ERROR")
    # a failed PATCH writes nothing, not even the valid half
    error(patch_lead(api, cid, cl["_id"], {"status": "paused", "aiTag": "Nope"}), 400,
          "INVALID_TAG")
    row = lead_row(api, cid, cl["_id"])
    assert row["status"] == "pending" and row["aiTag"] is None
    # tag names match ignoring case; the label's own spelling is stored
    data = ok(patch_lead(api, cid, cl["_id"], {"aiTag": "meeting BOOKED"}))
    assert data["aiTag"] == "Meeting Booked"
    assert ok(patch_lead(api, cid, cl["_id"], {"aiTag": None}))["aiTag"] is None
    other = create(api)["_id"]
    error(patch_lead(api, other, cl["_id"], {"status": "paused"}), 404, "NOT_FOUND")


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


def test_table_match_and_no_subsequence_enrolls(api: httpx.Client, emulator: Emulator,
                                                table: dict[str, Any]):
    cid = table["cid"]
    cl = table["lead"]("none")
    resp = patch_lead(api, cid, cl["_id"], {"aiTag": "INTERESTED"})
    assert resp.json()["subsequenceEnrollment"] == {"action": "enrolled",
                                                    "subsequenceName": "Interested follow-up"}
    sub = resp.json()["data"]["subsequence"]
    assert sub["id"] == table["subs"]["Interested follow-up"]
    assert (sub["name"], sub["status"], sub["stepIndex"], sub["emailsSent"],
            sub["completedAt"]) == ("Interested follow-up", "active", 0, 0, None)
    assert get(api, cid)["subsequences"][0]["addedCount"] == 1
    # the pending main-sequence send is canceled: the subsequence sends, the main one does not
    ok(api.post(f"/campaigns/{cid}/start"))
    summary = emulator.tick(60)
    assert summary["emailsSent"] == summary["subsequenceEmailsSent"] == 1
    row = lead_row(api, cid, cl["_id"])
    assert row["currentSequenceStep"] == 0 and row["subsequence"]["emailsSent"] == 1


def test_enrolling_cancels_the_pending_main_sequence_send(api: httpx.Client,
                                                        emulator: Emulator,
                                                        table: dict[str, Any]):
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
    assert resp.json()["subsequenceEnrollment"] == {"action": "switched",
                                                    "subsequenceName": "Interested follow-up"}
    sub = resp.json()["data"]["subsequence"]
    assert sub["id"] == table["subs"]["Interested follow-up"]
    assert sub["stepIndex"] == 0 and sub["emailsSent"] == 0 and sub["status"] == "active"
    counts = {s["name"]: s["addedCount"] for s in get(api, table["cid"])["subsequences"]}
    assert counts == {"Interested follow-up": 1, "Meeting prep": 1}


def test_table_match_other_with_sent_is_skipped(api: httpx.Client, table: dict[str, Any]):
    cl = table["lead"]("interested-sent")
    resp = patch_lead(api, table["cid"], cl["_id"], {"aiTag": "Meeting Booked"})
    body = resp.json()
    assert body["subsequenceEnrollment"] == {"action": "skippedInProgress",
                                             "subsequenceName": "Interested follow-up"}
    assert body["data"]["aiTag"] == "Meeting Booked"  # the tag still updates
    assert body["data"]["subsequence"] == cl["subsequence"]


def test_table_no_match_and_no_subsequence_is_a_no_op(api: httpx.Client,
                                                      table: dict[str, Any]):
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
    assert body["subsequenceEnrollment"] == {"action": "exited",
                                             "subsequenceName": "Meeting prep"}
    sub = body["data"]["subsequence"]
    assert sub["id"] == table["subs"]["Meeting prep"]  # kept as a historical pointer
    assert sub["status"] == "completed" and ISO.match(sub["completedAt"])
    assert body["data"]["status"] == "completed"


def test_table_clearing_the_tag_exits_too(api: httpx.Client, table: dict[str, Any]):
    cl = table["lead"]("meeting")
    body = patch_lead(api, table["cid"], cl["_id"], {"aiTag": None}).json()
    assert body["subsequenceEnrollment"]["action"] == "exited"
    assert body["data"]["aiTag"] is None


def test_table_no_match_with_sent_is_skipped(api: httpx.Client, emulator: Emulator,
                                             table: dict[str, Any]):
    cl = table["lead"]("interested-sent")
    body = patch_lead(api, table["cid"], cl["_id"], {"aiTag": "Out of Office"}).json()
    assert body["subsequenceEnrollment"] == {"action": "skippedInProgress",
                                             "subsequenceName": "Interested follow-up"}
    assert body["data"]["subsequence"]["status"] == "active"
    assert body["data"]["aiTag"] == "Out of Office"
    # kept in: the subsequence carries on after its wait
    assert emulator.tick(3 * 86400)["subsequenceEmailsSent"] == 1
    done = lead_row(api, table["cid"], cl["_id"])
    assert done["subsequence"]["emailsSent"] == 2
    assert done["subsequence"]["status"] == "completed" and done["status"] == "completed"


# -- lead.tag_changed ------------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).received.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    received: list[tuple[dict[str, str], bytes]] = []
    handler = type("Hook", (_Hook,), {"received": received})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook", received
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_tag_changed_event_only_on_actual_change(api: httpx.Client, emulator: Emulator, key: str,
                                                 webhook_receiver: Any):
    url, received = webhook_receiver
    cid = create(api, settings={"webhook": {"enabled": True, "url": url, "secret": "s3cret",
                                            "events": ["lead.tag_changed"]}})["_id"]
    cl = add_lead(api, cid)
    ws = workspace_for_key(key)

    def tag_events() -> list[dict[str, Any]]:
        return [e for e in emulator.events(ws) if e["event"] == "lead.tag_changed"]

    ok(patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"}))
    assert len(tag_events()) == 1
    ok(patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"}))
    ok(patch_lead(api, cid, cl["_id"], {"aiTag": "interested"}))  # same label
    ok(patch_lead(api, cid, cl["_id"], {"status": "paused"}))
    assert len(tag_events()) == 1
    ok(patch_lead(api, cid, cl["_id"], {"aiTag": None}))
    events = tag_events()
    assert len(events) == 2
    assert events[0]["data"]["previousTag"] is None
    assert events[0]["data"]["newTag"] == "Interested"
    assert events[1]["data"]["previousTag"] == "Interested"
    assert events[1]["data"]["newTag"] is None
    assert events[0]["data"]["campaignLeadId"] == cl["_id"]
    # the local webhook got the same two, signed with the campaign's secret
    assert len(received) == 2
    headers, raw = received[0]
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["x-webhook-event"] == "lead.tag_changed"
    expected = hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
    assert headers["x-webhook-signature"] == expected
    assert json.loads(raw)["data"]["newTag"] == "Interested"
    # other workspaces' logs stay apart
    assert emulator.events(workspace_for_key("sk_someone_else")) == []


def test_webhook_not_subscribed_or_unreachable_is_ignored(api: httpx.Client,
                                                          emulator: Emulator,
                                                          webhook_receiver: Any):
    url, received = webhook_receiver
    cid = create(api, settings={"webhook": {"enabled": True, "url": url,
                                            "events": ["lead.replied"]}})["_id"]
    cl = add_lead(api, cid)
    ok(patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"}))
    assert received == []
    dead = create(api, settings={"webhook": {"enabled": True,
                                             "url": "http://127.0.0.1:9/never"}})["_id"]
    cl2 = add_lead(api, dead, "x@example.org")
    ok(patch_lead(api, dead, cl2["_id"], {"aiTag": "Interested"}))  # delivery error ignored


def test_sandbox_tick_moves_the_clock_once(api: httpx.Client, running: server.Running):
    cid = create(api)["_id"]  # email, wait 3 days, email
    add_lead(api, cid)
    ok(api.post(f"/campaigns/{cid}/start"))
    before = running.sandbox.store.now()
    summary = running.sandbox.tick(4 * 86400)
    assert summary["sendkit"]["emailsSent"] == 2
    assert 4 * 86400 <= running.sandbox.store.now() - before < 4 * 86400 + 60


def test_tick_rejects_negative_time(emulator: Emulator):
    with pytest.raises(ValueError):
        emulator.tick(-1)
