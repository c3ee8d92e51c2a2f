"""SendKit's rules, each with its source and quote: the catalogue both readings are held to."""

from __future__ import annotations

from typing import Any

from ..catalogue import Probe, Rule

CREATE = "seeds/sendkit-create-campaign.txt"
UPDATE = "seeds/sendkit-update-campaign.txt"
LEAD = "seeds/sendkit-update-campaign-lead.txt"
REF = "reference/providers.md"

# The smallest campaign the create page accepts; probes change one thing in it.
BASE: dict[str, Any] = {
    "name": "Probe",
    "sequence": [
        {"type": "email", "subject": "Hello", "body": "Hi there"},
        {"type": "wait", "waitDays": 3},
        {"type": "email", "subject": "Again", "body": "Bump"},
    ],
}

CATALOGUE: tuple[Rule, ...] = (
    Rule("SK-13", "The main sequence may not start with a wait (only subsequences may)", CREATE,
         "except the first step MAY be a wait", "documented", "error",
         client="rules.py check_sequence", sandbox="sandbox/sendkit/sequences.py",
         probes=(Probe("first-step-wait", {"sequence.0": {"type": "wait", "waitDays": 1}},
                       "refuse", "refuse"),)),
    Rule("SK-24", "A variant label is a single uppercase letter A-Z", UPDATE,
         "Single uppercase letter A-Z.", "documented", "error",
         client="schema.json variants.label", sandbox="sandbox/sendkit/sequences.py",
         probes=(Probe("two-letters", {"sequence.0.variants": [
                     {"label": "AB", "subject": "S", "body": "B"}]}, "refuse", "refuse"),
                 Probe("lowercase", {"sequence.0.variants": [
                     {"label": "a", "subject": "S", "body": "B"}]}, "refuse", "refuse"),
                 Probe("non-sequential-ok", {"sequence.0.variants": [
                     {"label": "C", "subject": "S", "body": "B"},
                     {"label": "Q", "subject": "S2", "body": "B2"}]}, "accept", "accept"))),
)
