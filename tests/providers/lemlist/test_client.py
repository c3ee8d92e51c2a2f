"""The lemlist adapter against the sandbox over real loopback HTTP.

Every request the client sends is recorded by a transport wrapper and checked against the
request schemas of lemlist's OpenAPI file (tests/data/lemlist-openapi.json).
"""

from __future__ import annotations

import base64
import copy
import gc
import json
import re
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator

from outreach_cli import apply as applier
from outreach_cli import plan as planner
from outreach_cli.errors import ExitCode
from outreach_cli.http import Api, RetryPolicy, shared_limiter
from outreach_cli.output import plan_lines
from outreach_cli.providers.lemlist import Lemlist
from outreach_cli.state import State
from outreach_cli.validate import validate_paths
from tests.helpers import run, track
from tests.providers.lemlist.test_openapi import pointer, spec, validator_for

PREFIX = "/lemlist/api"
JOHN, JANE = "usr_2aBCdEfGHiJkLmNOp", "usr_7xYzAbCdEfGhIjKlM"
DYNAMIC_DEMO = "Inbound follow-up (contact owner)"  # the emulator's seeded contactOwner campaign


@dataclass
class Sent:
    method: str
    path: str  # below /lemlist/api
    query: dict[str, list[str]]
    body: Any
    authorization: str | None


