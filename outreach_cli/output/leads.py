"""How `leads list`, `leads add` and `leads update` print: tables, per-row lines, JSON."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text

from . import fasttable
from .envelope import error_entry, item_text, write_list_envelope
from .plan_text import show

# Leads held in memory before `leads list` spools them to a temporary file.
SPOOL_BYTES = 4 * 1024 * 1024


def _lead_row(lead: Any) -> list[str]:
    sub = lead.subsequence
    shown = "" if sub is None else sub.name + ("" if sub.active else f" ({sub.status})")
    return [
        str(v)
        for v in (
            lead.id,
            lead.email or "",
            lead.status,
            lead.ai_tag or "",
            "" if lead.step is None else lead.step,
            shown,
        )
    ]


class LeadViews:
    """The lead commands' renderings, mixed into Output (which provides json/table/out/err)."""

    format: str
    command: str
    out: Any
    err: Any

    def json(
        self,
        data: Any,
        *,
        exit_code: int = 0,
        errors: list[Any] | None = None,
        kind: str | None = None,
    ) -> None: ...

    def csv(self, columns: list[str], rows: Any) -> None: ...

    def table(self, title: str, columns: list[str], rows: Any) -> None: ...

    def info(self, message: str) -> None: ...

    def leads(self, leads: Iterable[Any], title: str = "leads") -> None:
        """A campaign's leads: a table, one JSON record per lead, or CSV.

        The leads are read once, page by page, into a spool (memory up to SPOOL_BYTES, then a
        temporary file), so memory stays flat in the number of leads; and nothing is printed
        before the last page has arrived (a page that fails prints an error, not half a
        table or half a JSON document)."""
        with tempfile.SpooledTemporaryFile(
            SPOOL_BYTES, mode="w+", encoding="utf-8", newline=""
        ) as spool:
            if self.format == "json":
                count = 0
                for lead in leads:
                    spool.write((",\n" if count else "") + item_text(lead.record()))
                    count += 1
                spool.seek(0)
                write_list_envelope(self.out.file, self.command, spool, count)
                return
            if self.format == "csv":
                columns: dict[str, None] = {}
                for lead in leads:
                    record = lead.record()
                    columns.update(dict.fromkeys(record))
                    spool.write(json.dumps(record, default=str) + "\n")
                spool.seek(0)
                names = list(columns) or list(LEAD_COLUMNS)
                self.csv(names, ([r.get(c) for c in names] for r in map(json.loads, spool)))
                return
            count, widths = 0, fasttable.measure(LEAD_COLUMNS, ())
            for lead in leads:
                row = _lead_row(lead)
                if widths is not None:
                    widths = fasttable.measure(LEAD_COLUMNS, (row,), widths)
                spool.write(json.dumps(row) + "\n")
                count += 1
            spool.seek(0)
            rows = map(json.loads, spool)
            if widths is not None and fasttable.fits(self.out, title, widths):
                # what rich would print, without its per-cell cost, a row at a time
                self.out.file.writelines(
                    fasttable.draw(
                        title, LEAD_COLUMNS, widths, rows, styled=fasttable.styled(self.out)
                    )
                )
            else:
                t = Table(title=title, title_justify="left")
                for col in LEAD_COLUMNS:
                    # ids and emails are copied from here, status, tag and step are short
                    # words read at a glance: none is cut; the subsequence name, the least
                    # useful here, folds first.
                    t.add_column(col, no_wrap=col != "subsequence", overflow="fold")
                for row in rows:
                    t.add_row(*[Text(v) for v in row])
                self.out.print(t)
        self.info(f"{count} lead(s)")

    def leads_added(self, report: Any, source: str = "") -> None:
        """The outcome of `leads add`: failed rows by line, then a summary table."""
        counts = {"added": report.added, "skipped": report.skipped, "failed": len(report.failed)}
        accepted = sum(1 for r in report.rows if r.result == "accepted")
        if self.format == "json":
            self.json(
                {
                    "summary": {**counts, "rows": len(report.rows), "requests": report.requests},
                    "leads": [
                        {
                            "line": r.line,
                            "lead": r.identity,
                            "result": r.result,
                            "reason": r.reason or None,
                        }
                        for r in report.rows
                    ],
                },
                exit_code=1 if report.failed else 0,
                errors=[
                    error_entry(
                        r.reason,
                        code="lead-failed",
                        file=source or None,
                        line=r.line,
                        field=r.identity or None,
                    )
                    for r in report.failed
                ],
            )
            return
        where = f"{source}:" if source else "line "
        for r in report.failed:
            self.err.print(
                Text("failed ", style="red")
                + Text(f"{where}{r.line}: {r.identity + ': ' if r.identity else ''}{r.reason}")
            )
        rows = [[k, v] for k, v in counts.items()]
        if accepted:
            rows.append(["(added or already present)", accepted])
        self.table("leads add", ["result", "leads"], rows)

    def leads_updated(self, report: Any) -> None:
        """The outcome of `leads update` (or its prediction): one block per change, then a
        summary table."""
        if self.format == "json":
            bad = [r for r in report.results if r.result in ("refused", "failed")]
            self.json(
                {
                    "dryRun": report.dry_run,
                    "summary": _update_summary(report),
                    "leads": [r.record() for r in report.results],
                },
                exit_code=1 if bad else 0,
                errors=[
                    error_entry(
                        f"{r.change.lead_id}: {r.result}: {r.reason}",
                        code=f"lead-{r.result}",
                        line=r.change.line or None,
                        field=r.change.lead_id,
                    )
                    for r in bad
                ],
            )
            return
        for r in report.results:
            for line in lead_update_lines(r, report.dry_run):
                self.out.print(line)
        s = _update_summary(report)
        done = "predicted" if report.dry_run else "updated"
        rows = [[done, s[done]], ["refused", s["refused"]], ["failed", s["failed"]]]
        rows += [[f"subsequence: {a}", n] for a, n in s["subsequenceEnrollment"].items() if n]
        self.table(
            "leads update" + (" (dry run: nothing sent)" if report.dry_run else ""),
            ["result", "leads"],
            rows,
        )


