"""lemlist's catalogue against the code: rules only the server can judge, run through plan and
apply against the sandbox; the rules table, the messages and the catalogue saying one thing."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.providers.base import rule_for
from outreach_cli.providers.catalogue import apply_probe, load
from outreach_cli.providers.lemlist import rules
from outreach_cli.providers.lemlist.catalogue_senders import EMAIL_ONLY, MEMBER
from outreach_cli.validate import validate_paths
from tests.helpers import REPO
from tests.providers.lemlist.test_client import (  # noqa: F401 (_check_requests: autouse)
    Env,
    _applied,
    _check_requests,
    _write,
)

CATALOGUE, BASE = load("lemlist")
BY_ID = {r.id: r for r in CATALOGUE}
NOBODY = "usr_NobodyAtAll0001"
OFFICE = {
    "name": "Office",
    "timezone": "Europe/Paris",
    "start": "09:00",
    "end": "18:00",
    "weekdays": [1, 2, 3, 4, 5],
}


def _doc(key: str, **campaign: Any) -> dict[str, Any]:
    return {
        "provider": "lemlist",
        "key": key,
        "status": "paused",
        "campaign": {"name": f"Catalogue {key}", **campaign},
    }


# -- rules only the server can judge ---------------------------------------------------------


def test_a_sender_outside_the_team_is_refused_before_anything_is_sent(
    sandbox: Any, tmp_path: Path
) -> None:
    env = Env(
        sandbox,
        tmp_path,
        _doc("nobody", sendUserIds=[NOBODY], steps=[{"type": "email", "subject": "Hi"}]),
    )
    (cp,) = env.plan().campaigns
    assert cp.action == "create"
    assert any(NOBODY in n and "not a member" in n for n in cp.notes), cp.notes
    mark = env.rec.mark()
    (outcome,) = env.apply().outcomes
    assert outcome.result == "failed"
    assert outcome.message.startswith("outreach's rule: ") and NOBODY in outcome.message
    assert "nothing was created" in outcome.message
    assert env.rec.writes(mark) == []


def test_a_sender_outside_the_team_is_blocked_in_the_plan_of_an_update(
    sandbox: Any, tmp_path: Path
) -> None:
    env = Env(
        sandbox,
        tmp_path,
        _doc("member", sendUserIds=[MEMBER], steps=[{"type": "email", "subject": "Hi"}]),
    )
    _applied(env.apply())
    env.edit(lambda d: d["campaign"].update(sendUserIds=[MEMBER, NOBODY]))
    (cp,) = env.plan().campaigns
    assert cp.blocked
    (pc,) = [pc for pc in cp.changes if not pc.verdict.allowed]
    assert pc.change.field == "sendUserIds" and NOBODY in pc.verdict.reason
    assert pc.verdict.reason.startswith("outreach's rule: ")
    mark = env.rec.mark()
    (outcome,) = env.apply().outcomes
    assert outcome.result == "blocked" and env.rec.writes(mark) == []


def test_senders_that_cannot_cover_a_channel_are_blocked_in_the_plan(
    sandbox: Any, tmp_path: Path
) -> None:
    # Issue 21: this planned as OK and failed at apply, leaving a half-made campaign; the plan
    # now reads each sender's channels (GET /users/{userId}) and blocks the create.
    steps = [{"type": "email", "subject": "Hi"}, {"type": "linkedinVisit"}]
    env = Env(sandbox, tmp_path, _doc("cover", sendUserIds=[EMAIL_ONLY], steps=steps))
    (cp,) = env.plan().campaigns
    assert cp.action == "create" and cp.blocked
    (pc,) = [pc for pc in cp.changes if not pc.verdict.allowed]
    assert pc.change.path == ("sendUserIds",) and "no sender covers linkedin" in pc.verdict.reason
    mark = env.rec.mark()
    (outcome,) = env.apply().outcomes
    assert outcome.result == "blocked" and env.rec.writes(mark) == []
    # Fixing the file creates the campaign once and converges.
    env.edit(lambda d: d["campaign"].update(sendUserIds=[MEMBER]))
    _applied(env.apply())
    assert env.plan().campaigns[0].action == "noop"


def test_removing_a_schedule_is_blocked(sandbox: Any, tmp_path: Path) -> None:
    second = dict(OFFICE, name="Evenings", start="18:00", end="20:00")
    env = Env(sandbox, tmp_path, _doc("detach", schedules=[dict(OFFICE), second]))
    _applied(env.apply())
    env.edit(lambda d: d["campaign"]["schedules"].pop())
    (cp,) = env.plan().campaigns
    assert cp.blocked
    (pc,) = cp.changes
    assert pc.change.op == "remove" and "cannot detach" in pc.verdict.reason


# -- what the docs normalise converges ---------------------------------------------------------


def test_steps_without_delay_apply_then_plan_no_change(sandbox: Any, tmp_path: Path) -> None:
    steps = [
        {"type": "email", "subject": "Hi"},
        {"type": "linkedinVisit"},
        {"type": "email", "subject": "Again", "delay": 3},
    ]
    env = Env(sandbox, tmp_path, _doc("delay", steps=steps))
    _applied(env.apply())
    # "Defaults to 0 for the first step and 1 for subsequent steps"
    assert [s["delay"] for s in env.remote().state["steps"]] == [0, 1, 3]
    assert env.plan().campaigns[0].action == "noop"
    env.edit(lambda d: d["campaign"]["steps"].append({"type": "linkedinFollow"}))
    _applied(env.apply())
    assert [s["delay"] for s in env.remote().state["steps"]] == [0, 1, 3, 1]
    assert env.plan().campaigns[0].action == "noop"


def test_a_public_schedule_applies_then_plans_no_change(sandbox: Any, tmp_path: Path) -> None:
    first = dict(OFFICE, public=True, weekdays=[1, 2, 3, 2, 5])  # the docs' own example days
    second = dict(OFFICE, name="Weekend", weekdays=[6, 7], public=False)
    env = Env(sandbox, tmp_path, _doc("public", schedules=[first, second]))
    _applied(env.apply())
    got = env.remote().state["schedules"]
    assert [(s["public"], s["weekdays"]) for s in got] == [(True, [1, 2, 3, 2, 5]), (False, [6, 7])]
    assert env.plan().campaigns[0].action == "noop"
    env.edit(lambda d: d["campaign"]["schedules"][1].update(public=True))
    (cp,) = env.plan().campaigns
    assert [c.change.dotted for c in cp.changes] == ["schedules[1].public"]
    _applied(env.apply())
    assert env.plan().campaigns[0].action == "noop"


# -- the catalogue, the rules table, the README and the messages agree -------------------------


def test_every_test_the_catalogue_names_exists() -> None:
    for rule in CATALOGUE:
        for ref in rule.tested_by:
            path, _, name = ref.partition("::")
            file = REPO / path
            assert file.is_file(), f"{rule.id}: no {path}"
            assert re.search(rf"^def {re.escape(name)}\(", file.read_text(), re.M), (
                f"{rule.id}: no test {name} in {path}"
            )


# FieldRules with a status restriction ↔ the catalogue rule that states them.
TABLE_ROWS = {("timezone", "change"): "LM-19", ("steps", "remove"): "LM-32"}


@pytest.mark.parametrize("field, op", sorted(TABLE_ROWS))
def test_each_restricted_row_of_the_rules_table_is_a_catalogue_rule(field: str, op: str) -> None:
    row = rule_for(rules.RULES, field, op)
    assert row is not None and row.allowed_in != frozenset(rules.STATUSES)
    rule = BY_ID[TABLE_ROWS[(field, op)]]
    # "refused" in the table and README is the catalogue's "blocked"; "ignored" is "ignored".
    assert (rule.verdict, row.when_forbidden) in (("blocked", "refused"), ("ignored", "ignored"))
    assert "RULES" in rule.client and field in rule.client
    assert ("ignores" in row.reason) == (rule.verdict == "ignored")
    readme = (REPO / "README.md").read_text()
    cells = [
        "refused" if s not in row.allowed_in else "yes"
        for s in ("draft", "running", "paused", "ended", "archived")
    ]
    label = f"`{field}`" + (f" ({op})" if op == "remove" else "")
    assert f"| {label} | {' | '.join(cells)} |" in readme


def test_no_other_row_of_the_rules_table_restricts_a_status() -> None:
    restricted = {r.field for r in rules.RULES if r.allowed_in != frozenset(rules.STATUSES)}
    assert restricted == {field for field, _ in TABLE_ROWS}


# Choices whose refusal is worded by validate.py's generic schema messages (strict schemas are
# outreach's design for every platform: DESIGN.md), not by lemlist's rules. LM-C19's schema
# x-rule gives its reason as "(outreach's rule: …)" (tests/test_validate_messages.py).
GENERIC = {"LM-C2", "LM-C11", "LM-C19"}


def _refusals(tmp_path: Path, campaign: dict[str, Any]) -> list[str]:
    import yaml

    f = tmp_path / "probe.yaml"
    f.write_text(yaml.safe_dump({"provider": "lemlist", "key": "p", "campaign": campaign}))
    return [d.message for d in validate_paths([str(f)]).errors]


@pytest.mark.parametrize("rule", [r for r in CATALOGUE if r.verdict == "error"], ids=lambda r: r.id)
def test_refusals_say_whose_rule_they_are(rule: Any, tmp_path: Path) -> None:
    """A choice's message says it is outreach's rule; a documented rule's never does."""
    for probe in rule.probes:
        if probe.client != "refuse":
            continue
        messages = _refusals(tmp_path, apply_probe(copy.deepcopy(BASE), probe))
        assert messages, f"{rule.id} {probe.name}: not refused"
        # validate.py words an unknown field; a field lemlist shows but a file cannot
        # write says whose rule refuses it after the field's name (LM-C16).
        ours = [
            m
            for m in messages
            if m.startswith(rules.OURS) or m.startswith("unknown field") and ": " + rules.OURS in m
        ]
        if rule.kind == "choice" and rule.id not in GENERIC:
            assert ours, f"{rule.id} {probe.name}: {messages}"
        elif rule.kind == "documented":
            assert not ours, f"{rule.id} {probe.name}: {messages}"


@pytest.mark.slow
def test_a_lemlist_failure_after_the_create_does_not_blame_the_file(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from outreach_cli.errors import ApiError
    from outreach_cli.providers.lemlist.adapter import Lemlist

    def busy(self: Any, *a: Any) -> None:
        raise ApiError("lemlist", 503, "Service Unavailable")

    monkeypatch.setattr(Lemlist, "_fill", busy)
    env = Env(sandbox, tmp_path, _doc("busy", steps=[{"type": "email", "subject": "Hi"}]))
    (outcome,) = env.apply().outcomes
    assert outcome.result == "failed"
    assert "apply again with the file unchanged" in outcome.message, outcome.message
    assert "fix the file" not in outcome.message
