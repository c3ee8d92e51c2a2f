"""Puffle's catalogue, rules table, README and messages say the same thing.

A choice (the docs are silent) is worded as outreach's rule, never as Puffle's; a field Puffle
ignores is "ignored" in the catalogue, the rules table, the README and the message alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from outreach_cli.providers.catalogue import apply_probe, load
from outreach_cli.providers.puffle import rules as puffle_rules
from outreach_cli.providers.puffle.catalogue import BASE, CATALOGUE
from outreach_cli.providers.puffle.catalogue_sequence import LINKEDIN
from outreach_cli.validate import validate_paths
from tests.helpers import REPO

RULES = {r.id: r for r in CATALOGUE}
CHOICE_PROBES = [
    (r, p)
    for r in CATALOGUE
    if r.kind == "choice" and r.client
    for p in r.probes
    if p.client != "accept"
]
VENDOR_CLAIMS = ("Puffle requires", "Puffle needs", "Puffle refuses", "Puffle rejects")


def _messages(tmp_path: Path, campaign: dict[str, Any]) -> list[str]:
    path = tmp_path / "c.yaml"
    path.write_text(
        yaml.safe_dump(
            {"provider": "puffle", "key": "c", "campaign": campaign}, allow_unicode=True
        ),
        "utf-8",
    )
    return [d.message for d in validate_paths([str(path)]).diagnostics]


def test_the_catalogue_loads_for_the_harness() -> None:
    rules, base = load("puffle")
    assert {r.id for r in rules} >= {f"PF-{i}" for i in range(1, 39)}
    assert base == BASE


@pytest.mark.parametrize(
    "rule,probe", CHOICE_PROBES, ids=[f"{r.id}-{p.name}" for r, p in CHOICE_PROBES]
)
def test_a_choice_is_worded_as_outreachs_rule(rule: Any, probe: Any, tmp_path: Path) -> None:
    messages = _messages(tmp_path, apply_probe(BASE, probe))
    assert messages, f"{rule.id} {probe.name}: validate said nothing"
    assert any("outreach's rule" in m for m in messages), messages
    assert not any(claim in m for m in messages for claim in VENDOR_CLAIMS), messages


@pytest.mark.parametrize("field", puffle_rules.EMAIL_ONLY)
def test_a_field_of_the_other_channel_is_ignored_everywhere(field: str, tmp_path: Path) -> None:
    value = {"daily_limit": 5, "account_limits": [], "signature": "x"}.get(field, True)
    [message] = _messages(tmp_path, {**BASE, **LINKEDIN, field: value})
    assert "Puffle ignores it" in message and "outreach's rule" in message
    row = next(r for r in puffle_rules.RULES if r.field == field and r.types == {"linkedin"})
    assert row.when_forbidden == "ignored" and "ignores" in row.reason
    readme = (REPO / "README.md").read_text("utf-8")
    assert f"| `{field}` (on linkedin campaigns) | ignored | ignored | ignored |" in readme
    assert "ignores" in RULES["PF-6"].rule


def test_draft_only_fields_are_ignored_in_the_catalogue_the_table_and_the_readme() -> None:
    assert RULES["PF-5"].verdict == "ignored"
    readme = (REPO / "README.md").read_text("utf-8")
    for row in puffle_rules.RULES:
        if row.allowed_in == frozenset({"draft"}):
            assert row.when_forbidden == "ignored" and "silently ignore" in row.reason
            suffix = f" (on {next(iter(row.types))} campaigns)" if row.types else ""
            assert f"| `{row.field}`{suffix} | yes | ignored | ignored |" in readme


def test_documented_refusals_name_puffle_and_choices_do_not_claim_it(tmp_path: Path) -> None:
    """A documented rule may say what Puffle does (the delay bounds); the schema's own
    choices carry their reason (x-rule) instead."""
    [delay] = _messages(tmp_path, apply_probe(BASE, RULES["PF-10"].probes[0]))
    assert "Puffle needs at least 1 minute" in delay
    [repeat] = _messages(tmp_path, apply_probe(BASE, RULES["PF-39"].probes[0]))
    assert repeat.startswith("items must not repeat (outreach's rule: ")
