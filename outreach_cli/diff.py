"""Generic structural diff: only what the file states is compared (managed fields)."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from .providers.base import Change, ListKey, Path


def same(a: Any, b: Any) -> bool:
    """Equality as JSON means it: 1 == 1.0, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return bool(a == b)


Keys = Mapping[str, ListKey]


def diff(
    desired: Any,
    actual: Any,
    path: Path = (),
    atomic: frozenset[str] = frozenset(),
    keys: Keys | None = None,
    src: Path | None = None,
) -> list[Change]:
    """Changes that turn `actual` into `desired`, looking only at what `desired` states.

    Mappings: keys absent from `desired` are unmanaged and never reported. Lists named in
    `keys` (dotted, no indexes) are paired by identity (see `pair`): a change inside an item
    has the file's indexes in `path` and the remote's in `source`; other lists are compared
    by position. Fields named in `atomic` (dotted, no indexes) are compared whole.
    """
    keys = keys or {}
    src = path if src is None else src
    name = (
        ".".join(str(p) for p in path if not isinstance(p, int))
        if atomic or isinstance(desired, list)
        else ""
    )
    if atomic and path and name in atomic:
        if _same_deep(desired, actual):
            return []
        return [_change(path, src, "add" if actual is None else "change", actual, desired)]
    if isinstance(desired, dict):
        if not isinstance(actual, dict):
            return [_change(path, src, "add" if actual is None else "change", actual, desired)]
        out: list[Change] = []
        for k, v in desired.items():
            if k not in actual or actual[k] is None and v is not None:
                if isinstance(v, dict) and v:
                    # Report new mappings leaf by leaf: a secret inside stays maskable alone.
                    out.extend(diff(v, {}, (*path, k), atomic, keys, (*src, k)))
                else:
                    out.append(_change((*path, k), (*src, k), "add", actual.get(k), v))
            else:
                out.extend(diff(v, actual[k], (*path, k), atomic, keys, (*src, k)))
        return out
    if isinstance(desired, list):
        if not isinstance(actual, list):
            return [_change(path, src, "add" if actual is None else "change", actual, desired)]
        key = keys.get(name)
        if key is not None:
            return _keyed(desired, actual, path, src, atomic, keys, key)
        out = []
        for i in range(max(len(desired), len(actual))):
            if i >= len(actual):
                out.append(_change((*path, i), (*src, i), "add", None, desired[i]))
            elif i >= len(desired):
                out.append(_change((*path, i), (*src, i), "remove", actual[i], None))
            else:
                out.extend(diff(desired[i], actual[i], (*path, i), atomic, keys, (*src, i)))
        return out
    if same(desired, actual):
        return []
    return [_change(path, src, "change", actual, desired)]


def _change(
    path: Path,
    src: Path,
    op: Literal["add", "change", "remove"],
    old: Any,
    new: Any,
    how: Literal["", "inserted", "moved"] = "",
) -> Change:
    return Change(path, op, old, new, source=None if src == path else src, how=how)


def _keyed(
    desired: list[Any],
    actual: list[Any],
    path: Path,
    src: Path,
    atomic: frozenset[str],
    keys: Keys,
    key: ListKey,
) -> list[Change]:
    inner: dict[tuple[int, int], list[Change]] = {}

    def changes_at(i: int, j: int) -> list[Change]:
        # Computed once per pair: pairing asks whether it is empty, the plan reports it.
        if (i, j) not in inner:
            inner[i, j] = diff(
                _without(desired[i], key.ids), actual[j], (*path, i), atomic, keys, (*src, j)
            )
        return inner[i, j]

    pairs = pair(desired, actual, key, lambda i, j: not changes_at(i, j))
    by_desired = dict(pairs)
    moved = _moved(pairs) if key.ordered else set()
    last_kept = max((i for i, _ in pairs), default=-1)
    # An item left in place whose `fixed` field changed replaces the remote one there: one
    # add whose `source` names the item it replaces (deleted, since it cannot be edited).
    replaces: dict[int, int] = {}
    for i in range(len(desired)):
        if i in by_desired or not key.fixed:
            continue
        lo, hi = _between(by_desired, i, len(actual))
        taken = set(by_desired.values()) | set(replaces.values())
        j = next((j for j in range(lo + 1, hi) if j not in taken), None)
        if j is not None:
            replaces[i] = j
    out: list[Change] = []
    for i, d in enumerate(desired):
        j = by_desired.get(i)
        if j is None:
            r = replaces.get(i)
            if r is None:
                out.append(
                    _change(
                        (*path, i),
                        (*path, i),
                        "add",
                        None,
                        d,
                        "inserted" if key.ordered and i < last_kept else "",
                    )
                )
            else:  # `source` set even at the same index: it names the item replaced
                out.append(Change((*path, i), "add", None, d, source=(*src, r)))
            continue
        if i in moved:
            out.append(_change((*path, i), (*src, j), "change", None, None, "moved"))
        out.extend(changes_at(i, j))
    kept = set(by_desired.values()) | set(replaces.values())
    out.extend(
        _change((*path, j), (*src, j), "remove", a, None)
        for j, a in enumerate(actual)
        if j not in kept
    )
    return out


