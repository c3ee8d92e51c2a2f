"""What the state file records: orphans (in state, no file), listing and forgetting entries."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import OutreachError
from .state import State
from .targets import key_of, matches


@dataclass(frozen=True)
class Orphan:
    """A state entry no campaign file claims: plan and apply leave its campaign alone."""

    address: str
    id: str

    @property
    def key(self) -> str:
        return key_of(self.address)


def orphans(
    state: State,
    addresses: Iterable[str],
    paths: Iterable[str] | None = None,
    *,
    root: Path | None = None,
) -> list[Orphan]:
    """State entries whose address is none of `addresses` (the files read), and whose
    campaign belonged to what was read: its recorded file lies under one of `paths`, or,
    for an entry with no file on record, `paths` cover the whole project `root`. With no
    `paths`, every unclaimed entry."""
    claimed = set(addresses)
    loose = [(a, e) for a, e in sorted(state.entries.items()) if a not in claimed]
    if paths is None:
        return [Orphan(a, e.id) for a, e in loose]
    base = Path(os.path.abspath(root or state.root))
    read = [Path(os.path.abspath(p)) for p in paths]
    whole = any(p == base or p in base.parents for p in read)
    out = []
    for address, entry in loose:
        if entry.file:
            file = base / entry.file
            if any(file == p or p in file.parents for p in read):
                out.append(Orphan(address, entry.id))
        elif whole:
            out.append(Orphan(address, entry.id))
    return out


def entries(state: State) -> list[dict[str, object]]:
    """Every entry, sorted by address, as plain rows (hashes counted, never shown)."""
    return [
        {
            "address": a,
            "id": e.id,
            "revision": e.revision,
            "appliedAt": e.applied_at,
            "writeOnlyHashes": len(e.hashes),
        }
        for a, e in sorted(state.entries.items())
    ]


def forget(state: State, patterns: list[str]) -> list[str]:
    """Drop the entries whose address (or key) matches a pattern; the remote is untouched.
    A pattern matching nothing is an error, and then nothing is dropped."""
    with state.locked():
        hit: dict[str, None] = {}
        for pat in patterns:
            found = [a for a in sorted(state.entries) if matches(a, pat)]
            if not found:
                known = ", ".join(sorted(state.entries)) or "none"
                raise OutreachError(
                    f"{pat}: no such entry in {state.path} (entries: {known})",
                    hint="`outreach state list` shows them",
                )
            hit.update(dict.fromkeys(found))
        for address in hit:
            del state.entries[address]
    return list(hit)


def move(state: State, old: str, new: str) -> None:
    """Move the record of `old` to `new` (a renamed key); the remote is untouched. Both are
    addresses (`provider/key`, or `workspace/key` in a project with workspaces)."""
    with state.locked():
        if old not in state.entries:
            known = ", ".join(sorted(state.entries)) or "none"
            raise OutreachError(
                f"{old}: no such entry in {state.path} (entries: {known})",
                hint="`outreach state list` shows them",
            )
        if new in state.entries:
            raise OutreachError(
                f"{new} already has a record ({state.entries[new].id})",
                hint=f"`outreach state forget {new}` first, if it is stale",
            )
        if "/" not in new:
            raise OutreachError(
                f"{new}: give the whole address (e.g. {old.split('/', 1)[0]}/{new})"
            )
        state.entries[new] = state.entries.pop(old)


def show(state: State, address: str) -> dict[str, object]:
    """One entry in full, hashes named by field, never shown."""
    entry = state.get(address)
    if entry is None:
        known = ", ".join(sorted(state.entries)) or "none"
        raise OutreachError(
            f"{address}: no such entry in {state.path} (entries: {known})",
            hint="`outreach state list` shows them",
        )
    return {
        "address": address,
        "id": entry.id,
        "revision": entry.revision,
        "appliedAt": entry.applied_at,
        "file": entry.file,
        "unfinishedCreate": entry.creating,
        "writeOnlyFields": sorted(entry.hashes),
    }
