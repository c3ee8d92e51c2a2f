"""A Puffle launch is planned only when Puffle would accept it: plan and apply agree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from outreach_cli.errors import ExitCode
from tests.helpers import run


def test_launch_without_pending_prospects_is_blocked_in_the_plan_and_not_sent(
    env_sandbox: Any, campaigns_dir: Path, tmp_path: Path
) -> None:
    f = campaigns_dir / "puffle" / "email-seed-founders.yaml"
    created = run("apply", "--yes", "-f", "json", str(f))  # a draft, no prospects
    assert created.exit_code == ExitCode.OK, created.stdout
    cid = json.loads(created.stdout)["data"]["outcomes"][0]["id"]
    f.write_text(f.read_text().replace("status: draft", "status: active"))

    plan = run("plan", "--no-color", str(f))
    assert plan.exit_code == ExitCode.BLOCKED, plan.stdout + plan.stderr
    assert "Puffle would refuse the launch: Campaign has no pending prospects" in plan.stdout
    assert "> launch" not in plan.stdout  # no note saying it fails beside a launch going ahead

    applied = run("apply", "--yes", str(f))
    assert applied.exit_code == ExitCode.BLOCKED
    status = run("status", "-f", "json", str(f))
    assert json.loads(status.stdout)["data"][0]["status"] == "draft"

    leads = tmp_path / "leads.csv"
    leads.write_text("email,first_name\nann@example.com,Ann\n")
    added = run("leads", "add", str(f), "--from", str(leads))
    assert added.exit_code == ExitCode.OK, added.stdout + added.stderr
    ready = run("plan", "--no-color", str(f))
    assert ready.exit_code == ExitCode.OK, ready.stdout
    assert "> launch" in ready.stdout and "refuse" not in ready.stdout
    launched = run("apply", "--yes", "-f", "json", str(f))
    assert launched.exit_code == ExitCode.OK, launched.stdout
    outcome = json.loads(launched.stdout)["data"]["outcomes"][0]
    assert outcome["id"] == cid and outcome["actions"] == ["launch"]
