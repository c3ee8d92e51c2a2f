"""`--format markdown` tables: whatever a cell holds (`|`, a line break, a backslash), a
markdown reader finds the same rows and cells as were given."""

from __future__ import annotations

import io
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from outreach_cli.output import Output
from outreach_cli.output.markdown import markdown_table


class _Cells(HTMLParser):
    """The rows of cells (their text) of the first HTML table."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_back(markdown: str) -> list[list[str]]:
    """The table as GitHub-flavoured markdown reads it (markdown-it with tables on)."""
    parser = _Cells()
    parser.feed(MarkdownIt("commonmark").enable("table").render(markdown))
    return parser.rows


def test_a_cell_holding_a_pipe_or_a_line_break_stays_in_its_cell() -> None:
    rows = [["a|b", "x"], ["two\nlines", "back\\slash|"], ["", None]]
    assert read_back(markdown_table(["campaign", "id"], rows)) == [
        ["campaign", "id"],
        ["a|b", "x"],
        ["two lines", "back\\slash|"],
        ["", ""],
    ]


def test_the_markdown_format_of_a_table_command_uses_it() -> None:
    buf = io.StringIO()
    Output("markdown", stdout=buf, stderr=io.StringIO()).table(
        "campaigns", ["campaign", "id", "status"], [["q3 | promo", "c_1", "active"]]
    )
    assert read_back(buf.getvalue()) == [
        ["campaign", "id", "status"],
        ["q3 | promo", "c_1", "active"],
    ]
