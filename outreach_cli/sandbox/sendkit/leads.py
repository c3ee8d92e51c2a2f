"""The campaign lead endpoints: list, add, bulk actions, and the lead PATCH (status, aiTag)."""

from __future__ import annotations

from typing import Any

from ..web import Request, Response
from .constants import (
    ADD_LEAD_FILTER_KEYS,
    ADD_LEADS_KEYS,
    EMAIL,
    LEAD_ACTION_FILTER_KEYS,
    LEAD_ACTION_KEYS,
    LEAD_ACTIONS,
    LEAD_ENTRY_FIELDS,
    LEAD_PATCH_KEYS,
    LEAD_SETTABLE_STATUSES,
    LEAD_STATUSES,
    LEAD_TERMINAL_STATUSES,
    MAX_LEADS_PER_ADD,
)
from .enrollment import Enrollment
from .envelope import _Ctx, _ok, _page_args, _pagination
from .errors import INVALID_STATUS, INVALID_TAG, ApiError, _invalid, _not_found
from .ids import _iso
from .sending import Sending
from .validation import _check_keys, _json_object, _v_bool, _v_str, _v_str_list


class LeadHandlers(Enrollment, Sending):
    """`/campaigns/{campaign_id}/leads[/action|/{lead_id}]`."""

    # -- campaign leads ----------------------------------------------------------------------------

    def _list_campaign_leads(self, ctx: _Ctx, req: Request) -> Response:
        campaign = self._campaign(ctx.workspace, req.params["campaign_id"])
        status = req.arg("status")
        if status is not None and status not in LEAD_STATUSES:
            raise _invalid("status", "must be one of " + ", ".join(LEAD_STATUSES))
        limit, cursor = _page_args(req)
        match = {"campaignId": campaign["_id"], **({"status": status} if status else {})}
        # One page from the index, as _paginate would cut it from the sorted whole.
        rows, total = self.store.page(
            ctx.workspace, "campaign_lead", match, after=cursor, limit=limit + 1
        )
        page = rows[:limit]
        return _ok(
            [self._read_campaign_lead(ctx.workspace, cl, campaign) for cl in page],
            pagination=_pagination(page, total, limit, len(rows) > limit),
        )

    def _add_campaign_leads(self, ctx: _Ctx, req: Request) -> Response:
        campaign = self._campaign(ctx.workspace, req.params["campaign_id"])
        body = _json_object(req)
        _check_keys(body, ADD_LEADS_KEYS)
        modes = [m for m in ("leads", "filters", "selectAll") if m in body]
        if len(modes) != 1:
            raise _invalid("body", "use exactly one of leads, filters or selectAll")
        ws = ctx.workspace
        existing = {cl["leadId"] for cl in self._campaign_leads(ws, campaign["_id"])}
        errors: list[dict[str, Any]] = []
        skipped = 0
        targets: list[str] = []
        if modes[0] == "leads":
            entries = body["leads"]
            if not isinstance(entries, list):
                raise _invalid("leads", "must be an array")
            if len(entries) > MAX_LEADS_PER_ADD:
                raise _invalid("leads", f"at most {MAX_LEADS_PER_ADD} leads per request")
            by_email = {lead["email"]: lead for lead in self.store.list(ws, "lead")}
            for entry in entries:
                lead_id, message = self._lead_for_entry(ws, entry, by_email)
                if lead_id is None:
                    errors.append({"entry": entry, "message": message})
                else:
                    targets.append(lead_id)
        else:
            exclude = set(_v_str_list(body.get("excludeIds", []), "excludeIds"))
            if modes[0] == "selectAll" and body["selectAll"] is not True:
                raise _invalid("selectAll", "must be true")
            filters = body.get("filters", {})
            leads = self.store.list(ws, "lead")
            targets = [
                lead["_id"] for lead in _filter_leads(leads, filters) if lead["_id"] not in exclude
            ]
        added = 0
        now = self.store.now()
        stamp = _iso(now)
        for lead_id in targets:
            if lead_id in existing:  # "Leads already in the campaign are skipped"
                skipped += 1
                continue
            existing.add(lead_id)
            active = campaign["status"] == "active"
            clid = self._new_id()
            self.store.put(
                ws,
                "campaign_lead",
                clid,
                {
                    "_id": clid,
                    "campaignId": campaign["_id"],
                    "leadId": lead_id,
                    "status": "active" if active else "pending",
                    "aiTag": None,
                    "currentSequenceStep": 0,
                    "subsequence": None,
                    "replied": False,
                    "emailsSent": 0,
                    "addedAt": stamp,
                    "nextAt": now if active else None,
                },
            )
            added += 1
        return _ok({"added": added, "skipped": skipped, "errors": errors})

    def _lead_for_entry(
        self,
        ws: str,
        entry: Any,
        by_email: dict[str, dict[str, Any]],
    ) -> tuple[str | None, str]:
        """The workspace lead an entry of `leads[]` names; an unknown email creates one."""
        if not isinstance(entry, dict):
            return None, "each entry must be an object with leadId or email"
        if "leadId" in entry:
            lead_id = entry["leadId"]
            if not isinstance(lead_id, str) or self.store.get(ws, "lead", lead_id) is None:
                return None, f"lead {lead_id} not found"
            return lead_id, ""
        email = entry.get("email")
        if not isinstance(email, str) or not EMAIL.match(email.strip()):
            return None, "each entry needs a leadId or a valid email"
        email = email.strip().lower()
        if email not in by_email:
            fields = {k: entry[k] for k in LEAD_ENTRY_FIELDS if k in entry}
            by_email[email] = self._create_lead(ws, {"email": email, **fields})
        return by_email[email]["_id"], ""

    def _lead_action(self, ctx: _Ctx, req: Request) -> Response:
        campaign = self._campaign(ctx.workspace, req.params["campaign_id"])
        body = _json_object(req)
        _check_keys(body, LEAD_ACTION_KEYS)
        action = body.get("action")
        if action not in LEAD_ACTIONS:
            raise _invalid("action", "must be one of " + ", ".join(LEAD_ACTIONS))
        if ("leadIds" in body) == (body.get("selectAll") is True):
            raise _invalid("body", "select leads with leadIds or with selectAll: true")
        rows = self._campaign_leads(ctx.workspace, campaign["_id"])
        if "leadIds" in body:
            wanted = set(_v_str_list(body["leadIds"], "leadIds"))
            rows = [cl for cl in rows if cl["_id"] in wanted]
        else:
            filters = body.get("filters", {})
            if not isinstance(filters, dict):
                raise _invalid("filters", "must be an object")
            _check_keys(filters, LEAD_ACTION_FILTER_KEYS, "filters.")
            exclude = set(_v_str_list(body.get("excludeIds", []), "excludeIds"))
            rows = [
                cl
                for cl in rows
                if cl["_id"] not in exclude and all(cl.get(k) == v for k, v in filters.items())
            ]
        modified = 0
        for cl in rows:
            if action == "pause" and cl["status"] in ("pending", "active"):
                cl["status"] = "paused"
            elif action == "resume" and cl["status"] == "paused":
                cl["status"] = "active" if campaign["status"] == "active" else "pending"
            elif action == "remove" and cl["emailsSent"] == 0:
                # "remove hard-deletes leads with no email sent; the others become removed"
                self.store.delete(ctx.workspace, "campaign_lead", cl["_id"])
                modified += 1
                continue
            elif action == "remove" and cl["status"] != "removed":
                cl.update(status="removed", nextAt=None)
            else:
                continue
            self.store.put(ctx.workspace, "campaign_lead", cl["_id"], cl)
            modified += 1
        return _ok({"action": action, "modifiedCount": modified})

    def _update_campaign_lead(self, ctx: _Ctx, req: Request) -> Response:
        ws = ctx.workspace
        campaign = self._campaign(ws, req.params["campaign_id"])
        cl = self.store.get(ws, "campaign_lead", req.params["lead_id"])
        if cl is None or cl["campaignId"] != campaign["_id"]:
            raise _not_found("Campaign lead")
        body = _json_object(req)
        _check_keys(body, LEAD_PATCH_KEYS)
        if not body:
            raise _invalid("body", "send status and/or aiTag")
        status = body.get("status")
        if "status" in body:
            if status not in LEAD_SETTABLE_STATUSES:
                raise _invalid("status", "can only be set to 'active' or 'paused'")
            if cl["status"] in LEAD_TERMINAL_STATUSES and status != cl["status"]:
                raise ApiError(
                    400,
                    INVALID_STATUS,
                    f"outreach's rule (the docs are silent): a {cl['status']} "
                    f"campaign lead cannot be set to {status}: mail to a bounced "
                    "address or to a person who unsubscribed must not resume",
                )
        tag: str | None = None
        if "aiTag" in body and body["aiTag"] is not None:
            wanted = body["aiTag"]
            labels = self._workspace(ws)["labels"]
            # "must match an existing tag name": matched ignoring case (tag names are unique
            # ignoring case, per the tags pages) and stored as the label's own spelling.
            found = next(
                (
                    lb["name"]
                    for lb in labels
                    if isinstance(wanted, str)
                    and lb["name"].casefold() == wanted.strip().casefold()
                ),
                None,
            )
            if found is None:
                raise ApiError(400, INVALID_TAG, f'Tag "{wanted}" does not exist in workspace')
            tag = found
        # -- validated; now write
        now = self.store.now()
        if "status" in body and status != cl["status"]:
            cl["status"] = status
            if status == "active" and cl.get("nextAt") is None:
                cl["nextAt"] = now
        enrollment = None
        if "aiTag" in body:
            previous = cl["aiTag"]
            cl["aiTag"] = tag
            if tag != previous:
                cl["aiTaggedAt"] = _iso(now)
                self._emit(
                    ws,
                    campaign,
                    "lead.tag_changed",
                    now,
                    ctx.outbox,
                    {
                        "campaignId": campaign["_id"],
                        "campaignLeadId": cl["_id"],
                        "leadId": cl["leadId"],
                        "email": self._lead_email(ws, cl["leadId"]),
                        "previousTag": previous,
                        "newTag": tag,
                    },
                )
            enrollment = self._apply_tag_to_subsequences(ws, campaign, cl, tag, now)
        self.store.put(ws, "campaign_lead", cl["_id"], cl)
        # `subsequenceEnrollment` sits beside `data`, and only when something happened.
        extra = {"subsequenceEnrollment": enrollment} if enrollment else None
        return _ok(self._read_campaign_lead(ws, cl, campaign), extra=extra)


