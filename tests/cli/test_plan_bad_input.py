"""A `plan` whose input fails, even in its last file, sends nothing: every file is checked
before the first request (DESIGN.md), the diagnostics name file:line, and no plan is shown; a
missing key is named after them, with every other platform that lacks one."""

from __future__ import annotations

import json
from pathlib import Path

from outreach_cli.errors import ExitCode
from tests.helpers import run

BROKEN = """\
provider: sendkit
key: zz-broken
campaign:
  name: Broken
  sequence:
    - {type: email, subject: "Hi", body: "Hello"}
  settings: {dailySendLimt: 50}
"""


def _with_broken_last(campaigns_dir: Path) -> Path:
    # Files are read in sorted order: this one comes after every example campaign.
    (campaigns_dir / "zz").mkdir()
    broken = campaigns_dir / "zz" / "broken.yaml"
    broken.write_text(BROKEN, "utf-8")
    return broken


def test_a_failing_later_file_stops_the_plan_at_its_diagnostics(
    env_sandbox: object, campaigns_dir: Path
) -> None:
    broken = _with_broken_last(campaigns_dir)
    result = run("plan", "--no-color", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    assert f"{broken}:7:" in result.stderr and "dailySendLimt" in result.stderr
    assert "Plan:" not in result.stdout and result.stdout.strip() == ""
    assert env_sandbox.sandbox.request_log == []  # type: ignore[attr-defined]


def test_json_of_a_failing_plan_is_its_diagnostics(
    env_sandbox: object, campaigns_dir: Path
) -> None:
    broken = _with_broken_last(campaigns_dir)
    result = run("plan", "-f", "json", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    doc = json.loads(result.stdout)
    assert doc["kind"] == "plan" and doc["data"] is None
    assert [(e["file"], e["line"], e["field"]) for e in doc["errors"]] == [
        (str(broken), 7, "campaign.settings.dailySendLimt")
    ]
    assert env_sandbox.sandbox.request_log == []  # type: ignore[attr-defined]


def test_without_keys_a_failing_file_is_reported_first(campaigns_dir: Path) -> None:
    broken = _with_broken_last(campaigns_dir)
    result = run("plan", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    assert str(broken) in result.stderr and "API_KEY" not in result.stderr


def test_a_missing_key_is_still_named_with_every_other(
    campaigns_dir: Path, env_sandbox: object, monkeypatch: object
) -> None:
    monkeypatch.delenv("LEMLIST_API_KEY")  # type: ignore[attr-defined]
    monkeypatch.delenv("PUFFLE_API_KEY")  # type: ignore[attr-defined]
    result = run("plan", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    assert "no API keys for: LEMLIST_API_KEY, PUFFLE_API_KEY" in result.stderr
    assert "Plan:" not in result.stdout
