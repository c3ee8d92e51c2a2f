"""Puffle's sequence rules: node types, channels, the end node, delays (part of catalogue.py)."""

from __future__ import annotations

from typing import Any

from ..catalogue import DELETE, Probe, Rule
from .catalogue_sources import END, HELLO, LINKEDIN_SENDER, REF, UPDATE

# A LinkedIn campaign for the channel probes (set whole: type, senders and nodes go together).
LINKEDIN: dict[str, Any] = {
    "type": "linkedin",
    "sender_account_ids": [LINKEDIN_SENDER],
    "sequence_nodes": [{"type": "connection_request", "body": "Hi"}, dict(END)],
}


def _delay(**parts: int) -> dict[str, Any]:
    """A probe: the base sequence with a delay node of `parts` between the email and end."""
    return {"sequence_nodes": [dict(HELLO), {"type": "delay", **parts}, dict(HELLO), dict(END)]}


def _nodes(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"sequence_nodes": [dict(n) for n in nodes]}


_PLAN = "tests/providers/puffle/test_client.py::"
_RULES = "tests/providers/puffle/test_schema_rules.py::"
_SB = "tests/sandbox/puffle/"

SEQUENCE_RULES: tuple[Rule, ...] = (
    Rule(
        "PF-6",
        "Email-only fields on a LinkedIn campaign, and LinkedIn-only fields on an email "
        "campaign, are refused offline; Puffle ignores them",
        UPDATE,
        "Email only. Max prospects per day across all senders.",
        "choice",
        "error",
        client="rules.py _channel_fields",
        sandbox="",
        why="Puffle marks these fields 'Email only' / 'LinkedIn draft only' and states no "
        "error, so its PATCH (and the sandbox, like it) drops them: a field that can never "
        "take effect is refused so the file does not state a setting the campaign lacks "
        "(and the read-back would never match). The message says Puffle ignores it and "
        "that the refusal is outreach's rule. Audit PF-6 is right that the old message "
        "read as the vendor's rule.",
        why_not="Puffle accepts the request and drops the field (campaigns.py _apply)",
        probes=(
            Probe("daily-limit-on-linkedin", {**LINKEDIN, "daily_limit": 50}, "refuse", "accept"),
            Probe(
                "stop-on-reply-on-linkedin", {**LINKEDIN, "stop_on_reply": True}, "refuse", "accept"
            ),
            Probe("skip-other-on-email", {"skip_other_campaigns": True}, "refuse", "accept"),
            Probe(
                "skip-other-on-linkedin-ok",
                {**LINKEDIN, "skip_other_campaigns": True},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "PF-7",
        "sequence_nodes replaces the whole sequence; positions follow array order",
        UPDATE,
        "the server replaces the entire sequence. Positions are normalized to match array order",
        "documented",
        "normalised",
        client="adapter.py (sequence_nodes compared and sent whole)",
        sandbox="sandbox/puffle/campaigns.py _replace_nodes",
        tested_by=(
            _SB + "test_update_page.py::test_sequence_nodes_positions_follow_array_order",
            _PLAN + "test_create_sets_the_sequence_with_a_patch",
        ),
    ),
    Rule(
        "PF-8",
        "A node's own position is ignored: Puffle numbers nodes by array order",
        UPDATE,
        "Positions are normalized to match array order — don’t try to set your own position "
        "values.",
        "documented",
        "normalised",
        client="rules.py (warning); adapter.py _without_positions (not sent, not compared)",
        sandbox="sandbox/puffle/campaigns.py _replace_nodes (position dropped)",
        why="Audit PF-8 is right: the client refused what the page says the server "
        "normalises. Now validate warns, the adapter neither sends nor compares it.",
        probes=(
            Probe("position-set", {"sequence_nodes.0.position": 5}, "warn", "accept"),
            Probe("position-equal-to-index", {"sequence_nodes.1.position": 1}, "warn", "accept"),
        ),
        tested_by=(_PLAN + "test_positions_in_the_file_apply_then_plan_no_change",),
    ),
    Rule(
        "PF-9",
        "Exactly one end node, as the last node",
        REF,
        "Keep exactly one terminal `end` node. Deleting it makes the campaign unlaunchable.",
        "choice",
        "error",
        client="rules.py _sequence",
        sandbox="",
        why="Puffle's PATCH accepts such a sequence ('Include every node you want to keep, "
        "including end') and only validate/launch refuse it; outreach refuses the file "
        "up front because the campaign could never launch. The message says so. Audit "
        "PF-9 is right that the two sides differ at PATCH time; that is this choice.",
        why_not="the PATCH accepts it; the sandbox's validate and launch refuse it "
        "(lifecycle.py _readiness)",
        probes=(
            Probe("no-end", _nodes(HELLO), "refuse", "accept"),
            Probe("two-ends", _nodes(HELLO, END, END), "refuse", "accept"),
            Probe("end-not-last", _nodes(END, HELLO), "refuse", "accept"),
        ),
        tested_by=(_SB + "test_lifecycle.py::test_validate_reports_what_blocks_a_launch",),
    ),
    Rule(
        "PF-10",
        "A delay node totals at least 1 minute and at most 30 days",
        UPDATE,
        "Delay nodes must total ≥ 1 minute and ≤ 30 days across delay_days + delay_hours + "
        "delay_minutes.",
        "documented",
        "error",
        client="rules.py _delay",
        sandbox="sandbox/puffle/validation.py _node_errors",
        probes=(
            Probe("zero", _delay(delay_minutes=0), "refuse", "refuse"),
            Probe("empty", _delay(), "refuse", "refuse"),
            Probe("one-minute-on-the-bound", _delay(delay_minutes=1), "accept", "accept"),
            Probe("thirty-days-on-the-bound", _delay(delay_days=30), "accept", "accept"),
            Probe("720-hours-on-the-bound", _delay(delay_hours=720), "accept", "accept"),
            Probe(
                "mixed-on-the-bound",
                _delay(delay_days=29, delay_hours=23, delay_minutes=60),
                "accept",
                "accept",
            ),
            Probe(
                "thirty-days-one-minute", _delay(delay_days=30, delay_minutes=1), "refuse", "refuse"
            ),
            Probe("43201-minutes", _delay(delay_minutes=43201), "refuse", "refuse"),
            Probe("721-hours", _delay(delay_hours=721), "refuse", "refuse"),
        ),
    ),
    Rule(
        "PF-11",
        "An invalid delay fails the whole PATCH with 400, nothing written",
        UPDATE,
        "The server validates before any writes, so invalid delays fail cleanly with 400 and "
        "no partial state.",
        "documented",
        "error",
        client="",
        sandbox="sandbox/puffle/campaigns.py _update_campaign (validate first)",
        why_not="validate refuses the file (PF-10), so such a PATCH is never sent",
        tested_by=(
            _SB + "test_update_page.py::"
            "test_delay_limits_are_checked_even_where_the_sequence_would_be_ignored",
            _SB + "test_update_page.py::test_a_bad_value_fails_the_whole_patch",
        ),
    ),
    Rule(
        "PF-12",
        "Delay parts are non-negative integers",
        REF,
        "`delay_days` / `delay_hours` / `delay_minutes` → delay",
        "choice",
        "error",
        client="schema.json delay_* (x-rule)",
        sandbox="sandbox/puffle/validation.py",
        why="the docs name the parts and bound only their total; a negative or fractional "
        "part would make the total mean something else than it reads",
        probes=(
            Probe("negative", _delay(delay_days=2, delay_hours=-1), "refuse", "refuse"),
            Probe(
                "fraction",
                {"sequence_nodes": [dict(HELLO), {"type": "delay", "delay_hours": 1.5}, dict(END)]},
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "PF-13",
        "The per-node PUT does not check delay totals; launch does",
        REF,
        "the check happens at launch.",
        "documented",
        "accepted",
        client="",
        sandbox="sandbox/puffle/sequence.py _edit_node; lifecycle.py _readiness",
        why_not="the client writes sequences with the PATCH only (PF-10 checks them offline)",
        tested_by=(_SB + "test_sequence_nodes.py::test_sequence_node_endpoints_edit_a_draft",),
    ),
    Rule(
        "PF-23",
        "A campaign's type is email or linkedin, given at create",
        REF,
        "`linkedin` or `email`.",
        "documented",
        "error",
        client="schema.json type (required, enum)",
        sandbox="sandbox/puffle/campaigns.py _create_campaign",
        probes=(
            Probe("sms", {"type": "sms"}, "refuse", "refuse"),
            Probe("missing", {"type": DELETE}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "PF-24",
        "A campaign's type never changes (the PATCH has no type)",
        REF,
        "Type cannot change after creation",
        "documented",
        "ignored",
        client="rules.py RULES type (plan: blocked as ignored)",
        sandbox="sandbox/puffle/campaigns.py (type not in PATCH_TABLE: dropped)",
        tested_by=(
            _RULES + "test_type_never_changes",
            _SB + "test_update_page.py::test_type_cannot_change",
            _PLAN + "test_a_type_change_is_blocked_as_ignored_and_the_sandbox_keeps_the_type",
        ),
    ),
    Rule(
        "PF-25",
        "Node types: connection_request, message, email, delay, ai, end",
        REF,
        "`connection_request`, `message`, `email`, `delay`, `ai`, `end`.",
        "documented",
        "error",
        client="schema.json node type enum",
        sandbox="sandbox/puffle/validation.py",
        probes=(
            Probe(
                "sms-node", {"sequence_nodes.0": {"type": "sms", "body": "x"}}, "refuse", "refuse"
            ),
        ),
    ),
    Rule(
        "PF-26",
        "Email campaigns take email nodes, LinkedIn campaigns connection_request and "
        "message nodes (delay, ai and end fit both)",
        REF,
        "Always creates a draft seeded with `[connection_request, end]` or `[email, end]`.",
        "choice",
        "error",
        client="rules.py _sequence (CHANNEL_NODE_TYPES)",
        sandbox="sandbox/puffle/validation.py _node_errors (400)",
        why="the docs list node types without saying which channel sends which; the create "
        "seeds and every example pair email nodes with email campaigns, and a LinkedIn "
        "account has no mailbox to send an email node from. Both readings refuse it.",
        probes=(
            Probe(
                "message-in-email",
                {"sequence_nodes.0": {"type": "message", "body": "x"}},
                "refuse",
                "refuse",
            ),
            Probe(
                "email-in-linkedin",
                {**LINKEDIN, "sequence_nodes": [dict(HELLO), dict(END)]},
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "PF-27",
        "A node takes only its type's fields",
        REF,
        "Which fields each type takes:",
        "choice",
        "error",
        client="rules.py _foreign_fields",
        sandbox="",
        why="the docs list each type's fields and say nothing of the others; the sandbox, "
        "like Puffle would, drops them silently, so outreach refuses them so nothing "
        "written in the file is lost unseen. Audit PF-27 quotes 'silently ignored unless "
        "the node type is ai' as the docs'; no source under shared/ says it.",
        why_not="the sandbox stores only the type's own fields (campaigns.py _replace_nodes)",
        probes=(
            Probe(
                "body-on-a-delay",
                {
                    "sequence_nodes": [
                        dict(HELLO),
                        {"type": "delay", "delay_days": 1, "body": "x"},
                        dict(HELLO),
                        dict(END),
                    ]
                },
                "refuse",
                "accept",
            ),
            Probe(
                "include-message-on-email",
                {"sequence_nodes.0.include_message": True},
                "refuse",
                "accept",
            ),
        ),
    ),
    Rule(
        "PF-28",
        "A node id is a UUID; a node keeps its id only with the same type",
        REF,
        "UUIDs everywhere: campaigns, nodes, prospects, sender accounts.",
        "documented",
        "error",
        client="schema.json node id; adapter.py patch_body (ids kept by type)",
        sandbox="sandbox/puffle/validation.py; campaigns.py _replace_nodes",
        probes=(
            Probe("node-id-not-a-uuid", {"sequence_nodes.0.id": "node-1"}, "refuse", "refuse"),
        ),
        tested_by=(_SB + "test_update_page.py::test_a_node_id_of_another_type_gets_a_new_node",),
    ),
)
