"""Plan rendering as pure functions: word diffs, steps as steps, the markdown comment under
GitHub's limit (balanced blocks, cut between campaigns), the prompt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from outreach_cli.output import (
    GITHUB_LIMIT,
    Output,
    campaign_lines,
    confirm_lines,
    confirm_question,
    plan_markdown,
)
from outreach_cli.output.textdiff import plain, text_rows, word_segments
from outreach_cli.plan import CampaignPlan, Plan, PlannedChange
from outreach_cli.providers.base import Change, Lifecycle, Remote, Verdict
from outreach_cli.validate import validate_paths

BODY = (
    "<p>Hi {{firstName}}, we help sales teams at companies like {{companyName}} book "
    "more meetings with less manual work. Would a quick call next week be useful? "
    "I can walk you through how teams your size set this up in under a day.</p>"
)


def _docs(tmp_path: Path, n: int) -> list:
    for i in range(n):
        (tmp_path / f"c{i:03}.yaml").write_text(
            f"provider: sendkit\nkey: c{i:03}\ncampaign:\n  name: Campaign {i}\n"
        )
    result = validate_paths([str(tmp_path)])
    assert not result.errors, result.errors
    return sorted(result.documents, key=lambda d: d.key)


def _remote(i: int) -> Remote:
    return Remote(f"{i:024x}", f"Campaign {i}", "active", "r1", {})


def _update(doc, i: int, body: str = BODY) -> CampaignPlan:
    change = Change(("sequence", 0, "body"), "change", body, body.replace("sales", "revenue"))
    return CampaignPlan(doc, "update", _remote(i), (PlannedChange(change, Verdict(True)),))


def test_one_word_in_a_one_line_body_is_marked_and_the_rest_folded() -> None:
    [row] = text_rows(BODY, BODY.replace("sales", "revenue"))
    assert row.kind == "~"
    text = plain(row.segments)
    assert "[-sales-]{+revenue+}" in text
    assert "unchanged chars" in text  # the long tail is folded, with a count
    assert len(text) < len(BODY) // 2


def test_word_segments_keep_unchanged_text_short_ends_whole() -> None:
    segs = word_segments("Quick question", "Quick idea")
    assert plain(segs) == "Quick [-question-]{+idea+}"


def test_long_runs_of_unchanged_lines_fold_with_a_count() -> None:
    old = "\n".join(f"line {i}" for i in range(40))
    new = old.replace("line 20", "line twenty")
    rows = text_rows(old, new)
    folded = [r for r in rows if r.kind == "…"]
    assert [r.segments[0].text for r in folded] == ["18 unchanged lines", "17 unchanged lines"]
    assert [plain(r.segments) for r in rows if r.kind == "~"] == ["line [-20-]{+twenty+}"]


def test_removed_step_renders_as_the_step_not_json(tmp_path: Path) -> None:
    [doc] = _docs(tmp_path, 1)
    step = {"type": "email", "subject": "Follow-up", "delay": 3}
    cp = CampaignPlan(
        doc,
        "update",
        _remote(0),
        (PlannedChange(Change(("steps", 2), "remove", step, None), Verdict(True)),),
    )
    text = [t.plain for t in campaign_lines(cp)]
    assert text[1:] == [
        "    - steps[2]: (removed)",
        '        type: "email"',
        '        subject: "Follow-up"',
        "        delay: 3",
    ]
    md = plan_markdown(Plan((cp,)))
    assert '\n- steps[2]: (removed)\n-   type: "email"\n-   subject: "Follow-up"\n' in md
    assert "{" not in md.split("```diff")[1]  # no JSON blob


def _balanced(md: str) -> None:
    assert md.count("<details>") == md.count("</details>")
    assert md.count("<summary>") == md.count("</summary>")
    fences = re.findall(r"^(`{3,})", md, flags=re.M)
    assert len(fences) % 2 == 0
    inside = False
    for line in md.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            assert line[:1] in "+-!@ ", line  # a sign in column 1 (or a context space)


def test_markdown_for_160_campaigns_fits_github_and_balances(tmp_path: Path) -> None:
    docs = _docs(tmp_path, 160)
    big = BODY * 4
    camps = [
        _update(d, i, big) if i % 4 else CampaignPlan(d, "noop", _remote(i))
        for i, d in enumerate(docs)
    ]
    failed = CampaignPlan(docs[150], "error", error="SendKit API 500")
    camps[150] = failed
    blocked_change = PlannedChange(
        Change(("name",), "change", "a", "b"), Verdict(False, reason="name is fixed once active")
    )
    camps[151] = CampaignPlan(docs[151], "update", _remote(151), (blocked_change,))
    md = plan_markdown(Plan(tuple(camps)), limit=20_000)
    assert len(md) <= 20_000 + 1_536
    _balanced(md)
    # failed and blocked first, unchanged folded into one line
    first = md.index("<details>")
    assert (
        md.index("sendkit/c150", first)
        < md.index("sendkit/c151", first)
        < md.index("sendkit/c001", first)
    )
    assert md.count("= 40 unchanged:") == 1 and "<code>sendkit/c000</code>" not in md
    shown = md.count("<details>")
    left = int(re.search(r"\*\*(\d+) more campaign\(s\) not shown\*\*", md).group(1))
    assert shown + left == 120
    assert "outreach plan --format json" in md and "saved plan" in md


def test_markdown_default_limit_is_githubs(tmp_path: Path) -> None:
    docs = _docs(tmp_path, 200)
    camps = tuple(_update(d, i, BODY * 8) for i, d in enumerate(docs))
    md = plan_markdown(Plan(camps))
    assert len(md) <= GITHUB_LIMIT
    _balanced(md)
    assert "not shown" in md


def test_backticks_in_a_body_cannot_close_the_fence(tmp_path: Path) -> None:
    [doc] = _docs(tmp_path, 1)
    md = plan_markdown(Plan((_update(doc, 0, "use ```code``` here, sales"),)))
    assert "````diff" in md
    _balanced(md.replace("````", "```"))


def test_prompt_lists_blocked_and_failed(tmp_path: Path) -> None:
    a, b, c = _docs(tmp_path, 3)
    plan = Plan(
        (
            _update(a, 0),
            CampaignPlan(b, "error", error="boom"),
            CampaignPlan(
                c, "update", _remote(2), lifecycle=Lifecycle(blocked="no way from completed")
            ),
        )
    )
    lines = [t.plain for t in confirm_lines(plan)]
    assert lines == [
        "Apply will:",
        "  update  sendkit/c000 (1 change)",
        "  skip    sendkit/c001: failed: boom",
        "  skip    sendkit/c002: blocked: no way from completed",
    ]
    assert confirm_question(plan) == (
        "Apply changes to 1 campaign(s) (2 campaign(s) skipped: nothing is sent to them)?"
    )


@pytest.mark.parametrize("width", [80, 120])
def test_terminal_plan_exact_at_fixed_width(tmp_path: Path, width: int) -> None:
    import io

    [doc] = _docs(tmp_path, 1)
    buf = io.StringIO()
    Output("text", color=False, width=width, stdout=buf).plan(Plan((_update(doc, 7),)))
    head = f"~ sendkit/c000  {doc.file}  [000000000000000000000007, active]\n"
    if len(head) - 1 > width:  # the remote id on its own line, never cut by the terminal
        head = f"~ sendkit/c000  {doc.file}\n    [000000000000000000000007, active]\n"
    if len(f"~ sendkit/c000  {doc.file}") > width:  # and the path too, whole
        head = f"~ sendkit/c000\n    {doc.file}\n    [000000000000000000000007, active]\n"
    row = (
        "        ~ <p>Hi {{firstName}}, we help [-sales-]{+revenue+} teams at companies like "
        "{{com…(167 unchanged chars)…\n"
    )
    if width == 80:  # wrapped between words, under the text, the fold marker whole
        row = (
            "        ~ <p>Hi {{firstName}}, we help [-sales-]{+revenue+} teams at companies\n"
            "          like {{com…(167 unchanged chars)…\n"
        )
    assert buf.getvalue() == (
        head + "    ~ sequence[0].body:\n" + row + "\n"
        "Plan: 0 to create, 1 to update, 0 unchanged, 0 blocked.\n"
    )


STATUS_ROWS = [
    [
        "puffle/linkedin-heads-of-sales",
        "84b828b2-9da6-477a-9fc1-a1765b505b13",
        "draft",
        "0 prospects",
        "total 0, sent 0, replied 0, bounced 0",
    ],
    [
        "sendkit/q2-decision-makers",
        "6b0eca29a1f93f37340fc0d0",
        "active",
        "0 active / 0",
        "bounced 0, clicked 0",
    ],
]


def _status(width: int) -> str:
    import io

    buf = io.StringIO()
    Output("text", color=False, width=width, stdout=buf).status_table(STATUS_ROWS)
    return buf.getvalue()


def test_status_at_120_columns_keeps_every_id_whole() -> None:
    text = _status(120)
    assert "┃ campaign" in text  # a table
    for row in STATUS_ROWS:
        assert row[0] in text and row[1] in text  # on one line each, never cut or folded
    assert max(len(line) for line in text.splitlines()) <= 120


def test_status_at_80_columns_falls_back_to_one_block_per_campaign() -> None:
    assert (
        _status(80)
        == """\
