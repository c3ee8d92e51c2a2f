"""`state list` and `status` laid out for the width (issue 22, item 2): timestamps and ids
never split, the least useful column dropped first (said on stderr), rows made blocks when
no table fits, a campaign's stats in aligned columns; through a pipe (no terminal, no
COLUMNS) a table of one line per row, every cell whole."""

from __future__ import annotations

import io

import pytest

from outreach_cli.output import Output

STATE_ROWS = [
    [
        "lemlist/heads-of-growth",
        "cam_io6qOjqEEype77qOr",
        "2026-12-06T23:16:32.357Z",
        "2026-12-06T23:16:32Z",
    ],
    [
        "puffle/linkedin-heads-of-sales",
        "7366851c-1172-413d-9f58-a52f22c813af",
        "2026-12-06T23:16:32.314Z",
        "2026-12-06T23:16:32Z",
    ],
    ["sendkit/q2-decision-makers", "6b15ecd04cfe9c2bc709fc52", "", ""],
]
PUFFLE = (
    "total 0, sent 12, replied 2, bounced 1, completed 0, timed_out 0, connection_sent 30, "
    "connected 9, message_sent 9, contacted 40"
)
SENDKIT = "bounced 0, clicked 3, delivered 40, opened 17, replied 2, sent 40, unsubscribed 0"
STATUS_ROWS = [
    [
        "lemlist/heads-of-growth",
        "cam_io6qOjqEEype77qOr",
        "running",
        "12 leads (done 3, inProgress 9)",
        "5 steps, 1 schedule(s), 2 sender(s)",
    ],
    [
        "puffle/linkedin-heads-of-sales",
        "7366851c-1172-413d-9f58-a52f22c813af",
        "draft",
        "40 prospects",
        PUFFLE,
    ],
    ["sendkit/q2-decision-makers", "6b15ecd04cfe9c2bc709fc52", "active", "12 active / 40", SENDKIT],
]
DROPPED = (
    "revision not shown at 120 columns (a wider terminal, `| cat` or --format json "
    "shows every column)\n"
)


