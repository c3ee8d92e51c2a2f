"""SendKit's catalogue agrees with what people read: messages of choices, the README table,
and the rules only the server can judge (a completed campaign, a tracking domain)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from outreach_cli.providers import table
from outreach_cli.providers.base import Change, Remote
from outreach_cli.providers.catalogue import apply_probe, load
from outreach_cli.providers.sendkit import SendKit
from outreach_cli.sandbox.sendkit.ids import workspace_for_key
from outreach_cli.validate import validate_paths

RULES, BASE = load("sendkit")
KEY = "sk_catalogue_tests"
# SK-110's message is validate.py's for every platform ("unknown key …; did you mean …"): it
# names no owner, so it claims nothing for the vendor either.
SHARED_MESSAGE = frozenset({"SK-110"})
SAID = [(r, p) for r in RULES for p in r.probes if p.client in ("refuse", "warn")]


def _said(tmp_path: Path, campaign: dict[str, Any]) -> str:
    path = tmp_path / "probe.yaml"
    path.write_text(
        yaml.safe_dump({"provider": "sendkit", "key": "probe", "campaign": campaign}), "utf-8"
    )
    return "\n".join(str(d) for d in validate_paths([str(path)]).diagnostics)


@pytest.mark.parametrize("rule,probe", SAID, ids=[f"{r.id}-{p.name}" for r, p in SAID])
def test_a_choice_says_it_is_outreachs_rule_and_a_documented_rule_does_not(
    rule: Any, probe: Any, tmp_path: Path
) -> None:
    shown = _said(tmp_path, apply_probe(BASE, probe))
    assert "SendKit requires" not in shown and "SendKit does not accept" not in shown
    if rule.id in SHARED_MESSAGE:
        return
    if rule.kind == "choice":
        assert "outreach's rule" in shown, f"{rule.id}: a choice must say whose rule it is"
    else:
        assert "outreach's rule" not in shown, f"{rule.id}: documented, yet called ours"


def test_the_readme_table_says_what_the_catalogue_says() -> None:
    rendered = table.provider_table(SendKit)
    cells = {c.strip() for line in rendered.splitlines()[2:] for c in line.split("|")[2:-1]}
    by_id = {r.id: r for r in RULES}
    # SK-87: the docs state no status restriction on PATCH, so every status says "yes".
    assert by_id["SK-87"].verdict == "accepted" and cells == {"yes"}
    assert "RULES" in by_id["SK-87"].client
    # Every rule the table could show as refused or ignored is in the catalogue as such.
    assert not any(r.verdict in ("blocked", "ignored") and "RULES" in r.client for r in RULES)


def test_a_completed_campaign_is_edited_like_any_other(sandbox: Any) -> None:
    base = sandbox.url + "/sendkit/v1"
    with httpx.Client(base_url=base, headers={"X-Api-Key": KEY}) as http:
        created = http.post("/campaigns", json=BASE).json()["data"]
        store = sandbox.sandbox.store
        ws = workspace_for_key(KEY)
        doc = store.get(ws, "campaign", created["_id"])
        assert doc is not None
        store.put(ws, "campaign", doc["_id"], {**doc, "status": "completed"})
        answer = http.patch(f"/campaigns/{created['_id']}", json={"name": "Renamed"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["status"] == "completed"
    change = Change(("name",), "change", "Probe", "Renamed")
    for status in SendKit.statuses:
        remote = Remote("x", "Probe", status, None, {"name": "Probe"})
        assert SendKit.classify(SendKit.__new__(SendKit), change, remote).allowed, status


@pytest.mark.parametrize(
    "domain,status",
    [
        ("track.example.com", 201),
        ("not a host!", 400),
        ("-bad.example.com", 400),
        ("a" * 63 + ".io", 201),
    ],
)
def test_tracking_domain_is_a_host_name_in_the_sandbox(
    sandbox: Any, domain: str, status: int
) -> None:
    body = {**BASE, "settings": {"cnameTracking": {"enabled": True, "domain": domain}}}
    with httpx.Client(base_url=sandbox.url + "/sendkit/v1", headers={"X-Api-Key": KEY}) as http:
        assert http.post("/campaigns", json=body).status_code == status


def test_every_test_the_catalogue_names_exists() -> None:
    from tests.helpers import REPO

    for rule in RULES:
        for named in rule.tested_by:
            path, _, name = named.partition("::")
            source = REPO / path
            assert source.is_file(), f"{rule.id}: no {path}"
            if name:
                assert f"def {name}(" in source.read_text("utf-8"), f"{rule.id}: no {named}"
