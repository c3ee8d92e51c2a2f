"""The lemlist emulator's own choices on routes a campaign file does not reach (listed in the
catalogue as LM-C12…LM-C15): each refused with a 400, over loopback."""

from __future__ import annotations

import hashlib

import httpx

from tests.sandbox.lemlist.helpers import Lem, make_campaign


def _workspace(key: str) -> str:
    """The emulator's workspace of an API key (sandbox/lemlist/routes.py)."""
    return "lemlist:" + hashlib.sha256(key.encode()).hexdigest()[:20]


def test_campaign_list_sorts_by_created_at_only(api: httpx.Client) -> None:
    assert api.get("/campaigns", params={"sortBy": "createdAt"}).status_code == 200
    r = api.get("/campaigns", params={"sortBy": "name"})
    assert r.status_code == 400 and "sortBy" in r.text


def test_an_archived_campaign_cannot_be_started(lem: Lem) -> None:
    key = "key-archived-start"
    api = lem.client(key)
    camp = make_campaign(api, "Old one")
    store = lem.emulator.store
    ws = _workspace(key)
    row = store.get(ws, "campaign", camp["_id"])
    assert row is not None
    store.put(ws, "campaign", camp["_id"], {**row, "status": "archived"})
    r = api.post(f"/campaigns/{camp['_id']}/start")
    api.close()
    assert r.status_code == 400 and "archived" in r.text


def test_a_step_post_names_its_type(api: httpx.Client) -> None:
    camp = make_campaign(api, "Steps")
    r = api.post(f"/sequences/{camp['sequenceId']}/steps", json={"delay": 1, "message": "x"})
    assert r.status_code == 400 and "type is required" in r.text


def test_an_ab_test_patch_takes_only_its_fields(api: httpx.Client) -> None:
    camp = make_campaign(api, "AB")
    seq = camp["sequenceId"]
    step = api.post(
        f"/sequences/{seq}/steps",
        json={"type": "email", "subject": "S", "message": "<p>M</p>", "delay": 0},
    )
    assert step.status_code == 200, step.text
    path = f"/sequences/{seq}/steps/{step.json()['_id']}/ab-test"
    api.post(f"/campaigns/{camp['_id']}/pause")  # a new campaign runs; A/B tests need it not to
    assert api.post(path).status_code == 200
    r = api.patch(path, json={"subjectB": "typo"})
    assert r.status_code == 400
