"""`outreach state list` / `state forget`: the state file without hand edits."""

from __future__ import annotations

import typer

from . import common as c

state_app = typer.Typer(
    cls=c.Group,
    help="What the state file records (ids, revisions), without hand edits.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@state_app.command("list", cls=c.Command)
def list_cmd(
    state_dir: str = c.StateDirOpt,
    fmt: str = c.FormatOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Every campaign the state file records: address, remote id, revision, last apply."""
    from ..orphans import entries
    from ..project import discover
    from ..state import State

    out = c.make_output(fmt, no_color, "state list")
    with c.guard(out):
        where = discover(state_dir=state_dir).state_dir
        rows = entries(State(where))
        if fmt == "json":
            out.json(rows)
            return
        if not rows:
            out.info(f"No state in {where}: no campaign has been applied from here yet.")
            return
        out.state_table(
            [[r["address"], r["id"], r["revision"] or "", r["appliedAt"] or ""] for r in rows]
        )


KeysArg = typer.Argument(
    ..., metavar="KEY...", help="provider/key, or key (glob) of the entries to drop."
)


@state_app.command("forget", cls=c.Command)
def forget_cmd(
    keys: list[str] = KeysArg,
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Drop state entries; the remote campaigns are not touched (the next plan finds them by
    name, or creates them)."""
    from ..orphans import forget
    from ..project import discover
    from ..state import State

    out = c.make_output("text", no_color, "state forget")
    with c.guard(out):
        for address in forget(State(discover(state_dir=state_dir).state_dir), keys):
            out.info(f"forgot {address}")


@state_app.command("mv", cls=c.Command)
def mv_cmd(
    old: str = typer.Argument(..., metavar="OLD", help="The address recorded now."),
    new: str = typer.Argument(..., metavar="NEW", help="The address to record it under."),
    state_dir: str = c.StateDirOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Move a record to a new key (a renamed campaign file); the remote is not touched. In
    a team, prefer `moved_from: [OLD-KEY]` in the file: the rename is then reviewed."""
    from ..orphans import move
    from ..project import discover
    from ..state import State

    out = c.make_output("text", no_color, "state mv")
    with c.guard(out):
        move(State(discover(state_dir=state_dir).state_dir), old, new)
        out.info(f"moved {old} → {new}")


@state_app.command("show", cls=c.Command)
def show_cmd(
    key: str = typer.Argument(..., metavar="KEY", help="The address of the record."),
    state_dir: str = c.StateDirOpt,
    fmt: str = c.FormatOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """One record in full: id, revision, last apply, file, write-only fields (never their
    hashes)."""
    from ..orphans import show
    from ..project import discover
    from ..state import State

    out = c.make_output(fmt, no_color, "state show")
    with c.guard(out):
        row = show(State(discover(state_dir=state_dir).state_dir), key)
        if fmt == "json":
            out.json(row)
            return
        out.table(
            "state",
            ["field", "value"],
            [
                [k, ", ".join(v) if isinstance(v, list) else str(v if v is not None else "")]
                for k, v in row.items()
            ],
        )


@state_app.command("path", cls=c.Command)
def path_cmd(state_dir: str = c.StateDirOpt) -> None:
    """Print the project's state folder (for scripts: CI restores and saves it)."""
    from ..project import discover

    typer.echo(str(discover(state_dir=state_dir).state_dir))


def register(app: typer.Typer) -> None:
    app.add_typer(state_app, name="state")
