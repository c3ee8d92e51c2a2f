"""The plan as a pull-request comment: summary first, failed and blocked campaigns first, each
changed campaign in a folded ```diff block (+/- in column 1), unchanged ones on one line, cut
only between campaigns so that the comment stays valid under GitHub's size limit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..origins import from_base, origin
from ..plan import CampaignPlan, Plan, PlannedChange
from .plan_text import SENSITIVE, _nested, _symbol, block, human_duration, is_long_text, show
from .textdiff import plain, text_rows

GITHUB_LIMIT = 65_536  # characters in one GitHub comment
MARKDOWN_LIMIT = GITHUB_LIMIT - 1_536  # room kept for the note on what was left out
FULL_PLAN = (
    "`outreach plan --format json`, or the saved plan (`outreach plan --out FILE`, then "
    "`outreach show FILE`)"
)

# Sections in the order a reviewer reads them: what failed, what is blocked, then the rest.
ORDER = {"x": 0, "!": 1, "+": 2, "~": 3, "=": 4}


def _words(plan: Plan) -> str:
    t = plan.tally()
    return (
        f"{t['create']} to create, {t['update']} to update, {t['noop']} unchanged, "
        f"{t['blocked']} blocked, {t['error']} failed"
    )


def change_diff(pc: PlannedChange) -> list[str]:
    """One change as diff lines: "-" the platform's value, "+" the file's, "!" blocked."""
    c = pc.change
    name = c.shown
    out: list[str] = []
    if c.how == "moved":
        out.append(f"~ {name}")
    elif not pc.verdict.allowed and not (_nested(c.old) or _nested(c.new) or is_long_text(pc)):
        out.append(f"! {name}: {show(c.old, c.sensitive)} → {show(c.new, c.sensitive)}")
    elif is_long_text(pc):
        assert isinstance(c.old, str) and isinstance(c.new, str)
        out.append(f"@@ {name} @@")
        for row in text_rows(c.old, c.new):
            if row.kind == "~":
                out.append("- " + plain(row.side("-")))
                out.append("+ " + plain(row.side("+")))
            elif row.kind == "…":
                out.append(f"  … {row.segments[0].text} …")
            else:
                mark = {"=": " ", "-": "-", "+": "+"}[row.kind]
                out.append(f"{mark} {row.segments[0].text}")
    elif c.sensitive:
        out.append(
            f"~ {name}: {SENSITIVE} "
            + {"add": "(set)", "change": "(changes)", "remove": "(removed)"}[c.op]
        )
    else:
        if c.op in ("change", "remove"):
            if _nested(c.old):
                out.append(f"- {name}:" + (" (removed)" if c.op == "remove" else ""))
                out.extend("-" + line[1:] for line in block(c.old, 4))
            else:
                out.append(f"- {name}: {show(c.old)}")
        if c.op in ("change", "add"):
            if _nested(c.new):
                out.append(f"+ {name}:")
                out.extend("+" + line[1:] for line in block(c.new, 4))
            else:
                out.append(f"+ {name}: {show(c.new)}{human_duration(pc)}")
    if not pc.verdict.allowed:  # every line of a blocked change marked as blocked
        out = ["!" + line[1:] if line[:1] in "+-~ " else line for line in out]
    if pc.note:
        out.append(f"  note: {pc.note}")
    if pc.verdict.note and pc.verdict.allowed:
        out.append(f"  note: {pc.verdict.note}")
    if not pc.verdict.allowed:
        out.append(f"!   blocked: {pc.verdict.reason}")
        if pc.verdict.remedy:
            out.append(f"!   instead: {pc.verdict.remedy}")
    return out


def campaign_diff(cp: CampaignPlan) -> list[str]:
    """A campaign's changes as the lines of a ```diff block."""
    if cp.action == "error":
        return [f"! error: {cp.error}"]
    out: list[str] = []
    if cp.action == "create":
        out.append(f"+ create {cp.doc.provider} campaign {show(cp.name, cp.name_sensitive)}")
    if cp.adopt and cp.remote is not None:
        out.append(
            f"+ adopt {cp.doc.provider} campaign {show(cp.name, cp.name_sensitive)} "
            f"({cp.remote.id})"
        )
    for pc in cp.changes:
        out.extend(change_diff(pc))
        spot = (
            origin(cp.doc.source, ("campaign", *pc.change.path)) if cp.action != "create" else None
        )
        if spot is not None:  # written in a base or a values file: the file to edit
            out.append(f"  from {spot[0]}:{spot[1]}")
    for act in cp.lifecycle.actions:
        out.append(
            f"+ status: {cp.remote.status if cp.remote else 'new'} → {cp.doc.status} ({act})"
        )
    if cp.lifecycle.blocked:
        out.append(f"! status: {cp.doc.status}: {cp.lifecycle.blocked}")
        if cp.lifecycle.remedy:
            out.append(f"!   instead: {cp.lifecycle.remedy}")
    out.extend(f"  note: {note}" for note in cp.notes)
    return out


