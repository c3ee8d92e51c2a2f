"""`outreach doctor --contract`: the live answers against the shapes the adapters read, as
data (providers/<name>/contract.json). Against the sandbox (no difference) and against the
sandbox answering in changed shapes (each difference reported, exit 1)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.contract import differences, load_contract
from outreach_cli.errors import ExitCode
from outreach_cli.providers import provider_class
from outreach_cli.sandbox.web import Response
from tests.helpers import run

PROVIDERS = ("sendkit", "lemlist", "puffle")


@pytest.fixture
def applied(env_sandbox: Any, campaigns_dir: Path) -> Any:
    """The sandbox holding the example campaigns, applied through the URL overrides."""
    result = run("apply", str(campaigns_dir), "--yes")
    assert result.exit_code == 0, result.stderr
    env_sandbox.sandbox.request_log.clear()
    return env_sandbox


def _contract(*args: str) -> tuple[Any, dict[str, Any]]:
    result = run("doctor", "--contract", *args)
    doc = json.loads(run("doctor", "--contract", "-f", "json", *args).stdout)
    return result, doc


def test_sandbox_answers_as_the_adapters_expect(applied: Any) -> None:
    result, doc = _contract()
    assert result.exit_code == 0, result.stdout
    reports = {r["provider"]: r for r in doc["data"]["contract"]}
    assert set(reports) == set(PROVIDERS)
    for name, rep in reports.items():
        assert rep["differences"] == [] and rep["problem"] is None, (name, rep)
        assert rep["checked"][:2] == ["GET /campaigns", "GET /campaigns/{id}"]
    assert len(reports["lemlist"]["checked"]) == 4  # + sequences, schedules
    assert "contract  sendkit: no difference" in result.stdout


def test_contract_check_reads_only(applied: Any) -> None:
    run("doctor", "--contract")
    log = applied.sandbox.request_log
    assert log and {method for method, _, _ in log} == {"GET"}


def _drift(sandbox: Any, provider: str, change: Any) -> None:
    """Make one emulator answer its GETs in a changed shape (as a vendor's new API might)."""
    emulator = next(e for e in sandbox.sandbox.emulators if e.prefix.split("/")[1] == provider)
    real = emulator.handle

    def handle(request: Any) -> Response:
        resp = real(request)
        if request.method == "GET" and isinstance(resp.body, (dict, list)):
            body = copy.deepcopy(resp.body)
            change(request.path, body)
            return Response(resp.status, body, resp.headers)
        return resp

    emulator.handle = handle


def _sendkit_v2(path: str, body: Any) -> None:
    # A new status word, ids as numbers, a step type renamed, settings as a list.
    items = body["data"] if isinstance(body.get("data"), list) else [body.get("data")]
    for item in items:
        if isinstance(item, dict):
            item["status"] = "running"
            if path != "/campaigns":  # the list's ids still lead to the campaign
                item["_id"] = 12345
            for step in item.get("sequence") or []:
                if step.get("type") == "wait":
                    step["type"] = "delay"
            item["settings"] = []


def _lemlist_v3(path: str, body: Any) -> None:
    if path == "/campaigns":  # the list wrapped in a new envelope
        body.clear()
        body["data"] = [{"id": "x"}]
    elif isinstance(body, dict) and "stopOnEmailReplied" in body:
        body["stopOnEmailReplied"] = "yes"


def _puffle_renamed(path: str, body: Any) -> None:
    camps = body.get("campaigns") or ([body["campaign"]] if "campaign" in body else [])
    for camp in camps:
        camp["status"] = "DRAFT"
        camp["daily_limit"] = "50"
        camp.pop("name", None)


def test_changed_shapes_are_each_reported(applied: Any) -> None:
    _drift(applied, "sendkit", _sendkit_v2)
    _drift(applied, "puffle", _puffle_renamed)
    result, doc = _contract()
    assert result.exit_code == ExitCode.ERROR
    reports = {r["provider"]: r for r in doc["data"]["contract"]}
    assert reports["lemlist"]["differences"] == []
    sk = [d["message"] for d in reports["sendkit"]["differences"]]
    assert (
        'GET /campaigns at /data/0/status: the live API answers the text "running" where '
        "outreach expects one of draft, active, paused, completed, archived"
    ) in sk
    assert any(
        m.startswith(
            "GET /campaigns/{id} at /data/_id: the live API answers the "
            "number 12345 where outreach expects string"
        )
        for m in sk
    )
    assert any("/sequence/1/type" in m and '"delay"' in m and "one of email, wait" in m for m in sk)
    assert any(
        m.endswith(
            "/data/settings: the live API answers an array of 0 where outreach "
            "expects object or null"
        )
        for m in sk
    )
    pf = [d["message"] for d in reports["puffle"]["differences"]]
    assert any("without `name`" in m for m in pf)
    assert any('"DRAFT"' in m and "launching" in m for m in pf)
    assert any("/campaign/daily_limit" in m and '"50"' in m and "integer or null" in m for m in pf)
    # Every difference is an error of the envelope, and is in the text too.
    codes = [e["code"] for e in doc["errors"] if e["severity"] == "error"]
    assert codes.count("contract-differs") == len(sk) + len(pf)
    assert "DIFFERS   GET /campaigns at /data/0/status" in result.stdout
    assert "doctor:" in result.stderr and "problem" in result.stderr


def test_a_new_list_envelope_is_reported_and_no_campaign_read(applied: Any) -> None:
    _drift(applied, "lemlist", _lemlist_v3)
    result, doc = _contract("lemlist")
    assert result.exit_code == ExitCode.ERROR
    rep = doc["data"]["contract"][0]
    assert [d["message"] for d in rep["differences"]] == [
        "GET /campaigns: the live API answers an object of 1 where outreach expects a bare "
        "array of campaigns, or {campaigns, pagination}"
    ]
    assert rep["checked"] == ["GET /campaigns"]
    assert rep["notes"][0].startswith("GET /campaigns/{id} not checked")


def test_a_file_field_of_another_type_is_reported(applied: Any) -> None:
    _drift(
        applied,
        "lemlist",
        lambda path, body: (
            body.update(stopOnEmailReplied="yes")
            if isinstance(body, dict) and "stopOnEmailReplied" in body
            else None
        ),
    )
    _, doc = _contract("lemlist")
    msgs = [d["message"] for d in doc["data"]["contract"][0]["differences"]]
    assert msgs == [
        "GET /campaigns/{id} at /stopOnEmailReplied: the live API answers the text "
        '"yes" where outreach expects boolean or null'
    ]


@pytest.mark.parametrize("name", PROVIDERS)
def test_contract_agrees_with_the_adapter(name: str) -> None:
    """The status words and id form are the adapter's own (no second list to drift)."""
    cls = provider_class(name)
    contract = load_contract(name)
    text = json.dumps(contract)
    statuses = [s for s in re.findall(r'"status": \{"enum": (\[[^\]]*\])', text)]
    assert json.loads(statuses[0]) == list(cls.statuses)
    assert ("^" + cls.ID_PATTERN + "$") in text


@pytest.mark.parametrize("name", ["lemlist", "puffle"])
def test_every_field_the_adapter_reads_back_is_checked(name: str) -> None:
    get = next(e for e in load_contract(name)["endpoints"] if e["name"] == "get")
    node = get["schema"]
    for part in get["fileFields"].get("at", []):
        node = node["properties"][part]
    if name == "puffle":
        from outreach_cli.providers.puffle.adapter import READ_FIELDS

        assert set(READ_FIELDS) <= set(node["properties"])
    else:
        from outreach_cli.providers.lemlist.normalize import _campaign_fields

        assert set(_campaign_fields()) - {"sendUserIds"} <= set(node["properties"])


def test_difference_wording() -> None:
    schema = {"type": "object", "required": ["name"], "properties": {"n": {"type": "integer"}}}
    got = differences("x", "GET /a", {"n": "1"}, schema, {})
    assert [d.message for d in got] == [
        "GET /a: the live API answers an object of 1 without `name` where outreach expects `name`",
        'GET /a at /n: the live API answers the text "1" where outreach expects integer',
    ]
