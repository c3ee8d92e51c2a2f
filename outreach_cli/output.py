"""Rendering: Rich for terminals, a versioned JSON envelope, markdown for PR comments.

The only module that imports rich. Data goes to stdout, progress and diagnostics to stderr.
Untrusted text (campaign names, server messages) is never parsed as Rich markup.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .documents import Diagnostic
from .plan import CampaignPlan, Plan, PlannedChange

ENVELOPE_VERSION = 1
SENSITIVE = "(sensitive)"
LONG_TEXT = ("subject", "body", "signature", "message", "body_html")


class Output:
    """Two consoles (stdout for data, stderr for the rest) and the chosen format."""

    def __init__(self, fmt: str = "text", *, color: bool | None = None, width: int | None = None,
                 stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.format = fmt
        no_color = color is False or (color is None and "NO_COLOR" in os.environ)
        kw: dict[str, Any] = {"highlight": False, "soft_wrap": True, "width": width,
                              "no_color": no_color, "emoji": False}
        if color is False:
            kw["color_system"] = None
        if color is True:
            kw["force_terminal"] = True
        self.out = Console(file=stdout or sys.stdout, **kw)
        self.err = Console(file=stderr or sys.stderr, stderr=stderr is None, **kw)

    # -- generic ------------------------------------------------------------------------------

    def error(self, message: str, hint: str | None = None) -> None:
        line = Text("error: ", style="bold red") + Text(message)
        self.err.print(line)
        if hint:
            self.err.print(Text("hint: ", style="yellow") + Text(hint))

    def warn(self, message: str) -> None:
        self.err.print(Text("warning: ", style="yellow") + Text(message))

    def info(self, message: str) -> None:
        self.err.print(Text(message, style="dim"))

    def json(self, kind: str, data: Any, *, ok: bool = True, errors: list[Any] | None = None) -> None:
        envelope = {"version": ENVELOPE_VERSION, "kind": kind, "ok": ok, "data": data,
                    "errors": errors or []}
        # print() rather than Console: JSON must reach stdout byte-exact, never wrapped.
        print(json.dumps(envelope, indent=2, sort_keys=True, ensure_ascii=False, default=str),
              file=self.out.file)

    # -- validate ----------------------------------------------------------------------------

    def diagnostics(self, diags: list[Diagnostic], files: int, docs: int) -> None:
        if self.format == "json":
            self.json("validate", {"files": files, "documents": docs,
                                   "diagnostics": [d.__dict__ for d in diags]},
                      ok=not any(d.severity == "error" for d in diags))
            return
        for d in diags:
            style = "red" if d.severity == "error" else "yellow"
            self.err.print(Text(str(d), style=style))
        n_err = sum(1 for d in diags if d.severity == "error")
        n_warn = len(diags) - n_err
        summary = f"{docs} campaign(s) in {files} file(s): {n_err} error(s), {n_warn} warning(s)"
        if self.format == "markdown":
            print(f"**validate**: {summary}", file=self.out.file)
        else:
            self.err.print(Text(summary, style="bold" if not n_err else "bold red"))

    # -- plan -------------------------------------------------------------------------------------

    def plan(self, plan: Plan) -> None:
        if self.format == "json":
            self.json("plan", plan_to_json(plan), ok=not plan.errors)
        elif self.format == "markdown":
            print(plan_markdown(plan), file=self.out.file)
        else:
            for line in plan_lines(plan):
                self.out.print(line)

    def outcomes(self, report: Any) -> None:
        if self.format == "json":
            self.json("apply", {"outcomes": [o.__dict__ for o in report.outcomes],
                                "summary": _apply_summary(report)},
                      ok=not (report.count("failed") or report.count("drifted")))
            return
        for o in report.outcomes:
            style = {"applied": "green", "unchanged": "dim", "blocked": "yellow",
                     "failed": "red", "drifted": "red"}[o.result]
            line = Text(f"{o.result:>9} ", style=style) + Text(o.address)
            if o.id:
                line += Text(f" ({o.id})", style="dim")
            if o.actions:
                line += Text(" " + ", ".join(o.actions))
            if o.message:
                line += Text(f": {o.message}")
            self.err.print(line)
        s = _apply_summary(report)
        self.err.print(Text(
            f"Apply: {s['applied']} applied, {s['unchanged']} unchanged, {s['blocked']} blocked, "
            f"{s['failed']} failed" + (f", {s['drifted']} drifted" if s["drifted"] else ""),
            style="bold"))

    def table(self, title: str, columns: list[str], rows: Iterable[list[Any]]) -> None:
        rows = list(rows)
        if self.format == "json":
            self.json(title, [dict(zip(columns, r)) for r in rows])
            return
        if self.format == "markdown":
            print("| " + " | ".join(columns) + " |", file=self.out.file)
            print("|" + "---|" * len(columns), file=self.out.file)
            for r in rows:
                print("| " + " | ".join(str(c) for c in r) + " |", file=self.out.file)
            return
        t = Table(title=title, title_justify="left")
        for c in columns:
            t.add_column(c)
        for r in rows:
            t.add_row(*[Text("" if c is None else str(c)) for c in r])
        self.out.print(t)

    def raw(self, text: str) -> None:
        print(text, file=self.out.file)

    # -- leads (issue 5) ---------------------------------------------------------------------

    def progress(self, total: int, description: str) -> Any:
        """A context manager yielding `advance(n)`: a progress bar on stderr while a bulk
        operation runs, only when stderr is a terminal and the format is text (thread-safe)."""
        import contextlib

        @contextlib.contextmanager
        def bar() -> Any:
            if self.format != "text" or not self.err.is_terminal or total <= 0:
                yield lambda n=1: None
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          console=self.err, transient=True) as prog:
                task = prog.add_task(description, total=total)
                yield lambda n=1: prog.advance(task, n)

        return bar()

    def csv(self, columns: list[str], rows: Iterable[list[Any]]) -> None:
        """Rows as CSV on stdout (None as an empty cell)."""
        import csv as csvmod

        writer = csvmod.writer(self.out.file, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if c is None else c for c in r])

    def leads(self, leads: list[Any], title: str = "leads") -> None:
        """A campaign's leads: a table, one JSON record per lead, or CSV."""
        records = [lead.record() for lead in leads]
        if self.format == "json":
            self.json("leads", records)
            return
        if self.format == "csv":
            columns = list(dict.fromkeys(k for r in records for k in r)) or list(
                LEAD_COLUMNS)
            self.csv(columns, [[r.get(c) for c in columns] for r in records])
            return
        t = Table(title=title, title_justify="left")
        for col in LEAD_COLUMNS:
            # ids and emails are copied from here: never cut or folded
            t.add_column(col, no_wrap=col in ("id", "email"))
        for lead in leads:
            sub = lead.subsequence
            shown = "" if sub is None else sub.name + ("" if sub.active else f" ({sub.status})")
            t.add_row(*[Text(str(v)) for v in (lead.id, lead.email or "", lead.status,
                                               lead.ai_tag or "",
                                               "" if lead.step is None else lead.step, shown)])
        self.out.print(t)
        self.info(f"{len(leads)} lead(s)")

    def leads_added(self, report: Any, source: str = "") -> None:
        """The outcome of `leads add`: failed rows by line, then a summary table."""
        counts = {"added": report.added, "skipped": report.skipped,
                  "failed": len(report.failed)}
        accepted = sum(1 for r in report.rows if r.result == "accepted")
        if self.format == "json":
            self.json("leads.add", {
                "summary": {**counts, "rows": len(report.rows), "requests": report.requests},
                "leads": [{"line": r.line, "lead": r.identity, "result": r.result,
                           "reason": r.reason or None} for r in report.rows]},
                ok=not report.failed)
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
            self.json("leads.update", {
                "dryRun": report.dry_run,
                "summary": _update_summary(report),
                "leads": [r.record() for r in report.results]},
                ok=not (report.count("refused") or report.count("failed")))
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


