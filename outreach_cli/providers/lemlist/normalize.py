"""lemlist read back: the campaign, its steps, A/B tests and schedules in the file's shape."""

from __future__ import annotations

import copy
from typing import Any

from ..base import load_schema
from . import rules as lemlist_rules

STEP_FIELDS = tuple(lemlist_rules.STEP_FIELD_TYPES)
SCHEDULE_FIELDS = ("name", "timezone", "start", "end", "weekdays", "secondsToWait", "public")
AB_FIELDS = ("subject", "message")


def normalize(
    camp: dict[str, Any],
    steps: list[dict[str, Any]],
    ab_tests: dict[str, dict[str, Any]],
    schedules: list[dict[str, Any]],
) -> dict[str, Any]:
    """A campaign as read → the shape of the file's `campaign:` block."""
    out: dict[str, Any] = {}
    for key in _campaign_fields():
        if key == "sendUserIds":
            if isinstance(camp.get("sendUserIds"), list):
                out[key] = list(camp["sendUserIds"])
            elif isinstance(camp.get("senders"), list):
                out[key] = [
                    str(s.get("id") or s.get("userId") or s.get("_id"))
                    for s in camp["senders"]
                    if isinstance(s, dict)
                ]
        elif key in camp and camp[key] is not None:
            out[key] = copy.deepcopy(camp[key])
    out["steps"] = [_step(s, ab_tests.get(str(s.get("_id")))) for s in steps]
    out["schedules"] = [
        {k: copy.deepcopy(s[k]) for k in SCHEDULE_FIELDS if k in s} for s in schedules
    ]
    return out


def _step(raw: dict[str, Any], ab: dict[str, Any] | None) -> dict[str, Any]:
    step = {
        k: copy.deepcopy(raw[k])
        for k in ("type", "delay", *STEP_FIELDS)
        if k in raw and raw[k] is not None
    }
    if raw.get("type") == "email":
        # `abTest: null` in a file means "no A/B test": every email step reads one back.
        step["abTest"] = {k: ab[k] for k in AB_FIELDS if k in ab} if ab is not None else None
    return step


def _campaign_fields() -> list[str]:
    """The file's top-level fields read back from the campaign object: every one of the
    schema's but the steps and schedules, which live in objects of their own."""
    props = load_schema("lemlist").get("properties") or {}
    return [k for k in props if k not in ("steps", "schedules")]
