"""SendKit's protocol, lifecycle, mailbox and campaign-lead rules (part of catalogue.py)."""

from __future__ import annotations

from ..catalogue import DELETE, Probe, Rule
from .catalogue_sources import CREATE, LEAD, REF, UPDATE

P = Probe
T_ROUTES = "tests/sandbox/sendkit/test_routes.py::"
T_SENDING = "tests/sandbox/sendkit/test_sending.py::"
T_CLIENT = "tests/providers/sendkit/test_client.py::"
T_LEADS = "tests/leads/test_leads.py::"
ROWS = "tests/providers/sendkit/test_enrollment.py::test_every_row_prediction_and_sandbox_agree"
SAND_LEADS = "sandbox/sendkit/leads.py"
SAND_ENROL = "sandbox/sendkit/enrollment.py"
SERVER = "server state: outreach cannot see it offline"


def _row(rid: str, rule: str, quote: str) -> Rule:
    return Rule(
        rid,
        rule,
        LEAD,
        quote,
        "documented",
        "accepted",
        client="enrollment.py (prediction)",
        sandbox=SAND_ENROL,
        tested_by=(ROWS,),
    )


API_RULES: tuple[Rule, ...] = (
    Rule(
        "SK-1",
        "Base URL https://api.sendkit.ai, paths under /v1",
        REF,
        "Base URL: `https://api.sendkit.ai`, with paths under `/v1`.",
        "documented",
        "accepted",
        client="adapter.py default_url",
        sandbox="sandbox/sendkit/routes.py",
        tested_by=(T_CLIENT + "test_find_by_name_follows_cursor_pages",),
    ),
    Rule(
        "SK-2",
        "Auth: X-Api-Key or Authorization: Bearer, the same key",
        REF,
        "Both authenticate the same key",
        "documented",
        "accepted",
        client="adapter.py connect (sends X-Api-Key)",
        sandbox="sandbox/sendkit/routes.py",
        tested_by=(T_ROUTES + "test_auth_header_forms",),
    ),
    Rule(
        "SK-3",
        "A platform key sk_user_… needs X-Workspace-Id",
        REF,
        "Platform key `sk_user_...`: must send `X-Workspace-Id: <workspaceId>`",
        "documented",
        "error",
        client="adapter.py connect",
        sandbox="sandbox/sendkit/routes.py",
        tested_by=(T_ROUTES + "test_auth_header_forms",),
    ),
    Rule(
        "SK-4",
        "Ids are 24-hex ObjectIds",
        REF,
        "IDs are 24-hex MongoDB ObjectIds",
        "documented",
        "error",
        client="schema.json $defs.objectId",
        sandbox="sandbox/sendkit/sequences.py _given_id",
        probes=(P("step-id-not-hex", {"sequence.0._id": "step-1"}, "refuse", "refuse"),),
    ),
    Rule(
        "SK-5",
        "Success envelope {success: true, data}",
        UPDATE,
        '"success": true, "data": {',
        "documented",
        "accepted",
        client="adapter.py _data",
        sandbox="sandbox/sendkit/envelope.py _ok",
        tested_by=(T_CLIENT + "test_find_by_name_follows_cursor_pages",),
    ),
    Rule(
        "SK-6",
        "Error envelope {success: false, error: {code, message}}, or error as a string",
        REF,
        "not every error uses that envelope.",
        "documented",
        "accepted",
        client="http.py (both shapes)",
        sandbox="sandbox/sendkit/errors.py",
        tested_by=(T_ROUTES + "test_not_found_envelope",),
    ),
    Rule(
        "SK-7",
        "Unknown campaign or campaign lead: NOT_FOUND",
        UPDATE,
        '"code": "NOT_FOUND", "message": "Campaign not found"',
        "documented",
        "accepted",
        client="adapter.py fetch (404 = absent)",
        sandbox="sandbox/sendkit/storage.py",
        tested_by=(T_ROUTES + "test_not_found_envelope",),
    ),
    Rule(
        "SK-8",
        "Create always makes a draft",
        CREATE,
        "Create a new campaign in draft status.",
        "documented",
        "accepted",
        client="adapter.py initial_status",
        sandbox="sandbox/sendkit/campaigns.py _create_campaign",
        tested_by=(
            T_ROUTES + "test_create_page_example_is_accepted_and_answered_in_the_page_shape",
        ),
    ),
    Rule(
        "SK-9",
        "Campaign statuses",
        UPDATE,
        "draftactivepausedcompletedarchived",
        "documented",
        "accepted",
        client="adapter.py statuses",
        sandbox="sandbox/sendkit/constants.py CAMPAIGN_STATUSES",
        tested_by=(T_ROUTES + "test_list_filters_and_limits",),
    ),
    Rule(
        "SK-10",
        "A campaign has a name with a visible character",
        CREATE,
        "Campaign name",
        "choice",
        "error",
        client="rules.py _name",
        sandbox="sandbox/sendkit/campaigns.py _create_campaign",
        why='The pages say only "Campaign name". Outreach finds a campaign it created by '
        "its name (after a lost create answer), so a missing, empty or blank name is "
        "refused on both sides as outreach's rule (the audit found the client passing a "
        "blank one).",
        probes=(
            P("missing", {"name": DELETE}, "refuse", "refuse"),
            P("blank", {"name": "   "}, "refuse", "refuse"),
            P("one-character", {"name": "x"}, "accept", "accept"),
        ),
    ),
    Rule(
        "SK-82",
        "Mailbox selectors: mailboxes|mailboxIds, mailboxEmails, mailboxTags, "
        "mailboxProvider, in any combination",
        CREATE,
        "Mailboxes can be assigned using any combination of:",
        "documented",
        "error",
        client="schema.json mailbox selectors",
        sandbox="sandbox/sendkit/campaigns.py _resolve_mailboxes",
        probes=(
            P("id-not-hex", {"mailboxIds": ["mb-1"]}, "refuse", "refuse"),
            P("provider-empty", {"mailboxProvider": ""}, "refuse", "refuse"),
            P(
                "email-not-in-workspace",
                {"mailboxEmails": ["nobody@example.com"]},
                "accept",
                "refuse",
            ),
            P(
                "tag-and-provider",
                {"mailboxTags": ["outreach"], "mailboxProvider": "gmail"},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-83",
        "Mailbox selectors are write-only (GET returns mailboxCount)",
        REF,
        "the newer returns only `mailboxCount`",
        "documented",
        "normalised",
        client="adapter.py write_only (compared by hash)",
        sandbox="sandbox/sendkit/storage.py _read_campaign",
        tested_by=(
            "tests/providers/sendkit/test_schema_rules.py::test_write_only_and_sensitive_marks",
        ),
    ),
    Rule(
        "SK-84",
        "Start needs a mailbox and a step (a third-party note adds a lead)",
        REF,
        "One client says the server refuses to start without ≥1 mailbox, ≥1 sequence step "
        "and ≥1 lead",
        "documented",
        "warning",
        client="adapter.py notes (plan note)",
        sandbox="sandbox/sendkit/campaigns.py _start_campaign",
        why="[3rd-party] source. The lead requirement is not enforced by the sandbox, so that "
        "a file can be applied before leads are attached (commented there).",
        tested_by=(T_SENDING + "test_start_pause_resume_state_machine",),
    ),
    Rule(
        "SK-85",
        "Only a paused campaign can be resumed",
        REF,
        'Only status `"paused"` can be resumed.',
        "documented",
        "blocked",
        client="adapter.py TRANSITIONS",
        sandbox="sandbox/sendkit/campaigns.py _move",
        tested_by=(T_SENDING + "test_start_pause_resume_state_machine",),
    ),
    Rule(
        "SK-86",
        "Action endpoints may answer `id` instead of `_id`",
        REF,
        "Some action endpoints return `id`, not `_id`.",
        "documented",
        "accepted",
        client="adapter.py _id",
        sandbox="sandbox/sendkit/campaigns.py _start_campaign",
        tested_by=(T_SENDING + "test_start_pause_resume_state_machine",),
    ),
    Rule(
        "SK-87",
        "PATCH is allowed in every status (the docs state no restriction)",
        REF,
        "the visible page text states no status restriction on PATCH.",
        "documented",
        "accepted",
        client="adapter.py RULES (every status: yes)",
        sandbox="sandbox/sendkit/campaigns.py _update_campaign",
        why="The audit was right: the client refused every edit of a completed or archived "
        "campaign and said SendKit does; no page says so. Edits are now planned in every "
        "status (README table: yes).",
        tested_by=(
            "tests/rules/test_sendkit_catalogue.py::"
            "test_a_completed_campaign_is_edited_like_any_other",
        ),
    ),
    Rule(
        "SK-88",
        "Pagination: follow the cursor; fall back to page/pages",
        REF,
        "follow the cursor until the response says there are no more pages",
        "documented",
        "accepted",
        client="adapter.py pages",
        sandbox="sandbox/sendkit/envelope.py _paginate",
        tested_by=(T_CLIENT + "test_find_by_name_follows_cursor_pages",),
    ),
    Rule(
        "SK-89",
        "No published rate limit: honour Retry-After, else back off",
        REF,
        "honour `Retry-After` if present; otherwise use exponential backoff.",
        "documented",
        "accepted",
        client="http.py RetryPolicy",
        sandbox="",
        why_not="the sandbox has no limiter; 429s come from its fault injection only",
        tested_by=("tests/test_http.py",),
    ),
    Rule(
        "SK-90",
        "A campaign lead's status can only be set to active or paused",
        LEAD,
        'Status can only be changed to "active" or "paused".',
        "documented",
        "error",
        client="leads (changes file validation)",
        sandbox=SAND_LEADS,
        tested_by=(
            T_ROUTES + "test_lead_patch_validation",
            T_LEADS + "test_status_other_than_active_or_paused_is_refused_before_any_request",
        ),
    ),
    Rule(
        "SK-91",
        "aiTag must name an existing workspace AI tag (400 INVALID_TAG)",
        LEAD,
        "The aiTag must match an existing tag name in the workspace's AI tagging labels.",
        "documented",
        "error",
        client="leads (checked against GET /tags)",
        sandbox=SAND_LEADS,
        tested_by=(
            T_LEADS + "test_unknown_tag_is_refused_with_the_labels_and_no_patch_is_sent",
            T_LEADS + "test_invalid_tag_from_the_server_is_the_backstop",
        ),
    ),
    Rule(
        "SK-92",
        "aiTag null clears the tag",
        LEAD,
        "Set to null to clear.",
        "documented",
        "accepted",
        client="enrollment.py",
        sandbox=SAND_LEADS,
        tested_by=(ROWS,),
    ),
    Rule(
        "SK-93",
        "lead.tag_changed fires only when the tag actually changed",
        LEAD,
        "a lead.tag_changed webhook is triggered if the tag value actually changed",
        "documented",
        "accepted",
        client="",
        sandbox=SAND_LEADS,
        why_not="a server-side event; the client sends no webhook",
        tested_by=(T_SENDING + "test_tag_changed_event_only_on_actual_change",),
    ),
    _row(
        "SK-94",
        "Match, no subsequence: enrolled; the pending main-sequence send is canceled",
        "Lead has no subsequence → enrolled in the matching one and any pending main-sequence "
        "send is canceled.",
    ),
    _row(
        "SK-95",
        "Match, already in it: no-op",
        "Lead is already in the matching subsequence → no-op.",
    ),
    _row(
        "SK-96",
        "Match, in another with no email sent: switched (state reset)",
        "Lead is in a different subsequence with no emails sent from it → switched into the "
        "matching subsequence (state reset).",
    ),
    _row(
        "SK-97",
        "Match, in another with an email sent: skippedInProgress; tag still updates",
        "Lead is in a different subsequence with at least one email already sent → no switch "
        "(action skippedInProgress); tag still updates.",
    ),
    _row("SK-98", "No match, no subsequence: no-op", "Lead has no subsequence → no-op."),
    _row(
        "SK-99",
        "No match, in one with no email sent: exits cleanly",
        "Lead is in a subsequence with no emails sent from it → exits cleanly",
    ),
    _row(
        "SK-100",
        "No match, in one with an email sent: kept in (skippedInProgress)",
        "Lead is in a subsequence with at least one email already sent → kept in (action "
        "skippedInProgress)",
    ),
    _row(
        "SK-101",
        "subsequenceEnrollment {action, subsequenceName}, omitted when nothing happens",
        "If no enrollment change happens, the field is omitted.",
    ),
    Rule(
        "SK-102",
        "Manual tag changes through the campaign-lead PATCH enroll too",
        UPDATE,
        "manual tag changes via the campaign-lead PATCH endpoint and the MCP tag_conversation "
        "tool also enroll into matching subsequences",
        "documented",
        "accepted",
        client="enrollment.py",
        sandbox=SAND_ENROL,
        tested_by=(ROWS,),
    ),
    Rule(
        "SK-103",
        "campaignLeadId is the CampaignLead _id, not the Lead id",
        LEAD,
        "Campaign lead record ID (the _id from the CampaignLead document, not the Lead ID)",
        "documented",
        "error",
        client="leads.py (resolves the record id)",
        sandbox=SAND_LEADS,
        tested_by=(T_LEADS + "test_changes_file_rows_are_refused_one_by_one",),
    ),
    Rule(
        "SK-104",
        "Campaign-lead statuses",
        LEAD,
        "pendingactivepausedcompletedbouncedunsubscribedrepliedremoved",
        "documented",
        "error",
        client="leads (status filter)",
        sandbox="sandbox/sendkit/constants.py",
        tested_by=(T_LEADS + "test_list_refuses_an_unknown_status_before_any_request",),
    ),
    Rule(
        "SK-105",
        "Add leads: exactly one mode; leads <= 5,000, each leadId or email; existing ones skipped",
        REF,
        "Leads already in the campaign are skipped.",
        "documented",
        "error",
        client="leads.py (batches of at most 5,000)",
        sandbox=SAND_LEADS,
        tested_by=(
            T_LEADS + "test_bulk_add_reports_malformed_rows_by_line_and_a_rerun_adds_nothing",
            T_ROUTES + "test_add_leads_modes",
        ),
    ),
    Rule(
        "SK-106",
        "Leads added to an active campaign start active, otherwise pending",
        REF,
        "Leads added to an `active` campaign start `active`; otherwise they start `pending`.",
        "documented",
        "accepted",
        client="",
        sandbox=SAND_LEADS,
        why_not=SERVER,
        tested_by=(T_SENDING + "test_start_activates_pending_leads_and_tick_sends",),
    ),
    Rule(
        "SK-107",
        "Bulk remove hard-deletes leads with no email sent; others become removed",
        REF,
        "`remove` hard-deletes leads with no email sent; the others become `removed`.",
        "documented",
        "accepted",
        client="",
        sandbox=SAND_LEADS,
        why_not="outreach has no bulk lead action (nothing to enforce client side)",
        tested_by=(T_ROUTES + "test_lead_actions",),
    ),
    Rule(
        "SK-108",
        "A bounced or unsubscribed lead cannot be set active or paused; a removed one can",
        LEAD,
        'Status can only be changed to "active" or "paused".',
        "choice",
        "error",
        client="",
        sandbox="sandbox/sendkit/constants.py LEAD_TERMINAL_STATUSES",
        why="The page states only the target values. The emulator refuses resuming mail to a "
        "bounced address or to a person who unsubscribed, and says in its message that "
        "it is outreach's rule; a removed lead set back to active was refused too until "
        "issue 21, with no reason the docs give: now both readings let it through.",
        why_not="the lead's status is server state; the client sends and reports the answer",
        tested_by=(
            T_ROUTES + "test_lead_actions",
            "tests/rules/test_sendkit_disagreements.py::test_a_removed_lead_may_be_set_"
            "back_to_active_and_a_bounced_one_not",
        ),
    ),
)
