"""SendKit emulator: `/sendkit/v1/...`, read from docs.sendkit.ai as captured in shared/seeds.

A second, independent reading of the vendor's pages: only the standard library and the sibling
sandbox modules are imported. Where the docs are silent the choice made here is written next to
the code that makes it, so a disagreement with the client side can be traced to a reading.

Data lives in the shared Store, per workspace, under these kinds:
  "workspace"      one doc per workspace: AI tag labels and the AI agent id (seeded lazily)
  "mailbox"        the demo mailboxes
  "lead"           workspace leads (contacts)
  "campaign"       campaigns in their *stored* shape (settings unflattened, webhook secret kept,
                   mailbox ids kept); `_read_campaign` turns that into the documented read shape
  "campaign_lead"  a lead's membership of a campaign (the CampaignLead record)
  "event"          the event log (`lead.tag_changed`, `email.sent`)
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import html
import http.client
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..store import Store
from ..web import BadJson, Handler, Request, Response, Router

# -- enums and limits (from the create/update/lead pages and providers.md §1) --------------------

CAMPAIGN_STATUSES = ("draft", "active", "paused", "completed", "archived")
LEAD_STATUSES = ("pending", "active", "paused", "completed", "bounced", "unsubscribed", "replied",
                 "removed")
# The lead PATCH page: "Status can only be changed to active or paused".
LEAD_SETTABLE_STATUSES = ("active", "paused")
# Statuses a lead never leaves through the API; asking to move one is a lifecycle error.
LEAD_TERMINAL_STATUSES = ("bounced", "unsubscribed", "removed")
# Statuses in which a lead still has work ahead; a campaign with none left is completed.
LEAD_OPEN_STATUSES = ("pending", "active", "paused")
STEP_TYPES = ("email", "wait")
TRIGGER_TYPES = ("ai_tag", "reply")
SUBSEQUENCE_STATUSES = ("active", "archived")
MAX_ACTIVE_SUBSEQUENCES = 15
ESP_MATCHING_MODES = ("disabled", "auto")  # `custom` is legacy: read back, refused on write
SEG_CHECK_MODES = ("disabled", "skip_all", "skip_providers", "use_specific_mailboxes")
SEG_CHECK_LEGACY = {"use_specific_mailboxes": "disabled"}  # normalised on write, per the page
SEG_PROVIDERS = ("proofpoint", "mimecast", "barracuda", "cisco", "forcepoint", "sophos",
                 "trendmicro", "symantec", "mcafee", "microsoft_atp", "google_postini")
OPTIMIZATION_METRICS = ("replyRate", "openRate", "clickRate")
# The update page lists these two enums but its captured text does not show their JSON keys;
# `mailboxPriority` and `sendOrder` are this emulator's guesses.
MAILBOX_PRIORITIES = ("auto", "high", "normal", "low")
SEND_ORDERS = ("auto", "follow-ups-first", "balanced", "new-leads-first")
CONDITION_OPERATORS = ("has_value", "no_value", "equals", "not_equals", "contains",
                       "not_contains")
LEAD_ACTIONS = ("pause", "resume", "remove")
MAX_LEADS_PER_ADD = 5000
MAX_REPLY_NOTIFICATION_EMAILS = 5
DEFAULT_PAGE_LIMIT = 25
MAX_PAGE_LIMIT = 100
VARIANT_LABEL = re.compile(r"^[A-Z]$")

# Settings the read shape flattens to the top level of a campaign (providers.md "Diff gotcha");
# every other settings key is read back under `settings`.
FLATTENED_SETTINGS = ("trackOpens", "trackClicks", "stopOnReply", "emailIntervalMinutes",
                      "includeUnsubscribeLink")
# Defaults applied on create (the create page's "(default …)" notes).
DEFAULT_SETTINGS: dict[str, Any] = {
    "trackOpens": True,
    "trackClicks": True,
    "includeUnsubscribeLink": False,
    "stopOnReply": True,
    "stopOnAutoReply": False,
    "stopOnCompanyReply": False,
    "skipDNC": True,
    "emailIntervalMinutes": 15,
}
DEFAULT_SCHEDULE: dict[str, Any] = {
    "timezone": "America/New_York",
    "startTime": "09:00",
    "endTime": "17:00",
    "workingDays": [1, 2, 3, 4, 5],
    "skipNationalHolidays": True,
}
SCHEDULE_KEYS = frozenset(DEFAULT_SCHEDULE)
MAILBOX_SELECTORS = ("mailboxes", "mailboxIds", "mailboxEmails", "mailboxTags", "mailboxProvider")
CAMPAIGN_BODY_KEYS = frozenset({"name", "sequence", "subsequences", "schedule", "settings",
                                *MAILBOX_SELECTORS})
# `useConditionalVariables`/`conditionalVariables`: the page describes "whether conditional
# variables are used" and "conditional variable definitions" without showing their keys; these
# names are guesses.
STEP_KEYS = frozenset({"_id", "type", "order", "name", "subject", "body", "waitDays", "waitHours",
                       "variants", "useConditionalVariables", "conditionalVariables"})
EMAIL_ONLY_STEP_KEYS = ("subject", "body", "variants", "useConditionalVariables",
                        "conditionalVariables")
WAIT_ONLY_STEP_KEYS = ("waitDays", "waitHours")
VARIANT_KEYS = frozenset({"_id", "label", "subject", "body", "enabled"})
# `addedCount` and `stats` are server-side counters: accepted (so a GET can be sent back as is)
# and ignored. `id` is accepted as an alias of `_id` ("each subsequence keeps its _id / id").
SUBSEQUENCE_KEYS = frozenset({"_id", "id", "name", "trigger", "sequence", "status", "addedCount",
                              "stats"})
TRIGGER_KEYS = frozenset({"type", "value"})
LEAD_PATCH_KEYS = frozenset({"status", "aiTag"})
ADD_LEADS_KEYS = frozenset({"leads", "filters", "selectAll", "excludeIds"})
ADD_LEAD_FILTER_KEYS = frozenset({"search", "tags", "leadIds", "emailVerified", "country"})
LEAD_ACTION_KEYS = frozenset({"action", "leadIds", "selectAll", "filters", "excludeIds"})
LEAD_ACTION_FILTER_KEYS = frozenset({"status", "aiTag"})
LEAD_ENTRY_FIELDS = ("firstName", "lastName", "companyName", "phone", "title", "customFields")

# Error codes. WORKSPACE_ID_REQUIRED is this emulator's name (the docs show no code for it): a
# platform key (`sk_user_…`) sent without `X-Workspace-Id` to a workspace-scoped endpoint.
UNAUTHORIZED = "UNAUTHORIZED"
WORKSPACE_ID_REQUIRED = "WORKSPACE_ID_REQUIRED"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
VALIDATION_ERROR = "VALIDATION_ERROR"
TRIGGER_IMMUTABLE = "TRIGGER_IMMUTABLE"
AGENT_NOT_FOUND = "AGENT_NOT_FOUND"
INVALID_TAG = "INVALID_TAG"
INVALID_STATUS = "INVALID_STATUS"

API_KEY = re.compile(r"^sk_[A-Za-z0-9_-]+$")
PLATFORM_KEY_PREFIX = "sk_user_"
HEX24 = re.compile(r"^[0-9a-f]{24}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# "Plain text or HTML": a body is HTML when it holds a tag of an element an email editor
# produces. Any `<word>` would misread plain text such as "a <placeholder>" as HTML.
HTML_TAG = re.compile(
    r"<(?:!--|/?(?:p|br|div|span|a|b|strong|i|em|u|s|strike|del|ul|ol|li|h[1-6]|blockquote|"
    r"pre|code|img|hr|table|thead|tbody|tr|td|th|font|center|sup|sub|small|html|body)\b[^>]*>)",
    re.IGNORECASE)
BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")
# Webhooks are delivered only to loopback: the sandbox never reaches the internet.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WEBHOOK_TIMEOUT_S = 2.0

# -- demo workspace content (deterministic; ids are generated) -----------------------------------

SEED_MAILBOXES = (
    ("alex@northwind-outreach.com", "Alex Rivera", "gmail", ("outreach",)),
    ("blair@northwind-outreach.com", "Blair Chen", "gmail", ("outreach", "warm")),
    ("casey@northwind-mail.com", "Casey Morgan", "outlook", ("outreach", "warm")),
    ("drew@northwind.io", "Drew Patel", "custom", ("sales",)),
)
SEED_TAGS = (
    ("Interested", "The lead wants to learn more or talk", "#22c55e"),
    ("Not Interested", "The lead declined", "#ef4444"),
    ("Meeting Booked", "A meeting is on the calendar", "#3b82f6"),
    ("Out of Office", "An automatic out-of-office reply", "#f59e0b"),
    ("Wrong Person", "The lead is not the right contact", "#6b7280"),
)
SEED_FIRST_NAMES = ("Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jade")
SEED_LAST_NAMES = ("Lovelace", "Okafor", "Silva")
SEED_COMPANIES = ("Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay",
                  "Stark Industries", "Wayne Enterprises", "Tyrell", "Cyberdyne")
SEED_COUNTRIES = ("US", "GB", "DE")
SEED_LEAD_COUNT = 30


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _invalid(path: str, message: str) -> ApiError:
    """A VALIDATION_ERROR whose message starts with the offending field's path."""
    return ApiError(400, VALIDATION_ERROR, f"{path}: {message}")


