"""`outreach doctor`: which key, which workspace, does the API answer, rate limits, state;
exit 1 with the reason when anything is off. Against the sandbox over loopback HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from outreach_cli import doctor as dr
from outreach_cli.errors import ExitCode
from outreach_cli.session import SANDBOX_KEYS
from tests.helpers import run

KEYS = {
    "SENDKIT_API_KEY": "sk_doctor_secret_one",
    "LEMLIST_API_KEY": "lemlist-doctor-secret",
    "PUFFLE_API_KEY": "pk_test_doctor_secret",
}


def _env(monkeypatch: pytest.MonkeyPatch, sandbox: Any, **keys: str) -> None:
    url = sandbox.url
    monkeypatch.setenv("OUTREACH_SENDKIT_URL", url + "/sendkit/v1")
    monkeypatch.setenv("OUTREACH_LEMLIST_URL", url + "/lemlist/api")
    monkeypatch.setenv("OUTREACH_PUFFLE_URL", url + "/puffle/api")
    for k, v in keys.items():
        monkeypatch.setenv(k, v)


ALL_KEYS = (*KEYS.values(), *SANDBOX_KEYS.values())


def _no_secret(*texts: str, keys: Any = ALL_KEYS) -> None:
    for text in texts:
        for key in keys:
            assert key not in text


def test_targets_are_the_keys_set_or_the_named_platforms() -> None:
    env = {"LEMLIST_API_KEY": "x", "OUTREACH_LEMLIST_URL": "http://127.0.0.1:9/lemlist/api"}
    assert dr.targets(env) == [
        dr.Target("lemlist", "lemlist", "LEMLIST_API_KEY", "http://127.0.0.1:9/lemlist/api")
    ]
    named = dr.targets(env, providers=("sendkit",))
    assert [(t.provider, t.key_var, t.base_url) for t in named] == [
        ("sendkit", "SENDKIT_API_KEY", "https://api.sendkit.ai/v1")
    ]
    assert dr.targets({}) == []
    boxed = dr.targets({}, sandbox_url="http://127.0.0.1:5")
    assert [t.base_url for t in boxed] == [
        "http://127.0.0.1:5/sendkit/v1",
        "http://127.0.0.1:5/lemlist/api",
        "http://127.0.0.1:5/puffle/api",
    ]
    assert all(t.sandbox for t in boxed)


def test_sandbox_all_well_in_text(tmp_path: Path) -> None:
    result = run("doctor", "--sandbox")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for var in ("SENDKIT_API_KEY", "LEMLIST_API_KEY", "PUFFLE_API_KEY"):
        assert var in out
    assert "GET /v1/workspaces" in out and "GET /team" in out and "user_id" in out
    # The embedded sandbox enforces no rate limit (sandbox serve --rate-limit does): the
    # documented limit is shown, and no rate headers come back.
    assert "20 requests per 2 s" in out and "x-ratelimit-limit: 20" not in out.lower()
    assert "headers    no rate-limit headers seen" in out.split("lemlist\n", 1)[1]
    assert str(tmp_path / ".outreach") in out
    assert "doctor: all well" in result.stderr
    _no_secret(out, result.stderr)


def test_the_rate_headers_a_limiting_api_sends_are_shown(
    monkeypatch: pytest.MonkeyPatch, limited_sandbox: Any
) -> None:
    _env(monkeypatch, limited_sandbox, LEMLIST_API_KEY="lemlist-doctor-rate")
    result = run("doctor")
    assert result.exit_code == 0, result.stderr
    assert "x-ratelimit-limit: 20" in result.stdout.lower()


def test_json_envelope_names_workspaces_per_key(
    monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    _env(monkeypatch, sandbox, **KEYS)
    first = json.loads(run("doctor", "--format", "json").stdout)
    monkeypatch.setenv("SENDKIT_API_KEY", "sk_doctor_secret_two")
    monkeypatch.setenv("LEMLIST_API_KEY", "lemlist-doctor-secret-two")
    second = json.loads(run("doctor", "--format", "json").stdout)
    assert first["kind"] == "doctor" and first["exitCode"] == 0
    assert [(e["severity"], e["code"]) for e in first["errors"]] == [("warning", "doctor")]
    by = {t["provider"]: t for t in first["data"]["targets"]}
    again = {t["provider"]: t for t in second["data"]["targets"]}
    assert set(by) == {"sendkit", "lemlist", "puffle"}
    for name in ("sendkit", "lemlist"):
        assert by[name]["workspace"]["id"] != again[name]["workspace"]["id"]
        assert by[name]["api"]["answers"] and by[name]["api"]["requests"] == 1
        assert by[name]["api"]["slowestMs"] >= 0
    # Puffle's account has no campaign yet: a warning, not a failure.
    assert by["puffle"]["workspace"]["proxy"] is True and by["puffle"]["warnings"]
    assert first["data"]["contract"] is None
    _no_secret(
        json.dumps(first),
        json.dumps(second),
        keys=(*KEYS.values(), "sk_doctor_secret_two", "lemlist-doctor-secret-two"),
    )


def test_only_the_platforms_with_keys(monkeypatch: pytest.MonkeyPatch, sandbox: Any) -> None:
    _env(monkeypatch, sandbox, LEMLIST_API_KEY="only-lemlist")
    doc = json.loads(run("doctor", "-f", "json").stdout)
    assert [t["provider"] for t in doc["data"]["targets"]] == ["lemlist"]


def test_no_key_at_all_is_an_error() -> None:
    result = run("doctor")
    assert result.exit_code == ExitCode.ERROR
    assert "no platform configured" in result.stderr and "SENDKIT_API_KEY" in result.stderr
    doc = json.loads(run("doctor", "-f", "json").stdout)
    assert doc["ok"] is False and doc["data"] is None


def test_named_platform_without_its_key(monkeypatch: pytest.MonkeyPatch, sandbox: Any) -> None:
    _env(monkeypatch, sandbox, LEMLIST_API_KEY="lemlist-doctor-secret")
    result = run("doctor", "sendkit", "lemlist")
    assert result.exit_code == ExitCode.ERROR
    assert "SENDKIT_API_KEY is not set" in result.stdout
    assert "error: sendkit: SENDKIT_API_KEY is not set" in result.stderr
    doc = json.loads(run("doctor", "sendkit", "lemlist", "-f", "json").stdout)
    assert [e["code"] for e in doc["errors"]] == ["missing-key"]
    lem = doc["data"]["targets"][1]
    assert lem["problems"] == [] and lem["workspace"]["id"].startswith("tea_")


def test_refused_key_is_an_error(monkeypatch: pytest.MonkeyPatch, sandbox: Any) -> None:
    _env(monkeypatch, sandbox, SENDKIT_API_KEY="not-a-sendkit-key")
    result = run("doctor")
    assert result.exit_code == ExitCode.ERROR
    assert "the key in SENDKIT_API_KEY was refused" in result.stdout
    assert "401" in result.stdout
    _no_secret(result.stdout, result.stderr, keys=("not-a-sendkit-key",))


def test_unreachable_api_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("OUTREACH_PUFFLE_URL", f"http://127.0.0.1:{port}/puffle/api")
    monkeypatch.setenv("PUFFLE_API_KEY", KEYS["PUFFLE_API_KEY"])
    doc = json.loads(run("doctor", "-f", "json").stdout)
    assert doc["exitCode"] == ExitCode.ERROR
    target = doc["data"]["targets"][0]
    assert target["api"]["answers"] is False
    assert target["problems"][0].startswith("unreachable:")


def test_slow_api_is_timed(monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach_cli.sandbox import server

    slow = server.start(":memory:", faults=server.Faults(latency_ms=120))
    try:
        _env(monkeypatch, slow, LEMLIST_API_KEY="slow-lemlist")
        doc = json.loads(run("doctor", "-f", "json").stdout)
    finally:
        slow.stop()
    assert doc["data"]["targets"][0]["api"]["slowestMs"] >= 120


def test_state_is_reported_where_it_lives(tmp_path: Path) -> None:
    before = json.loads(run("doctor", "--sandbox", "sendkit", "-f", "json").stdout)
    assert before["data"]["targets"][0]["state"]["campaigns"] == 0
    elsewhere = tmp_path / "elsewhere"
    doc = json.loads(run("doctor", "--sandbox", "--state-dir", str(elsewhere), "-f", "json").stdout)
    assert {t["state"]["dir"] for t in doc["data"]["targets"]} == {str(elsewhere.resolve())}


def test_unknown_platform_is_a_usage_error() -> None:
    result = run("doctor", "mailchimp")
    assert result.exit_code == ExitCode.USAGE and "mailchimp" in result.stderr


def test_server_text_cannot_drive_the_terminal() -> None:
    from outreach_cli.output.doctor import printable

    assert printable("Team\x1b[2J\x07 ok") == "Team\\x1b[2J\\x07 ok"


def test_sendkit_platform_key_names_its_workspace(
    monkeypatch: pytest.MonkeyPatch, sandbox: Any
) -> None:
    _env(monkeypatch, sandbox, SENDKIT_API_KEY="sk_doctor_workspace_key")
    ws = json.loads(run("doctor", "-f", "json").stdout)["data"]["targets"][0]["workspace"]["id"]
    monkeypatch.setenv("SENDKIT_API_KEY", "sk_user_doctor_platform")
    monkeypatch.setenv("SENDKIT_WORKSPACE_ID", ws)
    from outreach_cli.session import Session

    with Session() as session:  # the platform key uses the workspace once: it is a member
        session.provider("sendkit").client.get("/tags")
    doc = json.loads(run("doctor", "-f", "json").stdout)
    assert doc["exitCode"] == 0 and doc["data"]["targets"][0]["workspace"]["id"] == ws
    monkeypatch.setenv("SENDKIT_WORKSPACE_ID", "f" * 24)  # a workspace it is not in
    result = run("doctor")
    assert result.exit_code == ExitCode.ERROR
    assert "answered 0 workspaces where outreach expects workspace ffff" in result.stdout
    _no_secret(result.stdout, result.stderr, keys=("sk_user_doctor_platform",))
