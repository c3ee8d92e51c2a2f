"""Options shared by several commands, and the one place errors become exit codes."""

from __future__ import annotations

import contextlib
import logging
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import ExitCode, OutreachError

if TYPE_CHECKING:
    from ..apply import Report
    from ..output import Output
    from ..plan import Plan


class Group(TyperGroup):
    """A command group whose list of commands shows each one's whole first sentence, wrapped
    between words under its column (Click cuts it at the width with "...")."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=10_000)))
        if not rows:
            return
        # Click's write_dl, but never breaking a word at its hyphen (yaml-|language-server).
        first = max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            indent = " " * formatter.current_indent
            width = max(formatter.width - len(indent) - first - 2, 20)
            for name, text in rows:
                lines = textwrap.wrap(
                    text, width, break_on_hyphens=False, break_long_words=False
                ) or [""]
                formatter.write(f"{indent}{name:<{first}}  {lines[0]}\n")
                for line in lines[1:]:
                    formatter.write(f"{indent}{'':<{first}}  {line}\n")


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


# Typer 0.26+ carries its own click: its usage error is BadParameter's base, whatever its module.
USAGE_ERROR: Any = next(k for k in typer.BadParameter.__mro__ if k.__name__ == "UsageError")


def wants_json(args: list[str]) -> bool:
    """Whether the command line asks for `--format json` (read before click parses it, so
    that a usage error can answer in JSON too)."""
    for i, a in enumerate(args):
        if a == "--":
            return False
        if a in ("-f", "--format") and i + 1 < len(args) and args[i + 1] == "json":
            return True
        if a in ("--format=json", "-fjson"):
            return True
    return False


def _kind(info_name: str | None, parent: Any) -> str:
    """The envelope's kind: the command's words below the root (`leads list`; diff is plan)."""
    words = [info_name or ""]
    while parent is not None and parent.parent is not None:
        words.insert(0, parent.info_name or "")
        parent = parent.parent
    kind = " ".join(w for w in words if w)
    return "plan" if kind == "diff" else kind


def envelopes_printed() -> int:
    """How many envelopes this process has printed (none when the envelope module was never
    loaded, which keeps --help and usage errors free of its imports)."""
    module = sys.modules.get("outreach_cli.output.envelope")
    return int(getattr(module, "printed", 0)) if module is not None else 0


def _fallback_envelope(kind: str, code: int, message: str, error_code: str) -> None:
    """The one envelope of a --format json run that ended before its command printed one."""
    from ..output.envelope import dumps, envelope, error_entry

    errors = [] if code in (0, 2) else [error_entry(message, code=error_code)]
    sys.stderr.flush()
    print(dumps(envelope(kind, None, code, errors)), file=sys.stdout, flush=True)


class Command(TyperCommand):
    """A command whose usage line reads the same under every supported Typer: `[OPTIONS]`,
    then each argument's metavar, bracketed when optional (Typer 0.26+ braces required
    ones).

    Under `--format json` every way out prints exactly one envelope on stdout: a usage error
    (exit 64), an interrupt before the command had its output ready, an exit with nothing
    printed; CI reads stdout as JSON whatever happened."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        as_json = wants_json(list(args))
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except USAGE_ERROR as exc:
            if as_json:
                _fallback_envelope(
                    _kind(info_name, parent), int(ExitCode.USAGE), exc.format_message(), "usage"
                )
            raise
        ctx.meta["outreach.json"] = as_json
        return ctx

    def invoke(self, ctx: Any) -> Any:
        if not ctx.meta.get("outreach.json"):
            return super().invoke(ctx)
        kind, before = _kind(ctx.info_name, ctx.parent), envelopes_printed()

        def last_word(code: int, message: str, error_code: str) -> None:
            if envelopes_printed() == before:
                _fallback_envelope(kind, code, message, error_code)

        try:
            result = super().invoke(ctx)
        except USAGE_ERROR as exc:
            last_word(int(ExitCode.USAGE), exc.format_message(), "usage")
            raise
        except typer.Exit as exc:
            last_word(exc.exit_code, "stopped", "outreach")
            raise
        except KeyboardInterrupt as exc:
            code = _interrupt_code(exc)
            last_word(int(code), _interrupt_word(exc), "interrupted")
            raise typer.Exit(int(code)) from None
        last_word(0, "", "outreach")
        return result

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
Paths = typer.Argument(
    None,
    metavar="[PATH]...",
    show_default=False,
    help="Campaign files or folders (every *.yaml / *.yml below); "
    "default: the project's root (the folder of outreach.yaml).",
)


def project_paths(paths: list[str] | None) -> list[str]:
    """The PATHs given, else the project's root (found as git finds .git): with no PATH a
    command works on the whole project. Without a project file, naming them is required."""
    if paths:
        return paths
    import os

    from ..errors import UsageError
    from ..project import PROJECT_FILE, find

    root = find()
    if root is None:
        raise UsageError(
            f"name the campaign files or folders (no {PROJECT_FILE} here or above "
            "to take the project from)",
            hint="e.g. `outreach plan campaigns/`, or `outreach init` to make "
            "this folder a project",
        )
    return [os.path.relpath(root)]


