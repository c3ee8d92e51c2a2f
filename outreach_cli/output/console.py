"""The Output object: two consoles (stdout for data, stderr for the rest) and the format."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from rich.text import Text

from ..documents import Diagnostic
from ..plan import CampaignPlan, Plan
from ..yamlerrors import excerpt
from .envelope import (
    apply_to_json,
    campaign_json,
    diagnostic_entry,
    dumps,
    envelope,
    error_entry,
    exception_entry,
    plan_errors,
    plan_to_json,
)
from .leads import LeadViews
from .markdown import diagnostics_markdown, github_annotation, markdown_table, plan_markdown
from .plan_text import campaign_lines, confirm_lines, plan_lines, tally_line
from .progress import Ticker
from .sanitize import SafeConsole, Trusted, csv_cell, safe
from .tables import STATE, STATE_LAYOUT, STATUS, STATUS_LAYOUT, Layout, table_lines

UNLIMITED = 1_000_000  # columns of a pipe: no table is cut, no line wrapped


class Output(LeadViews):
    """Two consoles (stdout for data, stderr for the rest) and the chosen format."""

    def __init__(
        self,
        fmt: str = "text",
        *,
        color: bool | None = None,
        width: int | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        command: str = "outreach",
    ) -> None:
        self.format = fmt
        self.command = command  # the envelope's `kind`
        no_color = color is False or (color is None and "NO_COLOR" in os.environ)
        kw: dict[str, Any] = {
            "highlight": False,
            "soft_wrap": True,
            "width": width,
            "no_color": no_color,
            "emoji": False,
        }
        if color is False:
            kw["color_system"] = None
        if color is True:
            kw["force_terminal"] = True
        # Every byte goes through a SafeStream: text that did not come from outreach never
        # drives the terminal, and no value read from the environment is shown (sanitize.py).
        self.out = SafeConsole(file=safe(stdout or sys.stdout), **kw)
        # Laid out for a width only when there is one: a terminal's, or one given. Piped or
        # redirected with no COLUMNS (cron, CI, `| grep`), nothing is cut or wrapped: tables
        # keep full rows and each message stays one line.
        self.wrap: int | None = (
            width if width is not None else (self.out.width if self.out.is_terminal else None)
        )
        if width is None and not self.out.is_terminal and "COLUMNS" not in os.environ:
            self.out.width = UNLIMITED
        self.err = SafeConsole(file=safe(stderr or sys.stderr), stderr=stderr is None, **kw)
        # Messages on a terminal wrap between words (left to the terminal, a long warning was
        # cut mid-word at 80 columns); piped or in a CI log, each message stays one line.
        self.err.soft_wrap = not self.err.is_terminal
        self._ready: dict[int, Any] = {}  # id(campaign plan) → its part, rendered by prepare()
        self._printed: set[int] = set()  # id(campaign plan) of the blocks already on stdout
        self._shown: set[str] = set()  # addresses whose apply outcome is already on stderr
        self._ticker: Ticker | None = None
        self._warnings: list[dict[str, Any]] = []  # for the envelope's errors (warning())

    # -- generic ------------------------------------------------------------------------------

    def error(self, message: str, hint: str | None = None) -> None:
        line = Text("error: ", style="bold red") + Text(message)
        self.err.print(line)
        if hint:
            self.err.print(Text("hint: ", style="yellow") + Text(hint))

    def warn(self, message: str) -> None:
        self.err.print(Text("warning: ", style="yellow") + Text(message))

    def warning(
        self, message: str, *, code: str, hint: str | None = None, campaign: str | None = None
    ) -> None:
        """A warning about the command's input (an orphan in state): on stderr, and in the
        JSON envelope's `errors`, which holds every warning."""
        self.warn(f"{message} ({hint})" if hint else message)
        self._warnings.append(
            error_entry(message, code=code, hint=hint, campaign=campaign, severity="warning")
        )

    def file_warning(self, diagnostic: Diagnostic) -> None:
        """A file's warning diagnostic, on stderr and in the envelope's `errors` (warning)."""
        # Its text already says "warning:" after the place (`file:line:col: path: warning: …`).
        self.err.print(Text(str(diagnostic), style="yellow"))
        self._warnings.append(diagnostic_entry(diagnostic))

    def info(self, message: str) -> None:
        self.err.print(Text(message, style="dim"))

    def json(
        self,
        data: Any,
        *,
        exit_code: int = 0,
        errors: list[Any] | None = None,
        kind: str | None = None,
    ) -> None:
        """The envelope (envelope.schema.json): kind, ok (exit code 0 or 2), data, errors."""
        doc = envelope(kind or self.command, data, exit_code, [*(errors or []), *self._warnings])
        # print() rather than Console: JSON must reach stdout byte-exact, never wrapped.
        print(dumps(doc), file=self.out.file)

    def failure(self, exc: Any) -> None:
        """An error that stopped the command (the guard's): the envelope, or error: + hint."""
        if self.format == "json":
            self.json(None, exit_code=int(exc.exit_code), errors=[exception_entry(exc)])
        else:
            self.error(exc.message, exc.hint)

    def stopped(self, exit_code: int, word: str) -> None:
        """Ctrl-C or SIGTERM stopped the command before it had a result."""
        if self.format == "json":
            self.json(None, exit_code=exit_code, errors=[error_entry(word, code="interrupted")])
        else:
            self.err.print(Text(word, style="red"))

    # -- validate ----------------------------------------------------------------------------

    def diagnostics(
        self, diags: list[Diagnostic], files: int, docs: int, exit_code: int | None = None
    ) -> None:
        n_err = sum(1 for d in diags if d.severity == "error")
        if exit_code is None:
            exit_code = 1 if n_err else 0
        if self.format == "json":
            # Another command stopped by invalid files has no result of its own: data null,
            # the diagnostics in errors.
            data = (
                {"files": files, "documents": docs, "diagnostics": [d.__dict__ for d in diags]}
                if self.command in ("validate", "lint")
                else None
            )
            self.json(data, exit_code=exit_code, errors=[diagnostic_entry(d) for d in diags])
            return
        n_warn = len(diags) - n_err
        summary = f"{docs} campaign(s) in {files} file(s): {n_err} error(s), {n_warn} warning(s)"
        if self.format == "github":
            # GitHub's workflow commands: each becomes an annotation on the file's line.
            for d in diags:
                print(github_annotation(d), file=self.out.file)
            print(summary, file=self.out.file)
            return
        if diags:
            lines: list[Text] = []
            for d in diags:
                lines.append(Text(str(d), style="red" if d.severity == "error" else "yellow"))
                if d.code == "yaml-syntax":  # the line itself, a caret under the column
                    lines.extend(Text(x, style="dim") for x in excerpt(d.file, d.line, d.col))
            self.err.print(Text("\n").join(lines))
        if self.format == "markdown":
            # The pull-request comment names each problem where it is, not only a count.
            print(diagnostics_markdown(self.command, summary, diags), file=self.out.file)
        else:
            self.err.print(Text(summary, style="bold" if not n_err else "bold red"))

    # -- plan -------------------------------------------------------------------------------------

    # -- progress ---------------------------------------------------------------------------

    def start_counter(self, total: int, verb: str) -> None:
        """A live "12/200 read, 9 s" on stderr while a long run waits, on a terminal only."""
        self.stop_counter()
        # The ticker writes only its own count and codes: the terminal itself, not the
        # SafeStream (which would show its carriage return and erase code escaped).
        raw = getattr(self.err.file, "stream", self.err.file)
        stream = raw if self.err.is_terminal else None
        self._ticker = Ticker(stream, total, verb).start()

    def count(self, n: int = 1) -> None:
        if self._ticker is not None:
            self._ticker.advance(n)

    def stop_counter(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _emit(self, emit: Any) -> None:
        """Write whole lines (`emit()`), the counter out of their way, and flush them."""

        def go() -> None:
            emit()
            self.out.file.flush()
            self.err.file.flush()

        if self._ticker is not None:
            self._ticker.write(go)
        else:
            go()

    # -- plan -------------------------------------------------------------------------------------

    def prepare(self, cp: CampaignPlan) -> None:
        """One campaign's part of the plan, now: plan.build calls this, in file order, as each
        campaign is planned, while the later ones are still being read. Text goes to stdout at
        once (a person sees the first campaign within one read of it); the JSON part waits
        for the envelope; the markdown comment needs the whole plan (rendered at the end)."""
        if self.format == "json":
            self._ready[id(cp)] = campaign_json(cp)
        elif self.format == "text":
            part = self._campaign_text(cp)
            self._emit(lambda: self.out.file.write(part))
            self._printed.add(id(cp))

    def _campaign_text(self, cp: CampaignPlan) -> str:
        with self.out.capture() as captured:  # exactly what print() would have written
            self.out.print(Text("\n").join([*campaign_lines(cp, self.wrap), Text("")]))
        return captured.get()

    def plan(self, plan: Plan, exit_code: int | None = None) -> None:
        ready = [self._ready.get(id(cp)) for cp in plan.campaigns]
        prepared = all(r is not None for r in ready)
        if self.format == "json":
            code = int(plan.exit_code()) if exit_code is None else exit_code
            data = plan_to_json(plan, ready if prepared else None)
            self.json(data, exit_code=code, errors=plan_errors(plan))
        elif self.format == "markdown":
            print(plan_markdown(plan, warnings=self._warnings), file=self.out.file)
        elif any(id(cp) in self._printed for cp in plan.campaigns):
            # Streamed by prepare(): what is left (if any), then the tally.
            self.out.file.write(
                Trusted(
                    "".join(  # rendered by rich (SafeConsole)
                        self._campaign_text(cp)
                        for cp in plan.campaigns
                        if id(cp) not in self._printed
                    )
                )
            )
            self.out.print(Text(tally_line(plan), style="bold"))
        else:
            # One print for the whole plan: rich's per-call overhead was most of the rendering.
            self.out.print(Text("\n").join(plan_lines(plan, self.wrap)))

    def confirm_lines(self, plan: Plan) -> None:
        """What apply is about to do, before the question (stderr)."""
        for line in confirm_lines(plan):
            self.err.print(line)

    def outcomes(self, report: Any, plan: Plan | None = None, exit_code: int | None = None) -> None:
        if self.format == "json":
            data, errors = apply_to_json(plan or Plan(()), report)
            code = int(report.exit_code()) if exit_code is None else exit_code
            if code in (130, 143):  # cut short: said as an error, as the text summary says it
                errors.append(
                    error_entry("interrupted" if code == 130 else "terminated", code="interrupted")
                )
            self.json(data, exit_code=code, errors=errors)
            return
        lines = [outcome_line(o) for o in report.outcomes if o.address not in self._shown]
        s = _apply_summary(report)
        lines.append(
            Text(
                f"Apply: {s['applied']} applied, {s['unchanged']} unchanged, "
                f"{s['blocked']} blocked, {s['failed']} failed"
                + (f", {s['drifted']} drifted" if s["drifted"] else "")
                + (
                    f", {s['interrupted']} interrupted, {s['skipped']} not started"
                    if getattr(report, "interrupted", False)
                    else ""
                )
                + _rate_limited(report),
                style="bold",
            )
        )
        self.err.print(Text("\n").join(lines))

    def applied(self, outcome: Any) -> None:
        """One campaign's apply outcome the moment it is known (any thread): on stderr, the
        counter moved; outcomes() then prints only the ones not shown and the summary."""
        if self.format == "json":
            return
        line = outcome_line(outcome)
        self._emit(lambda: self.err.print(line))
        self._shown.add(outcome.address)
        self.count()

    def table(
        self,
        title: str,
        columns: list[str],
        rows: Iterable[list[Any]],
        layout: Layout | None = None,
    ) -> None:
        """Rows as a table laid out for the width (tables.py): ids never wrapped or cut,
        columns dropped or rows made blocks when narrow; through a pipe, one line a row."""
        rows = list(rows)
        if self.format == "json":
            self.json([dict(zip(columns, r, strict=False)) for r in rows])
            return
        if self.format == "markdown":
            print(markdown_table(columns, rows), file=self.out.file)
            return
        cells = [["" if c is None else str(c) for c in r] for r in rows]
        lines, dropped = table_lines(title, columns, cells, layout or Layout(), self.out.width)
        for line in lines:
            self.out.print(line)
        if dropped:
            self.info(
                f"{', '.join(dropped)} not shown at {self.out.width} columns (a wider "
                "terminal, `| cat` or --format json shows every column)"
            )

    def state_table(self, rows: list[list[Any]]) -> None:
        """`state list`: campaign, id, revision, applied at."""
        self.table("state", STATE, rows, STATE_LAYOUT)

    def status_table(self, rows: list[list[Any]]) -> None:
        """`status`: campaign, id, status, leads, stats (Provider.summary's strings)."""
        self.table("campaigns", STATUS, rows, STATUS_LAYOUT)

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

            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=self.err,
                transient=True,
            ) as prog:
                task = prog.add_task(description, total=total)
                yield lambda n=1: prog.advance(task, n)

        return bar()

    def csv(self, columns: list[str], rows: Iterable[list[Any]]) -> None:
        """Rows as CSV on stdout (None as an empty cell; a cell a spreadsheet would run as a
        formula made text, sanitize.csv_cell)."""
        import csv as csvmod

        writer = csvmod.writer(self.out.file, lineterminator="\n")
        writer.writerow([csv_cell(c) for c in columns])
        for r in rows:
            # true/false as JSON and the platforms write them, not Python's True/False.
            writer.writerow(
                [
                    ""
                    if c is None
                    else ("true" if c else "false")
                    if isinstance(c, bool)
                    else csv_cell(c)
                    for c in r
                ]
            )

    def events(self, events: list[dict[str, Any]]) -> None:
        """The sandbox's event log: one line each (time, platform, event, campaign, details),
        or the envelope; none found is said, on stderr."""
        if self.format == "json":
            self.json(events)
            return
        if not events:
            self.info("No events (mail is sent and leads move on with `outreach sandbox tick`).")
            return
        for e in events:
            detail = " ".join(
                f"{k}={v}"
                for k, v in sorted(e["data"].items())
                if v is not None and k not in ("campaignId", "campaign_id")
            )
            self.out.print(
                Text(
                    f"{e['at'] or '-'}  {e['provider']:<7}  {e['event']}  "
                    f"campaign {e['campaign'] or '-'}  {detail}".rstrip()
                )
            )

    def tick(self, seconds: float, summary: dict[str, Any]) -> None:
        """What `sandbox tick` did: the time advanced in words, then each platform's counts."""
        if self.format == "json":
            self.json({"advancedSeconds": seconds, "providers": summary})
            return
        self.out.print(Text(f"Advanced the sandbox's time by {duration(seconds)}."))
        for name, counts in sorted(summary.items()):
            said = [
                f"{words(k)}: {v}"
                for k, v in counts.items()
                if k not in ("now", "seconds", "advanced", "provider")
            ]
            self.out.print(Text(f"  {name}: " + (", ".join(said) or "nothing to do")))


