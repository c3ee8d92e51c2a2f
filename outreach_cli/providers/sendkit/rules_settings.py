"""SendKit's schedule and settings rules that its JSON Schema cannot state (part of rules.py).

Time zones, the sending window, working days, the legacy and read-only settings, the chosen
minimums and the webhook scheme. Sources: the SendKit create/update campaign pages
(shared/seeds); every rule is in the catalogue (catalogue_settings.py).
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ..base import Finding, Path

# `custom` is read-only legacy: SendKit reads it back but accepts only these on write.
ESP_MATCHING_MODES = ("disabled", "auto")
# `use_specific_mailboxes` is accepted but normalised to `disabled` on write.
SEG_CHECK_MODES = ("disabled", "skip_all", "skip_providers", "use_specific_mailboxes")
LEGACY_SEG_CHECK_MODES = {"use_specific_mailboxes": "disabled"}
# "Legacy custom ESP matching rules. Read-only; new writes are ignored."
IGNORED_SETTINGS = ("espMatchingRules",)
SEG_SKIP_MODE = "skip_providers"
SEG_PROVIDERS = (
    "proofpoint",
    "mimecast",
    "barracuda",
    "cisco",
    "forcepoint",
    "sophos",
    "trendmicro",
    "symantec",
    "mcafee",
    "microsoft_atp",
    "google_postini",
)
OPTIMIZATION_METRICS = ("replyRate", "openRate", "clickRate")
# The JSON keys of these two settings are our assumption (the pages list only the values).
MAILBOX_PRIORITIES = ("auto", "high", "normal", "low")
SEND_ORDERS = ("auto", "follow-ups-first", "balanced", "new-leads-first")

MAX_REPLY_NOTIFICATION_EMAILS = 5
WEBHOOK_SCHEMES = ("http", "https")
DEFAULT_START, DEFAULT_END = "09:00", "17:00"
OURS = "outreach's rule: "  # how every message of a choice (the docs are silent) begins
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_CAMPAIGN: Path = ("campaign",)


# Bounds the pages do not give (they give defaults only): outreach's rule, with the reason.
CHOSEN_MINIMUMS: tuple[tuple[tuple[str, ...], int, str], ...] = (
    (("dailySendLimit",), 1, "a limit of 0 would never send"),
    (
        ("variantOptimization", "minimumSendsPerVariant"),
        1,
        "with no sends there is nothing to compare",
    ),
    (("variantOptimization", "minimumDays"), 0, "a negative number of days has no meaning"),
    (("variantOptimization", "keepMinimumVariants"), 1, "keeping no variant leaves none to send"),
)


def _minimums(settings: dict[str, Any], here: Path) -> list[Finding]:
    findings = []
    for keys, least, why in CHOSEN_MINIMUMS:
        node: Any = settings
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if _is_int(node) and node < least:
            findings.append(
                Finding((*here, *keys), OURS + f"{keys[-1]} must be at least {least}: {why}")
            )
    return findings


# -- schedule -------------------------------------------------------------------------------


def window_problem(start: str, end: str, whence: str = "") -> str:
    """Why the daily window from `start` to `end` cannot send ("" when it can). `whence`
    says where a time the file leaves out came from (the live schedule, the default)."""
    if end > start:
        return ""
    return (
        OURS + f"endTime {end} must be later than startTime {start}{whence}: the daily "
        "sending window would be empty"
    )


def _schedule(campaign: dict[str, Any]) -> list[Finding]:
    schedule = campaign.get("schedule")
    if not isinstance(schedule, dict):
        return []
    here: Path = (*_CAMPAIGN, "schedule")
    findings: list[Finding] = []
    tz = schedule.get("timezone")
    if isinstance(tz, str) and tz:
        problem = timezone_problem(tz)
        if problem:
            findings.append(Finding((*here, "timezone"), problem))
    start, end = schedule.get("startTime"), schedule.get("endTime")
    # Only when the file writes both: a time it leaves out is the live one on an update
    # ("merged into existing") and the default on a create, which only plan knows
    # (adapter.py window_problem). Zero-padded HH:MM strings order like the times they name.
    if _is_hhmm(start) and _is_hhmm(end):
        problem = window_problem(start, end)
        if problem:
            findings.append(Finding((*here, "endTime"), problem, related=((*here, "startTime"),)))
    days = schedule.get("workingDays")
    if isinstance(days, list):
        if not days:
            findings.append(
                Finding(
                    (*here, "workingDays"),
                    OURS + "workingDays must not be empty: the campaign would never send "
                    "(0=Sun … 6=Sat)",
                )
            )
        seen: dict[Any, int] = {}
        for j, day in enumerate(days):
            if not _is_int(day):
                continue
            if day in seen:
                findings.append(
                    Finding(
                        (*here, "workingDays", j),
                        OURS + f"day {day} is listed twice (first at workingDays[{seen[day]}])",
                        related=((*here, "workingDays", seen[day]),),
                    )
                )
            else:
                seen[day] = j
    return findings


def timezone_problem(name: str) -> str | None:
    """Say why `name` is not an IANA time zone (with a close match if any); None if it is."""
    try:
        ZoneInfo(name)
        return None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a key naming a directory or an unreadable file in the tz database.
        pass
    suggestion = _closest_zone(name)
    hint = f"; did you mean {suggestion!r}?" if suggestion else " (e.g. 'America/New_York')"
    return f"unknown IANA time zone {name!r}{hint}"


def _closest_zone(name: str) -> str | None:
    zones = _zones()
    by_case = {z.casefold(): z for z in zones}
    if name.casefold() in by_case:
        return by_case[name.casefold()]
    match = difflib.get_close_matches(name, zones, n=1)
    return match[0] if match else None


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    # Walking the tz database is slow-ish; only done once, and only after a miss.
    return tuple(sorted(available_timezones()))


# -- settings -------------------------------------------------------------------------------


def _settings(campaign: dict[str, Any]) -> list[Finding]:
    settings = campaign.get("settings")
    if not isinstance(settings, dict):
        return []
    here: Path = (*_CAMPAIGN, "settings")
    findings: list[Finding] = []
    mode = settings.get("segCheckMode")
    providers = settings.get("segSkipProviders")
    # An empty list clears the setting, which is harmless whatever the mode.
    if isinstance(providers, list) and providers and mode != SEG_SKIP_MODE:
        shown = "not set here" if mode is None else f"is {mode}"
        findings.append(
            Finding(
                (*here, "segSkipProviders"),
                f"segSkipProviders is ignored unless segCheckMode is {SEG_SKIP_MODE} "
                f"(segCheckMode {shown})",
                severity="warning",
                related=((*here, "segCheckMode"),) if mode is not None else (),
            )
        )
    if isinstance(mode, str) and mode in LEGACY_SEG_CHECK_MODES:
        becomes = LEGACY_SEG_CHECK_MODES[mode]
        findings.append(
            Finding(
                (*here, "segCheckMode"),
                f"{mode} is legacy: SendKit normalises it to {becomes} on write (outreach "
                f"compares it as {becomes}); write {becomes}",
                severity="warning",
            )
        )
    for key in IGNORED_SETTINGS:
        if key in settings:
            findings.append(
                Finding(
                    (*here, key),
                    f"{key} is legacy and read-only: SendKit ignores new writes (outreach leaves "
                    "it out of the comparison); remove it",
                    severity="warning",
                )
            )
    webhook = settings.get("webhook")
    url = webhook.get("url") if isinstance(webhook, dict) else None
    if isinstance(url, str) and ":" in url and url.split(":", 1)[0].lower() not in WEBHOOK_SCHEMES:
        findings.append(
            Finding(
                (*here, "webhook", "url"),
                OURS + "a webhook URL must be http or https: SendKit delivers webhooks as HTTP "
                "requests",
            )
        )
    findings += _minimums(settings, here)
    return findings


# -- helpers ------------------------------------------------------------------------------


def _is_int(value: Any) -> TypeGuard[int]:
    # bool is an int subclass; YAML `yes` must not count as 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_hhmm(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(_HHMM.fullmatch(value))
