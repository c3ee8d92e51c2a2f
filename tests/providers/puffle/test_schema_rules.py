"""Puffle's campaign schema (schemas/puffle.json) and offline rules (providers/puffle_rules.py).

The update page's status × field table is copied here as the docs print it, so the rules data
is checked against the docs, not against itself.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from outreach_cli.providers.base import Change, Finding, Path, Provider, Remote, Verdict
from outreach_cli.providers.puffle import rules as puffle_rules
from outreach_cli.providers.puffle.rules import RULES, check, note_for

SCHEMA: dict[str, Any] = json.loads(
    resources.files("outreach_cli.providers.puffle").joinpath("schema.json").read_text("utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA)
SENDER = "5e4de000-0000-4000-8000-000000000001"
OTHER = "5e4de000-0000-4000-8000-000000000002"
C: Path = ("campaign",)
N: Path = ("campaign", "sequence_nodes")


def email() -> dict[str, Any]:
    """A small valid email campaign that each test bends one way."""
    return {
        "type": "email",
        "name": "Q2 outbound",
        "operating_hours": {"monday": {"start": "09:00", "end": "17:00"}},
        "daily_limit": 50,
        "account_limits": [{"account_id": SENDER, "daily_limit": 20}],
        "stop_on_reply": True,
        "open_tracking": False,
        "signature": "Best,\n%sender_first_name%",
        "sender_account_ids": [SENDER, OTHER],
        "sequence_nodes": [
            {
                "type": "email",
                "subject": "Hi {{first_name}}",
                "body": "Hello",
                "body_html": "<p>Hello</p>",
                "from_name": "Ada",
                "cc": "x@example.com",
            },
            {"type": "delay", "delay_days": 3},
            {"type": "email", "subject": "Re", "body": "Bump", "is_reply": True},
            {"type": "ai", "ai_node": {"purpose": "Follow up", "output_type": "email"}},
            {"type": "end"},
        ],
    }


def linkedin() -> dict[str, Any]:
    return {
        "type": "linkedin",
        "name": "Founders",
        "skip_other_campaigns": True,
        "sender_account_ids": ["5e4d1000-0000-4000-8000-000000000001"],
        "sequence_nodes": [
            {"type": "connection_request", "body": "Hi", "include_message": True},
            {"type": "delay", "delay_hours": 12, "delay_minutes": 30},
            {"type": "message", "body": "Thanks for connecting"},
            {"type": "end"},
        ],
    }


def schema_errors(doc: dict[str, Any]) -> list[tuple[Path, str]]:
    return sorted(
        ((tuple(e.absolute_path), e.message) for e in VALIDATOR.iter_errors(doc)), key=str
    )


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


# -- the schema --------------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["additionalProperties"] is False
    assert SCHEMA["$defs"]["node"]["additionalProperties"] is False


@pytest.mark.parametrize("doc", [email(), linkedin()], ids=["email", "linkedin"])
def test_valid_campaigns_pass_schema_and_rules(doc: dict[str, Any]) -> None:
    assert schema_errors(doc) == []
    assert check(doc) == []


def test_every_property_has_a_description() -> None:
    missing: list[str] = []

    def walk(schema: Any, where: str) -> None:
        if not isinstance(schema, dict):
            return
        for name, sub in (schema.get("properties") or {}).items():
            if not (isinstance(sub, dict) and sub.get("description")):
                missing.append(f"{where}.{name}")
            walk(sub, f"{where}.{name}")
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], f"{where}[]")

    walk(SCHEMA, "campaign")
    walk(SCHEMA["$defs"]["node"], "node")
    assert missing == []


def test_schema_states_the_rules_constants() -> None:
    props = SCHEMA["properties"]
    assert tuple(props["type"]["enum"]) == puffle_rules.TYPES
    assert (
        props["daily_limit"]["minimum"],
        props["daily_limit"]["maximum"],
    ) == puffle_rules.DAILY_LIMIT_RANGE
    assert props["account_limits"]["maxItems"] == puffle_rules.MAX_ACCOUNT_LIMITS
    assert tuple(SCHEMA["$defs"]["node"]["properties"]["type"]["enum"]) == puffle_rules.NODE_TYPES
    assert (puffle_rules.MIN_DELAY_MINUTES, puffle_rules.MAX_DELAY_MINUTES) == (1, 43200)
    assert puffle_rules.STATUSES == ("draft", "launching", "active", "paused", "completed")


def _set(path: Path, value: Any) -> Any:
    def bend(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return bend


def _drop(key: str) -> Any:
    return lambda doc: doc.pop(key)


@pytest.mark.parametrize(
    ("bend", "path", "fragment"),
    [
        (_drop("type"), (), "'type' is a required property"),
        (_drop("name"), (), "'name' is a required property"),
        (_set(("type",), "sms"), ("type",), "is not one of"),
        (_set(("name",), ""), ("name",), "non-empty"),
        (_set(("daily_limit",), 0), ("daily_limit",), "minimum of 1"),
        (_set(("daily_limit",), 501), ("daily_limit",), "maximum of 500"),
        (_set(("daily_limit",), 2.5), ("daily_limit",), "not of type 'integer'"),
        (_set(("operating_hours",), "9-5"), ("operating_hours",), "not of type"),
        (
            _set(("account_limits",), [{"account_id": SENDER, "daily_limit": 1}] * 51),
            ("account_limits",),
            "is too long",
        ),
        (
            _set(("account_limits", 0, "account_id"), "abc"),
            ("account_limits", 0, "account_id"),
            "does not match",
        ),
        (
            _set(("account_limits", 0, "daily_limit"), 0),
            ("account_limits", 0, "daily_limit"),
            "minimum of 1",
        ),
        (
            _set(("account_limits", 0), {"account_id": SENDER}),
            ("account_limits", 0),
            "'daily_limit' is a required property",
        ),
        (_set(("stop_on_reply",), "yes"), ("stop_on_reply",), "not of type 'boolean'"),
        (_set(("signature",), 5), ("signature",), "not of type 'string'"),
        # Version nibble 0 is outside the docs' pattern ([1-8]).
        (
            _set(("sender_account_ids", 0), "5e4de000-0000-0000-8000-000000000001"),
            ("sender_account_ids", 0),
            "does not match",
        ),
        (_set(("sender_account_ids",), [SENDER, SENDER]), ("sender_account_ids",), "non-unique"),
        (_set(("status",), "active"), (), "Additional properties"),
        (
            _set(("sequence_nodes", 0, "type"), "wait"),
            ("sequence_nodes", 0, "type"),
            "is not one of",
        ),
        (
            _set(("sequence_nodes", 0), {"subject": "x"}),
            ("sequence_nodes", 0),
            "'type' is a required property",
        ),
        (
            _set(("sequence_nodes", 0, "id"), "node-1"),
            ("sequence_nodes", 0, "id"),
            "does not match",
        ),
        (
            _set(("sequence_nodes", 0, "wait_days"), 2),
            ("sequence_nodes", 0),
            "Additional properties",
        ),
        (
            _set(("sequence_nodes", 1, "delay_days"), -1),
            ("sequence_nodes", 1, "delay_days"),
            "minimum of 0",
        ),
        (
            _set(("sequence_nodes", 1, "delay_hours"), 1.5),
            ("sequence_nodes", 1, "delay_hours"),
            "not of type 'integer'",
        ),
        (
            _set(("sequence_nodes", 3, "ai_node", "model"), "x"),
            ("sequence_nodes", 3, "ai_node"),
            "Additional properties",
        ),
    ],
)
def test_schema_refuses(bend: Any, path: Path, fragment: str) -> None:
    doc = email()
    bend(doc)
    errors = schema_errors(doc)
    assert any(p == path and fragment in m for p, m in errors), errors


@pytest.mark.parametrize(
    ("node", "field"),
    [
        ({"type": "message", "body": "x", "subject": "s"}, "subject"),
        ({"type": "connection_request", "is_reply": True}, "is_reply"),
        (
            {"type": "email", "subject": "s", "body": "b", "include_message": True},
            "include_message",
        ),
        ({"type": "email", "subject": "s", "body": "b", "delay_days": 1}, "delay_days"),
        ({"type": "delay", "delay_days": 1, "body": "x"}, "body"),
        ({"type": "delay", "delay_days": 1, "ai_node": {"purpose": "x"}}, "ai_node"),
        ({"type": "ai", "ai_node": {}, "subject": "s"}, "subject"),
        ({"type": "end", "body": "x"}, "body"),
        ({"type": "message", "body": "x", "attachments": []}, "attachments"),
    ],
)
def test_check_refuses_fields_of_other_node_types(node: dict[str, Any], field: str) -> None:
    doc = linkedin()
    doc["sequence_nodes"][0] = node
    assert schema_errors(doc) == []  # a known node field: the schema lets it through
    findings = [f for f in check(doc) if f.path[-1] == field]
    finding = only(findings)
    assert finding.path == N + (0, field) and finding.severity == "error"
    assert f"{field} is not a field of {node['type']} nodes" in finding.message
    assert "Puffle would drop it silently (outreach's rule" in finding.message


@pytest.mark.parametrize(
    "uuid",
    [
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "3C90C3CC-0D44-4B50-8888-8DD25736052A",
    ],
)
def test_schema_takes_the_docs_special_uuids(uuid: str) -> None:
    doc = email()
    doc["sender_account_ids"] = [uuid]
    doc["account_limits"][0]["account_id"] = uuid
    assert schema_errors(doc) == []


def test_operating_hours_is_opaque() -> None:
    doc = email()
    doc["operating_hours"] = {"anything": [1, {"nested": True}], "tz": "Europe/Paris"}
    assert schema_errors(doc) == []
    doc["operating_hours"] = None  # Puffle's own examples read back null
    assert schema_errors(doc) == []


def test_position_passes_the_schema_and_check_warns_it_is_ignored() -> None:
    doc = email()
    doc["sequence_nodes"][0]["position"] = 7
    assert schema_errors(doc) == []
    finding = only(check(doc))
    assert finding.path == N + (0, "position") and finding.severity == "warning"
    assert finding.message.startswith("position is ignored: Puffle numbers nodes by their order")


# -- check(): the sequence ---------------------------------------------------------------------


def test_no_end_node() -> None:
    doc = email()
    doc["sequence_nodes"].pop()
    finding = only(check(doc))
    assert finding.path == N and "no end node" in finding.message
    assert "outreach's rule" in finding.message and "will not launch" in finding.message


def test_end_node_not_last() -> None:
    doc = email()
    end = doc["sequence_nodes"].pop()
    doc["sequence_nodes"].insert(1, end)
    finding = only(check(doc))
    assert finding.path == N + (1, "type")
    assert "must be the last node" in finding.message and "3 node(s) follow" in finding.message


def test_two_end_nodes() -> None:
    doc = email()
    doc["sequence_nodes"].insert(2, {"type": "end"})
    finding = only(check(doc))
    assert finding.path == N + (2, "type") and "a second end node" in finding.message
    assert "outreach's rule" in finding.message
    assert finding.related == (N + (5, "type"),)


def test_position_on_every_node_that_has_one() -> None:
    doc = email()
    for i, node in enumerate(doc["sequence_nodes"]):
        node["position"] = i
    findings = check(doc)
    assert [f.path for f in findings] == [N + (i, "position") for i in range(5)]
    assert all(f.severity == "warning" for f in findings)


@pytest.mark.parametrize(
    ("delay", "message"),
    [
        ({"delay_minutes": 0}, "delay totals 0 minutes; Puffle needs at least 1 minute"),
        ({}, "delay totals 0 minutes; Puffle needs at least 1 minute"),
        (
            {"delay_days": 0, "delay_hours": 0},
            "delay totals 0 minutes; Puffle needs at least 1 minute",
        ),
        ({"delay_minutes": 1}, None),
        ({"delay_days": 30}, None),
        ({"delay_hours": 720}, None),
        ({"delay_days": 29, "delay_hours": 23, "delay_minutes": 60}, None),
        (
            {"delay_days": 30, "delay_minutes": 1},
            "delay totals 30 days 1 minute (43201 minutes); Puffle allows at most 30 days",
        ),
        (
            {"delay_hours": 721},
            "delay totals 30 days 1 hour (43260 minutes); Puffle allows at most 30 days",
        ),
        ({"delay_days": 31}, "delay totals 31 days; Puffle allows at most 30 days"),
    ],
)
def test_delay_totals(delay: dict[str, int], message: str | None) -> None:
    doc = email()
    doc["sequence_nodes"][1] = {"type": "delay", **delay}
    findings = check(doc)
    if message is None:
        assert findings == []
    else:
        assert only(findings) == Finding(N + (1,), message)


def test_delay_of_a_wrong_type_is_left_to_the_schema() -> None:
    doc = email()
    doc["sequence_nodes"][1] = {"type": "delay", "delay_days": "3"}
    assert check(doc) == []


@pytest.mark.parametrize(
    ("ctype", "node_type", "ok"),
    [
        ("email", "connection_request", False),
        ("email", "message", False),
        ("email", "ai", True),
        ("email", "delay", True),
        ("linkedin", "email", False),
        ("linkedin", "ai", True),
        ("linkedin", "message", True),
    ],
)
def test_node_types_by_channel(ctype: str, node_type: str, ok: bool) -> None:
    doc = email() if ctype == "email" else linkedin()
    node = {
        "connection_request": {"type": node_type},
        "message": {"type": node_type, "body": "x"},
        "email": {"type": node_type, "subject": "s", "body": "b"},
        "ai": {"type": node_type, "ai_node": {"purpose": "p"}},
        "delay": {"type": node_type, "delay_days": 1},
    }[node_type]
    doc["sequence_nodes"].insert(0, node)
    findings = check(doc)
    if ok:
        assert findings == []
    else:
        finding = only(findings)
        assert finding.path == N + (0, "type")
        assert f"{node_type} nodes do not belong in a {ctype} campaign" in finding.message
        assert finding.related == (C + ("type",),)


def test_empty_sequence_warns_nothing_to_send() -> None:
    doc = email()
    doc["sequence_nodes"] = [{"type": "end"}]
    finding = only(check(doc))
    assert (finding.path, finding.severity) == (N, "warning")
    assert "nothing to send" in finding.message
    doc["sequence_nodes"] = [{"type": "delay", "delay_days": 1}, {"type": "end"}]
    assert "nothing to send" in only(check(doc)).message


def test_empty_list_has_no_end_and_nothing_to_send() -> None:
    doc = email()
    doc["sequence_nodes"] = []
    assert sorted((f.severity, f.path) for f in check(doc)) == [("error", N), ("warning", N)]


# -- check(): channel fields, account limits, signature ----------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("daily_limit", 50),
        ("account_limits", []),
        ("stop_on_reply", True),
        ("open_tracking", False),
        ("signature", "Best"),
    ],
)
def test_email_only_fields_on_linkedin(field: str, value: Any) -> None:
    doc = linkedin()
    doc[field] = value
    finding = only(check(doc))
    assert finding.path == C + (field,) and finding.severity == "error"
    assert "email campaigns only; Puffle ignores it on this linkedin campaign" in finding.message
    assert "outreach's rule" in finding.message and "requires" not in finding.message
    assert finding.related == (C + ("type",),)


def test_linkedin_only_field_on_email() -> None:
    doc = email()
    doc["skip_other_campaigns"] = False
    finding = only(check(doc))
    assert finding.path == C + ("skip_other_campaigns",)
    assert "LinkedIn campaigns only" in finding.message


def test_repeated_account_id_warns_that_the_last_entry_wins() -> None:
    doc = email()
    doc["account_limits"] = [
        {"account_id": SENDER, "daily_limit": 5},
        {"account_id": OTHER, "daily_limit": 6},
        {"account_id": SENDER.upper(), "daily_limit": 7},
        {"account_id": SENDER, "daily_limit": 8},
    ]
    findings = check(doc)
    assert [(f.path, f.severity) for f in findings] == [
        (C + ("account_limits", 2, "account_id"), "warning"),
        (C + ("account_limits", 3, "account_id"), "warning"),
    ]
    assert all("the last entry wins" in f.message for f in findings)
    assert findings[0].related == (C + ("account_limits", 0, "account_id"),)
    assert findings[1].related == (
        C + ("account_limits", 0, "account_id"),
        C + ("account_limits", 2, "account_id"),
    )


@pytest.mark.parametrize(
    "doc",
    [
        "not a mapping",
        {},
        {"type": "fax", "daily_limit": 5, "sequence_nodes": "x"},
        {
            "type": "email",
            "sequence_nodes": [None, 3, {"type": "delay", "delay_days": True}],
            "account_limits": [None, {"account_id": 5}],
            "signature": None,
        },
    ],
)
def test_check_tolerates_any_shape(doc: Any) -> None:
    check(copy.deepcopy(doc))  # no crash; the schema reports the shapes


# -- the rules table ---------------------------------------------------------------------------

# The update page's table: ✅ → True, "ignored" → False, per (draft, active, paused); with the
# campaign type each row belongs to (None: both).
DOCS_TABLE: dict[str, tuple[str | None, tuple[bool, bool, bool]]] = {
    "name": (None, (True, True, True)),
    "operating_hours": (None, (True, True, True)),
    "daily_limit": ("email", (True, True, True)),
    "account_limits": ("email", (True, True, True)),
    "skip_other_campaigns": ("linkedin", (True, False, False)),
    "stop_on_reply": ("email", (True, False, False)),
    "open_tracking": ("email", (True, False, False)),
    "signature": ("email", (True, False, False)),
    "sender_account_ids": (None, (True, False, False)),
    "sequence_nodes": (None, (True, False, False)),
}


class _Offline(Provider):
    """Just enough of a provider to run the base class's classify over RULES."""

    name = "puffle"
    title = "Puffle"
    RULES = RULES

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


