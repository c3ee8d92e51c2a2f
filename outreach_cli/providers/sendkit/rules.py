"""SendKit's offline rules that its JSON Schema cannot state.

The schema (`schemas/sendkit.json`) checks types, enums, formats and ranges one field at a
time. What remains is cross-field and cross-item: the name, the first step, fields of the
other step type, subjects, waits, subsequence limits, unique variant labels and trigger values;
the schedule and settings checks are in rules_settings.py (re-exported here). The limits and
enums live as constants so the rules, the schema test and the docs share one source; every
rule is in the catalogue (catalogue.py), and a choice's message begins "outreach's rule:".

Sources: the SendKit create/update campaign pages (shared/seeds) and their "Validation rules"
summary in shared/reference/providers.md section 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...documents import format_path
from ..base import Finding, Path
from .rules_settings import (  # noqa: F401 (re-exported: the schema test and adapter use them)
    DEFAULT_END,
    DEFAULT_START,
    ESP_MATCHING_MODES,
    IGNORED_SETTINGS,
    LEGACY_SEG_CHECK_MODES,
    MAILBOX_PRIORITIES,
    MAX_REPLY_NOTIFICATION_EMAILS,
    OPTIMIZATION_METRICS,
    OURS,
    SEG_CHECK_MODES,
    SEG_PROVIDERS,
    SEG_SKIP_MODE,
    SEND_ORDERS,
    WEBHOOK_SCHEMES,
    _is_int,
    _is_number,
    _schedule,
    _settings,
    timezone_problem,
    window_problem,
)

# -- rules as data --------------------------------------------------------------------------

STEP_TYPES = ("email", "wait")
TRIGGER_TYPES = ("ai_tag", "reply")
SUBSEQUENCE_STATUSES = ("active", "archived")
# What `outreach doctor` says of the limits (providers.md §1: docs silent).
RATE_DOC = (
    "not published (docs silent: no figure, header or 429 policy); outreach retries "
    "429 and 5xx honouring Retry-After"
)
CONDITION_OPERATORS = ("has_value", "no_value", "equals", "not_equals", "contains", "not_contains")
MAX_ACTIVE_SUBSEQUENCES = 15
MAX_ACTIVE_REPLY_TRIGGERS = 1
FIRST_MAIN_STEP_TYPE = "email"
# "(for email steps)" / "(for wait steps)": a field of the other type would not be used.
EMAIL_ONLY_STEP_KEYS = (
    "subject",
    "body",
    "variants",
    "useConditionalVariables",
    "conditionalVariables",
)
WAIT_ONLY_STEP_KEYS = ("waitDays", "waitHours")
ARCHIVED = "archived"

_CAMPAIGN: Path = ("campaign",)


def check(campaign: dict[str, Any]) -> list[Finding]:
    """Return every cross-field problem in a SendKit `campaign:` block.

    Assumes the schema has run, but tolerates any shape: a value of an unexpected type is
    skipped (the schema reports it), never a crash. Paths start at ("campaign", …).
    """
    if not isinstance(campaign, dict):
        return []
    findings: list[Finding] = []
    findings += _name(campaign)
    findings += _main_sequence(campaign)
    for path, steps in _sequences(campaign):
        findings += _steps(path, steps)
    findings += _subsequences(campaign)
    findings += _schedule(campaign)
    findings += _settings(campaign)
    if isinstance(campaign.get("settings"), dict):
        findings += _keep_minimum_variants(campaign, (*_CAMPAIGN, "settings"))
    return findings


def _name(campaign: dict[str, Any]) -> list[Finding]:
    name = campaign.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        return [
            Finding(
                (*_CAMPAIGN, "name"),
                OURS + "a campaign needs a name with a visible character: outreach "
                "finds a campaign it created by its name",
            )
        ]
    return []


# -- sequences ------------------------------------------------------------------------------


def _sequences(campaign: dict[str, Any]) -> Iterator[tuple[Path, list[Any]]]:
    """Yield (path, steps) for the main sequence and every subsequence's sequence."""
    main = campaign.get("sequence")
    if isinstance(main, list):
        yield (*_CAMPAIGN, "sequence"), main
    subs = campaign.get("subsequences")
    if isinstance(subs, list):
        for k, sub in enumerate(subs):
            if isinstance(sub, dict) and isinstance(sub.get("sequence"), list):
                yield (*_CAMPAIGN, "subsequences", k, "sequence"), sub["sequence"]


