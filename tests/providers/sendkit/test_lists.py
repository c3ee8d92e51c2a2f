"""SendKit's steps, variants and subsequences matched by identity (issue 21), against the
sandbox over loopback HTTP: a subsequence is classified against ITS remote subsequence, an
edit keeps the ids of what it does not touch, the documented `id` alias is an identity."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx
import yaml

from outreach_cli import apply as applier
from outreach_cli import plan as planner
from outreach_cli.http import Api, RetryPolicy
from outreach_cli.providers.sendkit import SendKit
from outreach_cli.providers.sendkit.adapter import TRIGGER_IMMUTABLE
from outreach_cli.state import State
from outreach_cli.validate import validate_paths
from tests.helpers import track

KEY = "sk_list_tests"
FILE = "founders-ab-test.yaml"  # subsequences "Interested follow-up" (ai_tag) and "First reply"


class Recording(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str, Any]] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        with self._lock:
            self.sent.append(
                (request.method, request.url.path, json.loads(content) if content else None)
            )
        return super().handle_request(request)

    def writes(self, since: int = 0) -> list[tuple[str, str, Any]]:
        return [s for s in self.sent[since:] if s[0] != "GET"]


class Env:
    def __init__(self, sandbox: Any, campaigns_dir: Path) -> None:
        self.sandbox = sandbox
        self.rec = Recording()
        api = Api(
            "sendkit",
            sandbox.url + "/sendkit/v1",
            headers={"X-Api-Key": KEY},
            retry=RetryPolicy(base=0.001),
            transport=self.rec,
        )
        track(api)
        self.provider = SendKit(api)
        self.state = State(campaigns_dir.parent / ".outreach")
        self.file = campaigns_dir / "sendkit" / FILE
        self.doc = yaml.safe_load(self.file.read_text().replace("!file ", ""))
        self.dir = campaigns_dir / "sendkit"
        # The bodies `!file` names, inlined so that the test can edit the document.
        for step in self._all_steps():
            for item in (step, *(step.get("variants") or [])):
                body = item.get("body")
                if isinstance(body, str) and body.startswith("emails/"):
                    item["body"] = (self.dir / body).read_text()
        self.write()

    def _all_steps(self) -> list[dict[str, Any]]:
        c = self.doc["campaign"]
        return [*c["sequence"], *(s for sub in c["subsequences"] for s in sub["sequence"])]

    def write(self) -> None:
        self.file.write_text(yaml.safe_dump(self.doc, sort_keys=False, allow_unicode=True))

    def plan(self) -> planner.Plan:
        result = validate_paths([str(self.file)])
        assert not result.errors, [str(d) for d in result.errors]
        return planner.build(result.documents, lambda _: self.provider, self.state)

    def apply(self, plan: planner.Plan | None = None) -> applier.Report:
        return applier.run(plan or self.plan(), lambda _: self.provider, self.state)

    def remote(self) -> Any:
        entry = self.state.get("sendkit/founders-ab-test")
        assert entry is not None
        return self.provider.fetch(entry.id)

    def enroll_one_lead(self, tag: str) -> None:
        """A lead tagged `tag`: the subsequence whose trigger it matches has enrolled leads."""
        cid = self.remote().id
        with httpx.Client(
            base_url=self.sandbox.url + "/sendkit/v1", headers={"X-Api-Key": KEY}
        ) as http:
            http.post(
                f"/campaigns/{cid}/leads", json={"leads": [{"email": "pat@example.org"}]}
            ).raise_for_status()
            leads = http.get(f"/campaigns/{cid}/leads", params={"limit": 100}).json()["data"]
            reply = http.patch(f"/campaigns/{cid}/leads/{leads[0]['_id']}", json={"aiTag": tag})
            reply.raise_for_status()
            assert reply.json()["subsequenceEnrollment"]["action"] == "enrolled", reply.json()


def _applied(report: applier.Report) -> None:
    assert [o.result for o in report.outcomes] == ["applied"], report.outcomes


def _subs_by_name(remote: Any) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in remote.raw["subsequences"]}


def _reorder_and_retrigger(env: Env, name: str, trigger: dict[str, Any]) -> None:
    subs = env.doc["campaign"]["subsequences"]
    subs.reverse()
    next(s for s in subs if s["name"] == name)["trigger"] = trigger
    env.write()


def test_reordered_subsequences_trigger_change_on_the_enrolled_one_is_blocked(
    sandbox: Any, campaigns_dir: Path
) -> None:
    env = Env(sandbox, campaigns_dir)
    _applied(env.apply())
    env.enroll_one_lead("Interested")
    assert _subs_by_name(env.remote())["Interested follow-up"]["addedCount"] == 1
    _reorder_and_retrigger(env, "Interested follow-up", {"type": "ai_tag", "value": "Booked"})
    (cp,) = env.plan().campaigns
    (pc,) = cp.changes  # the reorder itself is no change: a subsequence runs on its trigger
    assert pc.change.dotted == "subsequences[1].trigger.value"
    assert pc.change.source == ("subsequences", 0, "trigger", "value")
    assert not pc.verdict.allowed and pc.verdict.reason == TRIGGER_IMMUTABLE
    mark = len(env.rec.sent)
    assert [o.result for o in env.apply().outcomes] == ["blocked"]
    assert env.rec.writes(mark) == []


def test_reordered_subsequences_trigger_change_on_the_other_one_is_applied(
    sandbox: Any, campaigns_dir: Path
) -> None:
    env = Env(sandbox, campaigns_dir)
    _applied(env.apply())
    env.enroll_one_lead("Interested")
    before = _subs_by_name(env.remote())
    _reorder_and_retrigger(env, "First reply", {"type": "ai_tag", "value": "Question"})
    plan = env.plan()
    (cp,) = plan.campaigns
    assert cp.changes and all(pc.verdict.allowed for pc in cp.changes), cp.changes
    assert {pc.change.dotted.split(".")[0] for pc in cp.changes} == {"subsequences[0]"}
    _applied(env.apply(plan))
    after = _subs_by_name(env.remote())
    assert after["First reply"]["trigger"] == {"type": "ai_tag", "value": "Question"}
    # Both keep their identity, and the enrolled one its counters.
    assert {n: s["_id"] for n, s in after.items()} == {n: s["_id"] for n, s in before.items()}
    assert after["Interested follow-up"]["addedCount"] == 1
    assert env.plan().campaigns[0].action == "noop"


def test_editing_step_3_keeps_the_variant_ids_of_step_1(sandbox: Any, campaigns_dir: Path) -> None:
    env = Env(sandbox, campaigns_dir)
    _applied(env.apply())
    before = env.remote().raw["sequence"]
    variant_ids = [v["_id"] for v in before[0]["variants"]]
    env.doc["campaign"]["sequence"][2]["body"] = "Hi {{firstName}}, one more thought."
    env.write()
    plan = env.plan()
    (pc,) = plan.campaigns[0].changes
    assert pc.change.dotted == "sequence[2].body"
    mark = len(env.rec.sent)
    _applied(env.apply(plan))
    ((method, _path, body),) = env.rec.writes(mark)
    assert method == "PATCH"
    assert [v.get("_id") for v in body["sequence"][0]["variants"]] == variant_ids
    assert [s.get("_id") for s in body["sequence"]] == [s["_id"] for s in before]
    after = env.remote().raw["sequence"]
    assert [v["_id"] for v in after[0]["variants"]] == variant_ids
    assert [s["_id"] for s in after] == [s["_id"] for s in before]


def test_a_subsequence_named_by_its_id_alias_plans_no_change_after_apply(
    sandbox: Any, campaigns_dir: Path
) -> None:
    env = Env(sandbox, campaigns_dir)
    _applied(env.apply())
    ids = {n: s["_id"] for n, s in _subs_by_name(env.remote()).items()}
    subs = env.doc["campaign"]["subsequences"]
    for sub in subs:
        sub["id"] = ids[sub["name"]]  # "each subsequence keeps its _id / id"
    subs.reverse()
    subs[0]["name"] = "Replied"  # renamed: the id, not the name, says which it is
    env.write()
    plan = env.plan()
    (cp,) = plan.campaigns
    assert [pc.change.dotted for pc in cp.changes] == ["subsequences[0].name"], cp.changes
    assert cp.changes[0].change.source == ("subsequences", 1, "name")
    _applied(env.apply(plan))
    after = {s["_id"]: s["name"] for s in env.remote().raw["subsequences"]}
    assert after == {
        ids["Interested follow-up"]: "Interested follow-up",
        ids["First reply"]: "Replied",
    }
    assert env.plan().campaigns[0].action == "noop"
