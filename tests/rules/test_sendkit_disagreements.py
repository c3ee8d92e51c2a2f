"""SendKit rules an outside audit found the readings disagreeing on (issue 21), each run both
ways: validate or plan on the client side, the sandbox over loopback on the other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import yaml

from outreach_cli import apply as applier
from outreach_cli import plan as planner
from outreach_cli.errors import ApiError
from outreach_cli.http import Api, RetryPolicy
from outreach_cli.leads import add_leads, list_leads, update_lead
from outreach_cli.leads.records import LeadRow
from outreach_cli.providers.sendkit import SendKit
from outreach_cli.providers.sendkit.enrollment import matching_subsequence
from outreach_cli.sandbox.sendkit.ids import workspace_for_key
from outreach_cli.state import State
from outreach_cli.validate import validate_paths
from tests.helpers import track

KEY = "sk_disagreement_tests"
SEQUENCE = [{"type": "email", "subject": "Hello", "body": "Hi there"}]
T = "tests/rules/test_sendkit_disagreements.py::"


def _provider(sandbox: Any) -> SendKit:
    api = Api(
        "sendkit",
        sandbox.url + "/sendkit/v1",
        headers={"X-Api-Key": KEY},
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    return SendKit(api)


def _file(tmp_path: Path, campaign: dict[str, Any], key: str = "window") -> Path:
    path = tmp_path / f"{key}.yaml"
    doc = {"provider": "sendkit", "key": key, "campaign": campaign}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    return path


def _plan(provider: SendKit, path: Path, state: State) -> planner.CampaignPlan:
    result = validate_paths([str(path)])
    assert not result.errors, [str(d) for d in result.errors]
    (cp,) = planner.build(result.documents, lambda _: provider, state).campaigns
    return cp


# -- "Update sending schedule (merged into existing)" (SK-45) ----------------------------------


def test_a_lone_start_time_is_held_to_the_live_end_time_not_the_default(
    sandbox: Any, tmp_path: Path
) -> None:
    provider, state = _provider(sandbox), State(tmp_path / ".o")
    wide = {
        "name": "Window",
        "sequence": SEQUENCE,
        "schedule": {"startTime": "09:00", "endTime": "20:00"},
    }
    _file(tmp_path, wide)
    report = applier.run(
        planner.build(
            validate_paths([str(tmp_path / "window.yaml")]).documents, lambda _: provider, state
        ),
        lambda _: provider,
        state,
    )
    assert [o.result for o in report.outcomes] == ["applied"], report.outcomes

    # The file now manages only startTime; the live endTime is 20:00, the default 17:00.
    path = _file(tmp_path, {**wide, "schedule": {"startTime": "18:00"}})
    assert not validate_paths([str(path)]).errors  # offline, the live value is unknown
    cp = _plan(provider, path, state)
    assert not cp.blocked, [(c.change.dotted, c.verdict.reason) for c in cp.changes]
    report = applier.run(
        planner.build(validate_paths([str(path)]).documents, lambda _: provider, state),
        lambda _: provider,
        state,
    )
    assert [o.result for o in report.outcomes] == ["applied"], report.outcomes
    # The sandbox merged it into the live schedule, as the plan did.
    live = provider.fetch(state.get("sendkit/window").id)  # type: ignore[union-attr]
    assert live is not None
    assert (live.state["schedule"]["startTime"], live.state["schedule"]["endTime"]) == (
        "18:00",
        "20:00",
    )

    # Past the live endTime it is blocked in the plan, and the sandbox refuses the same PATCH.
    path = _file(tmp_path, {**wide, "schedule": {"startTime": "21:00"}})
    cp = _plan(provider, path, state)
    assert cp.blocked
    (pc,) = [pc for pc in cp.changes if not pc.verdict.allowed]
    assert pc.verdict.reason.startswith(
        "outreach's rule: endTime 20:00 must be later than "
        "startTime 21:00 (the campaign's live endTime"
    )
    with httpx.Client(base_url=sandbox.url + "/sendkit/v1", headers={"X-Api-Key": KEY}) as http:
        answer = http.patch(f"/campaigns/{live.id}", json={"schedule": {"startTime": "21:00"}})
    assert answer.status_code == 400 and "endTime" in answer.text


def test_a_lone_start_time_on_a_create_is_held_to_the_default_end_time(
    sandbox: Any, tmp_path: Path
) -> None:
    provider, state = _provider(sandbox), State(tmp_path / ".o")
    path = _file(
        tmp_path,
        {"name": "Late", "sequence": SEQUENCE, "schedule": {"startTime": "18:00"}},
        key="late",
    )
    cp = _plan(provider, path, state)
    assert cp.action == "create" and cp.blocked
    (pc,) = [pc for pc in cp.changes if not pc.verdict.allowed]
    assert "(the default endTime" in pc.verdict.reason and "17:00" in pc.verdict.reason
    with httpx.Client(base_url=sandbox.url + "/sendkit/v1", headers={"X-Api-Key": KEY}) as http:
        answer = http.post(
            "/campaigns",
            json={"name": "Late", "sequence": SEQUENCE, "schedule": {"startTime": "18:00"}},
        )
    assert answer.status_code == 400 and "endTime" in answer.text


# -- "trigger.value equals the tag (case-insensitive)" (SK-37) ---------------------------------


def test_trigger_value_matches_the_tag_ignoring_case_only_on_all_three_sides(
    sandbox: Any, tmp_path: Path
) -> None:
    """One reading everywhere: case is ignored, spaces are not (the page says
    "case-insensitive" and nothing about spaces)."""
    padded = {
        "name": "Padded",
        "trigger": {"type": "ai_tag", "value": " interested "},
        "sequence": [{"type": "email", "subject": "Re", "body": "Thanks"}],
    }
    plain = {
        "name": "Plain",
        "trigger": {"type": "ai_tag", "value": "INTERESTED"},
        "sequence": [{"type": "email", "subject": "Re", "body": "Thanks"}],
    }
    # validate: " interested " and "INTERESTED" are two values, not one repeated.
    path = _file(
        tmp_path,
        {"name": "Triggers", "sequence": SEQUENCE, "subsequences": [padded, plain]},
        key="triggers",
    )
    assert not validate_paths([str(path)]).errors
    # The client's prediction: the tag "Interested" matches "Plain", never "Padded".
    found = matching_subsequence({"subsequences": [padded, plain]}, "Interested")
    assert found is not None and found["name"] == "Plain"
    assert matching_subsequence({"subsequences": [padded]}, "Interested") is None
    # The sandbox: tagging a lead of a campaign whose only trigger is padded enrolls nothing,
    # and the dry run predicted exactly that.
    sk = _provider(sandbox)
    cid = sk.create({"name": "Padded only", "sequence": SEQUENCE, "subsequences": [padded]})
    add_leads(sk, cid, [LeadRow(2, {"email": "ann@example.org"})])
    (lead,) = list_leads(sk, cid)
    dry = update_lead(sk, cid, lead.id, tag="Interested", dry_run=True)
    wet = update_lead(sk, cid, lead.id, tag="Interested")
    assert dry.enrollment is None and wet.enrollment is None, (dry, wet)
    cid = sk.create({"name": "Plain only", "sequence": SEQUENCE, "subsequences": [plain]})
    add_leads(sk, cid, [LeadRow(2, {"email": "bob@example.org"})])
    (lead,) = list_leads(sk, cid)
    dry = update_lead(sk, cid, lead.id, tag="Interested", dry_run=True)
    wet = update_lead(sk, cid, lead.id, tag="Interested")
    assert dry.enrollment is not None and wet.enrollment is not None
    assert dry.enrollment.action == wet.enrollment.action == "enrolled"


# -- a removed lead set back to active (SK-108) ------------------------------------------------


def test_a_removed_lead_may_be_set_back_to_active_and_a_bounced_one_not(sandbox: Any) -> None:
    """The lead PATCH page states only the target values ("active" or "paused"): nothing
    refuses a removed lead going back to active, so neither reading does. A bounced lead is
    the emulator's own refusal, worded as outreach's rule."""
    sk = _provider(sandbox)
    cid = sk.create({"name": "Removed", "sequence": SEQUENCE, "mailboxTags": ["outreach"]})
    add_leads(
        sk,
        cid,
        [LeadRow(2, {"email": "ann@example.org"}), LeadRow(3, {"email": "bob@example.org"})],
    )
    sk.transition(sk.fetch(cid), "start")  # type: ignore[arg-type]
    sandbox.sandbox.tick(1)  # one email sent: a bulk remove keeps them as `removed`
    leads = {x.email: x for x in list_leads(sk, cid)}
    sk.client.post(
        f"/campaigns/{cid}/leads/action",
        json={"action": "remove", "leadIds": [leads["ann@example.org"].id]},
    )
    assert {x.email: x.status for x in list_leads(sk, cid)}["ann@example.org"] == "removed"
    back = update_lead(sk, cid, leads["ann@example.org"].id, status="active")
    assert back.lead.status == "active"

    ws = workspace_for_key(KEY)
    store = sandbox.sandbox.store
    row = store.get(ws, "campaign_lead", leads["bob@example.org"].id)
    assert row is not None
    store.put(ws, "campaign_lead", row["_id"], {**row, "status": "bounced"})
    try:
        update_lead(sk, cid, row["_id"], status="active")
    except ApiError as exc:
        assert exc.status == 400 and "outreach's rule" in exc.message
    else:
        raise AssertionError("a bounced lead was set back to active")


# -- a setting written where GET reads it back (SK-112) ----------------------------------------


def test_a_read_back_field_at_the_top_level_says_whose_rule_refuses_it(
    sandbox: Any, tmp_path: Path
) -> None:
    path = _file(tmp_path, {"name": "Top", "sequence": SEQUENCE, "trackOpens": True}, key="top")
    (err,) = validate_paths([str(path)]).errors
    assert "unknown field 'trackOpens': outreach's rule: " in err.message
    assert "write settings.trackOpens" in err.message
    with httpx.Client(base_url=sandbox.url + "/sendkit/v1", headers={"X-Api-Key": KEY}) as http:
        answer = http.post(
            "/campaigns", json={"name": "Top", "sequence": SEQUENCE, "trackOpens": True}
        )
    assert answer.status_code == 400
    assert "outreach's rule" in answer.text and "settings.trackOpens" in answer.text
