"""The provider interface: what the planner and apply engine may ask of a platform.

A provider declares its capabilities as class attributes (name, key variable, URLs) and its
edit rules as data (`RULES`, a table of field × campaign status). The planner never sees HTTP
and commands never see raw JSON: everything crosses this interface as the values below.
"""

from __future__ import annotations

import fnmatch
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from ..documents import format_path

if TYPE_CHECKING:
    from ..http import Api
    from .identity import WorkspaceIdentity
    from .leadops import LeadOps

Path = tuple[str | int, ...]
Severity = Literal["error", "warning"]


def json_copy(value: Any) -> Any:
    """A deep copy of JSON-shaped data (what files and APIs give), ~5x cheaper than
    copy.deepcopy; anything else is handed to copy.deepcopy."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    import copy

    return copy.deepcopy(value)


class Lazy:
    """A class attribute named as "module:attr" (relative to the class's package), imported on
    first read: `validate` asks an adapter for its rules and never loads its lead code."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.package = ""
        self.value: Any = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.package = owner.__module__.rpartition(".")[0]  # the class that names it

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if self.value is None:
            import importlib

            module, _, attr = self.spec.partition(":")
            self.value = getattr(importlib.import_module(module, self.package), attr)
        return self.value


@dataclass(frozen=True)
class Finding:
    """A problem a provider's offline rules found in a campaign, located by document path.

    `path` starts below the document root, e.g. ("campaign", "sequence", 0, "waitDays").
    `related` names other paths involved (a contradiction between two lines).
    """

    path: Path
    message: str
    severity: Severity = "error"
    related: tuple[Path, ...] = ()


@dataclass(frozen=True)
class FieldRule:
    """One row of a provider's status × field table.

    `field` is a dotted pattern over the campaign's fields (fnmatch: `settings.*`, `steps`);
    the most specific matching row governs a change. `ops` limits the row to kinds of change
    (`add`, `change`, `remove` of that field or list element). `types` limits it to campaign
    types (Puffle: email/linkedin). `when_forbidden` says what the platform does with a change
    outside `allowed_in`: `refused` (an error) or `ignored` (accepted and silently dropped).
    """

    field: str
    allowed_in: frozenset[str]
    ops: frozenset[str] = frozenset({"add", "change", "remove"})
    types: frozenset[str] | None = None
    when_forbidden: Literal["refused", "ignored"] = "refused"
    remedy: str = ""
    note: str = ""
    reason: str = ""

    def matches(self, field_path: str, op: str, ctype: str | None) -> bool:
        if op not in self.ops:
            return False
        if self.types is not None and ctype is not None and ctype not in self.types:
            return False
        return (
            field_path == self.field
            or field_path.startswith(self.field + ".")
            or fnmatch.fnmatchcase(field_path, self.field)
        )


def rule_for(
    rules: tuple[FieldRule, ...], field_path: str, op: str, ctype: str | None = None
) -> FieldRule | None:
    """The most specific row of `rules` that governs `op` on `field_path`."""
    best: FieldRule | None = None
    for rule in rules:
        if rule.matches(field_path, op, ctype) and (
            best is None or len(rule.field.replace("*", "")) > len(best.field.replace("*", ""))
        ):
            best = rule
    return best


@dataclass(frozen=True)
class Remote:
    """A campaign as read from the platform.

    `state` is normalised into the shape of the file's `campaign:` block; `raw` is the JSON as
    the API returned it (providers may consult it when classifying changes).
    """

    id: str
    name: str
    status: str
    revision: str | None
    state: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict)
    ctype: str | None = None  # campaign type, where a platform has them (Puffle)


@dataclass(frozen=True)
class Change:
    """One field-level difference between the file and the remote campaign."""

    path: Path  # below `campaign`, e.g. ("settings", "dailySendLimit")
    op: Literal["add", "change", "remove"]
    old: Any = None
    new: Any = None
    sensitive: bool = False
    # Where the element is in the read-back when a list's pairing (by identity, see ListKey)
    # put it at another index than the file's: the remote step a change edits.
    source: Path | None = None
    # "inserted": an add before items that stay; "moved": the item changes position (its
    # old position is `source`).
    how: Literal["", "inserted", "moved"] = ""

    @property
    def at(self) -> Path:
        """The path in the read-back (remote indexes)."""
        return self.source if self.source is not None else self.path

    @property
    def dotted(self) -> str:
        return format_path(self.path)

    @property
    def shown(self) -> str:
        """The path as a plan prints it, saying where a list item moves or goes in."""
        if self.how == "moved" and self.source is not None:
            return f"{self.dotted} (moved from {format_path(self.source)})"
        if self.how == "inserted":
            return f"{self.dotted} (inserted)"
        if self.op == "add" and self.source not in (None, self.path):
            return f"{self.dotted} (replaces {format_path(self.source)})"
        return self.dotted

    @property
    def field(self) -> str:
        """The path without list indexes, as rules name fields: `sequence.subject`."""
        return ".".join(str(p) for p in self.path if not isinstance(p, int))