def _rate_limited(report: Any) -> str:
    n = getattr(report, "rate_limited", 0)
    return (
        f"; {n} request{'s' if n != 1 else ''} answered 429 (rate limit), retried after Retry-After"
        if n
        else ""
    )


def duration(seconds: float) -> str:
    """`3 days`, `1 day 6 hours`, `45 minutes`: the largest units, no decimals."""
    left = int(round(seconds))
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        n, left = divmod(left, size)
        if n:
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
    return " ".join(parts[:2]) or "0 seconds"


def words(name: str) -> str:
    """`emailsSent` → `emails sent`."""
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()


def outcome_line(o: Any) -> Text:
    style = {
        "applied": "green",
        "unchanged": "dim",
        "blocked": "yellow",
        "failed": "red",
        "drifted": "red",
        "interrupted": "red",
        "skipped": "yellow",
    }.get(o.result, "")
    line = Text(f"{o.result:>9} ", style=style) + Text(o.address)
    if o.id:
        line += Text(f" ({o.id})", style="dim")
    if o.actions:
        line += Text(" " + ", ".join(o.actions))
    if o.message:
        line += Text(f": {o.message}")
    return line


def _apply_summary(report: Any) -> dict[str, int]:
    return {
        k: report.count(k)
        for k in ("applied", "unchanged", "blocked", "failed", "drifted", "interrupted", "skipped")
    }
