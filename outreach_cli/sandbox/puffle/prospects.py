"""Prospect endpoints: list, import and delete a campaign's prospects (/campaigns/{id}/leads).

Where the docs are silent, this emulator chooses:

- Prospect list: `limit` 1–200 (default 100) and `page` ≥ 1, else 400; an unknown `status`
  filter is a 400. Prospect writes check the channel's identity field (400 naming the index).
"""

from __future__ import annotations

from typing import Any

from ..store import uuid4
from ..web import Request, Response
from .errors import _Fail
from .model import (
    _PROSPECT_TEXT,
    DEFAULT_PAGE_LIMIT,
    MAX_DELETE,
    MAX_IMPORT,
    MAX_PAGE_LIMIT,
    PENDING,
    PROSPECT_STATUSES,
)
from .request import _body, _int_arg
from .storage import Storage
from .validation import _is_uuid, _normal_url, _prospect_fields


class ProspectRoutes(Storage):
    """/campaigns/{id}/leads."""

    def _list_prospects(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        page = _int_arg(request, "page", 1, 1, None)
        limit = _int_arg(request, "limit", DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT)
        status = request.arg("status")
        if status and status not in PROSPECT_STATUSES:
            raise _Fail(400, f"status must be one of: {', '.join(PROSPECT_STATUSES)}")
        rows = [p for p in self._prospects(ws, campaign) if not status or p["status"] == status]
        chunk = rows[(page - 1) * limit : page * limit]
        return Response(
            200,
            {
                "prospects": [{k: v for k, v in p.items() if not k.startswith("_")} for p in chunk],
                "total": len(rows),
                "page": page,
                "limit": limit,
            },
        )

    def _roster_open(self, campaign: dict[str, Any]) -> None:
        if campaign["status"] != "draft":
            raise _Fail(
                400,
                f"Campaign is {campaign['status']} — prospects can only change while it is draft",
            )

    def _add_prospects(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        self._roster_open(campaign)
        rows = _body(request).get("prospects")
        if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_IMPORT:
            raise _Fail(400, f"prospects must be an array of 1 to {MAX_IMPORT} items")
        ctype = campaign["type"]
        identity = "email" if ctype == "email" else "linkedin_url"
        cleaned = [_prospect_fields(i, row, ctype) for i, row in enumerate(rows)]
        seen = {_identity(p, identity) for p in self._prospects(ws, campaign)}
        imported = duplicates = 0
        now = self.store.iso_now()
        user_id = campaign["user_id"]
        for fields in cleaned:
            key = _identity(fields, identity)
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            imported += 1
            pid = uuid4()
            first, last = fields.get("first_name"), fields.get("last_name")
            self.store.put(
                ws,
                f"prospect:{campaign['id']}",
                pid,
                {
                    "id": pid,
                    "campaign_id": campaign["id"],
                    "user_id": user_id,
                    "status": PENDING,
                    "email": None,
                    "linkedin_url": None,
                    **{k: None for k in _PROSPECT_TEXT},
                    "custom_fields": None,
                    **fields,
                    "name": f"{first} {last}" if first and last else (first or last),
                    "source": "api",
                    "source_ref": None,
                    "created_at": now,
                    "updated_at": now,
                    "bounced_at": None,
                    "replied_at": None,
                    "current_node_id": None,
                    "_node_ts": None,
                },
            )
        if imported:
            self._save(ws, campaign)
        return Response(200, {"imported": imported, "duplicates": duplicates})

    def _delete_prospects(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        self._roster_open(campaign)
        body = _body(request)
        kind = f"prospect:{campaign['id']}"
        ids: Any
        if body.get("all") is True:
            ids = [p["id"] for p in self._prospects(ws, campaign)]
        else:
            ids = body.get("prospect_ids")
            if (
                not isinstance(ids, list)
                or not 1 <= len(ids) <= MAX_DELETE
                or not all(_is_uuid(i) for i in ids)
            ):
                raise _Fail(400, f"Send prospect_ids (1 to {MAX_DELETE} UUIDs) or all: true")
        deleted = sum(self.store.delete(ws, kind, pid) for pid in dict.fromkeys(ids))
        if deleted:
            self._save(ws, campaign)
        return Response(200, {"deleted": deleted})


def _identity(prospect: dict[str, Any], key: str) -> str:
    value = prospect.get(key) or ""
    return value.lower() if key == "email" else _normal_url(value)
