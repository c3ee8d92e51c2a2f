"""Fetch, diff, classify → Plan (the campaign each file names is found by lookup.py).
Makes no write."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .diff import diff, ignored, pop_path
from .errors import ApiError, ExitCode, KeyRefusedError, OutreachError
from .lookup import NameLookup, adopting, moved_from, resolve
from .providers.base import Change, Lifecycle, Provider, Remote, Verdict, json_copy
from .state import State
from .validate import Document

Action = Literal["create", "update", "noop", "error"]


@dataclass(frozen=True)
class PlannedChange:
    change: Change
    verdict: Verdict
    note: str = ""


@dataclass(frozen=True)
class CampaignPlan:
    """What apply would do to one campaign."""

    doc: Document
    action: Action
    remote: Remote | None = None
    changes: tuple[PlannedChange, ...] = ()
    lifecycle: Lifecycle = Lifecycle()
    notes: tuple[str, ...] = ()
    error: str | None = None
    hashes: dict[str, str] = field(default_factory=dict)  # write-only values, to record
    finish: bool = False  # an unfinished create that apply must complete (or just mark done)
    # An unmanaged campaign found by the file's name: recorded as this file's by apply (its
    # own action, shown in the plan; never together with a lifecycle change).
    adopt: bool = False
    moved: str | None = None  # the former address whose state record apply moves here

    @property
    def address(self) -> str:
        return self.doc.address

    @property
    def blocked(self) -> bool:
        return bool(self.lifecycle.blocked) or any(not c.verdict.allowed for c in self.changes)

    @property
    def has_changes(self) -> bool:
        return (
            self.action == "create"
            or bool(self.changes)
            or bool(self.lifecycle.actions)
            or self.finish
            or self.adopt
            or bool(self.moved)
        )

    @property
    def name(self) -> str:
        return str(self.doc.campaign.get("name") or (self.remote.name if self.remote else ""))

    @property
    def name_sensitive(self) -> bool:
        """Whether the name came from the environment (shown as "(sensitive)")."""
        return self.doc.campaign.get("name") is not None and "name" in self.doc.env_fields


@dataclass(frozen=True)
class Plan:
    campaigns: tuple[CampaignPlan, ...]

    @property
    def errors(self) -> list[CampaignPlan]:
        return [c for c in self.campaigns if c.action == "error"]

    @property
    def blocked(self) -> list[CampaignPlan]:
        return [c for c in self.campaigns if c.action != "error" and c.blocked]

    @property
    def has_changes(self) -> bool:
        return any(c.has_changes for c in self.campaigns if c.action != "error")

    @property
    def runnable(self) -> list[CampaignPlan]:
        """The campaigns apply would write to: changed, neither blocked nor in error."""
        return [
            cp
            for cp in self.campaigns
            if cp.action != "error" and not cp.blocked and cp.has_changes
        ]

    def exit_code(self, detailed: bool = False) -> ExitCode:
        """The exit code of a plan: error, blocked, then (with `detailed`) changes."""
        if self.errors:
            return ExitCode.ERROR
        if self.blocked:
            return ExitCode.BLOCKED
        if detailed and self.has_changes:
            return ExitCode.CHANGES
        return ExitCode.OK

    def tally(self) -> dict[str, int]:
        out = {"create": 0, "update": 0, "noop": 0, "blocked": 0, "error": 0}
        for c in self.campaigns:
            if c.action == "error":
                out["error"] += 1
            elif c.blocked:
                out["blocked"] += 1
            elif c.action == "create":
                out["create"] += 1
            elif c.has_changes:
                out["update"] += 1
            else:
                out["noop"] += 1
        return out


ProviderFor = Callable[[str], Provider]


#: More notes for a campaign whose plan changes something, from the command layer (the
#: planner reads campaigns only; `preview.lead_notes` reads the leads a new copy addresses).
Annotate = Callable[[Document, Provider, Remote, Sequence["PlannedChange"]], list[str]]


def build(
    docs: list[Document],
    provider_for: ProviderFor,
    state: State,
    *,
    concurrency: int = 4,
    on_plan: Callable[[CampaignPlan], None] | None = None,
    on_read: Callable[[], None] | None = None,
    annotate: Annotate | None = None,
) -> Plan:
    """Plan every document; campaigns are read concurrently. Never writes. `on_plan` gets each
    campaign's plan in file order on the calling thread, while later reads are in flight (the
    output renders it there, instead of after the last answer); `on_read` is called on the
    reading thread as each campaign's plan is done, in any order (a live counter);
    `annotate` adds notes to a campaign whose plan changes something."""
    names = NameLookup()

    # A platform that refuses the key (401) refuses it for every campaign: once it has, its
    # other campaigns are not read, and the run stops with one error naming them.
    refused: dict[str, ApiError] = {}

    def one(doc: Document) -> CampaignPlan:
        if refused and doc.connection in refused:
            cp = CampaignPlan(doc, "error", error="not read: the key was refused")
        else:
            try:
                cp = plan_one(doc, provider_for, state, names=names, annotate=annotate)
            except ApiError as exc:  # only a 401 comes out of plan_one
                refused.setdefault(doc.connection, exc)
                cp = CampaignPlan(doc, "error", error="not read: the key was refused")
        if on_read is not None:
            on_read()
        return cp

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        plans = []
        results = pool.map(one, docs)
        try:
            for cp in results:
                plans.append(cp)
                if on_plan is not None and not (refused and cp.doc.connection in refused):
                    on_plan(cp)
        finally:
            # If on_plan failed, the reads not yet started are cancelled (map's generator
            # cancels them when closed) rather than all waited for.
            getattr(results, "close", lambda: None)()
    for name, exc in sorted(refused.items()):
        provider = provider_for(name)
        stopped = [d for d in docs if d.connection == name]
        var = (
            provider.key_env_var
            if name == stopped[0].provider
            else f"the key variable of workspace {name} (the project file names it)"
        )
        raise KeyRefusedError(
            provider.title, var, f"{exc.status}: {exc.detail}", [d.address for d in stopped]
        )
    return Plan(tuple(plans))


def plan_one(
    doc: Document,
    provider_for: ProviderFor,
    state: State,
    *,
    names: NameLookup | None = None,
    annotate: Annotate | None = None,
) -> CampaignPlan:
    try:
        provider = provider_for(doc.connection)
        moved = moved_from(doc, state)
        if moved is not None:
            state = state.view({doc.address: moved})
        remote, notes = resolve(doc, provider, state, names)
        cp = compare(doc, provider, remote, state, notes, annotate)
        if remote is not None and adopting(doc, state, remote):
            cp = _adoption(cp, provider)
        if moved is not None:
            cp = replace(
                cp,
                moved=moved,
                notes=(
                    f"moved from {moved} (moved_from in the file): apply moves state's record "
                    f"to {doc.address}",
                    *cp.notes,
                ),
            )
        return hide_values(cp)
    except ApiError as exc:
        if exc.status == 401:
            raise  # the key, not this campaign: build() says it once
        hint = f" ({exc.hint})" if exc.hint else ""
        return CampaignPlan(doc, "error", error=doc.hide(exc.message + hint))
    except OutreachError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        return CampaignPlan(doc, "error", error=doc.hide(exc.message + hint))


def hide_values(cp: CampaignPlan) -> CampaignPlan:
    """The plan with the document's values from the environment masked in its free text:
    notes, the error, the verdicts' reasons, remedies and notes."""
    doc = cp.doc
    if not doc.env_values:
        return cp
    changes = tuple(
        replace(
            pc,
            note=doc.hide(pc.note),
            verdict=replace(
                pc.verdict,
                reason=doc.hide(pc.verdict.reason),
                remedy=doc.hide(pc.verdict.remedy),
                note=doc.hide(pc.verdict.note),
            ),
        )
        for pc in cp.changes
    )
    lifecycle = replace(
        cp.lifecycle, blocked=doc.hide(cp.lifecycle.blocked), remedy=doc.hide(cp.lifecycle.remedy)
    )
    return replace(
        cp,
        changes=changes,
        lifecycle=lifecycle,
        notes=tuple(doc.hide(n) for n in cp.notes),
        error=doc.hide(cp.error) if cp.error else cp.error,
    )


