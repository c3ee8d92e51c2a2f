"""Puffle's edit rules as data, and the offline rules its JSON Schema cannot state.

`RULES` is the status × field table of Puffle's "Update campaign" page
(shared/seeds/puffle-update-campaign.txt): on `draft` every field may change; on `active` and
`paused` only `name`, `operating_hours`, `daily_limit` and `account_limits`. Puffle does not
refuse the other fields after launch, it silently drops them, which is why the plan must say so
first. `check()` covers what the schema checks one field at a time cannot: delay totals (the
docs' rule), the end node, channel-only fields, node types and their fields, positions,
repeated account limits. Signature variables are checked with the rest of the copy
(`templates.py`).

Where the docs are silent and Puffle would silently drop a value (a field of the other
channel, a field of another node type) or accept a sequence it will not launch (no end node),
`check()` refuses it as outreach's rule and its message says so, and why. Each rule, with its
source, is in catalogue.py.
"""

from __future__ import annotations

from typing import Any

from ..base import FieldRule, Finding, Path, rule_for

# -- rules as data --------------------------------------------------------------------------

STATUSES = ("draft", "launching", "active", "paused", "completed")
TYPES = ("email", "linkedin")
NODE_TYPES = ("connection_request", "message", "email", "delay", "ai", "end")
# What `outreach doctor` says of the limits (providers.md §3, the API overview page).
RATE_DOC = (
    "no global figure: endpoint-specific cooldowns, 429 with Retry-After (launch may "
    "answer 503: retry after 30 s); no X-RateLimit-* headers documented"
)
# Node types each channel can send; delay, ai and end fit both.
CHANNEL_NODE_TYPES: dict[str, frozenset[str]] = {
    "email": frozenset({"email", "delay", "ai", "end"}),
    "linkedin": frozenset({"connection_request", "message", "delay", "ai", "end"}),
}
SENDING_NODE_TYPES = frozenset({"connection_request", "message", "email", "ai"})
# The fields each node type takes (providers.md §3, "Which fields each type takes", and the
# extra email fields); `type`, `id` and `position` belong to every node.
NODE_FIELDS: dict[str, tuple[str, ...]] = {
    "connection_request": ("body", "include_message"),
    "message": ("body",),
    "email": (
        "subject",
        "body",
        "is_reply",
        "body_html",
        "signature",
        "from_name",
        "reply_to",
        "cc",
        "bcc",
        "attachments",
    ),
    "delay": ("delay_days", "delay_hours", "delay_minutes"),
    "ai": ("ai_node",),
    "end": (),
}
ANY_NODE_FIELDS = ("type", "id", "position")
OURS = "outreach's rule"
EMAIL_ONLY = ("daily_limit", "account_limits", "stop_on_reply", "open_tracking", "signature")
LINKEDIN_ONLY = ("skip_other_campaigns",)

MIN_DELAY_MINUTES = 1
MAX_DELAY_MINUTES = 30 * 24 * 60
MAX_ACCOUNT_LIMITS = 50
DAILY_LIMIT_RANGE = (1, 500)

OPERATING_HOURS_NOTE = (
    "on an active campaign Puffle wakes sleeping prospects at once: expect sends within about "
    "30 seconds"
)
# FieldRule.note is shown on every allowed change; this one is true only of active campaigns.
NOTE_STATUSES: dict[str, frozenset[str]] = {"operating_hours": frozenset({"active"})}

_ANY = frozenset(STATUSES)
_DRAFT = frozenset({"draft"})
_EMAIL = frozenset({"email"})
_LINKEDIN = frozenset({"linkedin"})
_NO_WAY_BACK = (
    "Puffle has no way back to draft: to change it, create a new campaign (give the file a new "
    "key, or remove its id: and state entry), or keep the value the live campaign has"
)


def _draft_only(field: str, types: frozenset[str] | None = None) -> FieldRule:
    return FieldRule(
        field,
        _DRAFT,
        types=types,
        when_forbidden="ignored",
        remedy=_NO_WAY_BACK,
        reason=f"{field} can change only in draft; Puffle would silently ignore it on a "
        "campaign that has left draft",
    )


def _wrong_channel(field: str, channel: str) -> FieldRule:
    """The row for a channel-only field on a campaign of the other channel.

    `check()` already makes such a file invalid; this row keeps the table complete (and the
    README's table honest) should a change reach the planner anyway. Puffle's PATCH documents
    these fields as "email only" / "LinkedIn only" without an error, so they are ignored.
    """
    other = _LINKEDIN if channel == "email" else _EMAIL
    title = "email" if channel == "email" else "LinkedIn"
    return FieldRule(
        field,
        frozenset(),
        types=other,
        when_forbidden="ignored",
        reason=f"{field} is for {title} campaigns only; Puffle ignores it on this campaign",
        remedy=f"remove {field} from this campaign's file",
    )


