"""`outreach preview` through the command line: a CSV with gaps, the formats, exit codes, and
the live campaign's leads over loopback (the sandbox); `plan`'s note on changed copy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from outreach_cli.errors import ExitCode
from tests.cli.test_startup import _script
from tests.helpers import REPO, run

CSV = "email,first_name,company\nann@acme.com,Ann,Acme\nbob@beta.io,Bob,\n"


def _q2(tmp_path: Path) -> str:
    shutil.copytree(REPO / "campaigns" / "sendkit", tmp_path / "sk")
    (tmp_path / "leads.csv").write_text(CSV)
    return str(tmp_path / "sk" / "q2-decision-makers.yaml")


def test_text_preview_and_the_gap_exit_1(tmp_path: Path) -> None:
    f = _q2(tmp_path)
    result = run("preview", f, "--from", "leads.csv", "--no-color")
    assert result.exit_code == ExitCode.ERROR
    assert "Subject: Quick question about Acme" in result.stdout
    assert "I noticed Acme is scaling fast." in result.stdout and "<p>" not in result.stdout
    assert (
        "1 of 2 leads have no companyName: they would get 'Quick question about ' "
        "(step 1): bob@beta.io"
    ) in result.stderr
    assert "Subject" not in result.stderr


def test_one_lead_without_gaps_exits_0(tmp_path: Path) -> None:
    f = _q2(tmp_path)
    result = run("preview", f, "--from", "leads.csv", "--lead", "ann@acme.com", "--step", "3")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout.count("Subject:") == 1
    assert "Subject: Re: Quick question about Acme" in result.stdout


def test_json_and_markdown(tmp_path: Path) -> None:
    f = _q2(tmp_path)
    body = json.loads(run("preview", f, "--from", "leads.csv", "-f", "json").stdout)
    assert (body["kind"], body["ok"]) == ("preview", False)
    assert [m["email"] for m in body["data"]["messages"]] == ["step 1", "step 3"] * 2
    assert body["data"]["missing"] == [
        {
            "field": "companyName",
            "count": 1,
            "total": 2,
            "leads": ["bob@beta.io"],
            "example": "Quick question about ",
            "email": "step 1",
        }
    ]
    md = run("preview", f, "--from", "leads.csv", "-f", "markdown", "--lead", "ann@acme.com")
    assert md.stdout.startswith("## Preview of sendkit/q2-decision-makers")
    assert "**Subject:** Quick question about Acme" in md.stdout and "> Hi Ann," in md.stdout


def test_an_invalid_file_or_unknown_lead_is_an_error(tmp_path: Path) -> None:
    f = _q2(tmp_path)
    text = Path(f).read_text().replace('{{companyName}}"', '{{compnyName}}"', 1)
    Path(f).write_text(text)
    result = run("preview", f, "--from", "leads.csv")
    assert result.exit_code == ExitCode.ERROR
    assert "did you mean {{companyName}}" in result.stderr and result.stdout == ""
    ok = _q2(tmp_path / "b")
    missing = run("preview", ok, "--from", "leads.csv", "--lead", "zed@x.io")
    assert missing.exit_code == ExitCode.ERROR and "no lead 'zed@x.io'" in missing.stderr


def test_completion_offers_preview() -> None:
    env = {
        **os.environ,
        "_OUTREACH_COMPLETE": "complete_bash",
        "COMP_WORDS": "outreach pre",
        "COMP_CWORD": "1",
    }
    out = subprocess.run([_script()], capture_output=True, text=True, env=env, check=False)
    assert out.stdout.split() == ["preview"]


def test_live_leads_over_the_embedded_sandbox(tmp_path: Path) -> None:
    f = _q2(tmp_path)
    assert run("apply", f, "--sandbox", "--yes").exit_code == ExitCode.OK
    assert run("leads", "add", f, "--from", "leads.csv", "--sandbox").exit_code == ExitCode.OK
    result = run("preview", f, "--sandbox", "-f", "json")
    body = json.loads(result.stdout)
    assert result.exit_code == ExitCode.ERROR
    assert body["data"]["source"].startswith("live campaign ")
    assert body["data"]["missing"][0]["leads"] == ["bob@beta.io"]
    assert {m["subject"] for m in body["data"]["messages"] if m["lead"] == "ann@acme.com"} == {
        "Quick question about Acme",
        "Re: Quick question about Acme",
    }


def test_live_leads_with_a_key_and_the_plan_note(env_sandbox: Any, tmp_path: Path) -> None:
    shutil.copytree(REPO / "campaigns" / "puffle", tmp_path / "pf")
    f = str(tmp_path / "pf" / "email-seed-founders.yaml")
    (tmp_path / "leads.csv").write_text(CSV)
    assert run("apply", f, "--yes").exit_code == ExitCode.OK
    assert run("leads", "add", f, "--from", "leads.csv").exit_code == ExitCode.OK
    result = run("preview", f, "--step", "1")
    assert result.exit_code == ExitCode.ERROR
    assert "Subject: Acme and outbound" in result.stdout
    assert "1 of 2 leads have no company: they would get ' and outbound'" in result.stderr
    log = env_sandbox.sandbox.request_log
    log.clear()
    unchanged = run("plan", f, "--no-color")
    assert "leads have no" not in unchanged.stdout + unchanged.stderr
    assert not [r for r in log if r[0] == "GET" and "/leads" in r[1]]  # copy unchanged: no read
    Path(f).write_text(
        Path(f).read_text().replace('"{{company}} and outbound"', '"{{company}}: outbound"')
    )
    changed = run("plan", f, "--no-color")
    assert (
        "1 of 2 leads have no company: they would get ': outbound' (step 1): bob@beta.io"
        in changed.stdout
    )
    assert [r for r in log if r[0] == "GET" and "/leads" in r[1]]


def test_a_linkedin_campaign_reads_linkedin_leads(tmp_path: Path) -> None:
    (tmp_path / "li.csv").write_text(
        "linkedin_url,first_name,company\nhttps://linkedin.com/in/ann,Ann,Acme\n"
    )
    f = str(REPO / "campaigns" / "puffle" / "linkedin-heads-of-sales.yaml")
    result = run("preview", f, "--from", "li.csv", "--step", "1")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Hi Ann, I follow what Acme does in sales tooling" in result.stdout


def test_lemlist_live_leads_carry_no_fields(tmp_path: Path) -> None:
    shutil.copytree(REPO / "campaigns" / "lemlist", tmp_path / "ll")
    f = str(tmp_path / "ll" / "heads-of-growth.yaml")
    assert run("apply", f, "--sandbox", "--yes").exit_code == ExitCode.OK
    result = run("preview", f, "--sandbox")
    assert result.exit_code == ExitCode.ERROR and result.stdout == ""
    assert "returns no lead fields" in result.stderr and "--from leads.csv" in result.stderr


def test_a_campaign_not_yet_created_has_no_live_leads(tmp_path: Path) -> None:
    f = _q2(tmp_path)
    result = run("preview", f, "--sandbox")
    assert result.exit_code == ExitCode.ERROR
    assert "has no remote campaign yet" in result.stderr and "--from leads.csv" in result.stderr


def test_live_leads_without_a_key_names_the_variable(tmp_path: Path) -> None:
    result = run("preview", _q2(tmp_path))
    assert result.exit_code == ExitCode.ERROR and "SENDKIT_API_KEY" in result.stderr
