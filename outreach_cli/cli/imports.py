"""`outreach import`: YAML files for campaigns that already exist on a platform."""

from __future__ import annotations

import typer

from . import common as c

ProviderArg = typer.Argument(
    ...,
    metavar="PROVIDER",
    show_default=False,
    autocompletion=c.choices(c.PROVIDER_NAMES),
    help="The platform: sendkit, lemlist or puffle; or a workspace "
    "of the project file (its key, and its folder by default).",
)
IdsArg = typer.Argument(None, metavar="[ID]...", help="Remote campaign ids (or --all).")
AllOpt = typer.Option(False, "--all", help="Every campaign of the workspace.")
OutDirOpt = typer.Option(
    None,
    "--out",
    "-o",
    metavar="DIR",
    show_default=False,
    help="Folder to write one YAML file per campaign into (default: "
    "the workspace's first folder, for a project workspace).",
)
ForceOpt = typer.Option(False, "--force", help="Overwrite files that exist.")
OverlaysOpt = typer.Option(
    False,
    "--as-overlays",
    help="Write what the campaigns share as one base (base.yaml) and "
    "each campaign as an overlay stating only what differs.",
)


def import_cmd(
    provider: str = ProviderArg,
    ids: list[str] = IdsArg,
    all_: bool = AllOpt,
    out_dir: str = OutDirOpt,
    force: bool = ForceOpt,
    as_overlays: bool = OverlaysOpt,
    sandbox: bool = c.SandboxOpt,
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
    verbose: bool = c.VerboseOpt,
) -> None:
    """Write the YAML of existing remote campaigns; a plan of them shows no change."""
    import os

    from ..project import discover
    from ..providers import PROVIDERS

    project = discover(state_dir=state_dir)
    ws = project.workspace(provider)
    if provider not in PROVIDERS and ws is None:
        names = [*PROVIDERS, *(w.name for w in project.workspaces)]
        raise typer.BadParameter(
            f"unknown provider or workspace {provider!r}; one of: " + ", ".join(names),
            param_hint="PROVIDER",
        )
    if bool(ids) == all_:
        raise typer.BadParameter("give campaign IDs, or --all", param_hint="ID / --all")
    if out_dir is None:
        if ws is None:
            raise typer.BadParameter("say where to write the files", param_hint="--out")
        out_dir = os.path.relpath(ws.paths[0])
    from ..importer import import_campaigns
    from ..session import Session

    out = c.make_output("text", no_color, "import")
    c.setup_logging(verbose)
    with c.guard(out, verbose), Session(sandbox=sandbox, project=project) as session:
        written = import_campaigns(
            session.provider(provider),
            session.state,
            list(ids or []),
            out_dir,
            force=force,
            connection=ws.name if ws else None,
            environ=session.env,
            policy=session.project.env_policy(),
            warn=out.warn,
            as_overlays=as_overlays,
        )
        for path in written:
            out.info(f"wrote {path}")
        count = len(written) - 1 if as_overlays else len(written)  # the base is no campaign
        out.info(
            f"{count} campaign(s) imported into {out_dir}; check them with: "
            f"outreach plan --detailed-exitcode {out_dir}"
        )


def register(app: typer.Typer) -> None:
    app.command("import", cls=c.Command)(import_cmd)
