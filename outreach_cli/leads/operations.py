"""Lead operations every platform shares: list, add in concurrent batches, update with a
dry-run prediction, and finding the one campaign a leads command names.

No terminal code: functions return the values in `records.py`, `output/` renders them. What
differs by platform (wire format, batch size, the enrollment table) is the platform's
`LeadOps` (`providers/<name>/leads.py`); this module names no platform.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from ..errors import OutreachError, UsageError
from ..providers import lead_ops
from ..providers.base import Provider, Remote
from ..providers.leadops import LeadOps
from .records import (
    AddReport,
    Batch,
    Lead,
    LeadChange,
    LeadRow,
    RowResult,
    UpdateReport,
    UpdateResult,
)

Progress = Callable[[int], None]


class LeadRefused(UsageError):
    """A change refused before any write: a status the API cannot set, an unknown tag."""


# -- list -----------------------------------------------------------------------------------------


def list_leads(provider: Provider, campaign_id: str, status: str | None = None) -> list[Lead]:
    """Every lead of the campaign (the provider's pagination followed to the end)."""
    return list(iter_leads(provider, campaign_id, status))


def iter_leads(provider: Provider, campaign_id: str, status: str | None = None) -> Iterator[Lead]:
    """The campaign's leads a page at a time, as the pages arrive (memory: one page). An
    unknown `status` is refused here, before any request."""
    ops = lead_ops(provider)
    if status and ops.lead_statuses and status not in ops.lead_statuses:
        raise UsageError(
            f"{provider.title} has no lead status {status!r}",
            hint="one of: " + ", ".join(ops.lead_statuses),
        )
    return (ops.to_lead(i) for i in ops.list_records(campaign_id, status) if isinstance(i, dict))


# -- add ------------------------------------------------------------------------------------------


def add_leads(
    provider: Provider,
    campaign_id: str,
    rows: Sequence[LeadRow],
    progress: Progress | None = None,
    *,
    concurrency: int = 4,
    rejected: Sequence[RowResult] = (),
) -> AddReport:
    """Add `rows` in batches of the provider's maximum, `concurrency` batches at a time.

    Leads already in the campaign are skipped by the server (each platform's answer says so
    its own way), so re-running a file adds only what is missing. A batch that fails as a
    whole reports each of its rows as failed with the reason; nothing is dropped. `rejected`
    (rows `read_rows` found malformed) are reported with the rest, by line.
    """
    ops = lead_ops(provider)
    size = ops.batch_size
    if size == 1:
        # One lead per request: rows naming the same lead go to one worker in file order,
        # so the first is the one added and the repeat the one skipped, every run.
        groups: dict[str, list[list[LeadRow]]] = {}
        for r in rows:
            groups.setdefault(r.identity.lower() or f"line {r.line}", []).append([r])
        tasks = list(groups.values())
    else:
        tasks = [[list(rows[i : i + size])] for i in range(0, len(rows), size)]
    lock = threading.Lock()

    def one(batch: list[LeadRow]) -> Batch:
        try:
            out = ops.send(campaign_id, batch)
        except OutreachError as exc:
            out = Batch(
                rows=[RowResult(r.line, r.identity, "failed", exc.message) for r in batch],
                requests=1,
            )
        if progress is not None:
            with lock:
                progress(len(batch))
        return out

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        done = [b for task in pool.map(lambda t: [one(b) for b in t], tasks) for b in task]
    results = sorted([*rejected, *(r for b in done for r in b.rows)], key=lambda r: r.line)
    return AddReport(
        sum(b.added for b in done),
        sum(b.skipped for b in done),
        tuple(results),
        sum(b.requests for b in done),
    )


# -- update ---------------------------------------------------------------------------------------


def check_change(change: LeadChange, ops: LeadOps | None = None) -> str:
    """Why `change` is refused before any request ("" when it is not): its shape, and with
    `ops` the status the platform can set."""
    if change.status is None and change.tag is None and not change.clear_tag:
        return "nothing to change: give a status, a tag, or clear the tag"
    if change.tag is not None and change.clear_tag:
        return "set a tag or clear it, not both"
    if change.status is not None and ops is not None:
        return ops.status_refusal(change.status)
    return ""


def check_tag(tag: str, labels: Sequence[str]) -> tuple[str | None, str]:
    """(the tag as the workspace spells it, "") or (None, the refusal listing the labels).
    `labels` are the workspace's tag labels (`LeadOps.labels()`)."""
    wanted = tag.strip().casefold()
    # Tag names are unique ignoring case (the platforms' tag pages): send the workspace's
    # own spelling.
    found = next((lb for lb in labels if lb.casefold() == wanted), None)
    if found is None:
        shown = ", ".join(repr(lb) for lb in labels) or "(none)"
        folded = {lb.casefold(): lb for lb in labels}
        close = difflib.get_close_matches(wanted, list(folded), n=1, cutoff=0.6)
        hint = f"; did you mean {folded[close[0]]!r}?" if close else ""
        return None, f"tag {tag!r} is not one of the workspace's AI tag labels: {shown}{hint}"
    return found, ""


def offline_ops(provider: str | None) -> LeadOps | None:
    """The lead operations of a provider named on the command line, unbound, when they can
    update a lead: enough to refuse a status before any request."""
    from ..providers import PROVIDERS

    if provider not in PROVIDERS:
        return None
    ops = lead_ops(provider)
    return ops if ops.updates else None


def updatable(provider: Provider) -> LeadOps:
    """The provider's lead operations, if they can update a lead (else a usage error naming
    the platforms that can)."""
    from ..providers import PROVIDERS, provider_class

    ops = lead_ops(provider)
    if not ops.updates:
        able = [
            provider_class(n).title
            for n in PROVIDERS
            if (cls := provider_class(n)).LEADS is not None and cls.LEADS.settable_statuses
        ]
        raise UsageError(
            f"leads update: {provider.title} has no API to set a campaign lead's status or AI tag",
            hint=f"leads update works on {', '.join(able)} campaigns",
        )
    return ops


def update_lead(
    provider: Provider,
    campaign_id: str,
    lead_id: str,
    status: str | None = None,
    tag: str | None = None,
    clear_tag: bool = False,
    *,
    dry_run: bool = False,
    campaign: Remote | None = None,
) -> UpdateResult:
    """Update one campaign lead (or predict the update with `dry_run`).

    Refused before any write (LeadRefused): a status other than active|paused, a tag that
    is not one of the workspace's labels (listed in the reason). The server's INVALID_TAG
    and NOT_FOUND arrive as ApiError.
    """
    change = LeadChange(lead_id, status, tag, clear_tag)
    report = update_leads(
        provider, campaign_id, [change], dry_run=dry_run, campaign=campaign, strict=True
    )
    result = report.results[0]
    if result.result == "refused":
        raise LeadRefused(result.reason)
    return result


def update_leads(
    provider: Provider,
    campaign_id: str,
    changes: Sequence[LeadChange],
    *,
    dry_run: bool = False,
    campaign: Remote | None = None,
    concurrency: int = 4,
    progress: Progress | None = None,
    strict: bool = False,
    rejected: Sequence[UpdateResult] = (),
) -> UpdateReport:
    """Apply (or predict) many changes. Refusals and failures are per change; changes to the
    same lead run in file order, different leads `concurrency` at a time. With `strict` a
    server error is raised rather than reported (one-lead mode). `rejected` (malformed rows
    of a changes file) are reported with the rest, in line order."""
    ops = updatable(provider)
    # Shape and status first: no request for a change refused on those.
    verdicts: list[tuple[str | None, str]] = [(None, check_change(c, ops)) for c in changes]
    if any(c.tag is not None and not v[1] for c, v in zip(changes, verdicts, strict=True)):
        labels = ops.labels()
        for i, c in enumerate(changes):
            if c.tag is not None and not verdicts[i][1]:
                verdicts[i] = check_tag(c.tag, labels)

    leads: dict[str, Lead] | None = None
    by_email: dict[str, list[Lead]] = {}
    live = [c for c, v in zip(changes, verdicts, strict=True) if not v[1]]
    if live and (dry_run or any("@" in c.lead_id for c in live)):
        listed = [
            ops.to_lead(i) for i in ops.list_records(campaign_id, None) if isinstance(i, dict)
        ]
        leads = {x.id: x for x in listed}
        for x in listed:
            by_email.setdefault((x.email or "").lower(), []).append(x)

    def target(c: LeadChange) -> tuple[str, str]:
        if "@" not in c.lead_id:
            return c.lead_id, ""
        found = by_email.get(c.lead_id.lower(), [])
        if len(found) != 1:
            return "", (
                f"no lead {c.lead_id} in this campaign"
                if not found
                else f"{len(found)} leads have the email {c.lead_id}: give the lead id"
            )
        return found[0].id, ""

    results: list[UpdateResult | None] = [None] * len(changes)
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(changes):
        lid, problem = target(c)
        if verdicts[i][1] or problem:
            results[i] = UpdateResult(c, "refused", reason=verdicts[i][1] or problem)
            if progress is not None:
                progress(1)
            continue
        groups.setdefault(lid, []).append(i)

    if dry_run and not groups:  # every change refused before any read: nothing to predict
        return _report(results, rejected, dry_run=True)
    if dry_run:
        remote = campaign if campaign is not None else provider.fetch(campaign_id)
        if remote is None:
            raise OutreachError(f"{provider.title} campaign {campaign_id} was not found")
        raw = remote.raw
        assert leads is not None
        for lid, idxs in groups.items():
            lead = leads.get(lid)
            for i in idxs:
                c = changes[i]
                if progress is not None:
                    progress(1)
                if lead is None:
                    results[i] = UpdateResult(
                        c, "refused", reason=f"no campaign lead {lid} in this campaign"
                    )
                    continue
                tag = verdicts[i][0]
                decision = (
                    ops.decide(raw, lead, tag) if (c.tag is not None or c.clear_tag) else None
                )
                outcome = decision.outcome if decision else None
                lead = ops.after(lead, c, tag, outcome)  # the next change to it starts from here
                results[i] = UpdateResult(c, "predicted", lead, outcome, decision)
        return _report(results, rejected, dry_run=True)

    lock = threading.Lock()

    def run(lid: str, idxs: list[int]) -> None:
        for i in idxs:
            c = changes[i]
            body: dict[str, Any] = {}
            if c.status is not None:
                body["status"] = c.status
            if c.tag is not None or c.clear_tag:
                body["aiTag"] = verdicts[i][0]  # None clears
            try:
                lead, outcome = ops.update(campaign_id, lid, body)
            except OutreachError as exc:
                if strict:
                    raise
                results[i] = UpdateResult(c, "failed", reason=exc.message)
            else:
                results[i] = UpdateResult(c, "updated", _known_email(lead, leads), outcome)
            if progress is not None:
                with lock:
                    progress(1)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for f in [pool.submit(run, lid, idxs) for lid, idxs in groups.items()]:
            f.result()
    return _report(results, rejected, dry_run=False)


def _report(
    results: list[UpdateResult | None], rejected: Sequence[UpdateResult], dry_run: bool
) -> UpdateReport:
    done = [r for r in results if r is not None]
    if rejected:
        done = sorted([*rejected, *done], key=lambda r: r.change.line or 0)
    return UpdateReport(tuple(done), dry_run=dry_run)


def _known_email(lead: Lead, known: dict[str, Lead] | None) -> Lead:
    """An answered lead without an email, completed from the list read for this run."""
    if lead.email is None and known and lead.id in known:
        lead = replace(lead, email=known[lead.id].email)
    return lead


# -- which campaign -------------------------------------------------------------------------------


def find_campaign(
    provider_for: Callable[[str], Provider],
    state: Any,
    *,
    path: str | None = None,
    targets: Sequence[str] | None = None,
    provider: str | None = None,
    id: str | None = None,
) -> tuple[Provider, Remote]:
    """The remote campaign a command names: a campaign file (validated, then found as plan
    finds it: `id:`, state, unique name), or `provider` + `id`."""
    if provider or id:
        if not (provider and id) or path:
            raise UsageError("name the campaign by a file, or by --provider and --id together")
        from ..providers import PROVIDERS

        if provider not in PROVIDERS:
            raise UsageError(
                f"unknown provider {provider!r}", hint="one of: " + ", ".join(PROVIDERS)
            )
        prov = provider_for(provider)
        remote = prov.fetch(id)
        if remote is None:
            raise OutreachError(f"{prov.title} campaign {id} was not found")
        return prov, remote
    if not path:
        raise UsageError("name the campaign: a campaign file, or --provider P --id ID")
    from ..targets import live_campaign, one_document

    doc = one_document(path, targets, who="leads commands work")
    prov = provider_for(doc.connection)
    remote = live_campaign(doc, prov, state, f"create it first: outreach apply {path}")
    if doc.env_values:  # a name from the environment is shown as "(sensitive)"
        remote = replace(remote, name=doc.hide(remote.name))
    return prov, remote
