"""The console script leaves without the interpreter's teardown (cli/app.finish), and loses
nothing by it: the same exit codes and bytes as a normal exit, exit handlers run, and a normal
exit whenever another thread is still alive."""

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


def _run(args: list[str], normal: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OUTREACH_NORMAL_EXIT"}
    if normal:
        env["OUTREACH_NORMAL_EXIT"] = "1"
    env.update({"NO_COLOR": "1", "COLUMNS": "100"})
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env,
                          cwd=REPO, check=False, timeout=60)


@pytest.mark.parametrize("args,code", [
    (["--version"], 0),
    (["validate", "campaigns"], 0),
    (["validate", "no/such/folder"], 64),
    (["validate", "campaigns", "--format", "json"], 0),
    (["schema", "sendkit"], 0),
    (["plan", "--bogus-option"], 64),
])
def test_fast_exit_gives_what_a_normal_exit_gives(args: list[str], code: int) -> None:
    fast, normal = _run(args, normal=False), _run(args, normal=True)
    assert fast.returncode == normal.returncode == code, (fast.stderr, normal.stderr)
    assert fast.stdout == normal.stdout and fast.stderr == normal.stderr
    if "json" in args or args[0] == "schema":
        json.loads(fast.stdout)  # a large output arrives whole


def _probe(body: str) -> subprocess.CompletedProcess[str]:
    code = ("import atexit, sys, threading, time\n" + body +
            "\nsys.argv = ['outreach', '--version']\n"
            "from outreach_cli.cli.app import main\nmain()\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=60)


def test_exit_handlers_still_run() -> None:
    out = _probe("atexit.register(lambda: print('handler ran', flush=True))")
    assert out.returncode == 0
    assert out.stdout.splitlines() == [f"outreach {__version__}", "handler ran"]


def test_a_live_thread_gets_a_normal_exit_which_waits_for_it() -> None:
    out = _probe("threading.Thread(target=lambda: (time.sleep(2), print('thread done', "
                 "flush=True))).start()")
    assert out.returncode == 0
    assert out.stdout.splitlines() == [f"outreach {__version__}", "thread done"]


def test_a_closed_stdout_is_no_crash() -> None:
    # sys.stdout is None when descriptor 1 was closed before the start (`outreach … >&-`).
    out = subprocess.run([SCRIPT, "--version"], capture_output=True, text=True, check=False,
                         timeout=60, preexec_fn=lambda: os.close(1))
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
