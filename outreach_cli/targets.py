"""Which campaigns a command names: `--target`/`--exclude` globs on a key or an address."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def key_of(address: str) -> str:
    """The campaign key of an address (`provider/key` or `workspace/key`)."""
    return address.split("/", 1)[-1]


def matches(address: str, pattern: str) -> bool:
    """Whether `pattern` names the campaign at `address`: its address or its key, exactly or
    as a glob (fnmatch, case-sensitive)."""
    key = key_of(address)
    return pattern in (address, key) or fnmatch.fnmatchcase(address, pattern) \
        or fnmatch.fnmatchcase(key, pattern)


def select(items: Iterable[T], targets: Sequence[str] | None,
           excludes: Sequence[str] | None = None) -> list[T]:
    """The items (anything with an `address`) some target names (all, with no targets) and
    no exclude names."""
    def hit(item: Any, patterns: Sequence[str]) -> bool:
        return any(matches(item.address, p) for p in patterns)

    return [i for i in items if (not targets or hit(i, targets))
            and not (excludes and hit(i, excludes))]
