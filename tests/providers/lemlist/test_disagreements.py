"""lemlist rules an outside audit found the readings disagreeing on (issue 21), each run both
ways: validate or plan on the client side, the sandbox over loopback on the other."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import yaml

from outreach_cli.providers.lemlist.catalogue_senders import EMAIL_ONLY, MEMBER
from outreach_cli.validate import validate_paths
from tests.providers.lemlist.test_client import (  # noqa: F401 (_check_requests: autouse)
    PREFIX,
    Env,
    _applied,
    _check_requests,
    _provider,
)

KEY = "k-disagreements"  # the plan/apply side
RAW = "k-disagreements-raw"  # direct requests, in their own rate budget and team


def _ws(key: str) -> str:
    return "lemlist:" + hashlib.sha256(key.encode()).hexdigest()[:20]


EMAIL = {"type": "email", "subject": "Hi", "message": "<p>Hi</p>", "delay": 0}
VISIT = {"type": "linkedinVisit", "delay": 1}


def _env(sandbox: Any, tmp_path: Path, key: str, status: str = "paused", **campaign: Any) -> Env:
    doc = {
        "provider": "lemlist",
        "key": key,
        "status": status,
        "campaign": {"name": f"Disagreement {key}", **campaign},
    }
    env = Env(sandbox, tmp_path, doc)
    env.provider, env.rec = _provider(sandbox, KEY)
    return env


def _http(sandbox: Any, key: str = RAW) -> httpx.Client:
    return httpx.Client(base_url=sandbox.url + PREFIX, auth=("", key), timeout=10)


def _store(sandbox: Any) -> Any:
    emu = next(e for e in sandbox.sandbox.emulators if e.prefix == PREFIX)
    return emu.store


def _set_status(sandbox: Any, cid: str, status: str, key: str = KEY) -> None:
    store = _store(sandbox)
    row = store.get(_ws(key), "campaign", cid)
    assert row is not None
    store.put(_ws(key), "campaign", cid, {**row, "status": status})


def _blocked(env: Env) -> list[Any]:
    (cp,) = env.plan().campaigns
    return [pc for pc in cp.changes if not pc.verdict.allowed]


# -- emoji (LM-C16) ----------------------------------------------------------------------------


def test_emoji_is_refused_as_outreachs_rule_on_both_sides(sandbox: Any, tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(
        yaml.safe_dump({"provider": "lemlist", "key": "e", "campaign": {"name": "E", "emoji": "x"}})
    )
    (err,) = validate_paths([str(path)]).errors
    assert "unknown field 'emoji': outreach's rule: " in err.message
    with _http(sandbox) as http:
        answer = http.post("/campaigns", json={"name": "E", "emoji": "x"})
    assert answer.status_code == 400
    assert "'emoji'" in answer.text and "outreach's rule" in answer.text


# -- "all channels must be covered by at least one sender" (LM-11) ----------------------------


def test_a_linkedin_step_the_senders_cannot_cover_is_blocked_in_the_plan_of_an_update(
    sandbox: Any, tmp_path: Path
) -> None:
    env = _env(sandbox, tmp_path, "cover", sendUserIds=[EMAIL_ONLY], steps=[EMAIL])
    _applied(env.apply())
    env.edit(lambda d: d["campaign"]["steps"].append(VISIT))
    (pc,) = _blocked(env)
    assert pc.change.path[0] == "steps"
    assert "no sender covers linkedin" in pc.verdict.reason
    assert not pc.verdict.reason.startswith("outreach's rule")  # lemlist's documented rule
    mark = env.rec.mark()
    (outcome,) = env.apply().outcomes
    assert outcome.result == "blocked" and env.rec.writes(mark) == []
    # The sandbox refuses these senders on a campaign with a LinkedIn step.
    with _http(sandbox) as http:
        cid = http.post("/campaigns", json={"name": "Cover"}).json()
        for step in (EMAIL, VISIT):
            http.post(f"/sequences/{cid['sequenceId']}/steps", json=step)
        answer = http.patch(f"/campaigns/{cid['_id']}", json={"sendUserIds": [EMAIL_ONLY]})
    assert answer.status_code == 400 and "linkedin" in answer.text


# -- "senders without capabilities for at least one channel are excluded" (LM-C17) -------------


def test_a_sender_lemlist_would_exclude_is_blocked_so_the_file_converges(
    sandbox: Any, tmp_path: Path
) -> None:
    # The sandbox keeps the senders that have a channel the steps use and drops the others.
    with _http(sandbox) as http:
        made = http.post("/campaigns", json={"name": "Exclude"}).json()
        http.post(f"/sequences/{made['sequenceId']}/steps", json=VISIT)
        answer = http.patch(f"/campaigns/{made['_id']}", json={"sendUserIds": [MEMBER, EMAIL_ONLY]})
        assert answer.status_code == 200, answer.text
        kept = [u["id"] for u in answer.json()["sendUsers"]]
    assert kept == [MEMBER]
    # The plan says so before anything is sent, and a file without it converges.
    env = _env(sandbox, tmp_path, "exclude", sendUserIds=[MEMBER, EMAIL_ONLY], steps=[VISIT])
    (pc,) = _blocked(env)
    assert pc.change.path == ("sendUserIds",) and pc.verdict.ignored
    assert EMAIL_ONLY in pc.verdict.reason and "excludes senders" in pc.verdict.reason
    mark = env.rec.mark()
    (outcome,) = env.apply().outcomes
    assert outcome.result == "blocked" and env.rec.writes(mark) == []
    env.edit(lambda d: d["campaign"].update(sendUserIds=[MEMBER]))
    _applied(env.apply())
    (cp,) = env.plan().campaigns
    assert cp.action == "noop", [c.change.dotted for c in cp.changes]


# -- "The campaign must exist and not be archived" (LM-27) -------------------------------------


def test_a_step_sending_to_an_archived_campaign_is_blocked_in_the_plan(
    sandbox: Any, tmp_path: Path
) -> None:
    with _http(sandbox, KEY) as http:
        target = http.post("/campaigns", json={"name": "Old target"}).json()
    _set_status(sandbox, target["_id"], "archived")
    hop = {"type": "sendToAnotherCampaign", "campaignId": target["_id"], "delay": 1}
    env = _env(sandbox, tmp_path, "hop", steps=[EMAIL])
    _applied(env.apply())
    env.edit(lambda d: d["campaign"]["steps"].append(hop))
    (pc,) = _blocked(env)
    assert "is archived" in pc.verdict.reason and target["_id"] in pc.verdict.reason
    mark = env.rec.mark()
    (outcome,) = env.apply().outcomes
    assert outcome.result == "blocked" and env.rec.writes(mark) == []
    # The sandbox refuses the same step.
    with _http(sandbox) as http:
        old = http.post("/campaigns", json={"name": "Old target"}).json()
        _set_status(sandbox, old["_id"], "archived", RAW)
        made = http.post("/campaigns", json={"name": "Hop"}).json()
        answer = http.post(
            f"/sequences/{made['sequenceId']}/steps", json={**hop, "campaignId": old["_id"]}
        )
    assert answer.status_code == 400 and "archived" in answer.text


# -- status: active on an ended campaign (LM-C18) ----------------------------------------------


def test_status_active_on_an_ended_campaign_is_outreachs_rule(sandbox: Any, tmp_path: Path) -> None:
    env = _env(sandbox, tmp_path, "ended", steps=[EMAIL])
    _applied(env.apply())
    _set_status(sandbox, env.remote().id, "ended")
    env.edit(lambda d: d.update(status="active"))
    (cp,) = env.plan().campaigns
    assert cp.lifecycle.blocked.startswith("outreach's rule: ")
    assert "not documented" in cp.lifecycle.blocked
    assert "every lead went through" not in cp.lifecycle.blocked  # no source says it


# -- a legacy flag with its structured twin (LM-C5) --------------------------------------------


def test_a_legacy_flag_and_its_structured_twin_no_longer_flip_each_other(
    sandbox: Any, tmp_path: Path
) -> None:
    # The sandbox reads the two as one setting: the section sent last turns the flag.
    with _http(sandbox) as http:
        made = http.post("/campaigns", json={"name": "Flip"}).json()
        http.patch(
            f"/campaigns/{made['_id']}",
            json={"stopOnEmailReplied": True, "onReplied": {"campaignProgress": "continue"}},
        )
        read = http.get(f"/campaigns/{made['_id']}").json()
    assert read["stopOnEmailReplied"] is False
    # So a file holding both, contradicting, is refused before it can flip them on every apply.
    env = _env(
        sandbox,
        tmp_path,
        "flip",
        steps=[EMAIL],
        stopOnEmailReplied=True,
        onReplied={"campaignProgress": "continue"},
    )
    errors = validate_paths([str(env.file)]).errors
    assert [
        e.message.startswith("outreach's rule: stopOnEmailReplied contradicts") for e in errors
    ] == [True]
    assert "never match" in errors[0].message
    # Either one alone converges.
    for keep in ({"stopOnEmailReplied": False}, {"onReplied": {"campaignProgress": "pause"}}):
        env.edit(
            lambda d, keep=keep: d.update(
                campaign={"name": "Disagreement flip", "steps": [EMAIL], **keep}
            )
        )
        _applied(env.apply())
        (cp,) = env.plan().campaigns
        assert cp.action == "noop", [c.change.dotted for c in cp.changes]
