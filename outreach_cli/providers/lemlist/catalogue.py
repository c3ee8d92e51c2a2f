"""lemlist's rules, each with its source and quote: the catalogue both readings are held to."""

from __future__ import annotations

from typing import Any

from ..catalogue import Rule

UPDATE = "seeds/lemlist-update-campaign.txt"
OPENAPI = "reference/openapi/lemlist.json"
REF = "reference/providers.md"

# The smallest campaign lemlist's create accepts; probes change one thing in it.
BASE: dict[str, Any] = {
    "name": "Probe",
    "steps": [{"type": "email", "subject": "Hello", "message": "<p>Hi there</p>", "delay": 0}],
}

CATALOGUE: tuple[Rule, ...] = (
    Rule("LM-3", "At most 20 requests per 2 s per API key, on every route", REF,
         "Rate limit: 20 requests per 2 seconds, per API key, on all routes.", "documented",
         "accepted", client="http.py shared_limiter (rules.py RATE_LIMIT)",
         sandbox="sandbox/lemlist/ratelimit.py",
         tested_by=("tests/providers/lemlist/test_client.py::"
                    "test_fifty_campaigns_planned_and_applied_concurrently_get_no_429",)),
)
