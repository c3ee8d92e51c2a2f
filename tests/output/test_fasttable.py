"""The fast table draws exactly what rich's Table draws, and steps aside when it cannot."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from outreach_cli.leads.records import Lead, LeadSubsequence
from outreach_cli.output import Output, fasttable


def console(width: int = 120, **kw: object) -> Console:
    return Console(file=io.StringIO(), width=width, highlight=False, soft_wrap=True,
                   emoji=False, **kw)  # type: ignore[arg-type]


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


@pytest.mark.parametrize("case", ["narrow", "newline", "colour", "tab"])
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
        con = console(color_system="truecolor", force_terminal=True)
    assert fasttable.render(con, "t", COLUMNS, rows) is None


def test_leads_text_output_is_rich_s_table() -> None:
    leads = [Lead("665a1b2c3d4e5f6a7b8c9d0e", "pat@example.org", "active", "Interested", 1,
                  LeadSubsequence("s1", "Warm", "paused")),
             Lead("665a1b2c3d4e5f6a7b8c9d0f", None, "paused")]
    out = io.StringIO()
    Output("text", color=False, stdout=out, stderr=io.StringIO(), width=120).leads(leads, "T")
    rows = [["665a1b2c3d4e5f6a7b8c9d0e", "pat@example.org", "active", "Interested", "1",
             "Warm (paused)"],
            ["665a1b2c3d4e5f6a7b8c9d0f", "", "paused", "", "", ""]]
    assert out.getvalue() == rich_text(console(color_system=None), "T", COLUMNS, rows)