class Recording(httpx.HTTPTransport):
    """Forward every request and keep what was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Sent] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        body = json.loads(content) if content else None
        path = request.url.path
        assert path.startswith(PREFIX)
        with self._lock:
            self.sent.append(
                Sent(
                    request.method,
                    path[len(PREFIX) :],
                    _query(request.url.query.decode()),
                    body,
                    request.headers.get("Authorization"),
                )
            )
        return super().handle_request(request)

    def mark(self) -> int:
        return len(self.sent)

    def writes(self, since: int = 0) -> list[tuple[str, str]]:
        return [(s.method, _shape(s.path)) for s in self.sent[since:] if s.method != "GET"]


def _query(qs: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(qs, keep_blank_values=True)


def _shape(path: str) -> str:
    """A path with its ids replaced by their kind: /sequences/seq_…/steps/stp_… →
    /sequences/{seq}/steps/{stp}."""
    return re.sub(r"\b(cam|seq|stp|skd)_[A-Za-z0-9]+", r"{\1}", path)


_RECORDERS: list[Recording] = []


@pytest.fixture(autouse=True)
def _check_requests() -> Any:
    yield
    problems: list[str] = []
    while _RECORDERS:
        problems += openapi_problems(_RECORDERS.pop().sent)
    assert not problems, "\n".join(problems)


def _provider(sandbox: Any, key: str | None = None) -> tuple[Lemlist, Recording]:
    """A provider bound to the sandbox as `Lemlist.connect` binds it (Basic auth with an empty
    user; the per-key shared limiter when the sandbox enforces the rate limit, none when it
    does not, as with OUTREACH_RATE_LIMIT=off), plus a recording transport."""
    key = key or "k-" + uuid.uuid4().hex[:12]
    rec = Recording()
    limited = sandbox.sandbox.rate_limit
    api = Api(
        "lemlist",
        sandbox.url + PREFIX,
        auth=("", key),
        limiter=shared_limiter("lemlist", key, 20, 2.0) if limited else None,
        retry=RetryPolicy(base=0.001),
        transport=rec,
    )
    track(api)
    _RECORDERS.append(rec)
    return Lemlist(api), rec


def _emulator(sandbox: Any) -> Any:
    return next(e for e in sandbox.sandbox.emulators if e.prefix == PREFIX)


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return path


def _docs(path: Path) -> list[Any]:
    result = validate_paths([str(path)])
    assert not result.errors, [str(d) for d in result.errors]
    return result.documents


BASE: dict[str, Any] = {
    "provider": "lemlist",
    "key": "client-test",
    "status": "paused",
    "campaign": {
        "name": "Client test",
        "timezone": "Europe/Paris",
        "sendUserIds": [JOHN],
        "stopOnEmailReplied": True,
        "tracking": {"trackClicks": False},
        "steps": [
            {
                "type": "email",
                "delay": 0,
                "subject": "Hello {{firstName}}",
                "message": "<p>Hi</p>",
                "abTest": {"subject": "Hey {{firstName}}"},
            },
            {"type": "linkedinVisit", "delay": 1},
            {"type": "email", "delay": 2, "subject": "Bump", "message": "<p>Bump</p>"},
        ],
        "schedules": [
            {
                "name": "Office hours",
                "timezone": "Europe/Paris",
                "start": "09:00",
                "end": "17:00",
                "weekdays": [1, 2, 3, 4],
                "secondsToWait": 600,
            }
        ],
    },
}


def _doc(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    for k, v in changes.items():
        doc[k] = v
    return doc


class Env:
    """One campaign file planned and applied through the library against the sandbox."""

    def __init__(self, sandbox: Any, tmp: Path, doc: dict[str, Any]) -> None:
        self.sandbox = sandbox
        self.provider, self.rec = _provider(sandbox)
        self.state = State(tmp / ".outreach")
        self.file = tmp / "campaign.yaml"
        self.doc = doc
        _write(self.file, doc)

    def plan(self) -> planner.Plan:
        return planner.build(_docs(self.file), lambda _: self.provider, self.state)

    def apply(self, plan: planner.Plan | None = None) -> applier.Report:
        return applier.run(plan or self.plan(), lambda _: self.provider, self.state)

    def edit(self, fn: Any) -> None:
        fn(self.doc)
        _write(self.file, self.doc)

    def remote(self) -> Any:
        entry = self.state.get(f"lemlist/{self.doc['key']}")
        assert entry is not None
        remote = self.provider.fetch(entry.id)
        assert remote is not None
        return remote


def _applied(report: applier.Report) -> None:
    assert [o.result for o in report.outcomes] == ["applied"], report.outcomes


# -- create -----------------------------------------------------------------------------------


def test_example_campaign_creates_then_plans_no_change(sandbox: Any, campaigns_dir: Path) -> None:
    provider, rec = _provider(sandbox)
    state = State(".outreach")
    docs = _docs(campaigns_dir / "lemlist")
    plan = planner.build(docs, lambda _: provider, state)
    (cp,) = plan.campaigns
    assert cp.action == "create" and cp.lifecycle.actions == ("start",)
    _applied(applier.run(plan, lambda _: provider, state))

    again = planner.build(docs, lambda _: provider, state)
    assert again.campaigns[0].action == "noop", again.campaigns[0].changes
    remote = again.campaigns[0].remote
    assert remote is not None and remote.status == "running"
    assert [s["type"] for s in remote.state["steps"]] == [
        "email",
        "linkedinVisit",
        "linkedinInvite",
        "email",
        "linkedinSend",
    ]
    assert (
        remote.state["steps"][0]["abTest"]["subject"]
        == "Quick question about {{companyName}}'s follow-ups"
    )
    assert remote.state["sendUserIds"] == [JOHN, JANE]

    writes = rec.writes()
    # Paused at once, before any step; started only at the very end.
    assert writes[:2] == [("POST", "/campaigns"), ("POST", "/campaigns/{cam}/pause")]
    assert writes[-1] == ("POST", "/campaigns/{cam}/start")
    assert writes.count(("POST", "/sequences/{seq}/steps")) == 5
    assert ("POST", "/sequences/{seq}/steps/{stp}/ab-test") in writes
    # The default schedule lemlist gave the campaign is updated in place: no second one.
    assert ("PATCH", "/schedules/{skd}") in writes and ("POST", "/schedules") not in writes
    assert len(remote.raw["schedules"]) == 1
    # Senders are set after the steps, so lemlist checks them against the real channels.
    assert writes.index(("PATCH", "/campaigns/{cam}")) > max(
        i for i, w in enumerate(writes) if w == ("POST", "/sequences/{seq}/steps")
    )


def test_new_campaign_without_status_is_left_paused(sandbox: Any, tmp_path: Path) -> None:
    doc = _doc()
    del doc["status"]
    env = Env(sandbox, tmp_path, doc)
    plan = env.plan()
    assert plan.campaigns[0].lifecycle.actions == ()
    assert any("leaves it paused" in n for n in plan.campaigns[0].notes)
    _applied(env.apply(plan))
    assert env.remote().status == "paused"
    assert env.plan().campaigns[0].action == "noop"


# -- steps ------------------------------------------------------------------------------------


def test_step_edit_is_one_patch_of_that_step(sandbox: Any, tmp_path: Path) -> None:
    env = Env(sandbox, tmp_path, _doc(status="active"))
    _applied(env.apply())
    before = env.remote()
    env.edit(lambda d: d["campaign"]["steps"][2].update(subject="Bump, {{firstName}}", delay=3))
    plan = env.plan()
    (cp,) = plan.campaigns
    assert [(pc.change.dotted, pc.change.op) for pc in cp.changes] == [
        ("steps[2].delay", "change"),
        ("steps[2].subject", "change"),
    ]
    assert not cp.blocked  # editing a step in place is fine while running

    mark = env.rec.mark()
    log_mark = len(env.sandbox.sandbox.request_log)
    _applied(env.apply(plan))
    assert env.rec.writes(mark) == [("PATCH", "/sequences/{seq}/steps/{stp}")]
    patch = next(s for s in env.rec.sent[mark:] if s.method == "PATCH")
    step_id = before.raw["steps"][2]["_id"]
    assert patch.path.endswith(f"/steps/{step_id}")
    assert patch.body == {"type": "email", "delay": 3, "subject": "Bump, {{firstName}}"}
    server_writes = [r for r in env.sandbox.sandbox.request_log[log_mark:] if r[0] != "GET"]
    assert [(m, _shape(p), s) for m, p, s in server_writes] == [
        ("PATCH", PREFIX + "/sequences/{seq}/steps/{stp}", 200)
    ]
    after = env.remote()
    assert [s["_id"] for s in after.raw["steps"]] == [s["_id"] for s in before.raw["steps"]]
    assert env.plan().campaigns[0].action == "noop"


def test_step_type_change_is_delete_plus_add_and_the_plan_says_why(
    sandbox: Any, tmp_path: Path
) -> None:
    env = Env(sandbox, tmp_path, _doc())
    _applied(env.apply())
    before = env.remote()
    env.edit(
        lambda d: d["campaign"]["steps"].__setitem__(
            1, {"type": "linkedinInvite", "delay": 1, "message": "Hi {{firstName}}"}
        )
    )
    plan = env.plan()
    (cp,) = plan.campaigns
    (pc,) = cp.changes
    assert pc.change.dotted == "steps[1]" and pc.change.op == "add"
    assert pc.verdict.allowed
    assert "delete + add" in pc.verdict.note and "linkedinVisit → linkedinInvite" in pc.verdict.note
    text = "\n".join(line.plain for line in plan_lines(plan))
    assert "+ steps[1]:" in text and "cannot change a step's type" in text

    mark = env.rec.mark()
    _applied(env.apply(plan))
    # The new step goes in first, then the old one is deleted: never a shorter sequence.
    assert env.rec.writes(mark) == [
        ("POST", "/sequences/{seq}/steps"),
        ("DELETE", "/sequences/{seq}/steps/{stp}"),
    ]
    post = next(s for s in env.rec.sent[mark:] if s.method == "POST")
    assert post.body["index"] == 1 and post.body["type"] == "linkedinInvite"
    delete = next(s for s in env.rec.sent[mark:] if s.method == "DELETE")
    assert delete.path.endswith(before.raw["steps"][1]["_id"])
    after = env.remote()
    assert [s["type"] for s in after.state["steps"]] == ["email", "linkedinInvite", "email"]
    ids = [s["_id"] for s in after.raw["steps"]]
    assert ids[0] == before.raw["steps"][0]["_id"] and ids[2] == before.raw["steps"][2]["_id"]


def test_type_change_on_a_running_campaign_is_blocked(sandbox: Any, tmp_path: Path) -> None:
    env = Env(sandbox, tmp_path, _doc(status="active"))
    _applied(env.apply())
    env.edit(
        lambda d: d["campaign"]["steps"].__setitem__(1, {"type": "linkedinFollow", "delay": 1})
    )
    (cp,) = env.plan().campaigns
    assert cp.blocked
    assert "refuses to delete a step while the campaign is running" in cp.changes[0].verdict.reason
    assert "status: paused" in cp.changes[0].verdict.remedy


def test_added_and_removed_steps_use_the_step_endpoints_in_order(
    sandbox: Any, tmp_path: Path
) -> None:
    env = Env(sandbox, tmp_path, _doc())
    _applied(env.apply())
    # Replace the middle step's type, and append two steps.
    env.edit(
        lambda d: d["campaign"]["steps"].__setitem__(1, {"type": "linkedinFollow", "delay": 1})
    )
    env.edit(
        lambda d: d["campaign"]["steps"].extend(
            [
                {"type": "linkedinSend", "delay": 1, "message": "Thanks"},
                {"type": "email", "delay": 4, "subject": "Last one", "message": "<p>Bye</p>"},
            ]
        )
    )
    mark = env.rec.mark()
    _applied(env.apply())
    posts = [s.body["index"] for s in env.rec.sent[mark:] if s.method == "POST"]
    assert posts == [1, 4, 5]  # before the old step 1 (still there), then at the end
    assert env.rec.writes(mark)[-1][0] == "DELETE"
    assert [s["type"] for s in env.remote().state["steps"]] == [
        "email",
        "linkedinFollow",
        "email",
        "linkedinSend",
        "email",
    ]

    # Now drop the last two (paused: allowed): two deletes, nothing else.
    env.edit(lambda d: d["campaign"]["steps"].__delitem__(slice(3, None)))
    mark = env.rec.mark()
    _applied(env.apply())
    assert env.rec.writes(mark) == [("DELETE", "/sequences/{seq}/steps/{stp}")] * 2
    assert env.plan().campaigns[0].action == "noop"


# -- blocked changes through the command line -------------------------------------------------


def _log_writes(sandbox: Any, since: int) -> list[tuple[str, str]]:
    return [
        (m, _shape(p))
        for m, p, _ in sandbox.sandbox.request_log[since:]
        if m != "GET" and p.startswith(PREFIX)
    ]


def test_deleting_a_step_of_a_running_campaign_is_blocked_until_the_file_says_paused(
    env_sandbox: Any, tmp_path: Path
) -> None:
    f = _write(tmp_path / "c.yaml", _doc(status="active"))
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.OK

    doc = _doc(status="active")
    del doc["campaign"]["steps"][2]
    _write(f, doc)
    planned = run("plan", str(f))
    assert planned.exit_code == ExitCode.BLOCKED, planned.stdout
    assert "refuses to delete a step while the campaign is running" in planned.stdout
    assert "status: paused" in planned.stdout

    mark = len(env_sandbox.sandbox.request_log)
    applied = run("apply", "--yes", str(f))
    assert applied.exit_code == ExitCode.BLOCKED
    assert _log_writes(env_sandbox, mark) == []  # nothing was sent

    doc["status"] = "paused"
    _write(f, doc)
    planned = run("plan", str(f))
    assert planned.exit_code == ExitCode.OK, planned.stdout
    assert "> pause" in planned.stdout
    mark = len(env_sandbox.sandbox.request_log)
    applied = run("apply", "--yes", str(f))
    assert applied.exit_code == ExitCode.OK, applied.stdout + applied.stderr
    assert _log_writes(env_sandbox, mark) == [
        ("POST", PREFIX + "/campaigns/{cam}/pause"),
        ("DELETE", PREFIX + "/sequences/{seq}/steps/{stp}"),
    ]
    assert run("plan", "--detailed-exitcode", str(f)).exit_code == ExitCode.OK


def test_deleting_a_step_with_the_embedded_sandbox_exits_3(tmp_path: Path) -> None:
    f = _write(tmp_path / "c.yaml", _doc(status="active"))
    assert run("apply", "--sandbox", "--yes", str(f)).exit_code == ExitCode.OK
    doc = _doc(status="active")
    doc["campaign"]["steps"].pop()
    _write(f, doc)
    result = run("plan", "--sandbox", str(f))
    assert result.exit_code == ExitCode.BLOCKED
    assert "! steps[2]" in result.stdout


def test_timezone_change_is_blocked(env_sandbox: Any, tmp_path: Path) -> None:
    f = _write(tmp_path / "c.yaml", _doc())
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.OK
    doc = _doc()
    doc["campaign"]["timezone"] = "America/New_York"
    _write(f, doc)
    result = run("plan", str(f))
    assert result.exit_code == ExitCode.BLOCKED
    assert "timezone" in result.stdout and "at creation only" in result.stdout
    mark = len(env_sandbox.sandbox.request_log)
    assert run("apply", "--yes", str(f)).exit_code == ExitCode.BLOCKED
    assert _log_writes(env_sandbox, mark) == []


def test_sender_ids_on_a_dynamic_sender_campaign_are_blocked(sandbox: Any, tmp_path: Path) -> None:
    doc = {
        "provider": "lemlist",
        "key": "inbound",
        "campaign": {"name": DYNAMIC_DEMO, "sendUserIds": [JOHN]},
    }
    env = Env(sandbox, tmp_path, doc)
    (cp,) = env.plan().campaigns
    assert cp.action == "update" and cp.blocked
    (pc,) = cp.changes
    assert pc.change.field == "sendUserIds"
    assert "contactOwner" in pc.verdict.reason and "refuses sendUserIds" in pc.verdict.reason
    mark = env.rec.mark()
    (outcome,) = env.apply().outcomes
    assert outcome.result == "blocked" and env.rec.writes(mark) == []


# -- A/B tests, flags, schedules ---------------------------------------------------------------


def test_ab_test_edits_and_their_status_rules(sandbox: Any, tmp_path: Path) -> None:
    env = Env(sandbox, tmp_path, _doc(status="active"))
    _applied(env.apply())
    # Variant B's subject can change while running: one PATCH of the ab-test.
    env.edit(lambda d: d["campaign"]["steps"][0]["abTest"].update(subject="Yo {{firstName}}"))
    mark = env.rec.mark()
    _applied(env.apply())
    assert env.rec.writes(mark) == [("PATCH", "/sequences/{seq}/steps/{stp}/ab-test")]

    # Adding a test to the other email step, or ending one, is refused while running.
    env.edit(lambda d: d["campaign"]["steps"][2].update(abTest={"subject": "B"}))
    env.edit(lambda d: d["campaign"]["steps"][0].update(abTest=None))
    (cp,) = env.plan().campaigns
    assert cp.blocked
    reasons = sorted(pc.verdict.reason for pc in cp.changes if not pc.verdict.allowed)
    assert reasons[0].startswith("adding an A/B test") and reasons[1].startswith(
        "ending the A/B test"
    )
    # The sandbox, an independent reading of the docs, agrees: both are 400s while running.
    remote = cp.remote
    assert remote is not None
    seq = remote.raw["campaign"]["sequenceId"]
    for i, method in ((2, "POST"), (0, "DELETE")):
        url = f"/sequences/{seq}/steps/{remote.raw['steps'][i]['_id']}/ab-test"
        reply = env.provider.client.request(method, url, ok=(400,))
        assert reply.status == 400 and "running" in reply.data, reply.data

    env.edit(lambda d: d.update(status="paused"))
    mark = env.rec.mark()
    _applied(env.apply())
    assert env.rec.writes(mark) == [
        ("POST", "/campaigns/{cam}/pause"),
        ("DELETE", "/sequences/{seq}/steps/{stp}/ab-test"),
        ("POST", "/sequences/{seq}/steps/{stp}/ab-test"),
        ("PATCH", "/sequences/{seq}/steps/{stp}/ab-test"),
    ]
    steps = env.remote().state["steps"]
    assert steps[0]["abTest"] is None and steps[2]["abTest"]["subject"] == "B"


def test_flags_sections_and_schedules_send_only_what_changed(sandbox: Any, tmp_path: Path) -> None:
    env = Env(sandbox, tmp_path, _doc())
    _applied(env.apply())
    before = env.remote()

    def edit(d: dict[str, Any]) -> None:
        c = d["campaign"]
        c["opportunityClicked"] = True
        c["tracking"]["trackOpens"] = False
        c["aiFeatures"] = {"onInterestedReply": {"enabled": True}}
        c["schedules"][0]["start"] = "08:00"
        c["schedules"].append(
            {
                "name": "Weekend",
                "timezone": "America/New_York",
                "start": "10:00",
                "end": "12:00",
                "weekdays": [6, 7],
            }
        )

    env.edit(edit)
    mark = env.rec.mark()
    _applied(env.apply())
    sent = [s for s in env.rec.sent[mark:] if s.method != "GET"]
    assert [(s.method, _shape(s.path)) for s in sent] == [
        ("PATCH", "/campaigns/{cam}"),
        ("PATCH", "/schedules/{skd}"),
        ("POST", "/schedules"),
        ("POST", "/campaigns/{cam}/schedules/{skd}"),
    ]
    assert sent[0].body == {
        "opportunityClicked": True,
        "tracking": {"trackOpens": False},
        "aiFeatures": {"onInterestedReply": {"enabled": True}},
    }
    assert sent[1].body == {"start": "08:00"}
    assert sent[1].path == f"/schedules/{before.raw['schedules'][0]['_id']}"
    after = env.remote()
    assert [s["name"] for s in after.state["schedules"]] == ["Office hours", "Weekend"]
    assert env.plan().campaigns[0].action == "noop"

    # A schedule cannot be detached through the API: dropping one from the file is blocked.
    env.edit(lambda d: d["campaign"]["schedules"].pop())
    (cp,) = env.plan().campaigns
    assert cp.blocked and "cannot detach a schedule" in cp.changes[0].verdict.reason


def test_drift_between_plan_and_apply_is_refused(sandbox: Any, tmp_path: Path) -> None:
    env = Env(sandbox, tmp_path, _doc())
    _applied(env.apply())
    env.edit(lambda d: d["campaign"].update(name="Client test, renamed"))
    plan = env.plan()
    remote = plan.campaigns[0].remote
    assert remote is not None
    # Someone edits a step in the app between plan and apply: the revision moves.
    seq = remote.raw["campaign"]["sequenceId"]
    step = remote.raw["steps"][1]
    env.provider.client.patch(
        f"/sequences/{seq}/steps/{step['_id']}", json={"type": step["type"], "delay": 5}
    )
    (outcome,) = env.apply(plan).outcomes
    assert outcome.result == "drifted"


# -- reading -----------------------------------------------------------------------------------


def test_find_by_name_pages_through_more_than_100_campaigns(sandbox: Any) -> None:
    emu = _emulator(sandbox)
    clock = [0.0]

    def ticking() -> float:  # the bulk set-up below is not what is measured
        clock[0] += 1.0
        return clock[0]

    key = "k-paging"
    emu.monotonic = ticking
    try:
        with httpx.Client(base_url=sandbox.url + PREFIX, auth=("", key)) as http:
            for i in range(120):
                http.post("/campaigns", json={"name": f"Bulk {i:03d}"}).raise_for_status()
            http.post("/campaigns", json={"name": "Needle"}).raise_for_status()
        provider, rec = _provider(sandbox, key)
        assert [r.name for r in provider.find_by_name("Needle")] == ["Needle"]
        assert provider.find_by_name("Bulk") == []
        assert len(provider.list_campaigns()) == 122  # and the seeded dynamic-sender one
        pages = [s.query for s in rec.sent if s.path == "/campaigns"][:2]
        assert pages == [
            {"version": ["v2"], "offset": ["0"], "limit": ["100"]},
            {"version": ["v2"], "offset": ["100"], "limit": ["100"]},
        ]
    finally:
        emu.monotonic = __import__("time").monotonic


class _Canned:
    """A stand-in client answering GET /campaigns with a bare array, as the OpenAPI file
    documents it, in pages of `limit`."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def get(self, path: str, params: dict[str, Any]) -> Any:
        page = self.names[params["offset"] : params["offset"] + params["limit"]]
        data = [
            {"_id": f"cam_{i:05d}{n[:3]}", "name": n, "status": "paused"}
            for i, n in enumerate(page, start=params["offset"])
        ]
        return type("R", (), {"data": data})()


