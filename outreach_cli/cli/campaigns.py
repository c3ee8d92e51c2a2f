"""validate, plan (diff), apply, status, schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from ..errors import ExitCode
from . import common as c
from . import plans

if TYPE_CHECKING:
    from ..output import Output
    from ..plan import Plan
    from ..project import Project
    from ..session import Session
    from ..validate import Document


def _load(
    paths: list[str],
    out: Output,
    targets: list[str] | None,
    excludes: list[str] | None,
    project: Project | None = None,
) -> list[Document]:
    """Validate every file; any error stops here, before a single request."""
    from ..validate import validate_paths

    result = validate_paths(paths, project=project)
    if result.errors:
        # Counted as validate counts them: files read, campaigns that passed.
        code = _diagnostics_code(result.diagnostics)
        out.diagnostics(result.diagnostics, result.files, result.count, code)
        raise typer.Exit(code)
    for w in result.warnings:
        out.file_warning(w)
    from ..targets import select

    docs = select(result.documents, targets, excludes)
    if not docs:
        out.warn("no campaign matched")
    return docs


def _diagnostics_code(diagnostics: list[Any]) -> int:
    """1 for an invalid file; 64 when a PATH argument names nothing (a usage error)."""
    from ..documents import NO_SUCH_PATH

    if any(d.code == NO_SUCH_PATH for d in diagnostics):
        return int(ExitCode.USAGE)
    return int(ExitCode.ERROR)


def _plan(
    docs: list[Document],
    session: Session,
    concurrency: int,
    out: Output | None = None,
    render: bool = True,
) -> Plan:
    from .. import plan as planner
    from ..preview import lead_notes

    # Every missing key, and every key of the wrong workspace, stops here, before a campaign
    # is read.
    session.connections([d.connection for d in docs])
    # Each campaign is rendered as it is planned, while the rest are read (a lambda: the
    # Output, and rich with it, loads at the first campaign, not here, unless the live
    # counter needs it: only on a terminal).
    prepare = (lambda cp: out.prepare(cp)) if out is not None and render else None
    if out is None or not c.terminal_stderr():
        return planner.build(
            docs,
            session.provider,
            session.state,
            concurrency=concurrency,
            on_plan=prepare,
            annotate=lead_notes,
        )
    out.start_counter(len(docs), "read")
    try:
        return planner.build(
            docs,
            session.provider,
            session.state,
            concurrency=concurrency,
            on_plan=prepare,
            on_read=out.count,
            annotate=lead_notes,
        )
    finally:
        out.stop_counter()


VALIDATE_FORMATS = (*c.FORMATS, "github")


def validate_cmd(
    paths: list[str] = c.Paths,
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        autocompletion=c.choices(VALIDATE_FORMATS),
        help="Output format: text, json, markdown or github (annotations "
        "on the pull request's lines, as GitHub Actions reads them).",
    ),
    no_color: bool = c.NoColorOpt,
) -> None:
    """Check campaign files offline: schema and each platform's rules, every problem at once."""
    out = c.make_output(fmt, no_color, "validate", VALIDATE_FORMATS)
    with c.guard(out):
        from ..project import discover
        from ..validate import validate_paths

        result = validate_paths(c.project_paths(paths), keep=False, project=discover())
        code = _diagnostics_code(result.diagnostics) if result.errors else 0
        out.diagnostics(result.diagnostics, result.files, result.count, code)
        if code:
            raise typer.Exit(code)


def plan_cmd(
    paths: list[str] = c.Paths,
    sandbox: bool = c.SandboxOpt,
    fmt: str = c.FormatOpt,
    detailed_exitcode: bool = typer.Option(
        False,
        "--detailed-exitcode",
        help="Exit 2 when there are changes, 0 when none (3 blocked, 1 failed either way).",
    ),
    target: list[str] = c.TargetOpt,
    exclude: list[str] = c.ExcludeOpt,
    state_dir: str = c.StateDirOpt,
    concurrency: int = c.ConcurrencyOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
    out_file: str = plans.OutOpt,
) -> None:
    """Show what apply would change on each platform (reads only)."""
    from ..session import Session

    out = c.make_output(fmt, no_color, "plan")
    c.setup_logging(verbose)
    with c.guard(out, verbose), Session(sandbox=sandbox, state_dir=state_dir) as session:
        paths = c.project_paths(paths)
        docs = _load(paths, out, target, exclude, session.project)
        plans.report_orphans(session, docs, out, target, exclude, paths)
        plan = _plan(docs, session, concurrency, out)
        if out_file:
            plans.save(plan, session, out_file, out)
        code = int(plan.exit_code(detailed_exitcode))
        out.plan(plan, code)
        raise typer.Exit(code)


