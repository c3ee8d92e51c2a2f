"""Puffle's rules, each with its source and quote: the catalogue both readings are held to.

Ids follow the outside audit (shared/reference/rules-audit.md, PF-1 … PF-38); PF-39 on are
outreach's choices the audit did not list. Where this catalogue judges an audit row wrong, the
rule's `why` says so, with the source. This module holds the campaign fields' rules and
assembles CATALOGUE from its parts: catalogue_sequence.py the nodes, channels and delays,
catalogue_api.py the protocol, lifecycle and prospects.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import Probe, Rule
from .catalogue_api import API_RULES
from .catalogue_sequence import SEQUENCE_RULES
from .catalogue_sources import EMAIL_SENDER, END, HELLO, LINKEDIN_SENDER, REF, UPDATE

# The smallest campaign Puffle's create accepts; probes change one thing in it.
BASE: dict[str, Any] = {
    "type": "email",
    "name": "Probe",
    "sender_account_ids": [EMAIL_SENDER],
    "sequence_nodes": [dict(HELLO), dict(END)],
}


def _limits(count: int) -> list[dict[str, Any]]:
    return [
        {"account_id": f"5e4de000-0000-4000-8000-{i:012d}", "daily_limit": 10}
        for i in range(1, count + 1)
    ]


_PLAN = "tests/providers/puffle/test_client.py::"
_RULES = "tests/providers/puffle/test_schema_rules.py::"
_SB = "tests/sandbox/puffle/"

FIELD_RULES: tuple[Rule, ...] = (
    Rule(
        "PF-4",
        "name, operating_hours, daily_limit and account_limits change in any status",
        UPDATE,
        "name | ✅ | ✅ | ✅ |",
        "documented",
        "accepted",
        client="rules.py RULES",
        sandbox="sandbox/puffle/validation.py PATCH_TABLE",
        tested_by=(
            _RULES + "test_rules_follow_the_update_page",
            _SB + "test_update_page.py::test_update_page_table",
            _PLAN + "test_operating_hours_on_active_says_prospects_wake",
        ),
    ),
    Rule(
        "PF-5",
        "Draft-only fields are silently ignored once the campaign left draft",
        UPDATE,
        "sequence_nodes | ✅ | ignored | ignored |",
        "documented",
        "ignored",
        client="rules.py RULES (plan: blocked, 'Puffle would silently ignore it', exit 3)",
        sandbox="sandbox/puffle/campaigns.py _apply",
        tested_by=(
            _PLAN + "test_draft_only_fields_blocked_on_active",
            _PLAN + "test_cli_plan_exits_3_for_a_sequence_edit_on_an_active_campaign",
        ),
    ),
    Rule(
        "PF-14",
        "name has at least 1 character",
        UPDATE,
        "Rename the campaign. Allowed on any status.",
        "documented",
        "error",
        client="schema.json name minLength",
        sandbox="sandbox/puffle/validation.py",
        probes=(
            Probe("empty", {"name": ""}, "refuse", "refuse"),
            Probe("one-character-on-the-bound", {"name": "Q"}, "accept", "accept"),
        ),
    ),
    Rule(
        "PF-15",
        "daily_limit is 1 to 500",
        UPDATE,
        "1 <= x <= 500",
        "documented",
        "error",
        client="schema.json daily_limit",
        sandbox="sandbox/puffle/validation.py",
        probes=(
            Probe("zero", {"daily_limit": 0}, "refuse", "refuse"),
            Probe("one-on-the-bound", {"daily_limit": 1}, "accept", "accept"),
            Probe("500-on-the-bound", {"daily_limit": 500}, "accept", "accept"),
            Probe("501", {"daily_limit": 501}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "PF-16",
        "account_limits takes at most 50 entries",
        UPDATE,
        "Maximum 50 entries per call.",
        "documented",
        "error",
        client="schema.json account_limits maxItems",
        sandbox="sandbox/puffle/validation.py",
        probes=(
            Probe("50-on-the-bound", {"account_limits": _limits(50)}, "accept", "accept"),
            Probe("51", {"account_limits": _limits(51)}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "PF-17",
        "A repeated account_id in account_limits keeps the last value",
        UPDATE,
        "Duplicate account_id keeps the last value.",
        "documented",
        "warning",
        client="rules.py _account_limits (warning)",
        sandbox="sandbox/puffle/campaigns.py _apply (merged, last wins)",
        probes=(
            Probe(
                "repeated",
                {
                    "account_limits": [
                        {"account_id": EMAIL_SENDER, "daily_limit": 10},
                        {"account_id": EMAIL_SENDER, "daily_limit": 20},
                    ]
                },
                "warn",
                "accept",
            ),
        ),
        tested_by=(_SB + "test_update_page.py::test_repeated_account_limit_keeps_the_last_value",),
    ),
    Rule(
        "PF-18",
        "An account limit is {account_id: UUID, daily_limit: at least 1}",
        REF,
        "`account_limits`: at most 50 entries of `{account_id, daily_limit}`",
        "choice",
        "error",
        client="schema.json account_limits items (x-rule)",
        sandbox="sandbox/puffle/validation.py _account_limit_errors",
        why="the docs give the entry's keys, not their types: an id is a UUID like every "
        "Puffle id, and a per-sender daily limit below 1 would stop the sender, which "
        "the campaign's own daily_limit (1-500) never allows",
        probes=(
            Probe(
                "id-not-a-uuid",
                {"account_limits": [{"account_id": "sender-1", "daily_limit": 10}]},
                "refuse",
                "refuse",
            ),
            Probe(
                "limit-zero",
                {"account_limits": [{"account_id": EMAIL_SENDER, "daily_limit": 0}]},
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "PF-19",
        "The UUID pattern takes versions 1-8 and the nil and all-f UUIDs",
        REF,
        "The path and body regex accepts versions 1–8 plus the nil and all-`f` UUIDs.",
        "documented",
        "error",
        client="schema.json (UUID pattern)",
        sandbox="sandbox/puffle/model.py UUID_PATTERN",
        probes=(
            Probe(
                "nil-ok",
                {
                    "account_limits": [
                        {"account_id": "00000000-0000-0000-0000-000000000000", "daily_limit": 10}
                    ]
                },
                "accept",
                "accept",
            ),
            Probe(
                "all-f-ok",
                {
                    "account_limits": [
                        {"account_id": "ffffffff-ffff-ffff-ffff-ffffffffffff", "daily_limit": 10}
                    ]
                },
                "accept",
                "accept",
            ),
            Probe(
                "version-9",
                {
                    "account_limits": [
                        {"account_id": "5e4de000-0000-9000-8000-000000000001", "daily_limit": 10}
                    ]
                },
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "PF-20",
        "sender_account_ids: UUIDs of senders of the campaign's type; replaces the set",
        UPDATE,
        "Draft only. Replaces the full sender set for this campaign.",
        "documented",
        "error",
        client="schema.json sender_account_ids (UUIDs)",
        sandbox="sandbox/puffle/campaigns.py _checked_senders",
        why="Audit PF-20 lists the duplicate-id disagreement under this row; it is outreach's "
        "choice, PF-39. Which senders exist and their channel only the server knows.",
        probes=(
            Probe("not-a-uuid", {"sender_account_ids": ["ada"]}, "refuse", "refuse"),
            Probe(
                "sender-of-the-other-channel",
                {"sender_account_ids": [LINKEDIN_SENDER]},
                "accept",
                "refuse",
            ),
        ),
    ),
    Rule(
        "PF-21",
        "signature takes %sender_*% and %first_name% variables",
        UPDATE,
        "Email draft only. Template with %sender_*% and %first_name% variables.",
        "documented",
        "warning",
        client="templates.py + copycheck.py (warning)",
        sandbox="",
        why_not="the docs do not say what Puffle does with other variables; the sandbox "
        "stores the text as written",
        probes=(
            Probe(
                "unknown-variable",
                {"signature": "Best, %sender_first_name% %nick%"},
                "warn",
                "accept",
            ),
            # A custom field the file does not declare under `variables:` is a warning
            # (issue 14: it may be a typo); the platform takes it as written.
            Probe(
                "undeclared-custom-field", {"signature": "%custom_fields.team%"}, "warn", "accept"
            ),
            # Issue 21: the node syntax in a signature was an error, though the README
            # lists the wrong syntax as a warning and Puffle stores the text as written.
            Probe(
                "node-syntax-in-signature", {"signature": "Best, {{first_name}}"}, "warn", "accept"
            ),
        ),
    ),
    Rule(
        "PF-22",
        "operating_hours is a per-weekday JSON object (shape undocumented) or null",
        UPDATE,
        "Per-weekday schedule (JSONB).",
        "documented",
        "error",
        client="schema.json operating_hours (object or null, compared whole)",
        sandbox="sandbox/puffle/validation.py",
        probes=(
            Probe("a-list", {"operating_hours": ["mon 9-17"]}, "refuse", "refuse"),
            Probe("an-object-ok", {"operating_hours": {"monday": [9, 17]}}, "accept", "accept"),
        ),
        tested_by=(_PLAN + "test_operating_hours_on_active_says_prospects_wake",),
    ),
    Rule(
        "PF-38",
        "Unknown keys in the campaign or a node are refused offline",
        REF,
        "Partial update; draft-only fields are **silently ignored** on other statuses.",
        "choice",
        "error",
        client="schema.json additionalProperties: false (x-rule)",
        sandbox="",
        why="the docs do not list other keys; Puffle's PATCH drops what it does not apply, "
        "so a typo would vanish unseen: outreach refuses it with 'did you mean'",
        why_not="the sandbox ignores unknown keys, as Puffle's PATCH does",
        probes=(
            Probe("unknown-campaign-key", {"daily_limits": 50}, "refuse", "accept"),
            Probe("unknown-node-key", {"sequence_nodes.0.subjet": "x"}, "refuse", "accept"),
        ),
    ),
    Rule(
        "PF-39",
        "sender_account_ids may not repeat an id",
        UPDATE,
        "Replaces the full sender set for this campaign.",
        "choice",
        "error",
        client="schema.json sender_account_ids uniqueItems (x-rule)",
        sandbox="",
        why="a sender set holds each sender once; a repeated id says the file was written "
        "wrong, and would never read back as written",
        why_not="the docs are silent; the sandbox keeps each sender once",
        probes=(
            Probe(
                "repeated-sender",
                {"sender_account_ids": [EMAIL_SENDER, EMAIL_SENDER]},
                "refuse",
                "accept",
            ),
        ),
    ),
    Rule(
        "PF-40",
        "A campaign name is at most 500 characters",
        UPDATE,
        "Rename the campaign. Allowed on any status.",
        "choice",
        "error",
        client="schema.json name maxLength (x-rule)",
        sandbox="",
        why="the docs give a lower bound only (at least 1 character); a name is sent in every "
        "create and rename and shown in every list and plan line, and 500 characters is "
        "far beyond any real name (a 1 MB name was accepted)",
        why_not="the docs are silent on a name's length: the sandbox, reading the docs, "
        "sets no limit",
        probes=(
            Probe("name-501", {"name": "N" * 501}, "refuse", "accept"),
            Probe("name-500", {"name": "N" * 500}, "accept", "accept"),
        ),
        tested_by=(
            "tests/test_validate_messages.py::test_a_1_mb_name_is_refused_offline_naming_file_line_and_field",
        ),
    ),
)


def _number(rule: Rule) -> int:
    return int(rule.id.removeprefix("PF-"))


# In id order, as the audit numbers them.
CATALOGUE: tuple[Rule, ...] = tuple(
    sorted((*FIELD_RULES, *SEQUENCE_RULES, *API_RULES), key=_number)
)
