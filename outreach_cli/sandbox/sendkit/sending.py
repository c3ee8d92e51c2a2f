"""Simulated time: the tick that moves leads along and sends, the event log, webhooks."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from .constants import LEAD_OPEN_STATUSES
from .ids import _iso
from .storage import Storage, _find_subsequence
from .validation import _is_number

# Webhooks are delivered only to loopback: the sandbox never reaches the internet.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WEBHOOK_TIMEOUT_S = 2.0


class Sending(Storage):
    """Time moving on: leads stepping through their sequences, events, webhook deliveries."""

    def tick(self, seconds: float, *, advance: bool = True) -> dict[str, Any]:
        """Advance simulated time and move every active campaign's active leads along.

        With `advance=False` the clock is left alone: the Sandbox moves the shared clock once
        and then lets each emulator catch up to it.

        Emails "send" the moment a lead reaches them; wait steps hold the lead for
        waitDays*86400 + waitHours*3600 seconds. The sending schedule, daily limits and
        mailbox rotation are not simulated (simple, but enough for history-dependent rules).
        """
        if not _is_number(seconds) or seconds < 0:
            raise ValueError("seconds must be a number >= 0")
        summary: dict[str, Any] = {
            "seconds": seconds,
            "emailsSent": 0,
            "subsequenceEmailsSent": 0,
            "leadsCompleted": 0,
            "campaignsCompleted": 0,
        }
        outbox: list[tuple[str, str | None, dict[str, Any]]] = []
        with self.store.transaction():
            if advance:
                self.store.advance(seconds)
            now = self.store.now()
            summary["now"] = _iso(now)
            for ws in self._own_workspaces():
                self._tick_workspace(ws, now, summary, outbox)
        self._deliver(outbox)
        return summary

    def events(self, workspace: str | None = None) -> list[dict[str, Any]]:
        """The event log, oldest first: every workspace's, or one workspace's."""
        with self.store.transaction():
            spaces = [workspace] if workspace else self._own_workspaces()
            found = [e for ws in spaces for e in self.store.list(ws, "event")]
        return sorted(found, key=lambda e: e["_id"])

    # -- events, webhooks and simulated sending ------------------------------------------------

    def _emit(
        self,
        ws: str,
        campaign: dict[str, Any],
        event: str,
        now: float,
        outbox: list[tuple[str, str | None, dict[str, Any]]],
        data: dict[str, Any],
    ) -> None:
        """Append to the event log; queue a delivery to the campaign's webhook when it is
        enabled, subscribed to the event (an empty `events` list means all) and on loopback.
        Deliveries happen after the transaction commits."""
        eid = self._new_id()
        entry = {
            "_id": eid,
            "event": event,
            "workspaceId": ws,
            "timestamp": _iso(now),
            "data": data,
        }
        self.store.put(ws, "event", eid, entry)
        hook = campaign["settings"].get("webhook") or {}
        url = hook.get("url")
        if not hook.get("enabled") or not isinstance(url, str):
            return
        if urlsplit(url).hostname not in LOOPBACK_HOSTS:
            return
        if hook.get("events") and event not in hook["events"]:
            return
        payload = {k: entry[k] for k in ("event", "timestamp", "data")}
        outbox.append((url, hook.get("secret"), payload))

    @staticmethod
    def _deliver(outbox: list[tuple[str, str | None, dict[str, Any]]]) -> None:
        for url, secret, payload in outbox:
            data = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json", "X-Webhook-Event": payload["event"]}
            if secret:
                headers["X-Webhook-Signature"] = hmac.new(
                    secret.encode(), data, hashlib.sha256
                ).hexdigest()
            request = urllib.request.Request(url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as resp:
                    resp.read()
            except urllib.error.HTTPError as exc:  # a receiver's error is its own business
                exc.close()
            except (OSError, ValueError, http.client.HTTPException):
                pass  # unreachable receiver: deliveries are best effort

    def _tick_workspace(
        self,
        ws: str,
        now: float,
        summary: dict[str, Any],
        outbox: list[tuple[str, str | None, dict[str, Any]]],
    ) -> None:
        by_campaign: dict[str, list[dict[str, Any]]] = {}
        for cl in self.store.list(ws, "campaign_lead"):
            by_campaign.setdefault(cl["campaignId"], []).append(cl)
        for campaign in self.store.list(ws, "campaign"):
            if campaign["status"] != "active":
                continue
            rows = by_campaign.get(campaign["_id"], [])
            touched = False
            for cl in rows:
                if cl["status"] == "active" and self._advance_lead(
                    ws, campaign, cl, now, summary, outbox
                ):
                    self.store.put(ws, "campaign_lead", cl["_id"], cl)
                    touched = True
            if rows and not any(cl["status"] in LEAD_OPEN_STATUSES for cl in rows):
                # Every lead is done: the campaign completes (a status change, so updatedAt
                # moves; counters alone do not move it).
                stamp = self._write_stamp()
                campaign.update(status="completed", completedAt=stamp, updatedAt=stamp)
                summary["campaignsCompleted"] += 1
                touched = True
            if touched:
                self.store.put(ws, "campaign", campaign["_id"], campaign)

    def _advance_lead(
        self,
        ws: str,
        campaign: dict[str, Any],
        cl: dict[str, Any],
        now: float,
        summary: dict[str, Any],
        outbox: list[tuple[str, str | None, dict[str, Any]]],
    ) -> bool:
        """Run a lead's due steps up to `now`; True when anything changed."""
        if cl.get("nextAt") is None:
            cl["nextAt"] = now
        moved = False
        while cl["status"] == "active" and cl["nextAt"] <= now:
            state = cl["subsequence"]
            in_sub = state is not None and state["status"] == "active"
            if in_sub:
                sub = _find_subsequence(campaign, state["id"])
                if sub is None:
                    break  # orphaned: its subsequence was dropped from the campaign
                steps, index = sub["sequence"], state["stepIndex"]
            else:
                sub, steps, index = None, campaign["sequence"], cl["currentSequenceStep"]
            moved = True
            if index >= len(steps):
                if in_sub:
                    state.update(status="completed", completedAt=_iso(cl["nextAt"]))
                cl.update(status="completed", nextAt=None)
                summary["leadsCompleted"] += 1
                break
            step = steps[index]
            if in_sub:
                state["stepIndex"] += 1
            else:
                cl["currentSequenceStep"] += 1
            if step["type"] == "wait":
                cl["nextAt"] += step.get("waitDays", 0) * 86400 + step.get("waitHours", 0) * 3600
                continue
            campaign["stats"]["sent"] += 1
            campaign["stats"]["delivered"] += 1
            cl["emailsSent"] += 1
            summary["emailsSent"] += 1
            if sub is not None:
                sub["stats"]["sent"] += 1
                state["emailsSent"] += 1
                summary["subsequenceEmailsSent"] += 1
            self._emit(
                ws,
                campaign,
                "email.sent",
                cl["nextAt"],
                outbox,
                {
                    "campaignId": campaign["_id"],
                    "campaignLeadId": cl["_id"],
                    "leadId": cl["leadId"],
                    "email": self._lead_email(ws, cl["leadId"]),
                    "stepId": step["_id"],
                    "subsequenceId": sub["_id"] if sub else None,
                },
            )
        return moved
