"""Hostile campaign files: a clear error with file:line, and not one request sent."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outreach_cli.cli.app import app

BASE = (
    "provider: sendkit\ncampaign:\n  name: X\n  sequence:\n"
    "    - {type: email, subject: s, body: BODY}\n"
)


def _cases(tmp: Path) -> dict[str, tuple[str, int]]:
    """file name → (text, line the error must name)."""
    (tmp / "emails").mkdir()
    (tmp / "emails" / "ok.txt").write_text("hi")
    os.symlink("/etc/passwd", tmp / "emails" / "link.txt")
    os.mkfifo(tmp / "emails" / "fifo")
    (tmp / "emails" / "big.txt").write_text("x" * (1024 * 1024 + 1))
    bomb = "".join(
        f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9 if i else ['"lol"'] * 9) + "]\n"
        for i in range(9)
    )
    return {
        "passwd": (BASE.replace("BODY", "!file ../../../../etc/passwd"), 5),
        "absolute": (BASE.replace("BODY", "!file /etc/passwd"), 5),
        "symlink": (BASE.replace("BODY", "!file emails/link.txt"), 5),
        "fifo": (BASE.replace("BODY", "!file emails/fifo"), 5),
        "device": (BASE.replace("BODY", "!file /dev/zero"), 5),
        "too-big-include": (BASE.replace("BODY", "!file emails/big.txt"), 5),
        "bomb": (bomb + "provider: sendkit\ncampaign: {name: x}\n", 0),
        "merge-bomb": (
            "".join(
                f"m{i}: &m{i} {{"
                + ", ".join(
                    [f"k{j}: *m{i - 1}" for j in range(9)] if i else [f"k{j}: 1" for j in range(9)]
                )
                + "}\n"
                for i in range(9)
            )
            + "provider: sendkit\ncampaign: {name: x}\n",
            0,
        ),
        "deep": (
            "provider: sendkit\ncampaign:\n  name: x\n  x: " + "[" * 200 + "]" * 200 + "\n",
            4,
        ),
        "long-list": (
            "provider: sendkit\ncampaign:\n  name: x\n  sequence: ["
            + ",".join(["{type: wait, waitDays: 1}"] * 5000)
            + "]\n",
            4,
        ),
        "provider-list": ("provider: [sendkit]\ncampaign: {name: x}\n", 1),
        "python-tag": ("provider: sendkit\ncampaign:\n  name: !!python/name:os.system\n", 3),
        "huge-int": (
            "provider: sendkit\ncampaign:\n  name: x\n  settings: {dailySendLimit: "
            + "9" * 400
            + "}\n",
            4,
        ),
        "id-traversal": (
            'provider: sendkit\nid: "../../../lemlist/api/team"\ncampaign: {name: x}\n',
            2,
        ),
        "id-query": ('provider: lemlist\nid: "x?limit=1"\ncampaign: {name: x}\n', 2),
        "puffle-id": (
            'provider: puffle\nid: "665a1b2c3d4e5f6a7b8c9d0e"\ncampaign: {name: x, type: email}\n',
            2,
        ),
    }


@pytest.mark.slow
def test_every_hostile_file_is_an_error_with_its_line_and_no_request(
    tmp_path: Path, env_sandbox: object
) -> None:
    cases = _cases(tmp_path)
    for name, (text, _) in cases.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    runner = CliRunner()
    for name, (_, line) in cases.items():
        result = runner.invoke(app, ["plan", "-f", "json", f"{name}.yaml"])
        assert result.exit_code == 1, (name, result.output)
        assert "Traceback" not in result.output, name
        body = json.loads(result.stdout) if result.stdout.strip() else {}
        diags = [d for d in body.get("errors") or [] if isinstance(d, dict) and d.get("file")]
        text = result.output
        assert f"{name}.yaml:" in text or any(d["file"].endswith(f"{name}.yaml") for d in diags), (
            name,
            text,
        )
        if line:
            assert f"{name}.yaml:{line}:" in text or any(d["line"] == line for d in diags), (
                name,
                text,
            )
    assert env_sandbox.sandbox.request_log == []  # type: ignore[attr-defined]


def test_an_include_inside_the_tree_is_read(tmp_path: Path) -> None:
    from outreach_cli.documents import load_file

    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "intro.txt").write_text("Hello")
    (tmp_path / "c.yaml").write_text(BASE.replace("BODY", "!file emails/../emails/intro.txt"))
    sources, problems = load_file(str(tmp_path / "c.yaml"))
    assert problems == []
    assert sources[0].data["campaign"]["sequence"][0]["body"] == "Hello"


@pytest.mark.parametrize(
    "encoding,bom",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
    ],
)
def test_csv_encodings_are_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    from outreach_cli.leads.csvfiles import read_rows

    path = tmp_path / "leads.csv"
    path.write_bytes(bom + "email,firstName\r\nzoe@example.com,Zoé\r\n".encode(encoding))
    rows, bad = read_rows(str(path), "sendkit")
    assert bad == [] and [r.fields["firstName"] for r in rows] == ["Zoé"]


def test_csv_in_another_encoding_is_refused_by_line(tmp_path: Path) -> None:
    from outreach_cli.errors import UsageError
    from outreach_cli.leads.csvfiles import read_rows

    path = tmp_path / "leads.csv"
    path.write_bytes("email,firstName\na@example.com,Ann\nzoe@example.com,Zoé\n".encode("latin-1"))
    with pytest.raises(UsageError) as info:
        read_rows(str(path), "sendkit")
    assert "leads.csv:3:" in info.value.message


def test_secrets_are_masked_in_list_items_and_hashed_with_a_key(
    tmp_path: Path, env_sandbox: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cr3t-body-value"
    monkeypatch.setenv("BODY_SECRET", secret)
    monkeypatch.setenv("HOOK_SECRET", "whsec_not_to_be_seen")
    (tmp_path / "c.yaml").write_text(
        BASE.replace("BODY", '"${BODY_SECRET}"') + "  settings:\n    webhook: {enabled: true, "
        'url: "https://example.com/hook", secret: "${HOOK_SECRET}"}\n'
    )
    runner = CliRunner()
    for fmt in ("text", "json", "markdown"):
        result = runner.invoke(app, ["plan", "-f", fmt, "c.yaml"])
        assert result.exit_code == 0, result.output
        assert secret not in result.output, fmt
        assert "whsec_not_to_be_seen" not in result.output, fmt
        assert "(sensitive)" in result.output, fmt
    applied = runner.invoke(app, ["apply", "--yes", "c.yaml"])
    assert applied.exit_code == 0 and secret not in applied.output
    key = tmp_path / ".outreach" / "state.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    state = (tmp_path / ".outreach" / "state.json").read_text()
    hashes = [h for e in json.loads(state)["campaigns"].values() for h in e["hashes"].values()]
    assert hashes and all(h.startswith("hmac-sha256:") for h in hashes)
    import hashlib

    for value in ('"whsec_not_to_be_seen"', "whsec_not_to_be_seen"):
        assert hashlib.sha256(value.encode()).hexdigest() not in state
