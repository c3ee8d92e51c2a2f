"""Campaign leads (issue 5): `outreach leads list | add | update`.

Thin: parse, call `outreach_cli.leads`, hand the result to `output/`, exit with an ExitCode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ..errors import ExitCode
from . import common as c

if TYPE_CHECKING:
    from ..providers.base import Provider, Remote
    from ..session import Session

leads_app = typer.Typer(
    cls=c.Group,
    help="Campaign leads: list them, add them from CSV, set status and AI tag.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

LIST_FORMATS = ("text", "json", "csv")
WRITE_FORMATS = ("text", "json")
LEAD_STATUSES = ("active", "paused")


def _list_statuses(incomplete: str) -> list[str]:
    """Every platform's lead statuses (imported only when TAB asks)."""
    from ..providers import PROVIDERS, provider_class

    found: dict[str, None] = {}
    for name in PROVIDERS:
        leads = provider_class(name).LEADS
        found.update(dict.fromkeys(getattr(leads, "lead_statuses", ()) or ()))
    return [s for s in found if s.startswith(incomplete)]


CampaignArg = typer.Argument(
    None,
    metavar="[CAMPAIGN]",
    show_default=False,
    help="The campaign file; omit it when naming the campaign with --provider and --id.",
)
ProviderOpt = typer.Option(
    None,
    "--provider",
    metavar="PROVIDER",
    show_default=False,
    autocompletion=c.choices(c.PROVIDER_NAMES),
    help="With --id: the campaign's platform: sendkit, lemlist or puffle.",
)
IdOpt = typer.Option(
    None, "--id", metavar="ID", show_default=False, help="With --provider: the remote campaign id."
)
ConcurrencyOpt = typer.Option(
    4,
    "--concurrency",
    metavar="N",
    callback=c.in_range(1, 32),
    help="Requests in flight at once (batches, or leads), 1 to 32.",
)
TargetOpt = typer.Option(
    None,
    "--target",
    "-t",
    metavar="KEY",
    show_default=False,
    help="The campaign's key when the file holds several (glob).",
)


def _campaign(
    session: Session,
    path: str | None,
    target: list[str] | None,
    provider: str | None,
    id: str | None,
) -> tuple[Provider, Remote]:
    from ..leads import find_campaign

    return find_campaign(
        session.provider, session.state, path=path, targets=target, provider=provider, id=id
    )


def list_cmd(
    campaign: str = CampaignArg,
    status: str = typer.Option(
        None,
        "--status",
        metavar="STATUS",
        show_default=False,
        autocompletion=_list_statuses,
        help="Only leads with this status (as the platform names it: "
        "e.g. active, paused, replied).",
    ),
    provider: str = ProviderOpt,
    id: str = IdOpt,
    sandbox: bool = c.SandboxOpt,
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        autocompletion=c.choices(LIST_FORMATS),
        help="Output format: text, json or csv.",
    ),
    target: list[str] = TargetOpt,
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """List a campaign's leads: status, AI tag, step and subsequence (every page)."""
    from ..leads import iter_leads
    from ..session import Session

    out = c.make_output(fmt, no_color, "leads list", LIST_FORMATS)
    c.setup_logging(verbose)
    with c.guard(out, verbose), Session(sandbox=sandbox, state_dir=state_dir) as session:
        prov, remote = _campaign(session, campaign, target, provider, id)
        leads = iter_leads(prov, remote.id, status)  # read page by page as they are printed
        out.leads(leads, title=f"{remote.name} ({prov.title} {remote.id})")


def add_cmd(
    campaign: str = CampaignArg,
    source: str = typer.Option(
        ...,
        "--from",
        metavar="CSV",
        show_default=False,
        help="CSV of leads: a header row (email, firstName, … as the "
        "platform names them; other columns become custom "
        "fields), one lead per line.",
    ),
    provider: str = ProviderOpt,
    id: str = IdOpt,
    sandbox: bool = c.SandboxOpt,
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        autocompletion=c.choices(WRITE_FORMATS),
        help="Output format: text or json.",
    ),
    target: list[str] = TargetOpt,
    state_dir: str = c.StateDirOpt,
    concurrency: int = ConcurrencyOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """Add leads from a CSV in batches of the platform's maximum; a second run adds only what
    is missing."""
    from ..leads import add_leads, read_rows
    from ..session import Session

    out = c.make_output(fmt, no_color, "leads add", WRITE_FORMATS)
    c.setup_logging(verbose)
    with c.guard(out, verbose), Session(sandbox=sandbox, state_dir=state_dir) as session:
        prov, remote = _campaign(session, campaign, target, provider, id)
        rows, bad = read_rows(source, prov, remote.ctype)
        with out.progress(len(rows), f"adding to {remote.name}") as advance:
            report = add_leads(
                prov, remote.id, rows, advance, concurrency=concurrency, rejected=bad
            )
        out.leads_added(report, source)
        if report.failed:
            raise typer.Exit(int(ExitCode.ERROR))


