"""Every value read from the environment is masked everywhere it can appear (issue 19, item
4): one marker secret, used in a campaign's name, a subject and a webhook URL, is looked for in
every stdout, stderr and file of every command × format against the sandbox, and is found
nowhere. Commands run in this process (CliRunner), and the --verbose ones in their own process,
as a user runs them (their HTTP log goes to the real stderr)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.http import Api, RetryPolicy
from outreach_cli.providers.sendkit import SendKit
from tests.helpers import REPO, run, track

MARKER = "OUTREACH_TEST_MARKER_7f3a9c1e5bd2"
CAMPAIGN = """\
provider: sendkit
key: swept
campaign:
  name: "${CAMPAIGN_NAME}"
  sequence:
    - {type: email, subject: "Hello ${SUBJECT_WORD}", body: "<p>Hi</p>"}
  settings:
    webhook: {enabled: true, url: "https://example.com/hook?token=${HOOK_TOKEN}"}
"""
# validate's diagnostics: a URL the format check refuses, and a name too long, both holding it
INVALID = """\
provider: sendkit
key: invalid
campaign:
  name: "${CAMPAIGN_NAME}"
  sequence:
    - {type: email, subject: "${SUBJECT_WORD}", body: "<p>Hi</p>", waitDays: "${SUBJECT_WORD}"}
  settings:
    dailySendLimit: "${HOOK_TOKEN}"
    webhook: {enabled: true, url: "not a url ${HOOK_TOKEN}"}
