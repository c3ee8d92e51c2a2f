"""Bases, overlays and values (issue 24): one playbook written once, run for many clients.

The agency tests run the CLI as a process on an agency layout (the example under
examples/agency, copied) against the sandbox over loopback, each workspace bound to the id
its key answers, as tests/test_team.py does."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from outreach_cli.validate import validate_paths
from tests.helpers import REPO, run
from tests.test_team import _bare, _cli, _identity, _urls

EXAMPLE = REPO / "examples" / "agency"
KEYS = {
    "acme": ("ACME_SENDKIT_API_KEY", "sk_overlay_acme"),
    "beta": ("BETA_SENDKIT_API_KEY", "sk_overlay_beta"),
    "gamma": ("GAMMA_SENDKIT_API_KEY", "sk_overlay_gamma"),
}


def _agency(root: Path, url: str) -> dict[str, str]:
    """The example agency in `root`, each workspace bound to the id its key answers."""
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".outreach"), dirs_exist_ok=True)
    text = (root / "outreach.yaml").read_text("utf-8")
    env = {**_urls(url), "NO_COLOR": "1", "COLUMNS": "200"}
    for ws, (var, key) in KEYS.items():
        bound = _identity(url, "sendkit", key)
        text = re.sub(rf"(  {ws}:\n(?:    .*\n)*?    workspace: )\S+", rf"\g<1>{bound}", text)
        env[var] = key
    (root / "outreach.yaml").write_text(text, "utf-8")
    return env


def _campaigns(url: str, ws: str) -> dict[str, Any]:
    """The workspace's campaigns by name, as the platform holds them."""
    provider = _bare({**_urls(url), "SENDKIT_API_KEY": KEYS[ws][1]}).provider("sendkit")
    return {
        c["name"]: provider.fetch(str(c["_id"] if "_id" in c else c["id"]))
        for c in provider.list_campaigns()
    }  # type: ignore[attr-defined]


@pytest.mark.slow
def test_five_client_overlays_in_three_workspaces_apply_and_a_base_edit_plans_five_changes(
    tmp_path: Path, sandbox: Any
) -> None:
    env = _agency(tmp_path, sandbox.url)
    applied = _cli(["apply", "--yes", "clients"], tmp_path, env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply: 5 applied" in applied.stdout + applied.stderr
    # A per-client subject and sender, filled from the file, the values file, the workspace.
    acme, beta = _campaigns(sandbox.url, "acme"), _campaigns(sandbox.url, "beta")
    assert set(acme) == {"Acme - Founders", "Acme - VP Sales"}
    founders = acme["Acme - Founders"].state["sequence"]
    assert founders[0]["subject"] == "{{firstName}}, a question for a founder"
    assert "Dana from Acme here" in founders[0]["body"]  # a !file body of the base, filled
    assert (
        acme["Acme - VP Sales"].state["sequence"][0]["subject"]
        == "Quick question about {{companyName}}"
    )  # the base's default
    # The step patched by its name, and nothing else of it.
    assert acme["Acme - VP Sales"].state["sequence"][1]["waitDays"] == 5
    assert founders[1]["waitDays"] == 3
    shippers = beta["Beta Logistics - Shippers"].state
    assert shippers["sequence"][0]["subject"] == "Shipping delays at {{companyName}}?"
    assert shippers["settings"]["dailySendLimit"] == 25  # a number stays a number
    assert len(beta["Beta Logistics - Retailers"].state["sequence"]) == 1  # two removed
    assert set(_campaigns(sandbox.url, "gamma")) == {"Gamma Health - Clinics"}

    again = _cli(["plan", "--detailed-exitcode", "clients"], tmp_path, env)
    assert again.returncode == 0, again.stdout + again.stderr

    # One edit of the base: five campaigns change, each plan line names the base's line.
    base = tmp_path / "bases" / "playbook.yaml"
    text = base.read_text("utf-8")
    base.write_text(text.replace("trackOpens: true", "trackOpens: false"), "utf-8")
    line = text[: text.index("trackOpens")].count("\n") + 1
    plan = _cli(["plan", "--detailed-exitcode", "clients"], tmp_path, env)
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "5 to update" in plan.stdout
    assert plan.stdout.count(f"from bases/playbook.yaml:{line}") == 5
    md = _cli(["plan", "--format", "markdown", "clients"], tmp_path, env)
    assert "base <code>bases/playbook.yaml</code>: 5 campaigns change" in md.stdout
    assert md.stdout.count(f"  from bases/playbook.yaml:{line}") == 5
    data = json.loads(_cli(["plan", "--format", "json", "clients"], tmp_path, env).stdout)
    Draft202012Validator(
        json.loads((REPO / "outreach_cli" / "output" / "envelope.schema.json").read_text())
    ).validate(data)
    froms = [c.get("written") for cp in data["data"]["campaigns"] for c in cp["changes"]]
    assert froms == [{"file": "bases/playbook.yaml", "line": line, "column": 17}] * 5

    # A saved plan of overlays (three workspaces of one platform) applies as it was
    # planned, from another process.
    saved = _cli(["plan", "--out", "p.json", "clients"], tmp_path, env)
    assert saved.returncode in (0, 2), saved.stderr
    done = _cli(["apply", "--yes", "--plan", "p.json"], tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _cli(["plan", "--detailed-exitcode", "clients"], tmp_path, env).returncode == 0
    assert (
        _campaigns(sandbox.url, "gamma")["Gamma Health - Clinics"].state["settings"]["trackOpens"]
        is False
    )


@pytest.mark.slow
def test_the_example_validates_plans_and_applies_on_the_sandbox(tmp_path: Path) -> None:
    root = tmp_path / "agency"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".outreach"))
    env = {"NO_COLOR": "1"}
    assert _cli(["validate", "."], root, env).returncode == 0
    plan = _cli(["plan", "--sandbox", "clients"], root, env)
    assert plan.returncode == 0 and "5 to create" in plan.stdout, plan.stdout + plan.stderr
    applied = _cli(["apply", "--sandbox", "--yes", "clients"], root, env)
    assert applied.returncode == 0 and "5 applied" in applied.stderr, applied.stderr
    assert not (EXAMPLE / ".outreach").exists()


