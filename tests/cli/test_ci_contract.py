"""The CI contract: what a pipeline reads from outreach, whatever happened (issue 22, item 4).

Markdown names each problem at file:line; validate speaks GitHub's annotations; every exit
under --format json prints one envelope (usage errors and interrupts included); each error
carries its documented code; Ctrl-C at the question and SIGTERM exit as the README says."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.errors import ExitCode
from tests.helpers import check_envelope, run, sendkit_files

SCRIPT = str(Path(sys.executable).parent / "outreach")
BAD = "provider: sendkit\ncampaign:\n  name: X\n  sequence:\n    - {type: wait, waitDays: 0}\n"


def _bad(tmp_path: Path, name: str = "bad.yaml") -> Path:
    f = tmp_path / name
    f.write_text(BAD)
    return f


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_markdown_of_an_invalid_file_names_each_problem(tmp_path: Path, command: str) -> None:
    bad = _bad(tmp_path)
    result = run(
        command, "--format", "markdown", *(["--sandbox"] if command == "plan" else []), str(bad)
    )
    assert result.exit_code == ExitCode.ERROR
    lines = result.stdout.splitlines()
    assert lines[0] == (f"**{command}**: 0 campaign(s) in 1 file(s): 2 error(s), 0 warning(s)")
    assert f"- ❌ `{bad}:5:14` `campaign.sequence[0].type`: the main sequence" in lines[2]
    assert f"- ❌ `{bad}:5:30` `campaign.sequence[0].waitDays`: outreach" in lines[3]


def test_validate_github_annotations(tmp_path: Path) -> None:
    # A comma and a colon in the file name, a newline-free message: escaped as GitHub reads.
    bad = _bad(tmp_path, "a,b:c.yaml")
    result = run("validate", "--format", "github", str(bad))
    assert result.exit_code == ExitCode.ERROR
    where = str(bad).replace(":", "%3A").replace(",", "%2C")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        f"::error file={where},line=5,col=14,title=outreach rule::"
        "campaign.sequence[0].type: the main sequence must start"
    )
    assert lines[1].startswith(f"::error file={where},line=5,col=30,")
    assert lines[2] == "0 campaign(s) in 1 file(s): 2 error(s), 0 warning(s)"


def test_github_warning_annotation(tmp_path: Path) -> None:
    f = tmp_path / "warn.yaml"
    f.write_text(
        "provider: sendkit\ncampaign:\n  name: W\n  sequence:\n"
        "    - {type: email, subject: 'Hi {{shoeSize}}', body: Hello}\n"
    )
    result = run("validate", "--format", "github", str(f))
    assert result.exit_code == ExitCode.OK, result.stdout
    assert result.stdout.startswith(f"::warning file={f},line=5,")
    assert ",title=outreach template::" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "--format", "json", "--bogus"),
        ("plan", "--format", "json"),
        ("validate", "-f", "json", "--concurrency", "3", "x.yaml"),
        ("leads", "list", "--format", "json"),
        ("apply", "--format=json", "--concurrency", "99", "x.yaml"),
        ("apply", "--format", "json", "--plan", "p.json", "x.yaml"),
        ("state", "forget", "--format", "json"),
    ],
)
def test_usage_error_prints_one_envelope(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == ExitCode.USAGE
    doc = check_envelope(result, args)  # exactly one JSON document
    assert [e["code"] for e in doc["errors"]] == ["usage"]
    assert doc["data"] is None


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    for command in ("validate", "plan"):
        result = run(command, str(tmp_path / "no-such.yaml"))
        assert result.exit_code == ExitCode.USAGE, command
        assert "no such file or folder" in result.stderr
    doc = check_envelope(
        run("validate", "--format", "json", "nope"), ("validate", "--format", "json")
    )
    assert doc["exitCode"] == 64 and doc["errors"][0]["code"] == "no-such-path"


def test_interrupt_before_any_output_prints_an_envelope(
    monkeypatch: pytest.MonkeyPatch, campaigns_dir: Path
) -> None:
    from outreach_cli.cli import common

    def interrupt(*a: Any, **k: Any) -> Any:
        raise KeyboardInterrupt

    # At the very start of the command, before its Output exists (and, below, inside it).
    monkeypatch.setattr(common, "make_output", interrupt)
    result = run("plan", "--format", "json", "--sandbox", str(campaigns_dir))
    assert result.exit_code == ExitCode.INTERRUPTED
    doc = check_envelope(result, ("plan", "--format", "json"))
    assert doc["errors"][0]["code"] == "interrupted"
    monkeypatch.undo()

    import outreach_cli.validate as validate

    monkeypatch.setattr(validate, "validate_paths", interrupt)
    result = run("plan", "--format", "json", "--sandbox", str(campaigns_dir))
    assert result.exit_code == ExitCode.INTERRUPTED
    check_envelope(result, ("plan", "--format", "json"))


def test_several_missing_keys_have_the_documented_code(campaigns_dir: Path) -> None:
    result = run("plan", "--format", "json", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    doc = check_envelope(result, ("plan", "--format", "json"))
    assert [e["code"] for e in doc["errors"]] == ["missing-key"]
    assert "SENDKIT_API_KEY" in doc["errors"][0]["message"]
    assert "PUFFLE_API_KEY" in doc["errors"][0]["message"]


def test_template_warning_has_its_own_code(tmp_path: Path) -> None:
    f = tmp_path / "warn.yaml"
    f.write_text(
        "provider: sendkit\ncampaign:\n  name: W\n  sequence:\n"
        "    - {type: email, subject: 'Hi {{shoeSize}}', body: Hello}\n"
    )
    doc = check_envelope(
        run("validate", "--format", "json", str(f)), ("validate", "--format", "json")
    )
    assert [(e["severity"], e["code"]) for e in doc["errors"]] == [("warning", "template")]
    # On stderr, "warning:" once.
    text = run("plan", "--sandbox", str(f))
    assert text.stderr.count("warning:") == 1, text.stderr


def _env(tmp_path: Path, url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_URL"))}
    env.update({"NO_COLOR": "1", "COLUMNS": "100"})
    if url:
        env.update(
            {"OUTREACH_SENDKIT_URL": url + "/sendkit/v1", "SENDKIT_API_KEY": "sk_test_workspace"}
        )
    return env


def _campaigns(tmp_path: Path, n: int) -> Path:
    return sendkit_files(tmp_path / "many", n, "Slow")


def _read_until(fd: int, needle: bytes, timeout: float = 30) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while needle not in seen:
        assert time.monotonic() < end, seen
        try:
            seen += os.read(fd, 4096)
        except OSError:
            break
    return seen


@pytest.mark.slow
def test_ctrl_c_at_the_question_exits_130(tmp_path: Path) -> None:
    folder = _campaigns(tmp_path, 1)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [SCRIPT, "apply", "--sandbox", str(folder)],
        stdin=slave,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        cwd=tmp_path,
        env=_env(tmp_path),
    )
    os.close(slave)
    try:
        _read_until(master, b"[y/N]")
        # A person's Ctrl-C comes once the question waits for an answer (a signal in the
        # instant between the prompt and the read is only seen at the next one, in any
        # Python program).
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)  # what the terminal sends for Ctrl-C
        assert proc.wait(timeout=30) == ExitCode.INTERRUPTED
        tail = _read_until(master, b"interrupted", timeout=5)
        assert b"Aborted!" not in tail
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    # Nothing was sent: a plan still has the campaign to create.
    again = subprocess.run(
        [SCRIPT, "plan", "--sandbox", str(folder)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(tmp_path),
        timeout=60,
    )
    assert "1 to create" in again.stdout


def _wait_for_a_campaign(url: str) -> None:
    import httpx

    end = time.monotonic() + 60
    with httpx.Client(
        base_url=url + "/sendkit/v1", headers={"X-Api-Key": "sk_test_workspace"}
    ) as http:
        while not http.get("/campaigns").json()["data"]:
            assert time.monotonic() < end
            time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_sigterm_prints_the_summary_and_exits_143(tmp_path: Path, fmt: str) -> None:
    from outreach_cli.sandbox import server

    slow = server.start(":memory:", faults=server.Faults(latency_ms=400))
    folder = _campaigns(tmp_path, 6)
    try:
        proc = subprocess.Popen(
            [SCRIPT, "apply", "--yes", "--concurrency", "1", "--format", fmt, str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env=_env(tmp_path, slow.url),
            text=True,
        )
        _wait_for_a_campaign(slow.url)  # the plan is done, apply is under way
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        slow.stop()
    assert proc.returncode == ExitCode.TERMINATED, stderr
    if fmt == "json":
        doc = json.loads(stdout)
        assert doc["exitCode"] == 143 and doc["ok"] is False
        assert {o["result"] for o in doc["data"]["outcomes"]} & {"skipped", "interrupted"}
    else:
        assert "Apply: " in stderr and "not started" in stderr, stderr
