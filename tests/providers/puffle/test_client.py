"""The Puffle adapter against the sandbox over real loopback HTTP: the status × field table,
launch/pause/resume converging, and the example campaigns."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx

from outreach_cli import apply as applier
from outreach_cli import plan as planner
from outreach_cli.errors import ExitCode
from outreach_cli.http import Api, RetryPolicy
from outreach_cli.providers.puffle import Puffle
from outreach_cli.state import State
from outreach_cli.validate import validate_paths
from tests.helpers import run, track

KEY = "pk_test_client"


class LoseFirstAnswer(httpx.HTTPTransport):
    """Let the server act on the first request to a path suffix, then lose its answer."""

    def __init__(self, suffix: str) -> None:
        super().__init__()
        self.suffix, self.lost = suffix, 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        with self._lock:
            if request.url.path.endswith(self.suffix) and not self.lost:
                self.lost += 1
                response.read()
                raise httpx.ReadError("answer lost", request=request)
        return response


def _provider(sandbox: Any, transport: httpx.BaseTransport | None = None) -> Puffle:
    api = Api(
        "puffle",
        sandbox.url + "/puffle/api",
        headers={"Authorization": f"Bearer {KEY}"},
        retry=RetryPolicy(base=0.001),
        transport=transport,
    )
    track(api)
    return Puffle(api)


def _apply(path: Path, provider: Puffle) -> Any:
    state = State(".outreach")
    docs = validate_paths([str(path)]).documents
    plan = planner.build(docs, lambda _: provider, state)
    return plan, applier.run(plan, lambda _: provider, state)


def _replan(path: Path, provider: Puffle) -> Any:
    docs = validate_paths([str(path)]).documents
    return planner.build(docs, lambda _: provider, State(".outreach")).campaigns[0]


def test_examples_apply_then_plan_no_change(campaigns_dir: Path) -> None:
    folder = campaigns_dir / "puffle"
    assert run("apply", "--sandbox", "--yes", str(folder)).exit_code == ExitCode.OK
    again = run("plan", "--sandbox", "--detailed-exitcode", str(folder))
    assert again.exit_code == ExitCode.OK, again.stdout
    assert "0 to create, 0 to update, 2 unchanged" in again.stdout


def test_create_sets_the_sequence_with_a_patch(sandbox: Any, campaigns_dir: Path) -> None:
    provider = _provider(sandbox)
    f = campaigns_dir / "puffle" / "linkedin-heads-of-sales.yaml"
    _, report = _apply(f, provider)
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    remote = provider.fetch(report.outcomes[0].id)
    assert remote is not None
    assert [n["type"] for n in remote.state["sequence_nodes"]] == [
        "connection_request",
        "delay",
        "message",
        "delay",
        "message",
        "end",
    ]
    log = [(m, p) for m, p, _ in sandbox.sandbox.request_log if m in ("POST", "PATCH")]
    assert [m for m, _ in log] == ["POST", "PATCH"]


def _launched(sandbox: Any, campaigns_dir: Path) -> tuple[Puffle, Path, str]:
    provider = _provider(sandbox)
    f = campaigns_dir / "puffle" / "email-seed-founders.yaml"
    f.write_text(f.read_text().replace("status: draft", "status: active"))
    _, report = _apply(f, provider)
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    assert report.outcomes[0].actions == ("launch",)
    sandbox.sandbox.tick(5)  # launching → active
    return provider, f, report.outcomes[0].id


def test_draft_only_fields_blocked_on_active(sandbox: Any, campaigns_dir: Path) -> None:
    provider, f, cid = _launched(sandbox, campaigns_dir)
    f.write_text(
        f.read_text()
        .replace("open_tracking: false", "open_tracking: true")
        .replace("delay_days: 3}", "delay_days: 5}")
        .replace("daily_limit: 60", "daily_limit: 90")
    )
    cp = _replan(f, provider)
    verdicts = {pc.change.dotted: pc.verdict for pc in cp.changes}
    assert verdicts["daily_limit"].allowed
    assert not verdicts["open_tracking"].allowed and verdicts["open_tracking"].ignored
    assert not verdicts["sequence_nodes[1].delay_days"].allowed
    assert "silently ignore" in verdicts["sequence_nodes[1].delay_days"].reason
    assert "new campaign" in verdicts["open_tracking"].remedy

    before = provider.fetch(cid)
    _, report = _apply(f, provider)
    assert report.outcomes[0].result == "blocked"
    after = provider.fetch(cid)
    assert after is not None and before is not None
    assert after.revision == before.revision  # nothing half-sent: not even daily_limit


def test_operating_hours_on_active_says_prospects_wake(sandbox: Any, campaigns_dir: Path) -> None:
    provider, f, cid = _launched(sandbox, campaigns_dir)
    f.write_text(
        f.read_text().replace(
            "  type: email\n", "  type: email\n  operating_hours: {monday: {start: '08:00'}}\n"
        )
    )
    cp = _replan(f, provider)
    [pc] = cp.changes
    assert pc.change.dotted == "operating_hours" and pc.verdict.allowed
    assert "30 seconds" in pc.verdict.note
    _, report = _apply(f, provider)
    assert report.outcomes[0].result == "applied"
    assert provider.fetch(cid).state["operating_hours"] == {"monday": {"start": "08:00"}}  # type: ignore[union-attr]


def test_pause_converges_when_the_answer_is_lost(sandbox: Any, campaigns_dir: Path) -> None:
    _, f, cid = _launched(sandbox, campaigns_dir)
    lossy = _provider(sandbox, LoseFirstAnswer("/pause"))
    f.write_text(f.read_text().replace("status: active", "status: paused"))
    plan, report = _apply(f, lossy)
    assert lossy.client is not None
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    assert lossy.fetch(cid).status == "paused"  # type: ignore[union-attr]
    pauses = [r for r in sandbox.sandbox.request_log if r[1].endswith("/pause")]
    # The lost answer made the client ask again; Puffle said 400 (already paused), which
    # the adapter recognised as done after reading the campaign.
    assert len(pauses) >= 1


def test_resume_of_a_finished_campaign_reports_completed(sandbox: Any, campaigns_dir: Path) -> None:
    provider = _provider(sandbox)
    f = campaigns_dir / "puffle" / "email-seed-founders.yaml"
    _, report = _apply(f, provider)  # a draft
    cid = report.outcomes[0].id
    provider.client.post(
        f"/campaigns/{cid}/leads",
        json={"prospects": [{"email": "ann@example.com", "first_name": "Ann"}]},
    )
    f.write_text(f.read_text().replace("status: draft", "status: active"))
    assert _apply(f, provider)[1].outcomes[0].result == "applied"
    sandbox.sandbox.tick(5)
    provider.client.post(f"/campaigns/{cid}/pause")
    store = sandbox.sandbox.store
    # Every prospect has finished: Puffle resumes such a campaign straight into `completed`.
    [ws] = [w for w in store.workspaces() if store.list(w, f"prospect:{cid}")]
    for p in store.list(ws, f"prospect:{cid}"):
        store.put(ws, f"prospect:{cid}", p["id"], {**p, "status": "replied"})
    plan, report = _apply(f, provider)
    assert plan.campaigns[0].lifecycle.actions == ("resume",)
    outcome = report.outcomes[0]
    assert outcome.result == "applied", outcome.message
    assert outcome.message.startswith("now completed")


def test_cli_plan_exits_3_for_a_sequence_edit_on_an_active_campaign(
    env_sandbox: Any, campaigns_dir: Path
) -> None:
    f = campaigns_dir / "puffle" / "email-seed-founders.yaml"
    f.write_text(f.read_text().replace("status: draft", "status: active"))
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.OK
    env_sandbox.sandbox.tick(5)
    f.write_text(f.read_text().replace("delay_days: 3}", "delay_days: 5}"))
    result = run("plan", str(f))
    assert result.exit_code == ExitCode.BLOCKED, result.stdout + result.stderr
    assert "! sequence_nodes[1].delay_days: 3 → 5" in result.stdout
    assert "Puffle would silently ignore it" in result.stdout
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.BLOCKED


def test_positions_in_the_file_apply_then_plan_no_change(sandbox: Any, campaigns_dir: Path) -> None:
    """PF-8: Puffle numbers nodes by array order; a file's own positions are neither sent nor
    compared, so the applied file (positions and all) plans to no change."""
    sent: list[bytes] = []

    class Record(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(request.read())
            return super().handle_request(request)

    provider = _provider(sandbox, Record())
    f = campaigns_dir / "puffle" / "email-seed-founders.yaml"
    f.write_text(
        f.read_text().replace(
            "{type: delay, delay_days: 3}", "{type: delay, delay_days: 3, position: 7}"
        )
    )
    result = validate_paths([str(f)])
    assert not result.errors
    assert [d.path for d in result.warnings] == ["campaign.sequence_nodes[1].position"]
    _, report = _apply(f, provider)
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    assert any(b"delay_days" in b for b in sent) and not any(b"position" in b for b in sent)
    remote = provider.fetch(report.outcomes[0].id)
    assert remote is not None and remote.raw["sequence_nodes"][1]["position"] == 1
    cp = _replan(f, provider)
    assert not cp.has_changes, [c.change.dotted for c in cp.changes]


def test_a_type_change_is_blocked_as_ignored_and_the_sandbox_keeps_the_type(
    sandbox: Any, tmp_path: Path
) -> None:
    """PF-24: the PATCH has no `type`; the plan says Puffle would ignore the change, and the
    sandbox, sent it anyway, keeps the campaign's type."""
    provider = _provider(sandbox)
    f = tmp_path / "flip.yaml"
    f.write_text(
        "provider: puffle\nkey: flip\ncampaign:\n  type: email\n  name: Flip\n"
        "  sender_account_ids: [5e4de000-0000-4000-8000-000000000001]\n"
    )
    _, report = _apply(f, provider)
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    cid = report.outcomes[0].id
    f.write_text(
        f.read_text()
        .replace("type: email", "type: linkedin")
        .replace("5e4de000-0000-4000-8000-000000000001", "5e4d1000-0000-4000-8000-000000000001")
    )
    cp = _replan(f, provider)
    verdicts = {pc.change.dotted: pc.verdict for pc in cp.changes}
    assert not verdicts["type"].allowed and verdicts["type"].ignored
    assert "fixed at creation" in verdicts["type"].reason
    provider.client.patch(f"/campaigns/{cid}", json={"type": "linkedin"})
    assert provider.fetch(cid).ctype == "email"  # type: ignore[union-attr]