def test_find_by_name_accepts_the_bare_array_form() -> None:
    provider = Lemlist(_Canned([f"C{i}" for i in range(150)] + ["Needle"]))  # type: ignore[arg-type]
    found = provider.find_by_name("Needle")
    assert [(r.name, r.status) for r in found] == [("Needle", "paused")]
    assert len(provider.list_campaigns()) == 151


def test_connect_uses_basic_auth_with_an_empty_user_and_one_limiter_per_key(sandbox: Any) -> None:
    api = Lemlist.connect(sandbox.url + PREFIX, "k-connect", {})
    track(api)
    assert api.limiter is shared_limiter("lemlist", "k-connect", 20, 2.0)
    other = Lemlist.connect(sandbox.url + PREFIX, "k-connect", {})
    track(other)
    assert other.limiter is api.limiter
    reply = api.get("/campaigns", params={"version": "v2"})
    assert reply.status == 200
    assert api._client.auth is not None
    request = httpx.Request("GET", "http://x/")
    auth_header = next(api._client.auth.auth_flow(request)).headers["Authorization"]
    assert base64.b64decode(auth_header.split()[1]) == b":k-connect"


# -- rate limit ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "env", "limited"),
    [
        ("https://api.lemlist.com/api", {"OUTREACH_RATE_LIMIT": "off"}, True),  # a real API: always
        ("https://10.1.2.3/api", {"OUTREACH_RATE_LIMIT": "off"}, True),
        ("http://127.0.0.1:9/lemlist/api", {}, True),
        ("http://127.0.0.1:9/lemlist/api", {"OUTREACH_RATE_LIMIT": "no"}, True),
        ("http://127.0.0.1:9/lemlist/api", {"OUTREACH_RATE_LIMIT": "off"}, False),
        ("http://localhost:9/lemlist/api", {"OUTREACH_RATE_LIMIT": "OFF"}, False),
    ],
)
def test_the_client_limiter_is_off_only_for_a_loopback_root_that_says_so(
    url: str, env: dict[str, str], limited: bool
) -> None:
    api = Lemlist.connect(url, "k-off-" + uuid.uuid4().hex[:6], env)
    track(api)
    assert (api.limiter is not None) is limited


