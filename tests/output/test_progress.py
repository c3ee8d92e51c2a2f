"""Progress on long runs (issue 22, item 1): each campaign's block or outcome as soon as it is
known, and a live counter on a terminal's stderr that a pipe never sees."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from outreach_cli.output.progress import CLEAR, Ticker, elapsed
from tests.helpers import sendkit_files

SCRIPT = str(Path(sys.executable).parent / "outreach")


def test_elapsed_in_whole_units() -> None:
    assert [elapsed(s) for s in (0, 9.7, 60, 125, 3725)] == [
        "0 s",
        "9 s",
        "1 min 0 s",
        "2 min 5 s",
        "1 h 2 min",
    ]


def test_the_counter_is_erased_before_other_lines_and_at_the_end() -> None:
    now = [100.0]
    stream = io.StringIO()
    t = Ticker(stream, 200, "read", clock=lambda: now[0]).start()
    now[0] += 9
    for _ in range(12):
        t.advance()
    assert stream.getvalue().endswith(CLEAR + "12/200 read, 9 s")
    t.write(lambda: stream.write("a line\n"))
    assert stream.getvalue().endswith(
        CLEAR + "12/200 read, 9 s" + CLEAR + "a line\n" + CLEAR + "12/200 read, 9 s"
    )
    t.stop()
    assert stream.getvalue().endswith("a line\n" + CLEAR + "12/200 read, 9 s" + CLEAR)
    t.advance()  # after the end: nothing more
    assert stream.getvalue().endswith(CLEAR)


def test_off_the_terminal_the_counter_writes_nothing() -> None:
    t = Ticker(None, 5, "read").start()
    t.advance()
    got: list[str] = []
    t.write(lambda: got.append("x"))
    t.stop()
    assert got == ["x"]


@pytest.fixture
def slow(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A sandbox answering every request after 700 ms, and the environment reaching it (its
    request log as `LOG`)."""
    from outreach_cli.sandbox import server

    running = server.start(":memory:", faults=server.Faults(latency_ms=700))
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_URL"))}
    env.update(
        {
            "NO_COLOR": "1",
            "COLUMNS": "100",
            "SENDKIT_API_KEY": "sk_test_workspace",
            "OUTREACH_SENDKIT_URL": running.url + "/sendkit/v1",
        }
    )
    LOG[:] = [running.sandbox.request_log]
    try:
        yield env
    finally:
        running.stop()


LOG: list[list[tuple[str, str, int]]] = []


def _answered(method: str = "") -> int:
    return sum(1 for m, _, _ in LOG[0] if m.startswith(method))


def _folder(tmp_path: Path, n: int) -> Path:
    return sendkit_files(tmp_path / "c", n, "Slow")


@pytest.mark.slow
def test_plan_prints_the_first_campaign_while_the_rest_are_read(
    tmp_path: Path, slow: dict[str, str]
) -> None:
    folder = _folder(tmp_path, 5)
    proc = subprocess.Popen(
        [SCRIPT, "plan", "--concurrency", "1", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=slow,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    answered = _answered()
    rest, err = proc.communicate(timeout=60)
    assert first.startswith("+ sendkit/c0 "), (first, err)
    # The first block arrived while the later campaigns were still being read.
    assert answered < _answered() == 5, (answered, LOG[0])
    assert rest.rstrip().endswith("Plan: 5 to create, 0 to update, 0 unchanged, 0 blocked.")
    assert "read," not in err and "\x1b" not in err  # no counter through a pipe


@pytest.mark.slow
def test_apply_shows_each_outcome_as_it_is_known(tmp_path: Path, slow: dict[str, str]) -> None:
    folder = _folder(tmp_path, 3)
    proc = subprocess.Popen(
        [SCRIPT, "apply", "--yes", "--concurrency", "1", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=slow,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()
    created = _answered("POST")
    _, err = proc.communicate(timeout=90)
    assert first.startswith("  applied sendkit/c0 ("), first
    assert created < _answered("POST")  # two more campaigns to create then
    lines = (first + err).splitlines()
    assert [line.split()[1] for line in lines[:3]] == ["sendkit/c0", "sendkit/c1", "sendkit/c2"]
    assert lines[3] == "Apply: 3 applied, 0 unchanged, 0 blocked, 0 failed"  # each once


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_counter_on_a_terminal_and_nothing_extra_on_stdout(
    tmp_path: Path, slow: dict[str, str], fmt: str
) -> None:
    folder = _folder(tmp_path, 3)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [SCRIPT, "plan", "--concurrency", "1", "--format", fmt, str(folder)],
        stdout=subprocess.PIPE,
        stderr=slave,
        cwd=tmp_path,
        env=slow,
        text=True,
    )
    os.close(slave)
    stdout, _ = proc.communicate(timeout=60)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    err = seen.decode()
    assert "0/3 read, 0 s" in err and "3/3 read, " in err, err
    assert err.endswith(CLEAR)  # gone at the end: the terminal keeps no counter
    if fmt == "json":
        assert json.loads(stdout)["data"]["summary"]["create"] == 3
    else:
        assert "read," not in stdout and "\x1b" not in stdout
