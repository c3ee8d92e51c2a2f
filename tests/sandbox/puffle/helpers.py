"""Shared helpers of the Puffle emulator tests: demo sender ids, ready sequences, HTTP shortcuts."""

from __future__ import annotations

from typing import Any

import httpx

from outreach_cli.sandbox import server
from outreach_cli.sandbox.puffle import DEMO_SENDERS, Emulator

EMAIL_1, EMAIL_2 = (s["id"] for s in DEMO_SENDERS if s["type"] == "email")
LINKEDIN_1, LINKEDIN_2 = (s["id"] for s in DEMO_SENDERS if s["type"] == "linkedin")
READY_NODES: dict[str, list[dict[str, Any]]] = {
    "email": [{"type": "email", "subject": "Hi {{first_name}}", "body": "Hello"}, {"type": "end"}],
    "linkedin": [
        {"type": "connection_request", "body": "Hi", "include_message": True},
        {"type": "end"},
    ],
}
PROSPECT = {
    "email": {"email": "jane@example.com", "first_name": "Jane"},
    "linkedin": {"linkedin_url": "https://www.linkedin.com/in/jane"},
}


def client(running: server.Running, key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(base_url=running.url + "/puffle/api", headers=headers, timeout=10)


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


def make_campaign(
    api: httpx.Client,
    emulator: Emulator,
    status: str = "draft",
    ctype: str = "email",
    *,
    ready: bool = False,
) -> str:
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
