"""lemlist's steps: how a change of one is judged, and its endpoints (a step patched in place,
added at its index, deleted; A/B tests)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ...errors import ApiError, NetworkError, OutreachError
from ...urlpath import seg
from ..base import Change, FieldRule, Remote, Verdict, rule_for
from .normalize import AB_FIELDS, STEP_FIELDS

if TYPE_CHECKING:
    from ...http import Api

TYPE_CHANGE_REMEDY = (
    "pause it first: set `status: paused` in the file (or keep the step's "
    "type and add the new step elsewhere)"
)
AB_RUNNING = "lemlist creates and ends an A/B test only while the campaign is not running"


def classify_step(
    rules: tuple[FieldRule, ...], change: Change, remote: Remote, verdict: Verdict
) -> Verdict:
    """The verdict on a change of one step (`steps[i]…`): lemlist has no call that moves a
    step or changes its type, so those are delete + add; A/B tests only while not running."""
    if not verdict.allowed:
        return verdict
    i, j = change.path[1], change.at[1]
    assert isinstance(i, int) and isinstance(j, int)
    have = remote.state.get("steps") or []
    old = have[j] if j < len(have) and isinstance(have[j], dict) else None
    running = remote.status == "running"
    if len(change.path) == 2 and change.how == "moved":
        # lemlist has no call that moves a step: it is added at its new place and the
        # old one deleted (a new step id), which a running campaign refuses.
        rule = rule_for(rules, "steps", "remove")
        if rule is not None and remote.status not in rule.allowed_in:
            return Verdict(
                False,
                reason=f"step {j + 1} moves to position {i + 1}; lemlist "
                f"has no way to move a step, so it must be deleted and re-added, "
                f"and lemlist refuses to delete a step while the campaign is "
                f"{remote.status}",
                remedy=TYPE_CHANGE_REMEDY,
            )
        return Verdict(
            True,
            note=f"delete + add: lemlist has no way to move a step, so "
            f"apply adds it at position {i + 1} and deletes it at position "
            f"{j + 1} (it gets a new step id)",
        )
    if len(change.path) == 2 and change.op == "add":
        if change.source is None:
            old = None  # inserted or appended: no step is replaced
        new = change.new if isinstance(change.new, dict) else {}
        note = ""
        if old is not None:  # the type changed (see align)
            old_t, new_t = old.get("type"), new.get("type")
            rule = rule_for(rules, "steps", "remove")
            if rule is not None and remote.status not in rule.allowed_in:
                refusal = (
                    "lemlist refuses to delete a step while the campaign is running"
                    if running
                    else f"lemlist refuses to delete a step of a campaign that is {remote.status}"
                )
                return Verdict(
                    False,
                    reason=f"step {i + 1} changes type ({old_t} → {new_t}); lemlist cannot "
                    f"change a step's type, so the step must be deleted and "
                    f"re-added, and {refusal}",
                    remedy=TYPE_CHANGE_REMEDY if running else rule.remedy,
                )
            note = (
                f"delete + add: lemlist cannot change a step's type ({old_t} → "
                f"{new_t}), so apply deletes the {old_t} step at position {i + 1} and "
                f"adds this {new_t} step in its place"
            )
        if running and new.get("abTest"):
            return Verdict(
                False,
                reason=f"the new step has an abTest; {AB_RUNNING}",
                remedy="set `status: paused` in the file for this apply",
            )
        return Verdict(True, note=note or verdict.note)
    if len(change.path) >= 3 and change.path[2] == "abTest" and old is not None:
        had = old.get("abTest") is not None
        creating = not had and change.new is not None
        ending = had and len(change.path) == 3 and change.new is None
        if running and (creating or ending):
            what = "adding an A/B test" if creating else "ending the A/B test"
            return Verdict(
                False,
                reason=f"{what}: {AB_RUNNING}",
                remedy="set `status: paused` in the file for this apply",
            )
    return verdict


def update_steps(
    client: Api, remote: Remote, campaign: dict[str, Any], changes: list[Change]
) -> None:
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
        body.update(
            {
                k: copy.deepcopy(want[i][k])
                for k in sorted(keys)
                if k in want[i] and k not in ("type", "abTest")
            }
        )
        client.patch(f"/sequences/{seg(seq)}/steps/{seg(old['_id'])}", json=body, retry=True)
    for i, j in sorted(ab):
        sync_ab(
            client,
            seq,
            str(raw_steps[j]["_id"]),
            old_state[j].get("abTest") if j < len(old_state) else None,
            want[i].get("abTest"),
        )
    if added:
        # Which remote step each file step is (None: a step to add), from the plan's pairing.
        ids: list[str | None] = _paired_ids(want, raw_steps, changes, added)
        order = [str(s["_id"]) for s in raw_steps]  # the sequence as it stands, by step id
        for i in sorted(added):
            pos = 0 if i == 0 else order.index(str(ids[i - 1])) + 1
            ids[i] = add_step(client, seq, want[i], pos, remote.id)
            order.insert(pos, str(ids[i]))
    for j in sorted(set(gone), reverse=True):
        client.delete(
            f"/sequences/{seg(seq)}/steps/{seg(str(raw_steps[j]['_id']))}", retry=True, ok=(404,)
        )


def _paired_ids(
    want: list[dict[str, Any]],
    raw_steps: list[dict[str, Any]],
    changes: list[Change],
    added: set[int],
) -> list[str | None]:
    """The remote step id of each file step that stays, by the plan's pairing: steps the
    plan does not mention keep their order relative to one another (the plan's diff
    reports every step that moves), so they take the remote steps not removed, moved or
    replaced, in order."""
    claimed = {
        c.at[1]
        for c in changes
        if len(c.path) == 2
        and isinstance(c.at[1], int)
        and (c.op == "remove" or c.source is not None)
    }
    explicit: dict[int, int] = {int(c.path[1]): int(c.at[1]) for c in changes if len(c.path) > 2}
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


def add_step(
    client: Api, seq: str, step: dict[str, Any], index: int, campaign_id: str | None = None
) -> str:
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
            if (
                campaign_id is None
                or attempt == 3
                or (isinstance(exc, ApiError) and exc.status < 500)
            ):
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


def _step_at(
    client: Api, campaign_id: str, seq: str, index: int, body: dict[str, Any]
) -> dict[str, Any] | None:
    """The step at `index` of sequence `seq` if it holds what `body` sent."""
    reply = client.get(f"/campaigns/{seg(campaign_id)}/sequences", ok=(400,))
    data = reply.data if reply.status == 200 and isinstance(reply.data, dict) else {}
    for s in data.values():
        if not isinstance(s, dict) or str(s.get("_id")) != seq:
            continue
        steps = [x for x in s.get("steps") or [] if isinstance(x, dict)]
        # Positions as the read-back orders them (`index`, where given, numbers them).
        steps = [
            x for _, x in sorted(enumerate(steps), key=lambda p: (p[1].get("index", p[0]), p[0]))
        ]
        found = steps[index] if index < len(steps) else None
        keys = [k for k in body if k != "index"]
        if found is not None and all(found.get(k) == body[k] for k in keys):
            return found
    return None


def sync_ab(
    client: Api, seq: str, step_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> None:
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
                if isinstance(exc, ApiError) and exc.status not in (400, 409) and exc.status < 500:
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
