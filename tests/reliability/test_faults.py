"""Apply converges under injected faults: lost answers, dropped connections, 429/5xx."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli.sandbox import server
from tests.reliability.helpers import apply_once, fleet, plan_once, remote_names

KINDS = ("status", "lost", "drop")


def converge(tmp_path: Path, count: int, seed: int, runs: int = 3) -> tuple[int, object, object]:
    """Apply `count` campaigns under 30 % faults until a clean plan shows nothing to do."""
    folder = fleet(tmp_path / "campaigns", count)
    running = server.start(":memory:", faults=server.Faults(0, 0.3, seed, KINDS))
    try:
        for run in range(1, runs + 1):
            running.sandbox.faults = server.Faults(0, 0.3, seed * 100 + run, KINDS)
            apply_once([str(folder)], running.url, tmp_path / "state")
            running.sandbox.faults = server.Faults()
            plan = plan_once([str(folder)], running.url, tmp_path / "state")
            if not plan.has_changes and not plan.errors:
                break
        names = remote_names(running.url)
    finally:
        running.stop()
    from outreach_cli.state import State

    return run, plan, (names, State(tmp_path / "state"))


def check(count: int, run: int, plan: object, extra: object) -> None:
    names, state = extra  # type: ignore[misc]
    assert not plan.has_changes and not plan.errors, [  # type: ignore[attr-defined]
        (c.address, c.error, [pc.change.dotted for pc in c.changes])
        for c in plan.campaigns
        if c.has_changes or c.error
    ]  # type: ignore[attr-defined]
    ours = {k: v for k, v in names.items() if k[1].rsplit(" - ", 1)[-1].isdigit()}
    assert len(ours) == count
    assert {k: v for k, v in ours.items() if v > 1} == {}  # 0 duplicates
    stuck = [a for a, e in state.entries.items() if e.creating]
    assert stuck == []  # 0 campaigns left unfinished


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_fifteen_campaigns_converge_under_faults(tmp_path: Path, seed: int) -> None:
    run, plan, extra = converge(tmp_path, 15, seed)
    check(15, run, plan, extra)
    assert run <= 3


@pytest.mark.slow
def test_hundred_mixed_campaigns_converge_in_three_runs(tmp_path: Path) -> None:
    run, plan, extra = converge(tmp_path, 100, 7)
    check(100, run, plan, extra)
    assert run <= 3
