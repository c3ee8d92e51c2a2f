"""Rendered plans: exact text at colour off, secrets masked, JSON envelope, markdown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from outreach_cli.errors import ExitCode
from tests.helpers import run

SECRET = "whsec_do_not_print_me"


@pytest.fixture
def applied(campaigns_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SENDKIT_WEBHOOK_SECRET", SECRET)
    f = campaigns_dir / "sendkit" / "q2-decision-makers.yaml"
    result = run("apply", "--sandbox", "--yes", str(f))
    assert result.exit_code == ExitCode.OK, result.stderr
    return f


def _edit(f: Path) -> None:
    f.write_text(
        f.read_text()
        .replace("dailySendLimit: 50", "dailySendLimit: 100")
        .replace("waitDays: 3", "waitDays: 4")
    )
    (f.parent / "emails" / "q2-bump.html").write_text(
        "<p>Hey {{firstName}}, just bumping this up.</p>\n<p>Case study attached.</p>\n"
    )


def test_update_plan_exact_text(applied: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit(applied)
    monkeypatch.setenv("SENDKIT_WEBHOOK_SECRET", SECRET + "_rotated")
    result = run("plan", "--sandbox", "--no-color", str(applied))
    assert result.exit_code == ExitCode.OK, result.stderr
    text = re.sub(r"\[[0-9a-f]{24}, ", "[ID, ", result.stdout)
    expected = f"""\
~ sendkit/q2-decision-makers  {applied}  [ID, active]
    ~ settings.webhook.secret: (sensitive) (changes)
        note: not read back by the API; changed since the last apply
    ~ sequence[1].waitDays: 3 → 4 (4 days)
    ~ sequence[2].body:
        ~ <p>Hey {{{{firstName}}}}, just bumping this up.[- Happy to send over a case study if that helps.-]</p>
        + <p>Case study attached.</p>
    ~ settings.dailySendLimit: 50 → 100

Plan: 0 to create, 1 to update, 0 unchanged, 0 blocked.
"""  # noqa: E501 (the screen as printed)
    assert text == expected


def test_secret_never_printed(campaigns_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENDKIT_WEBHOOK_SECRET", SECRET)
    f = campaigns_dir / "sendkit" / "q2-decision-makers.yaml"
    for fmt in ("text", "json", "markdown"):
        result = run("plan", "--sandbox", "--verbose", "-f", fmt, str(f))
        assert result.exit_code == ExitCode.OK
        assert SECRET not in result.stdout + result.stderr
        assert "sensitive" in result.stdout
    applied = run("apply", "--sandbox", "--yes", "--verbose", str(f))
    assert SECRET not in applied.stdout + applied.stderr
    state = (Path(".outreach") / "state.json").read_text()
    assert SECRET not in state and "sha256:" in state


def test_json_envelope(applied: Path) -> None:
    _edit(applied)
    result = run("plan", "--sandbox", "--format", "json", str(applied))
    env = json.loads(result.stdout)
    assert env["version"] == 2 and env["kind"] == "plan" and env["ok"] is True
    assert env["errors"] == []
    camp = env["data"]["campaigns"][0]
    assert camp["address"] == "sendkit/q2-decision-makers"
    assert camp["action"] == "update"
    paths = {c["path"]: c for c in camp["changes"]}
    assert paths["settings.dailySendLimit"]["old"] == 50
    assert paths["settings.dailySendLimit"]["new"] == 100
    assert env["data"]["summary"] == {
        "create": 0,
        "update": 1,
        "unchanged": 0,
        "blocked": 0,
        "failed": 0,
    }


def test_markdown_summary_first(applied: Path) -> None:
    _edit(applied)
    result = run("plan", "--sandbox", "--format", "markdown", str(applied))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("### outreach plan: 0 to create, 1 to update")
    assert (
        "<details><summary>~ <code>sendkit/q2-decision-makers</code>: 3 changes</summary>"
        in result.stdout
    )
    # +/- in column 1 inside the diff block, so GitHub colours them
    assert "\n- settings.dailySendLimit: 50\n+ settings.dailySendLimit: 100\n" in result.stdout
    assert "\n+ sequence[1].waitDays: 4 (4 days)\n" in result.stdout
    assert "\n@@ sequence[2].body @@\n" in result.stdout


def test_validate_json_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "provider: sendkit\ncampaign:\n  name: ''\n  sequnce: []\n"
        "  schedule: {startTime: '18:00', endTime: '09:00'}\n"
    )
    result = run("validate", "-f", "json", str(bad))
    assert result.exit_code == ExitCode.ERROR
    diags = json.loads(result.stdout)["data"]["diagnostics"]
    found = {(d["line"], d["path"]) for d in diags}
    assert (3, "campaign.name") in found
    assert (4, "campaign.sequnce") in found
    assert any(d["path"].startswith("campaign.schedule") and d["line"] == 5 for d in diags)
