"""Campaign leads (issue 5): registered as a command group."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    return None
