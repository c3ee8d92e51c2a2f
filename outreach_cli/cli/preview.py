"""`outreach preview FILE --from leads.csv`: every email as each lead would receive it.

Thin: parse, call `outreach_cli.preview`, hand the result to `output/preview.py`, exit.
"""

from __future__ import annotations

import typer

from . import common as c

TargetOpt = typer.Option(None, "--target", "-t",
                         help="The campaign's key when the file holds several (glob).")


def preview_cmd(
    path: str = typer.Argument(..., metavar="FILE", show_default=False,
                               help="The campaign file."),
    leads_csv: str = typer.Option(None, "--from", metavar="CSV",
                                  help="The leads, as a CSV (the header names the fields). "
                                       "Without it: the live campaign's leads (--sandbox or "
                                       "the platform's key)."),
    lead: str = typer.Option(None, "--lead", metavar="EMAIL", help="Only this lead."),
    step: int = typer.Option(None, "--step", min=1, metavar="N",
                             help="Only step N of the main sequence (numbered from 1 as "
                                  "listed in the file)."),
    sandbox: bool = c.SandboxOpt,
    fmt: str = c.FormatOpt,
    target: list[str] = TargetOpt,
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """Show every email as each lead would receive it; exit 1 when a lead lacks a field the
    copy uses (it would get a hole where the field stands)."""
    from ..output.preview import show_preview
    from ..preview import build, from_campaign, from_csv, live_campaign, one_document

    out = c.make_output(fmt, no_color, "preview")
    c.setup_logging(verbose)
    with c.guard(out, verbose):
        doc = one_document(path, target)
        if leads_csv:
            ctype = doc.campaign.get("type")
            recipients, rejected = from_csv(leads_csv, doc.provider,
                                            ctype if isinstance(ctype, str) else None)
            result = build(doc, recipients, leads_csv, lead=lead, step=step, rejected=rejected)
        else:
            from ..session import Session

            with Session(sandbox=sandbox, state_dir=state_dir) as session:
                prov = session.provider(doc.connection)
                remote = live_campaign(doc, prov, session.state)
                result = build(doc, from_campaign(prov, remote), f"live campaign {remote.id}",
                               lead=lead, step=step)
        show_preview(out, result)
        raise typer.Exit(int(result.exit_code))


def register(app: typer.Typer) -> None:
    app.command("preview")(preview_cmd)