def apply_cmd(
    paths: list[str] = plans.MaybePaths,
    sandbox: bool = c.SandboxOpt,
    yes: bool = typer.Option(False, "--yes", "-y", help="Apply without asking."),
    fmt: str = c.FormatOpt,
    target: list[str] = c.TargetOpt,
    exclude: list[str] = c.ExcludeOpt,
    state_dir: str = c.StateDirOpt,
    concurrency: int = c.ConcurrencyOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
    plan_file: str = plans.PlanOpt,
) -> None:
    """Plan, confirm, then make each platform match the files."""
    import os

    from ..lock import apply_lock, timeout_from
    from ..session import Session

    out = c.make_output(fmt, no_color, "apply")
    c.setup_logging(verbose)
    if bool(plan_file) == bool(paths) or (plan_file and (target or exclude)):
        raise typer.BadParameter(
            "give campaign PATHs, or --plan FILE alone (a saved plan is applied whole)",
            param_hint="PATH / --plan",
        )
    with c.guard(out, verbose), Session(sandbox=sandbox, state_dir=state_dir) as session:
        if plan_file:
            with apply_lock(session.state_dir, timeout_from(os.environ)):
                plans.apply_saved(
                    plan_file, session, out, yes=yes, fmt=fmt, concurrency=concurrency
                )
            return
        paths = c.project_paths(paths)
        docs = _load(paths, out, target, exclude, session.project)
        # One apply at a time per state dir, from the plan to the last record.
        with apply_lock(session.state_dir, timeout_from(os.environ)):
            _apply(docs, session, out, fmt, yes, concurrency)


def _apply(
    docs: list[Document], session: Session, out: Output, fmt: str, yes: bool, concurrency: int
) -> None:
    """Plan and apply under the state dir's lock (held by the caller)."""
    from .. import apply as applier

    c.confirm_and_apply(
        _plan(docs, session, concurrency, out, render=fmt != "json"),
        out,
        fmt=fmt,
        yes=yes,
        run=lambda plan, progress: applier.run(
            plan,
            session.provider,
            session.state,
            concurrency=concurrency,
            notice=out.warn,
            progress=progress,
        ),
        rate_limited=session.rate_limited,
    )


def status_cmd(
    paths: list[str] = c.Paths,
    sandbox: bool = c.SandboxOpt,
    fmt: str = c.FormatOpt,
    target: list[str] = c.TargetOpt,
    exclude: list[str] = c.ExcludeOpt,
    state_dir: str = c.StateDirOpt,
    concurrency: int = c.ConcurrencyOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """Remote status, lead counts and stats of the campaigns, as a table."""
    from concurrent.futures import ThreadPoolExecutor

    from ..lookup import resolve
    from ..session import Session

    out = c.make_output(fmt, no_color, "status")
    c.setup_logging(verbose)
    with c.guard(out, verbose), Session(sandbox=sandbox, state_dir=state_dir) as session:
        paths = c.project_paths(paths)
        docs = _load(paths, out, target, exclude, session.project)

        def row(doc: Document) -> list[Any]:
            provider = session.provider(doc.connection)
            remote, _ = resolve(doc, provider, session.state)
            if remote is None:
                return [doc.address, "-", "(not created)", "", ""]
            s = provider.summary(remote)
            return [doc.address, remote.id, remote.status, s.get("leads", ""), s.get("stats", "")]

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            rows = list(pool.map(row, docs))
        out.status_table(rows)


def schema_cmd(
    provider: str = typer.Argument(
        ...,
        metavar="PROVIDER",
        show_default=False,
        autocompletion=c.choices(c.PROVIDER_NAMES),
        help="The platform: sendkit, lemlist or puffle.",
    ),
) -> None:
    """Print the JSON Schema of a provider's campaign file (for yaml-language-server)."""
    import json

    from ..providers import PROVIDERS

    if provider not in PROVIDERS:
        raise typer.BadParameter(
            f"unknown provider {provider!r}; one of: " + ", ".join(PROVIDERS), param_hint="PROVIDER"
        )
    from ..envelope import document_schema

    typer.echo(json.dumps(document_schema(provider), indent=2, sort_keys=False))


def register(app: typer.Typer) -> None:
    app.command("validate", cls=c.Command)(validate_cmd)
    app.command("plan", cls=c.Command)(plan_cmd)
    app.command("diff", help="Alias of plan.", cls=c.Command)(plan_cmd)
    app.command("apply", cls=c.Command)(apply_cmd)
    app.command("status", cls=c.Command)(status_cmd)
    app.command("schema", cls=c.Command)(schema_cmd)
