"""plan.build hands each campaign's plan to on_plan in file order, and stops early when it fails."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from outreach_cli import plan as planner


def _slow_plans(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    started: list[Any] = []
    lock = threading.Lock()

    def plan_one(doc: Any, provider_for: Any, state: Any, **_: Any) -> Any:
        with lock:
            started.append(doc)
        time.sleep(0.005 * (doc % 3))  # finishing out of order
        return doc

    monkeypatch.setattr(planner, "plan_one", plan_one)
    return started


def test_on_plan_gets_every_campaign_in_file_order(monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_plans(monkeypatch)
    seen: list[Any] = []
    plan = planner.build(
        list(range(30)),
        None,
        None,
        concurrency=4,  # type: ignore[arg-type]
        on_plan=seen.append,
    )
    assert seen == list(range(30)) == list(plan.campaigns)


def test_a_failing_on_plan_cancels_the_reads_not_started(monkeypatch: pytest.MonkeyPatch) -> None:
    started = _slow_plans(monkeypatch)

    def renderer_bug(cp: Any) -> None:
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError, match="renderer bug"):
        planner.build(
            list(range(200)),
            None,
            None,
            concurrency=2,  # type: ignore[arg-type]
            on_plan=renderer_bug,
        )
    assert len(started) < 20, len(started)  # not all 200 read before the error surfaced
