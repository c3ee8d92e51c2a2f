"""lemlist campaign leads: CSV columns, one lead per add (409 when already there), the list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...errors import ApiError
from ...leads.records import Batch, Lead, LeadRow, RowResult
from ...urlpath import seg
from ..leadops import LeadOps

if TYPE_CHECKING:
    from .adapter import Lemlist


PAGE_LIMIT = 500  # GET /campaigns/{id}/leads/: limit max 500


class LemlistLeads(LeadOps):
    provider: Lemlist

    # lemlist adds one lead per call; every other column is a custom variable (a string).
    columns = (
        "email",
        "firstName",
        "lastName",
        "companyName",
        "jobTitle",
        "linkedinUrl",
        "phone",
        "companyDomain",
        "icebreaker",
        "timezone",
    )
    aliases = {"company": "companyName", "title": "jobTitle", "linkedin": "linkedinUrl"}
    extra = None
    identity_columns = ("email", "linkedinUrl")
    batch = 1  # POST /campaigns/{id}/leads/ takes one lead

    def row_problem(self, fields: dict[str, str], ctype: str | None) -> str:
        return (
            ""
            if fields.get("email") or fields.get("linkedinUrl")
            else "needs an email or a linkedinUrl"
        )

    def to_lead(self, item: dict[str, Any]) -> Lead:
        # lemlist's campaign-leads list answers `[{_id, contactId, state}]` only.
        extras = {k: v for k, v in item.items() if k not in ("_id", "state", "email")}
        return Lead(
            str(item.get("_id") or ""),
            item.get("email"),
            str(item.get("state") or ""),
            None,
            None,
            None,
            extras,
        )

    def list_records(self, campaign_id: str, status: str | None) -> Iterator[dict[str, Any]]:
        """`{_id, contactId, state}` of each lead of the campaign, a page at a time (`status`
        filters on `state`). No offset is documented for this list: `offset` is sent anyway,
        and the loop ends on a short page or on a page holding nothing new (a server that
        ignores it). Only the ids seen are kept, not the records."""
        seen: set[str] = set()
        offset = 0
        while True:
            params: dict[str, Any] = {"limit": PAGE_LIMIT, "offset": offset}
            if status:
                params["state"] = status
            data = self.provider.client.get(
                f"/campaigns/{seg(campaign_id)}/leads/", params=params
            ).data
            items = [x for x in data if isinstance(x, dict)] if isinstance(data, list) else []
            fresh = [x for x in items if str(x.get("_id")) not in seen]
            seen.update(str(x.get("_id")) for x in fresh)
            yield from fresh
            if len(items) < PAGE_LIMIT or not fresh:
                return
            offset += PAGE_LIMIT

    def add_one(self, campaign_id: str, lead: dict[str, Any]) -> dict[str, Any]:
        """Add one lead (email, firstName, … and custom variables as strings). A lead already
        in the campaign answers 409, so a repeat after a lost answer is safe."""
        reply = self.provider.client.post(
            f"/campaigns/{seg(campaign_id)}/leads/", json=lead, retry=True
        )
        return reply.data if isinstance(reply.data, dict) else {}

    def send(self, campaign_id: str, batch: list[LeadRow]) -> Batch:
        out = Batch()
        for r in batch:
            out.requests += 1
            try:
                self.add_one(campaign_id, self.entry(r))
            except ApiError as exc:
                if exc.status == 409:  # "Lead already in the campaign"
                    out.skipped += 1
                    out.rows.append(RowResult(r.line, r.identity, "skipped", exc.detail))
                    continue
                if exc.status >= 500 or exc.status in (401, 403, 429):
                    raise
                out.rows.append(RowResult(r.line, r.identity, "failed", exc.detail))
                continue
            out.added += 1
            out.rows.append(RowResult(r.line, r.identity, "added"))
        return out
