"""lemlist campaign leads: CSV columns, one lead per add (409 when already there), the list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import ApiError
from ...leads.records import Batch, Lead, LeadRow, RowResult
from ..base import LeadOps

if TYPE_CHECKING:
    from .adapter import Lemlist


class LemlistLeads(LeadOps):
    provider: Lemlist

    # lemlist adds one lead per call; every other column is a custom variable (a string).
    columns = ("email", "firstName", "lastName", "companyName", "jobTitle", "linkedinUrl",
               "phone", "companyDomain", "icebreaker", "timezone")
    aliases = {"company": "companyName", "title": "jobTitle", "linkedin": "linkedinUrl"}
    extra = None
    identity_columns = ("email", "linkedinUrl")
    batch = 1

    def row_problem(self, fields: dict[str, str], ctype: str | None) -> str:
        return "" if fields.get("email") or fields.get("linkedinUrl") else \
            "needs an email or a linkedinUrl"

    def to_lead(self, item: dict[str, Any]) -> Lead:
        # lemlist's campaign-leads list answers `[{_id, contactId, state}]` only.
        extras = {k: v for k, v in item.items() if k not in ("_id", "state", "email")}
        return Lead(str(item.get("_id") or ""), item.get("email"), str(item.get("state") or ""),
                    None, None, None, extras)

    def list_records(self, campaign_id: str, status: str | None) -> list[dict[str, Any]]:
        return self.provider.list_campaign_leads(campaign_id, status)

    def send(self, campaign_id: str, batch: list[LeadRow]) -> Batch:
        out = Batch()
        for r in batch:
            out.requests += 1
            try:
                self.provider.add_campaign_lead(campaign_id, self.entry(r))
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
