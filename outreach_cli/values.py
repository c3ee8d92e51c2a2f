"""Values: `${values.NAME}` placeholders in campaign files, and the tables that fill them.

`${values.NAME}` can never be confused with the platforms' own variables (`{{firstName}}`,
`%sender%`) nor with `${VAR}` (documents.py reads the environment while a file is loaded,
and `values.` is never a variable name: its `.` is not allowed in one). Placeholders are
filled after bases and overlays are merged (overlays.py), from the first table that has the
name; a value is a string, number or boolean, and is secret only when it came from the
environment (written `${VAR}` in a values block). Because `$$` (a literal `$`) is read when
the file is loaded, before filling, a literal `${values.x}` cannot be written in a campaign
that is filled (no platform's copy uses that form).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from .documents import DocPath, Source
from .origins import Spot

Value = tuple[Any, Spot, "str | None"]  # value, where written, its ${VAR} template if secret
Report = Callable[..., None]  # (spot, path, message, code=...)

PLACEHOLDER = re.compile(r"\$\{values\.([A-Za-z_][A-Za-z0-9_-]*)\}")
VALUE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Marks(Protocol):
    """Where a merged document's values were written, and which are secret."""

    spots: dict[DocPath, Spot]
    env_paths: set[DocPath]
    env_templates: dict[DocPath, str]


def has_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return "${values." in value
    if isinstance(value, dict):
        return any(has_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(has_placeholder(v) for v in value)
    return False


def placeholders(value: Any) -> list[str]:
    """The names of every `${values.NAME}` in `value`, in order."""
    if isinstance(value, str):
        return PLACEHOLDER.findall(value) if "${values." in value else []
    if isinstance(value, dict):
        return [n for v in value.values() for n in placeholders(v)]
    if isinstance(value, list):
        return [n for v in value for n in placeholders(v)]
    return []


def add_block(
    table: dict[str, Value], block: Any, src: Source, bpath: DocPath, origin: str, error: Report
) -> None:
    """The values of a `values:` block (of `src`, at `bpath`) not already in `table`."""
    if not isinstance(block, dict):
        error(src.where(bpath), bpath, f"{origin} must be a mapping of NAME: value")
        return
    for name, value in block.items():
        where = src.where((*bpath, name))
        if not VALUE_NAME.match(str(name)):
            error(
                where,
                (*bpath, name),
                f"value name {name!r}: letters, digits, '_' or '-', starting with a letter or '_'",
            )
            continue
        if not isinstance(value, (str, int, float, bool)):
            error(where, (*bpath, name), "a value is a string, number or boolean")
            continue
        template = None
        if (*bpath, name) in src.env_paths:
            template = src.env_templates.get((*bpath, name))
        table.setdefault(str(name), (value, where, template))


def fill(
    value: Any, path: DocPath, table: Mapping[str, Value], out: Marks, src: Source, error: Report
) -> Any:
    """`value` with its placeholders filled (containers in place), recording where each
    filled value was written and keeping a value from the environment secret. A missing
    value is reported at the campaign file's `base:` line (else its first line)."""
    if isinstance(value, dict):
        for k in list(value):
            value[k] = fill(value[k], (*path, k), table, out, src, error)
        return value
    if isinstance(value, list):
        for i in range(len(value)):
            value[i] = fill(value[i], (*path, i), table, out, src, error)
        return value
    if not isinstance(value, str) or "${values." not in value:
        return value
    names = PLACEHOLDER.findall(value)
    missing = [n for n in names if n not in table]
    if missing:
        written = out.spots.get(path) or (src.file, *src.start)
        data = src.data if isinstance(src.data, dict) else {}
        at = src.where(("base",)) if "base" in data else (src.file, *src.start)
        for name in dict.fromkeys(missing):
            error(
                at,
                path,
                f"${{values.{name}}} (written at {written[0]}:{written[1]}) has "
                "no value: set it in this file's `values:`, its `values_file:`, "
                "or its workspace's `values:` in the project file",
                code="missing-value",
            )
        return value
    whole = PLACEHOLDER.fullmatch(value)
    filled = (
        table[names[0]][0]
        if whole
        else PLACEHOLDER.sub(lambda m: _text(table[m.group(1)][0]), value)
    )
    if len(set(names)) == 1:  # the value's own line is the one to edit
        out.spots[path] = table[names[0]][1]
    if any(table[n][2] is not None for n in names):
        # Secret: a saved plan re-reads it from the environment through this template.
        template = out.env_templates.get(path) or value.replace("$", "$$").replace(
            "$${values.", "${values."
        )
        out.env_paths.add(path)
        out.env_templates[path] = PLACEHOLDER.sub(
            lambda m: table[m.group(1)][2] or _text(table[m.group(1)][0]).replace("$", "$$"),
            template,
        )
    return filled


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
