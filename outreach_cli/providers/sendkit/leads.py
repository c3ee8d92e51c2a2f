"""SendKit campaign leads: CSV columns, the bulk add's answer, the lead PATCH and its outcome."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...leads.records import (
    Batch,
    Decision,
    Lead,
    LeadChange,
    LeadRow,
    LeadSubsequence,
    Outcome,
    settle,
)
from ...urlpath import seg
from ..leadops import LeadOps
from . import enrollment
from .adapter import unwrap

if TYPE_CHECKING:
    from .adapter import SendKit


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class SendKitLeads(LeadOps):
    provider: SendKit

    columns = ("email", "leadId", "firstName", "lastName", "companyName", "phone", "title")
    aliases = {"company": "companyName", "jobtitle": "title", "id": "leadId"}
    extra = "customFields"
    identity_columns = ("email", "leadId")
    # The add page: `leads` holds at most 5,000 items per request (providers.md §1).
    batch = 5000
    lead_statuses = (
        "pending",
        "active",
        "paused",
        "completed",
        "bounced",
        "unsubscribed",
        "replied",
        "removed",
    )
    # The page: "Status can only be changed to active or paused".
    settable_statuses = ("active", "paused")

    def row_problem(self, fields: dict[str, str], ctype: str | None) -> str:
        return "" if fields.get("email") or fields.get("leadId") else "needs an email or a leadId"

    def entry(self, row: LeadRow) -> dict[str, Any]:
        known = super().entry(row)
        if "leadId" in known:
            known.pop("email", None)  # "each needs leadId or email": the id names the lead
        return known

    def to_lead(self, item: dict[str, Any]) -> Lead:
        person = item.get("leadId")
        email = person.get("email") if isinstance(person, dict) else item.get("email")
        sub = item.get("subsequence")
        state = None
        if isinstance(sub, dict) and (sub.get("id") or sub.get("_id") or sub.get("subsequenceId")):
            stats: dict[str, Any] = sub["stats"] if isinstance(sub.get("stats"), dict) else {}
            sent = next(
                (
                    v
                    for v in (
                        _int(sub.get("emailsSent")),
                        _int(sub.get("sentCount")),
                        _int(stats.get("sent")),
                    )
                    if v is not None
                ),
                None,
            )
            state = LeadSubsequence(
                str(sub.get("id") or sub.get("_id") or sub.get("subsequenceId")),
                str(sub.get("name") or ""),
                str(sub.get("status") or "active"),
                sent,
                sub.get("completedAt"),
            )
        extras = {
            "leadId": person.get("_id") if isinstance(person, dict) else person,
            "emailsSent": item.get("emailsSent"),
            "replied": item.get("replied"),
            "addedAt": item.get("addedAt"),
        }
        return Lead(
            str(item.get("_id") or item.get("id") or ""),
            email,
            str(item.get("status") or ""),
            item.get("aiTag"),
            item.get("currentSequenceStep"),
            state,
            extras,
        )

    def list_records(self, campaign_id: str, status: str | None) -> Iterator[dict[str, Any]]:
        """Every campaign-lead record of the campaign, following the cursor to the end, page by
        page (a caller that keeps only what it needs of each holds one page of records)."""
        params = {"status": status} if status else {}
        yield from self.provider.pages(f"/campaigns/{seg(campaign_id)}/leads", params)

    def add_campaign_leads(self, campaign_id: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """POST one batch (≤ batch) → `{added, skipped, errors[{entry, message}]}`.

        Safe to repeat: "leads already in the campaign are skipped", so a lost answer is
        retried rather than reported as a failure."""
        reply = self.provider.client.post(
            f"/campaigns/{seg(campaign_id)}/leads", json={"leads": entries}, retry=True
        )
        data = unwrap(reply.data)
        return data if isinstance(data, dict) else {}

    def update_campaign_lead(
        self, campaign_id: str, lead_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        """PATCH one campaign lead; the whole answer (`data` and, beside it, the optional
        `subsequenceEnrollment`). Not repeated on a lost answer: a second PATCH would report
        "no change" where the first one enrolled."""
        reply = self.provider.client.patch(
            f"/campaigns/{seg(campaign_id)}/leads/{seg(lead_id)}", json=body
        )
        return reply.data if isinstance(reply.data, dict) else {}

    def send(self, campaign_id: str, batch: list[LeadRow]) -> Batch:
        answer = self.add_campaign_leads(campaign_id, [self.entry(r) for r in batch])
        by_key: dict[str, list[LeadRow]] = {}
        for r in batch:
            by_key.setdefault(r.identity.lower(), []).append(r)
        failed: dict[int, str] = {}
        for err in answer.get("errors") or []:
            ent = err.get("entry") if isinstance(err, dict) else None
            key = ""
            if isinstance(ent, dict):
                key = str(ent.get("leadId") or ent.get("email") or "").lower()
            owners = by_key.get(key) or []
            target = next((r for r in owners if r.line not in failed), None)
            message = str(err.get("message") if isinstance(err, dict) else err)
            if target is not None:
                failed[target.line] = message
        added, skipped = int(answer.get("added") or 0), int(answer.get("skipped") or 0)
        return Batch(added, skipped, settle(batch, failed, added, skipped), 1)

    # -- updates --------------------------------------------------------------------------------

    def status_refusal(self, status: str) -> str:
        if status in self.settable_statuses:
            return ""
        return (
            f"status {status!r} refused: SendKit sets a campaign lead's status only "
            "to active or paused (the others are the server's to set)"
        )

    def labels(self) -> list[str]:
        return [
            str(t.get("name"))
            for t in self.provider.list_tags()
            if isinstance(t, dict) and t.get("name")
        ]

    def decide(self, campaign_raw: dict[str, Any], lead: Lead, tag: str | None) -> Decision:
        return enrollment.decide(campaign_raw, lead, tag)

    def after(
        self, lead: Lead, change: LeadChange, tag: str | None, outcome: Outcome | None
    ) -> Lead:
        return enrollment.after(lead, change, tag, outcome)

    def update(
        self, campaign_id: str, lead_id: str, body: dict[str, Any]
    ) -> tuple[Lead, Outcome | None]:
        answer = self.update_campaign_lead(campaign_id, lead_id, body)
        data: dict[str, Any] = answer["data"] if isinstance(answer.get("data"), dict) else answer
        # The page shows `subsequenceEnrollment` beside `data`; accept it inside too.
        raw = answer.get("subsequenceEnrollment") or (data or {}).get("subsequenceEnrollment")
        outcome = None
        if isinstance(raw, dict) and raw.get("action"):
            action = str(raw["action"])
            outcome = Outcome(
                action, str(raw.get("subsequenceName") or ""), enrollment.WHY.get(action, "")
            )
        return self.to_lead(data), outcome
