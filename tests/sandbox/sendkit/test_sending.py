"""The SendKit emulator's simulated time: the campaign lifecycle, ticks, events, webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from outreach_cli.sandbox import server
from outreach_cli.sandbox.sendkit import Emulator, workspace_for_key
from tests.sandbox.sendkit.helpers import (
    ISO,
    SIMPLE_SEQUENCE,
    add_lead,
    create,
    error,
    get,
    lead_row,
    ok,
    patch_lead,
)

# -- lifecycle -------------------------------------------------------------------------------


def test_start_pause_resume_state_machine(api: httpx.Client):
    no_mailbox = ok(api.post("/campaigns", json={"name": "x", "sequence": SIMPLE_SEQUENCE}), 201)
    msg = error(api.post(f"/campaigns/{no_mailbox['_id']}/start"), 400, "VALIDATION_ERROR")
    assert "mailbox" in msg
    no_steps = ok(api.post("/campaigns", json={"name": "x", "mailboxTags": ["sales"]}), 201)
    error(api.post(f"/campaigns/{no_steps['_id']}/start"), 400, "VALIDATION_ERROR")

    cid = create(api)["_id"]
    error(api.post(f"/campaigns/{cid}/pause"), 400, "INVALID_STATUS")
    error(api.post(f"/campaigns/{cid}/resume"), 400, "INVALID_STATUS")
    assert ok(api.post(f"/campaigns/{cid}/start")) == {"id": cid, "status": "active"}
    started = get(api, cid)
    assert started["status"] == "active" and ISO.match(started["startedAt"])
    error(api.post(f"/campaigns/{cid}/start"), 400, "INVALID_STATUS")
    error(api.post(f"/campaigns/{cid}/resume"), 400, "INVALID_STATUS")
    assert ok(api.post(f"/campaigns/{cid}/pause")) == {"id": cid, "status": "paused"}
    assert get(api, cid)["status"] == "paused"
    error(api.post(f"/campaigns/{cid}/pause"), 400, "INVALID_STATUS")
    error(api.post(f"/campaigns/{cid}/start"), 400, "INVALID_STATUS")
    resp = api.post(f"/campaigns/{cid}/resume")
    assert resp.status_code == 200
    assert resp.json() == {"success": True, "data": {"id": cid, "status": "active"}}
    assert get(api, cid)["status"] == "active"


def test_start_activates_pending_leads_and_tick_sends(api: httpx.Client, emulator: Emulator):
    cid = create(api)["_id"]  # email, wait 3 days, email
    cl = add_lead(api, cid)
    assert cl["status"] == "pending"
    ok(api.post(f"/campaigns/{cid}/start"))
    assert lead_row(api, cid, cl["_id"])["status"] == "active"
    assert get(api, cid)["leadCounts"] == {"total": 1, "active": 1}
    late = add_lead(api, cid, "late@example.org")
    assert late["status"] == "active"  # added to an active campaign

    assert emulator.tick(60)["emailsSent"] == 2
    row = lead_row(api, cid, cl["_id"])
    assert row["currentSequenceStep"] == 2 and row["emailsSent"] == 1
    assert emulator.tick(86400)["emailsSent"] == 0  # still waiting
    summary = emulator.tick(3 * 86400)
    assert summary["emailsSent"] == 2 and summary["leadsCompleted"] == 2
    final = get(api, cid)
    assert final["stats"]["sent"] == 4
    assert final["status"] == "completed" and ISO.match(final["completedAt"])
    sent = [
        e for e in emulator.events(workspace=final["workspaceId"]) if e["event"] == "email.sent"
    ]
    assert len(sent) == 4


def test_paused_campaign_does_not_send(api: httpx.Client, emulator: Emulator):
    cid = create(api)["_id"]
    add_lead(api, cid)
    ok(api.post(f"/campaigns/{cid}/start"))
    ok(api.post(f"/campaigns/{cid}/pause"))
    assert emulator.tick(10 * 86400)["emailsSent"] == 0
    assert get(api, cid)["stats"]["sent"] == 0


# -- lead.tag_changed ------------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).received.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    received: list[tuple[dict[str, str], bytes]] = []
    handler = type("Hook", (_Hook,), {"received": received})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook", received
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_tag_changed_event_only_on_actual_change(
    api: httpx.Client, emulator: Emulator, key: str, webhook_receiver: Any
):
    url, received = webhook_receiver
    cid = create(
        api,
        settings={
            "webhook": {
                "enabled": True,
                "url": url,
                "secret": "s3cret",
                "events": ["lead.tag_changed"],
            }
        },
    )["_id"]
    cl = add_lead(api, cid)
    ws = workspace_for_key(key)

    def tag_events() -> list[dict[str, Any]]:
        return [e for e in emulator.events(ws) if e["event"] == "lead.tag_changed"]

    ok(patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"}))
    assert len(tag_events()) == 1
    ok(patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"}))
    ok(patch_lead(api, cid, cl["_id"], {"aiTag": "interested"}))  # same label
    ok(patch_lead(api, cid, cl["_id"], {"status": "paused"}))
    assert len(tag_events()) == 1
    ok(patch_lead(api, cid, cl["_id"], {"aiTag": None}))
    events = tag_events()
    assert len(events) == 2
    assert events[0]["data"]["previousTag"] is None
    assert events[0]["data"]["newTag"] == "Interested"
    assert events[1]["data"]["previousTag"] == "Interested"
    assert events[1]["data"]["newTag"] is None
    assert events[0]["data"]["campaignLeadId"] == cl["_id"]
    # the local webhook got the same two, signed with the campaign's secret
    assert len(received) == 2
    headers, raw = received[0]
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["x-webhook-event"] == "lead.tag_changed"
    expected = hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
    assert headers["x-webhook-signature"] == expected
    assert json.loads(raw)["data"]["newTag"] == "Interested"
    # other workspaces' logs stay apart
    assert emulator.events(workspace_for_key("sk_someone_else")) == []


def test_webhook_not_subscribed_or_unreachable_is_ignored(
    api: httpx.Client, emulator: Emulator, webhook_receiver: Any
):
    url, received = webhook_receiver
    cid = create(
        api, settings={"webhook": {"enabled": True, "url": url, "events": ["lead.replied"]}}
    )["_id"]
    cl = add_lead(api, cid)
    ok(patch_lead(api, cid, cl["_id"], {"aiTag": "Interested"}))
    assert received == []
    dead = create(api, settings={"webhook": {"enabled": True, "url": "http://127.0.0.1:9/never"}})[
        "_id"
    ]
    cl2 = add_lead(api, dead, "x@example.org")
    ok(patch_lead(api, dead, cl2["_id"], {"aiTag": "Interested"}))  # delivery error ignored


def test_sandbox_tick_moves_the_clock_once(api: httpx.Client, running: server.Running):
    cid = create(api)["_id"]  # email, wait 3 days, email
    add_lead(api, cid)
    ok(api.post(f"/campaigns/{cid}/start"))
    before = running.sandbox.store.now()
    summary = running.sandbox.tick(4 * 86400)
    assert summary["sendkit"]["emailsSent"] == 2
    assert 4 * 86400 <= running.sandbox.store.now() - before < 4 * 86400 + 60


def test_tick_rejects_negative_time(emulator: Emulator):
    with pytest.raises(ValueError):
        emulator.tick(-1)