def pairing(
    field: str, desired: Any, actual: Any, keys: Keys, atomic: frozenset[str] = frozenset()
) -> dict[int, int]:
    """File index → remote index of the list at dotted `field` (no indexes), as `diff`
    pairs it: for an adapter that must send the remote ids of items the plan left alone."""
    if not isinstance(desired, list) or not isinstance(actual, list):
        return {}
    key = keys.get(field)
    if key is None:
        return {i: i for i in range(min(len(desired), len(actual)))}
    path: Path = tuple(p for part in field.split(".") for p in (part, 0))[:-1]

    def content(i: int, j: int) -> bool:
        return not diff(_without(desired[i], key.ids), actual[j], (*path, i), atomic, keys)

    return dict(pair(desired, actual, key, content))


def pair(
    desired: list[Any], actual: list[Any], key: ListKey, content: Callable[[int, int], bool]
) -> list[tuple[int, int]]:
    """Which remote item each file item is: (file index, remote index), in file order.

    By id (an id the remote lacks is a new item), then by name, then a longest common
    subsequence of the rest on content (`content(file index, remote index)`: the file's item
    states nothing the remote's lacks), then equal items that moved, and last the items
    left between two pairs, in place (an edited item). Items whose `fixed` fields differ
    are never paired.
    """
    out: dict[int, int] = {}
    used: set[int] = set()
    no_match: set[int] = set()

    def compatible(d: Any, a: Any) -> bool:
        if not isinstance(d, dict) or not isinstance(a, dict):
            return True
        return all(f not in d or same(d.get(f), a.get(f)) for f in key.fixed)

    def as_it_stands(i: int) -> bool:
        d, a = desired[i], actual[i]
        if isinstance(d, dict) and isinstance(a, dict):
            for fields in (key.ids, key.names):
                mine = next((str(d[f]) for f in fields if d.get(f) not in (None, "")), None)
                if mine is not None:
                    return (
                        mine in {str(a.get(f)) for f in fields}
                        and compatible(d, a)
                        and content(i, i)
                    )
        return compatible(d, a) and content(i, i)

    if len(desired) == len(actual) and all(as_it_stands(i) for i in range(len(desired))):
        return [(i, i) for i in range(len(desired))]  # the usual case: nothing changed

    for fields, explicit in ((key.ids, True), (key.names, False)):
        if not fields:
            continue
        index: dict[str, int] = {}
        for j, a in enumerate(actual):
            for f in fields:
                v = a.get(f) if isinstance(a, dict) else None
                if v not in (None, "") and j not in used:
                    index.setdefault(str(v), j)
        for i, d in enumerate(desired):
            if i in out or i in no_match or not isinstance(d, dict):
                continue
            value = next((str(d[f]) for f in fields if d.get(f) not in (None, "")), None)
            if value is None:
                continue
            hit = index.get(value)
            if hit is not None and hit not in used and compatible(d, actual[hit]):
                out[i] = hit
                used.add(hit)
            elif explicit:
                no_match.add(i)  # an id the remote does not have: a new item
    rest_d = [i for i in range(len(desired)) if i not in out and i not in no_match]
    rest_a = [j for j in range(len(actual)) if j not in used]

    def equal(i: int, j: int) -> bool:
        return compatible(desired[i], actual[j]) and content(i, j)

    # Equal items at both ends pair as they stand (the usual case: nothing or little moved),
    # so the quadratic alignment runs on the middle only.
    head = 0
    while head < min(len(rest_d), len(rest_a)) and equal(rest_d[head], rest_a[head]):
        head += 1
    tail = 0
    while tail < min(len(rest_d), len(rest_a)) - head and equal(
        rest_d[-1 - tail], rest_a[-1 - tail]
    ):
        tail += 1
    ends = list(zip(rest_d[:head], rest_a[:head], strict=True)) + list(
        zip(rest_d[len(rest_d) - tail :], rest_a[len(rest_a) - tail :], strict=True)
    )
    middle = _lcs(rest_d[head : len(rest_d) - tail], rest_a[head : len(rest_a) - tail], equal)
    for i, j in ends + middle:
        out[i] = j
        used.add(j)
    for i in [i for i in rest_d if i not in out]:  # equal items in another place: moved
        hit = next((j for j in rest_a if j not in used and equal(i, j)), None)
        if hit is not None:
            out[i] = hit
            used.add(hit)
    # Edited items: those left between the same two pairs are paired in order, the most
    # alike together (an alignment that maximises likeness), so an edit is an edit in place.
    anchors = dict(out)
    left_d = [i for i in rest_d if i not in out]
    left_a = [j for j in rest_a if j not in used]

    def weight(i: int, j: int) -> float | None:
        lo, hi = _between(anchors, i, len(actual))
        if not lo < j < hi or not compatible(desired[i], actual[j]):
            return None
        return _likeness(desired[i], actual[j]) + 1e-3  # any pair beats none

    for i, j in _align(left_d, left_a, weight):
        out[i] = j
        used.add(j)
    # Items alike enough elsewhere: moved, and edited.
    for i in [i for i in rest_d if i not in out]:
        best = max(
            (
                (_likeness(desired[i], actual[j]), j)
                for j in rest_a
                if j not in used and compatible(desired[i], actual[j])
            ),
            default=None,
        )
        if best is not None and best[0] >= 0.5:
            out[i] = best[1]
            used.add(best[1])
    return sorted(out.items())


