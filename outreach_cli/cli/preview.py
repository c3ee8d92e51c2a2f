"""`outreach preview FILE --from leads.csv`: every email as each lead would receive it.

Thin: parse, call `outreach_cli.preview`, hand the result to `output/preview.py`, exit.
"""

from __future__ import annotations

from typing import Any

import typer

from . import common as c

TargetOpt = typer.Option(
    None, "--target", "-t", help="The campaign's key when the file holds several (glob)."
)


def preview_cmd(
    path: str = typer.Argument(..., metavar="FILE", show_default=False, help="The campaign file."),
    leads_csv: str = typer.Option(
        None,
        "--from",
        metavar="CSV",
        help="The leads, as a CSV (the header names the fields). "
        "Without it: the live campaign's leads (--sandbox or "
        "the platform's key).",
    ),
    lead: str = typer.Option(None, "--lead", metavar="EMAIL", help="Only this lead."),
    step: int = typer.Option(
        None,
        "--step",
        min=1,
        metavar="N",
        help="Only step N of the main sequence (numbered from 1 as listed in the file).",
    ),
    sandbox: bool = c.SandboxOpt,
    fmt: str = c.FormatOpt,
    target: list[str] = TargetOpt,
    html_dir: str = typer.Option(
        None,
        "--html",
        metavar="DIR",
        help="Write a static site of the emails to DIR (FILE may be a folder of campaigns).",
    ),
    serve: bool = typer.Option(
        False,
        "--serve",
        help="Serve the site on 127.0.0.1 and rebuild it when a "
        "campaign, body or leads file changes.",
    ),
    port: int = typer.Option(
        0, "--port", min=0, max=65535, help="The --serve port (0: any free one)."
    ),
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """Show every email as each lead would receive it; exit 1 when a lead lacks a field the
    copy uses (it would get a hole where the field stands)."""
    from ..output.preview import show_preview
    from ..preview import build, from_campaign, from_csv, live_hint
    from ..targets import live_campaign, one_document

    out = c.make_output(fmt, no_color, "preview")
    c.setup_logging(verbose)
    if html_dir or serve:
        with c.guard(out, verbose):
            _site(
                out, path, leads_csv, target, lead, step, sandbox, state_dir, html_dir, serve, port
            )
        return
    with c.guard(out, verbose):
        doc = one_document(path, target, who="preview works")
        if leads_csv:
            ctype = doc.campaign.get("type")
            recipients, rejected = from_csv(
                leads_csv, doc.provider, ctype if isinstance(ctype, str) else None
            )
            result = build(doc, recipients, leads_csv, lead=lead, step=step, rejected=rejected)
        else:
            from ..session import Session

            with Session(sandbox=sandbox, state_dir=state_dir) as session:
                prov = session.provider(doc.connection)
                remote = live_campaign(doc, prov, session.state, live_hint(doc))
                result = build(
                    doc,
                    from_campaign(prov, remote),
                    f"live campaign {remote.id}",
                    lead=lead,
                    step=step,
                )
        show_preview(out, result)
        raise typer.Exit(int(result.exit_code))


def _site(
    out: Any,
    path: str,
    leads_csv: str | None,
    target: list[str] | None,
    lead: str | None,
    step: int | None,
    sandbox: bool,
    state_dir: str,
    html_dir: str | None,
    serve: bool,
    port: int,
) -> None:
    import contextlib
    import tempfile

    from ..previewserve import build_site
    from ..previewserve import serve as serve_site

    with contextlib.ExitStack() as stack:
        live_leads = None
        if not leads_csv:
            from ..preview import from_campaign, live_hint
            from ..session import Session
            from ..targets import live_campaign

            session = stack.enter_context(Session(sandbox=sandbox, state_dir=state_dir))

            def live_leads(doc: Any) -> tuple[list[Any], str]:
                prov = session.provider(doc.provider)
                remote = live_campaign(doc, prov, session.state, live_hint(doc))
                return list(from_campaign(prov, remote)), f"live campaign {remote.id}"

        root = html_dir or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="outreach-preview-")
        )

        def rebuild() -> Any:
            return build_site(
                path,
                root,
                leads_csv=leads_csv,
                targets=target,
                lead=lead,
                step=step,
                live_leads=live_leads,
                live=serve,
            )

        if not serve:
            site = rebuild()
            if out.format == "json":
                from ..output.envelope import error_entry

                out.json(
                    site.record(root),
                    exit_code=1 if site.gaps else 0,
                    errors=[error_entry(m, code="missing-field", campaign=c) for c, m in site.gaps],
                )
            else:
                for c, m in site.gaps:
                    out.warn(f"{c}: {m}")
                out.info(
                    f"wrote {site.pages:,} email page(s) of {site.campaigns} "
                    f"campaign(s) to {root}/index.html"
                )
            if site.gaps:  # as preview: a lead lacks a field its copy uses
                raise typer.Exit(1)
            return
        with contextlib.suppress(KeyboardInterrupt):
            serve_site(rebuild, root, port=port, on_event=out.info)


def register(app: typer.Typer) -> None:
    app.command("preview")(preview_cmd)