def _main_sequence(campaign: dict[str, Any]) -> list[Finding]:
    steps = campaign.get("sequence")
    if not isinstance(steps, list) or not steps or not isinstance(steps[0], dict):
        return []
    kind = steps[0].get("type")
    if not isinstance(kind, str) or kind == FIRST_MAIN_STEP_TYPE:
        return []
    return [
        Finding(
            (*_CAMPAIGN, "sequence", 0, "type"),
            f"the main sequence must start with an {FIRST_MAIN_STEP_TYPE} step, not a {kind} "
            "step (only subsequences may start with a wait)",
        )
    ]


def _steps(path: Path, steps: list[Any]) -> list[Finding]:
    """Rules for the steps of one sequence, main or subsequence alike."""
    findings: list[Finding] = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        here = (*path, i)
        # `order` other than the position is fine: the server numbers steps by position.
        kind = step.get("type")
        if kind in STEP_TYPES:
            findings += _other_type_fields(here, step, kind)
        if kind == "wait":
            findings += _wait(here, step)
        if kind == "email":
            findings += _subject(here, step)
        findings += _variants(here, step.get("variants"))
    return findings


def _other_type_fields(here: Path, step: dict[str, Any], kind: str) -> list[Finding]:
    others = WAIT_ONLY_STEP_KEYS if kind == "email" else EMAIL_ONLY_STEP_KEYS
    other = "wait" if kind == "email" else "email"
    return [
        Finding(
            (*here, key),
            OURS + f'{key} is for {other} steps (the create page: "(for {other} '
            f'steps)"); on an {kind} step it would not be used: remove it or change '
            "the type",
        )
        for key in others
        if key in step
    ]


def _subject(here: Path, step: dict[str, Any]) -> list[Finding]:
    if "subject" in step:
        return []
    variants = step.get("variants")
    if (
        isinstance(variants, list)
        and variants
        and all(isinstance(v, dict) and "subject" in v for v in variants)
    ):
        return []  # each variant has its own; the step's is then the first variant's
    return [
        Finding(
            (*here, "subject"),
            'an email step needs a subject ("Email subject (for email steps)"), on '
            "the step or on every one of its variants",
        )
    ]


def _wait(here: Path, step: dict[str, Any]) -> list[Finding]:
    days, hours = step.get("waitDays"), step.get("waitHours")
    given = [(key, v) for key, v in (("waitDays", days), ("waitHours", hours)) if v is not None]
    # Neither key at all is the schema's finding (anyOf required); do not report it twice.
    if not given or not all(_is_number(v) for _, v in given):
        return []
    if sum(v for _, v in given) > 0:
        return []
    return [
        Finding(
            (*here, given[0][0]),
            OURS + "waitDays + waitHours must be greater than 0: a wait of nothing does not "
            "wait (remove the step instead)",
        )
    ]


def _variants(here: Path, variants: Any) -> list[Finding]:
    if not isinstance(variants, list):
        return []
    findings: list[Finding] = []
    first: dict[str, int] = {}
    for j, variant in enumerate(variants):
        if not isinstance(variant, dict) or not isinstance(variant.get("label"), str):
            continue
        label = variant["label"]
        if label in first:
            findings.append(
                Finding(
                    (*here, "variants", j, "label"),
                    f"variant label {label!r} is already used by variants[{first[label]}]; "
                    "labels must be unique within a step",
                    related=((*here, "variants", first[label], "label"),),
                )
            )
        else:
            first[label] = j
    return findings


# -- subsequences ---------------------------------------------------------------------------


