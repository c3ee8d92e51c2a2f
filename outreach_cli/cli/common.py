"""Options shared by several commands, and the one place errors become exit codes."""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

import typer
from typer.core import TyperCommand

from ..errors import ExitCode, OutreachError

if TYPE_CHECKING:
    from ..apply import Report
    from ..output import Output
    from ..plan import Plan

FORMATS = ("text", "json", "markdown")
PROVIDER_NAMES = ("sendkit", "lemlist", "puffle")  # kept beside PROVIDERS (a test checks)


def choices(values: tuple[str, ...]) -> Any:
    """A TAB-completion callback offering `values` (bash, zsh and fish alike)."""

    def complete(incomplete: str) -> list[str]:
        return [v for v in values if v.startswith(incomplete)]

    return complete


def in_range(lo: int, hi: int) -> Any:
    """A callback refusing a number outside lo..hi (the help states the range in words)."""

    def check(value: int | None) -> int | None:
        if value is not None and not lo <= value <= hi:
            raise typer.BadParameter(f"expected a whole number from {lo} to {hi}, got {value}")
        return value

    return check


def at_least(lo: float, hi: float | None = None) -> Any:
    """A callback refusing a number below lo (or above hi)."""

    def check(value: float | None) -> float | None:
        if value is not None and (value < lo or (hi is not None and value > hi)):
            span = f"from {lo:g} to {hi:g}" if hi is not None else f"at least {lo:g}"
            raise typer.BadParameter(f"expected a number {span}, got {value:g}")
        return value

    return check


class Command(TyperCommand):
    """A command whose usage line reads the same under every supported Typer: `[OPTIONS]`,
    then each argument's metavar, bracketed when optional (Typer 0.26+ braces required
    ones)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                continue
            name = param.metavar or (param.name or "").upper()
            pieces.append(name if param.required or name.startswith("[") else f"[{name}]")
        return pieces


# Every option that takes a value names it (FORMAT, KEY, N, PATH…) and lists its choices:
# the help reads the same whatever the installed Typer (whose own type names change).
Paths = typer.Argument(..., metavar="PATH...", show_default=False,
                       help="Campaign files or folders (every *.yaml / *.yml below).")
SandboxOpt = typer.Option(False, "--sandbox",
                          help="Run against the embedded emulator (no account, no network).")
FormatOpt = typer.Option("text", "--format", "-f", metavar="FORMAT",
                         autocompletion=choices(FORMATS),
                         help="Output format: text, json or markdown.")
NoColorOpt = typer.Option(False, "--no-color", help="Plain output (also: NO_COLOR=1).")
VerboseOpt = typer.Option(False, "--verbose", "-v",
                          help="Log HTTP requests (credentials redacted) and show tracebacks.")
TargetOpt = typer.Option(None, "--target", "-t", metavar="KEY", show_default=False,
                         help="Only campaigns whose key or provider/key matches (glob; repeat).")
ExcludeOpt = typer.Option(None, "--exclude", "-x", metavar="KEY", show_default=False,
                          help="Skip campaigns whose key or provider/key matches (glob; repeat).")
StateDirOpt = typer.Option(None, "--state-dir", metavar="DIR", show_default=False,
                           help="Where state.json (and the sandbox database) live (default: "
                           "the project's, .outreach at its root).")
ConcurrencyOpt = typer.Option(4, "--concurrency", metavar="N", callback=in_range(1, 32),
                              help="Campaigns read and applied at once, 1 to 32.")


def make_output(fmt: str, no_color: bool, command: str,
                allowed: tuple[str, ...] = FORMATS) -> Output:
    """The Output of `command` (the JSON envelope's kind), once --format is known good."""
    if fmt not in allowed:
        raise typer.BadParameter(f"{fmt!r} is not one of: {', '.join(allowed)}",
                                 param_hint="--format")
    return cast("Output", _Deferred(fmt, color=False if no_color else None, command=command))


class _Deferred:
    """An Output made on first use. Loading rich and the renderers takes ~15 ms: a plan then
    pays it while its first campaigns are being read (the first `prepare`), not before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._args, self._kwargs = args, kwargs
        self._real: Any = None

    def __getattr__(self, name: str) -> Any:
        if self._real is None:
            from ..output import Output

            self._real = Output(*self._args, **self._kwargs)
        return getattr(self._real, name)


def interactive() -> bool:
    """Whether a person can answer a question on stdin."""
    return sys.stdin.isatty()


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
            out.failure(exc)
        else:
            typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def confirm_and_apply(plan: Plan, out: Output, *, fmt: str, yes: bool,
                      run: Callable[[Plan], Report], question: str | None = None,
                      rate_limited: Callable[[], int] | None = None) -> None:
    """Show the plan, ask (unless --yes), run it, print the outcomes, exit with their code.
    A cancelled apply exits 1: nothing was sent, and that is not a success. `rate_limited`
    counts the 429s the platforms answered, for the summary."""
    import dataclasses

    from ..errors import UsageError
    from ..output import confirm_question

    if fmt != "json":
        out.plan(plan)
    if fmt != "json" and not plan.has_changes and not plan.errors:
        out.info("Nothing to apply.")
        raise typer.Exit(int(plan.exit_code()))
    if plan.runnable and not yes:
        if not interactive():
            raise UsageError("refusing to apply without confirmation on a non-interactive "
                             "input", hint="pass --yes")
        out.confirm_lines(plan)
        if not typer.confirm(question or confirm_question(plan), default=False, err=True):
            out.info("Apply cancelled: nothing was sent.")
            raise typer.Exit(int(ExitCode.ERROR))
    # Unchanged, blocked and failed campaigns get their outcome without a request.
    report = run(plan)
    if rate_limited is not None:
        report = dataclasses.replace(report, rate_limited=rate_limited())
    out.outcomes(report, plan)
    if report.exit_code() != ExitCode.OK:
        raise typer.Exit(int(report.exit_code()))
