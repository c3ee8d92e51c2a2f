"""Shared helpers for CLI tests."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from outreach_cli.cli.app import app


def run(*args: str, input: str | None = None) -> Any:
    """Invoke the CLI in-process; stdout and stderr are kept apart."""
    runner = CliRunner()
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)