def _adoption(cp: CampaignPlan, provider: Provider) -> CampaignPlan:
    """An adoption is its own action: the fields may be brought to the file in the same
    apply, but a status change waits for the next one, once the campaign is this file's
    (a copied file must not resume a campaign its owner paused)."""
    assert cp.remote is not None
    notes = list(cp.notes)
    notes.insert(
        0,
        f"adopting {cp.remote.id}: a {provider.title} campaign with this file's "
        "name that outreach has not managed so far; from this apply on it is this "
        "file's",
    )
    if cp.lifecycle.actions or cp.lifecycle.blocked:
        notes.append(
            f"status: {cp.remote.status} is left as it is in the apply that adopts "
            f"(the file asks for {cp.doc.status}); the next plan shows that change"
        )
    return CampaignPlan(
        cp.doc,
        cp.action if cp.action != "noop" else "update",
        cp.remote,
        cp.changes,
        Lifecycle(),
        tuple(notes),
        cp.error,
        cp.hashes,
        False,
        adopt=True,
    )


def compare(
    doc: Document,
    provider: Provider,
    remote: Remote | None,
    state: State,
    notes: list[str] | None = None,
    annotate: Annotate | None = None,
    *,
    hold: bool = True,
) -> CampaignPlan:
    """Diff and classify one document against its remote campaign (None: to be created).
    `hold=False` compares an unfinished create as a finished one (apply's final check)."""
    notes = list(notes or [])
    desired = provider.comparable(json_copy(doc.campaign))
    entry = state.get(doc.address) if remote is not None else None
    # An unfinished create (its id recorded, or its first POST sent with no answer).
    unfinished = (
        hold
        and entry is not None
        and entry.creating
        and entry.id in ("", remote.id if remote else "")
    )
    if entry is not None and remote is not None and entry.id != remote.id:
        entry = None
    secret = tuple(provider.sensitive()) + tuple(doc.env_fields)

    changes: list[Change] = []
    hashes: dict[str, str] = {}
    write_only_notes: dict[str, str] = {}
    for dotted in provider.write_only():
        found, value = pop_path(desired, dotted)
        if not found:
            continue
        hashes[dotted] = h = state.keyed_hash(value)
        recorded = entry.hashes.get(dotted) if entry else None
        if remote is None or recorded != h:
            path = tuple(dotted.split("."))
            changes.append(Change(path, "change" if recorded else "add", None, value))
            write_only_notes[dotted] = (
                "not read back by the API; changed since the last apply"
                if recorded
                else "not read back by the API; set from the file"
            )
    for parent in {d.rsplit(".", 1)[0] for d in provider.write_only() if "." in d}:
        # A write-only leaf popped from a mapping may leave it empty: nothing to compare.
        found, value = pop_path(desired, parent)
        if found and value:
            _put(desired, parent, value)

    current = remote.state if remote is not None else {}
    if remote is not None:
        current = provider.align(desired, json_copy(current))
    changes.extend(
        diff(desired, current, atomic=frozenset(provider.atomic()), keys=provider.LIST_KEYS)
    )
    changes = [c for c in changes if not ignored(c, doc.ignore)]
    changes = [_mark_sensitive(c, secret) for c in changes]

    if remote is None:
        lifecycle = provider.lifecycle(provider.initial_status, doc.status)
        planned = tuple(
            PlannedChange(c, v, write_only_notes.get(c.field, ""))
            for c, v in zip(changes, provider.verdicts(changes, None, doc.campaign), strict=True)
        )
        notes.extend(provider.notes(doc.campaign, None, lifecycle))
        return CampaignPlan(doc, "create", None, planned, lifecycle, tuple(notes), hashes=hashes)

    if not unfinished:
        lifecycle = provider.gate(remote, provider.lifecycle(remote.status, doc.status))
    else:
        # Not gated: a half-built campaign is not ready yet; apply checks the read-back and
        # the platform's own readiness before it starts anything.
        lifecycle = _finish_create(provider, remote, doc.status)
        notes.append(
            f"finishing a create that did not complete: the campaign stays "
            f"{provider.HOLD.get(remote.status, ('', remote.status))[1]} until it "
            "matches the file"
        )
    status = (
        "paused"
        if any(a in provider.PRE_UPDATE_ACTIONS for a in lifecycle.actions)
        else remote.status
    )
    as_seen = Remote(
        remote.id, remote.name, status, remote.revision, remote.state, remote.raw, remote.ctype
    )
    planned = tuple(
        PlannedChange(c, v, write_only_notes.get(c.field, ""))
        for c, v in zip(changes, provider.verdicts(changes, as_seen, doc.campaign), strict=True)
    )
    notes.extend(provider.notes(doc.campaign, remote, lifecycle))
    if planned and annotate is not None:
        notes.extend(annotate(doc, provider, remote, planned))
    action: Action = (
        "update" if planned or lifecycle.actions or lifecycle.blocked or unfinished else "noop"
    )
    return CampaignPlan(
        doc, action, remote, planned, lifecycle, tuple(notes), hashes=hashes, finish=unfinished
    )