class _CannedProspects:
    """A stand-in client for GET /campaigns/{id}/leads: `{prospects, total}` by page."""

    def __init__(self, count: int) -> None:
        self.count, self.calls = count, 0

    def get(self, path: str, params: dict[str, Any]) -> Any:
        self.calls += 1
        start = (params["page"] - 1) * params["limit"]
        items = [
            {"id": f"p{i}", "email": f"p{i}@example.org", "status": "pending"}
            for i in range(start, min(start + params["limit"], self.count))
        ]
        return type("R", (), {"data": {"prospects": items, "total": self.count}})()


def test_prospects_are_read_a_page_at_a_time() -> None:
    canned = _CannedProspects(450)
    records = iter(Puffle(canned).leads.list_records("c1", None))  # type: ignore[arg-type]
    assert next(records)["id"] == "p0" and canned.calls == 1  # one page read, not all three
    assert len(list(records)) == 449 and canned.calls == 3  # and it stops at `total`


def test_a_node_inserted_in_the_middle_keeps_the_other_nodes_ids(
    sandbox: Any, campaigns_dir: Path
) -> None:
    """Nodes are matched by identity (LIST_KEYS): the PATCH, sent whole, carries each other
    node's id, so Puffle keeps them; the plan shows one insertion."""
    sent: list[Any] = []

    class Record(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            body = request.read()
            if request.method == "PATCH":
                sent.append(json.loads(body))
            return super().handle_request(request)

    provider = _provider(sandbox, Record())
    f = campaigns_dir / "puffle" / "linkedin-heads-of-sales.yaml"
    _, report = _apply(f, provider)
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    before = provider.fetch(report.outcomes[0].id)
    assert before is not None
    ids = [n["id"] for n in before.raw["sequence_nodes"]]
    f.write_text(
        f.read_text().replace(
            "    - {type: delay, delay_days: 2}\n",
            '    - {type: delay, delay_days: 2}\n    - {type: message, body: "One more, '
            '{{first_name}}."}\n    - {type: delay, delay_days: 1}\n',
            1,
        )
    )
    cp = _replan(f, provider)
    assert [(pc.change.dotted, pc.change.how) for pc in cp.changes] == [
        ("sequence_nodes[2]", "inserted"),
        ("sequence_nodes[3]", "inserted"),
    ]
    del sent[:]
    _, report = _apply(f, provider)
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    (body,) = sent
    assert [n.get("id") for n in body["sequence_nodes"]] == [ids[0], ids[1], None, None, *ids[2:]]
    after = provider.fetch(report.outcomes[0].id)
    assert after is not None
    assert [n["id"] for n in after.raw["sequence_nodes"]][:2] == ids[:2]
    assert [n["id"] for n in after.raw["sequence_nodes"]][4:] == ids[2:]
    assert not _replan(f, provider).has_changes
