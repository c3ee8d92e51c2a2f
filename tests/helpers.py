"""Shared test helpers: the CLI runner, the repository's paths, API clients closed after each
test."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TypeVar

from typer.testing import CliRunner

from outreach_cli.cli.app import app

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
# The vendors' reference pages (providers.md, the captured seed pages, lemlist's OpenAPI file)
# are not part of the repository: they sit beside it as `shared/` in the workplace, or wherever
# OUTREACH_REFERENCE_DIR points. The tests that hold quotes to them carry the `reference` marker
# and are skipped, with one counted reason, when the folder is absent (conftest.py); .ci/run
# refuses to start without it, so CI never skips them.
SHARED = Path(os.environ.get("OUTREACH_REFERENCE_DIR") or REPO.parent / "shared").resolve()
HAVE_REFERENCE = (SHARED / "reference" / "providers.md").is_file()

T = TypeVar("T")
OPEN: list[Any] = []  # clients a test opened; conftest's autouse fixture closes them


def track(client: T) -> T:
    """Close `client` (anything with .close()) when the test ends."""
    OPEN.append(client)
    return client


def run(*args: str, input: str | None = None) -> Any:
    """Invoke the CLI in-process; stdout and stderr are kept apart. Every JSON output of
    every test is checked against the envelope's contract (check_envelope)."""
    runner = CliRunner()
    result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
    if _asks_json(args) and result.stdout.strip():
        check_envelope(result, args)
    return result


def _asks_json(args: tuple[str, ...]) -> bool:
    return (
        any(
            a in ("-f", "--format") and i + 1 < len(args) and args[i + 1] == "json"
            for i, a in enumerate(args)
        )
        or "--format=json" in args
    )


COMMANDS = {
    "validate",
    "plan",
    "diff",
    "apply",
    "status",
    "leads",
    "sandbox",
    "schema",
    "show",
    "import",
    "state",
    "preview",
    "doctor",
    "lint",
}


def expected_kind(args: tuple[str, ...]) -> str:
    """The command the arguments name: `plan`, `leads add`, … (diff reports as plan)."""
    words = [a for a in args if not a.startswith("-")]
    first = next(i for i, w in enumerate(words) if w in COMMANDS)
    if words[first] == "diff":
        return "plan"
    if words[first] in ("leads", "sandbox", "state"):
        return f"{words[first]} {words[first + 1]}"
    return words[first]


def envelope_schema() -> dict[str, Any]:
    return json.loads((REPO / "outreach_cli" / "output" / "envelope.schema.json").read_text())


def check_envelope(result: Any, args: tuple[str, ...]) -> dict[str, Any]:
    """The contract: valid against the schema, kind names the command, ok exactly when the
    exit code is 0 or 2 (and says which), every error located and coded."""
    from jsonschema import Draft202012Validator

    doc = json.loads(result.stdout)
    Draft202012Validator(envelope_schema()).validate(doc)
    assert doc["kind"] == expected_kind(args), (doc["kind"], args)
    assert doc["exitCode"] == result.exit_code, (doc["exitCode"], result.exit_code)
    assert doc["ok"] is (result.exit_code in (0, 2))
    return dict(doc)


def sendkit_files(folder: Path, n: int, name: str = "Slow") -> Path:
    """`n` minimal SendKit campaign files (`c0.yaml`…), named `{name} {i}`, in a new `folder`."""
    folder.mkdir()
    for i in range(n):
        (folder / f"c{i}.yaml").write_text(
            f"provider: sendkit\ncampaign:\n  name: {name} {i}\n  sequence:\n"
            "    - {type: email, subject: Hi, body: Hello}\n"
        )
    return folder