SandboxOpt = typer.Option(
    False, "--sandbox", help="Run against the embedded emulator (no account, no network)."
)
FormatOpt = typer.Option(
    "text",
    "--format",
    "-f",
    metavar="FORMAT",
    autocompletion=choices(FORMATS),
    help="Output format: text, json or markdown.",
)
NoColorOpt = typer.Option(False, "--no-color", help="Plain output (also: NO_COLOR=1).")
VerboseOpt = typer.Option(
    False, "--verbose", "-v", help="Log HTTP requests (credentials redacted) and show tracebacks."
)
TargetOpt = typer.Option(
    None,
    "--target",
    "-t",
    metavar="KEY",
    show_default=False,
    help="Only campaigns whose key or provider/key matches (glob; repeat).",
)
ExcludeOpt = typer.Option(
    None,
    "--exclude",
    "-x",
    metavar="KEY",
    show_default=False,
    help="Skip campaigns whose key or provider/key matches (glob; repeat).",
)
StateDirOpt = typer.Option(
    None,
    "--state-dir",
    metavar="DIR",
    show_default=False,
    help="Where state.json (and the sandbox database) live (default: "
    "the project's, .outreach at its root).",
)
ConcurrencyOpt = typer.Option(
    4,
    "--concurrency",
    metavar="N",
    callback=in_range(1, 32),
    help="Campaigns read and applied at once, 1 to 32.",
)


def make_output(
    fmt: str, no_color: bool, command: str, allowed: tuple[str, ...] = FORMATS
) -> Output:
    """The Output of `command` (the JSON envelope's kind), once --format is known good."""
    if fmt not in allowed:
        raise typer.BadParameter(
            f"{fmt!r} is not one of: {', '.join(allowed)}", param_hint="--format"
        )
    from ..output import Output

    return Output(fmt, color=False if no_color else None, command=command)


def interactive() -> bool:
    """Whether a person can answer a question on stdin."""
    return sys.stdin.isatty()


def setup_logging(verbose: bool) -> None:
    if verbose:
        from ..output.sanitize import safe

        logging.basicConfig(stream=safe(sys.stderr), level=logging.WARNING, format="%(message)s")
        logging.getLogger("outreach").setLevel(logging.DEBUG)


_TERM = {"seen": False}  # set by the SIGTERM handler: an interrupted run then exits 143


def _interrupt_code(exc: BaseException | None = None) -> ExitCode:
    from ..errors import Terminated

    term = isinstance(exc, Terminated) or _TERM["seen"]
    return ExitCode.TERMINATED if term else ExitCode.INTERRUPTED


def _interrupt_word(exc: BaseException | None = None) -> str:
    return "terminated" if _interrupt_code(exc) == ExitCode.TERMINATED else "interrupted"


def final_code(code: int) -> int:
    """An interrupted run's code, 143 instead of 130 when SIGTERM was the interrupt."""
    return int(_interrupt_code()) if code == ExitCode.INTERRUPTED else int(code)


@contextlib.contextmanager
def on_sigterm() -> Iterator[None]:
    """SIGTERM (a CI runner cancelling, `kill`, a container stopping) stops the command the
    way Ctrl-C does, so the summary is printed; only the main thread may set a handler."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        from ..errors import Terminated

        _TERM["seen"] = True
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def guard(out: Output | None, verbose: bool = False) -> Iterator[None]:
    """Translate errors into a message on stderr and a documented exit code."""
    try:
        with on_sigterm():
            yield
    except OutreachError as exc:
        if verbose:
            import traceback

            from ..output.sanitize import safe

            traceback.print_exc(file=safe(sys.stderr))
        if out is not None:
            out.failure(exc)
        else:
            from ..output.sanitize import safe

            print(f"error: {exc.message}", file=safe(sys.stderr))
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt as exc:
        code = _interrupt_code(exc)
        if out is not None:
            out.stopped(int(code), _interrupt_word(exc))
        else:
            typer.echo(_interrupt_word(exc), err=True)
        raise typer.Exit(int(code)) from None


def terminal_stderr() -> bool:
    """Whether a person watches stderr (a live counter is worth drawing there)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def confirm_and_apply(
    plan: Plan,
    out: Output,
    *,
    fmt: str,
    yes: bool,
    run: Callable[[Plan, Callable[[Any], None]], Report],
    question: str | None = None,
    rate_limited: Callable[[], int] | None = None,
) -> None:
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
            raise UsageError(
                "refusing to apply without confirmation on a non-interactive input",
                hint="pass --yes",
            )
        out.confirm_lines(plan)
        if not _ask(question or confirm_question(plan)):
            out.info("Apply cancelled: nothing was sent.")
            raise typer.Exit(int(ExitCode.ERROR))
    # Unchanged, blocked and failed campaigns get their outcome without a request. Each
    # outcome is shown as it is known, under a live counter on a terminal.
    if terminal_stderr():
        out.start_counter(len(plan.campaigns), "done")
    try:
        report = run(plan, out.applied)
    finally:
        out.stop_counter()
    if rate_limited is not None:
        report = dataclasses.replace(report, rate_limited=rate_limited())
    code = final_code(report.exit_code())
    out.outcomes(report, plan, exit_code=code)
    if code != ExitCode.OK:
        raise typer.Exit(code)


def _ask(question: str) -> bool:
    """The [y/N] question. Ctrl-C there is an interrupt (130, as everywhere), not click's
    "Aborted!" and 1; end of input is a no."""
    try:
        return typer.confirm(question, default=False, err=True)
    except typer.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise exc.__context__ from None
        typer.echo("", err=True)
        return False
