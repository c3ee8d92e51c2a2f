"""SendKit's step rules: subjects, bodies, waits, variants (part of catalogue.py)."""

from __future__ import annotations

from ..catalogue import DELETE, Probe, Rule
from .catalogue_sources import CREATE, UPDATE

P = Probe
SAND_SEQ = "sandbox/sendkit/sequences.py _normalise_sequence"

STEP_RULES: tuple[Rule, ...] = (
    Rule(
        "SK-17",
        "An email step has a subject, on the step or on every variant (variant A "
        "is seeded from the step's)",
        CREATE,
        "Email subject (for email steps)",
        "documented",
        "error",
        client="rules.py _subject",
        sandbox="sandbox/sendkit/sequences.py _normalise_email_step",
        why="The audit (SK-17) found the client requiring a step subject even when every "
        'variant has one; the page says only "(for email steps)", so subjects on the '
        "variants are enough on both sides now.",
        probes=(
            P("no-subject", {"sequence.0.subject": DELETE}, "refuse", "refuse"),
            P(
                "subject-on-variants-only",
                {
                    "sequence.0.subject": DELETE,
                    "sequence.0.variants": [
                        {"label": "A", "subject": "S1", "body": "B"},
                        {"label": "B", "subject": "S2", "body": "B"},
                    ],
                },
                "accept",
                "accept",
            ),
            P(
                "one-variant-without-subject",
                {
                    "sequence.0.subject": DELETE,
                    "sequence.0.variants": [
                        {"label": "A", "subject": "S1"},
                        {"label": "B", "body": "B"},
                    ],
                },
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-18",
        "A body is plain text or HTML, stored as TipTap HTML (one documented "
        "reading on each side: providers/sendkit/tiptap.py, sandbox/sendkit/tiptap.py)",
        UPDATE,
        "Plain text or HTML; auto-converted to TipTap-compatible HTML",
        "documented",
        "normalised",
        client="tiptap.py to_tiptap (adapter.py comparable)",
        sandbox="sandbox/sendkit/tiptap.py to_tiptap_html",
        probes=(
            P(
                "email-in-angle-brackets",
                {"sequence.0.body": "Write to Sam <sam@example.com>"},
                "accept",
                "accept",
            ),
        ),
        tested_by=(
            "tests/rules/test_sendkit_convergence.py::"
            "test_generated_bodies_plan_to_no_change_after_apply",
        ),
    ),
    Rule(
        "SK-19",
        "A wait step has waitDays or waitHours",
        CREATE,
        "Days to wait (for wait steps)",
        "documented",
        "error",
        client="schema.json step (anyOf waitDays/waitHours)",
        sandbox=SAND_SEQ,
        probes=(P("wait-without-duration", {"sequence.1": {"type": "wait"}}, "refuse", "refuse"),),
    ),
    Rule(
        "SK-20",
        "waitDays/waitHours are numbers >= 0 (no type given: 1.5 is accepted) and "
        "add up to more than 0",
        CREATE,
        "Hours to wait (for wait steps)",
        "choice",
        "error",
        client="schema.json waitDays/waitHours; rules.py _wait",
        sandbox=SAND_SEQ,
        why="The pages give no type or bound. A fraction is accepted on both sides (the "
        "audit's SK-wait-fraction disagreement); a negative or all-zero wait is refused "
        "as outreach's rule: it would not wait at all.",
        probes=(
            P("wait-zero", {"sequence.1.waitDays": 0}, "refuse", "refuse"),
            P("wait-negative", {"sequence.1.waitDays": -1}, "refuse", "refuse"),
            P("wait-fraction", {"sequence.1.waitDays": 1.5}, "accept", "accept"),
            P(
                "wait-one-hour",
                {"sequence.1": {"type": "wait", "waitHours": 1}},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-21",
        "A field of the other step type (subject on a wait, waitDays on an email) is refused",
        CREATE,
        "Email body HTML (for email steps)",
        "choice",
        "error",
        client="rules.py _other_type_fields",
        sandbox=SAND_SEQ,
        why='The pages mark the fields "(for email steps)" / "(for wait steps)" and say '
        "nothing of the other type: such a field would at best be dropped, so both sides "
        "refuse it as outreach's rule (the audit found only the sandbox refusing).",
        probes=(
            P("wait-with-subject", {"sequence.1.subject": "Hi"}, "refuse", "refuse"),
            P("email-with-waitDays", {"sequence.0.waitDays": 1}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "SK-22",
        "Conditional-variable operators",
        CREATE,
        "has_valueno_valueequalsnot_equalscontainsnot_contains",
        "documented",
        "error",
        client="schema.json conditionalVariable.operator",
        sandbox="sandbox/sendkit/sequences.py _normalise_email_step",
        probes=(
            P(
                "operator-unknown",
                {
                    "sequence.0.conditionalVariables": [
                        {"variable": "company", "operator": "startswith", "value": "A"}
                    ]
                },
                "refuse",
                "refuse",
            ),
            P(
                "operator-known",
                {
                    "sequence.0.useConditionalVariables": True,
                    "sequence.0.conditionalVariables": [
                        {"variable": "company", "operator": "has_value"}
                    ],
                },
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-23",
        "useConditionalVariables is a boolean",
        CREATE,
        "Whether conditional variables are used in this step",
        "documented",
        "error",
        client="schema.json step.useConditionalVariables",
        sandbox="sandbox/sendkit/sequences.py _normalise_email_step",
        probes=(
            P("not-boolean", {"sequence.0.useConditionalVariables": "yes"}, "refuse", "refuse"),
        ),
    ),
    Rule(
        "SK-24",
        "A variant label is a single uppercase letter A-Z",
        UPDATE,
        "Single uppercase letter A-Z.",
        "documented",
        "error",
        client="schema.json variants.label",
        sandbox="sandbox/sendkit/sequences.py",
        probes=(
            P(
                "two-letters",
                {"sequence.0.variants": [{"label": "AB", "subject": "S", "body": "B"}]},
                "refuse",
                "refuse",
            ),
            P(
                "lowercase",
                {"sequence.0.variants": [{"label": "a", "subject": "S", "body": "B"}]},
                "refuse",
                "refuse",
            ),
            P(
                "non-sequential-ok",
                {
                    "sequence.0.variants": [
                        {"label": "C", "subject": "S", "body": "B"},
                        {"label": "Q", "subject": "S2", "body": "B2"},
                    ]
                },
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-25",
        "Variant labels are unique within a step",
        UPDATE,
        "Unique within the step",
        "documented",
        "error",
        client="rules.py _variants",
        sandbox="sandbox/sendkit/sequences.py _normalise_variants",
        probes=(
            P(
                "duplicate-label",
                {
                    "sequence.0.variants": [
                        {"label": "A", "subject": "S", "body": "B"},
                        {"label": "A", "subject": "T", "body": "C"},
                    ]
                },
                "refuse",
                "refuse",
            ),
        ),
    ),
    Rule(
        "SK-26",
        "Variant labels need not be sequential or start at A",
        UPDATE,
        "need not be sequential or start at A.",
        "documented",
        "accepted",
        client="rules.py _variants (no order check)",
        sandbox="sandbox/sendkit/sequences.py",
        probes=(
            P(
                "starts-at-D",
                {"sequence.0.variants": [{"label": "D", "subject": "S", "body": "B"}]},
                "accept",
                "accept",
            ),
        ),
    ),
    Rule(
        "SK-27",
        'Without variants, the server seeds variant "A" from the step',
        UPDATE,
        'a default variant "A" is auto-seeded from the step\'s subject/body',
        "documented",
        "normalised",
        client="diff: remote variants the file omits are not changes",
        sandbox="sandbox/sendkit/sequences.py _normalise_email_step",
        tested_by=(
            "tests/sandbox/sendkit/test_routes.py::"
            "test_create_page_example_is_accepted_and_answered_in_the_page_shape",
        ),
    ),
    Rule(
        "SK-28",
        "Variants are compared by letter",
        UPDATE,
        "Unique within the step",
        "choice",
        "normalised",
        client="adapter.py align (_align_variants)",
        sandbox="",
        why="The label is the variant's identity (unique within the step), so outreach pairs "
        "variants by letter, not by position. The audit lists this as stated; the page "
        "states only that labels are unique, so it is our choice.",
        why_not="a client-side comparison; the server has nothing to compare",
        tested_by=("tests/providers/sendkit/test_client.py::test_variants_are_compared_by_letter",),
    ),
)
