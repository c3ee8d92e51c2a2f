"""Several campaigns as one base and an overlay each: what they all share, what each adds."""

from __future__ import annotations

import copy
from typing import Any

from .overlaymerge import list_field


def _identities(items: list[Any], keys: tuple[str, ...]) -> tuple[str, list[Any]] | None:
    """The identity key every item carries and the identities in order (None: not all do)."""
    for k in keys:
        if items and all(isinstance(i, dict) and k in i for i in items):
            return k, [i[k] for i in items]
    return None


def common(
    values: list[Any], path: tuple[Any, ...], ids: dict[str, tuple[str, ...]]
) -> tuple[bool, Any]:
    """What every value shares: equal values whole, mappings key by key, identity lists
    item by item when they list the same items in the same order."""
    if all(v == values[0] and type(v) is type(values[0]) for v in values):
        return True, copy.deepcopy(values[0])
    if all(isinstance(v, dict) for v in values):
        out = {}
        for k in values[0]:
            if all(k in v for v in values):
                has, c = common([v[k] for v in values], (*path, k), ids)
                if has:
                    out[k] = c
        return bool(out), out
    keys = ids.get(list_field(path))
    if keys and all(isinstance(v, list) for v in values):
        found = [_identities(v, keys) for v in values]
        if all(f is not None and f == found[0] for f in found):
            k = found[0][0]  # type: ignore[index]
            items = []
            for i in range(len(values[0])):
                _, c = common([v[i] for v in values], (*path, i), ids)
                items.append({k: values[0][i][k], **{a: b for a, b in (c or {}).items() if a != k}})
            return True, items
    return False, None


def diff(
    value: Any, base: Any, path: tuple[Any, ...], ids: dict[str, tuple[str, ...]]
) -> tuple[bool, Any]:
    """What an overlay states so that `base` merged with it is `value`."""
    if value == base and type(value) is type(base):
        return False, None
    if isinstance(value, dict) and isinstance(base, dict):
        out = {}
        for k, v in value.items():
            if k not in base:
                out[k] = v
                continue
            has, d = diff(v, base[k], (*path, k), ids)
            if has:
                out[k] = d
        return bool(out), out
    keys = ids.get(list_field(path))
    if keys and isinstance(value, list) and isinstance(base, list):
        mine, theirs = _identities(value, keys), _identities(base, keys)
        if mine is not None and mine == theirs:
            k = mine[0]
            patches = []
            for v, b in zip(value, base, strict=True):
                has, d = diff(v, b, (*path, 0), ids)
                if has:
                    patches.append({k: v[k], **d})
            return bool(patches), patches
        return True, {"$replace": value}
    return True, value