def _filter_leads(leads: list[dict[str, Any]], filters: Any) -> list[dict[str, Any]]:
    """The `filters` mode of adding leads. The docs name what it can match (tags, search text,
    email verification, country, lead ids) but not the keys; these keys are this emulator's."""
    if not isinstance(filters, dict):
        raise _invalid("filters", "must be an object")
    _check_keys(filters, ADD_LEAD_FILTER_KEYS, "filters.")
    out = leads
    if "search" in filters:
        text = _v_str()(filters["search"], "filters.search").casefold()
        out = [
            lead
            for lead in out
            if any(
                text in str(lead.get(k) or "").casefold()
                for k in ("email", "firstName", "lastName", "companyName")
            )
        ]
    if "tags" in filters:
        tags = set(_v_str_list(filters["tags"], "filters.tags"))
        out = [lead for lead in out if tags & set(lead.get("tags") or [])]
    if "leadIds" in filters:
        ids = set(_v_str_list(filters["leadIds"], "filters.leadIds"))
        out = [lead for lead in out if lead["_id"] in ids]
    if "emailVerified" in filters:
        verified = _v_bool(filters["emailVerified"], "filters.emailVerified")
        out = [lead for lead in out if bool(lead.get("emailVerified")) == verified]
    if "country" in filters:
        country = _v_str()(filters["country"], "filters.country").upper()
        out = [lead for lead in out if (lead.get("country") or "").upper() == country]
    return out
