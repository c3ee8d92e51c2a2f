"""`outreach preview` text laid out for the width (issue 22, item 2): the subject and each
line of the body wrapped between words (a list item's later lines under its text, a URL
longer than the line whole on its own), never cut; through a pipe each line as written, and
the heading's rule 80 columns rather than the million a pipe's width would give."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach_cli.output.preview import message_lines
from outreach_cli.preview import Message
from tests.cli.test_preview_cli import _q2
from tests.helpers import run

URL = "https://northwind.example.com/case-studies/acme-like-teams-keep-reply-rates-steady"
TEXT = (
    "Hi Ann,\n\nI run partnerships at Northwind and noticed that Acme has been hiring account "
    "executives across three regions this quarter. We helped forty teams your size keep "
    "reply rates steady through that kind of growth.\n\n"
    "  - a deliverability audit of every sending domain, with the fixes ranked by what "
    "they cost\n"
    f"  - the case study: {URL}\n\nBest,\nDana"
)
MESSAGE = Message(
    "ann@acme.com",
    "step 1 · variant B",
    1,
    "email",
    "Quick question about Acme's outbound team before the next quarter starts",
    "",
    TEXT,
    (),
)
TITLE = "ann@acme.com · step 1 · variant B "
SUBJECT = "Subject: Quick question about Acme's outbound team before the next quarter starts"
TAIL = ["", "Best,", "Dana", ""]
EXPECTED = {
    60: [
        "Subject: Quick question about Acme's outbound team before",
        "         the next quarter starts",
        "",
        "Hi Ann,",
        "",
        "I run partnerships at Northwind and noticed that Acme has",
        "been hiring account executives across three regions this",
        "quarter. We helped forty teams your size keep reply rates",
        "steady through that kind of growth.",
        "",
        "  - a deliverability audit of every sending domain, with the",
        "    fixes ranked by what they cost",
        "  - the case study:",
        "    " + URL,
    ],
    80: [
        "Subject: Quick question about Acme's outbound team before the next quarter",
        "         starts",
        "",
        "Hi Ann,",
        "",
        "I run partnerships at Northwind and noticed that Acme has been hiring account",
        "executives across three regions this quarter. We helped forty teams your size",
        "keep reply rates steady through that kind of growth.",
        "",
        "  - a deliverability audit of every sending domain, with the fixes ranked by",
        "    what they cost",
        "  - the case study:",
        "    " + URL,
    ],
    120: [
        SUBJECT,
        "",
        "Hi Ann,",
        "",
        "I run partnerships at Northwind and noticed that Acme has been hiring account executives across three regions this",  # noqa: E501
        "quarter. We helped forty teams your size keep reply rates steady through that kind of growth.",  # noqa: E501
        "",
        "  - a deliverability audit of every sending domain, with the fixes ranked by what they cost",  # noqa: E501
        "  - the case study: " + URL,
    ],
    200: [
        SUBJECT,
        "",
        "Hi Ann,",
        "",
        "I run partnerships at Northwind and noticed that Acme has been hiring account executives across three regions this quarter. We helped forty teams your size keep reply rates steady through that kind of",  # noqa: E501
        "growth.",
        "",
        "  - a deliverability audit of every sending domain, with the fixes ranked by what they cost",  # noqa: E501
        "  - the case study: " + URL,
    ],
}


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_preview_wraps_between_words_at_the_width(width: int) -> None:
    lines = [t.plain for t in message_lines(MESSAGE, width)]
    assert lines[0] == TITLE + "─" * (width - len(TITLE))
    assert lines[1:-4] == EXPECTED[width]
    assert lines[-4:] == TAIL
    assert all(len(line) <= width for line in lines if URL not in line)
    # the same words in the same order as written: none split, none cut
    assert " ".join(lines[1:]).split() == f"{SUBJECT} {TEXT}".split()


def test_preview_through_a_pipe_keeps_each_line_as_written() -> None:
    lines = [t.plain for t in message_lines(MESSAGE, None)]
    assert lines == [TITLE + "─" * (80 - len(TITLE)), SUBJECT, "", *TEXT.split("\n"), ""]


def test_preview_command_through_a_pipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    f = _q2(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("preview", f, "--from", "leads.csv", "--lead", "ann@acme.com", "--step", "1")
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "ann@acme.com · step 1 " + "─" * 58,
        "Subject: Quick question about Acme",
        "",
        "Hi Ann,",
        "",
    ]
    assert lines[5] == (
        "I noticed Acme is scaling fast. Would love to share how we helped "
        "similar teams cut outbound costs by 40%."
    )  # one line, as written
