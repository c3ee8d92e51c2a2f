"""A JSON Schema error worded for people who write YAML: the field, the expected form, a hint."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

from .documents import DocPath
from .envelope import KEY_PATTERN


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'x'?" for the closest of `choices` ("" when none is close)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# What a pattern means, in words, for the patterns the schemas use (a schema's own
# description is the fallback, the raw expression the last resort).
PATTERN_WORDS = {
    r"^([01]\d|2[0-3]):[0-5]\d$": "a time as HH:MM, 00:00 to 23:59",
    r"^[0-9a-f]{24}$": "a SendKit id: 24 lowercase hexadecimal characters",
    r"^usr_[A-Za-z0-9]+$": "a lemlist user id: usr_ followed by letters and digits",
    r"^cam_[A-Za-z0-9]+$": "a lemlist campaign id: cam_ followed by letters and digits",
    r"^https?://": "a URL starting with http:// or https://",
    r"^https://": "a URL starting with https://",
    r"^[A-Z]$": "one capital letter, A to Z",
    KEY_PATTERN: "a key of letters, digits, '.', '_' or '-', starting with a letter or a digit",
}
UUID_WORDS = "a UUID such as 123e4567-e89b-42d3-a456-426614174000"


def expected_form(pattern: str, description: str | None = None) -> str:
    """A regular expression as a person reads it."""
    if pattern in PATTERN_WORDS:
        return PATTERN_WORDS[pattern]
    if "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}" in pattern:
        return UUID_WORDS
    if description and len(description) <= 120:
        return description.rstrip(".")
    return f"text matching {pattern}"


Described = tuple[DocPath, str, bool, str]  # path, message, points at the key, code


def describe(error: Any) -> list[Described]:
    """Turn one jsonschema error into (path, message, points_at_key, code), worded for
    people who write YAML."""
    path: DocPath = tuple(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties":
        allowed = list((error.schema.get("properties") or {}).keys())
        extra = [
            k
            for k in error.instance
            if k not in allowed and not _matches_pattern_props(k, error.schema)
        ]
        # Fields the platform shows but a file cannot write: said why, as outreach's rule.
        why = error.schema.get("x-not-writable") or {}
        return [
            (
                (*path, k),
                f"unknown field {k!r}"
                + (f": outreach's rule: {why[k]}" if k in why else did_you_mean(k, allowed)),
                True,
                "unknown-field",
            )
            for k in extra
        ]
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [(path, f"missing required field {missing!r}", False, "missing-field")]
    if kind in ("enum", "const"):
        options = error.validator_value if kind == "enum" else [error.validator_value]
        hint = (
            did_you_mean(str(error.instance), [str(o) for o in options])
            if isinstance(error.instance, str)
            else ""
        )
        return [
            (
                path,
                f"{_shown(error.instance)} is not one of: "
                + ", ".join(str(o) for o in options)
                + hint,
                False,
                "not-one-of",
            )
        ]
    if kind == "anyOf" and error.context and all(e.validator == "required" for e in error.context):
        names = [e.message.split("'")[1] for e in error.context if "'" in e.message]
        return [(path, "needs one of: " + ", ".join(names), False, "missing-field")]
    if kind in ("anyOf", "oneOf") and error.context:
        best = min(error.context, key=lambda e: (len(e.absolute_path) * -1, e.validator))
        return describe(best)
    if (
        kind == "not"
        and isinstance(error.validator_value, dict)
        and "required" in error.validator_value
    ):
        names = error.validator_value["required"]
        return [
            (
                (*path, names[0]) if len(names) == 1 else path,
                f"{', '.join(names)} is not allowed here",
                True,
                "not-allowed",
            )
        ]
    if kind == "maxLength" and isinstance(error.instance, str):
        return [
            (
                path,
                f"is {len(error.instance)} characters long; at most "
                f"{error.validator_value} allowed",
                False,
                "too-long",
            )
        ]
    if kind == "pattern":
        words = expected_form(error.validator_value, error.schema.get("description"))
        return [(path, f"{_shown(error.instance)} is not {words}", False, "bad-form")]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }[kind]
        return [
            (
                path,
                f"{error.instance!r} is out of range: must be {word} {error.validator_value}",
                False,
                "out-of-range",
            )
        ]
    if kind == "maxItems":
        return [
            (
                path,
                f"has {len(error.instance)} items; at most {error.validator_value} allowed",
                False,
                "too-many",
            )
        ]
    if kind == "minItems":
        return [(path, f"needs at least {error.validator_value} item(s)", False, "too-few")]
    if kind == "uniqueItems":
        return [(path, "items must not repeat", False, "duplicate-items")]
    if kind == "format":
        from .formats import WHAT

        what = WHAT.get(error.validator_value, f"of the {error.validator_value} format")
        return [(path, f"{error.instance!r} is not {what}"[:200], False, "bad-form")]
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return [
            (
                path,
                f"expected {expected}, got {_type_name(error.instance)} {error.instance!r}"[:200],
                False,
                "wrong-type",
            )
        ]
    code = re.sub(r"(?<!^)(?=[A-Z])", "-", str(kind)).lower() if kind else "invalid"
    return [(path, error.message, False, code)]


def _shown(value: Any) -> str:
    """A value as a message quotes it, cut short (a 1 MB value is not repeated back)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _type_name(value: Any) -> str:
    return {
        dict: "mapping",
        list: "list",
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _matches_pattern_props(key: str, schema: dict[str, Any]) -> bool:
    return any(re.search(p, key) for p in (schema.get("patternProperties") or {}))
