"""outreach state list / forget, and orphans reported by plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach_cli.errors import ExitCode
from tests.helpers import run


def test_orphans_list_and_forget(campaigns_dir: Path) -> None:
    folder = campaigns_dir / "sendkit"
    assert run("apply", "--sandbox", "--yes", str(folder)).exit_code == ExitCode.OK
    listed = json.loads(run("state", "list", "-f", "json").stdout)["data"]
    assert [r["address"] for r in listed] == [
        "sendkit/founders-ab-test",
        "sendkit/q2-decision-makers",
    ]
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


@pytest.mark.slow
def test_new_commands_complete() -> None:
    import os
    import subprocess
    import sys

    script = Path(sys.executable).parent / "outreach"

    def complete(words: str, cword: int) -> list[str]:
        env = {
            **os.environ,
            "_OUTREACH_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(cword),
        }
        out = subprocess.run([str(script)], capture_output=True, text=True, env=env, check=False)
        return out.stdout.split()

    assert complete("outreach im", 1) == ["import"]
    assert complete("outreach sh", 1) == ["show"]
    assert complete("outreach state ", 2) == ["list", "forget", "mv", "show", "path"]
    assert complete("outreach apply --pl", 2) == ["--plan"]


def _orphan_and_file_warning(campaigns_dir: Path) -> tuple[Path, Path]:
    """Both SendKit examples applied, then one file deleted (an orphan) and a subject in the
    other made to use a field no lead has (a warning at line 15): the folder and that file."""
    folder = campaigns_dir / "sendkit"
    assert run("apply", "--sandbox", "--yes", str(folder)).exit_code == ExitCode.OK
    (folder / "founders-ab-test.yaml").unlink()
    q2 = folder / "q2-decision-makers.yaml"
    lines = q2.read_text().splitlines(keepends=True)
    assert lines[14].strip().startswith("subject:")  # line 15: the bump's subject
    lines[14] = '      subject: "Re: {{favouriteColour}}"\n'
    q2.write_text("".join(lines))
    return folder, q2


def test_plan_json_carries_orphans_and_file_warnings_as_warnings(campaigns_dir: Path) -> None:
    # The envelope's errors hold every warning (envelope.schema.json), not only stderr.
    folder, q2 = _orphan_and_file_warning(campaigns_dir)
    plan = run("plan", "--sandbox", "-f", "json", str(folder))
    assert plan.exit_code == ExitCode.OK, plan.stderr
    doc = json.loads(plan.stdout)
    assert doc["ok"] is True
    orphans = [e for e in doc["errors"] if e["code"] == "orphan"]
    assert orphans == [
        {
            "severity": "warning",
            "code": "orphan",
            "campaign": "sendkit/founders-ab-test",
            "message": orphans[0]["message"],
            "hint": "`outreach state forget sendkit/founders-ab-test` drops the record",
            "file": None,
            "line": None,
            "column": None,
            "field": None,
        }
    ]
    assert "in state, no file" in orphans[0]["message"]
    assert "in state, no file" in plan.stderr  # and still said on stderr
    [copy] = [e for e in doc["errors"] if e["code"] != "orphan"]
    assert copy["severity"] == "warning" and "favouriteColour" in copy["message"]
    assert (copy["file"], copy["line"]) == (str(q2), 15) and copy["field"].endswith("subject")


def test_the_markdown_comment_lists_orphans_and_file_warnings(campaigns_dir: Path) -> None:
    # A CI job posts stdout as the pull-request comment: stderr's warnings must be in it.
    folder, q2 = _orphan_and_file_warning(campaigns_dir)
    plan = run("plan", "--sandbox", "-f", "markdown", str(folder))
    assert plan.exit_code == ExitCode.OK, plan.stderr
    head = plan.stdout.split("<details>")[0]
    assert "**2 warnings**" in head
    assert ("- <code>sendkit/founders-ab-test</code>: sendkit/founders-ab-test (") in head
    assert (
        "in state, no file: nothing will be done to it (`outreach state forget "
        "sendkit/founders-ab-test` drops the record)" in head
    )
    assert f"- <code>{q2}:15:" in head and "favouriteColour" in head
