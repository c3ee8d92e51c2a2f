"""`outreach init`: the project file and the .gitignore lines a new repository needs."""

from __future__ import annotations

import typer

from . import common as c

WorkspaceOpt = typer.Option(
    None,
    "--workspace",
    "-w",
    metavar="NAME=PROVIDER:PATH",
    show_default=False,
    help="Bind PATH to a workspace NAME of PROVIDER (repeat); its key variable is "
    "NAME_PROVIDER_API_KEY in capitals.",
)


def init_cmd(
    workspace: list[str] = WorkspaceOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Write outreach.yaml (the project file) here, and ignore .outreach/ in .gitignore."""
    import re
    from pathlib import Path

    from ..errors import OutreachError, UsageError
    from ..project import PROJECT_FILE, PROVIDERS, find, key_variable, render

    out = c.make_output("text", no_color, "init")
    with c.guard(out):
        here = Path.cwd()
        if (here / PROJECT_FILE).exists():
            raise OutreachError(f"{here / PROJECT_FILE} exists already; nothing was written")
        above = find(here.parent)
        if above is not None:
            out.warn(
                f"{above / PROJECT_FILE} is a project above this folder: commands run "
                "here will use the new one"
            )
        spaces: dict[str, dict[str, object]] = {}
        for spec in workspace or []:
            m = re.fullmatch(r"([a-z0-9][a-z0-9_-]*)=(\w+):(.+)", spec)
            if not m or m.group(2) not in PROVIDERS:
                raise UsageError(
                    f"--workspace {spec}: expected NAME=PROVIDER:PATH with a "
                    f"lower-case NAME and PROVIDER one of {', '.join(PROVIDERS)}"
                )
            name, provider, path = m.groups()
            var = key_variable(name, provider)
            spaces[name] = {"provider": provider, "key_env": var, "paths": [path]}
        (here / PROJECT_FILE).write_text(render(spaces or None), "utf-8")
        ignore = here / ".gitignore"
        lines = ignore.read_text("utf-8").splitlines() if ignore.exists() else []
        if ".outreach/" not in lines and ".outreach" not in lines:
            with ignore.open("a", encoding="utf-8") as fh:
                if lines and lines[-1] != "":
                    fh.write("\n")
                fh.write(
                    "# outreach: the local state folder (CI keeps it on a branch)\n.outreach/\n"
                )
        out.info(f"wrote {PROJECT_FILE}" + (" and .gitignore" if ignore.exists() else ""))
        for name, ws in spaces.items():
            out.info(
                f"  {name}: export {ws['key_env']}=…, then `outreach doctor` shows the "
                "workspace id to put under `workspace:`"
            )


def register(app: typer.Typer) -> None:
    app.command("init", cls=c.Command)(init_cmd)
