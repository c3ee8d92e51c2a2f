"""lemlist's step, A/B test and schedule rules: the second half of the catalogue."""

from __future__ import annotations

from typing import Any

from ..catalogue import DELETE, Probe, Rule
from .catalogue_sources import OPENAPI, REF

CLIENT_T = "tests/providers/lemlist/test_client.py::"
RULES_T = "tests/providers/lemlist/test_catalogue_lemlist.py::"
SANDBOX_T = "tests/sandbox/lemlist/"

SEND = {"type": "linkedinSend", "message": "Thanks for connecting"}
OFFICE = {
    "name": "Office",
    "timezone": "Europe/Paris",
    "start": "09:00",
    "end": "18:00",
    "weekdays": [1, 2, 3, 4, 5],
}


def _step(**fields: Any) -> dict[str, Any]:
    """A probe that adds a second step (POSTed after the first)."""
    return {"steps.1": fields}


def _sched(**changes: Any) -> dict[str, Any]:
    """A probe with two schedules, the second changed: create() patches the first into the
    campaign's default schedule and POSTs the second, so the second meets the create rules."""
    second = {k: v for k, v in {**OFFICE, **changes}.items() if v is not DELETE}
    return {"schedules": [dict(OFFICE), second]}


def _media(images: int, videos: int, scheme: str = "https") -> dict[str, Any]:
    return _step(
        **SEND,
        images=[f"{scheme}://example.com/{i}.png" for i in range(images)],
        videos=[f"https://example.com/{i}.mp4" for i in range(videos)],
    )


