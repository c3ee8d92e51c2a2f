"""The plan as a pull-request comment: summary table first, each campaign folded."""

from __future__ import annotations

from ..plan import Plan
from .plan_text import _symbol, campaign_lines

MARKDOWN_LIMIT = 60_000  # GitHub comments stop at 65,536 characters


def plan_markdown(plan: Plan) -> str:
    t = plan.tally()
    head = [f"### outreach plan: {t['create']} to create, {t['update']} to update, "
            f"{t['noop']} unchanged, {t['blocked']} blocked, {t['error']} failed", "",
            "| | campaign | changes |", "|---|---|---|"]
    for cp in plan.campaigns:
        n = len(cp.changes) + len(cp.lifecycle.actions)
        head.append(f"| `{_symbol(cp)}` | `{cp.address}` | {n} |")
    body = []
    for cp in plan.campaigns:
        text = "\n".join(line.plain for line in campaign_lines(cp))
        body.append(f"<details><summary><code>{cp.address}</code></summary>\n\n```diff\n"
                    f"{text}\n```\n</details>")
    out = "\n".join(head) + "\n\n" + "\n".join(body)
    if len(out) > MARKDOWN_LIMIT:
        out = out[:MARKDOWN_LIMIT] + "\n\n… (truncated; run `outreach plan` for the rest)\n"
    return out