# -- merging, offline ---------------------------------------------------------------------------

BASE = """kind: base
provider: sendkit
values:
  subject: Hello {{firstName}}
campaign:
  name: "Playbook ${values.client}"
  sequence:
    - type: email
      name: intro
      subject: "${values.subject}"
      body: "<p>Hi</p>"
    - type: wait
      name: pause
      waitDays: 3
  schedule: {timezone: UTC, startTime: "08:00", endTime: "17:00", workingDays: [1, 2, 3]}
"""


def _tree(root: Path, overlay: str, base: str = BASE, project: str = "version: 1\n") -> Path:
    (root / "bases").mkdir(parents=True, exist_ok=True)
    (root / "clients").mkdir(exist_ok=True)
    (root / "bases" / "playbook.yaml").write_text(base, "utf-8")
    (root / "outreach.yaml").write_text(project, "utf-8")
    (root / "clients" / "one.yaml").write_text(overlay, "utf-8")
    return root / "clients" / "one.yaml"


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_patched_step_keeps_the_rest_of_the_base_and_diagnostics_name_the_base(
    in_tmp: Path,
) -> None:
    _tree(
        in_tmp,
        "base: ../bases/playbook.yaml\nvalues: {client: One}\ncampaign:\n"
        "  sequence:\n    - name: pause\n      waitDays: soon\n",
    )
    result = run("validate", "clients")
    assert result.exit_code == 1
    # the bad value is the overlay's: its line; nothing else is reported
    assert re.search(r"clients/one\.yaml:6:\d+: campaign\.sequence\[1\]\.waitDays", result.stderr)
    (in_tmp / "clients" / "one.yaml").write_text(
        "base: ../bases/playbook.yaml\nvalues: {client: One}\n", "utf-8"
    )
    (in_tmp / "bases" / "playbook.yaml").write_text(
        BASE.replace("waitDays: 3", "waitDays: soon"), "utf-8"
    )
    result = run("validate", "clients")
    assert result.exit_code == 1
    assert re.search(
        r"bases/playbook\.yaml:14:\d+: campaign\.sequence\[1\]\.waitDays", result.stderr
    ), result.stderr