RULES: tuple[FieldRule, ...] = (
    FieldRule(
        "type",
        frozenset(),
        when_forbidden="ignored",
        reason="a campaign's type is fixed at creation",
        remedy="create a new campaign of the other type (a new key, or remove id: and its "
        "state entry)",
    ),
    FieldRule("name", _ANY),
    FieldRule("operating_hours", _ANY, note=OPERATING_HOURS_NOTE),
    FieldRule("daily_limit", _ANY, types=_EMAIL),
    _wrong_channel("daily_limit", "email"),
    FieldRule("account_limits", _ANY, types=_EMAIL),
    _wrong_channel("account_limits", "email"),
    _draft_only("skip_other_campaigns", _LINKEDIN),
    _wrong_channel("skip_other_campaigns", "linkedin"),
    _draft_only("stop_on_reply", _EMAIL),
    _wrong_channel("stop_on_reply", "email"),
    _draft_only("open_tracking", _EMAIL),
    _wrong_channel("open_tracking", "email"),
    _draft_only("signature", _EMAIL),
    _wrong_channel("signature", "email"),
    _draft_only("sender_account_ids"),
    _draft_only("sequence_nodes"),
)


def note_for(field: str, status: str, ctype: str | None = None) -> str:
    """The note to show on an allowed change of `field` on a campaign in `status`.

    Only `operating_hours` on an active campaign has one: FieldRule.note alone would also show
    it on drafts, where no prospect sleeps.
    """
    rule = rule_for(RULES, field, "change", ctype)
    if rule is None or not rule.note:
        return ""
    statuses = NOTE_STATUSES.get(rule.field)
    return rule.note if statuses is None or status in statuses else ""


# -- offline checks -------------------------------------------------------------------------

_CAMPAIGN: Path = ("campaign",)
_NODES: Path = ("campaign", "sequence_nodes")


def check(campaign: dict[str, Any]) -> list[Finding]:
    """Return every cross-field problem in a Puffle `campaign:` block.

    Assumes the schema has run, but tolerates any shape: a value of an unexpected type is
    skipped (the schema reports it), never a crash. Paths start at ("campaign", …).
    """
    if not isinstance(campaign, dict):
        return []
    ctype = campaign.get("type")
    ctype = ctype if ctype in TYPES else None
    findings = _channel_fields(campaign, ctype)
    nodes = campaign.get("sequence_nodes")
    if isinstance(nodes, list):
        findings += _sequence(nodes, ctype)
    limits = campaign.get("account_limits")
    if isinstance(limits, list):
        findings += _account_limits(limits)
    # Signature variables: checked with the rest of the copy (templates.py, copycheck.py).
    return findings


def _channel_fields(campaign: dict[str, Any], ctype: str | None) -> list[Finding]:
    if ctype is None:
        return []
    wrong, title = (EMAIL_ONLY, "email") if ctype == "linkedin" else (LINKEDIN_ONLY, "LinkedIn")
    return [
        Finding(
            _CAMPAIGN + (f,),
            f"{f} is for {title} campaigns only; Puffle ignores it on this {ctype} "
            f"campaign ({OURS}: refused, so the file never states a setting the campaign "
            "does not have)",
            related=(_CAMPAIGN + ("type",),),
        )
        for f in wrong
        if f in campaign
    ]


