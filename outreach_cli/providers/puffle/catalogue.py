"""Puffle's rules, each with its source and quote: the catalogue both readings are held to.

Ids follow the outside audit (shared/reference/rules-audit.md, PF-1 … PF-38); PF-39 on are
outreach's choices the audit did not list. Where this catalogue judges an audit row wrong, the
rule's `why` says so, with the source.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import DELETE, Probe, Rule

UPDATE = "seeds/puffle-update-campaign.txt"
REF = "reference/providers.md"

EMAIL_SENDER = "5e4de000-0000-4000-8000-000000000001"  # the sandbox's demo senders
LINKEDIN_SENDER = "5e4d1000-0000-4000-8000-000000000001"
_HELLO = {"type": "email", "subject": "Hello", "body": "Hi {{first_name}}"}
_END = {"type": "end"}

# The smallest campaign Puffle's create accepts; probes change one thing in it.
BASE: dict[str, Any] = {
    "type": "email",
    "name": "Probe",
    "sender_account_ids": [EMAIL_SENDER],
    "sequence_nodes": [dict(_HELLO), dict(_END)],
}

# A LinkedIn campaign for the channel probes (set whole: type, senders and nodes go together).
LINKEDIN: dict[str, Any] = {
    "type": "linkedin",
    "sender_account_ids": [LINKEDIN_SENDER],
    "sequence_nodes": [{"type": "connection_request", "body": "Hi"}, dict(_END)],
}


def _delay(**parts: int) -> dict[str, Any]:
    """A probe: the base sequence with a delay node of `parts` between the email and end."""
    return {"sequence_nodes": [dict(_HELLO), {"type": "delay", **parts}, dict(_HELLO),
                               dict(_END)]}


def _nodes(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"sequence_nodes": [dict(n) for n in nodes]}


def _limits(count: int) -> list[dict[str, Any]]:
    return [{"account_id": f"5e4de000-0000-4000-8000-{i:012d}", "daily_limit": 10}
            for i in range(1, count + 1)]


_PLAN = "tests/providers/puffle/test_client.py::"
_RULES = "tests/providers/puffle/test_schema_rules.py::"
_SB = "tests/sandbox/puffle/"
_NOT_SENT = ("nothing is sent that could break it: the client never writes this, or only the "
             "server can judge it")

CATALOGUE: tuple[Rule, ...] = (
    Rule("PF-1", "The API is https://app.puffle.ai with paths under /api", REF,
         "Documented paths already include the `/api` prefix", "documented", "accepted",
         client="adapter.py Puffle.default_url", sandbox="sandbox/server.py (/puffle/api)",
         tested_by=(_PLAN + "test_examples_apply_then_plan_no_change",)),
    Rule("PF-2", "Auth is Authorization: Bearer <key>; a 401 is not retried", UPDATE,
         "Bearer authentication header of the form Bearer <token>", "documented", "error",
         client="adapter.py connect; http.py (4xx not retried)",
         sandbox="sandbox/puffle/request.py _api_key",
         tested_by=(_SB + "test_auth_and_workspaces.py::test_auth_needs_a_bearer_pk_key",
                    "tests/test_http.py::test_client_errors_are_not_retried")),
    Rule("PF-3", "A campaign id is a UUID (versions 1-8, nil, all-f)", UPDATE, "Campaign UUID",
         "documented", "error", client="",
         sandbox="sandbox/puffle/request.py (path id pattern: 400)",
         why_not="the file's envelope `id:` belongs to issue 13 (id checks); until then "
                 "validate accepts any non-empty id and the sandbox's 400 is what catches it",
         tested_by=(_SB + "test_campaigns.py::test_bad_and_unknown_ids",)),
    Rule("PF-4", "name, operating_hours, daily_limit and account_limits change in any status",
         UPDATE, "name | ✅ | ✅ | ✅ |", "documented", "accepted",
         client="rules.py RULES", sandbox="sandbox/puffle/validation.py PATCH_TABLE",
         tested_by=(_RULES + "test_rules_follow_the_update_page",
                    _SB + "test_update_page.py::test_update_page_table",
                    _PLAN + "test_operating_hours_on_active_says_prospects_wake")),
    Rule("PF-5", "Draft-only fields are silently ignored once the campaign left draft", UPDATE,
         "sequence_nodes | ✅ | ignored | ignored |", "documented", "ignored",
         client="rules.py RULES (plan: blocked, 'Puffle would silently ignore it', exit 3)",
         sandbox="sandbox/puffle/campaigns.py _apply",
         tested_by=(_PLAN + "test_draft_only_fields_blocked_on_active",
                    _PLAN + "test_cli_plan_exits_3_for_a_sequence_edit_on_an_active_campaign")),
    Rule("PF-6", "Email-only fields on a LinkedIn campaign, and LinkedIn-only fields on an email "
         "campaign, are refused offline; Puffle ignores them", UPDATE,
         "Email only. Max prospects per day across all senders.", "choice", "error",
         client="rules.py _channel_fields", sandbox="",
         why="Puffle marks these fields 'Email only' / 'LinkedIn draft only' and states no "
             "error, so its PATCH (and the sandbox, like it) drops them: a field that can never "
             "take effect is refused so the file does not state a setting the campaign lacks "
             "(and the read-back would never match). The message says Puffle ignores it and "
             "that the refusal is outreach's rule. Audit PF-6 is right that the old message "
             "read as the vendor's rule.",
         why_not="Puffle accepts the request and drops the field (campaigns.py _apply)",
         probes=(Probe("daily-limit-on-linkedin", {**LINKEDIN, "daily_limit": 50},
                       "refuse", "accept"),
                 Probe("stop-on-reply-on-linkedin", {**LINKEDIN, "stop_on_reply": True},
                       "refuse", "accept"),
                 Probe("skip-other-on-email", {"skip_other_campaigns": True},
                       "refuse", "accept"),
                 Probe("skip-other-on-linkedin-ok", {**LINKEDIN, "skip_other_campaigns": True},
                       "accept", "accept"))),
    Rule("PF-7", "sequence_nodes replaces the whole sequence; positions follow array order",
         UPDATE, "the server replaces the entire sequence. Positions are normalized to match "
         "array order", "documented", "normalised",
         client="adapter.py (sequence_nodes compared and sent whole)",
         sandbox="sandbox/puffle/campaigns.py _replace_nodes",
         tested_by=(_SB + "test_update_page.py::test_sequence_nodes_positions_follow_array_order",
                    _PLAN + "test_create_sets_the_sequence_with_a_patch")),
    Rule("PF-8", "A node's own position is ignored: Puffle numbers nodes by array order", UPDATE,
         "Positions are normalized to match array order — don’t try to set your own position "
         "values.", "documented", "normalised",
         client="rules.py (warning); adapter.py _without_positions (not sent, not compared)",
         sandbox="sandbox/puffle/campaigns.py _replace_nodes (position dropped)",
         why="Audit PF-8 is right: the client refused what the page says the server "
             "normalises. Now validate warns, the adapter neither sends nor compares it.",
         probes=(Probe("position-set", {"sequence_nodes.0.position": 5}, "warn", "accept"),
                 Probe("position-equal-to-index", {"sequence_nodes.1.position": 1},
                       "warn", "accept")),
         tested_by=(_PLAN + "test_positions_in_the_file_apply_then_plan_no_change",)),
    Rule("PF-9", "Exactly one end node, as the last node", REF,
         "Keep exactly one terminal `end` node. Deleting it makes the campaign unlaunchable.",
         "choice", "error", client="rules.py _sequence", sandbox="",
         why="Puffle's PATCH accepts such a sequence ('Include every node you want to keep, "
             "including end') and only validate/launch refuse it; outreach refuses the file "
             "up front because the campaign could never launch. The message says so. Audit "
             "PF-9 is right that the two sides differ at PATCH time; that is this choice.",
         why_not="the PATCH accepts it; the sandbox's validate and launch refuse it "
                 "(lifecycle.py _readiness)",
         probes=(Probe("no-end", _nodes(_HELLO), "refuse", "accept"),
                 Probe("two-ends", _nodes(_HELLO, _END, _END), "refuse", "accept"),
                 Probe("end-not-last", _nodes(_END, _HELLO), "refuse", "accept")),
         tested_by=(_SB + "test_lifecycle.py::test_validate_reports_what_blocks_a_launch",)),
    Rule("PF-10", "A delay node totals at least 1 minute and at most 30 days", UPDATE,
         "Delay nodes must total ≥ 1 minute and ≤ 30 days across delay_days + delay_hours + "
         "delay_minutes.", "documented", "error",
         client="rules.py _delay", sandbox="sandbox/puffle/validation.py _node_errors",
         probes=(Probe("zero", _delay(delay_minutes=0), "refuse", "refuse"),
                 Probe("empty", _delay(), "refuse", "refuse"),
                 Probe("one-minute-on-the-bound", _delay(delay_minutes=1), "accept", "accept"),
                 Probe("thirty-days-on-the-bound", _delay(delay_days=30), "accept", "accept"),
                 Probe("720-hours-on-the-bound", _delay(delay_hours=720), "accept", "accept"),
                 Probe("mixed-on-the-bound", _delay(delay_days=29, delay_hours=23,
                                                    delay_minutes=60), "accept", "accept"),
                 Probe("thirty-days-one-minute", _delay(delay_days=30, delay_minutes=1),
                       "refuse", "refuse"),
                 Probe("43201-minutes", _delay(delay_minutes=43201), "refuse", "refuse"),
                 Probe("721-hours", _delay(delay_hours=721), "refuse", "refuse"))),
    Rule("PF-11", "An invalid delay fails the whole PATCH with 400, nothing written", UPDATE,
         "The server validates before any writes, so invalid delays fail cleanly with 400 and "
         "no partial state.", "documented", "error",
         client="", sandbox="sandbox/puffle/campaigns.py _update_campaign (validate first)",
         why_not="validate refuses the file (PF-10), so such a PATCH is never sent",
         tested_by=(_SB + "test_update_page.py::"
                    "test_delay_limits_are_checked_even_where_the_sequence_would_be_ignored",
                    _SB + "test_update_page.py::test_a_bad_value_fails_the_whole_patch")),
    Rule("PF-12", "Delay parts are non-negative integers", REF,
         "`delay_days` / `delay_hours` / `delay_minutes` → delay", "choice", "error",
         client="schema.json delay_* (x-rule)", sandbox="sandbox/puffle/validation.py",
         why="the docs name the parts and bound only their total; a negative or fractional "
             "part would make the total mean something else than it reads",
         probes=(Probe("negative", _delay(delay_days=2, delay_hours=-1), "refuse", "refuse"),
                 Probe("fraction", {"sequence_nodes": [dict(_HELLO), {
                     "type": "delay", "delay_hours": 1.5}, dict(_END)]}, "refuse", "refuse"))),
    Rule("PF-13", "The per-node PUT does not check delay totals; launch does", REF,
         "the check happens at launch.", "documented", "accepted", client="",
         sandbox="sandbox/puffle/sequence.py _edit_node; lifecycle.py _readiness",
         why_not="the client writes sequences with the PATCH only (PF-10 checks them offline)",
         tested_by=(_SB + "test_sequence_nodes.py::test_sequence_node_endpoints_edit_a_draft",)),
    Rule("PF-14", "name has at least 1 character", UPDATE,
         "Rename the campaign. Allowed on any status.", "documented", "error",
         client="schema.json name minLength", sandbox="sandbox/puffle/validation.py",
         probes=(Probe("empty", {"name": ""}, "refuse", "refuse"),
                 Probe("one-character-on-the-bound", {"name": "Q"}, "accept", "accept"))),
    Rule("PF-15", "daily_limit is 1 to 500", UPDATE, "1 <= x <= 500", "documented", "error",
         client="schema.json daily_limit", sandbox="sandbox/puffle/validation.py",
         probes=(Probe("zero", {"daily_limit": 0}, "refuse", "refuse"),
                 Probe("one-on-the-bound", {"daily_limit": 1}, "accept", "accept"),
                 Probe("500-on-the-bound", {"daily_limit": 500}, "accept", "accept"),
                 Probe("501", {"daily_limit": 501}, "refuse", "refuse"))),
    Rule("PF-16", "account_limits takes at most 50 entries", UPDATE,
         "Maximum 50 entries per call.", "documented", "error",
         client="schema.json account_limits maxItems", sandbox="sandbox/puffle/validation.py",
         probes=(Probe("50-on-the-bound", {"account_limits": _limits(50)}, "accept", "accept"),
                 Probe("51", {"account_limits": _limits(51)}, "refuse", "refuse"))),
    Rule("PF-17", "A repeated account_id in account_limits keeps the last value", UPDATE,
         "Duplicate account_id keeps the last value.", "documented", "warning",
         client="rules.py _account_limits (warning)",
         sandbox="sandbox/puffle/campaigns.py _apply (merged, last wins)",
         probes=(Probe("repeated", {"account_limits": [
             {"account_id": EMAIL_SENDER, "daily_limit": 10},
             {"account_id": EMAIL_SENDER, "daily_limit": 20}]}, "warn", "accept"),),
         tested_by=(_SB + "test_update_page.py::"
                    "test_repeated_account_limit_keeps_the_last_value",)),
    Rule("PF-18", "An account limit is {account_id: UUID, daily_limit: at least 1}", REF,
         "`account_limits`: at most 50 entries of `{account_id, daily_limit}`", "choice",
         "error", client="schema.json account_limits items (x-rule)",
         sandbox="sandbox/puffle/validation.py _account_limit_errors",
         why="the docs give the entry's keys, not their types: an id is a UUID like every "
             "Puffle id, and a per-sender daily limit below 1 would stop the sender, which "
             "the campaign's own daily_limit (1-500) never allows",
         probes=(Probe("id-not-a-uuid", {"account_limits": [
                     {"account_id": "sender-1", "daily_limit": 10}]}, "refuse", "refuse"),
                 Probe("limit-zero", {"account_limits": [
                     {"account_id": EMAIL_SENDER, "daily_limit": 0}]}, "refuse", "refuse"))),
    Rule("PF-19", "The UUID pattern takes versions 1-8 and the nil and all-f UUIDs", REF,
         "The path and body regex accepts versions 1–8 plus the nil and all-`f` UUIDs.",
         "documented", "error", client="schema.json (UUID pattern)",
         sandbox="sandbox/puffle/model.py UUID_PATTERN",
         probes=(Probe("nil-ok", {"account_limits": [
                     {"account_id": "00000000-0000-0000-0000-000000000000",
                      "daily_limit": 10}]}, "accept", "accept"),
                 Probe("all-f-ok", {"account_limits": [
                     {"account_id": "ffffffff-ffff-ffff-ffff-ffffffffffff",
                      "daily_limit": 10}]}, "accept", "accept"),
                 Probe("version-9", {"account_limits": [
                     {"account_id": "5e4de000-0000-9000-8000-000000000001",
                      "daily_limit": 10}]}, "refuse", "refuse"))),
    Rule("PF-20", "sender_account_ids: UUIDs of senders of the campaign's type; replaces the set",
         UPDATE, "Draft only. Replaces the full sender set for this campaign.", "documented",
         "error", client="schema.json sender_account_ids (UUIDs)",
         sandbox="sandbox/puffle/campaigns.py _checked_senders",
         why="Audit PF-20 lists the duplicate-id disagreement under this row; it is outreach's "
             "choice, PF-39. Which senders exist and their channel only the server knows.",
         probes=(Probe("not-a-uuid", {"sender_account_ids": ["ada"]}, "refuse", "refuse"),
                 Probe("sender-of-the-other-channel", {"sender_account_ids": [LINKEDIN_SENDER]},
                       "accept", "refuse"))),
    Rule("PF-21", "signature takes %sender_*% and %first_name% variables", UPDATE,
         "Email draft only. Template with %sender_*% and %first_name% variables.",
         "documented", "warning", client="templates.py + copycheck.py (warning)", sandbox="",
         why_not="the docs do not say what Puffle does with other variables; the sandbox "
                 "stores the text as written",
         probes=(Probe("unknown-variable", {"signature": "Best, %sender_first_name% %nick%"},
                       "warn", "accept"),
                 # A custom field the file does not declare under `variables:` is a warning
                 # (issue 14: it may be a typo); the platform takes it as written.
                 Probe("undeclared-custom-field", {"signature": "%custom_fields.team%"},
                       "warn", "accept"),
                 # Issue 21: the node syntax in a signature was an error, though the README
                 # lists the wrong syntax as a warning and Puffle stores the text as written.
                 Probe("node-syntax-in-signature", {"signature": "Best, {{first_name}}"},
                       "warn", "accept"))),
    Rule("PF-22", "operating_hours is a per-weekday JSON object (shape undocumented) or null",
         UPDATE, "Per-weekday schedule (JSONB).", "documented", "error",
         client="schema.json operating_hours (object or null, compared whole)",
         sandbox="sandbox/puffle/validation.py",
         probes=(Probe("a-list", {"operating_hours": ["mon 9-17"]}, "refuse", "refuse"),
                 Probe("an-object-ok", {"operating_hours": {"monday": [9, 17]}},
                       "accept", "accept")),
         tested_by=(_PLAN + "test_operating_hours_on_active_says_prospects_wake",)),
    Rule("PF-23", "A campaign's type is email or linkedin, given at create", REF,
         "`linkedin` or `email`.", "documented", "error",
         client="schema.json type (required, enum)",
         sandbox="sandbox/puffle/campaigns.py _create_campaign",
         probes=(Probe("sms", {"type": "sms"}, "refuse", "refuse"),
                 Probe("missing", {"type": DELETE}, "refuse", "refuse"))),
    Rule("PF-24", "A campaign's type never changes (the PATCH has no type)", REF,
         "Type cannot change after creation", "documented", "ignored",
         client="rules.py RULES type (plan: blocked as ignored)",
         sandbox="sandbox/puffle/campaigns.py (type not in PATCH_TABLE: dropped)",
         tested_by=(_RULES + "test_type_never_changes",
                    _SB + "test_update_page.py::test_type_cannot_change",
                    _PLAN + "test_a_type_change_is_blocked_as_ignored_and_the_sandbox_keeps_"
                    "the_type")),
    Rule("PF-25", "Node types: connection_request, message, email, delay, ai, end", REF,
         "`connection_request`, `message`, `email`, `delay`, `ai`, `end`.", "documented",
         "error", client="schema.json node type enum", sandbox="sandbox/puffle/validation.py",
         probes=(Probe("sms-node", {"sequence_nodes.0": {"type": "sms", "body": "x"}},
                       "refuse", "refuse"),)),
    Rule("PF-26", "Email campaigns take email nodes, LinkedIn campaigns connection_request and "
         "message nodes (delay, ai and end fit both)", REF,
         "Always creates a draft seeded with `[connection_request, end]` or `[email, end]`.",
         "choice", "error", client="rules.py _sequence (CHANNEL_NODE_TYPES)",
         sandbox="sandbox/puffle/validation.py _node_errors (400)",
         why="the docs list node types without saying which channel sends which; the create "
             "seeds and every example pair email nodes with email campaigns, and a LinkedIn "
             "account has no mailbox to send an email node from. Both readings refuse it.",
         probes=(Probe("message-in-email", {"sequence_nodes.0": {"type": "message",
                                                                  "body": "x"}},
                       "refuse", "refuse"),
                 Probe("email-in-linkedin", {**LINKEDIN, "sequence_nodes": [
                     dict(_HELLO), dict(_END)]}, "refuse", "refuse"))),
    Rule("PF-27", "A node takes only its type's fields", REF, "Which fields each type takes:",
         "choice", "error", client="rules.py _foreign_fields", sandbox="",
         why="the docs list each type's fields and say nothing of the others; the sandbox, "
             "like Puffle would, drops them silently, so outreach refuses them so nothing "
             "written in the file is lost unseen. Audit PF-27 quotes 'silently ignored unless "
             "the node type is ai' as the docs'; no source under shared/ says it.",
         why_not="the sandbox stores only the type's own fields (campaigns.py _replace_nodes)",
         probes=(Probe("body-on-a-delay", {"sequence_nodes": [
                     dict(_HELLO), {"type": "delay", "delay_days": 1, "body": "x"},
                     dict(_HELLO), dict(_END)]}, "refuse", "accept"),
                 Probe("include-message-on-email", {"sequence_nodes.0.include_message": True},
                       "refuse", "accept"))),
    Rule("PF-28", "A node id is a UUID; a node keeps its id only with the same type", REF,
         "UUIDs everywhere: campaigns, nodes, prospects, sender accounts.", "documented",
         "error", client="schema.json node id; adapter.py patch_body (ids kept by type)",
         sandbox="sandbox/puffle/validation.py; campaigns.py _replace_nodes",
         probes=(Probe("node-id-not-a-uuid", {"sequence_nodes.0.id": "node-1"},
                       "refuse", "refuse"),),
         tested_by=(_SB + "test_update_page.py::test_a_node_id_of_another_type_gets_a_new_node",)),
    Rule("PF-29", "Create makes a draft seeded with two nodes and needs a sender of its type",
         REF, "Needs ≥1 connected sender of the same type.", "documented", "accepted",
         client="adapter.py create (POST, then PATCH sequence_nodes and account_limits)",
         sandbox="sandbox/puffle/campaigns.py _create_campaign",
         tested_by=(_SB + "test_campaigns.py::test_create_seeds_a_two_node_draft",
                    _PLAN + "test_create_sets_the_sequence_with_a_patch")),
    Rule("PF-30", "Launch: drafts only, validated first; a second launch within 2 minutes is 409",
         REF, "A second launch within 2 minutes gets 409.", "documented", "error",
         client="adapter.py transition/notes (validate before launch; 409 converges)",
         sandbox="sandbox/puffle/lifecycle.py _launch", why_not="",
         tested_by=(_SB + "test_lifecycle.py::"
                    "test_launch_goes_through_launching_to_active_and_a_second_launch_is_409",
                    _SB + "test_lifecycle.py::"
                    "test_launch_of_a_campaign_that_is_not_ready_is_400_with_the_errors",
                    _PLAN + "test_draft_only_fields_blocked_on_active")),
    Rule("PF-31", "Pause only active (400 when already paused); resume only paused, may complete",
         REF, "400 if already paused; treat that as success.", "documented", "error",
         client="adapter.py _post_converging", sandbox="sandbox/puffle/lifecycle.py",
         tested_by=(_PLAN + "test_pause_converges_when_the_answer_is_lost",
                    _PLAN + "test_resume_of_a_finished_campaign_reports_completed")),
    Rule("PF-32", "Statuses draft, launching, active, paused, completed", REF,
         "`draft` → `launching` → `active`; `paused`; `completed`.", "documented", "accepted",
         client="rules.py STATUSES; adapter.py STATUS_MAP", sandbox="sandbox/puffle/lifecycle.py",
         tested_by=(_SB + "test_lifecycle.py::"
                    "test_launch_goes_through_launching_to_active_and_a_second_launch_is_409",
                    _PLAN + "test_draft_only_fields_blocked_on_active")),
    Rule("PF-33", "Prospect writes only in draft; 1-1000 a call; deduplicated by identity", REF,
         "Any write after the campaign leaves draft gets 400.", "documented", "error",
         client="leads.py (batches of at most 1000; the server's 400 reported per row)",
         sandbox="sandbox/puffle/prospects.py",
         why="Audit PF-33 marks the client partial: it does not check the status before "
             "sending; the server's 400 is reported for the batch and nothing else is sent",
         tested_by=(_SB + "test_prospects.py::test_prospect_writes_need_a_draft",
                    _SB + "test_prospects.py::test_prospect_import_dedupes_by_identity",
                    "tests/leads/test_leads.py::"
                    "test_puffle_batch_with_a_row_the_server_refuses_keeps_the_others")),
    Rule("PF-34", "Prospect lists page with limit up to 200", REF, "`limit` up to 200.",
         "documented", "error", client="leads.py (pages of 200)",
         sandbox="sandbox/puffle/prospects.py",
         tested_by=("tests/leads/test_leads.py::test_puffle_prospects_list_every_page_and_filter",
                    _SB + "test_prospects.py::test_prospect_list_pages_with_limit_up_to_200")),
    Rule("PF-35", "The campaign list has no pagination; a campaign reads back with its nodes "
         "beside it", REF, "No pagination documented.", "documented", "accepted",
         client="adapter.py find_by_name, _remote", sandbox="sandbox/puffle/campaigns.py",
         tested_by=(_PLAN + "test_examples_apply_then_plan_no_change",)),
    Rule("PF-36", "On 429 honour Retry-After, else back off exponentially", REF,
         "On 429, honour `Retry-After` if present; otherwise back off exponentially.",
         "documented", "accepted", client="http.py RetryPolicy", sandbox="",
         why_not="Puffle publishes no limits to emulate; the sandbox's fault injection "
                 "answers 429s for the reliability suite",
         tested_by=("tests/test_http.py::test_retry_after_http_date_is_used_instead_of_backoff",)),
    Rule("PF-37", "The error body is undocumented: read `error` or `message`", REF,
         "Treat the body as unknown JSON and look for `error` or `message`.", "documented",
         "accepted", client="http.py (error message)", sandbox="sandbox/puffle/errors.py",
         tested_by=("tests/test_http.py::test_error_string_with_message",)),
    Rule("PF-38", "Unknown keys in the campaign or a node are refused offline", REF,
         "Partial update; draft-only fields are **silently ignored** on other statuses.",
         "choice", "error", client="schema.json additionalProperties: false (x-rule)",
         sandbox="",
         why="the docs do not list other keys; Puffle's PATCH drops what it does not apply, "
             "so a typo would vanish unseen: outreach refuses it with 'did you mean'",
         why_not="the sandbox ignores unknown keys, as Puffle's PATCH does",
         probes=(Probe("unknown-campaign-key", {"daily_limits": 50}, "refuse", "accept"),
                 Probe("unknown-node-key", {"sequence_nodes.0.subjet": "x"},
                       "refuse", "accept"))),
    Rule("PF-39", "sender_account_ids may not repeat an id", UPDATE,
         "Replaces the full sender set for this campaign.", "choice", "error",
         client="schema.json sender_account_ids uniqueItems (x-rule)", sandbox="",
         why="a sender set holds each sender once; a repeated id says the file was written "
             "wrong, and would never read back as written",
         why_not="the docs are silent; the sandbox keeps each sender once",
         probes=(Probe("repeated-sender", {"sender_account_ids": [EMAIL_SENDER, EMAIL_SENDER]},
                       "refuse", "accept"),)),
    Rule("PF-40", "A campaign name is at most 500 characters", UPDATE,
         "Rename the campaign. Allowed on any status.", "choice", "error",
         client="schema.json name maxLength (x-rule)", sandbox="",
         why="the docs give a lower bound only (at least 1 character); a name is sent in every "
             "create and rename and shown in every list and plan line, and 500 characters is "
             "far beyond any real name (a 1 MB name was accepted)",
         why_not="the docs are silent on a name's length: the sandbox, reading the docs, "
                 "sets no limit",
         probes=(Probe("name-501", {"name": "N" * 501}, "refuse", "accept"),
                 Probe("name-500", {"name": "N" * 500}, "accept", "accept")),
         tested_by=('tests/test_validate_messages.py::test_a_1_mb_name_is_refused_offline_naming_file_line_and_field',)),
)
