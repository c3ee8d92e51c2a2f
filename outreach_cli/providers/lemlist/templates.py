"""lemlist's template variables (data, with sources) and where its campaign copy holds them.

Syntax: `{{firstName}}` in email subjects and in the `message` of email, LinkedIn, WhatsApp and
SMS steps (the A/B variant `abTest` too). The lemlist pages this project was built from show no
fallback or conditional form inside the text, so outreach models none: a lead without the
field gets it empty, and preview says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...templates import BRACES, Email, Spot, Variables, text

ADD_LEAD = (
    "reference/openapi/lemlist.json, POST /campaigns/{campaignId}/leads/ body properties "
    "(additionalProperties: string: every other key is a custom variable)"
)

VARIABLES = Variables(
    platform="lemlist",
    fields={
        name: ADD_LEAD
        for name in (
            "email",
            "firstName",
            "lastName",
            "companyName",
            "jobTitle",
            "linkedinUrl",
            "picture",
            "phone",
            "companyDomain",
            "icebreaker",
            "timezone",
        )
    },  # contactOwner: a user, not copy
    # Sender variables: not on the pages seen; the project's example campaigns sign with
    # {{sendingAccountFirstName}}, so names starting sendingAccount are read as the sender's.
    sender_prefix="sendingAccount",
    note=(
        "The pages seen list no variables for lemlist's copy. outreach accepts the fields a "
        "lemlist lead is added with (the add-lead body) and custom variables declared under "
        "`variables:` or seen as CSV columns, written bare ({{industry}}), since lemlist "
        "stores every other key of a lead as a custom variable. Names starting "
        "sendingAccount ({{sendingAccountFirstName}}, as the example campaigns sign) are "
        "taken as the sender's and not checked further; no page lists them."
    ),
)

COPY_ROOTS = ("steps",)
# GET /campaigns/{id}/leads/ answers `[{_id, contactId, state}]`: no field to check copy with.
LEADS_HAVE_FIELDS = False
# What `outreach lint`'s campaign rules read (outreach_cli/copyrules.py): lemlist's docs name no
# unsubscribe setting, tracking domain or text part for a step; the inbox shows a team member.
COPY = {"senders": (("sendUserIds", "team member"),)}
MESSAGE_TYPES = ("email", "linkedinInvite", "linkedinSend", "whatsappMessage", "sms", "manual")


def _steps(campaign: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    steps = campaign.get("steps")
    return [
        (i, s)
        for i, s in enumerate(steps if isinstance(steps, list) else [])
        if isinstance(s, dict)
    ]


def spots(campaign: Mapping[str, Any]) -> list[Spot]:
    """Every text field of the campaign that may hold variables."""
    out: list[Spot] = []
    for i, step in _steps(campaign):
        holders: list[tuple[Mapping[str, Any], tuple[str | int, ...]]] = [(step, ("steps", i))]
        if isinstance(step.get("abTest"), dict):
            holders.append((step["abTest"], ("steps", i, "abTest")))
        for holder, at in holders:
            for key, kind in (
                ("subject", "subject"),
                ("message", "message"),
                ("altMessage", "message"),
            ):
                value = text(holder.get(key))
                if value is not None:
                    out.append(
                        Spot(
                            (*at, key),
                            value,
                            "body" if key == "message" and step.get("type") == "email" else kind,
                            BRACES,
                        )
                    )
    return out


def variable_refs(campaign: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    return []


def findings(campaign: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str, str]]:
    return []


def emails(campaign: Mapping[str, Any]) -> list[Email]:
    """Every email and message a lead may receive, variant B of an A/B test included."""
    out: list[Email] = []
    for i, step in _steps(campaign):
        kind = step.get("type")
        if kind not in MESSAGE_TYPES or text(step.get("message")) is None and kind != "email":
            continue
        path: tuple[str | int, ...] = ("steps", i)
        where = f"step {i + 1}" if kind == "email" else f"step {i + 1} ({kind})"
        ab = step.get("abTest") if isinstance(step.get("abTest"), dict) else None
        choices: list[tuple[str, Mapping[str, Any], tuple[str | int, ...]]] = [
            (where + (" variant A" if ab else ""), step, path)
        ]
        if ab:
            choices.append((where + " variant B", ab, (*path, "abTest")))
        for label, holder, at in choices:
            # A key variant B leaves out "starts as a copy of A's".
            src_subject = ("subject", holder if "subject" in holder else step)
            src_body = ("message", holder if "message" in holder else step)
            subject = text(src_subject[1].get("subject")) if kind == "email" else None
            body = text(src_body[1].get("message"))
            sat = at if src_subject[1] is holder else path
            bat = at if src_body[1] is holder else path
            out.append(
                Email(
                    label,
                    i + 1,
                    "email" if kind == "email" else "message",
                    Spot((*sat, "subject"), subject, "subject", BRACES)
                    if subject is not None
                    else None,
                    Spot((*bat, "message"), body, "body", BRACES) if body is not None else None,
                )
            )
    return out


def lead_values(fields: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if v}


def record_values(record: Mapping[str, Any]) -> dict[str, str]:
    """Never called (LEADS_HAVE_FIELDS is False): the list's records carry no lead field."""
    return {}
