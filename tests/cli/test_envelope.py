"""The JSON envelope contract on each command: kind, ok ⇔ exit 0/2, located and coded
errors worded as the text, apply with what it changed (tests.helpers.run also checks the
schema on every JSON output of the suite)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.errors import ExitCode
from tests.helpers import envelope_schema, run


def _json(*args: str) -> tuple[Any, dict[str, Any]]:
    result = run(*args)
    return result, json.loads(result.stdout)


def test_schema_ships_in_the_package_and_is_a_valid_schema() -> None:
    from jsonschema import Draft202012Validator

    shipped = resources.files("outreach_cli.output").joinpath("envelope.schema.json")
    Draft202012Validator.check_schema(json.loads(shipped.read_text()))
    assert json.loads(shipped.read_text()) == envelope_schema()


def test_schema_rejects_ok_with_a_failing_exit_code() -> None:
    from jsonschema import Draft202012Validator, ValidationError

    bad = {"version": 2, "kind": "plan", "ok": True, "exitCode": 3, "data": None, "errors": []}
    with pytest.raises(ValidationError):
        Draft202012Validator(envelope_schema()).validate(bad)


def test_plan_of_an_invalid_file_says_plan_with_located_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "provider: sendkit\ncampaign:\n  name: Q2\n  sequnce: []\n"
        "  schedule: {startTime: '25:00', endTime: '09:00'}\n"
    )
    result, env = _json("plan", "--sandbox", "-f", "json", str(bad))
    assert result.exit_code == ExitCode.ERROR
    assert env["kind"] == "plan" and env["ok"] is False
    by_field = {e["field"]: e for e in env["errors"]}
    unknown = by_field["campaign.sequnce"]
    assert (unknown["file"], unknown["line"], unknown["code"]) == (str(bad), 4, "unknown-field")
    time = by_field["campaign.schedule.startTime"]
    assert time["code"] == "bad-form" and "a time as HH:MM, 00:00 to 23:59" in time["message"]
    text = run("validate", str(bad))
    for e in env["errors"]:  # the same words as the text output
        assert e["message"] in text.stderr


def test_blocked_plan_is_not_ok_and_names_the_field(env_sandbox: Any, campaigns_dir: Path) -> None:
    f = campaigns_dir / "puffle" / "email-seed-founders.yaml"
    f.write_text(f.read_text().replace("status: draft", "status: active"))
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.OK
    env_sandbox.sandbox.tick(5)
    f.write_text(f.read_text().replace("delay_days: 3}", "delay_days: 5}"))
    result, env = _json("plan", "-f", "json", str(f))
    assert result.exit_code == ExitCode.BLOCKED and env["ok"] is False
    [err] = [e for e in env["errors"] if e["code"] == "blocked"]
    assert err["field"] == "sequence_nodes[1].delay_days"
    assert err["campaign"] == "puffle/email-seed-founders" and err["line"] > 1
    text = run("plan", "--no-color", str(f))
    assert f"blocked: {err['message']}" in text.stdout


def test_detailed_exit_2_is_ok_and_summary_words_match_the_text(
    env_sandbox: Any, campaigns_dir: Path
) -> None:
    folder = campaigns_dir / "sendkit"
    result, env = _json("plan", "--detailed-exitcode", "-f", "json", str(folder))
    assert result.exit_code == ExitCode.CHANGES and env["ok"] is True
    assert env["data"]["summary"] == {
        "create": 2,
        "update": 0,
        "unchanged": 0,
        "blocked": 0,
        "failed": 0,
    }
    assert {c["action"] for c in env["data"]["campaigns"]} == {"create"}


def test_apply_json_has_what_it_changed(env_sandbox: Any, campaigns_dir: Path) -> None:
    f = campaigns_dir / "sendkit" / "q2-decision-makers.yaml"
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.OK
    f.write_text(f.read_text().replace("dailySendLimit: 50", "dailySendLimit: 70"))
    result, env = _json("apply", "--yes", "-f", "json", str(f))
    assert result.exit_code == ExitCode.OK and env["kind"] == "apply"
    [outcome] = env["data"]["outcomes"]
    assert outcome["result"] == "applied" and not outcome["created"]
    assert [(c["path"], c["old"], c["new"]) for c in outcome["changes"]] == [
        ("settings.dailySendLimit", 50, 70)
    ]
    again, env = _json("apply", "--yes", "-f", "json", str(f))
    assert again.exit_code == ExitCode.OK and env["kind"] == "apply"
    assert env["data"]["summary"]["unchanged"] == 1 and env["data"]["outcomes"][0]["changes"] == []


def test_a_missing_key_is_an_error_of_the_command_that_ran(
    campaigns_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SENDKIT_API_KEY", raising=False)
    f = campaigns_dir / "sendkit" / "q2-decision-makers.yaml"
    result, env = _json("status", "-f", "json", str(f))
    assert result.exit_code == ExitCode.ERROR
    assert env["kind"] == "status" and env["data"] is None
    [err] = env["errors"]
    assert err["code"] == "missing-key" and "SENDKIT_API_KEY" in err["message"]
    assert err["hint"]


def test_validate_warnings_are_listed_but_ok(tmp_path: Path, campaigns_dir: Path) -> None:
    result, env = _json("validate", "-f", "json", str(campaigns_dir))
    assert result.exit_code == ExitCode.OK and env["ok"] is True
    assert all(e["severity"] == "warning" for e in env["errors"])


def test_answering_no_lists_what_would_happen_and_exits_1(
    env_sandbox: Any, campaigns_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outreach_cli.cli import common

    folder = campaigns_dir / "sendkit"
    monkeypatch.setattr(common, "interactive", lambda: True)
    result = run("apply", "--no-color", str(folder), input="n\n")
    assert result.exit_code == ExitCode.ERROR, result.stderr
    assert "Apply will:\n  create  sendkit/founders-ab-test" in result.stderr
    assert "Apply changes to 2 campaign(s)? [y/N]" in result.stderr
    assert "Apply cancelled: nothing was sent." in result.stderr
    again = run("plan", "--detailed-exitcode", str(folder))
    assert again.exit_code == ExitCode.CHANGES  # nothing was created
