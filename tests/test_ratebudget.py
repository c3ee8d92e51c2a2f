"""One rate budget per API key across processes (ratebudget.py), tested with real processes."""

from __future__ import annotations

import bisect
import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from outreach_cli.http import RateLimiter, shared_limiter
from outreach_cli.ratebudget import SharedRateLimiter, budget_path
from outreach_cli.sandbox import server
from tests.helpers import run

CLI = [sys.executable, "-c", "from outreach_cli.cli.app import main; main()"]
PREFIX = "/lemlist/api"


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max((bisect.bisect_left(times, t + window) - i for i, t in enumerate(times)), default=0)


def test_the_budget_file_is_private_and_named_by_a_hash_of_the_key(tmp_path: Path) -> None:
    key = "lemlist-secret-key-0123456789"
    path = budget_path("lemlist", key, tmp_path / "rl")
    lim = SharedRateLimiter(path, 20, 2.0)
    lim.release(lim.acquire())
    assert key not in path.name
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for f in path.parent.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        assert key.encode() not in f.read_bytes()
    # Another key, another budget; the same key, the same file.
    assert budget_path("lemlist", key + "x", tmp_path / "rl") != path
    assert budget_path("lemlist", key, tmp_path / "rl") == path


def test_shared_limiter_uses_the_users_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(tmp_path / "cache"))
    lim = shared_limiter("lemlist", "k-cache-folder", 20, 2.0)
    assert isinstance(lim, SharedRateLimiter)
    assert lim.path.parent == tmp_path / "cache" / "ratelimit"
    assert shared_limiter("lemlist", "k-cache-folder", 20, 2.0) is lim


def test_an_unwritable_cache_folder_falls_back_to_this_process_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(blocker))
    assert isinstance(shared_limiter("lemlist", "k-fallback", 20, 2.0), RateLimiter)


@pytest.mark.slow
def test_two_limiters_on_one_file_never_exceed_the_limit_together(tmp_path: Path) -> None:
    path = budget_path("lemlist", "k-two", tmp_path)
    limiters = [SharedRateLimiter(path, 5, 0.3) for _ in range(2)]
    sent: list[float] = []
    lock = threading.Lock()

    def worker(lim: SharedRateLimiter) -> None:
        for _ in range(15):
            token = lim.acquire()
            with lock:
                sent.append(time.time())
            time.sleep(0.002)  # the request in flight
            lim.release(token)

    threads = [threading.Thread(target=worker, args=(lim,)) for lim in limiters for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 90
    assert _max_in_window(sent, 0.3) <= 5


def test_a_slot_of_a_dead_process_is_freed(tmp_path: Path) -> None:
    path = budget_path("lemlist", "k-dead", tmp_path)
    lim = SharedRateLimiter(path, 2, 60.0)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    data = json.loads(path.read_text())
    data["slots"] = [
        {"id": "x", "pid": pid, "sent": time.time(), "done": None},
        {"id": "y", "pid": os.getpid(), "sent": time.time(), "done": None},
    ]
    path.write_text(json.dumps(data))
    started = time.monotonic()
    lim.acquire()  # the dead process's in-flight slot is dropped: no 60 s wait
    assert time.monotonic() - started < 30


def test_a_pause_in_one_process_holds_the_others(tmp_path: Path) -> None:
    path = budget_path("lemlist", "k-pause", tmp_path)
    one, other = SharedRateLimiter(path, 20, 2.0), SharedRateLimiter(path, 20, 2.0)
    one.pause(0.4)
    started = time.monotonic()
    other.release(other.acquire())
    assert time.monotonic() - started >= 0.35


# -- real processes against the sandbox with lemlist's limit on ---------------------------------

CAMPAIGN = """\
provider: lemlist
key: shared-{p}-{i}
campaign:
  name: Shared key {p} {i}
  steps:
    - {{type: email, delay: 0, subject: "Hello {i}", message: "<p>Hi</p>"}}
    - {{type: email, delay: 2, subject: "Again {i}", message: "<p>Bump</p>"}}
"""


def _folder(root: Path, p: int, n: int) -> Path:
    folder = root / f"checkout-{p}" / "campaigns"
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"c{i}.yaml").write_text(CAMPAIGN.format(p=p, i=i))
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("processes", [2, 3])
def test_processes_on_one_key_share_one_budget_and_get_no_429(
    tmp_path: Path, processes: int
) -> None:
    """Two and three `outreach apply` processes (two checkouts: their own folders and state
    dirs) on one lemlist key at once: the sandbox, enforcing lemlist's 20 requests per 2 s,
    answers none of them 429, and never sees more than 20 in 2 s."""
    with server.start(":memory:", rate_limit=True) as running:
        emu = next(e for e in running.sandbox.emulators if e.prefix == PREFIX)
        seen: list[float] = []
        clock = emu.monotonic

        def recording() -> float:  # called once per request the limiter checks
            t = clock()
            seen.append(t)
            return t

        emu.monotonic = recording
        env = {
            **os.environ,
            "LEMLIST_API_KEY": "shared-key-" + tmp_path.name,
            "OUTREACH_LEMLIST_URL": running.url + PREFIX,
            "NO_COLOR": "1",
        }
        env.pop("OUTREACH_RATE_LIMIT", None)
        procs = []
        for p in range(processes):
            folder = _folder(tmp_path, p, 3)
            procs.append(
                subprocess.Popen(
                    [
                        *CLI,
                        "apply",
                        "--yes",
                        "--format",
                        "json",
                        str(folder),
                        "--state-dir",
                        str(folder.parent / ".outreach"),
                    ],
                    env=env,
                    cwd=folder.parent,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        results = [p.communicate(timeout=600) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0] * processes, results
    for out, _, _ in results:
        summary = json.loads(out)["data"]["summary"]
        assert summary["applied"] == 3 and summary["rateLimited"] == 0, summary
    assert emu.rate_limited == 0
    assert all(r[2] != 429 for r in running.sandbox.request_log)
    assert _max_in_window(seen, 2.0) <= 20
    assert len(seen) > 20 * processes  # enough requests that the budget had to be shared


@pytest.mark.slow
def test_a_429_that_still_comes_is_waited_out_and_counted(
    limited_sandbox: Any, env_sandbox: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Another tool on the same key filled the window: outreach's first request gets a 429,
    waits for its Retry-After, and the apply summary says so."""
    url = limited_sandbox.url
    monkeypatch.setenv("OUTREACH_LEMLIST_URL", url + PREFIX)
    monkeypatch.delenv("OUTREACH_RATE_LIMIT")
    key = "k-other-tool-" + tmp_path.name
    monkeypatch.setenv("LEMLIST_API_KEY", key)
    for n, fmt in enumerate(("json", "text")):
        folder = tmp_path / fmt
        folder.mkdir()
        (folder / "c.yaml").write_text(CAMPAIGN.format(p=n, i=n))
        time.sleep(2.05 * n)  # the first apply's requests leave the window
        with httpx.Client(base_url=url + PREFIX, auth=("", key)) as other:
            assert all(other.get("/team").status_code == 200 for _ in range(20))
        started = time.monotonic()
        result = run("apply", "--yes", "--format", fmt, str(folder))
        assert result.exit_code == 0, result.stderr
        assert time.monotonic() - started >= 0.9  # Retry-After (≥ 1 s) was honoured
        if fmt == "json":
            summary = json.loads(result.stdout)["data"]["summary"]
            assert summary["applied"] == 1 and summary["rateLimited"] >= 1, summary
        else:
            assert "1 applied" in result.stderr
            assert "answered 429 (rate limit), retried after Retry-After" in result.stderr
