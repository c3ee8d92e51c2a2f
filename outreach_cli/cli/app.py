"""The `outreach` Typer app and its entry point.

Startup matters (`--help`, `--version`, TAB completion): this module and the command modules
import only typer at the top; everything else is imported inside the commands.
"""

from __future__ import annotations

import typer

from .. import __version__
from ..errors import ExitCode
from . import common as c

# Click exits 2 on a usage error, which would read as "changes present" to a CI script.
for _cls in typer.BadParameter.__mro__:
    if _cls.__name__ == "UsageError":
        _cls.exit_code = int(ExitCode.USAGE)  # type: ignore[attr-defined]

# Wide enough that each option's help holds on one line or two, narrow enough that its prose
# still reads as prose on a 200-column terminal (lines of 200 characters are hard to follow).
HELP_WIDTH = 120

app = typer.Typer(
    cls=c.Group,
    name="outreach",
    help="Campaign-as-code for SendKit, lemlist and Puffle: validate, plan and apply YAML "
    "campaign files.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    # Help fills the terminal up to HELP_WIDTH columns (Click's default stops at 80).
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": HELP_WIDTH},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"outreach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
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
    app()
