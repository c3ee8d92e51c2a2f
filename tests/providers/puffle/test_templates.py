"""Puffle's two syntaxes as its docs show them: {{first_name}} in nodes, %first_name%,
%sender_*% and %custom_fields.<key>% in the signature."""

from __future__ import annotations

import re

import pytest

from outreach_cli import templates as t
from outreach_cli.providers.puffle import templates as pf
from tests.helpers import SHARED

NODE_EXAMPLES = ["Hi {{first_name}}", "{{company}} and outbound"]  # providers.md §3
SIGNATURE_EXAMPLE = "Best,\n%first_name%"  # shared/seeds/puffle-update-campaign.txt


def campaign() -> dict[str, object]:
    return {
        "type": "email",
        "signature": SIGNATURE_EXAMPLE,
        "sequence_nodes": [
            {"type": "email", "subject": NODE_EXAMPLES[1], "body": NODE_EXAMPLES[0]},
            {
                "type": "email",
                "is_reply": True,
                "body": "b",
                "body_html": "<p>{{first_name}}</p>",
                "signature": "%sender_first_name%",
            },
            {"type": "message", "body": "m {{first_name}}"},
            {"type": "end"},
        ],
    }


def test_the_docs_examples_check_clean() -> None:
    assert [f for s in pf.spots(campaign()) for f in t.check(s, pf.VARIABLES)] == []


@pytest.mark.reference
def test_every_variable_the_docs_show_is_in_the_table() -> None:
    ref = (SHARED / "reference" / "providers.md").read_text("utf-8")
    section = ref[ref.index("**Template variables:**") :][:600]
    seed = (SHARED / "seeds" / "puffle-update-campaign.txt").read_text("utf-8")
    braces = set(re.findall(r"\{\{(\w+)\}\}", section))
    percent = set(re.findall(r"%([\w.*<>]+)%", section + seed))
    assert braces == {"first_name", "company"} and braces <= set(pf.VARIABLES.known())
    assert percent == {"sender_*", "first_name", "custom_fields.<key>"}
    assert pf.VARIABLES.known(kind="signature") == ["first_name"]
    assert pf.VARIABLES.is_sender("sender_first_name")
    assert pf.VARIABLES.custom_prefix == "custom_fields."


def test_the_table_names_its_sources_and_choices() -> None:
    assert "{{first_name}}" in pf.VARIABLES.fields["first_name"]
    assert "%first_name%" in pf.VARIABLES.fields["first_name"]
    assert "docs do not say" in pf.VARIABLES.note


@pytest.mark.parametrize(
    "path",
    [
        ("sequence_nodes", 0, "subject"),
        ("sequence_nodes", 0, "body"),
        ("sequence_nodes", 1, "body_html"),
        ("sequence_nodes", 2, "body"),
    ],
)
def test_camel_case_in_a_node_suggests_snake_case(path: tuple[object, ...]) -> None:
    c = campaign()
    node = c["sequence_nodes"][path[1]]  # type: ignore[index]
    node[path[2]] = "Hi {{firstName}}"
    spots = {s.path: s for s in pf.spots(c)}
    found = t.check(spots[path], pf.VARIABLES)  # type: ignore[index]
    assert [f.message for f in found if f.severity == "error"] == [
        "unknown variable {{firstName}}: not a Puffle lead field; did you mean "
        "{{first_name}}? (declare it under `variables:` if it is a custom field)"
    ]


@pytest.mark.parametrize("path", [("signature",), ("sequence_nodes", 1, "signature")])
def test_braces_in_a_signature_are_the_wrong_syntax(path: tuple[object, ...]) -> None:
    c = campaign()
    if len(path) == 1:
        c["signature"] = "Best, {{first_name}}"
    else:
        c["sequence_nodes"][1]["signature"] = "Best, {{first_name}}"  # type: ignore[index]
    spots = {s.path: s for s in pf.spots(c)}
    found = t.check(spots[path], pf.VARIABLES)  # type: ignore[index]
    assert [f.severity for f in found] == ["warning"]  # the README: the wrong syntax is a warning
    assert "write %first_name%" in found[0].message


def test_emails_carry_the_signature_node_first() -> None:
    mails = pf.emails(campaign())
    assert [(e.label, e.kind, e.reply) for e in mails] == [
        ("step 1", "email", False),
        ("step 2", "email", True),
        ("step 3 (message)", "message", False),
    ]
    assert mails[0].signature is not None and mails[0].signature.path == ("signature",)
    assert mails[1].signature is not None and mails[1].signature.text == "%sender_first_name%"
    assert mails[1].body is not None and mails[1].body.path[-1] == "body_html"


def test_csv_columns_become_custom_fields() -> None:
    assert pf.lead_values(
        {"first_name": "A", "last_name": "B", "plan": "pro", "email": "a@b.co"}
    ) == {
        "first_name": "A",
        "last_name": "B",
        "custom_fields.plan": "pro",
        "email": "a@b.co",
        "name": "A B",
    }


@pytest.mark.parametrize(
    ("signature", "unknown"),
    [
        ("Best,\n%first_name%", []),
        ("%sender_first_name% %sender_company% at %custom_fields.industry%", []),
        ("50% off, 20% more", []),
        ("Cheers %last_name%", ["%last_name%"]),
        ("%company% and %company% and %sender%", ["%company%", "%company%", "%sender%"]),
    ],
)
def test_signature_variables_are_the_documented_three(signature: str, unknown: list[str]) -> None:
    # Moved from the rules tests: the signature is checked with the rest of the copy.
    found = t.check(
        t.Spot(("signature",), signature, "signature", t.PERCENT, t.BRACES),
        pf.VARIABLES,
        ["industry"],
    )
    assert [(f.raw, f.severity) for f in found] == [(u, "warning") for u in unknown]
