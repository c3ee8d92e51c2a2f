"""Simulated time: `tick` finishes launches and steps prospects along the sequence; the events.

Store time is the wall clock plus whatever `tick` (or the Sandbox's shared clock) has advanced.
A campaign in `launching` turns `active` once `launch_seconds` of store time have passed, on
the next read or tick (storage.py `_settle`); each prospect of an active campaign then takes at
most one sending step per tick. The sends never move the campaign's `updated_at`, and `tick`
never completes a campaign (see lifecycle.py).
"""

from __future__ import annotations

from typing import Any

from ..store import uuid4
from .model import TERMINAL, _delay_minutes
from .request import workspace_of
from .storage import Storage

# The prospect status a sending node leaves behind, per channel (an AI node sends in the
# campaign's channel).
_SENT_STATUS = {
    "email": {"email": "sent", "ai": "sent"},
    "linkedin": {
        "connection_request": "connection_sent",
        "message": "message_sent",
        "ai": "message_sent",
    },
}


class Clock(Storage):
    """`tick` and `events`: the simulated sends of active campaigns."""

    def tick(self, seconds: float, *, advance: bool = True) -> dict[str, int]:
        """Advance the store clock, finish launches and move prospects of active campaigns.

        Each prospect takes at most one sending step per tick, and waits on a delay node until
        the delay has passed in store time.
        """
        counts = {"activated": 0, "steps": 0}
        with self.store.transaction():
            if advance:  # False when the Sandbox has already moved the shared clock
                self.store.advance(seconds)
            for ws in self.store.workspaces():
                if not ws.startswith("puffle:"):
                    continue
                for campaign in self.store.list(ws, "campaign"):
                    was = campaign["status"]
                    campaign = self._settle(ws, campaign)
                    counts["activated"] += was != campaign["status"]
                    if campaign["status"] == "active":
                        counts["steps"] += self._run(ws, campaign)
        return counts

    def events(self, workspace: str | None = None) -> list[dict[str, Any]]:
        """Prospect steps taken by `tick`, oldest first; `workspace` is an API key or a store
        workspace."""
        if workspace is not None and not workspace.startswith("puffle:"):
            workspace = workspace_of(workspace)
        spaces = (
            [workspace]
            if workspace
            else [w for w in self.store.workspaces() if w.startswith("puffle:")]
        )
        return [
            {"provider": "puffle", "workspace": ws, **event}
            for ws in spaces
            for event in self.store.list(ws, "event")
        ]

    def _run(self, ws: str, campaign: dict[str, Any]) -> int:
        now = self.store.now()
        steps = 0
        for prospect in self.store.list(ws, f"prospect:{campaign['id']}"):
            if prospect["status"] in TERMINAL or not _step(campaign, prospect, now):
                continue
            steps += 1
            prospect["updated_at"] = self.store.iso_now()
            self.store.put(ws, f"prospect:{campaign['id']}", prospect["id"], prospect)
            event_id = uuid4()
            self.store.put(
                ws,
                "event",
                event_id,
                {
                    "id": event_id,
                    "at": prospect["updated_at"],
                    "campaign_id": campaign["id"],
                    "prospect_id": prospect["id"],
                    "node_id": prospect["current_node_id"],
                    "type": prospect["status"],
                },
            )
        return steps


def _step(campaign: dict[str, Any], prospect: dict[str, Any], now: float) -> bool:
    """Move one prospect along the sequence: at most one send, then into a delay that follows
    it (so the delay counts from the send); a delay holds it until it has passed. Returns
    whether the prospect moved."""
    nodes: list[dict[str, Any]] = campaign["_nodes"]
    ids = [n["id"] for n in nodes]
    current = prospect.get("current_node_id")
    i = ids.index(current) if current in ids else -1
    moved = sent = False
    while True:
        here = nodes[i] if i >= 0 else None
        if (
            here is not None
            and here["type"] == "delay"
            and now < prospect["_node_ts"] + _delay_minutes(here) * 60
        ):
            return moved
        following = nodes[i + 1] if i + 1 < len(nodes) else None
        if sent and (following is None or following["type"] != "delay"):
            return moved
        moved, i = True, i + 1
        prospect["_node_ts"] = now
        if following is None or following["type"] == "end":
            if following is not None:
                prospect["current_node_id"] = following["id"]
            prospect["status"] = "completed"
            return moved
        prospect["current_node_id"] = following["id"]
        if following["type"] != "delay":
            sent = True
            prospect["status"] = _SENT_STATUS[campaign["type"]].get(following["type"], "sent")
