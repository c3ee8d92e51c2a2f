"""`outreach lint PATH…`: validate plus the copy checks; `--strict` makes warnings fail.

Thin: parse, call `outreach_cli.lint`, print as validate prints, exit.
"""

from __future__ import annotations

import typer

from ..errors import ExitCode
from . import common as c


def lint_cmd(
    paths: list[str] = c.Paths,
    strict: bool = typer.Option(
        False, "--strict", help="Warnings count as errors: exit 1 on any (for CI)."
    ),
    spamassassin: bool = typer.Option(
        False,
        "--spamassassin",
        help="Score each email with a local SpamAssassin (its network tests off), when installed.",
    ),
    fmt: str = c.FormatOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Check campaign files as validate does, and their copy for what gets cold email flagged:
    spam phrases, links, shorteners, capitals, a fake Re:, size, unsubscribe, tracking."""
    out = c.make_output(fmt, no_color, "lint")
    with c.guard(out):
        from ..lint import lint_paths, spamassassin_missing, spamassassin_path

        if spamassassin and spamassassin_path() is None:
            out.warn(spamassassin_missing().reason)
            spamassassin = False
        from ..project import discover

        result = lint_paths(
            c.project_paths(paths), spamassassin=spamassassin, strict=strict, project=discover()
        )
        out.diagnostics(result.diagnostics, result.files, result.count)
        if result.errors:
            raise typer.Exit(int(ExitCode.ERROR))


def register(app: typer.Typer) -> None:
    app.command("lint", cls=c.Command)(lint_cmd)
