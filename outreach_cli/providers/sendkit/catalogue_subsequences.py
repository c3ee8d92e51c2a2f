"""SendKit's subsequence rules: triggers, limits, names, archived ones (part of catalogue.py)."""

from __future__ import annotations

from typing import Any

from ..catalogue import Probe, Rule
from .catalogue_sources import CREATE, UPDATE

P = Probe
SAND_SUB = "sandbox/sendkit/sequences.py _normalise_subsequences"
T_SAND = "tests/sandbox/sendkit/test_validation.py::"


def _sub(
    name: str, kind: str = "ai_tag", value: str | None = None, status: str | None = None
) -> dict[str, Any]:
    trigger: dict[str, Any] = {"type": kind}
    if kind == "ai_tag" or value is not None:
        trigger["value"] = value if value is not None else name
    out: dict[str, Any] = {
        "name": name,
        "trigger": trigger,
        "sequence": [{"type": "email", "subject": "Re", "body": "Thanks"}],
    }
    if status:
        out["status"] = status
    return out


def _subs(active: int, archived: int = 0) -> list[dict[str, Any]]:
    return [_sub(f"Tag {i}") for i in range(active)] + [
        _sub(f"Old {i}", status="archived") for i in range(archived)
    ]


SUBSEQUENCE_RULES: tuple[Rule, ...] = (
    Rule(
        "SK-29",
        "PATCH `subsequences` replaces the array; each keeps its _id to retain identity",
        UPDATE,
        "REPLACES the entire subsequences array on the campaign",
        "documented",
        "accepted",
        client="adapter.py patch_body (_keep_id)",
        sandbox=SAND_SUB,
        tested_by=(
            "tests/providers/sendkit/test_client.py::"
            "test_patch_keeps_subsequence_ids_and_sends_only_changed_settings",
            T_SAND + "test_subsequence_ids_are_kept_and_patch_replaces_the_array",
        ),
    ),
    Rule(
        "SK-30",
        "`id` is accepted as an alias of a subsequence's `_id`",
        UPDATE,
        "each subsequence keeps its _id / id to retain identity",
        "documented",
        "accepted",
        client="schema.json subsequence.id",
        sandbox=SAND_SUB,
        tested_by=(T_SAND + "test_subsequence_ids_are_kept_and_patch_replaces_the_array",),
    ),
    Rule(
        "SK-31",
        "At most 15 active (non-archived) subsequences",
        UPDATE,
        "max 15 active (non-archived) subsequences per campaign",
        "documented",
        "error",
        client="rules.py _subsequences",
        sandbox=SAND_SUB,
        probes=(
            P("16-active", {"subsequences": _subs(16)}, "refuse", "refuse"),
            P("15-active", {"subsequences": _subs(15)}, "accept", "accept"),
            P("15-active-1-archived", {"subsequences": _subs(15, 1)}, "accept", "accept"),
        ),
    ),
    Rule(
        "SK-32",
        "At most one active subsequence with a reply trigger",
        UPDATE,
        "at most one active subsequence may have trigger.type='reply'",
        "documented",
        "error",
        client="rules.py _subsequences",
        sandbox=SAND_SUB,
        probes=(
            P(
                "two-reply",
                {"subsequences": [_sub("R1", "reply"), _sub("R2", "reply")]},
                "refuse",
                "refuse",
            ),
            P(
                "reply-and-archived-reply",
                {"subsequences": [_sub("R1", "reply"), _sub("R2", "reply", status="archived")]},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-33",
        "Active ai_tag trigger values are unique, ignoring case (only case)",
        UPDATE,
        "active ai_tag-trigger values must be unique (case-insensitive)",
        "documented",
        "error",
        client="rules.py _subsequences",
        sandbox=SAND_SUB,
        why="The audit found the client also ignoring surrounding spaces; the page says "
        "case-insensitive only, so both sides now compare case only.",
        probes=(
            P(
                "same-value-other-case",
                {"subsequences": [_sub("A", value="Interested"), _sub("B", value="INTERESTED")]},
                "refuse",
                "refuse",
            ),
            P(
                "same-value-archived",
                {
                    "subsequences": [
                        _sub("A", value="Interested"),
                        _sub("B", value="Interested", status="archived"),
                    ]
                },
                "accept",
                "accept",
            ),
            P(
                "value-with-space",
                {"subsequences": [_sub("A", value="Interested"), _sub("B", value=" Interested")]},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-34",
        "Trigger type is ai_tag or reply",
        UPDATE,
        "ai_tagreply",
        "documented",
        "error",
        client="schema.json trigger.type",
        sandbox="sandbox/sendkit/sequences.py _normalise_trigger",
        probes=(
            P("trigger-open", {"subsequences": [_sub("X", "opened", "x")]}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "SK-35",
        "trigger.value is required when type is ai_tag",
        UPDATE,
        "Required when type is ai_tag. The AI tag value to match.",
        "documented",
        "error",
        client="schema.json trigger (if ai_tag then value)",
        sandbox="sandbox/sendkit/sequences.py _normalise_trigger",
        probes=(
            P(
                "ai-tag-without-value",
                {
                    "subsequences": [
                        {
                            "name": "X",
                            "trigger": {"type": "ai_tag"},
                            "sequence": [{"type": "email", "subject": "Re", "body": "Hi"}],
                        }
                    ]
                },
                "refuse",
                "refuse",
            ),
            P("ai-tag-one-character", {"subsequences": [_sub("X", value="x")]}, "accept", "accept"),
        ),
    ),
    Rule(
        "SK-36",
        "A reply trigger's value is ignored by the server",
        UPDATE,
        "fires the first time the lead replies and value is ignored.",
        "documented",
        "normalised",
        client="rules.py _subsequences (warning); adapter.py comparable drops it",
        sandbox="sandbox/sendkit/sequences.py _normalise_trigger (drops it)",
        why="The audit found a file keeping the value never converged; outreach now compares "
        "without it, as the server stores it.",
        probes=(
            P(
                "reply-with-value",
                {"subsequences": [_sub("R", "reply", "Interested")]},
                "warn",
                "accept",
            ),
        ),
        tested_by=(
            "tests/rules/test_sendkit_convergence.py::"
            "test_file_with_odd_values_plans_to_no_change_after_apply",
        ),
    ),
    Rule(
        "SK-37",
        "ai_tag matching is case-insensitive",
        UPDATE,
        "matches value (case-insensitive)",
        "documented",
        "accepted",
        client="enrollment.py (prediction); rules.py (uniqueness)",
        sandbox="sandbox/sendkit/enrollment.py",
        # Issue 21: the prediction also ignored surrounding spaces, which the sandbox and
        # validate's uniqueness do not; the page says case only, so all three read case only.
        tested_by=(
            "tests/providers/sendkit/test_enrollment.py::"
            "test_every_row_prediction_and_sandbox_agree",
            "tests/rules/test_sendkit_disagreements.py::"
            "test_trigger_value_matches_the_tag_ignoring_case_only_on_all_three_sides",
        ),
    ),
    Rule(
        "SK-38",
        "A trigger is immutable once the subsequence has sent (addedCount > 0 or "
        "stats.sent > 0): 400 TRIGGER_IMMUTABLE",
        UPDATE,
        "attempting to change it returns 400 TRIGGER_IMMUTABLE",
        "documented",
        "blocked",
        client="adapter.py classify",
        sandbox=SAND_SUB,
        tested_by=(
            "tests/cli/test_exit_codes.py::test_blocked_trigger_change_after_mail_sent",
            T_SAND + "test_trigger_immutable_once_subsequence_sent",
        ),
    ),
    Rule(
        "SK-39",
        "addedCount is a server counter (read-only)",
        UPDATE,
        "Total leads that have ever entered this subsequence",
        "documented",
        "ignored",
        client="schema.json subsequence.addedCount (readOnly)",
        sandbox="sandbox/sendkit/sequences.py (carried over, never taken from the body)",
        tested_by=(T_SAND + "test_enrollment_alone_locks_the_trigger",),
    ),
    Rule(
        "SK-40",
        "Archived subsequences count toward none of the limits",
        UPDATE,
        "max 15 active (non-archived) subsequences per campaign",
        "documented",
        "accepted",
        client="rules.py _subsequences",
        sandbox=SAND_SUB,
        probes=(P("16-with-one-archived", {"subsequences": _subs(15, 1)}, "accept", "accept"),),
    ),
    Rule(
        "SK-41",
        "A subsequence has at least one step",
        CREATE,
        "the inner sequence follows the same email/wait rules as the main campaign sequence",
        "choice",
        "error",
        client="rules.py _subsequence_sequence",
        sandbox=SAND_SUB,
        why="Docs silent; an empty subsequence would enroll leads and send them nothing, so "
        "both sides refuse it as outreach's rule.",
        probes=(
            P(
                "empty-subsequence",
                {"subsequences": [{"name": "E", "trigger": {"type": "reply"}, "sequence": []}]},
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-111",
        "A subsequence has a name with a visible character",
        CREATE,
        "Optional list of subsequences (nested follow-up flows).",
        "choice",
        "error",
        client="rules.py _subsequences",
        sandbox=SAND_SUB,
        why="The pages show no subsequence name rule; outreach pairs subsequences by name "
        "when the file gives no _id, so a missing or blank one is refused on both sides "
        "as outreach's rule.",
        probes=(
            P(
                "no-name",
                {
                    "subsequences": [
                        {
                            "trigger": {"type": "reply"},
                            "sequence": [{"type": "email", "subject": "Re", "body": "Hi"}],
                        }
                    ]
                },
                "refuse",
                "refuse",
            ),
            P("blank-name", {"subsequences": [_sub(" ", "reply")]}, "refuse", "refuse"),
            P("one-character", {"subsequences": [_sub("R", "reply")]}, "accept", "accept"),
        ),
    ),
)