def _sequence(nodes: list[Any], ctype: str | None) -> list[Finding]:
    findings: list[Finding] = []
    last = len(nodes) - 1
    ends = [i for i, n in enumerate(nodes) if isinstance(n, dict) and n.get("type") == "end"]
    if not ends:
        findings.append(
            Finding(
                _NODES,
                f"the sequence has no end node ({OURS}: {_UNLAUNCHABLE}); add "
                "{type: end} as the last node",
            )
        )
    for i in ends:
        if i != ends[-1]:
            findings.append(
                Finding(
                    _NODES + (i, "type"),
                    f"a second end node follows at sequence_nodes[{ends[-1]}] ({OURS}: keep "
                    f"exactly one, last; {_UNLAUNCHABLE})",
                    related=(_NODES + (ends[-1], "type"),),
                )
            )
        elif i != last:
            findings.append(
                Finding(
                    _NODES + (i, "type"),
                    f"the end node must be the last node; {last - i} node(s) follow it ({OURS}: "
                    f"{_UNLAUNCHABLE})",
                )
            )
    for i, node in enumerate(nodes):
        if not isinstance(node, dict):
            continue
        path = _NODES + (i,)
        if "position" in node:
            findings.append(
                Finding(
                    path + ("position",),
                    "position is ignored: Puffle numbers nodes by their order in sequence_nodes "
                    '("don\'t try to set your own position values"), so outreach does not send '
                    "it; remove it",
                    severity="warning",
                )
            )
        ntype = node.get("type")
        if ntype in NODE_FIELDS:
            findings += _foreign_fields(path, node, ntype)
        if ctype is not None and ntype in NODE_TYPES and ntype not in CHANNEL_NODE_TYPES[ctype]:
            findings.append(
                Finding(
                    path + ("type",),
                    f"{ntype} nodes do not belong in a {ctype} campaign; it takes "
                    f"{', '.join(t for t in NODE_TYPES if t in CHANNEL_NODE_TYPES[ctype])} "
                    f"({OURS}: the docs pair each channel with its own nodes, and a {ctype} "
                    "sender cannot send this one)",
                    related=(_CAMPAIGN + ("type",),),
                )
            )
        if ntype == "delay":
            findings += _delay(path, node)
    if not any(isinstance(n, dict) and n.get("type") in SENDING_NODE_TYPES for n in nodes):
        findings.append(
            Finding(
                _NODES,
                "the sequence has no node that sends anything: nothing to send",
                severity="warning",
            )
        )
    return findings


_UNLAUNCHABLE = (
    "Puffle accepts such a sequence but will not launch it: it needs exactly one "
    "end node, as the last node"
)
_KNOWN_NODE_FIELDS = frozenset(ANY_NODE_FIELDS).union(*NODE_FIELDS.values())


def _foreign_fields(path: Path, node: dict[str, Any], ntype: str) -> list[Finding]:
    """Fields of another node type (unknown keys are the schema's to report)."""
    takes = NODE_FIELDS[ntype]
    return [
        Finding(
            path + (key,),
            f"{key} is not a field of {ntype} nodes (they take "
            f"{', '.join(takes) or 'no content'}); Puffle would drop it silently ({OURS}: "
            "refused, so nothing written in the file is lost unseen)",
        )
        for key in node
        if key in _KNOWN_NODE_FIELDS and key not in ANY_NODE_FIELDS and key not in takes
    ]


def _delay(path: Path, node: dict[str, Any]) -> list[Finding]:
    parts = [node.get(k, 0) for k in ("delay_days", "delay_hours", "delay_minutes")]
    if not all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in parts):
        return []  # the schema reports the bad value itself
    days, hours, minutes = parts
    total = days * 1440 + hours * 60 + minutes
    if total < MIN_DELAY_MINUTES:
        return [
            Finding(
                path,
                f"delay totals {_duration(total)}; Puffle needs at least "
                f"{_duration(MIN_DELAY_MINUTES)}",
            )
        ]
    if total > MAX_DELAY_MINUTES:
        return [
            Finding(
                path,
                f"delay totals {_duration(total)}; Puffle allows at most "
                f"{_duration(MAX_DELAY_MINUTES)}",
            )
        ]
    return []


def _duration(minutes: int) -> str:
    """`0 minutes`, `1 minute`, `30 days`, `30 days 1 minute (43201 minutes)`."""
    d, rest = divmod(minutes, 1440)
    h, m = divmod(rest, 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((d, "day"), (h, "hour"), (m, "minute"))
        if n
    ]
    text = " ".join(parts) or "0 minutes"
    return text if len(parts) <= 1 else f"{text} ({minutes} minutes)"


def _account_limits(limits: list[Any]) -> list[Finding]:
    findings: list[Finding] = []
    seen: dict[str, list[int]] = {}
    for i, entry in enumerate(limits):
        if not isinstance(entry, dict) or not isinstance(entry.get("account_id"), str):
            continue
        account = entry["account_id"].lower()
        earlier = seen.setdefault(account, [])
        if earlier:
            findings.append(
                Finding(
                    _CAMPAIGN + ("account_limits", i, "account_id"),
                    f"account_id {entry['account_id']} is repeated (first at "
                    f"account_limits[{earlier[0]}]); the last entry wins",
                    severity="warning",
                    related=tuple(_CAMPAIGN + ("account_limits", j, "account_id") for j in earlier),
                )
            )
        earlier.append(i)
    return findings
