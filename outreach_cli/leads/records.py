"""Lead values that flow between the core, each platform's lead operations and output/."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# -- leads as listed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadSubsequence:
    """A lead's subsequence state as the leads list reports it.

    `emails_sent` is None when the record does not say (the docs show no shape for it).
    A finished subsequence (`completed`) is history: its id is kept as a pointer, the lead is
    no longer in it.
    """

    id: str
    name: str
    status: str = "active"
    emails_sent: int | None = None
    completed_at: str | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Lead:
    """One lead of a campaign, whatever the platform calls it (campaign lead, prospect)."""

    id: str
    email: str | None
    status: str
    ai_tag: str | None = None
    step: Any = None
    subsequence: LeadSubsequence | None = None
    extras: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def record(self) -> dict[str, Any]:
        """The lead as one flat JSON/CSV record."""
        sub = self.subsequence
        return {
            "id": self.id,
            "email": self.email,
            "status": self.status,
            "aiTag": self.ai_tag,
            "step": self.step,
            "subsequence": sub.name if sub else None,
            "subsequenceId": sub.id if sub else None,
            "subsequenceStatus": sub.status if sub else None,
            "subsequenceEmailsSent": sub.emails_sent if sub else None,
            **self.extras,
        }


ACTIONS: tuple[str, ...] = ("enrolled", "switched", "exited", "skippedInProgress")


@dataclass(frozen=True)
class Outcome:
    """A subsequence enrollment change, as the platform's update answer reports it (where it
    reports one)."""

    action: str
    subsequence_name: str
    reason: str = ""
    row: int | None = None  # the row of the platform's table (predictions only)
    subsequence_id: str | None = None

    def record(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "subsequenceName": self.subsequence_name,
            "reason": self.reason,
            "row": self.row,
        }


@dataclass(frozen=True)
class Decision:
    """Which row of the platform's table applies, and its outcome (None: no enrollment
    change)."""

    row: int
    rule: str
    outcome: Outcome | None
    note: str = ""  # a reading where the page is silent
    certain: bool = True


# -- adding ---------------------------------------------------------------------------------------

RowStatus = Literal["added", "skipped", "accepted", "failed"]


@dataclass(frozen=True)
class LeadRow:
    """One data row of a leads CSV: its line (where the record starts) and its fields.
    `ident` is the value that names the lead (the reader sets it from the platform's identity
    columns); without it, the email."""

    line: int
    fields: dict[str, str] = field(compare=False, hash=False)
    ident: str = field(default="", compare=False, hash=False)

    @property
    def identity(self) -> str:
        return self.ident or self.fields.get("email") or ""


@dataclass(frozen=True)
class RowResult:
    """What became of one CSV row. `accepted`: sent in a batch whose answer counted some
    rows added and some already present, without saying which."""

    line: int
    identity: str
    result: RowStatus
    reason: str = ""


@dataclass(frozen=True)
class AddReport:
    added: int
    skipped: int
    rows: tuple[RowResult, ...]
    requests: int = 0

    @property
    def failed(self) -> tuple[RowResult, ...]:
        return tuple(r for r in self.rows if r.result == "failed")


@dataclass
class Batch:
    """What one add request (or one platform's run of them) did to its rows."""

    added: int = 0
    skipped: int = 0
    rows: list[RowResult] = field(default_factory=list)
    requests: int = 0


def settle(
    batch: list[LeadRow], failed: dict[int, str], added: int, skipped: int
) -> list[RowResult]:
    """Per-row results of one batch: the failures by line; the rest added or skipped when
    the counts say which, else `accepted`."""
    ok = [r for r in batch if r.line not in failed]
    verdict: RowStatus = "added" if skipped == 0 else "skipped" if added == 0 else "accepted"
    reason = "" if verdict != "skipped" else "already in the campaign"
    return [
        RowResult(r.line, r.identity, "failed", failed[r.line]) for r in batch if r.line in failed
    ] + [RowResult(r.line, r.identity, verdict, reason) for r in ok]


# -- updating -------------------------------------------------------------------------------------

UpdateStatus = Literal["updated", "predicted", "refused", "failed"]


@dataclass(frozen=True)
class LeadChange:
    """One requested change: `tag` sets the AI tag, `clear_tag` removes it."""

    lead_id: str
    status: str | None = None
    tag: str | None = None
    clear_tag: bool = False
    line: int | None = None


@dataclass(frozen=True)
class UpdateResult:
    change: LeadChange
    result: UpdateStatus
    lead: Lead | None = None
    enrollment: Outcome | None = None  # the server's answer, or the prediction (dry run)
    decision: Decision | None = None  # dry run: the table's row
    reason: str = ""  # why refused or failed

    def record(self) -> dict[str, Any]:
        lead = self.lead.record() if self.lead else {"id": self.change.lead_id}
        out: dict[str, Any] = {
            "line": self.change.line,
            "leadId": self.change.lead_id,
            "result": self.result,
            "reason": self.reason or None,
            "lead": lead,
            "request": {
                "status": self.change.status,
                "aiTag": None if self.change.clear_tag else self.change.tag,
                "clearTag": self.change.clear_tag,
            },
            "subsequenceEnrollment": self.enrollment.record() if self.enrollment else None,
        }
        if self.decision is not None:
            out["decision"] = {
                "row": self.decision.row,
                "rule": self.decision.rule,
                "note": self.decision.note or None,
                "certain": self.decision.certain,
            }
        return out


@dataclass(frozen=True)
class UpdateReport:
    results: tuple[UpdateResult, ...]
    dry_run: bool = False

    def count(self, result: str) -> int:
        return sum(1 for r in self.results if r.result == result)

    def actions(self) -> dict[str, int]:
        out = dict.fromkeys(ACTIONS, 0)
        for r in self.results:
            if r.enrollment is not None:
                out[r.enrollment.action] = out.get(r.enrollment.action, 0) + 1
        return out
