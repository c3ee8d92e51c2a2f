"""`outreach preview`: each email as a lead reads it, and the leads a field is missing for."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text

from .envelope import diagnostic_entry, error_entry
from .wrap import wrap

if TYPE_CHECKING:
    from ..preview import Message, Preview
    from .console import Output

SHOWN = 10  # leads named per gap in text and markdown (JSON names them all)


def show_preview(out: Output, p: Preview) -> None:
    """The emails on stdout; the gaps, rejected rows and a summary on stderr."""
    if out.format == "json":
        errors = [diagnostic_entry(d) for d in p.problems]
        errors += [
            error_entry(
                f"{g.sentence()}: {_names(g.leads)}",
                code="missing-field",
                file=p.source if p.source.endswith(".csv") else None,
                campaign=p.campaign,
            )
            for g in p.gaps
        ]
        out.json(
            {
                "campaign": p.campaign,
                "source": p.source,
                "leads": p.leads,
                "messages": [m.record() for m in p.messages],
                "missing": [g.record() for g in p.gaps],
                "rejected": [
                    {"line": r.line, "identity": r.identity, "reason": r.reason} for r in p.rejected
                ],
                "diagnostics": [d.__dict__ for d in p.problems],
            },
            exit_code=int(p.exit_code),
            errors=errors,
        )
        return
    if out.format == "markdown":
        out.raw(_markdown(p))
    else:
        for m in p.messages:
            out.out.print(Text("\n").join(message_lines(m, out.wrap)))
    for d in p.problems:
        out.err.print(Text(str(d), style="red" if d.severity == "error" else "yellow"))
    for r in p.rejected:
        out.warn(f"{p.source}:{r.line}: row not previewed: {r.reason}")
    for g in p.gaps:
        out.warn(f"{g.sentence()}: {_names(g.leads)}")
    out.info(f"{len(p.messages)} message(s) for {p.leads} lead(s) of {p.campaign} ({p.source})")


_ITEM = re.compile(r" *(?:(?:[-*•]|\d+[.)]) +)?")
RULE = 80  # the heading's rule through a pipe, where there is no width to fill


def message_lines(m: Message, width: int | None) -> list[Text]:
    """One email as text: a heading ruled to the width, the subject, the body; each line of
    the body wrapped between words to `width` (an indented line keeps its indent), never
    cut; through a pipe (no width) each line as written."""
    title = f"{m.lead} · {m.label}"
    lines = [Text(title + " ") + Text("─" * max(3, (width or RULE) - len(title) - 1), style="dim")]
    if m.subject is not None:
        lines += wrap(Text("Subject: ", style="bold"), Text(m.subject), width)
    elif m.reply:
        lines.append(Text("(a reply in the thread of the previous email)", style="dim"))
    lines.append(Text(""))
    for line in m.text.split("\n"):
        lead = _ITEM.match(line)  # a list item's later lines hang under its text
        lines += wrap(Text(""), Text(line), width, hang=len(lead.group(0)) if lead else 0)
    lines.append(Text(""))
    return lines


def _names(leads: tuple[str, ...]) -> str:
    shown = ", ".join(leads[:SHOWN])
    return shown + (f" and {len(leads) - SHOWN:,} more" if len(leads) > SHOWN else "")


def _markdown(p: Preview) -> str:
    lines = [
        f"## Preview of {p.campaign}",
        "",
        f"{len(p.messages)} message(s) for {p.leads} lead(s) ({p.source})",
        "",
    ]
    if p.gaps:
        lines += ["**Missing fields**", ""]
        lines += [f"- {g.sentence()}: {_names(g.leads)}" for g in p.gaps]
        lines.append("")
    for m in p.messages:
        lines += [f"### {m.lead} · {m.label}", ""]
        if m.subject is not None:
            lines += [f"**Subject:** {m.subject}", ""]
        lines += ["> " + ln if ln else ">" for ln in m.text.split("\n")]
        lines.append("")
    return "\n".join(lines).rstrip("\n")