LEAD_COLUMNS = ("id", "email", "status", "aiTag", "step", "subsequence")


def _update_summary(report: Any) -> dict[str, Any]:
    return {
        "updated": report.count("updated"),
        "predicted": report.count("predicted"),
        "refused": report.count("refused"),
        "failed": report.count("failed"),
        "subsequenceEnrollment": report.actions(),
    }


def lead_update_lines(r: Any, dry_run: bool) -> list[Text]:
    """One change of `leads update`: the lead, what changed, the enrollment and why."""
    c = r.change
    where = f"line {c.line}: " if c.line else ""
    if r.result in ("refused", "failed"):
        mark, style = ("!", "yellow") if r.result == "refused" else ("x", "red")
        return [Text(f"{mark} ", style=style) + Text(f"{where}{c.lead_id}: {r.result}: {r.reason}")]
    lead = r.lead
    asked = []
    if c.status:
        asked.append(f"status → {c.status}")
    if c.clear_tag:
        asked.append("aiTag cleared")
    elif c.tag is not None:
        asked.append(f"aiTag → {lead.ai_tag if lead and lead.ai_tag else c.tag}")
    who = lead.id if lead else c.lead_id
    email = f" {lead.email}" if lead and lead.email else ""
    verb = "would set" if dry_run else "set"
    out = [
        Text("~ ", style="yellow")
        + Text(f"{where}{who}{email}", style="bold")
        + Text(f": {verb} {', '.join(asked)}")
    ]
    e = r.enrollment
    d = r.decision
    row = f" (row {e.row})" if e is not None and e.row else ""
    if e is not None:
        out.append(
            Text("    " + ("predicted: " if dry_run else ""))
            + Text(e.action, style="cyan")
            + Text(f" {show(e.subsequence_name)}{row}: {e.reason}")
        )
    elif d is not None:
        out.append(Text(f"    no subsequence change: {d.rule} (row {d.row})", style="dim"))
    elif c.tag is not None or c.clear_tag:
        out.append(Text("    no subsequence change", style="dim"))
    if d is not None and d.note:
        out.append(Text(f"    note: {d.note}", style="dim"))
    if lead is not None and not dry_run:
        sub = lead.subsequence
        now = f"    now: status {lead.status}" + (
            f", subsequence {show(sub.name)} ({sub.status})" if sub else ""
        )
        out.append(Text(now, style="dim"))
    return out