def _render(method: str, rows: list[list[str]], width: int | None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    getattr(Output("text", color=False, width=width, stdout=out, stderr=err), method)(rows)
    return out.getvalue(), err.getvalue()


STATE = {
    60: """\
state
lemlist/heads-of-growth
  id:         cam_io6qOjqEEype77qOr
  revision:   2026-12-06T23:16:32.357Z
  applied at: 2026-12-06T23:16:32Z
puffle/linkedin-heads-of-sales
  id:         7366851c-1172-413d-9f58-a52f22c813af
  revision:   2026-12-06T23:16:32.314Z
  applied at: 2026-12-06T23:16:32Z
sendkit/q2-decision-makers
  id:         6b15ecd04cfe9c2bc709fc52
""",
    80: """\
state
lemlist/heads-of-growth  cam_io6qOjqEEype77qOr
  revision:   2026-12-06T23:16:32.357Z
  applied at: 2026-12-06T23:16:32Z
puffle/linkedin-heads-of-sales  7366851c-1172-413d-9f58-a52f22c813af
  revision:   2026-12-06T23:16:32.314Z
  applied at: 2026-12-06T23:16:32Z
sendkit/q2-decision-makers  6b15ecd04cfe9c2bc709fc52
""",
    120: """\
state
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┓
┃ campaign                       ┃ id                                   ┃ applied at           ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━┩
│ lemlist/heads-of-growth        │ cam_io6qOjqEEype77qOr                │ 2026-12-06T23:16:32Z │
│ puffle/linkedin-heads-of-sales │ 7366851c-1172-413d-9f58-a52f22c813af │ 2026-12-06T23:16:32Z │
│ sendkit/q2-decision-makers     │ 6b15ecd04cfe9c2bc709fc52             │                      │
└────────────────────────────────┴──────────────────────────────────────┴──────────────────────┘
""",
    200: """\
state
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┓
┃ campaign                       ┃ id                                   ┃ revision                 ┃ applied at           ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━┩
│ lemlist/heads-of-growth        │ cam_io6qOjqEEype77qOr                │ 2026-12-06T23:16:32.357Z │ 2026-12-06T23:16:32Z │
│ puffle/linkedin-heads-of-sales │ 7366851c-1172-413d-9f58-a52f22c813af │ 2026-12-06T23:16:32.314Z │ 2026-12-06T23:16:32Z │
│ sendkit/q2-decision-makers     │ 6b15ecd04cfe9c2bc709fc52             │                          │                      │
└────────────────────────────────┴──────────────────────────────────────┴──────────────────────────┴──────────────────────┘
""",  # noqa: E501 (the screen as printed)
}

STATUS = {
    60: """\
campaigns
lemlist/heads-of-growth
  id:     cam_io6qOjqEEype77qOr
  status: running
  leads:  12 leads (done 3, inProgress 9)
  stats:  5 steps  1 schedule(s)  2 sender(s)
puffle/linkedin-heads-of-sales
  id:     7366851c-1172-413d-9f58-a52f22c813af
  status: draft
  leads:  40 prospects
  stats:  total 0             sent 12      replied 2
          bounced 1           completed 0  timed_out 0
          connection_sent 30  connected 9  message_sent 9
          contacted 40
sendkit/q2-decision-makers
  id:     6b15ecd04cfe9c2bc709fc52
  status: active
  leads:  12 active / 40
  stats:  bounced 0  clicked 3  delivered 40    opened 17
          replied 2  sent 40    unsubscribed 0
""",
    80: """\
campaigns
lemlist/heads-of-growth  cam_io6qOjqEEype77qOr  running
  leads: 12 leads (done 3, inProgress 9)
  stats: 5 steps  1 schedule(s)  2 sender(s)
puffle/linkedin-heads-of-sales  7366851c-1172-413d-9f58-a52f22c813af  draft
  leads: 40 prospects
  stats: total 0         sent 12       replied 2           bounced 1
         completed 0     timed_out 0   connection_sent 30  connected 9
         message_sent 9  contacted 40
sendkit/q2-decision-makers  6b15ecd04cfe9c2bc709fc52  active
  leads: 12 active / 40
  stats: bounced 0  clicked 3  delivered 40    opened 17
         replied 2  sent 40    unsubscribed 0
""",
    120: """\
campaigns
lemlist/heads-of-growth  cam_io6qOjqEEype77qOr  running
  leads: 12 leads (done 3, inProgress 9)
  stats: 5 steps  1 schedule(s)  2 sender(s)
puffle/linkedin-heads-of-sales  7366851c-1172-413d-9f58-a52f22c813af  draft
  leads: 40 prospects
  stats: total 0      sent 12             replied 2    bounced 1       completed 0
         timed_out 0  connection_sent 30  connected 9  message_sent 9  contacted 40
sendkit/q2-decision-makers  6b15ecd04cfe9c2bc709fc52  active
  leads: 12 active / 40
  stats: bounced 0  clicked 3  delivered 40  opened 17  replied 2  sent 40  unsubscribed 0
""",
    200: """\
campaigns
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ campaign                       ┃ id                                   ┃ status  ┃ leads                           ┃ stats                                                                            ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ lemlist/heads-of-growth        │ cam_io6qOjqEEype77qOr                │ running │ 12 leads (done 3, inProgress 9) │ 5 steps, 1 schedule(s), 2 sender(s)                                              │
│ puffle/linkedin-heads-of-sales │ 7366851c-1172-413d-9f58-a52f22c813af │ draft   │ 40 prospects                    │ total 0, sent 12, replied 2, bounced 1, completed 0, timed_out 0,                │
│                                │                                      │         │                                 │ connection_sent 30, connected 9, message_sent 9, contacted 40                    │
│ sendkit/q2-decision-makers     │ 6b15ecd04cfe9c2bc709fc52             │ active  │ 12 active / 40                  │ bounced 0, clicked 3, delivered 40, opened 17, replied 2, sent 40,               │
│                                │                                      │         │                                 │ unsubscribed 0                                                                   │
└────────────────────────────────┴──────────────────────────────────────┴─────────┴─────────────────────────────────┴──────────────────────────────────────────────────────────────────────────────────┘
""",  # noqa: E501 (the screen as printed)
}


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_state_list_never_splits_a_timestamp(width: int) -> None:
    text, err = _render("state_table", STATE_ROWS, width)
    assert text == STATE[width]
    assert err == (DROPPED if width == 120 else "")  # a column left out is said
    for row in STATE_ROWS:
        shown = row[:2] + row[3:] if width == 120 else row  # without the revision at 120
        for cell in filter(None, shown):
            assert any(cell in line for line in text.splitlines()), cell  # each on one line


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_status_lays_the_stats_out_in_columns(width: int) -> None:
    text, err = _render("status_table", STATUS_ROWS, width)
    assert text == STATUS[width]
    assert err == ""
    assert max(len(line) for line in text.splitlines()) <= width


@pytest.mark.parametrize(
    "method,rows", [("state_table", STATE_ROWS), ("status_table", STATUS_ROWS)]
)
def test_through_a_pipe_a_row_is_one_line_with_every_cell_whole(
    monkeypatch: pytest.MonkeyPatch, method: str, rows: list[list[str]]
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    text, err = _render(method, rows, None)  # not a terminal, no COLUMNS: a pipe
    assert err == ""
    for row in rows:
        [line] = [x for x in text.splitlines() if row[0] in x]
        assert all(cell in line for cell in row)
