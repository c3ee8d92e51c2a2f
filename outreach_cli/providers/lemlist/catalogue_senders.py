"""lemlist's sender rules: sendUserIds, the team's members and their channels."""

from __future__ import annotations

from ..catalogue import Probe, Rule
from .catalogue_sources import UPDATE

CLIENT_T = "tests/providers/lemlist/test_client.py::"
RULES_T = "tests/providers/lemlist/test_catalogue_lemlist.py::"
DIS_T = "tests/providers/lemlist/test_disagreements.py::"
SANDBOX_T = "tests/sandbox/lemlist/"

# A sandbox team member with every channel (the update page's own example user).
MEMBER = "usr_2aBCdEfGHiJkLmNOp"
# A member with a mailbox only: it cannot cover a LinkedIn step.
EMAIL_ONLY = "usr_DemoEmailOnly0001"

SENDER_RULES: tuple[Rule, ...] = (
    Rule(
        "LM-9",
        "sendUserIds are user ids of the usr_xxx form",
        UPDATE,
        "Array of user IDs (usr_xxx format) to assign as campaign senders.",
        "documented",
        "error",
        client="schema.json (^usr_ pattern)",
        sandbox="sandbox/lemlist/campaigns.py _check_senders",
        probes=(Probe("sender-member", {"sendUserIds": [MEMBER]}, "accept", "accept"),),
    ),
    Rule(
        "LM-C6",
        "A sender or review condition listed twice is refused",
        UPDATE,
        "Array of user IDs (usr_xxx format) to assign as campaign senders.",
        "choice",
        "error",
        client="rules.py _repeats (sendUserIds, autoReviewConditions)",
        sandbox="",
        why="a set written as a list: lemlist keeps one of the two (the emulator dedups), so "
        "the repeat is silently dropped and the file would never match what is read back",
        why_not="sandbox: lemlist accepts the repeat and keeps one",
        probes=(
            Probe("sender-twice", {"sendUserIds": [MEMBER, MEMBER]}, "refuse", "accept"),
            Probe(
                "condition-twice", {"autoReviewConditions": ["risky", "risky"]}, "refuse", "accept"
            ),
        ),
    ),
    Rule(
        "LM-C3",
        "sendUserIds outside the key's team are refused before anything is sent",
        UPDATE,
        "Array of user IDs (usr_xxx format) to assign as campaign senders.",
        "choice",
        "error",
        client="adapter.py unknown_senders (plan: blocked on an update, a note on a "
        "create; apply: create refused before its first call)",
        sandbox="sandbox/lemlist/campaigns.py _check_senders (refuses when none is a member)",
        why="the docs do not say what lemlist does with an id outside the team: it refuses it "
        "or drops it, and either way the campaign lacks the sender the file names; "
        "refusing before the first call leaves nothing half-made. Offline the client "
        "cannot know the team, so validate accepts it (the audit's LM-9 DISAGREE probe)",
        probes=(Probe("sender-not-a-member", {"sendUserIds": ["usr_NobodyAtAll0001"]}, "accept"),),
        tested_by=(
            RULES_T + "test_a_sender_outside_the_team_is_refused_before_anything_is_sent",
            RULES_T + "test_a_sender_outside_the_team_is_blocked_in_the_plan_of_an_update",
            SANDBOX_T + "test_campaigns.py::test_statutes_and_senders_and_duplicate",
        ),
    ),
    Rule(
        "LM-10",
        "sendUserIds are refused on a dynamic sender strategy",
        UPDATE,
        "Cannot be used on campaigns with a dynamic sender strategy (contactOwner, "
        "leadImporter, customField).",
        "documented",
        "blocked",
        client="adapter.py classify (the campaign's sender strategy)",
        sandbox="sandbox/lemlist/campaigns.py _check_senders",
        tested_by=(
            CLIENT_T + "test_sender_ids_on_a_dynamic_sender_campaign_are_blocked",
            SANDBOX_T + "test_update_campaign.py::test_senders_cannot_be_set_on_a_dynamic"
            "_sender_campaign",
        ),
    ),
    Rule(
        "LM-11",
        "Senders must cover every channel the steps use",
        UPDATE,
        "senders without capabilities for at least one channel are excluded, and all channels "
        "must be covered by at least one sender",
        "documented",
        "blocked",
        client="senders.py Team.sender_problem (plan: each sender's channels from GET "
        "/users/{userId}; blocked on a create and an update alike)",
        sandbox="sandbox/lemlist/campaigns.py _check_senders",
        why_not="",
        # Issue 21: the client left this to lemlist's 400 at apply, after the campaign was
        # made; the plan reads each sender's mailboxes and LinkedIn account and blocks it.
        probes=(
            Probe(
                "sender-cannot-cover-linkedin",
                {"sendUserIds": [EMAIL_ONLY], "steps.1": {"type": "linkedinVisit"}},
                "accept",
                "refuse",
            ),
            Probe(
                "sender-covers-both",
                {"sendUserIds": [MEMBER], "steps.1": {"type": "linkedinVisit"}},
                "accept",
                "accept",
            ),
        ),
        tested_by=(
            RULES_T + "test_senders_that_cannot_cover_a_channel_are_blocked_in_the_plan",
            DIS_T + "test_a_linkedin_step_the_senders_cannot_cover_is_blocked_in_the_"
            "plan_of_an_update",
        ),
    ),
    Rule(
        "LM-C17",
        "A sender with none of the steps' channels, which lemlist would drop, is blocked",
        UPDATE,
        "senders without capabilities for at least one channel are excluded",
        "choice",
        "ignored",
        client="senders.py Team.sender_problem (plan: blocked, ignored)",
        sandbox="sandbox/lemlist/campaigns.py _check_senders (drops it)",
        why="lemlist accepts the senders and silently excludes the one without capabilities: "
        "the read-back lacks it and the file would show the same change on every plan "
        "(issue 21). Refusing it before anything is sent is outreach's rule; the plan "
        "says lemlist would drop it",
        tested_by=(DIS_T + "test_a_sender_lemlist_would_exclude_is_blocked_so_the_file_converges",),
    ),
    Rule(
        "LM-12",
        "The update answers sendUsers only when sendUserIds was sent",
        UPDATE,
        "Only present when sendUserIds was provided in the request.",
        "documented",
        "accepted",
        client="",
        sandbox="sandbox/lemlist/campaigns.py _patch_campaign",
        why_not="client: a shape of the update's answer, which the client does not read (it "
        "reads the campaign back with GET)",
        tested_by=(
            SANDBOX_T + "test_update_campaign.py::test_patch_answers_send_users_only_"
            "when_sender_ids_were_sent",
        ),
    ),
)