def verdict(path: Path, status: str, ctype: str) -> Verdict:
    remote = Remote("id", "n", status, None, {}, ctype=ctype)
    return _Offline().classify(Change(path, "change", 1, 2), remote)


@pytest.mark.parametrize("status", ["draft", "active", "paused"])
@pytest.mark.parametrize("field", list(DOCS_TABLE))
def test_rules_follow_the_update_page(field: str, status: str) -> None:
    ctype, row = DOCS_TABLE[field]
    for kind in (ctype,) if ctype else ("email", "linkedin"):
        got = verdict((field,), status, kind)
        assert got.allowed is row[("draft", "active", "paused").index(status)]
        if not got.allowed:
            assert got.ignored is True
            assert f"{field} can change only in draft" in got.reason
            assert "silently ignore" in got.reason
            assert "no way back to draft" in got.remedy and "new campaign" in got.remedy


def test_every_field_of_the_schema_has_a_row() -> None:
    for field in SCHEMA["properties"]:
        assert any(rule.field == field for rule in RULES), field


@pytest.mark.parametrize("status", ["launching", "completed"])
def test_draft_only_fields_are_ignored_past_draft_and_the_rest_allowed(status: str) -> None:
    assert verdict(("sequence_nodes",), status, "email").ignored is True
    assert verdict(("name",), status, "email").allowed is True


