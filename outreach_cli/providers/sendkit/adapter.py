"""SendKit (api.sendkit.ai/v1): campaigns with inline sequence and subsequences arrays."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...diff import pairing
from ...errors import ApiError, NetworkError, OutreachError
from ...urlpath import seg
from ..base import (
    Change,
    FieldRule,
    Finding,
    Lazy,
    Lifecycle,
    ListKey,
    Provider,
    Remote,
    Verdict,
    json_copy,
)
from ..identity import WorkspaceIdentity
from . import rules as sendkit_rules
from .tiptap import to_tiptap

__all__ = ["SendKit", "normalize", "to_tiptap"]

if TYPE_CHECKING:  # httpx loads only when a command talks to the platform
    from ...http import Api

# GET returns these settings flattened at the top level of the campaign (providers.md §1,
# "Diff gotcha"); every other setting is read back under `settings`.
FLATTENED_SETTINGS = (
    "trackOpens",
    "trackClicks",
    "stopOnReply",
    "emailIntervalMinutes",
    "includeUnsubscribeLink",
)
MAILBOX_SELECTORS = ("mailboxes", "mailboxIds", "mailboxEmails", "mailboxTags", "mailboxProvider")
PAGE_LIMIT = 100

TRIGGER_IMMUTABLE = (
    "a subsequence's trigger cannot change once it has sent mail (SendKit answers "
    "TRIGGER_IMMUTABLE)"
)


class SendKit(Provider):
    name = "sendkit"
    title = "SendKit"
    key_env_var = "SENDKIT_API_KEY"
    default_url = "https://api.sendkit.ai/v1"
    sandbox_prefix = "/sendkit/v1"
    LEADS = Lazy(".leads:SendKitLeads")  # type: ignore[assignment]
    statuses = ("draft", "active", "paused", "completed", "archived")
    initial_status = "draft"
    ID_PATTERN = r"[0-9a-f]{24}"  # MongoDB ObjectIds (providers.md §1)
    ID_FORM = "24 hex digits, e.g. 665a1b2c3d4e5f6a7b8c9d0e"
    TABLE_STATUSES = ("draft", "active", "paused", "completed")

    # The update page states no status restriction on PATCH (providers.md §1, "Editing an
    # active campaign: docs silent"), so every field may change in every status (catalogue
    # SK-87); the history-dependent trigger rule is in classify().
    RULES = (FieldRule("*", frozenset(statuses)),)
    # A draft has never sent and sends nothing: it satisfies `status: paused` (outreach's
    # rule: starting it only to pause it would open a window in which it sends).
    STATUS_MAP = {"draft": ("draft",), "active": ("active",), "paused": ("paused", "draft")}
    TRANSITIONS = {
        ("draft", "active"): ("start",),
        ("active", "paused"): ("pause",),
        ("paused", "active"): ("resume",),
    }
    PRE_UPDATE_ACTIONS = frozenset()  # SendKit edits are status-independent: pause needs no lead
    HOLD = {"active": ("pause", "paused")}
    LIFECYCLE_BLOCKED = {
        ("active", "draft"): (
            "SendKit has no way back to draft once a campaign has started",
            "write `status: paused` to stop sending",
        ),
        ("paused", "draft"): (
            "SendKit has no way back to draft once a campaign has started",
            "keep `status: paused`",
        ),
    }

    # Items keep their `_id` (or its documented alias `id`) to retain identity (providers.md
    # §1); without one a subsequence is its name, a variant its letter, a step its content.
    # Only steps are ordered: variants are letters, and a subsequence runs on its trigger,
    # not its place in the list.
    _VARIANTS = ListKey(ids=("_id", "id"), names=("label",), ordered=False)
    LIST_KEYS = {
        "sequence": ListKey(ids=("_id", "id")),
        "sequence.variants": _VARIANTS,
        "subsequences": ListKey(ids=("_id", "id"), names=("name",), ordered=False),
        "subsequences.sequence": ListKey(ids=("_id", "id")),
        "subsequences.sequence.variants": _VARIANTS,
    }
    BASE_KEYS = {
        "sequence": ("name", "_id"),
        "sequence[].variants": ("label",),
        "subsequences": ("name", "_id", "id"),
        "subsequences[].sequence": ("name", "_id"),
        "subsequences[].sequence[].variants": ("label",),
    }

    @classmethod
    def connect(cls, base_url: str, key: str, env: dict[str, str]) -> Api:
        from ...http import Api, RetryPolicy

        headers = {"X-Api-Key": key}
        if key.startswith("sk_user_"):
            ws = env.get("SENDKIT_WORKSPACE_ID")
            if not ws:
                raise OutreachError(
                    "a SendKit platform key (sk_user_…) needs SENDKIT_WORKSPACE_ID",
                    hint="export SENDKIT_WORKSPACE_ID=<workspace id>, or use a workspace key sk_…",
                )
            headers["X-Workspace-Id"] = ws
        # SendKit publishes no rate limit (providers.md §1): no limiter, but 429s are retried.
        return Api("sendkit", base_url, headers=headers, retry=RetryPolicy())

    # -- offline ------------------------------------------------------------------------------

    def check(self, campaign: dict[str, Any]) -> list[Finding]:
        return sendkit_rules.check(campaign)

    def write_only(self) -> tuple[str, ...]:
        return ("settings.webhook.secret", *MAILBOX_SELECTORS)

    def sensitive(self) -> tuple[str, ...]:
        return ("settings.webhook.secret",)

    def comparable(self, campaign: dict[str, Any]) -> dict[str, Any]:
        """The file as SendKit stores it, so an applied file plans to no change: bodies
        converted to TipTap HTML (SK-18), `order` renumbered from the position (SK-15), a
        reply trigger's `value` dropped (SK-36), `use_specific_mailboxes` written as
        `disabled` (SK-64), read-only `espMatchingRules` dropped (SK-62). `name` is
        server-assigned and compared only when the file sets it."""
        out = campaign  # the caller's own copy (Provider.comparable)
        _normalise_sequence(out.get("sequence"))
        for sub in out.get("subsequences") or []:
            if not isinstance(sub, dict):
                continue
            _normalise_sequence(sub.get("sequence"))
            trigger = sub.get("trigger")
            if isinstance(trigger, dict) and trigger.get("type") == "reply":
                trigger.pop("value", None)
        settings = out.get("settings")
        if isinstance(settings, dict):
            for key in sendkit_rules.IGNORED_SETTINGS:
                settings.pop(key, None)
            mode = settings.get("segCheckMode")
            if isinstance(mode, str) and mode in sendkit_rules.LEGACY_SEG_CHECK_MODES:
                settings["segCheckMode"] = sendkit_rules.LEGACY_SEG_CHECK_MODES[mode]
        return out

    def classify(self, change: Change, remote: Remote) -> Verdict:
        verdict = super().classify(change, remote)
        if not verdict.allowed:
            return verdict
        path = change.path
        if len(path) >= 3 and path[0] == "subsequences" and path[2] == "trigger":
            subs = remote.state.get("subsequences") or []
            idx = change.at[1]  # the remote subsequence the diff paired with the file's
            if isinstance(idx, int) and idx < len(subs) and _has_sent(subs[idx]):
                return Verdict(
                    False,
                    reason=TRIGGER_IMMUTABLE,
                    remedy="archive this subsequence (status: archived) and add a new "
                    "one with the new trigger",
                )
        return verdict

    def verdicts(
        self, changes: list[Change], remote: Remote | None, campaign: dict[str, Any]
    ) -> list[Verdict]:
        out = super().verdicts(changes, remote, campaign)
        problem = window_problem(campaign.get("schedule"), remote)
        if not problem:
            return out
        return [
            Verdict(
                False,
                reason=problem,
                remedy="write both startTime and endTime in the file's schedule",
            )
            if c.path
            and c.path[0] == "schedule"
            and (len(c.path) == 1 or c.path[1] in ("startTime", "endTime"))
            else v
            for c, v in zip(changes, out, strict=True)
        ]

    def notes(
        self, campaign: dict[str, Any], remote: Remote | None, lifecycle: Lifecycle
    ) -> list[str]:
        out = []
        if (
            "start" in lifecycle.actions
            and not any(campaign.get(k) for k in MAILBOX_SELECTORS)
            and not (remote and remote.raw.get("mailboxCount"))
        ):
            out.append(
                "start needs at least one mailbox: set mailboxTags, mailboxEmails or mailboxIds"
            )
        return out

    # -- remote -------------------------------------------------------------------------------

    def fetch(self, id: str) -> Remote | None:
        reply = self.client.get(f"/campaigns/{seg(id)}", ok=(404,))
        if reply.status == 404:
            return None
        return self._remote(unwrap(reply.data))

    def find_by_name(self, name: str) -> list[Remote]:
        out = []
        # `search` narrows the list; the exact match is ours (a long name is cut for the URL).
        for item in self._list(search=name[:200]):
            if item.get("name") == name:
                out.append(self._remote(item))
        return out

    def list_campaigns(self) -> list[dict[str, Any]]:
        return list(self._list())

    def _list(self, **params: Any) -> Any:
        return self.pages("/campaigns", params)

    def create(
        self, campaign: dict[str, Any], on_created: Callable[[str], None] | None = None
    ) -> str:
        body = copy.deepcopy(campaign)
        # Not retried on 5xx/connection loss: apply looks the campaign up by name instead.
        reply = self.client.post("/campaigns", json=body, retry=False)
        new_id = _id(unwrap(reply.data))
        if on_created is not None:
            on_created(new_id)
        return new_id

    def update(self, remote: Remote, campaign: dict[str, Any], changes: list[Change]) -> None:
        body = self.patch_body(remote, campaign, changes)
        if body:
            self.client.patch(f"/campaigns/{seg(remote.id)}", json=body, retry=True)

    def patch_body(
        self, remote: Remote, campaign: dict[str, Any], changes: list[Change]
    ) -> dict[str, Any]:
        """The smallest PATCH: `sequence`/`subsequences` whole (keeping `_id`s),
        `schedule`/`settings` only the changed keys (the server merges them)."""
        touched = {c.path[0] for c in changes}
        body: dict[str, Any] = {}
        if "name" in touched:
            body["name"] = campaign["name"]
        # Every item sent keeps the `_id` of the remote item the plan's diff pairs it with
        # (variants too: SendKit re-creates an item sent without one, with new stats).
        compared = self.comparable(json_copy(campaign))
        for top in ("sequence", "subsequences"):
            if top in touched:
                body[top] = self._with_ids(
                    top, campaign.get(top) or [], compared.get(top), remote.state.get(top)
                )
        for section in ("schedule", "settings"):
            if section in touched:
                body[section] = _changed_subtree(
                    campaign.get(section) or {},
                    [c.path[1:] for c in changes if c.path[0] == section],
                )
        for sel in MAILBOX_SELECTORS:
            if sel in touched:
                body[sel] = campaign[sel]
        return body

    def _with_ids(self, field: str, items: list[Any], compared: Any, have: Any) -> list[Any]:
        """`items` (the file's list at dotted `field`) with the remote ids of their pairs."""
        pairs = pairing(field, compared, have, self.LIST_KEYS)
        out = []
        for i, item in enumerate(items):
            j = pairs.get(i)
            old = have[j] if j is not None and isinstance(have[j], dict) else None
            new = _keep_id(item, old) if isinstance(item, dict) else copy.deepcopy(item)
            for sub in ("sequence", "variants"):
                inner = f"{field}.{sub}"
                if (
                    inner in self.LIST_KEYS
                    and isinstance(new, dict)
                    and isinstance(new.get(sub), list)
                ):
                    mine = (
                        compared[i]
                        if isinstance(compared, list)
                        and i < len(compared)
                        and isinstance(compared[i], dict)
                        else {}
                    )
                    new[sub] = self._with_ids(
                        inner, new[sub], mine.get(sub), (old or {}).get(sub) or []
                    )
            out.append(new)
        return out

    def transition(self, remote: Remote, action: str) -> None:
        if action not in ("start", "pause", "resume"):
            raise OutreachError(f"SendKit has no {action} action")
        # Lifecycle POSTs answer 400 INVALID_STATUS when repeated, so they are never resent
        # blindly: after a lost answer or a 5xx, read the status and ask again only if the
        # first attempt did not land.
        done = {"start": "active", "pause": "paused", "resume": "active"}[action]
        for attempt in (1, 2, 3):
            try:
                self.client.post(f"/campaigns/{seg(remote.id)}/{seg(action)}", retry=False)
                return
            except (NetworkError, ApiError) as exc:
                if isinstance(exc, ApiError) and exc.status < 500 and exc.status != 400:
                    raise
                now = self.fetch(remote.id)
                if now is not None and now.status == done:
                    return
                if attempt == 3 or isinstance(exc, ApiError) and exc.status == 400:
                    raise

    def summary(self, remote: Remote) -> dict[str, str]:
        counts = remote.raw.get("leadCounts") or {}
        stats = remote.raw.get("stats") or {}
        shown = ", ".join(f"{k} {v}" for k, v in stats.items() if isinstance(v, (int, float)))
        return {
            "leads": f"{counts.get('active', 0)} active / {counts.get('total', 0)}",
            "stats": shown,
        }

    # -- leads ----------------------------------------------------------------------------------

    def list_tags(self) -> list[dict[str, Any]]:
        return list(unwrap(self.client.get("/tags").data) or [])

    def pages(self, path: str, params: dict[str, Any]) -> Any:
        """Items of a cursor-paginated list (older revision: page/pages), each once."""
        cursor = None
        seen: set[str] = set()
        page = 1
        query: dict[str, Any] = {"limit": PAGE_LIMIT, **params}
        while True:
            if cursor:
                query["cursor"] = cursor
            reply = self.client.get(path, params=query)
            items = unwrap(reply.data) or []
            for item in items:
                iid = _id(item)
                if iid not in seen:
                    seen.add(iid)
                    yield item
            pag = reply.data.get("pagination") if isinstance(reply.data, dict) else None
            if not pag:
                return
            if "hasMore" in pag or "nextCursor" in pag:
                # Pages may be sparse (data: [] while more exist): follow the cursor.
                nxt = pag.get("nextCursor") or (_id(items[-1]) if items else None)
                if not pag.get("hasMore") or not nxt or nxt == cursor:
                    return
                cursor = nxt
            else:
                page += 1
                if page > int(pag.get("pages") or 1):
                    return
                query["page"] = page

    # -- helpers --------------------------------------------------------------------------------

    def whoami(self) -> WorkspaceIdentity:
        """The key's workspace: `GET /v1/workspaces` (providers.md §1b) answers a workspace
        key's own workspace only, and a platform key every workspace it belongs to, among
        which the one it is used with (SENDKIT_WORKSPACE_ID, sent as X-Workspace-Id)."""
        items = unwrap(self.client.get("/workspaces").data)
        items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
        chosen = self.client.header("X-Workspace-Id")  # connect()'s; a workspace key: none
        if chosen:
            items = [i for i in items if str(i.get("id") or i.get("_id") or "") == chosen]
        where = "GET /v1/workspaces"
        if len(items) != 1:
            wanted = f"workspace {chosen}" if chosen else "one workspace"
            raise OutreachError(
                f"sendkit: {where} answered {len(items)} workspaces where outreach expects "
                f"{wanted}",
                hint="a workspace key (sk_…) sees only its own workspace; a "
                "platform key (sk_user_…) needs SENDKIT_WORKSPACE_ID naming one of its "
                "workspaces",
            )
        item = items[0]
        return WorkspaceIdentity(
            "sendkit", _id(item), str(item.get("name") or ""), f"workspace read with {where}"
        )

    def _remote(self, raw: dict[str, Any]) -> Remote:
        return Remote(
            _id(raw),
            str(raw.get("name") or ""),
            str(raw.get("status") or "draft"),
            raw.get("updatedAt"),
            normalize(raw),
            raw,
        )


def normalize(raw: dict[str, Any]) -> dict[str, Any]:
    """A SendKit campaign as read → the shape of the file's `campaign:` block."""
    out: dict[str, Any] = {"name": raw.get("name")}
    if "sequence" in raw:
        out["sequence"] = json_copy(raw["sequence"])
    if "subsequences" in raw:
        out["subsequences"] = json_copy(raw["subsequences"])
    sched = raw.get("sendingSchedule") or raw.get("schedule")
    if sched is not None:
        out["schedule"] = json_copy(sched)
    settings = json_copy(raw.get("settings") or {})
    for key in FLATTENED_SETTINGS:
        if key in raw:
            settings[key] = raw[key]
    out["settings"] = settings
    return out


def window_problem(schedule: Any, remote: Remote | None) -> str:
    """Why the schedule a file writes one time of leaves an empty daily window: SendKit merges
    an update "into existing", so the other time is the live one; a create takes the
    documented default (catalogue SK-45). "" when fine or when the file writes both times
    (validate checks those)."""
    if not isinstance(schedule, dict) or ("startTime" in schedule) == ("endTime" in schedule):
        return ""
    start, end = schedule.get("startTime"), schedule.get("endTime")
    live = (remote.state.get("schedule") or {}) if remote is not None else {}
    if start is None:
        start, whence = live.get("startTime") or sendkit_rules.DEFAULT_START, "startTime"
    else:
        end, whence = live.get("endTime") or sendkit_rules.DEFAULT_END, "endTime"
    if not (isinstance(start, str) and isinstance(end, str)):
        return ""
    source = "the campaign's live" if live.get(whence) else "the default"
    return sendkit_rules.window_problem(
        start, end, f" ({source} {whence}: the file sets only the other)"
    )


def _normalise_sequence(steps: Any) -> None:
    if not isinstance(steps, list):
        return
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        if "order" in step:
            step["order"] = i  # "Step position (zero-based)": the server numbers by position
        if isinstance(step.get("body"), str):
            step["body"] = to_tiptap(step["body"])
        for var in step.get("variants") or []:
            if isinstance(var, dict) and isinstance(var.get("body"), str):
                var["body"] = to_tiptap(var["body"])


def _has_sent(sub: dict[str, Any]) -> bool:
    stats = sub.get("stats") or {}
    return bool((sub.get("addedCount") or 0) > 0 or (stats.get("sent") or 0) > 0)


def _keep_id(item: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    new = copy.deepcopy(item)
    if old and "_id" in old and "_id" not in new and "id" not in new:
        new["_id"] = old["_id"]
    return new


def _changed_subtree(section: dict[str, Any], paths: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Only the keys of `section` that changed: whole values one level down, since SendKit
    merges nested objects (webhook, variantOptimization) one level deep."""
    out: dict[str, Any] = {}
    for p in paths:
        if not p:
            return copy.deepcopy(section)
        top = p[0]
        if top not in section:
            continue
        if len(p) >= 2 and isinstance(section[top], dict):
            out.setdefault(top, {})[p[1]] = copy.deepcopy(section[top].get(p[1]))
        else:
            out[top] = copy.deepcopy(section[top])
    return out


def unwrap(body: Any) -> Any:
    """The `data` of SendKit's `{success, data}` envelope."""
    if isinstance(body, dict) and "data" in body:
        return body["data"]
    return body


def _id(item: dict[str, Any]) -> str:
    # Some action endpoints answer with `id` rather than `_id` (providers.md §1).
    return str(item.get("_id") or item.get("id") or "")
