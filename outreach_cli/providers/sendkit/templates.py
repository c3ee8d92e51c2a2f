"""SendKit's template variables (data, with sources) and where its campaign copy holds them.

Syntax: `{{firstName}}` in step and variant subjects and bodies (the create page's examples).
Fallbacks: SendKit's conditional variables (`useConditionalVariables` + `conditionalVariables`
on a step); the page names only the operators, so how a definition applies is outreach's
reading: it governs `{{<variable>}}` in its step (variants included); when its condition holds
the lead gets `content` (or, without content, the value), else `fallback`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...templates import BRACES, Email, Spot, Variables, conditions_of, text

SEED = "shared/seeds/sendkit-create-campaign.txt"
LEADS = "providers.md §1b, POST /v1/leads and /v1/campaigns/{id}/leads (lead fields)"

VARIABLES = Variables(
    platform="SendKit",
    fields={
        "firstName": f"{SEED}: 'Hi {{{{firstName}}}}'",
        "companyName": f"{SEED}: 'Quick question about {{{{companyName}}}}'",
        "lastName": LEADS,
        "email": LEADS,
        "phone": LEADS,
        "title": LEADS,
    },
    # The same page writes `{{company}}` in one example: read as the lead's companyName.
    aliases={"company": "companyName"},
    note=(
        "The docs name no closed list of variables: the examples use firstName, companyName "
        "and company. outreach accepts those, the other fields of a SendKit lead (lastName, "
        "email, phone, title) and custom fields (a lead's customFields) declared under "
        "`variables:` or seen as CSV columns, written bare: {{industry}}."
    ),
)

LEADS_HAVE_FIELDS = True  # the leads list carries each lead's fields
COPY_ROOTS = ("sequence", "subsequences")

# What `outreach lint`'s campaign rules read (outreach_cli/copyrules.py): the setting that adds
# an unsubscribe link (providers.md: `includeUnsubscribeLink`, default false), the CNAME
# tracking domain and the sender mailboxes it should match, and how the inbox shows the sender.
COPY = {
    "unsubscribe_setting": ("settings", "includeUnsubscribeLink"),
    "unsubscribe_default": "false",
    "tracking_domain": ("settings", "cnameTracking", "domain"),
    "sender_emails": (("mailboxEmails",),),
    "senders": (
        ("mailboxEmails", "mailbox"),
        ("mailboxTags", "a mailbox tagged"),
        ("mailboxProvider", "a mailbox on"),
    ),
}


def _steps(
    steps: Any, prefix: tuple[str | int, ...]
) -> list[tuple[int, dict[str, Any], tuple[str | int, ...]]]:
    if not isinstance(steps, list):
        return []
    return [(i, s, (*prefix, i)) for i, s in enumerate(steps) if isinstance(s, dict)]


def _groups(campaign: Mapping[str, Any]) -> list[tuple[str | None, list[Any]]]:
    out: list[tuple[str | None, list[Any]]] = [
        (None, _steps(campaign.get("sequence"), ("sequence",)))
    ]
    subs = campaign.get("subsequences")
    for j, sub in enumerate(subs if isinstance(subs, list) else []):
        if isinstance(sub, dict):
            name = str(sub.get("name") or f"#{j + 1}")
            out.append((name, _steps(sub.get("sequence"), ("subsequences", j, "sequence"))))
    return out


def spots(campaign: Mapping[str, Any]) -> list[Spot]:
    """Every text field of the campaign that may hold variables."""
    out: list[Spot] = []
    for _, steps in _groups(campaign):
        for _, step, path in steps:
            conds = conditions_of(step)
            holders = [(step, path)]
            variants = step.get("variants")
            holders += [
                (v, (*path, "variants", k))
                for k, v in enumerate(variants if isinstance(variants, list) else [])
                if isinstance(v, dict)
            ]
            for holder, at in holders:
                for key in ("subject", "body"):
                    value = text(holder.get(key))
                    if value is not None:
                        out.append(Spot((*at, key), value, key, BRACES, None, conds))
            defs = step.get("conditionalVariables")
            for k, d in enumerate(defs if isinstance(defs, list) else []):
                for key in ("content", "fallback"):
                    value = text(d.get(key)) if isinstance(d, dict) else None
                    if value is not None:
                        out.append(
                            Spot(
                                (*path, "conditionalVariables", k, key),
                                value,
                                "conditional " + key,
                                BRACES,
                            )
                        )
    return out


def variable_refs(campaign: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Variables named outside the text (a conditional variable's `variable`)."""
    out = []
    for _, steps in _groups(campaign):
        for _, step, path in steps:
            defs = step.get("conditionalVariables")
            for k, d in enumerate(defs if isinstance(defs, list) else []):
                if isinstance(d, dict) and isinstance(d.get("variable"), str):
                    out.append(((*path, "conditionalVariables", k, "variable"), d["variable"]))
    return out


def findings(campaign: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Conditional variables that cannot apply: defined while the step does not turn them on
    (the page: "Whether conditional variables are used in this step"), or turned on with none
    defined. Warnings: outreach's reading of a page that shows no example."""
    out = []
    for _, steps in _groups(campaign):
        for _, step, path in steps:
            defs = step.get("conditionalVariables")
            on = step.get("useConditionalVariables") is True
            if isinstance(defs, list) and defs and not on:
                out.append(
                    (
                        (*path, "conditionalVariables"),
                        "conditional variables are defined but the step does not turn them "
                        "on (useConditionalVariables: true): leads get no fallback",
                        "warning",
                    )
                )
            elif on and not defs:
                out.append(
                    (
                        (*path, "useConditionalVariables"),
                        "useConditionalVariables is on but the step defines none",
                        "warning",
                    )
                )
    return out


def emails(campaign: Mapping[str, Any]) -> list[Email]:
    """Every email a lead may receive, variants and subsequence steps included."""
    out: list[Email] = []
    for sub, steps in _groups(campaign):
        for i, step, path in steps:
            if step.get("type") != "email":
                continue
            conds = conditions_of(step)
            where = f"step {i + 1}" if sub is None else f"subsequence {sub!r} step {i + 1}"
            variants = (
                [v for v in step.get("variants") or [] if isinstance(v, dict)]
                if isinstance(step.get("variants"), list)
                else []
            )
            choices = [
                (f"{where} variant {v.get('label', k + 1)}", v, (*path, "variants", k))
                for k, v in enumerate(variants)
            ] or [(where, step, path)]
            for label, holder, at in choices:
                subject = text(holder.get("subject", step.get("subject")))
                body = text(holder.get("body", step.get("body")))
                out.append(
                    Email(
                        label,
                        i + 1 if sub is None else None,
                        "email",
                        Spot((*at, "subject"), subject, "subject", BRACES, None, conds)
                        if subject is not None
                        else None,
                        Spot((*at, "body"), body, "body", BRACES, None, conds)
                        if body is not None
                        else None,
                    )
                )
    return out


def lead_values(fields: Mapping[str, str]) -> dict[str, str]:
    """A leads-CSV row (fields by the API's names) as the values its copy reads."""
    return {k: v for k, v in fields.items() if v}


def record_values(record: Mapping[str, Any]) -> dict[str, str]:
    """A campaign-lead record of the leads list as values: the populated `leadId` lead."""
    person = record.get("leadId")
    if not isinstance(person, dict):
        return {}
    out = {
        k: str(v)
        for k, v in person.items()
        if k in VARIABLES.fields and isinstance(v, (str, int, float)) and v != ""
    }
    custom = person.get("customFields")
    if isinstance(custom, dict):
        out.update({str(k): str(v) for k, v in custom.items() if v not in (None, "")})
    return out
