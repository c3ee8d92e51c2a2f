"""Puffle's rules, each with its source and quote: the catalogue both readings are held to."""

from __future__ import annotations

from typing import Any

from ..catalogue import Rule

UPDATE = "seeds/puffle-update-campaign.txt"
REF = "reference/providers.md"

# The smallest campaign Puffle's create accepts; probes change one thing in it.
BASE: dict[str, Any] = {
    "type": "email",
    "name": "Probe",
    "sender_account_ids": ["5e4de000-0000-4000-8000-000000000001"],
    "sequence_nodes": [
        {"type": "email", "subject": "Hello", "body": "Hi {{first_name}}"},
        {"type": "end"},
    ],
}

CATALOGUE: tuple[Rule, ...] = (
    Rule("PF-7", "sequence_nodes replaces the whole sequence; positions follow array order",
         UPDATE, "the server replaces the entire sequence. Positions are normalized to match "
         "array order", "documented", "normalised",
         client="adapter.py (sequence_nodes compared whole)",
         sandbox="sandbox/puffle/validation.py",
         tested_by=("tests/sandbox/puffle/test_sequence_nodes.py",)),
)
