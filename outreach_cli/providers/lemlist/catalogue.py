"""lemlist's rules, each with its source and quote: the catalogue both readings are held to.

Ids LM-1 … LM-44 are the outside audit's rows (shared/reference/rules-audit.md); LM-C1 … are
outreach's own choices where the docs are silent. This module holds the campaign's own fields
and settings and assembles CATALOGUE from its parts: catalogue_steps.py the steps and
schedules, catalogue_senders.py the senders, catalogue_api.py the protocol, lifecycle and
routes. Where an audit row was wrong (or the code it described was), the rule says
so in `why` or in a comment here, with the source.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import DELETE, Probe, Rule
from .catalogue_api import LIFECYCLE_RULES, PROTOCOL_RULES, ROUTE_CHOICES
from .catalogue_senders import SENDER_RULES
from .catalogue_sources import OPENAPI, REF, UPDATE
from .catalogue_steps import STEP_RULES

CLIENT_T = "tests/providers/lemlist/test_client.py::"
RULES_T = "tests/providers/lemlist/test_catalogue_lemlist.py::"
DIS_T = "tests/providers/lemlist/test_disagreements.py::"
SANDBOX_T = "tests/sandbox/lemlist/"

# The smallest campaign lemlist's create accepts; probes change one thing in it.
BASE: dict[str, Any] = {
    "name": "Probe",
    "steps": [{"type": "email", "subject": "Hello", "message": "<p>Hi there</p>", "delay": 0}],
}

CAMPAIGN_RULES: tuple[Rule, ...] = (
    *PROTOCOL_RULES,
    Rule(
        "LM-6",
        "Create: name required; timezone IANA, default Europe/Paris",
        OPENAPI,
        '"required": [ "name" ]',
        "documented",
        "error",
        client="schema.json (required name, minLength 1); rules.py _timezone (IANA)",
        sandbox="sandbox/lemlist/campaigns.py _create_campaign",
        # The audit (LM-6) was right: the schema had no `required`, so a file without a name
        # passed validate and its apply failed at lemlist's first answer.
        probes=(
            Probe("name-missing", {"name": DELETE}, "refuse", "refuse"),
            Probe("name-empty", {"name": ""}, "refuse", "refuse"),
            Probe("timezone-invalid", {"timezone": "Paris"}, "refuse", "refuse"),
            Probe("timezone-iana", {"timezone": "America/New_York"}, "accept", "accept"),
        ),
    ),
    Rule(
        "LM-C1",
        "A blank name (spaces only) is refused",
        OPENAPI,
        '"required": [ "name" ]',
        "choice",
        "error",
        client="rules.py check (name)",
        sandbox="sandbox/lemlist/campaigns.py _create_campaign",
        why="lemlist requires a name and does not say whether spaces count; a blank name "
        "cannot be told apart in the app, and the emulator refuses it",
        probes=(Probe("name-blank", {"name": "   "}, "refuse", "refuse"),),
    ),
    Rule(
        "LM-C19",
        "A campaign name is at most 500 characters",
        UPDATE,
        "The campaign name",
        "choice",
        "error",
        client="schema.json name maxLength (x-rule)",
        sandbox="",
        why="the docs give no length limit; a name is sent in every create and rename and "
        "shown in every list and plan line, and 500 characters is far beyond any real "
        "name (a 1 MB name was accepted): outreach's rule",
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
    Rule(
        "LM-7",
        "A new campaign answers running; create() pauses it before adding anything",
        REF,
        'The example shows `"state": "running"` right after creation.',
        "documented",
        "accepted",
        client="adapter.py create (pause right after the POST)",
        sandbox="sandbox/lemlist/campaigns.py _create_campaign (state: running)",
        tested_by=(
            CLIENT_T + "test_new_campaign_without_status_is_left_paused",
            SANDBOX_T + "test_campaigns.py::test_create_runs_at_once_with_a_sequence_and"
            "_a_default_schedule",
        ),
    ),
    Rule(
        "LM-8",
        "The update page: name, 12 boolean flags, stopOnLinkClickedFilter (string)",
        UPDATE,
        "Filter for which link clicks should stop the campaign",
        "documented",
        "error",
        client="schema.json (types)",
        sandbox="sandbox/lemlist/campaigns.py _patch_campaign",
        probes=(
            Probe("flag-not-boolean", {"stopOnEmailReplied": "yes"}, "refuse", "refuse"),
            Probe("filter-not-string", {"stopOnLinkClickedFilter": 3}, "refuse", "refuse"),
            Probe(
                "flags",
                {"sequenceSharing": True, "stopOnLinkClickedFilter": "pricing"},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "LM-C2",
        "Fields that are not lemlist's are refused",
        UPDATE,
        "Filter for which link clicks should stop the campaign",
        "choice",
        "error",
        client="schema.json additionalProperties: false",
        sandbox="sandbox/lemlist/validation.py no_unknown",
        why="DESIGN.md: strict schemas, so a typo is an error instead of a setting silently "
        "never made; the docs do not say what lemlist does with an unknown field",
        probes=(
            Probe("unknown-field", {"sendUsers": []}, "refuse", "refuse"),
            Probe("unknown-section-key", {"tracking.trackOpen": True}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "LM-C16",
        "emoji, shown on the campaign read back, cannot be written",
        OPENAPI,
        "Emoji shown next to the campaign name",
        "choice",
        "error",
        client="schema.json x-not-writable (validate.py words it)",
        sandbox="sandbox/lemlist/validation.py no_unknown",
        why="the Campaign object lemlist answers has emoji, but neither the create nor the "
        "update body lists it; what lemlist does with it is not said, so it is refused "
        "like any unlisted field (LM-C2), and issue 21 asked the message to say so: "
        "both sides now say it is outreach's rule",
        probes=(Probe("emoji", {"emoji": "x"}, "refuse", "refuse"),),
        tested_by=(DIS_T + "test_emoji_is_refused_as_outreachs_rule_on_both_sides",),
    ),
    *SENDER_RULES,
    Rule(
        "LM-13",
        "autoReviewConditions ⊂ {deliverable, risky, undeliverable, unverified}",
        UPDATE,
        "Invalid values are rejected with a 400 error.",
        "documented",
        "error",
        client="schema.json (enum)",
        sandbox="sandbox/lemlist/validation.py review_conditions",
        probes=(
            Probe(
                "review-condition-unknown", {"autoReviewConditions": ["maybe"]}, "refuse", "refuse"
            ),
            Probe(
                "review-conditions-all",
                {
                    "autoReview": True,
                    "autoReviewConditions": ["deliverable", "risky", "undeliverable", "unverified"],
                },
                "accept",
                "accept",
            ),
            Probe("auto-review-not-boolean", {"autoReview": "on"}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "LM-14",
        "autoReviewConditions apply only while autoReview is on",
        UPDATE,
        "for which a lead is auto-launched when autoReview is enabled",
        "documented",
        "warning",
        client="rules.py _auto_review (a warning)",
        sandbox="",
        why_not="sandbox: lemlist accepts and keeps the conditions; they just do nothing",
        probes=(
            Probe(
                "conditions-without-review",
                {"autoReview": False, "autoReviewConditions": ["risky"]},
                "warn",
                "accept",
            ),
        ),
    ),
    Rule(
        "LM-15",
        "The structured sections are partial updates",
        UPDATE,
        "each is applied as a partial update, so only the flags you include are changed",
        "documented",
        "accepted",
        client="adapter.py patch_body (only the changed leaves)",
        sandbox="sandbox/lemlist/settings.py merge",
        tested_by=(
            CLIENT_T + "test_flags_sections_and_schedules_send_only_what_changed",
            SANDBOX_T + "test_update_campaign.py::test_structured_sections_are_partial_"
            "updates_and_share_the_flat_flags",
        ),
    ),
    Rule(
        "LM-16",
        "The sections' keys (aiFeatures, tracking, onReplied, …)",
        OPENAPI,
        "Whether email open tracking is enabled.",
        "documented",
        "error",
        client="schema.json (sections, additionalProperties: false)",
        sandbox="sandbox/lemlist/validation.py check_section",
        probes=(
            Probe("section-key-type", {"tracking.trackOpens": "no"}, "refuse", "refuse"),
            Probe(
                "sections",
                {"tracking.trackOpens": False, "aiFeatures.onInterestedReply.enabled": True},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "LM-17",
        "campaignProgress is continue, pause or stop",
        REF,
        "`campaignProgress` takes `continue`, `pause` or `stop`.",
        "documented",
        "error",
        client="schema.json (enum)",
        sandbox="sandbox/lemlist/validation.py check_section",
        probes=(
            Probe("progress-unknown", {"onReplied.campaignProgress": "halt"}, "refuse", "refuse"),
            Probe(
                "progress-pause", {"onMeetingBooked.campaignProgress": "pause"}, "accept", "accept"
            ),
        ),
    ),
    Rule(
        "LM-18",
        "The legacy flat flags remain supported",
        UPDATE,
        "The legacy flat fields (e.g. autoLeadInterest, stopOnEmailReplied) remain supported "
        "for back-compat.",
        "documented",
        "accepted",
        client="schema.json (the 12 flags)",
        sandbox="sandbox/lemlist/settings.py FLAGS",
        probes=(
            Probe(
                "legacy-flags",
                {"stopOnEmailReplied": False, "disableTrackOpen": True},
                "accept",
                "accept",
            ),
        ),
    ),
    # The audit's LM-18 DISAGREE probes: the client refused every contradiction as if it were
    # lemlist's rule, four of them on pairings the docs never state.
    Rule(
        "LM-C4",
        "A legacy flag that contradicts its documented structured twin is refused",
        UPDATE,
        "the preferred way is to send the structured sections",
        "choice",
        "error",
        client="rules.py _legacy_contradictions (pairs not marked assumption)",
        sandbox="",
        why="both forms write one setting, so lemlist keeps one of the two and silently drops "
        "the other: refused as outreach's rule. Only pairs the OpenAPI descriptions state "
        "word for word (tracking.*, onReplied.disableOutOfOffice)",
        why_not="sandbox: lemlist accepts both (the emulator applies the section last)",
        probes=(
            Probe(
                "legacy-contradicts-tracking",
                {"disableTrackOpen": True, "tracking.trackOpens": True},
                "refuse",
                "accept",
            ),
            Probe(
                "legacy-agrees-with-tracking",
                {"disableTrackOpen": True, "tracking.trackOpens": False},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "LM-C5",
        "A stopOn* flag that contradicts campaignProgress is refused; other "
        "pairings outreach guesses only warn",
        UPDATE,
        "the preferred way is to send the structured sections",
        "choice",
        "error",
        client="rules.py _legacy_contradictions (pairs marked assumption)",
        sandbox="sandbox/lemlist/settings.py TWINS (pairs them as one setting)",
        why="the docs do not pair stopOn* with campaignProgress nor autoLeadInterest with "
        "scoreReplies. The emulator reads stopOnEmailReplied and "
        "onReplied.campaignProgress as one setting, and if lemlist does too, a file "
        "holding both contradicting flips them on every apply and never converges "
        "(issue 21): refused as outreach's rule whichever reading is right. "
        "autoLeadInterest/scoreReplies only warns: neither reading pairs them",
        probes=(
            Probe(
                "legacy-contradicts-progress",
                {"stopOnEmailReplied": True, "onReplied.campaignProgress": "continue"},
                "refuse",
                "accept",
            ),
            Probe(
                "legacy-agrees-with-progress",
                {"stopOnEmailReplied": True, "onReplied.campaignProgress": "stop"},
                "accept",
                "accept",
            ),
            Probe(
                "legacy-may-contradict-scoring",
                {"autoLeadInterest": True, "aiFeatures.scoreReplies": False},
                "warn",
                "accept",
            ),
        ),
        tested_by=(DIS_T + "test_a_legacy_flag_and_its_structured_twin_no_longer_flip_each_other",),
    ),
    Rule(
        "LM-19",
        "The update cannot change the campaign's timezone",
        REF,
        "It cannot change timezone or schedule.",
        "documented",
        "blocked",
        client="rules.py RULES (timezone: refused in every status)",
        sandbox="sandbox/lemlist/campaigns.py _patch_campaign (400: the docs do not say "
        "ignored or refused; the emulator refuses, so a client bug shows)",
        tested_by=(CLIENT_T + "test_timezone_change_is_blocked",),
    ),
    *LIFECYCLE_RULES,
)

CATALOGUE: tuple[Rule, ...] = CAMPAIGN_RULES + STEP_RULES + ROUTE_CHOICES