def _fence(lines: list[str]) -> str:
    """A fence longer than any run of backticks inside, so no line can close it early."""
    ticks = 3
    for line in lines:
        run = 0
        for ch in line:
            run = run + 1 if ch == "`" else 0
            ticks = max(ticks, run + 1)
    return "`" * ticks


def _code(text: str) -> str:
    """Inline code that survives backticks and pipes in addresses."""
    return (
        "<code>"
        + text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "&#124;")
        + "</code>"
    )


def brief_diff(cp: CampaignPlan) -> list[str]:
    """A campaign whose diff alone would crowd out the others: the fields only."""
    sign = {"add": "+", "change": " ", "remove": "-"}
    word = {"add": "added", "change": "changed", "remove": "removed"}
    out = [
        f"! {pc.change.shown} (blocked)"
        if not pc.verdict.allowed
        else f"{sign[pc.change.op]} {pc.change.shown} ({word[pc.change.op]})"
        for pc in cp.changes
    ]
    out += [f"+ status ({act})" for act in cp.lifecycle.actions]
    if cp.lifecycle.blocked:
        out.append(f"! status: {cp.doc.status}: {cp.lifecycle.blocked}")
    out.append(f"  (the diff is too long for a comment; the full plan: {FULL_PLAN})")
    return out


def campaign_section(cp: CampaignPlan, brief: bool = False) -> str:
    """One campaign, folded: `<details>` with a summary line and a diff block."""
    lines = brief_diff(cp) if brief else campaign_diff(cp)
    fence = _fence(lines)
    n = len(cp.changes) + len(cp.lifecycle.actions)
    what = "failed" if cp.action == "error" else f"{n} change{'s' if n != 1 else ''}"
    if cp.blocked and cp.action != "error":
        what += ", blocked"
    return (
        f"<details><summary>{_symbol(cp)} {_code(cp.address)}: {what}</summary>\n\n"
        f"{fence}diff\n" + "\n".join(lines) + f"\n{fence}\n</details>\n"
    )


def base_lines(changed: Sequence[CampaignPlan]) -> list[str]:
    """One line per base whose own lines change several campaigns: a reviewer sees that one
    edit reaches them all ("base bases/playbook.yaml: 5 campaigns change")."""
    counts: dict[str, list[str]] = {}
    for cp in changed:
        files = {from_base(cp.doc.source, ("campaign", *pc.change.path)) for pc in cp.changes}
        for f in sorted(f for f in files if f):
            counts.setdefault(f, []).append(cp.address)
    out = [
        f"- base {_code(f)}: {len(who)} campaigns change ("
        + ", ".join(_code(a) for a in who[:10])
        + (", …" if len(who) > 10 else "")
        + ")"
        for f, who in sorted(counts.items())
        if len(who) > 1
    ]
    return [*out, ""] if out else []


WARNINGS_SHOWN = 20  # the rest are counted: the JSON envelope and stderr carry them all


def warning_lines(warnings: Sequence[Mapping[str, Any]]) -> list[str]:
    """The input's warnings (a campaign in state without its file, a file's warning), as a
    list under the summary: a reviewer reading only the comment sees them too."""
    if not warnings:
        return []
    out = [f"**{len(warnings)} warning{'s' if len(warnings) != 1 else ''}**", ""]
    for w in warnings[:WARNINGS_SHOWN]:
        if w.get("file"):
            where = f"{w['file']}:{w['line']}:{w['column']}" if w.get("line") else w["file"]
            where += f": {w['field']}" if w.get("field") else ""
        else:
            where = w.get("campaign") or w.get("code") or "warning"
        hint = f" ({w['hint']})" if w.get("hint") else ""
        out.append(f"- {_code(where)}: {_escape(w['message'] + hint)}")
    if len(warnings) > WARNINGS_SHOWN:
        out.append(f"- and {len(warnings) - WARNINGS_SHOWN} more: {FULL_PLAN}")
    return [*out, ""]


