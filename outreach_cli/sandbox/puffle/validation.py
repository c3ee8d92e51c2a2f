"""Request validation: the update-campaign fields, sequence nodes, prospect rows, time zones.

Every check here only reads the request: a handler runs them all before it writes anything.

Where the docs are silent, this emulator chooses:

- PATCH validates the shape of every field it knows (types, ranges, UUID patterns, delay
  totals), whatever the campaign's status or type, before writing anything; then it applies
  what the status and type allow (sender ids must then name senders of the campaign's type).
  Email-only fields on a LinkedIn campaign and LinkedIn-only fields on an email campaign are
  ignored like draft-only fields after launch. `type` and unknown keys are ignored. Node types
  of the other channel (e.g. an email node on a LinkedIn campaign) are a 400.
"""

from __future__ import annotations

import re
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

from .errors import _Fail
from .model import (
    _DELAY_FIELDS,
    _PROSPECT_TEXT,
    CHANNEL_NODES,
    DAILY_LIMIT,
    MAX_ACCOUNT_LIMITS,
    MAX_DELAY_MINUTES,
    MIN_DELAY_MINUTES,
    NODE_FIELDS,
    UUID_PATTERN,
    _delay_minutes,
)

_UUID = re.compile(UUID_PATTERN)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

_STRING_FIELDS = ("subject", "body", "body_html", "signature", "from_name", "reply_to", "cc", "bcc")
_BOOL_FIELDS = ("include_message", "is_reply")

# The update page's table: field → (statuses where PATCH applies it, None for any; the only
# campaign type it applies to, None for both). Anything outside it is accepted and dropped.
PATCH_TABLE: dict[str, tuple[frozenset[str] | None, str | None]] = {
    "name": (None, None),
    "operating_hours": (None, None),
    "daily_limit": (None, "email"),
    "account_limits": (None, "email"),
    "skip_other_campaigns": (frozenset({"draft"}), "linkedin"),
    "stop_on_reply": (frozenset({"draft"}), "email"),
    "open_tracking": (frozenset({"draft"}), "email"),
    "signature": (frozenset({"draft"}), "email"),
    "sender_account_ids": (frozenset({"draft"}), None),
    "sequence_nodes": (frozenset({"draft"}), None),
}
# What POST /campaigns takes besides type and name (create-campaign page).
CREATE_FIELDS = (
    "sender_account_ids",
    "skip_other_campaigns",
    "operating_hours",
    "daily_limit",
    "stop_on_reply",
    "open_tracking",
    "signature",
)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None  # `$` takes a "\n"


def _field_errors(given: dict[str, Any], ctype: str, nodes: list[dict[str, Any]]) -> list[str]:
    errors: list[str] = []
    if "name" in given and not (isinstance(given["name"], str) and given["name"]):
        errors.append("name must be a string of at least 1 character")
    if "operating_hours" in given and not isinstance(given["operating_hours"], (dict, type(None))):
        errors.append("operating_hours must be an object")
    low, high = DAILY_LIMIT
    if "daily_limit" in given and not (
        _is_int(given["daily_limit"]) and low <= given["daily_limit"] <= high
    ):
        errors.append(f"daily_limit must be an integer between {low} and {high}")
    for flag in ("skip_other_campaigns", "stop_on_reply", "open_tracking"):
        if flag in given and not isinstance(given[flag], bool):
            errors.append(f"{flag} must be a boolean")
    if "signature" in given and not isinstance(given["signature"], (str, type(None))):
        errors.append("signature must be a string")
    if "sender_account_ids" in given:
        ids = given["sender_account_ids"]
        if not isinstance(ids, list) or not all(_is_uuid(i) for i in ids):
            errors.append("sender_account_ids must be an array of UUIDs")
    if "account_limits" in given:
        errors += _account_limit_errors(given["account_limits"])
    if "sequence_nodes" in given:
        errors += _sequence_errors(given["sequence_nodes"], ctype, nodes)
    return errors


def _account_limit_errors(limits: Any) -> list[str]:
    if not isinstance(limits, list):
        return ["account_limits must be an array"]
    errors = []
    if len(limits) > MAX_ACCOUNT_LIMITS:
        errors.append(f"account_limits takes at most {MAX_ACCOUNT_LIMITS} entries")
    for i, entry in enumerate(limits):
        if not isinstance(entry, dict) or not _is_uuid(entry.get("account_id")):
            errors.append(f"account_limits[{i}].account_id must be a UUID")
        elif not (_is_int(entry.get("daily_limit")) and entry["daily_limit"] >= 1):
            errors.append(f"account_limits[{i}].daily_limit must be an integer of at least 1")
    return errors


