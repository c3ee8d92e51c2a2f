"""The Puffle emulator over real loopback HTTP: the sequence node endpoints."""

from __future__ import annotations

import uuid

import httpx

from outreach_cli.sandbox.puffle import Emulator
from tests.sandbox.puffle.helpers import (
    create,
    error,
    make_campaign,
    nodes,
    ok,
)


def test_sequence_node_endpoints_edit_a_draft(api: httpx.Client) -> None:
    cid = create(api)
    path = f"/campaigns/{cid}/sequence/nodes"
    added = ok(api.post(path, json={"type": "delay", "delay_days": 2}))["sequence_nodes"]
    assert [n["type"] for n in added] == ["email", "delay", "end"]  # before the end node
    delay_id = added[1]["id"]

    moved = ok(api.patch(path, json={"nodeId": delay_id, "toPosition": 0}))["sequence_nodes"]
    assert [(n["type"], n["position"]) for n in moved] == [("delay", 0), ("email", 1), ("end", 2)]

    # PUT does not check delay totals, as documented: launch (and validate) does.
    edited = ok(api.put(f"{path}/{delay_id}", json={"delay_days": 0, "subject": "ignored"}))
    assert edited["node"]["delay_days"] == 0 and "subject" not in edited["node"]
    errors = ok(api.get(f"/campaigns/{cid}/validate"))["errors"]
    assert "Delay at position 0 must total at least 1 minute and at most 30 days" in errors

    left = ok(api.request("DELETE", path, json={"nodeId": delay_id}))["sequence_nodes"]
    assert [(n["type"], n["position"]) for n in left] == [("email", 0), ("end", 1)]
    error(api.put(f"{path}/{uuid.uuid4()}", json={"body": "x"}), 404)
    error(api.request("DELETE", path, json={}), 400)
    assert "do not belong" in error(api.post(path, json={"type": "message", "body": "x"}), 400)


def test_sequence_node_endpoints_need_a_draft(api: httpx.Client, emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "active")
    path = f"/campaigns/{cid}/sequence/nodes"
    node_id = nodes(api, cid)[0]["id"]
    assert "draft" in error(api.post(path, json={"type": "delay", "delay_days": 1}), 400)
    error(api.put(f"{path}/{node_id}", json={"subject": "x"}), 400)
    error(api.patch(path, json={"nodeId": node_id, "toPosition": 1}), 400)
