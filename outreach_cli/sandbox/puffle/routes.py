"""Puffle's API (`https://app.puffle.ai/api`), emulated from its public docs at /puffle/api.

A second, independent reading of the docs (shared/seeds/puffle-update-campaign.txt and
shared/reference/providers.md section 3): it imports only the standard library and its sibling
sandbox modules, never the client side of the package, so a test where `outreach`'s own rules
and this emulator agree means two readings of the docs agree.

What the docs state is followed as stated, above all the update page: on a campaign that has
left draft, the draft-only fields of a PATCH are silently ignored (200, value unchanged), while
a malformed value (delay totals, ranges, UUIDs) fails the whole request with 400 before any
write. Where the docs are silent, this emulator chooses, and says so:

- Error bodies are `{"error": "<message>"}` (the docs publish status codes and messages, not
  the body); a launch refused for readiness adds `errors` and `warnings`.
- Auth: `Authorization: Bearer pk_live_…` or `pk_test_…`, anything else 401; one workspace per
  key. A malformed id in the path is a 400 (the docs give the path parameter a pattern); an id
  not found in the caller's workspace is a 404.
- Demo data: each workspace is seeded on first use with two email senders (status `active`) and
  two LinkedIn senders (`connected`) whose ids are the same fixed UUIDs in every workspace
  (`DEMO_SENDERS`), so campaign files can name them; workspace settings hold a `timezone`.
- Create needs at least one ready sender of the campaign's type in the workspace; the optional
  `sender_account_ids` must all be senders of that type (400 otherwise). Without them the
  campaign starts with no senders (validate then reports it). `sequence_nodes` and
  `account_limits` are not create fields; they are ignored there (set them with PATCH).
- PATCH validates the shape of every field it knows (types, ranges, UUID patterns, delay
  totals), whatever the campaign's status or type, before writing anything; then it applies
  what the status and type allow (sender ids must then name senders of the campaign's type).
  Email-only fields on a LinkedIn campaign and LinkedIn-only fields on an email campaign are
  ignored like draft-only fields after launch. `type` and unknown keys are ignored. Node types
  of the other channel (e.g. an email node on a LinkedIn campaign) are a 400.
- `sequence_nodes` replaces the sequence: each node is stored as given (fields it omits are
  cleared, fields of other node types dropped, `position` ignored). A node keeps its id when it
  names an existing node of the same type; otherwise it gets a new one.
- `account_limits` is stored with repeated account ids merged (the last value wins, in the order
  ids first appear) and read back on the campaign; the docs do not show where it reads back.
- `updated_at` moves forward, strictly, on every write through the API (prospect writes
  included, since they recompute the campaign's stats) and on status changes; simulated sends
  (`tick`) do not move it.
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
- Prospect list: `limit` 1–200 (default 100) and `page` ≥ 1, else 400; an unknown `status`
  filter is a 400. Prospect writes check the channel's identity field (400 naming the index).
- Sequence node endpoints answer 400 on a non-draft campaign and 404 for a node not in it;
  add and edit do not check delay totals (validate and launch do); `toPosition` and `position`
  beyond the end are clamped.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

from ..store import Store, uuid4
from ..web import BadJson, Request, Response, Router

UUID_PATTERN = (
    r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
    r"|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$"
)
_UUID = re.compile(UUID_PATTERN)
_KEY = re.compile(r"Bearer[ \t]+(pk_(?:live|test)_[A-Za-z0-9_\-]+)[ \t]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

TYPES = ("email", "linkedin")
NODE_FIELDS: dict[str, tuple[str, ...]] = {
    "connection_request": ("body", "include_message"),
    "message": ("body",),
    "email": ("subject", "body", "is_reply", "body_html", "signature", "from_name", "reply_to",
              "cc", "bcc", "attachments"),
    "delay": ("delay_days", "delay_hours", "delay_minutes"),
    "ai": ("ai_node",),
    "end": (),
}
CHANNEL_NODES = {
    "email": ("email", "delay", "ai", "end"),
    "linkedin": ("connection_request", "message", "delay", "ai", "end"),
}
SENDING_NODES = ("connection_request", "message", "email", "ai")
READY_SENDER = {"email": ("active", "warming"), "linkedin": ("connected",)}
PENDING = "pending"
IN_FLIGHT = ("sent", "connection_sent", "connected", "message_sent")
TERMINAL = ("replied", "bounced", "completed", "timed_out", "cancelled")
PROSPECT_STATUSES = (PENDING, *IN_FLIGHT, *TERMINAL)

MIN_DELAY_MINUTES = 1
MAX_DELAY_MINUTES = 30 * 24 * 60
DAILY_LIMIT = (1, 500)
MAX_ACCOUNT_LIMITS = 50
MAX_PAGE_LIMIT = 200
DEFAULT_PAGE_LIMIT = 100
MAX_IMPORT = 1000
MAX_DELETE = 500
LAUNCH_LOCK_SECONDS = 120.0

_STRING_FIELDS = ("subject", "body", "body_html", "signature", "from_name", "reply_to", "cc",
                  "bcc")
_BOOL_FIELDS = ("include_message", "is_reply")
_DELAY_FIELDS = ("delay_days", "delay_hours", "delay_minutes")
_PROSPECT_TEXT = ("first_name", "last_name", "company", "position", "headline")
# The prospect status a sending node leaves behind, per channel (an AI node sends in the
# campaign's channel).
_SENT_STATUS = {
    "email": {"email": "sent", "ai": "sent"},
    "linkedin": {"connection_request": "connection_sent", "message": "message_sent",
                 "ai": "message_sent"},
}

# The update page's table: field → (statuses where PATCH applies it, None for any; the only
# campaign type it applies to, None for both). Anything outside it is accepted and dropped.
PATCH_TABLE: dict[str, tuple[frozenset[str] | None, str | None]] = {
    "name": (None, None),
    "operating_hours": (None, None),
    "daily_limit": (None, "email"),
    "account_limits": (None, "email"),
    "skip_other_campaigns": (frozenset({"draft"}), "linkedin"),
    "stop_on_reply": (frozenset({"draft"}), "email"),
    "open_tracking": (frozenset({"draft"}), "email"),
    "signature": (frozenset({"draft"}), "email"),
    "sender_account_ids": (frozenset({"draft"}), None),
    "sequence_nodes": (frozenset({"draft"}), None),
}
# What POST /campaigns takes besides type and name (create-campaign page).
CREATE_FIELDS = ("sender_account_ids", "skip_other_campaigns", "operating_hours", "daily_limit",
                 "stop_on_reply", "open_tracking", "signature")

DEMO_SENDERS: tuple[dict[str, Any], ...] = (
    {"id": "5e4de000-0000-4000-8000-000000000001", "type": "email", "first_name": "Ada",
     "last_name": "Lovelace", "email": "ada@demo.puffle.test", "status": "active"},
    {"id": "5e4de000-0000-4000-8000-000000000002", "type": "email", "first_name": "Grace",
     "last_name": "Hopper", "email": "grace@demo.puffle.test", "status": "active"},
    {"id": "5e4d1000-0000-4000-8000-000000000001", "type": "linkedin", "first_name": "Alan",
     "last_name": "Turing", "status": "connected", "is_premium": False},
    {"id": "5e4d1000-0000-4000-8000-000000000002", "type": "linkedin", "first_name": "Katherine",
     "last_name": "Johnson", "status": "connected", "is_premium": True},
)


class _Fail(Exception):
    """An API error: raised anywhere in a request, it rolls the request's writes back."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra

    def response(self) -> Response:
        return Response(self.status, {"error": self.message, **self.extra})


