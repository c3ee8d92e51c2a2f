"""The campaign document's envelope: the fields around `campaign:` and the document's schema."""

from __future__ import annotations

from functools import cache
from typing import Any

from .providers import provider_class

ENVELOPE_FIELDS = (
    "provider",
    "key",
    "id",
    "status",
    "ignore",
    "variables",
    "moved_from",
    "campaign",
)
DESIRED_STATUSES = ("draft", "active", "paused")
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
# outreach's rule: a key is outreach's own name for a campaign, in state, in every output line
# and usually in a file name (255 bytes on most file systems); 200 characters is plenty.
KEY_MAX = 200
KEY_RULE = (
    "a key names the campaign in state and in every output line, and usually is a file "
    f"name; {KEY_MAX} characters is plenty"
)


@cache
def document_schema(provider: str) -> dict[str, Any]:
    """The JSON Schema of a whole campaign document for `provider` (what `outreach schema`
    prints)."""
    campaign = provider_class(provider).schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://outreach.dev/schemas/{provider}-document.json",
        "title": f"outreach campaign file ({provider})",
        "type": "object",
        "additionalProperties": False,
        "required": ["provider", "campaign"],
        "properties": {
            "provider": {
                "const": provider,
                "description": "The platform: sendkit, lemlist or puffle.",
            },
            "key": {
                "type": "string",
                "pattern": KEY_PATTERN,
                "maxLength": KEY_MAX,
                "x-rule": {"maxLength": KEY_RULE},
                "description": "Stable identity of this campaign in state; defaults to "
                "the file name.",
            },
            "id": {
                "type": "string",
                "minLength": 1,
                "description": "Pin an existing remote campaign by its id.",
            },
            "status": {
                "enum": list(DESIRED_STATUSES),
                "description": "Desired lifecycle: draft, active or paused.",
            },
            "ignore": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "uniqueItems": True,
                "description": "Campaign fields the dashboard owns (dotted, globs allowed).",
            },
            "variables": {
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_.-]*$"},
                "description": "Custom lead fields the copy may use as template "
                "variables, beside the platform's own fields.",
            },
            "moved_from": {
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "pattern": KEY_PATTERN},
                "description": "Keys this campaign had before (a rename, reviewed "
                "in the pull request): apply moves state's record "
                "of the old key to this one.",
            },
            "campaign": campaign,
        },
    }
