"""Figures for the reliability notes: runs until apply converges under injected faults.

python -m tests.reliability.converge [COUNT] [SEED] [KINDS]   (defaults: 100 7 status,lost,drop)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from outreach_cli.sandbox import server
from outreach_cli.state import State
from tests.reliability.helpers import apply_once, fleet, plan_once, remote_names


def main(count: int, seed: int, kinds: tuple[str, ...], rate: float = 0.3) -> None:
    tmp = Path(tempfile.mkdtemp())
    folder = fleet(tmp / "c", count)
    running = server.start(":memory:")
    t0 = time.monotonic()
    for run in range(1, 8):
        running.sandbox.faults = server.Faults(0, rate, seed * 100 + run, kinds)
        before = len(running.sandbox.request_log)
        report = apply_once([str(folder)], running.url, tmp / "state")
        sent = len(running.sandbox.request_log) - before
        running.sandbox.faults = server.Faults()
        plan = plan_once([str(folder)], running.url, tmp / "state")
        left = sum(1 for c in plan.campaigns if c.has_changes or c.error)
        print(
            f"run {run}: {time.monotonic() - t0:6.1f} s, {sent} requests, "
            f"applied {report.count('applied')}, failed {report.count('failed')}, "
            f"still to do {left}"
        )
        if not left:
            break
    names = remote_names(running.url)
    ours = {k: v for k, v in names.items() if k[1].rsplit(" - ", 1)[-1].isdigit()}
    stuck = [a for a, e in State(tmp / "state").entries.items() if e.creating]
    print(
        f"converged after {run} run(s): {len(ours)} campaigns, "
        f"{sum(v - 1 for v in ours.values())} duplicates, {len(stuck)} unfinished"
    )
    running.stop()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        int(args[0]) if args else 100,
        int(args[1]) if len(args) > 1 else 7,
        tuple((args[2] if len(args) > 2 else "status,lost,drop").split(",")),
    )
