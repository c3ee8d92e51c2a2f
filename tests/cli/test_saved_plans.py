"""Saved plans through the command line: plan --out, show, apply --plan, and every refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach_cli import hashing, planseal
from outreach_cli.errors import ExitCode
from tests.helpers import run

SECRET = "whsec_from_the_environment_42"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def _rewrite(plan: Path, change) -> None:  # type: ignore[no-untyped-def]
    body = json.loads(plan.read_text())
    change(body)
    body["checksum"] = planseal.checksum(body)
    plan.write_text(json.dumps(body))


@pytest.fixture
def saved(campaigns_dir: Path, env_sandbox, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """The SendKit examples applied, then both edited and planned to plan.json."""
    monkeypatch.setenv("SENDKIT_WEBHOOK_SECRET", SECRET)
    folder = campaigns_dir / "sendkit"
    assert run("apply", "--yes", str(folder)).exit_code == ExitCode.OK
    _edit(folder / "q2-decision-makers.yaml", "dailySendLimit: 50", "dailySendLimit: 70")
    _edit(folder / "founders-ab-test.yaml", "dailySendLimit: 80", "dailySendLimit: 90")
    result = run("plan", str(folder), "--out", "plan.json")
    assert result.exit_code == ExitCode.OK, result.stderr
    return Path("plan.json")


def _limits(folder: Path) -> dict[str, int]:
    result = run("status", "-f", "json", str(folder))
    assert result.exit_code == ExitCode.OK, result.stderr
    from outreach_cli.session import Session

    out = {}
    with Session() as session:
        provider = session.provider("sendkit")
        for row in json.loads(result.stdout)["data"]:
            remote = provider.fetch(row["id"])
            assert remote is not None
            out[row["campaign"]] = remote.state["settings"]["dailySendLimit"]
    return out


def test_plan_file_holds_no_secret_and_names_its_versions(saved: Path) -> None:
    text = saved.read_text()
    body = json.loads(text)
    assert body["format"] == "outreach-plan" and body["formatVersion"] == 1
    assert body["toolVersion"] and body["checksum"].startswith("sha256:")
    assert SECRET not in text
    assert "sk_test_workspace" not in text  # the API key
    assert set(body["workspaces"]) == {"sendkit"}
    q2 = next(c for c in body["campaigns"] if c["address"] == "sendkit/q2-decision-makers")
    assert q2["remote"]["revision"] and q2["remote"]["id"]
    secret = q2["desired"]["settings"]["webhook"]["secret"]
    assert set(secret) == {"$secret"} and secret["$secret"].startswith("hmac-sha256:")
    assert [c["path"] for c in q2["changes"]] == [["settings", "dailySendLimit"]]
    assert q2["changes"][0]["new"] == 70


def test_apply_plan_applies_exactly_that_plan(saved: Path, campaigns_dir: Path) -> None:
    folder = campaigns_dir / "sendkit"
    # Edits made after the plan are not new decisions: the plan's values are applied.
    _edit(folder / "q2-decision-makers.yaml", "dailySendLimit: 70", "dailySendLimit: 75")
    result = run("apply", "--plan", str(saved), "--yes")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert _limits(folder) == {"sendkit/q2-decision-makers": 70, "sendkit/founders-ab-test": 90}
    # The state recorded the write-only secret's hash: the file (as planned) plans clean.
    _edit(folder / "q2-decision-makers.yaml", "dailySendLimit: 75", "dailySendLimit: 70")
    assert run("plan", "--detailed-exitcode", str(folder)).exit_code == ExitCode.OK


def test_a_moved_campaign_is_refused_with_4_and_the_others_applied(
    saved: Path, campaigns_dir: Path
) -> None:
    folder = campaigns_dir / "sendkit"
    _edit(folder / "founders-ab-test.yaml", "dailySendLimit: 90", "dailySendLimit: 33")
    moved = run("apply", "--yes", "--target", "founders-ab-test", str(folder))
    assert moved.exit_code == ExitCode.OK, moved.stderr
    result = run("apply", "--plan", str(saved), "--yes")
    assert result.exit_code == ExitCode.DRIFT, result.stderr
    assert "changed on SendKit since the plan" in result.stderr
    assert _limits(folder) == {"sendkit/q2-decision-makers": 70, "sendkit/founders-ab-test": 33}


def test_show_prints_a_saved_plan_in_every_format(saved: Path) -> None:
    text = run("show", str(saved), "--no-color")
    assert text.exit_code == ExitCode.OK, text.stderr
    assert "settings.dailySendLimit: 50 → 70" in text.stdout
    data = json.loads(run("show", str(saved), "-f", "json").stdout)
    assert {c["address"] for c in data["data"]["campaigns"]} == {
        "sendkit/q2-decision-makers",
        "sendkit/founders-ab-test",
    }
    md = run("show", str(saved), "-f", "markdown").stdout
    assert "sendkit/q2-decision-makers" in md and SECRET not in md


def _refused(saved: Path, *reason: str) -> None:
    result = run("apply", "--plan", str(saved), "--yes")
    assert result.exit_code == ExitCode.ERROR, result.stderr
    for r in reason:
        assert r in result.stderr
    assert "Apply:" not in result.stderr


@pytest.fixture
def dead_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any request now fails with a network error: a refusal must come before one."""
    for p, root in (
        ("SENDKIT", "sendkit/v1"),
        ("LEMLIST", "lemlist/api"),
        ("PUFFLE", "puffle/api"),
    ):
        monkeypatch.setenv(f"OUTREACH_{p}_URL", f"http://127.0.0.1:9/{root}")


