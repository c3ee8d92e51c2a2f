"""The lemlist campaign schema and the offline rules beside it."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from outreach_cli.providers.base import Change, Finding, Provider, Remote, rule_for
from outreach_cli.providers.lemlist import rules

SCHEMA: dict[str, Any] = json.loads(
    resources.files("outreach_cli.providers.lemlist").joinpath("schema.json").read_text("utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA)

# The update page's request example, as it stands.
UPDATE_EXAMPLE: dict[str, Any] = {
    "name": "New campaign name",
    "stopOnEmailReplied": True,
    "stopOnMeetingBooked": True,
    "stopOnLinkClicked": False,
    "leadsPausedByInterest": False,
    "opportunityReplied": True,
    "opportunityClicked": False,
    "autoLeadInterest": True,
    "disableTrackOpen": False,
    "disableTrackClick": False,
    "disableTrackReply": False,
    "disableOutOfOffice": False,
    "sequenceSharing": False,
    "sendUserIds": ["usr_2aBCdEfGHiJkLmNOp", "usr_7xYzAbCdEfGhIjKlM"],
    "autoReview": True,
    "autoReviewConditions": ["deliverable", "risky"],
}

FULL: dict[str, Any] = {
    "name": "Q3 - Heads of Growth",
    "timezone": "Europe/Paris",
    "stopOnEmailReplied": True,
    "stopOnLinkClickedFilter": "pricing",
    "sendUserIds": ["usr_2aBCdEfGHiJkLmNOp"],
    "autoReview": True,
    "autoReviewConditions": ["deliverable", "risky"],
    "aiFeatures": {
        "scoreReplies": True,
        "onInterestedReply": {"enabled": True, "pauseAllCampaignsForLead": True},
        "onNotInterestedReply": {"enabled": False},
    },
    "tracking": {"trackOpens": True, "trackClicks": True, "trackReplies": True},
    "onReplied": {
        "createNewTask": True,
        "campaignProgress": "stop",
        "propagateProgressToCompany": False,
        "disableOutOfOffice": False,
    },
    "onLinkClicked": {
        "createNewTask": False,
        "campaignProgress": "continue",
        "specificLinks": ["https://example.com/pricing"],
    },
    "onMeetingBooked": {"campaignProgress": "stop", "propagateProgressToCompany": True},
    "steps": [
        {"type": "email", "delay": 0, "subject": "Quick question", "message": "<p>Hi</p>"},
        {"type": "linkedinVisit", "delay": 1},
        {
            "type": "linkedinInvite",
            "delay": 1,
            "message": "Hi {{firstName}}",
            "images": ["https://example.com/a.png"],
        },
        {
            "type": "conditional",
            "delay": 2,
            "conditionKey": "linkedinInviteAccepted",
            "delayType": "waitUntil",
        },
        {"type": "linkedinSend", "delay": 1, "message": "Thanks!", "altMessage": "Thanks"},
        {"type": "manual", "delay": 1, "title": "Call", "message": "Discuss"},
        {"type": "phone", "delay": 1, "message": "Follow up"},
        {"type": "api", "delay": 0, "method": "POST", "url": "https://api.example.com/hook"},
        {"type": "linkedinVoiceNote", "delay": 1, "recordMode": "ai"},
        {"type": "linkedinEndorse", "delay": 1, "skillName": "Sales", "endorseAnyFallback": True},
        {"type": "sendToAnotherCampaign", "delay": 0, "campaignId": "cam_ABC123XYZ456"},
        {"type": "whatsappMessage", "delay": 1, "message": "Hi"},
        {"type": "sms", "delay": 1, "message": "Hi"},
    ],
    "schedules": [
        {
            "name": "Office hours",
            "timezone": "Europe/Paris",
            "start": "09:00",
            "end": "18:00",
            "weekdays": [1, 2, 3, 4, 5],
            "secondsToWait": 1200,
        }
    ],
}


def errors_of(campaign: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    return sorted((tuple(e.absolute_path), e.message) for e in VALIDATOR.iter_errors(campaign))


def with_(path: tuple[Any, ...], value: Any, base: dict[str, Any] | None = None) -> dict[str, Any]:
    doc = copy.deepcopy(FULL if base is None else base)
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


# -- the schema --------------------------------------------------------------------------------


def test_schema_is_valid_2020_12_and_strict() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, where
            for name, sub in node.get("properties", {}).items():
                assert sub.get("description"), f"{where}.{name} has no description"
            for key, sub in node.items():
                if key not in ("if", "then"):  # conditions, not declarations
                    walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}[{i}]")

    walk(SCHEMA, "#")


def test_step_types_match_the_rules_module() -> None:
    assert tuple(SCHEMA["$defs"]["step"]["properties"]["type"]["enum"]) == rules.STEP_TYPES
    assert len(rules.STEP_TYPES) == 17
    props = SCHEMA["$defs"]["step"]["properties"]
    assert tuple(props["conditionKey"]["enum"]) == rules.CONDITION_KEYS
    assert tuple(props["delayType"]["enum"]) == rules.DELAY_TYPES
    assert tuple(props["method"]["enum"]) == rules.API_METHODS
    assert (
        tuple(SCHEMA["properties"]["autoReviewConditions"]["items"]["enum"])
        == rules.AUTO_REVIEW_CONDITIONS
    )


def test_full_campaign_and_the_update_page_example_are_valid() -> None:
    assert errors_of(FULL) == []
    assert errors_of(UPDATE_EXAMPLE) == []
    # POST /campaigns: "required": ["name"]: a file without one would fail at apply.
    assert errors_of({}) == [((), "'name' is a required property")]
    assert errors_of({"name": "x"}) == []


@pytest.mark.parametrize(
    "path, value, at, fragment",
    [
        (("sendUsers",), [], (), "'sendUsers' was unexpected"),
        (("steps", 0, "subject"), None, ("steps", 0, "subject"), "None is not of type 'string'"),
        (("steps", 0), {"type": "email", "delay": 0}, ("steps", 0), "'subject' is a required"),
        (("steps", 0), {"type": "sms", "delay": 0}, ("steps", 0), "'message' is a required"),
        (
            ("steps", 0),
            {"type": "linkedinSend", "delay": 0},
            ("steps", 0),
            "'message' is a required",
        ),
        (
            ("steps", 0),
            {"type": "whatsappMessage", "delay": 0},
            ("steps", 0),
            "'message' is a required",
        ),
        (
            ("steps", 0),
            {"type": "sms", "delay": 0, "message": ""},
            ("steps", 0, "message"),
            "should be non-empty",
        ),
        (
            ("steps", 0),
            {"type": "api", "delay": 0, "method": "GET"},
            ("steps", 0),
            "'url' is a required",
        ),
        (("steps", 7, "url"), "ftp://example.com", ("steps", 7, "url"), "does not match"),
        (("steps", 7, "method"), "FETCH", ("steps", 7, "method"), "is not one of"),
        (("steps", 3, "conditionKey"), "isNice", ("steps", 3, "conditionKey"), "is not one of"),
        (("steps", 3, "delayType"), "soon", ("steps", 3, "delayType"), "is not one of"),
        (
            ("steps", 10),
            {"type": "sendToAnotherCampaign", "delay": 0},
            ("steps", 10),
            "'campaignId' is a required",
        ),
        (("steps", 10, "campaignId"), "abc", ("steps", 10, "campaignId"), "does not match"),
        (("steps", 1, "delay"), 1.5, ("steps", 1, "delay"), "is not of type 'integer'"),
        (("steps", 1, "delay"), "1", ("steps", 1, "delay"), "is not of type 'integer'"),
        (("steps", 1, "type"), "fax", ("steps", 1, "type"), "is not one of"),
        (("steps", 1, "index"), 2, ("steps", 1), "'index' was unexpected"),
        (
            ("steps", 2, "images"),
            ["http://example.com/a.png"],
            ("steps", 2, "images", 0),
            "does not match",
        ),
        (("steps", 8, "recordMode"), "auto", ("steps", 8, "recordMode"), "is not one of"),
        (("schedules", 0, "start"), "9:00", ("schedules", 0, "start"), "does not match"),
        (("schedules", 0, "end"), "24:00", ("schedules", 0, "end"), "does not match"),
        (
            ("schedules", 0, "weekdays"),
            [0, 1],
            ("schedules", 0, "weekdays", 0),
            "less than the minimum of 1",
        ),
        (
            ("schedules", 0, "weekdays"),
            [1, 8],
            ("schedules", 0, "weekdays", 1),
            "greater than the maximum of 7",
        ),
        (("schedules", 0, "public"), "yes", ("schedules", 0, "public"), "is not of type 'boolean'"),
        (
            ("schedules", 0),
            {"name": "x", "timezone": "UTC", "start": "09:00", "end": "10:00"},
            ("schedules", 0),
            "'weekdays' is a required",
        ),
        (("sendUserIds",), ["user_123"], ("sendUserIds", 0), "does not match"),
        (("autoReviewConditions",), ["maybe"], ("autoReviewConditions", 0), "is not one of"),
        (
            ("onReplied", "campaignProgress"),
            "halt",
            ("onReplied", "campaignProgress"),
            "is not one of",
        ),
        (("tracking", "trackOpen"), True, ("tracking",), "'trackOpen' was unexpected"),
        (
            ("aiFeatures", "onInterestedReply", "pause"),
            True,
            ("aiFeatures", "onInterestedReply"),
            "'pause' was unexpected",
        ),
        (("disableTrackOpen",), "no", ("disableTrackOpen",), "is not of type 'boolean'"),
        (("name",), "", ("name",), "should be non-empty"),
    ],
)
def test_schema_rejects(
    path: tuple[Any, ...], value: Any, at: tuple[Any, ...], fragment: str
) -> None:
    found = errors_of(with_(path, value))
    assert any(p == at and fragment in m for p, m in found), found


# -- the status × field table -------------------------------------------------------------------


class _Offline(Provider):
    name = "lemlist"
    title = "lemlist"
    RULES = rules.RULES

    def fetch(self, id: str) -> Remote | None:
        raise NotImplementedError

    def find_by_name(self, name: str) -> list[Remote]:
        raise NotImplementedError

    def create(self, campaign: dict[str, Any]) -> str:
        raise NotImplementedError

    def update(self, remote: Remote, campaign: dict[str, Any], changes: list[Change]) -> None:
        raise NotImplementedError

    def transition(self, remote: Remote, action: str) -> None:
        raise NotImplementedError


def remote(status: str) -> Remote:
    return Remote(id="cam_x", name="x", status=status, revision=None, state={})


@pytest.mark.parametrize("status", rules.STATUSES)
def test_timezone_never_changes(status: str) -> None:
    verdict = _Offline().classify(
        Change(("timezone",), "change", "Europe/Paris", "UTC"), remote(status)
    )
    assert not verdict.allowed
    assert verdict.reason == "lemlist sets a campaign's timezone at creation only"
    assert verdict.remedy == "create a new campaign, or set the schedule's timezone instead"


@pytest.mark.parametrize(
    "status, allowed",
    [
        ("draft", True),
        ("paused", True),
        ("ended", True),
        ("running", False),
    ],
)
def test_deleting_a_step_needs_a_stopped_campaign(status: str, allowed: bool) -> None:
    verdict = _Offline().classify(
        Change(("steps", 2), "remove", {"type": "email"}, None), remote(status)
    )
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.remedy == "pause it first: set `status: paused` in the file"
        assert not verdict.ignored


@pytest.mark.parametrize(
    "change",
    [
        Change(("steps", 2), "add", None, {"type": "email"}),
        Change(("steps", 2, "subject"), "change", "a", "b"),
        Change(("steps", 2, "message"), "remove", "a", None),
        Change(("name",), "change", "a", "b"),
        Change(("tracking", "trackOpens"), "change", True, False),
        Change(("schedules", 0, "start"), "change", "09:00", "08:00"),
        Change(("sendUserIds",), "change", [], ["usr_a"]),
    ],
)
def test_everything_else_changes_while_running(change: Change) -> None:
    assert _Offline().classify(change, remote("running")).allowed


def test_rules_table_shape() -> None:
    assert rules.STATUSES == ("draft", "running", "paused", "ended", "archived", "errors")
    assert rules.RATE_LIMIT == (20, 2.0)
    assert rules.DYNAMIC_SENDER_STRATEGIES == ("contactOwner", "leadImporter", "customField")
    steps = rule_for(rules.RULES, "steps", "remove")
    # Only "the campaign is running" is documented as refusing a step's deletion.
    assert steps is not None and steps.allowed_in == frozenset(rules.STATUSES) - {"running"}
    inner = rule_for(rules.RULES, "steps.message", "remove")
    assert inner is not None and inner.allowed_in == frozenset(rules.STATUSES)


# -- legacy flags against structured sections ---------------------------------------------------


def test_every_legacy_pair_names_real_keys() -> None:
    props = SCHEMA["properties"]
    for flag, eq in rules.LEGACY_EQUIVALENTS.items():
        assert props[flag]["type"] == "boolean"
        node = props
        for part in eq.key.split("."):
            sub = node[part]
            node = sub.get("properties", sub)
        assert eq.inverted == (eq.relation == "inverted")


@pytest.mark.parametrize(
    "flag, flag_value, section, value",
    [
        ("disableTrackOpen", True, {"tracking": {"trackOpens": True}}, True),
        ("disableTrackClick", False, {"tracking": {"trackClicks": False}}, False),
        ("disableTrackReply", True, {"tracking": {"trackReplies": True}}, True),
        ("disableOutOfOffice", True, {"onReplied": {"disableOutOfOffice": False}}, False),
        ("stopOnEmailReplied", True, {"onReplied": {"campaignProgress": "continue"}}, "continue"),
        ("stopOnEmailReplied", False, {"onReplied": {"campaignProgress": "stop"}}, "stop"),
        ("stopOnMeetingBooked", True, {"onMeetingBooked": {"campaignProgress": "pause"}}, "pause"),
        ("stopOnLinkClicked", False, {"onLinkClicked": {"campaignProgress": "stop"}}, "stop"),
        ("autoLeadInterest", True, {"aiFeatures": {"scoreReplies": False}}, False),
    ],
)
def test_contradicting_legacy_flag_and_section_is_an_error_naming_both(
    flag: str, flag_value: bool, section: dict[str, Any], value: Any
) -> None:
    eq = rules.LEGACY_EQUIVALENTS[flag]
    findings = rules.check({flag: flag_value, **section})
    assert len(findings) == 1, findings
    f = findings[0]
    assert f.path == ("campaign", flag)
    assert f.related == (("campaign", *eq.key.split(".")),)
    # A pair the docs state is refused (one of the two would be dropped): outreach's rule. A
    # pair outreach only guessed must not block a file lemlist accepts: a warning; except
    # stopOn*/campaignProgress, which the sandbox pairs, so that both in a file would flip
    # each other on every apply if lemlist does too (issue 21): refused, as outreach's rule.
    refused = not eq.assumption or eq.relation == "stop"
    assert f.severity == ("error" if refused else "warning")
    assert f.message.startswith(rules.OURS) == refused
    assert flag in f.message and eq.key in f.message


@pytest.mark.parametrize(
    "campaign",
    [
        {"disableTrackOpen": True, "tracking": {"trackOpens": False}},
        {"disableTrackOpen": False, "tracking": {"trackOpens": True}},
        {"disableOutOfOffice": True, "onReplied": {"disableOutOfOffice": True}},
        {"stopOnEmailReplied": True, "onReplied": {"campaignProgress": "stop"}},
        {"stopOnEmailReplied": False, "onReplied": {"campaignProgress": "pause"}},
        {"disableTrackOpen": True},
        {"tracking": {"trackOpens": True}},
        {"opportunityReplied": True, "onReplied": {"createNewTask": False}},
    ],
)
def test_consistent_or_single_settings_pass(campaign: dict[str, Any]) -> None:
    assert rules.check(campaign) == []


def test_full_campaign_has_no_findings() -> None:
    assert rules.check(copy.deepcopy(FULL)) == []


# -- time zones and schedules -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, hint",
    [
        ("Europe/Pariss", "'Europe/Paris'"),
        ("europe/paris", "'Europe/Paris'"),
        ("America/New_Yrok", "'America/New_York'"),
    ],
)
def test_timezones_must_be_iana_with_a_suggestion(name: str, hint: str) -> None:
    findings = rules.check({"timezone": name})
    assert [f.path for f in findings] == [("campaign", "timezone")]
    assert "not an IANA time zone" in findings[0].message
    assert f"did you mean {hint}?" in findings[0].message


def test_schedule_timezone_and_hours() -> None:
    camp = with_(
        ("schedules",),
        [
            {"name": "a", "timezone": "Paris", "start": "09:00", "end": "18:00", "weekdays": [1]},
            {"name": "b", "timezone": "UTC", "start": "18:00", "end": "09:00", "weekdays": [1]},
            {"name": "c", "timezone": "UTC", "start": "09:00", "end": "09:00", "weekdays": [1]},
            {"name": "d", "timezone": "UTC", "start": "9:00", "end": "08:00", "weekdays": [1]},
        ],
    )
    findings = rules.check(camp)
    assert [f.path for f in findings] == [
        ("campaign", "schedules", 0, "timezone"),
        ("campaign", "schedules", 1, "end"),
        ("campaign", "schedules", 2, "end"),
    ]
    assert "'Paris' is not an IANA time zone" in findings[0].message
    assert findings[1].message.startswith(
        "outreach's rule: end (09:00) must be after start (18:00)"
    )
    assert findings[1].related == (("campaign", "schedules", 1, "start"),)


# -- steps ---------------------------------------------------------------------------------------


def test_empty_sequence_is_a_warning() -> None:
    assert rules.check({"steps": []}) == [
        Finding(
            ("campaign", "steps"),
            "the sequence has no steps: lemlist will not contact any lead",
            severity="warning",
        )
    ]


def test_fields_a_step_type_does_not_use_are_warnings() -> None:
    findings = rules.check(
        {
            "steps": [
                {"type": "linkedinVisit", "delay": 0, "subject": "x", "message": "y"},
                {"type": "email", "delay": 0, "subject": "x", "url": "https://x"},
            ]
        }
    )
    assert [(f.path, f.severity) for f in findings] == [
        (("campaign", "steps", 0, "subject"), "warning"),
        (("campaign", "steps", 0, "message"), "warning"),
        (("campaign", "steps", 1, "url"), "warning"),
    ]
    assert findings[0].message == (
        "subject is used only by email steps; lemlist ignores it on a linkedinVisit step"
    )


def test_at_most_six_images_and_videos() -> None:
    step = {
        "type": "linkedinSend",
        "delay": 0,
        "message": "x",
        "images": ["https://x/a.png"] * 4,
        "videos": ["https://x/a.mp4"] * 3,
    }
    findings = rules.check({"steps": [step]})
    assert [f.path for f in findings] == [("campaign", "steps", 0, "videos")]
    assert findings[0].related == (("campaign", "steps", 0, "images"),)
    assert "at most 6 images and videos combined; this one has 7" in findings[0].message
    step["videos"] = ["https://x/a.mp4"] * 2
    assert rules.check({"steps": [step]}) == []


def test_auto_review_conditions_without_auto_review() -> None:
    findings = rules.check({"autoReview": False, "autoReviewConditions": ["risky"]})
    assert [(f.path, f.severity) for f in findings] == [
        (("campaign", "autoReviewConditions"), "warning")
    ]
    assert rules.check({"autoReviewConditions": ["risky"]}) == []


@pytest.mark.parametrize(
    "garbage",
    [
        {"steps": "x", "schedules": [1, None], "timezone": 5},
        {"steps": [None, {"type": 3}, {"images": "x"}], "schedules": [{"start": 9, "end": None}]},
        {"tracking": "on", "disableTrackOpen": True},
        {"onReplied": {"campaignProgress": 3}, "stopOnEmailReplied": True},
    ],
)
def test_check_survives_schema_invalid_input(garbage: dict[str, Any]) -> None:
    rules.check(garbage)


@pytest.mark.parametrize(
    "campaign, path, severity",
    [
        ({"name": "  "}, ("campaign", "name"), "error"),
        (
            {"steps": [{"type": "linkedinVisit", "delay": -1}]},
            ("campaign", "steps", 0, "delay"),
            "error",
        ),
        (
            {"steps": [{"type": "conditional", "delayType": "within"}]},
            ("campaign", "steps", 0),
            "error",
        ),
        (
            {
                "schedules": [
                    {
                        "name": "a",
                        "timezone": "UTC",
                        "start": "09:00",
                        "end": "10:00",
                        "weekdays": [1],
                        "secondsToWait": -5,
                    }
                ]
            },
            ("campaign", "schedules", 0, "secondsToWait"),
            "error",
        ),
        (
            {
                "schedules": [
                    {
                        "name": "a",
                        "timezone": "UTC",
                        "start": "09:00",
                        "end": "10:00",
                        "weekdays": [],
                    }
                ]
            },
            ("campaign", "schedules", 0, "weekdays"),
            "warning",
        ),
    ],
)
def test_choices_where_the_docs_are_silent_say_they_are_outreachs(
    campaign: dict[str, Any], path: tuple[Any, ...], severity: str
) -> None:
    findings = rules.check(campaign)
    assert [(f.path, f.severity) for f in findings] == [(path, severity)]
    if severity == "error":
        assert findings[0].message.startswith("outreach's rule: "), findings[0].message
    else:
        assert "lemlist accepts it" in findings[0].message


@pytest.mark.parametrize(
    "campaign",
    [
        {"steps": [{"type": "email", "subject": "x"}]},  # delay: lemlist's default
        {"steps": [{"type": "api", "url": "https://x"}]},  # method: not required by the docs
        {"steps": [{"type": "conditional", "conditionKey": "emailsOpened"}]},  # no delayType
        {
            "schedules": [
                {
                    "name": "a",
                    "timezone": "UTC",
                    "start": "09:00",
                    "end": "10:00",
                    "weekdays": [1, 2, 3, 2, 5],
                    "public": True,
                }
            ]
        },  # the docs' example
    ],
)
def test_what_the_docs_allow_passes(campaign: dict[str, Any]) -> None:
    doc = {"name": "x", **campaign}
    assert errors_of(doc) == [] and rules.check(doc) == []


def test_check_ignores_a_non_mapping() -> None:
    assert rules.check([]) == []  # type: ignore[arg-type]