def test_the_embedded_sandbox_gets_no_client_limiter_and_a_real_key_does(tmp_path: Path) -> None:
    from outreach_cli.session import Session

    with Session(sandbox=True, state_dir=tmp_path / "a") as session:
        assert session.provider("lemlist").client.limiter is None
    with Session(state_dir=tmp_path / "b", environ={"LEMLIST_API_KEY": "k-real"}) as session:
        assert session.provider("lemlist").client.limiter is not None  # no request is sent


@pytest.mark.slow
def test_fifty_campaigns_planned_and_applied_concurrently_get_no_429(
    limited_sandbox: Any, tmp_path: Path
) -> None:
    sandbox = limited_sandbox
    folder = tmp_path / "bulk"
    folder.mkdir()
    for i in range(50):
        _write(
            folder / f"c{i:02d}.yaml",
            {
                "provider": "lemlist",
                "key": f"bulk-{i:02d}",
                "campaign": {
                    "name": f"Bulk {i:02d}",
                    "steps": [
                        {
                            "type": "email",
                            "delay": 0,
                            "subject": f"Hello {i}",
                            "message": "<p>Hi</p>",
                        }
                    ],
                },
            },
        )
    provider, rec = _provider(sandbox)
    state = State(tmp_path / ".outreach")
    docs = _docs(folder)
    # The sandbox shares this process: a stop-the-world collection of the whole test session's
    # heap (a 59 ms gen-2 pass was measured here) between the limiter's timestamp and the
    # server's delays one request by more than the limiter's 0.05 s margin, and the server then
    # counts 21 requests in 2 s. Frozen, the session's objects cost a collection nothing, as in
    # an `outreach apply` process. (Network jitter does the same against the real API: the
    # limiter counts departures, the server arrivals.)
    gc.freeze()
    try:
        plan = planner.build(docs, lambda _: provider, state, concurrency=8)
        assert plan.tally()["create"] == 50
        report = applier.run(plan, lambda _: provider, state, concurrency=8)
    finally:
        gc.unfreeze()
    assert report.count("applied") == 50, [o for o in report.outcomes if o.result != "applied"]
    assert _emulator(sandbox).rate_limited == 0
    assert provider.client.rate_limited == 0
    assert all(r[2] != 429 for r in sandbox.sandbox.request_log)
    # Seven requests a campaign at least (lookup, create, pause, a step, the read-back's three):
    # well over the limit of a window, many times over.
    assert len(rec.sent) >= 50 * 7


