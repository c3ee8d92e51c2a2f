"""The Puffle emulator over real loopback HTTP: validate, launch, pause, resume, tick."""

from __future__ import annotations

import httpx

from outreach_cli.sandbox.puffle import Emulator
from tests.sandbox.puffle.helpers import (
    PROSPECT,
    READY_NODES,
    campaign,
    create,
    error,
    make_campaign,
    nodes,
    ok,
)


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
    assert report == {
        "ready": True,
        "errors": [],
        "warnings": [],
        "checks": {
            "is_draft": True,
            "has_sender_accounts": True,
            "sender_accounts_ready": True,
            "has_prospects": True,
            "prospect_count": 1,
            "has_sendable_nodes": True,
            "all_nodes_have_content": True,
            "messages_generated": True,
            "message_count": 1,
        },
    }


def test_validate_on_a_campaign_past_draft_short_circuits(
    api: httpx.Client, emulator: Emulator
) -> None:
    cid = make_campaign(api, emulator, "active")
    report = ok(api.get(f"/campaigns/{cid}/validate"))
    assert report["ready"] is False and report["checks"]["is_draft"] is False
    assert report["errors"] == ["Campaign is active — must be draft to launch"]


def test_launch_goes_through_launching_to_active_and_a_second_launch_is_409(
    api: httpx.Client, emulator: Emulator
) -> None:
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
    assert (
        error(api.post(f"/campaigns/{cid}/launch"), 400)
        == "Campaign is active — must be draft to launch"
    )


def test_launch_of_a_campaign_that_is_not_ready_is_400_with_the_errors(api: httpx.Client) -> None:
    cid = create(api)
    response = api.post(f"/campaigns/{cid}/launch")
    assert "not ready" in error(response, 400)
    assert any("missing content" in e for e in response.json()["errors"])
    assert campaign(api, cid)["status"] == "draft"


def test_pause_twice_answers_400_the_second_time(api: httpx.Client, emulator: Emulator) -> None:
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
    assert (
        error(api.post(f"/campaigns/{cid}/resume"), 400) == "Only paused campaigns can be resumed"
    )


def test_resume_lands_in_completed_when_every_prospect_is_done(
    api: httpx.Client, emulator: Emulator
) -> None:
    cid = make_campaign(api, emulator, "active")  # [email, end], one prospect, already sent
    emulator.tick(1)  # reaches end
    assert ok(api.get(f"/campaigns/{cid}/leads?status=completed"))["total"] == 1
    assert campaign(api, cid)["status"] == "active"
    ok(api.post(f"/campaigns/{cid}/pause"))
    assert ok(api.post(f"/campaigns/{cid}/resume"))["campaign"]["status"] == "completed"


def test_tick_moves_prospects_along_delays(api: httpx.Client, emulator: Emulator) -> None:
    cid = create(api, "linkedin")
    ok(
        api.patch(
            f"/campaigns/{cid}",
            json={
                "sequence_nodes": [
                    {"type": "connection_request", "include_message": False},
                    {"type": "delay", "delay_days": 1},
                    {"type": "message", "body": "Thanks for connecting"},
                    {"type": "end"},
                ]
            },
        )
    )
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
        "connection_sent",
        "message_sent",
        "completed",
    ]
