"""Request body validation: JSON objects, field validators, campaign settings and schedule."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..formats import email, host_name, web_url
from ..web import BadJson, Request
from .constants import (
    ESP_MATCHING_MODES,
    HHMM,
    MAILBOX_PRIORITIES,
    MAX_REPLY_NOTIFICATION_EMAILS,
    OPTIMIZATION_METRICS,
    SCHEDULE_KEYS,
    SEG_CHECK_LEGACY,
    SEG_CHECK_MODES,
    SEG_PROVIDERS,
    SEND_ORDERS,
)
from .errors import _invalid

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


def _v_enum(
    values: tuple[str, ...],
    *,
    normalise: dict[str, str] | None = None,
    refused: dict[str, str] | None = None,
) -> Validator:
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
            if not email(item):
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
    if not web_url(v):
        raise _invalid(path, "must be an http(s) URL")
    return v


def _v_host(v: Any, path: str) -> Any:
    if v is not None and not host_name(v):
        raise _invalid(path, "must be a host name (e.g. track.yourdomain.com)")
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
    "espMatchingMode": _v_enum(
        ESP_MATCHING_MODES,
        refused={"custom": "'custom' is a legacy read-only value; write 'disabled' or 'auto'"},
    ),
    "espMatchingRules": _v_ignored,  # legacy: "Read-only; new writes are ignored"
    "segCheckMode": _v_enum(SEG_CHECK_MODES, normalise=SEG_CHECK_LEGACY),
    "segSkipProviders": _v_enum_list(SEG_PROVIDERS),
    "cnameTracking": {"enabled": _v_bool, "domain": _v_host},
    "slackChannelId": _v_str(nullable=True),
    "positiveRepliesOnlySlack": _v_bool,
    "replyNotificationEmails": _v_emails(MAX_REPLY_NOTIFICATION_EMAILS),
    # Key name guessed: the page says "email notifications only for positive AI-tagged replies".
    "replyNotificationPositiveOnly": _v_bool,
    "aiAgentId": _v_str(nullable=True),  # existence is checked against the workspace later
    "aiAgentEnabled": _v_bool,
    "webhook": {
        "enabled": _v_bool,
        "url": _v_url,
        "secret": _v_str(nullable=True),
        "events": _v_str_list,
    },
    "copyFatigueProtection": {"enabled": _v_bool, "autoRegenerate": _v_bool, "autoResume": _v_bool},
    "variantOptimization": {
        "enabled": _v_bool,
        "minimumSendsPerVariant": _v_int(1),
        "minimumDays": _v_int(0),
        "optimizationMetric": _v_enum(OPTIMIZATION_METRICS),
        "keepMinimumVariants": _v_int(1),
    },
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


# Settings GET reads back at the top level (providers.md §1, "Diff gotcha") but the create and
# update pages take under `settings` only.
READ_BACK_AT_TOP = frozenset(
    {"trackOpens", "trackClicks", "stopOnReply", "emailIntervalMinutes", "includeUnsubscribeLink"}
)


def _check_keys(body: dict[str, Any], allowed: frozenset[str], prefix: str = "") -> None:
    for key in body:
        if key not in allowed:
            # Docs silent on unknown fields: refused (outreach's rule) so a typo shows.
            where = (
                f"; it is read back at the top level but written as settings.{key}"
                if not prefix and key in READ_BACK_AT_TOP and "settings" in allowed
                else ""
            )
            raise _invalid(
                f"{prefix}{key}",
                "unknown field (outreach's rule: the docs do not "
                f"say what SendKit does with it{where})",
            )
