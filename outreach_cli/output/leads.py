"""How `leads list`, `leads add` and `leads update` print: tables, per-row lines, JSON."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from .envelope import error_entry
from . import fasttable
from .plan_text import show


class LeadViews:
    """The lead commands' renderings, mixed into Output (which provides json/table/out/err)."""

    format: str
    out: Any
    err: Any

    def json(self, data: Any, *, exit_code: int = 0, errors: list[Any] | None = None,
             kind: str | None = None) -> None: ...

    def csv(self, columns: list[str], rows: Any) -> None: ...

    def table(self, title: str, columns: list[str], rows: Any) -> None: ...

    def info(self, message: str) -> None: ...

    def leads(self, leads: list[Any], title: str = "leads") -> None:
        """A campaign's leads: a table, one JSON record per lead, or CSV."""
        if self.format == "json":
            self.json([lead.record() for lead in leads])
            return
        if self.format == "csv":
            records = [lead.record() for lead in leads]
            columns = list(dict.fromkeys(k for r in records for k in r)) or list(
                LEAD_COLUMNS)
            self.csv(columns, [[r.get(c) for c in columns] for r in records])
            return
        rows = []
        for lead in leads:
            sub = lead.subsequence
            shown = "" if sub is None else sub.name + ("" if sub.active else f" ({sub.status})")
            rows.append([str(v) for v in (lead.id, lead.email or "", lead.status,
                                          lead.ai_tag or "",
                                          "" if lead.step is None else lead.step, shown)])
        drawn = fasttable.render(self.out, title, LEAD_COLUMNS, rows)
        if drawn is not None:
            self.out.file.write(drawn)  # what rich would print, without its per-cell cost
        else:
            t = Table(title=title, title_justify="left")
            for col in LEAD_COLUMNS:
                # ids and emails are copied from here: never cut or folded
                t.add_column(col, no_wrap=col in ("id", "email"))
            for row in rows:
                t.add_row(*[Text(v) for v in row])
            self.out.print(t)
        self.info(f"{len(leads)} lead(s)")

    def leads_added(self, report: Any, source: str = "") -> None:
        """The outcome of `leads add`: failed rows by line, then a summary table."""
        counts = {"added": report.added, "skipped": report.skipped,
                  "failed": len(report.failed)}
        accepted = sum(1 for r in report.rows if r.result == "accepted")
        if self.format == "json":
            self.json({
                "summary": {**counts, "rows": len(report.rows), "requests": report.requests},
                "leads": [{"line": r.line, "lead": r.identity, "result": r.result,
                           "reason": r.reason or None} for r in report.rows]},
                exit_code=1 if report.failed else 0,
                errors=[error_entry(r.reason, code="lead-failed", file=source or None,
                                    line=r.line, field=r.identity or None)
                        for r in report.failed])
            return
        where = f"{source}:" if source else "line "
        for r in report.failed:
            self.err.print(Text("failed ", style="red") + Text(
                f"{where}{r.line}: {r.identity + ': ' if r.identity else ''}{r.reason}"))
        rows = [[k, v] for k, v in counts.items()]
        if accepted:
            rows.append(["(added or already present)", accepted])
        self.table("leads add", ["result", "leads"], rows)

    def leads_updated(self, report: Any) -> None:
        """The outcome of `leads update` (or its prediction): one block per change, then a
        summary table."""
        if self.format == "json":
            bad = [r for r in report.results if r.result in ("refused", "failed")]
            self.json({
                "dryRun": report.dry_run,
                "summary": _update_summary(report),
                "leads": [r.record() for r in report.results]},
                exit_code=1 if bad else 0,
                errors=[error_entry(f"{r.change.lead_id}: {r.result}: {r.reason}",
                                    code=f"lead-{r.result}", line=r.change.line or None,
                                    field=r.change.lead_id) for r in bad])
            return
        for r in report.results:
            for line in lead_update_lines(r, report.dry_run):
                self.out.print(line)
        s = _update_summary(report)
        done = "predicted" if report.dry_run else "updated"
        rows = [[done, s[done]], ["refused", s["refused"]], ["failed", s["failed"]]]
        rows += [[f"subsequence: {a}", n] for a, n in s["subsequenceEnrollment"].items() if n]
        self.table("leads update" + (" (dry run: nothing sent)" if report.dry_run else ""),
                   ["result", "leads"], rows)


LEAD_COLUMNS = ("id", "email", "status", "aiTag", "step", "subsequence")


def _update_summary(report: Any) -> dict[str, Any]:
    return {"updated": report.count("updated"), "predicted": report.count("predicted"),
            "refused": report.count("refused"), "failed": report.count("failed"),
            "subsequenceEnrollment": report.actions()}


def lead_update_lines(r: Any, dry_run: bool) -> list[Text]:
    """One change of `leads update`: the lead, what changed, the enrollment and why."""
    c = r.change
    where = f"line {c.line}: " if c.line else ""
    if r.result in ("refused", "failed"):
        mark, style = ("!", "yellow") if r.result == "refused" else ("x", "red")
        return [Text(f"{mark} ", style=style) + Text(f"{where}{c.lead_id}: {r.result}: "
                                                     f"{r.reason}")]
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
    out = [Text("~ ", style="yellow") + Text(f"{where}{who}{email}", style="bold")
           + Text(f": {verb} {', '.join(asked)}")]
    e = r.enrollment
    d = r.decision
    row = f" (row {e.row})" if e is not None and e.row else ""
    if e is not None:
        out.append(Text("    " + ("predicted: " if dry_run else ""))
                   + Text(e.action, style="cyan")
                   + Text(f" {show(e.subsequence_name)}{row}: {e.reason}"))
    elif d is not None:
        out.append(Text(f"    no subsequence change: {d.rule} (row {d.row})", style="dim"))
    elif c.tag is not None or c.clear_tag:
        out.append(Text("    no subsequence change", style="dim"))
    if d is not None and d.note:
        out.append(Text(f"    note: {d.note}", style="dim"))
    if lead is not None and not dry_run:
        sub = lead.subsequence
        now = f"    now: status {lead.status}" + (
            f", subsequence {show(sub.name)} ({sub.status})" if sub else "")
        out.append(Text(now, style="dim"))
    return out
