"""lemlist's steps matched by identity (issue 21): inserting, removing or moving one step plans
exactly that change, and apply sends exactly the matching call, against the sandbox over
loopback HTTP (every request checked against lemlist's OpenAPI file, as in test_client)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outreach_cli.output import plan_lines
from outreach_cli.output.envelope import change_json
from outreach_cli.output.markdown import change_diff
from tests.providers.lemlist.test_client import (  # noqa: F401 (the fixture checks requests)
    Env,
    _applied,
    _check_requests,
    _doc,
)

MIDDLE = {"type": "email", "delay": 1, "subject": "In between", "message": "<p>Between</p>"}


def _step_ids(env: Env) -> list[str]:
    return [str(s["_id"]) for s in env.remote().raw["steps"]]


@pytest.mark.parametrize("status", ["active", "paused"])
def test_inserting_a_step_in_the_middle_plans_one_insertion_and_posts_it_at_its_index(
    sandbox: Any, tmp_path: Path, status: str
) -> None:
    env = Env(sandbox, tmp_path, _doc(status=status))
    _applied(env.apply())
    before = _step_ids(env)
    assert env.remote().status == ("running" if status == "active" else "paused")
    env.edit(lambda d: d["campaign"]["steps"].insert(2, dict(MIDDLE)))

    plan = env.plan()
    (cp,) = plan.campaigns
    assert not cp.blocked and plan.exit_code().value == 0  # lemlist adds steps while running
    (pc,) = cp.changes
    assert (pc.change.dotted, pc.change.op, pc.change.how) == ("steps[2]", "add", "inserted")
    text = "\n".join(line.plain for line in plan_lines(plan))
    assert "+ steps[2] (inserted):" in text
    assert change_diff(pc)[0] == "+ steps[2] (inserted):"
    assert change_json(pc)["how"] == "inserted" and change_json(pc)["path"] == "steps[2]"

    mark = env.rec.mark()
    _applied(env.apply(plan))
    assert env.rec.writes(mark) == [("POST", "/sequences/{seq}/steps")]
    post = next(s for s in env.rec.sent[mark:] if s.method == "POST")
    assert post.body["index"] == 2 and post.body["subject"] == "In between"
    after = _step_ids(env)
    assert after[:2] + after[3:] == before  # every other step keeps its id (and its stats)
    assert env.remote().state["steps"][2]["subject"] == "In between"
    assert env.plan().campaigns[0].action == "noop"


def test_inserting_a_first_step_posts_index_0(sandbox: Any, tmp_path: Path) -> None:
    env = Env(sandbox, tmp_path, _doc())
    _applied(env.apply())
    before = _step_ids(env)
    env.edit(lambda d: d["campaign"]["steps"].insert(0, {**MIDDLE, "delay": 0}))
    env.edit(lambda d: d["campaign"]["steps"][1].__setitem__("delay", 1))
    plan = env.plan()
    ops = sorted(
        (pc.change.dotted, pc.change.op, pc.change.how) for pc in plan.campaigns[0].changes
    )
    assert ops == [("steps[0]", "add", "inserted"), ("steps[1].delay", "change", "")]
    (moved,) = [pc for pc in plan.campaigns[0].changes if pc.change.op == "change"]
    assert moved.change.source == ("steps", 0, "delay")  # the remote's first step, now second
    mark = env.rec.mark()
    _applied(env.apply(plan))
    writes = env.rec.writes(mark)
    assert sorted(writes) == [
        ("PATCH", "/sequences/{seq}/steps/{stp}"),
        ("POST", "/sequences/{seq}/steps"),
    ]
    post = next(s for s in env.rec.sent[mark:] if s.method == "POST")
    assert post.body["index"] == 0
    patch = next(s for s in env.rec.sent[mark:] if s.method == "PATCH")
    assert patch.path.endswith(before[0]) and patch.body == {"type": "email", "delay": 1}
    assert _step_ids(env)[1:] == before
    assert env.plan().campaigns[0].action == "noop"


def test_removing_one_step_deletes_that_step_only(sandbox: Any, tmp_path: Path) -> None:
    env = Env(sandbox, tmp_path, _doc())
    _applied(env.apply())
    before = _step_ids(env)
    env.edit(lambda d: d["campaign"]["steps"].pop(1))
    plan = env.plan()
    (pc,) = plan.campaigns[0].changes
    assert (pc.change.dotted, pc.change.op) == ("steps[1]", "remove")
    mark = env.rec.mark()
    _applied(env.apply(plan))
    assert env.rec.writes(mark) == [("DELETE", "/sequences/{seq}/steps/{stp}")]
    delete = next(s for s in env.rec.sent[mark:] if s.method == "DELETE")
    assert delete.path.endswith(before[1])
    assert _step_ids(env) == [before[0], before[2]]
    assert env.plan().campaigns[0].action == "noop"


def test_removing_a_step_of_a_running_campaign_is_blocked_and_names_that_step(
    sandbox: Any, tmp_path: Path
) -> None:
    env = Env(sandbox, tmp_path, _doc(status="active"))
    _applied(env.apply())
    env.edit(lambda d: d["campaign"]["steps"].pop(0))
    (cp,) = env.plan().campaigns
    (pc,) = cp.changes  # not "every later step changes type"
    assert (pc.change.dotted, pc.change.op, pc.verdict.allowed) == ("steps[0]", "remove", False)


def test_moving_a_step_is_shown_as_a_move_and_done_as_add_then_delete(
    sandbox: Any, tmp_path: Path
) -> None:
    env = Env(sandbox, tmp_path, _doc())
    _applied(env.apply())
    before = _step_ids(env)
    env.edit(lambda d: d["campaign"]["steps"].insert(0, d["campaign"]["steps"].pop(2)))
    env.edit(
        lambda d: [
            s.__setitem__("delay", 0 if i == 0 else 2) for i, s in enumerate(d["campaign"]["steps"])
        ]
    )
    plan = env.plan()
    moves = [pc for pc in plan.campaigns[0].changes if pc.change.how == "moved"]
    assert len(moves) == 1, plan.campaigns[0].changes
    (move,) = moves
    assert move.change.shown.startswith("steps[0] (moved from steps[2])")
    assert "no way to move a step" in move.verdict.note
    text = "\n".join(line.plain for line in plan_lines(plan))
    assert "~ steps[0] (moved from steps[2])" in text
    assert change_json(move)["from"] == "steps[2]"
    mark = env.rec.mark()
    _applied(env.apply(plan))
    writes = env.rec.writes(mark)
    assert writes.count(("POST", "/sequences/{seq}/steps")) == 1
    assert writes.count(("DELETE", "/sequences/{seq}/steps/{stp}")) == 1
    # The two others had their delay edited in place; the moved one is not patched first.
    patched = [s.path for s in env.rec.sent[mark:] if s.method == "PATCH"]
    assert sorted(p.rsplit("/", 1)[-1] for p in patched) == sorted(before[:2])
    after = _step_ids(env)
    assert after[1:] == before[:2]  # the two steps that did not move keep their ids
    assert env.plan().campaigns[0].action == "noop"


def test_a_saved_plan_keeps_the_pairing_apply_needs(sandbox: Any, tmp_path: Path) -> None:
    """`apply --plan` makes no new decision: the move and the remote step each change edits
    travel in the plan file (`source`, `how`), and apply does the same as from a fresh plan."""
    import json

    from outreach_cli import planfile

    env = Env(sandbox, tmp_path, _doc())
    _applied(env.apply())
    before = _step_ids(env)
    env.edit(lambda d: d["campaign"]["steps"].insert(0, {**MIDDLE, "delay": 0}))
    env.edit(lambda d: d["campaign"]["steps"][1].__setitem__("delay", 1))
    body = planfile.dump(env.plan(), lambda _: env.provider, lambda _: "k")
    saved = json.loads(json.dumps(body))
    plan = planfile.to_plan(saved, key_for=lambda _: "k", environ={})
    edit = next(pc.change for pc in plan.campaigns[0].changes if pc.change.op == "change")
    assert edit.source == ("steps", 0, "delay") and edit.path == ("steps", 1, "delay")
    assert {pc.change.how for pc in plan.campaigns[0].changes} == {"inserted", ""}
    mark = env.rec.mark()
    _applied(env.apply(plan))
    patch = next(s for s in env.rec.sent[mark:] if s.method == "PATCH")
    assert patch.path.endswith(before[0])
    assert _step_ids(env)[1:] == before
    assert env.plan().campaigns[0].action == "noop"