def workspace_of(key: str) -> str:
    """The store workspace of an API key (hashed: the sandbox never stores keys)."""
    return "puffle:" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _api_key(request: Request) -> str | None:
    found = _KEY.fullmatch(request.headers.get("Authorization") or "")
    return found.group(1) if found else None


def _ws(request: Request) -> str:
    key = _api_key(request)
    assert key is not None  # handle() answered 401 otherwise
    return workspace_of(key)


def _iso_ms(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


def _delay_minutes(node: dict[str, Any]) -> int:
    d, h, m = (node.get(k) or 0 for k in _DELAY_FIELDS)
    return int(d) * 1440 + int(h) * 60 + int(m)


def _body(request: Request) -> dict[str, Any]:
    try:
        data = request.json()
    except BadJson as exc:
        raise _Fail(400, "Invalid JSON body") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _Fail(400, "Request body must be a JSON object")
    return data


def _int_arg(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _Fail(400, f"{name} must be an integer {bound}")
    return value


class Emulator:
    """Puffle's campaign API over the shared sandbox store."""

    prefix = "/puffle/api"
    launch_seconds = 1.0
    require_prospects = False

    def __init__(self, store: Store) -> None:
        self.store = store
        self.router = Router()
        add = self.router.add
        add("GET", "/campaigns", self._list_campaigns)
        add("POST", "/campaigns", self._create_campaign)
        add("GET", "/campaigns/settings", self._campaign_settings)  # before /campaigns/{id}
        add("GET", "/campaigns/{id}", self._get_campaign)
        add("PATCH", "/campaigns/{id}", self._update_campaign)
        add("DELETE", "/campaigns/{id}", self._delete_campaign)
        add("GET", "/campaigns/{id}/validate", self._validate)
        add("POST", "/campaigns/{id}/launch", self._launch)
        add("POST", "/campaigns/{id}/pause", self._pause)
        add("POST", "/campaigns/{id}/resume", self._resume)
        add("GET", "/campaigns/{id}/senders", self._campaign_senders)
        add("GET", "/campaigns/{id}/leads", self._list_prospects)
        add("POST", "/campaigns/{id}/leads", self._add_prospects)
        add("DELETE", "/campaigns/{id}/leads", self._delete_prospects)
        add("POST", "/campaigns/{id}/sequence/nodes", self._add_node)
        add("PATCH", "/campaigns/{id}/sequence/nodes", self._move_node)
        add("DELETE", "/campaigns/{id}/sequence/nodes", self._delete_node)
        add("PUT", "/campaigns/{id}/sequence/nodes/{nodeId}", self._edit_node)
        add("GET", "/senders", self._list_senders)
        add("GET", "/senders/{id}", self._get_sender)
        add("GET", "/settings", self._get_settings)
        add("PUT", "/settings", self._put_settings)

    def handle(self, request: Request) -> Response:
        handler, params, exists = self.router.match(request.method, request.path)
        if handler is None:
            return _Fail(405, "Method not allowed").response() if exists else \
                _Fail(404, "Not found").response()
        if _api_key(request) is None:
            return _Fail(401, "Unauthorized: send Authorization: Bearer pk_live_… (or "
                              "pk_test_…)").response()
        request.params = params
        try:
            with self.store.transaction():
                self._seed(_ws(request))
                return handler(request)
        except _Fail as fail:
            return fail.response()

    # -- simulated time ------------------------------------------------------------------------

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
        spaces = [workspace] if workspace else [
            w for w in self.store.workspaces() if w.startswith("puffle:")]
        return [{"provider": "puffle", "workspace": ws, **event}
                for ws in spaces for event in self.store.list(ws, "event")]

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
            self.store.put(ws, "event", event_id, {
                "id": event_id, "at": prospect["updated_at"], "campaign_id": campaign["id"],
                "prospect_id": prospect["id"], "node_id": prospect["current_node_id"],
                "type": prospect["status"]})
        return steps

    # -- workspace, campaigns, revisions -------------------------------------------------------

    def _seed(self, ws: str) -> None:
        if self.store.get(ws, "settings", "workspace") is not None:
            return
        self.store.put(ws, "settings", "workspace", {
            "user_id": uuid4(), "timezone": "UTC", "allow_warming_accounts": False})
        for demo in DEMO_SENDERS:
            linkedin = demo["type"] == "linkedin"
            name = f"{demo['first_name']} {demo['last_name']}"
            self.store.put(ws, "sender", demo["id"], {
                "id": demo["id"], "type": demo["type"], "name": name, "display_name": name,
                "first_name": demo["first_name"], "last_name": demo["last_name"],
                "email": demo.get("email"), "email_address": demo.get("email"),
                "provider_account_id": f"{demo['type']}-{demo['id'][-4:]}",
                "status": demo["status"], "daily_limit": 30,
                "weekly_connection_limit": (100 if demo.get("is_premium") else 80)
                if linkedin else None,
                "weekly_message_limit": (150 if demo.get("is_premium") else 100)
                if linkedin else None,
                "is_premium": demo.get("is_premium", False) if linkedin else None,
            })

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
        if campaign["status"] == "launching" and \
                self.store.now() >= campaign["_launch_ts"] + self.launch_seconds:
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

    def _public(self, ws: str, campaign: dict[str, Any], *, nodes: bool = False
                ) -> dict[str, Any]:
        out = {k: v for k, v in campaign.items() if not k.startswith("_")}
        prospects = self._prospects(ws, campaign)
        counts = {s: 0 for s in PROSPECT_STATUSES}
        for p in prospects:
            counts[p["status"]] = counts.get(p["status"], 0) + 1
        out["stats"] = {
            "total": len(prospects),
            **{s: counts[s] for s in ("sent", "replied", "bounced", "completed", "timed_out",
                                      "connection_sent", "connected", "message_sent")},
            "contacted": len(prospects) - counts[PENDING],
        }
        known = self._senders(ws)
        out["sender_accounts"] = [known[i] for i in campaign["_senders"] if i in known]
        if nodes:
            out["sequence_nodes"] = self._public_nodes(campaign)
        return out

    @staticmethod
    def _public_nodes(campaign: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"id": n["id"], "campaign_id": campaign["id"], "position": i,
                 **{k: v for k, v in n.items() if k != "id"}}
                for i, n in enumerate(campaign["_nodes"])]

    # -- campaigns -----------------------------------------------------------------------------

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
        errors = self._field_errors(given, ctype, [])
        if errors:
            raise _Fail(400, "; ".join(errors))
        if not any(s["type"] == ctype and s["status"] in READY_SENDER[ctype]
                   for s in self._senders(ws).values()):
            raise _Fail(400, f"You need at least one connected {ctype} sender account")
        now_ms = int(self.store.now() * 1000)
        email = ctype == "email"
        campaign: dict[str, Any] = {
            "id": uuid4(),
            "user_id": (self.store.get(ws, "settings", "workspace") or {}).get("user_id"),
            "type": ctype, "name": body["name"], "status": "draft",
            "daily_limit": 50 if email else None,
            "stop_on_reply": True if email else None,
            "open_tracking": True if email else None,
            "signature": None,
            "skip_other_campaigns": None if email else False,
            "operating_hours": None,
            "account_limits": [] if email else None,
            "created_at": _iso_ms(now_ms), "updated_at": _iso_ms(now_ms), "launched_at": None,
            "_senders": [], "_launch_ts": None, "_rev_ms": now_ms,
            "_nodes": [
                {"id": uuid4(), "type": "email", "subject": "", "body": ""} if email else
                {"id": uuid4(), "type": "connection_request", "body": "",
                 "include_message": False},
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
        return Response(200, {
            "campaign": self._public(ws, campaign),
            "sequence_nodes": self._public_nodes(campaign),
            "prospects_by_status": by_status,
            "prospects_by_node": by_node,
        })

    def _update_campaign(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        body = _body(request)
        given = {k: body[k] for k in PATCH_TABLE if k in body}
        # Validate everything first: a bad value fails the whole PATCH, whatever would be
        # applied, so there is never a partial write.
        errors = self._field_errors(given, campaign["type"], campaign["_nodes"])
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
            if (statuses is not None and campaign["status"] not in statuses) or \
                    (only is not None and campaign["type"] != only):
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
                    {"account_id": k, "daily_limit": v} for k, v in merged.items()]
            else:
                campaign[field] = value

    def _checked_senders(self, ws: str, ctype: str, ids: list[str]) -> list[str]:
        known = self._senders(ws)
        for sid in ids:
            sender = known.get(sid)
            if sender is None:
                raise _Fail(400, f"Sender account {sid} not found")
            if sender["type"] != ctype:
                raise _Fail(400, f"Sender account {sid} is a {sender['type']} account; this "
                                 f"is a {ctype} campaign")
        return list(dict.fromkeys(ids))

    @staticmethod
    def _replace_nodes(old: list[dict[str, Any]], new: list[dict[str, Any]]
                       ) -> list[dict[str, Any]]:
        existing = {n["id"]: n for n in old}
        out: list[dict[str, Any]] = []
        used: set[str] = set()
        for node in new:
            before = existing.get(node.get("id") or "")
            ntype = node.get("type") or (before["type"] if before else "")
            keep = before is not None and before["type"] == ntype and before["id"] not in used
            record: dict[str, Any] = {"id": before["id"] if keep and before else uuid4(),
                                      "type": ntype}
            record.update({k: node[k] for k in NODE_FIELDS[ntype] if k in node})
            used.add(record["id"])
            out.append(record)
        return out

    def _field_errors(self, given: dict[str, Any], ctype: str,
                      nodes: list[dict[str, Any]]) -> list[str]:
        errors: list[str] = []
        if "name" in given and not (isinstance(given["name"], str) and given["name"]):
            errors.append("name must be a string of at least 1 character")
        if "operating_hours" in given and not isinstance(given["operating_hours"],
                                                          (dict, type(None))):
            errors.append("operating_hours must be an object")
        low, high = DAILY_LIMIT
        if "daily_limit" in given and not (
                _is_int(given["daily_limit"]) and low <= given["daily_limit"] <= high):
            errors.append(f"daily_limit must be an integer between {low} and {high}")
        for flag in ("skip_other_campaigns", "stop_on_reply", "open_tracking"):
            if flag in given and not isinstance(given[flag], bool):
                errors.append(f"{flag} must be a boolean")
        if "signature" in given and not isinstance(given["signature"], (str, type(None))):
            errors.append("signature must be a string")
        if "sender_account_ids" in given:
            ids = given["sender_account_ids"]
            if not isinstance(ids, list) or not all(_is_uuid(i) for i in ids):
                errors.append("sender_account_ids must be an array of UUIDs")
        if "account_limits" in given:
            errors += _account_limit_errors(given["account_limits"])
        if "sequence_nodes" in given:
            errors += _sequence_errors(given["sequence_nodes"], ctype, nodes)
        return errors

    def _delete_campaign(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        for p in self._prospects(ws, campaign):
            self.store.delete(ws, f"prospect:{campaign['id']}", p["id"])
        self.store.delete(ws, "campaign", campaign["id"])
        return Response(200, {"success": True})

    # -- lifecycle -----------------------------------------------------------------------------

    def _readiness(self, ws: str, campaign: dict[str, Any]) -> dict[str, Any]:
        status, ctype = campaign["status"], campaign["type"]
        checks: dict[str, Any] = {
            "is_draft": status == "draft", "has_sender_accounts": False,
            "sender_accounts_ready": False, "has_prospects": False, "prospect_count": 0,
            "has_sendable_nodes": False, "all_nodes_have_content": False,
            "messages_generated": False, "message_count": 0,
        }
        if status != "draft":  # the docs: the other checks are skipped
            return {"ready": False, "checks": checks,
                    "errors": [f"Campaign is {status} — must be draft to launch"], "warnings": []}
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
                "Campaign has no pending prospects")
        nodes = campaign["_nodes"]
        sending = [i for i, n in enumerate(nodes) if n["type"] in SENDING_NODES]
        checks["has_sendable_nodes"] = bool(sending)
        if not sending:
            errors.append("Sequence has no sendable nodes")
        empty = [i for i in sending if not _has_content(nodes[i])]
        checks["all_nodes_have_content"] = bool(sending) and not empty
        if empty:
            errors.append("Sequence nodes missing content at positions "
                          + ", ".join(str(i) for i in empty))
        ends = [i for i, n in enumerate(nodes) if n["type"] == "end"]
        if ends != [len(nodes) - 1]:
            errors.append("Sequence must have exactly one end node, as its last node")
        for i, node in enumerate(nodes):
            if node["type"] == "delay" and not (
                    MIN_DELAY_MINUTES <= _delay_minutes(node) <= MAX_DELAY_MINUTES):
                errors.append(f"Delay at position {i} must total at least 1 minute and at most "
                              "30 days")
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
            raise _Fail(409, "A launch is already in progress (started within the last 2 "
                             "minutes)")
        if campaign["status"] != "draft":
            raise _Fail(400, f"Campaign is {campaign['status']} — must be draft to launch")
        report = self._readiness(ws, campaign)
        if not report["ready"]:
            raise _Fail(400, "Campaign is not ready to launch: " + "; ".join(report["errors"]),
                        errors=report["errors"], warnings=report["warnings"])
        campaign.update(status="launching", _launch_ts=now, launched_at=self.store.iso_now())
        self._save(ws, campaign)
        out: dict[str, Any] = {
            "success": True, "message": "Campaign launch started",
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

    # -- prospects -----------------------------------------------------------------------------

    def _list_prospects(self, request: Request) -> Response:
        ws, campaign = self._load(request)
        page = _int_arg(request, "page", 1, 1, None)
        limit = _int_arg(request, "limit", DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT)
        status = request.arg("status")
        if status and status not in PROSPECT_STATUSES:
            raise _Fail(400, f"status must be one of: {', '.join(PROSPECT_STATUSES)}")
        rows = [p for p in self._prospects(ws, campaign) if not status or p["status"] == status]
        chunk = rows[(page - 1) * limit: page * limit]
        return Response(200, {
            "prospects": [{k: v for k, v in p.items() if not k.startswith("_")} for p in chunk],
            "total": len(rows), "page": page, "limit": limit,
        })

    def _roster_open(self, campaign: dict[str, Any]) -> None:
        if campaign["status"] != "draft":
            raise _Fail(400, f"Campaign is {campaign['status']} — prospects can only change "
                             "while it is draft")

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
            self.store.put(ws, f"prospect:{campaign['id']}", pid, {
                "id": pid, "campaign_id": campaign["id"], "user_id": user_id,
                "status": PENDING, "email": None, "linkedin_url": None,
                **{k: None for k in _PROSPECT_TEXT}, "custom_fields": None,
                **fields,
                "name": f"{first} {last}" if first and last else (first or last),
                "source": "api", "source_ref": None, "created_at": now, "updated_at": now,
                "bounced_at": None, "replied_at": None, "current_node_id": None,
                "_node_ts": None,
            })
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
            if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_DELETE or \
                    not all(_is_uuid(i) for i in ids):
                raise _Fail(400, f"Send prospect_ids (1 to {MAX_DELETE} UUIDs) or all: true")
        deleted = sum(self.store.delete(ws, kind, pid) for pid in dict.fromkeys(ids))
        if deleted:
            self._save(ws, campaign)
        return Response(200, {"deleted": deleted})

    # -- sequence nodes ------------------------------------------------------------------------

    def _open_sequence(self, request: Request) -> tuple[str, dict[str, Any]]:
        ws, campaign = self._load(request)
        if campaign["status"] != "draft":
            raise _Fail(400, f"Campaign is {campaign['status']} — the sequence can only change "
                             "while it is draft")
        return ws, campaign

    def _find_node(self, campaign: dict[str, Any], node_id: Any) -> int:
        if not _is_uuid(node_id):
            raise _Fail(400, "nodeId must be a UUID")
        for i, node in enumerate(campaign["_nodes"]):
            if node["id"] == node_id:
                return i
        raise _Fail(404, "Node not found")

    def _nodes_response(self, ws: str, campaign: dict[str, Any]) -> Response:
        self._save(ws, campaign)
        return Response(200, {"sequence_nodes": self._public_nodes(campaign)})

    def _add_node(self, request: Request) -> Response:
        ws, campaign = self._open_sequence(request)
        body = _body(request)
        ntype = body.get("type")
        if ntype not in NODE_FIELDS:
            raise _Fail(400, f"type must be one of: {', '.join(NODE_FIELDS)}")
        errors = _node_errors("", body, ntype, campaign["type"], check_delay=False)
        position = body.get("position")
        if position is not None and not (_is_int(position) and position >= 0):
            errors.append("position must be a non-negative integer")
        if errors:
            raise _Fail(400, "; ".join(errors))
        nodes = campaign["_nodes"]
        if position is None:  # the docs: right before the terminal end node
            ends = [i for i, n in enumerate(nodes) if n["type"] == "end"]
            position = ends[-1] if ends else len(nodes)
        node = {"id": uuid4(), "type": ntype,
                **{k: body[k] for k in NODE_FIELDS[ntype] if k in body}}
        nodes.insert(min(position, len(nodes)), node)
        return self._nodes_response(ws, campaign)

    def _move_node(self, request: Request) -> Response:
        ws, campaign = self._open_sequence(request)
        body = _body(request)
        to = body.get("toPosition")
        if not (_is_int(to) and to >= 0):
            raise _Fail(400, "toPosition must be a non-negative integer")
        nodes = campaign["_nodes"]
        node = nodes.pop(self._find_node(campaign, body.get("nodeId")))
        nodes.insert(min(to, len(nodes)), node)
        return self._nodes_response(ws, campaign)

    def _delete_node(self, request: Request) -> Response:
        ws, campaign = self._open_sequence(request)
        campaign["_nodes"].pop(self._find_node(campaign, _body(request).get("nodeId")))
        return self._nodes_response(ws, campaign)

    def _edit_node(self, request: Request) -> Response:
        ws, campaign = self._open_sequence(request)
        node = campaign["_nodes"][self._find_node(campaign, request.params["nodeId"])]
        body = _body(request)
        errors = _node_errors("", body, node["type"], campaign["type"], check_delay=False)
        if errors:
            raise _Fail(400, "; ".join(errors))
        # type, position and campaign_id are immutable here; fields of other node types are
        # ignored (the docs: AI fields are "silently ignored unless the node type is ai").
        for key in NODE_FIELDS[node["type"]]:
            if key not in body:
                continue
            if key == "ai_node" and isinstance(node.get("ai_node"), dict) and body[key]:
                node["ai_node"] = {**node["ai_node"], **body[key]}
            else:
                node[key] = body[key]
        self._save(ws, campaign)
        position = campaign["_nodes"].index(node)
        return Response(200, {"node": self._public_nodes(campaign)[position]})

    # -- senders and settings ------------------------------------------------------------------

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
            accounts.append({
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
            })
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


# -- validation helpers -------------------------------------------------------------------------


def _account_limit_errors(limits: Any) -> list[str]:
    if not isinstance(limits, list):
        return ["account_limits must be an array"]
    errors = []
    if len(limits) > MAX_ACCOUNT_LIMITS:
        errors.append(f"account_limits takes at most {MAX_ACCOUNT_LIMITS} entries")
    for i, entry in enumerate(limits):
        if not isinstance(entry, dict) or not _is_uuid(entry.get("account_id")):
            errors.append(f"account_limits[{i}].account_id must be a UUID")
        elif not (_is_int(entry.get("daily_limit")) and entry["daily_limit"] >= 1):
            errors.append(f"account_limits[{i}].daily_limit must be an integer of at least 1")
    return errors


def _sequence_errors(nodes: Any, ctype: str, current: list[dict[str, Any]]) -> list[str]:
    if not isinstance(nodes, list):
        return ["sequence_nodes must be an array"]
    types = {n["id"]: n["type"] for n in current}
    errors: list[str] = []
    for i, node in enumerate(nodes):
        where = f"sequence_nodes[{i}]"
        if not isinstance(node, dict):
            errors.append(f"{where} must be an object")
            continue
        if "id" in node and not _is_uuid(node["id"]):
            errors.append(f"{where}.id must be a UUID")
        ntype = node.get("type", types.get(node.get("id") or ""))
        if ntype is None:
            errors.append(f"{where}.type is required for a new node")
        elif ntype not in NODE_FIELDS:
            errors.append(f"{where}.type must be one of: {', '.join(NODE_FIELDS)}")
        else:
            errors += _node_errors(where, node, ntype, ctype, check_delay=True)
    return errors


def _node_errors(where: str, node: dict[str, Any], ntype: str, ctype: str, *,
                 check_delay: bool) -> list[str]:
    """Type errors in a node's fields; the channel fit of its type; its delay total if asked
    (PATCH checks delays before writing, the node endpoints leave them to launch)."""
    at = f"{where}." if where else ""
    errors = []
    if ntype not in CHANNEL_NODES[ctype]:
        errors.append(f"{at}type: {ntype} nodes do not belong in a {ctype} campaign")
    for key in _STRING_FIELDS:
        if key in node and not isinstance(node[key], (str, type(None))):
            errors.append(f"{at}{key} must be a string")
    for key in _BOOL_FIELDS:
        if key in node and not isinstance(node[key], bool):
            errors.append(f"{at}{key} must be a boolean")
    bad_delay = False
    for key in _DELAY_FIELDS:
        if key in node and not (node[key] is None or (_is_int(node[key]) and node[key] >= 0)):
            errors.append(f"{at}{key} must be a non-negative integer")
            bad_delay = True
    if "ai_node" in node:
        ai = node["ai_node"]
        if not isinstance(ai, (dict, type(None))) or (isinstance(ai, dict) and not all(
                isinstance(ai.get(k), (str, type(None))) for k in ("purpose", "output_type"))):
            errors.append(f"{at}ai_node must be an object with string purpose and output_type")
    if "attachments" in node and not isinstance(node["attachments"], (list, type(None))):
        errors.append(f"{at}attachments must be an array")
    if check_delay and ntype == "delay" and not bad_delay:
        total = _delay_minutes(node)
        if not MIN_DELAY_MINUTES <= total <= MAX_DELAY_MINUTES:
            errors.append(f"{where or 'node'}: delay must total at least 1 minute and at most "
                          f"30 days across delay_days, delay_hours and delay_minutes (got "
                          f"{total} minutes)")
    return errors


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
        if here is not None and here["type"] == "delay" and \
                now < prospect["_node_ts"] + _delay_minutes(here) * 60:
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


def _is_timezone(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        ZoneInfo(value)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


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


def _prospect_fields(index: int, row: Any, ctype: str) -> dict[str, Any]:
    """The stored fields of one prospect to add; 400 naming the index when it is unusable."""
    if not isinstance(row, dict):
        raise _Fail(400, f"prospects[{index}] must be an object")
    out: dict[str, Any] = {}
    for key in _PROSPECT_TEXT:
        if key in row:
            if not isinstance(row[key], (str, type(None))):
                raise _Fail(400, f"prospects[{index}].{key} must be a string")
            out[key] = row[key]
    if "custom_fields" in row:
        if not isinstance(row["custom_fields"], (dict, type(None))):
            raise _Fail(400, f"prospects[{index}].custom_fields must be an object")
        out["custom_fields"] = row["custom_fields"]
    email, url = (row.get(k) for k in ("email", "linkedin_url"))
    email = email.strip() if isinstance(email, str) else ""
    url = url.strip() if isinstance(url, str) else ""
    email_ok, url_ok = _EMAIL.fullmatch(email) is not None, "linkedin.com" in url
    if ctype == "email" and not email_ok:
        raise _Fail(400, f"prospects[{index}]: email is required for email campaigns")
    if ctype == "linkedin" and not url_ok:
        raise _Fail(400, f"prospects[{index}]: linkedin_url is required for LinkedIn campaigns")
    # The other channel's identity is kept when it is valid, as the docs say.
    if email_ok:
        out["email"] = email.lower()
    if url_ok:
        out["linkedin_url"] = _normal_url(url)
    return out


def _normal_url(url: str) -> str:
    """LinkedIn URL identity: no query string (or fragment), no trailing slash."""
    return re.split(r"[?#]", url.strip(), maxsplit=1)[0].rstrip("/")


def _identity(prospect: dict[str, Any], key: str) -> str:
    value = prospect.get(key) or ""
    return value.lower() if key == "email" else _normal_url(value)
