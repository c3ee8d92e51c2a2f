"""SendKit's variable table against its docs: the create page's example copy checks clean,
every field the table names has a source, and a misspelling of each is caught."""

from __future__ import annotations

import re

import pytest

from outreach_cli import templates as t
from outreach_cli.providers.sendkit import templates as sk
from tests.helpers import SHARED

# The copy of shared/seeds/sendkit-create-campaign.txt, as the page prints it.
SEED_COPY = [
    "Quick question about {{companyName}}",
    "<p>Hi {{firstName}},</p><p>I noticed {{companyName}} is scaling fast. Would love to share "
    "how we helped similar teams cut outbound costs by 40%.</p>",
    "Re: Quick question about {{companyName}}",
    "<p>Hey {{firstName}}, just bumping this up. Happy to send over a case study if that "
    "helps.</p>",
    "Quick question, {{firstName}}",
    "<p>Hi {{firstName}},</p><p>I noticed {{company}} is growing fast...</p>",
]


@pytest.mark.parametrize("text", SEED_COPY)
def test_the_docs_example_copy_checks_clean(text: str) -> None:
    assert t.check(t.Spot(("x",), text, "body", t.BRACES), sk.VARIABLES) == []


@pytest.mark.reference
def test_every_variable_of_the_seed_pages_is_in_the_table() -> None:
    seen = set()
    for page in sorted((SHARED / "seeds").glob("sendkit-*.txt")):
        seen |= set(re.findall(r"\{\{(\w+)\}\}", page.read_text("utf-8")))
    assert seen == {"firstName", "companyName", "company"}
    assert seen <= set(sk.VARIABLES.known())
    assert set(SEED_COPY) <= {
        m
        for page in (SHARED / "seeds").glob("sendkit-create-*.txt")
        for m in re.findall(r'"(?:subject|body)": "([^"]*)"', page.read_text("utf-8"))
    }


def test_every_field_has_a_source_and_the_choice_is_written() -> None:
    assert all(src for src in sk.VARIABLES.fields.values())
    assert "sendkit-create-campaign" in sk.VARIABLES.fields["companyName"]
    assert "no closed list" in sk.VARIABLES.note


@pytest.mark.parametrize("name", sorted(sk.VARIABLES.fields))
def test_a_misspelling_of_each_field_is_an_error(name: str) -> None:
    typo = name[:-1] if len(name) > 4 else name + "s"
    found = t.check(t.Spot(("x",), "{{" + typo + "}}", "subject", t.BRACES), sk.VARIABLES)
    assert [f.severity for f in found] == ["error"], found
    assert "{{" + name + "}}" in found[0].message


def test_every_text_field_is_found() -> None:
    campaign = {
        "sequence": [
            {
                "type": "email",
                "subject": "s",
                "body": "b",
                "useConditionalVariables": True,
                "conditionalVariables": [
                    {
                        "variable": "firstName",
                        "operator": "has_value",
                        "content": "c",
                        "fallback": "f",
                    }
                ],
                "variants": [{"label": "A", "subject": "vs", "body": "vb"}],
            },
            {"type": "wait", "waitDays": 1},
        ],
        "subsequences": [
            {
                "name": "S",
                "trigger": {"type": "reply"},
                "sequence": [{"type": "email", "subject": "ss", "body": "sb"}],
            }
        ],
    }
    assert [s.path for s in sk.spots(campaign)] == [
        ("sequence", 0, "subject"),
        ("sequence", 0, "body"),
        ("sequence", 0, "variants", 0, "subject"),
        ("sequence", 0, "variants", 0, "body"),
        ("sequence", 0, "conditionalVariables", 0, "content"),
        ("sequence", 0, "conditionalVariables", 0, "fallback"),
        ("subsequences", 0, "sequence", 0, "subject"),
        ("subsequences", 0, "sequence", 0, "body"),
    ]
    assert [e.label for e in sk.emails(campaign)] == ["step 1 variant A", "subsequence 'S' step 1"]
