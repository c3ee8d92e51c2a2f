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

    def plan_one(doc: Any, provider_for: Any, state: Any) -> Any:
        with lock:
            started.append(doc)
        time.sleep(0.005 * (doc % 3))  # finishing out of order
        return doc

    monkeypatch.setattr(planner, "plan_one", plan_one)
    return started


def test_on_plan_gets_every_campaign_in_file_order(monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_plans(monkeypatch)
    seen: list[Any] = []
    plan = planner.build(list(range(30)), None, None, concurrency=4,  # type: ignore[arg-type]
                         on_plan=seen.append)
    assert seen == list(range(30)) == list(plan.campaigns)


def test_a_failing_on_plan_cancels_the_reads_not_started(
        monkeypatch: pytest.MonkeyPatch) -> None:
    started = _slow_plans(monkeypatch)

    def renderer_bug(cp: Any) -> None:
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError, match="renderer bug"):
        planner.build(list(range(200)), None, None, concurrency=2,  # type: ignore[arg-type]
                      on_plan=renderer_bug)
    assert len(started) < 20, len(started)  # not all 200 read before the error surfaced


def _counting(monkeypatch: pytest.MonkeyPatch, gate: threading.Event | None = None) -> list[Any]:
    calls: list[Any] = []
    lock = threading.Lock()

    def plan_one(doc: Any, provider_for: Any, state: Any) -> Any:
        with lock:
            calls.append(doc)
        if gate is not None:
            gate.wait(10)
        return ("planned", doc)

    monkeypatch.setattr(planner, "plan_one", plan_one)
    return calls


def test_reads_started_early_are_used_once_and_the_rest_started_by_plan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    docs = [f"doc-{i}" for i in range(12)]
    with planner.Reads(None, None, concurrency=3) as reads:  # type: ignore[arg-type]
        for d in docs[:5]:
            reads.start(d)
        reads.start(docs[0])  # twice: still one read
        plan = reads.plan(docs)
    assert list(plan.campaigns) == [("planned", d) for d in docs]
    assert sorted(calls) == sorted(docs)  # every document read exactly once


def test_a_completed_plan_leaves_no_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # The console script's fast exit is taken only when no other thread is alive.
    _counting(monkeypatch)
    before = threading.active_count()
    planner.build([f"d{i}" for i in range(40)], None, None, concurrency=8)  # type: ignore[arg-type]
    assert threading.active_count() == before


def test_a_stopped_plan_does_not_wait_out_reads_in_flight_nor_send_the_rest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate = threading.Event()  # a platform that does not answer until the end of the test
    calls = _counting(monkeypatch, gate)
    monkeypatch.setattr(planner.Reads, "STOP_GRACE", 0.2)
    left = threading.Event()

    def stopped_plan() -> None:
        with pytest.raises(ValueError), \
                planner.Reads(None, None, concurrency=2) as reads:  # type: ignore[arg-type]
            for i in range(10):
                reads.start(f"doc-{i}")
            raise ValueError("a later file failed validation")
        left.set()

    runner = threading.Thread(target=stopped_plan, daemon=True)
    runner.start()
    try:
        # Left after the grace while both reads in flight are still unanswered (waiting for
        # them would hang here).
        assert left.wait(5)
        assert not gate.is_set() and len(calls) == 2
    finally:
        gate.set()
    runner.join(5)
    time.sleep(0.05)
    assert len(calls) == 2  # the eight reads not yet sent never were
