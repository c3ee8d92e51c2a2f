"""lemlist's schedules: the attached schedules patched in place, new ones created and attached."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ...errors import OutreachError
from ...urlpath import seg
from ..base import Change, Remote
from .normalize import SCHEDULE_FIELDS

if TYPE_CHECKING:
    from ...http import Api


def schedule_body(sched: dict[str, Any]) -> dict[str, Any]:
    """The request body of a schedule: its fields the schedule endpoints take."""
    return {k: copy.deepcopy(sched[k]) for k in SCHEDULE_FIELDS if k in sched}


def update_schedules(
    client: Api, remote: Remote, campaign: dict[str, Any], changes: list[Change]
) -> None:
    """Send the schedule `changes`: a PATCH of each changed schedule with its changed keys,
    the new ones created and attached."""
    have: list[dict[str, Any]] = remote.raw.get("schedules") or []
    want: list[dict[str, Any]] = campaign.get("schedules") or []
    patched: dict[int, set[str]] = {}
    added: set[int] = set()
    for c in changes:
        if len(c.path) == 1:
            added.update(range(len(have), len(want)))
        elif c.op == "add" and len(c.path) == 2:
            assert isinstance(c.path[1], int)
            added.add(c.path[1])
        elif len(c.path) >= 3:
            assert isinstance(c.path[1], int)
            patched.setdefault(c.path[1], set()).add(str(c.path[2]))
        # A removed schedule is blocked by classify: it never reaches apply.
    for i in sorted(patched):
        body = {k: copy.deepcopy(want[i][k]) for k in sorted(patched[i]) if k in want[i]}
        if body:
            client.patch(f"/schedules/{seg(have[i]['_id'])}", json=body, retry=True)
    for i in sorted(added):
        add_schedule(client, remote.id, want[i])


def add_schedule(client: Api, cid: str, sched: dict[str, Any]) -> None:
    """Create `sched` and attach it to campaign `cid`."""
    data = client.post("/schedules", json=schedule_body(sched)).data or {}
    sid = data.get("_id")
    if not sid:
        raise OutreachError(f"lemlist created a schedule without answering its id: {data!r}")
    # Associating is idempotent: safe to repeat after a lost answer.
    client.post(f"/campaigns/{seg(cid)}/schedules/{seg(sid)}", retry=True)
