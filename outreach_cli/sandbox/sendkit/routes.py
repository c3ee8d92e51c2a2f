"""The Emulator: the route table, authentication, one transaction per request, tags, mailboxes."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import cast

from ..store import Store
from ..web import Handler, Request, Response, Router
from .campaigns import CampaignHandlers
from .constants import API_KEY, HEX24, PLATFORM_KEY_PREFIX
from .envelope import _Ctx, _error, _ok, _paginate
from .errors import (
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    UNAUTHORIZED,
    WORKSPACE_ID_REQUIRED,
    ApiError,
    _invalid,
)
from .ids import _sha24, workspace_for_key
from .leads import LeadHandlers

# -- the emulator --------------------------------------------------------------------------------


_Handler = Callable[[_Ctx, Request], Response]

ROUTES = (
    ("GET", "/campaigns", "_list_campaigns"),
    ("POST", "/campaigns", "_create_campaign"),
    ("GET", "/campaigns/{campaign_id}", "_get_campaign"),
    ("PATCH", "/campaigns/{campaign_id}", "_update_campaign"),
    ("POST", "/campaigns/{campaign_id}/start", "_start_campaign"),
    ("POST", "/campaigns/{campaign_id}/pause", "_pause_campaign"),
    ("POST", "/campaigns/{campaign_id}/resume", "_resume_campaign"),
    ("GET", "/campaigns/{campaign_id}/leads", "_list_campaign_leads"),
    ("POST", "/campaigns/{campaign_id}/leads", "_add_campaign_leads"),
    ("POST", "/campaigns/{campaign_id}/leads/action", "_lead_action"),
    ("PATCH", "/campaigns/{campaign_id}/leads/{lead_id}", "_update_campaign_lead"),
    ("GET", "/tags", "_list_tags"),
    ("GET", "/mailboxes", "_list_mailboxes"),
    ("GET", "/workspaces", "_list_workspaces"),
)
# Account-level routes: a platform key may call them without X-Workspace-Id.
ACCOUNT_ROUTES = frozenset({"/workspaces"})


class Emulator(CampaignHandlers, LeadHandlers):
    """SendKit as documented, over the shared Store."""

    prefix = "/sendkit/v1"

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.router = Router()
        for method, pattern, name in ROUTES:
            # The router's Handler type takes a Request only; these take (ctx, request).
            self.router.add(method, pattern, cast(Handler, getattr(self, name)))

    # -- entry points (`tick` and `events`, the simulated-time ones, are in sending.py) ----------

    def handle(self, request: Request) -> Response:
        try:
            ctx = self._authenticate(request)
            handler, params, path_exists = self.router.match(request.method, request.path)
            if handler is None:
                if path_exists:
                    raise ApiError(
                        405,
                        METHOD_NOT_ALLOWED,
                        f"{request.method} is not allowed on {request.path}",
                    )
                raise ApiError(404, NOT_FOUND, f"No route {request.method} {request.path}")
            request.params = params
            # One transaction per request: a failure anywhere rolls back everything it wrote
            # (the workspace seed included), so nothing is ever half-written.
            with self.store.transaction():
                if ctx.workspace:
                    self._ensure_seeded(ctx.workspace)
                    self._note_member(ctx)
                response = cast(_Handler, handler)(ctx, request)
        except ApiError as err:
            return _error(err.status, err.code, err.message)
        self._deliver(ctx.outbox)
        return response

    # -- auth --------------------------------------------------------------------------------------

    def _authenticate(self, request: Request) -> _Ctx:
        keys = set()
        header_key = request.headers.get("X-Api-Key")
        if header_key is not None:
            keys.add(header_key.strip())
        authorization = request.headers.get("Authorization")
        if authorization is not None:
            found = re.match(r"^\s*Bearer\s+(\S+)\s*$", authorization, re.IGNORECASE)
            keys.add(found.group(1) if found else "")
        if not keys:
            raise ApiError(
                401, UNAUTHORIZED, "Missing API key: send X-Api-Key or Authorization: Bearer"
            )
        if len(keys) > 1:
            raise ApiError(401, UNAUTHORIZED, "X-Api-Key and Authorization carry different keys")
        key = keys.pop()
        if not API_KEY.match(key) or key == PLATFORM_KEY_PREFIX:
            raise ApiError(401, UNAUTHORIZED, "Invalid API key")
        user_id = _sha24(f"user:{key}")
        if not key.startswith(PLATFORM_KEY_PREFIX):
            # A workspace key is scoped to its workspace; an X-Workspace-Id beside it is ignored.
            return _Ctx(workspace_for_key(key), user_id)
        if request.path.rstrip("/") in ACCOUNT_ROUTES:
            # Account level: the platform key's own view; an X-Workspace-Id is not needed
            # and does not make the key a member of the workspace it names.
            return _Ctx("", user_id)
        workspace = (request.headers.get("X-Workspace-Id") or "").strip()
        if not workspace:
            raise ApiError(
                400,
                WORKSPACE_ID_REQUIRED,
                "A platform key (sk_user_…) needs the X-Workspace-Id header on workspace endpoints",
            )
        if not HEX24.match(workspace):
            raise _invalid("X-Workspace-Id", "must be a 24-hex workspace id")
        return _Ctx(workspace, user_id)

    # -- workspaces ----------------------------------------------------------------------------

    def _note_member(self, ctx: _Ctx) -> None:
        """Remember which callers use a workspace (the sandbox's membership: a platform key
        is a member of each workspace it has named in X-Workspace-Id)."""
        doc = self._workspace(ctx.workspace)
        members = doc.setdefault("memberIds", [])
        if ctx.user_id not in members:
            members.append(ctx.user_id)
            self.store.put(ctx.workspace, "workspace", ctx.workspace, doc)

    def _list_workspaces(self, ctx: _Ctx, req: Request) -> Response:
        """GET /v1/workspaces (providers.md §1b): a workspace key sees only its own workspace,
        a platform key every workspace it is a member of. Items use `id`, not `_id`. The name
        is the sandbox's: distinct per workspace, so two keys read as two workspaces."""
        if ctx.workspace:
            spaces = [ctx.workspace]
        else:
            spaces = [
                ws
                for ws in self._own_workspaces()
                if ctx.user_id in (self._workspace(ws).get("memberIds") or [])
            ]
        out = []
        for ws in spaces:
            doc = self._workspace(ws)
            members = doc.get("memberIds") or []
            out.append(
                {
                    "id": ws,
                    "name": doc.get("name") or f"Sandbox workspace {ws[-6:]}",
                    "ownerId": members[0] if members else ctx.user_id,
                    "memberCount": max(1, len(members)),
                    "usage": {
                        "totalCampaigns": len(self.store.list(ws, "campaign")),
                        "totalLeads": len(self.store.list(ws, "lead")),
                        "totalMailboxes": len(self.store.list(ws, "mailbox")),
                        "totalEmailsSent": 0,
                    },
                    "createdAt": doc.get("createdAt"),
                }
            )
        return _ok(out)

    # -- tags and mailboxes --------------------------------------------------------------------

    def _list_tags(self, ctx: _Ctx, req: Request) -> Response:
        return _ok(copy.deepcopy(self._workspace(ctx.workspace)["labels"]))

    def _list_mailboxes(self, ctx: _Ctx, req: Request) -> Response:
        mailboxes = self.store.list(ctx.workspace, "mailbox")
        for name in ("status", "provider"):
            wanted = req.arg(name)
            if wanted:
                mailboxes = [m for m in mailboxes if m[name] == wanted]
        tags = [t for t in (req.arg("tags") or "").split(",") if t]
        if tags:
            mailboxes = [m for m in mailboxes if set(tags) & set(m["tags"])]
        page, pagination = _paginate(mailboxes, req)
        return _ok(page, pagination=pagination)
