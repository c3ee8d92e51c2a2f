"""`${VAR}` never reads outreach's own variables into a campaign, and a project's policy
(env.allow / env.deny, injected at cli/common.py's env_policy) narrows the rest (issue 19,
item 3). A refusal is an error at file:line naming the variable and the rule, never the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from outreach_cli.documents import load_file
from outreach_cli.environment import OUTREACH_OWN, EnvPolicy
from outreach_cli.providers import PROVIDERS, provider_class
from tests.helpers import run

VALUE = "the-value-of-a-key-0123456789"
DOC = 'provider: sendkit\ncampaign:\n  name: "Hello ${NAME}"\n'


def _file(tmp_path: Path, var: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(DOC.replace("NAME", var))
    return path


def test_every_platform_key_variable_is_outreach_own() -> None:
    policy = EnvPolicy(allow=("*",))
    for name in PROVIDERS:
        assert policy.refusal(provider_class(name).key_env_var), name


@pytest.mark.parametrize(
    "var",
    [
        "SENDKIT_API_KEY",
        "SENDKIT_WORKSPACE_ID",
        "LEMLIST_API_KEY",
        "PUFFLE_API_KEY",
        "OUTREACH_STATE_KEY",
        "OUTREACH_SENDKIT_URL",
        "GITHUB_TOKEN",
        "ACTIONS_RUNTIME_TOKEN",
        "SENDKIT_API_KEY:-fallback",
    ],
)
def test_outreach_own_variables_are_refused_at_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env_sandbox: object, var: str
) -> None:
    name = var.split(":")[0]
    monkeypatch.setenv(name, VALUE)
    path = _file(tmp_path, var)
    for cmd in (["validate"], ["plan"]):
        text = run(*cmd, str(path))
        assert text.exit_code == 1, text.output
        assert (
            f"{path}:3:9: campaign.name: environment variable {name} is never read into "
            "a campaign (outreach's rule" in text.stderr
        ), text.stderr
        data = run(*cmd, "--format", "json", str(path))
        [err] = json.loads(data.stdout)["errors"]
        assert (err["line"], err["field"]) == (3, "campaign.name") and name in err["message"]
        assert VALUE not in text.output + data.output
    assert env_sandbox.sandbox.request_log == []  # type: ignore[attr-defined]


def test_the_reader_refuses_at_the_line_and_reads_the_rest(tmp_path: Path) -> None:
    path = _file(tmp_path, "GITHUB_TOKEN")
    env = {"GITHUB_TOKEN": VALUE}
    sources, problems = load_file(str(path), env)
    assert [(p.line, p.col, p.path) for p in problems] == [(3, 9, "campaign.name")]
    assert VALUE not in json.dumps(sources[0].data)
    ok = _file(tmp_path, "GREETING")
    sources, problems = load_file(str(ok), {"GREETING": "hi"})
    assert problems == [] and sources[0].data["campaign"]["name"] == "Hello hi"
    assert sources[0].env_paths == {("campaign", "name")}


def test_the_project_file_policy_reaches_every_command_that_loads_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "outreach.yaml").write_text(
        "version: 1\nenv:\n  allow: [WEBHOOK_*, GREETING, ACME_*]\nworkspaces:\n  acme:\n"
        "    provider: sendkit\n    key_env: ACME_SENDKIT_KEY\n    paths: [.]\n"
    )
    monkeypatch.setenv("GREETING", "hi")
    monkeypatch.setenv("ACME_SENDKIT_KEY", VALUE)
    monkeypatch.setenv("HOME_SECRET", VALUE)
    assert run("validate", str(_file(tmp_path, "GREETING"))).exit_code == 0
    denied = run("validate", str(_file(tmp_path, "ACME_SENDKIT_KEY")))
    assert (
        denied.exit_code == 1
        and "environment variable ACME_SENDKIT_KEY is denied by "
        "the project (ACME_SENDKIT_KEY: a workspace's key variable"
        in denied.stderr
    )
    outside = run("validate", str(_file(tmp_path, "HOME_SECRET")))
    assert (
        outside.exit_code == 1
        and "environment variable HOME_SECRET is not in the "
        "project file's env.allow (WEBHOOK_*, GREETING, ACME_*)"
        in outside.stderr
    )
    assert VALUE not in denied.output + outside.output
    for cmd in (["plan"], ["preview"], ["leads", "list"]):  # the same policy everywhere
        result = run(*cmd, str(_file(tmp_path, "HOME_SECRET")))
        assert (
            result.exit_code == 1
            and "HOME_SECRET is not in the project file's env.allow" in result.output
        ), (cmd, result.output)


def test_allowing_everything_never_reopens_outreach_own() -> None:
    policy = EnvPolicy(allow=("*",))
    assert all(policy.refusal(p.replace("*", "X")) for p in OUTREACH_OWN)
    assert policy.refusal("WEBHOOK_SECRET") == ""
