"""outreach state list / forget, and orphans reported by plan."""

from __future__ import annotations

import json
from pathlib import Path

from outreach_cli.errors import ExitCode
from tests.helpers import run


def test_orphans_list_and_forget(campaigns_dir: Path) -> None:
    folder = campaigns_dir / "sendkit"
    assert run("apply", "--sandbox", "--yes", str(folder)).exit_code == ExitCode.OK
    listed = json.loads(run("state", "list", "-f", "json").stdout)["data"]
    assert [r["address"] for r in listed] == ["sendkit/founders-ab-test",
                                               "sendkit/q2-decision-makers"]
    assert all(r["id"] and r["revision"] for r in listed)

    (folder / "founders-ab-test.yaml").unlink()
    plan = run("plan", "--sandbox", "--detailed-exitcode", str(folder))
    assert plan.exit_code == ExitCode.OK, plan.stderr
    assert "sendkit/founders-ab-test" in plan.stderr
    assert "in state, no file: nothing will be done to it" in plan.stderr
    # An excluded address is not reported.
    quiet = run("plan", "--sandbox", "--exclude", "founders-*", str(folder))
    assert "no file" not in quiet.stderr

    gone = run("state", "forget", "sendkit/founders-ab-test")
    assert gone.exit_code == ExitCode.OK, gone.stderr
    listed = json.loads(run("state", "list", "-f", "json").stdout)["data"]
    assert [r["address"] for r in listed] == ["sendkit/q2-decision-makers"]
    assert "no file" not in run("plan", "--sandbox", str(folder)).stderr

    unknown = run("state", "forget", "nope", "q2-decision-makers")
    assert unknown.exit_code == ExitCode.ERROR and "nope: no such entry" in unknown.stderr
    assert len(json.loads(run("state", "list", "-f", "json").stdout)["data"]) == 1  # all or none
    assert run("state", "list").exit_code == ExitCode.OK


def test_new_commands_complete() -> None:
    import os
    import subprocess
    import sys

    script = Path(sys.executable).parent / "outreach"

    def complete(words: str, cword: int) -> list[str]:
        env = {**os.environ, "_OUTREACH_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(cword)}
        out = subprocess.run([str(script)], capture_output=True, text=True, env=env, check=False)
        return out.stdout.split()

    assert complete("outreach im", 1) == ["import"]
    assert complete("outreach sh", 1) == ["show"]
    assert complete("outreach state ", 2) == ["list", "forget"]
    assert complete("outreach apply --pl", 2) == ["--plan"]
