"""Puffle prospects: CSV columns, the batch add that names its bad row, the prospects list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...errors import ApiError
from ...leads.records import Batch, Lead, LeadRow, settle
from ...urlpath import seg
from ..leadops import LeadOps

if TYPE_CHECKING:
    from .adapter import Puffle

ROW_ERROR = re.compile(r"prospects\[(\d+)\]")


class PuffleLeads(LeadOps):
    provider: Puffle

    columns = (
        "email",
        "linkedin_url",
        "first_name",
        "last_name",
        "company",
        "position",
        "headline",
    )
    aliases = {
        "companyname": "company",
        "title": "position",
        "jobtitle": "position",
        "linkedin": "linkedin_url",
    }
    extra = "custom_fields"
    identity_columns = ("email", "linkedin_url")
    # "POST /api/campaigns/{id}/leads: 1–1000 prospects" (providers.md §3, prospect writes).
    batch = 1000
    lead_statuses = (
        "pending",
        "sent",
        "connection_sent",
        "connected",
        "message_sent",
        "replied",
        "bounced",
        "completed",
        "timed_out",
        "cancelled",
    )

    def row_problem(self, fields: dict[str, str], ctype: str | None) -> str:
        if ctype == "linkedin":
            url = fields.get("linkedin_url") or ""
            return "" if "linkedin.com" in url else "a LinkedIn campaign needs a linkedin_url"
        return "" if fields.get("email") else "an email campaign needs an email"

    def to_lead(self, item: dict[str, Any]) -> Lead:
        extras = {
            k: item.get(k) for k in ("name", "company", "linkedin_url", "replied_at", "bounced_at")
        }
        return Lead(
            str(item.get("id") or ""),
            item.get("email"),
            str(item.get("status") or ""),
            None,
            item.get("current_node_id"),
            None,
            extras,
        )

    def list_records(self, id: str, status: str | None) -> Iterator[dict[str, Any]]:
        """Each prospect of the campaign, a page at a time, until `total` have come."""
        count = 0
        page = 1
        while True:
            params: dict[str, Any] = {"page": page, "limit": 200}
            if status:
                params["status"] = status
            data = self.provider.client.get(f"/campaigns/{seg(id)}/leads", params=params).data or {}
            items = data.get("prospects") or []
            count += len(items)
            yield from items
            if not items or count >= int(data.get("total") or 0):
                return
            page += 1

    def add_batch(self, id: str, prospects: list[dict[str, Any]]) -> dict[str, Any]:
        """POST one batch (≤ batch) → `{imported, duplicates}`. Draft campaigns only.

        Safe to repeat (duplicates are dropped by email or LinkedIn URL), so a lost answer
        is retried."""
        reply = self.provider.client.post(
            f"/campaigns/{seg(id)}/leads", json={"prospects": prospects}, retry=True
        )
        return reply.data if isinstance(reply.data, dict) else {}

    def send(self, campaign_id: str, batch: list[LeadRow]) -> Batch:
        """Puffle refuses a whole batch for one bad row, naming its index: that row is
        reported and the rest sent again."""
        pending = list(batch)
        failed: dict[int, str] = {}
        requests = 0
        while pending:
            requests += 1
            try:
                answer = self.add_batch(campaign_id, [self.entry(r) for r in pending])
            except ApiError as exc:
                found = ROW_ERROR.search(exc.detail) if exc.status == 400 else None
                if found is None or int(found.group(1)) >= len(pending):
                    raise
                bad = pending.pop(int(found.group(1)))
                failed[bad.line] = exc.detail
                continue
            added = int(answer.get("imported") or 0)
            skipped = int(answer.get("duplicates") or 0)
            return Batch(added, skipped, settle(batch, failed, added, skipped), requests)
        return Batch(0, 0, settle(batch, failed, 0, 0), requests)
