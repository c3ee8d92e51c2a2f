"""SendKit's subsequence enrollment table ("Update campaign lead") as data, and the prediction.

`decide()` is the page (shared/seeds/sendkit-update-campaign-lead.txt) row by row, so that
`leads update --dry-run` can say what a tag change will do to a lead's subsequence before
anything is sent. The sandbox implements the same page independently; a test runs every row
both ways.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from ...leads.records import Decision, Lead, LeadChange, LeadSubsequence, Outcome

# Where the lead is, relative to the subsequence the new tag matches (if any).
NONE, SAME, UNSENT, SENT = "none", "same", "unsent", "sent"


@dataclass(frozen=True)
class Row:
    number: int
    action: str | None  # None: no-op, `subsequenceEnrollment` omitted
    names: Literal["match", "current", ""]  # whose name `subsequenceName` carries
    rule: str  # the page's words
    why: str  # said to the user


# SendKit "Update campaign lead" (shared/seeds/sendkit-update-campaign-lead.txt), keyed by
# (the new aiTag matches an ai_tag trigger ignoring case, where the lead is). Rows 1-4 are the
# page's "when the new aiTag matches a subsequence" list, rows 5-7 its "matches NO subsequence"
# list, in the page's order.
TABLE: dict[tuple[bool, str], Row] = {
    (True, NONE): Row(
        1,
        "enrolled",
        "match",
        "Lead has no subsequence → enrolled in the matching one and any pending "
        "main-sequence send is canceled.",
        "the tag matches its ai_tag trigger and the lead had no subsequence; the "
        "pending main-sequence send is canceled",
    ),
    (True, SAME): Row(
        2,
        None,
        "",
        "Lead is already in the matching subsequence → no-op.",
        "the lead is already in the subsequence this tag triggers",
    ),
    (True, UNSENT): Row(
        3,
        "switched",
        "match",
        "Lead is in a different subsequence with no emails sent from it → "
        "switched into the matching subsequence (state reset).",
        "the tag matches its trigger and the lead's subsequence had sent no email yet",
    ),
    (True, SENT): Row(
        4,
        "skippedInProgress",
        "current",
        "Lead is in a different subsequence with at least one email already "
        "sent → no switch (action skippedInProgress); tag still updates.",
        "the tag matches another subsequence, but this one has already sent the "
        "lead email: no switch, the tag still updates",
    ),
    (False, NONE): Row(
        5,
        None,
        "",
        "When the new tag matches NO subsequence: Lead has no subsequence → no-op.",
        "the tag matches no subsequence and the lead is in none",
    ),
    (False, UNSENT): Row(
        6,
        "exited",
        "current",
        "Lead is in a subsequence with no emails sent from it → exits cleanly "
        "(subsequence.status: 'completed', completedAt set, lead status: "
        "'completed', scheduling cleared; subsequence.id preserved).",
        "the tag matches no subsequence and this one had sent no email: the "
        "lead exits it and is completed",
    ),
    (False, SENT): Row(
        7,
        "skippedInProgress",
        "current",
        "Lead is in a subsequence with at least one email already sent → kept "
        "in (action skippedInProgress); tag still updates.",
        "the tag matches no subsequence, but this one has already sent the lead "
        "email: the lead stays in it, the tag still updates",
    ),
}

# Why, for an outcome the server reported (it does not say which row).
WHY: dict[str, str] = {
    "enrolled": TABLE[(True, NONE)].why,
    "switched": TABLE[(True, UNSENT)].why,
    "exited": TABLE[(False, UNSENT)].why,
    "skippedInProgress": "the lead's subsequence has already sent it email: it stays there, "
    "the tag still updates",
}


def matching_subsequence(campaign_raw: dict[str, Any], tag: str | None) -> dict[str, Any] | None:
    """The subsequence whose `trigger.type='ai_tag'` and `trigger.value` equals `tag`
    ignoring case. Archived subsequences trigger nothing; clearing the tag (None) matches
    none."""
    if tag is None:
        return None
    # "equals the tag (case-insensitive)": case only, spaces count (validate's uniqueness
    # and the sandbox read it the same way; catalogue SK-37).
    folded = tag.casefold()
    for sub in campaign_raw.get("subsequences") or []:
        if not isinstance(sub, dict) or (sub.get("status") or "active") == "archived":
            continue
        trigger = sub.get("trigger") or {}
        if trigger.get("type") == "ai_tag" and str(trigger.get("value") or "").casefold() == folded:
            return sub
    return None


def decide(campaign_raw: dict[str, Any], lead: Lead, new_tag: str | None) -> Decision:
    """The page's row for setting `new_tag` on `lead` (None: clearing the tag), from the
    campaign's subsequences and the lead's current subsequence state."""
    match = matching_subsequence(campaign_raw, new_tag)
    history = lead.subsequence
    current = history if history is not None and history.active else None
    note = ""
    certain = True
    if current is None:
        where = NONE
        if match is not None and history is not None and history.id == _sid(match):
            # Silent on the page: a finished subsequence whose id is kept "as a historical
            # pointer". Read as row 2 (already in it): the same emails are not sent twice.
            where = SAME
            note = (
                "the lead already finished this subsequence (its id is kept as a "
                "historical pointer); read as 'already in the matching subsequence'"
            )
    elif match is not None and current.id == _sid(match):
        where = SAME
    elif current.emails_sent is None:
        where = SENT
        other = TABLE[(match is not None, UNSENT)]
        certain = False
        note = (
            f"the lead's record does not say whether its subsequence sent it email; if "
            f"none was sent, row {other.number} applies ({other.action})"
        )
    else:
        where = SENT if current.emails_sent > 0 else UNSENT
    row = TABLE[(match is not None, where)]
    outcome = None
    if row.action is not None:
        if row.names == "match":
            assert match is not None
            name, sid = str(match.get("name") or ""), _sid(match)
        else:
            assert current is not None
            name, sid = _name_of(campaign_raw, current), current.id
        outcome = Outcome(row.action, name, row.why, row.number, sid)
    return Decision(row.number, row.rule, outcome, note, certain)


def predict_enrollment(
    campaign_raw: dict[str, Any], lead: Lead, new_tag: str | None
) -> Outcome | None:
    """What `subsequenceEnrollment` the PATCH would answer; None when it would be omitted."""
    return decide(campaign_raw, lead, new_tag).outcome


def after(lead: Lead, change: LeadChange, tag: str | None, outcome: Outcome | None) -> Lead:
    """The lead as the page says it will be after `change` (for chained predictions)."""
    new = lead
    if change.status:
        new = replace(new, status=change.status)
    if change.tag is not None or change.clear_tag:
        new = replace(new, ai_tag=tag)
    if outcome is None:
        return new
    if outcome.action in ("enrolled", "switched"):
        new = replace(
            new,
            subsequence=LeadSubsequence(
                outcome.subsequence_id or "", outcome.subsequence_name, "active", 0, None
            ),
        )
    elif outcome.action == "exited" and new.subsequence is not None:
        new = replace(
            new, status="completed", subsequence=replace(new.subsequence, status="completed")
        )
    return new


def _sid(sub: dict[str, Any]) -> str:
    return str(sub.get("_id") or sub.get("id") or "")


def _name_of(campaign_raw: dict[str, Any], state: LeadSubsequence) -> str:
    for sub in campaign_raw.get("subsequences") or []:
        if isinstance(sub, dict) and _sid(sub) == state.id:
            return str(sub.get("name") or state.name)
    return state.name
