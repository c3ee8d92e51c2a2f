"""The plan as terminal lines: one block per campaign, one line per field, text diffs."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text

from ..origins import origin
from ..plan import CampaignPlan, Plan, PlannedChange
from .textdiff import plain, text_rows
from .wrap import wrap

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


def _short(value: Any, room: int | None = PREVIEW) -> str:
    """A value on one line of at most about `room` characters (long text cut, with its
    length); whole when `room` is None (a pipe: nothing is cut)."""
    text = show(value)
    if room is None:
        return text
    if isinstance(value, str) and ("\n" in value or len(text) > room):
        first = value.strip().splitlines()[0] if value.strip() else ""
        cut = max(room - 16, 12)
        return json.dumps(first[:cut], ensure_ascii=False)[:-1] + f'…" ({len(value)} chars)'
    return text


def _nested(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value))
    )


def block(value: Any, indent: int, width: int | None = 78) -> list[str]:
    """A nested value as indented YAML-like lines, each long string cut to fit `width`;
    nothing cut when `width` is None (a pipe)."""
    pad = " " * indent

    def room(used: int) -> int | None:
        return None if width is None else max(width - used, 24)

    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if _nested(v):
                out.append(f"{pad}{k}:")
                out.extend(block(v, indent + 2, width))
            else:
                out.append(f"{pad}{k}: {_short(v, room(indent + len(str(k)) + 2))}")
    elif isinstance(value, list):
        for item in value:
            if _nested(item):
                inner = block(item, indent + 2, width)
                out.append(f"{pad}- {inner[0].strip()}")
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {_short(item, room(indent + 2))}")
    else:
        out.append(pad + _short(value, room(indent)))
    return out


def human_duration(change: PlannedChange) -> str:
    """Delays in human units beside the raw number: `waitDays: 3 → 5 (5 days)`."""
    name = change.change.path[-1] if change.change.path else ""
    value = change.change.new
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    units = {
        "waitDays": "day",
        "waitHours": "hour",
        "delay_days": "day",
        "delay_hours": "hour",
        "delay_minutes": "minute",
        "delay": "day",
        "secondsToWait": "second",
    }
    unit = units.get(str(name))
    return f" ({value:g} {unit}{'s' if value != 1 else ''})" if unit else ""


def is_long_text(pc: PlannedChange) -> bool:
    """Bodies, subjects and any multi-line string: diffed word by word, not shown whole."""
    c = pc.change
    return (
        isinstance(c.old, str)
        and isinstance(c.new, str)
        and not c.sensitive
        and (str(c.path[-1]) in LONG_TEXT or "\n" in c.old or "\n" in c.new)
    )


ROW_MARK = {"=": " ", "-": "-", "+": "+", "~": "~", "…": "…"}
ROW_STYLE = {"=": "dim", "-": "red", "+": "green", "~": "", "…": "dim"}
SEG_STYLE = {"=": "", "-": "bold red strike", "+": "bold green", "…": "dim"}
CONTEXT_WIDTH = 60  # an unchanged context line longer than this is folded, as in a changed one


def text_diff_lines(old: str, new: str, indent: int = 8, width: int | None = None) -> list[Text]:
    """A long text change as terminal lines: word marks inside changed lines, folds; each
    row wrapped to `width` between words and beside its fold markers (never inside one),
    hanging under the text; a row a line when no width is given (a pipe)."""
    out: list[Text] = []
    for row in text_rows(old, new):
        head = Text(f"{' ' * indent}{ROW_MARK[row.kind]} ", style=ROW_STYLE[row.kind])
        body = Text()
        atoms: list[tuple[int, int]] = []
        if row.kind == "~":
            for seg in row.segments:
                if seg.op == "…":
                    atoms.append((len(body), len(body) + len(plain((seg,)))))
                body += Text(plain((seg,)), style=SEG_STYLE[seg.op])
        elif row.kind == "…":
            body = Text(f"… {row.segments[0].text} …", style="dim")
            atoms.append((0, len(body)))
        else:
            text = row.segments[0].text
            if row.kind == "=" and len(text) > CONTEXT_WIDTH:
                keep = CONTEXT_WIDTH - 20
                fold = f"…({len(text) - keep:,} more chars)"
                atoms.append((keep, keep + len(fold)))
                text = text[:keep] + fold
            body = Text(text, style=ROW_STYLE[row.kind])
        out.extend(wrap(head, body, width, atoms=atoms))
    return out


BLANKS = str.maketrans("\t\n\r\v\f", "     ")


def prose(head: str, text: str, style: str, width: int | None) -> list[Text]:
    """`head` + `text`, wrapped between words to `width` with the later lines hanging under
    the text (never inside a word: an id or URL longer than the room stays whole); one line
    when no width is given (a pipe: a line per message, for grep)."""
    if width is not None:  # a line break or tab inside a message reads as a space
        text = text.translate(BLANKS)
    return [Text(line.plain, style=style) for line in wrap(Text(head), Text(text), width)]


def verdict_lines(pc: PlannedChange, indent: int = 8, width: int | None = None) -> list[Text]:
    """The notes and the blocked reason under one change."""
    pad = " " * indent
    lines: list[Text] = []
    if pc.note:
        lines.extend(prose(f"{pad}note: ", pc.note, "dim", width))
    if pc.verdict.note and pc.verdict.allowed:
        lines.extend(prose(f"{pad}note: ", pc.verdict.note, "cyan", width))
    if not pc.verdict.allowed:
        lines.extend(prose(f"{pad}blocked: ", pc.verdict.reason, "red", width))
        if pc.verdict.remedy:
            lines.extend(prose(f"{pad}instead: ", pc.verdict.remedy, "yellow", width))
    return lines


def _value(head: Text, value: str, width: int | None) -> list[Text]:
    """`head: value`, wrapped between words; a value whose first word does not fit beside the
    head starts on the next line, indented 8, rather than being broken by the terminal."""
    first = value.split(" ", 1)[0]
    if width is not None and len(head) + 2 + len(first) > width:
        return [head + Text(":"), *wrap(Text(" " * 8), Text(value), width)]
    return wrap(head + Text(": "), Text(value), width)


def change_lines(pc: PlannedChange, width: int | None = None) -> list[Text]:
    c = pc.change
    mark = {"add": "+", "change": "~", "remove": "-"}[c.op]
    style = {"add": "green", "change": "yellow", "remove": "red"}[c.op]
    if not pc.verdict.allowed:
        mark, style = "!", "bold red"
    head = Text(f"    {mark} ", style=style) + Text(c.shown, style="bold")
    lines: list[Text] = []
    if c.how == "moved":
        lines.append(head)
    elif is_long_text(pc):
        assert isinstance(c.old, str) and isinstance(c.new, str)
        lines.append(head + Text(":"))
        lines.extend(text_diff_lines(c.old, c.new, width=width))
    elif c.sensitive:
        what = {"add": "(set)", "change": "(changes)", "remove": "(removed)"}[c.op]
        lines.append(head + Text(f": {SENSITIVE} {what}"))
    elif c.op == "add" and _nested(c.new):
        lines.append(head + Text(":"))
        lines.extend(Text(line, style="green") for line in block(c.new, 8, width))
    elif c.op == "remove" and _nested(c.old):
        lines.append(head + Text(": (removed)"))
        lines.extend(Text(line, style="red") for line in block(c.old, 8, width))
    elif c.op == "change" and (_nested(c.old) or _nested(c.new)):
        lines.append(head + Text(":"))
        lines.append(Text("        was:", style="dim"))
        lines.extend(Text(line, style="red") for line in block(c.old, 10, width))
        lines.append(Text("        now:", style="dim"))
        lines.extend(Text(line, style="green") for line in block(c.new, 10, width))
    elif c.op == "add":
        lines.extend(_value(head, show(c.new) + human_duration(pc), width))
    elif c.op == "remove":
        lines.extend(_value(head, show(c.old) + " (removed)", width))
    else:
        lines.extend(_value(head, f"{show(c.old)} → {show(c.new)}" + human_duration(pc), width))
    lines.extend(verdict_lines(pc, width=width))
    return lines


def campaign_lines(cp: CampaignPlan, width: int | None = None) -> list[Text]:
    """One campaign's block; prose (notes, reasons, errors) wrapped to `width` when given."""
    sym = _symbol(cp)
    style = {"+": "green", "~": "yellow", "=": "dim", "!": "bold red", "x": "bold red"}[sym]
    head = Text(f"{sym} ", style=style) + Text(cp.address, style="bold")
    where = f"  {cp.doc.file}"
    remote = f"[{cp.remote.id}, {cp.remote.status}]" if cp.remote is not None else ""
    if remote and (width is None or len(head) + len(where) + 2 + len(remote) <= width):
        where += f"  {remote}"
        remote = ""
    if width is not None and len(head) + len(where) > width:  # the path whole, on its own line
        lines = [head, Text(f"    {where.strip()}", style="dim")]
    else:
        lines = [head + Text(where, style="dim")]
    if remote:  # on its own line rather than cut by the terminal: an id is copied from here
        lines.append(Text(f"    {remote}", style="dim"))
    if cp.action == "error":
        lines.extend(prose("    error: ", str(cp.error), "red", width))
        return lines
    name = show(cp.name, cp.name_sensitive)
    if cp.action == "create":
        lines.append(Text(f"    create {cp.doc.provider} campaign {name}", style="green"))
    if cp.adopt and cp.remote is not None:
        lines.append(
            Text(f"    adopt {cp.doc.provider} campaign {name} ({cp.remote.id})", style="yellow")
        )
    for pc in cp.changes:
        lines.extend(change_lines(pc, width))
        spot = (
            origin(cp.doc.source, ("campaign", *pc.change.path)) if cp.action != "create" else None
        )
        if spot is not None:  # written in a base or a values file: the file to edit
            lines.append(Text(f"        from {spot[0]}:{spot[1]}", style="dim"))
    for act in cp.lifecycle.actions:
        lines.append(Text(f"    > {act}", style="cyan"))
    if cp.lifecycle.blocked:
        lines.extend(prose(f"    ! status: {cp.doc.status}: ", cp.lifecycle.blocked, "red", width))
        if cp.lifecycle.remedy:
            lines.extend(prose("        instead: ", cp.lifecycle.remedy, "yellow", width))
    for note in cp.notes:
        lines.extend(prose("    note: ", note, "dim", width))
    return lines