@dataclass(frozen=True)
class ListKey:
    """How the items of one list are identified (kubectl's patchMergeKey), as data.

    `ids`: fields naming the item's remote id, aliases of one another (`_id` / `id`): a file
    item with one pairs with the remote item holding the same value in any of them, and is
    not compared as content. `names`: fields that identify an item when it has no id (a
    subsequence's name, a variant's letter). Items with neither are aligned by content (a
    longest common subsequence), the rest paired in place. `fixed`: fields an item cannot
    change (a lemlist step's type): items differing in one are never paired. `ordered`:
    whether an item's position means something (steps); if not, a reordered list is no
    change (variants by letter, subsequences by trigger).
    """

    ids: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    ordered: bool = True


@dataclass(frozen=True)
class Verdict:
    """How a provider's rules classify one change on a campaign in a given status."""

    allowed: bool
    reason: str = ""
    remedy: str = ""
    note: str = ""
    ignored: bool = False  # the platform would accept and silently drop it


@dataclass(frozen=True)
class Lifecycle:
    """The lifecycle calls that move a campaign to the file's `status:`, or why none can."""

    actions: tuple[str, ...] = ()
    blocked: str = ""
    remedy: str = ""


class Provider(ABC):
    """A platform adapter. Instances are bound to one API client (`api`) or none (offline)."""

    name: str
    title: str
    key_env_var: str
    default_url: str
    sandbox_prefix: str
    statuses: tuple[str, ...]
    TABLE_STATUSES: tuple[str, ...] = ()  # the statuses the README's rules table shows
    RULES: tuple[FieldRule, ...] = ()
    # How the items of each list are identified, by dotted field without indexes
    # (`subsequences.sequence`); a list not named here is compared by position.
    LIST_KEYS: dict[str, ListKey] = {}
    # The lists an overlay patches item by item (overlays.py), by campaign field with list
    # indexes as `[]` (`sequence[].variants`) → the item keys that name an item in a file, in
    # the order they are tried; every other list an overlay replaces whole. Not LIST_KEYS: a
    # person names a base item by what the file holds (a step's `name`), never a remote id.
    BASE_KEYS: dict[str, tuple[str, ...]] = {}

    initial_status: str = "draft"  # the status a campaign has right after create()
    # The form of a campaign id (a regex, fullmatch): `id:` in a file is checked against it.
    ID_PATTERN: str = r"[A-Za-z0-9_-]{1,128}"
    ID_FORM: str = "letters, digits, _ and -"
    # The platform's lead operations, if it has any (a `Lazy`: imported when first used).
    LEADS: type[LeadOps] | None = None

    def __init__(self, api: Api | None = None) -> None:
        self.api = api

    @classmethod
    def connect(cls, base_url: str, key: str, env: dict[str, str]) -> Api:
        """An API client for this provider's root with its auth form."""
        raise NotImplementedError

    @property
    def leads(self) -> LeadOps:
        """This platform's lead operations, bound to this adapter."""
        if self.LEADS is None:
            raise NotImplementedError(f"{self.title} has no lead operations in this build")
        return self.LEADS(self)

    @property
    def client(self) -> Api:
        if self.api is None:
            raise RuntimeError(f"{self.name}: no API client bound (offline provider)")
        return self.api

    # -- offline -------------------------------------------------------------------------------

    @classmethod
    def schema(cls) -> dict[str, Any]:
        """The JSON Schema of this provider's `campaign:` block (package data)."""
        return load_schema(cls.name)

    def check(self, campaign: dict[str, Any]) -> list[Finding]:
        """Rules a JSON Schema cannot state (cross-field, uniqueness, order). Paths start at
        ("campaign", …)."""
        return []

    def classify(self, change: Change, remote: Remote) -> Verdict:
        """Apply the status × field table to one change."""
        rule = rule_for(self.RULES, change.field, change.op, remote.ctype)
        if rule is None or remote.status in rule.allowed_in:
            return Verdict(True, note=rule.note if rule else "")
        verb = "silently ignores it" if rule.when_forbidden == "ignored" else "refuses it"
        allowed = ", ".join(sorted(rule.allowed_in)) or "no status"
        reason = rule.reason or (
            f"{change.field} can change only in {allowed}; "
            f"on a campaign that is {remote.status}, {self.title} {verb}"
        )
        return Verdict(
            False, reason=reason, remedy=rule.remedy, ignored=rule.when_forbidden == "ignored"
        )

    def verdicts(
        self, changes: list[Change], remote: Remote | None, campaign: dict[str, Any]
    ) -> list[Verdict]:
        """One verdict per change. `campaign` is the file's whole `campaign:` block, for rules
        that depend on several fields at once, judged against the live campaign or, on a
        create (`remote` None), against what the create would make. By default: `classify`
        each change of an update; a create's changes are all allowed."""
        if remote is None:
            return [Verdict(True) for _ in changes]
        return [self.classify(c, remote) for c in changes]

    def comparable(self, campaign: dict[str, Any]) -> dict[str, Any]:
        """The file's campaign as the server would store it (e.g. text → HTML bodies).
        `campaign` is the caller's own copy: it may be changed and returned."""
        return campaign

    # Actions that must run before field updates (a pause makes pause-only edits legal).
    PRE_UPDATE_ACTIONS: frozenset[str] = frozenset({"pause"})
    # file status → the platform statuses that satisfy it
    STATUS_MAP: dict[str, tuple[str, ...]] = {}
    # (platform status, file status) → actions; a missing pair with a differing status is
    # blocked with the reason in LIFECYCLE_BLOCKED or a generic one.
    TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {}
    LIFECYCLE_BLOCKED: dict[tuple[str, str], tuple[str, str]] = {}
    # A sending status → (the action that stops it, the status it leaves): how apply holds
    # a half-built campaign still while it completes the create.
    HOLD: dict[str, tuple[str, str]] = {}

    def lifecycle(self, current: str, desired: str | None) -> Lifecycle:
        """The calls that move a campaign from `current` to the file's `desired` status."""
        if desired is None or current in self.STATUS_MAP.get(desired, (desired,)):
            return Lifecycle()
        if (current, desired) in self.TRANSITIONS:
            return Lifecycle(self.TRANSITIONS[(current, desired)])
        reason, remedy = self.LIFECYCLE_BLOCKED.get(
            (current, desired),
            (
                f"{self.title} has no way to move a {current} campaign to {desired}",
                "change `status:` in the file, or create a new campaign",
            ),
        )
        return Lifecycle(blocked=reason, remedy=remedy)

    def gate(self, remote: Remote, lifecycle: Lifecycle) -> Lifecycle:
        """The lifecycle after asking the platform whether it would accept it (a launch
        readiness check): the same, or blocked with the platform's reason. Reads only."""
        return lifecycle

    def align(self, desired: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """Read back, in the file's order, lists that are sets (sender ids) when they hold the
        same values. Lists of items are paired by LIST_KEYS in diff.py, never here."""
        return state

    def notes(
        self, campaign: dict[str, Any], remote: Remote | None, lifecycle: Lifecycle
    ) -> list[str]:
        """Warnings for the plan that are not field changes (launch readiness, etc.)."""
        return []

    def write_only(self) -> tuple[str, ...]:
        """Dotted fields the API accepts but never reads back (compared by hash)."""
        return ()

    def atomic(self) -> tuple[str, ...]:
        """Dotted fields compared whole: keys the remote has and the file lacks count too."""
        return ()

    def sensitive(self) -> tuple[str, ...]:
        """Dotted fields never to print."""
        return ()

    def summary(self, remote: Remote) -> dict[str, str]:
        """Lead counts and stats for `outreach status`, as short strings."""
        return {}

    # -- remote --------------------------------------------------------------------------------

    @abstractmethod
    def fetch(self, id: str) -> Remote | None:
        """Read one campaign; None when it does not exist."""

    @abstractmethod
    def find_by_name(self, name: str) -> list[Remote]:
        """Every campaign whose name is exactly `name` (light records; fetch for state)."""

    def campaigns_by_name(self) -> dict[str, list[Remote]] | None:
        """Every campaign by exact name from one list read; None where find_by_name searches."""
        return None

    @abstractmethod
    def create(
        self, campaign: dict[str, Any], on_created: Callable[[str], None] | None = None
    ) -> str:
        """Create the campaign; return its id. Providers whose create cannot take every field
        finish the job with updates here, so that apply sees one step. `on_created(id)` is
        called as soon as the campaign exists (before any further request), so that apply
        records it: a create that fails part-way is completed by the next run."""

    @abstractmethod
    def update(self, remote: Remote, campaign: dict[str, Any], changes: list[Change]) -> None:
        """Send the smallest requests that realise `changes`."""

    @abstractmethod
    def transition(self, remote: Remote, action: str) -> None:
        """Run a lifecycle action (start, pause, resume, launch)."""

    def whoami(self) -> WorkspaceIdentity:
        """Which workspace/team/account the bound API key belongs to (reads only)."""
        raise NotImplementedError(f"{self.title} cannot tell which workspace its key belongs to")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of provider `name`'s `campaign:` block, from its package. Read beside
    this file when the package is on disk (every pip install); importlib.resources, which
    costs ~4 ms of imports, only for a package inside an archive."""
    import os

    here = os.path.join(os.path.dirname(__file__), name, "schema.json")
    if os.path.isfile(here):
        with open(here, encoding="utf-8") as fh:
            return json.load(fh)  # type: ignore[no-any-return]
    from importlib import resources

    package = resources.files(f"outreach_cli.providers.{name}")
    return json.loads(package.joinpath("schema.json").read_text("utf-8"))  # type: ignore[no-any-return]
