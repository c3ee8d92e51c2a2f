"""apply verifies what it wrote the way the README promises, and sends nothing it must not
repeat twice (issue 21 item 2), against the sandbox over loopback HTTP. Each test here failed
when its guarantee was removed by hand (the read-back after the writes, the read-back before a
start, the lead PATCH's place in http.py's table of requests safe to repeat)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from outreach_cli import apply as applier
from outreach_cli import plan as planner
from outreach_cli.errors import ApiError, ExitCode
from outreach_cli.http import Api, RetryPolicy
from outreach_cli.providers.sendkit import SendKit
from outreach_cli.state import State
from outreach_cli.validate import validate_paths
from tests.helpers import track

KEY = "sk_verify_tests"
Fake = Callable[[httpx.Request], "httpx.Response | None"]


class Tampering(httpx.HTTPTransport):
    """Forward requests; `fake(request)` may answer one instead (the platform dropping what
    was sent), or `after(request, response)` replace the answer (one lost after acting)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []
        self.fake: Fake = lambda request: None
        self.after: Callable[[httpx.Request, httpx.Response], httpx.Response] = (
            lambda request, response: response
        )
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self._lock:
            self.sent.append((request.method, request.url.path))
        faked = self.fake(request)
        if faked is not None:
            return faked
        return self.after(request, super().handle_request(request))

    def writes(self, since: int = 0) -> list[tuple[str, str]]:
        return [(m, re.sub(r"[0-9a-f]{24}", "{id}", p)) for m, p in self.sent[since:] if m != "GET"]


def _env(
    sandbox: Any, tmp_path: Path, status: str = "paused"
) -> tuple[SendKit, Tampering, State, Path]:
    transport = Tampering()
    api = Api(
        "sendkit",
        sandbox.url + "/sendkit/v1",
        headers={"X-Api-Key": KEY},
        retry=RetryPolicy(base=0.001),
        transport=transport,
    )
    track(api)
    path = tmp_path / "campaign.yaml"
    _write(path, status, 50)
    return SendKit(api), transport, State(tmp_path / ".outreach"), path


def _write(path: Path, status: str, limit: int) -> None:
    path.write_text(
        yaml.safe_dump(
            {
                "provider": "sendkit",
                "key": "verify",
                "status": status,
                "campaign": {
                    "name": "Verify",
                    "sequence": [{"type": "email", "subject": "Hi", "body": "Hello {{firstName}}"}],
                    "subsequences": [
                        {
                            "name": "Interested",
                            "trigger": {"type": "ai_tag", "value": "Interested"},
                            "sequence": [
                                {"type": "email", "subject": "Next", "body": "Glad to hear it"}
                            ],
                        }
                    ],
                    "settings": {"dailySendLimit": limit},
                    "mailboxTags": ["outreach"],
                },
            },
            sort_keys=False,
        )
    )


def _plan(provider: SendKit, state: State, path: Path) -> planner.Plan:
    result = validate_paths([str(path)])
    assert not result.errors, [str(d) for d in result.errors]
    return planner.build(result.documents, lambda _: provider, state)


def _apply(provider: SendKit, state: State, path: Path) -> applier.Report:
    return applier.run(_plan(provider, state, path), lambda _: provider, state)


def _dropping_patches(request: httpx.Request) -> httpx.Response | None:
    """A platform that answers a campaign PATCH as done but keeps nothing of it."""
    if request.method == "PATCH" and re.search(r"/campaigns/[0-9a-f]{24}$", request.url.path):
        return httpx.Response(200, json={"success": True, "data": {}}, request=request)
    return None


def test_apply_reads_back_what_it_wrote_and_fails_when_the_platform_dropped_it(
    sandbox: Any, tmp_path: Path
) -> None:
    provider, transport, state, path = _env(sandbox, tmp_path)
    assert [o.result for o in _apply(provider, state, path).outcomes] == ["applied"]
    _write(path, "paused", 60)
    transport.fake = _dropping_patches
    mark = len(transport.sent)
    report = _apply(provider, state, path)
    (outcome,) = report.outcomes
    assert outcome.result == "failed", outcome
    assert "reading it back still differs: settings.dailySendLimit" in outcome.message
    assert report.exit_code() == ExitCode.ERROR
    # The read-back is a GET after the PATCH.
    after_patch = transport.sent[mark:]
    patch_at = after_patch.index(next(s for s in after_patch if s[0] == "PATCH"))
    assert any(m == "GET" for m, _ in after_patch[patch_at + 1 :])


def test_nothing_is_started_when_the_read_back_before_the_start_differs(
    sandbox: Any, tmp_path: Path
) -> None:
    provider, transport, state, path = _env(sandbox, tmp_path)
    assert [o.result for o in _apply(provider, state, path).outcomes] == ["applied"]
    _write(path, "active", 60)
    plan = _plan(provider, state, path)
    assert plan.campaigns[0].lifecycle.actions == ("start",)
    transport.fake = _dropping_patches
    mark = len(transport.sent)
    (outcome,) = applier.run(plan, lambda _: provider, state).outcomes
    assert outcome.result == "failed" and "not started" in outcome.message, outcome
    assert transport.writes(mark) == [("PATCH", "/sendkit/v1/campaigns/{id}")]
    transport.fake = lambda request: None
    assert _plan(provider, state, path).campaigns[0].remote.status == "draft"  # type: ignore[union-attr]


def test_a_lead_patch_whose_answer_is_lost_is_not_sent_again(sandbox: Any, tmp_path: Path) -> None:
    # http.py's table: SendKit's PATCH /campaigns/{id}/leads/{id} is NOT safe to repeat (a
    # repeat answers "no change" where the first one enrolled): a 5xx is reported, not retried.
    provider, transport, state, path = _env(sandbox, tmp_path)
    assert [o.result for o in _apply(provider, state, path).outcomes] == ["applied"]
    cid = state.get("sendkit/verify").id  # type: ignore[union-attr]
    with httpx.Client(base_url=sandbox.url + "/sendkit/v1", headers={"X-Api-Key": KEY}) as http:
        http.post(
            f"/campaigns/{cid}/leads", json={"leads": [{"email": "pat@example.org"}]}
        ).raise_for_status()
        lead = http.get(f"/campaigns/{cid}/leads").json()["data"][0]["_id"]
    lost = []

    def lose_first_lead_patch(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.method == "PATCH" and "/leads/" in request.url.path and not lost:
            lost.append(response.read())  # the server acted: the lead is enrolled
            return httpx.Response(
                503,
                json={
                    "success": False,
                    "error": {"code": "UNAVAILABLE", "message": "upstream timeout"},
                },
                request=request,
            )
        return response

    transport.after = lose_first_lead_patch
    mark = len(transport.sent)
    with pytest.raises(ApiError) as info:
        provider.leads.update_campaign_lead(cid, lead, {"aiTag": "Interested"})  # type: ignore[attr-defined]
    assert info.value.status == 503
    assert transport.writes(mark) == [("PATCH", "/sendkit/v1/campaigns/{id}/leads/{id}")]
    remote = provider.fetch(cid)
    assert remote is not None and remote.raw["subsequences"][0]["addedCount"] == 1
