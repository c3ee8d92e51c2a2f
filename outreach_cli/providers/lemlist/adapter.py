"""lemlist (api.lemlist.com/api): a campaign is several objects, changed one endpoint at a time.

The file's `campaign:` block is the update page's fields (PATCH /campaigns/{id}), plus
`timezone` (set at creation only), `steps` (the campaign's main sequence, compared by position)
and `schedules` (schedule objects attached to the campaign). Reading one campaign therefore
takes GET /campaigns/{id}, GET /campaigns/{id}/sequences, GET /campaigns/{id}/schedules/ and,
for each email step running an A/B test, GET …/steps/{stepId}/ab-test.

Writing follows the platform's grain (providers.md §2):
- flags and the structured sections: one PATCH with only what changed (sections are partial
  updates on lemlist's side, so only the changed leaves are sent);
- steps: PATCH a step in place (its `type` is required and must be equal), POST new ones at
  their `index`, DELETE the ones the file dropped. A step whose type changes cannot be patched:
  it is deleted and re-added. Adds run before deletes, so the sequence is never emptier than
  both the old and the new one;
- `abTest` (our name for lemlist's A/B test of an email step: variant B's subject/message)
  through POST/PATCH/DELETE …/steps/{stepId}/ab-test;
- schedules: PATCH the attached schedule with the changed keys; new ones are created and
  attached. A new campaign's default schedule is updated in place rather than replaced.

lemlist starts a campaign the moment it is created, so `create()` pauses it at once, before
adding any step; apply then starts it only when the file says `status: active`.

Every request goes through one rate budget per API key (20 per 2 s), shared by all the
campaigns a command handles and every outreach process on the machine (http.key_limiter).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ...errors import ApiError, OutreachError
from ...hashing import digest
from ...urlpath import seg
from ..base import Change, Finding, Lazy, Lifecycle, ListKey, Provider, Remote, Verdict
from ..identity import WorkspaceIdentity
from . import lifecycle
from . import rules as lemlist_rules
from .normalize import normalize
from .schedules import add_schedule, schedule_body, update_schedules
from .senders import Team, judge, not_members, sender_strategy
from .steps import add_step, classify_step, update_steps

if TYPE_CHECKING:  # httpx loads only when a command talks to the platform
    from ...http import Api

PAGE_LIMIT = 100  # GET /campaigns: max 100 per page
# Fields POST /campaigns takes; everything else of the update page goes in a PATCH.
CREATE_FIELDS = ("name", "timezone", "autoReview", "autoReviewConditions")
# Fields of the file that are not the update page's.
NOT_PATCHED = ("timezone", "steps", "schedules")


_TEAM_LOCK = threading.Lock()


class Lemlist(Provider):
    name = "lemlist"
    title = "lemlist"
    key_env_var = "LEMLIST_API_KEY"
    default_url = "https://api.lemlist.com/api"
    sandbox_prefix = "/lemlist/api"
    LEADS = Lazy(".leads:LemlistLeads")  # type: ignore[assignment]
    statuses = lemlist_rules.STATUSES
    # `errors` is a filter on top of a lifecycle status, not a status of its own.
    TABLE_STATUSES = ("draft", "running", "paused", "ended", "archived")
    RULES = lemlist_rules.RULES
    # lemlist creates campaigns running; create() pauses them before adding anything.
    initial_status = "paused"
    ID_PATTERN = r"cam_[A-Za-z0-9]{1,64}"  # prefixed ids (providers.md §2)
    ID_FORM = "cam_ followed by letters and digits, e.g. cam_HLjqF34botqRaaKaX"

    STATUS_MAP = lifecycle.STATUS_MAP
    TRANSITIONS = lifecycle.TRANSITIONS
    PRE_UPDATE_ACTIONS = lifecycle.PRE_UPDATE_ACTIONS
    HOLD = lifecycle.HOLD
    LIFECYCLE_BLOCKED = lifecycle.LIFECYCLE_BLOCKED

    _team: Team | None = None  # made on first use

    @classmethod
    def connect(cls, base_url: str, key: str, env: dict[str, str]) -> Api:
        from ...http import Api, RetryPolicy, key_limiter

        # One budget per key: every campaign of the command, every outreach process.
        limiter = key_limiter("lemlist", key, *lemlist_rules.RATE_LIMIT, base_url, env)
        return Api("lemlist", base_url, auth=("", key), limiter=limiter, retry=RetryPolicy())

    # -- offline ------------------------------------------------------------------------------

    def check(self, campaign: dict[str, Any]) -> list[Finding]:
        return lemlist_rules.check(campaign)

    # Steps: the file names no step id (lemlist's `_id`, which apply uses to address the
    # step), so the diff aligns them by content; a step's type cannot change (LM-31), so a
    # step whose type differs replaces the one at its place (one `add` whose `source` is the
    # step deleted), and `classify` says why.
    LIST_KEYS = {"steps": ListKey(fixed=("type",))}
    # A file's steps carry no identity (their `_id` is the API's, never written): an overlay
    # replaces them whole.
    BASE_KEYS = {"schedules": ("name",)}

    def align(self, desired: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """Sets (sender ids, review conditions) read back in the file's order."""
        for key in ("sendUserIds", "autoReviewConditions"):
            want, have = desired.get(key), state.get(key)
            if (
                isinstance(want, list)
                and isinstance(have, list)
                and sorted(map(str, want)) == sorted(map(str, have))
            ):
                state[key] = list(want)
        return state

    def classify(self, change: Change, remote: Remote) -> Verdict:
        verdict = super().classify(change, remote)
        path = change.path
        top = path[0] if path else ""
        if top == "sendUserIds":
            strategy = sender_strategy(remote.raw.get("campaign") or {})
            if strategy in lemlist_rules.DYNAMIC_SENDER_STRATEGIES:
                return Verdict(
                    False,
                    reason=f"this campaign picks its senders per lead (sender strategy "
                    f"{strategy}); lemlist refuses sendUserIds on it",
                    remedy="remove sendUserIds from the file, or switch the campaign to fixed "
                    "senders in the lemlist app",
                )
            new = change.new if len(path) == 1 else [change.new]
            unknown = self.unknown_senders({"sendUserIds": new})
            if unknown:
                return Verdict(
                    False,
                    reason=not_members(unknown),
                    remedy="use the usr_ ids GET /team lists, or add the users to the "
                    "team in the lemlist app",
                )
            return verdict
        if top == "steps" and len(path) >= 2 and isinstance(path[1], int):
            return classify_step(self.RULES, change, remote, verdict)
        if top == "schedules" and len(path) == 2 and change.op == "remove":
            return Verdict(
                False,
                reason="lemlist's API cannot detach a schedule from a campaign (deleting the "
                "schedule would also take it from every other campaign using it)",
                remedy="keep the schedule in the file, or detach it in the lemlist app",
            )
        return verdict

    def verdicts(
        self, changes: list[Change], remote: Remote | None, campaign: dict[str, Any]
    ) -> list[Verdict]:
        """classify, then what needs the team's data (senders.py judge)."""
        out = super().verdicts(changes, remote, campaign)
        if self.api is None or not changes:
            return out
        dynamic = (
            remote is not None
            and sender_strategy(remote.raw.get("campaign") or {})
            in lemlist_rules.DYNAMIC_SENDER_STRATEGIES
        )
        return judge(self.team, changes, out, campaign, remote, dynamic)

    @property
    def team(self) -> Team:
        """The key's team (senders.Team): members, users' channels, each read once."""
        with _TEAM_LOCK:  # a plan's threads share one Team, so each read is made once
            if self._team is None:
                self._team = Team(self.client)
            return self._team

    def unknown_senders(self, campaign: dict[str, Any]) -> list[str]:
        """The file's sendUserIds that are not members of the key's team; [] offline."""
        ids = campaign.get("sendUserIds")
        if self.api is None or not isinstance(ids, list) or not ids:
            return []
        return self.team.unknown(ids)  # type: ignore[no-any-return]

    def notes(
        self, campaign: dict[str, Any], remote: Remote | None, lifecycle: Lifecycle
    ) -> list[str]:
        out: list[str] = []
        unknown = self.unknown_senders(campaign) if remote is None else []
        if unknown:
            out.append(f"{not_members(unknown)}: apply will refuse to create this campaign")
        if remote is None:
            then = (
                "then starts it"
                if "start" in lifecycle.actions
                else "and leaves it paused (write `status: active` to start it)"
            )
            out.append(
                "lemlist starts a new campaign at once: apply pauses it right after "
                f"creating it, adds the steps and schedules, {then}"
            )
        if "start" in lifecycle.actions:
            camp = (remote.raw.get("campaign") or {}) if remote is not None else {}
            if (
                not campaign.get("sendUserIds")
                and not camp.get("senders")
                and not sender_strategy(camp)
            ):
                out.append("start: the campaign has no senders; set sendUserIds")
        return out

    def summary(self, remote: Remote) -> dict[str, str]:
        camp = remote.raw.get("campaign") or {}
        leads = self.client.get(
            f"/campaigns/{seg(remote.id)}/leads/", params={"limit": 500}, ok=(404,)
        ).data
        counts: dict[str, int] = {}
        for lead in leads if isinstance(leads, list) else []:
            state = str(lead.get("state") or "?")
            counts[state] = counts.get(state, 0) + 1
        total = sum(counts.values())
        shown = f"{total}{'+' if total >= 500 else ''} leads" + (
            " (" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")" if counts else ""
        )
        stats = (
            f"{len(remote.state.get('steps') or [])} steps, "
            f"{len(remote.state.get('schedules') or [])} schedule(s), "
            f"{len(camp.get('senders') or [])} sender(s)"
        )
        if camp.get("errors"):
            stats += "; errors: " + "; ".join(str(e) for e in camp["errors"])
        return {"leads": shown, "stats": stats}

    # -- remote: read -------------------------------------------------------------------------

    def fetch(self, id: str) -> Remote | None:
        reply = self.client.get(f"/campaigns/{seg(id)}", ok=(404,))
        if reply.status == 404 or not isinstance(reply.data, dict):
            return None
        camp = reply.data
        steps = self._main_steps(id, camp.get("sequenceId"))
        ab: dict[str, dict[str, Any]] = {}
        seq = camp.get("sequenceId")
        for step in steps:
            if step.get("type") == "email" and (
                step.get("abTest") not in (None, False) or step.get("emailTemplateBId")
            ):
                seq_id = step.get("sequenceId") or seq
                got = self.client.get(
                    f"/sequences/{seg(seq_id)}/steps/{seg(step['_id'])}/ab-test", ok=(404,)
                )
                if got.status != 404 and isinstance(got.data, dict):
                    ab[str(step["_id"])] = got.data
        sched = self.client.get(f"/campaigns/{seg(id)}/schedules/").data
        schedules = [s for s in sched if isinstance(s, dict)] if isinstance(sched, list) else []
        raw = {"campaign": camp, "steps": steps, "schedules": schedules, "abTests": ab}
        return self._remote(raw)

    def _main_steps(self, id: str, sequence_id: str | None) -> list[dict[str, Any]]:
        # 400 "Campaign has no sequence": no steps to read.
        reply = self.client.get(f"/campaigns/{seg(id)}/sequences", ok=(400,))
        data = reply.data if reply.status == 200 and isinstance(reply.data, dict) else {}
        seqs = [s for s in data.values() if isinstance(s, dict)]
        main = next((s for s in seqs if s.get("_id") == sequence_id), None) or next(
            (s for s in seqs if not s.get("level")), None
        )
        steps = [s for s in (main or {}).get("steps") or [] if isinstance(s, dict)]
        # `index` numbers the position; keep the response order where it is missing.
        return [
            s for _, s in sorted(enumerate(steps), key=lambda p: (p[1].get("index", p[0]), p[0]))
        ]

    def find_by_name(self, name: str) -> list[Remote]:
        return self.campaigns_by_name().get(name, [])

    def campaigns_by_name(self) -> dict[str, list[Remote]]:
        # GET /campaigns has no name filter: the list, every page, is the look-up.
        out: dict[str, list[Remote]] = {}
        for c in self.list_campaigns():
            out.setdefault(str(c.get("name") or ""), []).append(self._light(c))
        return out

    def list_campaigns(self) -> list[dict[str, Any]]:
        return list(self._pages())

    def _pages(self) -> Iterator[dict[str, Any]]:
        offset = 0
        seen: set[str] = set()
        while True:
            data = self.client.get(
                "/campaigns", params={"version": "v2", "offset": offset, "limit": PAGE_LIMIT}
            ).data
            # The OpenAPI file documents a bare array; v2 answers {campaigns, pagination}.
            items = data.get("campaigns") if isinstance(data, dict) else data
            items = [c for c in items or [] if isinstance(c, dict)]
            fresh = [c for c in items if str(c.get("_id")) not in seen]
            for c in fresh:
                seen.add(str(c.get("_id")))
                yield c
            pag = data.get("pagination") if isinstance(data, dict) else None
            more = (
                (pag.get("nextPage") is not None)
                if isinstance(pag, dict)
                else len(items) >= PAGE_LIMIT
            )
            if not more or not fresh:
                return
            offset += PAGE_LIMIT

    # -- remote: write ------------------------------------------------------------------------

    def create(
        self, campaign: dict[str, Any], on_created: Callable[[str], None] | None = None
    ) -> str:
        # The senders are sent last (after the steps: lemlist checks them against the steps'
        # channels); one lemlist would not take must stop the create before its first call.
        unknown = self.unknown_senders(campaign)
        if unknown:
            raise OutreachError(f"{not_members(unknown)}; nothing was created")
        body = {k: copy.deepcopy(campaign[k]) for k in CREATE_FIELDS if k in campaign}
        # Not retried on 5xx or a lost answer: apply looks the campaign up by name instead.
        data = self.client.post("/campaigns", json=body, retry=False).data
        if not isinstance(data, dict) or not data.get("_id"):
            raise OutreachError(f"lemlist answered the create without a campaign id: {data!r}")
        cid = str(data["_id"])
        if on_created is not None:
            on_created(cid)  # recorded before anything else is sent
        try:
            self._fill(cid, data, campaign)
        except ApiError as exc:  # a 4xx refuses the file; a 5xx or 429 is lemlist's failure
            todo = (
                "fix the file and apply again"
                if exc.status < 500 and exc.status != 429
                else "apply again with the file unchanged"
            )
            raise ApiError(
                exc.provider,
                exc.status,
                exc.message.split(": ", 1)[-1]
                + (
                    f"; the new campaign {cid} exists, paused, with what was sent before this "
                    f"failure: {todo} (apply finds it by its name)"
                ),
                code=exc.code,
            ) from exc
        return cid

    def _fill(self, cid: str, data: dict[str, Any], campaign: dict[str, Any]) -> None:
        """A new campaign's pause, steps, settings and schedules, after its POST."""
        # lemlist starts it right away (the create example answers `state: running`).
        self.client.post(f"/campaigns/{seg(cid)}/pause", retry=True)
        seq = data.get("sequenceId")
        schedule_ids = [str(s) for s in data.get("scheduleIds") or []]
        if not seq:
            camp = self.client.get(f"/campaigns/{seg(cid)}").data or {}
            seq, schedule_ids = camp.get("sequenceId"), list(camp.get("scheduleIds") or [])
        for i, step in enumerate(campaign.get("steps") or []):
            add_step(self.client, str(seq), step, i, cid)
        # After the steps: lemlist checks the senders against the channels the steps use.
        rest = {
            k: copy.deepcopy(v)
            for k, v in campaign.items()
            if k not in CREATE_FIELDS and k not in NOT_PATCHED
        }
        if rest:
            self.client.patch(f"/campaigns/{seg(cid)}", json=rest, retry=True)
        schedules = campaign.get("schedules") or []
        if schedules and schedule_ids:
            # The default schedule lemlist made for this campaign becomes the first one.
            self.client.patch(
                f"/schedules/{seg(schedule_ids[0])}", json=schedule_body(schedules[0]), retry=True
            )
            schedules = schedules[1:]
        for sched in schedules:
            add_schedule(self.client, cid, sched)

    def update(self, remote: Remote, campaign: dict[str, Any], changes: list[Change]) -> None:
        steps = [c for c in changes if c.path and c.path[0] == "steps"]
        if steps:
            update_steps(self.client, remote, campaign, steps)
        body = self.patch_body(campaign, changes)
        if body:
            self.client.patch(f"/campaigns/{seg(remote.id)}", json=body, retry=True)
        scheds = [c for c in changes if c.path and c.path[0] == "schedules"]
        if scheds:
            update_schedules(self.client, remote, campaign, scheds)

    def patch_body(self, campaign: dict[str, Any], changes: list[Change]) -> dict[str, Any]:
        """The update page's fields that changed, and no others: a section only with its
        changed leaves (lemlist merges them), a list whole."""
        body: dict[str, Any] = {}
        for c in changes:
            if not c.path or c.path[0] in NOT_PATCHED:
                continue
            keys: list[str] = []
            for p in c.path:
                if isinstance(p, int):
                    break
                keys.append(p)
            found, value = _dig(campaign, keys)
            if not found:
                continue
            node = body
            for k in keys[:-1]:
                node = node.setdefault(k, {})
            node[keys[-1]] = copy.deepcopy(value)
        return body

    def transition(self, remote: Remote, action: str) -> None:
        if action not in ("start", "pause"):
            raise OutreachError(f"lemlist has no {action} action")
        # Both are documented no-ops when the campaign is already there: safe to repeat.
        self.client.post(f"/campaigns/{seg(remote.id)}/{seg(action)}", retry=True)

    # -- helpers ------------------------------------------------------------------------------

    def _light(self, camp: dict[str, Any]) -> Remote:
        return Remote(
            str(camp.get("_id")),
            str(camp.get("name") or ""),
            str(camp.get("status") or "draft"),
            camp.get("updatedAt"),
            {},
            {"campaign": camp},
        )

    def whoami(self) -> WorkspaceIdentity:
        """The key's team (a key belongs to one): `GET /team`, `_id` tea_…, `name`, `userIds`."""
        team = self.client.get("/team").data
        if not isinstance(team, dict) or not team.get("_id"):
            raise OutreachError("lemlist: GET /team answered no team `_id`")
        users = team.get("userIds")
        return WorkspaceIdentity(
            "lemlist",
            str(team["_id"]),
            str(team.get("name") or ""),
            "team read with GET /team",
            accounts=tuple(map(str, users)) if isinstance(users, list) else (),
        )

    def _remote(self, raw: dict[str, Any]) -> Remote:
        camp = raw["campaign"]
        state = normalize(camp, raw["steps"], raw["abTests"], raw["schedules"])
        status = str(camp.get("status") or "draft")
        # The documented Campaign object has no updatedAt: without one, the revision is a
        # hash of everything read, which moves with any edit as well.
        revision = camp.get("updatedAt") or digest({"status": status, "state": state})
        return Remote(
            str(camp.get("_id")), str(camp.get("name") or ""), status, str(revision), state, raw
        )


def _dig(data: Any, keys: list[str]) -> tuple[bool, Any]:
    node = data
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            return False, None
        node = node[k]
    return True, node