def _apply_summary(report: Any) -> dict[str, int]:
    return {k: report.count(k) for k in ("applied", "unchanged", "blocked", "failed", "drifted")}


# -- plan rendering (pure functions: testable at a fixed width, colour off) ---------------------

SYMBOL = {"create": "+", "update": "~", "noop": "=", "error": "x", "blocked": "!"}


def _symbol(cp: CampaignPlan) -> str:
    if cp.action == "error":
        return SYMBOL["error"]
    if cp.blocked:
        return SYMBOL["blocked"]
    if cp.action == "update" and not cp.has_changes:
        return SYMBOL["noop"]
    return SYMBOL[cp.action]


def show(value: Any, sensitive: bool = False) -> str:
    if sensitive:
        return SENSITIVE
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "(unset)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


PREVIEW = 72


def _short(value: Any) -> str:
    text = show(value)
    if isinstance(value, str) and ("\n" in value or len(text) > PREVIEW):
        first = value.strip().splitlines()[0] if value.strip() else ""
        return json.dumps(first[:PREVIEW - 10], ensure_ascii=False)[:-1] + f'…" ({len(value)} chars)'
    return text


def _nested(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) or (
        isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value))


def block(value: Any, indent: int) -> list[str]:
    """A nested value as indented YAML-like lines, long strings cut to one line."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if _nested(v):
                out.append(f"{pad}{k}:")
                out.extend(block(v, indent + 2))
            else:
                out.append(f"{pad}{k}: {_short(v)}")
    elif isinstance(value, list):
        for item in value:
            if _nested(item):
                inner = block(item, indent + 2)
                out.append(f"{pad}- {inner[0].strip()}")
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {_short(item)}")
    else:
        out.append(pad + _short(value))
    return out


def human_duration(change: PlannedChange) -> str:
    """Delays in human units beside the raw number: `waitDays: 3 → 5 (5 days)`."""
    name = change.change.path[-1] if change.change.path else ""
    value = change.change.new
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    units = {"waitDays": "day", "waitHours": "hour", "delay_days": "day", "delay_hours": "hour",
             "delay_minutes": "minute", "delay": "day", "secondsToWait": "second"}
    unit = units.get(str(name))
    return f" ({value:g} {unit}{'s' if value != 1 else ''})" if unit else ""


def change_lines(pc: PlannedChange) -> list[Text]:
    c = pc.change
    mark = {"add": "+", "change": "~", "remove": "-"}[c.op]
    style = {"add": "green", "change": "yellow", "remove": "red"}[c.op]
    if not pc.verdict.allowed:
        mark, style = "!", "bold red"
    head = Text(f"    {mark} ", style=style) + Text(c.dotted, style="bold")
    lines: list[Text] = []
    long_text = (isinstance(c.old, str) and isinstance(c.new, str) and not c.sensitive and
                 (str(c.path[-1]) in LONG_TEXT or "\n" in c.old or "\n" in c.new))
    if long_text:
        lines.append(head + Text(":"))
        for d in difflib.unified_diff(c.old.splitlines(), c.new.splitlines(), "remote", "file",
                                      lineterm="", n=2):
            if d.startswith(("---", "+++")):
                continue
            dstyle = "green" if d.startswith("+") else "red" if d.startswith("-") else "cyan" \
                if d.startswith("@@") else ""
            lines.append(Text("        " + d, style=dstyle))
    elif c.op == "add" and _nested(c.new) and not c.sensitive:
        lines.append(head + Text(":"))
        lines.extend(Text(line, style="green") for line in block(c.new, 8))
    elif c.op == "add":
        lines.append(head + Text(": " + show(c.new, c.sensitive) + human_duration(pc)))
    elif c.op == "remove":
        lines.append(head + Text(": " + show(c.old, c.sensitive) + " (removed)"))
    else:
        if c.sensitive:
            lines.append(head + Text(f": {SENSITIVE} (changes)"))
        else:
            lines.append(head + Text(f": {show(c.old)} → {show(c.new)}" + human_duration(pc)))
    if pc.note:
        lines.append(Text(f"        note: {pc.note}", style="dim"))
    if pc.verdict.note and pc.verdict.allowed:
        lines.append(Text(f"        note: {pc.verdict.note}", style="cyan"))
    if not pc.verdict.allowed:
        lines.append(Text(f"        blocked: {pc.verdict.reason}", style="red"))
        if pc.verdict.remedy:
            lines.append(Text(f"        instead: {pc.verdict.remedy}", style="yellow"))
    return lines


def campaign_lines(cp: CampaignPlan) -> list[Text]:
    sym = _symbol(cp)
    style = {"+": "green", "~": "yellow", "=": "dim", "!": "bold red", "x": "bold red"}[sym]
    head = Text(f"{sym} ", style=style) + Text(cp.address, style="bold")
    where = f"  {cp.doc.file}"
    if cp.remote is not None:
        where += f"  [{cp.remote.id}, {cp.remote.status}]"
    lines = [head + Text(where, style="dim")]
    if cp.action == "error":
        lines.append(Text(f"    error: {cp.error}", style="red"))
        return lines
    if cp.action == "create":
        lines.append(Text(f"    create {cp.doc.provider} campaign {show(cp.name)}", style="green"))
    for pc in cp.changes:
        lines.extend(change_lines(pc))
    for act in cp.lifecycle.actions:
        lines.append(Text(f"    > {act}", style="cyan"))
    if cp.lifecycle.blocked:
        lines.append(Text(f"    ! status: {cp.doc.status}: {cp.lifecycle.blocked}", style="red"))
        if cp.lifecycle.remedy:
            lines.append(Text(f"        instead: {cp.lifecycle.remedy}", style="yellow"))
    for note in cp.notes:
        lines.append(Text(f"    note: {note}", style="dim"))
    return lines


def tally_line(plan: Plan) -> str:
    t = plan.tally()
    return (f"Plan: {t['create']} to create, {t['update']} to update, {t['noop']} unchanged, "
            f"{t['blocked']} blocked" + (f", {t['error']} failed" if t["error"] else "") + ".")


def plan_lines(plan: Plan) -> list[Text]:
    out: list[Text] = []
    for cp in plan.campaigns:
        out.extend(campaign_lines(cp))
        out.append(Text(""))
    out.append(Text(tally_line(plan), style="bold"))
    return out


MARKDOWN_LIMIT = 60_000  # GitHub comments stop at 65,536 characters


def plan_markdown(plan: Plan) -> str:
    t = plan.tally()
    head = [f"### outreach plan: {t['create']} to create, {t['update']} to update, "
            f"{t['noop']} unchanged, {t['blocked']} blocked, {t['error']} failed", "",
            "| | campaign | changes |", "|---|---|---|"]
    for cp in plan.campaigns:
        n = len(cp.changes) + len(cp.lifecycle.actions)
        head.append(f"| `{_symbol(cp)}` | `{cp.address}` | {n} |")
    body = []
    for cp in plan.campaigns:
        text = "\n".join(line.plain for line in campaign_lines(cp))
        body.append(f"<details><summary><code>{cp.address}</code></summary>\n\n```diff\n"
                    f"{text}\n```\n</details>")
    out = "\n".join(head) + "\n\n" + "\n".join(body)
    if len(out) > MARKDOWN_LIMIT:
        out = out[:MARKDOWN_LIMIT] + "\n\n… (truncated; run `outreach plan` for the rest)\n"
    return out


def plan_to_json(plan: Plan) -> dict[str, Any]:
    def change(pc: PlannedChange) -> dict[str, Any]:
        c = pc.change
        return {"path": c.dotted, "op": c.op,
                "old": SENSITIVE if c.sensitive and c.old is not None else c.old,
                "new": SENSITIVE if c.sensitive else c.new, "sensitive": c.sensitive,
                "allowed": pc.verdict.allowed, "reason": pc.verdict.reason or None,
                "remedy": pc.verdict.remedy or None, "note": pc.note or pc.verdict.note or None}

    return {
        "summary": plan.tally(),
        "campaigns": [
            {"address": cp.address, "file": cp.doc.file, "provider": cp.doc.provider,
             "key": cp.doc.key, "action": cp.action, "blocked": cp.blocked,
             "id": cp.remote.id if cp.remote else None,
             "status": cp.remote.status if cp.remote else None,
             "revision": cp.remote.revision if cp.remote else None,
             "changes": [change(pc) for pc in cp.changes],
             "lifecycle": list(cp.lifecycle.actions),
             "lifecycleBlocked": cp.lifecycle.blocked or None,
             "notes": list(cp.notes), "error": cp.error}
            for cp in plan.campaigns
        ],
    }
