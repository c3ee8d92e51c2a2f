"""What outreach says when things go wrong, and how (issue 22, item 5): one message per
distinct failure, a --verbose line per request, no exception class names, values written
as people and other tools read them."""

from __future__ import annotations

import io
import re
import socket
from pathlib import Path

import pytest

from outreach_cli.errors import ExitCode
from tests.helpers import check_envelope, run, sendkit_files


def _files(tmp_path: Path, n: int) -> Path:
    return sendkit_files(tmp_path / "c", n, "W")


def test_a_bad_key_is_said_once_naming_the_campaigns_it_stopped(
    tmp_path: Path, env_sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SENDKIT_API_KEY", "not-a-sendkit-key")
    folder = _files(tmp_path, 5)
    result = run("plan", "--concurrency", "1", str(folder))
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.count("refused the API key") == 1, result.stderr
    assert (
        "5 campaign(s) not planned: sendkit/c0, sendkit/c1, sendkit/c2, sendkit/c3, "
        "sendkit/c4" in result.stderr
    )
    assert "SENDKIT_API_KEY" in result.stderr
    assert "401" not in result.stdout and result.stdout.count("x sendkit") == 0
    # The first refusal stopped the reading: one request, not one 401 per campaign.
    assert [s for _, _, s in env_sandbox.sandbox.request_log] == [401]
    args = ("plan", "--format", "json", str(folder))
    doc = check_envelope(run(*args), args)
    assert [e["code"] for e in doc["errors"]] == ["bad-key"]


def test_verbose_is_one_line_per_request(
    tmp_path: Path,
    env_sandbox,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = _files(tmp_path, 1)
    with caplog.at_level("DEBUG", logger="outreach"):
        result = run("plan", "--verbose", str(folder))
    assert result.exit_code == ExitCode.OK
    logged = [r.getMessage() for r in caplog.records if r.name == "outreach.http"]
    assert logged
    for line in logged:
        assert re.fullmatch(
            r"(GET|POST|PATCH|PUT|DELETE) http://127\.0\.0\.1:\d+/sendkit/v1/"
            r"\S+ → \d{3}, \d+ ms",
            line,
        ), line
    assert not any("sk_test_workspace" in line or "{" in line for line in logged)


@pytest.mark.slow
def test_a_network_failure_is_worded_without_class_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("OUTREACH_SENDKIT_URL", f"http://127.0.0.1:{port}/sendkit/v1")
    monkeypatch.setenv("SENDKIT_API_KEY", "sk_test_workspace")
    result = run("plan", "--verbose", str(_files(tmp_path, 1)))
    assert result.exit_code == ExitCode.ERROR
    assert "could not connect" in result.stdout + result.stderr
    assert "Error" not in result.stdout + result.stderr  # ConnectError, NetworkError, …


def test_csv_writes_true_and_false() -> None:
    from outreach_cli.output import Output

    buf = io.StringIO()
    Output("text", stdout=buf).csv(
        ["email", "paused", "opened"], [["a@x.io", True, False], ["b@x.io", None, 0]]
    )
    assert buf.getvalue() == "email,paused,opened\na@x.io,true,false\nb@x.io,,0\n"


def test_sandbox_tick_says_the_time_in_words(tmp_path: Path) -> None:
    result = run("sandbox", "tick", "--days", "3", "--hours", "6")
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[0] == "Advanced the sandbox's time by 3 days 6 hours."
    assert any(line.startswith("  sendkit: emails sent: ") for line in lines)
    assert "." not in "".join(lines[1:]).replace("Advanced", "")  # no 259200.0
