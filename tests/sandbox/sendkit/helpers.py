"""What the SendKit emulator tests share: the pages' example bodies and the request helpers."""

from __future__ import annotations

import copy
import re
from typing import Any

import httpx

HEX24 = re.compile(r"^[0-9a-f]{24}$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# The request bodies exactly as the vendor's pages show them (shared/seeds/sendkit-*.txt).
CREATE_EXAMPLE: dict[str, Any] = {
    "name": "Q2 Outbound - Decision Makers",
    "sequence": [
        {
            "type": "email",
            "order": 0,
            "subject": "Quick question about {{companyName}}",
            "body": "<p>Hi {{firstName}},</p><p>I noticed {{companyName}} is scaling fast. Would "
            "love to share how we helped similar teams cut outbound costs by 40%.</p>",
        },
        {"type": "wait", "order": 1, "waitDays": 3},
        {
            "type": "email",
            "order": 2,
            "subject": "Re: Quick question about {{companyName}}",
            "body": "<p>Hey {{firstName}}, just bumping this up. Happy to send over a case study "
            "if that helps.</p>",
        },
    ],
    "schedule": {
        "timezone": "America/Chicago",
        "startTime": "08:30",
        "endTime": "16:00",
        "workingDays": [1, 2, 3, 4, 5],
        "skipNationalHolidays": True,
    },
    "settings": {
        "trackOpens": True,
        "trackClicks": True,
        "includeUnsubscribeLink": False,
        "cc": ["sales-log@yourcompany.com"],
        "bcc": ["crm-sync@yourcompany.com"],
        "stopOnReply": True,
        "stopOnAutoReply": True,
        "stopOnCompanyReply": True,
        "skipDNC": True,
        "dailySendLimit": 50,
        "emailIntervalMinutes": 12,
        "espMatchingMode": "auto",
        "segCheckMode": "skip_providers",
        "segSkipProviders": ["proofpoint", "mimecast"],
        "cnameTracking": {"enabled": True, "domain": "track.yourcompany.com"},
        "slackChannelId": "C04ABCDEF12",
        "positiveRepliesOnlySlack": True,
        "webhook": {
            "enabled": True,
            "url": "https://yourcompany.com/webhooks/sendkit",
            "secret": "whsec_abc123xyz",
            "events": ["lead.replied", "email.sent", "lead.bounced"],
        },
        "copyFatigueProtection": {"enabled": True, "autoRegenerate": True, "autoResume": True},
        "variantOptimization": {
            "enabled": True,
            "minimumSendsPerVariant": 50,
            "minimumDays": 5,
            "optimizationMetric": "replyRate",
            "keepMinimumVariants": 2,
        },
    },
    "mailboxTags": ["outreach"],
}
UPDATE_EXAMPLE: dict[str, Any] = {
    "name": "Q1 Outreach Campaign (Updated)",
    "schedule": {"startTime": "10:00", "endTime": "18:00", "skipNationalHolidays": False},
    "settings": {
        "stopOnAutoReply": False,
        "dailySendLimit": 100,
        "espMatchingMode": "auto",
        "segCheckMode": "skip_providers",
        "segSkipProviders": ["proofpoint", "mimecast", "barracuda"],
        "webhook": {"enabled": True, "events": ["lead.replied", "email.opened"]},
        "variantOptimization": {
            "enabled": True,
            "optimizationMetric": "openRate",
            "minimumSendsPerVariant": 100,
        },
    },
}
LEAD_UPDATE_EXAMPLE = {"status": "paused", "aiTag": "Interested"}

# Subsequences used by the enrollment tests: "Interested" sends at once and then waits, so a
# tick leaves its lead inside it with one email sent; "Meeting Booked" starts with a wait, so a
# lead in it has sent nothing from it until a day has passed.
INTERESTED_SUB = {
    "name": "Interested follow-up",
    "trigger": {"type": "ai_tag", "value": "interested"},
    "sequence": [
        {"type": "email", "subject": "Great!", "body": "Glad to hear it."},
        {"type": "wait", "waitDays": 2},
        {"type": "email", "subject": "Re: Great!", "body": "Any news?"},
    ],
}
MEETING_SUB = {
    "name": "Meeting prep",
    "trigger": {"type": "ai_tag", "value": "Meeting Booked"},
    "sequence": [
        {"type": "wait", "waitDays": 1},
        {"type": "email", "subject": "See you soon", "body": "Agenda?"},
    ],
}
SIMPLE_SEQUENCE = [
    {"type": "email", "subject": "Hello", "body": "Hi there"},
    {"type": "wait", "waitDays": 3},
    {"type": "email", "subject": "Again", "body": "Bump"},
]


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
    body = {
        "name": "Test campaign",
        "sequence": copy.deepcopy(SIMPLE_SEQUENCE),
        "mailboxTags": ["outreach"],
        **fields,
    }
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
