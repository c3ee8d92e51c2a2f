"""`validate`'s copy checks: every template variable of a document, found at file:line:col.

Each platform's table and text fields are in `providers/<name>/templates.py`; the scanning is
`templates.py`. A value read with `!file` is reported at its YAML line, naming the included
file and the place inside it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from . import templates as t
from .documents import Diagnostic, Source, format_path

TEMPLATE = "template"  # the envelope's code of every copy finding, warning or error


def platform(provider: str) -> ModuleType:
    """The `templates` module of `provider`'s package."""
    return importlib.import_module(f"outreach_cli.providers.{provider}.templates")


def declared(data: Any) -> list[str]:
    """The custom fields a document declares (its `variables:` list)."""
    found = data.get("variables") if isinstance(data, dict) else None
    return [v for v in found if isinstance(v, str) and v] if isinstance(found, list) else []


def check_copy(src: Source, provider: str, custom: Sequence[str] = ()) -> list[Diagnostic]:
    """Every variable problem of one document's copy (errors and warnings)."""
    campaign = src.data.get("campaign") if isinstance(src.data, dict) else None
    if not isinstance(campaign, dict):
        return []
    mod = platform(provider)
    table: t.Variables = mod.VARIABLES
    names = [*declared(src.data), *custom]
    out: list[Diagnostic] = []
    for spot in mod.spots(campaign):
        path = ("campaign", *spot.path)
        for f in t.check(spot, table, names):
            out.append(_at(src, path, spot.text, f))
        if spot.kind == "subject":
            out.extend(_empty_subject(src, path, spot, table))
    for rel, message, severity in mod.findings(campaign):
        path = ("campaign", *rel)
        file, line, col = src.where(path, key=True)
        out.append(Diagnostic(file, line, col, format_path(path), message, severity, code=TEMPLATE))
    known = table.known(names)
    for rel, name in mod.variable_refs(campaign):
        path = ("campaign", *rel)
        if name in known:
            continue
        close = t.suggest(name, known)
        file, line, col = src.where(path)
        msg = f"unknown variable {name!r}: not a {table.platform} lead field" + (
            f"; did you mean {close!r}?" if close else " nor a declared custom field"
        )
        out.append(
            Diagnostic(
                file,
                line,
                col,
                format_path(path),
                msg,
                "error" if close else "warning",
                code=TEMPLATE,
            )
        )
    return out


def check_content(src: Source, provider: str) -> list[Diagnostic]:
    """The copy rules of `outreach lint` (copyrules.RULES) on one document: warnings naming
    the exact words and the fix, at file:line:col."""
    from . import copyrules as r

    campaign = src.data.get("campaign") if isinstance(src.data, dict) else None
    if not isinstance(campaign, dict):
        return []
    mod = platform(provider)
    copy = getattr(mod, "COPY", {})
    out: list[Diagnostic] = []
    for spot in mod.spots(campaign):
        if spot.kind not in ("subject", "body", "message"):
            continue
        for code, check in r.TEXT_CHECKS.items():
            for offset, raw, message in check(r.RULES[code], spot):
                out.append(
                    _at(
                        src,
                        ("campaign", *spot.path),
                        spot.text,
                        t.Finding(offset, raw, message, "warning"),
                        code,
                    )
                )
    mails = mod.emails(campaign)
    for f in r.facts(mails, campaign, copy):
        for code, echeck in r.EMAIL_CHECKS.items():
            for offset, raw, message in echeck(r.RULES[code], f):
                spot = f.email.subject if code == "fake-reply" else f.email.body
                assert spot is not None
                out.append(
                    _at(
                        src,
                        ("campaign", *spot.path),
                        spot.text,
                        t.Finding(offset, raw, message, "warning"),
                        code,
                    )
                )
    for code, ccheck in r.CAMPAIGN_CHECKS.items():
        for rel, message in ccheck(r.RULES[code], campaign, copy, mails):
            path = ("campaign", *rel)
            file, line, col = src.where(path)
            out.append(
                Diagnostic(
                    file, line, col, format_path(path), message, "warning", code=f"copy-{code}"
                )
            )
    return out


def _empty_subject(
    src: Source, path: tuple[str | int, ...], spot: t.Spot, table: t.Variables
) -> list[Diagnostic]:
    file, line, col = src.where(path)
    where = format_path(path)
    if not spot.text.strip():
        return [Diagnostic(file, line, col, where, "the subject is empty", code=TEMPLATE)]
    rendered = t.render(spot, {}, table)
    if rendered.text.strip():
        return []
    fields = ", ".join(rendered.missing)
    return [
        Diagnostic(
            file,
            line,
            col,
            where,
            f"the subject is empty for a lead without {fields} (no fallback)",
            "warning",
            code=TEMPLATE,
        )
    ]


def _at(
    src: Source, path: tuple[str | int, ...], value: str, f: t.Finding, code: str = ""
) -> Diagnostic:
    where = format_path(path)
    code = f"copy-{code}" if code else TEMPLATE
    file, line, col = src.where(path)
    included = src.includes.get(path) if hasattr(src, "includes") else None
    if included is not None:
        iline, icol = _line_col(value, f.offset)
        return Diagnostic(
            file,
            line,
            col,
            where,
            f"{f.message} (in !file {included}, line {iline} col {icol})",
            f.severity,
            code,
        )
    found = _locate(file, line, col, value, f)
    if found is not None:
        line, col = found
    return Diagnostic(file, line, col, where, f.message, f.severity, code)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _file_text(file: str) -> str:
    try:
        stat = Path(file).stat()
    except OSError:
        return ""
    return _read(file, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read(file: str, mtime_ns: int, size: int) -> str:
    """The file's text, cached while it is unchanged (a file is located into many times)."""
    try:
        return Path(file).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _locate(file: str, line: int, col: int, value: str, f: t.Finding) -> tuple[int, int] | None:
    """Where the finding's raw text stands in the YAML file: its nth occurrence after the
    value's start, n being its rank among the same text in the value (None: not found, e.g.
    an escape changed it)."""
    text = _file_text(file)
    if not text or not f.raw:
        return None
    lines = text.split("\n")
    if line - 1 >= len(lines):
        return None
    start = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
    rank = value[: f.offset].count(f.raw)
    at = start - 1
    limit = start + 2 * len(value) + 16
    for _ in range(rank + 1):
        at = text.find(f.raw, at + 1, limit)
        if at < 0:
            return None
    return _line_col(text, at)
