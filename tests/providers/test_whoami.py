"""`whoami()`: which workspace/team/account a key belongs to, read over loopback HTTP from
the sandbox, which keeps one workspace per key."""

from __future__ import annotations

from typing import Any

import pytest

from outreach_cli.errors import OutreachError
from outreach_cli.providers.identity import WorkspaceIdentity
from outreach_cli.session import Session
from tests.helpers import track


def _session(sandbox: Any, **keys: str) -> Session:
    env = {
        "OUTREACH_SENDKIT_URL": sandbox.url + "/sendkit/v1",
        "OUTREACH_LEMLIST_URL": sandbox.url + "/lemlist/api",
        "OUTREACH_PUFFLE_URL": sandbox.url + "/puffle/api",
        **keys,
    }
    session = Session(environ=env)
    track(session)
    return session


def _whoami(sandbox: Any, provider: str, key: str, **env: str) -> WorkspaceIdentity:
    var = {"sendkit": "SENDKIT_API_KEY", "lemlist": "LEMLIST_API_KEY", "puffle": "PUFFLE_API_KEY"}[
        provider
    ]
    adapter = _session(sandbox, **{var: key}, **env).provider(provider)
    if provider == "puffle":  # a campaign carries the account's user_id
        adapter.client.post("/campaigns", json={"type": "email", "name": "whoami probe"})
    return adapter.whoami()


@pytest.mark.parametrize(
    "provider,key_a,key_b",
    [
        ("sendkit", "sk_whoami_alpha", "sk_whoami_beta"),
        ("lemlist", "whoami-alpha", "whoami-beta"),
        ("puffle", "pk_test_whoami_alpha", "pk_test_whoami_beta"),
    ],
)
def test_two_keys_are_two_workspaces(sandbox: Any, provider: str, key_a: str, key_b: str) -> None:
    a = _whoami(sandbox, provider, key_a)
    b = _whoami(sandbox, provider, key_b)
    again = _whoami(sandbox, provider, key_a)
    assert a.provider == b.provider == provider
    assert a.id and b.id and a.id != b.id
    assert a == again  # stable for the same key
    if not a.proxy:  # Puffle names an account by its senders, the same demo ones in both
        assert a.name != b.name
    assert key_a not in repr(a) and key_b not in repr(b)


def test_ids_have_the_documented_forms(sandbox: Any) -> None:
    sk = _whoami(sandbox, "sendkit", "sk_whoami_forms")
    assert len(sk.id) == 24 and int(sk.id, 16) >= 0 and not sk.proxy
    lem = _whoami(sandbox, "lemlist", "whoami-forms")
    assert (
        lem.id.startswith("tea_")
        and lem.accounts
        and all(a.startswith("usr_") for a in lem.accounts)
    )
    puf = _whoami(sandbox, "puffle", "pk_test_whoami_forms")
    assert puf.proxy and "user_id" in puf.detail and puf.accounts


def test_puffle_without_campaigns_says_it_cannot_tell(sandbox: Any) -> None:
    adapter = _session(sandbox, PUFFLE_API_KEY="pk_test_whoami_empty").provider("puffle")
    ident = adapter.whoami()
    assert ident.id == "" and "no campaign yet" in ident.detail
    assert ident.name.startswith("senders: ")


def test_sendkit_platform_key_picks_its_workspace(sandbox: Any) -> None:
    ws_a = _whoami(sandbox, "sendkit", "sk_whoami_ws_a").id
    ws_b = _whoami(sandbox, "sendkit", "sk_whoami_ws_b").id
    # The platform key becomes a member of each workspace it has named.
    for ws in (ws_a, ws_b):
        _session(sandbox, SENDKIT_API_KEY="sk_user_whoami", SENDKIT_WORKSPACE_ID=ws).provider(
            "sendkit"
        ).client.get("/tags")
    got = _whoami(sandbox, "sendkit", "sk_user_whoami", SENDKIT_WORKSPACE_ID=ws_b)
    assert got.id == ws_b
    other = "0" * 24
    with pytest.raises(OutreachError, match="answered 0 workspaces"):
        _whoami(sandbox, "sendkit", "sk_user_whoami", SENDKIT_WORKSPACE_ID=other)


def test_sandbox_platform_key_lists_without_workspace_header(sandbox: Any) -> None:
    import httpx

    ws = _whoami(sandbox, "sendkit", "sk_whoami_list").id
    _session(sandbox, SENDKIT_API_KEY="sk_user_lister", SENDKIT_WORKSPACE_ID=ws).provider(
        "sendkit"
    ).client.get("/tags")
    got = httpx.get(
        sandbox.url + "/sendkit/v1/workspaces", headers={"X-Api-Key": "sk_user_lister"}
    ).json()
    assert got["success"] is True
    assert [w["id"] for w in got["data"]] == [ws]
    assert set(got["data"][0]) == {"id", "name", "ownerId", "memberCount", "usage", "createdAt"}
    # Any other route still needs the header with a platform key.
    tags = httpx.get(sandbox.url + "/sendkit/v1/tags", headers={"X-Api-Key": "sk_user_lister"})
    assert tags.status_code == 400
