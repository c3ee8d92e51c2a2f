"""lemlist's protocol, lifecycle and route rules (part of catalogue.py)."""

from __future__ import annotations

from ..catalogue import Probe, Rule
from .catalogue_sources import OPENAPI, REF, UPDATE

CLIENT_T = "tests/providers/lemlist/test_client.py::"
RULES_T = "tests/providers/lemlist/test_catalogue_lemlist.py::"
DIS_T = "tests/providers/lemlist/test_disagreements.py::"
SANDBOX_T = "tests/sandbox/lemlist/"

PROTOCOL_RULES: tuple[Rule, ...] = (
    Rule(
        "LM-1",
        "The API root is https://api.lemlist.com/api",
        REF,
        "**Base:** `https://api.lemlist.com/api`.",
        "documented",
        "accepted",
        client="adapter.py Lemlist.default_url",
        sandbox="sandbox/lemlist/ (served under /lemlist/api, the same paths)",
        tested_by=(CLIENT_T + "test_example_campaign_creates_then_plans_no_change",),
    ),
    Rule(
        "LM-2",
        "HTTP Basic auth with an empty user and the key as password",
        UPDATE,
        "Basic authentication header of the form Basic <encoded-value>, where <encoded-value> "
        "is the base64-encoded string username:password.",
        "documented",
        "accepted",
        client="adapter.py connect (auth=('', key))",
        sandbox="sandbox/lemlist/routes.py (Basic with an empty user, or ?access_token)",
        tested_by=(
            CLIENT_T + "test_connect_uses_basic_auth_with_an_empty_user_and_one_limiter_per_key",
            SANDBOX_T + "test_plumbing.py::test_basic_auth_with_empty_user_"
            "and_access_token_reach_the_same_team",
        ),
    ),
    Rule(
        "LM-3",
        "At most 20 requests per 2 s per API key, on every route",
        REF,
        "Rate limit: 20 requests per 2 seconds, per API key, on all routes.",
        "documented",
        "accepted",
        client="http.py shared_limiter (rules.py RATE_LIMIT)",
        sandbox="sandbox/lemlist/ratelimit.py",
        tested_by=(
            CLIENT_T + "test_fifty_campaigns_planned_and_applied_concurrently_get_no_429",
            SANDBOX_T + "test_plumbing.py::test_the_21st_request_within_two_seconds_is_a_429",
        ),
    ),
    Rule(
        "LM-4",
        "Error bodies are mostly text/plain, some JSON {error, message}",
        REF,
        "Bodies are mostly **`text/plain` strings**",
        "documented",
        "accepted",
        client="http.py (the body as JSON when it parses, else its text)",
        sandbox="sandbox/lemlist/context.py bad() (text/plain); schedules answer JSON",
        tested_by=(
            "tests/providers/lemlist/test_openapi.py::test_error_bodies_are_the_"
            "documented_media_type",
        ),
    ),
    # The envelope `id:` is not checked against the cam_ form: issue 13's, not this rule's.
    Rule(
        "LM-5",
        "Ids are a typed prefix (cam_, usr_, …) and base62 characters",
        REF,
        "**IDs** are a typed prefix plus ~17 base62 characters",
        "documented",
        "error",
        client="schema.json patterns (sendUserIds ^usr_, campaignId ^cam_)",
        sandbox="sandbox/store.py prefixed_id (assigns them); an id of another form names "
        "nothing and is refused where it must exist",
        probes=(
            Probe(
                "step-target-not-cam",
                {"steps.1": {"type": "sendToAnotherCampaign", "campaignId": "abc"}},
                "refuse",
                "refuse",
            ),
            # create() stops before its first call on a non-member: the sandbox side of
            # this id is in the sandbox's own tests.
            Probe("sender-not-usr", {"sendUserIds": ["user_123"]}, "refuse"),
        ),
        tested_by=(SANDBOX_T + "test_update_campaign.py::test_patch_validation",),
    ),
)

