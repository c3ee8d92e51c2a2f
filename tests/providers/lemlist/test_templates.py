"""lemlist's variable table: the add-lead fields, custom variables, every text field found."""

from __future__ import annotations

import json

import pytest

from outreach_cli import templates as t
from outreach_cli.providers.lemlist import templates as ll
from tests.helpers import SHARED


@pytest.mark.reference
def test_the_table_is_the_add_lead_fields_of_the_openapi_file() -> None:
    spec = json.loads((SHARED / "reference" / "openapi" / "lemlist.json").read_text("utf-8"))
    body = spec["paths"]["/campaigns/{campaignId}/leads/"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert set(ll.VARIABLES.fields) == set(schema["properties"]) - {"contactOwner"}
    assert schema["additionalProperties"] == {"type": "string"}  # custom variables
    assert all("POST /campaigns/{campaignId}/leads/" in s for s in ll.VARIABLES.fields.values())
    assert "list no variables" in ll.VARIABLES.note


@pytest.mark.parametrize("name", sorted(ll.VARIABLES.fields))
def test_a_misspelling_of_each_field_is_an_error(name: str) -> None:
    typo = name[:-1] if len(name) > 4 else name + "s"
    found = t.check(t.Spot(("x",), "{{" + typo + "}}", "body", t.BRACES), ll.VARIABLES)
    assert [f.severity for f in found] == ["error"], found


def test_sender_variables_pass_and_render_as_placeholders() -> None:
    s = t.Spot(("x",), "{{sendingAccountFirstName}}", "body", t.BRACES)
    assert t.check(s, ll.VARIABLES) == []
    assert t.render(s, {}, ll.VARIABLES).text == "[sendingAccountFirstName]"


def test_every_text_field_is_found_and_variant_b_inherits_a() -> None:
    campaign = {
        "steps": [
            {
                "type": "email",
                "delay": 0,
                "subject": "A {{firstName}}",
                "message": "<p>a</p>",
                "abTest": {"subject": "B {{firstName}}"},
            },
            {"type": "linkedinSend", "delay": 1, "message": "m", "altMessage": "alt"},
            {"type": "linkedinVisit", "delay": 1},
        ]
    }
    assert [s.path for s in ll.spots(campaign)] == [
        ("steps", 0, "subject"),
        ("steps", 0, "message"),
        ("steps", 0, "abTest", "subject"),
        ("steps", 1, "message"),
        ("steps", 1, "altMessage"),
    ]
    mails = ll.emails(campaign)
    assert [(e.label, e.kind) for e in mails] == [
        ("step 1 variant A", "email"),
        ("step 1 variant B", "email"),
        ("step 2 (linkedinSend)", "message"),
    ]
    assert mails[1].body is not None and mails[1].body.path == ("steps", 0, "message")
