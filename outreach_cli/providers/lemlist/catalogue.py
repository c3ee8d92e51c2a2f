"""lemlist's rules, each with its source and quote: the catalogue both readings are held to.

Ids LM-1 … LM-44 are the outside audit's rows (shared/reference/rules-audit.md); LM-C1 … are
outreach's own choices where the docs are silent. The step and schedule rules are in
catalogue_steps.py. Where an audit row was wrong (or the code it described was), the rule says
so in `why` or in a comment here, with the source.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import DELETE, Probe, Rule
from .catalogue_steps import STEP_RULES

UPDATE = "seeds/lemlist-update-campaign.txt"
OPENAPI = "reference/openapi/lemlist.json"
REF = "reference/providers.md"

CLIENT_T = "tests/providers/lemlist/test_client.py::"
RULES_T = "tests/providers/lemlist/test_catalogue_lemlist.py::"
DIS_T = "tests/providers/lemlist/test_disagreements.py::"
SANDBOX_T = "tests/sandbox/lemlist/"

# The smallest campaign lemlist's create accepts; probes change one thing in it.
BASE: dict[str, Any] = {
    "name": "Probe",
    "steps": [{"type": "email", "subject": "Hello", "message": "<p>Hi there</p>", "delay": 0}],
}

# A sandbox team member with every channel (the update page's own example user).
MEMBER = "usr_2aBCdEfGHiJkLmNOp"
# A member with a mailbox only: it cannot cover a LinkedIn step.
EMAIL_ONLY = "usr_DemoEmailOnly0001"

CAMPAIGN_RULES: tuple[Rule, ...] = (
    Rule("LM-1", "The API root is https://api.lemlist.com/api", REF,
         "**Base:** `https://api.lemlist.com/api`.", "documented", "accepted",
         client="adapter.py Lemlist.default_url",
         sandbox="sandbox/lemlist/ (served under /lemlist/api, the same paths)",
         tested_by=(CLIENT_T + "test_example_campaign_creates_then_plans_no_change",)),
    Rule("LM-2", "HTTP Basic auth with an empty user and the key as password", UPDATE,
         "Basic authentication header of the form Basic <encoded-value>, where <encoded-value> "
         "is the base64-encoded string username:password.", "documented", "accepted",
         client="adapter.py connect (auth=('', key))",
         sandbox="sandbox/lemlist/routes.py (Basic with an empty user, or ?access_token)",
         tested_by=(CLIENT_T + "test_connect_uses_basic_auth_with_an_empty_user_and_one_limiter_"
                    "per_key", SANDBOX_T + "test_plumbing.py::test_basic_auth_with_empty_user_"
                    "and_access_token_reach_the_same_team")),
    Rule("LM-3", "At most 20 requests per 2 s per API key, on every route", REF,
         "Rate limit: 20 requests per 2 seconds, per API key, on all routes.", "documented",
         "accepted", client="http.py shared_limiter (rules.py RATE_LIMIT)",
         sandbox="sandbox/lemlist/ratelimit.py",
         tested_by=(CLIENT_T + "test_fifty_campaigns_planned_and_applied_concurrently_get_no_429",
                    SANDBOX_T + "test_plumbing.py::test_the_21st_request_within_two_seconds_is_a_"
                    "429")),
    Rule("LM-4", "Error bodies are mostly text/plain, some JSON {error, message}", REF,
         "Bodies are mostly **`text/plain` strings**", "documented", "accepted",
         client="http.py (the body as JSON when it parses, else its text)",
         sandbox="sandbox/lemlist/context.py bad() (text/plain); schedules answer JSON",
         tested_by=("tests/providers/lemlist/test_openapi.py::test_error_bodies_are_the_"
                    "documented_media_type",)),
    # The envelope `id:` is not checked against the cam_ form: issue 13's, not this rule's.
    Rule("LM-5", "Ids are a typed prefix (cam_, usr_, …) and base62 characters", REF,
         "**IDs** are a typed prefix plus ~17 base62 characters", "documented", "error",
         client="schema.json patterns (sendUserIds ^usr_, campaignId ^cam_)",
         sandbox="sandbox/store.py prefixed_id (assigns them); an id of another form names "
                 "nothing and is refused where it must exist",
         probes=(Probe("step-target-not-cam", {"steps.1": {
                     "type": "sendToAnotherCampaign", "campaignId": "abc"}}, "refuse", "refuse"),
                 # create() stops before its first call on a non-member: the sandbox side of
                 # this id is in the sandbox's own tests.
                 Probe("sender-not-usr", {"sendUserIds": ["user_123"]}, "refuse"),),
         tested_by=(SANDBOX_T + "test_update_campaign.py::test_patch_validation",)),
    Rule("LM-6", "Create: name required; timezone IANA, default Europe/Paris", OPENAPI,
         '"required": [ "name" ]', "documented", "error",
         client="schema.json (required name, minLength 1); rules.py _timezone (IANA)",
         sandbox="sandbox/lemlist/campaigns.py _create_campaign",
         # The audit (LM-6) was right: the schema had no `required`, so a file without a name
         # passed validate and its apply failed at lemlist's first answer.
         probes=(Probe("name-missing", {"name": DELETE}, "refuse", "refuse"),
                 Probe("name-empty", {"name": ""}, "refuse", "refuse"),
                 Probe("timezone-invalid", {"timezone": "Paris"}, "refuse", "refuse"),
                 Probe("timezone-iana", {"timezone": "America/New_York"}, "accept", "accept"))),
    Rule("LM-C1", "A blank name (spaces only) is refused", OPENAPI,
         '"required": [ "name" ]', "choice", "error",
         client="rules.py check (name)", sandbox="sandbox/lemlist/campaigns.py _create_campaign",
         why="lemlist requires a name and does not say whether spaces count; a blank name "
             "cannot be told apart in the app, and the emulator refuses it",
         probes=(Probe("name-blank", {"name": "   "}, "refuse", "refuse"),)),
    Rule("LM-C19", "A campaign name is at most 500 characters", UPDATE, "The campaign name",
         "choice", "error", client="schema.json name maxLength (x-rule)", sandbox="",
         why="the docs give no length limit; a name is sent in every create and rename and "
             "shown in every list and plan line, and 500 characters is far beyond any real "
             "name (a 1 MB name was accepted): outreach's rule",
         why_not="the docs are silent on a name's length: the sandbox, reading the docs, "
                 "sets no limit",
         probes=(Probe("name-501", {"name": "N" * 501}, "refuse", "accept"),
                 Probe("name-500", {"name": "N" * 500}, "accept", "accept")),
         tested_by=('tests/test_validate_messages.py::test_a_1_mb_name_is_refused_offline_naming_file_line_and_field',)),
    Rule("LM-7", "A new campaign answers running; create() pauses it before adding anything",
         REF, 'The example shows `"state": "running"` right after creation.', "documented",
         "accepted", client="adapter.py create (pause right after the POST)",
         sandbox="sandbox/lemlist/campaigns.py _create_campaign (state: running)",
         tested_by=(CLIENT_T + "test_new_campaign_without_status_is_left_paused",
                    SANDBOX_T + "test_campaigns.py::test_create_runs_at_once_with_a_sequence_and"
                    "_a_default_schedule")),
    Rule("LM-8", "The update page: name, 12 boolean flags, stopOnLinkClickedFilter (string)",
         UPDATE, "Filter for which link clicks should stop the campaign", "documented", "error",
         client="schema.json (types)", sandbox="sandbox/lemlist/campaigns.py _patch_campaign",
         probes=(Probe("flag-not-boolean", {"stopOnEmailReplied": "yes"}, "refuse", "refuse"),
                 Probe("filter-not-string", {"stopOnLinkClickedFilter": 3}, "refuse", "refuse"),
                 Probe("flags", {"sequenceSharing": True, "stopOnLinkClickedFilter": "pricing"},
                       "accept", "accept"))),
    Rule("LM-C2", "Fields that are not lemlist's are refused", UPDATE,
         "Filter for which link clicks should stop the campaign", "choice", "error",
         client="schema.json additionalProperties: false",
         sandbox="sandbox/lemlist/validation.py no_unknown",
         why="DESIGN.md: strict schemas, so a typo is an error instead of a setting silently "
             "never made; the docs do not say what lemlist does with an unknown field",
         probes=(Probe("unknown-field", {"sendUsers": []}, "refuse", "refuse"),
                 Probe("unknown-section-key", {"tracking.trackOpen": True}, "refuse", "refuse"))),
    Rule("LM-C16", "emoji, shown on the campaign read back, cannot be written", OPENAPI,
         "Emoji shown next to the campaign name", "choice", "error",
         client="schema.json x-not-writable (validate.py words it)",
         sandbox="sandbox/lemlist/validation.py no_unknown",
         why="the Campaign object lemlist answers has emoji, but neither the create nor the "
             "update body lists it; what lemlist does with it is not said, so it is refused "
             "like any unlisted field (LM-C2), and issue 21 asked the message to say so: "
             "both sides now say it is outreach's rule",
         probes=(Probe("emoji", {"emoji": "x"}, "refuse", "refuse"),),
         tested_by=(DIS_T + "test_emoji_is_refused_as_outreachs_rule_on_both_sides",)),
    Rule("LM-9", "sendUserIds are user ids of the usr_xxx form", UPDATE,
         "Array of user IDs (usr_xxx format) to assign as campaign senders.", "documented",
         "error", client="schema.json (^usr_ pattern)",
         sandbox="sandbox/lemlist/campaigns.py _check_senders",
         probes=(Probe("sender-member", {"sendUserIds": [MEMBER]}, "accept", "accept"),)),
    Rule("LM-C6", "A sender or review condition listed twice is refused", UPDATE,
         "Array of user IDs (usr_xxx format) to assign as campaign senders.", "choice", "error",
         client="rules.py _repeats (sendUserIds, autoReviewConditions)", sandbox="",
         why="a set written as a list: lemlist keeps one of the two (the emulator dedups), so "
             "the repeat is silently dropped and the file would never match what is read back",
         why_not="sandbox: lemlist accepts the repeat and keeps one",
         probes=(Probe("sender-twice", {"sendUserIds": [MEMBER, MEMBER]}, "refuse", "accept"),
                 Probe("condition-twice", {"autoReviewConditions": ["risky", "risky"]},
                       "refuse", "accept"))),
    Rule("LM-C3", "sendUserIds outside the key's team are refused before anything is sent",
         UPDATE, "Array of user IDs (usr_xxx format) to assign as campaign senders.", "choice",
         "error", client="adapter.py unknown_senders (plan: blocked on an update, a note on a "
                         "create; apply: create refused before its first call)",
         sandbox="sandbox/lemlist/campaigns.py _check_senders (refuses when none is a member)",
         why="the docs do not say what lemlist does with an id outside the team: it refuses it "
             "or drops it, and either way the campaign lacks the sender the file names; "
             "refusing before the first call leaves nothing half-made. Offline the client "
             "cannot know the team, so validate accepts it (the audit's LM-9 DISAGREE probe)",
         probes=(Probe("sender-not-a-member", {"sendUserIds": ["usr_NobodyAtAll0001"]},
                       "accept"),),
         tested_by=(RULES_T + "test_a_sender_outside_the_team_is_refused_before_anything_is_sent",
                    RULES_T + "test_a_sender_outside_the_team_is_blocked_in_the_plan_of_an_update",
                    SANDBOX_T + "test_campaigns.py::test_statutes_and_senders_and_duplicate")),
    Rule("LM-10", "sendUserIds are refused on a dynamic sender strategy", UPDATE,
         "Cannot be used on campaigns with a dynamic sender strategy (contactOwner, "
         "leadImporter, customField).", "documented", "blocked",
         client="adapter.py classify (the campaign's sender strategy)",
         sandbox="sandbox/lemlist/campaigns.py _check_senders",
         tested_by=(CLIENT_T + "test_sender_ids_on_a_dynamic_sender_campaign_are_blocked",
                    SANDBOX_T + "test_update_campaign.py::test_senders_cannot_be_set_on_a_dynamic"
                    "_sender_campaign")),
    Rule("LM-11", "Senders must cover every channel the steps use", UPDATE,
         "senders without capabilities for at least one channel are excluded, and all channels "
         "must be covered by at least one sender", "documented", "blocked",
         client="senders.py Team.sender_problem (plan: each sender's channels from GET "
                "/users/{userId}; blocked on a create and an update alike)",
         sandbox="sandbox/lemlist/campaigns.py _check_senders",
         why_not="",
         # Issue 21: the client left this to lemlist's 400 at apply, after the campaign was
         # made; the plan reads each sender's mailboxes and LinkedIn account and blocks it.
         probes=(Probe("sender-cannot-cover-linkedin", {
                     "sendUserIds": [EMAIL_ONLY], "steps.1": {"type": "linkedinVisit"}},
                     "accept", "refuse"),
                 Probe("sender-covers-both", {
                     "sendUserIds": [MEMBER], "steps.1": {"type": "linkedinVisit"}},
                     "accept", "accept")),
         tested_by=(RULES_T + "test_senders_that_cannot_cover_a_channel_are_blocked_in_the_plan",
                    DIS_T + "test_a_linkedin_step_the_senders_cannot_cover_is_blocked_in_the_"
                    "plan_of_an_update")),
    Rule("LM-C17", "A sender with none of the steps' channels, which lemlist would drop, is "
         "blocked", UPDATE, "senders without capabilities for at least one channel are "
         "excluded", "choice", "ignored",
         client="senders.py Team.sender_problem (plan: blocked, ignored)",
         sandbox="sandbox/lemlist/campaigns.py _check_senders (drops it)",
         why="lemlist accepts the senders and silently excludes the one without capabilities: "
             "the read-back lacks it and the file would show the same change on every plan "
             "(issue 21). Refusing it before anything is sent is outreach's rule; the plan "
             "says lemlist would drop it",
         tested_by=(DIS_T + "test_a_sender_lemlist_would_exclude_is_blocked_so_the_file_"
                    "converges",)),
    Rule("LM-12", "The update answers sendUsers only when sendUserIds was sent", UPDATE,
         "Only present when sendUserIds was provided in the request.", "documented",
         "accepted", client="",
         sandbox="sandbox/lemlist/campaigns.py _patch_campaign",
         why_not="client: a shape of the update's answer, which the client does not read (it "
                 "reads the campaign back with GET)",
         tested_by=(SANDBOX_T + "test_update_campaign.py::test_patch_answers_send_users_only_"
                    "when_sender_ids_were_sent",)),
    Rule("LM-13", "autoReviewConditions ⊂ {deliverable, risky, undeliverable, unverified}",
         UPDATE, "Invalid values are rejected with a 400 error.", "documented", "error",
         client="schema.json (enum)", sandbox="sandbox/lemlist/validation.py review_conditions",
         probes=(Probe("review-condition-unknown", {"autoReviewConditions": ["maybe"]},
                       "refuse", "refuse"),
                 Probe("review-conditions-all", {"autoReview": True, "autoReviewConditions": [
                     "deliverable", "risky", "undeliverable", "unverified"]},
                     "accept", "accept"),
                 Probe("auto-review-not-boolean", {"autoReview": "on"}, "refuse", "refuse"))),
    Rule("LM-14", "autoReviewConditions apply only while autoReview is on", UPDATE,
         "for which a lead is auto-launched when autoReview is enabled", "documented",
         "warning", client="rules.py _auto_review (a warning)", sandbox="",
         why_not="sandbox: lemlist accepts and keeps the conditions; they just do nothing",
         probes=(Probe("conditions-without-review", {
             "autoReview": False, "autoReviewConditions": ["risky"]}, "warn", "accept"),)),
    Rule("LM-15", "The structured sections are partial updates", UPDATE,
         "each is applied as a partial update, so only the flags you include are changed",
         "documented", "accepted", client="adapter.py patch_body (only the changed leaves)",
         sandbox="sandbox/lemlist/settings.py merge",
         tested_by=(CLIENT_T + "test_flags_sections_and_schedules_send_only_what_changed",
                    SANDBOX_T + "test_update_campaign.py::test_structured_sections_are_partial_"
                    "updates_and_share_the_flat_flags")),
    Rule("LM-16", "The sections' keys (aiFeatures, tracking, onReplied, …)", OPENAPI,
         "Whether email open tracking is enabled.", "documented", "error",
         client="schema.json (sections, additionalProperties: false)",
         sandbox="sandbox/lemlist/validation.py check_section",
         probes=(Probe("section-key-type", {"tracking.trackOpens": "no"}, "refuse", "refuse"),
                 Probe("sections", {"tracking.trackOpens": False,
                                    "aiFeatures.onInterestedReply.enabled": True},
                       "accept", "accept"))),
    Rule("LM-17", "campaignProgress is continue, pause or stop", REF,
         "`campaignProgress` takes `continue`, `pause` or `stop`.", "documented", "error",
         client="schema.json (enum)", sandbox="sandbox/lemlist/validation.py check_section",
         probes=(Probe("progress-unknown", {"onReplied.campaignProgress": "halt"},
                       "refuse", "refuse"),
                 Probe("progress-pause", {"onMeetingBooked.campaignProgress": "pause"},
                       "accept", "accept"))),
    Rule("LM-18", "The legacy flat flags remain supported", UPDATE,
         "The legacy flat fields (e.g. autoLeadInterest, stopOnEmailReplied) remain supported "
         "for back-compat.", "documented", "accepted", client="schema.json (the 12 flags)",
         sandbox="sandbox/lemlist/settings.py FLAGS",
         probes=(Probe("legacy-flags", {"stopOnEmailReplied": False, "disableTrackOpen": True},
                       "accept", "accept"),)),
    # The audit's LM-18 DISAGREE probes: the client refused every contradiction as if it were
    # lemlist's rule, four of them on pairings the docs never state.
    Rule("LM-C4", "A legacy flag that contradicts its documented structured twin is refused",
         UPDATE, "the preferred way is to send the structured sections", "choice", "error",
         client="rules.py _legacy_contradictions (pairs not marked assumption)", sandbox="",
         why="both forms write one setting, so lemlist keeps one of the two and silently drops "
             "the other: refused as outreach's rule. Only pairs the OpenAPI descriptions state "
             "word for word (tracking.*, onReplied.disableOutOfOffice)",
         why_not="sandbox: lemlist accepts both (the emulator applies the section last)",
         probes=(Probe("legacy-contradicts-tracking", {
             "disableTrackOpen": True, "tracking.trackOpens": True}, "refuse", "accept"),
                 Probe("legacy-agrees-with-tracking", {
             "disableTrackOpen": True, "tracking.trackOpens": False}, "accept", "accept"))),
    Rule("LM-C5", "A stopOn* flag that contradicts campaignProgress is refused; other "
         "pairings outreach guesses only warn", UPDATE,
         "the preferred way is to send the structured sections", "choice", "error",
         client="rules.py _legacy_contradictions (pairs marked assumption)",
         sandbox="sandbox/lemlist/settings.py TWINS (pairs them as one setting)",
         why="the docs do not pair stopOn* with campaignProgress nor autoLeadInterest with "
             "scoreReplies. The emulator reads stopOnEmailReplied and "
             "onReplied.campaignProgress as one setting, and if lemlist does too, a file "
             "holding both contradicting flips them on every apply and never converges "
             "(issue 21): refused as outreach's rule whichever reading is right. "
             "autoLeadInterest/scoreReplies only warns: neither reading pairs them",
         probes=(Probe("legacy-contradicts-progress", {
             "stopOnEmailReplied": True, "onReplied.campaignProgress": "continue"},
             "refuse", "accept"),
                 Probe("legacy-agrees-with-progress", {
             "stopOnEmailReplied": True, "onReplied.campaignProgress": "stop"},
             "accept", "accept"),
                 Probe("legacy-may-contradict-scoring", {
             "autoLeadInterest": True, "aiFeatures.scoreReplies": False}, "warn", "accept")),
         tested_by=(DIS_T + "test_a_legacy_flag_and_its_structured_twin_no_longer_flip_each_"
                    "other",)),
    Rule("LM-19", "The update cannot change the campaign's timezone", REF,
         "It cannot change timezone or schedule.", "documented", "blocked",
         client="rules.py RULES (timezone: refused in every status)",
         sandbox="sandbox/lemlist/campaigns.py _patch_campaign (400: the docs do not say "
                 "ignored or refused; the emulator refuses, so a client bug shows)",
         tested_by=(CLIENT_T + "test_timezone_change_is_blocked",)),
    Rule("LM-38", "Statuses running, draft, archived, ended, paused, errors (several at once)",
         REF, "a campaign can be in several at once", "documented", "accepted",
         client="rules.py STATUSES", sandbox="sandbox/lemlist/campaigns.py _list_campaigns",
         tested_by=(SANDBOX_T + "test_campaigns.py::test_campaign_list_pages_with_offset_and_"
                    "limit",)),
    Rule("LM-39", "Start also resumes a paused campaign; pause does nothing unless running",
         REF, "Does nothing if not running.", "documented", "accepted",
         client="adapter.py TRANSITIONS (start from paused or draft; retried: no-ops)",
         sandbox="sandbox/lemlist/campaigns.py _start, _pause",
         tested_by=(SANDBOX_T + "test_campaigns.py::test_start_and_pause_and_their_no_ops",
                    CLIENT_T + "test_new_campaign_without_status_is_left_paused")),
    Rule("LM-40", "List campaigns: version=v2, limit at most 100; a bare array or an envelope",
         REF, "`limit` default 100, max 100.", "documented", "accepted",
         client="adapter.py _pages", sandbox="sandbox/lemlist/campaigns.py _list_campaigns",
         tested_by=(CLIENT_T + "test_find_by_name_pages_through_more_than_100_campaigns",
                    CLIENT_T + "test_find_by_name_accepts_the_bare_array_form")),
    Rule("LM-41", "Campaign leads: limit at most 500, one lead per POST", REF,
         "`limit` default 100, max 500.", "documented", "accepted",
         client="leads.py LemlistLeads", sandbox="sandbox/lemlist/leads.py",
         tested_by=("tests/leads/test_leads.py::test_lemlist_leads_are_added_one_per_call_and_"
                    "listed", SANDBOX_T + "test_schedules_and_leads.py::test_campaign_leads")),
    Rule("LM-C18", "status: active is not sent to an ended campaign", REF,
         "\"Starts or resumes a paused campaign\"", "choice", "blocked",
         client="adapter.py LIFECYCLE_BLOCKED (_ENDED)", sandbox="",
         why="start is documented for a new or paused campaign; what it does to an ended one "
             "(every lead through the sequence) is not said. The plan blocks it as outreach's "
             "rule, worded so (issue 21: it read as lemlist's fact)",
         why_not="sandbox: no source says lemlist refuses it; the emulator starts it",
         tested_by=(DIS_T + "test_status_active_on_an_ended_campaign_is_outreachs_rule",)),
    Rule("LM-42", "No API deletes a campaign or detaches a schedule", REF,
         "No `DELETE /campaigns/{id}` and no archive action in the OpenAPI copy.",
         "documented", "blocked",
         client="adapter.py classify (removing a schedule from the file is blocked)",
         sandbox="sandbox/lemlist/routes.py (no such route)",
         tested_by=(RULES_T + "test_removing_a_schedule_is_blocked",)),
    Rule("LM-43", "Pre-launch statutes: a level-3 issue blocks launch", REF,
         "Level 3 blocks launch.", "documented", "blocked", client="", sandbox="",
         # The audit's LM-43 counted the sandbox as enforcing it: it reports the statutes
         # (sandbox/lemlist/campaigns.py _statutes) but its start does not refuse on them.
         why_not="client: server state (senders, steps, schedule as lemlist sees them); the "
                 "plan notes a start without senders (adapter.py notes) but does not read the "
                 "statutes. sandbox: GET …/statutes reports level-3 issues, but start does not "
                 "refuse on them (not done: the example campaigns start without senders)",
         tested_by=(SANDBOX_T + "test_campaigns.py::test_statutes_and_senders_and_duplicate",)),
    Rule("LM-44", "An unknown campaign is a 404 'Campaign not found'", OPENAPI,
         "Campaign not found", "documented", "accepted",
         client="adapter.py fetch (404: absent, so plan creates it)",
         sandbox="sandbox/lemlist/storage.py _campaign",
         tested_by=(CLIENT_T + "test_example_campaign_creates_then_plans_no_change",)),
)

SANDBOX_T = "tests/sandbox/lemlist/test_choices.py::"
_NOT_IN_FILES = ("the client never sends it: a campaign file has no list sort, no archive, "
                 "and every step and A/B test body is built from the schema")

# The emulator's own choices on routes a campaign file does not reach: what it refuses where
# the docs are silent or show one value only.
ROUTE_CHOICES: tuple[Rule, ...] = (
    Rule("LM-C12", "The campaign list sorts by createdAt only", REF, "sortBy=createdAt",
         "choice", "error", client="", sandbox="sandbox/lemlist/campaigns.py _list_campaigns",
         why="the list's only documented sort key is createdAt; another is answered 400 "
             "rather than silently ignored", why_not=_NOT_IN_FILES,
         tested_by=(SANDBOX_T + "test_campaign_list_sorts_by_created_at_only",)),
    Rule("LM-C13", "An archived campaign cannot be started", REF,
         "`running`, `draft`, `archived`, `ended`, `paused`, `errors`", "choice", "error",
         client="", sandbox="sandbox/lemlist/campaigns.py _start",
         why="archived is a status the docs list but no route documents leaving; starting one "
             "is refused rather than resurrecting it", why_not=_NOT_IN_FILES,
         tested_by=(SANDBOX_T + "test_an_archived_campaign_cannot_be_started",)),
    Rule("LM-C14", "A step POST names its type", REF, "POST /sequences/{sequenceId}/steps",
         "choice", "error", client="", sandbox="sandbox/lemlist/steps.py _add_step",
         why="the POST schema lists no required field, but a step without a type has no "
             "fields to check: refused", why_not=_NOT_IN_FILES,
         tested_by=(SANDBOX_T + "test_a_step_post_names_its_type",)),
    Rule("LM-C15", "An A/B-test PATCH takes only its documented fields", REF,
         "POST/GET/PATCH/DELETE /sequences/{sequenceId}/steps/{stepId}/ab-test", "choice",
         "error", client="", sandbox="sandbox/lemlist/steps.py _ab_patch",
         why="an unknown key is refused rather than dropped, like every other lemlist body "
             "here (LM-C2)", why_not=_NOT_IN_FILES,
         tested_by=(SANDBOX_T + "test_an_ab_test_patch_takes_only_its_fields",)),
)

CATALOGUE: tuple[Rule, ...] = CAMPAIGN_RULES + STEP_RULES + ROUTE_CHOICES
