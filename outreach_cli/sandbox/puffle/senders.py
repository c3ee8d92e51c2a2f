"""Sender account and workspace settings endpoints: /senders, /campaigns/settings, /settings."""

from __future__ import annotations

from ..web import Request, Response
from .errors import _Fail
from .request import _body, _ws
from .storage import Storage
from .validation import _is_timezone, _is_uuid


class SenderRoutes(Storage):
    """/senders, /senders/{id}, /campaigns/{id}/senders, /campaigns/settings, /settings."""

    def _list_senders(self, request: Request) -> Response:
        return Response(200, {"senders": list(self._senders(_ws(request)).values())})

    def _get_sender(self, request: Request) -> Response:
        sid = request.params["id"]
        if not _is_uuid(sid):
            raise _Fail(400, "Invalid sender ID")
        sender = self.store.get(_ws(request), "sender", sid)
        if sender is None:
            raise _Fail(404, "Sender account not found")
        return Response(200, {"sender": sender})

    def _campaign_senders(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        return Response(200, {"senders": self._public(ws, campaign)["sender_accounts"]})

    def _campaign_settings(self, request: Request) -> Response:
        accounts = []
        for s in self._senders(_ws(request)).values():
            linkedin = s["type"] == "linkedin"
            accounts.append(
                {
                    **s,
                    "weekly_stats": {"connections_sent": 0, "messages_sent": 0},
                    "limits": {
                        "weekly_connection_limit": s["weekly_connection_limit"],
                        "weekly_message_limit": s["weekly_message_limit"],
                        "max_connection_limit": 200 if linkedin else None,
                        "max_message_limit": 300 if linkedin else None,
                        "recommended_connection_limit": s["weekly_connection_limit"],
                        "recommended_message_limit": s["weekly_message_limit"],
                    },
                    "daily_stats": {"sent": 0, "daily_limit": s["daily_limit"]},
                }
            )
        return Response(200, {"accounts": accounts, "schedules": [], "weekly_stats": []})

    def _get_settings(self, request: Request) -> Response:
        settings = self.store.get(_ws(request), "settings", "workspace") or {}
        return Response(200, {"settings": {k: v for k, v in settings.items() if k != "user_id"}})

    def _put_settings(self, request: Request) -> Response:
        ws, body = _ws(request), _body(request)
        settings = self.store.get(ws, "settings", "workspace") or {}
        if "timezone" in body:
            if not _is_timezone(body["timezone"]):
                raise _Fail(400, "timezone must be an IANA time zone")
            settings["timezone"] = body["timezone"]
        if "allow_warming_accounts" in body:
            if not isinstance(body["allow_warming_accounts"], bool):
                raise _Fail(400, "allow_warming_accounts must be a boolean")
            settings["allow_warming_accounts"] = body["allow_warming_accounts"]
        self.store.put(ws, "settings", "workspace", settings)
        return Response(200, {"settings": {k: v for k, v in settings.items() if k != "user_id"}})
