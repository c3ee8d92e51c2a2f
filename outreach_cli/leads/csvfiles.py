"""Leads and lead-changes CSV files: rows with the line they start on, malformed rows by line."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import UsageError
from .records import LeadChange, LeadRow, RowResult, UpdateResult

if TYPE_CHECKING:
    from ..providers.base import Provider
    from ..providers.leadops import LeadOps

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CHANGE_COLUMNS = ("lead_id", "status", "tag", "clear_tag")


def norm(column: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", column.lower())


def column(ops: LeadOps, header: str) -> str:
    """A CSV header → the API's field name (`First Name`, `first_name` → firstName)."""
    key = norm(header)
    for name in ops.columns:
        if norm(name) == key:
            return name
    return ops.aliases.get(key, header.strip())


def read_rows(
    path: str, provider: Provider | str, ctype: str | None = None
) -> tuple[list[LeadRow], list[RowResult]]:
    """Read a leads CSV: the rows to send, and the malformed ones (by line) not to send.

    The header names the fields (the API's own names, any case or separator: `First Name`,
    `first_name` and `firstName` are one column). A row is malformed when its field count
    differs from the header's or it lacks a usable identity (a valid email, or what else the
    platform's lead operations accept: a lead id, or for LinkedIn campaigns a
    linkedin_url).
    """
    from ..providers import lead_ops

    ops = lead_ops(provider)
    handle = open_text(path)
    with handle:
        return _read(handle, path, ops, ctype)


def _read(
    handle: Iterable[str], path: str, ops: LeadOps, ctype: str | None
) -> tuple[list[LeadRow], list[RowResult]]:
    # strict: a quote left open runs to the end of the file, swallowing the rows after it;
    # the reader must say so rather than hand back one long field.
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError(f"{path} is empty: it needs a header row such as 'email'") from None
    except csv.Error as exc:
        raise UsageError(f"{path}:1: {exc}") from None
    columns = [column(ops, h) for h in header]
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise UsageError(f"{path}:1: column {dupes[0]!r} appears twice in the header")
    if not any(c in ops.identity_columns for c in columns):
        raise UsageError(
            f"{path}:1: no email column in the header ({', '.join(header)})",
            hint="name the column 'email'",
        )
    rows: list[LeadRow] = []
    bad: list[RowResult] = []
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            end = reader.line_num
            what = (
                f"an unclosed quote: lines {start}-{end} were not read"
                if "end of data" in str(exc)
                else f"unreadable CSV ({exc})"
            )
            bad.append(RowResult(start, "", "failed", what))
            start = end + 1
            continue
        line, end = start, reader.line_num
        start = end + 1
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) != len(header):
            span = f" (the record runs to line {end}: an unclosed quote?)" if end > line else ""
            bad.append(
                RowResult(
                    line,
                    record[0].strip() if record else "",
                    "failed",
                    f"{len(record)} fields where the header has {len(header)}" + span,
                )
            )
            continue
        fields = {c: v.strip() for c, v in zip(columns, record, strict=True) if v.strip()}
        ident = next((fields[c] for c in ops.identity_columns if fields.get(c)), "")
        row = LeadRow(line, fields, ident)
        email = fields.get("email")
        problem = (
            f"invalid email {email!r}"
            if email and not EMAIL.match(email)
            else ops.row_problem(fields, ctype)
        )
        if problem:
            bad.append(RowResult(line, row.identity, "failed", problem))
        else:
            rows.append(row)
    return rows, bad


def read_changes(path: str) -> tuple[list[LeadChange], list[UpdateResult]]:
    """Read a changes CSV (`lead_id,status,tag`, optional `clear_tag`): the changes, and the
    malformed rows (reported by line, never dropped)."""
    handle = open_text(path)
    with handle:
        reader = csv.reader(handle)
        try:
            header = [norm(h) for h in next(reader)]
        except StopIteration:
            raise UsageError(f"{path} is empty: it needs the header lead_id,status,tag") from None
        known = {norm(c): c for c in CHANGE_COLUMNS}
        unknown = [h for h in header if h not in known]
        if unknown or "leadid" not in header:
            raise UsageError(
                f"{path}:1: the header must be lead_id plus status, tag or "
                f"clear_tag" + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            )
        columns = [known[h] for h in header]
        changes: list[LeadChange] = []
        bad: list[UpdateResult] = []
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                bad.append(
                    UpdateResult(
                        LeadChange(record[0].strip() if record else "", line=line),
                        "refused",
                        reason=f"{len(record)} fields where the header has {len(header)}",
                    )
                )
                continue
            f = {c: v.strip() for c, v in zip(columns, record, strict=True)}
            clear = f.get("clear_tag", "").lower() in ("1", "true", "yes", "y")
            change = LeadChange(
                f["lead_id"], f.get("status") or None, f.get("tag") or None, clear, line
            )
            if not change.lead_id:
                bad.append(UpdateResult(change, "refused", reason="no lead_id"))
                continue
            changes.append(change)
    return changes, bad


MAX_CSV_BYTES = 256 * 1024 * 1024


def open_text(path: str) -> io.StringIO:
    """A CSV's text: UTF-8 (with or without a BOM) or UTF-16 (by its BOM); anything else is
    refused naming the first line that does not decode."""
    try:
        if not os.path.isfile(path):
            raise UsageError(f"cannot read {path}: not a regular file")
        if os.path.getsize(path) > MAX_CSV_BYTES:
            raise UsageError(f"{path} is over {MAX_CSV_BYTES // (1024 * 1024)} MB; split it")
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, newline = "utf-16", "\n".encode("utf-16-le")
    else:
        encoding, newline = "utf-8-sig", b"\n"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(newline) + 1
        raise UsageError(
            f"{path}:{line}: not valid {encoding.replace('-sig', '').upper()} "
            f"(byte 0x{raw[exc.start]:02x})",
            hint="save the file as UTF-8 (or UTF-16 with a byte-order mark)",
        ) from None
    return io.StringIO(text, newline="")
