"""Text laid out for the width it is given (issue 22, item 2): prose wrapped between words
with a hanging indent, ids and URLs never broken, and through a pipe (no terminal, no
COLUMNS) nothing wrapped or cut at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from outreach_cli.output import Output
from outreach_cli.plan import CampaignPlan, Plan, PlannedChange
from outreach_cli.providers.base import Change, Verdict
from tests.output.test_rendering import _docs, _remote

REASON = (
    "sequence_nodes can change only in draft; Puffle would silently ignore it on an "
    "active campaign (see https://docs.puffle.ai/api-reference/campaigns/"
    "update-campaign-settings)"
)
REMEDY = "pause the campaign, duplicate it as a draft with the new sequence, then launch the copy"
URL = "https://docs.puffle.ai/api-reference/campaigns/update-campaign-settings)"
BLOCKED, INSTEAD, HANG = "        blocked: ", "        instead: ", " " * 17

EXPECTED = {
    60: [
        BLOCKED + "sequence_nodes can change only in draft;",
        HANG + "Puffle would silently ignore it on an",
        HANG + "active campaign (see",
        HANG + URL,
        INSTEAD + "pause the campaign, duplicate it as a draft",
        HANG + "with the new sequence, then launch the copy",
    ],
    80: [
        BLOCKED + "sequence_nodes can change only in draft; Puffle would silently",
        HANG + "ignore it on an active campaign (see",
        HANG + URL,
        INSTEAD + "pause the campaign, duplicate it as a draft with the new",
        HANG + "sequence, then launch the copy",
    ],
    120: [
        BLOCKED + "sequence_nodes can change only in draft; Puffle would silently ignore it "
        "on an active campaign (see",
        HANG + URL,
        INSTEAD + REMEDY,
    ],
    200: [BLOCKED + REASON, INSTEAD + REMEDY],
}


def _plan(tmp_path: Path) -> Plan:
    [doc] = _docs(tmp_path, 1)
    pc = PlannedChange(
        Change(("sequence_nodes",), "change", 1, 2), Verdict(False, reason=REASON, remedy=REMEDY)
    )
    return Plan((CampaignPlan(doc, "update", _remote(3), (pc,)),))


def _prose(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if "blocked:" in line)
    return lines[start : lines.index("", start)]


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_prose_wraps_between_words_with_a_hanging_indent(tmp_path: Path, width: int) -> None:
    buf = io.StringIO()
    Output("text", color=False, width=width, stdout=buf).plan(_plan(tmp_path))
    assert _prose(buf.getvalue()) == EXPECTED[width]


def test_through_a_pipe_each_message_is_one_line_and_tables_are_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    buf = io.StringIO()
    out = Output("text", color=False, stdout=buf)  # not a terminal, no COLUMNS: a pipe
    out.plan(_plan(tmp_path))
    assert _prose(buf.getvalue()) == [BLOCKED + REASON, INSTEAD + REMEDY]
    assert "[000000000000000000000003, active]" in buf.getvalue().splitlines()[0]
    rows = [
        [
            "sendkit/a-campaign-with-a-long-key-" + "x" * 40,
            "6b0eca29a1f93f37340fc0d0",
            "active",
            "12 active / 40",
            "bounced 0, clicked 3, opened 17, replied 2, sent 40",
        ]
    ]
    table = io.StringIO()
    Output("text", color=False, stdout=table).table(
        "campaigns", ["campaign", "id", "status", "leads", "stats"], rows
    )
    body = [line for line in table.getvalue().splitlines() if rows[0][1] in line]
    assert len(body) == 1  # one line per row, every cell whole
    assert all(cell in body[0] for cell in rows[0])