def _subsequences(campaign: dict[str, Any]) -> list[Finding]:
    subs = campaign.get("subsequences")
    if not isinstance(subs, list):
        return []
    findings: list[Finding] = []
    active = 0
    reply_at: list[int] = []
    tag_at: dict[str, int] = {}  # casefolded ai_tag value → index of its first active user
    for k, sub in enumerate(subs):
        if not isinstance(sub, dict):
            continue
        here: Path = (*_CAMPAIGN, "subsequences", k)
        name = sub.get("name")
        if name is None or (isinstance(name, str) and not name.strip()):
            findings.append(
                Finding(
                    (*here, "name"),
                    OURS + "a subsequence needs a name with a visible character: "
                    "outreach pairs subsequences by name when there is no _id",
                )
            )
        findings += _subsequence_sequence(here, sub.get("sequence"))
        trigger = sub.get("trigger")
        trigger = trigger if isinstance(trigger, dict) else {}
        kind, value = trigger.get("type"), trigger.get("value")
        if kind == "reply" and value is not None:
            findings.append(
                Finding(
                    (*here, "trigger", "value"),
                    "SendKit ignores value on a reply trigger (it fires on the lead's first "
                    "reply); outreach leaves it out of the comparison: remove it",
                    severity="warning",
                )
            )
        # Archived subsequences count toward none of the limits.
        if sub.get("status") == ARCHIVED:
            continue
        active += 1
        if active == MAX_ACTIVE_SUBSEQUENCES + 1:
            findings.append(
                Finding(
                    here,
                    f"at most {MAX_ACTIVE_SUBSEQUENCES} active (non-archived) subsequences per "
                    f"campaign; this is number {active}: set status: archived on one or remove it",
                )
            )
        if kind == "reply":
            reply_at.append(k)
            if len(reply_at) > MAX_ACTIVE_REPLY_TRIGGERS:
                findings.append(
                    Finding(
                        (*here, "trigger", "type"),
                        f"at most {MAX_ACTIVE_REPLY_TRIGGERS} active subsequence may have a reply "
                        f"trigger; subsequences[{reply_at[0]}] already has one",
                        related=((*_CAMPAIGN, "subsequences", reply_at[0], "trigger", "type"),),
                    )
                )
        elif kind == "ai_tag" and isinstance(value, str):
            key = value.casefold()  # "unique (case-insensitive)": case only, not spaces
            if key in tag_at:
                earlier = tag_at[key]
                findings.append(
                    Finding(
                        (*here, "trigger", "value"),
                        f"ai_tag trigger {value!r} is already used by subsequences[{earlier}] "
                        "(values are compared ignoring case); active ai_tag values must be unique",
                        related=((*_CAMPAIGN, "subsequences", earlier, "trigger", "value"),),
                    )
                )
            else:
                tag_at[key] = k
    return findings


def _subsequence_sequence(here: Path, steps: Any) -> list[Finding]:
    if not isinstance(steps, list):
        return []
    if not steps:
        return [
            Finding(
                (*here, "sequence"),
                OURS + "a subsequence's sequence must not be empty: an enrolled lead would "
                "get nothing (add at least one email step)",
            )
        ]
    if not any(isinstance(s, dict) and s.get("type") == "email" for s in steps):
        return [
            Finding(
                (*here, "sequence"),
                "this subsequence has no email step, so an enrolled lead receives nothing",
                severity="warning",
            )
        ]
    return []


# -- settings that depend on the sequences ------------------------------------------------


def _keep_minimum_variants(campaign: dict[str, Any], here: Path) -> list[Finding]:
    optimization = campaign["settings"].get("variantOptimization")
    if not isinstance(optimization, dict) or optimization.get("enabled") is False:
        return []
    keep = optimization.get("keepMinimumVariants")
    if not _is_int(keep):
        return []
    fewest: tuple[int, Path] | None = None
    for path, steps in _sequences(campaign):
        for i, step in enumerate(steps):
            variants = step.get("variants") if isinstance(step, dict) else None
            if (
                isinstance(variants, list)
                and variants
                and (fewest is None or len(variants) < fewest[0])
            ):
                fewest = (len(variants), (*path, i, "variants"))
    if fewest is None or keep <= fewest[0]:
        return []
    count, where = fewest
    return [
        Finding(
            (*here, "variantOptimization", "keepMinimumVariants"),
            OURS + f"keepMinimumVariants is {keep} but {format_path(where)} has only "
            f"{count} variant"
            f"{'s' if count != 1 else ''}, fewer than it asks to keep active",
            severity="warning",
            related=(where,),
        )
    ]
