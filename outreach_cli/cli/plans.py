"""Saved plans: `plan --out`, `apply --plan`, `show`; orphans reported by plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from . import common as c

if TYPE_CHECKING:
    from ..output import Output
    from ..plan import Plan
    from ..session import Session
    from ..validate import Document

MaybePaths = typer.Argument(
    None,
    metavar="[PATH]...",
    show_default=False,
    help="Campaign files or folders (every *.yaml / *.yml below); none with --plan.",
)
OutOpt = typer.Option(
    None,
    "--out",
    "-o",
    metavar="FILE",
    help="Also save the plan to FILE, for `apply --plan` (holds no secret).",
)
PlanOpt = typer.Option(
    None,
    "--plan",
    metavar="FILE",
    help="Apply exactly this saved plan (from `plan --out`), no new decisions.",
)


def save(plan: Plan, session: Session, path: str, out: Output) -> None:
    """Write the plan file; what it cannot hold (a secret written literally) is an error."""
    from .. import planfile

    planfile.write(path, planfile.dump(plan, session.provider, session.workspace))
    out.info(f"Plan saved to {path}; apply it with: outreach apply --plan {path}")


def report_orphans(
    session: Session,
    docs: list[Document],
    out: Output,
    targets: list[str] | None,
    excludes: list[str] | None,
    paths: list[str] | None = None,
) -> None:
    """Campaigns recorded in state whose file is gone: said, never touched. A plan of a
    subset of the project says nothing of campaigns outside it (see orphans.orphans)."""
    from ..orphans import Orphan, orphans
    from ..targets import select

    claimed = {a for d in docs for a in (d.address, *d.former_addresses)}
    found = orphans(session.state, claimed, paths, root=session.project.root)
    for o in select(found, targets, excludes):
        assert isinstance(o, Orphan)
        out.warning(
            f"{o.address} ({o.id}): in state, no file: nothing will be done to it",
            code="orphan",
            campaign=o.address,
            hint=f"`outreach state forget {o.address}` drops the record",
        )


def apply_saved(
    path: str, session: Session, out: Output, *, yes: bool, fmt: str, concurrency: int
) -> None:
    """Check the plan file and the workspace keys, re-read its secrets, confirm, apply."""
    from .. import planfile
    from ..output import confirm_question

    body = planfile.read(path)
    planfile.check_workspaces(body, session.workspace, path)
    plan = planfile.to_plan(body, key_for=session.workspace, environ=session.env, name=path)
    question = confirm_question(plan).replace("Apply changes", "Apply this saved plan's changes", 1)
    c.confirm_and_apply(
        plan,
        out,
        fmt=fmt,
        yes=yes,
        question=question,
        run=lambda p, progress: planfile.apply(
            p,
            session.provider,
            session.state,
            concurrency=concurrency,
            notice=out.warn,
            progress=progress,
        ),
        rate_limited=session.rate_limited,
    )


def show_cmd(
    planfile_path: str = typer.Argument(
        ..., metavar="PLANFILE", help="A plan file written by `plan --out`."
    ),
    fmt: str = c.FormatOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Print a saved plan (offline; secrets stay hidden)."""
    from .. import planfile

    out = c.make_output(fmt, no_color, "show")
    with c.guard(out):
        plan = planfile.to_plan(planfile.read(planfile_path), name=planfile_path)
        out.plan(plan)
        raise typer.Exit(int(plan.exit_code()))


def register(app: typer.Typer) -> None:
    app.command("show", cls=c.Command)(show_cmd)
