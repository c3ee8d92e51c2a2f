"""Puffle (app.puffle.ai/api): email and LinkedIn campaigns whose edits depend on status.

Puffle's PATCH silently ignores draft-only fields once a campaign has left draft
(seeds/puffle-update-campaign.txt): the status × field table in `puffle_rules.RULES` is what
lets the plan say so before anything is sent.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...diff import pairing
from ...errors import ApiError, NetworkError, OutreachError
from ...urlpath import seg
from ..base import Change, Finding, Lazy, Lifecycle, ListKey, Provider, Remote, Verdict, json_copy
from ..identity import WorkspaceIdentity
from . import rules as puffle_rules

if TYPE_CHECKING:  # httpx loads only when a command talks to the platform
    from ...http import Api

# Fields POST /api/campaigns takes (providers.md §3, "Create"); the rest goes in a PATCH.
CREATE_FIELDS = (
    "type",
    "name",
    "sender_account_ids",
    "skip_other_campaigns",
    "operating_hours",
    "daily_limit",
    "stop_on_reply",
    "open_tracking",
    "signature",
)
READ_FIELDS = (
    "type",
    "name",
    "operating_hours",
    "daily_limit",
    "skip_other_campaigns",
    "stop_on_reply",
    "open_tracking",
    "signature",
)
_CHECKS_LOCK = threading.Lock()


class Puffle(Provider):
    name = "puffle"
    title = "Puffle"
    key_env_var = "PUFFLE_API_KEY"
    default_url = "https://app.puffle.ai/api"
    sandbox_prefix = "/puffle/api"
    LEADS = Lazy(".leads:PuffleLeads")  # type: ignore[assignment]
    statuses = puffle_rules.STATUSES
    initial_status = "draft"
    ID_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    ID_FORM = "a UUID, e.g. 11ac250f-7c6a-4e8d-a6ea-e9bc06002d9b"
    TABLE_STATUSES = ("draft", "active", "paused")
    RULES = puffle_rules.RULES

    # Launch is asynchronous: `launching` already satisfies `status: active`.
    STATUS_MAP = {"draft": ("draft",), "active": ("active", "launching"), "paused": ("paused",)}
    TRANSITIONS = {
        ("draft", "active"): ("launch",),
        ("active", "paused"): ("pause",),
        ("paused", "active"): ("resume",),
    }
    # Pausing does not reopen draft-only fields, so a pause need not come first.
    PRE_UPDATE_ACTIONS = frozenset()
    HOLD = {"active": ("pause", "paused")}
    LIFECYCLE_BLOCKED = {
        ("draft", "paused"): (
            "Puffle pauses only active campaigns; a draft has not started",
            "write `status: active` to launch it, or keep `status: draft`",
        ),
        ("active", "draft"): (
            "Puffle has no way back to draft",
            "create a new campaign (a new key) to start over as a draft",
        ),
        ("paused", "draft"): (
            "Puffle has no way back to draft",
            "create a new campaign (a new key) to start over as a draft",
        ),
        ("launching", "paused"): (
            "the campaign is still launching; Puffle pauses only active campaigns",
            "plan again in a minute",
        ),
        ("completed", "active"): (
            "the campaign has completed: every prospect has finished",
            "create a new campaign to reach new prospects",
        ),
        ("completed", "paused"): (
            "the campaign has completed: there is nothing left to pause",
            "remove `status:` from the file; a completed campaign stays completed",
        ),
    }

    def __init__(self, api: Api | None = None) -> None:
        super().__init__(api)
        # The launch check per read (launch_check): the Remote itself, and Puffle's answer.
        self._checks: dict[int, tuple[Remote, dict[str, Any]]] = {}

    @classmethod
    def connect(cls, base_url: str, key: str, env: dict[str, str]) -> Api:
        from ...http import Api, RetryPolicy

        # Puffle publishes no global rate limit, only per-endpoint cooldowns with 429 +
        # Retry-After (providers.md §3): no limiter, retries honour Retry-After.
        return Api(
            "puffle", base_url, headers={"Authorization": f"Bearer {key}"}, retry=RetryPolicy()
        )

    # -- offline ------------------------------------------------------------------------------

    def check(self, campaign: dict[str, Any]) -> list[Finding]:
        return puffle_rules.check(campaign)

    def comparable(self, campaign: dict[str, Any]) -> dict[str, Any]:
        """The file's campaign as Puffle stores it: node positions follow the array order
        ("Positions are normalized to match array order"), so a file's own are dropped."""
        return _without_positions(campaign)

    def write_only(self) -> tuple[str, ...]:
        # The documented GET returns no account_limits (providers.md §3, "List"/"Get one").
        return ("account_limits",)

    def atomic(self) -> tuple[str, ...]:
        # operating_hours is opaque JSONB whose shape Puffle does not document: compare it
        # whole rather than guess which keys are ours.
        return ("operating_hours",)

    # Nodes by their `id` where the file gives one, else aligned by content; a node's type
    # cannot change, so a node of another type is a new node.
    LIST_KEYS = {"sequence_nodes": ListKey(ids=("id",), fixed=("type",))}
    BASE_KEYS = {"sequence_nodes": ("id",), "account_limits": ("account_id",)}

    def classify(self, change: Change, remote: Remote) -> Verdict:
        verdict = super().classify(change, remote)
        if verdict.allowed:
            note = puffle_rules.note_for(change.field, remote.status, remote.ctype)
            return Verdict(True, note=note)
        return verdict

    def align(self, desired: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """Sender ids are a set: read back in the file's order when they are the same ids."""
        want, have = desired.get("sender_account_ids"), state.get("sender_account_ids")
        if isinstance(want, list) and isinstance(have, list) and sorted(want) == sorted(have):
            state["sender_account_ids"] = list(want)
        return state

    # Puffle's launch page lists "no pending prospects" among its 400s (providers.md §3);
    # validate may word it as a warning only, so outreach reads it as what blocks a launch.
    LAUNCH_BLOCKERS = ("no pending prospects",)

    def gate(self, remote: Remote, lifecycle: Lifecycle) -> Lifecycle:
        """A draft's launch is planned only when Puffle's validate says it would succeed:
        otherwise the plan shows it blocked with Puffle's reasons, and apply sends nothing."""
        if "launch" not in lifecycle.actions or remote.status != "draft":
            return lifecycle
        report = self.launch_check(remote)
        problems = [str(e) for e in report.get("errors") or []]
        problems += [
            str(w)
            for w in report.get("warnings") or []
            if any(b in str(w).lower() for b in self.LAUNCH_BLOCKERS)
        ]
        if report.get("ready") and not problems:
            return lifecycle
        return Lifecycle(
            blocked="Puffle would refuse the launch: "
            + ("; ".join(problems) or "validate says it is not ready"),
            remedy="fix what it names (e.g. add prospects with `outreach leads "
            "add`), or keep `status: draft` until then",
        )

    def notes(
        self, campaign: dict[str, Any], remote: Remote | None, lifecycle: Lifecycle
    ) -> list[str]:
        out: list[str] = []
        if "launch" in lifecycle.actions and remote is not None and remote.status == "draft":
            report = self.launch_check(remote)  # the gate passed: only warnings left
            for warning in report.get("warnings") or []:
                out.append(f"launch: {warning}")
        return out

    # -- remote -------------------------------------------------------------------------------

    def fetch(self, id: str) -> Remote | None:
        reply = self.client.get(f"/campaigns/{seg(id)}", ok=(404,))
        if reply.status == 404:
            return None
        return self._remote(reply.data)

    def find_by_name(self, name: str) -> list[Remote]:
        return self.campaigns_by_name().get(name, [])

    def campaigns_by_name(self) -> dict[str, list[Remote]]:
        # GET /api/campaigns has no pagination and no search: every campaign in one list.
        data = self.client.get("/campaigns").data or {}
        items = data.get("campaigns") if isinstance(data, dict) else data
        out: dict[str, list[Remote]] = {}
        for c in items or []:
            if isinstance(c, dict):
                out.setdefault(str(c.get("name") or ""), []).append(
                    self._remote({"campaign": c, "sequence_nodes": []})
                )
        return out

    def create(
        self, campaign: dict[str, Any], on_created: Callable[[str], None] | None = None
    ) -> str:
        campaign = _without_positions(campaign)
        body = {k: copy.deepcopy(campaign[k]) for k in CREATE_FIELDS if k in campaign}
        reply = self.client.post("/campaigns", json=body, retry=False)
        data = reply.data if isinstance(reply.data, dict) else {}
        new_id = str((data.get("campaign") or {}).get("id") or "")
        if not new_id:
            raise OutreachError(f"Puffle answered the create without a campaign id: {data!r}")
        if on_created is not None:
            on_created(new_id)
        # A new campaign is seeded with [email, end] or [connection_request, end]; the
        # file's sequence and per-sender limits need the PATCH that only drafts honour.
        rest = {
            k: copy.deepcopy(campaign[k])
            for k in ("sequence_nodes", "account_limits")
            if k in campaign
        }
        if rest:
            self.client.patch(f"/campaigns/{seg(new_id)}", json=rest, retry=True)
        return new_id

    def update(self, remote: Remote, campaign: dict[str, Any], changes: list[Change]) -> None:
        body = self.patch_body(remote, campaign, changes)
        if body:
            self.client.patch(f"/campaigns/{seg(remote.id)}", json=body, retry=True)

    def patch_body(
        self, remote: Remote, campaign: dict[str, Any], changes: list[Change]
    ) -> dict[str, Any]:
        """Each top-level field with a change in it, sent whole (Puffle replaces what it is
        sent: sequence_nodes is a "full upsert"); each node keeps the id of the node the
        plan's diff pairs it with (LIST_KEYS)."""
        body: dict[str, Any] = {}
        campaign = _without_positions(campaign)
        for top in dict.fromkeys(str(c.path[0]) for c in changes):
            if top not in campaign:
                continue
            body[top] = copy.deepcopy(campaign[top])
        if "sequence_nodes" in body:
            have = remote.raw.get("sequence_nodes") or []
            pairs = pairing(
                "sequence_nodes",
                self.comparable(json_copy(campaign)).get("sequence_nodes"),
                remote.state.get("sequence_nodes"),
                self.LIST_KEYS,
            )
            for i, node in enumerate(body["sequence_nodes"]):
                j = pairs.get(i)
                if (
                    j is not None
                    and isinstance(node, dict)
                    and "id" not in node
                    and have[j].get("id")
                ):
                    node["id"] = have[j]["id"]
        return body

    def transition(self, remote: Remote, action: str) -> None:
        """Launch, pause or resume, converging when a previous answer was lost: Puffle's
        pause and resume are not idempotent (a repeat answers 400), nor is launch (409)."""
        if action == "launch":
            report = self.launch_check(remote)
            if not report.get("ready"):
                raise OutreachError(
                    f"Puffle will not launch {remote.id}: "
                    + ("; ".join(str(e) for e in report.get("errors") or []) or "not ready"),
                    hint="fix what validate reports (senders, prospects, node content)",
                )
            done = ("launching", "active")
            # 503 is a transient LinkedIn check after which Puffle rolls back to draft, so the
            # launch is safe to repeat.
            self._post_converging(remote.id, "launch", done, retry=True)
        elif action == "pause":
            self._post_converging(remote.id, "pause", ("paused",))
        elif action == "resume":
            # Resume may land in `completed` when every prospect is done: reported by apply
            # through the final status, not an error.
            self._post_converging(remote.id, "resume", ("active", "completed"))
        else:
            raise OutreachError(f"Puffle has no {action} action")

    def _post_converging(
        self, id: str, action: str, done: tuple[str, ...], retry: bool = False
    ) -> None:
        for attempt in (1, 2):
            try:
                self.client.post(f"/campaigns/{seg(id)}/{seg(action)}", retry=retry)
                return
            except NetworkError:
                # The answer was lost: the action may or may not have landed. Look before
                # asking again, so a repeat never meets Puffle's "already paused" 400.
                now = self.fetch(id)
                if now is not None and now.status in done:
                    return
                if attempt == 2:
                    raise
            except ApiError as exc:
                if exc.status not in (400, 409):
                    raise
                now = self.fetch(id)
                if now is None or now.status not in done:
                    raise
                return  # already where the action leads: an earlier attempt landed

    def launch_check(self, remote: Remote) -> dict[str, Any]:
        """Puffle's launch check of the campaign as `remote` read it, asked once per read: the
        plan's gate, its notes and the launch itself (when apply launches what it just read
        back, with nothing sent since) share one answer, as they share the read."""
        with _CHECKS_LOCK:
            hit = self._checks.get(id(remote))
            if hit is not None and hit[0] is remote:
                return hit[1]
        report = self.validate_launch(remote.id)
        with _CHECKS_LOCK:
            if len(self._checks) >= 256:
                self._checks.clear()
            self._checks[id(remote)] = (remote, report)
        return report

    def validate_launch(self, id: str) -> dict[str, Any]:
        data = self.client.get(f"/campaigns/{seg(id)}/validate").data
        return data if isinstance(data, dict) else {}

    def summary(self, remote: Remote) -> dict[str, str]:
        by_status = remote.raw.get("prospects_by_status") or {}
        total = sum(v for v in by_status.values() if isinstance(v, int))
        return {
            "leads": f"{total} prospects"
            + (
                " (" + ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())) + ")"
                if by_status
                else ""
            ),
            "stats": ", ".join(
                f"{k} {v}" for k, v in (remote.raw.get("campaign", {}).get("stats") or {}).items()
            ),
        }

    # -- helpers --------------------------------------------------------------------------------

    def whoami(self) -> WorkspaceIdentity:
        """The key's account, by proxy: Puffle documents no endpoint that names the workspace
        or account a key belongs to (providers.md §3: keys are "scoped to a single workspace";
        `/api/user/api-key` takes session cookies, not keys). The documented field that names
        it is `user_id` on every campaign of `GET /api/campaigns`; the connected sender
        accounts (`GET /api/senders`) name it for people. A workspace without campaigns has
        no `user_id` to read: `id` is then "" and `detail` says so."""
        listed = self.client.get("/campaigns").data
        camps = listed.get("campaigns") if isinstance(listed, dict) else None
        users = sorted(
            {str(c["user_id"]) for c in camps or [] if isinstance(c, dict) and c.get("user_id")}
        )
        got = self.client.get("/senders").data
        senders = got.get("senders") if isinstance(got, dict) else None
        senders = [s for s in senders or [] if isinstance(s, dict)]
        names = [str(s.get("email") or s.get("name") or s.get("id")) for s in senders]
        detail = (
            "Puffle documents no workspace endpoint: the account is the campaigns' "
            "user_id (GET /api/campaigns) and its senders (GET /api/senders)"
        )
        if not users:
            detail += "; no campaign yet, so no user_id to read"
        elif len(users) > 1:
            detail += f"; campaigns name {len(users)} user ids"
        return WorkspaceIdentity(
            "puffle",
            ",".join(users),
            "senders: " + ", ".join(names) if names else "",
            detail,
            proxy=True,
            accounts=tuple(str(s.get("id")) for s in senders),
        )

    def _remote(self, data: dict[str, Any]) -> Remote:
        camp = data.get("campaign") or {}
        nodes = data.get("sequence_nodes")
        if nodes is None:
            nodes = camp.get("sequence_nodes") or []
        state: dict[str, Any] = {k: camp[k] for k in READ_FIELDS if k in camp}
        senders = camp.get("sender_accounts")
        if senders is not None:
            state["sender_account_ids"] = [s.get("id") for s in senders if isinstance(s, dict)]
        elif "sender_account_ids" in camp:
            state["sender_account_ids"] = camp["sender_account_ids"]
        state["sequence_nodes"] = sorted(nodes, key=lambda n: n.get("position") or 0)
        raw = dict(data)
        raw["sequence_nodes"] = state["sequence_nodes"]
        return Remote(
            str(camp.get("id")),
            str(camp.get("name") or ""),
            str(camp.get("status") or "draft"),
            camp.get("updated_at"),
            state,
            raw,
            camp.get("type"),
        )


def _without_positions(campaign: dict[str, Any]) -> dict[str, Any]:
    """A copy of `campaign` whose nodes carry no `position` ("don't try to set your own
    position values": Puffle numbers them by array order)."""
    nodes = campaign.get("sequence_nodes")
    if not isinstance(nodes, list) or not any(
        isinstance(n, dict) and "position" in n for n in nodes
    ):
        return campaign
    out = dict(campaign)
    out["sequence_nodes"] = [
        {k: v for k, v in n.items() if k != "position"} if isinstance(n, dict) else n for n in nodes
    ]
    return out
