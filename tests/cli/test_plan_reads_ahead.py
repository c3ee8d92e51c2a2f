"""`plan` starts reading campaigns while later files are still being validated
(cli/campaigns._load_and_plan): a file that fails still ends the command at its diagnostics,
with no plan shown and nothing written; a missing key is still named after them; and reads
left in flight never hold the exit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from outreach_cli.errors import ExitCode
from tests.helpers import run

BROKEN = """\
provider: sendkit
key: zz-broken
campaign:
  name: Broken
  sequence:
    - {type: email, subject: "Hi", body: "Hello"}
  settings: {dailySendLimt: 50}
"""


def _with_broken_last(campaigns_dir: Path) -> Path:
    # Files are read in sorted order: this one comes after every example campaign.
    (campaigns_dir / "zz").mkdir()
    broken = campaigns_dir / "zz" / "broken.yaml"
    broken.write_text(BROKEN, "utf-8")
    return broken


def test_a_failing_later_file_stops_the_plan_at_its_diagnostics(
        env_sandbox: object, campaigns_dir: Path) -> None:
    broken = _with_broken_last(campaigns_dir)
    result = run("plan", "--no-color", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    assert f"{broken}:7:" in result.stderr and "dailySendLimt" in result.stderr
    assert "Plan:" not in result.stdout and result.stdout.strip() == ""
    sent = env_sandbox.sandbox.request_log  # type: ignore[attr-defined]
    # The example campaigns before it were being read already; nothing was written.
    assert sent and {method for method, _, _ in sent} == {"GET"}


def test_json_of_a_failing_plan_is_its_diagnostics(env_sandbox: object,
                                                   campaigns_dir: Path) -> None:
    _with_broken_last(campaigns_dir)
    result = run("plan", "-f", "json", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    assert '"kind": "plan"' in result.stdout and "dailySendLimt" in result.stdout


def test_without_keys_a_failing_file_is_reported_first(campaigns_dir: Path) -> None:
    broken = _with_broken_last(campaigns_dir)
    result = run("plan", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    assert str(broken) in result.stderr and "API_KEY" not in result.stderr


def test_a_missing_key_is_still_named_with_every_other(campaigns_dir: Path,
                                                        env_sandbox: object,
                                                        monkeypatch: object) -> None:
    monkeypatch.delenv("LEMLIST_API_KEY")  # type: ignore[attr-defined]
    monkeypatch.delenv("PUFFLE_API_KEY")  # type: ignore[attr-defined]
    result = run("plan", str(campaigns_dir))
    assert result.exit_code == ExitCode.ERROR
    assert "no API keys for: LEMLIST_API_KEY, PUFFLE_API_KEY" in result.stderr
    assert "Plan:" not in result.stdout


def test_a_platform_that_never_answers_does_not_hold_the_exit(campaigns_dir: Path) -> None:
    """The reads started before the broken file are still waiting for an answer (the client
    waits 30 s, then retries) when the command ends: it exits at once, not after them."""
    _with_broken_last(campaigns_dir)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # accepts connections, never answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/v1"
    env = {**os.environ, "SENDKIT_API_KEY": "sk_test_x", "LEMLIST_API_KEY": "x",
           "PUFFLE_API_KEY": "pk_test_x", "OUTREACH_SENDKIT_URL": url,
           "OUTREACH_LEMLIST_URL": url, "OUTREACH_PUFFLE_URL": url, "NO_COLOR": "1"}
    script = str(Path(sys.executable).parent / "outreach")
    try:
        out = subprocess.run([script, "plan", str(campaigns_dir)], capture_output=True,
                             text=True, env=env, timeout=25, check=False)
    finally:
        silent.close()
    assert out.returncode == ExitCode.ERROR, out.stderr
    assert "dailySendLimt" in out.stderr
