"""What the state file records: orphans (in state, no file), listing and forgetting entries."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import OutreachError
from .state import State


@dataclass(frozen=True)
class Orphan:
    """A state entry no campaign file claims: plan and apply leave its campaign alone."""

    address: str
    id: str

    @property
    def key(self) -> str:
        return self.address.split("/", 1)[-1]


def orphans(state: State, addresses: Iterable[str]) -> list[Orphan]:
    """State entries whose `provider/key` is none of `addresses` (the files read)."""
    claimed = set(addresses)
    return [Orphan(a, e.id) for a, e in sorted(state.entries.items()) if a not in claimed]


def entries(state: State) -> list[dict[str, object]]:
    """Every entry, sorted by address, as plain rows (hashes counted, never shown)."""
    return [{"address": a, "id": e.id, "revision": e.revision, "appliedAt": e.applied_at,
             "writeOnlyHashes": len(e.hashes)} for a, e in sorted(state.entries.items())]


def forget(state: State, patterns: list[str]) -> list[str]:
    """Drop the entries whose address (or key) matches a pattern; the remote is untouched.
    A pattern matching nothing is an error, and then nothing is dropped."""
    with state.locked():
        hit: dict[str, None] = {}
        for pat in patterns:
            found = [a for a in sorted(state.entries)
                     if a == pat or fnmatch.fnmatchcase(a, pat)
                     or fnmatch.fnmatchcase(a.split("/", 1)[-1], pat)]
            if not found:
                known = ", ".join(sorted(state.entries)) or "none"
                raise OutreachError(f"{pat}: no such entry in {state.path} (entries: {known})",
                                    hint="`outreach state list` shows them")
            hit.update(dict.fromkeys(found))
        for address in hit:
            del state.entries[address]
    return list(hit)