def _sequence_errors(nodes: Any, ctype: str, current: list[dict[str, Any]]) -> list[str]:
    if not isinstance(nodes, list):
        return ["sequence_nodes must be an array"]
    types = {n["id"]: n["type"] for n in current}
    errors: list[str] = []
    for i, node in enumerate(nodes):
        where = f"sequence_nodes[{i}]"
        if not isinstance(node, dict):
            errors.append(f"{where} must be an object")
            continue
        known_id = node.get("id") if _is_uuid(node.get("id")) else ""
        if "id" in node and not known_id:
            errors.append(f"{where}.id must be a UUID")
        ntype = node.get("type", types.get(known_id))
        if ntype is None:
            errors.append(f"{where}.type is required for a new node")
        elif not isinstance(ntype, str) or ntype not in NODE_FIELDS:
            errors.append(f"{where}.type must be one of: {', '.join(NODE_FIELDS)}")
        else:
            errors += _node_errors(where, node, ntype, ctype, check_delay=True)
    return errors


def _node_errors(
    where: str, node: dict[str, Any], ntype: str, ctype: str, *, check_delay: bool
) -> list[str]:
    """Type errors in a node's fields; the channel fit of its type; its delay total if asked
    (PATCH checks delays before writing, the node endpoints leave them to launch)."""
    at = f"{where}." if where else ""
    errors = []
    if ntype not in CHANNEL_NODES[ctype]:
        errors.append(f"{at}type: {ntype} nodes do not belong in a {ctype} campaign")
    for key in _STRING_FIELDS:
        if key in node and not isinstance(node[key], (str, type(None))):
            errors.append(f"{at}{key} must be a string")
    for key in _BOOL_FIELDS:
        if key in node and not isinstance(node[key], bool):
            errors.append(f"{at}{key} must be a boolean")
    bad_delay = False
    for key in _DELAY_FIELDS:
        if key in node and not (node[key] is None or (_is_int(node[key]) and node[key] >= 0)):
            errors.append(f"{at}{key} must be a non-negative integer")
            bad_delay = True
    if "ai_node" in node:
        ai = node["ai_node"]
        if not isinstance(ai, (dict, type(None))) or (
            isinstance(ai, dict)
            and not all(
                isinstance(ai.get(k), (str, type(None))) for k in ("purpose", "output_type")
            )
        ):
            errors.append(f"{at}ai_node must be an object with string purpose and output_type")
    if "attachments" in node and not isinstance(node["attachments"], (list, type(None))):
        errors.append(f"{at}attachments must be an array")
    if check_delay and ntype == "delay" and not bad_delay:
        total = _delay_minutes(node)
        if not MIN_DELAY_MINUTES <= total <= MAX_DELAY_MINUTES:
            errors.append(
                f"{where or 'node'}: delay must total at least 1 minute and at most "
                f"30 days across delay_days, delay_hours and delay_minutes (got "
                f"{total} minutes)"
            )
    return errors


def _prospect_fields(index: int, row: Any, ctype: str) -> dict[str, Any]:
    """The stored fields of one prospect to add; 400 naming the index when it is unusable."""
    if not isinstance(row, dict):
        raise _Fail(400, f"prospects[{index}] must be an object")
    out: dict[str, Any] = {}
    for key in _PROSPECT_TEXT:
        if key in row:
            if not isinstance(row[key], (str, type(None))):
                raise _Fail(400, f"prospects[{index}].{key} must be a string")
            out[key] = row[key]
    if "custom_fields" in row:
        if not isinstance(row["custom_fields"], (dict, type(None))):
            raise _Fail(400, f"prospects[{index}].custom_fields must be an object")
        out["custom_fields"] = row["custom_fields"]
    email, url = (row.get(k) for k in ("email", "linkedin_url"))
    email = email.strip() if isinstance(email, str) else ""
    url = url.strip() if isinstance(url, str) else ""
    email_ok, url_ok = _EMAIL.fullmatch(email) is not None, "linkedin.com" in url
    if ctype == "email" and not email_ok:
        raise _Fail(400, f"prospects[{index}]: email is required for email campaigns")
    if ctype == "linkedin" and not url_ok:
        raise _Fail(400, f"prospects[{index}]: linkedin_url is required for LinkedIn campaigns")
    # The other channel's identity is kept when it is valid, as the docs say.
    if email_ok:
        out["email"] = email.lower()
    if url_ok:
        out["linkedin_url"] = _normal_url(url)
    return out


def _normal_url(url: str) -> str:
    """LinkedIn URL identity: no query string (or fragment), no trailing slash."""
    return re.split(r"[?#]", url.strip(), maxsplit=1)[0].rstrip("/")


def _is_timezone(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        ZoneInfo(value)
    # ZoneInfoNotFoundError is a KeyError; a folder of the tz database ("America") an OSError
    except (ValueError, KeyError, OSError):
        return False
    return True
