"""The JSON envelope: one contract for every command (envelope.schema.json beside this file).

`{version, kind, ok, exitCode, data, errors}`: `kind` names the command that ran, `ok` is
true exactly when the exit code is 0 or 2, and `errors` holds every diagnostic and failure
(warnings too, with `severity`), each with file, line, column, field and a stable `code`,
worded as the text output words it.
"""

from __future__ import annotations

import json
import re
import shutil
from typing import IO, Any, TextIO

from ..documents import Diagnostic, format_path
from ..origins import origin
from ..plan import CampaignPlan, Plan, PlannedChange
from .plan_text import SENSITIVE

ENVELOPE_VERSION = 2
# The text output's words for the tally (Plan.tally keeps its own keys).
SUMMARY_WORDS = {
    "create": "create",
    "update": "update",
    "noop": "unchanged",
    "blocked": "blocked",
    "error": "failed",
}


printed = 0  # envelopes made (each is printed): the CLI prints one itself only when none was


def envelope(
    kind: str, data: Any, exit_code: int, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    global printed
    printed += 1
    return {
        "version": ENVELOPE_VERSION,
        "kind": kind,
        "ok": int(exit_code) in (0, 2),
        "exitCode": int(exit_code),
        "data": data,
        "errors": list(errors or []),
    }


_MARK = "@@outreach-envelope-data@@"


def dumps(doc: Any) -> str:
    """A JSON document as every command prints it (sorted keys, two-space indent)."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def item_text(item: Any) -> str:
    """One item of an envelope's `data` list, as dumps() would lay it out inside the list."""
    return "    " + dumps(item).replace("\n", "\n    ")


def write_list_envelope(
    file: TextIO,
    kind: str,
    items: IO[str],
    count: int,
    exit_code: int = 0,
    errors: list[dict[str, Any]] | None = None,
) -> None:
    """The envelope whose `data` is a list, its items read from `items` (item_text()s joined
    by ",\n"): the bytes dumps() gives for the whole document, without holding the list."""
    head, _, tail = dumps(envelope(kind, _MARK, exit_code, errors)).partition(f'"{_MARK}"')
    file.write(head)
    if count:
        file.write("[\n")
        shutil.copyfileobj(items, file)
        file.write("\n  ]")
    else:
        file.write("[]")
    file.write(tail + "\n")


def error_entry(
    message: str,
    *,
    code: str,
    file: str | None = None,
    line: int | None = None,
    column: int | None = None,
    field: str | None = None,
    hint: str | None = None,
    campaign: str | None = None,
    severity: str = "error",
) -> dict[str, Any]:
    return {
        "severity": severity,
        "code": code,
        "message": message,
        "file": file,
        "line": line,
        "column": column,
        "field": field or None,
        "hint": hint or None,
        "campaign": campaign,
    }


def diagnostic_entry(d: Diagnostic) -> dict[str, Any]:
    return error_entry(
        d.message,
        code=getattr(d, "code", "") or "invalid",
        file=d.file,
        line=d.line,
        column=d.col,
        field=d.path,
        severity=d.severity,
    )


def exception_entry(exc: Any) -> dict[str, Any]:
    """An OutreachError that stopped a command: its class as the code (MissingKeyError →
    missing-key), and a file, line, column and field when the error carries them."""
    name = type(exc).__name__.removesuffix("Error") or "Outreach"
    code = getattr(exc, "error_code", "") or re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
    return error_entry(
        exc.message,
        code=code,
        file=getattr(exc, "file", None),
        line=getattr(exc, "line", None),
        column=getattr(exc, "col", None),
        field=getattr(exc, "path", None),
        hint=exc.hint,
    )


def _where(cp: CampaignPlan, path: tuple[Any, ...] = ()) -> dict[str, Any]:
    file, line, col = cp.doc.source.where(path) if path else (cp.doc.file, *cp.doc.source.start)
    return {"file": file, "line": line, "column": col, "campaign": cp.address}


def plan_errors(plan: Plan) -> list[dict[str, Any]]:
    """Failed campaigns, blocked changes and blocked status moves, as the text words them."""
    out: list[dict[str, Any]] = []
    for cp in plan.campaigns:
        if cp.action == "error":
            out.append(error_entry(cp.error or "plan failed", code="plan-failed", **_where(cp)))
            continue
        for pc in cp.changes:
            if not pc.verdict.allowed:
                out.append(
                    error_entry(
                        pc.verdict.reason,
                        code="blocked",
                        field=pc.change.dotted,
                        hint=pc.verdict.remedy,
                        **_where(cp, ("campaign", *pc.change.path)),
                    )
                )
        if cp.lifecycle.blocked:
            out.append(
                error_entry(
                    f"status: {cp.doc.status}: {cp.lifecycle.blocked}",
                    code="blocked",
                    field="status",
                    hint=cp.lifecycle.remedy,
                    **_where(cp, ("status",)),
                )
            )
    return out


def summary(plan: Plan) -> dict[str, int]:
    return {SUMMARY_WORDS[k]: v for k, v in plan.tally().items()}


def action_word(cp: CampaignPlan) -> str:
    if cp.action == "error":
        return "failed"
    if cp.action == "create":
        return "create"
    if cp.adopt:
        return "adopt"
    return "update" if cp.has_changes else "unchanged"


def change_json(pc: PlannedChange, source: Any = None) -> dict[str, Any]:
    c = pc.change
    out = {
        "path": c.dotted,
        "op": c.op,
        "how": c.how or None,
        "from": format_path(c.source) if c.source is not None else None,
        "old": SENSITIVE if c.sensitive and c.old is not None else c.old,
        "new": SENSITIVE if c.sensitive else c.new,
        "sensitive": c.sensitive,
        "allowed": pc.verdict.allowed,
        "reason": pc.verdict.reason or None,
        "remedy": pc.verdict.remedy or None,
        "note": pc.note or pc.verdict.note or None,
    }
    spot = origin(source, ("campaign", *c.path)) if source is not None else None
    if spot is not None:  # written in a base, a values file or the project file
        out["written"] = {"file": spot[0], "line": spot[1], "column": spot[2]}
    return out


def campaign_json(cp: CampaignPlan) -> dict[str, Any]:
    return {
        "address": cp.address,
        "file": cp.doc.file,
        "provider": cp.doc.provider,
        "key": cp.doc.key,
        "action": action_word(cp),
        "blocked": cp.blocked,
        "id": cp.remote.id if cp.remote else None,
        "status": cp.remote.status if cp.remote else None,
        "revision": cp.remote.revision if cp.remote else None,
        "changes": [change_json(pc, cp.doc.source) for pc in cp.changes],
        "lifecycle": list(cp.lifecycle.actions),
        "lifecycleBlocked": cp.lifecycle.blocked or None,
        "notes": list(cp.notes),
        "error": cp.error,
    }


def plan_to_json(plan: Plan, ready: list[Any] | None = None) -> dict[str, Any]:
    """The plan's data; `ready` holds each campaign's entry when already built (prepare)."""
    campaigns = ready if ready is not None else [campaign_json(cp) for cp in plan.campaigns]
    return {"summary": summary(plan), "campaigns": campaigns}


APPLY_RESULTS = ("applied", "unchanged", "blocked", "failed", "drifted")


def apply_to_json(plan: Plan, report: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What apply did to each campaign, with the changes it sent; and the errors."""
    by_address = {cp.address: cp for cp in plan.campaigns}
    outcomes = []
    errors = plan_errors(plan)
    failed_in_plan = {e["campaign"] for e in errors if e["code"] == "plan-failed"}
    for o in report.outcomes:
        cp = by_address.get(o.address)
        sent = o.result == "applied" and cp is not None
        outcomes.append(
            {
                "address": o.address,
                "result": o.result,
                "id": o.id,
                "message": o.message or None,
                "actions": list(o.actions),
                "changes": [change_json(pc) for pc in cp.changes] if sent and cp else [],
                "created": bool(sent and cp and cp.action == "create"),
            }
        )
        if o.result in ("failed", "drifted") and o.address not in failed_in_plan:
            where = _where(cp) if cp else {"campaign": o.address}
            errors.append(error_entry(o.message or o.result, code=f"apply-{o.result}", **where))
    counts = {k: sum(1 for o in report.outcomes if o.result == k) for k in APPLY_RESULTS}
    counts["rateLimited"] = getattr(report, "rate_limited", 0)
    return {"summary": counts, "outcomes": outcomes}, errors
