"""The lemlist contract check (tests/lemlist_contract.py, installed for every test by
conftest.py) can fail: a request or an answer that breaks lemlist's OpenAPI file is reported,
on the clients the adapter builds and on the emulator's answers alike."""

from __future__ import annotations

import json
from typing import Any

import pytest

from outreach_cli.providers.lemlist.adapter import Lemlist
from outreach_cli.sandbox.lemlist.routes import Emulator
from outreach_cli.sandbox.web import Response
from tests import lemlist_contract as contract
from tests.helpers import track


def _client(sandbox: Any, key: str) -> Any:
    api = Lemlist.connect(sandbox.url + "/lemlist/api", key, {})
    track(api)
    return api


def test_a_good_session_reports_nothing(sandbox: Any) -> None:
    api = _client(sandbox, "k-contract-good")
    made = api.post("/campaigns", json={"name": "Contract"}).data
    api.get(f"/campaigns/{made['_id']}")
    api.patch(f"/campaigns/{made['_id']}", json={"stopOnEmailReplied": False})
    assert contract.take() == []


def test_an_answer_that_breaks_the_file_is_reported(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = Emulator.handle  # the contract's wrapper, installed by conftest

    def lying(self: Any, request: Any) -> Response:
        resp: Response = handle.__wrapped__(self, request)  # type: ignore[attr-defined]
        if request.method == "GET" and isinstance(resp.body, dict):
            resp.body = {**resp.body, "_id": 5, "status": "launched"}
        return resp

    lying.__wrapped__ = handle.__wrapped__  # type: ignore[attr-defined]
    monkeypatch.setattr(Emulator, "handle", contract.emulator_handle(lying))
    api = _client(sandbox, "k-contract-lie")
    made = api.post("/campaigns", json={"name": "Contract"}).data
    api.get(f"/campaigns/{made['_id']}")
    found = contract.take()
    assert len(found) == 1 and found[0].startswith("response GET /campaigns/{campaignId} → 200")
    assert "launched" in found[0]


def test_a_request_that_breaks_the_file_must_be_refused(sandbox: Any) -> None:
    api = _client(sandbox, "k-contract-request")
    made = api.post("/campaigns", json={"name": "Contract"}).data
    # Refused by the emulator too (400): the two readings agree, nothing to report.
    with pytest.raises(Exception, match="400"):
        api.patch(f"/campaigns/{made['_id']}", json={"stopOnEmailReplied": "yes"})
    assert contract.take() == []


def test_a_request_the_file_refuses_but_the_server_accepts_is_reported(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle = Emulator.handle

    def lax(self: Any, request: Any) -> Response:  # a server that takes anything
        if request.method == "PATCH":
            return Response(200, {"_id": "cam_x", "name": "x"})
        return handle.__wrapped__(self, request)  # type: ignore[attr-defined,no-any-return]

    monkeypatch.setattr(Emulator, "handle", lax)
    api = _client(sandbox, "k-contract-lax")
    made = api.post("/campaigns", json={"name": "Contract"}).data
    api.patch(f"/campaigns/{made['_id']}", json={"stopOnEmailReplied": "yes"})
    found = contract.take()
    assert len(found) == 1 and "a request lemlist's file refuses" in found[0]


def test_an_undocumented_operation_sent_by_the_client_is_reported(sandbox: Any) -> None:
    api = _client(sandbox, "k-contract-route")
    api.get("/campaigns/cam_x/nowhere", ok=(404,))
    found = contract.take()
    assert found == ["GET /campaigns/cam_x/nowhere: not an operation of lemlist's OpenAPI file"]


def test_every_exception_names_an_operation_of_the_file_and_a_reason() -> None:
    spec = json.loads(contract.SPEC_PATH.read_text("utf-8"))
    for (method, template, what), why in {
        **contract.EXCEPTIONS,
        **contract.SHAPE_EXCEPTIONS,
    }.items():
        assert len(why) > 40, (method, template)
        if method == "*":
            continue
        assert method.lower() in spec["paths"][template], (method, template)
        documented = spec["paths"][template][method.lower()]["responses"]
        if what.isdigit() and (method, template, what) in contract.EXCEPTIONS:
            assert what not in documented, f"{method} {template} {what} is documented now"
