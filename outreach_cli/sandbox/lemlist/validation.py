"""Request validation: campaign bodies, steps and schedules (checked before any write).

The sender check (`sendUserIds`) needs the team's users and the campaign's steps, so it sits
with the campaign routes, in campaigns.py (`_check_senders`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ..formats import web_url
from ..store import Store
from .context import Fail, bad
from .settings import BOOL_KIND, LINKS_KIND, PROGRESS, PROGRESS_KIND

STEP_TYPES = (
    "email",
    "manual",
    "phone",
    "api",
    "linkedinVisit",
    "linkedinInvite",
    "linkedinSend",
    "linkedinVoiceNote",
    "linkedinFollow",
    "linkedinLikeLastPost",
    "linkedinCommentLastPost",
    "linkedinEndorse",
    "linkedinWithdrawInvitation",
    "sendToAnotherCampaign",
    "conditional",
    "whatsappMessage",
    "sms",
)
CONDITION_KEYS = (
    "hasEmailAddress",
    "hasLinkedinUrl",
    "hasPhoneNumber",
    "hasScore",
    "emailsOpened",
    "emailsClicked",
    "emailsUnsubscribed",
    "meetingBooked",
    "linkedinInviteAccepted",
    "linkedinOpened",
    "aircallDone",
    "linkedinNetworkCheck",
    "hasWhatsappAccount",
)
API_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
REVIEW_CONDITIONS = ("deliverable", "risky", "undeliverable", "unverified")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# Fields a step may carry (POST /sequences/{id}/steps body), by kind of value.
STEP_FIELDS: dict[str, str] = {
    "subject": "str",
    "message": "str",
    "altMessage": "str",
    "title": "str",
    "method": "method",
    "url": "url",
    "conditionKey": "condition",
    "delayType": "delayType",
    "campaignId": "campaign",
    "images": "media",
    "videos": "media",
    "skillName": "str",
    "endorseAnyFallback": "bool",
    "recordMode": "recordMode",
}
SCHEDULE_FIELDS = ("name", "secondsToWait", "timezone", "start", "end", "weekdays", "public")
CREATE_FIELDS = ("name", "timezone", "autoReview", "autoReviewConditions")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def no_unknown(body: dict[str, Any], allowed: Iterable[str]) -> None:
    # Docs silent on unknown fields; refusing them turns a client's typo into an error instead
    # of a silently ignored setting.
    known = set(allowed)
    for key in body:
        if key not in known:
            raise bad(
                f"Unknown parameter {key!r} (outreach's rule: the docs do not say what "
                "lemlist does with a parameter they do not list)"
            )


def want_bool(body: dict[str, Any], key: str) -> bool:
    if not isinstance(body[key], bool):
        raise bad(f"{key} must be a boolean")
    return bool(body[key])


def check_timezone(tz: Any) -> None:
    if not isinstance(tz, str) or tz not in _zones():
        raise bad(f"Invalid timezone {tz!r}")


def review_conditions(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise bad("autoReviewConditions must be an array")
    for v in value:
        if v not in REVIEW_CONDITIONS:
            raise bad(
                f"Invalid autoReviewConditions value {v!r}: expected one of "
                + ", ".join(REVIEW_CONDITIONS)
            )
    return list(dict.fromkeys(value))


def check_section(name: str, value: Any, spec: dict[str, Any]) -> None:
    if not isinstance(value, dict):
        raise bad(f"{name} must be an object")
    for key, v in value.items():
        kind = spec.get(key)
        where = f"{name}.{key}"
        if kind is None:
            raise bad(f"Unknown parameter {where!r}")
        if isinstance(kind, dict):
            check_section(where, v, kind)
        elif kind == BOOL_KIND and not isinstance(v, bool):
            raise bad(f"{where} must be a boolean")
        elif kind == PROGRESS_KIND and v not in PROGRESS:
            raise bad(f"{where} must be one of " + ", ".join(PROGRESS))
        elif kind == LINKS_KIND and not (
            isinstance(v, list) and all(isinstance(x, str) for x in v)
        ):
            raise bad(f"{where} must be an array of strings")


# -- schedules -------------------------------------------------------------------------------


def check_schedule(body: dict[str, Any], *, create: bool) -> None:
    def json_bad(message: str) -> Fail:
        # POST/PATCH /schedules document JSON 400 bodies.
        return Fail(400, {"error": "BadRequest", "message": message})

    unknown = [k for k in body if k not in SCHEDULE_FIELDS]
    if unknown:
        raise json_bad(f"Unknown schedule field {unknown[0]!r}")
    if create:
        missing = [k for k in ("name", "timezone", "start", "end", "weekdays") if k not in body]
        if missing:
            raise json_bad("Missing required fields: " + ", ".join(missing))
    if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
        raise json_bad("name must be a non-empty string")
    if "timezone" in body:
        tz = body["timezone"]
        if not isinstance(tz, str) or tz not in _zones():
            raise json_bad(f"Invalid timezone {tz!r}")
    for key in ("start", "end"):
        if key in body and not (isinstance(body[key], str) and HHMM.match(body[key])):
            raise json_bad(f"{key} must be HH:mm")
    if "weekdays" in body:
        wd = body["weekdays"]
        # Docs' own example repeats a day ([1, 2, 3, 2, 5]), so duplicates are accepted.
        if not isinstance(wd, list) or not all(
            isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in wd
        ):
            raise json_bad("weekdays must be an array of integers from 1 (Monday) to 7 (Sunday)")
    if "secondsToWait" in body:
        s = body["secondsToWait"]
        if not isinstance(s, int) or isinstance(s, bool) or s < 0:
            raise json_bad("secondsToWait must be an integer >= 0")
    if "public" in body and not isinstance(body["public"], bool):
        raise json_bad("public must be a boolean")


def check_hours(sched: dict[str, Any]) -> None:
    # Docs silent on start >= end; a window that ends before it starts never sends.
    if sched["end"] <= sched["start"]:
        raise Fail(400, {"error": "BadRequest", "message": "end must be after start"})


# -- steps -----------------------------------------------------------------------------------


def check_step_fields(store: Store, ws: str, body: dict[str, Any]) -> None:
    for key, kind in STEP_FIELDS.items():
        if key not in body:
            continue
        v = body[key]
        if kind == "str" and not isinstance(v, str):
            raise bad(f"{key} must be a string")
        if kind == "bool" and not isinstance(v, bool):
            raise bad(f"{key} must be a boolean")
        if kind == "method" and v not in API_METHODS:
            raise bad("method must be one of " + ", ".join(API_METHODS))
        if kind == "url" and not (isinstance(v, str) and re.match(r"^https?://", v)):
            raise bad("url must start with http:// or https://")
        if kind == "condition" and v not in CONDITION_KEYS:
            raise bad(f"Invalid conditionKey {v!r}")
        if kind == "delayType" and v not in ("within", "waitUntil"):
            raise bad("delayType must be within or waitUntil")
        if kind == "recordMode" and v not in ("manual", "ai"):
            raise bad("recordMode must be manual or ai")
        if kind == "media" and not (
            isinstance(v, list) and all(web_url(u, https_only=True) for u in v)
        ):
            raise bad(f"{key} must be an array of public HTTPS URLs")
        if kind == "campaign":
            target = store.get(ws, "campaign", v) if isinstance(v, str) else None
            if target is None:
                raise bad("The target campaign does not exist")
            if target["status"] == "archived":
                raise bad("The target campaign is archived")
    media = len(body.get("images") or []) + len(body.get("videos") or [])
    if media > 6:
        raise bad("A step can carry at most 6 images and videos combined")
    if "delay" in body:
        d = body["delay"]
        if not isinstance(d, int) or isinstance(d, bool) or d < 0:
            raise bad("delay must be a whole number of days (>= 0)")


def check_step_required(step: dict[str, Any]) -> None:
    stype = step["type"]
    if stype == "email" and not step.get("subject"):
        raise bad("subject is required for email steps")
    if stype in ("linkedinSend", "whatsappMessage", "sms") and not step.get("message"):
        raise bad(f"message is required for {stype} steps")
    if stype == "api" and not step.get("url"):
        raise bad("url is required for api steps")
    if stype == "conditional" and not step.get("conditionKey"):
        raise bad("conditionKey is required for conditional steps")
    if stype == "sendToAnotherCampaign" and not step.get("campaignId"):
        raise bad("campaignId is required for sendToAnotherCampaign steps")
