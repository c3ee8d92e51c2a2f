"""The campaign endpoints: list, get, create, update, start, pause, resume."""

from __future__ import annotations

import copy
from typing import Any

from ..web import Request, Response
from .constants import (
    CAMPAIGN_BODY_KEYS,
    CAMPAIGN_STATUSES,
    DEFAULT_SCHEDULE,
    DEFAULT_SETTINGS,
    MAILBOX_SELECTORS,
)
from .envelope import _Ctx, _ok, _paginate
from .errors import AGENT_NOT_FOUND, INVALID_STATUS, ApiError, _invalid
from .sequences import _normalise_sequence, _normalise_subsequences
from .storage import Storage
from .validation import (
    _check_keys,
    _json_object,
    _merge_settings,
    _v_str_list,
    _validate_schedule,
    _validate_settings,
)


class CampaignHandlers(Storage):
    """`/campaigns` and `/campaigns/{campaign_id}[/start|/pause|/resume]`."""

    def _resolve_mailboxes(self, ws: str, body: dict[str, Any]) -> list[str] | None:
        """Mailbox ids selected by any combination of the selectors (their union), or None when
        the body names no selector (the campaign's mailboxes then stay as they are)."""
        if not any(key in body for key in MAILBOX_SELECTORS):
            return None
        mailboxes = self.store.list(ws, "mailbox")
        by_id = {m["_id"]: m for m in mailboxes}
        by_email = {m["email"].lower(): m for m in mailboxes}
        chosen: list[str] = []

        def pick(mid: str) -> None:
            if mid not in chosen:
                chosen.append(mid)

        for key in ("mailboxes", "mailboxIds"):
            if key in body:
                for i, mid in enumerate(_v_str_list(body[key], key)):
                    if mid not in by_id:
                        raise _invalid(f"{key}[{i}]", f"no mailbox {mid} in this workspace")
                    pick(mid)
        if "mailboxEmails" in body:
            for i, email in enumerate(_v_str_list(body["mailboxEmails"], "mailboxEmails")):
                found = by_email.get(email.lower())
                if found is None:
                    raise _invalid(f"mailboxEmails[{i}]", f"no mailbox {email} in this workspace")
                pick(found["_id"])
        if "mailboxTags" in body:
            tags = set(_v_str_list(body["mailboxTags"], "mailboxTags"))
            for m in mailboxes:
                if tags & set(m["tags"]):
                    pick(m["_id"])
        if "mailboxProvider" in body:
            provider = body["mailboxProvider"]
            if not isinstance(provider, str) or not provider:
                raise _invalid("mailboxProvider", "must be a provider name such as 'gmail'")
            for m in mailboxes:
                if m["provider"] == provider.lower():
                    pick(m["_id"])
        return chosen

    def _check_agent(self, ws: str, settings_patch: dict[str, Any]) -> None:
        agent = settings_patch.get("aiAgentId")
        if agent is not None and agent != self._workspace(ws)["aiAgentId"]:
            raise ApiError(
                400,
                AGENT_NOT_FOUND,
                f"settings.aiAgentId: AI agent {agent} not found in this workspace",
            )

    # -- campaigns ---------------------------------------------------------------------------------

    def _list_campaigns(self, ctx: _Ctx, req: Request) -> Response:
        status = req.arg("status")
        if status is not None and status not in CAMPAIGN_STATUSES:
            raise _invalid("status", "must be one of " + ", ".join(CAMPAIGN_STATUSES))
        search = (req.arg("search") or "").casefold()
        docs = [
            d
            for d in self.store.list(ctx.workspace, "campaign")
            if (status is None or d["status"] == status)
            and (not search or search in d["name"].casefold())
        ]
        page, pagination = _paginate(docs, req)
        return _ok(
            [self._read_campaign(d, self._lead_count(ctx.workspace, d["_id"])) for d in page],
            pagination=pagination,
        )

    def _get_campaign(self, ctx: _Ctx, req: Request) -> Response:
        doc = self._campaign(ctx.workspace, req.params["campaign_id"])
        return _ok(self._read_campaign(doc, self._lead_count(ctx.workspace, doc["_id"])))

    def _create_campaign(self, ctx: _Ctx, req: Request) -> Response:
        body = _json_object(req)
        _check_keys(body, CAMPAIGN_BODY_KEYS)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _invalid("name", "is required and must be a non-empty string")
        sequence = _normalise_sequence(
            body.get("sequence", []), "sequence", self._new_id, leading_wait_ok=False
        )
        subsequences = _normalise_subsequences(body.get("subsequences", []), [], self._new_id)
        schedule = _validate_schedule(body.get("schedule", {}), copy.deepcopy(DEFAULT_SCHEDULE))
        settings_patch = _validate_settings(body.get("settings", {}))
        self._check_agent(ctx.workspace, settings_patch)
        mailbox_ids = self._resolve_mailboxes(ctx.workspace, body) or []
        stamp = self._write_stamp()
        cid = self._new_id()
        doc = {
            "_id": cid,
            "name": name,
            "userId": ctx.user_id,
            "workspaceId": ctx.workspace,
            "status": "draft",  # "Always created as draft"
            "sequence": sequence,
            "subsequences": subsequences,
            "sendingSchedule": schedule,
            "settings": _merge_settings(DEFAULT_SETTINGS, settings_patch),
            "mailboxIds": mailbox_ids,
            "stats": {
                "sent": 0,
                "delivered": 0,
                "opened": 0,
                "clicked": 0,
                "replied": 0,
                "bounced": 0,
                "unsubscribed": 0,
            },
            "startedAt": None,
            "completedAt": None,
            "createdAt": stamp,
            "updatedAt": stamp,
        }
        self.store.put(ctx.workspace, "campaign", cid, doc)
        data = self._read_campaign(doc, None)
        data["mailboxes"] = list(mailbox_ids)
        # 201: the docs do not show the status code; a create answering 201 is the usual REST.
        return _ok(data, status=201)

    def _update_campaign(self, ctx: _Ctx, req: Request) -> Response:
        doc = self._campaign(ctx.workspace, req.params["campaign_id"])
        body = _json_object(req)
        _check_keys(body, CAMPAIGN_BODY_KEYS)
        # Everything is validated into `changes` first and written only at the end.
        changes: dict[str, Any] = {}
        if "name" in body:
            if not isinstance(body["name"], str) or not body["name"].strip():
                raise _invalid("name", "must be a non-empty string")
            changes["name"] = body["name"]
        if "sequence" in body:
            changes["sequence"] = _normalise_sequence(
                body["sequence"], "sequence", self._new_id, leading_wait_ok=False
            )
        if "subsequences" in body:
            changes["subsequences"] = _normalise_subsequences(
                body["subsequences"], doc["subsequences"], self._new_id
            )
        if "schedule" in body:
            changes["sendingSchedule"] = _validate_schedule(
                body["schedule"], doc["sendingSchedule"]
            )
        if "settings" in body:
            patch = _validate_settings(body["settings"])
            self._check_agent(ctx.workspace, patch)
            changes["settings"] = _merge_settings(doc["settings"], patch)
        mailbox_ids = self._resolve_mailboxes(ctx.workspace, body)
        if mailbox_ids is not None:
            changes["mailboxIds"] = mailbox_ids
        doc.update(changes)
        doc["updatedAt"] = self._write_stamp()
        self.store.put(ctx.workspace, "campaign", doc["_id"], doc)
        # The page's example response is partial (_id, name, status, sendingSchedule, times);
        # the full read shape is a superset of it.
        return _ok(self._read_campaign(doc, self._lead_count(ctx.workspace, doc["_id"])))

    def _start_campaign(self, ctx: _Ctx, req: Request) -> Response:
        doc = self._campaign(ctx.workspace, req.params["campaign_id"])
        if doc["status"] != "draft":
            raise ApiError(
                400,
                INVALID_STATUS,
                f"Only draft campaigns can be started (status is {doc['status']})",
            )
        # A third-party client says start also needs ≥1 lead. Not required here, so that a
        # campaign freshly created from a file can be started before leads are attached; the
        # mailbox and step requirements are kept.
        if not doc["mailboxIds"]:
            raise _invalid("mailboxes", "a campaign needs at least one mailbox to start")
        if not doc["sequence"]:
            raise _invalid("sequence", "a campaign needs at least one step to start")
        now = self.store.now()
        stamp = self._write_stamp()
        doc.update(status="active", startedAt=stamp, updatedAt=stamp)
        self.store.put(ctx.workspace, "campaign", doc["_id"], doc)
        for cl in self._campaign_leads(ctx.workspace, doc["_id"]):
            if cl["status"] == "pending":  # "pending leads become active"
                cl.update(status="active", nextAt=now)
                self.store.put(ctx.workspace, "campaign_lead", cl["_id"], cl)
        # Docs silent on start/pause responses; they answer like resume: {id, status}.
        return _ok({"id": doc["_id"], "status": "active"})

    def _pause_campaign(self, ctx: _Ctx, req: Request) -> Response:
        return self._move(ctx, req, "active", "paused")

    def _resume_campaign(self, ctx: _Ctx, req: Request) -> Response:
        return self._move(ctx, req, "paused", "active")

    def _move(self, ctx: _Ctx, req: Request, source: str, target: str) -> Response:
        doc = self._campaign(ctx.workspace, req.params["campaign_id"])
        if doc["status"] != source:
            verb = "paused" if target == "paused" else "resumed"
            raise ApiError(
                400,
                INVALID_STATUS,
                f"Only {source} campaigns can be {verb} (status is {doc['status']})",
            )
        doc.update(status=target, updatedAt=self._write_stamp())
        self.store.put(ctx.workspace, "campaign", doc["_id"], doc)
        return _ok({"id": doc["_id"], "status": target})
