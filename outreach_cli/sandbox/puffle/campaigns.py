"""Campaign endpoints: list, create, read, update (PATCH) and delete.

Where the docs are silent, this emulator chooses:

- Create needs at least one ready sender of the campaign's type in the workspace; the optional
  `sender_account_ids` must all be senders of that type (400 otherwise). Without them the
  campaign starts with no senders (validate then reports it). `sequence_nodes` and
  `account_limits` are not create fields; they are ignored there (set them with PATCH).
- `sequence_nodes` replaces the sequence: each node is stored as given (fields it omits are
  cleared, fields of other node types dropped, `position` ignored). A node keeps its id when it
  names an existing node of the same type; otherwise it gets a new one.
- `account_limits` is stored with repeated account ids merged (the last value wins, in the order
  ids first appear) and read back on the campaign; the docs do not show where it reads back.

PATCH validates every field first (validation.py), then applies what the campaign's status and
type let through (`_apply`).
"""

from __future__ import annotations

from typing import Any

from ..store import uuid4
from ..web import Request, Response
from .errors import _Fail
from .model import NODE_FIELDS, READY_SENDER, TYPES
from .request import _body, _ws
from .storage import Storage, _iso_ms
from .validation import CREATE_FIELDS, PATCH_TABLE, _field_errors


class CampaignRoutes(Storage):
    """/campaigns and /campaigns/{id}."""

    def _list_campaigns(self, request: Request) -> Response:
        ws = _ws(request)
        campaigns = [self._settle(ws, c) for c in reversed(self.store.list(ws, "campaign"))]
        # Running campaigns first, as the docs say; newest first within each group.
        campaigns.sort(key=lambda c: c["status"] not in ("launching", "active", "paused"))
        out = []
        for c in campaigns:
            item = self._public(ws, c)
            item["node_count"] = len(c["_nodes"])
            out.append(item)
        return Response(200, {"campaigns": out})

    def _create_campaign(self, request: Request) -> Response:
        ws, body = _ws(request), _body(request)
        ctype = body.get("type")
        if ctype not in TYPES:
            raise _Fail(400, "type must be one of: email, linkedin")
        given = {k: body[k] for k in ("name", *CREATE_FIELDS) if k in body}
        if "name" not in given:
            raise _Fail(400, "name is required")
        errors = _field_errors(given, ctype, [])
        if errors:
            raise _Fail(400, "; ".join(errors))
        if not any(
            s["type"] == ctype and s["status"] in READY_SENDER[ctype]
            for s in self._senders(ws).values()
        ):
            raise _Fail(400, f"You need at least one connected {ctype} sender account")
        now_ms = int(self.store.now() * 1000)
        email = ctype == "email"
        campaign: dict[str, Any] = {
            "id": uuid4(),
            "user_id": (self.store.get(ws, "settings", "workspace") or {}).get("user_id"),
            "type": ctype,
            "name": body["name"],
            "status": "draft",
            "daily_limit": 50 if email else None,
            "stop_on_reply": True if email else None,
            "open_tracking": True if email else None,
            "signature": None,
            "skip_other_campaigns": None if email else False,
            "operating_hours": None,
            "account_limits": [] if email else None,
            "created_at": _iso_ms(now_ms),
            "updated_at": _iso_ms(now_ms),
            "launched_at": None,
            "_senders": [],
            "_launch_ts": None,
            "_rev_ms": now_ms,
            "_nodes": [
                {"id": uuid4(), "type": "email", "subject": "", "body": ""}
                if email
                else {
                    "id": uuid4(),
                    "type": "connection_request",
                    "body": "",
                    "include_message": False,
                },
                {"id": uuid4(), "type": "end"},
            ],
        }
        self._apply(ws, campaign, given)
        self._save(ws, campaign)
        return Response(200, {"campaign": self._public(ws, campaign, nodes=True)})

    def _get_campaign(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        by_status: dict[str, int] = {}
        by_node: dict[str, int] = {}
        for p in self._prospects(ws, campaign):
            by_status[p["status"]] = by_status.get(p["status"], 0) + 1
            if p.get("current_node_id"):
                by_node[p["current_node_id"]] = by_node.get(p["current_node_id"], 0) + 1
        return Response(
            200,
            {
                "campaign": self._public(ws, campaign),
                "sequence_nodes": self._public_nodes(campaign),
                "prospects_by_status": by_status,
                "prospects_by_node": by_node,
            },
        )

    def _update_campaign(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        body = _body(request)
        given = {k: body[k] for k in PATCH_TABLE if k in body}
        # Validate everything first: a bad value fails the whole PATCH, whatever would be
        # applied, so there is never a partial write.
        errors = _field_errors(given, campaign["type"], campaign["_nodes"])
        if errors:
            raise _Fail(400, "; ".join(errors))
        self._apply(ws, campaign, given)
        self._save(ws, campaign)
        return Response(200, {"campaign": self._public(ws, campaign)})

    def _apply(self, ws: str, campaign: dict[str, Any], given: dict[str, Any]) -> None:
        """Write the fields of `given` that the campaign's status and type let through;
        drop the rest silently, as Puffle does."""
        for field, value in given.items():
            statuses, only = PATCH_TABLE[field]
            if (statuses is not None and campaign["status"] not in statuses) or (
                only is not None and campaign["type"] != only
            ):
                continue
            if field == "sender_account_ids":
                campaign["_senders"] = self._checked_senders(ws, campaign["type"], value)
            elif field == "sequence_nodes":
                campaign["_nodes"] = self._replace_nodes(campaign["_nodes"], value)
            elif field == "account_limits":
                merged: dict[str, int] = {}
                for entry in value:
                    merged[entry["account_id"]] = entry["daily_limit"]
                campaign["account_limits"] = [
                    {"account_id": k, "daily_limit": v} for k, v in merged.items()
                ]
            else:
                campaign[field] = value

    def _checked_senders(self, ws: str, ctype: str, ids: list[str]) -> list[str]:
        known = self._senders(ws)
        for sid in ids:
            sender = known.get(sid)
            if sender is None:
                raise _Fail(400, f"Sender account {sid} not found")
            if sender["type"] != ctype:
                raise _Fail(
                    400,
                    f"Sender account {sid} is a {sender['type']} account; this "
                    f"is a {ctype} campaign",
                )
        return list(dict.fromkeys(ids))

    @staticmethod
    def _replace_nodes(
        old: list[dict[str, Any]], new: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        existing = {n["id"]: n for n in old}
        out: list[dict[str, Any]] = []
        used: set[str] = set()
        for node in new:
            before = existing.get(node.get("id") or "")
            ntype = node.get("type") or (before["type"] if before else "")
            keep = before is not None and before["type"] == ntype and before["id"] not in used
            record: dict[str, Any] = {
                "id": before["id"] if keep and before else uuid4(),
                "type": ntype,
            }
            record.update({k: node[k] for k in NODE_FIELDS[ntype] if k in node})
            used.add(record["id"])
            out.append(record)
        return out

    def _delete_campaign(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        for p in self._prospects(ws, campaign):
            self.store.delete(ws, f"prospect:{campaign['id']}", p["id"])
        self.store.delete(ws, "campaign", campaign["id"])
        return Response(200, {"success": True})
