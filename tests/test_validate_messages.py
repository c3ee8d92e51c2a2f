"""Messages a person reads: the expected form in words, the close value suggested."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli.leads.operations import check_tag
from outreach_cli.validate import PATTERN_WORDS, expected_form, validate_paths


def _messages(tmp_path: Path, text: str) -> dict[str, str]:
    f = tmp_path / "c.yaml"
    f.write_text(text)
    return {d.path: d.message for d in validate_paths([str(f)]).diagnostics}


def test_a_bad_time_says_what_a_time_looks_like(tmp_path: Path) -> None:
    found = _messages(tmp_path, "provider: sendkit\ncampaign:\n  name: Q2\n"
                                "  schedule: {startTime: '9am', endTime: '17:00'}\n")
    msg = found["campaign.schedule.startTime"]
    assert msg == "'9am' is not a time as HH:MM, 00:00 to 23:59"
    assert "[01]" not in msg  # never the raw expression


def test_a_mistyped_status_suggests_the_close_one(tmp_path: Path) -> None:
    found = _messages(tmp_path, "provider: sendkit\nstatus: activ\ncampaign:\n  name: Q2\n")
    assert found["status"] == ("'activ' is not one of: draft, active, paused; "
                               "did you mean 'active'?")


def test_a_mistyped_provider_suggests_the_close_one(tmp_path: Path) -> None:
    found = _messages(tmp_path, "provider: lemlst\ncampaign:\n  name: Q2\n")
    assert found["provider"].endswith("did you mean 'lemlist'?")


def test_a_mistyped_tag_suggests_the_close_label() -> None:
    spelled, reason = check_tag("Intersted", ["Interested", "Not interested", "Out of office"])
    assert spelled is None
    assert reason.endswith("did you mean 'Interested'?")
    assert check_tag("interested", ["Interested"]) == ("Interested", "")
    assert "did you mean" not in check_tag("zzz", ["Interested"])[1]


@pytest.mark.parametrize("pattern", sorted(PATTERN_WORDS))
def test_every_known_pattern_has_words(pattern: str) -> None:
    assert expected_form(pattern) == PATTERN_WORDS[pattern]
    assert "^" not in expected_form(pattern)


def test_every_schema_pattern_reads_in_words() -> None:
    import json

    from tests.helpers import REPO

    def patterns(node: object) -> list[tuple[str, str | None]]:
        if isinstance(node, dict):
            pattern = node.get("pattern")
            out = [(pattern, node.get("description"))] if isinstance(pattern, str) else []
            return out + [p for k, v in node.items() if k != "x-rule" for p in patterns(v)]
        if isinstance(node, list):
            return [p for v in node for p in patterns(v)]
        return []

    for schema in (REPO / "outreach_cli" / "providers").glob("*/schema.json"):
        for pattern, description in patterns(json.loads(schema.read_text())):
            assert not expected_form(pattern, description).startswith("text matching"), (
                schema, pattern)