def _not_found(what: str) -> ApiError:
    return ApiError(404, NOT_FOUND, f"{what} not found")


@dataclass
class _Ctx:
    """Who is calling: the workspace the key resolves to, and what to deliver after commit."""

    workspace: str
    user_id: str
    outbox: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)


# -- ids and time --------------------------------------------------------------------------------


class _ObjectIds:
    """MongoDB-style ObjectIds: 4-byte seconds, 5 random bytes per emulator, 3-byte counter.

    Ids grow with (simulated) time and, within a second, with the counter, so `cursor` = "the
    last `_id` of the previous page" can be answered with `_id > cursor`, which stays right when
    the cursor's own item has been deleted meanwhile.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process = secrets.token_hex(5)
        self._counter = secrets.randbelow(1 << 20)

    def new(self, now: float) -> str:
        with self._lock:
            self._counter = (self._counter + 1) % (1 << 24)
            counter = self._counter
        return f"{int(now) & 0xFFFFFFFF:08x}{self._process}{counter:06x}"


def _iso_ms(ms: int) -> str:
    """`2025-06-10T10:30:00.000Z` from integer milliseconds (exact; no float rounding)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def _iso(ts: float) -> str:
    return _iso_ms(int(round(ts * 1000)))


def _sha24(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def workspace_for_key(key: str) -> str:
    """The workspace a workspace key (`sk_…`) is scoped to: stable for the same key."""
    return _sha24(key)


def agent_id_for(workspace: str) -> str:
    """The demo workspace's one AI agent (deterministic so tests and docs can name it)."""
    return _sha24(f"agent:{workspace}")


# -- body conversion -----------------------------------------------------------------------------


def to_tiptap_html(body: str) -> str:
    """Plain text → TipTap-style HTML; HTML (holding an HTML element's tag) is kept as is.

    Blank lines separate paragraphs (`<p>…</p>`), single newlines become `<br>`, and `&`, `<`,
    `>` are escaped. Template variables such as `{{firstName}}` pass through untouched.
    """
    if HTML_TAG.search(body):
        return body
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        return ""
    paragraphs = [p for p in BLANK_LINES.split(text) if p.strip()]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs
    )


# -- small validators ----------------------------------------------------------------------------

Validator = Callable[[Any, str], Any]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _v_bool(v: Any, path: str) -> bool:
    if not isinstance(v, bool):
        raise _invalid(path, "must be true or false")
    return v


def _v_int(minimum: int, *, nullable: bool = False) -> Validator:
    def check(v: Any, path: str) -> Any:
        if v is None and nullable:
            return None
        if not _is_int(v) or v < minimum:
            raise _invalid(path, f"must be an integer >= {minimum}")
        return v

    return check


def _v_str(*, nullable: bool = False) -> Validator:
    def check(v: Any, path: str) -> Any:
        if v is None and nullable:
            return None
        if not isinstance(v, str):
            raise _invalid(path, "must be a string")
        return v

    return check


def _v_enum(values: tuple[str, ...], *, normalise: dict[str, str] | None = None,
            refused: dict[str, str] | None = None) -> Validator:
    def check(v: Any, path: str) -> Any:
        if refused and v in refused:
            raise _invalid(path, refused[v])
        if v not in values:
            raise _invalid(path, "must be one of " + ", ".join(values))
        return (normalise or {}).get(v, v)

    return check


def _v_enum_list(values: tuple[str, ...]) -> Validator:
    def check(v: Any, path: str) -> Any:
        if not isinstance(v, list):
            raise _invalid(path, "must be an array")
        for i, item in enumerate(v):
            if item not in values:
                raise _invalid(f"{path}[{i}]", "must be one of " + ", ".join(values))
        return list(v)

    return check


def _v_emails(max_items: int | None = None) -> Validator:
    def check(v: Any, path: str) -> Any:
        if not isinstance(v, list):
            raise _invalid(path, "must be an array of email addresses")
        if max_items is not None and len(v) > max_items:
            raise _invalid(path, f"at most {max_items} email addresses")
        for i, item in enumerate(v):
            if not isinstance(item, str) or not EMAIL.match(item):
                raise _invalid(f"{path}[{i}]", "must be a valid email address")
        return list(v)

    return check


def _v_str_list(v: Any, path: str) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _invalid(path, "must be an array of strings")
    return list(v)


