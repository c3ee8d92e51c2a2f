"""Generic structural diff: only what the file states is compared (managed fields)."""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from .providers.base import Change, Path


def same(a: Any, b: Any) -> bool:
    """Equality as JSON means it: 1 == 1.0, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return bool(a == b)


def diff(desired: Any, actual: Any, path: Path = (),
         atomic: frozenset[str] = frozenset()) -> list[Change]:
    """Changes that turn `actual` into `desired`, looking only at what `desired` states.

    Mappings: keys absent from `desired` are unmanaged and never reported. Lists: compared by
    position (providers align lists whose identity is not positional before calling this).
    Fields named in `atomic` (dotted, no indexes) are compared whole, as one value.
    """
    if atomic and path and ".".join(str(p) for p in path if not isinstance(p, int)) in atomic:
        if _same_deep(desired, actual):
            return []
        return [Change(path, "add" if actual is None else "change", actual, desired)]
    if isinstance(desired, dict):
        if not isinstance(actual, dict):
            return [Change(path, "add" if actual is None else "change", actual, desired)]
        out: list[Change] = []
        for k, v in desired.items():
            if k not in actual or actual[k] is None and v is not None:
                if isinstance(v, dict) and v:
                    # Report new mappings leaf by leaf: a secret inside stays maskable alone.
                    out.extend(diff(v, {}, (*path, k), atomic))
                else:
                    out.append(Change((*path, k), "add", actual.get(k), v))
            else:
                out.extend(diff(v, actual[k], (*path, k), atomic))
        return out
    if isinstance(desired, list):
        if not isinstance(actual, list):
            return [Change(path, "add" if actual is None else "change", actual, desired)]
        out = []
        for i in range(max(len(desired), len(actual))):
            if i >= len(actual):
                out.append(Change((*path, i), "add", None, desired[i]))
            elif i >= len(desired):
                out.append(Change((*path, i), "remove", actual[i], None))
            else:
                out.extend(diff(desired[i], actual[i], (*path, i), atomic))
        return out
    if same(desired, actual):
        return []
    return [Change(path, "change", actual, desired)]


def _same_deep(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_deep(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_deep(x, y) for x, y in zip(a, b, strict=True))
    return same(a, b)


def ignored(change: Change, patterns: Iterable[str]) -> bool:
    """Whether a change falls under the file's `ignore:` list (dotted fields, globs)."""
    for pat in patterns:
        for name in (change.dotted, change.field):
            if name == pat or name.startswith(pat + ".") or name.startswith(pat + "[") \
                    or fnmatch.fnmatchcase(name, pat):
                return True
    return False


def get_path(data: Any, dotted: str) -> Any:
    cur = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def pop_path(data: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    """Remove a dotted field from nested mappings; (found, value)."""
    parts = dotted.split(".")
    cur: Any = data
    for part in parts[:-1]:
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    if isinstance(cur, dict) and parts[-1] in cur:
        return True, cur.pop(parts[-1])
    return False, None


def fingerprint(value: Any) -> str:
    """A stable hash of a value the API never reads back (stored in state, never the value)."""
    blob = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()
