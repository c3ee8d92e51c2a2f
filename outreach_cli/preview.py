"""Every email of a campaign as each lead would receive it; the leads a field is missing for.

The leads come from a CSV (`leads.csvfiles`) or from the live campaign (the platform's leads
list). No terminal code: `output/preview.py` renders the `Preview`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from . import templates as t
from .copycheck import check_copy, platform
from .documents import Diagnostic
from .errors import ExitCode, OutreachError
from .htmltext import html_to_text, looks_like_html

if TYPE_CHECKING:
    from .leads.records import RowResult
    from .plan import PlannedChange
    from .providers.base import Provider, Remote
    from .validate import Document


@dataclass(frozen=True)
class Recipient:
    """One lead as its copy reads it: who it is, and its values by variable name."""

    identity: str
    values: dict[str, str]
    line: int | None = None  # its row in the CSV


@dataclass(frozen=True)
class Message:
    """One email (or LinkedIn/SMS message) rendered for one lead."""

    lead: str
    label: str
    step: int | None
    kind: str
    subject: str | None  # None: no subject (a message, or a reply in the thread)
    body: str  # as sent (HTML stays HTML)
    text: str  # as read: HTML turned into plain text
    missing: tuple[str, ...]
    reply: bool = False

    def record(self) -> dict[str, Any]:
        return {
            "lead": self.lead,
            "email": self.label,
            "step": self.step,
            "kind": self.kind,
            "subject": self.subject,
            "body": self.body,
            "text": self.text,
            "missing": list(self.missing),
            "reply": self.reply,
        }


@dataclass(frozen=True)
class Gap:
    """A field the copy uses that some leads lack, with no fallback."""

    field: str
    leads: tuple[str, ...]
    total: int
    example: str  # what such a lead gets where the field stands
    where: str  # the email of the example

    def sentence(self) -> str:
        return (
            f"{len(self.leads):,} of {self.total:,} leads have no {self.field}: they would "
            f"get {self.example!r} ({self.where})"
        )

    def record(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "count": len(self.leads),
            "total": self.total,
            "leads": list(self.leads),
            "example": self.example,
            "email": self.where,
        }


@dataclass(frozen=True)
class Preview:
    campaign: str  # provider/key
    source: str  # the CSV, or "live campaign <id>"
    leads: int
    messages: tuple[Message, ...]
    gaps: tuple[Gap, ...]
    rejected: tuple[RowResult, ...] = ()  # CSV rows that could not be read
    # The copy checked again with the leads' custom fields known (`{{industy}}` beside an
    # `industry` column is an error here).
    problems: tuple[Diagnostic, ...] = ()

    @property
    def exit_code(self) -> ExitCode:
        """1 when a lead lacks a field its copy uses (or the copy misspells one), else 0."""
        bad = self.gaps or any(d.severity == "error" for d in self.problems)
        return ExitCode.ERROR if bad else ExitCode.OK


# -- the campaign and its leads -------------------------------------------------------------------


def from_csv(
    path: str, provider: str, ctype: str | None = None
) -> tuple[list[Recipient], list[RowResult]]:
    """The leads of a CSV (read as `leads add` reads it; `ctype` the campaign's channel where
    the platform has several, e.g. Puffle's `linkedin`) and its unreadable rows."""
    from .leads.csvfiles import read_rows

    rows, bad = read_rows(path, provider, ctype)
    mod = platform(provider)
    return [Recipient(r.identity, mod.lead_values(r.fields), r.line) for r in rows], bad


def live_hint(doc: Document) -> str:
    """What to do when the campaign to preview has no remote yet."""
    return f"create it first (outreach apply {doc.file}), or preview with --from leads.csv"


def from_campaign(provider: Provider, remote: Remote) -> list[Recipient]:
    """The leads of the live campaign, as its leads list returns them."""
    from .providers import lead_ops

    ops = lead_ops(provider)
    mod = platform(provider.name)
    if not mod.LEADS_HAVE_FIELDS:
        raise OutreachError(
            f"{provider.title}'s campaign-leads list returns no lead fields, so the live "
            "leads cannot be previewed",
            hint="preview with --from leads.csv",
        )
    out = []
    for record in ops.list_records(remote.id, None):
        if not isinstance(record, dict):
            continue
        lead = ops.to_lead(record)
        out.append(Recipient(lead.email or lead.id, mod.record_values(record)))
    return out


def custom_columns(provider: str, recipients: Iterable[Recipient]) -> list[str]:
    """The custom fields the leads carry (CSV columns beyond the platform's fields)."""
    mod = platform(provider)
    table: t.Variables = mod.VARIABLES
    seen: dict[str, None] = {}
    for r in recipients:
        for k in r.values:
            if k not in table.fields:
                seen[
                    k[len(table.custom_prefix) :]
                    if table.custom_prefix and k.startswith(table.custom_prefix)
                    else k
                ] = None
    return list(seen)


# -- rendering ------------------------------------------------------------------------------------


def emails(doc: Document, step: int | None = None) -> list[t.Email]:
    """The document's emails (one step's, with `step`)."""
    found = platform(doc.provider).emails(doc.campaign)
    return [e for e in found if step is None or e.step == step]


def build(
    doc: Document,
    recipients: Sequence[Recipient],
    source: str,
    *,
    lead: str | None = None,
    step: int | None = None,
    rejected: Sequence[RowResult] = (),
) -> Preview:
    """Render every email of `doc` for every recipient (or the one named `lead`)."""
    table: t.Variables = platform(doc.provider).VARIABLES
    chosen = list(recipients)
    if lead is not None:
        chosen = [r for r in recipients if r.identity.lower() == lead.strip().lower()]
        if not chosen:
            raise OutreachError(f"no lead {lead!r} in {source}")
    mails = emails(doc, step)
    if step is not None and not mails:
        raise OutreachError(
            f"{doc.address} has no email at step {step}",
            hint="steps are numbered from 1 as listed in the file",
        )
    messages = [_render(r, e, table) for r in chosen for e in mails]
    gaps = _gaps(messages, mails, chosen, table)
    problems = check_copy(doc.source, doc.provider, custom_columns(doc.provider, recipients))
    if doc.env_values:  # copy from the environment is shown as "(sensitive)", as plans show it
        messages = [
            replace(
                m,
                subject=doc.hide(m.subject) if m.subject else m.subject,
                body=doc.hide(m.body),
                text=doc.hide(m.text),
            )
            for m in messages
        ]
        gaps = [replace(g, example=doc.hide(g.example)) for g in gaps]
        problems = [replace(d, message=doc.hide(d.message)) for d in problems]
    return Preview(
        doc.address,
        source,
        len(chosen),
        tuple(messages),
        tuple(gaps),
        tuple(rejected),
        tuple(sorted(problems, key=Diagnostic.sort_key)),
    )


def _render(r: Recipient, e: t.Email, table: t.Variables) -> Message:
    subject = t.render(e.subject, r.values, table) if e.subject is not None else None
    body = t.render(e.body, r.values, table)
    sig = t.render(e.signature, r.values, table) if e.signature is not None else None
    html = body.text
    text = html_to_text(body.text)
    if sig is not None and sig.text.strip():
        html = f"{html}\n\n{sig.text}"
        text = f"{text}\n\n{html_to_text(sig.text)}"
    missing = tuple(
        dict.fromkeys(
            (*(subject.missing if subject else ()), *body.missing, *(sig.missing if sig else ()))
        )
    )
    return Message(
        r.identity,
        e.label,
        e.step,
        e.kind,
        subject.text if subject is not None else None,
        html,
        text,
        missing,
        e.reply,
    )


def _gaps(
    messages: Sequence[Message],
    mails: Sequence[t.Email],
    chosen: Sequence[Recipient],
    table: t.Variables,
) -> list[Gap]:
    by_field: dict[str, dict[str, Message]] = {}
    for m in messages:
        for f in m.missing:
            by_field.setdefault(f, {}).setdefault(m.lead, m)
    out = []
    for f, leads in by_field.items():
        first = next(iter(leads.values()))
        email = next(e for e in mails if e.label == first.label)
        values = next(r.values for r in chosen if r.identity == first.lead)
        out.append(
            Gap(f, tuple(leads), len(chosen), _example(email, values, f, table), first.label)
        )
    return sorted(out, key=lambda g: (-len(g.leads), g.field))


def _example(email: t.Email, values: dict[str, str], name: str, table: t.Variables) -> str:
    """What a lead without `name` reads where it stands: the subject, else the body's line."""
    for spot in (email.subject, email.body, email.signature):
        if spot is None:
            continue
        if name in t.render(spot, values, table).missing:
            if spot.kind == "subject":
                return t.render(spot, values, table).text
            source = html_to_text(spot.text) if looks_like_html(spot.text) else spot.text
            for line in source.split("\n"):
                part = t.Spot(spot.path, line, spot.kind, spot.syntax, None, spot.conditions)
                done = t.render(part, values, table)
                if name in done.missing:
                    return done.text.strip()
    return ""


# -- plan -----------------------------------------------------------------------------------------


def copy_changed(provider: str, changes: Iterable[PlannedChange]) -> bool:
    roots = platform(provider).COPY_ROOTS
    return any(c.change.path and c.change.path[0] in roots for c in changes)


def lead_notes(
    doc: Document, provider: Provider, remote: Remote, changes: Sequence[PlannedChange]
) -> list[str]:
    """Plan notes naming the fields the new copy uses that live leads lack (only when the
    plan changes the copy: reading every lead costs requests)."""
    if not copy_changed(doc.provider, changes) or not platform(doc.provider).LEADS_HAVE_FIELDS:
        return []
    try:
        recipients = from_campaign(provider, remote)
    except OutreachError as exc:
        return [f"the new copy's variables were not checked against the leads: {exc.message}"]
    if not recipients:
        return []
    found = build(doc, recipients, f"live campaign {remote.id}")
    notes = []
    for g in found.gaps:
        names = ", ".join(g.leads[:3]) + (
            f" and {len(g.leads) - 3:,} more" if len(g.leads) > 3 else ""
        )
        notes.append(f"{g.sentence()}: {names} (outreach preview {doc.file})")
    return notes