def _v_url(v: Any, path: str) -> Any:
    if v is None:
        return None
    parts = urlsplit(v) if isinstance(v, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid(path, "must be an http(s) URL")
    return v


def _v_ignored(v: Any, path: str) -> Any:
    return v


# The settings a campaign accepts. A nested dict is an object merged one level deep on PATCH.
# Unknown keys are refused (400) rather than dropped, so a typo surfaces instead of becoming a
# diff that never converges; that is stricter than the docs say, a choice of this emulator.
SETTINGS_SCHEMA: dict[str, Validator | dict[str, Validator]] = {
    "trackOpens": _v_bool,
    "trackClicks": _v_bool,
    "includeUnsubscribeLink": _v_bool,
    "stopOnReply": _v_bool,
    "stopOnAutoReply": _v_bool,
    "stopOnCompanyReply": _v_bool,
    "skipDNC": _v_bool,
    "dailySendLimit": _v_int(1, nullable=True),
    "emailIntervalMinutes": _v_int(0),
    "cc": _v_emails(),
    "bcc": _v_emails(),
    "espMatchingMode": _v_enum(ESP_MATCHING_MODES, refused={
        "custom": "'custom' is a legacy read-only value; write 'disabled' or 'auto'"}),
    "espMatchingRules": _v_ignored,  # legacy: "Read-only; new writes are ignored"
    "segCheckMode": _v_enum(SEG_CHECK_MODES, normalise=SEG_CHECK_LEGACY),
    "segSkipProviders": _v_enum_list(SEG_PROVIDERS),
    "cnameTracking": {"enabled": _v_bool, "domain": _v_str(nullable=True)},
    "slackChannelId": _v_str(nullable=True),
    "positiveRepliesOnlySlack": _v_bool,
    "replyNotificationEmails": _v_emails(MAX_REPLY_NOTIFICATION_EMAILS),
    # Key name guessed: the page says "email notifications only for positive AI-tagged replies".
    "replyNotificationPositiveOnly": _v_bool,
    "aiAgentId": _v_str(nullable=True),  # existence is checked against the workspace later
    "aiAgentEnabled": _v_bool,
    "webhook": {"enabled": _v_bool, "url": _v_url, "secret": _v_str(nullable=True),
                "events": _v_str_list},
    "copyFatigueProtection": {"enabled": _v_bool, "autoRegenerate": _v_bool,
                              "autoResume": _v_bool},
    "variantOptimization": {"enabled": _v_bool, "minimumSendsPerVariant": _v_int(1),
                            "minimumDays": _v_int(0),
                            "optimizationMetric": _v_enum(OPTIMIZATION_METRICS),
                            "keepMinimumVariants": _v_int(1)},
    "mailboxPriority": _v_enum(MAILBOX_PRIORITIES),
    "sendOrder": _v_enum(SEND_ORDERS),
}
IGNORED_SETTINGS = ("espMatchingRules",)


def _validate_settings(raw: Any) -> dict[str, Any]:
    """Check a settings object (create or PATCH fragment) and return it normalised."""
    if not isinstance(raw, dict):
        raise _invalid("settings", "must be an object")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"settings.{key}"
        schema = SETTINGS_SCHEMA.get(key)
        if schema is None:
            raise _invalid(path, "unknown setting")
        if key in IGNORED_SETTINGS:
            continue
        if isinstance(schema, dict):
            if not isinstance(value, dict):
                raise _invalid(path, "must be an object")
            nested: dict[str, Any] = {}
            for sub, sub_value in value.items():
                check = schema.get(sub)
                if check is None:
                    raise _invalid(f"{path}.{sub}", "unknown setting")
                nested[sub] = check(sub_value, f"{path}.{sub}")
            out[key] = nested
        else:
            out[key] = schema(value, path)
    return out


def _merge_settings(existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """PATCH semantics: keys merge; nested objects (webhook, …) merge one level deep."""
    merged = copy.deepcopy(existing)
    for key, value in patch.items():
        if isinstance(SETTINGS_SCHEMA.get(key), dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _validate_schedule(raw: Any, existing: dict[str, Any]) -> dict[str, Any]:
    """Merge a `schedule` object into `existing` and check the result."""
    if not isinstance(raw, dict):
        raise _invalid("schedule", "must be an object")
    for key in raw:
        if key not in SCHEDULE_KEYS:
            raise _invalid(f"schedule.{key}", "unknown field")
    merged = {**existing, **copy.deepcopy(raw)}
    tz = merged["timezone"]
    try:
        if not isinstance(tz, str) or not tz:
            raise ValueError(tz)
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise _invalid("schedule.timezone", "must be an IANA time zone name") from exc
    for key in ("startTime", "endTime"):
        if not isinstance(merged[key], str) or not HHMM.match(merged[key]):
            raise _invalid(f"schedule.{key}", "must be HH:MM (24-hour)")
    if merged["startTime"] >= merged["endTime"]:
        raise _invalid("schedule.endTime", "must be later than startTime")
    days = merged["workingDays"]
    if not isinstance(days, list) or not days:
        raise _invalid("schedule.workingDays", "must be a non-empty array of days 0-6")
    for i, day in enumerate(days):
        if not _is_int(day) or not 0 <= day <= 6:
            raise _invalid(f"schedule.workingDays[{i}]", "must be an integer 0 (Sun) to 6 (Sat)")
    if len(set(days)) != len(days):
        raise _invalid("schedule.workingDays", "days must be unique")
    _v_bool(merged["skipNationalHolidays"], "schedule.skipNationalHolidays")
    return merged


# -- sequences -----------------------------------------------------------------------------------


def _wait_name(days: float, hours: float) -> str:
    def unit(n: float, word: str) -> str:
        n_txt = f"{n:g}"
        return f"{n_txt} {word}" + ("" if n == 1 else "s")

    parts = [unit(days, "day")] if days else []
    if hours:
        parts.append(unit(hours, "hour"))
    return "Wait " + " ".join(parts)


def _given_id(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not HEX24.match(value):
        raise _invalid(path, "must be a 24-hex id")
    return value


def _normalise_sequence(raw: Any, path: str, new_id: Callable[[], str], *,
                        leading_wait_ok: bool) -> list[dict[str, Any]]:
    """Validate a sequence and return it as stored: `_id`, `order`, `name` assigned, bodies
    converted to TipTap HTML, and a variant "A" seeded on email steps that have none."""
    if not isinstance(raw, list):
        raise _invalid(path, "must be an array of steps")
    steps: list[dict[str, Any]] = []
    emails = 0
    for i, step in enumerate(raw):
        p = f"{path}[{i}]"
        if not isinstance(step, dict):
            raise _invalid(p, "must be an object")
        for key in step:
            if key not in STEP_KEYS:
                raise _invalid(f"{p}.{key}", "unknown field")
        kind = step.get("type")
        if kind not in STEP_TYPES:
            raise _invalid(f"{p}.type", "must be 'email' or 'wait'")
        if i == 0 and kind == "wait" and not leading_wait_ok:
            raise _invalid(f"{p}.type", "the first step of the main sequence must be an email")
        if "order" in step and not _is_int(step["order"]):
            raise _invalid(f"{p}.order", "must be an integer")
        name = step.get("name")
        if name is not None and not isinstance(name, str):
            raise _invalid(f"{p}.name", "must be a string")
        out: dict[str, Any] = {
            "_id": _given_id(step.get("_id"), f"{p}._id") or new_id(),
            "type": kind,
            "order": i,  # from the array position; a given `order` does not reorder
        }
        if kind == "email":
            for key in WAIT_ONLY_STEP_KEYS:
                if key in step:
                    raise _invalid(f"{p}.{key}", "only wait steps take this field")
            out.update(_normalise_email_step(step, p, new_id))
            out["name"] = name or ("Initial Email" if emails == 0 else f"Follow-up {emails}")
            emails += 1
        else:
            for key in EMAIL_ONLY_STEP_KEYS:
                if key in step:
                    raise _invalid(f"{p}.{key}", "only email steps take this field")
            days = step.get("waitDays", 0)
            hours = step.get("waitHours", 0)
            for key, value in (("waitDays", days), ("waitHours", hours)):
                if not _is_number(value) or value < 0:
                    raise _invalid(f"{p}.{key}", "must be a number >= 0")
            if days <= 0 and hours <= 0:
                raise _invalid(f"{p}.waitDays", "wait steps need waitDays or waitHours > 0")
            for key in WAIT_ONLY_STEP_KEYS:
                if key in step:
                    out[key] = step[key]
            out["name"] = name or _wait_name(days, hours)
        steps.append(out)
    return steps


def _normalise_email_step(step: dict[str, Any], p: str,
                          new_id: Callable[[], str]) -> dict[str, Any]:
    """An email step's content. With `variants`, the step's own subject/body default to the
    first variant's and each variant's to the step's; without, variant "A" is seeded from the
    step ("so the sender always has something to send")."""
    subject = step.get("subject")
    body = step.get("body", "")
    variants_raw = step.get("variants")
    if subject is not None and not isinstance(subject, str):
        raise _invalid(f"{p}.subject", "must be a string")
    if not isinstance(body, str):
        raise _invalid(f"{p}.body", "must be a string")
    if subject is None and not variants_raw:
        raise _invalid(f"{p}.subject", "email steps need a subject")
    out: dict[str, Any] = {}
    if "useConditionalVariables" in step:
        out["useConditionalVariables"] = _v_bool(step["useConditionalVariables"],
                                                 f"{p}.useConditionalVariables")
    if "conditionalVariables" in step:
        conds = step["conditionalVariables"]
        if not isinstance(conds, list) or not all(isinstance(c, dict) for c in conds):
            raise _invalid(f"{p}.conditionalVariables", "must be an array of objects")
        for j, cond in enumerate(conds):
            if "operator" in cond and cond["operator"] not in CONDITION_OPERATORS:
                raise _invalid(f"{p}.conditionalVariables[{j}].operator",
                               "must be one of " + ", ".join(CONDITION_OPERATORS))
        out["conditionalVariables"] = copy.deepcopy(conds)
    if variants_raw is None:
        variants = [{"_id": new_id(), "label": "A", "subject": subject,
                     "body": to_tiptap_html(body)}]
    else:
        variants = _normalise_variants(variants_raw, f"{p}.variants", subject, body, new_id)
    out["subject"] = subject if subject is not None else variants[0]["subject"]
    has_own_body = "body" in step or variants_raw is None
    out["body"] = to_tiptap_html(body) if has_own_body else variants[0]["body"]
    out["variants"] = variants
    return out


def _normalise_variants(raw: Any, path: str, subject: str | None, body: str,
                        new_id: Callable[[], str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise _invalid(path, "must be a non-empty array")
    seen: set[str] = set()
    out = []
    for j, variant in enumerate(raw):
        vp = f"{path}[{j}]"
        if not isinstance(variant, dict):
            raise _invalid(vp, "must be an object")
        for key in variant:
            if key not in VARIANT_KEYS:
                raise _invalid(f"{vp}.{key}", "unknown field")
        label = variant.get("label")
        if not isinstance(label, str) or not VARIANT_LABEL.match(label):
            raise _invalid(f"{vp}.label", "must be a single uppercase letter A-Z")
        if label in seen:
            raise _invalid(f"{vp}.label", f"duplicate variant label '{label}' in this step")
        seen.add(label)
        v_subject = variant.get("subject", subject)
        v_body = variant.get("body", body)
        if not isinstance(v_subject, str):
            raise _invalid(f"{vp}.subject", "variants need a subject (or one on the step)")
        if not isinstance(v_body, str):
            raise _invalid(f"{vp}.body", "must be a string")
        item: dict[str, Any] = {"_id": _given_id(variant.get("_id"), f"{vp}._id") or new_id(),
                                "label": label, "subject": v_subject,
                                "body": to_tiptap_html(v_body)}
        if "enabled" in variant:
            item["enabled"] = _v_bool(variant["enabled"], f"{vp}.enabled")
        out.append(item)
    return out


def _normalise_trigger(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _invalid(path, "must be an object {type, value}")
    for key in raw:
        if key not in TRIGGER_KEYS:
            raise _invalid(f"{path}.{key}", "unknown field")
    kind = raw.get("type")
    if kind not in TRIGGER_TYPES:
        raise _invalid(f"{path}.type", "must be 'ai_tag' or 'reply'")
    if kind == "reply":
        # "With type='reply' … value is ignored": it is dropped, so it never counts as a change.
        return {"type": "reply"}
    value = raw.get("value")
    if not isinstance(value, str) or not value.strip():
        raise _invalid(f"{path}.value", "is required when type is ai_tag")
    return {"type": "ai_tag", "value": value}


def _normalise_subsequences(raw: Any, existing: list[dict[str, Any]],
                            new_id: Callable[[], str]) -> list[dict[str, Any]]:
    """Validate a full `subsequences` array (it replaces the stored one) against the rules of
    the create/update pages, carrying server-side counters over by `_id`."""
    if not isinstance(raw, list):
        raise _invalid("subsequences", "must be an array")
    by_id = {s["_id"]: s for s in existing}
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for i, sub in enumerate(raw):
        p = f"subsequences[{i}]"
        if not isinstance(sub, dict):
            raise _invalid(p, "must be an object")
        for key in sub:
            if key not in SUBSEQUENCE_KEYS:
                raise _invalid(f"{p}.{key}", "unknown field")
        if "_id" in sub and "id" in sub and sub["_id"] != sub["id"]:
            raise _invalid(f"{p}.id", "differs from _id")
        sid = _given_id(sub.get("_id", sub.get("id")), f"{p}._id")
        if sid is not None and sid not in by_id:
            raise _invalid(f"{p}._id", f"{sid} is not a subsequence of this campaign")
        if sid is not None and sid in seen:
            raise _invalid(f"{p}._id", f"{sid} appears twice")
        name = sub.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _invalid(f"{p}.name", "is required")
        trigger = _normalise_trigger(sub.get("trigger"), f"{p}.trigger")
        status = sub.get("status", "active")
        if status not in SUBSEQUENCE_STATUSES:
            raise _invalid(f"{p}.status", "must be 'active' or 'archived'")
        if "sequence" not in sub:
            raise _invalid(f"{p}.sequence", "is required")
        sequence = _normalise_sequence(sub["sequence"], f"{p}.sequence", new_id,
                                       leading_wait_ok=True)
        if not sequence:
            raise _invalid(f"{p}.sequence", "needs at least one step")
        previous = by_id.get(sid) if sid else None
        added = previous["addedCount"] if previous else 0
        stats = copy.deepcopy(previous["stats"]) if previous else {"sent": 0}
        # "trigger is immutable once a subsequence has sent any emails (addedCount > 0 or
        # stats.sent > 0)". Any change counts, including the ai_tag value's case.
        if previous and previous["trigger"] != trigger and (added > 0 or stats["sent"] > 0):
            raise ApiError(400, TRIGGER_IMMUTABLE,
                           f"{p}.trigger: subsequence '{previous['name']}' has enrolled leads or "
                           "sent email, so its trigger cannot change; archive it and create a "
                           "new subsequence instead")
        sid = sid or new_id()
        seen.add(sid)
        out.append({"_id": sid, "name": name, "trigger": trigger, "sequence": sequence,
                    "status": status, "addedCount": added, "stats": stats})
    active = [s for s in out if s["status"] == "active"]
    if len(active) > MAX_ACTIVE_SUBSEQUENCES:
        raise _invalid("subsequences",
                       f"at most {MAX_ACTIVE_SUBSEQUENCES} active (non-archived) subsequences")
    if sum(1 for s in active if s["trigger"]["type"] == "reply") > 1:
        raise _invalid("subsequences", "at most one active subsequence may use a reply trigger")
    tag_values: dict[str, str] = {}
    for s in active:
        if s["trigger"]["type"] != "ai_tag":
            continue
        folded = s["trigger"]["value"].casefold()
        if folded in tag_values:
            raise _invalid("subsequences",
                           f"active ai_tag triggers must be unique (case-insensitive): "
                           f"'{tag_values[folded]}' and '{s['trigger']['value']}'")
        tag_values[folded] = s["trigger"]["value"]
    return out


# -- the emulator --------------------------------------------------------------------------------


_Handler = Callable[[_Ctx, Request], Response]

ROUTES = (
    ("GET", "/campaigns", "_list_campaigns"),
    ("POST", "/campaigns", "_create_campaign"),
    ("GET", "/campaigns/{campaign_id}", "_get_campaign"),
    ("PATCH", "/campaigns/{campaign_id}", "_update_campaign"),
    ("POST", "/campaigns/{campaign_id}/start", "_start_campaign"),
    ("POST", "/campaigns/{campaign_id}/pause", "_pause_campaign"),
    ("POST", "/campaigns/{campaign_id}/resume", "_resume_campaign"),
    ("GET", "/campaigns/{campaign_id}/leads", "_list_campaign_leads"),
    ("POST", "/campaigns/{campaign_id}/leads", "_add_campaign_leads"),
    ("POST", "/campaigns/{campaign_id}/leads/action", "_lead_action"),
    ("PATCH", "/campaigns/{campaign_id}/leads/{lead_id}", "_update_campaign_lead"),
    ("GET", "/tags", "_list_tags"),
    ("GET", "/mailboxes", "_list_mailboxes"),
)


class Emulator:
    """SendKit as documented, over the shared Store."""

    prefix = "/sendkit/v1"

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ids = _ObjectIds()
        self.router = Router()
        for method, pattern, name in ROUTES:
            # The router's Handler type takes a Request only; these take (ctx, request).
            self.router.add(method, pattern, cast(Handler, getattr(self, name)))

    # -- entry points ----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            ctx = self._authenticate(request)
            handler, params, path_exists = self.router.match(request.method, request.path)
            if handler is None:
                if path_exists:
                    raise ApiError(405, METHOD_NOT_ALLOWED,
                                   f"{request.method} is not allowed on {request.path}")
                raise ApiError(404, NOT_FOUND, f"No route {request.method} {request.path}")
            request.params = params
            # One transaction per request: a failure anywhere rolls back everything it wrote
            # (the workspace seed included), so nothing is ever half-written.
            with self.store.transaction():
                self._ensure_seeded(ctx.workspace)
                response = cast(_Handler, handler)(ctx, request)
        except ApiError as err:
            return _error(err.status, err.code, err.message)
        self._deliver(ctx.outbox)
        return response

    def tick(self, seconds: float, *, advance: bool = True) -> dict[str, Any]:
        """Advance simulated time and move every active campaign's active leads along.

        With `advance=False` the clock is left alone: the Sandbox moves the shared clock once
        and then lets each emulator catch up to it.

        Emails "send" the moment a lead reaches them; wait steps hold the lead for
        waitDays*86400 + waitHours*3600 seconds. The sending schedule, daily limits and
        mailbox rotation are not simulated (simple, but enough for history-dependent rules).
        """
        if not _is_number(seconds) or seconds < 0:
            raise ValueError("seconds must be a number >= 0")
        summary: dict[str, Any] = {"seconds": seconds, "emailsSent": 0, "subsequenceEmailsSent": 0,
                   "leadsCompleted": 0, "campaignsCompleted": 0}
        outbox: list[tuple[str, str | None, dict[str, Any]]] = []
        with self.store.transaction():
            if advance:
                self.store.advance(seconds)
            now = self.store.now()
            summary["now"] = _iso(now)
            for ws in self._own_workspaces():
                self._tick_workspace(ws, now, summary, outbox)
        self._deliver(outbox)
        return summary

    def events(self, workspace: str | None = None) -> list[dict[str, Any]]:
        """The event log, oldest first: every workspace's, or one workspace's."""
        with self.store.transaction():
            spaces = [workspace] if workspace else self._own_workspaces()
            found = [e for ws in spaces for e in self.store.list(ws, "event")]
        return sorted(found, key=lambda e: e["_id"])

    # -- auth --------------------------------------------------------------------------------------

    def _authenticate(self, request: Request) -> _Ctx:
        keys = set()
        header_key = request.headers.get("X-Api-Key")
        if header_key is not None:
            keys.add(header_key.strip())
        authorization = request.headers.get("Authorization")
        if authorization is not None:
            found = re.match(r"^\s*Bearer\s+(\S+)\s*$", authorization, re.IGNORECASE)
            keys.add(found.group(1) if found else "")
        if not keys:
            raise ApiError(401, UNAUTHORIZED,
                           "Missing API key: send X-Api-Key or Authorization: Bearer")
        if len(keys) > 1:
            raise ApiError(401, UNAUTHORIZED, "X-Api-Key and Authorization carry different keys")
        key = keys.pop()
        if not API_KEY.match(key) or key == PLATFORM_KEY_PREFIX:
            raise ApiError(401, UNAUTHORIZED, "Invalid API key")
        user_id = _sha24(f"user:{key}")
        if not key.startswith(PLATFORM_KEY_PREFIX):
            # A workspace key is scoped to its workspace; an X-Workspace-Id beside it is ignored.
            return _Ctx(workspace_for_key(key), user_id)
        workspace = (request.headers.get("X-Workspace-Id") or "").strip()
        if not workspace:
            raise ApiError(400, WORKSPACE_ID_REQUIRED,
                           "A platform key (sk_user_…) needs the X-Workspace-Id header on "
                           "workspace endpoints")
        if not HEX24.match(workspace):
            raise _invalid("X-Workspace-Id", "must be a 24-hex workspace id")
        return _Ctx(workspace, user_id)

    # -- workspace seed ----------------------------------------------------------------------------

    def _new_id(self) -> str:
        return self._ids.new(self.store.now())

    def _ensure_seeded(self, ws: str) -> None:
        if self.store.get(ws, "workspace", ws) is not None:
            return
        created = _iso(self.store.now())
        labels = [{"name": n, "description": d, "color": c} for n, d, c in SEED_TAGS]
        self.store.put(ws, "workspace", ws, {"_id": ws, "provider": "sendkit", "labels": labels,
                                             "aiAgentId": agent_id_for(ws),
                                             "createdAt": created})
        for email, display, provider, tags in SEED_MAILBOXES:
            mid = self._new_id()
            self.store.put(ws, "mailbox", mid, {
                "_id": mid, "email": email, "displayName": display, "provider": provider,
                "status": "active", "connectionType": "smtp" if provider == "custom" else "oauth",
                "dailySendLimit": 30, "sentToday": 0, "sendingEnabled": True, "signature": "",
                "warmup": {"enabled": True, "status": "active", "currentDay": 21,
                           "currentVolume": 20, "metrics": {"inboxRate": 0.97}},
                "tags": list(tags), "bounceRate": 0.0, "totalSent": 0,
                "setupStatus": {"healthScore": 92}, "lastError": None, "createdAt": created,
            })
        for i in range(SEED_LEAD_COUNT):
            first = SEED_FIRST_NAMES[i % len(SEED_FIRST_NAMES)]
            last = SEED_LAST_NAMES[i // len(SEED_FIRST_NAMES) % len(SEED_LAST_NAMES)]
            company = SEED_COMPANIES[(i * 7) % len(SEED_COMPANIES)]
            domain = re.sub(r"[^a-z0-9]+", "", company.lower()) + ".example.com"
            lead_tags = ["prospect", "vip"] if i % 5 == 0 else ["prospect"]
            self._create_lead(ws, {
                "email": f"{first}.{last}@{domain}".lower(), "firstName": first,
                "lastName": last, "companyName": company, "tags": lead_tags,
                "country": SEED_COUNTRIES[i % len(SEED_COUNTRIES)],
                "emailVerified": i % 4 != 3,
            })

    def _own_workspaces(self) -> list[str]:
        """SendKit's workspaces: the store is shared with the other emulators, whose documents
        may use the same kinds ("campaign", …) under their own workspace ids."""
        return [ws for ws in self.store.workspaces()
                if (self.store.get(ws, "workspace", ws) or {}).get("provider") == "sendkit"]

    def _create_lead(self, ws: str, fields: dict[str, Any]) -> dict[str, Any]:
        lid = self._new_id()
        doc = {"_id": lid, "email": fields["email"].lower(), "firstName": "", "lastName": "",
               "companyName": "", "tags": [], "country": None, "emailVerified": False,
               "createdAt": _iso(self.store.now())}
        doc.update({k: v for k, v in fields.items() if k != "email"})
        return self.store.put(ws, "lead", lid, doc)

    def _workspace(self, ws: str) -> dict[str, Any]:
        doc = self.store.get(ws, "workspace", ws)
        assert doc is not None  # seeded at the start of every request
        return doc

    # -- shared helpers ----------------------------------------------------------------------------

    def _write_stamp(self) -> str:
        """`updatedAt` for a write: strictly later than the previous write, even within one
        millisecond, so a client can use it to detect that a campaign changed."""
        key = "sendkit:last_write_ms"
        last = int(self.store.meta_get(key, "0") or 0)
        ms = max(int(self.store.now() * 1000), last + 1)
        self.store.meta_set(key, str(ms))
        return _iso_ms(ms)

    def _campaign(self, ws: str, campaign_id: str) -> dict[str, Any]:
        doc = self.store.get(ws, "campaign", campaign_id)
        if doc is None:
            raise _not_found("Campaign")
        return doc

    def _campaign_leads(self, ws: str, campaign_id: str) -> list[dict[str, Any]]:
        return [cl for cl in self.store.list(ws, "campaign_lead")
                if cl["campaignId"] == campaign_id]

    def _lead_counts(self, ws: str) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for cl in self.store.list(ws, "campaign_lead"):
            c = counts.setdefault(cl["campaignId"], {"total": 0, "active": 0})
            c["total"] += 1
            c["active"] += cl["status"] == "active"
        return counts

    def _read_campaign(self, doc: dict[str, Any], counts: dict[str, int] | None,
                       ) -> dict[str, Any]:
        """The documented GET shape.

        Write-only values are not read back: `settings.webhook.secret` is omitted (a secret is
        never echoed), and mailbox selectors are resolved to ids at write time, of which a read
        returns only `mailboxCount` (the newer revision of the GET page); create's response
        adds the resolved `mailboxes` ids, as the create page shows.
        """
        settings = copy.deepcopy(doc["settings"])
        flat = {k: settings.pop(k) for k in FLATTENED_SETTINGS if k in settings}
        if isinstance(settings.get("webhook"), dict):
            settings["webhook"].pop("secret", None)
        return {
            "_id": doc["_id"], "name": doc["name"], "userId": doc["userId"],
            "workspaceId": doc["workspaceId"], "status": doc["status"],
            "sequence": copy.deepcopy(doc["sequence"]),
            "subsequences": copy.deepcopy(doc["subsequences"]),
            "sendingSchedule": copy.deepcopy(doc["sendingSchedule"]),
            **flat,
            "mailboxCount": len(doc["mailboxIds"]),
            "settings": settings,
            "stats": copy.deepcopy(doc["stats"]),
            "leadCounts": dict(counts or {"total": 0, "active": 0}),
            "startedAt": doc["startedAt"], "completedAt": doc["completedAt"],
            "createdAt": doc["createdAt"], "updatedAt": doc["updatedAt"],
        }

    def _read_campaign_lead(self, ws: str, cl: dict[str, Any],
                            campaign: dict[str, Any] | None = None) -> dict[str, Any]:
        lead = self.store.get(ws, "lead", cl["leadId"]) or {"_id": cl["leadId"], "email": None}
        sub = copy.deepcopy(cl["subsequence"])
        if sub is not None and campaign is not None:
            # The name follows renames of the subsequence while it still exists.
            current = _find_subsequence(campaign, sub["id"])
            if current is not None:
                sub["name"] = current["name"]
        return {
            "_id": cl["_id"], "campaignId": cl["campaignId"],
            "leadId": {k: lead.get(k) for k in ("_id", "email", "firstName", "lastName",
                                                "companyName")},
            "status": cl["status"], "aiTag": cl["aiTag"],
            "currentSequenceStep": cl["currentSequenceStep"], "subsequence": sub,
            "replied": cl["replied"], "emailsSent": cl["emailsSent"], "addedAt": cl["addedAt"],
        }

    def _resolve_mailboxes(self, ws: str, body: dict[str, Any]) -> list[str] | None:
        """Mailbox ids selected by any combination of the selectors (their union), or None when
        the body names no selector (the campaign's mailboxes then stay as they are)."""
        if not any(key in body for key in MAILBOX_SELECTORS):
            return None
        mailboxes = self.store.list(ws, "mailbox")
        by_id = {m["_id"]: m for m in mailboxes}
        by_email = {m["email"].lower(): m for m in mailboxes}
        chosen: list[str] = []

        def pick(mid: str) -> None:
            if mid not in chosen:
                chosen.append(mid)

        for key in ("mailboxes", "mailboxIds"):
            if key in body:
                for i, mid in enumerate(_v_str_list(body[key], key)):
                    if mid not in by_id:
                        raise _invalid(f"{key}[{i}]", f"no mailbox {mid} in this workspace")
                    pick(mid)
        if "mailboxEmails" in body:
            for i, email in enumerate(_v_str_list(body["mailboxEmails"], "mailboxEmails")):
                found = by_email.get(email.lower())
                if found is None:
                    raise _invalid(f"mailboxEmails[{i}]", f"no mailbox {email} in this workspace")
                pick(found["_id"])
        if "mailboxTags" in body:
            tags = set(_v_str_list(body["mailboxTags"], "mailboxTags"))
            for m in mailboxes:
                if tags & set(m["tags"]):
                    pick(m["_id"])
        if "mailboxProvider" in body:
            provider = body["mailboxProvider"]
            if not isinstance(provider, str) or not provider:
                raise _invalid("mailboxProvider", "must be a provider name such as 'gmail'")
            for m in mailboxes:
                if m["provider"] == provider.lower():
                    pick(m["_id"])
        return chosen

    def _check_agent(self, ws: str, settings_patch: dict[str, Any]) -> None:
        agent = settings_patch.get("aiAgentId")
        if agent is not None and agent != self._workspace(ws)["aiAgentId"]:
            raise ApiError(400, AGENT_NOT_FOUND,
                           f"settings.aiAgentId: AI agent {agent} not found in this workspace")

    # -- campaigns ---------------------------------------------------------------------------------

    def _list_campaigns(self, ctx: _Ctx, req: Request) -> Response:
        status = req.arg("status")
        if status is not None and status not in CAMPAIGN_STATUSES:
            raise _invalid("status", "must be one of " + ", ".join(CAMPAIGN_STATUSES))
        search = (req.arg("search") or "").casefold()
        docs = [d for d in self.store.list(ctx.workspace, "campaign")
                if (status is None or d["status"] == status)
                and (not search or search in d["name"].casefold())]
        page, pagination = _paginate(docs, req)
        counts = self._lead_counts(ctx.workspace)
        return _ok([self._read_campaign(d, counts.get(d["_id"])) for d in page],
                   pagination=pagination)

    def _get_campaign(self, ctx: _Ctx, req: Request) -> Response:
        doc = self._campaign(ctx.workspace, req.params["campaign_id"])
        return _ok(self._read_campaign(doc, self._lead_counts(ctx.workspace).get(doc["_id"])))

    def _create_campaign(self, ctx: _Ctx, req: Request) -> Response:
        body = _json_object(req)
        _check_keys(body, CAMPAIGN_BODY_KEYS)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _invalid("name", "is required and must be a non-empty string")
        sequence = _normalise_sequence(body.get("sequence", []), "sequence", self._new_id,
                                       leading_wait_ok=False)
        subsequences = _normalise_subsequences(body.get("subsequences", []), [], self._new_id)
        schedule = _validate_schedule(body.get("schedule", {}), copy.deepcopy(DEFAULT_SCHEDULE))
        settings_patch = _validate_settings(body.get("settings", {}))
        self._check_agent(ctx.workspace, settings_patch)
        mailbox_ids = self._resolve_mailboxes(ctx.workspace, body) or []
        stamp = self._write_stamp()
        cid = self._new_id()
        doc = {
            "_id": cid, "name": name, "userId": ctx.user_id, "workspaceId": ctx.workspace,
            "status": "draft",  # "Always created as draft"
            "sequence": sequence, "subsequences": subsequences, "sendingSchedule": schedule,
            "settings": _merge_settings(DEFAULT_SETTINGS, settings_patch),
            "mailboxIds": mailbox_ids,
            "stats": {"sent": 0, "delivered": 0, "opened": 0, "clicked": 0, "replied": 0,
                      "bounced": 0, "unsubscribed": 0},
            "startedAt": None, "completedAt": None, "createdAt": stamp, "updatedAt": stamp,
        }
        self.store.put(ctx.workspace, "campaign", cid, doc)
        data = self._read_campaign(doc, None)
        data["mailboxes"] = list(mailbox_ids)
        # 201: the docs do not show the status code; a create answering 201 is the usual REST.
        return _ok(data, status=201)

    def _update_campaign(self, ctx: _Ctx, req: Request) -> Response:
        doc = self._campaign(ctx.workspace, req.params["campaign_id"])
        body = _json_object(req)
        _check_keys(body, CAMPAIGN_BODY_KEYS)
        # Everything is validated into `changes` first and written only at the end.
        changes: dict[str, Any] = {}
        if "name" in body:
            if not isinstance(body["name"], str) or not body["name"].strip():
                raise _invalid("name", "must be a non-empty string")
            changes["name"] = body["name"]
        if "sequence" in body:
            changes["sequence"] = _normalise_sequence(body["sequence"], "sequence", self._new_id,
                                                      leading_wait_ok=False)
        if "subsequences" in body:
            changes["subsequences"] = _normalise_subsequences(
                body["subsequences"], doc["subsequences"], self._new_id)
        if "schedule" in body:
            changes["sendingSchedule"] = _validate_schedule(body["schedule"],
                                                            doc["sendingSchedule"])
        if "settings" in body:
            patch = _validate_settings(body["settings"])
            self._check_agent(ctx.workspace, patch)
            changes["settings"] = _merge_settings(doc["settings"], patch)
        mailbox_ids = self._resolve_mailboxes(ctx.workspace, body)
        if mailbox_ids is not None:
            changes["mailboxIds"] = mailbox_ids
        doc.update(changes)
        doc["updatedAt"] = self._write_stamp()
        self.store.put(ctx.workspace, "campaign", doc["_id"], doc)
        # The page's example response is partial (_id, name, status, sendingSchedule, times);
        # the full read shape is a superset of it.
        return _ok(self._read_campaign(doc, self._lead_counts(ctx.workspace).get(doc["_id"])))

    def _start_campaign(self, ctx: _Ctx, req: Request) -> Response:
        doc = self._campaign(ctx.workspace, req.params["campaign_id"])
        if doc["status"] != "draft":
            raise ApiError(400, INVALID_STATUS,
                           f"Only draft campaigns can be started (status is {doc['status']})")
        # A third-party client says start also needs ≥1 lead. Not required here, so that a
        # campaign freshly created from a file can be started before leads are attached; the
        # mailbox and step requirements are kept.
        if not doc["mailboxIds"]:
            raise _invalid("mailboxes", "a campaign needs at least one mailbox to start")
        if not doc["sequence"]:
            raise _invalid("sequence", "a campaign needs at least one step to start")
        now = self.store.now()
        stamp = self._write_stamp()
        doc.update(status="active", startedAt=stamp, updatedAt=stamp)
        self.store.put(ctx.workspace, "campaign", doc["_id"], doc)
        for cl in self._campaign_leads(ctx.workspace, doc["_id"]):
            if cl["status"] == "pending":  # "pending leads become active"
                cl.update(status="active", nextAt=now)
                self.store.put(ctx.workspace, "campaign_lead", cl["_id"], cl)
        # Docs silent on start/pause responses; they answer like resume: {id, status}.
        return _ok({"id": doc["_id"], "status": "active"})

    def _pause_campaign(self, ctx: _Ctx, req: Request) -> Response:
        return self._move(ctx, req, "active", "paused")

    def _resume_campaign(self, ctx: _Ctx, req: Request) -> Response:
        return self._move(ctx, req, "paused", "active")

    def _move(self, ctx: _Ctx, req: Request, source: str, target: str) -> Response:
        doc = self._campaign(ctx.workspace, req.params["campaign_id"])
        if doc["status"] != source:
            verb = "paused" if target == "paused" else "resumed"
            raise ApiError(400, INVALID_STATUS, f"Only {source} campaigns can be {verb} "
                                                f"(status is {doc['status']})")
        doc.update(status=target, updatedAt=self._write_stamp())
        self.store.put(ctx.workspace, "campaign", doc["_id"], doc)
        return _ok({"id": doc["_id"], "status": target})

    # -- campaign leads ----------------------------------------------------------------------------

    def _list_campaign_leads(self, ctx: _Ctx, req: Request) -> Response:
        campaign = self._campaign(ctx.workspace, req.params["campaign_id"])
        status = req.arg("status")
        if status is not None and status not in LEAD_STATUSES:
            raise _invalid("status", "must be one of " + ", ".join(LEAD_STATUSES))
        rows = [cl for cl in self._campaign_leads(ctx.workspace, campaign["_id"])
                if status is None or cl["status"] == status]
        page, pagination = _paginate(rows, req)
        return _ok([self._read_campaign_lead(ctx.workspace, cl, campaign) for cl in page],
                   pagination=pagination)

    def _add_campaign_leads(self, ctx: _Ctx, req: Request) -> Response:
        campaign = self._campaign(ctx.workspace, req.params["campaign_id"])
        body = _json_object(req)
        _check_keys(body, ADD_LEADS_KEYS)
        modes = [m for m in ("leads", "filters", "selectAll") if m in body]
        if len(modes) != 1:
            raise _invalid("body", "use exactly one of leads, filters or selectAll")
        ws = ctx.workspace
        existing = {cl["leadId"] for cl in self._campaign_leads(ws, campaign["_id"])}
        errors: list[dict[str, Any]] = []
        skipped = 0
        targets: list[str] = []
        if modes[0] == "leads":
            entries = body["leads"]
            if not isinstance(entries, list):
                raise _invalid("leads", "must be an array")
            if len(entries) > MAX_LEADS_PER_ADD:
                raise _invalid("leads", f"at most {MAX_LEADS_PER_ADD} leads per request")
            by_email = {lead["email"]: lead for lead in self.store.list(ws, "lead")}
            for entry in entries:
                lead_id, message = self._lead_for_entry(ws, entry, by_email)
                if lead_id is None:
                    errors.append({"entry": entry, "message": message})
                else:
                    targets.append(lead_id)
        else:
            exclude = set(_v_str_list(body.get("excludeIds", []), "excludeIds"))
            if modes[0] == "selectAll" and body["selectAll"] is not True:
                raise _invalid("selectAll", "must be true")
            filters = body.get("filters", {})
            leads = self.store.list(ws, "lead")
            targets = [lead["_id"] for lead in _filter_leads(leads, filters)
                       if lead["_id"] not in exclude]
        added = 0
        now = self.store.now()
        stamp = _iso(now)
        for lead_id in targets:
            if lead_id in existing:  # "Leads already in the campaign are skipped"
                skipped += 1
                continue
            existing.add(lead_id)
            active = campaign["status"] == "active"
            clid = self._new_id()
            self.store.put(ws, "campaign_lead", clid, {
                "_id": clid, "campaignId": campaign["_id"], "leadId": lead_id,
                "status": "active" if active else "pending", "aiTag": None,
                "currentSequenceStep": 0, "subsequence": None, "replied": False,
                "emailsSent": 0, "addedAt": stamp, "nextAt": now if active else None,
            })
            added += 1
        return _ok({"added": added, "skipped": skipped, "errors": errors})

    def _lead_for_entry(self, ws: str, entry: Any, by_email: dict[str, dict[str, Any]],
                        ) -> tuple[str | None, str]:
        """The workspace lead an entry of `leads[]` names; an unknown email creates one."""
        if not isinstance(entry, dict):
            return None, "each entry must be an object with leadId or email"
        if "leadId" in entry:
            lead_id = entry["leadId"]
            if not isinstance(lead_id, str) or self.store.get(ws, "lead", lead_id) is None:
                return None, f"lead {lead_id} not found"
            return lead_id, ""
        email = entry.get("email")
        if not isinstance(email, str) or not EMAIL.match(email.strip()):
            return None, "each entry needs a leadId or a valid email"
        email = email.strip().lower()
        if email not in by_email:
            fields = {k: entry[k] for k in LEAD_ENTRY_FIELDS if k in entry}
            by_email[email] = self._create_lead(ws, {"email": email, **fields})
        return by_email[email]["_id"], ""

    def _lead_action(self, ctx: _Ctx, req: Request) -> Response:
        campaign = self._campaign(ctx.workspace, req.params["campaign_id"])
        body = _json_object(req)
        _check_keys(body, LEAD_ACTION_KEYS)
        action = body.get("action")
        if action not in LEAD_ACTIONS:
            raise _invalid("action", "must be one of " + ", ".join(LEAD_ACTIONS))
        if ("leadIds" in body) == (body.get("selectAll") is True):
            raise _invalid("body", "select leads with leadIds or with selectAll: true")
        rows = self._campaign_leads(ctx.workspace, campaign["_id"])
        if "leadIds" in body:
            wanted = set(_v_str_list(body["leadIds"], "leadIds"))
            rows = [cl for cl in rows if cl["_id"] in wanted]
        else:
            filters = body.get("filters", {})
            if not isinstance(filters, dict):
                raise _invalid("filters", "must be an object")
            _check_keys(filters, LEAD_ACTION_FILTER_KEYS, "filters.")
            exclude = set(_v_str_list(body.get("excludeIds", []), "excludeIds"))
            rows = [cl for cl in rows if cl["_id"] not in exclude
                    and all(cl.get(k) == v for k, v in filters.items())]
        modified = 0
        for cl in rows:
            if action == "pause" and cl["status"] in ("pending", "active"):
                cl["status"] = "paused"
            elif action == "resume" and cl["status"] == "paused":
                cl["status"] = "active" if campaign["status"] == "active" else "pending"
            elif action == "remove" and cl["emailsSent"] == 0:
                # "remove hard-deletes leads with no email sent; the others become removed"
                self.store.delete(ctx.workspace, "campaign_lead", cl["_id"])
                modified += 1
                continue
            elif action == "remove" and cl["status"] != "removed":
                cl.update(status="removed", nextAt=None)
            else:
                continue
            self.store.put(ctx.workspace, "campaign_lead", cl["_id"], cl)
            modified += 1
        return _ok({"action": action, "modifiedCount": modified})

    def _update_campaign_lead(self, ctx: _Ctx, req: Request) -> Response:
        ws = ctx.workspace
        campaign = self._campaign(ws, req.params["campaign_id"])
        cl = self.store.get(ws, "campaign_lead", req.params["lead_id"])
        if cl is None or cl["campaignId"] != campaign["_id"]:
            raise _not_found("Campaign lead")
        body = _json_object(req)
        _check_keys(body, LEAD_PATCH_KEYS)
        if not body:
            raise _invalid("body", "send status and/or aiTag")
        status = body.get("status")
        if "status" in body:
            if status not in LEAD_SETTABLE_STATUSES:
                raise _invalid("status", "can only be set to 'active' or 'paused'")
            if cl["status"] in LEAD_TERMINAL_STATUSES and status != cl["status"]:
                raise ApiError(400, INVALID_STATUS,
                               f"A {cl['status']} campaign lead cannot be set to {status}")
        tag: str | None = None
        if "aiTag" in body and body["aiTag"] is not None:
            wanted = body["aiTag"]
            labels = self._workspace(ws)["labels"]
            # "must match an existing tag name": matched ignoring case (tag names are unique
            # ignoring case, per the tags pages) and stored as the label's own spelling.
            found = next((lb["name"] for lb in labels
                          if isinstance(wanted, str) and lb["name"].casefold() ==
                          wanted.strip().casefold()), None)
            if found is None:
                raise ApiError(400, INVALID_TAG, f'Tag "{wanted}" does not exist in workspace')
            tag = found
        # -- validated; now write
        now = self.store.now()
        if "status" in body and status != cl["status"]:
            cl["status"] = status
            if status == "active" and cl.get("nextAt") is None:
                cl["nextAt"] = now
        enrollment = None
        if "aiTag" in body:
            previous = cl["aiTag"]
            cl["aiTag"] = tag
            if tag != previous:
                cl["aiTaggedAt"] = _iso(now)
                self._emit(ws, campaign, "lead.tag_changed", now, ctx.outbox, {
                    "campaignId": campaign["_id"], "campaignLeadId": cl["_id"],
                    "leadId": cl["leadId"], "email": self._lead_email(ws, cl["leadId"]),
                    "previousTag": previous, "newTag": tag,
                })
            enrollment = self._apply_tag_to_subsequences(ws, campaign, cl, tag, now)
        self.store.put(ws, "campaign_lead", cl["_id"], cl)
        # `subsequenceEnrollment` sits beside `data`, and only when something happened.
        extra = {"subsequenceEnrollment": enrollment} if enrollment else None
        return _ok(self._read_campaign_lead(ws, cl, campaign), extra=extra)

    def _lead_email(self, ws: str, lead_id: str) -> str | None:
        lead = self.store.get(ws, "lead", lead_id)
        return lead["email"] if lead else None

    def _apply_tag_to_subsequences(self, ws: str, campaign: dict[str, Any],
                                   cl: dict[str, Any], tag: str | None, now: float,
                                   ) -> dict[str, str] | None:
        """The lead PATCH page's enrollment table. Returns `{action, subsequenceName}` when
        something happened, else None.

        It runs whenever `aiTag` is sent (also when the value is unchanged, so re-sending a tag
        enrolls a lead that was tagged before the subsequence existed); `null` matches no
        subsequence. A lead "has a subsequence" while its subsequence is `active`; a finished
        one (completed/exited) is history. Re-tagging a lead into the very subsequence it
        already finished is a no-op rather than a second run of the same emails.
        `skippedInProgress` names the subsequence the lead stays in.
        """
        match = None
        if tag is not None:
            match = next((s for s in campaign["subsequences"]
                          if s["status"] == "active" and s["trigger"]["type"] == "ai_tag"
                          and s["trigger"]["value"].casefold() == tag.casefold()), None)
        history = cl["subsequence"]
        current = history if history and history["status"] == "active" else None
        if match is not None:
            if current is None:
                if history and history["id"] == match["_id"]:
                    return None
                self._enroll(ws, campaign, cl, match, now)
                return {"action": "enrolled", "subsequenceName": match["name"]}
            if current["id"] == match["_id"]:
                return None
            if current["emailsSent"] == 0:
                self._enroll(ws, campaign, cl, match, now)  # "state reset"
                return {"action": "switched", "subsequenceName": match["name"]}
            return {"action": "skippedInProgress",
                    "subsequenceName": self._subsequence_name(campaign, current)}
        if current is None:
            return None
        name = self._subsequence_name(campaign, current)
        if current["emailsSent"] == 0:
            current.update(status="completed", completedAt=_iso(now))  # id kept as history
            cl.update(status="completed", nextAt=None)
            return {"action": "exited", "subsequenceName": name}
        return {"action": "skippedInProgress", "subsequenceName": name}

    @staticmethod
    def _subsequence_name(campaign: dict[str, Any], state: dict[str, Any]) -> str:
        found = _find_subsequence(campaign, state["id"])
        return found["name"] if found else state["name"]

    def _enroll(self, ws: str, campaign: dict[str, Any], cl: dict[str, Any],
                sub: dict[str, Any], now: float) -> None:
        """Enter `sub` from its first step; the pending main-sequence send is canceled (the
        main sequence does not resume after a subsequence)."""
        cl["subsequence"] = {"id": sub["_id"], "name": sub["name"], "status": "active",
                             "stepIndex": 0, "emailsSent": 0, "completedAt": None}
        cl["nextAt"] = now
        if cl["status"] == "completed":
            cl["status"] = "active" if campaign["status"] == "active" else "pending"
        sub["addedCount"] += 1  # a server-side counter: updatedAt is not bumped for it
        self.store.put(ws, "campaign", campaign["_id"], campaign)

    # -- tags and mailboxes --------------------------------------------------------------------

    def _list_tags(self, ctx: _Ctx, req: Request) -> Response:
        return _ok(copy.deepcopy(self._workspace(ctx.workspace)["labels"]))

    def _list_mailboxes(self, ctx: _Ctx, req: Request) -> Response:
        mailboxes = self.store.list(ctx.workspace, "mailbox")
        for name in ("status", "provider"):
            wanted = req.arg(name)
            if wanted:
                mailboxes = [m for m in mailboxes if m[name] == wanted]
        tags = [t for t in (req.arg("tags") or "").split(",") if t]
        if tags:
            mailboxes = [m for m in mailboxes if set(tags) & set(m["tags"])]
        page, pagination = _paginate(mailboxes, req)
        return _ok(page, pagination=pagination)

    # -- events, webhooks and simulated sending ------------------------------------------------

    def _emit(self, ws: str, campaign: dict[str, Any], event: str, now: float,
              outbox: list[tuple[str, str | None, dict[str, Any]]],
              data: dict[str, Any]) -> None:
        """Append to the event log; queue a delivery to the campaign's webhook when it is
        enabled, subscribed to the event (an empty `events` list means all) and on loopback.
        Deliveries happen after the transaction commits."""
        eid = self._new_id()
        entry = {"_id": eid, "event": event, "workspaceId": ws, "timestamp": _iso(now),
                 "data": data}
        self.store.put(ws, "event", eid, entry)
        hook = campaign["settings"].get("webhook") or {}
        url = hook.get("url")
        if not hook.get("enabled") or not isinstance(url, str):
            return
        if urlsplit(url).hostname not in LOOPBACK_HOSTS:
            return
        if hook.get("events") and event not in hook["events"]:
            return
        payload = {k: entry[k] for k in ("event", "timestamp", "data")}
        outbox.append((url, hook.get("secret"), payload))

    @staticmethod
    def _deliver(outbox: list[tuple[str, str | None, dict[str, Any]]]) -> None:
        for url, secret, payload in outbox:
            data = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json", "X-Webhook-Event": payload["event"]}
            if secret:
                headers["X-Webhook-Signature"] = hmac.new(secret.encode(), data,
                                                          hashlib.sha256).hexdigest()
            request = urllib.request.Request(url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as resp:
                    resp.read()
            except urllib.error.HTTPError as exc:  # a receiver's error is its own business
                exc.close()
            except (OSError, ValueError, http.client.HTTPException):
                pass  # unreachable receiver: deliveries are best effort

    def _tick_workspace(self, ws: str, now: float, summary: dict[str, Any],
                        outbox: list[tuple[str, str | None, dict[str, Any]]]) -> None:
        by_campaign: dict[str, list[dict[str, Any]]] = {}
        for cl in self.store.list(ws, "campaign_lead"):
            by_campaign.setdefault(cl["campaignId"], []).append(cl)
        for campaign in self.store.list(ws, "campaign"):
            if campaign["status"] != "active":
                continue
            rows = by_campaign.get(campaign["_id"], [])
            touched = False
            for cl in rows:
                if cl["status"] == "active" and self._advance_lead(
                        ws, campaign, cl, now, summary, outbox):
                    self.store.put(ws, "campaign_lead", cl["_id"], cl)
                    touched = True
            if rows and not any(cl["status"] in LEAD_OPEN_STATUSES for cl in rows):
                # Every lead is done: the campaign completes (a status change, so updatedAt
                # moves; counters alone do not move it).
                stamp = self._write_stamp()
                campaign.update(status="completed", completedAt=stamp, updatedAt=stamp)
                summary["campaignsCompleted"] += 1
                touched = True
            if touched:
                self.store.put(ws, "campaign", campaign["_id"], campaign)

    def _advance_lead(self, ws: str, campaign: dict[str, Any], cl: dict[str, Any], now: float,
                      summary: dict[str, Any],
                      outbox: list[tuple[str, str | None, dict[str, Any]]]) -> bool:
        """Run a lead's due steps up to `now`; True when anything changed."""
        if cl.get("nextAt") is None:
            cl["nextAt"] = now
        moved = False
        while cl["status"] == "active" and cl["nextAt"] <= now:
            state = cl["subsequence"]
            in_sub = state is not None and state["status"] == "active"
            if in_sub:
                sub = _find_subsequence(campaign, state["id"])
                if sub is None:
                    break  # orphaned: its subsequence was dropped from the campaign
                steps, index = sub["sequence"], state["stepIndex"]
            else:
                sub, steps, index = None, campaign["sequence"], cl["currentSequenceStep"]
            moved = True
            if index >= len(steps):
                if in_sub:
                    state.update(status="completed", completedAt=_iso(cl["nextAt"]))
                cl.update(status="completed", nextAt=None)
                summary["leadsCompleted"] += 1
                break
            step = steps[index]
            if in_sub:
                state["stepIndex"] += 1
            else:
                cl["currentSequenceStep"] += 1
            if step["type"] == "wait":
                cl["nextAt"] += step.get("waitDays", 0) * 86400 + step.get("waitHours", 0) * 3600
                continue
            campaign["stats"]["sent"] += 1
            campaign["stats"]["delivered"] += 1
            cl["emailsSent"] += 1
            summary["emailsSent"] += 1
            if sub is not None:
                sub["stats"]["sent"] += 1
                state["emailsSent"] += 1
                summary["subsequenceEmailsSent"] += 1
            self._emit(ws, campaign, "email.sent", cl["nextAt"], outbox, {
                "campaignId": campaign["_id"], "campaignLeadId": cl["_id"],
                "leadId": cl["leadId"], "email": self._lead_email(ws, cl["leadId"]),
                "stepId": step["_id"], "subsequenceId": sub["_id"] if sub else None,
            })
        return moved


# -- module helpers ------------------------------------------------------------------------------


def _ok(data: Any, status: int = 200, *, pagination: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"success": True, "data": data}
    if pagination is not None:
        body["pagination"] = pagination
    return Response(status, {**body, **(extra or {})})


def _error(status: int, code: str, message: str) -> Response:
    return Response(status, {"success": False, "error": {"code": code, "message": message}})


def _json_object(req: Request) -> dict[str, Any]:
    try:
        body = req.json()
    except BadJson as exc:
        raise _invalid("body", f"malformed JSON ({exc})") from exc
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise _invalid("body", "must be a JSON object")
    return body


def _check_keys(body: dict[str, Any], allowed: frozenset[str], prefix: str = "") -> None:
    for key in body:
        if key not in allowed:
            raise _invalid(f"{prefix}{key}", "unknown field")


def _find_subsequence(campaign: dict[str, Any], sid: str) -> dict[str, Any] | None:
    return next((s for s in campaign["subsequences"] if s["_id"] == sid), None)


def _paginate(items: list[dict[str, Any]], req: Request,
              ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Cursor pagination as on the newer docs revision: `cursor` is the last `_id` of the
    previous page, the answer carries `{limit, total, hasMore, nextCursor}`. Items are ordered
    by `_id`, i.e. oldest first (the docs do not state an order)."""
    raw_limit = req.arg("limit")
    limit = DEFAULT_PAGE_LIMIT
    if raw_limit is not None:
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_PAGE_LIMIT:
            raise _invalid("limit", f"must be an integer 1-{MAX_PAGE_LIMIT}")
        limit = int(raw_limit)
    cursor = req.arg("cursor")
    ordered = sorted(items, key=lambda d: d["_id"])
    if cursor:
        if not HEX24.match(cursor):
            raise _invalid("cursor", "must be the 24-hex _id of the previous page's last item")
        rest = [d for d in ordered if d["_id"] > cursor]
    else:
        rest = ordered
    page = rest[:limit]
    has_more = len(rest) > limit
    return page, {"limit": limit, "total": len(ordered), "hasMore": has_more,
                  "nextCursor": page[-1]["_id"] if has_more else None}


def _filter_leads(leads: list[dict[str, Any]], filters: Any) -> list[dict[str, Any]]:
    """The `filters` mode of adding leads. The docs name what it can match (tags, search text,
    email verification, country, lead ids) but not the keys; these keys are this emulator's."""
    if not isinstance(filters, dict):
        raise _invalid("filters", "must be an object")
    _check_keys(filters, ADD_LEAD_FILTER_KEYS, "filters.")
    out = leads
    if "search" in filters:
        text = _v_str()(filters["search"], "filters.search").casefold()
        out = [lead for lead in out if any(
            text in str(lead.get(k) or "").casefold()
            for k in ("email", "firstName", "lastName", "companyName"))]
    if "tags" in filters:
        tags = set(_v_str_list(filters["tags"], "filters.tags"))
        out = [lead for lead in out if tags & set(lead.get("tags") or [])]
    if "leadIds" in filters:
        ids = set(_v_str_list(filters["leadIds"], "filters.leadIds"))
        out = [lead for lead in out if lead["_id"] in ids]
    if "emailVerified" in filters:
        verified = _v_bool(filters["emailVerified"], "filters.emailVerified")
        out = [lead for lead in out if bool(lead.get("emailVerified")) == verified]
    if "country" in filters:
        country = _v_str()(filters["country"], "filters.country").upper()
        out = [lead for lead in out if (lead.get("country") or "").upper() == country]
    return out
