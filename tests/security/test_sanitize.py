"""Text that did not come from outreach never drives the terminal or a spreadsheet (issue 19,
item 6): control characters and bidi overrides are shown escaped on stdout and stderr, in
text, markdown and error messages; JSON stays exact; CSV formula cells are neutralised."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.http import Api, RetryPolicy
from outreach_cli.output import Output
from outreach_cli.output.sanitize import SafeStream, Trusted, csv_cell, escape
from outreach_cli.providers.puffle import Puffle
from outreach_cli.providers.sendkit import SendKit
from tests.helpers import run, track

HOSTILE = "\x1b]0;PWNED\x07\x1b[2J"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def assert_clean(*texts: str) -> None:
    for text in texts:
        for ch in RAW:
            assert ch not in text, (ch, text[:400])


@pytest.fixture
def sk(env_sandbox: Any) -> SendKit:
    api = Api(
        "sendkit",
        env_sandbox.url + "/sendkit/v1",
        headers={"X-Api-Key": "sk_test_workspace"},
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    return SendKit(api)


def test_a_hostile_campaign_name_from_the_platform_is_shown_escaped(
    sk: SendKit, tmp_path: Path
) -> None:
    name = HOSTILE + "\u202e\x9b"
    cid = sk.create(
        {
            "name": name,
            "sequence": [{"type": "email", "subject": "s", "body": "b"}],
            "mailboxTags": ["outreach"],
        }
    )
    (tmp_path / "c.yaml").write_text(f"provider: sendkit\nid: {cid}\ncampaign:\n  name: Calm\n")
    for args in (
        ["leads", "list", "--provider", "sendkit", "--id", cid],
        ["status", "c.yaml"],
        ["plan", "c.yaml"],
        ["plan", "-f", "markdown", "c.yaml"],
    ):
        result = run(*args)
        assert result.exit_code in (0, 2), (args, result.output)
        assert_clean(result.stdout, result.stderr)
        if args[0] != "status":  # status shows no name
            assert "0;PWNED" in result.stdout, (args, result.stdout)
    as_json = run("plan", "-f", "json", "c.yaml")
    assert_clean(as_json.stdout)
    names = [
        c["old"]
        for c in json.loads(as_json.stdout)["data"]["campaigns"][0]["changes"]
        if c["path"] == "name"
    ]
    assert names == [name]  # escaped as JSON escapes, the same data


def test_an_unknown_field_and_a_file_name_with_escapes(tmp_path: Path) -> None:
    bad = tmp_path / "bad\x1b[2J\u202e.yaml"
    bad.write_text(
        'provider: sendkit\ncampaign:\n  name: x\n  "na\\e]0;T\\a\\u009bme": 1\n'
        '  "\\u202eevil": 2\n'
    )
    text = run("validate", str(bad))
    assert text.exit_code == 1
    assert_clean(text.stdout, text.stderr)
    assert (
        "bad\\x1b[2J\\u202e.yaml:4:3: campaign.na\\x1b]0;T" in text.stderr
        and "\\u009bme: unknown field" in text.stderr
        and "campaign.\\u202eevil: unknown field" in text.stderr
    ), text.stderr
    as_json = run("validate", "-f", "json", str(bad))
    body = json.loads(as_json.stdout)  # valid JSON, the same data
    assert_clean(as_json.stdout)
    messages = " ".join(e["message"] for e in body["errors"])
    assert "na\\x1b]0;T\\x07\\x9bme" in messages and "\\u202eevil" in messages
    assert {e["file"] for e in body["errors"]} == {str(bad)}
    md = run("plan", "-f", "markdown", str(bad))
    assert_clean(md.stdout, md.stderr)
    missing = run("validate", str(tmp_path / "gone\x9b.yaml"))
    assert missing.exit_code in (1, 64) and "gone\\u009b.yaml" in missing.stderr
    assert_clean(missing.stderr)


def test_csv_formula_cells_from_a_lead_are_neutralised(env_sandbox: Any, tmp_path: Path) -> None:
    api = Api(
        "puffle",
        env_sandbox.url + "/puffle/api",
        headers={"Authorization": "Bearer pk_test_key"},
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    cid = Puffle(api).create(
        {
            "type": "email",
            "name": "Formulas",
            "sender_account_ids": ["5e4de000-0000-4000-8000-000000000001"],
        }
    )
    firsts = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "Plain"]
    src = tmp_path / "p.csv"
    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["email", "first_name"])
        w.writerows([f"p{i}@example.org", f] for i, f in enumerate(firsts))
    assert (
        run("leads", "add", "--provider", "puffle", "--id", cid, "--from", str(src)).exit_code == 0
    )
    listed = run("leads", "list", "--provider", "puffle", "--id", cid, "--format", "csv")
    assert listed.exit_code == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    got = sorted(r["name"] for r in rows)
    assert got == sorted(["'=cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'@SUM(A1)", "Plain"]), got


def test_escape_shows_each_character_and_keeps_newline_and_tab() -> None:
    assert (
        escape("a\x1b[2Jb\x07\x9b\u202e\u2066\x7f\r\n\t")
        == "a\\x1b[2Jb\\x07\\u009b\\u202e\\u2066\\u007f\\x0d\n\t"
    )
    assert json.loads(escape(json.dumps("\x9b\u202e\x7f", ensure_ascii=False))) == "\x9b\u202e\x7f"
    assert [csv_cell(v) for v in ("=1", "+", "-x", "@a", "\rz", "a=b", 5, None)] == [
        "'=1",
        "'+",
        "'-x",
        "'@a",
        "'\rz",
        "a=b",
        5,
        None,
    ]


def test_rich_styles_survive_on_a_colour_terminal_and_foreign_codes_do_not() -> None:
    buf = io.StringIO()
    out = Output("text", color=True, width=100, stdout=buf, stderr=buf)
    out.table("t", ["campaign", "id", "status"], [[HOSTILE, "1", "\x9bactive\u202e"]])
    out.warn(f"server said {HOSTILE}")
    text = buf.getvalue()
    assert "\x1b[" in text  # rich's own style codes are kept
    assert "\x1b]" not in text and "\x1b[2J" not in text and "\x07" not in text
    assert "\x9b" not in text and "\u202e" not in text
    stream = io.StringIO()
    SafeStream(stream).write(Trusted("\x1b[1mbold\x1b[0m"))
    assert stream.getvalue() == "\x1b[1mbold\x1b[0m"


def test_the_fast_table_escapes_its_title_and_hands_foreign_cells_to_rich() -> None:
    from outreach_cli.output import fasttable

    assert fasttable.measure(["a"], [["x\x9b"]]) is None
    assert fasttable.measure(["a"], [["x\u202e"]]) is None
    lines = "".join(fasttable.draw(HOSTILE, ["a"], [3], [["abc"]], styled=True))
    assert "\x1b]" not in lines and "\x07" not in lines and "\x1b[3m" in lines
