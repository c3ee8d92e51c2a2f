"""The console script as a user runs it: its exit codes, its output arriving whole through a
pipe, exit handlers run, and a closed stdout is no crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from outreach_cli import __version__
from tests.helpers import REPO

SCRIPT = str(Path(sys.executable).parent / "outreach")


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=60
    )


@pytest.mark.parametrize(
    "args,code",
    [
        (["--version"], 0),
        (["validate", "campaigns"], 0),
        (["validate", "no/such/folder"], 64),
        (["validate", "campaigns", "--format", "json"], 0),
        (["schema", "sendkit"], 0),
        (["plan", "--bogus-option"], 64),
    ],
)
def test_exit_codes_and_whole_output(args: list[str], code: int) -> None:
    out = _run(args)
    assert out.returncode == code, out.stderr
    assert "Traceback" not in out.stderr
    if "json" in args or args[0] == "schema":
        json.loads(out.stdout)  # a large output arrives whole
    if args == ["--version"]:
        assert out.stdout == f"outreach {__version__}\n"


def test_exit_handlers_still_run() -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('handler ran', flush=True))\n"
        "sys.argv = ['outreach', '--version']\n"
        "from outreach_cli.cli.app import main\nmain()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert out.returncode == 0
    assert out.stdout.splitlines() == [f"outreach {__version__}", "handler ran"]


def test_a_closed_stdout_is_no_crash() -> None:
    # sys.stdout is None when descriptor 1 was closed before the start (`outreach … >&-`).
    out = subprocess.run(
        [SCRIPT, "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
