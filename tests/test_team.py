"""Many hands (issue 20): the project root and file, workspaces that fail closed, identity
shared between checkouts, no silent adoption, and plans of a subset.

Every test that stands for two machines or two people uses two folders and two state dirs,
and the ones that stand for two processes run two real processes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from outreach_cli.project import Project
from outreach_cli.sandbox import server
from outreach_cli.session import Session
from tests.helpers import REPO, run, track
from tests.reliability.helpers import fleet

CLI = [sys.executable, "-c", "from outreach_cli.cli.app import main; main()"]


def _urls(url: str) -> dict[str, str]:
    return {
        "OUTREACH_SENDKIT_URL": url + "/sendkit/v1",
        "OUTREACH_LEMLIST_URL": url + "/lemlist/api",
        "OUTREACH_PUFFLE_URL": url + "/puffle/api",
    }


def _bare(env: dict[str, str]) -> Session:
    """A session outside any project (the test's folder may hold a project file)."""
    return track(Session(environ=env, project=Project(Path("/"), None, Path("/nonexistent"))))


def _identity(url: str, provider: str, key: str) -> str:
    var = {"sendkit": "SENDKIT_API_KEY", "lemlist": "LEMLIST_API_KEY"}[provider]
    return _bare({**_urls(url), var: key}).provider(provider).whoami().id


def _count(url: str, provider: str, key: str) -> dict[str, int]:
    """Campaign names in the workspace of `key`, counted."""
    var = {"sendkit": "SENDKIT_API_KEY", "lemlist": "LEMLIST_API_KEY"}[provider]
    session = _bare({**_urls(url), var: key})
    out: dict[str, int] = {}
    for c in session.provider(provider).list_campaigns():  # type: ignore[attr-defined]
        out[str(c["name"])] = out.get(str(c["name"]), 0) + 1
    return out


AGENCY = {  # workspace → (provider, key variable, key, example)
    "acme": ("sendkit", "ACME_SENDKIT_API_KEY", "sk_agency_acme", "sendkit/q2-decision-makers"),
    "beta": ("sendkit", "BETA_SENDKIT_API_KEY", "sk_agency_beta", "sendkit/q2-decision-makers"),
    "gamma": ("sendkit", "GAMMA_SENDKIT_API_KEY", "sk_agency_gamma", "sendkit/founders-ab-test"),
    "acme-lemlist": (
        "lemlist",
        "ACME_LEMLIST_API_KEY",
        "agency-acme-lemlist",
        "lemlist/heads-of-growth",
    ),
    "beta-lemlist": (
        "lemlist",
        "BETA_LEMLIST_API_KEY",
        "agency-beta-lemlist",
        "lemlist/heads-of-growth",
    ),
}


def _agency(root: Path, url: str, *, ids: bool = True) -> dict[str, str]:
    """An agency repository: one folder per client workspace, each holding a copy of the
    same playbook file (same key, same name: they are different workspaces), and the project
    file binding each folder to its workspace and key variable. The environment to run it."""
    lines = ["version: 1", "workspaces:"]
    env = {**_urls(url), "NO_COLOR": "1", "COLUMNS": "200"}
    for ws, (provider, var, key, example) in AGENCY.items():
        folder = root / "clients" / ws
        folder.mkdir(parents=True)
        emails = REPO / "campaigns" / provider / "emails"
        if emails.is_dir():
            shutil.copytree(emails, folder / "emails")
        shutil.copy(REPO / "campaigns" / f"{example}.yaml", folder / "playbook.yaml")
        text = (folder / "playbook.yaml").read_text("utf-8")
        text = re.sub(r"^key: .*$", "key: playbook", text, count=1, flags=re.M)
        (folder / "playbook.yaml").write_text(text, "utf-8")
        lines += [
            f"  {ws}:",
            f"    provider: {provider}",
            f"    key_env: {var}",
            f"    paths: [clients/{ws}]",
        ]
        if ids:
            lines.append(f"    workspace: {_identity(url, provider, key)}")
        env[var] = key
    (root / "outreach.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return env


def _cli(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_API_KEY") and not k.startswith("OUTREACH_")
    }
    return subprocess.run(
        [*CLI, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# -- the project root -------------------------------------------------------------------------


@pytest.mark.slow
def test_a_subfolder_finds_the_project_root_and_its_state(tmp_path: Path, sandbox: Any) -> None:
    root = tmp_path / "repo"
    fleet(root / "campaigns", 2, only=("sendkit/q2-decision-makers",))
    (root / "outreach.yaml").write_text("version: 1\nstate: .state\n", "utf-8")
    env = {**_urls(sandbox.url), "SENDKIT_API_KEY": "sk_root_test", "NO_COLOR": "1"}
    first = _cli(["apply", "--yes", "campaigns"], root, env)
    assert first.returncode == 0, first.stderr
    sub = root / "campaigns" / "sendkit"
    again = _cli(["plan", "--detailed-exitcode", "."], sub, env)
    assert again.returncode == 0, again.stdout + again.stderr  # same state: no change
    assert (root / ".state" / "state.json").is_file()
    assert not (sub / ".outreach").exists() and not (root / ".outreach").exists()


@pytest.mark.slow
def test_without_a_project_file_a_subfolder_uses_the_state_above(
    tmp_path: Path, sandbox: Any
) -> None:
    root = tmp_path / "repo"
    fleet(root / "campaigns", 1, only=("sendkit/q2-decision-makers",))
    env = {**_urls(sandbox.url), "SENDKIT_API_KEY": "sk_root_legacy", "NO_COLOR": "1"}
    assert _cli(["apply", "--yes", "campaigns"], root, env).returncode == 0
    again = _cli(["plan", "--detailed-exitcode", "."], root / "campaigns", env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not (root / "campaigns" / ".outreach").exists()


def test_a_bad_project_file_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "outreach.yaml").write_text(
        "version: 1\nworkspaces:\n  acme:\n    provider: sendkit\n    key_env: lower_case\n"
        "    paths: [x]\n",
        "utf-8",
    )
    (tmp_path / "x").mkdir()
    result = run("validate", "x")
    assert result.exit_code == 1
    assert "outreach.yaml:5: workspaces.acme.key_env" in result.stderr


# -- workspaces ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_agency_plans_and_applies_every_workspace_with_its_own_key(
    tmp_path: Path, sandbox: Any
) -> None:
    env = _agency(tmp_path, sandbox.url)
    applied = _cli(["apply", "--yes", "clients"], tmp_path, env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for ws, (provider, _, key, example) in AGENCY.items():
        name = re.search(
            r"^  name: (.*)$", (REPO / "campaigns" / f"{example}.yaml").read_text("utf-8"), re.M
        ).group(1)  # type: ignore[union-attr]
        assert _count(sandbox.url, provider, key).get(name.strip('"')) == 1, ws
        assert f"{ws}/playbook" in applied.stdout
    again = _cli(["plan", "--detailed-exitcode", "clients"], tmp_path, env)
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.slow
def test_a_key_of_another_workspace_sends_nothing_and_names_folder_and_variable(
    tmp_path: Path, sandbox: Any
) -> None:
    env = _agency(tmp_path, sandbox.url)
    env["BETA_SENDKIT_API_KEY"] = env["ACME_SENDKIT_API_KEY"]  # one wrong `export`
    before = len(sandbox.sandbox.request_log)
    result = _cli(["apply", "--yes", "clients"], tmp_path, env)
    assert result.returncode == 1
    assert "BETA_SENDKIT_API_KEY" in result.stderr and "clients/beta" in result.stderr
    assert "beta" in result.stderr
    sent = [r for r in list(sandbox.sandbox.request_log)[before:] if r[0] != "GET"]
    assert sent == []  # nothing but the identity reads
    assert not any("/campaigns" in r[1] for r in list(sandbox.sandbox.request_log)[before:])


def test_the_workspaces_keys_are_checked_at_once(
    tmp_path: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each workspace's whoami is a round trip of its own before any read: all five are in
    # flight together (the barrier breaks, and the check fails, if one waits for another).
    import threading

    from outreach_cli.providers import provider_class

    for name, value in _agency(tmp_path, sandbox.url).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    together = threading.Barrier(len(AGENCY), timeout=10)
    for platform in ("sendkit", "lemlist"):
        cls = provider_class(platform)

        def waiting(self: Any, _original: Any = cls.whoami) -> Any:
            together.wait()
            return _original(self)

        monkeypatch.setattr(cls, "whoami", waiting)
    with Session(state_dir=str(tmp_path / ".outreach")) as session:
        session.connections(list(AGENCY))
        assert sorted(session._providers) == sorted(AGENCY)


@pytest.mark.slow
def test_a_workspace_with_no_id_bound_is_refused_with_the_id_to_bind(
    tmp_path: Path, sandbox: Any
) -> None:
    env = _agency(tmp_path, sandbox.url, ids=False)
    result = _cli(["plan", "clients/acme"], tmp_path, env)
    assert result.returncode == 1
    ident = _identity(sandbox.url, "sendkit", "sk_agency_acme")
    assert f"workspace: {ident}" in result.stderr


@pytest.mark.slow
def test_a_file_outside_every_bound_folder_is_an_error_before_any_request(
    tmp_path: Path, sandbox: Any
) -> None:
    env = _agency(tmp_path, sandbox.url)
    stray = tmp_path / "stray"
    shutil.copytree(tmp_path / "clients" / "acme", stray)
    (stray / "playbook.yaml").rename(stray / "x.yaml")
    before = len(sandbox.sandbox.request_log)
    result = _cli(["plan", "stray"], tmp_path, env)
    assert result.returncode == 1
    assert "stray/x.yaml" in result.stderr and "outside every folder bound" in result.stderr
    assert len(sandbox.sandbox.request_log) == before


# -- identity shared between checkouts -------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("stagger", [0.0, 0.4])
def test_two_checkouts_applying_the_same_files_create_each_campaign_once(
    tmp_path: Path, stagger: float
) -> None:
    src = fleet(tmp_path / "src", 8, only=("sendkit/q2-decision-makers",))
    env = {
        "SENDKIT_API_KEY": "sk_two_checkouts",
        "NO_COLOR": "1",
        "OUTREACH_CACHE_DIR": str(tmp_path / "user-cache"),
    }
    # 100 ms a request: the second starts (0.4 s later) while the first is still creating.
    with server.start(
        str(tmp_path / "sb.sqlite3"), faults=server.Faults(latency_ms=100)
    ) as running:
        env.update(_urls(running.url))
        checkouts = []
        for who in ("alice", "bob"):
            shutil.copytree(src, tmp_path / who / "campaigns")
            checkouts.append(tmp_path / who)
        procs = []
        for n, where in enumerate(checkouts):
            if n:
                time.sleep(stagger)
            procs.append(
                subprocess.Popen(
                    [*CLI, "apply", "--yes", "campaigns"],
                    cwd=where,
                    env={
                        **{k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")},
                        **env,
                    },
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
        running.sandbox.faults = server.Faults()
        names = _count(running.url, "sendkit", "sk_two_checkouts")
        # Both checkouts have their own state: a campaign the other created is found, and
        # each later plan (after an apply that records what the plan shows) is clean.
        later = []
        for where in checkouts:
            first = _cli(["plan", "--detailed-exitcode", "campaigns"], where, env)
            if first.returncode == 2:
                assert "adopt" in first.stdout, first.stdout
                assert _cli(["apply", "--yes", "campaigns"], where, env).returncode == 0
            later.append(_cli(["plan", "--detailed-exitcode", "campaigns"], where, env))
    assert all(code in (0, 4) for *_, code in results), results
    for out, err, code in results:
        if code == 4:
            assert "created since this plan" in err + out
    ours = {k: v for k, v in names.items() if k.rsplit(" - ", 1)[-1].isdigit()}
    assert len(ours) == 8 and set(ours.values()) == {1}, names
    assert [r.returncode for r in later] == [0, 0], [r.stdout + r.stderr for r in later]


def test_the_create_lock_is_one_per_name_in_a_workspace(
    env_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Creates of other names never wait for each other (one lock a workspace serialised a
    # whole apply of 200 creates: 5.2x its request bound at 50 ms); the same name in the same
    # workspace, from another checkout, takes the same lock (the test above).
    from outreach_cli import apply, lock

    held: list[str] = []

    def recording(name: str, timeout: float = 60.0) -> Any:
        held.append(name)
        return lock.create_lock(name, timeout)

    monkeypatch.setattr(apply, "create_lock", recording)
    src = fleet(tmp_path / "a", 3, only=("sendkit/q2-decision-makers",))
    assert run("apply", "--yes", str(src)).exit_code == 0
    assert len(held) == 3 and len(set(held)) == 3, held  # three names, three locks


# -- no silent adoption -------------------------------------------------------------------------


def test_a_copied_file_with_the_same_name_is_an_error_naming_both_files(tmp_path: Path) -> None:
    folder = fleet(tmp_path / "c", 1, only=("sendkit/q2-decision-makers",))
    original = folder / "sendkit" / "q2-decision-makers-0.yaml"
    copy = folder / "sendkit" / "copy.yaml"
    copy.write_text(
        re.sub(r"^key: .*$", "key: the-copy", original.read_text("utf-8"), count=1, flags=re.M),
        "utf-8",
    )
    result = run("validate", str(folder))
    assert result.exit_code == 1
    line = next(
        n
        for n, text in enumerate(original.read_text().splitlines(), 1)
        if text.startswith("  name:")
    )
    assert f"{original}:{line}" in result.stderr and str(copy) in result.stderr
    assert "outreach's rule" in result.stderr


def test_a_campaign_bound_to_another_key_is_never_adopted(env_sandbox: Any, tmp_path: Path) -> None:
    folder = fleet(tmp_path / "c", 1, only=("sendkit/q2-decision-makers",))
    original = folder / "sendkit" / "q2-decision-makers-0.yaml"
    assert run("apply", "--yes", str(folder)).exit_code == 0
    # The copy is planned alone (its original is not in this run): state still knows.
    other = tmp_path / "other"
    other.mkdir()
    shutil.copytree(folder / "sendkit" / "emails", other / "emails")
    (other / "copy.yaml").write_text(
        re.sub(r"^key: .*$", "key: the-copy", original.read_text("utf-8"), count=1, flags=re.M),
        "utf-8",
    )
    result = run("plan", str(other))
    assert result.exit_code == 1
    assert "managed by sendkit/q2-decision-makers-0" in result.stdout + result.stderr


def test_adopting_is_its_own_action_and_never_resumes(env_sandbox: Any, tmp_path: Path) -> None:
    folder = fleet(tmp_path / "c", 1, only=("sendkit/q2-decision-makers",))
    file = folder / "sendkit" / "q2-decision-makers-0.yaml"
    # Someone made it by hand (another tool, or outreach with a state since lost) and
    # paused it: the file asks for active.
    assert run("apply", "--yes", str(folder), "--state-dir", str(tmp_path / "lost")).exit_code == 0
    session = track(Session(state_dir=tmp_path / "lost"))
    prov = session.provider("sendkit")
    remote = prov.fetch(session.state.get("sendkit/q2-decision-makers-0").id)
    prov.transition(remote, "pause")
    assert "status: active" in file.read_text()
    plan = run("plan", "--detailed-exitcode", str(folder))
    assert plan.exit_code == 2
    assert "adopt sendkit campaign" in plan.stdout and "> resume" not in plan.stdout
    applied = run("apply", "--yes", str(folder), "--format", "json")
    assert applied.exit_code == 0, applied.stdout
    assert prov.fetch(remote.id).status == "paused"
    after = run("plan", "--detailed-exitcode", str(folder))
    assert after.exit_code == 2 and "resume" in after.stdout
    assert "adopt sendkit campaign" not in after.stdout


# -- renames, letting go, subsets ---------------------------------------------------------------


def test_a_rename_said_in_the_file_keeps_the_campaign(env_sandbox: Any, tmp_path: Path) -> None:
    folder = fleet(tmp_path / "c", 1, only=("sendkit/q2-decision-makers",))
    file = folder / "sendkit" / "q2-decision-makers-0.yaml"
    assert run("apply", "--yes", str(folder)).exit_code == 0
    before = run("state", "show", "sendkit/q2-decision-makers-0", "-f", "json")
    old_id = json.loads(before.stdout)["data"]["id"]
    # Key and name change together: without moved_from this would create a second campaign
    # and leave the first one sending.
    text = file.read_text("utf-8")
    text = re.sub(
        r"^key: .*$", "key: renamed\nmoved_from: [q2-decision-makers-0]", text, count=1, flags=re.M
    )
    text = re.sub(r"^  name: (.*)$", r"  name: \1 (renamed)", text, count=1, flags=re.M)
    file.write_text(text, "utf-8")
    plan = run("plan", "--detailed-exitcode", str(folder))
    assert plan.exit_code == 2, plan.stdout + plan.stderr
    assert "moved from sendkit/q2-decision-makers-0" in plan.stdout
    assert "create" not in plan.stdout.split("Plan:")[0]
    assert "in state, no file" not in plan.stderr
    assert run("apply", "--yes", str(folder)).exit_code == 0
    after = json.loads(run("state", "show", "sendkit/renamed", "-f", "json").stdout)["data"]
    assert after["id"] == old_id
    assert run("plan", "--detailed-exitcode", str(folder)).exit_code == 0
    listed = json.loads(run("state", "list", "-f", "json").stdout)["data"]
    assert [r["address"] for r in listed] == ["sendkit/renamed"]


def test_state_mv_moves_a_record_and_refuses_to_overwrite(env_sandbox: Any, tmp_path: Path) -> None:
    folder = fleet(tmp_path / "c", 2, only=("sendkit/q2-decision-makers",))
    assert run("apply", "--yes", str(folder)).exit_code == 0
    taken = run("state", "mv", "sendkit/q2-decision-makers-0", "sendkit/q2-decision-makers-1")
    assert taken.exit_code == 1 and "already has a record" in taken.stderr
    moved = run("state", "mv", "sendkit/q2-decision-makers-0", "sendkit/new-key")
    assert moved.exit_code == 0, moved.stderr
    shown = run("state", "show", "sendkit/new-key")
    assert shown.exit_code == 0 and "q2-decision-makers-0.yaml" in shown.stdout
    assert "hmac" not in shown.stdout  # hashes are never shown


def test_a_plan_of_a_subset_says_nothing_of_the_rest(env_sandbox: Any, campaigns_dir: Path) -> None:
    assert run("apply", "--yes", str(campaigns_dir)).exit_code == 0
    subset = run("plan", str(campaigns_dir / "sendkit"))
    assert subset.exit_code == 0
    assert "in state, no file" not in subset.stderr  # lemlist and Puffle are simply elsewhere
    one = run("plan", str(campaigns_dir / "sendkit" / "q2-decision-makers.yaml"))
    assert "in state, no file" not in one.stderr
    (campaigns_dir / "sendkit" / "founders-ab-test.yaml").unlink()
    gone = run("plan", str(campaigns_dir / "sendkit"))
    assert "sendkit/founders-ab-test" in gone.stderr and "in state, no file" in gone.stderr


def test_a_refused_create_leaves_no_mark_for_a_later_run_to_misread(
    env_sandbox: Any, tmp_path: Path
) -> None:
    folder = fleet(tmp_path / "c", 1, only=("sendkit/q2-decision-makers",))
    file = folder / "sendkit" / "q2-decision-makers-0.yaml"
    good = file.read_text("utf-8")
    # A foreign agent id passes offline (membership is server state) and SendKit refuses it.
    file.write_text(
        good.replace("  settings:\n", "  settings:\n    aiAgentId: 0123456789abcdef01234567\n", 1),
        "utf-8",
    )
    refused = run("apply", "--yes", str(folder))
    assert refused.exit_code == 1 and "AGENT_NOT_FOUND" in refused.stdout + refused.stderr
    listed = json.loads(run("state", "list", "-f", "json").stdout)["data"]
    assert listed == []  # no `{id: "", creating: true}` left behind
    # Someone then makes a campaign of that name by hand: it is adopted, shown as such, not
    # "finished" as this state's interrupted create.
    file.write_text(good, "utf-8")
    assert run("apply", "--yes", str(folder), "--state-dir", str(tmp_path / "other")).exit_code == 0
    plan = run("plan", str(folder))
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert "adopt sendkit campaign" in plan.stdout
    assert "interrupted create" not in plan.stdout


@pytest.mark.slow
def test_doctor_checks_every_workspace_of_the_project(tmp_path: Path, sandbox: Any) -> None:
    env = _agency(tmp_path, sandbox.url)
    well = _cli(["doctor", "--format", "json"], tmp_path, env)
    assert well.returncode == 0, well.stdout + well.stderr
    data = json.loads(well.stdout)["data"]["targets"]
    assert sorted(t["label"] for t in data) == sorted(AGENCY)
    assert {t["keyVariable"] for t in data} == {v[1] for v in AGENCY.values()}
    env["GAMMA_SENDKIT_API_KEY"] = env["BETA_SENDKIT_API_KEY"]
    wrong = _cli(["doctor"], tmp_path, env)
    assert wrong.returncode == 1
    assert "GAMMA_SENDKIT_API_KEY" in wrong.stderr and "not to workspace gamma" in wrong.stderr
    assert "sk_agency" not in wrong.stdout + wrong.stderr  # never a key


@pytest.mark.slow
def test_import_of_a_workspace_writes_into_its_folder_and_plans_to_no_change(
    tmp_path: Path, sandbox: Any
) -> None:
    env = _agency(tmp_path, sandbox.url)
    assert _cli(["apply", "--yes", "clients/acme"], tmp_path, env).returncode == 0
    (tmp_path / "clients" / "acme" / "playbook.yaml").unlink()
    assert _cli(["state", "forget", "acme/playbook"], tmp_path, env).returncode == 0
    imported = _cli(["import", "acme", "--all"], tmp_path, env)
    assert imported.returncode == 0, imported.stderr
    written = sorted((tmp_path / "clients" / "acme").glob("*.yaml"))
    assert len(written) == 1, written
    again = _cli(["plan", "--detailed-exitcode", "clients/acme"], tmp_path, env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "acme/" in again.stdout


@pytest.mark.slow
def test_with_no_path_a_command_works_on_the_whole_project(tmp_path: Path, sandbox: Any) -> None:
    env = _agency(tmp_path, sandbox.url)
    sub = tmp_path / "clients" / "beta"
    applied = _cli(["apply", "--yes", "."], tmp_path, env)  # apply names its PATHs
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for args in (["validate"], ["plan", "--detailed-exitcode"]):
        result = _cli(args, sub, env)  # from a subfolder: the root, not the folder
        assert result.returncode == 0, result.stdout + result.stderr
    plan = _cli(["plan", "--format", "json"], sub, env)
    assert len(json.loads(plan.stdout)["data"]["campaigns"]) == len(AGENCY)
    bare = tmp_path / "elsewhere"
    bare.mkdir()
    lost = _cli(["plan"], bare.parent.parent, env)
    assert lost.returncode == 64 and "outreach.yaml" in lost.stderr
