"""lemlist's edit rules as data, and the offline checks its JSON Schema cannot state.

Sources: lemlist's Update Campaign page (shared/seeds/lemlist-update-campaign.txt), its OpenAPI
file (shared/reference/openapi/lemlist.json) and shared/reference/providers.md section 2.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from ..base import FieldRule, Finding, Path

# lemlist's own status names (GET /campaigns `status` filter and the Campaign schema's enum).
STATUSES: tuple[str, ...] = ("draft", "running", "paused", "ended", "archived", "errors")

STEP_TYPES: tuple[str, ...] = (
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
CONDITION_KEYS: tuple[str, ...] = (
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
DELAY_TYPES: tuple[str, ...] = ("within", "waitUntil")
API_METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE", "PATCH")
AUTO_REVIEW_CONDITIONS: tuple[str, ...] = ("deliverable", "risky", "undeliverable", "unverified")
CAMPAIGN_PROGRESS: tuple[str, ...] = ("continue", "pause", "stop")
# Campaigns whose senders are picked per lead; PATCH refuses `sendUserIds` on them.
DYNAMIC_SENDER_STRATEGIES: tuple[str, ...] = ("contactOwner", "leadImporter", "customField")
# (requests, seconds) per API key, on every route.
RATE_LIMIT: tuple[int, float] = (20, 2.0)
# What `outreach doctor` says of the limit (providers.md §2, the rate-limits page).
RATE_DOC = (
    f"{RATE_LIMIT[0]} requests per {RATE_LIMIT[1]:g} s per API key on every route "
    "(X-RateLimit-Limit/-Remaining/-Reset, Retry-After on 429); outreach keeps under it "
    "with one budget per key, shared by its processes on this machine"
)
# A linkedinInvite/linkedinSend step carries at most this many images and videos together.
MAX_MEDIA = 6

_ALL = frozenset(STATUSES)

RULES: tuple[FieldRule, ...] = (
    # Everything the update page takes can change whatever the status.
    FieldRule("*", _ALL),
    FieldRule(
        "timezone",
        frozenset(),
        reason="lemlist sets a campaign's timezone at creation only",
        remedy="create a new campaign, or set the schedule's timezone instead",
    ),
    # Deleting a step: DELETE /sequences/{id}/steps/{stepId} answers 400 "You cannot delete this
    # step because the campaign is running" (only running: the docs name no other status).
    FieldRule(
        "steps",
        _ALL - {"running"},
        ops=frozenset({"remove"}),
        when_forbidden="refused",
        reason="lemlist refuses to delete a step while the campaign is running",
        remedy="pause it first: set `status: paused` in the file",
    ),
    # Without this row, removing a field *inside* a step (`steps.message`) would match the row
    # above by prefix and read as deleting the step.
    FieldRule("steps.*", _ALL),
)


# -- legacy flat flags and the structured sections ------------------------------------------

Relation = Literal["same", "inverted", "stop"]


@dataclass(frozen=True)
class Equivalent:
    """The structured key that covers the same behaviour as a legacy flat flag.

    `relation`: `same` (both booleans, equal when consistent), `inverted` (booleans, opposite
    when consistent), `stop` (the flag is true exactly when the structured `campaignProgress`
    is "stop"). `assumption` marks pairs the docs do not state outright.
    """

    key: str
    relation: Relation
    assumption: bool = False

    @property
    def inverted(self) -> bool:
        return self.relation == "inverted"

    def contradicts(self, flag: bool, value: Any) -> bool:
        if self.relation == "stop":
            return isinstance(value, str) and (value == "stop") != flag
        if not isinstance(value, bool):
            return False
        return value == flag if self.relation == "inverted" else value != flag


LEGACY_EQUIVALENTS: Mapping[str, Equivalent] = {
    # The OpenAPI descriptions pair these word for word ("Disable tracking of email opens" /
    # "Whether email open tracking is enabled"; `disableOutOfOffice` exists in both places).
    "disableTrackOpen": Equivalent("tracking.trackOpens", "inverted"),
    "disableTrackClick": Equivalent("tracking.trackClicks", "inverted"),
    "disableTrackReply": Equivalent("tracking.trackReplies", "inverted"),
    "disableOutOfOffice": Equivalent("onReplied.disableOutOfOffice", "same"),
    # Assumption: "Stop the campaign when …" is the `stop` choice of the structured
    # `campaignProgress` (continue | pause | stop); the docs do not map them explicitly.
    "stopOnEmailReplied": Equivalent("onReplied.campaignProgress", "stop", assumption=True),
    "stopOnMeetingBooked": Equivalent("onMeetingBooked.campaignProgress", "stop", assumption=True),
    "stopOnLinkClicked": Equivalent("onLinkClicked.campaignProgress", "stop", assumption=True),
    # Assumption: "Automatically detect lead interest" is what `aiFeatures.scoreReplies`
    # ("Enable AI reply scoring") switches.
    "autoLeadInterest": Equivalent("aiFeatures.scoreReplies", "same", assumption=True),
    # Not paired, on purpose: `opportunityReplied`/`opportunityClicked` create opportunities,
    # while `createNewTask` creates tasks; `leadsPausedByInterest` has no clear structured twin;
    # `stopOnLinkClickedFilter` is a string and `onLinkClicked.specificLinks` a list, with no
    # documented conversion. A wrong pairing would reject valid files, so they stay unchecked.
}


# -- which step types use which fields (the OpenAPI step request's descriptions) -------------

STEP_FIELD_TYPES: Mapping[str, frozenset[str]] = {
    "subject": frozenset({"email"}),
    "message": frozenset(
        {"email", "linkedinInvite", "linkedinSend", "manual", "phone", "whatsappMessage", "sms"}
    ),
    "altMessage": frozenset({"linkedinSend"}),
    "title": frozenset({"manual"}),
    "method": frozenset({"api"}),
    "url": frozenset({"api"}),
    "conditionKey": frozenset({"conditional"}),
    "delayType": frozenset({"conditional"}),
    "campaignId": frozenset({"sendToAnotherCampaign"}),
    "images": frozenset({"linkedinInvite", "linkedinSend"}),
    "videos": frozenset({"linkedinInvite", "linkedinSend"}),
    "skillName": frozenset({"linkedinEndorse"}),
    "endorseAnyFallback": frozenset({"linkedinEndorse"}),
    "recordMode": frozenset({"linkedinVoiceNote"}),
}

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Messages of the rules outreach chose where lemlist's docs are silent (catalogue kind
# "choice") start with this, so that none reads as lemlist's.
OURS = "outreach's rule: "


def check(campaign: dict[str, Any]) -> list[Finding]:
    """Cross-field rules of a lemlist `campaign:` block; paths start at ("campaign", …).

    Runs on files that may also fail the schema, so every value is type-checked before use.
    """
    if not isinstance(campaign, dict):
        return []
    findings: list[Finding] = []
    name = campaign.get("name")
    if isinstance(name, str) and name and not name.strip():
        findings.append(
            Finding(
                ("campaign", "name"),
                (
                    OURS
                    + "the name is blank; lemlist requires a name and its docs do not say whether "
                    "spaces count, and a blank name cannot be told apart in the app"
                ),
            )
        )
    for key in ("sendUserIds", "autoReviewConditions"):
        findings += _repeats(campaign, key)
    findings += _legacy_contradictions(campaign)
    tz = campaign.get("timezone")
    if isinstance(tz, str):
        findings += _timezone(("campaign", "timezone"), tz)
    findings += _auto_review(campaign)
    steps = campaign.get("steps")
    if isinstance(steps, list):
        findings += _steps(steps)
    schedules = campaign.get("schedules")
    if isinstance(schedules, list):
        findings += _schedules(schedules)
    return findings


def _dig(data: Mapping[str, Any], dotted: str) -> tuple[bool, Any]:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _legacy_contradictions(campaign: Mapping[str, Any]) -> Iterator[Finding]:
    for flag, eq in LEGACY_EQUIVALENTS.items():
        value = campaign.get(flag)
        found, other = _dig(campaign, eq.key)
        if not isinstance(value, bool) or not found or not eq.contradicts(value, other):
            continue
        if eq.relation == "stop":
            why = (
                f"`{flag}: {_yaml(value)}` says the lead {'stops' if value else 'does not stop'}"
                f" while `{eq.key}: {other}` says {other!r}"
            )
        elif eq.relation == "inverted":
            why = f"`{flag}: {_yaml(value)}` and `{eq.key}: {_yaml(other)}` say opposite things"
        else:
            why = f"`{flag}: {_yaml(value)}` and `{eq.key}: {_yaml(other)}` disagree"
        section = eq.key.split(".")[0]
        if eq.assumption and eq.relation == "stop":
            # The docs do not pair these two; the sandbox reads them as one setting, and if
            # lemlist does too, a file holding both contradicting would never converge: each
            # apply sends the changed one, which turns the other (issue 21). Refused whichever
            # reading is right: one of the two must be dropped from the file either way.
            yield Finding(
                ("campaign", flag),
                f"{OURS}{flag} contradicts {eq.key}: {why}; lemlist's docs do not say whether "
                f"the two are one setting, but if they are, every apply would set one and turn "
                f"the other, and the file would never match the campaign: set only one of them "
                f"(lemlist calls the structured {section} section the preferred way)",
                related=(("campaign", *eq.key.split(".")),),
            )
            continue
        if eq.assumption:
            # The docs do not pair these two: a guess must not block a file lemlist accepts.
            yield Finding(
                ("campaign", flag),
                f"{flag} may contradict {eq.key}: {why}; lemlist's docs do not say the two are "
                f"one setting (outreach's reading), but if they are, one is silently dropped: "
                f"set only one of them",
                severity="warning",
                related=(("campaign", *eq.key.split(".")),),
            )
            continue
        yield Finding(
            ("campaign", flag),
            f"{OURS}{flag} contradicts {eq.key}: {why}; lemlist accepts both and keeps one, "
            f"so the other would be silently dropped: set only one of them (lemlist calls the "
            f"structured {section} section the preferred way)",
            related=(("campaign", *eq.key.split(".")),),
        )


def _repeats(campaign: Mapping[str, Any], key: str) -> list[Finding]:
    values = campaign.get(key)
    if not isinstance(values, list):
        return []
    seen: set[str] = set()
    out: list[Finding] = []
    for i, v in enumerate(values):
        if isinstance(v, str) and v in seen:
            out.append(
                Finding(
                    ("campaign", key, i),
                    (
                        f"{OURS}{v!r} is listed twice in {key}; lemlist keeps one, so the file "
                        f"would never match what it reads back"
                    ),
                )
            )
        seen.add(str(v))
    return out


def _yaml(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _timezone(path: Path, name: str) -> list[Finding]:
    zones = _zones()
    if name in zones:
        return []
    folded = {z.lower(): z for z in zones}
    hint = folded.get(name.lower())
    if hint is None:
        close = difflib.get_close_matches(name, sorted(zones), n=1, cutoff=0.6)
        hint = close[0] if close else None
    msg = f"{name!r} is not an IANA time zone"
    msg += f"; did you mean {hint!r}?" if hint else " (e.g. 'Europe/Paris')"
    return [Finding(path, msg)]


def _auto_review(campaign: Mapping[str, Any]) -> list[Finding]:
    conditions = campaign.get("autoReviewConditions")
    # Only an explicit `autoReview: false` makes the conditions dead: when the file omits it,
    # the remote value (which may be true) stays.
    if campaign.get("autoReview") is False and isinstance(conditions, list) and conditions:
        return [
            Finding(
                ("campaign", "autoReviewConditions"),
                "autoReviewConditions has no effect while autoReview is false",
                severity="warning",
                related=(("campaign", "autoReview"),),
            )
        ]
    return []


def _steps(steps: list[Any]) -> list[Finding]:
    if not steps:
        return [
            Finding(
                ("campaign", "steps"),
                "the sequence has no steps: lemlist will not contact any lead",
                severity="warning",
            )
        ]
    out: list[Finding] = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        stype = step.get("type")
        base: Path = ("campaign", "steps", i)
        if isinstance(stype, str) and stype in STEP_TYPES:
            for key, types in STEP_FIELD_TYPES.items():
                if key in step and stype not in types:
                    out.append(
                        Finding(
                            (*base, key),
                            f"{key} is used only by {', '.join(sorted(types))} steps; "
                            f"lemlist ignores it on a {stype} step",
                            severity="warning",
                        )
                    )
        delay = step.get("delay")
        if isinstance(delay, int) and not isinstance(delay, bool) and delay < 0:
            out.append(
                Finding(
                    (*base, "delay"),
                    (
                        f"{OURS}delay is {delay}; it counts days to wait, so it cannot be negative "
                        f"(lemlist's docs give no bound)"
                    ),
                )
            )
        if stype == "conditional" and "conditionKey" not in step:
            out.append(
                Finding(
                    base,
                    (
                        OURS + "a conditional step needs a conditionKey (what it tests); lemlist's "
                        "docs do not say what a condition without one does"
                    ),
                )
            )
        media = [k for k in ("images", "videos") if isinstance(step.get(k), list)]
        total = sum(len(step[k]) for k in media)
        if total > MAX_MEDIA:
            out.append(
                Finding(
                    (*base, media[-1]),
                    f"a step carries at most {MAX_MEDIA} images and videos combined; this one has "
                    f"{total}",
                    related=tuple((*base, k) for k in media[:-1]),
                )
            )
    return out


def _schedules(schedules: list[Any]) -> list[Finding]:
    out: list[Finding] = []
    for i, sched in enumerate(schedules):
        if not isinstance(sched, dict):
            continue
        base: Path = ("campaign", "schedules", i)
        tz = sched.get("timezone")
        if isinstance(tz, str):
            out += _timezone((*base, "timezone"), tz)
        if sched.get("weekdays") == []:
            out.append(
                Finding(
                    (*base, "weekdays"),
                    ("weekdays is empty: this schedule never sends (lemlist accepts it)"),
                    severity="warning",
                )
            )
        wait = sched.get("secondsToWait")
        if isinstance(wait, int) and not isinstance(wait, bool) and wait < 0:
            out.append(
                Finding(
                    (*base, "secondsToWait"),
                    (
                        f"{OURS}secondsToWait is {wait}; a wait between sends cannot be negative "
                        f"(lemlist's docs give no bound)"
                    ),
                )
            )
        start, end = sched.get("start"), sched.get("end")
        if (
            isinstance(start, str)
            and isinstance(end, str)
            and _HHMM.match(start)
            and _HHMM.match(end)
            and end <= start
        ):
            # Zero-padded HH:mm strings order like the times they name.
            out.append(
                Finding(
                    (*base, "end"),
                    f"{OURS}end ({end}) must be after start ({start}); lemlist's docs do not say "
                    f"what a window that ends before it starts does",
                    related=((*base, "start"),),
                )
            )
    return out
