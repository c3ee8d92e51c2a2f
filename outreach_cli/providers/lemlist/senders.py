"""What lemlist will do with a campaign's senders and step targets, judged at plan time.

The update page: "senders without capabilities for at least one channel are excluded, and all
channels must be covered by at least one sender" (catalogue LM-11, LM-C17); the step schema: a
sendToAnotherCampaign target "must exist and not be archived" (LM-27). Each needs the team's
data, which validate cannot know offline and plan reads: a user's channels (GET
/users/{userId}: `mailboxes`, `linkedIn.status`) and another campaign's status.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...urlpath import seg
from ..base import Verdict

if TYPE_CHECKING:
    from ...http import Api
    from ..base import Change, Remote

# Where the campaign object may say how senders are chosen. Docs silent; the sandbox uses
# `senderStrategy`.
STRATEGY_KEYS = ("senderStrategy", "sendersStrategy", "senderType")
ORDER = ("email", "linkedin", "sms", "whatsapp")
# GET /users/{userId} tells mailboxes and LinkedIn; phone numbers and WhatsApp accounts are not
# in the User object, so a step on those channels is never judged here (lemlist judges it).
KNOWABLE = frozenset({"email", "linkedin"})


def channel_of(step_type: Any) -> str | None:
    """The sending channel of a step type (None: the step sends nothing on a channel)."""
    if not isinstance(step_type, str):
        return None
    if step_type == "email":
        return "email"
    if step_type.startswith("linkedin"):
        return "linkedin"
    if step_type == "sms":
        return "sms"
    if step_type.startswith("whatsapp"):
        return "whatsapp"
    return None


def channels(steps: Iterable[Any]) -> set[str]:
    return {c for s in steps if isinstance(s, dict) and (c := channel_of(s.get("type")))}


@dataclass(frozen=True)
class SenderProblem:
    reason: str
    remedy: str
    ignored: bool  # lemlist would accept and silently drop senders (not refuse)


class Team:
    """The team's users' channels and other campaigns' statuses, each read once (a plan's
    threads share one Team: a read and its record are made under one lock)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self._lock = threading.RLock()
        self._members: frozenset[str] | None = None
        self._users: dict[str, frozenset[str] | None] = {}
        self._statuses: dict[str, str | None] = {}

    def unknown(self, ids: list[Any]) -> list[str]:
        """`ids` that are not members of the team (GET /team `userIds`); [] when the team
        does not list its members."""
        with self._lock:
            if self._members is None:
                team = self.api.get("/team").data
                members = team.get("userIds") if isinstance(team, dict) else None
                self._members = (
                    frozenset(map(str, members)) if isinstance(members, list) else frozenset({"*"})
                )
            if "*" in self._members:
                return []
            return [str(i) for i in ids if str(i) not in self._members]

    def user_channels(self, user_id: str) -> frozenset[str] | None:
        """The channels of `user_id` that the API shows (None: it could not be read)."""
        with self._lock:
            if user_id not in self._users:
                reply = self.api.get(f"/users/{seg(user_id)}", ok=(404,))
                data = reply.data if reply.status == 200 and isinstance(reply.data, dict) else None
                if data is None:
                    self._users[user_id] = None
                else:
                    out = set()
                    if any(isinstance(m, dict) for m in data.get("mailboxes") or []):
                        out.add("email")
                    linked = data.get("linkedIn")
                    if isinstance(linked, dict) and linked.get("status") is True:
                        out.add("linkedin")
                    self._users[user_id] = frozenset(out)
            return self._users[user_id]

    def campaign_status(self, campaign_id: str) -> str | None:
        """The status of another campaign of the team (None: not found)."""
        with self._lock:
            if campaign_id not in self._statuses:
                reply = self.api.get(f"/campaigns/{seg(campaign_id)}", ok=(404,))
                data = reply.data if reply.status == 200 and isinstance(reply.data, dict) else None
                self._statuses[campaign_id] = str(data.get("status") or "") if data else None
            return self._statuses[campaign_id]

    def sender_problem(self, sender_ids: list[Any], steps: list[Any]) -> SenderProblem | None:
        """What lemlist does with `sender_ids` on a campaign with `steps`, if not plain
        acceptance: refuses them (a channel no sender covers, or none capable) or drops some
        (a sender with none of the channels)."""
        needed = channels(steps)
        judged = needed & KNOWABLE
        if not judged or not sender_ids:
            return None
        caps: dict[str, frozenset[str]] = {}
        for sid in dict.fromkeys(str(s) for s in sender_ids):
            got = self.user_channels(sid)
            if got is None:
                return None  # not a readable member: the members check says so
            caps[sid] = got
        # A sender is kept when it has a channel the steps use (channels the API does not
        # show count as possibly covered: lemlist, not the plan, judges those).
        maybe = needed - KNOWABLE
        kept = [s for s, c in caps.items() if c & needed or maybe]
        dropped = [s for s in caps if s not in kept]
        covered = set().union(*(caps[s] for s in kept)) if kept else set()
        missing = [c for c in ORDER if c in judged and c not in covered]
        uses = ", ".join(c for c in ORDER if c in needed)
        if not kept:
            return SenderProblem(
                f"none of the senders has a channel the steps use ({uses}); lemlist excludes "
                "senders without capabilities for at least one channel and then refuses the "
                "campaign's senders",
                "add a sender with a mailbox or a LinkedIn account the steps need",
                False,
            )
        if missing:
            return SenderProblem(
                f"no sender covers {', '.join(missing)} (the steps use {uses}); lemlist "
                "refuses senders unless all channels are covered by at least one sender",
                f"add a sender with {' and '.join(missing)} connected, or remove those steps",
                False,
            )
        if dropped:
            return SenderProblem(
                f"{', '.join(dropped)} {'has' if len(dropped) == 1 else 'have'} none of the "
                f"channels the steps use ({uses}): lemlist "
                "excludes senders without capabilities for at least one channel, so it would "
                "silently drop them and the file would never match the campaign",
                "remove them from sendUserIds, or connect the channel they lack",
                True,
            )
        return None


