"""`outreach leads list | add | update` through the real command line, against the sandbox:
exit codes, stdout and stderr apart, and every row of SendKit's enrollment table predicted with
`--dry-run` and then applied, the two answers compared."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.errors import ExitCode
from outreach_cli.http import Api, RetryPolicy
from outreach_cli.leads import read_rows
from outreach_cli.providers.puffle import Puffle
from outreach_cli.providers.sendkit import SendKit
from tests.helpers import run, track
from tests.leads.helpers import INTERESTED, MEETING, SEQUENCE
from tests.providers.sendkit.test_enrollment import ROWS, _lead_in

ENV_KEY = "sk_test_workspace"  # the key env_sandbox exports


@pytest.fixture
def sk(env_sandbox: Any) -> SendKit:
    api = Api(
        "sendkit",
        env_sandbox.url + "/sendkit/v1",
        headers={"X-Api-Key": ENV_KEY},
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    return SendKit(api)


def new_campaign(sk: SendKit, subsequences: list[dict[str, Any]] | None = None) -> str:
    return sk.create(
        {
            "name": "CLI leads",
            "sequence": SEQUENCE,
            "subsequences": subsequences or [],
            "mailboxTags": ["outreach"],
        }
    )


def by_id(cid: str, *args: str) -> list[str]:
    return [*args, "--provider", "sendkit", "--id", cid]


def envelope(result: Any) -> Any:
    body = json.loads(result.stdout)
    assert body["version"] == 2
    return body


def write(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n")
    return str(path)


# -- list ------------------------------------------------------------------------------------------


def test_list_every_page_as_json_and_csv_with_a_status_filter(
    sk: SendKit, env_sandbox: Any, tmp_path: Path
) -> None:
    cid = new_campaign(sk)
    f = write(
        tmp_path / "l.csv", ["email,firstName", *[f"l{i}@example.org,L{i}" for i in range(120)]]
    )
    added = run(*by_id(cid, "leads", "add", "--from", f))
    assert added.exit_code == ExitCode.OK, added.stderr

    listed = run(*by_id(cid, "leads", "list", "--format", "json"))
    assert listed.exit_code == ExitCode.OK, listed.stderr
    body = envelope(listed)
    assert body["kind"] == "leads list" and body["ok"] is True
    records = body["data"]
    assert len(records) == 120  # two pages of 100
    assert {"id", "email", "status", "aiTag", "step", "subsequence"} <= set(records[0])
    assert {r["status"] for r in records} == {"pending"}

    lead = records[0]["id"]
    assert run(*by_id(cid, "leads", "update", lead, "--status", "paused")).exit_code == 0
    paused = run(*by_id(cid, "leads", "list", "--status", "paused", "--format", "csv"))
    assert paused.exit_code == ExitCode.OK, paused.stderr
    rows = list(csv.DictReader(io.StringIO(paused.stdout)))
    assert [(r["id"], r["status"]) for r in rows] == [(lead, "paused")]

    text = run(*by_id(cid, "leads", "list", "--status", "pending", "--no-color"))
    assert text.exit_code == ExitCode.OK
    assert "119 lead(s)" in text.stderr and "l119@example.org" in text.stdout


def test_list_refuses_markdown_and_unknown_statuses(sk: SendKit) -> None:
    cid = new_campaign(sk)
    assert run(*by_id(cid, "leads", "list", "--format", "markdown")).exit_code == ExitCode.USAGE
    bad = run(*by_id(cid, "leads", "list", "--status", "asleep"))
    assert bad.exit_code == ExitCode.USAGE
    assert "no lead status 'asleep'" in bad.stderr


def test_puffle_prospects_list(env_sandbox: Any, tmp_path: Path) -> None:
    api = Api(
        "puffle",
        env_sandbox.url + "/puffle/api",
        headers={"Authorization": "Bearer pk_test_key"},
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    pf = Puffle(api)
    cid = pf.create(
        {
            "type": "email",
            "name": "Puffle CLI",
            "sender_account_ids": ["5e4de000-0000-4000-8000-000000000001"],
        }
    )
    f = write(
        tmp_path / "p.csv", ["email,first_name", *[f"p{i}@example.org,P{i}" for i in range(210)]]
    )
    added = run(
        "leads", "add", "--provider", "puffle", "--id", cid, "--from", f, "--format", "json"
    )
    assert added.exit_code == ExitCode.OK, added.stderr
    assert envelope(added)["data"]["summary"]["added"] == 210
    listed = run("leads", "list", "--provider", "puffle", "--id", cid, "--format", "json")
    assert listed.exit_code == ExitCode.OK, listed.stderr
    assert len(envelope(listed)["data"]) == 210
    # Puffle has no campaign-lead status/tag API: update is refused as a usage error.
    lead = envelope(listed)["data"][0]["id"]
    refused = run(
        "leads", "update", "--provider", "puffle", "--id", cid, lead, "--status", "paused"
    )
    assert refused.exit_code == ExitCode.USAGE
    assert "SendKit" in refused.stderr


# -- add -------------------------------------------------------------------------------------------


def test_add_reports_the_malformed_line_and_a_rerun_adds_nothing(
    sk: SendKit, tmp_path: Path
) -> None:
    cid = new_campaign(sk)
    f = write(
        tmp_path / "leads.csv",
        ["email,firstName", "a@example.org,Ann", "b@example.org,Bo", "oops", "c@example.org,Cy"],
    )
    first = run(*by_id(cid, "leads", "add", "--from", f, "--no-color"))
    assert first.exit_code == ExitCode.ERROR  # a row failed
    assert f"{f}:4: oops: 1 fields where the header has 2" in first.stderr
    assert "added" in first.stdout and "3" in first.stdout

    again = run(*by_id(cid, "leads", "add", "--from", f, "--format", "json"))
    assert again.exit_code == ExitCode.ERROR  # line 4 is still malformed
    body = envelope(again)
    assert body["ok"] is False
    assert body["data"]["summary"] == {
        "added": 0,
        "skipped": 3,
        "failed": 1,
        "rows": 4,
        "requests": 1,
    }
    assert [(r["line"], r["result"]) for r in body["data"]["leads"]] == [
        (2, "skipped"),
        (3, "skipped"),
        (4, "failed"),
        (5, "skipped"),
    ]


def test_add_by_campaign_file_with_the_embedded_sandbox(
    campaigns_dir: Path, tmp_path: Path
) -> None:
    f = campaigns_dir / "sendkit" / "founders-ab-test.yaml"
    applied = run("apply", "--sandbox", "--yes", str(f))
    assert applied.exit_code == ExitCode.OK, applied.stderr
    src = write(tmp_path / "l.csv", ["email", "ann@example.org", "bob@example.org"])
    added = run("leads", "add", "--sandbox", str(f), "--from", src)
    assert added.exit_code == ExitCode.OK, added.stderr
    listed = run("leads", "list", "--sandbox", str(f), "--format", "csv")
    assert listed.exit_code == ExitCode.OK, listed.stderr
    emails = {r["email"] for r in csv.DictReader(io.StringIO(listed.stdout))}
    assert emails == {"ann@example.org", "bob@example.org"}


def test_a_campaign_file_not_yet_applied_says_so(campaigns_dir: Path) -> None:
    f = campaigns_dir / "sendkit" / "founders-ab-test.yaml"
    result = run("leads", "list", "--sandbox", str(f))
    assert result.exit_code == ExitCode.ERROR
    assert "has no remote campaign yet" in result.stderr and "outreach apply" in result.stderr


def test_campaign_must_be_named_one_way(campaigns_dir: Path) -> None:
    result = run("leads", "list", "--sandbox", "--provider", "sendkit")
    assert result.exit_code == ExitCode.USAGE
    assert "--provider and --id together" in result.stderr
    assert run("leads", "list", "--sandbox").exit_code == ExitCode.USAGE
    shutil.rmtree(campaigns_dir / "sendkit" / "emails")  # invalid now: the !file is gone
    bad = run(
        "leads", "list", "--sandbox", str(campaigns_dir / "sendkit" / "founders-ab-test.yaml")
    )
    assert bad.exit_code == ExitCode.ERROR


# -- update ----------------------------------------------------------------------------------------


def test_status_completed_is_refused_locally_with_the_reason(sk: SendKit, env_sandbox: Any) -> None:
    env_sandbox.sandbox.request_log.clear()
    result = run(
        *by_id(
            "665a1b2c3d4e5f6a7b8c9d0e",
            "leads",
            "update",
            "665a1b2c3d4e5f6a7b8c9d0f",
            "--status",
            "completed",
        )
    )
    assert result.exit_code == ExitCode.USAGE
    assert "status 'completed' refused" in result.stderr
    assert "only to active or paused" in result.stderr
    assert env_sandbox.sandbox.request_log == []  # not even the campaign was read


def test_unknown_tag_is_refused_with_the_labels_and_no_patch(
    sk: SendKit, env_sandbox: Any, tmp_path: Path
) -> None:
    cid = new_campaign(sk)
    run(
        *by_id(cid, "leads", "add", "--from", write(tmp_path / "l.csv", ["email", "a@example.org"]))
    )
    lead = envelope(run(*by_id(cid, "leads", "list", "--format", "json")))["data"][0]["id"]
    env_sandbox.sandbox.request_log.clear()
    result = run(*by_id(cid, "leads", "update", lead, "--tag", "Hot"))
    assert result.exit_code == ExitCode.USAGE
    assert (
        "tag 'Hot' is not one of the workspace's AI tag labels: 'Interested', "
        "'Not Interested', 'Meeting Booked', 'Out of Office', 'Wrong Person'" in result.stderr
    )
    assert not [r for r in env_sandbox.sandbox.request_log if r[0] != "GET"]


def test_tag_and_clear_tag_together_is_a_usage_error(sk: SendKit) -> None:
    result = run(
        *by_id("665a1b2c3d4e5f6a7b8c9d0e", "leads", "update", "x", "--tag", "A", "--clear-tag")
    )
    assert result.exit_code == ExitCode.USAGE and "not both" in result.stderr


@pytest.mark.parametrize(
    "state,tag,row,action,name", ROWS, ids=[f"row{r[2]}-{r[0]}-{r[1]}" for r in ROWS]
)
def test_every_row_dry_run_and_sandbox_agree(
    sk: SendKit,
    env_sandbox: Any,
    state: str,
    tag: str | None,
    row: int,
    action: str | None,
    name: str | None,
) -> None:
    cid = new_campaign(sk, [INTERESTED, MEETING])
    lead = _lead_in(env_sandbox, sk, cid, state)
    change = ["--tag", tag] if tag else ["--clear-tag"]

    dry = run(*by_id(cid, "leads", "update", lead.id, *change, "--dry-run", "--format", "json"))
    assert dry.exit_code == ExitCode.OK, dry.stderr
    wet = run(*by_id(cid, "leads", "update", lead.id, *change, "--format", "json"))
    assert wet.exit_code == ExitCode.OK, wet.stderr
    [predicted] = envelope(dry)["data"]["leads"]
    [applied] = envelope(wet)["data"]["leads"]
    assert envelope(dry)["data"]["dryRun"] is True
    assert predicted["result"] == "predicted" and applied["result"] == "updated"
    assert predicted["decision"]["row"] == row

    def seen(rec: dict[str, Any]) -> tuple[Any, Any]:
        e = rec["subsequenceEnrollment"]
        return (e["action"], e["subsequenceName"]) if e else (None, None)

    assert seen(predicted) == seen(applied) == (action, name)
    assert predicted["lead"]["status"] == applied["lead"]["status"]
    assert predicted["lead"]["aiTag"] == applied["lead"]["aiTag"]


def test_dry_run_text_names_the_row_and_sends_nothing(sk: SendKit, env_sandbox: Any) -> None:
    cid = new_campaign(sk, [INTERESTED, MEETING])
    lead = _lead_in(env_sandbox, sk, cid, "none")
    env_sandbox.sandbox.request_log.clear()
    result = run(
        *by_id(
            cid,
            "leads",
            "update",
            lead.id,
            "--tag",
            "interested",
            "--status",
            "paused",
            "--dry-run",
            "--no-color",
        )
    )
    assert result.exit_code == ExitCode.OK, result.stderr
    assert (
        f"{lead.id} none@example.org: would set status → paused, aiTag → Interested"
        in result.stdout
    )
    assert (
        'predicted: enrolled "Interested follow-up" (row 1): the tag matches its ai_tag '
        "trigger and the lead had no subsequence" in result.stdout
    )
    assert "dry run: nothing sent" in result.stdout
    assert not [r for r in env_sandbox.sandbox.request_log if r[0] != "GET"]


def test_update_from_a_changes_file(sk: SendKit, tmp_path: Path) -> None:
    cid = new_campaign(sk, [INTERESTED, MEETING])
    src = write(tmp_path / "l.csv", ["email", "a@example.org", "b@example.org"])
    rows, _ = read_rows(src, sk)
    assert run(*by_id(cid, "leads", "add", "--from", src)).exit_code == 0
    leads = {
        r["email"]: r["id"]
        for r in envelope(run(*by_id(cid, "leads", "list", "--format", "json")))["data"]
    }
    changes = write(
        tmp_path / "changes.csv",
        [
            "lead_id,status,tag",
            f"{leads['a@example.org']},,Meeting Booked",
            f"{leads['b@example.org']},completed,",
            "b@example.org,paused,Interested",
        ],
    )
    dry = run(*by_id(cid, "leads", "update", "--from", changes, "--dry-run", "--no-color"))
    assert dry.exit_code == ExitCode.ERROR  # line 3 is refused
    assert "line 3:" in dry.stdout and "status 'completed' refused" in dry.stdout
    assert dry.stdout.count("predicted: enrolled") == 2

    wet = run(*by_id(cid, "leads", "update", "--from", changes, "--format", "json"))
    assert wet.exit_code == ExitCode.ERROR
    body = envelope(wet)
    assert body["data"]["summary"]["updated"] == 2
    assert body["data"]["summary"]["refused"] == 1
    assert body["data"]["summary"]["subsequenceEnrollment"]["enrolled"] == 2
    after = {
        r["email"]: r
        for r in envelope(run(*by_id(cid, "leads", "list", "--format", "json")))["data"]
    }
    assert after["b@example.org"]["status"] == "paused"
    assert after["b@example.org"]["subsequence"] == "Interested follow-up"
    assert after["a@example.org"]["subsequence"] == "Meeting prep"


def test_update_needs_a_lead_or_a_file_not_both(sk: SendKit, tmp_path: Path) -> None:
    f = write(tmp_path / "c.csv", ["lead_id,status", "x,paused"])
    both = run(*by_id("665a1b2c3d4e5f6a7b8c9d0e", "leads", "update", "x", "--from", f))
    assert both.exit_code == ExitCode.USAGE
    neither = run(*by_id("665a1b2c3d4e5f6a7b8c9d0e", "leads", "update"))
    assert neither.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    "change",
    [["--tag", "No Such Tag"], ["--status", "completed"]],
    ids=["unknown-tag", "bad-status"],
)
@pytest.mark.parametrize("form", ["text", "json"])
def test_dry_run_of_a_refused_change_reports_it_and_sends_nothing(
    sk: SendKit, env_sandbox: Any, change: list[str], form: str
) -> None:
    # Issue 21: the dry run crashed (AssertionError) exactly when the change would be refused.
    cid = new_campaign(sk, [INTERESTED, MEETING])
    lead = _lead_in(env_sandbox, sk, cid, "none")
    env_sandbox.sandbox.request_log.clear()
    dry = run(
        *by_id(
            cid, "leads", "update", lead.id, *change, "--dry-run", "--format", form, "--no-color"
        )
    )
    wet = run(*by_id(cid, "leads", "update", lead.id, *change, "--format", form, "--no-color"))
    # What the real update answers (a usage error for a bad status, a refusal for a tag
    # the workspace lacks), the dry run answers too: same exit code, same reason.
    assert dry.exit_code == wet.exit_code != ExitCode.OK, dry.stderr + dry.stdout
    assert "Traceback" not in dry.stderr and "AssertionError" not in dry.stderr
    reason = "status 'completed' refused" if "--status" in change else "No Such Tag"
    assert reason in dry.stdout + dry.stderr and reason in wet.stdout + wet.stderr
    if form == "json":
        assert json.loads(dry.stdout)["ok"] is False
    writes = [r for r in env_sandbox.sandbox.request_log if r[0] != "GET"]
    assert not writes  # the real update was refused before its request too