def tally_line(plan: Plan) -> str:
    t = plan.tally()
    return (
        f"Plan: {t['create']} to create, {t['update']} to update, {t['noop']} unchanged, "
        f"{t['blocked']} blocked" + (f", {t['error']} failed" if t["error"] else "") + "."
    )


def plan_lines(plan: Plan, width: int | None = None) -> list[Text]:
    out: list[Text] = []
    for cp in plan.campaigns:
        out.extend(campaign_lines(cp, width))
        out.append(Text(""))
    out.append(Text(tally_line(plan), style="bold"))
    return out


def confirm_lines(plan: Plan) -> list[Text]:
    """Before apply's question: every campaign it will write to, and those it will skip."""
    out = [Text("Apply will:", style="bold")]
    for cp in plan.campaigns:
        if cp.action == "error":
            out.append(Text("  skip    ", style="red") + Text(f"{cp.address}: failed: {cp.error}"))
        elif cp.blocked:
            why = cp.lifecycle.blocked or next(
                (
                    f"{pc.change.dotted}: {pc.verdict.reason}"
                    for pc in cp.changes
                    if not pc.verdict.allowed
                ),
                "blocked",
            )
            out.append(Text("  skip    ", style="yellow") + Text(f"{cp.address}: blocked: {why}"))
        elif cp.has_changes:
            n = len(cp.changes)
            what = [f"{n} change{'s' if n != 1 else ''}"] if n else []
            what += list(cp.lifecycle.actions)
            verb = "create" if cp.action == "create" else "update"
            out.append(
                Text(f"  {verb:<8}", style="green" if verb == "create" else "yellow")
                + Text(cp.address)
                + Text(f" ({', '.join(what)})" if what else "", style="dim")
            )
    return out


def confirm_question(plan: Plan) -> str:
    """Apply's question, counting what it will skip."""
    n = len(plan.runnable)
    skipped = len(plan.blocked) + len(plan.errors)
    tail = f" ({skipped} campaign(s) skipped: nothing is sent to them)" if skipped else ""
    return f"Apply changes to {n} campaign(s){tail}?"
