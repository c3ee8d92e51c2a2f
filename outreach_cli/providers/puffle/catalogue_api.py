"""Puffle's protocol, lifecycle and prospect rules (part of catalogue.py)."""

from __future__ import annotations

from ..catalogue import Rule
from .catalogue_sources import REF, UPDATE

_PLAN = "tests/providers/puffle/test_client.py::"
_RULES = "tests/providers/puffle/test_schema_rules.py::"
_SB = "tests/sandbox/puffle/"

API_RULES: tuple[Rule, ...] = (
    Rule(
        "PF-1",
        "The API is https://app.puffle.ai with paths under /api",
        REF,
        "Documented paths already include the `/api` prefix",
        "documented",
        "accepted",
        client="adapter.py Puffle.default_url",
        sandbox="sandbox/server.py (/puffle/api)",
        tested_by=(_PLAN + "test_examples_apply_then_plan_no_change",),
    ),
    Rule(
        "PF-2",
        "Auth is Authorization: Bearer <key>; a 401 is not retried",
        UPDATE,
        "Bearer authentication header of the form Bearer <token>",
        "documented",
        "error",
        client="adapter.py connect; http.py (4xx not retried)",
        sandbox="sandbox/puffle/request.py _api_key",
        tested_by=(
            _SB + "test_auth_and_workspaces.py::test_auth_needs_a_bearer_pk_key",
            "tests/test_http.py::test_client_errors_are_not_retried",
        ),
    ),
    Rule(
        "PF-3",
        "A campaign id is a UUID (versions 1-8, nil, all-f)",
        UPDATE,
        "Campaign UUID",
        "documented",
        "error",
        client="",
        sandbox="sandbox/puffle/request.py (path id pattern: 400)",
        why_not="the file's envelope `id:` belongs to issue 13 (id checks); until then "
        "validate accepts any non-empty id and the sandbox's 400 is what catches it",
        tested_by=(_SB + "test_campaigns.py::test_bad_and_unknown_ids",),
    ),
    Rule(
        "PF-29",
        "Create makes a draft seeded with two nodes and needs a sender of its type",
        REF,
        "Needs ≥1 connected sender of the same type.",
        "documented",
        "accepted",
        client="adapter.py create (POST, then PATCH sequence_nodes and account_limits)",
        sandbox="sandbox/puffle/campaigns.py _create_campaign",
        tested_by=(
            _SB + "test_campaigns.py::test_create_seeds_a_two_node_draft",
            _PLAN + "test_create_sets_the_sequence_with_a_patch",
        ),
    ),
    Rule(
        "PF-30",
        "Launch: drafts only, validated first; a second launch within 2 minutes is 409",
        REF,
        "A second launch within 2 minutes gets 409.",
        "documented",
        "error",
        client="adapter.py transition/notes (validate before launch; 409 converges)",
        sandbox="sandbox/puffle/lifecycle.py _launch",
        why_not="",
        tested_by=(
            _SB + "test_lifecycle.py::"
            "test_launch_goes_through_launching_to_active_and_a_second_launch_is_409",
            _SB + "test_lifecycle.py::"
            "test_launch_of_a_campaign_that_is_not_ready_is_400_with_the_errors",
            _PLAN + "test_draft_only_fields_blocked_on_active",
        ),
    ),
    Rule(
        "PF-31",
        "Pause only active (400 when already paused); resume only paused, may complete",
        REF,
        "400 if already paused; treat that as success.",
        "documented",
        "error",
        client="adapter.py _post_converging",
        sandbox="sandbox/puffle/lifecycle.py",
        tested_by=(
            _PLAN + "test_pause_converges_when_the_answer_is_lost",
            _PLAN + "test_resume_of_a_finished_campaign_reports_completed",
        ),
    ),
    Rule(
        "PF-32",
        "Statuses draft, launching, active, paused, completed",
        REF,
        "`draft` → `launching` → `active`; `paused`; `completed`.",
        "documented",
        "accepted",
        client="rules.py STATUSES; adapter.py STATUS_MAP",
        sandbox="sandbox/puffle/lifecycle.py",
        tested_by=(
            _SB + "test_lifecycle.py::"
            "test_launch_goes_through_launching_to_active_and_a_second_launch_is_409",
            _PLAN + "test_draft_only_fields_blocked_on_active",
        ),
    ),
    Rule(
        "PF-33",
        "Prospect writes only in draft; 1-1000 a call; deduplicated by identity",
        REF,
        "Any write after the campaign leaves draft gets 400.",
        "documented",
        "error",
        client="leads.py (batches of at most 1000; the server's 400 reported per row)",
        sandbox="sandbox/puffle/prospects.py",
        why="Audit PF-33 marks the client partial: it does not check the status before "
        "sending; the server's 400 is reported for the batch and nothing else is sent",
        tested_by=(
            _SB + "test_prospects.py::test_prospect_writes_need_a_draft",
            _SB + "test_prospects.py::test_prospect_import_dedupes_by_identity",
            "tests/leads/test_leads.py::"
            "test_puffle_batch_with_a_row_the_server_refuses_keeps_the_others",
        ),
    ),
    Rule(
        "PF-34",
        "Prospect lists page with limit up to 200",
        REF,
        "`limit` up to 200.",
        "documented",
        "error",
        client="leads.py (pages of 200)",
        sandbox="sandbox/puffle/prospects.py",
        tested_by=(
            "tests/leads/test_leads.py::test_puffle_prospects_list_every_page_and_filter",
            _SB + "test_prospects.py::test_prospect_list_pages_with_limit_up_to_200",
        ),
    ),
    Rule(
        "PF-35",
        "The campaign list has no pagination; a campaign reads back with its nodes beside it",
        REF,
        "No pagination documented.",
        "documented",
        "accepted",
        client="adapter.py find_by_name, _remote",
        sandbox="sandbox/puffle/campaigns.py",
        tested_by=(_PLAN + "test_examples_apply_then_plan_no_change",),
    ),
    Rule(
        "PF-36",
        "On 429 honour Retry-After, else back off exponentially",
        REF,
        "On 429, honour `Retry-After` if present; otherwise back off exponentially.",
        "documented",
        "accepted",
        client="http.py RetryPolicy",
        sandbox="",
        why_not="Puffle publishes no limits to emulate; the sandbox's fault injection "
        "answers 429s for the reliability suite",
        tested_by=("tests/test_http.py::test_retry_after_http_date_is_used_instead_of_backoff",),
    ),
    Rule(
        "PF-37",
        "The error body is undocumented: read `error` or `message`",
        REF,
        "Treat the body as unknown JSON and look for `error` or `message`.",
        "documented",
        "accepted",
        client="http.py (error message)",
        sandbox="sandbox/puffle/errors.py",
        tested_by=("tests/test_http.py::test_error_string_with_message",),
    ),
)
