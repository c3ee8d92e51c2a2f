"""Puffle's API as the sandbox serves it, over real loopback HTTP.

The update page's status × field table (shared/seeds/puffle-update-campaign.txt) is copied here
as the docs print it, not taken from the client's rules, so these tests check the emulator
against the docs on their own.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from outreach_cli.sandbox import server
from outreach_cli.sandbox.puffle import DEMO_SENDERS, UUID_PATTERN, Emulator

EMAIL_1, EMAIL_2 = (s["id"] for s in DEMO_SENDERS if s["type"] == "email")
LINKEDIN_1, LINKEDIN_2 = (s["id"] for s in DEMO_SENDERS if s["type"] == "linkedin")
STATUSES = ("draft", "active", "paused")
# The update page's table: ✅ → True, "ignored" → False, per (draft, active, paused).
TABLE: dict[str, tuple[bool, bool, bool]] = {
    "name": (True, True, True),
    "operating_hours": (True, True, True),
    "daily_limit": (True, True, True),
    "account_limits": (True, True, True),
    "skip_other_campaigns": (True, False, False),
    "stop_on_reply": (True, False, False),
    "open_tracking": (True, False, False),
    "signature": (True, False, False),
    "sender_account_ids": (True, False, False),
    "sequence_nodes": (True, False, False),
}
# A new value for each row, on a campaign of the type the row belongs to.
NEW_VALUES: dict[str, tuple[str, Any]] = {
    "name": ("email", "Renamed"),
    "operating_hours": ("email", {"monday": {"start": "09:00", "end": "17:00"}}),
    "daily_limit": ("email", 123),
    "account_limits": ("email", [{"account_id": EMAIL_1, "daily_limit": 7}]),
    "skip_other_campaigns": ("linkedin", True),
    "stop_on_reply": ("email", False),
    "open_tracking": ("email", False),
    "signature": ("email", "Cheers,\n%sender_first_name%"),
    "sender_account_ids": ("email", [EMAIL_2]),
    "sequence_nodes": ("email", [
        {"type": "email", "subject": "Changed", "body": "Again"},
        {"type": "delay", "delay_days": 2},
        {"type": "end"},
    ]),
}
READY_NODES: dict[str, list[dict[str, Any]]] = {
    "email": [{"type": "email", "subject": "Hi {{first_name}}", "body": "Hello"},
              {"type": "end"}],
    "linkedin": [{"type": "connection_request", "body": "Hi", "include_message": True},
                 {"type": "end"}],
}
PROSPECT = {"email": {"email": "jane@example.com", "first_name": "Jane"},
            "linkedin": {"linkedin_url": "https://www.linkedin.com/in/jane"}}


@pytest.fixture(scope="module")
def running() -> Iterator[server.Running]:
    sandbox = server.start(":memory:")
    try:
        yield sandbox
    finally:
        sandbox.stop()


@pytest.fixture
def emulator(running: server.Running) -> Emulator:
    found = next(e for e in running.sandbox.emulators if e.prefix == "/puffle/api")
    assert isinstance(found, Emulator)
    return found


def client(running: server.Running, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=running.url + "/puffle/api", headers=headers, timeout=10)


@pytest.fixture
def api(running: server.Running) -> Iterator[httpx.Client]:
    """A client with a fresh workspace (one per key)."""
    with client(running, f"pk_test_{uuid.uuid4().hex}") as c:
        yield c


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    message = response.json()["error"]
    assert isinstance(message, str)
    return message


def create(api: httpx.Client, ctype: str = "email", **fields: Any) -> str:
    sender = EMAIL_1 if ctype == "email" else LINKEDIN_1
    body = {"type": ctype, "name": "Original", "sender_account_ids": [sender], **fields}
    campaign_id: str = ok(api.post("/campaigns", json=body))["campaign"]["id"]
    return campaign_id


def make_campaign(api: httpx.Client, emulator: Emulator, status: str = "draft",
                  ctype: str = "email", *, ready: bool = False) -> str:
    """A campaign in `status`; a launched one went through content, a prospect and launch."""
    cid = create(api, ctype)
    if status == "draft" and not ready:
        return cid
    ok(api.patch(f"/campaigns/{cid}", json={"sequence_nodes": READY_NODES[ctype]}))
    ok(api.post(f"/campaigns/{cid}/leads", json={"prospects": [PROSPECT[ctype]]}))
    if status == "draft":
        return cid
    ok(api.post(f"/campaigns/{cid}/launch"))
    emulator.tick(Emulator.launch_seconds)
    assert campaign(api, cid)["status"] == "active"
    if status == "paused":
        ok(api.post(f"/campaigns/{cid}/pause"))
    return cid


def campaign(api: httpx.Client, cid: str) -> dict[str, Any]:
    body: dict[str, Any] = ok(api.get(f"/campaigns/{cid}"))["campaign"]
    return body


def nodes(api: httpx.Client, cid: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(api.get(f"/campaigns/{cid}"))["sequence_nodes"]
    return found


def read(api: httpx.Client, cid: str, field: str) -> Any:
    """A field as the file would state it, read back from GET /campaigns/{id}."""
    if field == "sender_account_ids":
        return [s["id"] for s in campaign(api, cid)["sender_accounts"]]
    if field == "sequence_nodes":
        return [{k: v for k, v in n.items() if k not in ("id", "campaign_id", "position")}
                for n in nodes(api, cid)]
    return campaign(api, cid)[field]


# -- the update page ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("field", list(TABLE))
def test_update_page_table(api: httpx.Client, emulator: Emulator, field: str,
                           status: str) -> None:
    ctype, value = NEW_VALUES[field]
    cid = make_campaign(api, emulator, status, ctype)
    before = read(api, cid, field)
    assert before != value

    body = ok(api.patch(f"/campaigns/{cid}", json={field: value}))

    applies = TABLE[field][STATUSES.index(status)]
    assert read(api, cid, field) == (value if applies else before)
    assert body["campaign"]["status"] == status


@pytest.mark.parametrize(("ctype", "field", "value"), [
    ("linkedin", "daily_limit", 100),
    ("linkedin", "account_limits", [{"account_id": LINKEDIN_1, "daily_limit": 5}]),
    ("linkedin", "stop_on_reply", True),
    ("linkedin", "signature", "Best"),
    ("email", "skip_other_campaigns", True),
])
def test_fields_of_the_other_channel_are_ignored(api: httpx.Client, ctype: str, field: str,
                                                  value: Any) -> None:
    cid = create(api, ctype)
    before = campaign(api, cid)[field]
    ok(api.patch(f"/campaigns/{cid}", json={field: value}))
    assert campaign(api, cid)[field] == before


def test_type_cannot_change(api: httpx.Client) -> None:
    cid = create(api, "email")
    ok(api.patch(f"/campaigns/{cid}", json={"type": "linkedin"}))
    assert campaign(api, cid)["type"] == "email"


def test_repeated_account_limit_keeps_the_last_value(api: httpx.Client) -> None:
    cid = create(api)
    ok(api.patch(f"/campaigns/{cid}", json={"account_limits": [
        {"account_id": EMAIL_1, "daily_limit": 5}, {"account_id": EMAIL_2, "daily_limit": 6},
        {"account_id": EMAIL_1, "daily_limit": 9}]}))
    assert campaign(api, cid)["account_limits"] == [
        {"account_id": EMAIL_1, "daily_limit": 9}, {"account_id": EMAIL_2, "daily_limit": 6}]


# -- delays and validation before any write ----------------------------------------------------


@pytest.mark.parametrize(("delay", "accepted"), [
    ({"delay_minutes": 0}, False),
    ({}, False),
    ({"delay_minutes": 1}, True),
    ({"delay_days": 30}, True),
    ({"delay_hours": 720}, True),
    ({"delay_days": 30, "delay_minutes": 1}, False),
    ({"delay_days": 29, "delay_hours": 23, "delay_minutes": 61}, False),
])
def test_delay_limits(api: httpx.Client, delay: dict[str, int], accepted: bool) -> None:
    cid = create(api)
    before_nodes, before = nodes(api, cid), campaign(api, cid)
    sequence = [{"type": "email", "subject": "S", "body": "B"}, {"type": "delay", **delay},
                {"type": "email", "subject": "S2", "body": "B2"}, {"type": "end"}]

    response = api.patch(f"/campaigns/{cid}", json={"name": "Renamed",
                                                    "sequence_nodes": sequence})

    if accepted:
        ok(response)
        assert campaign(api, cid)["name"] == "Renamed"
        assert nodes(api, cid)[1]["type"] == "delay"
    else:
        message = error(response, 400)
        assert "sequence_nodes[1]" in message and "30 days" in message and "1 minute" in message
        after = campaign(api, cid)
        assert after["name"] == "Original"
        assert after["updated_at"] == before["updated_at"]
        assert nodes(api, cid) == before_nodes


def test_delay_limits_are_checked_even_where_the_sequence_would_be_ignored(
        api: httpx.Client, emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "active")
    response = api.patch(f"/campaigns/{cid}", json={
        "name": "Renamed", "sequence_nodes": [{"type": "delay", "delay_minutes": 0},
                                              {"type": "end"}]})
    error(response, 400)
    assert campaign(api, cid)["name"] == "Original"


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("daily_limit", 0, "daily_limit"),
    ("daily_limit", 501, "daily_limit"),
    ("daily_limit", "50", "daily_limit"),
    ("account_limits", [{"account_id": EMAIL_1, "daily_limit": 1}] * 51, "at most 50"),
    ("account_limits", [{"account_id": "not-a-uuid", "daily_limit": 1}], "account_id"),
    ("account_limits", [{"account_id": EMAIL_1, "daily_limit": 0}], "daily_limit"),
    ("sender_account_ids", ["5e4de000-0000-0000-0000-000000000001"], "UUID"),
    ("sender_account_ids", ["11111111-1111-4111-8111-111111111111"], "not found"),
    ("sender_account_ids", [LINKEDIN_1], "linkedin account"),
    ("stop_on_reply", "yes", "boolean"),
    ("sequence_nodes", [{"subject": "no type"}], "type is required"),
    ("sequence_nodes", [{"type": "wait"}], "type must be one of"),
    ("sequence_nodes", [{"type": "message", "body": "Hi"}], "do not belong in a email"),
    ("sequence_nodes", [{"type": "delay", "delay_days": -1}], "non-negative"),
])
def test_a_bad_value_fails_the_whole_patch(api: httpx.Client, field: str, value: Any,
                                           fragment: str) -> None:
    cid = create(api)
    message = error(api.patch(f"/campaigns/{cid}", json={"name": "Renamed", field: value}), 400)
    assert fragment in message
    assert campaign(api, cid)["name"] == "Original"


def test_name_needs_a_character(api: httpx.Client) -> None:
    cid = create(api)
    assert "name" in error(api.patch(f"/campaigns/{cid}", json={"name": ""}), 400)


def test_nil_and_max_uuids_pass_the_pattern(api: httpx.Client) -> None:
    cid = create(api)
    for special in ("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"):
        ok(api.patch(f"/campaigns/{cid}",
                     json={"account_limits": [{"account_id": special, "daily_limit": 3}]}))


def test_sequence_nodes_positions_follow_array_order(api: httpx.Client) -> None:
    cid = create(api)
    email_id, end_id = (n["id"] for n in nodes(api, cid))

    ok(api.patch(f"/campaigns/{cid}", json={"sequence_nodes": [
        {"type": "email", "subject": "A", "body": "a", "position": 9},
        {"type": "delay", "delay_days": 1, "position": 0},
        {"id": email_id, "type": "email", "subject": "B", "body": "b", "position": 3},
        {"id": end_id, "type": "end", "position": 1},
    ]}))

    got = nodes(api, cid)
    assert [n["position"] for n in got] == [0, 1, 2, 3]
    assert [n["type"] for n in got] == ["email", "delay", "email", "end"]
    assert [n.get("subject") for n in got] == ["A", None, "B", None]
    assert (got[2]["id"], got[3]["id"]) == (email_id, end_id)
    assert got[0]["id"] not in (email_id, end_id) and re.match(UUID_PATTERN, got[0]["id"])
    assert {n["campaign_id"] for n in got} == {cid}


def test_a_node_id_of_another_type_gets_a_new_node(api: httpx.Client) -> None:
    cid = create(api)
    email_id, end_id = (n["id"] for n in nodes(api, cid))
    ok(api.patch(f"/campaigns/{cid}", json={"sequence_nodes": [
        {"id": end_id, "type": "email", "subject": "x", "body": "y"}, {"type": "end"}]}))
    got = nodes(api, cid)
    assert got[0]["id"] not in (email_id, end_id)


def test_updated_at_moves_forward_on_every_write(api: httpx.Client) -> None:
    cid = create(api)
    seen = [campaign(api, cid)["updated_at"]]
    for i in range(5):
        seen.append(ok(api.patch(f"/campaigns/{cid}", json={"name": f"n{i}"}))
                    ["campaign"]["updated_at"])
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


# -- create, read, delete ----------------------------------------------------------------------


@pytest.mark.parametrize(("ctype", "first"), [("email", "email"),
                                              ("linkedin", "connection_request")])
def test_create_seeds_a_two_node_draft(api: httpx.Client, ctype: str, first: str) -> None:
    sender = EMAIL_1 if ctype == "email" else LINKEDIN_1
    body = ok(api.post("/campaigns", json={"type": ctype, "name": "New",
                                           "sender_account_ids": [sender]}))
    created = body["campaign"]
    assert created["status"] == "draft" and created["type"] == ctype
    assert re.match(UUID_PATTERN, created["id"])
    assert [(n["type"], n["position"]) for n in created["sequence_nodes"]] == [
        (first, 0), ("end", 1)]
    assert [s["id"] for s in created["sender_accounts"]] == [sender]

    got = ok(api.get(f"/campaigns/{created['id']}"))
    assert set(got) == {"campaign", "sequence_nodes", "prospects_by_status",
                        "prospects_by_node"}
    assert "sequence_nodes" not in got["campaign"]
    assert [n["id"] for n in got["sequence_nodes"]] == [
        n["id"] for n in created["sequence_nodes"]]


@pytest.mark.parametrize(("body", "fragment"), [
    ({"type": "sms", "name": "x"}, "type"),
    ({"type": "email"}, "name"),
    ({"type": "email", "name": ""}, "name"),
    ({"type": "email", "name": "x", "sender_account_ids": [LINKEDIN_1]}, "linkedin account"),
    ({"type": "linkedin", "name": "x", "sender_account_ids": [EMAIL_1]}, "email account"),
    ({"type": "email", "name": "x", "daily_limit": 501}, "daily_limit"),
])
def test_create_refuses_bad_input(api: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    assert fragment in error(api.post("/campaigns", json=body), 400)
    assert ok(api.get("/campaigns"))["campaigns"] == []


def test_create_takes_the_create_fields(api: httpx.Client) -> None:
    cid = create(api, "email", daily_limit=80, open_tracking=False, signature="Best,\n%first_name%",
                 operating_hours={"tuesday": []})
    got = campaign(api, cid)
    assert (got["daily_limit"], got["open_tracking"], got["signature"], got["operating_hours"]) \
        == (80, False, "Best,\n%first_name%", {"tuesday": []})


def test_list_puts_running_campaigns_first(api: httpx.Client, emulator: Emulator) -> None:
    first = create(api)
    running_id = make_campaign(api, emulator, "active")
    last = create(api)
    listed = ok(api.get("/campaigns"))["campaigns"]
    assert [c["id"] for c in listed] == [running_id, last, first]
    assert all(c["node_count"] == 2 and "sender_accounts" in c for c in listed)


def test_delete_campaign(api: httpx.Client) -> None:
    cid = create(api)
    assert ok(api.delete(f"/campaigns/{cid}")) == {"success": True}
    error(api.get(f"/campaigns/{cid}"), 404)
    error(api.delete(f"/campaigns/{cid}"), 404)


def test_bad_and_unknown_ids(api: httpx.Client) -> None:
    error(api.get("/campaigns/not-a-uuid"), 400)
    error(api.get(f"/campaigns/{uuid.uuid4()}"), 404)
    error(api.get("/nowhere"), 404)
    error(api.put("/campaigns"), 405)


# -- auth and workspaces -----------------------------------------------------------------------


@pytest.mark.parametrize("header", [
    None, "Bearer sk_live_abc", "Bearer pk_live_", "pk_live_abc", "Basic pk_live_abc",
    "Bearer pk_prod_abc",
])
def test_auth_needs_a_bearer_pk_key(running: server.Running, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=running.url + "/puffle/api", headers=headers) as c:
        error(c.get("/campaigns"), 401)


def test_each_key_is_its_own_workspace(running: server.Running) -> None:
    suffix = uuid.uuid4().hex
    with client(running, f"pk_live_{suffix}") as live, \
            client(running, f"pk_test_{suffix}") as test:
        cid = create(live)
        error(test.get(f"/campaigns/{cid}"), 404)
        assert ok(test.get("/campaigns"))["campaigns"] == []
        assert [c["id"] for c in ok(live.get("/campaigns"))["campaigns"]] == [cid]


def test_demo_senders_of_both_types(api: httpx.Client) -> None:
    senders = ok(api.get("/senders"))["senders"]
    assert sorted((s["type"], s["status"]) for s in senders) == [
        ("email", "active"), ("email", "active"), ("linkedin", "connected"),
        ("linkedin", "connected")]
    assert all(re.match(UUID_PATTERN, s["id"]) for s in senders)
    assert ok(api.get(f"/senders/{EMAIL_2}"))["sender"]["email"]
    assert len(ok(api.get("/campaigns/settings"))["accounts"]) == 4
    assert ok(api.get("/settings"))["settings"]["timezone"] == "UTC"
    ok(api.put("/settings", json={"timezone": "Europe/Paris"}))
    assert ok(api.get("/settings"))["settings"]["timezone"] == "Europe/Paris"
    error(api.put("/settings", json={"timezone": "Mars/Olympus"}), 400)


# -- lifecycle ---------------------------------------------------------------------------------


def test_validate_reports_what_blocks_a_launch(api: httpx.Client) -> None:
    cid = create(api)
    report = ok(api.get(f"/campaigns/{cid}/validate"))
    assert report["ready"] is False
    assert report["checks"]["is_draft"] is True
    assert report["checks"]["all_nodes_have_content"] is False
    assert any("missing content at positions 0" in e for e in report["errors"])
    assert report["warnings"] == ["Campaign has no pending prospects"]

    ok(api.patch(f"/campaigns/{cid}", json={"sequence_nodes": READY_NODES["email"]}))
    report = ok(api.get(f"/campaigns/{cid}/validate"))
    assert report["ready"] is True and report["warnings"]  # no prospects: a warning only

    ok(api.post(f"/campaigns/{cid}/leads", json={"prospects": [PROSPECT["email"]]}))
    report = ok(api.get(f"/campaigns/{cid}/validate"))
    assert report == {"ready": True, "errors": [], "warnings": [], "checks": {
        "is_draft": True, "has_sender_accounts": True, "sender_accounts_ready": True,
        "has_prospects": True, "prospect_count": 1, "has_sendable_nodes": True,
        "all_nodes_have_content": True, "messages_generated": True, "message_count": 1}}


def test_validate_on_a_campaign_past_draft_short_circuits(api: httpx.Client,
                                                          emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "active")
    report = ok(api.get(f"/campaigns/{cid}/validate"))
    assert report["ready"] is False and report["checks"]["is_draft"] is False
    assert report["errors"] == ["Campaign is active — must be draft to launch"]


def test_launch_goes_through_launching_to_active_and_a_second_launch_is_409(
        api: httpx.Client, emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "draft", ready=True)
    launched = ok(api.post(f"/campaigns/{cid}/launch"))
    assert launched["success"] is True and launched["prospectsToProcess"] == 1
    assert launched["runId"] and launched["message"]
    assert campaign(api, cid)["status"] == "launching"
    assert "in progress" in error(api.post(f"/campaigns/{cid}/launch"), 409)

    emulator.tick(Emulator.launch_seconds)
    assert campaign(api, cid)["status"] == "active"
    error(api.post(f"/campaigns/{cid}/launch"), 409)  # still within 2 minutes

    emulator.tick(120)
    assert error(api.post(f"/campaigns/{cid}/launch"), 400) == \
        "Campaign is active — must be draft to launch"


def test_launch_of_a_campaign_that_is_not_ready_is_400_with_the_errors(
        api: httpx.Client) -> None:
    cid = create(api)
    response = api.post(f"/campaigns/{cid}/launch")
    assert "not ready" in error(response, 400)
    assert any("missing content" in e for e in response.json()["errors"])
    assert campaign(api, cid)["status"] == "draft"


def test_pause_twice_answers_400_the_second_time(api: httpx.Client,
                                                 emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "active")
    assert ok(api.post(f"/campaigns/{cid}/pause"))["campaign"]["status"] == "paused"
    assert error(api.post(f"/campaigns/{cid}/pause"), 400) == "Only active campaigns can be paused"


def test_pause_needs_an_active_campaign(api: httpx.Client) -> None:
    cid = create(api)
    assert error(api.post(f"/campaigns/{cid}/pause"), 400) == "Only active campaigns can be paused"


def test_resume_from_paused(api: httpx.Client, emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "paused")
    resumed = ok(api.post(f"/campaigns/{cid}/resume"))["campaign"]
    assert resumed["status"] == "active" and "sender_accounts" in resumed
    assert error(api.post(f"/campaigns/{cid}/resume"), 400) == \
        "Only paused campaigns can be resumed"


def test_resume_lands_in_completed_when_every_prospect_is_done(
        api: httpx.Client, emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "active")  # [email, end], one prospect, already sent
    emulator.tick(1)  # reaches end
    assert ok(api.get(f"/campaigns/{cid}/leads?status=completed"))["total"] == 1
    assert campaign(api, cid)["status"] == "active"
    ok(api.post(f"/campaigns/{cid}/pause"))
    assert ok(api.post(f"/campaigns/{cid}/resume"))["campaign"]["status"] == "completed"


def test_tick_moves_prospects_along_delays(api: httpx.Client, emulator: Emulator) -> None:
    cid = create(api, "linkedin")
    ok(api.patch(f"/campaigns/{cid}", json={"sequence_nodes": [
        {"type": "connection_request", "include_message": False},
        {"type": "delay", "delay_days": 1},
        {"type": "message", "body": "Thanks for connecting"},
        {"type": "end"}]}))
    ok(api.post(f"/campaigns/{cid}/leads", json={"prospects": [PROSPECT["linkedin"]]}))
    ok(api.post(f"/campaigns/{cid}/launch"))
    ids = [n["id"] for n in nodes(api, cid)]

    def state() -> tuple[str, str]:
        prospect = ok(api.get(f"/campaigns/{cid}/leads"))["prospects"][0]
        return prospect["status"], prospect["current_node_id"]

    emulator.tick(Emulator.launch_seconds)
    assert state() == ("connection_sent", ids[1])  # sent, now waiting on the delay
    emulator.tick(3600)
    assert state() == ("connection_sent", ids[1])
    emulator.tick(86400)
    assert state() == ("message_sent", ids[2])
    emulator.tick(1)
    assert state() == ("completed", ids[3])
    got = ok(api.get(f"/campaigns/{cid}"))
    assert got["prospects_by_status"] == {"completed": 1}
    assert got["campaign"]["stats"]["total"] == 1
    key = api.headers["Authorization"].split()[1]
    assert [e["type"] for e in emulator.events(key)] == [
        "connection_sent", "message_sent", "completed"]


# -- prospects ---------------------------------------------------------------------------------


def test_prospect_list_pages_with_limit_up_to_200(api: httpx.Client) -> None:
    cid = create(api)
    people = [{"email": f"p{i}@example.com"} for i in range(250)]
    assert ok(api.post(f"/campaigns/{cid}/leads", json={"prospects": people})) == {
        "imported": 250, "duplicates": 0}

    first = ok(api.get(f"/campaigns/{cid}/leads", params={"limit": 200}))
    assert (len(first["prospects"]), first["total"], first["page"], first["limit"]) == (
        200, 250, 1, 200)
    second = ok(api.get(f"/campaigns/{cid}/leads", params={"limit": 200, "page": 2}))
    assert len(second["prospects"]) == 50
    assert {p["id"] for p in first["prospects"]}.isdisjoint(p["id"] for p in second["prospects"])
    default = ok(api.get(f"/campaigns/{cid}/leads"))
    assert (default["limit"], len(default["prospects"])) == (100, 100)
    assert "limit" in error(api.get(f"/campaigns/{cid}/leads", params={"limit": 201}), 400)
    error(api.get(f"/campaigns/{cid}/leads", params={"limit": 0}), 400)
    error(api.get(f"/campaigns/{cid}/leads", params={"page": 0}), 400)
    assert ok(api.get(f"/campaigns/{cid}/leads", params={"status": "pending"}))["total"] == 250
    assert ok(api.get(f"/campaigns/{cid}/leads", params={"status": "sent"}))["total"] == 0
    error(api.get(f"/campaigns/{cid}/leads", params={"status": "bogus"}), 400)


def test_prospect_import_dedupes_by_identity(api: httpx.Client) -> None:
    cid = create(api)
    leads = f"/campaigns/{cid}/leads"
    assert ok(api.post(leads, json={"prospects": [
        {"email": "Jane@Example.com"}, {"email": "jane@example.com"},
        {"email": "sam@example.com"}]})) == {"imported": 2, "duplicates": 1}
    assert ok(api.post(leads, json={"prospects": [{"email": "SAM@example.com"}]})) == {
        "imported": 0, "duplicates": 1}
    assert sorted(p["email"] for p in ok(api.get(leads))["prospects"]) == [
        "jane@example.com", "sam@example.com"]

    li = create(api, "linkedin")
    assert ok(api.post(f"/campaigns/{li}/leads", json={"prospects": [
        {"linkedin_url": "https://www.linkedin.com/in/jane/"},
        {"linkedin_url": "https://www.linkedin.com/in/jane?utm_source=x"}]})) == {
        "imported": 1, "duplicates": 1}


@pytest.mark.parametrize(("ctype", "rows", "fragment"), [
    ("email", [{"email": "a@example.com"}, {"first_name": "No email"}], "prospects[1]"),
    ("linkedin", [{"email": "a@example.com"}], "linkedin_url"),
    ("email", [], "1 to 1000"),
    ("email", [{"email": f"p{i}@example.com"} for i in range(1001)], "1 to 1000"),
])
def test_prospect_import_refuses_bad_rows(api: httpx.Client, ctype: str,
                                          rows: list[dict[str, Any]], fragment: str) -> None:
    cid = create(api, ctype)
    assert fragment in error(api.post(f"/campaigns/{cid}/leads", json={"prospects": rows}), 400)
    assert ok(api.get(f"/campaigns/{cid}/leads"))["total"] == 0


def test_prospect_delete_by_ids_and_all(api: httpx.Client) -> None:
    cid = create(api)
    leads = f"/campaigns/{cid}/leads"
    ok(api.post(leads, json={"prospects": [{"email": f"p{i}@example.com"} for i in range(3)]}))
    first = ok(api.get(leads))["prospects"][0]["id"]
    assert ok(api.request("DELETE", leads, json={"prospect_ids": [first]})) == {"deleted": 1}
    assert ok(api.request("DELETE", leads, json={"all": True})) == {"deleted": 2}
    error(api.request("DELETE", leads, json={}), 400)


def test_prospect_writes_need_a_draft(api: httpx.Client, emulator: Emulator) -> None:
    cid = make_campaign(api, emulator, "active")
    leads = f"/campaigns/{cid}/leads"
    assert "draft" in error(api.post(leads, json={"prospects": [{"email": "x@example.com"}]}),
                            400)
    error(api.request("DELETE", leads, json={"all": True}), 400)


# -- sequence node endpoints -------------------------------------------------------------------


def test_sequence_node_endpoints_edit_a_draft(api: httpx.Client) -> None:
    cid = create(api)
    path = f"/campaigns/{cid}/sequence/nodes"
    added = ok(api.post(path, json={"type": "delay", "delay_days": 2}))["sequence_nodes"]
    assert [n["type"] for n in added] == ["email", "delay", "end"]  # before the end node
    delay_id = added[1]["id"]

    moved = ok(api.patch(path, json={"nodeId": delay_id, "toPosition": 0}))["sequence_nodes"]
    assert [(n["type"], n["position"]) for n in moved] == [("delay", 0), ("email", 1),
                                                           ("end", 2)]

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
