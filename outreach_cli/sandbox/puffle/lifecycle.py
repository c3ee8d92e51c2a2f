"""Campaign lifecycle endpoints: validate, launch, pause and resume.

Where the docs are silent, this emulator chooses:

- Launch: `launching` for `launch_seconds` of store time (1 s; `tick` advances it), then `active`
  on the next read. A second launch within 2 minutes of the first answers 409 whatever the
  status. Prospects: Puffle's launch page lists "no pending prospects" as a 400; here it is a
  validate *warning* (`require_prospects = False`) so a campaign file can be applied and launched
  without a lead list; set `require_prospects` to get Puffle's rule.
- Validate pretends messages are resolved once prospects exist (`message_count` = pending
  prospects × non-AI sending nodes); AI nodes always warn that they have no pre-generated
  examples. It also reports what makes a launch fail: a missing or misplaced end node, and delay
  totals out of range (the per-node PUT does not check them, as documented).
- Resume lands in `completed` when the campaign has prospects and all of them are terminal.
  `tick` never completes a campaign on its own (the docs describe only resume doing so).
"""

from __future__ import annotations

import secrets
from typing import Any

from ..web import Request, Response
from .errors import _Fail
from .model import (
    LAUNCH_LOCK_SECONDS,
    MAX_DELAY_MINUTES,
    MIN_DELAY_MINUTES,
    PENDING,
    READY_SENDER,
    SENDING_NODES,
    TERMINAL,
    _delay_minutes,
)
from .storage import Storage


class LifecycleRoutes(Storage):
    """/campaigns/{id}/validate, /launch, /pause and /resume."""

    require_prospects: bool  # set on Emulator

    def _readiness(self, ws: str, campaign: dict[str, Any]) -> dict[str, Any]:
        status, ctype = campaign["status"], campaign["type"]
        checks: dict[str, Any] = {
            "is_draft": status == "draft",
            "has_sender_accounts": False,
            "sender_accounts_ready": False,
            "has_prospects": False,
            "prospect_count": 0,
            "has_sendable_nodes": False,
            "all_nodes_have_content": False,
            "messages_generated": False,
            "message_count": 0,
        }
        if status != "draft":  # the docs: the other checks are skipped
            return {
                "ready": False,
                "checks": checks,
                "errors": [f"Campaign is {status} — must be draft to launch"],
                "warnings": [],
            }
        errors: list[str] = []
        warnings: list[str] = []
        known = self._senders(ws)
        senders = [known[i] for i in campaign["_senders"] if i in known]
        checks["has_sender_accounts"] = bool(senders)
        unready = [s["name"] for s in senders if s["status"] not in READY_SENDER[ctype]]
        checks["sender_accounts_ready"] = bool(senders) and not unready
        if not senders:
            errors.append("Campaign has no sender accounts")
        elif unready:
            errors.append(f"Sender accounts not ready: {', '.join(unready)}")
        pending = sum(p["status"] == PENDING for p in self._prospects(ws, campaign))
        checks["has_prospects"], checks["prospect_count"] = pending > 0, pending
        if not pending:
            (errors if self.require_prospects else warnings).append(
                "Campaign has no pending prospects"
            )
        nodes = campaign["_nodes"]
        sending = [i for i, n in enumerate(nodes) if n["type"] in SENDING_NODES]
        checks["has_sendable_nodes"] = bool(sending)
        if not sending:
            errors.append("Sequence has no sendable nodes")
        empty = [i for i in sending if not _has_content(nodes[i])]
        checks["all_nodes_have_content"] = bool(sending) and not empty
        if empty:
            errors.append(
                "Sequence nodes missing content at positions " + ", ".join(str(i) for i in empty)
            )
        ends = [i for i, n in enumerate(nodes) if n["type"] == "end"]
        if ends != [len(nodes) - 1]:
            errors.append("Sequence must have exactly one end node, as its last node")
        for i, node in enumerate(nodes):
            if node["type"] == "delay" and not (
                MIN_DELAY_MINUTES <= _delay_minutes(node) <= MAX_DELAY_MINUTES
            ):
                errors.append(
                    f"Delay at position {i} must total at least 1 minute and at most 30 days"
                )
            if node["type"] == "ai":
                warnings.append(f"AI node at position {i} has no pre-generated examples")
        plain = sum(nodes[i]["type"] != "ai" for i in sending)
        checks["message_count"] = pending * plain
        checks["messages_generated"] = checks["message_count"] > 0
        return {"ready": not errors, "checks": checks, "errors": errors, "warnings": warnings}

    def _validate(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        return Response(200, self._readiness(ws, campaign))

    def _launch(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        now = self.store.now()
        started = campaign.get("_launch_ts")
        if started is not None and now - started < LAUNCH_LOCK_SECONDS:
            raise _Fail(409, "A launch is already in progress (started within the last 2 minutes)")
        if campaign["status"] != "draft":
            raise _Fail(400, f"Campaign is {campaign['status']} — must be draft to launch")
        report = self._readiness(ws, campaign)
        if not report["ready"]:
            raise _Fail(
                400,
                "Campaign is not ready to launch: " + "; ".join(report["errors"]),
                errors=report["errors"],
                warnings=report["warnings"],
            )
        campaign.update(status="launching", _launch_ts=now, launched_at=self.store.iso_now())
        self._save(ws, campaign)
        out: dict[str, Any] = {
            "success": True,
            "message": "Campaign launch started",
            "runId": "run_" + secrets.token_hex(6),
            "prospectsToProcess": report["checks"]["prospect_count"],
        }
        if report["warnings"]:
            out["warning"] = "; ".join(report["warnings"])
        return Response(200, out)

    def _pause(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        if campaign["status"] != "active":
            raise _Fail(400, "Only active campaigns can be paused")
        campaign["status"] = "paused"
        self._save(ws, campaign)
        return Response(200, {"campaign": self._public(ws, campaign)})

    def _resume(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        if campaign["status"] != "paused":
            raise _Fail(400, "Only paused campaigns can be resumed")
        prospects = self._prospects(ws, campaign)
        done = bool(prospects) and all(p["status"] in TERMINAL for p in prospects)
        campaign["status"] = "completed" if done else "active"
        self._save(ws, campaign)
        return Response(200, {"campaign": self._public(ws, campaign)})


def _has_content(node: dict[str, Any]) -> bool:
    """Whether a sending node has what it needs to send (AI nodes are written at launch)."""

    def filled(key: str) -> bool:
        return isinstance(node.get(key), str) and bool(node[key].strip())

    if node["type"] == "email":
        # A reply (`is_reply`) goes in the thread of the email before it, under its subject.
        return (filled("subject") or node.get("is_reply") is True) and filled("body")
    if node["type"] == "message":
        return filled("body")
    if node["type"] == "connection_request":
        return filled("body") or not node.get("include_message")
    return True