def differences(doc: Document, provider: Provider, remote: Remote) -> list[Change]:
    """What of the file a read-back `remote` still lacks: the diff alone, with no rule, no
    lifecycle and no note (apply's verification of what it wrote, never a new decision).
    Write-only values are left out: the API never reads them back."""
    desired = provider.comparable(json_copy(doc.campaign))
    for dotted in provider.write_only():
        pop_path(desired, dotted)
    for parent in {d.rsplit(".", 1)[0] for d in provider.write_only() if "." in d}:
        found, value = pop_path(desired, parent)
        if found and value:
            _put(desired, parent, value)
    current = provider.align(desired, json_copy(remote.state))
    return [
        c
        for c in diff(
            desired, current, atomic=frozenset(provider.atomic()), keys=provider.LIST_KEYS
        )
        if not ignored(c, doc.ignore)
    ]


def write_only_hashes(doc: Document, provider: Provider, state: State) -> dict[str, str]:
    """The keyed hashes of the file's write-only values, as state records them."""
    desired = provider.comparable(copy.deepcopy(doc.campaign))
    out = {}
    for dotted in provider.write_only():
        found, value = pop_path(desired, dotted)
        if found:
            out[dotted] = state.keyed_hash(value)
    return out


def _finish_create(provider: Provider, remote: Remote, desired: str | None) -> Lifecycle:
    """An unfinished campaign is first held in its non-sending status; only then moved to
    the file's status (apply runs that only once the read-back matches the file)."""
    hold = provider.HOLD.get(remote.status)
    if hold is None:
        return provider.lifecycle(remote.status, desired or provider.initial_status)
    rest = provider.lifecycle(hold[1], desired or hold[1])
    return Lifecycle((hold[0], *rest.actions), rest.blocked, rest.remedy)


def _strip(dotted: str) -> str:
    return re.sub(r"\[\d+\]", "", dotted)


def _mark_sensitive(change: Change, secret: tuple[str, ...]) -> Change:
    # Compared without list indexes: a ${VAR} in `sequence[2].body` masks a change of
    # `sequence` as a whole, or of any step's body.
    name = change.field
    secret = tuple(_strip(s) for s in secret)
    if any(name == s or name.startswith(s + ".") or s.startswith(name + ".") for s in secret):
        return dataclasses.replace(change, sensitive=True)
    return change


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    cur = data
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value