def judge(
    team: Team,
    changes: list[Change],
    verdicts: list[Verdict],
    campaign: dict[str, Any],
    remote: Remote | None,
    dynamic: bool,
) -> list[Verdict]:
    """`verdicts` with the changes lemlist would refuse or drop blocked: a senders problem
    on the sendUserIds change (else on the step changes), a bad target on its step."""
    out = list(verdicts)
    live_steps = remote.state.get("steps") if remote is not None else None
    given = campaign.get("steps")
    steps: list[Any] = (
        given if isinstance(given, list) else live_steps if isinstance(live_steps, list) else []
    )
    tops = [c.path[0] if c.path else "" for c in changes]
    ids = campaign.get("sendUserIds")
    problem = None
    if isinstance(ids, list) and not dynamic and {"sendUserIds", "steps"} & set(tops):
        problem = team.sender_problem(ids, steps)
    if problem is not None:
        at = "sendUserIds" if "sendUserIds" in tops else "steps"
        out = [
            Verdict(False, reason=problem.reason, remedy=problem.remedy, ignored=problem.ignored)
            if top == at and v.allowed
            else v
            for top, v in zip(tops, out, strict=True)
        ]
    for n, c in enumerate(changes):
        i = c.path[1] if len(c.path) >= 2 and c.path[0] == "steps" else None
        step = steps[i] if isinstance(i, int) and i < len(steps) else None
        target = (
            step.get("campaignId")
            if isinstance(step, dict) and step.get("type") == "sendToAnotherCampaign"
            else None
        )
        if (
            not isinstance(i, int)
            or not isinstance(target, str)
            or c.op == "remove"
            or not out[n].allowed
        ):
            continue
        status = team.campaign_status(target)
        if status is None or status == "archived":
            what = "does not exist in this team" if status is None else "is archived"
            out[n] = Verdict(
                False,
                reason=f"step {i + 1} sends leads to campaign {target}, "
                f"which {what}: lemlist refuses it (the campaign must exist and "
                "not be archived)",
                remedy="point campaignId at a live campaign of this team",
            )
    return out


def not_members(ids: list[str]) -> str:
    return (
        f"outreach's rule: sendUserIds names {', '.join(ids)}, not a member of this lemlist "
        f"team (GET /team lists its userIds); lemlist's docs do not say what it does with "
        f"such an id (it refuses or drops it, and the campaign then has no such sender)"
    )


def sender_strategy(camp: dict[str, Any]) -> str | None:
    for key in STRATEGY_KEYS:
        value = camp.get(key)
        if isinstance(value, str) and value:
            return value
    return None
