"""`outreach state list` / `state forget`: the state file without hand edits."""

from __future__ import annotations

import typer

from . import common as c

state_app = typer.Typer(help="What the state file records (ids, revisions), without hand edits.",
                        no_args_is_help=True, rich_markup_mode=None)


@state_app.command("list", cls=c.Command)
def list_cmd(
    state_dir: str = c.StateDirOpt,
    fmt: str = c.FormatOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Every campaign the state file records: address, remote id, revision, last apply."""
    from ..orphans import entries
    from ..state import State

    out = c.make_output(fmt, no_color, "state list")
    with c.guard(out):
        rows = entries(State(state_dir))
        if fmt == "json":
            out.json(rows)
            return
        out.table("state", ["campaign", "id", "revision", "applied at"],
                  [[r["address"], r["id"], r["revision"] or "", r["appliedAt"] or ""]
                   for r in rows])


KeysArg = typer.Argument(..., metavar="KEY...",
                         help="provider/key, or key (glob) of the entries to drop.")


@state_app.command("forget", cls=c.Command)
def forget_cmd(
    keys: list[str] = KeysArg,
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Drop state entries; the remote campaigns are not touched (the next plan finds them by
    name, or creates them)."""
    from ..orphans import forget
    from ..state import State

    out = c.make_output("text", no_color, "state forget")
    with c.guard(out):
        for address in forget(State(state_dir), keys):
            out.info(f"forgot {address}")


def register(app: typer.Typer) -> None:
    app.add_typer(state_app, name="state")
