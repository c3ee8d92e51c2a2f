"""Puffle's template variables (data, with sources) and where its campaign copy holds them.

Two syntaxes, both in the docs: `{{first_name}}` / `{{company}}` in sequence nodes, and
`%first_name%`, `%sender_*%`, `%custom_fields.<key>%` in the email signature. No fallback form
is documented. In a node, a custom field is read as `{{custom_fields.<key>}}` (outreach's
reading, by analogy with the signature's form).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...templates import BRACES, PERCENT, Email, Spot, Variables, text

PROSPECT = "providers.md §3, GET /api/campaigns/{id}/leads (the prospect's fields)"

VARIABLES = Variables(
    platform="Puffle",
    fields={
        "first_name": (
            "providers.md §3 'Template variables': node examples {{first_name}}; "
            "shared/seeds/puffle-update-campaign.txt: signature %first_name%"
        ),
        "company": "providers.md §3 'Template variables': node examples {{company}}",
        "last_name": PROSPECT,
        "name": PROSPECT,
        "email": PROSPECT,
        "position": PROSPECT,
        "headline": PROSPECT,
        "linkedin_url": PROSPECT,
    },
    custom_prefix="custom_fields.",
    sender_prefix="sender_",
    sender_syntax=PERCENT,
    # The signature's documented variables: %first_name%, %sender_*%, %custom_fields.<key>%.
    limited={"signature": ("first_name",)},
    note=(
        "The docs show first_name and company in nodes and %first_name%, %sender_*% and "
        "%custom_fields.<key>% in the signature, without a closed list. outreach accepts the "
        "prospect's fields (as the prospects list returns them) in nodes, only the three "
        "documented forms in the signature (another %field% there is a warning), "
        "custom_fields.<key> for custom fields declared under `variables:` or seen as CSV "
        "columns, and any %sender_<name>% in the signature (the docs write it as a "
        "wildcard; preview shows it as [sender_<name>]). %first_name% is read as the "
        "prospect's first name, like {{first_name}}; the signature example 'Best,\\n"
        "%first_name%' could also mean the sender's: the docs do not say."
    ),
)

LEADS_HAVE_FIELDS = True  # the leads list carries each lead's fields
COPY_ROOTS = ("sequence_nodes", "signature")
# What `outreach lint`'s rules read (outreach_cli/copyrules.py): an email node's `body_html`
# goes with `body` as its text part (providers.md §3, extra email fields on nodes); the inbox
# shows the node's `from_name`, else the sender account.
COPY = {
    "text_part": "body",
    "from_name": "from_name",
    "senders": (("sender_account_ids", "sender account"),),
}
_NODE_TEXT = (("subject", "subject"), ("body", "body"), ("body_html", "body"))


def _nodes(campaign: Mapping[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    nodes = campaign.get("sequence_nodes")
    return [
        (i, n)
        for i, n in enumerate(nodes if isinstance(nodes, list) else [])
        if isinstance(n, dict)
    ]


def _signature(value: str, path: tuple[str | int, ...]) -> Spot:
    return Spot(path, value, "signature", PERCENT, BRACES)


def spots(campaign: Mapping[str, Any]) -> list[Spot]:
    """Every text field of the campaign that may hold variables."""
    out: list[Spot] = []
    sig = text(campaign.get("signature"))
    if sig is not None:
        out.append(_signature(sig, ("signature",)))
    for i, node in _nodes(campaign):
        for key, kind in _NODE_TEXT:
            value = text(node.get(key))
            if value is not None:
                out.append(
                    Spot(
                        ("sequence_nodes", i, key),
                        value,
                        "message" if kind == "body" and node.get("type") != "email" else kind,
                        BRACES,
                        PERCENT,
                    )
                )
        value = text(node.get("signature"))
        if value is not None:
            out.append(_signature(value, ("sequence_nodes", i, "signature")))
    return out


def variable_refs(campaign: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    return []


def findings(campaign: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str, str]]:
    return []


def emails(campaign: Mapping[str, Any]) -> list[Email]:
    """Every email (with its signature) and LinkedIn message a prospect may receive."""
    out: list[Email] = []
    sig = text(campaign.get("signature"))
    for i, node in _nodes(campaign):
        kind = node.get("type")
        at: tuple[str | int, ...] = ("sequence_nodes", i)
        if kind == "email":
            key = "body_html" if text(node.get("body_html")) is not None else "body"
            body = text(node.get(key))
            subject = text(node.get("subject"))
            own = text(node.get("signature"))
            signature = (
                _signature(own, (*at, "signature"))
                if own is not None
                else _signature(sig, ("signature",))
                if sig is not None
                else None
            )
            out.append(
                Email(
                    f"step {i + 1}",
                    i + 1,
                    "email",
                    Spot((*at, "subject"), subject, "subject", BRACES, PERCENT)
                    if subject is not None
                    else None,
                    Spot((*at, key), body, "body", BRACES, PERCENT) if body is not None else None,
                    signature,
                    reply=node.get("is_reply") is True,
                )
            )
        elif kind in ("message", "connection_request") and text(node.get("body")) is not None:
            if kind == "connection_request" and node.get("include_message") is False:
                continue
            out.append(
                Email(
                    f"step {i + 1} ({kind})",
                    i + 1,
                    "message",
                    None,
                    Spot((*at, "body"), node["body"], "message", BRACES, PERCENT),
                )
            )
    return out


def lead_values(fields: Mapping[str, str]) -> dict[str, str]:
    """A leads-CSV row as values: the prospect's fields, other columns as custom_fields.<key>."""
    from .leads import PuffleLeads

    out = {}
    for k, v in fields.items():
        if v:
            out[k if k in PuffleLeads.columns or k == "name" else f"custom_fields.{k}"] = v
    if "name" not in out and (out.get("first_name") or out.get("last_name")):
        out["name"] = " ".join(x for x in (out.get("first_name"), out.get("last_name")) if x)
    return out


def record_values(record: Mapping[str, Any]) -> dict[str, str]:
    """A prospect of the campaign's prospects list as values."""
    out = {
        k: str(record[k])
        for k in VARIABLES.fields
        if isinstance(record.get(k), (str, int, float)) and record.get(k) != ""
    }
    custom = record.get("custom_fields")
    if isinstance(custom, dict):
        out.update({f"custom_fields.{k}": str(v) for k, v in custom.items() if v not in (None, "")})
    return out
