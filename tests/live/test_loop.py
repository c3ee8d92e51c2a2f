"""The whole loop on each platform with a throwaway campaign: validate → plan → apply (a draft
or paused campaign, never started, no leads) → plan shows no change → an update of every kind
of field the adapter writes → read-back → plan shows no change → clean-up.

By default it runs against the sandbox (so it runs in CI and cannot rot). Against a real
workspace it runs only when OUTREACH_LIVE_<PLATFORM>_API_KEY holds a key AND
OUTREACH_LIVE_DISPOSABLE=yes says that workspace may be written to (README, "Live suite").
The only difference is the base URL and the key. It never sends an email (no lead is ever
added, nothing is started) and never touches a campaign it did not create: apply reads only
its own file, the state dir is the test's own, and clean-up checks the id and the name.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

import pytest
import yaml

from outreach_cli.providers import provider_class
from outreach_cli.session import SANDBOX_KEYS, Session
from tests.helpers import run, track
from tests.live.campaigns import PREFIX, dig, first, update, workspace_ids
from tests.live.conftest import LEFT_BEHIND

pytestmark = pytest.mark.live

PLATFORMS = ("sendkit", "lemlist", "puffle")
# How each platform gets rid of a campaign (providers.md): only Puffle documents a delete.
CLEANUP = {
    "sendkit": "SendKit documents no delete and no archive: left as a draft",
    "lemlist": "lemlist's API has no delete and no archive: left paused",
    "puffle": "DELETE /api/campaigns/{id} (hard delete)",
}
# The statuses a campaign that sends nothing may be in right after apply.
QUIET = {"sendkit": ("draft",), "lemlist": ("paused", "draft"), "puffle": ("draft",)}


def _live_key(provider: str) -> str:
    return os.environ.get(f"OUTREACH_LIVE_{provider.upper()}_API_KEY", "")


def _params() -> list[Any]:
    out = [pytest.param((p, False), id=f"{p}-sandbox") for p in PLATFORMS]
    for p in PLATFORMS:
        reason = ""
        if not _live_key(p):
            reason = f"OUTREACH_LIVE_{p.upper()}_API_KEY is not set"
        elif os.environ.get("OUTREACH_LIVE_DISPOSABLE") != "yes":
            reason = (
                "OUTREACH_LIVE_DISPOSABLE=yes is not set: the suite writes only to a "
                "workspace its owner marked disposable"
            )
        out.append(
            pytest.param(
                (p, True), id=f"{p}-live", marks=[pytest.mark.skipif(bool(reason), reason=reason)]
            )
        )
    return out


@pytest.fixture
def platform(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> dict[str, Any]:
    """Where the loop runs: the platform, its key variable set, the URL override set."""
    provider, live = request.param
    cls = provider_class(provider)
    env_url = f"OUTREACH_{provider.upper()}_URL"
    if live:
        key = _live_key(provider)
        url = os.environ.get(f"OUTREACH_LIVE_{provider.upper()}_URL")
        if url:
            monkeypatch.setenv(env_url, url)
    else:
        from outreach_cli.sandbox import server

        running = server.start(":memory:")
        request.addfinalizer(running.stop)
        key = SANDBOX_KEYS[provider]
        monkeypatch.setenv(env_url, running.url + cls.sandbox_prefix)
    monkeypatch.setenv(cls.key_env_var, key)
    if provider == "sendkit" and live and os.environ.get("OUTREACH_LIVE_SENDKIT_WORKSPACE_ID"):
        monkeypatch.setenv("SENDKIT_WORKSPACE_ID", os.environ["OUTREACH_LIVE_SENDKIT_WORKSPACE_ID"])
    return {"provider": provider, "live": live, "dir": tmp_path}


def _write(folder: Path, doc: dict[str, Any]) -> None:
    (folder / "live.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")


def _plan(folder: Path) -> dict[str, Any]:
    result = run("plan", str(folder), "--detailed-exitcode", "-f", "json")
    doc = json.loads(result.stdout)
    assert doc["exitCode"] == result.exit_code
    return dict(doc)


def _adapter(provider: str) -> Any:
    session = track(Session())
    return session.provider(provider)


def _clean_up(provider: str, live: bool, cid: str, name: str) -> None:
    """Remove the campaign this test created, and nothing else: the id apply reported, and
    only while the platform still calls it by this run's throwaway name."""
    adapter = _adapter(provider)
    remote = adapter.fetch(cid)
    if remote is None:
        return
    assert remote.name == name and name.startswith(PREFIX), (cid, remote.name)
    if provider == "puffle":
        adapter.client.delete(f"/campaigns/{cid}", retry=True)
        assert adapter.fetch(cid) is None
    elif live:
        LEFT_BEHIND.append(f"{provider} {cid} {name!r}: {CLEANUP[provider]}")


@pytest.mark.parametrize("platform", _params(), indirect=True)
def test_whole_loop(platform: dict[str, Any], request: pytest.FixtureRequest) -> None:
    provider, live = platform["provider"], platform["live"]
    name = PREFIX + secrets.token_hex(4)
    folder = platform["dir"] / "campaigns"
    folder.mkdir()
    doc = first(provider, name, workspace_ids(provider, sandbox=not live))
    _write(folder, doc)

    assert run("validate", str(folder)).exit_code == 0

    plan = _plan(folder)
    assert plan["exitCode"] == 2
    assert [c["action"] for c in plan["data"]["campaigns"]] == ["create"]

    applied = run("apply", str(folder), "--yes", "-f", "json")
    out = json.loads(applied.stdout)
    assert applied.exit_code == 0, applied.stdout
    (outcome,) = out["data"]["outcomes"]
    cid = outcome["id"]
    assert outcome["created"] is True and cid
    request.addfinalizer(lambda: _clean_up(provider, live, cid, name))

    adapter = _adapter(provider)
    remote = adapter.fetch(cid)
    assert remote is not None and remote.name == name
    assert remote.status in QUIET[provider], remote.status  # never started
    assert list(adapter.leads.list_records(cid, None)) == []  # no leads: nothing can send

    assert _plan(folder)["exitCode"] == 0

    new, back = update(doc)
    _write(folder, new)
    changed = _plan(folder)
    assert changed["exitCode"] == 2
    (cp,) = changed["data"]["campaigns"]
    assert cp["action"] == "update" and cp["id"] == cid and not cp["blocked"]
    if provider == "sendkit":  # the write-only secret is compared by hash, never shown
        secret = [c for c in cp["changes"] if c["path"] == "settings.webhook.secret"]
        assert secret and secret[0]["sensitive"] and "whsec_live_test_two" not in str(cp)
    again = run("apply", str(folder), "--yes", "-f", "json")
    assert again.exit_code == 0, again.stdout

    remote = _adapter(provider).fetch(cid)
    assert remote is not None
    for path, value in back.items():
        assert dig(remote.state, path) == value, (path, dig(remote.state, path))
    assert remote.status in QUIET[provider]

    assert _plan(folder)["exitCode"] == 0
