"""The README's generated parts agree with the code they describe."""

from __future__ import annotations

from outreach_cli.providers import table
from tests.helpers import REPO

README = REPO / "README.md"


def test_rules_table_is_generated_from_the_rules_data() -> None:
    text = README.read_text()
    assert table.START in text and table.END in text
    assert table.replace_in(text) == text, (
        "README rules table is stale: run python -c 'from pathlib import Path; from "
        'outreach_cli.providers.table import replace_in; p = Path("README.md"); '
        "p.write_text(replace_in(p.read_text()))'"
    )


def test_rules_table_reflects_a_rule_change(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from outreach_cli.providers.base import FieldRule
    from outreach_cli.providers.puffle import Puffle

    monkeypatch.setattr(Puffle, "RULES", (FieldRule("name", frozenset({"draft"})),))
    rendered = table.provider_table(Puffle)
    assert "| `name` | yes | refused | refused |" in rendered
    assert table.replace_in(README.read_text()) != README.read_text()
