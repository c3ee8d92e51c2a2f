"""Rows in the shared Store: the demo workspace seed, lookups, and the documented read shapes.

Data lives in the shared Store, per workspace, under these kinds:
  "workspace"      one doc per workspace: AI tag labels and the AI agent id (seeded lazily)
  "mailbox"        the demo mailboxes
  "lead"           workspace leads (contacts)
  "campaign"       campaigns in their *stored* shape (settings unflattened, webhook secret kept,
                   mailbox ids kept); `_read_campaign` turns that into the documented read shape
  "campaign_lead"  a lead's membership of a campaign (the CampaignLead record)
  "event"          the event log (`lead.tag_changed`, `email.sent`)
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ..store import Store
from .constants import FLATTENED_SETTINGS
from .errors import _not_found
from .ids import _iso, _iso_ms, _ObjectIds, agent_id_for

# -- demo workspace content (deterministic; ids are generated) -----------------------------------

SEED_MAILBOXES = (
    ("alex@northwind-outreach.com", "Alex Rivera", "gmail", ("outreach",)),
    ("blair@northwind-outreach.com", "Blair Chen", "gmail", ("outreach", "warm")),
    ("casey@northwind-mail.com", "Casey Morgan", "outlook", ("outreach", "warm")),
    ("drew@northwind.io", "Drew Patel", "custom", ("sales",)),
)
SEED_TAGS = (
    ("Interested", "The lead wants to learn more or talk", "#22c55e"),
    ("Not Interested", "The lead declined", "#ef4444"),
    ("Meeting Booked", "A meeting is on the calendar", "#3b82f6"),
    ("Out of Office", "An automatic out-of-office reply", "#f59e0b"),
    ("Wrong Person", "The lead is not the right contact", "#6b7280"),
)
SEED_FIRST_NAMES = ("Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jade")
SEED_LAST_NAMES = ("Lovelace", "Okafor", "Silva")
SEED_COMPANIES = (
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark Industries",
    "Wayne Enterprises",
    "Tyrell",
    "Cyberdyne",
)
SEED_COUNTRIES = ("US", "GB", "DE")
SEED_LEAD_COUNT = 30


class Storage:
    """The Store and the id source, and the rows read and written through them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ids = _ObjectIds()

    # -- workspace seed ----------------------------------------------------------------------------

    def _new_id(self) -> str:
        return self._ids.new(self.store.now())

    def _ensure_seeded(self, ws: str) -> None:
        if self.store.get(ws, "workspace", ws) is not None:
            return
        created = _iso(self.store.now())
        labels = [{"name": n, "description": d, "color": c} for n, d, c in SEED_TAGS]
        self.store.put(
            ws,
            "workspace",
            ws,
            {
                "_id": ws,
                "provider": "sendkit",
                "labels": labels,
                "aiAgentId": agent_id_for(ws),
                "createdAt": created,
            },
        )
        for email, display, provider, tags in SEED_MAILBOXES:
            mid = self._new_id()
            self.store.put(
                ws,
                "mailbox",
                mid,
                {
                    "_id": mid,
                    "email": email,
                    "displayName": display,
                    "provider": provider,
                    "status": "active",
                    "connectionType": "smtp" if provider == "custom" else "oauth",
                    "dailySendLimit": 30,
                    "sentToday": 0,
                    "sendingEnabled": True,
                    "signature": "",
                    "warmup": {
                        "enabled": True,
                        "status": "active",
                        "currentDay": 21,
                        "currentVolume": 20,
                        "metrics": {"inboxRate": 0.97},
                    },
                    "tags": list(tags),
                    "bounceRate": 0.0,
                    "totalSent": 0,
                    "setupStatus": {"healthScore": 92},
                    "lastError": None,
                    "createdAt": created,
                },
            )
        for i in range(SEED_LEAD_COUNT):
            first = SEED_FIRST_NAMES[i % len(SEED_FIRST_NAMES)]
            last = SEED_LAST_NAMES[i // len(SEED_FIRST_NAMES) % len(SEED_LAST_NAMES)]
            company = SEED_COMPANIES[(i * 7) % len(SEED_COMPANIES)]
            domain = re.sub(r"[^a-z0-9]+", "", company.lower()) + ".example.com"
            lead_tags = ["prospect", "vip"] if i % 5 == 0 else ["prospect"]
            self._create_lead(
                ws,
                {
                    "email": f"{first}.{last}@{domain}".lower(),
                    "firstName": first,
                    "lastName": last,
                    "companyName": company,
                    "tags": lead_tags,
                    "country": SEED_COUNTRIES[i % len(SEED_COUNTRIES)],
                    "emailVerified": i % 4 != 3,
                },
            )

    def _own_workspaces(self) -> list[str]:
        """SendKit's workspaces: the store is shared with the other emulators, whose documents
        may use the same kinds ("campaign", …) under their own workspace ids."""
        return [
            ws
            for ws in self.store.workspaces()
            if (self.store.get(ws, "workspace", ws) or {}).get("provider") == "sendkit"
        ]

    def _create_lead(self, ws: str, fields: dict[str, Any]) -> dict[str, Any]:
        lid = self._new_id()
        doc = {
            "_id": lid,
            "email": fields["email"].lower(),
            "firstName": "",
            "lastName": "",
            "companyName": "",
            "tags": [],
            "country": None,
            "emailVerified": False,
            "createdAt": _iso(self.store.now()),
        }
        doc.update({k: v for k, v in fields.items() if k != "email"})
        return self.store.put(ws, "lead", lid, doc)

    def _workspace(self, ws: str) -> dict[str, Any]:
        doc = self.store.get(ws, "workspace", ws)
        assert doc is not None  # seeded at the start of every request
        return doc

    # -- shared helpers ----------------------------------------------------------------------------

    def _write_stamp(self) -> str:
        """`updatedAt` for a write: strictly later than the previous write, even within one
        millisecond, so a client can use it to detect that a campaign changed."""
        key = "sendkit:last_write_ms"
        last = int(self.store.meta_get(key, "0") or 0)
        ms = max(int(self.store.now() * 1000), last + 1)
        self.store.meta_set(key, str(ms))
        return _iso_ms(ms)

    def _campaign(self, ws: str, campaign_id: str) -> dict[str, Any]:
        doc = self.store.get(ws, "campaign", campaign_id)
        if doc is None:
            raise _not_found("Campaign")
        return doc

    def _campaign_leads(self, ws: str, campaign_id: str) -> list[dict[str, Any]]:
        return self.store.where(ws, "campaign_lead", {"campaignId": campaign_id})

    def _lead_count(self, ws: str, campaign_id: str) -> dict[str, int]:
        """One campaign's `leadCounts`, from the index (not by reading every lead)."""
        return {
            "total": self.store.count(ws, "campaign_lead", {"campaignId": campaign_id}),
            "active": self.store.count(
                ws, "campaign_lead", {"campaignId": campaign_id, "status": "active"}
            ),
        }

    def _read_campaign(
        self,
        doc: dict[str, Any],
        counts: dict[str, int] | None,
    ) -> dict[str, Any]:
        """The documented GET shape.

        Write-only values are not read back: `settings.webhook.secret` is omitted (a secret is
        never echoed), and mailbox selectors are resolved to ids at write time, of which a read
        returns only `mailboxCount` (the newer revision of the GET page); create's response
        adds the resolved `mailboxes` ids, as the create page shows.
        """
        settings = copy.deepcopy(doc["settings"])
        flat = {k: settings.pop(k) for k in FLATTENED_SETTINGS if k in settings}
        if isinstance(settings.get("webhook"), dict):
            settings["webhook"].pop("secret", None)
        return {
            "_id": doc["_id"],
            "name": doc["name"],
            "userId": doc["userId"],
            "workspaceId": doc["workspaceId"],
            "status": doc["status"],
            "sequence": copy.deepcopy(doc["sequence"]),
            "subsequences": copy.deepcopy(doc["subsequences"]),
            "sendingSchedule": copy.deepcopy(doc["sendingSchedule"]),
            **flat,
            "mailboxCount": len(doc["mailboxIds"]),
            "settings": settings,
            "stats": copy.deepcopy(doc["stats"]),
            "leadCounts": dict(counts or {"total": 0, "active": 0}),
            "startedAt": doc["startedAt"],
            "completedAt": doc["completedAt"],
            "createdAt": doc["createdAt"],
            "updatedAt": doc["updatedAt"],
        }

    def _read_campaign_lead(
        self, ws: str, cl: dict[str, Any], campaign: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        lead = self.store.get(ws, "lead", cl["leadId"]) or {"_id": cl["leadId"], "email": None}
        sub = copy.deepcopy(cl["subsequence"])
        if sub is not None and campaign is not None:
            # The name follows renames of the subsequence while it still exists.
            current = _find_subsequence(campaign, sub["id"])
            if current is not None:
                sub["name"] = current["name"]
        return {
            "_id": cl["_id"],
            "campaignId": cl["campaignId"],
            "leadId": {
                k: lead.get(k) for k in ("_id", "email", "firstName", "lastName", "companyName")
            },
            "status": cl["status"],
            "aiTag": cl["aiTag"],
            "currentSequenceStep": cl["currentSequenceStep"],
            "subsequence": sub,
            "replied": cl["replied"],
            "emailsSent": cl["emailsSent"],
            "addedAt": cl["addedAt"],
        }

    def _lead_email(self, ws: str, lead_id: str) -> str | None:
        lead = self.store.get(ws, "lead", lead_id)
        return lead["email"] if lead else None


def _find_subsequence(campaign: dict[str, Any], sid: str) -> dict[str, Any] | None:
    return next((s for s in campaign["subsequences"] if s["_id"] == sid), None)