def test_values_precedence_file_block_over_values_file_over_workspace_over_base(
    in_tmp: Path,
) -> None:
    project = (
        "version: 1\nworkspaces:\n  one:\n    provider: sendkit\n    key_env: ONE_KEY\n"
        "    paths: [clients]\n    values: {client: FromWorkspace, subject: W}\n"
    )
    path = _tree(
        in_tmp, "base: ../bases/playbook.yaml\nkey: one\nvalues_file: v.yaml\n", project=project
    )
    (in_tmp / "clients" / "v.yaml").write_text("kind: values\nvalues: {subject: FromFile}\n")
    docs = validate_paths(["clients"], project=_project(in_tmp)).documents
    assert [d.campaign["name"] for d in docs] == ["Playbook FromWorkspace"]
    assert docs[0].campaign["sequence"][0]["subject"] == "FromFile"
    src = docs[0].source
    assert src.where(("campaign", "sequence", 0, "subject"))[:2] == ("clients/v.yaml", 2)
    assert src.where(("campaign", "name"))[:2] == ("outreach.yaml", 7)
    path.write_text(path.read_text() + "values: {subject: FromBlock}\n")
    docs = validate_paths(["clients"], project=_project(in_tmp)).documents
    assert docs[0].campaign["sequence"][0]["subject"] == "FromBlock"
    # without any: the base's default
    path.write_text("base: ../bases/playbook.yaml\nkey: one\n")
    (in_tmp / "outreach.yaml").write_text(project.replace(", subject: W", ""))
    docs = validate_paths(["clients"], project=_project(in_tmp)).documents
    assert docs[0].campaign["sequence"][0]["subject"] == "Hello {{firstName}}"


def _project(root: Path) -> Any:
    from outreach_cli.project import discover

    return discover(root)


