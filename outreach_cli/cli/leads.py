"""Campaign leads (issue 5): `outreach leads list | add | update`.

Thin: parse, call `outreach_cli.leads`, hand the result to `output/`, exit with an ExitCode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ..errors import ExitCode
from . import common as c

if TYPE_CHECKING:
    from ..output import Output
    from ..providers.base import Provider, Remote
    from ..session import Session

leads_app = typer.Typer(
    help="Campaign leads: list them, add them from CSV, set status and AI tag.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

CampaignArg = typer.Argument(
    None, metavar="CAMPAIGN", show_default=False,
    help="The campaign file; omit it when naming the campaign with --provider and --id.")
ProviderOpt = typer.Option(None, "--provider",
                           help="With --id: the campaign's platform (sendkit, lemlist, puffle).")
IdOpt = typer.Option(None, "--id", help="With --provider: the remote campaign id.")
ConcurrencyOpt = typer.Option(4, "--concurrency", min=1, max=32,
                              help="Requests in flight at once (batches, or leads).")
TargetOpt = typer.Option(None, "--target", "-t",
                         help="The campaign's key when the file holds several (glob).")


def _output(fmt: str, allowed: tuple[str, ...], no_color: bool) -> Output:
    from ..output import Output

    if fmt not in allowed:
        raise typer.BadParameter(f"{fmt!r} is not one of: {', '.join(allowed)}",
                                 param_hint="--format")
    return Output(fmt, color=False if no_color else None)


def _campaign(session: Session, path: str | None, target: list[str] | None,
              provider: str | None, id: str | None) -> tuple[Provider, Remote]:
    from ..leads import find_campaign

    return find_campaign(session.provider, session.state, path=path, targets=target,
                         provider=provider, id=id)


def list_cmd(
    campaign: str = CampaignArg,
    status: str = typer.Option(None, "--status", help="Only leads with this status."),
    provider: str = ProviderOpt,
    id: str = IdOpt,
    sandbox: bool = c.SandboxOpt,
    fmt: str = typer.Option("text", "--format", "-f", help="Output format: text, json or csv."),
    target: list[str] = TargetOpt,
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """List a campaign's leads: status, AI tag, step and subsequence (every page)."""
    from ..leads import list_leads
    from ..session import Session

    out = _output(fmt, ("text", "json", "csv"), no_color)
    c.setup_logging(verbose)
    with c.guard(out, verbose), Session(sandbox=sandbox, state_dir=state_dir) as session:
        prov, remote = _campaign(session, campaign, target, provider, id)
        leads = list_leads(prov, remote.id, status)
        out.leads(leads, title=f"{remote.name} ({prov.title} {remote.id})")


def add_cmd(
    campaign: str = CampaignArg,
    source: str = typer.Option(..., "--from", show_default=False,
                               help="CSV of leads: a header row (email, firstName, … as the "
                                    "platform names them; other columns become custom "
                                    "fields), one lead per line."),
    provider: str = ProviderOpt,
    id: str = IdOpt,
    sandbox: bool = c.SandboxOpt,
    fmt: str = typer.Option("text", "--format", "-f", help="Output format: text or json."),
    target: list[str] = TargetOpt,
    state_dir: str = c.StateDirOpt,
    concurrency: int = ConcurrencyOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """Add leads from a CSV in batches of the platform's maximum; re-running adds only what
    is missing."""
    from ..leads import add_leads, read_rows
    from ..session import Session

    out = _output(fmt, ("text", "json"), no_color)
    c.setup_logging(verbose)
    with c.guard(out, verbose), Session(sandbox=sandbox, state_dir=state_dir) as session:
        prov, remote = _campaign(session, campaign, target, provider, id)
        rows, bad = read_rows(source, prov, remote.ctype)
        with out.progress(len(rows), f"adding to {remote.name}") as advance:
            report = add_leads(prov, remote.id, rows, advance, concurrency=concurrency,
                               rejected=bad)
        out.leads_added(report, source)
        if report.failed:
            raise typer.Exit(int(ExitCode.ERROR))


def update_cmd(
    campaign: str = CampaignArg,
    lead_id: str = typer.Argument(None, metavar="LEAD_ID", show_default=False,
                                  help="The campaign lead's id (or its email)."),
    status: str = typer.Option(None, "--status", help="active or paused."),
    tag: str = typer.Option(None, "--tag", help="Set the AI tag (a workspace label)."),
    clear_tag: bool = typer.Option(False, "--clear-tag", help="Remove the AI tag."),
    source: str = typer.Option(None, "--from", show_default=False,
                               help="CSV of changes: lead_id,status,tag (optional clear_tag)."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Predict the outcome (subsequence enrollment included) "
                                      "without writing."),
    provider: str = ProviderOpt,
    id: str = IdOpt,
    sandbox: bool = c.SandboxOpt,
    fmt: str = typer.Option("text", "--format", "-f", help="Output format: text or json."),
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

    out = _output(fmt, ("text", "json"), no_color)
    c.setup_logging(verbose)
    if (provider or id) and lead_id is None:
        campaign, lead_id = None, campaign  # `update --provider P --id ID LEAD_ID`
    with c.guard(out, verbose):
        if source and (lead_id or status or tag or clear_tag):
            raise UsageError("--from takes the changes from the file: give no LEAD_ID, "
                             "--status, --tag or --clear-tag with it")
        if not source and not lead_id:
            raise UsageError("name the lead (LEAD_ID) or give a changes file (--from)")
        if lead_id:  # a status or shape refused locally needs no request at all
            refusal = check_change(LeadChange(lead_id, status, tag, clear_tag),
                                   offline_ops(provider))
            if refusal:
                raise LeadRefused(refusal)
        changes, bad = read_changes(source) if source else ([], [])
        with Session(sandbox=sandbox, state_dir=state_dir) as session:
            prov, remote = _campaign(session, campaign, target, provider, id)
            if lead_id:
                result = update_lead(prov, remote.id, lead_id, status, tag, clear_tag,
                                     dry_run=dry_run, campaign=remote)
                out.leads_updated(UpdateReport((result,), dry_run=dry_run))
                return
            with out.progress(len(changes), f"updating {remote.name}") as advance:
                report = update_leads(prov, remote.id, changes, dry_run=dry_run,
                                      campaign=remote, concurrency=concurrency,
                                      progress=advance, rejected=bad)
            out.leads_updated(report)
            if report.count("refused") or report.count("failed"):
                raise typer.Exit(int(ExitCode.ERROR))


def register(app: typer.Typer) -> None:
    leads_app.command("list")(list_cmd)
    leads_app.command("add")(add_cmd)
    leads_app.command("update")(update_cmd)
    app.add_typer(leads_app, name="leads")
