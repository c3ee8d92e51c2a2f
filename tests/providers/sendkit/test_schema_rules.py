"""SendKit's campaign schema (schemas/sendkit.json) and offline rules (providers/sendkit_rules.py).

The vendor's own create/update examples are copied into tests/data so these tests do not need
shared/ at run time.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from outreach_cli.providers.base import Finding, Path
from outreach_cli.providers.sendkit import rules as sendkit_rules
from outreach_cli.providers.sendkit.rules import check
from tests.helpers import DATA

SCHEMA: dict[str, Any] = json.loads(
    resources.files("outreach_cli.providers.sendkit").joinpath("schema.json").read_text("utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
OID = "665a1b2c3d4e5f6a7b8c9d0e"


def example(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"sendkit_{name}_example.json").read_text("utf-8"))


def base() -> dict[str, Any]:
    """A small valid campaign that each test bends one way."""
    return {
        "name": "Test campaign",
        "sequence": [
            {"type": "email", "subject": "Hi {{firstName}}", "body": "<p>Hello</p>"},
            {"type": "wait", "waitDays": 2},
            {"type": "email", "subject": "Re: Hi", "body": "<p>Bump</p>"},
        ],
        "schedule": {
            "timezone": "Europe/Paris",
            "startTime": "09:00",
            "endTime": "17:00",
            "workingDays": [1, 2, 3, 4, 5],
        },
        "settings": {"dailySendLimit": 40},
    }


def sub(
    name: str,
    trigger: dict[str, Any],
    status: str | None = None,
    sequence: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "trigger": trigger,
        "sequence": sequence
        if sequence is not None
        else [
            {"type": "wait", "waitHours": 4},
            {"type": "email", "subject": "Re: Hi", "body": "Thanks"},
        ],
    }
    if status is not None:
        out["status"] = status
    return out


def schema_errors(campaign: Any) -> list[tuple[Path, str]]:
    return [(("campaign", *e.absolute_path), e.message) for e in VALIDATOR.iter_errors(campaign)]


def errors_at(campaign: Any, path: Path) -> list[str]:
    return [msg for p, msg in schema_errors(campaign) if p == path]


def findings_at(campaign: dict[str, Any], path: Path) -> list[Finding]:
    return [f for f in check(campaign) if f.path == path]


def only(campaign: dict[str, Any], path: Path) -> Finding:
    """The one finding of `campaign`, which must be at `path`."""
    found = check(campaign)
    assert [f.path for f in found] == [path], found
    return found[0]


# -- the vendor's examples ------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == "https://outreach.dev/schemas/sendkit.json"
    assert SCHEMA["title"]


@pytest.mark.parametrize("name", ["create", "update"])
def test_vendor_example_passes_schema_and_rules(name: str) -> None:
    campaign = example(name)
    assert schema_errors(campaign) == []
    assert check(campaign) == []


def test_base_fixture_is_clean() -> None:
    assert schema_errors(base()) == []
    assert check(base()) == []


def test_every_property_has_a_description() -> None:
    missing: list[str] = []

    def described(prop: dict[str, Any]) -> bool:
        if "description" in prop:
            return True
        ref = prop.get("$ref", "")
        # A bare `$ref` shows the referenced definition's description in editors.
        return ref.startswith("#/$defs/") and "description" in SCHEMA["$defs"][ref[8:]]

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, prop in node.get("properties", {}).items():
                if not described(prop):
                    missing.append(f"{where}.{key}")
            for key, child in node.items():
                if key != "if":  # conditions name properties without documenting them
                    walk(child, f"{where}.{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, f"{where}[{i}]")

    walk(SCHEMA, "$")
    assert missing == []


def test_rule_constants_match_the_schema() -> None:
    defs, settings = SCHEMA["$defs"], SCHEMA["$defs"]["settings"]["properties"]
    assert tuple(settings["espMatchingMode"]["enum"]) == sendkit_rules.ESP_MATCHING_MODES
    assert tuple(settings["segCheckMode"]["enum"]) == sendkit_rules.SEG_CHECK_MODES
    assert tuple(settings["segSkipProviders"]["items"]["enum"]) == sendkit_rules.SEG_PROVIDERS
    optimization = settings["variantOptimization"]["properties"]
    assert tuple(optimization["optimizationMetric"]["enum"]) == sendkit_rules.OPTIMIZATION_METRICS
    assert settings["replyNotificationEmails"]["maxItems"] == (
        sendkit_rules.MAX_REPLY_NOTIFICATION_EMAILS
    )
    assert tuple(settings["mailboxPriority"]["enum"]) == sendkit_rules.MAILBOX_PRIORITIES
    assert tuple(settings["sendOrder"]["enum"]) == sendkit_rules.SEND_ORDERS
    assert tuple(defs["step"]["properties"]["type"]["enum"]) == sendkit_rules.STEP_TYPES
    assert tuple(defs["trigger"]["properties"]["type"]["enum"]) == sendkit_rules.TRIGGER_TYPES
    assert tuple(defs["subsequence"]["properties"]["status"]["enum"]) == (
        sendkit_rules.SUBSEQUENCE_STATUSES
    )
    assert tuple(defs["conditionalVariable"]["properties"]["operator"]["enum"]) == (
        sendkit_rules.CONDITION_OPERATORS
    )
    assert sendkit_rules.MAX_ACTIVE_SUBSEQUENCES == 15


def test_write_only_and_sensitive_marks() -> None:
    top = SCHEMA["properties"]
    for key in ("mailboxes", "mailboxIds", "mailboxEmails", "mailboxTags", "mailboxProvider"):
        assert top[key]["x-write-only"] is True, key
    secret = SCHEMA["$defs"]["settings"]["properties"]["webhook"]["properties"]["secret"]
    assert secret["x-sensitive"] is True and secret["x-write-only"] is True


# -- schema: shape, enums, formats, ranges -----------------------------------------------------


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ((), ("campaign",)),
        (("settings",), ("campaign", "settings")),
        (("schedule",), ("campaign", "schedule")),
        (("sequence", 0), ("campaign", "sequence", 0)),
    ],
)
def test_unknown_key_is_rejected_where_it_is(where: tuple[Any, ...], path: Path) -> None:
    campaign = base()
    node: Any = campaign
    for part in where:
        node = node[part]
    node["dailySendLimt"] = 10
    msgs = errors_at(campaign, path)
    assert any("'dailySendLimt' was unexpected" in m for m in msgs), schema_errors(campaign)


def test_unknown_key_in_variant_and_subsequence() -> None:
    campaign = base()
    campaign["sequence"][0]["variants"] = [{"label": "A", "subject": "x", "weight": 2}]
    campaign["subsequences"] = [sub("S", {"type": "reply"}) | {"paused": True}]
    assert errors_at(campaign, ("campaign", "sequence", 0, "variants", 0))
    assert errors_at(campaign, ("campaign", "subsequences", 0))


def test_name_is_required_and_non_empty() -> None:
    campaign = base()
    del campaign["name"]
    assert only(campaign, ("campaign", "name")).message.startswith("outreach's rule: ")
    for blank in ("", "  \t"):
        campaign["name"] = blank
        only(campaign, ("campaign", "name"))


@pytest.mark.parametrize(
    ("key", "value", "sub_path"),
    [
        ("espMatchingMode", "custom", ()),  # legacy read-only value: not accepted on write
        ("segCheckMode", "skip_some", ()),
        ("segSkipProviders", ["proofpoint", "gmail"], (1,)),
        ("mailboxPriority", "urgent", ()),
        ("sendOrder", "newest-first", ()),
    ],
)
def test_bad_enum(key: str, value: Any, sub_path: tuple[int, ...]) -> None:
    campaign = base()
    campaign["settings"][key] = value
    msgs = errors_at(campaign, ("campaign", "settings", key, *sub_path))
    assert any("is not one of" in m for m in msgs), schema_errors(campaign)


def test_bad_enum_in_nested_settings() -> None:
    campaign = base()
    campaign["settings"]["variantOptimization"] = {"optimizationMetric": "bounceRate"}
    path = ("campaign", "settings", "variantOptimization", "optimizationMetric")
    assert any("is not one of" in m for m in errors_at(campaign, path))


def test_step_type_enum() -> None:
    campaign = base()
    campaign["sequence"][1] = {"type": "linkedin", "waitDays": 1}
    assert any(
        "is not one of" in m for m in errors_at(campaign, ("campaign", "sequence", 1, "type"))
    )


@pytest.mark.parametrize("value", ["9:00", "24:00", "12:60", "0900", "09:00:00", "noon"])
def test_bad_hhmm(value: str) -> None:
    campaign = base()
    campaign["schedule"]["startTime"] = value
    msgs = errors_at(campaign, ("campaign", "schedule", "startTime"))
    assert any("does not match" in m for m in msgs), schema_errors(campaign)


@pytest.mark.parametrize("value", ["00:00", "08:30", "19:59", "23:59"])
def test_good_hhmm(value: str) -> None:
    campaign = base()
    campaign["schedule"]["startTime"] = value
    campaign["schedule"]["endTime"] = "23:59"
    assert schema_errors(campaign) == []


def test_working_days_range_and_uniqueness() -> None:
    campaign = base()
    campaign["schedule"]["workingDays"] = [0, 6, 7]
    assert errors_at(campaign, ("campaign", "schedule", "workingDays", 2))
    campaign["schedule"]["workingDays"] = [1, 1]
    finding = only(campaign, ("campaign", "schedule", "workingDays", 1))
    assert finding.message.startswith("outreach's rule: ") and "listed twice" in finding.message


@pytest.mark.parametrize("label", ["a", "AB", "", "1"])
def test_bad_variant_label(label: str) -> None:
    campaign = base()
    campaign["sequence"][0]["variants"] = [{"label": label, "subject": "s", "body": "b"}]
    path = ("campaign", "sequence", 0, "variants", 0, "label")
    assert any("does not match" in m for m in errors_at(campaign, path))


@pytest.mark.parametrize("label", ["A", "C", "Z"])
def test_good_variant_label(label: str) -> None:
    campaign = base()
    campaign["sequence"][0]["variants"] = [{"label": label, "subject": "s", "body": "b"}]
    assert schema_errors(campaign) == []


def test_email_step_needs_subject() -> None:
    campaign = base()
    del campaign["sequence"][0]["subject"]
    finding = only(campaign, ("campaign", "sequence", 0, "subject"))
    assert "needs a subject" in finding.message
    campaign["sequence"][0]["variants"] = [
        {"label": "A", "subject": "s"},
        {"label": "B", "body": "b"},
    ]
    only(campaign, ("campaign", "sequence", 0, "subject"))  # B has no subject either


def test_subject_only_on_the_variants_is_enough() -> None:
    campaign = base()
    del campaign["sequence"][0]["subject"]
    campaign["sequence"][0]["variants"] = [
        {"label": "A", "subject": "s"},
        {"label": "B", "subject": "t"},
    ]
    assert check(campaign) == [] and schema_errors(campaign) == []


@pytest.mark.parametrize("kind,key,value", [("wait", "subject", "Hi"), ("email", "waitDays", 1)])
def test_a_field_of_the_other_step_type_is_outreachs_rule(kind: str, key: str, value: Any) -> None:
    campaign = base()
    step = campaign["sequence"][1 if kind == "wait" else 0]
    step[key] = value
    finding = only(campaign, ("campaign", "sequence", 1 if kind == "wait" else 0, key))
    assert finding.message.startswith("outreach's rule: ")


def test_wait_step_needs_a_duration() -> None:
    campaign = base()
    campaign["sequence"][1] = {"type": "wait"}
    assert errors_at(campaign, ("campaign", "sequence", 1))
    campaign["sequence"][1] = {"type": "wait", "waitHours": 6}
    assert schema_errors(campaign) == []


def test_wait_must_be_a_non_negative_integer() -> None:
    campaign = base()
    campaign["sequence"][1] = {"type": "wait", "waitDays": -1}
    assert errors_at(campaign, ("campaign", "sequence", 1, "waitDays"))
    campaign["sequence"][1] = {"type": "wait", "waitDays": 1.5}  # the pages give no type
    assert schema_errors(campaign) == []


def test_chosen_minimums_are_outreachs_rule() -> None:
    campaign = base()
    campaign["settings"]["dailySendLimit"] = 0
    campaign["settings"]["variantOptimization"] = {"keepMinimumVariants": 0}
    found = check(campaign)
    assert [f.path[-1] for f in found] == ["dailySendLimit", "keepMinimumVariants"]
    assert all(f.message.startswith("outreach's rule: ") for f in found)
    campaign["settings"]["dailySendLimit"] = 1
    campaign["settings"]["variantOptimization"] = {"keepMinimumVariants": 1}
    assert check(campaign) == []


@pytest.mark.parametrize(("key", "value"), [("emailIntervalMinutes", -1)])
def test_setting_minimums(key: str, value: int) -> None:
    campaign = base()
    campaign["settings"][key] = value
    assert any(
        "less than the minimum" in m for m in errors_at(campaign, ("campaign", "settings", key))
    )


def test_reply_notification_emails() -> None:
    campaign = base()
    campaign["settings"]["replyNotificationEmails"] = [f"a{i}@example.com" for i in range(5)]
    campaign["settings"]["replyNotificationPositiveOnly"] = False
    assert schema_errors(campaign) == []
    campaign["settings"]["replyNotificationEmails"].append("a5@example.com")
    path = ("campaign", "settings", "replyNotificationEmails")
    assert any("is too long" in m for m in errors_at(campaign, path))
    campaign["settings"]["replyNotificationEmails"] = ["not-an-email"]
    assert any("is not a 'email'" in m for m in errors_at(campaign, (*path, 0)))
    campaign["settings"]["replyNotificationEmails"] = []  # [] clears
    assert schema_errors(campaign) == []


def test_cc_and_bcc_are_emails() -> None:
    campaign = base()
    campaign["settings"]["cc"] = ["ok@example.com", "nope"]
    assert errors_at(campaign, ("campaign", "settings", "cc", 1))


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (None, True),
        (OID, True),
        ("665A1B2C3D4E5F6A7B8C9D0E", False),
        ("abc", False),
        (12, False),
    ],
)
def test_ai_agent_id(value: Any, ok: bool) -> None:
    campaign = base()
    campaign["settings"]["aiAgentId"] = value
    campaign["settings"]["aiAgentEnabled"] = value is not None
    assert (schema_errors(campaign) == []) is ok


def test_object_ids_on_steps_subsequences_and_mailboxes() -> None:
    campaign = base()
    campaign["sequence"][0]["_id"] = OID
    campaign["subsequences"] = [sub("S", {"type": "reply"}) | {"_id": OID}]
    campaign["mailboxIds"] = [OID]
    campaign["mailboxEmails"] = ["sender@example.com"]
    campaign["mailboxTags"] = ["outreach"]
    campaign["mailboxProvider"] = "gmail"
    assert schema_errors(campaign) == []
    campaign["sequence"][0]["_id"] = "step-1"
    campaign["mailboxes"] = ["xyz"]
    assert errors_at(campaign, ("campaign", "sequence", 0, "_id"))
    assert errors_at(campaign, ("campaign", "mailboxes", 0))


def test_ai_tag_trigger_needs_a_value() -> None:
    campaign = base()
    campaign["subsequences"] = [sub("S", {"type": "ai_tag"})]
    msgs = errors_at(campaign, ("campaign", "subsequences", 0, "trigger"))
    assert any("'value' is a required property" in m for m in msgs)
    campaign["subsequences"] = [sub("S", {"type": "reply"})]
    assert schema_errors(campaign) == []


def test_subsequence_status_enum() -> None:
    campaign = base()
    campaign["subsequences"] = [sub("S", {"type": "reply"}, status="paused")]
    assert errors_at(campaign, ("campaign", "subsequences", 0, "status"))


def test_conditional_variables() -> None:
    campaign = base()
    step = campaign["sequence"][0]
    step["useConditionalVariables"] = True
    step["conditionalVariables"] = [
        {
            "variable": "companyName",
            "operator": "has_value",
            "content": "at {{companyName}}",
            "fallback": "at your company",
        },
        {"variable": "industry", "operator": "equals", "value": "SaaS"},
    ]
    assert schema_errors(campaign) == []
    del step["conditionalVariables"][1]["value"]
    msgs = errors_at(campaign, ("campaign", "sequence", 0, "conditionalVariables", 1))
    assert any("'value' is a required property" in m for m in msgs)
    step["conditionalVariables"][1] = {"variable": "x", "operator": "greater_than", "value": "1"}
    assert errors_at(campaign, ("campaign", "sequence", 0, "conditionalVariables", 1, "operator"))


def test_webhook_and_nested_settings() -> None:
    campaign = base()
    campaign["settings"]["webhook"] = {
        "enabled": True,
        "url": "https://example.com/hook",
        "secret": "${WEBHOOK_SECRET}",
        "events": ["lead.replied"],
    }
    campaign["settings"]["copyFatigueProtection"] = {
        "enabled": True,
        "autoRegenerate": False,
        "autoResume": True,
    }
    campaign["settings"]["cnameTracking"] = {"enabled": True, "domain": "track.example.com"}
    campaign["settings"]["mailboxPriority"] = "high"
    campaign["settings"]["sendOrder"] = "follow-ups-first"
    assert schema_errors(campaign) == []
    campaign["settings"]["webhook"]["events"] = "lead.replied"
    assert errors_at(campaign, ("campaign", "settings", "webhook", "events"))


# -- rules: sequences -----------------------------------------------------------------------


def test_main_sequence_must_start_with_email() -> None:
    campaign = base()
    campaign["sequence"].insert(0, {"type": "wait", "waitDays": 1})
    campaign["sequence"] = campaign["sequence"][:3]
    finding = only(campaign, ("campaign", "sequence", 0, "type"))
    assert "must start with an email step" in finding.message
    assert finding.severity == "error"


def test_empty_main_sequence_is_not_a_first_step_error() -> None:
    campaign = base()
    campaign["sequence"] = []
    assert check(campaign) == []


@pytest.mark.parametrize(
    "wait", [{"waitDays": 0}, {"waitDays": 0, "waitHours": 0}, {"waitHours": 0}]
)
def test_wait_must_be_positive(wait: dict[str, int]) -> None:
    campaign = base()
    campaign["sequence"][1] = {"type": "wait", **wait}
    key = next(iter(wait))
    finding = only(campaign, ("campaign", "sequence", 1, key))
    assert "waitDays + waitHours must be greater than 0" in finding.message


def test_wait_of_hours_only_is_fine() -> None:
    campaign = base()
    campaign["sequence"][1] = {"type": "wait", "waitDays": 0, "waitHours": 1}
    assert check(campaign) == []


def test_variant_labels_unique_within_step() -> None:
    campaign = base()
    campaign["sequence"][0]["variants"] = [
        {"label": "A", "subject": "a"},
        {"label": "B", "subject": "b"},
        {"label": "A", "subject": "c"},
    ]
    finding = only(campaign, ("campaign", "sequence", 0, "variants", 2, "label"))
    assert "'A' is already used by variants[0]" in finding.message
    assert finding.related == (("campaign", "sequence", 0, "variants", 0, "label"),)


def test_same_label_in_two_steps_is_fine() -> None:
    campaign = base()
    campaign["sequence"][0]["variants"] = [{"label": "A"}, {"label": "B"}]
    campaign["sequence"][2]["variants"] = [{"label": "A"}, {"label": "B"}]
    assert check(campaign) == []


def test_order_other_than_the_position_is_accepted_and_renumbered() -> None:
    from outreach_cli.providers.sendkit import SendKit

    campaign = base()
    campaign["sequence"][1]["order"] = 2
    subsequence = sub("S", {"type": "reply"})
    subsequence["sequence"][1]["order"] = 0
    campaign["subsequences"] = [subsequence]
    assert check(campaign) == [] and schema_errors(campaign) == []
    seen = SendKit.comparable(None, campaign)  # type: ignore[arg-type]
    assert seen["sequence"][1]["order"] == 1
    assert seen["subsequences"][0]["sequence"][1]["order"] == 1
    assert "order" not in seen["sequence"][0]


# -- rules: subsequences --------------------------------------------------------------------


def tagged(n: int, **kw: Any) -> list[dict[str, Any]]:
    return [sub(f"S{i}", {"type": "ai_tag", "value": f"Tag {i}"}, **kw) for i in range(n)]


def test_sixteen_active_subsequences() -> None:
    campaign = base()
    campaign["subsequences"] = tagged(16)
    finding = only(campaign, ("campaign", "subsequences", 15))
    assert "at most 15 active (non-archived) subsequences" in finding.message


def test_fifteen_active_plus_archived_is_fine() -> None:
    campaign = base()
    campaign["subsequences"] = tagged(15) + [
        sub("Old", {"type": "ai_tag", "value": "Old"}, status="archived"),
        sub("Older", {"type": "ai_tag", "value": "Tag 0"}, status="archived"),
    ]
    assert check(campaign) == []


def test_archived_subsequences_do_not_count_toward_the_sixteenth() -> None:
    campaign = base()
    campaign["subsequences"] = [sub("Old", {"type": "reply"}, status="archived")] + tagged(16)
    only(campaign, ("campaign", "subsequences", 16))


def test_two_active_reply_triggers() -> None:
    campaign = base()
    campaign["subsequences"] = [sub("R1", {"type": "reply"}), sub("R2", {"type": "reply"})]
    finding = only(campaign, ("campaign", "subsequences", 1, "trigger", "type"))
    assert "subsequences[0] already has one" in finding.message
    assert finding.related == (("campaign", "subsequences", 0, "trigger", "type"),)


def test_one_active_reply_trigger_and_one_archived_is_fine() -> None:
    campaign = base()
    campaign["subsequences"] = [
        sub("R1", {"type": "reply"}, status="archived"),
        sub("R2", {"type": "reply"}, status="active"),
    ]
    assert check(campaign) == []


def test_ai_tag_values_unique_ignoring_case() -> None:
    campaign = base()
    campaign["subsequences"] = [
        sub("A", {"type": "ai_tag", "value": "Interested"}),
        sub("B", {"type": "ai_tag", "value": "Not now"}),
        sub("C", {"type": "ai_tag", "value": "interested"}),
    ]
    finding = only(campaign, ("campaign", "subsequences", 2, "trigger", "value"))
    assert "already used by subsequences[0]" in finding.message
    assert "ignoring case" in finding.message
    assert finding.related == (("campaign", "subsequences", 0, "trigger", "value"),)


def test_ai_tag_reused_by_an_archived_subsequence_is_fine() -> None:
    campaign = base()
    campaign["subsequences"] = [
        sub("A", {"type": "ai_tag", "value": "Interested"}, status="archived"),
        sub("C", {"type": "ai_tag", "value": "interested"}),
    ]
    assert check(campaign) == []


def test_value_on_reply_trigger_is_a_warning() -> None:
    campaign = base()
    campaign["subsequences"] = [sub("R", {"type": "reply", "value": "Interested"})]
    finding = only(campaign, ("campaign", "subsequences", 0, "trigger", "value"))
    assert finding.severity == "warning"
    assert "SendKit ignores value on a reply trigger" in finding.message


def test_subsequence_may_start_with_wait() -> None:
    campaign = base()
    campaign["subsequences"] = [sub("S", {"type": "reply"})]
    assert campaign["subsequences"][0]["sequence"][0]["type"] == "wait"
    assert check(campaign) == []


def test_subsequence_sequence_must_not_be_empty() -> None:
    campaign = base()
    campaign["subsequences"] = [sub("S", {"type": "reply"}, sequence=[])]
    finding = only(campaign, ("campaign", "subsequences", 0, "sequence"))
    assert finding.severity == "error"
    assert "must not be empty" in finding.message


def test_subsequence_without_email_is_a_warning() -> None:
    campaign = base()
    campaign["subsequences"] = [
        sub("S", {"type": "reply"}, sequence=[{"type": "wait", "waitDays": 1}])
    ]
    finding = only(campaign, ("campaign", "subsequences", 0, "sequence"))
    assert finding.severity == "warning"
    assert "no email step" in finding.message


def test_wait_and_variant_rules_apply_inside_subsequences() -> None:
    campaign = base()
    campaign["subsequences"] = [
        sub(
            "S",
            {"type": "reply"},
            sequence=[
                {"type": "wait", "waitHours": 0},
                {"type": "email", "subject": "s", "variants": [{"label": "B"}, {"label": "B"}]},
            ],
        )
    ]
    paths = {f.path for f in check(campaign)}
    assert paths == {
        ("campaign", "subsequences", 0, "sequence", 0, "waitHours"),
        ("campaign", "subsequences", 0, "sequence", 1, "variants", 1, "label"),
    }


# -- rules: schedule ------------------------------------------------------------------------


def test_unknown_timezone_suggests_close_match() -> None:
    campaign = base()
    campaign["schedule"]["timezone"] = "America/Chicgo"
    finding = only(campaign, ("campaign", "schedule", "timezone"))
    assert "unknown IANA time zone 'America/Chicgo'" in finding.message
    assert "did you mean 'America/Chicago'?" in finding.message


def test_timezone_in_wrong_case_suggests_the_right_case() -> None:
    campaign = base()
    campaign["schedule"]["timezone"] = "europe/london"
    finding = only(campaign, ("campaign", "schedule", "timezone"))
    assert "did you mean 'Europe/London'?" in finding.message


@pytest.mark.parametrize("tz", ["/etc/passwd", "../etc", "America"])
def test_timezone_that_is_a_path_or_directory(tz: str) -> None:
    campaign = base()
    campaign["schedule"]["timezone"] = tz
    assert "unknown IANA time zone" in only(campaign, ("campaign", "schedule", "timezone")).message


@pytest.mark.parametrize("tz", ["America/Chicago", "UTC", "Asia/Kolkata", "America/New_York"])
def test_real_timezones_pass(tz: str) -> None:
    campaign = base()
    campaign["schedule"]["timezone"] = tz
    assert check(campaign) == []


@pytest.mark.parametrize(("start", "end"), [("17:00", "09:00"), ("09:00", "09:00")])
def test_start_must_be_before_end(start: str, end: str) -> None:
    campaign = base()
    campaign["schedule"].update(startTime=start, endTime=end)
    finding = only(campaign, ("campaign", "schedule", "endTime"))
    assert "must be later than startTime" in finding.message
    assert finding.related == (("campaign", "schedule", "startTime"),)


def test_one_of_start_or_end_alone_is_left_to_plan() -> None:
    # "merged into existing": a lone time meets the live value of the other on an update,
    # which offline validate cannot know (issue 21); plan judges it (adapter.window_problem).
    campaign = base()
    for alone in ({"endTime": "08:00"}, {"startTime": "18:00"}, {"endTime": "10:00"}):
        campaign["schedule"] = alone
        assert check(campaign) == []
    campaign["schedule"] = {"startTime": "18:00", "endTime": "17:00"}
    finding = only(campaign, ("campaign", "schedule", "endTime"))
    assert finding.message.startswith("outreach's rule: ")


def test_empty_working_days() -> None:
    campaign = base()
    campaign["schedule"]["workingDays"] = []
    finding = only(campaign, ("campaign", "schedule", "workingDays"))
    assert "the campaign would never send" in finding.message


def test_repeated_working_day() -> None:
    campaign = base()
    campaign["schedule"]["workingDays"] = [1, 2, 1]
    finding = only(campaign, ("campaign", "schedule", "workingDays", 2))
    assert "day 1 is listed twice" in finding.message


# -- rules: settings ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["skip_all", "disabled", None])
def test_seg_skip_providers_ignored_unless_skip_providers(mode: str | None) -> None:
    campaign = base()
    campaign["settings"]["segSkipProviders"] = ["proofpoint"]
    if mode is not None:
        campaign["settings"]["segCheckMode"] = mode
    finding = only(campaign, ("campaign", "settings", "segSkipProviders"))
    assert finding.severity == "warning"
    assert "ignored unless segCheckMode is skip_providers" in finding.message


def test_seg_skip_providers_with_skip_providers_or_empty_is_fine() -> None:
    campaign = base()
    campaign["settings"].update(segCheckMode="skip_providers", segSkipProviders=["mimecast"])
    assert check(campaign) == []
    campaign["settings"].update(segCheckMode="disabled", segSkipProviders=[])
    assert check(campaign) == []


def test_use_specific_mailboxes_warns() -> None:
    campaign = base()
    campaign["settings"]["segCheckMode"] = "use_specific_mailboxes"
    assert schema_errors(campaign) == []  # SendKit accepts it...
    finding = only(campaign, ("campaign", "settings", "segCheckMode"))  # ...and rewrites it
    assert finding.severity == "warning"
    assert "normalises it to disabled" in finding.message
    assert "write disabled" in finding.message


def test_keep_minimum_variants_above_smallest_variant_count() -> None:
    campaign = base()
    campaign["sequence"][0]["variants"] = [{"label": "A"}, {"label": "B"}, {"label": "C"}]
    campaign["sequence"][2]["variants"] = [{"label": "A"}, {"label": "B"}]
    campaign["settings"]["variantOptimization"] = {"enabled": True, "keepMinimumVariants": 3}
    finding = only(campaign, ("campaign", "settings", "variantOptimization", "keepMinimumVariants"))
    assert finding.severity == "warning"
    assert "campaign.sequence[2].variants has only 2 variants" in finding.message
    assert finding.related == (("campaign", "sequence", 2, "variants"),)


def test_keep_minimum_variants_within_bounds_or_disabled_is_fine() -> None:
    campaign = base()
    campaign["sequence"][0]["variants"] = [{"label": "A"}, {"label": "B"}]
    campaign["settings"]["variantOptimization"] = {"enabled": True, "keepMinimumVariants": 2}
    assert check(campaign) == []
    campaign["settings"]["variantOptimization"] = {"enabled": False, "keepMinimumVariants": 3}
    assert check(campaign) == []
    # No step lists variants: nothing to compare against.
    del campaign["sequence"][0]["variants"]
    campaign["settings"]["variantOptimization"] = {"keepMinimumVariants": 3}
    assert check(campaign) == []


# -- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "campaign",
    [
        {},
        {"sequence": "email"},
        {"sequence": [1, None, "x", {"type": 3, "order": "0"}]},
        {"sequence": [{"type": "wait", "waitDays": "3"}, {"type": "wait", "waitDays": True}]},
        {"sequence": [{"type": "email", "variants": "A"}, {"variants": [1, {"label": 2}]}]},
        {"subsequences": "x"},
        {
            "subsequences": [
                None,
                {"trigger": "reply", "sequence": None},
                {"trigger": {"type": "ai_tag", "value": 5}, "sequence": [None]},
            ]
        },
        {"schedule": "daily"},
        {"schedule": {"timezone": 5, "startTime": 9, "endTime": "x", "workingDays": "weekdays"}},
        {"schedule": {"workingDays": [None, "1", 1.5]}},
        {"settings": [1]},
        {
            "settings": {
                "segCheckMode": 3,
                "segSkipProviders": "all",
                "variantOptimization": {"keepMinimumVariants": True},
            }
        },
        {
            "settings": {"variantOptimization": {"keepMinimumVariants": 2}},
            "sequence": [{"variants": None}],
            "subsequences": [{"sequence": [{"variants": []}]}],
        },
    ],
)
def test_check_never_crashes_on_bad_shapes(campaign: dict[str, Any]) -> None:
    found = check(copy.deepcopy(campaign))
    assert all(isinstance(f, Finding) for f in found)


def test_check_on_non_dict_returns_nothing() -> None:
    assert check([]) == []  # type: ignore[arg-type]
