"""Options shared by several commands, and the one place errors become exit codes."""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import typer

from ..errors import ExitCode, OutreachError

if TYPE_CHECKING:
    from ..output import Output

FORMATS = ("text", "json", "markdown")

Paths = typer.Argument(..., help="Campaign files or folders (every *.yaml / *.yml below).",
                       show_default=False)
SandboxOpt = typer.Option(False, "--sandbox",
                          help="Run against the embedded emulator (no account, no network).")
FormatOpt = typer.Option("text", "--format", "-f", help="Output format: text, json or markdown.")
NoColorOpt = typer.Option(False, "--no-color", help="Plain output (also: NO_COLOR=1).")
VerboseOpt = typer.Option(False, "--verbose", "-v",
                          help="Log HTTP requests (credentials redacted) and show tracebacks.")
TargetOpt = typer.Option(None, "--target", "-t",
                         help="Only campaigns whose key or provider/key matches (glob; repeat).")
ExcludeOpt = typer.Option(None, "--exclude", "-x",
                          help="Skip campaigns whose key or provider/key matches (glob; repeat).")
StateDirOpt = typer.Option(".outreach", "--state-dir",
                           help="Where state.json (and the sandbox database) live.")
ConcurrencyOpt = typer.Option(4, "--concurrency", min=1, max=32,
                              help="Campaigns read and applied at once.")


def make_output(fmt: str, no_color: bool) -> Output:
    from ..output import Output

    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of: {', '.join(FORMATS)}",
                                 param_hint="--format")
    return Output(fmt, color=False if no_color else None)


def setup_logging(verbose: bool) -> None:
    if verbose:
        logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                            format="%(name)s: %(message)s")
        logging.getLogger("outreach").setLevel(logging.DEBUG)


def select(docs: list[Any], targets: list[str] | None, excludes: list[str] | None) -> list[Any]:
    def hit(doc: Any, patterns: list[str]) -> bool:
        return any(fnmatch.fnmatchcase(doc.key, p) or fnmatch.fnmatchcase(doc.address, p)
                   for p in patterns)

    out = [d for d in docs if not targets or hit(d, targets)]
    return [d for d in out if not excludes or not hit(d, excludes)]


@contextlib.contextmanager
def guard(out: Output | None, verbose: bool = False) -> Iterator[None]:
    """Translate errors into a message on stderr and a documented exit code."""
    try:
        yield
    except OutreachError as exc:
        if verbose:
            import traceback

            traceback.print_exc()
        if out is not None:
            if out.format == "json":
                out.json("error", None, ok=False,
                         errors=[{"message": exc.message, "hint": exc.hint}])
            else:
                out.error(exc.message, exc.hint)
        else:
            typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
