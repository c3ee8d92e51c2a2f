"""The `outreach` Typer app and its entry point.

Startup matters (`--help`, `--version`, TAB completion): this module and the command modules
import only typer at the top; everything else is imported inside the commands.
"""

from __future__ import annotations

import typer

from .. import __version__
from ..errors import ExitCode

# Click exits 2 on a usage error, which would read as "changes present" to a CI script.
for _cls in typer.BadParameter.__mro__:
    if _cls.__name__ == "UsageError":
        _cls.exit_code = int(ExitCode.USAGE)  # type: ignore[attr-defined]

app = typer.Typer(
    name="outreach",
    help="Campaign-as-code for SendKit, lemlist and Puffle: validate, plan and apply YAML "
    "campaign files.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"outreach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Campaign-as-code for cold-outreach platforms."""


from . import (  # noqa: E402
    campaigns,
    doctor,
    imports,
    leads,
    lint,
    plans,
    preview,
    project,
    render,
    sandbox,
    state,
)

campaigns.register(app)
plans.register(app)
imports.register(app)
state.register(app)
project.register(app)
leads.register(app)
preview.register(app)
lint.register(app)
render.register(app)
sandbox.register(app)
doctor.register(app)


def main() -> None:
    """Console-script entry point."""
    import sys

    try:
        only_invoked(app, sys.argv[1:])()
    except SystemExit as exc:
        finish(exc.code)
        raise
    finish(0)


def only_invoked(root: typer.Typer, args: list[str]) -> typer.Typer:
    """`root` with only the command the arguments name, when they name one: Typer builds a
    click command for every registered one before parsing (~6.5 ms of each run for all of
    them, ~0.7 ms for one). Anything else gets the whole app: no command word first
    (`--help`, `--version`, `-h plan`, nothing), a word it does not know (click's "No such
    command" suggests the others), and TAB completion, which walks the whole tree. A
    command's help and usage do not depend on its siblings; a test holds the two apps to the
    same bytes."""
    import copy
    import os

    if any(k.startswith("_OUTREACH_COMPLETE") for k in os.environ):
        return root
    # Only a first word: an option before it is the root's (--help, --version,
    # --install-completion), and the root's help lists every command.
    word = args[0] if args and not args[0].startswith("-") else None
    commands = [c for c in root.registered_commands if c.name == word]
    groups = [g for g in root.registered_groups if g.name == word]
    if word is None or len(commands) + len(groups) != 1:
        return root
    one = copy.copy(root)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def finish(code: object) -> None:
    """Leave without the interpreter's teardown once the command is done: freeing every module
    and object one by one took ~40 ms of each command, work the OS does at once. Taken only
    when nothing can be lost: no other thread alive (the interpreter would wait for it, or
    stop it mid-write), output flushed, exit handlers run; otherwise a normal exit."""
    import os
    import sys
    import threading

    if not isinstance(code, int | None) or threading.active_count() > 1 \
            or os.environ.get("OUTREACH_NORMAL_EXIT"):
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None when the descriptor was closed before the start
                stream.flush()
    except (OSError, ValueError):
        return  # a closed pipe: the normal exit reports it as it always has
    run_exit_handlers = getattr(__import__("atexit"), "_run_exitfuncs", None)
    if run_exit_handlers is None:
        return
    run_exit_handlers()  # logging's flush among them
    os._exit(code or 0)