campaigns
puffle/linkedin-heads-of-sales  84b828b2-9da6-477a-9fc1-a1765b505b13  draft
  leads: 0 prospects
  stats: total 0  sent 0  replied 0  bounced 0
sendkit/q2-decision-makers  6b0eca29a1f93f37340fc0d0  active
  leads: 0 active / 0
  stats: bounced 0  clicked 0
"""
    )


def test_a_blocked_removed_step_is_marked_line_by_line_in_markdown(tmp_path: Path) -> None:
    [doc] = _docs(tmp_path, 1)
    step = {"type": "linkedinSend", "delay": 2}
    pc = PlannedChange(
        Change(("steps", 4), "remove", step, None),
        Verdict(False, reason="lemlist refuses to delete a step while running"),
    )
    md = plan_markdown(Plan((CampaignPlan(doc, "update", _remote(0), (pc,)),)))
    body = md.split("```diff\n")[1].split("\n```")[0]
    assert body.splitlines() == [
        "! steps[4]: (removed)",
        '!   type: "linkedinSend"',
        "!   delay: 2",
        "!   blocked: lemlist refuses to delete a step while running",
    ]


def test_one_huge_campaign_is_listed_briefly_and_the_others_still_shown(tmp_path: Path) -> None:
    a, b = _docs(tmp_path, 2)
    huge = "\n".join(f"<p>line {i} about sales</p>" for i in range(3000))
    md = plan_markdown(Plan((_update(a, 0, huge), _update(b, 1))), limit=20_000)
    _balanced(md)
    assert "not shown" not in md and md.count("<details>") == 2
    first = md.split("</details>")[0]
    assert "\n  sequence[0].body (changed)\n  (the diff is too long for a comment" in first
    assert "[-sales-]" in md.split("</details>")[1]  # the other campaign in full


@pytest.mark.parametrize("fmt,color", [("text", False), ("text", True), ("json", False)])
def test_a_plan_rendered_campaign_by_campaign_prints_what_the_whole_plan_prints(
    tmp_path: Path, fmt: str, color: bool
) -> None:
    # plan.build hands each campaign to Output.prepare while the rest are read; the output
    # written at the end must be byte for byte what rendering the finished plan gives.
    import io
    import json

    a, b, c, d = _docs(tmp_path, 4)
    plan = Plan(
        (
            _update(a, 0),
            CampaignPlan(b, "error", error="boom [red]x[/red]"),
            CampaignPlan(
                c, "update", _remote(2), lifecycle=Lifecycle(blocked="no way from completed")
            ),
            CampaignPlan(d, "create"),
        )
    )
    whole, parts = io.StringIO(), io.StringIO()
    Output(fmt, color=color, width=100, stdout=whole).plan(plan)
    out = Output(fmt, color=color, width=100, stdout=parts)
    for cp in plan.campaigns:
        out.prepare(cp)
    out.plan(plan)
    assert parts.getvalue() == whole.getvalue()
    assert ("\x1b[" in whole.getvalue()) == color  # the colour path really was compared
    if fmt == "json":
        assert len(json.loads(parts.getvalue())["data"]["campaigns"]) == 4
    # A plan whose campaigns were not all prepared (a saved plan shown) renders as a whole.
    partial = io.StringIO()
    out = Output(fmt, color=color, width=100, stdout=partial)
    out.prepare(plan.campaigns[0])
    out.plan(plan)
    assert partial.getvalue() == whole.getvalue()


def test_the_comment_lists_warnings_escaped_and_counts_those_past_twenty(tmp_path: Path) -> None:
    from outreach_cli.output.markdown import WARNINGS_SHOWN

    [doc] = _docs(tmp_path, 1)
    plan = Plan((CampaignPlan(doc, "noop", _remote(0)),))
    warnings = [
        {
            "severity": "warning",
            "code": "orphan",
            "campaign": f"sendkit/old-{i}",
            "message": f"sendkit/old-{i} (id): in state, no file",
            "hint": "forget it",
            "file": None,
            "line": None,
            "column": None,
            "field": None,
        }
        for i in range(WARNINGS_SHOWN + 3)
    ]
    warnings[0] = {
        **warnings[0],
        "file": "a|b.yaml",
        "line": 3,
        "column": 7,
        "field": "sequence[0].body",
        "message": "uses <b>{{x}}</b>\nno lead has x",
        "hint": None,
    }
    head = plan_markdown(plan, warnings=warnings).split("= 1 unchanged")[0]
    assert f"**{WARNINGS_SHOWN + 3} warnings**" in head
    assert (
        "- <code>a&#124;b.yaml:3:7: sequence[0].body</code>: uses &lt;b&gt;{{x}}&lt;/b&gt; "
        "no lead has x\n"
    ) in head
    assert "- <code>sendkit/old-1</code>: sendkit/old-1 (id): in state, no file (forget it)" in head
    shown = [line for line in head.splitlines() if line.startswith("- <code>")]
    assert len(shown) == WARNINGS_SHOWN and "- and 3 more: " in head
    assert "warning" not in plan_markdown(plan)  # none: no section
