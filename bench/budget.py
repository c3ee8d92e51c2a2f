"""Issue 23's figures as ratios from one run, by hand: `python bench/budget.py [--suite]`.

1. Requests per lemlist campaign for plan, create, a one-field update and a pause, against the
   documented minimum (bench/requests.py, README "Requests per operation").
2. One lemlist key shared by 2 and then 3 `outreach apply` processes at once (each its own
   checkout: folder and state dir; `--campaigns` lemlist campaigns each), against the sandbox
   enforcing lemlist's 20 requests per 2 s: the 429s it answered, the most requests it saw in
   any 2 s, and the rate the processes achieved together as a fraction of the allowed rate:

       rate = requests / (busy seconds + one window) / (20 / 2 s)

   (busy: the sandbox's first request to its last; a sender at exactly the limit scores 1.0).
3. With `--suite`: the test suite's wall time, all of it and the fast set (`-m "not slow"`),
   with the README's command (`-n auto`), as a fraction of the issue's 500 s (491–513 s) and
   of two minutes.

Nothing is asserted. The machine is shared: every time here is one run's.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.lemlist_rate import DOC  # noqa: E402  (the rate bench's campaign)

PREFIX = "/lemlist/api"
CLI = [sys.executable, "-c", "from outreach_cli.cli.app import main; main()"]
ISSUE_SUITE_SECONDS = 500.0


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max((bisect.bisect_left(times, t + window) - i for i, t in enumerate(times)), default=0)


def shared_key(processes: int, campaigns: int) -> dict[str, float]:
    from outreach_cli.sandbox import server

    with (
        tempfile.TemporaryDirectory(prefix="outreach-shared-key-") as tmp,
        server.start(":memory:", rate_limit=True) as running,
    ):
        emu = next(e for e in running.sandbox.emulators if e.prefix == PREFIX)
        seen: list[float] = []
        clock = emu.monotonic

        def recording() -> float:
            t = clock()
            seen.append(t)
            return t

        emu.monotonic = recording
        env = {
            **os.environ,
            "LEMLIST_API_KEY": f"bench-shared-{processes}-{time.time()}",
            "OUTREACH_LEMLIST_URL": running.url + PREFIX,
            "NO_COLOR": "1",
            "OUTREACH_CACHE_DIR": str(Path(tmp) / "cache"),
        }
        env.pop("OUTREACH_RATE_LIMIT", None)
        procs = []
        for p in range(processes):
            folder = Path(tmp) / f"checkout-{p}" / "campaigns"
            folder.mkdir(parents=True)
            for i in range(campaigns):
                text = DOC.format(i=p * 1000 + i).replace("key: rate-", f"key: p{p}-rate-")
                (folder / f"c{i:03d}.yaml").write_text(text)
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
        outs = [p.communicate(timeout=1800) for p in procs]
        codes = [p.returncode for p in procs]
        lemlist = [r for r in running.sandbox.request_log if r[1].startswith(PREFIX)]
    client_429 = 0
    for out, err in outs:
        try:
            client_429 += json.loads(out)["data"]["summary"].get("rateLimited", 0)
        except (ValueError, KeyError, TypeError):
            print(err[-2000:], file=sys.stderr)
    times = sorted(seen)
    busy = times[-1] - times[0] if times else 0.0
    rate = len(times) / (busy + 2.0) / 10.0 if times else 0.0
    return {
        "processes": processes,
        "exit codes ok": float(codes == [0] * processes),
        "requests": len(lemlist),
        "429s (sandbox)": emu.rate_limited,
        "429s (summaries)": client_429,
        "most in any 2 s": max_in_window(times, 2.0),
        "fraction of the allowed rate": round(rate, 3),
    }


def suite(*extra: str) -> float:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto", *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    print("   " + (proc.stdout.strip().splitlines() or ["(no output)"])[-1])
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--campaigns",
        type=int,
        default=20,
        help="lemlist campaigns per process in the shared-key run",
    )
    parser.add_argument("--suite", action="store_true", help="also time the test suite")
    args = parser.parse_args()

    print("1. requests per lemlist campaign, measured / documented minimum")
    out = subprocess.run(
        [sys.executable, str(REPO / "bench" / "requests.py"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name, row in json.loads(out).items():
        print(f"   {name:<18} {row['measured']:>3} / {row['minimum']:>3} = {row['ratio']:.2f}")

    print("\n2. one lemlist key, several processes at once (sandbox enforcing 20 / 2 s)")
    for n in (2, 3):
        r = shared_key(n, args.campaigns)
        print(
            f"   {n} processes: {r['requests']} requests, {r['429s (sandbox)']} answered 429 "
            f"({r['429s (summaries)']} in the apply summaries), at most "
            f"{r['most in any 2 s']} in any 2 s, {r['fraction of the allowed rate']:.3f} "
            f"of the allowed rate" + ("" if r["exit codes ok"] else "; AN APPLY FAILED")
        )

    if args.suite:
        print("\n3. the test suite, `python -m pytest -q -p no:cacheprovider -n auto`")
        whole = suite()
        print(
            f"   all: {whole:.0f} s = {whole / ISSUE_SUITE_SECONDS:.2f} of the issue's "
            f"{ISSUE_SUITE_SECONDS:.0f} s"
        )
        fast = suite("-m", "not slow")
        print(f"   -m 'not slow': {fast:.0f} s = {fast / 120:.2f} of two minutes")


if __name__ == "__main__":
    main()
