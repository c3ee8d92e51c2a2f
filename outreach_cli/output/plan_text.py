"""The plan as terminal lines: one block per campaign, one line per field, text diffs."""

from __future__ import annotations

import difflib
import json
from typing import Any

from rich.text import Text

from ..plan import CampaignPlan, Plan, PlannedChange

SENSITIVE = "(sensitive)"
LONG_TEXT = ("subject", "body", "signature", "message", "body_html")

# -- plan rendering (pure functions: testable at a fixed width, colour off) ---------------------

SYMBOL = {"create": "+", "update": "~", "noop": "=", "error": "x", "blocked": "!"}


def _symbol(cp: CampaignPlan) -> str:
    if cp.action == "error":
        return SYMBOL["error"]
    if cp.blocked:
        return SYMBOL["blocked"]
    if cp.action == "update" and not cp.has_changes:
        return SYMBOL["noop"]
    return SYMBOL[cp.action]


def show(value: Any, sensitive: bool = False) -> str:
    if sensitive:
        return SENSITIVE
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "(unset)"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


PREVIEW = 72


def _short(value: Any) -> str:
    text = show(value)
    if isinstance(value, str) and ("\n" in value or len(text) > PREVIEW):
        first = value.strip().splitlines()[0] if value.strip() else ""
        return json.dumps(first[:PREVIEW - 10], ensure_ascii=False)[:-1] + f'…" ({len(value)} chars)'
    return text


def _nested(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) or (
        isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value))


def block(value: Any, indent: int) -> list[str]:
    """A nested value as indented YAML-like lines, long strings cut to one line."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if _nested(v):
                out.append(f"{pad}{k}:")
                out.extend(block(v, indent + 2))
            else:
                out.append(f"{pad}{k}: {_short(v)}")
    elif isinstance(value, list):
        for item in value:
            if _nested(item):
                inner = block(item, indent + 2)
                out.append(f"{pad}- {inner[0].strip()}")
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {_short(item)}")
    else:
        out.append(pad + _short(value))
    return out


def human_duration(change: PlannedChange) -> str:
    """Delays in human units beside the raw number: `waitDays: 3 → 5 (5 days)`."""
    name = change.change.path[-1] if change.change.path else ""
    value = change.change.new
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    units = {"waitDays": "day", "waitHours": "hour", "delay_days": "day", "delay_hours": "hour",
             "delay_minutes": "minute", "delay": "day", "secondsToWait": "second"}
    unit = units.get(str(name))
    return f" ({value:g} {unit}{'s' if value != 1 else ''})" if unit else ""


def change_lines(pc: PlannedChange) -> list[Text]:
    c = pc.change
    mark = {"add": "+", "change": "~", "remove": "-"}[c.op]
    style = {"add": "green", "change": "yellow", "remove": "red"}[c.op]
    if not pc.verdict.allowed:
        mark, style = "!", "bold red"
    head = Text(f"    {mark} ", style=style) + Text(c.dotted, style="bold")
    lines: list[Text] = []
    long_text = (isinstance(c.old, str) and isinstance(c.new, str) and not c.sensitive and
                 (str(c.path[-1]) in LONG_TEXT or "\n" in c.old or "\n" in c.new))
    if long_text:
        lines.append(head + Text(":"))
        for d in difflib.unified_diff(c.old.splitlines(), c.new.splitlines(), "remote", "file",
                                      lineterm="", n=2):
            if d.startswith(("---", "+++")):
                continue
            dstyle = "green" if d.startswith("+") else "red" if d.startswith("-") else "cyan" \
                if d.startswith("@@") else ""
            lines.append(Text("        " + d, style=dstyle))
    elif c.op == "add" and _nested(c.new) and not c.sensitive:
        lines.append(head + Text(":"))
        lines.extend(Text(line, style="green") for line in block(c.new, 8))
    elif c.op == "add":
        lines.append(head + Text(": " + show(c.new, c.sensitive) + human_duration(pc)))
    elif c.op == "remove":
        lines.append(head + Text(": " + show(c.old, c.sensitive) + " (removed)"))
    else:
        if c.sensitive:
            lines.append(head + Text(f": {SENSITIVE} (changes)"))
        else:
            lines.append(head + Text(f": {show(c.old)} → {show(c.new)}" + human_duration(pc)))
    if pc.note:
        lines.append(Text(f"        note: {pc.note}", style="dim"))
    if pc.verdict.note and pc.verdict.allowed:
        lines.append(Text(f"        note: {pc.verdict.note}", style="cyan"))
    if not pc.verdict.allowed:
        lines.append(Text(f"        blocked: {pc.verdict.reason}", style="red"))
        if pc.verdict.remedy:
            lines.append(Text(f"        instead: {pc.verdict.remedy}", style="yellow"))
    return lines


def campaign_lines(cp: CampaignPlan) -> list[Text]:
    sym = _symbol(cp)
    style = {"+": "green", "~": "yellow", "=": "dim", "!": "bold red", "x": "bold red"}[sym]
    head = Text(f"{sym} ", style=style) + Text(cp.address, style="bold")
    where = f"  {cp.doc.file}"
    if cp.remote is not None:
        where += f"  [{cp.remote.id}, {cp.remote.status}]"
    lines = [head + Text(where, style="dim")]
    if cp.action == "error":
        lines.append(Text(f"    error: {cp.error}", style="red"))
        return lines
    if cp.action == "create":
        lines.append(Text(f"    create {cp.doc.provider} campaign {show(cp.name)}", style="green"))
    for pc in cp.changes:
        lines.extend(change_lines(pc))
    for act in cp.lifecycle.actions:
        lines.append(Text(f"    > {act}", style="cyan"))
    if cp.lifecycle.blocked:
        lines.append(Text(f"    ! status: {cp.doc.status}: {cp.lifecycle.blocked}", style="red"))
        if cp.lifecycle.remedy:
            lines.append(Text(f"        instead: {cp.lifecycle.remedy}", style="yellow"))
    for note in cp.notes:
        lines.append(Text(f"    note: {note}", style="dim"))
    return lines


def tally_line(plan: Plan) -> str:
    t = plan.tally()
    return (f"Plan: {t['create']} to create, {t['update']} to update, {t['noop']} unchanged, "
            f"{t['blocked']} blocked" + (f", {t['error']} failed" if t["error"] else "") + ".")


def plan_lines(plan: Plan) -> list[Text]:
    out: list[Text] = []
    for cp in plan.campaigns:
        out.extend(campaign_lines(cp))
        out.append(Text(""))
    out.append(Text(tally_line(plan), style="bold"))
    return out