# -- the OpenAPI check ---------------------------------------------------------------------------


def _template(method: str, path: str) -> str | None:
    parts = path.rstrip("/").split("/")
    best: tuple[int, str] | None = None
    for tpl, item in spec()["paths"].items():
        if method.lower() not in item:
            continue
        tparts = tpl.rstrip("/").split("/")
        if len(tparts) != len(parts):
            continue
        params = 0
        for t, p in zip(tparts, parts, strict=True):
            if t.startswith("{") and t.endswith("}"):
                params += 1
            elif t != p:
                break
        else:
            if best is None or params < best[0]:
                best = (params, tpl)
    return best[1] if best else None


def _resolve(schema: Any) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = spec()
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


def _undeclared(schema: Any, value: Any, where: str) -> list[str]:
    """Keys we send that the request schema does not declare (the file rarely says
    additionalProperties: false, but an undeclared key is a client bug all the same)."""
    schema = _resolve(schema)
    if not isinstance(schema, dict):
        return []
    out: list[str] = []
    if isinstance(value, dict) and "properties" in schema:
        for k, v in value.items():
            if k not in schema["properties"]:
                if not schema.get("additionalProperties"):
                    out.append(f"{where}.{k}: not declared")
            else:
                out += _undeclared(schema["properties"][k], v, f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += _undeclared(schema["items"], v, f"{where}[{i}]")
    return out


def openapi_problems(sent: list[Sent]) -> list[str]:
    problems: list[str] = []
    for s in sent:
        where = f"{s.method} {s.path}"
        if not (s.authorization or "").startswith("Basic ") or not base64.b64decode(
            (s.authorization or " x").split()[1]
        ).startswith(b":"):
            problems.append(f"{where}: not Basic auth with an empty user")
        tpl = _template(s.method, s.path)
        if tpl is None:
            problems.append(f"{where}: no such operation in lemlist's OpenAPI file")
            continue
        item = spec()["paths"][tpl]
        op = item[s.method.lower()]
        declared = {
            p["name"]: p
            for p in [*item.get("parameters", []), *op.get("parameters", [])]
            if p.get("in") == "query"
        }
        for name, values in s.query.items():
            if name not in declared:
                problems.append(f"{where}: query parameter {name!r} is not declared")
                continue
            pschema = declared[name].get("schema") or {}
            value: Any = values[0]
            if pschema.get("type") == "integer":
                value = int(value) if re.fullmatch(r"-?\d+", value) else value
            for err in Draft202012Validator(pschema).iter_errors(value):
                problems.append(f"{where}: ?{name}={values[0]}: {err.message}")
        body_spec = op.get("requestBody")
        if s.body is None:
            if body_spec and body_spec.get("required"):
                problems.append(f"{where}: the request body is required")
            continue
        if not body_spec:
            problems.append(f"{where}: sent a body to an operation that takes none")
            continue
        ref = pointer(
            "paths", tpl, s.method.lower(), "requestBody", "content", "application/json", "schema"
        )
        for err in validator_for(ref).iter_errors(s.body):
            problems.append(f"{where}: {list(err.absolute_path)}: {err.message}")
        problems += _undeclared(
            body_spec["content"]["application/json"]["schema"], s.body, where + " body"
        )
    return problems


def test_the_request_check_is_not_vacuous() -> None:
    auth = "Basic " + base64.b64encode(b":k").decode()
    bad = [
        Sent("PATCH", "/campaigns/cam_x", {}, {"timezone": "Europe/Paris"}, auth),
        Sent("POST", "/sequences/seq_x/steps", {}, {"type": "fax"}, auth),
        Sent("PATCH", "/sequences/seq_x/steps/stp_x", {}, {"delay": 1}, auth),
        Sent("GET", "/campaigns", {"version": ["v2"], "color": ["red"]}, None, auth),
        Sent("POST", "/schedules", {}, None, auth),
        Sent("GET", "/nowhere", {}, None, "Bearer k"),
    ]
    problems = openapi_problems(bad)
    for fragment in (
        "/campaigns/cam_x body.timezone: not declared",
        "'fax' is not one of",
        "'type' is a required property",
        "'color' is not declared",
        "POST /schedules: the request body is required",
        "GET /nowhere: not Basic auth",
        "GET /nowhere: no such operation",
    ):
        assert any(fragment in p for p in problems), (fragment, problems)
    good = [
        Sent(
            "GET", "/campaigns", {"version": ["v2"], "offset": ["0"], "limit": ["100"]}, None, auth
        ),
        Sent("GET", "/campaigns/cam_x/schedules/", {}, None, auth),
        Sent("POST", "/sequences/seq_x/steps/stp_x/ab-test", {}, None, auth),
    ]
    assert openapi_problems(good) == []


class _CannedLeads:
    """A stand-in client for GET /campaigns/{id}/leads/: `[{_id, contactId, state}]` in pages
    of `limit`, from `offset` unless the server ignores it (no offset is documented)."""

    def __init__(self, count: int, *, honours_offset: bool) -> None:
        self.count, self.honours_offset, self.calls = count, honours_offset, 0

    def get(self, path: str, params: dict[str, Any]) -> Any:
        self.calls += 1
        start = params["offset"] if self.honours_offset else 0
        data = [
            {"_id": f"lea_{i:05d}", "contactId": f"ctc_{i:05d}", "state": "scanned"}
            for i in range(start, min(start + params["limit"], self.count))
        ]
        return type("R", (), {"data": data})()


@pytest.mark.parametrize("honours_offset", [True, False])
def test_lemlist_leads_are_read_a_page_at_a_time_and_the_loop_ends(honours_offset: bool) -> None:
    from outreach_cli.providers.lemlist.leads import PAGE_LIMIT

    canned = _CannedLeads(2 * PAGE_LIMIT + 50, honours_offset=honours_offset)
    records = Lemlist(canned).leads.list_records("cam_1", None)  # type: ignore[arg-type]
    first = next(iter(records))
    assert first["_id"] == "lea_00000" and canned.calls == 1  # one page read, not all of them
    rest = list(records)
    ids = [first["_id"], *(r["_id"] for r in rest)]
    assert len(ids) == len(set(ids))  # no lead twice, even from a server that ignores offset
    # Honoured: every lead in three pages. Ignored: the second page holds nothing new, and
    # the loop stops there (the first page, 500 leads, is all this API can give).
    assert (len(ids), canned.calls) == (
        (2 * PAGE_LIMIT + 50, 3) if honours_offset else (PAGE_LIMIT, 2)
    )