"""


class Sweep:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.seen: list[tuple[str, str]] = []

    def cli(self, *args: str, input: str | None = None) -> Any:
        result = run(*args, input=input)
        self.seen.append((" ".join(args), result.stdout + result.stderr))
        return result

    def process(self, *args: str) -> subprocess.CompletedProcess[str]:
        exe = [sys.executable, "-c", "from outreach_cli.cli.app import main; main()"]
        done = subprocess.run(
            [*exe, *args],
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self.seen.append((" ".join(args), done.stdout + done.stderr))
        return done

    def leaks(self) -> list[str]:
        found = [f"output of `{what}`" for what, text in self.seen if MARKER in text]
        for path in self.tmp.rglob("*"):
            if path.is_file() and MARKER.encode() in path.read_bytes():
                found.append(f"file {path.relative_to(self.tmp)}")
        return found


@pytest.fixture
def sweep(tmp_path: Path, env_sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Sweep:
    for var in ("CAMPAIGN_NAME", "SUBJECT_WORD", "HOOK_TOKEN"):
        monkeypatch.setenv(var, MARKER)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "swept.yaml").write_text(CAMPAIGN)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "invalid.yaml").write_text(INVALID)
    (tmp_path / "leads.csv").write_text("email,firstName\nann@example.org,Ann\n")
    return Sweep(tmp_path)


@pytest.mark.slow
def test_a_marker_secret_appears_in_no_output_and_no_file(
    sweep: Sweep,
    env_sandbox: Any,
) -> None:
    fmts = ("text", "json", "markdown")
    for fmt in fmts:
        assert sweep.cli("validate", "-f", fmt, "bad").exit_code == 1
        assert sweep.cli("plan", "-f", fmt, "bad").exit_code == 1
        assert sweep.cli("validate", "-f", fmt, "c").exit_code == 0
        assert sweep.cli("plan", "-f", fmt, "c").exit_code == 0
    assert sweep.cli("plan", "c", "--out", "plan.json").exit_code == 0
    for fmt in fmts:
        assert sweep.cli("show", "-f", fmt, "plan.json").exit_code == 0
    assert sweep.process("plan", "--verbose", "c").returncode == 0
    applied = sweep.cli("apply", "--plan", "plan.json", "--yes")
    assert applied.exit_code == 0, applied.output
    # The live campaign now holds the marker as its name and in its copy.
    for fmt in fmts:
        assert sweep.cli("plan", "-f", fmt, "c").exit_code == 0
        assert sweep.cli("status", "-f", fmt, "c").exit_code == 0
        assert sweep.cli("apply", "-f", fmt, "--yes", "c").exit_code == 0
        assert sweep.cli("preview", "-f", fmt, "c/swept.yaml", "--from", "leads.csv").exit_code == 0
        assert sweep.cli("preview", "-f", fmt, "c/swept.yaml").exit_code in (0, 1)
    assert sweep.cli("plan", "c", "--out", "again.json").exit_code == 0
    for fmt in fmts:
        assert sweep.cli("show", "-f", fmt, "again.json").exit_code == 0
    assert sweep.cli("apply", "--plan", "again.json", "--yes", "-f", "json").exit_code == 0
    assert (
        sweep.cli("preview", "c/swept.yaml", "--from", "leads.csv", "--html", "site").exit_code == 0
    )
    for fmt in ("text", "json", "csv"):
        assert sweep.cli("leads", "list", "-f", fmt, "c/swept.yaml").exit_code == 0
    for fmt in ("text", "json"):
        assert sweep.cli("state", "list", "-f", fmt).exit_code == 0
    assert sweep.process("status", "--verbose", "c").returncode == 0
    assert sweep.process("leads", "list", "--verbose", "c/swept.yaml").returncode == 0
    assert sweep.process("apply", "--verbose", "--yes", "c").returncode == 0
    imported = sweep.process("import", "sendkit", "--all", "--out", "imported", "--verbose")
    assert imported.returncode == 0, imported.stderr
    # A second campaign with the same name: plan from a fresh checkout names the conflict.
    api = track(
        Api(
            "sendkit",
            env_sandbox.url + "/sendkit/v1",
            headers={"X-Api-Key": "sk_test_workspace"},
            retry=RetryPolicy(base=0.001),
        )
    )
    SendKit(api).create(
        {
            "name": MARKER,
            "sequence": [{"type": "email", "subject": "s", "body": "b"}],
            "mailboxTags": ["outreach"],
        }
    )
    for fmt in fmts:
        conflict = sweep.cli("plan", "-f", fmt, "--state-dir", "fresh", "c")
        assert conflict.exit_code == 1, conflict.output
    assert sweep.process("plan", "--verbose", "--state-dir", "fresh", "c").returncode == 1
    assert sweep.leaks() == []
    imported_text = (sweep.tmp / "imported" / "swept.yaml").read_text()
    assert 'name: "${CAMPAIGN_NAME}"' in imported_text  # the reference, not the value


def test_import_writes_a_denied_variable_as_a_placeholder_with_a_warning(
    sweep: Sweep, env_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENDKIT_WORKSPACE_ID", MARKER)  # a variable no campaign may read
    for var in ("CAMPAIGN_NAME", "SUBJECT_WORD", "HOOK_TOKEN"):
        monkeypatch.delenv(var)
    api = track(
        Api(
            "sendkit",
            env_sandbox.url + "/sendkit/v1",
            headers={"X-Api-Key": "sk_test_workspace"},
            retry=RetryPolicy(base=0.001),
        )
    )
    cid = SendKit(api).create(
        {
            "name": f"Leaked {MARKER}",
            "sequence": [{"type": "email", "subject": "s", "body": "b"}],
            "mailboxTags": ["outreach"],
        }
    )
    result = sweep.cli("import", "sendkit", cid, "--out", "imported")
    assert result.exit_code == 0, result.output
    assert "a value the platform holds is a variable outreach may not write" in result.stderr
    [written] = (sweep.tmp / "imported").glob("*.yaml")
    text = written.read_text()
    assert (
        "name: (sensitive)" in text
        and "campaign.name held the value of SENDKIT_WORKSPACE_ID" in text
    )
    assert sweep.leaks() == []


def test_a_short_value_is_masked_where_outreach_knows_the_field(
    tmp_path: Path, env_sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPAIGN_NAME", "Q2x")
    (tmp_path / "c.yaml").write_text(
        CAMPAIGN.replace("${SUBJECT_WORD}", "x").replace("${HOOK_TOKEN}", "y")
    )
    for fmt in ("text", "markdown"):
        result = run("plan", "-f", fmt, "c.yaml")
        assert "campaign (sensitive)" in result.stdout and '"Q2x"' not in result.stdout