def test_hand_edited_plan_is_refused(saved: Path, dead_urls: None) -> None:
    saved.write_text(saved.read_text().replace('"new": 70', '"new": 700'))
    _refused(saved, "checksum mismatch", "edited or corrupted")


def test_hand_edit_with_a_recomputed_checksum_is_refused(saved: Path, dead_urls: None) -> None:
    def edit(body):  # type: ignore[no-untyped-def]
        body["campaigns"][0]["changes"][0]["new"] = 700

    _rewrite(saved, edit)
    assert run("show", str(saved)).exit_code == ExitCode.OK  # the checksum alone agrees
    _refused(saved, "changed after it was written", "seal does not match")


def test_truncated_plan_is_refused(saved: Path, dead_urls: None) -> None:
    text = saved.read_text()
    saved.write_text(text[: len(text) // 2])
    _refused(saved, "truncated or not JSON")


def test_plan_from_another_version_is_refused(saved: Path, dead_urls: None) -> None:
    _rewrite(saved, lambda b: b.update(toolVersion="0.0.1"))
    _refused(saved, "made by outreach 0.0.1")
    _rewrite(saved, lambda b: b.update(formatVersion=99))
    _refused(saved, "plan format version 99")


def test_plan_applied_with_another_workspace_key_is_refused(
    saved: Path, dead_urls: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENDKIT_API_KEY", "sk_test_another_workspace")
    _refused(saved, "another sendkit workspace key", "nothing was sent")


def test_secret_changed_since_the_plan_is_refused(
    saved: Path, dead_urls: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENDKIT_WEBHOOK_SECRET", "something else")
    _refused(saved, "settings.webhook.secret", "not the value the plan was made with")


def test_a_literal_secret_cannot_be_saved(campaigns_dir: Path, env_sandbox) -> None:  # type: ignore[no-untyped-def]
    q2 = campaigns_dir / "sendkit" / "q2-decision-makers.yaml"
    _edit(q2, '"${SENDKIT_WEBHOOK_SECRET:-whsec_abc123xyz}"', "whsec_literal")
    result = run("plan", str(q2), "--out", "plan.json")
    assert result.exit_code == ExitCode.ERROR
    assert "settings.webhook.secret is sensitive" in result.stderr
    assert not Path("plan.json").exists()


def test_apply_needs_paths_or_a_plan_not_both(saved: Path, campaigns_dir: Path) -> None:
    assert run("apply", "--yes").exit_code == ExitCode.USAGE
    both = run("apply", "--yes", "--plan", str(saved), str(campaigns_dir))
    assert both.exit_code == ExitCode.USAGE
    assert run("show", "missing.json").exit_code == ExitCode.ERROR


def test_a_planned_create_that_exists_by_now_is_refused_with_4(
    campaigns_dir: Path, env_sandbox
) -> None:  # type: ignore[no-untyped-def]
    puffle = campaigns_dir / "puffle"
    assert run("plan", str(puffle), "--out", "plan.json").exit_code == ExitCode.OK
    one = puffle / "email-seed-founders.yaml"
    assert run("apply", "--yes", str(one)).exit_code == ExitCode.OK  # created meanwhile
    result = run("apply", "--plan", "plan.json", "--yes")
    assert result.exit_code == ExitCode.DRIFT, result.stderr
    assert "the plan creates it, but Puffle now has" in result.stderr
    status = json.loads(run("status", "-f", "json", str(puffle)).stdout)["data"]
    assert {r["status"] for r in status} == {"draft"}  # the other one was created, once each
    from outreach_cli.session import Session

    with Session() as session:
        remote = session.provider("puffle").find_by_name("Seed founders - email")
    assert len(remote) == 1


def _forge(plan: Path, workspaces: dict[str, str], keys: dict[str, str]) -> None:
    """What someone without any API key can do: change the desired copy and the change,
    rewrite the file's own workspace list, re-seal and re-checksum."""
    body = json.loads(plan.read_text())
    q2 = next(c for c in body["campaigns"] if c["address"] == "sendkit/q2-decision-makers")
    q2["desired"]["settings"]["dailySendLimit"] = 999
    q2["changes"][0]["new"] = 999
    body["workspaces"] = workspaces
    # The seal as today's planseal.seal computes it, done by hand: seal() itself now
    # refuses an empty key.
    key = b"\0".join(k.encode() for _, k in sorted(keys.items()))
    rest = {k: v for k, v in body.items() if k not in ("checksum", "seal")}
    body["seal"] = hashing.keyed_hash(key, rest)
    body["checksum"] = planseal.checksum(body)
    plan.write_text(json.dumps(body))


@pytest.mark.parametrize("case", ["no-workspaces", "empty-key", "other-provider"])
def test_a_plan_forged_without_the_workspace_key_is_refused_and_sends_nothing(
    saved: Path, campaigns_dir: Path, env_sandbox, case: str
) -> None:  # type: ignore[no-untyped-def]
    """The seal's keys come from the campaigns the plan touches (their provider and the key
    apply uses), never from the file's own `workspaces` list; an empty key is no key."""
    if case == "no-workspaces":  # the review's case: `workspaces: {}`, sealed with b""
        _forge(saved, {}, {})
    elif case == "empty-key":  # the list kept, sealed with an empty sendkit key
        fp = json.loads(saved.read_text())["workspaces"]
        _forge(saved, fp, {"sendkit": ""})
    else:  # another provider's list and key stand in for sendkit's
        _forge(saved, {"puffle": planseal.workspace_fingerprint("puffle", "x")}, {"puffle": "x"})
    log = env_sandbox.sandbox.request_log
    before = len(log)
    result = run("apply", "--plan", str(saved), "--yes")
    assert result.exit_code == ExitCode.ERROR, result.stderr
    assert "nothing was sent" in result.stderr
    assert (
        "seal does not match" if case == "empty-key" else "the sendkit workspace"
    ) in result.stderr
    assert log[before:] == []  # not even a read
    assert 999 not in _limits(campaigns_dir / "sendkit").values()


def test_a_saved_plan_is_never_sealed_with_an_empty_key() -> None:
    with pytest.raises(ValueError):
        planseal.seal({"campaigns": []}, {})
    with pytest.raises(ValueError):
        planseal.seal({"campaigns": []}, {"sendkit": ""})
