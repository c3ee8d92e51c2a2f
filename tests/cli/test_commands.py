"""schema, status and the sandbox commands through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from outreach_cli.errors import ExitCode
from outreach_cli.providers import available
from tests.helpers import REPO, run


@pytest.mark.parametrize("provider", available())
def test_schema_command_matches_the_checked_in_editor_schema(provider: str) -> None:
    result = run("schema", provider)
    assert result.exit_code == ExitCode.OK
    schema = json.loads(result.stdout)
    assert schema["properties"]["provider"] == {
        "const": provider,
        "description": "The platform: sendkit, lemlist or puffle.",
    }
    assert schema["additionalProperties"] is False
    checked_in = REPO / "campaigns" / "schemas" / f"{provider}.json"
    assert json.loads(checked_in.read_text()) == schema, (
        f"regenerate: outreach schema {provider} > campaigns/schemas/{provider}.json"
    )


def test_status_table(campaigns_dir: Path) -> None:
    folder = campaigns_dir / "sendkit"
    before = run("status", "--sandbox", "-f", "json", str(folder))
    rows = json.loads(before.stdout)["data"]
    assert {r["status"] for r in rows} == {"(not created)"}
    assert run("apply", "--sandbox", "--yes", str(folder)).exit_code == ExitCode.OK
    after = run("status", "--sandbox", "-f", "json", str(folder))
    rows = {r["campaign"]: r for r in json.loads(after.stdout)["data"]}
    assert rows["sendkit/q2-decision-makers"]["status"] == "active"
    # `status: paused` on a new SendKit campaign: it stays a draft (never started to be paused).
    assert rows["sendkit/founders-ab-test"]["status"] == "draft"
    assert rows["sendkit/q2-decision-makers"]["leads"].endswith("/ 0")


def test_sandbox_tick_and_events(campaigns_dir: Path) -> None:
    assert run("apply", "--sandbox", "--yes", str(campaigns_dir / "sendkit")).exit_code == 0
    ticked = run("sandbox", "tick", "--days", "1", "--format", "json")
    assert ticked.exit_code == ExitCode.OK
    summary = json.loads(ticked.stdout)["data"]
    assert summary["advancedSeconds"] == 86400
    assert set(summary["providers"]) >= {"sendkit", "puffle"}
    assert run("sandbox", "events").exit_code == ExitCode.OK


def test_sandbox_serve_over_http(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "outreach"
    proc = subprocess.Popen(
        [str(script), "sandbox", "serve", "--port", "0", "--db", str(tmp_path / "sb.sqlite3")],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line.startswith("sandbox listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        deadline = time.monotonic() + 10
        while True:
            try:
                reply = httpx.get(
                    url + "/sendkit/v1/campaigns", headers={"X-Api-Key": "sk_serve_test"}
                )
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert reply.status_code == 200
        assert reply.json()["success"] is True
        unauth = httpx.get(url + "/puffle/api/campaigns")
        assert unauth.status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()


@pytest.mark.parametrize("flag", [[], ["--rate-limit"]], ids=["default", "rate-limit"])
def test_sandbox_serve_enforces_lemlist_rate_limit_only_when_asked(
    tmp_path: Path, flag: list[str]
) -> None:
    script = Path(sys.executable).parent / "outreach"
    proc = subprocess.Popen(
        [
            str(script),
            "sandbox",
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp_path / "sb.sqlite3"),
            *flag,
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stderr is not None
        url = proc.stderr.readline().split()[-1]
        with httpx.Client(base_url=url + "/lemlist/api", auth=("", "serve-rate-key")) as c:
            deadline = time.monotonic() + 10
            while True:
                try:
                    c.get("/team")  # the first of the 21
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
            # 20 more at once: well inside 2 s on any machine.
            replies = [c.get("/team") for _ in range(20)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
    statuses = [r.status_code for r in replies]
    if flag:
        assert statuses[:19] == [200] * 19 and statuses[19] == 429, statuses
        assert replies[19].headers["X-RateLimit-Remaining"] == "0"
        assert int(replies[19].headers["Retry-After"]) >= 1
    else:
        assert statuses == [200] * 20
        assert not any("X-RateLimit-Limit" in r.headers for r in replies)


def test_sandbox_refuses_non_loopback_host() -> None:
    result = run("sandbox", "serve", "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == ExitCode.USAGE


def test_sandbox_serve_says_and_applies_its_timeout(tmp_path: Path) -> None:
    import socket

    script = Path(sys.executable).parent / "outreach"
    proc = subprocess.Popen(
        [
            str(script),
            "sandbox",
            "serve",
            "--port",
            "0",
            "--timeout",
            "0.5",
            "--db",
            str(tmp_path / "sb.sqlite3"),
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stderr is not None
        banner = [proc.stderr.readline() for _ in range(6)]
        url = banner[0].split()[-1]
        [limits] = [line for line in banner if "like a production server" in line]
        assert "within 0.5 s (idle and slow connections are closed)" in limits, banner
        assert "headers 64 KB at most (431)" in limits
        host, port = url.removeprefix("http://").split(":")
        deadline = time.monotonic() + 10
        while True:
            try:
                s = socket.create_connection((host, int(port)), timeout=5)
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        with s:
            assert s.recv(1024) == b""  # idle: closed by the server, before the client's 5 s
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
