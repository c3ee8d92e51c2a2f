"""The lead concept's provider interface: LeadOps, one platform's campaign-lead operations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..leads.records import Batch, Decision, Lead, LeadChange, LeadRow, Outcome
    from .base import Provider


class LeadOps:
    """One platform's campaign leads: how a CSV row becomes the API's lead object, how a
    batch is added, how leads are listed and (where the API allows) updated.

    The class attributes are data; the methods that send call the adapter (`self.provider`),
    which holds the HTTP calls. `outreach_cli.leads` runs these for every platform alike.
    """

    columns: tuple[str, ...] = ()  # the API's own field names a CSV column may use
    aliases: dict[str, str] = {}  # normalised header → field name (`company` → companyName)
    extra: str | None = None  # where other columns go (None: top level, as strings)
    identity_columns: tuple[str, ...] = ("email",)  # first non-empty one names the lead
    batch: int = 1  # rows per add request (a LEADS_PER_ADD set on the adapter wins: tests)
    # Statuses `leads update` may set; empty: the platform has no API to update a lead.
    settable_statuses: tuple[str, ...] = ()

    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    @property
    def updates(self) -> bool:
        return bool(self.settable_statuses)

    @property
    def batch_size(self) -> int:
        return max(1, int(getattr(self.provider, "LEADS_PER_ADD", self.batch) or self.batch))

    lead_statuses: tuple[str, ...] = ()  # the statuses a list may filter on (empty: any)

    def row_problem(self, fields: dict[str, str], ctype: str | None) -> str:
        """Why a CSV row cannot be sent ("" when it can), beyond a malformed email."""
        return "" if fields.get("email") else "needs an email"

    def entry(self, row: LeadRow) -> dict[str, Any]:
        """The API's object for one row: known fields as named, the rest as custom fields."""
        known: dict[str, Any] = {k: v for k, v in row.fields.items() if k in self.columns}
        rest = {k: v for k, v in row.fields.items() if k not in self.columns}
        if self.extra is None:
            return {**known, **rest}
        if rest:
            known[self.extra] = rest
        return known

    def to_lead(self, item: dict[str, Any]) -> Lead:
        """One record of the platform's leads list as a Lead."""
        raise NotImplementedError

    def list_records(self, campaign_id: str, status: str | None) -> Iterable[dict[str, Any]]:
        """Every lead record of the campaign, the pagination followed to the end (a list, or
        an iterator that reads a page at a time)."""
        raise NotImplementedError

    def send(self, campaign_id: str, batch: list[LeadRow]) -> Batch:
        """Add one batch; failures of single rows are reported in the Batch, a failure of
        the whole request raises."""
        raise NotImplementedError

    # -- updates (platforms with settable_statuses) ---------------------------------------------

    def status_refusal(self, status: str) -> str:
        """Why `status` cannot be set ("" when it can)."""
        allowed = " or ".join(self.settable_statuses)
        return (
            ""
            if status in self.settable_statuses
            else (
                f"status {status!r} refused: {self.provider.title} sets a lead's status only to "
                f"{allowed}"
            )
        )

    def labels(self) -> list[str]:
        """The workspace's tag labels a change may set."""
        raise NotImplementedError

    def decide(self, campaign_raw: dict[str, Any], lead: Lead, tag: str | None) -> Decision:
        """The platform's predicted outcome of setting `tag` (None: clearing it)."""
        raise NotImplementedError

    def after(
        self, lead: Lead, change: LeadChange, tag: str | None, outcome: Outcome | None
    ) -> Lead:
        """The lead as it will be after `change` (for chained predictions)."""
        raise NotImplementedError

    def update(
        self, campaign_id: str, lead_id: str, body: dict[str, Any]
    ) -> tuple[Lead, Outcome | None]:
        """Send one update (`status`, `aiTag`: None clears); the lead and outcome answered."""
        raise NotImplementedError