STEP_RULES: tuple[Rule, ...] = (
    Rule(
        "LM-20",
        "A step's type is one of 17",
        OPENAPI,
        "The type of step to create",
        "documented",
        "error",
        client="schema.json (enum; rules.py STEP_TYPES)",
        sandbox="sandbox/lemlist/steps.py _add_step",
        probes=(
            Probe("type-unknown", {"steps.0.type": "fax"}, "refuse", "refuse"),
            Probe("type-missing", {"steps.0.type": DELETE}, "refuse", "refuse"),
            Probe("type-visit", _step(type="linkedinVisit"), "accept", "accept"),
        ),
    ),
    # The audit's LM-21 was right: the schema required `delay`, which the docs make optional.
    Rule(
        "LM-21",
        "delay: whole days, optional (default 0 for the first step, 1 after)",
        OPENAPI,
        "Defaults to 0 for the first step and 1 for subsequent steps",
        "documented",
        "normalised",
        client="schema.json (optional integer); the diff leaves a delay the file omits to "
        "lemlist, so the applied file plans to no change",
        sandbox="sandbox/lemlist/steps.py _add_step (the defaults)",
        probes=(
            Probe("delay-omitted", {"steps.0.delay": DELETE}, "accept", "accept"),
            Probe("delay-omitted-later", _step(type="linkedinVisit"), "accept", "accept"),
            Probe("delay-fraction", {"steps.0.delay": 1.5}, "refuse", "refuse"),
            Probe("delay-text", {"steps.0.delay": "1"}, "refuse", "refuse"),
        ),
        tested_by=(RULES_T + "test_steps_without_delay_apply_then_plan_no_change",),
    ),
    Rule(
        "LM-C7",
        "A negative delay is refused",
        OPENAPI,
        "Delay in days before executing this step.",
        "choice",
        "error",
        client="rules.py _steps (delay)",
        sandbox="sandbox/lemlist/validation.py check_step_fields",
        why="a delay counts days to wait; the docs give no bound, and a negative wait means "
        "nothing lemlist documents",
        probes=(
            Probe("delay-negative", {"steps.0.delay": -1}, "refuse", "refuse"),
            Probe("delay-zero", _step(type="linkedinVisit", delay=0), "accept", "accept"),
        ),
    ),
    Rule(
        "LM-22",
        "index ≥ -1; omitted or too large appends",
        OPENAPI,
        "If omitted or greater than the number of steps, the new step is added to the end",
        "documented",
        "accepted",
        client="steps.py add_step (sends the step's position; the file's order is the index)",
        sandbox="sandbox/lemlist/steps.py _add_step",
        tested_by=(
            SANDBOX_T + "test_steps.py::test_steps_are_added_in_place_with_documented_"
            "delay_defaults",
            CLIENT_T + "test_added_and_removed_steps_use_the_step_endpoints_in_order",
        ),
    ),
    Rule(
        "LM-23",
        "subject is required for email steps",
        OPENAPI,
        "Email subject line (required for email steps)",
        "documented",
        "error",
        client="schema.json (allOf: email requires subject, minLength 1)",
        sandbox="sandbox/lemlist/validation.py check_step_required",
        probes=(
            Probe("email-no-subject", {"steps.0.subject": DELETE}, "refuse", "refuse"),
            Probe("email-empty-subject", {"steps.0.subject": ""}, "refuse", "refuse"),
        ),
    ),
    # The audit's LM-24 DISAGREE (an empty sms message): "required" is read as non-empty on
    # both sides now; an empty message sends nothing.
    Rule(
        "LM-24",
        "message is required for linkedinSend, whatsappMessage and sms",
        OPENAPI,
        "Required for linkedinSend, whatsappMessage, and sms",
        "documented",
        "error",
        client="schema.json (allOf: required, minLength 1)",
        sandbox="sandbox/lemlist/validation.py check_step_required",
        probes=(
            Probe("sms-no-message", _step(type="sms"), "refuse", "refuse"),
            Probe("sms-empty-message", _step(type="sms", message=""), "refuse", "refuse"),
            Probe("send-no-message", _step(type="linkedinSend"), "refuse", "refuse"),
            Probe(
                "whatsapp-message", _step(type="whatsappMessage", message="Hi"), "accept", "accept"
            ),
        ),
    ),
    # The audit's LM-25 was right: `method` was required on the client only.
    Rule(
        "LM-25",
        "api steps: url required, http:// or https://; method GET|POST|PUT|DELETE|PATCH",
        OPENAPI,
        "URL of the API endpoint to call (required for api steps). Must "
        "start with http:// or https://",
        "documented",
        "error",
        client="schema.json (url required, ^https?:// pattern; method enum, optional)",
        sandbox="sandbox/lemlist/validation.py check_step_fields, check_step_required",
        probes=(
            Probe("api-ftp-url", _step(type="api", url="ftp://example.com"), "refuse", "refuse"),
            Probe("api-no-url", _step(type="api", method="GET"), "refuse", "refuse"),
            Probe("api-http-url", _step(type="api", url="http://example.com"), "accept", "accept"),
            Probe(
                "api-no-method",
                _step(type="api", url="https://example.com/hook"),
                "accept",
                "accept",
            ),
            Probe(
                "api-method-unknown",
                _step(type="api", url="https://x.example", method="FETCH"),
                "refuse",
                "refuse",
            ),
        ),
    ),
    # The audit's LM-26 was right: neither conditionKey nor delayType is documented as
    # required; delayType is now optional on the client, conditionKey a listed choice.
    Rule(
        "LM-26",
        "conditionKey is one of 13 keys; delayType within or waitUntil",
        OPENAPI,
        "Delay type for conditional steps",
        "documented",
        "error",
        client="schema.json (enums)",
        sandbox="sandbox/lemlist/validation.py check_step_fields",
        probes=(
            Probe(
                "condition-key-unknown",
                _step(type="conditional", conditionKey="isNice"),
                "refuse",
                "refuse",
            ),
            Probe(
                "condition-no-delay-type",
                _step(type="conditional", conditionKey="emailsOpened"),
                "accept",
                "accept",
            ),
            Probe(
                "delay-type-unknown",
                _step(type="conditional", conditionKey="hasScore", delayType="soon"),
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "LM-C8",
        "A conditional step needs a conditionKey",
        OPENAPI,
        "Condition key for conditional steps",
        "choice",
        "error",
        client="rules.py _steps (conditional)",
        sandbox="sandbox/lemlist/validation.py check_step_required",
        why="the docs do not say it is required nor what a condition without a key tests; a "
        "branch that tests nothing is a mistake, and the emulator refuses it",
        probes=(
            Probe(
                "condition-no-key",
                _step(type="conditional", delayType="within"),
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "LM-27",
        "sendToAnotherCampaign: campaignId must exist and not be archived",
        OPENAPI,
        "The campaign must exist and not be archived",
        "documented",
        "error",
        client="schema.json (campaignId required, cam_ pattern); senders.py judge (plan: "
        "the target read with GET /campaigns/{id}, blocked when missing or archived)",
        sandbox="sandbox/lemlist/validation.py check_step_fields",
        # Issue 21: validate cannot know the target; the plan now reads it (it planned OK
        # and failed at apply).
        probes=(
            Probe("send-to-no-campaign", _step(type="sendToAnotherCampaign"), "refuse", "refuse"),
            Probe(
                "send-to-unknown-campaign",
                _step(type="sendToAnotherCampaign", campaignId="cam_ABC123XYZ456"),
                "accept",
                "refuse",
            ),
        ),
        tested_by=(
            "tests/providers/lemlist/test_disagreements.py::test_a_step_sending_to_an_"
            "archived_campaign_is_blocked_in_the_plan",
        ),
    ),
    Rule(
        "LM-28",
        "images/videos: HTTPS URLs, at most 6 combined (png/jpeg/gif, mp4/quicktime, ≤ 20 MB)",
        OPENAPI,
        "Up to 20 MB per file, and up to 6 items total combined with `videos`.",
        "documented",
        "error",
        client="schema.json (format uri, ^https://); rules.py _steps (6 combined)",
        sandbox="sandbox/lemlist/validation.py check_step_fields",
        why_not="neither side checks the MIME type or the 20 MB: lemlist downloads the file, "
        "which neither reading does",
        probes=(
            Probe("media-http", _media(1, 0, "http"), "refuse", "refuse"),
            Probe("media-seven", _media(4, 3), "refuse", "refuse"),
            Probe("media-six", _media(4, 2), "accept", "accept"),
        ),
    ),
    Rule(
        "LM-29",
        "recordMode is manual or ai",
        OPENAPI,
        "Applies to `linkedinVoiceNote` steps only. Determines how the audio is sourced.",
        "documented",
        "error",
        client="schema.json (enum)",
        sandbox="sandbox/lemlist/validation.py check_step_fields",
        probes=(
            Probe(
                "record-mode-unknown",
                _step(type="linkedinVoiceNote", recordMode="auto"),
                "refuse",
                "refuse",
            ),
            Probe(
                "record-mode-ai",
                _step(type="linkedinVoiceNote", recordMode="ai"),
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "LM-30",
        "Some step fields apply to one step type only",
        OPENAPI,
        "Applies to `linkedinEndorse` steps only.",
        "documented",
        "warning",
        client="rules.py _steps (STEP_FIELD_TYPES: a warning)",
        sandbox="",
        why_not="sandbox: lemlist accepts the field on another type and does nothing with it",
        probes=(
            Probe(
                "subject-on-a-visit", _step(type="linkedinVisit", subject="Hi"), "warn", "accept"
            ),
        ),
    ),
    Rule(
        "LM-31",
        "A step's type is required on update and cannot change",
        OPENAPI,
        "The type of step (required but cannot be changed - must match the existing step type)",
        "documented",
        "blocked",
        client="adapter.py LIST_KEYS (type fixed), steps.py classify_step (delete + add; "
        "blocked while running)",
        sandbox="sandbox/lemlist/steps.py _patch_step",
        tested_by=(
            CLIENT_T + "test_step_type_change_is_delete_plus_add_and_the_plan_says_why",
            CLIENT_T + "test_type_change_on_a_running_campaign_is_blocked",
        ),
    ),
    # The audit's LM-32 note was right: the client also refused deleting a step of an archived
    # campaign, which no source states; only `running` is refused now.
    Rule(
        "LM-32",
        "Deleting a step of a running campaign is refused",
        REF,
        '400 "You cannot delete this step because the campaign is running"',
        "documented",
        "blocked",
        client="rules.py RULES (steps remove: every status but running)",
        sandbox="sandbox/lemlist/steps.py _delete_step",
        tested_by=(
            CLIENT_T + "test_deleting_a_step_of_a_running_campaign_is_blocked_until_the_"
            "file_says_paused",
            SANDBOX_T + "test_steps.py::test_deleting_a_step_of_a_running_campaign_is_refused",
        ),
    ),
    Rule(
        "LM-33",
        "A/B tests: email steps only; variant B's subject at most 400 characters; "
        "created and ended only while not running",
        OPENAPI,
        "Variant B email subject. Maximum 400 characters",
        "documented",
        "error",
        client="schema.json (abTest on email only, maxLength 400); adapter.py classify (running)",
        sandbox="sandbox/lemlist/steps.py _ab_create, _ab_patch, _ab_delete",
        probes=(
            Probe("ab-subject-401", {"steps.0.abTest": {"subject": "x" * 401}}, "refuse", "refuse"),
            Probe("ab-subject-400", {"steps.0.abTest": {"subject": "x" * 400}}, "accept", "accept"),
            Probe(
                "ab-on-a-visit",
                _step(type="linkedinVisit", abTest={"subject": "B"}),
                "refuse",
                "refuse",
            ),
        ),
        tested_by=(CLIENT_T + "test_ab_test_edits_and_their_status_rules",),
    ),
    Rule(
        "LM-34",
        "Schedules: HH:mm hours, weekdays 1 = Monday … 7 = Sunday, IANA timezone; "
        "name, timezone, start, end, weekdays required on create",
        OPENAPI,
        "Days of the week the schedule is active (1=Monday, 7=Sunday)",
        "documented",
        "error",
        client="schema.json (schedule); rules.py _schedules (timezone)",
        sandbox="sandbox/lemlist/validation.py check_schedule",
        probes=(
            Probe("weekday-0", _sched(weekdays=[0, 1]), "refuse", "refuse"),
            Probe("weekday-8", _sched(weekdays=[1, 8]), "refuse", "refuse"),
            Probe("weekdays-1-to-7", _sched(weekdays=[1, 2, 3, 4, 5, 6, 7]), "accept", "accept"),
            Probe("hours-not-hhmm", _sched(start="9:00"), "refuse", "refuse"),
            Probe("hours-bounds", _sched(start="00:00", end="23:59"), "accept", "accept"),
            Probe("schedule-no-name", _sched(name=DELETE), "refuse", "refuse"),
            Probe("schedule-no-weekdays", _sched(weekdays=DELETE), "refuse", "refuse"),
            Probe("schedule-timezone", _sched(timezone="Paris"), "refuse", "refuse"),
        ),
    ),
    # The audit's LM-34 probe "LM-sched-missing-name" (S=REFUSE) was a POST: sent as create()
    # sends it, the first schedule is a PATCH of the campaign's default one, which requires
    # nothing. Requiring the five fields there too is outreach's choice.
    Rule(
        "LM-C11",
        "Every schedule of the file states name, timezone, start, end and weekdays",
        OPENAPI,
        '"required": [ "name", "timezone", "start", "end", "weekdays" ]',
        "choice",
        "error",
        client="schema.json (schedule: required)",
        sandbox="",
        why="a file's schedule is the whole object: one added to a campaign later is POSTed, "
        "where lemlist requires all five, and validate cannot know which schedule will be "
        "patched into the default one and which POSTed",
        why_not="sandbox: the first schedule is a PATCH of the default schedule, which "
        "requires none of them (a later one, POSTed, is refused: LM-34's probes)",
        probes=(
            Probe(
                "first-schedule-no-name",
                {"schedules": [{k: v for k, v in OFFICE.items() if k != "name"}]},
                "refuse",
                "accept",
            ),
        ),
    ),
    # The audit's LM-35 was right: `public` is documented and was refused by the schema.
    Rule(
        "LM-35",
        "A schedule's public flag (default false)",
        OPENAPI,
        "Set to true to make the schedule visible to use as a template",
        "documented",
        "accepted",
        client="schema.json (boolean); normalize.py reads it back",
        sandbox="sandbox/lemlist/validation.py check_schedule",
        probes=(
            Probe("schedule-public", _sched(public=True), "accept", "accept"),
            Probe("schedule-public-not-boolean", _sched(public="yes"), "refuse", "refuse"),
        ),
        tested_by=(RULES_T + "test_a_public_schedule_applies_then_plans_no_change",),
    ),
    # The audit's LM-36 was right: the docs' own example repeats a weekday.
    Rule(
        "LM-36",
        "weekdays may repeat a day (the docs' own example does)",
        OPENAPI,
        '"weekdays": [ 1, 2, 3, 2, 5 ]',
        "documented",
        "accepted",
        client="schema.json (no uniqueItems)",
        sandbox="sandbox/lemlist/validation.py check_schedule",
        probes=(Probe("weekdays-repeat", _sched(weekdays=[1, 2, 3, 2, 5]), "accept", "accept"),),
    ),
    Rule(
        "LM-C9",
        "An empty weekdays list is a warning",
        OPENAPI,
        "Days of the week the schedule is active (1=Monday, 7=Sunday)",
        "choice",
        "warning",
        client="rules.py _schedules (weekdays)",
        sandbox="",
        why="lemlist accepts it (no minItems is documented) but such a schedule never sends",
        why_not="sandbox: lemlist accepts it",
        probes=(Probe("weekdays-empty", _sched(weekdays=[]), "warn", "accept"),),
    ),
    Rule(
        "LM-C10",
        "A negative secondsToWait is refused",
        OPENAPI,
        "Delay in seconds between operations",
        "choice",
        "error",
        client="rules.py _schedules (secondsToWait)",
        sandbox="sandbox/lemlist/validation.py check_schedule",
        why="the docs give no bound; a negative wait between sends means nothing",
        probes=(
            Probe("seconds-negative", _sched(secondsToWait=-5), "refuse", "refuse"),
            Probe("seconds-zero", _sched(secondsToWait=0), "accept", "accept"),
        ),
    ),
    Rule(
        "LM-37",
        "A schedule's end is after its start",
        OPENAPI,
        "End time in HH:mm format",
        "choice",
        "error",
        client="rules.py _schedules (end after start)",
        sandbox="sandbox/lemlist/validation.py check_hours",
        why="the docs do not say what a window that ends before it starts does (an overnight "
        "window or nothing); both readings refuse it rather than guess",
        probes=(
            Probe("end-before-start", _sched(start="18:00", end="09:00"), "refuse", "refuse"),
            Probe("end-equals-start", _sched(start="09:00", end="09:00"), "refuse", "refuse"),
            Probe("end-a-minute-after", _sched(start="09:00", end="09:01"), "accept", "accept"),
        ),
    ),
)
