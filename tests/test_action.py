"""The GitHub Action's steps (action.yml), run as scripts over the sandbox with a fake `gh`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
STEPS = {s.get("name", s.get("uses")): s for s in ACTION["runs"]["steps"]}

FAKE_GH = r'''#!PYTHON
"""A stand-in for the GitHub CLI: records calls, keeps comments, serves the kept artifact."""
import json, os, shutil, sys
args = sys.argv[1:]
with open(os.environ["GH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
def opt(name):
    return args[args.index(name) + 1] if name in args else None
if args[:2] == ["pr", "comment"]:
    store = os.environ["GH_COMMENTS"]
    os.makedirs(store, exist_ok=True)
    have = sorted(os.listdir(store))
    if "--edit-last" in args and not have:
        sys.exit("no comments found for current user")
    name = have[-1] if "--edit-last" in args else f"comment-{len(have) + 1}.md"
    shutil.copy(opt("--body-file"), os.path.join(store, name))
elif args[0] == "api":
    print(os.environ["FAKE_HEAD_SHA"])
elif args[:2] == ["run", "list"]:
    assert opt("--commit") == os.environ["FAKE_HEAD_SHA"], args
    print(os.environ["FAKE_RUN_ID"])
elif args[:2] == ["run", "download"]:
    assert args[2] == os.environ["FAKE_RUN_ID"], args
    src = os.path.join(os.environ["ARTIFACTS"], opt("--name"))
    shutil.copytree(src, opt("--dir"), dirs_exist_ok=True)
else:
    sys.exit(f"fake gh: unexpected {args}")
'''


class Runner:
    """Runs the action's `run:` steps as GitHub does: bash -eo pipefail, env from `env:`."""

    def __init__(self, root: Path, event: str) -> None:
        self.root = root
        self.bin = root / "fakebin"
        self.bin.mkdir(exist_ok=True)
        gh = self.bin / "gh"
        gh.write_text(FAKE_GH.replace("PYTHON", sys.executable))
        gh.chmod(0o755)
        self.context: dict[str, Any] = {
            "github.action_path": str(REPO),
            "github.event_name": event,
            "github.repository": "acme/campaigns",
            "github.sha": "merge000",
            "github.workflow": "campaigns",
            "github.token": "ghs_fake",
            "github.event.pull_request.number": "7" if event == "pull_request" else "",
            **{f"inputs.{k}": str(v.get("default", "")) for k, v in ACTION["inputs"].items()},
            "inputs.sandbox": "true",
            "inputs.github-token": "ghs_fake",
        }
        self.outputs: dict[str, dict[str, str]] = {}
        self.base_env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("SENDKIT", "LEMLIST", "PUFFLE", "OUTREACH"))
            },
            "PATH": f"{self.bin}:{Path(sys.executable).parent}:{os.environ['PATH']}",
            "GH_LOG": str(root / "gh.log"),
            "GH_COMMENTS": str(root / "comments"),
            "ARTIFACTS": str(root / "artifacts"),
            "FAKE_HEAD_SHA": "head111",
            "FAKE_RUN_ID": "4242",
            "COLUMNS": "100",
        }

    def expr(self, text: str) -> str:
        def one(m: re.Match[str]) -> str:
            name = m.group(1).strip()
            if name.startswith("steps."):
                _, step, _, key = name.split(".")
                return self.outputs.get(step, {}).get(key, "")
            return str(self.context[name])

        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    def run(self, name: str) -> int:
        step = STEPS[name]
        assert step["shell"] == "bash"
        out_file = self.root / f"output-{step.get('id', 'x')}"
        out_file.write_text("")
        env = {
            **self.base_env,
            "GITHUB_OUTPUT": str(out_file),
            **{k: self.expr(v) for k, v in (step.get("env") or {}).items()},
        }
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.last = proc
        if "id" in step:
            self.outputs[step["id"]] = dict(
                line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line
            )
        return proc.returncode

    def runs_in(self, name: str, mode: str) -> bool:
        """Whether the step's `if:` lets it run in `mode` (the conditions name the mode)."""
        cond = STEPS[name].get("if", "")
        return not cond or f"== '{mode}'" in cond or ("!= '" in cond and f"!= '{mode}'" not in cond)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "campaigns", tmp_path / "campaigns")
    return tmp_path


