"""`outreach render FILE`: the merged campaign as the platform will get it.

Thin: parse, call `outreach_cli.overlays.rendered`, print, exit.
"""

from __future__ import annotations

import typer

from . import common as c

FILE_MODES = ("inline", "ref")
TargetOpt = typer.Option(
    None, "--target", "-t", help="The campaign's key when the file holds several (glob)."
)


def render_cmd(
    path: str = typer.Argument(
        ...,
        metavar="FILE",
        show_default=False,
        help="The campaign file (an overlay, or any campaign file).",
    ),
    files: str = typer.Option(
        "inline",
        "--files",
        metavar="MODE",
        autocompletion=c.choices(FILE_MODES),
        help="!file bodies: inline (the text the platform gets) or ref "
        "(`!file` references, relative to FILE).",
    ),
    target: list[str] = TargetOpt,
    no_color: bool = c.NoColorOpt,
) -> None:
    """Print the campaign as the platform will get it: bases merged, values filled, secrets
    from the environment masked."""
    from ..providers import provider_class
    from ..render import rendered
    from ..targets import one_document

    out = c.make_output("text", no_color, "render")
    with c.guard(out):
        if files not in FILE_MODES:
            from ..errors import UsageError

            raise UsageError(f"--files {files!r}: one of inline, ref")
        doc = one_document(path, target, who="render works")
        sensitive = tuple(provider_class(doc.provider)().sensitive())
        out.raw(rendered(doc, sensitive, inline=files == "inline").rstrip("\n"))


def register(app: typer.Typer) -> None:
    app.command("render", cls=c.Command)(render_cmd)
