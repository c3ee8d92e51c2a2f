"""Messages a person reads: the expected form in words, the close value suggested."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli.leads.operations import check_tag
from outreach_cli.schemawords import PATTERN_WORDS, expected_form
from outreach_cli.validate import validate_paths


def _messages(tmp_path: Path, text: str) -> dict[str, str]:
    f = tmp_path / "c.yaml"
    f.write_text(text)
    return {d.path: d.message for d in validate_paths([str(f)]).diagnostics}


def test_a_bad_time_says_what_a_time_looks_like(tmp_path: Path) -> None:
    found = _messages(
        tmp_path,
        "provider: sendkit\ncampaign:\n  name: Q2\n"
        "  schedule: {startTime: '9am', endTime: '17:00'}\n",
    )
    msg = found["campaign.schedule.startTime"]
    assert msg == "'9am' is not a time as HH:MM, 00:00 to 23:59"
    assert "[01]" not in msg  # never the raw expression


def test_a_mistyped_status_suggests_the_close_one(tmp_path: Path) -> None:
    found = _messages(tmp_path, "provider: sendkit\nstatus: activ\ncampaign:\n  name: Q2\n")
    assert found["status"] == (
        "'activ' is not one of: draft, active, paused; did you mean 'active'?"
    )


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
                schema,
                pattern,
            )


MB = 1 << 20
CAMPAIGN = {"sendkit": "  sequence: []\n", "lemlist": "", "puffle": "  type: email\n"}


@pytest.mark.parametrize("provider", sorted(CAMPAIGN))
def test_a_1_mb_name_is_refused_offline_naming_file_line_and_field(
    tmp_path: Path, provider: str
) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(f"provider: {provider}\ncampaign:\n{CAMPAIGN[provider]}  name: " + "N" * MB + "\n")
    [err] = validate_paths([str(f)]).errors
    assert (err.file, err.line, err.path) == (str(f), 3 + bool(CAMPAIGN[provider]), "campaign.name")
    assert err.message.startswith(
        f"is {MB} characters long; at most 500 allowed (outreach's rule: the docs give no limit;"
    )
    assert len(str(err)) < 1000  # the value is not repeated back
    f.write_text(f.read_text().replace("N" * MB, "N" * 500))  # the bound itself passes
    assert validate_paths([str(f)]).errors == []


def test_a_1_mb_key_is_refused_offline_naming_file_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("provider: puffle\nkey: " + "k" * MB + "\ncampaign: {type: email, name: N}\n")
    [err] = validate_paths([str(f)]).errors
    assert (err.file, err.line, err.path) == (str(f), 2, "key")
    assert err.message.startswith(
        f"is {MB} characters long; at most 200 allowed (outreach's rule: "
    )
    f.write_text("provider: puffle\nkey: " + "k" * 199 + "!\ncampaign: {type: email, name: N}\n")
    [err] = validate_paths([str(f)]).errors
    assert len(err.message) < 300 and "is not a key of letters" in err.message


def test_plan_of_a_1_mb_name_sends_nothing(tmp_path: Path, env_sandbox) -> None:  # type: ignore[no-untyped-def]
    from outreach_cli.errors import ExitCode
    from tests.helpers import run

    f = tmp_path / "c.yaml"
    f.write_text("provider: sendkit\ncampaign:\n  sequence: []\n  name: " + "N" * MB + "\n")
    result = run("plan", str(f))
    assert result.exit_code == ExitCode.ERROR
    assert f"{f}:4:" in result.stderr and "outreach's rule" in result.stderr
    assert env_sandbox.sandbox.request_log == []