def _pull_request(repo: Path) -> Runner:
    pr = Runner(repo, "pull_request")
    assert pr.run("Choose the mode") == 0 and pr.outputs["mode"]["mode"] == "plan"
    for name in ("Validate", "Plan", "Comment the plan on the pull request"):
        assert pr.runs_in(name, "plan")
        assert pr.run(name) == 0, pr.last.stdout + pr.last.stderr
    # actions/upload-artifact keeps the plan file under the artifact's name.
    keep = STEPS["Keep the plan"]
    assert pr.runs_in("Keep the plan", "plan")
    assert keep["with"]["path"] == "${{ inputs.plan-file }}"
    dest = repo / "artifacts" / pr.expr(keep["with"]["name"])
    dest.mkdir(parents=True)
    shutil.copy(repo / pr.expr(keep["with"]["path"]), dest)
    return pr


@pytest.mark.slow
def test_pull_request_then_merge_then_drift_check(repo: Path) -> None:
    pr = _pull_request(repo)
    assert pr.outputs["plan"]["exit-code"] == "2"  # changes to review
    comment = (repo / "comments" / "comment-1.md").read_text()
    assert "5 to create" in comment and "sendkit/q2-decision-makers" in comment
    # A second push updates the same comment.
    assert pr.run("Comment the plan on the pull request") == 0
    assert sorted(os.listdir(repo / "comments")) == ["comment-1.md"]
    os.unlink(repo / "outreach-plan.json")  # the merge run starts from a fresh checkout

    merged = Runner(repo, "push")
    assert merged.run("Choose the mode") == 0 and merged.outputs["mode"]["mode"] == "apply"
    assert not merged.runs_in("Validate", "apply") and not merged.runs_in("Plan", "apply")
    assert merged.run("Fetch the reviewed plan") == 0, merged.last.stderr
    assert merged.run("Apply the reviewed plan") == 0, merged.last.stderr
    assert "5 applied" in merged.last.stderr

    cron = Runner(repo, "schedule")
    assert cron.run("Choose the mode") == 0 and cron.outputs["mode"]["mode"] == "drift"
    assert cron.run("Validate") == 0
    assert cron.run("Drift check") == 0, cron.last.stdout + cron.last.stderr
    # Someone edits a campaign behind the files' back: the scheduled check fails with 2.
    edited = repo / "edited" / "q2.yaml"
    edited.parent.mkdir()
    edited.write_text(
        (repo / "campaigns/sendkit/q2-decision-makers.yaml")
        .read_text()
        .replace("dailySendLimit: 50", "dailySendLimit: 51")
        .replace("../schemas", "../campaigns/schemas")
        .replace("!file emails/", "!file ../campaigns/sendkit/emails/")
    )
    behind = subprocess.run(
        ["outreach", "apply", "--sandbox", "--yes", str(edited)],
        cwd=repo,
        env=cron.base_env,
        capture_output=True,
        text=True,
    )
    assert behind.returncode == 0, behind.stderr
    assert cron.run("Drift check") == 2
    assert "drift" in cron.last.stdout and cron.outputs["drift"]["exit-code"] == "2"
    assert "settings.dailySendLimit" in (repo / "outreach-drift.md").read_text()


@pytest.mark.slow
def test_merge_of_a_plan_the_platform_moved_away_from_exits_4(repo: Path) -> None:
    first = Runner(repo, "push")
    # The campaigns exist already; a pull request edits one.
    subprocess.run(
        ["outreach", "apply", "--sandbox", "--yes", "campaigns"],
        cwd=repo,
        env=first.base_env,
        check=True,
        capture_output=True,
    )
    q2 = repo / "campaigns/sendkit/q2-decision-makers.yaml"
    q2.write_text(q2.read_text().replace("dailySendLimit: 50", "dailySendLimit: 60"))
    _pull_request(repo)
    # Before the merge, the dashboard changes the same campaign.
    q2.write_text(q2.read_text().replace("dailySendLimit: 60", "dailySendLimit: 61"))
    subprocess.run(
        ["outreach", "apply", "--sandbox", "--yes", str(q2)],
        cwd=repo,
        env=first.base_env,
        check=True,
        capture_output=True,
    )
    assert first.run("Choose the mode") == 0
    assert first.run("Fetch the reviewed plan") == 0, first.last.stderr
    assert first.run("Apply the reviewed plan") == 4
    assert "changed on its platform since the plan" in first.last.stdout


def test_pre_commit_hook_runs_outreach_validate() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "outreach-validate" and hook["entry"] == "outreach validate"
    proc = subprocess.run(
        [*hook["entry"].split(), *hook["args"]],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )
    assert proc.returncode == 0, proc.stderr
    assert re.search(hook["files"], "campaigns/sendkit/emails/q2-intro.html")


