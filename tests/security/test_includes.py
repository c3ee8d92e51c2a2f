"""`!file` reads only what a campaign file may reasonably include (issue 19, item 3): no
dotfile or dot-folder, no hard link, no symlink out of the tree; the error names the file,
the line, the path and the rule, and nothing is sent."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from outreach_cli.documents import load_file
from tests.helpers import run

KEY = "sk_live_DO_NOT_PRINT_0123456789"
BASE = (
    "provider: sendkit\ncampaign:\n  name: X\n  sequence:\n"
    "    - {type: email, subject: s, body: BODY}\n"
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout as actions/checkout leaves it: .env and .git/config beside campaigns/."""
    root = tmp_path / "repo"
    (root / "campaigns" / "emails").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / ".env").write_text(f"SENDKIT_API_KEY={KEY}\n")
    (root / ".git" / "config").write_text(
        f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {KEY}\n'
    )
    (root / "campaigns" / "emails" / "ok.html").write_text("<p>hello</p>")
    monkeypatch.chdir(root)
    return root


def _cases(root: Path, outside: Path) -> dict[str, tuple[str, str]]:
    """file name → (the !file path, words the error must hold)."""
    emails = root / "campaigns" / "emails"
    os.symlink("../../.env", emails / "env-link.html")
    os.symlink("../../.git", emails / "git-dir")
    (outside / "secret.txt").write_text(KEY)
    os.link(outside / "secret.txt", emails / "hard.html")
    (emails / ".hidden.html").write_text(KEY)
    return {
        "dotenv": ("../.env", ".env is a dotfile or dot-folder"),
        "gitconfig": ("../.git/config", ".git is a dotfile or dot-folder"),
        "dot-in-folder": ("emails/.hidden.html", ".hidden.html is a dotfile"),
        "symlink-to-dotenv": ("emails/env-link.html", ".env is a dotfile or dot-folder"),
        "symlink-dir-to-git": ("emails/git-dir/config", ".git is a dotfile or dot-folder"),
        "hard-link": ("emails/hard.html", "2 hard links is never read"),
    }


def test_each_refused_include_names_file_line_path_and_rule(
    repo: Path, tmp_path: Path, env_sandbox: object
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    cases = _cases(repo, outside)
    for name, (rel, _) in cases.items():
        (repo / "campaigns" / f"{name}.yaml").write_text(BASE.replace("BODY", f"!file {rel}"))
    for name, (rel, words) in cases.items():
        file = f"campaigns/{name}.yaml"
        for fmt in ("text", "json", "markdown"):
            result = run("plan", "--format", fmt, file)
            assert result.exit_code == 1, (name, fmt, result.output)
            assert KEY not in result.stdout + result.stderr, (name, fmt)
            if fmt == "json":
                [err] = json.loads(result.stdout)["errors"]
                assert (err["file"], err["line"], err["field"]) == (
                    file,
                    5,
                    "campaign.sequence[0].body",
                ), (name, err)
                message = err["message"]
            else:
                message = result.stderr
                assert f"{file}:5:" in message, (name, fmt, message)
            assert (
                f"!file {rel}:" in message and words in message and "outreach's rule" in message
            ), (name, fmt, message)
    assert env_sandbox.sandbox.request_log == []  # type: ignore[attr-defined]


def test_the_reader_refuses_each_with_its_rule(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    for name, (rel, words) in _cases(repo, outside).items():
        file = repo / "campaigns" / f"{name}.yaml"
        file.write_text(BASE.replace("BODY", f"!file {rel}"))
        sources, problems = load_file(str(file), {})
        assert [words in p.message for p in problems] == [True], (name, problems)
        assert [(p.line, p.path) for p in problems] == [(5, "campaign.sequence[0].body")]
        assert sources[0].data["campaign"]["sequence"][0]["body"] is None, name
        assert KEY not in repr(sources[0].data), name


def test_an_ordinary_include_is_still_read(repo: Path) -> None:
    file = repo / "campaigns" / "ok.yaml"
    file.write_text(BASE.replace("BODY", "!file emails/ok.html"))
    sources, problems = load_file(str(file), {})
    assert problems == []
    assert sources[0].data["campaign"]["sequence"][0]["body"] == "<p>hello</p>"
    assert sources[0].includes == {("campaign", "sequence", 0, "body"): "emails/ok.html"}
