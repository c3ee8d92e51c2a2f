"""Which campaigns a command names: `--target`/`--exclude` globs on a key or an address."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .providers.base import Provider, Remote
    from .state import State
    from .validate import Document

T = TypeVar("T")


def key_of(address: str) -> str:
    """The campaign key of an address (`provider/key` or `workspace/key`)."""
    return address.split("/", 1)[-1]


def matches(address: str, pattern: str) -> bool:
    """Whether `pattern` names the campaign at `address`: its address or its key, exactly or
    as a glob (fnmatch, case-sensitive)."""
    key = key_of(address)
    return (
        pattern in (address, key)
        or fnmatch.fnmatchcase(address, pattern)
        or fnmatch.fnmatchcase(key, pattern)
    )


def select(
    items: Iterable[T], targets: Sequence[str] | None, excludes: Sequence[str] | None = None
) -> list[T]:
    """The items (anything with an `address`) some target names (all, with no targets) and
    no exclude names."""

    def hit(item: Any, patterns: Sequence[str]) -> bool:
        return any(matches(item.address, p) for p in patterns)

    return [
        i for i in items if (not targets or hit(i, targets)) and not (excludes and hit(i, excludes))
    ]


def one_document(
    path: str, targets: Sequence[str] | None = None, *, who: str = "this command works"
) -> Document:
    """The one valid campaign document of `path` (`targets` picks it among several), for a
    command that works on one campaign (`who` says which, in the message)."""
    from .errors import OutreachError, UsageError
    from .project import discover
    from .validate import validate_paths

    result = validate_paths([path], project=discover())
    if result.errors:
        first = result.errors[0]
        more = f" (and {len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
        raise OutreachError(f"{first}{more}", hint=f"outreach validate {path}")
    docs = select(result.documents, targets)
    if len(docs) != 1:
        keys = ", ".join(d.address for d in docs) or "none"
        raise UsageError(
            f"{path} holds {len(docs)} matching campaigns ({keys}); {who} on one",
            hint="pick one with --target KEY",
        )
    return docs[0]


def live_campaign(doc: Document, provider: Provider, state: State, hint: str) -> Remote:
    """The document's remote campaign, found as plan finds it (`hint`: what to do when it
    has none yet)."""
    from .errors import OutreachError
    from .lookup import resolve

    remote, _ = resolve(doc, provider, state)
    if remote is None:
        raise OutreachError(f"{doc.address} has no remote campaign yet", hint=hint)
    return remote