def update_cmd(
    campaign: str = CampaignArg,
    lead_id: str = typer.Argument(
        None, metavar="[LEAD_ID]", show_default=False, help="The campaign lead's id (or its email)."
    ),
    status: str = typer.Option(
        None,
        "--status",
        metavar="STATUS",
        show_default=False,
        autocompletion=c.choices(LEAD_STATUSES),
        help="Set the lead's status: active or paused.",
    ),
    tag: str = typer.Option(
        None,
        "--tag",
        metavar="LABEL",
        show_default=False,
        help="Set the AI tag (a workspace label).",
    ),
    clear_tag: bool = typer.Option(False, "--clear-tag", help="Remove the AI tag."),
    source: str = typer.Option(
        None,
        "--from",
        metavar="CSV",
        show_default=False,
        help="CSV of changes: lead_id,status,tag (optional clear_tag).",
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Predict the outcome (subsequence enrollment included) without writing.",
    ),
    provider: str = ProviderOpt,
    id: str = IdOpt,
    sandbox: bool = c.SandboxOpt,
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        metavar="FORMAT",
        autocompletion=c.choices(WRITE_FORMATS),
        help="Output format: text or json.",
    ),
    target: list[str] = TargetOpt,
    state_dir: str = c.StateDirOpt,
    concurrency: int = ConcurrencyOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """Set campaign leads' status (active|paused) and AI tag, and show the subsequence each
    change enrolls, switches, exits or skips (SendKit)."""
    from ..errors import UsageError
    from ..leads import (
        LeadChange,
        LeadRefused,
        UpdateReport,
        check_change,
        offline_ops,
        read_changes,
        update_lead,
        update_leads,
    )
    from ..session import Session

    out = c.make_output(fmt, no_color, "leads update", WRITE_FORMATS)
    c.setup_logging(verbose)
    if (provider or id) and lead_id is None:
        campaign, lead_id = None, campaign  # `update --provider P --id ID LEAD_ID`
    with c.guard(out, verbose):
        if source and (lead_id or status or tag or clear_tag):
            raise UsageError(
                "--from takes the changes from the file: give no LEAD_ID, "
                "--status, --tag or --clear-tag with it"
            )
        if not source and not lead_id:
            raise UsageError("name the lead (LEAD_ID) or give a changes file (--from)")
        if lead_id:  # a status or shape refused locally needs no request at all
            refusal = check_change(
                LeadChange(lead_id, status, tag, clear_tag), offline_ops(provider)
            )
            if refusal:
                raise LeadRefused(refusal)
        changes, bad = read_changes(source) if source else ([], [])
        with Session(sandbox=sandbox, state_dir=state_dir) as session:
            prov, remote = _campaign(session, campaign, target, provider, id)
            if lead_id:
                result = update_lead(
                    prov,
                    remote.id,
                    lead_id,
                    status,
                    tag,
                    clear_tag,
                    dry_run=dry_run,
                    campaign=remote,
                )
                out.leads_updated(UpdateReport((result,), dry_run=dry_run))
                if result.result in ("refused", "failed"):
                    raise typer.Exit(int(ExitCode.ERROR))
                return
            with out.progress(len(changes), f"updating {remote.name}") as advance:
                report = update_leads(
                    prov,
                    remote.id,
                    changes,
                    dry_run=dry_run,
                    campaign=remote,
                    concurrency=concurrency,
                    progress=advance,
                    rejected=bad,
                )
            out.leads_updated(report)
            if report.count("refused") or report.count("failed"):
                raise typer.Exit(int(ExitCode.ERROR))


def register(app: typer.Typer) -> None:
    leads_app.command("list", cls=c.Command)(list_cmd)
    leads_app.command("add", cls=c.Command)(add_cmd)
    leads_app.command("update", cls=c.Command)(update_cmd)
    app.add_typer(leads_app, name="leads")
