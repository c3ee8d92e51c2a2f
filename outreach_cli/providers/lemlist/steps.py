"""lemlist's step endpoints: a step patched in place, added at its index, deleted; A/B tests."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ...errors import OutreachError
from ..base import Change, Remote
from .normalize import AB_FIELDS, STEP_FIELDS

if TYPE_CHECKING:
    from ...http import Api


def update_steps(client: Api, remote: Remote, campaign: dict[str, Any],
                 changes: list[Change]) -> None:
    """Patch in place, then add (type changes are added before the step they replace),
    then delete: the sequence never has fewer steps than the smaller of old and new."""
    raw_steps: list[dict[str, Any]] = remote.raw.get("steps") or []
    old_state: list[dict[str, Any]] = remote.state.get("steps") or []
    want: list[dict[str, Any]] = campaign.get("steps") or []
    seq = str((remote.raw.get("campaign") or {}).get("sequenceId"))
    patched: dict[int, set[str]] = {}
    ab: set[int] = set()
    replaced: set[int] = set()
    added: set[int] = set()
    removed: set[int] = set()
    for c in changes:
        if len(c.path) == 1:  # the remote had no steps at all
            added.update(range(len(raw_steps), len(want)))
            continue
        i = c.path[1]
        assert isinstance(i, int)
        if len(c.path) == 2:
            if c.op == "remove":
                removed.add(i)
            elif i < len(raw_steps):
                replaced.add(i)
            else:
                added.add(i)
        elif c.path[2] == "abTest":
            ab.add(i)
        else:
            patched.setdefault(i, set()).add(str(c.path[2]))

    for i in sorted(patched):
        old = raw_steps[i]
        body = {"type": old["type"]}
        body.update({k: copy.deepcopy(want[i][k]) for k in sorted(patched[i])
                     if k in want[i] and k not in ("type", "abTest")})
        client.patch(f"/sequences/{seq}/steps/{old['_id']}", json=body)
    for i in sorted(ab):
        sync_ab(client, seq, str(raw_steps[i]["_id"]),
                      old_state[i].get("abTest") if i < len(old_state) else None,
                      want[i].get("abTest"))
    order = [str(s["_id"]) for s in raw_steps]  # the sequence as it stands, by step id
    for i in sorted(replaced):
        pos = order.index(str(raw_steps[i]["_id"]))
        order.insert(pos, add_step(client, seq, want[i], pos))
    for i in sorted(added):
        order.append(add_step(client, seq, want[i], len(order)))
    gone = [str(raw_steps[i]["_id"]) for i in sorted(replaced)] + \
           [str(raw_steps[i]["_id"]) for i in sorted(removed, reverse=True)]
    for step_id in gone:
        client.delete(f"/sequences/{seq}/steps/{step_id}")
        order.remove(step_id)

def add_step(client: Api, seq: str, step: dict[str, Any], index: int) -> str:
    """POST one step at `index` (and its A/B test); its id."""
    body: dict[str, Any] = {"type": step["type"]} if "type" in step else {}
    body["index"] = index
    if "delay" in step:
        body["delay"] = step["delay"]
    body.update({k: copy.deepcopy(step[k]) for k in STEP_FIELDS if k in step})
    data = client.post(f"/sequences/{seq}/steps", json=body).data
    step_id = str((data or {}).get("_id") or "")
    if not step_id:
        raise OutreachError(f"lemlist added a step without answering its id: {data!r}")
    if step.get("abTest"):
        sync_ab(client, seq, step_id, None, step["abTest"])
    return step_id

def sync_ab(client: Api, seq: str, step_id: str, old: dict[str, Any] | None,
            new: dict[str, Any] | None) -> None:
    """Create, patch or end the A/B test (variant B) of one email step."""
    path = f"/sequences/{seq}/steps/{step_id}/ab-test"
    if new is None:
        if old is not None:
            client.delete(path)  # drops variant B, ends the test
        return
    if old is None:
        # Variant B starts as a copy of A; the PATCH below makes it the file's.
        old = client.post(path).data or {}
    body = {k: new[k] for k in AB_FIELDS if k in new and new[k] != old.get(k)}
    if body:
        client.patch(path, json=body)
