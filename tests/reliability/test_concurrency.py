"""One apply at a time per state dir, and Ctrl-C during an apply."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from outreach_cli import apply, plan
from outreach_cli.lock import LockBusy, apply_lock
from outreach_cli.sandbox import server
from outreach_cli.session import SANDBOX_KEYS, Session
from outreach_cli.state import State
from outreach_cli.validate import validate_paths
from tests.reliability.helpers import apply_once, fleet, remote_names

CLI = [sys.executable, "-c", "from outreach_cli.cli.app import main; main()"]


def _env(url: str, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The sandbox's demo keys: remote_names() reads the same workspaces.
    env.update(
        {
            "OUTREACH_SENDKIT_URL": url + "/sendkit/v1",
            **{
                v: SANDBOX_KEYS[k]
                for k, v in (
                    ("sendkit", "SENDKIT_API_KEY"),
                    ("puffle", "PUFFLE_API_KEY"),
                    ("lemlist", "LEMLIST_API_KEY"),
                )
            },
            "OUTREACH_PUFFLE_URL": url + "/puffle/api",
            "OUTREACH_LEMLIST_URL": url + "/lemlist/api",
            "OUTREACH_LOCK_TIMEOUT": "120",
            "NO_COLOR": "1",
        }
    )
    return env


@pytest.mark.slow
def test_two_applies_at_once_create_each_campaign_once(tmp_path: Path) -> None:
    folder = fleet(
        tmp_path / "campaigns",
        10,
        only=("sendkit/q2-decision-makers", "puffle/email-seed-founders"),
    )
    with server.start(str(tmp_path / "sb.sqlite3"), faults=server.Faults(latency_ms=20)) as running:
        cmd = [*CLI, "apply", "--yes", str(folder), "--state-dir", str(tmp_path / "state")]
        procs = [
            subprocess.Popen(
                cmd,
                env=_env(running.url, tmp_path),
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
        running.sandbox.faults = server.Faults()
        names = remote_names(running.url)
    assert [r[2] for r in results] == [0, 0], results
    # One of them created all ten; the other waited for the lock and found nothing to do.
    assert sorted("Nothing to apply." in r[1] for r in results) == [False, True]
    ours = {k: v for k, v in names.items() if k[1].rsplit(" - ", 1)[-1].isdigit()}
    assert len(ours) == 10 and set(ours.values()) == {1}


@pytest.mark.slow
def test_a_second_apply_that_cannot_wait_names_the_holder_and_sends_nothing(tmp_path: Path) -> None:
    folder = fleet(tmp_path / "campaigns", 2, only=("sendkit/q2-decision-makers",))
    with server.start(":memory:") as running, apply_lock(tmp_path / "state"):
        env = _env(running.url, tmp_path) | {"OUTREACH_LOCK_TIMEOUT": "0.2"}
        proc = subprocess.run(
            [*CLI, "apply", "--yes", str(folder), "--state-dir", str(tmp_path / "state")],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        log = list(running.sandbox.request_log)
    assert proc.returncode == 1
    assert f"pid {os.getpid()}" in proc.stderr and "another apply is running" in proc.stderr
    assert log == []  # not even a read


def test_lock_times_out_in_process(tmp_path: Path) -> None:
    with apply_lock(tmp_path), pytest.raises(LockBusy) as info, apply_lock(tmp_path, 0.05):
        pass
    assert f"pid {os.getpid()}" in info.value.message


def _interrupt_during(run: object, delays: list[float]) -> object:
    """Run `run()` with a Ctrl-C at each delay; a press arriving after it returned is
    ignored (it would hit pytest instead)."""
    live = threading.Event()
    live.set()

    def handler(signum: int, frame: object) -> None:
        if live.is_set():
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    timers = [threading.Timer(d, os.kill, (os.getpid(), signal.SIGINT)) for d in delays]
    try:
        for t in timers:
            t.start()
        return run()  # type: ignore[operator]
    finally:
        live.clear()
        for t in timers:
            t.cancel()
            if t.is_alive():
                t.join()
        signal.signal(signal.SIGINT, previous)


@pytest.mark.slow
@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_reports_what_was_and_was_not_done(tmp_path: Path, presses: int) -> None:
    folder = fleet(
        tmp_path / "campaigns",
        12,
        only=("sendkit/q2-decision-makers", "puffle/email-seed-founders"),
    )
    docs = validate_paths([str(folder)]).documents
    notices: list[str] = []
    with server.start(":memory:", faults=server.Faults(latency_ms=60)) as running:
        with Session(sandbox=True, sandbox_url=running.url, state_dir=tmp_path / "s") as s:
            built = plan.build(docs, s.provider, s.state)
            report = _interrupt_during(
                lambda: apply.run(built, s.provider, s.state, concurrency=2, notice=notices.append),
                [0.5, 0.9][:presses],
            )
        running.sandbox.faults = server.Faults()
        assert report.interrupted and report.exit_code() == 130  # type: ignore[attr-defined]
        assert "Press Ctrl-C again to stop now" in notices[0]
        results = [o.result for o in report.outcomes]  # type: ignore[attr-defined]
        assert "skipped" in results
        if presses == 1:
            assert "interrupted" not in results  # in-flight work was allowed to finish
        # Every campaign that exists is in state, by id.
        state = State(tmp_path / "s")
        recorded = {e.id for e in state.entries.values()}
        with Session(sandbox=True, sandbox_url=running.url) as s:
            for name in ("sendkit", "puffle"):
                for d in docs:
                    if d.provider == name:
                        for r in s.provider(name).find_by_name(str(d.campaign["name"])):
                            assert r.id in recorded, (d.address, r.id)
        # And the next run finishes the job.
        again = apply_once([str(folder)], running.url, tmp_path / "s")
        assert not again.count("failed"), again.outcomes
        ours = {
            k: v
            for k, v in remote_names(running.url).items()
            if k[1].rsplit(" - ", 1)[-1].isdigit()
        }
        assert len(ours) == 12 and set(ours.values()) == {1}
