"""Sequence validation: steps, A/B variants, triggers and subsequences, normalised as stored."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .constants import (
    CONDITION_OPERATORS,
    EMAIL_ONLY_STEP_KEYS,
    HEX24,
    MAX_ACTIVE_SUBSEQUENCES,
    STEP_KEYS,
    STEP_TYPES,
    SUBSEQUENCE_KEYS,
    SUBSEQUENCE_STATUSES,
    TRIGGER_KEYS,
    TRIGGER_TYPES,
    VARIANT_KEYS,
    VARIANT_LABEL,
    WAIT_ONLY_STEP_KEYS,
)
from .errors import TRIGGER_IMMUTABLE, ApiError, _invalid
from .tiptap import to_tiptap_html
from .validation import _is_int, _is_number, _v_bool


def _wait_name(days: float, hours: float) -> str:
    def unit(n: float, word: str) -> str:
        n_txt = f"{n:g}"
        return f"{n_txt} {word}" + ("" if n == 1 else "s")

    parts = [unit(days, "day")] if days else []
    if hours:
        parts.append(unit(hours, "hour"))
    return "Wait " + " ".join(parts)


def _given_id(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not HEX24.match(value):
        raise _invalid(path, "must be a 24-hex id")
    return value


def _normalise_sequence(
    raw: Any, path: str, new_id: Callable[[], str], *, leading_wait_ok: bool
) -> list[dict[str, Any]]:
    """Validate a sequence and return it as stored: `_id`, `order`, `name` assigned, bodies
    converted to TipTap HTML, and a variant "A" seeded on email steps that have none."""
    if not isinstance(raw, list):
        raise _invalid(path, "must be an array of steps")
    steps: list[dict[str, Any]] = []
    emails = 0
    for i, step in enumerate(raw):
        p = f"{path}[{i}]"
        if not isinstance(step, dict):
            raise _invalid(p, "must be an object")
        for key in step:
            if key not in STEP_KEYS:
                raise _invalid(f"{p}.{key}", "unknown field")
        kind = step.get("type")
        if kind not in STEP_TYPES:
            raise _invalid(f"{p}.type", "must be 'email' or 'wait'")
        if i == 0 and kind == "wait" and not leading_wait_ok:
            raise _invalid(f"{p}.type", "the first step of the main sequence must be an email")
        # "Step position (zero-based)": a position, so an integer >= 0; any such value is
        # renumbered from the array position below.
        if "order" in step and (not _is_int(step["order"]) or step["order"] < 0):
            raise _invalid(f"{p}.order", "must be an integer >= 0 (a zero-based position)")
        name = step.get("name")
        if name is not None and not isinstance(name, str):
            raise _invalid(f"{p}.name", "must be a string")
        out: dict[str, Any] = {
            "_id": _given_id(step.get("_id"), f"{p}._id") or new_id(),
            "type": kind,
            "order": i,  # from the array position; a given `order` does not reorder
        }
        if kind == "email":
            for key in WAIT_ONLY_STEP_KEYS:
                if key in step:
                    raise _invalid(f"{p}.{key}", "only wait steps take this field")
            out.update(_normalise_email_step(step, p, new_id))
            out["name"] = name or ("Initial Email" if emails == 0 else f"Follow-up {emails}")
            emails += 1
        else:
            for key in EMAIL_ONLY_STEP_KEYS:
                if key in step:
                    raise _invalid(f"{p}.{key}", "only email steps take this field")
            days = step.get("waitDays", 0)
            hours = step.get("waitHours", 0)
            for key, value in (("waitDays", days), ("waitHours", hours)):
                if not _is_number(value) or value < 0:
                    raise _invalid(f"{p}.{key}", "must be a number >= 0")
            if days <= 0 and hours <= 0:
                raise _invalid(f"{p}.waitDays", "wait steps need waitDays or waitHours > 0")
            for key in WAIT_ONLY_STEP_KEYS:
                if key in step:
                    out[key] = step[key]
            out["name"] = name or _wait_name(days, hours)
        steps.append(out)
    return steps


def _normalise_email_step(
    step: dict[str, Any], p: str, new_id: Callable[[], str]
) -> dict[str, Any]:
    """An email step's content. With `variants`, the step's own subject/body default to the
    first variant's and each variant's to the step's; without, variant "A" is seeded from the
    step ("so the sender always has something to send")."""
    subject = step.get("subject")
    body = step.get("body", "")
    variants_raw = step.get("variants")
    if subject is not None and not isinstance(subject, str):
        raise _invalid(f"{p}.subject", "must be a string")
    if not isinstance(body, str):
        raise _invalid(f"{p}.body", "must be a string")
    if subject is None and not variants_raw:
        raise _invalid(f"{p}.subject", "email steps need a subject")
    out: dict[str, Any] = {}
    if "useConditionalVariables" in step:
        out["useConditionalVariables"] = _v_bool(
            step["useConditionalVariables"], f"{p}.useConditionalVariables"
        )
    if "conditionalVariables" in step:
        conds = step["conditionalVariables"]
        if not isinstance(conds, list) or not all(isinstance(c, dict) for c in conds):
            raise _invalid(f"{p}.conditionalVariables", "must be an array of objects")
        for j, cond in enumerate(conds):
            if "operator" in cond and cond["operator"] not in CONDITION_OPERATORS:
                raise _invalid(
                    f"{p}.conditionalVariables[{j}].operator",
                    "must be one of " + ", ".join(CONDITION_OPERATORS),
                )
        out["conditionalVariables"] = copy.deepcopy(conds)
    if variants_raw is None:
        variants = [
            {"_id": new_id(), "label": "A", "subject": subject, "body": to_tiptap_html(body)}
        ]
    else:
        variants = _normalise_variants(variants_raw, f"{p}.variants", subject, body, new_id)
    out["subject"] = subject if subject is not None else variants[0]["subject"]
    has_own_body = "body" in step or variants_raw is None
    out["body"] = to_tiptap_html(body) if has_own_body else variants[0]["body"]
    out["variants"] = variants
    return out


def _normalise_variants(
    raw: Any, path: str, subject: str | None, body: str, new_id: Callable[[], str]
) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise _invalid(path, "must be a non-empty array")
    seen: set[str] = set()
    out = []
    for j, variant in enumerate(raw):
        vp = f"{path}[{j}]"
        if not isinstance(variant, dict):
            raise _invalid(vp, "must be an object")
        for key in variant:
            if key not in VARIANT_KEYS:
                raise _invalid(f"{vp}.{key}", "unknown field")
        label = variant.get("label")
        if not isinstance(label, str) or not VARIANT_LABEL.match(label):
            raise _invalid(f"{vp}.label", "must be a single uppercase letter A-Z")
        if label in seen:
            raise _invalid(f"{vp}.label", f"duplicate variant label '{label}' in this step")
        seen.add(label)
        v_subject = variant.get("subject", subject)
        v_body = variant.get("body", body)
        if not isinstance(v_subject, str):
            raise _invalid(f"{vp}.subject", "variants need a subject (or one on the step)")
        if not isinstance(v_body, str):
            raise _invalid(f"{vp}.body", "must be a string")
        item: dict[str, Any] = {
            "_id": _given_id(variant.get("_id"), f"{vp}._id") or new_id(),
            "label": label,
            "subject": v_subject,
            "body": to_tiptap_html(v_body),
        }
        if "enabled" in variant:
            item["enabled"] = _v_bool(variant["enabled"], f"{vp}.enabled")
        out.append(item)
    return out


def _normalise_trigger(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _invalid(path, "must be an object {type, value}")
    for key in raw:
        if key not in TRIGGER_KEYS:
            raise _invalid(f"{path}.{key}", "unknown field")
    kind = raw.get("type")
    if kind not in TRIGGER_TYPES:
        raise _invalid(f"{path}.type", "must be 'ai_tag' or 'reply'")
    if kind == "reply":
        # "With type='reply' … value is ignored": it is dropped, so it never counts as a change.
        return {"type": "reply"}
    value = raw.get("value")
    if not isinstance(value, str) or not value:  # "Required": any non-empty string
        raise _invalid(f"{path}.value", "is required when type is ai_tag")
    return {"type": "ai_tag", "value": value}


def _normalise_subsequences(
    raw: Any, existing: list[dict[str, Any]], new_id: Callable[[], str]
) -> list[dict[str, Any]]:
    """Validate a full `subsequences` array (it replaces the stored one) against the rules of
    the create/update pages, carrying server-side counters over by `_id`."""
    if not isinstance(raw, list):
        raise _invalid("subsequences", "must be an array")
    by_id = {s["_id"]: s for s in existing}
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for i, sub in enumerate(raw):
        p = f"subsequences[{i}]"
        if not isinstance(sub, dict):
            raise _invalid(p, "must be an object")
        for key in sub:
            if key not in SUBSEQUENCE_KEYS:
                raise _invalid(f"{p}.{key}", "unknown field")
        if "_id" in sub and "id" in sub and sub["_id"] != sub["id"]:
            raise _invalid(f"{p}.id", "differs from _id")
        sid = _given_id(sub.get("_id", sub.get("id")), f"{p}._id")
        if sid is not None and sid not in by_id:
            raise _invalid(f"{p}._id", f"{sid} is not a subsequence of this campaign")
        if sid is not None and sid in seen:
            raise _invalid(f"{p}._id", f"{sid} appears twice")
        name = sub.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _invalid(f"{p}.name", "is required")
        trigger = _normalise_trigger(sub.get("trigger"), f"{p}.trigger")
        status = sub.get("status", "active")
        if status not in SUBSEQUENCE_STATUSES:
            raise _invalid(f"{p}.status", "must be 'active' or 'archived'")
        if "sequence" not in sub:
            raise _invalid(f"{p}.sequence", "is required")
        sequence = _normalise_sequence(
            sub["sequence"], f"{p}.sequence", new_id, leading_wait_ok=True
        )
        if not sequence:
            raise _invalid(f"{p}.sequence", "needs at least one step")
        previous = by_id.get(sid) if sid else None
        added = previous["addedCount"] if previous else 0
        stats = copy.deepcopy(previous["stats"]) if previous else {"sent": 0}
        # "trigger is immutable once a subsequence has sent any emails (addedCount > 0 or
        # stats.sent > 0)". Any change counts, including the ai_tag value's case.
        if previous and previous["trigger"] != trigger and (added > 0 or stats["sent"] > 0):
            raise ApiError(
                400,
                TRIGGER_IMMUTABLE,
                f"{p}.trigger: subsequence '{previous['name']}' has enrolled leads or "
                "sent email, so its trigger cannot change; archive it and create a "
                "new subsequence instead",
            )
        sid = sid or new_id()
        seen.add(sid)
        out.append(
            {
                "_id": sid,
                "name": name,
                "trigger": trigger,
                "sequence": sequence,
                "status": status,
                "addedCount": added,
                "stats": stats,
            }
        )
    active = [s for s in out if s["status"] == "active"]
    if len(active) > MAX_ACTIVE_SUBSEQUENCES:
        raise _invalid(
            "subsequences", f"at most {MAX_ACTIVE_SUBSEQUENCES} active (non-archived) subsequences"
        )
    if sum(1 for s in active if s["trigger"]["type"] == "reply") > 1:
        raise _invalid("subsequences", "at most one active subsequence may use a reply trigger")
    tag_values: dict[str, str] = {}
    for s in active:
        if s["trigger"]["type"] != "ai_tag":
            continue
        folded = s["trigger"]["value"].casefold()
        if folded in tag_values:
            raise _invalid(
                "subsequences",
                f"active ai_tag triggers must be unique (case-insensitive): "
                f"'{tag_values[folded]}' and '{s['trigger']['value']}'",
            )
        tag_values[folded] = s["trigger"]["value"]
    return out
