"""The fast table draws exactly what rich's Table draws, and steps aside when it cannot."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from outreach_cli.leads.records import Lead, LeadSubsequence
from outreach_cli.output import Output, fasttable


def console(width: int = 120, **kw: object) -> Console:
    return Console(
        file=io.StringIO(), width=width, highlight=False, soft_wrap=True, emoji=False, **kw
    )  # type: ignore[arg-type]


def rich_text(con: Console, title: str, columns: list[str], rows: list[list[str]]) -> str:
    t = Table(title=title, title_justify="left")
    for col in columns:
        t.add_column(col, no_wrap=col in ("id", "email"))
    for row in rows:
        t.add_row(*[Text(v) for v in row])
    con.print(t)
    return con.file.getvalue()  # type: ignore[attr-defined,no-any-return]


ROWS = [
    ["665a1b2c3d4e5f6a7b8c9d0e", "pat@example.org", "active", "", "0", ""],
    ["665a1b2c3d4e5f6a7b8c9d0f", "zoë@exämple.org", "paused", "Interested", "12", "Warm (paused)"],
    ["x", "", "", "", "", "日本語"],
]
COLUMNS = ["id", "email", "status", "aiTag", "step", "subsequence"]


@pytest.mark.parametrize("title", ["Leads (SendKit 665a)", ""])
@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], []])
def test_same_characters_as_rich(title: str, rows: list[list[str]]) -> None:
    con = console(color_system=None)
    drawn = fasttable.render(con, title, COLUMNS, rows)
    assert drawn is not None
    assert drawn == rich_text(console(color_system=None), title, COLUMNS, rows)


@pytest.mark.parametrize("system", ["standard", "256", "truecolor"])
@pytest.mark.parametrize("no_color", [False, True])
@pytest.mark.parametrize("title", ["Leads (SendKit 665a)", ""])
@pytest.mark.parametrize("rows", [ROWS, []])
def test_same_bytes_as_rich_on_a_terminal(
    system: str, no_color: bool, title: str, rows: list[list[str]]
) -> None:
    # A terminal: rich writes its table theme's styles (italic title, bold header).
    def term() -> Console:
        return console(color_system=system, force_terminal=True, no_color=no_color)

    drawn = fasttable.render(term(), title, COLUMNS, rows)
    assert drawn is not None and "\x1b[1m" in drawn
    assert drawn == rich_text(term(), title, COLUMNS, rows)


CELL = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12)


@given(
    st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=6),
    st.booleans(),
    st.sampled_from(["", "t", "Leads of a campaign"]),
)
def test_any_table_the_fast_path_draws_is_rich_s(
    rows: list[list[str]], terminal: bool, title: str
) -> None:
    columns = ["id", "email", "subsequence"]

    def con() -> Console:
        return console(
            width=200, color_system="truecolor" if terminal else None, force_terminal=terminal
        )

    drawn = fasttable.render(con(), title, columns, rows)
    if drawn is not None:  # where it steps aside, rich draws: nothing to compare
        assert drawn == rich_text(con(), title, columns, rows)


@pytest.mark.parametrize("case", ["narrow", "newline", "windows", "tab"])
def test_rich_draws_what_the_fast_table_cannot(case: str) -> None:
    rows = [r[:] for r in ROWS]
    con = console(color_system=None)
    if case == "narrow":
        con = console(width=60, color_system=None)
    elif case == "newline":
        rows[0][5] = "two\nlines"
    elif case == "tab":
        rows[0][5] = "a\tb"
    else:
        con = console(color_system="windows", force_terminal=True, legacy_windows=True)
    assert fasttable.render(con, "t", COLUMNS, rows) is None


def test_leads_text_output_is_rich_s_table() -> None:
    leads = [
        Lead(
            "665a1b2c3d4e5f6a7b8c9d0e",
            "pat@example.org",
            "active",
            "Interested",
            1,
            LeadSubsequence("s1", "Warm", "paused"),
        ),
        Lead("665a1b2c3d4e5f6a7b8c9d0f", None, "paused"),
    ]
    out = io.StringIO()
    Output("text", color=False, stdout=out, stderr=io.StringIO(), width=120).leads(leads, "T")
    rows = [
        [
            "665a1b2c3d4e5f6a7b8c9d0e",
            "pat@example.org",
            "active",
            "Interested",
            "1",
            "Warm (paused)",
        ],
        ["665a1b2c3d4e5f6a7b8c9d0f", "", "paused", "", "", ""],
    ]
    assert out.getvalue() == rich_text(console(color_system=None), "T", COLUMNS, rows)