LIFECYCLE_RULES: tuple[Rule, ...] = (
    Rule(
        "LM-38",
        "Statuses running, draft, archived, ended, paused, errors (several at once)",
        REF,
        "a campaign can be in several at once",
        "documented",
        "accepted",
        client="rules.py STATUSES",
        sandbox="sandbox/lemlist/campaigns.py _list_campaigns",
        tested_by=(
            SANDBOX_T + "test_campaigns.py::test_campaign_list_pages_with_offset_and_limit",
        ),
    ),
    Rule(
        "LM-39",
        "Start also resumes a paused campaign; pause does nothing unless running",
        REF,
        "Does nothing if not running.",
        "documented",
        "accepted",
        client="lifecycle.py TRANSITIONS (start from paused or draft; retried: no-ops)",
        sandbox="sandbox/lemlist/campaigns.py _start, _pause",
        tested_by=(
            SANDBOX_T + "test_campaigns.py::test_start_and_pause_and_their_no_ops",
            CLIENT_T + "test_new_campaign_without_status_is_left_paused",
        ),
    ),
    Rule(
        "LM-40",
        "List campaigns: version=v2, limit at most 100; a bare array or an envelope",
        REF,
        "`limit` default 100, max 100.",
        "documented",
        "accepted",
        client="adapter.py _pages",
        sandbox="sandbox/lemlist/campaigns.py _list_campaigns",
        tested_by=(
            CLIENT_T + "test_find_by_name_pages_through_more_than_100_campaigns",
            CLIENT_T + "test_find_by_name_accepts_the_bare_array_form",
        ),
    ),
    Rule(
        "LM-41",
        "Campaign leads: limit at most 500, one lead per POST",
        REF,
        "`limit` default 100, max 500.",
        "documented",
        "accepted",
        client="leads.py LemlistLeads",
        sandbox="sandbox/lemlist/leads.py",
        tested_by=(
            "tests/leads/test_leads.py::test_lemlist_leads_are_added_one_per_call_and_listed",
            SANDBOX_T + "test_schedules_and_leads.py::test_campaign_leads",
        ),
    ),
    Rule(
        "LM-C18",
        "status: active is not sent to an ended campaign",
        REF,
        '"Starts or resumes a paused campaign"',
        "choice",
        "blocked",
        client="adapter.py LIFECYCLE_BLOCKED (_ENDED)",
        sandbox="",
        why="start is documented for a new or paused campaign; what it does to an ended one "
        "(every lead through the sequence) is not said. The plan blocks it as outreach's "
        "rule, worded so (issue 21: it read as lemlist's fact)",
        why_not="sandbox: no source says lemlist refuses it; the emulator starts it",
        tested_by=(DIS_T + "test_status_active_on_an_ended_campaign_is_outreachs_rule",),
    ),
    Rule(
        "LM-42",
        "No API deletes a campaign or detaches a schedule",
        REF,
        "No `DELETE /campaigns/{id}` and no archive action in the OpenAPI copy.",
        "documented",
        "blocked",
        client="adapter.py classify (removing a schedule from the file is blocked)",
        sandbox="sandbox/lemlist/routes.py (no such route)",
        tested_by=(RULES_T + "test_removing_a_schedule_is_blocked",),
    ),
    Rule(
        "LM-43",
        "Pre-launch statutes: a level-3 issue blocks launch",
        REF,
        "Level 3 blocks launch.",
        "documented",
        "blocked",
        client="",
        sandbox="",
        # The audit's LM-43 counted the sandbox as enforcing it: it reports the statutes
        # (sandbox/lemlist/campaigns.py _statutes) but its start does not refuse on them.
        why_not="client: server state (senders, steps, schedule as lemlist sees them); the "
        "plan notes a start without senders (adapter.py notes) but does not read the "
        "statutes. sandbox: GET …/statutes reports level-3 issues, but start does not "
        "refuse on them (not done: the example campaigns start without senders)",
        tested_by=(SANDBOX_T + "test_campaigns.py::test_statutes_and_senders_and_duplicate",),
    ),
    Rule(
        "LM-44",
        "An unknown campaign is a 404 'Campaign not found'",
        OPENAPI,
        "Campaign not found",
        "documented",
        "accepted",
        client="adapter.py fetch (404: absent, so plan creates it)",
        sandbox="sandbox/lemlist/storage.py _campaign",
        tested_by=(CLIENT_T + "test_example_campaign_creates_then_plans_no_change",),
    ),
)

SANDBOX_T = "tests/sandbox/lemlist/test_choices.py::"
_NOT_IN_FILES = (
    "the client never sends it: a campaign file has no list sort, no archive, "
    "and every step and A/B test body is built from the schema"
)

# The emulator's own choices on routes a campaign file does not reach: what it refuses where
# the docs are silent or show one value only.
ROUTE_CHOICES: tuple[Rule, ...] = (
    Rule(
        "LM-C12",
        "The campaign list sorts by createdAt only",
        REF,
        "sortBy=createdAt",
        "choice",
        "error",
        client="",
        sandbox="sandbox/lemlist/campaigns.py _list_campaigns",
        why="the list's only documented sort key is createdAt; another is answered 400 "
        "rather than silently ignored",
        why_not=_NOT_IN_FILES,
        tested_by=(SANDBOX_T + "test_campaign_list_sorts_by_created_at_only",),
    ),
    Rule(
        "LM-C13",
        "An archived campaign cannot be started",
        REF,
        "`running`, `draft`, `archived`, `ended`, `paused`, `errors`",
        "choice",
        "error",
        client="",
        sandbox="sandbox/lemlist/campaigns.py _start",
        why="archived is a status the docs list but no route documents leaving; starting one "
        "is refused rather than resurrecting it",
        why_not=_NOT_IN_FILES,
        tested_by=(SANDBOX_T + "test_an_archived_campaign_cannot_be_started",),
    ),
    Rule(
        "LM-C14",
        "A step POST names its type",
        REF,
        "POST /sequences/{sequenceId}/steps",
        "choice",
        "error",
        client="",
        sandbox="sandbox/lemlist/steps.py _add_step",
        why="the POST schema lists no required field, but a step without a type has no "
        "fields to check: refused",
        why_not=_NOT_IN_FILES,
        tested_by=(SANDBOX_T + "test_a_step_post_names_its_type",),
    ),
    Rule(
        "LM-C15",
        "An A/B-test PATCH takes only its documented fields",
        REF,
        "POST/GET/PATCH/DELETE /sequences/{sequenceId}/steps/{stepId}/ab-test",
        "choice",
        "error",
        client="",
        sandbox="sandbox/lemlist/steps.py _ab_patch",
        why="an unknown key is refused rather than dropped, like every other lemlist body "
        "here (LM-C2)",
        why_not=_NOT_IN_FILES,
        tested_by=(SANDBOX_T + "test_an_ab_test_patch_takes_only_its_fields",),
    ),
)
