"""SendKit's rules, each with its source and quote: the catalogue both readings are held to.

Ids are the outside audit's (shared/reference/rules-audit.md, SK-1 … SK-108). Where we judged
an audit row wrong, its `why` or `why_not` says so and names the source. This module holds the
sequence's shape and the rules the audit did not list, and assembles CATALOGUE from its parts:
catalogue_steps.py the steps and variants, catalogue_subsequences.py the subsequences,
catalogue_schedule.py the sending schedule, catalogue_settings.py the settings,
catalogue_integrations.py the notification and integration settings, catalogue_api.py the
protocol, lifecycle and lead rules.
"""

from __future__ import annotations

from typing import Any

from ..catalogue import Probe, Rule
from .catalogue_api import API_RULES
from .catalogue_integrations import INTEGRATION_RULES
from .catalogue_schedule import SCHEDULE_RULES
from .catalogue_settings import SETTINGS_RULES
from .catalogue_sources import CREATE, UPDATE
from .catalogue_steps import STEP_RULES
from .catalogue_subsequences import SUBSEQUENCE_RULES

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

SEQUENCE_RULES: tuple[Rule, ...] = (
    Rule(
        "SK-11",
        "PATCH `sequence` replaces the entire sequence",
        UPDATE,
        "Replace the entire email sequence",
        "documented",
        "accepted",
        client="adapter.py patch_body (sends the whole sequence)",
        sandbox="sandbox/sendkit/campaigns.py _update_campaign",
        tested_by=(
            "tests/providers/sendkit/test_client.py::"
            "test_patch_keeps_subsequence_ids_and_sends_only_changed_settings",
        ),
    ),
    Rule(
        "SK-12",
        "Step type is email or wait",
        UPDATE,
        "emailwait",
        "documented",
        "error",
        client="schema.json step.type",
        sandbox=SAND_SEQ,
        probes=(P("type-sms", {"sequence.1.type": "sms"}, "refuse", "refuse"),),
    ),
    Rule(
        "SK-13",
        "The main sequence may not start with a wait (only subsequences may)",
        CREATE,
        "except the first step MAY be a wait",
        "documented",
        "error",
        client="rules.py _main_sequence",
        sandbox=SAND_SEQ,
        probes=(
            P(
                "first-step-wait",
                {"sequence.0": {"type": "wait", "waitDays": 1}},
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-14",
        "A subsequence's inner sequence may start with a wait",
        UPDATE,
        "inner sequence may start with a wait (subseq-only relaxation)",
        "documented",
        "accepted",
        client="rules.py _subsequence_sequence",
        sandbox=SAND_SUB,
        probes=(
            P(
                "sub-first-wait",
                {
                    "subsequences": [
                        {
                            "name": "S",
                            "trigger": {"type": "reply"},
                            "sequence": [
                                {"type": "wait", "waitHours": 4},
                                {"type": "email", "subject": "Re", "body": "Hi"},
                            ],
                        }
                    ]
                },
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-15",
        "`order` is the step's zero-based position; the server numbers steps by "
        "position, so another value is accepted and renumbered",
        CREATE,
        "Step position (zero-based)",
        "documented",
        "normalised",
        client="schema.json step.order (integer >= 0); adapter.py comparable renumbers",
        sandbox=SAND_SEQ,
        why="The audit (SK-15, Y+) was right: the client refused order != index, which the "
        "docs never say; now accepted and compared after renumbering, as the server does.",
        probes=(
            P("order-differs", {"sequence.1.order": 5}, "accept", "accept"),
            P("order-zero", {"sequence.0.order": 0}, "accept", "accept"),
            P("order-negative", {"sequence.0.order": -1}, "refuse", "refuse"),
        ),
        tested_by=(
            T_RULES + "test_order_other_than_the_position_is_accepted_and_renumbered",
            "tests/rules/test_sendkit_convergence.py::"
            "test_file_with_odd_values_plans_to_no_change_after_apply",
        ),
    ),
    Rule(
        "SK-16",
        "A step's `name` is assigned by the server when omitted",
        UPDATE,
        'Auto-assigned by the server (e.g., "Initial Email", "Follow-up 1", "Wait 3 days")',
        "documented",
        "normalised",
        client="diff: remote keys the file omits are not changes",
        sandbox=SAND_SEQ,
        tested_by=(T_SAND + "test_step_names_ids_and_order_are_assigned",),
    ),
)

# Not audit rows: choices both readings make that the audit did not list.
EXTRA_RULES: tuple[Rule, ...] = (
    Rule(
        "SK-110",
        "A key the pages do not name is refused, where it is",
        CREATE,
        "Campaign tracking, sending, and deliverability settings",
        "choice",
        "error",
        client="schema.json additionalProperties: false",
        sandbox="sandbox/sendkit/validation.py _check_keys, _validate_settings",
        why="Docs silent on unknown keys. A typo (trackOpen) would otherwise be sent, "
        "silently dropped and shown as a change on every plan, so both sides refuse it "
        "(outreach's rule; the sandbox's comment says it is the emulator's choice).",
        probes=(
            P("typo-in-settings", {"settings.trackOpen": True}, "refuse", "refuse"),
            P("typo-in-step", {"sequence.0.subjet": "Hi"}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "SK-112",
        "A setting written at the top level, where GET reads it back, is refused "
        "saying where to write it",
        "reference/providers.md",
        "You write `settings.*`, e.g. `settings.trackOpens`; GET returns those fields flattened "
        "at the top level",
        "choice",
        "error",
        client="schema.json x-not-writable (validate.py words it)",
        sandbox="sandbox/sendkit/validation.py _check_keys (READ_BACK_AT_TOP)",
        why="The pages take these settings under `settings` and read them back at the top "
        "level; what SendKit does with them written at the top level is not said. Issue "
        "21: a bare 'unknown field' hid that the field exists; both sides now say it is "
        "outreach's rule and where the field goes.",
        probes=(P("track-opens-at-top", {"trackOpens": True}, "refuse", "refuse"),),
        tested_by=(
            "tests/rules/test_sendkit_disagreements.py::test_a_read_back_field_at_the_"
            "top_level_says_whose_rule_refuses_it",
        ),
    ),
    Rule(
        "SK-113",
        "A campaign name is at most 500 characters",
        CREATE,
        '"name": "Q2 Outbound - Decision Makers"',
        "choice",
        "error",
        client="schema.json name maxLength (x-rule)",
        sandbox="",
        why="The pages give no length limit; outreach finds a campaign by its name in a "
        "search URL, and servers refuse URLs over ~8 KB: 500 characters stay under it "
        "even percent-encoded (a 1 MB name was sent). Outreach's rule.",
        why_not="the docs are silent on a name's length: the sandbox, reading the docs, "
        "sets no limit",
        probes=(
            P("name-501", {"name": "N" * 501}, "refuse", "accept"),
            P("name-500", {"name": "N" * 500}, "accept", "accept"),
        ),
        tested_by=(
            "tests/test_validate_messages.py::test_a_1_mb_name_is_refused_offline_naming_file_line_and_field",
        ),
    ),
)

CATALOGUE: tuple[Rule, ...] = (
    *SEQUENCE_RULES,
    *STEP_RULES,
    *SUBSEQUENCE_RULES,
    *SCHEDULE_RULES,
    *SETTINGS_RULES,
    *INTEGRATION_RULES,
    *API_RULES,
    *EXTRA_RULES,
)
