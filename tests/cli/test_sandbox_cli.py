"""What a person needs to use the sandbox by hand (issue 22, item 6): serve says the keys and
the variables to export, reset starts over, events filter and print in one shape, and an
empty state says so."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from outreach_cli.errors import ExitCode
from tests.helpers import check_envelope, run

SCRIPT = str(Path(sys.executable).parent / "outreach")
DB = Path(".outreach") / "sandbox.sqlite3"


@pytest.mark.slow
def test_serve_prints_what_reaches_the_data_sandbox_made(campaigns_dir: Path) -> None:
    f = campaigns_dir / "sendkit" / "q2-decision-makers.yaml"
    assert run("apply", "--sandbox", "--yes", str(f)).exit_code == ExitCode.OK
    proc = subprocess.Popen(
        [SCRIPT, "sandbox", "serve", "--port", "0"], stderr=subprocess.PIPE, text=True
    )
    assert proc.stderr is not None
    try:
        lines = [proc.stderr.readline() for _ in range(5)]
        assert lines[0].startswith("sandbox listening on http://127.0.0.1:"), lines
        exports = dict(pair.split("=", 1) for line in lines[2:] for pair in line.split()[1:])
        assert set(exports) == {
            "OUTREACH_SENDKIT_URL",
            "SENDKIT_API_KEY",
            "OUTREACH_LEMLIST_URL",
            "LEMLIST_API_KEY",
            "OUTREACH_PUFFLE_URL",
            "PUFFLE_API_KEY",
        }
        # Those lines reach the campaign --sandbox made: a plan has nothing to do.
        env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_URL"))}
        env.update(exports)
        plan = subprocess.run(
            [SCRIPT, "plan", "--detailed-exitcode", str(f)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        proc.stderr.close()
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "0 to create, 0 to update, 1 unchanged" in plan.stdout


def test_reset_deletes_the_sandbox_data(tmp_path: Path, campaigns_dir: Path) -> None:
    assert run("apply", "--sandbox", "--yes", str(campaigns_dir / "puffle")).exit_code == 0
    assert DB.exists()
    result = run("sandbox", "reset")
    assert result.exit_code == ExitCode.OK and not DB.exists()
    assert (
        result.stderr.startswith("Removed ")
        and "sandbox.sqlite3: the next use seeds" in result.stderr
    )
    again = run("sandbox", "reset")
    assert again.exit_code == ExitCode.OK and "nothing to reset" in again.stderr


@pytest.mark.slow
def test_events_filter_and_format(tmp_path: Path, campaigns_dir: Path) -> None:
    from outreach_cli.sandbox import server

    f = campaigns_dir / "sendkit" / "founders-ab-test.yaml"
    f.write_text(f.read_text().replace("status: paused", "status: active"))
    assert run("apply", "--sandbox", "--yes", str(f)).exit_code == 0
    with (
        server.start(str(DB)) as running,
        httpx.Client(
            base_url=running.url + "/sendkit/v1", headers={"X-Api-Key": "sk_sandbox_demo"}
        ) as http,
    ):
        cid = http.get("/campaigns").json()["data"][0]["_id"]
        http.post(f"/campaigns/{cid}/leads", json={"leads": [{"email": "ann@example.com"}]})
        lead = http.get(f"/campaigns/{cid}/leads").json()["data"][0]
        http.patch(f"/campaigns/{cid}/leads/{lead['_id']}", json={"aiTag": "Interested"})
    args = ("sandbox", "events", "--provider", "sendkit", "--campaign", cid, "--format", "json")
    result = run(*args)
    doc = check_envelope(result, args)
    [event] = [e for e in doc["data"] if e["event"] == "lead.tag_changed"]
    assert set(event) == {"provider", "at", "event", "campaign", "data"}
    assert (event["provider"], event["campaign"]) == ("sendkit", cid)
    assert event["data"]["newTag"] == "Interested"
    text = run("sandbox", "events", "--campaign", cid).stdout.splitlines()
    assert any(
        "sendkit  lead.tag_changed  campaign " + cid in line and "newTag=Interested" in line
        for line in text
    ), text
    assert (
        json.loads(run("sandbox", "events", "--provider", "puffle", "--format", "json").stdout)[
            "data"
        ]
        == []
    )
    none = run("sandbox", "events", "--campaign", "nope")
    assert none.stdout == "" and "No events" in none.stderr
    assert run("sandbox", "events", "--provider", "mailchimp").exit_code == ExitCode.USAGE


def test_state_list_of_no_state_says_so() -> None:
    result = run("state", "list")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == ""
    assert result.stderr.startswith("No state in ")
    assert "outreach: no campaign has been applied from here yet." in result.stderr
