"""--help reads like a person wrote it, the same under every supported Typer: values named
(FORMAT, KEY, N, PATH…), choices listed, defaults true; values complete on TAB."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from outreach_cli.cli.common import FORMATS, PROVIDER_NAMES
from outreach_cli.providers import PROVIDERS
from tests.helpers import run

COMMANDS = [
    ["validate"],
    ["plan"],
    ["diff"],
    ["apply"],
    ["status"],
    ["schema"],
    ["leads", "list"],
    ["leads", "add"],
    ["leads", "update"],
    ["sandbox", "serve"],
    ["sandbox", "tick"],
    ["sandbox", "events"],
    ["show"],
    ["import"],
    ["state", "list"],
    ["state", "forget"],
]


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def _help(*cmd: str) -> str:
    result = run(*cmd, "--help")
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


@pytest.mark.parametrize("cmd", COMMANDS, ids=" ".join)
def test_no_raw_type_names(cmd: list[str]) -> None:
    text = _help(*cmd)
    for raw in (
        "<str>",
        "<int",
        "<float",
        "list[str]",
        "TEXT",
        "INTEGER",
        "FLOAT",
        "{",
        "x>=",
        "<=x",
    ):
        assert raw not in text, f"{raw!r} in `{' '.join(cmd)} --help`"
    for line in text.splitlines():
        m = re.match(r"  (-\w, )?--[\w-]+ ([^\s]+)", line)
        if m:  # an option that takes a value names it in capitals
            assert m.group(2).isupper(), line


def test_tick_defaults_are_true() -> None:
    text = _help("sandbox", "tick")
    assert "[default: 0" not in text
    assert "Neither given: one day." in text


def test_usage_lines_bracket_optional_arguments() -> None:
    assert _help("leads", "update").startswith(
        "Usage: outreach leads update [OPTIONS] [CAMPAIGN] [LEAD_ID]\n"
    )
    assert _help("schema").startswith("Usage: outreach schema [OPTIONS] PROVIDER\n")


def test_out_of_range_concurrency_says_the_range(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path), "--format", "text")
    assert result.exit_code != 0  # no files; the point is below
    bad = run("plan", "--concurrency", "0", str(tmp_path))
    assert bad.exit_code == 64
    assert "expected a whole number from 1 to 32, got 0" in bad.stderr


def test_provider_names_match_the_providers() -> None:
    assert tuple(PROVIDERS) == PROVIDER_NAMES


def _script() -> str:
    return str(Path(sys.executable).parent / "outreach")


def _complete(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [_script()], capture_output=True, text=True, check=False, env={**os.environ, **env}
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@pytest.mark.parametrize(
    "words,expected",
    [
        ("outreach plan --format ", list(FORMATS)),
        ("outreach apply -f j", ["json"]),
        ("outreach schema ", list(PROVIDER_NAMES)),
        ("outreach leads list --provider l", ["lemlist"]),
        ("outreach leads update --status ", ["active", "paused"]),
        ("outreach leads list --format ", ["text", "json", "csv"]),
        ("outreach import s", ["sendkit"]),
    ],
)
def test_values_complete_in_bash(words: str, expected: list[str]) -> None:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    got = _complete(
        {"_OUTREACH_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    )
    assert got == expected


def test_lead_statuses_complete_from_every_platform() -> None:
    got = _complete(
        {
            "_OUTREACH_COMPLETE": "complete_bash",
            "COMP_WORDS": "outreach leads list --status ",
            "COMP_CWORD": "4",
        }
    )
    assert {"pending", "active", "replied", "connection_sent"} <= set(got)


def test_values_complete_in_zsh_and_fish() -> None:
    zsh = subprocess.run(
        [_script()],
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "_OUTREACH_COMPLETE": "complete_zsh",
            "_TYPER_COMPLETE_ARGS": "outreach plan --format ",
        },
    ).stdout
    assert all(f'"{f}"' in zsh for f in FORMATS)
    fish = _complete(
        {
            "_OUTREACH_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": "outreach schema p",
        }
    )
    assert fish == ["puffle"]
