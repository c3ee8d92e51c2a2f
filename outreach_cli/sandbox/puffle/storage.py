"""Rows in the shared store: the demo seed, campaign revisions, reads, public JSON of campaigns.

Where the docs are silent, this emulator chooses:

- Demo data: each workspace is seeded on first use with two email senders (status `active`) and
  two LinkedIn senders (`connected`) whose ids are the same fixed UUIDs in every workspace
  (`DEMO_SENDERS`), so campaign files can name them; workspace settings hold a `timezone`.
- `updated_at` moves forward, strictly, on every write through the API (prospect writes
  included, since they recompute the campaign's stats) and on status changes; simulated sends
  (`tick`) do not move it.
"""

from __future__ import annotations

import time
from typing import Any

from ..store import Store, uuid4
from ..web import Request
from .errors import _Fail
from .model import PENDING, PROSPECT_STATUSES
from .request import _ws
from .validation import _is_uuid

DEMO_SENDERS: tuple[dict[str, Any], ...] = (
    {
        "id": "5e4de000-0000-4000-8000-000000000001",
        "type": "email",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@demo.puffle.test",
        "status": "active",
    },
    {
        "id": "5e4de000-0000-4000-8000-000000000002",
        "type": "email",
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@demo.puffle.test",
        "status": "active",
    },
    {
        "id": "5e4d1000-0000-4000-8000-000000000001",
        "type": "linkedin",
        "first_name": "Alan",
        "last_name": "Turing",
        "status": "connected",
        "is_premium": False,
    },
    {
        "id": "5e4d1000-0000-4000-8000-000000000002",
        "type": "linkedin",
        "first_name": "Katherine",
        "last_name": "Johnson",
        "status": "connected",
        "is_premium": True,
    },
)


def _iso_ms(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


class Storage:
    """The Emulator's storage layer: workspace seed, campaign rows and their public form."""

    store: Store
    launch_seconds: float  # set on Emulator

    def _seed(self, ws: str) -> None:
        if self.store.get(ws, "settings", "workspace") is not None:
            return
        self.store.put(
            ws,
            "settings",
            "workspace",
            {"user_id": uuid4(), "timezone": "UTC", "allow_warming_accounts": False},
        )
        for demo in DEMO_SENDERS:
            linkedin = demo["type"] == "linkedin"
            name = f"{demo['first_name']} {demo['last_name']}"
            self.store.put(
                ws,
                "sender",
                demo["id"],
                {
                    "id": demo["id"],
                    "type": demo["type"],
                    "name": name,
                    "display_name": name,
                    "first_name": demo["first_name"],
                    "last_name": demo["last_name"],
                    "email": demo.get("email"),
                    "email_address": demo.get("email"),
                    "provider_account_id": f"{demo['type']}-{demo['id'][-4:]}",
                    "status": demo["status"],
                    "daily_limit": 30,
                    "weekly_connection_limit": (100 if demo.get("is_premium") else 80)
                    if linkedin
                    else None,
                    "weekly_message_limit": (150 if demo.get("is_premium") else 100)
                    if linkedin
                    else None,
                    "is_premium": demo.get("is_premium", False) if linkedin else None,
                },
            )

    def _touch(self, campaign: dict[str, Any]) -> None:
        """Move `updated_at` forward: at least 1 ms past the last revision, so two writes in
        the same millisecond still read as two revisions."""
        ms = max(int(self.store.now() * 1000), int(campaign.get("_rev_ms", 0)) + 1)
        campaign["_rev_ms"] = ms
        campaign["updated_at"] = _iso_ms(ms)

    def _save(self, ws: str, campaign: dict[str, Any]) -> None:
        self._touch(campaign)
        self.store.put(ws, "campaign", campaign["id"], campaign)

    def _settle(self, ws: str, campaign: dict[str, Any]) -> dict[str, Any]:
        """Finish a launch whose background start has had its time (launching → active)."""
        if (
            campaign["status"] == "launching"
            and self.store.now() >= campaign["_launch_ts"] + self.launch_seconds
        ):
            campaign["status"] = "active"
            self._save(ws, campaign)
        return campaign

    def _load(self, request: Request) -> tuple[str, dict[str, Any]]:
        ws, cid = _ws(request), request.params["id"]
        if not _is_uuid(cid):
            raise _Fail(400, "Invalid campaign ID")
        campaign = self.store.get(ws, "campaign", cid)
        if campaign is None:
            raise _Fail(404, "Campaign not found")
        return ws, self._settle(ws, campaign)

    def _senders(self, ws: str) -> dict[str, dict[str, Any]]:
        return {s["id"]: s for s in self.store.list(ws, "sender")}

    def _prospects(self, ws: str, campaign: dict[str, Any]) -> list[dict[str, Any]]:
        return self.store.list(ws, f"prospect:{campaign['id']}")

    def _public(self, ws: str, campaign: dict[str, Any], *, nodes: bool = False) -> dict[str, Any]:
        out = {k: v for k, v in campaign.items() if not k.startswith("_")}
        prospects = self._prospects(ws, campaign)
        counts = {s: 0 for s in PROSPECT_STATUSES}
        for p in prospects:
            counts[p["status"]] = counts.get(p["status"], 0) + 1
        out["stats"] = {
            "total": len(prospects),
            **{
                s: counts[s]
                for s in (
                    "sent",
                    "replied",
                    "bounced",
                    "completed",
                    "timed_out",
                    "connection_sent",
                    "connected",
                    "message_sent",
                )
            },
            "contacted": len(prospects) - counts[PENDING],
        }
        known = self._senders(ws)
        out["sender_accounts"] = [known[i] for i in campaign["_senders"] if i in known]
        if nodes:
            out["sequence_nodes"] = self._public_nodes(campaign)
        return out

    @staticmethod
    def _public_nodes(campaign: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "id": n["id"],
                "campaign_id": campaign["id"],
                "position": i,
                **{k: v for k, v in n.items() if k != "id"},
            }
            for i, n in enumerate(campaign["_nodes"])
        ]
