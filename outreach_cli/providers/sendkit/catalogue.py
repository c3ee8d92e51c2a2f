"""SendKit's rules, each with its source and quote: the catalogue both readings are held to.

Ids are the outside audit's (shared/reference/rules-audit.md, SK-1 … SK-108). Where we judged
an audit row wrong, its `why` or `why_not` says so and names the source. This module holds the
campaign body's sequence and subsequence rules; catalogue_settings.py the schedule and
settings, catalogue_api.py the protocol, lifecycle and lead rules.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import DELETE, Probe, Rule
from .catalogue_api import API_RULES
from .catalogue_settings import SETTINGS_RULES
from .catalogue_sources import CREATE, UPDATE

P = Probe
SEQ = "rules.py _steps"
SAND_SEQ = "sandbox/sendkit/sequences.py _normalise_sequence"
SAND_SUB = "sandbox/sendkit/sequences.py _normalise_subsequences"
T_RULES = "tests/providers/sendkit/test_schema_rules.py::"
T_SAND = "tests/sandbox/sendkit/test_validation.py::"

# The smallest campaign the create page accepts; probes change one thing in it.
BASE: dict[str, Any] = {
    "name": "Probe",
    "sequence": [
        {"type": "email", "subject": "Hello", "body": "Hi there"},
        {"type": "wait", "waitDays": 3},
        {"type": "email", "subject": "Again", "body": "Bump"},
    ],
}


def _sub(name: str, kind: str = "ai_tag", value: str | None = None,
         status: str | None = None) -> dict[str, Any]:
    trigger: dict[str, Any] = {"type": kind}
    if kind == "ai_tag" or value is not None:
        trigger["value"] = value if value is not None else name
    out: dict[str, Any] = {"name": name, "trigger": trigger,
                           "sequence": [{"type": "email", "subject": "Re", "body": "Thanks"}]}
    if status:
        out["status"] = status
    return out


def _subs(active: int, archived: int = 0) -> list[dict[str, Any]]:
    return ([_sub(f"Tag {i}") for i in range(active)]
            + [_sub(f"Old {i}", status="archived") for i in range(archived)])


SEQUENCE_RULES: tuple[Rule, ...] = (
    Rule("SK-11", "PATCH `sequence` replaces the entire sequence", UPDATE,
         "Replace the entire email sequence", "documented", "accepted",
         client="adapter.py patch_body (sends the whole sequence)",
         sandbox="sandbox/sendkit/campaigns.py _update_campaign",
         tested_by=("tests/providers/sendkit/test_client.py::"
                    "test_patch_keeps_subsequence_ids_and_sends_only_changed_settings",)),
    Rule("SK-12", "Step type is email or wait", UPDATE, "emailwait", "documented", "error",
         client="schema.json step.type", sandbox=SAND_SEQ,
         probes=(P("type-sms", {"sequence.1.type": "sms"}, "refuse", "refuse"),)),
    Rule("SK-13", "The main sequence may not start with a wait (only subsequences may)", CREATE,
         "except the first step MAY be a wait", "documented", "error",
         client="rules.py _main_sequence", sandbox=SAND_SEQ,
         probes=(P("first-step-wait", {"sequence.0": {"type": "wait", "waitDays": 1}},
                   "refuse", "refuse"),)),
    Rule("SK-14", "A subsequence's inner sequence may start with a wait", UPDATE,
         "inner sequence may start with a wait (subseq-only relaxation)", "documented",
         "accepted", client="rules.py _subsequence_sequence", sandbox=SAND_SUB,
         probes=(P("sub-first-wait", {"subsequences": [{
             "name": "S", "trigger": {"type": "reply"},
             "sequence": [{"type": "wait", "waitHours": 4},
                          {"type": "email", "subject": "Re", "body": "Hi"}]}]},
             "accept", "accept"),)),
    Rule("SK-15", "`order` is the step's zero-based position; the server numbers steps by "
         "position, so another value is accepted and renumbered", CREATE,
         "Step position (zero-based)", "documented", "normalised",
         client="schema.json step.order (integer >= 0); adapter.py comparable renumbers",
         sandbox=SAND_SEQ,
         why="The audit (SK-15, Y+) was right: the client refused order != index, which the "
             "docs never say; now accepted and compared after renumbering, as the server does.",
         probes=(P("order-differs", {"sequence.1.order": 5}, "accept", "accept"),
                 P("order-zero", {"sequence.0.order": 0}, "accept", "accept"),
                 P("order-negative", {"sequence.0.order": -1}, "refuse", "refuse")),
         tested_by=(T_RULES + "test_order_other_than_the_position_is_accepted_and_renumbered",
                    "tests/rules/test_sendkit_convergence.py::"
                    "test_file_with_odd_values_plans_to_no_change_after_apply")),
    Rule("SK-16", "A step's `name` is assigned by the server when omitted", UPDATE,
         'Auto-assigned by the server (e.g., "Initial Email", "Follow-up 1", "Wait 3 days")',
         "documented", "normalised", client="diff: remote keys the file omits are not changes",
         sandbox=SAND_SEQ, tested_by=(T_SAND + "test_step_names_ids_and_order_are_assigned",)),
    Rule("SK-17", "An email step has a subject, on the step or on every variant (variant A "
         "is seeded from the step's)", CREATE, "Email subject (for email steps)", "documented",
         "error", client="rules.py _subject", sandbox="sandbox/sendkit/sequences.py "
         "_normalise_email_step",
         why="The audit (SK-17) found the client requiring a step subject even when every "
             "variant has one; the page says only \"(for email steps)\", so subjects on the "
             "variants are enough on both sides now.",
         probes=(P("no-subject", {"sequence.0.subject": DELETE}, "refuse", "refuse"),
                 P("subject-on-variants-only", {"sequence.0.subject": DELETE,
                   "sequence.0.variants": [{"label": "A", "subject": "S1", "body": "B"},
                                           {"label": "B", "subject": "S2", "body": "B"}]},
                   "accept", "accept"),
                 P("one-variant-without-subject", {"sequence.0.subject": DELETE,
                   "sequence.0.variants": [{"label": "A", "subject": "S1"},
                                           {"label": "B", "body": "B"}]},
                   "refuse", "refuse"))),
    Rule("SK-18", "A body is plain text or HTML, stored as TipTap HTML (one documented "
         "reading on each side: providers/sendkit/tiptap.py, sandbox/sendkit/tiptap.py)", UPDATE,
         "Plain text or HTML; auto-converted to TipTap-compatible HTML", "documented",
         "normalised", client="tiptap.py to_tiptap (adapter.py comparable)",
         sandbox="sandbox/sendkit/tiptap.py to_tiptap_html",
         probes=(P("email-in-angle-brackets", {"sequence.0.body": "Write to Sam <sam@example.com>"},
                   "accept", "accept"),),
         tested_by=("tests/rules/test_sendkit_convergence.py::"
                    "test_generated_bodies_plan_to_no_change_after_apply",)),
    Rule("SK-19", "A wait step has waitDays or waitHours", CREATE,
         "Days to wait (for wait steps)", "documented", "error",
         client="schema.json step (anyOf waitDays/waitHours)", sandbox=SAND_SEQ,
         probes=(P("wait-without-duration", {"sequence.1": {"type": "wait"}},
                   "refuse", "refuse"),)),
    Rule("SK-20", "waitDays/waitHours are numbers >= 0 (no type given: 1.5 is accepted) and "
         "add up to more than 0", CREATE, "Hours to wait (for wait steps)", "choice", "error",
         client="schema.json waitDays/waitHours; rules.py _wait", sandbox=SAND_SEQ,
         why="The pages give no type or bound. A fraction is accepted on both sides (the "
             "audit's SK-wait-fraction disagreement); a negative or all-zero wait is refused "
             "as outreach's rule: it would not wait at all.",
         probes=(P("wait-zero", {"sequence.1.waitDays": 0}, "refuse", "refuse"),
                 P("wait-negative", {"sequence.1.waitDays": -1}, "refuse", "refuse"),
                 P("wait-fraction", {"sequence.1.waitDays": 1.5}, "accept", "accept"),
                 P("wait-one-hour", {"sequence.1": {"type": "wait", "waitHours": 1}},
                   "accept", "accept"))),
    Rule("SK-21", "A field of the other step type (subject on a wait, waitDays on an email) "
         "is refused", CREATE, "Email body HTML (for email steps)", "choice", "error",
         client="rules.py _other_type_fields", sandbox=SAND_SEQ,
         why="The pages mark the fields \"(for email steps)\" / \"(for wait steps)\" and say "
             "nothing of the other type: such a field would at best be dropped, so both sides "
             "refuse it as outreach's rule (the audit found only the sandbox refusing).",
         probes=(P("wait-with-subject", {"sequence.1.subject": "Hi"}, "refuse", "refuse"),
                 P("email-with-waitDays", {"sequence.0.waitDays": 1}, "refuse", "refuse"))),
    Rule("SK-22", "Conditional-variable operators", CREATE,
         "has_valueno_valueequalsnot_equalscontainsnot_contains", "documented", "error",
         client="schema.json conditionalVariable.operator",
         sandbox="sandbox/sendkit/sequences.py _normalise_email_step",
         probes=(P("operator-unknown", {"sequence.0.conditionalVariables": [
                     {"variable": "company", "operator": "startswith", "value": "A"}]},
                   "refuse", "refuse"),
                 P("operator-known", {"sequence.0.useConditionalVariables": True,
                                      "sequence.0.conditionalVariables": [
                     {"variable": "company", "operator": "has_value"}]}, "accept", "accept"))),
    Rule("SK-23", "useConditionalVariables is a boolean", CREATE,
         "Whether conditional variables are used in this step", "documented", "error",
         client="schema.json step.useConditionalVariables",
         sandbox="sandbox/sendkit/sequences.py _normalise_email_step",
         probes=(P("not-boolean", {"sequence.0.useConditionalVariables": "yes"},
                   "refuse", "refuse"),)),
    Rule("SK-24", "A variant label is a single uppercase letter A-Z", UPDATE,
         "Single uppercase letter A-Z.", "documented", "error",
         client="schema.json variants.label", sandbox="sandbox/sendkit/sequences.py",
         probes=(P("two-letters", {"sequence.0.variants": [
                     {"label": "AB", "subject": "S", "body": "B"}]}, "refuse", "refuse"),
                 P("lowercase", {"sequence.0.variants": [
                     {"label": "a", "subject": "S", "body": "B"}]}, "refuse", "refuse"),
                 P("non-sequential-ok", {"sequence.0.variants": [
                     {"label": "C", "subject": "S", "body": "B"},
                     {"label": "Q", "subject": "S2", "body": "B2"}]}, "accept", "accept"))),
    Rule("SK-25", "Variant labels are unique within a step", UPDATE, "Unique within the step",
         "documented", "error", client="rules.py _variants",
         sandbox="sandbox/sendkit/sequences.py _normalise_variants",
         probes=(P("duplicate-label", {"sequence.0.variants": [
             {"label": "A", "subject": "S", "body": "B"},
             {"label": "A", "subject": "T", "body": "C"}]}, "refuse", "refuse"),)),
    Rule("SK-26", "Variant labels need not be sequential or start at A", UPDATE,
         "need not be sequential or start at A.", "documented", "accepted",
         client="rules.py _variants (no order check)", sandbox="sandbox/sendkit/sequences.py",
         probes=(P("starts-at-D", {"sequence.0.variants": [
             {"label": "D", "subject": "S", "body": "B"}]}, "accept", "accept"),)),
    Rule("SK-27", "Without variants, the server seeds variant \"A\" from the step", UPDATE,
         "a default variant \"A\" is auto-seeded from the step's subject/body", "documented",
         "normalised", client="diff: remote variants the file omits are not changes",
         sandbox="sandbox/sendkit/sequences.py _normalise_email_step",
         tested_by=("tests/sandbox/sendkit/test_routes.py::"
                    "test_create_page_example_is_accepted_and_answered_in_the_page_shape",)),
    Rule("SK-28", "Variants are compared by letter", UPDATE, "Unique within the step",
         "choice", "normalised", client="adapter.py align (_align_variants)", sandbox="",
         why="The label is the variant's identity (unique within the step), so outreach pairs "
             "variants by letter, not by position. The audit lists this as stated; the page "
             "states only that labels are unique, so it is our choice.",
         why_not="a client-side comparison; the server has nothing to compare",
         tested_by=("tests/providers/sendkit/test_client.py::test_variants_are_compared_by_letter",)),
    Rule("SK-29", "PATCH `subsequences` replaces the array; each keeps its _id to retain "
         "identity", UPDATE, "REPLACES the entire subsequences array on the campaign",
         "documented", "accepted", client="adapter.py patch_body (_keep_id)", sandbox=SAND_SUB,
         tested_by=("tests/providers/sendkit/test_client.py::"
                    "test_patch_keeps_subsequence_ids_and_sends_only_changed_settings",
                    T_SAND + "test_subsequence_ids_are_kept_and_patch_replaces_the_array")),
    Rule("SK-30", "`id` is accepted as an alias of a subsequence's `_id`", UPDATE,
         "each subsequence keeps its _id / id to retain identity", "documented", "accepted",
         client="schema.json subsequence.id", sandbox=SAND_SUB,
         tested_by=(T_SAND + "test_subsequence_ids_are_kept_and_patch_replaces_the_array",)),
    Rule("SK-31", "At most 15 active (non-archived) subsequences", UPDATE,
         "max 15 active (non-archived) subsequences per campaign", "documented", "error",
         client="rules.py _subsequences", sandbox=SAND_SUB,
         probes=(P("16-active", {"subsequences": _subs(16)}, "refuse", "refuse"),
                 P("15-active", {"subsequences": _subs(15)}, "accept", "accept"),
                 P("15-active-1-archived", {"subsequences": _subs(15, 1)},
                   "accept", "accept"))),
    Rule("SK-32", "At most one active subsequence with a reply trigger", UPDATE,
         "at most one active subsequence may have trigger.type='reply'", "documented", "error",
         client="rules.py _subsequences", sandbox=SAND_SUB,
         probes=(P("two-reply", {"subsequences": [_sub("R1", "reply"), _sub("R2", "reply")]},
                   "refuse", "refuse"),
                 P("reply-and-archived-reply", {"subsequences": [
                     _sub("R1", "reply"), _sub("R2", "reply", status="archived")]},
                   "accept", "accept"))),
    Rule("SK-33", "Active ai_tag trigger values are unique, ignoring case (only case)", UPDATE,
         "active ai_tag-trigger values must be unique (case-insensitive)", "documented",
         "error", client="rules.py _subsequences", sandbox=SAND_SUB,
         why="The audit found the client also ignoring surrounding spaces; the page says "
             "case-insensitive only, so both sides now compare case only.",
         probes=(P("same-value-other-case", {"subsequences": [
                     _sub("A", value="Interested"), _sub("B", value="INTERESTED")]},
                   "refuse", "refuse"),
                 P("same-value-archived", {"subsequences": [
                     _sub("A", value="Interested"),
                     _sub("B", value="Interested", status="archived")]}, "accept", "accept"),
                 P("value-with-space", {"subsequences": [
                     _sub("A", value="Interested"), _sub("B", value=" Interested")]},
                   "accept", "accept"))),
    Rule("SK-34", "Trigger type is ai_tag or reply", UPDATE, "ai_tagreply", "documented",
         "error", client="schema.json trigger.type",
         sandbox="sandbox/sendkit/sequences.py _normalise_trigger",
         probes=(P("trigger-open", {"subsequences": [_sub("X", "opened", "x")]},
                   "refuse", "refuse"),)),
    Rule("SK-35", "trigger.value is required when type is ai_tag", UPDATE,
         "Required when type is ai_tag. The AI tag value to match.", "documented", "error",
         client="schema.json trigger (if ai_tag then value)",
         sandbox="sandbox/sendkit/sequences.py _normalise_trigger",
         probes=(P("ai-tag-without-value", {"subsequences": [
             {"name": "X", "trigger": {"type": "ai_tag"},
              "sequence": [{"type": "email", "subject": "Re", "body": "Hi"}]}]},
             "refuse", "refuse"),
                 P("ai-tag-one-character", {"subsequences": [_sub("X", value="x")]},
                   "accept", "accept"))),
    Rule("SK-36", "A reply trigger's value is ignored by the server", UPDATE,
         "fires the first time the lead replies and value is ignored.", "documented",
         "normalised", client="rules.py _subsequences (warning); adapter.py comparable drops it",
         sandbox="sandbox/sendkit/sequences.py _normalise_trigger (drops it)",
         why="The audit found a file keeping the value never converged; outreach now compares "
             "without it, as the server stores it.",
         probes=(P("reply-with-value", {"subsequences": [_sub("R", "reply", "Interested")]},
                   "warn", "accept"),),
         tested_by=("tests/rules/test_sendkit_convergence.py::"
                    "test_file_with_odd_values_plans_to_no_change_after_apply",)),
    Rule("SK-37", "ai_tag matching is case-insensitive", UPDATE,
         "matches value (case-insensitive)", "documented", "accepted",
         client="enrollment.py (prediction); rules.py (uniqueness)",
         sandbox="sandbox/sendkit/enrollment.py",
         # Issue 21: the prediction also ignored surrounding spaces, which the sandbox and
         # validate's uniqueness do not; the page says case only, so all three read case only.
         tested_by=("tests/providers/sendkit/test_enrollment.py::"
                    "test_every_row_prediction_and_sandbox_agree",
                    "tests/rules/test_sendkit_disagreements.py::"
                    "test_trigger_value_matches_the_tag_ignoring_case_only_on_all_three_sides")),
    Rule("SK-38", "A trigger is immutable once the subsequence has sent (addedCount > 0 or "
         "stats.sent > 0): 400 TRIGGER_IMMUTABLE", UPDATE,
         "attempting to change it returns 400 TRIGGER_IMMUTABLE", "documented", "blocked",
         client="adapter.py classify", sandbox=SAND_SUB,
         tested_by=("tests/cli/test_exit_codes.py::test_blocked_trigger_change_after_mail_sent",
                    T_SAND + "test_trigger_immutable_once_subsequence_sent")),
    Rule("SK-39", "addedCount is a server counter (read-only)", UPDATE,
         "Total leads that have ever entered this subsequence", "documented", "ignored",
         client="schema.json subsequence.addedCount (readOnly)",
         sandbox="sandbox/sendkit/sequences.py (carried over, never taken from the body)",
         tested_by=(T_SAND + "test_enrollment_alone_locks_the_trigger",)),
    Rule("SK-40", "Archived subsequences count toward none of the limits", UPDATE,
         "max 15 active (non-archived) subsequences per campaign", "documented", "accepted",
         client="rules.py _subsequences", sandbox=SAND_SUB,
         probes=(P("16-with-one-archived", {"subsequences": _subs(15, 1)},
                   "accept", "accept"),)),
    Rule("SK-41", "A subsequence has at least one step", CREATE,
         "the inner sequence follows the same email/wait rules as the main campaign sequence",
         "choice", "error", client="rules.py _subsequence_sequence", sandbox=SAND_SUB,
         why="Docs silent; an empty subsequence would enroll leads and send them nothing, so "
             "both sides refuse it as outreach's rule.",
         probes=(P("empty-subsequence", {"subsequences": [
             {"name": "E", "trigger": {"type": "reply"}, "sequence": []}]},
             "refuse", "refuse"),)),
)

# Not audit rows: choices both readings make that the audit did not list.
EXTRA_RULES: tuple[Rule, ...] = (
    Rule("SK-110", "A key the pages do not name is refused, where it is", CREATE,
         "Campaign tracking, sending, and deliverability settings", "choice", "error",
         client="schema.json additionalProperties: false",
         sandbox="sandbox/sendkit/validation.py _check_keys, _validate_settings",
         why="Docs silent on unknown keys. A typo (trackOpen) would otherwise be sent, "
             "silently dropped and shown as a change on every plan, so both sides refuse it "
             "(outreach's rule; the sandbox's comment says it is the emulator's choice).",
         probes=(P("typo-in-settings", {"settings.trackOpen": True}, "refuse", "refuse"),
                 P("typo-in-step", {"sequence.0.subjet": "Hi"}, "refuse", "refuse"))),
    Rule("SK-112", "A setting written at the top level, where GET reads it back, is refused "
         "saying where to write it", "reference/providers.md",
         "You write `settings.*`, e.g. `settings.trackOpens`; GET returns those fields flattened "
         "at the top level", "choice", "error",
         client="schema.json x-not-writable (validate.py words it)",
         sandbox="sandbox/sendkit/validation.py _check_keys (READ_BACK_AT_TOP)",
         why="The pages take these settings under `settings` and read them back at the top "
             "level; what SendKit does with them written at the top level is not said. Issue "
             "21: a bare 'unknown field' hid that the field exists; both sides now say it is "
             "outreach's rule and where the field goes.",
         probes=(P("track-opens-at-top", {"trackOpens": True}, "refuse", "refuse"),),
         tested_by=("tests/rules/test_sendkit_disagreements.py::test_a_read_back_field_at_the_"
                    "top_level_says_whose_rule_refuses_it",)),
    Rule("SK-111", "A subsequence has a name with a visible character", CREATE,
         "Optional list of subsequences (nested follow-up flows).", "choice", "error",
         client="rules.py _subsequences", sandbox=SAND_SUB,
         why="The pages show no subsequence name rule; outreach pairs subsequences by name "
             "when the file gives no _id, so a missing or blank one is refused on both sides "
             "as outreach's rule.",
         probes=(P("no-name", {"subsequences": [
                     {"trigger": {"type": "reply"},
                      "sequence": [{"type": "email", "subject": "Re", "body": "Hi"}]}]},
                   "refuse", "refuse"),
                 P("blank-name", {"subsequences": [_sub(" ", "reply")]}, "refuse", "refuse"),
                 P("one-character", {"subsequences": [_sub("R", "reply")]},
                   "accept", "accept"))),
    Rule("SK-113", "A campaign name is at most 500 characters", CREATE,
         '"name": "Q2 Outbound - Decision Makers"', "choice", "error",
         client="schema.json name maxLength (x-rule)", sandbox="",
         why="The pages give no length limit; outreach finds a campaign by its name in a "
             "search URL, and servers refuse URLs over ~8 KB: 500 characters stay under it "
             "even percent-encoded (a 1 MB name was sent). Outreach's rule.",
         why_not="the docs are silent on a name's length: the sandbox, reading the docs, "
                 "sets no limit",
         probes=(P("name-501", {"name": "N" * 501}, "refuse", "accept"),
                 P("name-500", {"name": "N" * 500}, "accept", "accept")),
         tested_by=('tests/test_validate_messages.py::test_a_1_mb_name_is_refused_offline_naming_file_line_and_field',)),
)

CATALOGUE: tuple[Rule, ...] = (*SEQUENCE_RULES, *SETTINGS_RULES, *API_RULES, *EXTRA_RULES)
