"""One test per exit code of the README's table, through the real command line."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from outreach_cli.errors import ExitCode
from tests.helpers import REPO, run


def test_ok_validate_examples(campaigns_dir: Path) -> None:
    result = run("validate", str(campaigns_dir))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "0 error(s)" in result.stderr


def test_error_invalid_file_sends_nothing(tmp_path: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "provider: sendkit\ncampaign:\n  name: X\n  sequence:\n    - {type: wait, waitDays: 0}\n"
    )
    result = run("plan", "--sandbox", str(bad))
    assert result.exit_code == ExitCode.ERROR
    assert f"{bad}:5:" in result.stderr
    assert "sequence[0]" in result.stderr
    # The in-process sandbox was never asked anything: the database was not even created.
    assert not (tmp_path / ".outreach" / "sandbox.sqlite3").exists()


def _count(path: Path) -> int:
    from outreach_cli.validate import validate_paths

    return len(validate_paths([str(path)]).documents)


@pytest.mark.slow
def test_changes_with_detailed_exitcode(campaigns_dir: Path) -> None:
    result = run("plan", "--sandbox", "--detailed-exitcode", str(campaigns_dir))
    assert result.exit_code == ExitCode.CHANGES, result.stderr
    assert f"Plan: {_count(campaigns_dir)} to create" in result.stdout
    # Without the flag, changes are not an error.
    assert run("plan", "--sandbox", str(campaigns_dir)).exit_code == ExitCode.OK


def test_no_changes_after_apply(campaigns_dir: Path) -> None:
    first = run("apply", "--sandbox", "--yes", str(campaigns_dir))
    assert first.exit_code == ExitCode.OK, first.stdout + first.stderr
    second = run("plan", "--sandbox", "--detailed-exitcode", str(campaigns_dir))
    assert second.exit_code == ExitCode.OK, second.stdout
    n = _count(campaigns_dir)
    assert n >= 4  # every example campaign: SendKit, Puffle, lemlist
    assert f"0 to create, 0 to update, {n} unchanged, 0 blocked" in second.stdout


def test_blocked_trigger_change_after_mail_sent(campaigns_dir: Path, env_sandbox) -> None:  # type: ignore[no-untyped-def]
    f = campaigns_dir / "sendkit" / "founders-ab-test.yaml"
    f.write_text(f.read_text().replace("status: paused", "status: active"))
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.OK
    base = env_sandbox.url + "/sendkit/v1"
    headers = {"X-Api-Key": "sk_test_workspace"}
    with httpx.Client(base_url=base, headers=headers) as http:
        cid = next(
            c["_id"]
            for c in http.get("/campaigns").json()["data"]
            if c["name"] == "Founders - AB test opener"
        )
        leads = http.post(
            f"/campaigns/{cid}/leads", json={"leads": [{"email": "ann@example.com"}]}
        ).json()
        assert leads["data"]["added"] == 1
        lead = http.get(f"/campaigns/{cid}/leads").json()["data"][0]
        tagged = http.patch(f"/campaigns/{cid}/leads/{lead['_id']}", json={"aiTag": "Interested"})
        assert tagged.json()["subsequenceEnrollment"]["action"] == "enrolled"
        before = http.get(f"/campaigns/{cid}").json()["data"]
    assert before["subsequences"][0]["addedCount"] >= 1

    f.write_text(f.read_text().replace("value: Interested", "value: Meeting Booked"))
    plan = run("plan", str(f))
    assert plan.exit_code == ExitCode.BLOCKED, plan.stdout + plan.stderr
    assert "TRIGGER_IMMUTABLE" in plan.stdout
    applied = run("apply", "--yes", str(f))
    assert applied.exit_code == ExitCode.BLOCKED
    with httpx.Client(base_url=base, headers=headers) as http:
        after = http.get(f"/campaigns/{cid}").json()["data"]
    assert after["subsequences"][0]["trigger"] == {"type": "ai_tag", "value": "Interested"}
    assert after["updatedAt"] == before["updatedAt"]


def test_drift_between_plan_and_apply(
    campaigns_dir: Path,
    env_sandbox,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    f = campaigns_dir / "sendkit" / "q2-decision-makers.yaml"
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.OK
    f.write_text(f.read_text().replace("dailySendLimit: 50", "dailySendLimit: 60"))

    from outreach_cli import plan as planner

    real_build = planner.build

    def build_then_someone_edits(*args, **kwargs):  # type: ignore[no-untyped-def]
        plan = real_build(*args, **kwargs)
        cid = plan.campaigns[0].remote.id
        httpx.patch(
            f"{env_sandbox.url}/sendkit/v1/campaigns/{cid}",
            headers={"X-Api-Key": "sk_test_workspace"},
            json={"name": "Q2 (edited)"},
        )
        return plan

    monkeypatch.setattr(planner, "build", build_then_someone_edits)
    result = run("apply", "--yes", str(f))
    assert result.exit_code == ExitCode.DRIFT, result.stderr
    assert "changed on SendKit since the plan" in result.stderr


def test_usage_error_is_64_not_2() -> None:
    result = run("plan", "--no-such-option", "x.yaml")
    assert result.exit_code == ExitCode.USAGE
    assert run("schema", "mailchimp").exit_code == ExitCode.USAGE


def test_interrupted(monkeypatch: pytest.MonkeyPatch, campaigns_dir: Path) -> None:
    import outreach_cli.validate as validate

    def interrupt(*a, **k):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(validate, "validate_paths", interrupt)
    assert run("validate", str(campaigns_dir)).exit_code == ExitCode.INTERRUPTED


def test_missing_key_names_the_variable(campaigns_dir: Path) -> None:
    result = run("plan", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    assert "SENDKIT_API_KEY" in result.stderr and "PUFFLE_API_KEY" in result.stderr
    assert "--sandbox" in result.stderr


def test_apply_refuses_without_confirmation(campaigns_dir: Path) -> None:
    result = run("apply", "--sandbox", str(campaigns_dir), input="")
    assert result.exit_code == ExitCode.USAGE
    assert "--yes" in result.stderr
    # Nothing was created: a plan still shows both campaigns to create.
    assert (
        f"{_count(campaigns_dir)} to create" in run("plan", "--sandbox", str(campaigns_dir)).stdout
    )


def test_readme_table_matches_enum() -> None:
    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- exit-codes:start -->")[1].split("<!-- exit-codes:end -->")[0]
    rows = [line.split("|")[1:3] for line in block.strip().splitlines()[2:]]
    table = {int(code): text.strip() for code, text in rows}
    assert table == {int(c): c.meaning for c in ExitCode}