def _git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout


def _job(tmp_path: Path, origin: Path, name: str, event: str, url: str, secret: str) -> Runner:
    """A fresh runner: a new clone of the repository (actions/checkout), nothing else."""
    where = tmp_path / name
    _git("clone", "--quiet", str(origin), str(where), cwd=tmp_path)
    job = Runner(where, event)
    job.context["inputs.sandbox"] = "false"
    job.base_env.update(
        {
            "ARTIFACTS": str(tmp_path / "artifacts"),
            "GH_COMMENTS": str(tmp_path / "comments"),
            "OUTREACH_SENDKIT_URL": url + "/sendkit/v1",
            "OUTREACH_LEMLIST_URL": url + "/lemlist/api",
            "OUTREACH_PUFFLE_URL": url + "/puffle/api",
            "SENDKIT_API_KEY": "sk_ci_team",
            "LEMLIST_API_KEY": "ci-team",
            "PUFFLE_API_KEY": "pk_test_ci_team",
            # The secrets the README tells a team to set: the keys, and the state's hash key.
            "OUTREACH_STATE_KEY": "team-state-key-0123456789abcdef",
            "SENDKIT_WEBHOOK_SECRET": secret,
            "OUTREACH_CACHE_DIR": str(where / ".cache"),
        }
    )
    return job


@pytest.mark.slow
def test_fresh_runners_share_state_through_the_branch(tmp_path: Path) -> None:
    from outreach_cli.sandbox import server

    origin = tmp_path / "origin.git"
    _git("init", "--quiet", "--bare", str(origin), cwd=tmp_path)
    seed = tmp_path / "seed"
    _git("init", "--quiet", str(seed), cwd=tmp_path)
    shutil.copytree(REPO / "campaigns", seed / "campaigns")
    _git("add", "-A", cwd=seed)
    _git("commit", "--quiet", "-m", "campaigns", cwd=seed)
    _git("push", "--quiet", str(origin), "HEAD:refs/heads/main", cwd=seed)
    _git("symbolic-ref", "HEAD", "refs/heads/main", cwd=origin)
    with server.start(str(tmp_path / "platforms.sqlite3")) as platforms:

        def job(name: str, event: str, secret: str = "whsec_first") -> Runner:
            return _job(tmp_path, origin, name, event, platforms.url, secret)

        pr = job("pr", "pull_request")
        assert pr.run("Choose the mode") == 0
        assert pr.run("Restore the shared state") == 0 and "no outreach-state" in pr.last.stdout
        assert pr.run("Plan") == 0, pr.last.stdout + pr.last.stderr
        assert pr.outputs["plan"]["exit-code"] == "2"
        keep = tmp_path / "artifacts" / "outreach-plan"
        keep.mkdir(parents=True)
        shutil.copy(pr.root / "outreach-plan.json", keep)

        merge = job("merge", "push")
        assert merge.run("Choose the mode") == 0
        assert merge.run("Restore the shared state") == 0
        assert merge.run("Fetch the reviewed plan") == 0, merge.last.stderr
        assert merge.run("Apply the reviewed plan") == 0, merge.last.stdout + merge.last.stderr
        assert merge.run("Save the shared state") == 0, merge.last.stderr
        assert "saved to the outreach-state branch" in merge.last.stdout

        # The next day's drift check, on a runner that has never seen the apply.
        cron = job("cron", "schedule")
        assert cron.run("Choose the mode") == 0
        assert cron.run("Restore the shared state") == 0 and "restored" in cron.last.stdout
        assert cron.run("Drift check") == 0, (cron.root / "outreach-drift.md").read_text()

        # A pull request's plan on another fresh runner: no change, exit 0…
        again = job("pr2", "pull_request")
        assert again.run("Choose the mode") == 0 and again.run("Restore the shared state") == 0
        assert again.run("Plan") == 0 and again.outputs["plan"]["exit-code"] == "0"
        # …while a new webhook secret (a write-only value, never read back) is a change.
        rotated = job("pr3", "pull_request", secret="whsec_rotated")
        assert rotated.run("Choose the mode") == 0
        assert rotated.run("Restore the shared state") == 0
        assert rotated.run("Plan") == 0 and rotated.outputs["plan"]["exit-code"] == "2"
        plan = (rotated.root / "outreach-plan.md").read_text()
        assert "settings.webhook.secret" in plan and "whsec_rotated" not in plan
