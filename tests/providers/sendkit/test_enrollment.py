"""SendKit's enrollment table ("Update campaign lead"), run both ways: the client's prediction
(providers/sendkit/enrollment.py) and the emulator's PATCH, row by row."""

from __future__ import annotations

from typing import Any

import pytest

from outreach_cli.leads import (
    Lead,
    LeadChange,
    LeadRow,
    LeadSubsequence,
    add_leads,
    list_leads,
    update_lead,
    update_leads,
)
from outreach_cli.providers.sendkit import SendKit
from outreach_cli.providers.sendkit.enrollment import TABLE, decide, predict_enrollment
from tests.leads.helpers import ARCHIVED, INTERESTED, MEETING, campaign, sendkit

# -- the enrollment table, both ways -------------------------------------------------------------


def _lead_in(sandbox: Any, sk: SendKit, cid: str, state: str) -> Lead:
    """A lead of `cid` in `state`: none | interested | meeting, `-sent` once its subsequence
    has sent it an email (the campaign started and the clock ticked)."""
    add_leads(sk, cid, [LeadRow(2, {"email": f"{state}@example.org"})])
    lead = next(x for x in list_leads(sk, cid) if x.email == f"{state}@example.org")
    if state != "none":
        tag = {"interested": "Interested", "meeting": "Meeting Booked"}[state.split("-")[0]]
        assert update_lead(sk, cid, lead.id, tag=tag).enrollment.action == "enrolled"  # type: ignore[union-attr]
    if state.endswith("-sent"):
        sk.transition(sk.fetch(cid), "start")  # type: ignore[arg-type]
        sandbox.sandbox.tick(1)
    lead = next(x for x in list_leads(sk, cid) if x.id == lead.id)
    if state.endswith("-sent"):
        assert lead.subsequence is not None and lead.subsequence.emails_sent == 1
    return lead


BY_NUMBER = {r.number: r for r in TABLE.values()}

# (precondition, new tag, the page's row, action, subsequenceName)
ROWS = [
    ("none", "Interested", 1, "enrolled", "Interested follow-up"),
    ("interested", "INTERESTED", 2, None, None),
    ("meeting", "Interested", 3, "switched", "Interested follow-up"),
    ("interested-sent", "Meeting Booked", 4, "skippedInProgress", "Interested follow-up"),
    ("none", "Wrong Person", 5, None, None),
    ("meeting", "Not Interested", 6, "exited", "Meeting prep"),
    ("interested-sent", "Out of Office", 7, "skippedInProgress", "Interested follow-up"),
    # clearing the tag matches no subsequence: rows 5-7 again
    ("none", None, 5, None, None),
    ("meeting", None, 6, "exited", "Meeting prep"),
    ("interested-sent", None, 7, "skippedInProgress", "Interested follow-up"),
]


@pytest.mark.parametrize(
    "state,tag,row,action,name", ROWS, ids=[f"row{r[2]}-{r[0]}-{r[1]}" for r in ROWS]
)
def test_every_row_prediction_and_sandbox_agree(
    sandbox: Any, state: str, tag: str | None, row: int, action: str | None, name: str | None
) -> None:
    sk = sendkit(sandbox)
    # An archived subsequence with the "Out of Office" trigger: archived ones trigger nothing.
    cid = campaign(sk, [INTERESTED, MEETING, ARCHIVED])
    lead = _lead_in(sandbox, sk, cid, state)
    clear = tag is None

    sandbox.sandbox.request_log.clear()
    predicted = update_lead(sk, cid, lead.id, tag=tag, clear_tag=clear, dry_run=True)
    assert not [r for r in sandbox.sandbox.request_log if r[0] != "GET"]  # nothing written
    assert predicted.result == "predicted"
    assert predicted.decision is not None and predicted.decision.row == row
    assert predicted.decision.rule == BY_NUMBER[row].rule

    actual = update_lead(sk, cid, lead.id, tag=tag, clear_tag=clear)
    assert actual.result == "updated"
    got = (
        (actual.enrollment.action, actual.enrollment.subsequence_name)
        if actual.enrollment
        else (None, None)
    )
    want = (
        (predicted.enrollment.action, predicted.enrollment.subsequence_name)
        if predicted.enrollment
        else (None, None)
    )
    assert got == want == (action, name)
    # The predicted lead is the lead the server answers with.
    assert predicted.lead is not None and actual.lead is not None
    assert predicted.lead.ai_tag == actual.lead.ai_tag
    assert predicted.lead.status == actual.lead.status
    p_sub, a_sub = predicted.lead.subsequence, actual.lead.subsequence
    assert (p_sub and (p_sub.id, p_sub.status)) == (a_sub and (a_sub.id, a_sub.status))


def test_chained_changes_to_one_lead_are_predicted_in_order(sandbox: Any) -> None:
    sk = sendkit(sandbox)
    cid = campaign(sk, [INTERESTED, MEETING])
    lead = _lead_in(sandbox, sk, cid, "none")
    changes = [
        LeadChange(lead.id, tag="Meeting Booked", line=2),  # enrolled
        LeadChange(lead.id, tag="Interested", line=3),  # switched (nothing sent)
        LeadChange(lead.id, tag="Wrong Person", line=4),
    ]  # exited
    dry = update_leads(sk, cid, changes, dry_run=True)
    real = update_leads(sk, cid, changes, concurrency=4)
    actions = [
        [r.enrollment.action if r.enrollment else None for r in rep.results] for rep in (dry, real)
    ]
    assert actions[0] == actions[1] == ["enrolled", "switched", "exited"]


def test_prediction_reads_the_table_offline() -> None:
    raw = {
        "subsequences": [
            {
                "_id": "a",
                "name": "A",
                "status": "active",
                "trigger": {"type": "ai_tag", "value": "Interested"},
            },
            {"_id": "r", "name": "R", "status": "active", "trigger": {"type": "reply"}},
        ]
    }
    free = Lead("1", "x@example.org", "active")
    assert predict_enrollment(raw, free, "interested").action == "enrolled"  # type: ignore[union-attr]
    assert predict_enrollment(raw, free, "reply") is None  # only ai_tag triggers count
    unknown = Lead("2", None, "active", subsequence=LeadSubsequence("b", "B"))
    d = decide(raw, unknown, "Interested")
    # The record does not say whether B sent: the cautious row, flagged as uncertain.
    assert (d.row, d.certain) == (4, False) and "row 3" in d.note
    finished = Lead(
        "3", None, "completed", subsequence=LeadSubsequence("a", "A", "completed", 1, "2025-01-01")
    )
    d = decide(raw, finished, "Interested")
    assert d.row == 2 and d.outcome is None and "historical pointer" in d.note
