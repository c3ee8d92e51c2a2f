"""The plan as the JSON envelope's data: every campaign, change and lifecycle action."""

from __future__ import annotations

from typing import Any

from ..plan import Plan, PlannedChange
from .plan_text import SENSITIVE

ENVELOPE_VERSION = 1


def plan_to_json(plan: Plan) -> dict[str, Any]:
    def change(pc: PlannedChange) -> dict[str, Any]:
        c = pc.change
        return {"path": c.dotted, "op": c.op,
                "old": SENSITIVE if c.sensitive and c.old is not None else c.old,
                "new": SENSITIVE if c.sensitive else c.new, "sensitive": c.sensitive,
                "allowed": pc.verdict.allowed, "reason": pc.verdict.reason or None,
                "remedy": pc.verdict.remedy or None, "note": pc.note or pc.verdict.note or None}

    return {
        "summary": plan.tally(),
        "campaigns": [
            {"address": cp.address, "file": cp.doc.file, "provider": cp.doc.provider,
             "key": cp.doc.key, "action": cp.action, "blocked": cp.blocked,
             "id": cp.remote.id if cp.remote else None,
             "status": cp.remote.status if cp.remote else None,
             "revision": cp.remote.revision if cp.remote else None,
             "changes": [change(pc) for pc in cp.changes],
             "lifecycle": list(cp.lifecycle.actions),
             "lifecycleBlocked": cp.lifecycle.blocked or None,
             "notes": list(cp.notes), "error": cp.error}
            for cp in plan.campaigns
        ],
    }
