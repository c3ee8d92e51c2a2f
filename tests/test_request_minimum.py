"""apply reads no campaign it has just read with nothing sent since (README, "Requests per
operation"): the read-back after a create is also the check before its start, and the final
read-back when nothing followed; Puffle's launch check is asked once per read."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run

LEMLIST = """\
provider: lemlist
key: minimum
status: {status}
campaign:
  name: Minimum {status}
  stopOnEmailReplied: {flag}
  steps:
    - {{type: email, delay: 0, subject: "Hello", message: "<p>Hi</p>", abTest: {{subject: "Hey"}}}}
    - {{type: linkedinVisit, delay: 1}}
"""


def _reads(log: list[tuple[str, str, int]], since: int) -> Counter[str]:
    """GETs since `since`, with ids as ID."""
    return Counter(
        re.sub(r"/(cam|seq|stp|skd)_[A-Za-z0-9]+|/[0-9a-f-]{36}", "/ID", p)
        for m, p, _ in log[since:]
        if m == "GET"
    )


@pytest.mark.parametrize(("status", "reads"), [("paused", 1), ("active", 2)])
def test_a_lemlist_create_is_read_back_once_and_once_more_after_a_start(
    env_sandbox: Any, tmp_path: Path, status: str, reads: int
) -> None:
    log = env_sandbox.sandbox.request_log
    f = tmp_path / "c.yaml"
    f.write_text(LEMLIST.format(status=status, flag="false"))
    before = len(log)
    result = run("apply", "--yes", str(f))
    assert result.exit_code == 0, result.stderr
    got = _reads(log, before)
    # One read-back of the whole campaign after the create's writes (it is also the check
    # before the start); one more after the start.
    for path in (
        "/lemlist/api/campaigns/ID",
        "/lemlist/api/campaigns/ID/sequences",
        "/lemlist/api/campaigns/ID/schedules/",
        "/lemlist/api/sequences/ID/steps/ID/ab-test",
    ):
        assert got[path] == reads, (path, got)


def test_a_lemlist_one_field_update_reads_plan_recheck_and_read_back(
    env_sandbox: Any, tmp_path: Path
) -> None:
    log = env_sandbox.sandbox.request_log
    f = tmp_path / "c.yaml"
    f.write_text(LEMLIST.format(status="paused", flag="false"))
    assert run("apply", "--yes", str(f)).exit_code == 0
    f.write_text(LEMLIST.format(status="paused", flag="true"))
    before = len(log)
    result = run("apply", "--yes", str(f))
    assert result.exit_code == 0, result.stderr
    writes = [(m, p) for m, p, _ in log[before:] if m != "GET"]
    assert len(writes) == 1 and writes[0][0] == "PATCH", writes
    # The plan's read, apply's re-read (exit 4 if it moved), the read-back after the PATCH.
    assert _reads(log, before)["/lemlist/api/campaigns/ID"] == 3


PUFFLE = (
    Path(__file__).resolve().parent.parent / "campaigns" / "puffle" / "email-seed-founders.yaml"
)


def test_puffle_asks_its_launch_check_once_per_read(env_sandbox: Any, tmp_path: Path) -> None:
    text = PUFFLE.read_text().replace("status: draft", "status: active")
    assert "status: active" in text
    f = tmp_path / "launch.yaml"
    f.write_text(text)
    log = env_sandbox.sandbox.request_log
    before = len(log)
    result = run("apply", "--yes", str(f))
    assert result.exit_code == 0, result.stderr
    got = _reads(log, before)
    # The check before the launch and the launch share the read-back after the create.
    assert got["/puffle/api/campaigns/ID/validate"] == 1, got
    assert got["/puffle/api/campaigns/ID"] == 2, got
    assert [p for m, p, _ in log[before:] if p.endswith("/launch")] != []


@pytest.mark.parametrize(
    ("provider", "listing"),
    [("lemlist", "/lemlist/api/campaigns"), ("puffle", "/puffle/api/campaigns")],
)
def test_a_plan_of_many_new_campaigns_reads_the_campaign_list_once(
    env_sandbox: Any, tmp_path: Path, provider: str, listing: str
) -> None:
    # lemlist's and Puffle's lists have no name search: the plan reads each list once and
    # looks every new campaign's name up in it, not the whole list once per campaign.
    source = (
        LEMLIST.format(status="paused", flag="false")
        if provider == "lemlist"
        else PUFFLE.read_text()
    )
    if provider == "lemlist":  # two senders: their channels are read once for the plan
        source = source.replace(
            "  stopOnEmailReplied:",
            "  sendUserIds: [usr_2aBCdEfGHiJkLmNOp, usr_7xYzAbCdEfGhIjKlM]\n  stopOnEmailReplied:",
        )
    for i in range(5):
        text = source.replace("key: minimum", f"key: new-{i}").replace(
            "name: Minimum paused", f"name: New {i}"
        )
        if provider == "puffle":
            text = re.sub(r"(?m)^key: .*$", f"key: new-{i}", text)
            text = re.sub(r"(?m)^  name: .*$", f"  name: New {i}", text)
        (tmp_path / f"c{i}.yaml").write_text(text)
    log = env_sandbox.sandbox.request_log
    before = len(log)
    result = run("plan", str(tmp_path))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert all(f"+ {provider}/new-{i}" in result.stdout for i in range(5)), result.stdout
    reads = Counter(p for m, p, _ in log[before:] if m == "GET")
    assert reads[listing] == 1, reads
    if provider == "lemlist":
        assert [
            reads["/lemlist/api/team"],
            reads["/lemlist/api/users/usr_2aBCdEfGHiJkLmNOp"],
            reads["/lemlist/api/users/usr_7xYzAbCdEfGhIjKlM"],
        ] == [1, 1, 1], reads