def _escape(text: str) -> str:
    """Prose in a list item: markup characters shown as written, on one line."""
    text = " ".join(text.split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plan_markdown(
    plan: Plan, limit: int = MARKDOWN_LIMIT, warnings: Sequence[Mapping[str, Any]] = ()
) -> str:
    """The comment; at most `limit` characters plus the note on what it left out."""
    ordered = sorted(plan.campaigns, key=lambda cp: ORDER[_symbol(cp)])
    changed = [cp for cp in ordered if _symbol(cp) != "="]
    unchanged = [cp for cp in ordered if _symbol(cp) == "="]
    head = [
        f"### outreach plan: {_words(plan)}",
        "",
        *base_lines(changed),
        *warning_lines(warnings),
    ]
    if unchanged:
        names = ", ".join(f"`{cp.address}`" for cp in unchanged[:20])
        more = f" and {len(unchanged) - 20} more" if len(unchanged) > 20 else ""
        head += [f"= {len(unchanged)} unchanged: {names}{more}", ""]
    parts = ["\n".join(head) + "\n"]
    size = len(parts[0])
    left: list[CampaignPlan] = []
    for cp in changed:
        section = campaign_section(cp)
        if len(section) > limit // 4:  # one campaign never takes the room of all the others
            section = campaign_section(cp, brief=True)
        if left or size + len(section) > limit:
            left.append(cp)
            continue
        parts.append(section)
        size += len(section)
    if left:
        kinds: dict[str, int] = {}
        for cp in left:
            word = {"x": "failed", "!": "blocked", "+": "to create", "~": "to update"}[_symbol(cp)]
            kinds[word] = kinds.get(word, 0) + 1
        counted = ", ".join(f"{n} {w}" for w, n in kinds.items())
        parts.append(
            f"\n**{len(left)} more campaign(s) not shown** ({counted}): the comment "
            f"would pass GitHub's {GITHUB_LIMIT:,}-character limit. The full plan: "
            f"{FULL_PLAN}.\n"
        )
    return "".join(parts).rstrip("\n") + "\n"


def _md_cell(text: str) -> str:
    """Text inside a markdown list item: no markup, no HTML, one line."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|#" else ch for ch in " ".join(str(text).split()))


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured markdown table. In a cell, `|` (which would end it) and `\\` are
    escaped and line breaks become spaces (a row is one line), so any text stays in its cell."""

    def cell(value: Any) -> str:
        text = " ".join(("" if value is None else str(value)).splitlines())
        return text.replace("\\", "\\\\").replace("|", "\\|")

    lines = ["| " + " | ".join(map(cell, columns)) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(map(cell, r)) + " |" for r in rows]
    return "\n".join(lines)


def diagnostics_markdown(command: str, summary: str, diags: Sequence[Any]) -> str:
    """Invalid files as a pull-request comment: the count, then each problem at file:line."""
    lines = [f"**{command}**: {summary}"]
    if diags:
        lines.append("")
    size = len(lines[0])
    for shown, d in enumerate(diags):
        where = f"{d.file}:{d.line}:{d.col}"
        item = (
            f"- {'❌' if d.severity == 'error' else '⚠️'} `{where.replace('`', '')}` "
            + (f"`{d.path.replace('`', '')}`: " if d.path else "")
            + _md_cell(d.message)
        )
        if size + len(item) > MARKDOWN_LIMIT:
            lines.append(
                f"- … {len(diags) - shown} more, not shown (`outreach validate` lists every one)"
            )
            break
        lines.append(item)
        size += len(item) + 1
    return "\n".join(lines)


def _gh_escape(text: str, prop: bool = False) -> str:
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_annotation(d: Any) -> str:
    """A diagnostic as a GitHub Actions workflow command (`::error file=…,line=…::message`)."""
    level = "error" if d.severity == "error" else "warning"
    props = f"file={_gh_escape(d.file, True)},line={d.line},col={d.col}"
    if getattr(d, "code", ""):
        props += f",title={_gh_escape('outreach ' + d.code, True)}"
    message = (f"{d.path}: " if d.path else "") + d.message
    return f"::{level} {props}::{_gh_escape(message)}"
