"""An apply killed (SIGKILL) part-way leaves a state that loads, and the next apply converges."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from outreach_cli.sandbox.store import Store
from outreach_cli.state import State

N = 40
DOC = """\
provider: sendkit
key: kill-{i:02d}
status: active
campaign:
  name: Kill test {i:02d}
  sequence:
    - {{type: email, subject: "Hi ({i})", body: "Hello"}}
  schedule: {{timezone: Europe/Paris, startTime: "09:00", endTime: "17:00", workingDays: [1, 2]}}
  mailboxTags: [outreach]
"""


def outreach(*args: str) -> list[str]:
    return [sys.executable, "-c", "from outreach_cli.cli.app import main; main()", *args]


def journal_lines(state_dir: Path) -> int:
    """Campaigns the journal has records for (a create writes several lines: issue 13)."""
    import json

    try:
        lines = (state_dir / "state.journal").read_bytes().split(b"\n")[:-1]
    except FileNotFoundError:
        return 0
    return len({json.loads(line)["address"] for line in lines if line.strip()})


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kill_after", [1, 15])
def test_kill_mid_apply_then_apply_again_converges(tmp_path: Path, kill_after: int) -> None:
    folder = tmp_path / "campaigns"
    folder.mkdir()
    for i in range(N):
        (folder / f"c{i:02d}.yaml").write_text(DOC.format(i=i))
    state_dir = tmp_path / ".outreach"
    env = {**os.environ, "NO_COLOR": "1"}
    cmd = outreach(
        "apply",
        str(folder),
        "--sandbox",
        "--yes",
        "--concurrency",
        "2",
        "--state-dir",
        str(state_dir),
    )
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    while journal_lines(state_dir) < kill_after and proc.poll() is None:
        assert time.monotonic() < deadline, "apply recorded nothing in 60 s"
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL, "apply finished before it could be killed"

    killed = State(state_dir)  # loads: state.json (if any) plus the journal's whole lines
    assert kill_after <= len(killed.entries) < N

    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    final = State(state_dir)
    assert sorted(final.entries) == sorted(f"sendkit/kill-{i:02d}" for i in range(N))
    assert not (state_dir / "state.journal").exists()  # compacted at the end of the apply
    for address, entry in killed.entries.items():
        if entry.id:  # "" marks a create whose first POST was in flight (issue 13)
            assert final.entries[address].id == entry.id  # what was recorded stays

    # Every campaign exists once: the ones created but not recorded were adopted by name.
    store = Store(str(state_dir / "sandbox.sqlite3"))
    names = [c["name"] for ws in store.workspaces() for c in store.list(ws, "campaign")]
    store.close()
    assert sorted(names) == [f"Kill test {i:02d}" for i in range(N)]

    plan = subprocess.run(
        outreach(
            "plan", str(folder), "--sandbox", "--detailed-exitcode", "--state-dir", str(state_dir)
        ),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr
