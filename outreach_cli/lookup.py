"""Which remote campaign a campaign file names: its `id:`, then state (under its own address or a
`moved_from:` one), then a unique exact name, never one state binds to another file."""

from __future__ import annotations

import threading

from .environment import MASK
from .errors import OutreachError
from .providers.base import Provider, Remote
from .state import State
from .validate import Document


class NameLookup:
    """Name look-ups for one plan. Where a platform's campaign list has no search (lemlist,
    Puffle), each workspace's list is read once, at its first look-up, and every new campaign
    of the plan is found in it, not the whole list once per campaign. Only a plan shares it:
    apply looks the name up afresh immediately before each create."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[int, threading.Lock] = {}
        self._lists: dict[int, dict[str, list[Remote]] | None] = {}

    def find(self, provider: Provider, name: str) -> list[Remote]:
        key = id(provider)
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one thread reads a workspace's list; its other look-ups wait for it
            if key not in self._lists:
                self._lists[key] = provider.campaigns_by_name()
            index = self._lists[key]
        return provider.find_by_name(name) if index is None else list(index.get(name, []))


def resolve(
    doc: Document, provider: Provider, state: State, names: NameLookup | None = None
) -> tuple[Remote | None, list[str]]:
    """Find the document's remote campaign: `id:`, then state, then a unique exact name
    (through the plan's shared `names`, if given)."""
    notes: list[str] = []
    if doc.id:
        remote = provider.fetch(doc.id)
        if remote is None:
            raise OutreachError(
                f"{doc.address}: id {doc.id} was not found on {provider.title}",
                hint="remove `id:` to create the campaign, or fix the id",
            )
        return remote, notes
    entry = state.get(doc.address)
    if entry is not None and entry.id:
        remote = provider.fetch(entry.id)
        if remote is not None:
            return remote, notes
        notes.append(f"state pointed at {entry.id}, which no longer exists on {provider.title}")
    name = doc.campaign.get("name")
    if not name:
        return None, notes
    found = (
        names.find(provider, str(name)) if names is not None else provider.find_by_name(str(name))
    )
    shown = MASK if "name" in doc.env_fields else repr(name)
    if len(found) > 1:
        ids = ", ".join(r.id for r in found)
        raise OutreachError(
            f"{doc.address}: {len(found)} {provider.title} campaigns are named {shown} ({ids})",
            hint="pin the right one with `id:` in the file",
        )
    if found:
        owner = bound_elsewhere(state, doc, found[0].id)
        if owner is not None:
            raise OutreachError(
                f"{doc.address}: the {provider.title} campaign named {shown} ({found[0].id}) "
                f"is managed by {owner} (state records it); a second file never takes it over",
                hint="give this file's campaign its own name, or move the key with "
                f"`outreach state mv {owner} {doc.address}` if this file replaces that one",
            )
        remote = provider.fetch(found[0].id)
        if (
            entry is not None
            and entry.creating
            and remote is not None
            and (
                entry.id == found[0].id
                or (not entry.id and _created_after(remote, entry.applied_at))
            )
        ):
            notes.append(f"found {found[0].id}, the campaign an interrupted create left")
        return remote, notes
    return None, notes


def moved_from(doc: Document, state: State) -> str | None:
    """The former address (`moved_from:`) whose state record this document takes over:
    only when state has none for the document's own address."""
    if state.get(doc.address) is not None:
        return None
    return next((a for a in doc.former_addresses if state.get(a) is not None), None)


def bound_elsewhere(state: State, doc: Document, remote_id: str) -> str | None:
    """The address (other than the document's and its former ones) under which state
    records `remote_id`."""
    mine = {doc.address, *doc.former_addresses}
    for address, entry in sorted(state.entries.items()):
        if entry.id == remote_id and address not in mine:
            return address
    return None


def adopting(doc: Document, state: State, remote: Remote) -> bool:
    """Whether the campaign was found by name, not yet recorded as this file's: `id:` and
    state name it; an interrupted create of this state is its own, not an adoption."""
    if doc.id:
        return False
    entry = state.get(doc.address)
    if entry is not None and entry.id == "" and entry.creating:
        # A create whose POST left with no answer: the campaign found by name is that one
        # only if it was made after the mark (else someone else's: adopted, shown as such).
        return not _created_after(remote, entry.applied_at)
    return entry is None or entry.id != remote.id


def _created_after(remote: Remote, mark: str | None) -> bool:
    """Whether the remote campaign was created at or after `mark` (an ISO time, seconds):
    unknown (no creation time in the answer, or no mark) counts as no."""
    raw = remote.raw if isinstance(remote.raw, dict) else {}
    if isinstance(raw.get("campaign"), dict):  # Puffle: the campaign beside its nodes
        raw = {**raw["campaign"], **raw}
    made = next((raw[k] for k in ("createdAt", "created_at", "createdOn") if raw.get(k)), None)
    if not made or not mark:
        return False
    return str(made)[:19] >= mark[:19]
