"""Shared test helpers: the CLI runner, the repository's paths, API clients closed after each
test."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from typer.testing import CliRunner

from outreach_cli.cli.app import app

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
SHARED = REPO.parent / "shared"

T = TypeVar("T")
OPEN: list[Any] = []  # clients a test opened; conftest's autouse fixture closes them


def track(client: T) -> T:
    """Close `client` (anything with .close()) when the test ends."""
    OPEN.append(client)
    return client


def run(*args: str, input: str | None = None) -> Any:
    """Invoke the CLI in-process; stdout and stderr are kept apart."""
    runner = CliRunner()
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)
