"""A create killed at each of its writes: state records the campaign, nothing starts it
half-built, and the next apply completes it (no duplicate, no campaign wedged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli import http
from outreach_cli.sandbox import server
from outreach_cli.state import State
from tests.reliability.helpers import apply_once, fleet, plan_once, remote_names


class Killed(BaseException):
    """The process dying mid-request (not an Exception: nothing in apply catches it)."""


def writes_of_a_create(tmp_path: Path, example: str) -> int:
    folder = fleet(tmp_path / "probe", 1, only=(example,))
    with server.start(":memory:") as running:
        apply_once([str(folder)], running.url, tmp_path / "probe-state")
        return sum(1 for m, p, _ in running.sandbox.request_log if m != "GET")


@pytest.mark.slow  # a process killed at each write of a create: dozens of processes
@pytest.mark.parametrize(
    "example",
    ["lemlist/heads-of-growth", "sendkit/q2-decision-makers", "puffle/email-seed-founders"],
)
def test_kill_at_each_write_of_a_create(
    tmp_path: Path, example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = writes_of_a_create(tmp_path, example)
    assert total >= 2
    original = http.Api.request
    for kill_at in range(1, total + 1):
        folder = fleet(tmp_path / f"c{kill_at}", 1, only=(example,))
        state_dir = tmp_path / f"state{kill_at}"
        sent = {"writes": 0}

        def dying(
            self: http.Api,
            method: str,
            path: str,
            *,
            sent: dict[str, int] = sent,
            kill_at: int = kill_at,
            **kw: object,
        ) -> object:
            if method.upper() != "GET":
                sent["writes"] += 1
                if sent["writes"] == kill_at:
                    original(self, method, path, **kw)  # it lands; the answer never comes
                    raise Killed()
            return original(self, method, path, **kw)

        with server.start(":memory:") as running:
            monkeypatch.setattr(http.Api, "request", dying)
            report = apply_once([str(folder)], running.url, state_dir)
            monkeypatch.setattr(http.Api, "request", original)
            assert report.outcomes[0].result == "interrupted"
            log = running.sandbox.request_log
            # Nothing was started before the create was complete: a start, if any, is the
            # last write of a whole create.
            writes = [p for m, p, _ in log if m != "GET"]
            starts = [i for i, p in enumerate(writes) if p.endswith(("/start", "/launch"))]
            assert starts in ([], [total - 1]), (kill_at, writes)
            names = remote_names(running.url)
            ours = [k for k in names if k[1].endswith(" - 0")]
            entry = State(state_dir).get(f"{example.split('/')[0]}/{example.split('/')[1]}-0")
            if ours:  # the campaign exists: state knows it, as unfinished
                assert entry is not None and entry.creating, kill_at
            report = apply_once([str(folder)], running.url, state_dir)
            assert [o.result for o in report.outcomes] == ["applied"], report.outcomes
            plan = plan_once([str(folder)], running.url, state_dir)
            assert not plan.has_changes, [pc.change.dotted for pc in plan.campaigns[0].changes]
            names = remote_names(running.url)
            assert [v for k, v in names.items() if k[1].endswith(" - 0")] == [1]
            assert [e.creating for e in State(state_dir).entries.values()] == [False]


def test_a_new_sendkit_campaign_with_status_paused_is_never_started(tmp_path: Path) -> None:
    folder = fleet(tmp_path / "c", 1, only=("sendkit/founders-ab-test",))
    assert "status: paused" in next(folder.rglob("*.yaml")).read_text()
    with server.start(":memory:") as running:
        report = apply_once([str(folder)], running.url, tmp_path / "state")
        assert [o.result for o in report.outcomes] == ["applied"]
        assert not any(p.endswith(("/start", "/resume")) for _, p, _ in running.sandbox.request_log)
        plan = plan_once([str(folder)], running.url, tmp_path / "state")
        assert not plan.has_changes and plan.campaigns[0].remote.status == "draft"