def test_nested_changes_follow_their_field() -> None:
    assert verdict(("sequence_nodes", 2, "subject"), "active", "email").ignored is True
    assert verdict(("account_limits", 0, "daily_limit"), "paused", "email").allowed is True
    assert verdict(("operating_hours", "monday"), "active", "email").allowed is True


def test_type_never_changes() -> None:
    for status in puffle_rules.STATUSES:
        got = verdict(("type",), status, "email")
        assert not got.allowed and got.reason == "a campaign's type is fixed at creation"
        assert "new campaign" in got.remedy


@pytest.mark.parametrize(
    ("field", "ctype"),
    [
        ("daily_limit", "linkedin"),
        ("account_limits", "linkedin"),
        ("signature", "linkedin"),
        ("stop_on_reply", "linkedin"),
        ("open_tracking", "linkedin"),
        ("skip_other_campaigns", "email"),
    ],
)
def test_channel_only_fields_on_the_other_channel_are_ignored(field: str, ctype: str) -> None:
    got = verdict((field,), "draft", ctype)
    assert not got.allowed and got.ignored
    assert "campaigns only" in got.reason


def test_operating_hours_note_only_on_active() -> None:
    note = (
        "on an active campaign Puffle wakes sleeping prospects at once: expect sends within "
        "about 30 seconds"
    )
    assert note_for("operating_hours", "active") == note
    assert note_for("operating_hours.monday", "active", "email") == note
    assert note_for("operating_hours", "draft") == ""
    assert note_for("operating_hours", "paused") == ""
    assert note_for("name", "active") == ""
    assert note_for("nonexistent", "active") == ""
