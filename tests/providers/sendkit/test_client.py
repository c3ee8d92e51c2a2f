"""The SendKit adapter against the sandbox over real loopback HTTP."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from outreach_cli import apply as applier
from outreach_cli import plan as planner
from outreach_cli.http import Api, RetryPolicy
from outreach_cli.providers.sendkit import SendKit
from outreach_cli.providers.sendkit.adapter import to_tiptap
from outreach_cli.state import State
from outreach_cli.validate import validate_paths
from tests.helpers import track

KEY = "sk_client_tests"


class LoseCreateResponses(httpx.HTTPTransport):
    """Forward every request, but drop the answer to the first POST /campaigns after the
    server has processed it, as a dying connection would."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        with self._lock:
            if (
                request.method == "POST"
                and request.url.path.endswith("/campaigns")
                and not self.lost
            ):
                self.lost += 1
                response.read()
                raise httpx.ReadError("connection reset after the server answered", request=request)
        return response


def _provider(sandbox: Any, transport: httpx.BaseTransport | None = None) -> SendKit:
    api = Api(
        "sendkit",
        sandbox.url + "/sendkit/v1",
        headers={"X-Api-Key": KEY},
        retry=RetryPolicy(base=0.001),
        transport=transport,
    )
    track(api)
    return SendKit(api)


def _docs(campaigns_dir: Path, name: str) -> list[Any]:
    result = validate_paths([str(campaigns_dir / "sendkit" / name)])
    assert not result.errors
    return result.documents


def test_lost_create_response_makes_no_duplicate(sandbox: Any, campaigns_dir: Path) -> None:
    transport = LoseCreateResponses()
    provider = _provider(sandbox, transport)
    state = State(".outreach")
    docs = _docs(campaigns_dir, "q2-decision-makers.yaml")
    plan = planner.build(docs, lambda _: provider, state)
    report = applier.run(plan, lambda _: provider, state)
    assert transport.lost == 1
    assert [o.result for o in report.outcomes] == ["applied"]
    same_name = provider.find_by_name("Q2 Outbound - Decision Makers")
    assert len(same_name) == 1
    posts = [
        r for r in sandbox.sandbox.request_log if r[0] == "POST" and r[1].endswith("/campaigns")
    ]
    assert len(posts) == 1


def test_find_by_name_follows_cursor_pages(sandbox: Any) -> None:
    provider = _provider(sandbox)
    with httpx.Client(base_url=sandbox.url + "/sendkit/v1", headers={"X-Api-Key": KEY}) as http:
        for i in range(130):
            http.post("/campaigns", json={"name": f"Bulk {i:03d}"}).raise_for_status()
        http.post("/campaigns", json={"name": "Needle"}).raise_for_status()
    assert len(provider.list_campaigns()) == 131
    assert [r.name for r in provider.find_by_name("Needle")] == ["Needle"]
    assert provider.find_by_name("Bulk") == []  # exact names only, not the search's substring


def test_two_campaigns_with_the_name_ask_for_id(sandbox: Any, campaigns_dir: Path) -> None:
    provider = _provider(sandbox)
    with httpx.Client(base_url=sandbox.url + "/sendkit/v1", headers={"X-Api-Key": KEY}) as http:
        for _ in range(2):
            http.post("/campaigns", json={"name": "Q2 Outbound - Decision Makers"})
    plan = planner.build(
        _docs(campaigns_dir, "q2-decision-makers.yaml"), lambda _: provider, State(".outreach")
    )
    cp = plan.campaigns[0]
    assert cp.action == "error"
    assert "2 SendKit campaigns are named" in (cp.error or "") and "id:" in (cp.error or "")


def test_patch_keeps_subsequence_ids_and_sends_only_changed_settings(
    sandbox: Any, campaigns_dir: Path
) -> None:
    provider = _provider(sandbox)
    state = State(".outreach")
    f = campaigns_dir / "sendkit" / "founders-ab-test.yaml"
    docs = _docs(campaigns_dir, "founders-ab-test.yaml")
    assert (
        applier.run(planner.build(docs, lambda _: provider, state), lambda _: provider, state)
        .outcomes[0]
        .result
        == "applied"
    )
    before = provider.find_by_name("Founders - AB test opener")[0]
    before = provider.fetch(before.id)
    assert before is not None
    ids = [s["_id"] for s in before.raw["subsequences"]]

    f.write_text(
        f.read_text()
        .replace('subject: "Thanks for getting back to me"', 'subject: "Thanks for your reply"')
        .replace("dailySendLimit: 80", "dailySendLimit: 90")
    )
    plan = planner.build(validate_paths([str(f)]).documents, lambda _: provider, state)
    cp = plan.campaigns[0]
    body = provider.patch_body(cp.remote, cp.doc.campaign, [pc.change for pc in cp.changes])
    assert body["settings"] == {"dailySendLimit": 90}
    assert [s["_id"] for s in body["subsequences"]] == ids
    assert "schedule" not in body and "sequence" not in body

    report = applier.run(plan, lambda _: provider, state)
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    after = provider.fetch(before.id)
    assert after is not None
    assert [s["_id"] for s in after.raw["subsequences"]] == ids
    assert after.raw["subsequences"][1]["sequence"][0]["subject"] == "Thanks for your reply"


@pytest.mark.parametrize(
    "text,html",
    [
        ("Hi there", "<p>Hi there</p>"),
        ("Hi,\n\nSecond para\nline two", "<p>Hi,</p><p>Second para<br>line two</p>"),
        ("a < b & c", "<p>a &lt; b &amp; c</p>"),
        ("<p>Already HTML</p>", "<p>Already HTML</p>"),
        # An address in angle brackets is text, not a tag (the audit's never-converging body).
        ("Write to Sam <sam@example.com>", "<p>Write to Sam &lt;sam@example.com&gt;</p>"),
        ("<b.smith@example.com> or <bob>", "<p>&lt;b.smith@example.com&gt; or &lt;bob&gt;</p>"),
        ("a\r\n \t\r\nb\rc", "<p>a</p><p>b<br>c</p>"),
        ("  \n\t\n", ""),
        ("Hi <b>there</b> & you", "Hi <b>there</b> & you"),
    ],
)
def test_client_tiptap_normalisation(text: str, html: str) -> None:
    assert to_tiptap(text) == html


def test_variants_are_compared_by_letter(sandbox: Any, campaigns_dir: Path) -> None:
    provider = _provider(sandbox)
    state = State(".outreach")
    f = campaigns_dir / "sendkit" / "founders-ab-test.yaml"
    applier.run(
        planner.build(_docs(campaigns_dir, "founders-ab-test.yaml"), lambda _: provider, state),
        lambda _: provider,
        state,
    )
    text = f.read_text()
    a_start = text.index("        - label: A")
    b_start = text.index("        - label: B")
    b_end = text.index("    - type: wait")
    swapped = text[:a_start] + text[b_start:b_end] + text[a_start:b_start] + text[b_end:]
    assert swapped.index("label: B") < swapped.index("label: A")
    f.write_text(swapped)
    plan = planner.build(validate_paths([str(f)]).documents, lambda _: provider, state)
    assert plan.campaigns[0].changes == ()  # same letters, same content: no change
