"""The throwaway campaigns of the live suite: per platform, a first version and an update
that changes every kind of field the adapter writes, and where to read each change back.

Values that name things of one workspace (lemlist senders, Puffle sender accounts) come from
OUTREACH_LIVE_* variables on a real workspace and are left out when unset; on the sandbox
they are its demo ids.
"""

from __future__ import annotations

import copy
import os
from typing import Any

PREFIX = "outreach-live-test-"

# Demo ids of the sandbox's workspaces (campaigns/ uses the same).
SANDBOX_IDS = {
    "lemlist": ["usr_2aBCdEfGHiJkLmNOp"],
    "puffle": ["5e4de000-0000-4000-8000-000000000001"],
}
ID_VARS = {
    "lemlist": "OUTREACH_LIVE_LEMLIST_SEND_USER_IDS",
    "puffle": "OUTREACH_LIVE_PUFFLE_SENDER_IDS",
}


def workspace_ids(provider: str, sandbox: bool) -> list[str]:
    if sandbox:
        return list(SANDBOX_IDS.get(provider, []))
    raw = os.environ.get(ID_VARS.get(provider, ""), "")
    return [x.strip() for x in raw.split(",") if x.strip()]


def first(provider: str, name: str, ids: list[str]) -> dict[str, Any]:
    """The file applied first: created as a draft (or paused), never started, no leads."""
    if provider == "sendkit":
        campaign: dict[str, Any] = {
            "name": name,
            "sequence": [
                {
                    "type": "email",
                    "subject": "outreach live test",
                    "body": "<p>Never sent: this campaign has no leads.</p>",
                }
            ],
            "schedule": {
                "timezone": "UTC",
                "startTime": "09:00",
                "endTime": "17:00",
                "workingDays": [1, 2, 3, 4, 5],
            },
            "settings": {
                "trackOpens": False,
                "dailySendLimit": 10,
                "webhook": {
                    "enabled": False,
                    "url": "https://example.com/hook",
                    "secret": "whsec_live_test_one",
                    "events": ["email.sent"],
                },
            },
        }
        return {"provider": "sendkit", "key": name, "status": "paused", "campaign": campaign}
    if provider == "lemlist":
        campaign = {
            "name": name,
            "timezone": "Europe/Paris",
            "stopOnEmailReplied": True,
            "tracking": {"trackOpens": False, "trackClicks": True, "trackReplies": True},
            "steps": [
                {
                    "type": "email",
                    "delay": 0,
                    "subject": "outreach live test",
                    "message": "<p>Never sent: this campaign has no leads.</p>",
                }
            ],
            "schedules": [
                {
                    "name": "live test hours",
                    "timezone": "Europe/Paris",
                    "start": "09:00",
                    "end": "17:00",
                    "weekdays": [1, 2, 3, 4, 5],
                    "secondsToWait": 1200,
                }
            ],
        }
        if ids:
            campaign["sendUserIds"] = ids[:1]
        return {"provider": "lemlist", "key": name, "status": "paused", "campaign": campaign}
    campaign = {
        "type": "email",
        "name": name,
        "daily_limit": 10,
        "stop_on_reply": True,
        "open_tracking": False,
        "signature": "outreach live test",
        "sequence_nodes": [
            {
                "type": "email",
                "subject": "outreach live test",
                "body": "Never sent: this campaign has no leads.",
            },
            {"type": "end"},
        ],
    }
    if ids:
        campaign["sender_account_ids"] = ids[:1]
    return {"provider": "puffle", "key": name, "status": "draft", "campaign": campaign}


def update(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The second version: a scalar, a boolean, a nested object, a list element changed and
    one added, the schedule, and (SendKit) a write-only secret; plus {dotted path: value} to
    read back from the campaign's normalised state."""
    new = copy.deepcopy(doc)
    c = new["campaign"]
    if doc["provider"] == "sendkit":
        c["sequence"][0]["subject"] = "outreach live test, updated"
        c["sequence"] += [
            {"type": "wait", "waitDays": 2},
            {
                "type": "email",
                "subject": "outreach live test, second",
                "body": "<p>Never sent either.</p>",
            },
        ]
        c["schedule"]["startTime"] = "08:30"
        c["settings"].update(trackOpens=True, dailySendLimit=12)
        c["settings"]["webhook"].update(
            secret="whsec_live_test_two", events=["email.sent", "lead.replied"]
        )
        back = {
            "sequence.0.subject": "outreach live test, updated",
            "sequence.2.type": "email",
            "schedule.startTime": "08:30",
            "settings.trackOpens": True,
            "settings.dailySendLimit": 12,
            "settings.webhook.events": ["email.sent", "lead.replied"],
        }
    elif doc["provider"] == "lemlist":
        c["stopOnEmailReplied"] = False
        c["tracking"]["trackOpens"] = True
        c["steps"][0]["subject"] = "outreach live test, updated"
        c["steps"].append(
            {
                "type": "email",
                "delay": 2,
                "subject": "outreach live test, second",
                "message": "<p>Never sent either.</p>",
            }
        )
        c["schedules"][0]["start"] = "08:30"
        back = {
            "stopOnEmailReplied": False,
            "tracking.trackOpens": True,
            "steps.0.subject": "outreach live test, updated",
            "steps.1.delay": 2,
            "schedules.0.start": "08:30",
        }
    else:
        c.update(daily_limit=12, open_tracking=True, signature="outreach live test, updated")
        c["sequence_nodes"][0]["subject"] = "outreach live test, updated"
        c["sequence_nodes"][1:1] = [
            {"type": "delay", "delay_days": 2},
            {"type": "email", "is_reply": True, "body": "Never sent either."},
        ]
        back = {
            "daily_limit": 12,
            "open_tracking": True,
            "signature": "outreach live test, updated",
            "sequence_nodes.0.subject": "outreach live test, updated",
            "sequence_nodes.1.type": "delay",
            "sequence_nodes.3.type": "end",
        }
    return new, back


def dig(state: Any, dotted: str) -> Any:
    node = state
    for part in dotted.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node
