"""The rule catalogue (providers/<name>/catalogue.py), held to its sources and run both ways.

Every rule's quote must stand in its source file. Every probe (a campaign that breaks a rule,
or sits exactly on its bound) goes through `outreach validate` and, as the same campaign sent
the way the adapter's create sends it, through the sandbox over loopback: both readings must
give the catalogue's verdict.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from outreach_cli.errors import ApiError
from outreach_cli.providers import PROVIDERS
from outreach_cli.providers.catalogue import Probe, Rule, apply_probe, load
from outreach_cli.session import Session
from outreach_cli.validate import validate_paths
from tests.helpers import SHARED

PLATFORMS = sorted(PROVIDERS)
RULES = [(p, r) for p in PLATFORMS for r in load(p)[0]]
PROBES = [(p, r, probe) for p, r in RULES for probe in r.probes]
NEEDS_A_TEST = ("error", "warning", "normalised", "accepted", "ignored")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _source(name: str) -> str:
    path = SHARED / name
    assert path.is_file(), f"no source {name} under shared/"
    text = path.read_text("utf-8")
    if name.endswith(".json"):  # the OpenAPI file: quotes are of its strings, unescaped
        text = text.encode().decode("unicode_escape", errors="ignore")
    return _flat(text)


def test_every_platform_has_a_catalogue() -> None:
    assert {p for p, _ in RULES} == set(PLATFORMS)


def test_rule_ids_are_unique() -> None:
    ids = [r.id for _, r in RULES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.reference
@pytest.mark.parametrize("platform,rule", RULES, ids=[r.id for _, r in RULES])
def test_rule_is_quoted_from_its_source(platform: str, rule: Rule) -> None:
    assert _flat(rule.quote) in _source(rule.source), (
        f"{rule.id}: the quote is not in {rule.source}"
    )


@pytest.mark.parametrize("platform,rule", RULES, ids=[r.id for _, r in RULES])
def test_rule_says_why_and_where_it_is_enforced(platform: str, rule: Rule) -> None:
    if rule.kind == "choice":
        assert rule.why, f"{rule.id}: a choice says why outreach made it"
    for side, where in (("client", rule.client), ("sandbox", rule.sandbox)):
        if not where:
            assert rule.why_not, f"{rule.id}: not enforced on the {side} side: say why"
    if rule.verdict in NEEDS_A_TEST and (rule.client or rule.sandbox):
        assert rule.probes or rule.tested_by, f"{rule.id}: no probe and no test names it"


def _outcome(tmp_path: Path, platform: str, campaign: dict[str, Any]) -> tuple[str, str]:
    path = tmp_path / "probe.yaml"
    doc = {"provider": platform, "key": "probe", "campaign": campaign}
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    result = validate_paths([str(path)])
    shown = "\n".join(str(d) for d in result.diagnostics)
    if result.errors:
        return "refuse", shown
    return ("warn" if result.warnings else "accept"), shown


@pytest.mark.parametrize(
    "platform,rule,probe", PROBES, ids=[f"{r.id}-{p.name}" for _, r, p in PROBES]
)
def test_probe_gives_the_catalogue_verdict_on_both_sides(
    platform: str, rule: Rule, probe: Probe, sandbox: Any, tmp_path: Path
) -> None:
    _, base = load(platform)
    campaign = apply_probe(base, probe)
    got, shown = _outcome(tmp_path, platform, campaign)
    assert got == probe.client, f"{rule.id} {probe.name}: validate said {got}\n{shown}"
    if probe.sandbox is None:
        return
    with Session(sandbox=True, sandbox_url=sandbox.url, state_dir=tmp_path / ".o") as session:
        provider = session.provider(platform)
        try:
            provider.create(apply_probe(base, probe))
            answer = "accept"
        except ApiError as exc:
            assert 400 <= exc.status < 500, f"{rule.id} {probe.name}: {exc.status} {exc}"
            answer = "refuse"
    assert answer == probe.sandbox, f"{rule.id} {probe.name}: the sandbox said {answer}"
