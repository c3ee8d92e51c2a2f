"""YAML syntax errors in words, at the place to fix, with the line and a caret (issue 22,
item 3). PyYAML's own wording ("found character that cannot start any token", "mapping values
are not allowed in this context") must not reach the user."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli.documents import load_file
from tests.helpers import run

CASES = [
    (
        "tab in the indentation",
        "provider: sendkit\ncampaign:\n\tname: X\n",
        3,
        1,
        "a tab character in the indentation: YAML indents with spaces only (replace the tab "
        "with spaces)",
    ),
    (
        "key indented too little",
        "provider: sendkit\ncampaign:\n  name: X\n sequence: []\n",
        4,
        2,
        "this line is indented 1 space, which lines up with no key above it (those are at "
        "2, 0): indent it as the key it belongs with",
    ),
    (
        "key indented too much",
        "provider: sendkit\ncampaign:\n  name: X\n    sequence: []\n",
        4,
        5,
        "this key is indented 4 spaces, more than the key on line 3 (2), so YAML reads it "
        "as part of that key's value",
    ),
    (
        "list item key misaligned",
        "campaign:\n  sequence:\n    - type: email\n     subject: x\n",
        4,
        6,
        "this line is indented 5 spaces, which lines up with no key above it (those are at "
        "6, 2, 0)",
    ),
    (
        "unclosed double quote",
        'provider: sendkit\ncampaign:\n  name: "X\n  other: 1\n',
        3,
        9,
        "a double quote (\") opened here is never closed: add the closing '\"' (YAML read on "
        "to the end of the file looking for it)",
    ),
    (
        "unclosed bracket",
        "campaign:\n  tags: [a, b\n  name: X\n",
        2,
        9,
        "a '[' opened here is never closed: add the closing ']' (YAML read on to line 3, "
        "column 7 looking for it)",
    ),
    ("unclosed brace", "campaign: {name: X\n", 1, 11, "a '{' opened here is never closed"),
    (
        "a colon in a value",
        "campaign:\n  name: a: b\n",
        2,
        10,
        "a second ': ' on one line: a value that contains ': ' must be quoted",
    ),
    ("a stray bracket", "campaign: [a]]\n", 1, 14, "a ']' that closes nothing"),
    (
        "an @ starting a value",
        "provider: @x\n",
        1,
        11,
        "'@' cannot start a value: put the value in quotes",
    ),
]


@pytest.mark.parametrize("text,line,col,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_syntax_error_in_words(tmp_path: Path, text: str, line: int, col: int, words: str) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(text)
    _, [p] = load_file(str(f), {})
    assert (p.line, p.col, p.code) == (line, col, "yaml-syntax")
    assert p.message.startswith("invalid YAML: " + words), p.message
    for parser_words in (
        "cannot start any token",
        "mapping values",
        "expected key",
        "<block end>",
        "scanning",
        "while parsing",
    ):
        assert parser_words not in p.message


def test_the_line_is_shown_with_a_caret_under_the_column(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text('provider: sendkit\ncampaign:\n  name: "Q2 café\n  x: 1\n')
    result = run("validate", str(f))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{f}:3:9: invalid YAML: a double quote")
    assert lines[1] == '    3 |   name: "Q2 café'
    assert lines[2] == "      |         ^"
    tab = tmp_path / "t.yaml"
    tab.write_text("provider: sendkit\ncampaign:\n\tname: X\n")
    lines = run("validate", str(tab)).stderr.splitlines()
    assert lines[1:3] == ["    3 | →name: X", "      | ^"]


def test_the_excerpt_never_sends_a_control_character(tmp_path: Path) -> None:
    from outreach_cli.yamlerrors import excerpt

    f = tmp_path / "x.yaml"
    f.write_bytes(b"a\x1b[31mb\n")
    assert excerpt(str(f), 1, 2) == ["    1 | a·[31mb", "      |  ^"]
    assert excerpt(str(f), 5, 1) == []
