"""Word diffs of long text laid out for the width (issue 22, item 2): rows wrapped between
words and beside fold markers (`…(106 unchanged chars)…` stays whole), later lines hanging
under the text; through a pipe (no terminal, no COLUMNS) a row a line, nothing cut."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from outreach_cli.output import Output
from outreach_cli.plan import CampaignPlan, Plan, PlannedChange
from outreach_cli.providers.base import Change, Verdict
from tests.output.test_rendering import _docs, _remote

OLD = (
    "Hi {{firstName}}, I run partnerships at Northwind and noticed that {{companyName}} has "
    "been hiring account executives across three regions this quarter, which usually means "
    "the outbound team is about to double its sending volume without doubling its "
    "deliverability budget. We helped forty teams your size keep reply rates steady through "
    "that kind of growth.\nWould a twenty minute call on Tuesday or Wednesday afternoon work "
    "for you?\nBest regards, Dana Whitfield, Head of Partnerships, Northwind Deliverability "
    "Labs"
)
NEW = (
    OLD.replace("forty teams", "fifty-two teams")
    .replace("account executives", "sales development representatives")
    .replace("Tuesday or Wednesday", "Thursday")
)


ROW, HANG = "        ~ ", " " * 10
LAST = HANG + "Best regards, Dana Whitfield, Head of Pa…(41 more chars)"
EXPECTED = {
    60: [
        ROW + "…(69 unchanged chars)…companyName}} has been",
        HANG + "hiring [-account executives-]{+sales development",
        HANG + "representatives+} across three regions this qua",
        HANG + "…(106 unchanged chars)…iverability budget. We",
        HANG + "helped [-forty-]{+fifty-two+} teams your size keep",
        HANG + "reply rates steady through that kind of growth.",
        ROW + "Would a twenty minute call on [-Tuesday or",
        HANG + "Wednesday-]{+Thursday+} afternoon work for you?",
        HANG + "Best regards, Dana Whitfield, Head of Pa",
        HANG + "…(41 more chars)",
    ],
    80: [
        ROW + "…(69 unchanged chars)…companyName}} has been hiring [-account",
        HANG + "executives-]{+sales development representatives+} across three regions",
        HANG + "this qua…(106 unchanged chars)…iverability budget. We helped",
        HANG + "[-forty-]{+fifty-two+} teams your size keep reply rates steady through",
        HANG + "that kind of growth.",
        ROW + "Would a twenty minute call on [-Tuesday or Wednesday-]{+Thursday+}",
        HANG + "afternoon work for you?",
        LAST,
    ],
    120: [
        ROW + "…(69 unchanged chars)…companyName}} has been hiring [-account executives-]"
        "{+sales development",
        HANG + "representatives+} across three regions this qua…(106 unchanged chars)…"
        "iverability budget. We helped",
        HANG + "[-forty-]{+fifty-two+} teams your size keep reply rates steady through that "
        "kind of growth.",
        ROW + "Would a twenty minute call on [-Tuesday or Wednesday-]{+Thursday+} afternoon "
        "work for you?",
        LAST,
    ],
    200: [
        ROW + "…(69 unchanged chars)…companyName}} has been hiring [-account executives-]"
        "{+sales development representatives+} across three regions this qua…(106 unchanged "
        "chars)…iverability budget. We",
        HANG + "helped [-forty-]{+fifty-two+} teams your size keep reply rates steady through "
        "that kind of growth.",
        ROW + "Would a twenty minute call on [-Tuesday or Wednesday-]{+Thursday+} afternoon "
        "work for you?",
        LAST,
    ],
}
PIPED = [
    ROW + "…(69 unchanged chars)…companyName}} has been hiring [-account executives-]"
    "{+sales development representatives+} across three regions this qua…(106 unchanged "
    "chars)…iverability budget. We helped [-forty-]{+fifty-two+} teams your size keep "
    "reply rates steady through that kind of growth.",
    EXPECTED[200][2],
    LAST,
]


def _plan(tmp_path: Path) -> Plan:
    [doc] = _docs(tmp_path, 1)
    pc = PlannedChange(Change(("sequence", 0, "body"), "change", OLD, NEW), Verdict(True))
    return Plan((CampaignPlan(doc, "update", _remote(3), (pc,)),))


def _render(tmp_path: Path, width: int | None) -> list[str]:
    """The rows under `~ sequence[0].body:` as printed by the plan."""
    buf = io.StringIO()
    Output("text", color=False, width=width, stdout=buf).plan(_plan(tmp_path))
    lines = buf.getvalue().splitlines()
    start = lines.index("    ~ sequence[0].body:") + 1
    return lines[start : lines.index("", start)]


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_word_diff_rows_wrap_between_words_and_beside_folds(tmp_path: Path, width: int) -> None:
    rows = _render(tmp_path, width)
    assert rows == EXPECTED[width]
    assert max(len(line) for line in rows) <= width


def test_word_diff_rows_through_a_pipe_are_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert _render(tmp_path, None) == PIPED  # not a terminal, no COLUMNS: a row a line


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_wrapping_moves_words_and_never_splits_one(tmp_path: Path, width: int) -> None:
    # The words of the wrapped rows, read in order, are the piped rows' words (a fold
    # marker counts as a word: a line may break right beside it).
    def words(lines: list[str]) -> list[str]:
        return re.sub(r"(…\([^)]*\)…?)", r" \1 ", " ".join(lines)).split()

    assert words(_render(tmp_path, width)) == words(PIPED)


ADDRESS = "another-very-long-address-for-the-log@subsidiary.yourcompany.com"
LONG_NOTE = (
    "A note for the log that is long enough to need more than one line at eighty "
    "columns, and then some more words to be sure of it"
)


def _values(tmp_path: Path, width: int | None) -> list[str]:
    [doc] = _docs(tmp_path, 1)
    changes = (
        PlannedChange(Change(("settings", "cc", 1), "add", None, ADDRESS), Verdict(True)),
        PlannedChange(Change(("settings", "note"), "change", "short", LONG_NOTE), Verdict(True)),
        PlannedChange(
            Change(
                ("settings", "webhook"),
                "add",
                None,
                {"url": "https://hooks.example.com/" + "x" * 90},
            ),
            Verdict(True),
        ),
    )
    buf = io.StringIO()
    Output("text", color=False, width=width, stdout=buf).plan(
        Plan((CampaignPlan(doc, "update", _remote(3), changes),))
    )
    lines = buf.getvalue().splitlines()
    return lines[: lines.index("")]


@pytest.mark.parametrize("width", [60, 80])
def test_values_and_the_file_are_laid_out_for_the_width(tmp_path: Path, width: int) -> None:
    file = str(tmp_path / "c000.yaml")
    rows = _values(tmp_path, width)
    head = (
        ["~ sendkit/c000  " + file]
        if len("~ sendkit/c000  " + file) <= width
        else ["~ sendkit/c000", "    " + file]
    )  # the path whole on its own line
    assert rows[: len(head)] == head
    body = rows[len(head) :]
    assert body[:3] == [
        "    [000000000000000000000003, active]",
        "    + settings.cc[1]:",
        f'        "{ADDRESS}"',
    ]  # not beside its field, where it cannot fit
    note = [r for r in body if r.startswith("    ~ settings.note") or r.startswith(" " * 21)]
    assert (
        note
        == (
            {
                80: [
                    '    ~ settings.note: "short" → "A note for the log that is long enough '
                    "to need",
                    "                     more than one line at eighty columns, and then some more",
                    '                     words to be sure of it"',
                ],
                60: [
                    '    ~ settings.note: "short" → "A note for the log that is',
                    "                     long enough to need more than one line",
                    "                     at eighty columns, and then some more",
                    '                     words to be sure of it"',
                ],
            }[width]
        )
    )
    url = body[body.index("    + settings.webhook:") + 1]
    assert (
        url.startswith('        url: "https://hooks.example.com/xxx')
        and url.endswith('…" (116 chars)')
        and len(url) <= width
    )
    assert all(len(r) <= width for r in rows if ADDRESS not in r and file not in r)


def test_values_through_a_pipe_are_whole(tmp_path: Path) -> None:
    piped = _values(tmp_path, None)
    assert f'    + settings.cc[1]: "{ADDRESS}"' in piped
    assert f'    ~ settings.note: "short" → "{LONG_NOTE}"' in piped
    assert '        url: "https://hooks.example.com/' + "x" * 90 + '"' in piped
