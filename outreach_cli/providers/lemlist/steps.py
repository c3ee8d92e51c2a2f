"""lemlist's step endpoints: a step patched in place, added at its index, deleted; A/B tests."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ...errors import ApiError, NetworkError, OutreachError
from ...urlpath import seg
from ..base import Change, Remote
from .normalize import AB_FIELDS, STEP_FIELDS

if TYPE_CHECKING:
    from ...http import Api


def update_steps(client: Api, remote: Remote, campaign: dict[str, Any],
                 changes: list[Change]) -> None:
    """Realise the plan's step changes, each on the remote step the plan paired it with
    (`Change.at`): patch in place, add at the file's position (after the step that precedes
    it in the file), then delete. A step that is moved or changes type is added at its new
    place before the old one is deleted: the sequence never has fewer steps than the smaller
    of old and new, and no other step is touched."""
    raw_steps: list[dict[str, Any]] = remote.raw.get("steps") or []
    old_state: list[dict[str, Any]] = remote.state.get("steps") or []
    want: list[dict[str, Any]] = campaign.get("steps") or []
    seq = str((remote.raw.get("campaign") or {}).get("sequenceId"))
    patched: dict[tuple[int, int], set[str]] = {}
    ab: set[tuple[int, int]] = set()
    added: set[int] = set()
    gone: list[int] = []  # remote positions to delete
    for c in changes:
        if len(c.path) == 1:  # the remote had no steps at all
            added.update(range(len(want)))
            continue
        i, j = c.path[1], c.at[1]
        assert isinstance(i, int) and isinstance(j, int)
        if len(c.path) == 2:
            if c.op == "remove":
                gone.append(j)
            elif c.op == "add" or c.how == "moved":
                added.add(i)
                if c.source is not None:  # it replaces (type change) or moves a remote step
                    gone.append(j)
        elif c.path[2] == "abTest":
            ab.add((i, j))
        else:
            patched.setdefault((i, j), set()).add(str(c.path[2]))

    # A step that moves is added whole at its new place: its old one is not edited first.
    patched = {ij: keys for ij, keys in patched.items() if ij[0] not in added}
    ab = {ij for ij in ab if ij[0] not in added}
    for (i, j), keys in sorted(patched.items()):
        old = raw_steps[j]
        body = {"type": old["type"]}
        body.update({k: copy.deepcopy(want[i][k]) for k in sorted(keys)
                     if k in want[i] and k not in ("type", "abTest")})
        client.patch(f"/sequences/{seg(seq)}/steps/{seg(old['_id'])}", json=body, retry=True)
    for i, j in sorted(ab):
        sync_ab(client, seq, str(raw_steps[j]["_id"]),
                old_state[j].get("abTest") if j < len(old_state) else None,
                want[i].get("abTest"))
    if added:
        # Which remote step each file step is (None: a step to add), from the plan's pairing.
        ids: list[str | None] = _paired_ids(want, raw_steps, changes, added)
        order = [str(s["_id"]) for s in raw_steps]  # the sequence as it stands, by step id
        for i in sorted(added):
            pos = 0 if i == 0 else order.index(str(ids[i - 1])) + 1
            ids[i] = add_step(client, seq, want[i], pos, remote.id)
            order.insert(pos, str(ids[i]))
    for j in sorted(set(gone), reverse=True):
        client.delete(f"/sequences/{seg(seq)}/steps/{seg(str(raw_steps[j]['_id']))}",
                      retry=True, ok=(404,))


def _paired_ids(want: list[dict[str, Any]], raw_steps: list[dict[str, Any]],
                changes: list[Change], added: set[int]) -> list[str | None]:
    """The remote step id of each file step that stays, by the plan's pairing: steps the
    plan does not mention keep their order relative to one another (the plan's diff
    reports every step that moves), so they take the remote steps not removed, moved or
    replaced, in order."""
    claimed = {c.at[1] for c in changes if len(c.path) == 2 and isinstance(c.at[1], int)
               and (c.op == "remove" or c.source is not None)}
    explicit: dict[int, int] = {int(c.path[1]): int(c.at[1]) for c in changes
                                if len(c.path) > 2}
    claimed |= set(explicit.values())
    free = iter(j for j in range(len(raw_steps)) if j not in claimed)
    out: list[str | None] = []
    for i in range(len(want)):
        if i in added:
            out.append(None)
            continue
        j = explicit.get(i)
        if j is None:
            j = next(free, None)
        out.append(None if j is None else str(raw_steps[int(j)]["_id"]))
    return out

def add_step(client: Api, seq: str, step: dict[str, Any], index: int,
             campaign_id: str | None = None) -> str:
    """POST one step at `index` (and its A/B test); its id.

    A POST that creates is not repeated blindly: after a lost answer or a 5xx the sequence
    is read again, and a step at `index` with the same content is taken as this one."""
    body: dict[str, Any] = {"type": step["type"]} if "type" in step else {}
    body["index"] = index
    if "delay" in step:
        body["delay"] = step["delay"]
    body.update({k: copy.deepcopy(step[k]) for k in STEP_FIELDS if k in step})
    data: Any = None
    for attempt in (1, 2, 3):
        try:
            data = client.post(f"/sequences/{seg(seq)}/steps", json=body).data
            break
        except (NetworkError, ApiError) as exc:
            if campaign_id is None or attempt == 3 or (
                    isinstance(exc, ApiError) and exc.status < 500):
                raise
            landed = _step_at(client, campaign_id, seq, index, body)
            if landed:
                data = landed
                break
    step_id = str((data or {}).get("_id") or "")
    if not step_id:
        raise OutreachError(f"lemlist added a step without answering its id: {data!r}")
    if step.get("abTest"):
        sync_ab(client, seq, step_id, None, step["abTest"])
    return step_id

def _step_at(client: Api, campaign_id: str, seq: str, index: int,
             body: dict[str, Any]) -> dict[str, Any] | None:
    """The step at `index` of sequence `seq` if it holds what `body` sent."""
    reply = client.get(f"/campaigns/{seg(campaign_id)}/sequences", ok=(400,))
    data = reply.data if reply.status == 200 and isinstance(reply.data, dict) else {}
    for s in data.values():
        if not isinstance(s, dict) or str(s.get("_id")) != seq:
            continue
        steps = [x for x in s.get("steps") or [] if isinstance(x, dict)]
        # Positions as the read-back orders them (`index`, where given, numbers them).
        steps = [x for _, x in sorted(enumerate(steps),
                                      key=lambda p: (p[1].get("index", p[0]), p[0]))]
        found = steps[index] if index < len(steps) else None
        keys = [k for k in body if k != "index"]
        if found is not None and all(found.get(k) == body[k] for k in keys):
            return found
    return None


def sync_ab(client: Api, seq: str, step_id: str, old: dict[str, Any] | None,
            new: dict[str, Any] | None) -> None:
    """Create, patch or end the A/B test (variant B) of one email step."""
    path = f"/sequences/{seg(seq)}/steps/{seg(step_id)}/ab-test"
    if new is None:
        if old is not None:
            client.delete(path, retry=True, ok=(404,))  # drops variant B, ends the test
        return
    if old is None:
        # Variant B starts as a copy of A; the PATCH below makes it the file's. A lost
        # answer (or "already exists" after one) is checked with a read, not repeated.
        for attempt in (1, 2, 3):
            try:
                old = client.post(path).data or {}
                break
            except (NetworkError, ApiError) as exc:
                if isinstance(exc, ApiError) and exc.status not in (400, 409) \
                        and exc.status < 500:
                    raise
                got = client.get(path, ok=(404,))
                if got.status != 404 and isinstance(got.data, dict):
                    old = got.data
                    break
                if attempt == 3 or isinstance(exc, ApiError) and exc.status < 500:
                    raise
    old = old or {}
    body = {k: new[k] for k in AB_FIELDS if k in new and new[k] != old.get(k)}
    if body:
        client.patch(path, json=body, retry=True)
