"""The console script builds only the command it runs (cli/app.only_invoked): what it prints,
and how it exits, are what the whole app gives for the same arguments."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from outreach_cli.cli.app import app, only_invoked
from tests.helpers import REPO

ARGS = [
    ["plan", "--help"], ["diff", "--help"], ["apply", "--help"], ["validate", "--help"],
    ["leads", "--help"], ["leads", "list", "--help"], ["state", "forget", "--help"],
    ["sandbox"], ["state"],                                   # a group without a subcommand
    ["plan"], ["plan", "--bogus-option"], ["plan", "--concurrency", "99", "x.yaml"],
    ["validate", str(REPO / "campaigns")], ["schema", "lemlist"], ["schema", "nobody"],
    ["leads", "frobnicate"],                                  # unknown subcommand
    ["plann"], ["--help"], [], ["--version"], ["--version", "plan"], ["--help", "plan"],
    ["-h", "leads", "list"], ["--install-completion", "plan"],
]


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.mark.parametrize("args", ARGS, ids=lambda a: " ".join(a) or "(none)")
def test_same_bytes_and_exit_code_as_the_whole_app(args: list[str]) -> None:
    whole = CliRunner().invoke(app, args, catch_exceptions=False)
    one = CliRunner().invoke(only_invoked(app, args), args, catch_exceptions=False)
    assert (one.exit_code, one.stdout, one.stderr) == \
        (whole.exit_code, whole.stdout, whole.stderr)


def test_a_command_word_keeps_that_command_alone() -> None:
    before = ([c.name for c in app.registered_commands], [g.name for g in app.registered_groups])
    one = only_invoked(app, ["diff", "--no-color", "campaigns"])
    assert [c.name for c in one.registered_commands] == ["diff"]
    assert one.registered_groups == []
    group = only_invoked(app, ["leads", "list", "x"])
    assert group.registered_commands == [] and [g.name for g in group.registered_groups] == \
        ["leads"]
    # The module's app is left whole (tests and a second main() in one process use it).
    assert ([c.name for c in app.registered_commands],
            [g.name for g in app.registered_groups]) == before
    assert len(before[0]) > 5 and len(before[1]) == 3


@pytest.mark.parametrize("args", [[], ["--help"], ["plann"], ["--version"],
                                  ["--help", "plan"]])
def test_no_known_command_word_gets_the_whole_app(args: list[str]) -> None:
    assert only_invoked(app, args) is app


def test_tab_completion_gets_the_whole_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_OUTREACH_COMPLETE", "complete_bash")
    assert only_invoked(app, ["plan"]) is app
