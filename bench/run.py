"""Benchmarks, run by hand: `python bench/run.py [--campaigns N]`.

Figures are printed as absolute times (this machine, this run) and as ratios within the run,
which are what to compare between runs on a shared, noisy machine. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SENDKIT_DOC = """\
provider: sendkit
key: bench-{i:04d}
status: active
campaign:
  name: Bench campaign {i:04d}
  sequence:
    - {{type: email, subject: "Hi {{{{firstName}}}} ({i})", body: "Line one\\n\\nLine two {i}"}}
    - {{type: wait, waitDays: 2}}
    - {{type: email, subject: "Re: hi", body: "<p>Bump {i}</p>"}}
  schedule: {{timezone: Europe/Paris, startTime: "09:00", endTime: "17:00", workingDays: [1, 2, 3]}}
  settings: {{dailySendLimit: {limit}, trackOpens: true}}
  mailboxTags: [outreach]
"""


def _time(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def startup() -> None:
    script = Path(sys.executable).parent / "outreach"
    runs = 7

    def best(cmd: list[str]) -> float:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            times.append(time.perf_counter() - t0)
        return min(times)

    base = best([sys.executable, "-c", "pass"])
    version = best([str(script), "--version"])
    helpt = best([str(script), "--help"])
    heavy = best([sys.executable, "-c", "import httpx, yaml, jsonschema, rich.table"])
    print(f"startup (best of {runs}): python -c pass {base*1000:.0f} ms; "
          f"outreach --version {version*1000:.0f} ms ({version/base:.1f}x); "
          f"--help {helpt*1000:.0f} ms ({helpt/base:.1f}x); "
          f"importing httpx+yaml+jsonschema+rich alone {heavy*1000:.0f} ms ({heavy/base:.1f}x)")


def validate_and_plan(n: int) -> None:
    from outreach_cli import apply as applier
    from outreach_cli import plan as planner
    from outreach_cli.session import Session
    from outreach_cli.validate import validate_paths

    work = Path(tempfile.mkdtemp(prefix="outreach-bench-"))
    try:
        folder = work / "campaigns"
        folder.mkdir()
        for i in range(n):
            (folder / f"c{i:04d}.yaml").write_text(SENDKIT_DOC.format(i=i, limit=50))
        tracemalloc.start()
        t_val, result = _time(lambda: validate_paths([str(folder)]))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        docs = result.documents  # type: ignore[attr-defined]
        assert len(docs) == n and not result.errors  # type: ignore[attr-defined]
        print(f"validate {n} files: {t_val:.2f} s ({t_val/n*1000:.1f} ms/file), "
              f"peak Python memory {peak/1e6:.1f} MB")
        os.chdir(work)
        for conc in (1, 8):
            # A fresh state dir (and so a fresh sandbox database) per round: all creates.
            with Session(sandbox=True, state_dir=str(work / f".outreach-{conc}")) as session:
                t0 = time.perf_counter()
                plan = planner.build(docs, session.provider, session.state, concurrency=conc)
                t1 = time.perf_counter()
                report = applier.run(plan, session.provider, session.state, concurrency=conc)
                t2 = time.perf_counter()
                again = planner.build(docs, session.provider, session.state, concurrency=conc)
                t3 = time.perf_counter()
                unchanged = sum(1 for c in again.campaigns if not c.has_changes)
                reqs = sum(session.provider(p).client.requests_sent for p in ("sendkit",))
            print(f"concurrency {conc}: plan {t1 - t0:.2f} s, apply {t2 - t1:.2f} s "
                  f"({report.count('applied')}/{n} applied), re-plan {t3 - t2:.2f} s "
                  f"({unchanged}/{n} unchanged), {reqs} requests; apply per campaign "
                  f"{(t2 - t1) / n * 1000:.1f} ms")
    finally:
        os.chdir(REPO)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--campaigns", type=int, default=200)
    args = parser.parse_args()
    startup()
    validate_and_plan(args.campaigns)


if __name__ == "__main__":
    main()