def test_a_value_from_the_environment_is_secret_and_render_masks_it(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ONE_CLIENT", "Hidden Corp")
    _tree(in_tmp, 'base: ../bases/playbook.yaml\nvalues: {client: "${ONE_CLIENT}"}\n')
    docs = validate_paths(["clients"]).documents
    assert docs[0].campaign["name"] == "Playbook Hidden Corp"
    assert "name" in docs[0].env_fields
    assert docs[0].source.env_templates[("campaign", "name")] == "Playbook ${ONE_CLIENT}"
    shown = run("render", "clients/one.yaml")
    assert shown.exit_code == 0, shown.stderr
    assert "Hidden Corp" not in shown.stdout and "name: (sensitive)" in shown.stdout
    assert "subject: Hello {{firstName}}" in shown.stdout


def test_render_prints_the_merged_campaign_with_file_bodies_inlined_or_referenced(
    in_tmp: Path,
) -> None:
    base = BASE.replace('body: "<p>Hi</p>"', "body: !file emails/intro.html")
    _tree(in_tmp, "base: ../bases/playbook.yaml\nvalues: {client: One}\n", base=base)
    (in_tmp / "bases" / "emails").mkdir()
    (in_tmp / "bases" / "emails" / "intro.html").write_text("<p>Hi from ${values.client}</p>\n")
    inline = run("render", "clients/one.yaml")
    assert inline.exit_code == 0, inline.stderr
    assert "Hi from One" in inline.stdout and "kind:" not in inline.stdout
    ref = run("render", "--files", "ref", "clients/one.yaml")
    assert re.search(r"body: !file '?\.\./bases/emails/intro\.html'?\n", ref.stdout)
    assert "name: Playbook One" in ref.stdout


@pytest.mark.parametrize(
    ("overlay", "message"),
    [
        ("base: ../../outside.yaml\n", "points outside the project"),
        ("base: /etc/passwd\n", "absolute paths are refused"),
        ("base: ../bases/nope.yaml\n", "no such file"),
        (
            "base: ../bases/playbook.yaml\n",
            r"\$\{values\.client\} \(written at "
            r"bases/playbook\.yaml:6\) has no value",
        ),
        (
            "base: ../bases/playbook.yaml\nvalues: {client: X}\ncampaign:\n  sequence:\n"
            "    - name: outro\n      waitDays: 2\n",
            "5:7: .*unknown name 'outro'.*it has: intro, pause",
        ),
        (
            "base: ../bases/playbook.yaml\nvalues: {client: X}\ncampaign:\n  sequence:\n"
            "    - waitDays: 2\n",
            "5:7: .*names none by its name or _id",
        ),
        ("base: ../outreach.yaml\n", "not a base"),
        ("kind: bsae\nbase: ../bases/playbook.yaml\n", "kind: 'bsae': `kind: base` marks"),
        ("base: one.yaml\n", "bases form a cycle: clients/one.yaml → clients/one.yaml"),
    ],
)
def test_each_overlay_error_names_the_overlay_line(
    in_tmp: Path, overlay: str, message: str
) -> None:
    (in_tmp / "outside.yaml").write_text(BASE)
    _tree(in_tmp / "project", overlay)
    os.chdir(in_tmp / "project")
    result = run("validate", "clients")
    assert result.exit_code == 1
    at = "" if message[0].isdigit() else "1:7: .*"
    assert re.search(r"clients/one\.yaml:" + at + message, result.stderr), result.stderr


def test_a_cycle_of_bases_is_an_error_naming_every_file(in_tmp: Path) -> None:
    _tree(in_tmp, "base: ../bases/a.yaml\nvalues: {client: X}\n")
    (in_tmp / "bases" / "a.yaml").write_text("kind: base\nbase: b.yaml\n")
    (in_tmp / "bases" / "b.yaml").write_text("kind: base\nbase: a.yaml\n")
    result = run("validate", "clients")
    assert result.exit_code == 1
    assert (
        "bases form a cycle: clients/one.yaml → bases/a.yaml → bases/b.yaml → bases/a.yaml"
    ) in result.stderr


def test_bases_of_bases_remove_add_and_replace(in_tmp: Path) -> None:
    _tree(
        in_tmp,
        "base: ../bases/mid.yaml\nvalues: {client: X}\ncampaign:\n  sequence:\n"
        "    - name: pause\n      $remove: true\n    - name: outro\n      $add: true\n"
        "      type: email\n      subject: Bye\n      body: <p>Bye</p>\n",
    )
    (in_tmp / "bases" / "mid.yaml").write_text(
        "kind: base\nbase: playbook.yaml\ncampaign:\n  schedule:\n"
        "    workingDays: {$replace: [1, 2, 3, 4, 5]}\n"
    )
    result = validate_paths(["clients"])
    assert not result.errors, result.errors
    (doc,) = result.documents
    assert [s.get("name") for s in doc.campaign["sequence"]] == ["intro", "outro"]
    assert doc.campaign["schedule"]["workingDays"] == [1, 2, 3, 4, 5]
    assert doc.campaign["schedule"]["timezone"] == "UTC"
    assert doc.source.where(("campaign", "schedule", "workingDays"))[0] == "bases/mid.yaml"
    assert doc.source.where(("campaign", "sequence", 1, "subject"))[:2] == ("clients/one.yaml", 10)


def test_folder_scans_skip_bases_values_files_and_the_project_file(in_tmp: Path) -> None:
    _tree(in_tmp, "base: ../bases/playbook.yaml\nvalues: {client: X}\n")
    (in_tmp / "clients" / "v.yaml").write_text("kind: values\nvalues: {a: 1}\n")
    result = run("validate", "--format", "json", ".")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["data"]["documents"] == 1


def test_a_symlink_out_of_the_project_and_a_values_file_outside_are_refused(in_tmp: Path) -> None:
    (in_tmp / "outside.yaml").write_text(BASE)
    (in_tmp / "outside-values.yaml").write_text("kind: values\nvalues: {client: X}\n")
    root = in_tmp / "project"
    _tree(root, "base: ../bases/link.yaml\n")
    (root / "bases" / "link.yaml").symlink_to(in_tmp / "outside.yaml")
    os.chdir(root)
    result = run("validate", "clients")
    assert result.exit_code == 1
    assert (
        "clients/one.yaml:1:7: base: ../bases/link.yaml: points outside the project"
        in result.stderr
    )
    (root / "clients" / "one.yaml").write_text(
        "base: ../bases/playbook.yaml\nvalues_file: ../../outside-values.yaml\n"
    )
    result = run("validate", "clients")
    assert result.exit_code == 1
    assert (
        "clients/one.yaml:2:14: values_file: ../../outside-values.yaml: points outside the project"
    ) in result.stderr


@pytest.mark.slow
def test_import_as_overlays_writes_one_base_and_overlays_that_plan_to_no_change(
    tmp_path: Path,
) -> None:
    src = tmp_path / "src"
    shutil.copytree(REPO / "campaigns" / "sendkit" / "emails", src / "emails")
    text = (REPO / "campaigns" / "sendkit" / "q2-decision-makers.yaml").read_text("utf-8")
    for i in (1, 2, 3):
        (src / f"q{i}.yaml").write_text(
            text.replace("key: q2-decision-makers", f"key: q{i}")
            .replace("Q2 Outbound - Decision Makers", f"Client {i}")
            .replace("dailySendLimit: 50", f"dailySendLimit: {50 + i}"),
            "utf-8",
        )
    env = {"NO_COLOR": "1", "SENDKIT_WEBHOOK_SECRET": "whsec_test"}
    assert _cli(["apply", "--sandbox", "--yes", "src"], tmp_path, env).returncode == 0
    done = _cli(
        ["import", "sendkit", "--all", "--as-overlays", "--sandbox", "--out", "imp"], tmp_path, env
    )
    assert done.returncode == 0, done.stderr
    assert "3 campaign(s) imported" in done.stderr
    base = (tmp_path / "imp" / "base.yaml").read_text("utf-8")
    assert "kind: base" in base and "dailySendLimit" not in base and "Client" not in base
    one = (tmp_path / "imp" / "q1.yaml").read_text("utf-8")
    assert "base: base.yaml" in one and "dailySendLimit: 51" in one
    assert "timezone" not in one  # shared: in the base only
    plan = _cli(["plan", "--sandbox", "--detailed-exitcode", "imp"], tmp_path, env)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "3 unchanged" in plan.stdout


def test_a_value_no_placeholder_uses_is_a_warning_at_its_line(in_tmp: Path) -> None:
    _tree(in_tmp, "base: ../bases/playbook.yaml\nvalues:\n  client: X\n  subjet: Hi\n")
    result = run("validate", "clients")
    assert result.exit_code == 0, result.stderr
    assert (
        "clients/one.yaml:4:11: values.subjet: warning: no ${values.subjet} in this "
        "campaign or its bases uses this value"
    ) in result.stderr


def test_a_chain_of_bases_is_bounded(in_tmp: Path) -> None:
    from outreach_cli.overlays import MAX_BASES

    _tree(in_tmp, "base: ../bases/b0.yaml\nvalues: {client: X}\n")
    for i in range(MAX_BASES + 2):
        (in_tmp / "bases" / f"b{i}.yaml").write_text(f"kind: base\nbase: b{i + 1}.yaml\n")
    (in_tmp / "bases" / f"b{MAX_BASES + 2}.yaml").write_text(BASE)
    result = run("validate", "clients")
    assert result.exit_code == 1
    assert f"more than {MAX_BASES} bases deep" in result.stderr


@pytest.mark.slow
def test_a_blocked_change_written_in_a_base_names_the_base_line(tmp_path: Path) -> None:
    (tmp_path / "bases").mkdir()
    shutil.copytree(REPO / "campaigns" / "lemlist" / "emails", tmp_path / "bases" / "emails")
    text = (REPO / "campaigns" / "lemlist" / "heads-of-growth.yaml").read_text("utf-8")
    base = tmp_path / "bases" / "growth.yaml"
    base.write_text(text.replace("key: heads-of-growth", "kind: base"), "utf-8")
    (tmp_path / "clients").mkdir()
    for name in ("a", "b"):
        (tmp_path / "clients" / f"{name}.yaml").write_text(
            f"base: ../bases/growth.yaml\ncampaign:\n  name: Growth {name}\n", "utf-8"
        )
    env = {"NO_COLOR": "1"}
    applied = _cli(["apply", "--sandbox", "--yes", "clients"], tmp_path, env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    line = text[: text.index("timezone: Europe/Paris")].count("\n") + 1
    base.write_text(
        base.read_text("utf-8").replace("timezone: Europe/Paris  ", "timezone: Europe/Berlin "),
        "utf-8",
    )
    plan = _cli(["plan", "--sandbox", "--format", "json", "clients"], tmp_path, env)
    assert plan.returncode == 3, plan.stdout + plan.stderr
    blocked = [e for e in json.loads(plan.stdout)["errors"] if e["code"] == "blocked"]
    assert [(e["file"], e["line"], e["field"]) for e in blocked] == [
        ("bases/growth.yaml", line, "timezone")
    ] * 2
    text_plan = _cli(["plan", "--sandbox", "clients"], tmp_path, env)
    assert text_plan.stdout.count(f"from bases/growth.yaml:{line}") == 2
