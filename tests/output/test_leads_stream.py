"""`leads list` prints through a spool: the bytes of rendering every lead at once, memory held
to a page (the spool moves to a file), and nothing printed when a page fails."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach_cli.leads import Lead, LeadSubsequence
from outreach_cli.output import Output
from outreach_cli.output import leads as leads_view
from outreach_cli.output.envelope import dumps, envelope, item_text, write_list_envelope

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(st.lists(JSONISH, max_size=5))
def test_a_list_envelope_written_item_by_item_is_the_whole_document(items: list[Any]) -> None:
    spool = io.StringIO(",\n".join(item_text(i) for i in items))
    out = io.StringIO()
    write_list_envelope(out, "leads list", spool, len(items))
    assert out.getvalue() == dumps(envelope("leads list", items, 0)) + "\n"


def _leads(n: int) -> list[Lead]:
    sub = LeadSubsequence("s1", "Replied ✓", "active", 2, True)
    return [
        Lead(
            f"id{i:05d}",
            f"lead{i}@example.com" if i % 7 else None,
            "active",
            "interested" if i % 3 == 0 else None,
            i % 4 or None,
            sub if i % 5 == 0 else None,
            {"company": f"Co {i}"} if i % 2 else {},
        )
        for i in range(n)
    ]


def _whole(fmt: str, leads: list[Lead]) -> str:
    """What the view printed before it streamed: everything built in memory at once."""
    records = [lead.record() for lead in leads]
    if fmt == "json":
        return dumps(envelope("leads list", records, 0)) + "\n"
    columns = list(dict.fromkeys(k for r in records for k in r)) or list(leads_view.LEAD_COLUMNS)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in records:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return buf.getvalue()


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("n", [0, 1, 250])
def test_streamed_leads_print_what_the_whole_list_printed(
    fmt: str, n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(leads_view, "SPOOL_BYTES", 2048)  # the spool really moves to a file
    out = io.StringIO()
    Output(fmt, color=False, stdout=out, stderr=io.StringIO(), command="leads list").leads(
        iter(_leads(n))
    )
    assert out.getvalue() == _whole(fmt, _leads(n))
    if fmt == "json":
        assert len(json.loads(out.getvalue())["data"]) == n


def test_the_text_table_is_rich_s_table_whether_drawn_plain_or_by_rich() -> None:
    leads = _leads(40)
    plain, err = io.StringIO(), io.StringIO()
    Output("text", color=False, width=120, stdout=plain, stderr=err).leads(iter(leads), "T")
    assert err.getvalue().strip() == "40 lead(s)"
    lines = plain.getvalue().splitlines()
    assert lines[0] == "T" and len(lines) == 40 + 5  # title, 3 head lines, 40 rows, bottom
    # Too narrow for the plain drawing: rich draws the same rows (wrapping what it may).
    narrow = io.StringIO()
    Output("text", color=False, width=60, stdout=narrow, stderr=io.StringIO()).leads(
        iter(leads), "T"
    )
    assert all(f"id{i:05d}" in narrow.getvalue() for i in range(40))


@pytest.mark.parametrize("fmt", ["json", "csv", "text"])
def test_a_page_that_fails_prints_nothing(fmt: str) -> None:
    class PageFailed(Exception):
        pass

    def pages() -> Iterator[Lead]:
        yield from _leads(150)
        raise PageFailed("page 2 answered 500")

    out = io.StringIO()
    with pytest.raises(PageFailed):
        Output(fmt, color=False, stdout=out, stderr=io.StringIO()).leads(pages())
    assert out.getvalue() == ""