def _likeness(d: Any, a: Any) -> float:
    """The share of the file item's fields the remote item has as they are (0 to 1)."""
    if not isinstance(d, dict) or not isinstance(a, dict):
        return 1.0 if not diff(d, a) else 0.0
    if not d:
        return 1.0
    return sum(1 for k, v in d.items() if k in a and not diff(v, a[k])) / len(d)


def _align(
    xs: list[int], ys: list[int], weight: Callable[[int, int], float | None]
) -> list[tuple[int, int]]:
    """Order-keeping pairs of `xs` and `ys` with the largest total weight (None: no pair)."""
    n, m = len(xs), len(ys)
    if not n or not m:
        return []
    w = [[weight(x, y) for y in ys] for x in xs]
    table = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            here = w[a][b]
            table[a][b] = max(
                table[a + 1][b],
                table[a][b + 1],
                table[a + 1][b + 1] + here if here is not None else 0.0,
            )
    out, a, b = [], 0, 0
    while a < n and b < m:
        here = w[a][b]
        if here is not None and table[a][b] == table[a + 1][b + 1] + here:
            out.append((xs[a], ys[b]))
            a, b = a + 1, b + 1
        elif table[a + 1][b] >= table[a][b + 1]:
            a += 1
        else:
            b += 1
    return out


def _between(pairs: dict[int, int], i: int, n: int) -> tuple[int, int]:
    """The remote indexes around file item `i`: those of its nearest paired neighbours."""
    lo = max((pairs[p] for p in pairs if p < i), default=-1)
    hi = min((pairs[q] for q in pairs if q > i), default=n)
    return lo, hi


def _lcs(xs: list[int], ys: list[int], equal: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """A longest common subsequence of two index lists under `equal`: the alignment of
    `_align` with every equal pair weighing the same."""
    return _align(xs, ys, lambda x, y: 1.0 if equal(x, y) else None)


def _moved(pairs: list[tuple[int, int]]) -> set[int]:
    """The file indexes of paired items outside a longest run kept in order: the ones that
    moved (the others only shifted by an insertion or removal)."""
    js = [j for _, j in pairs]
    if all(a < b for a, b in zip(js, js[1:], strict=False)):
        return set()  # the usual case: nothing moved
    best: list[list[int]] = []  # best[k]: positions of an increasing run ending at k
    for k, j in enumerate(js):
        runs = [best[p] for p in range(k) if js[p] < j]
        prev = max(runs, key=len) if runs else []
        best.append([*prev, k])
    keep: set[int] = set()
    for run in best:
        if len(run) > len(keep):
            keep = set(run)
    return {pairs[k][0] for k in range(len(pairs)) if k not in keep}


def _without(item: Any, fields: tuple[str, ...]) -> Any:
    if not fields or not isinstance(item, dict) or not any(f in item for f in fields):
        return item
    return {k: v for k, v in item.items() if k not in fields}


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
            if (
                name == pat
                or name.startswith(pat + ".")
                or name.startswith(pat + "[")
                or fnmatch.fnmatchcase(name, pat)
            ):
                return True
    return False


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
