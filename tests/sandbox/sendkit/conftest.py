"""Fixtures of the SendKit emulator tests: the running sandbox, its SendKit emulator, clients."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import httpx
import pytest

from outreach_cli.sandbox import server
from outreach_cli.sandbox.sendkit import Emulator

# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def running(sandbox: server.Running) -> server.Running:
    """The shared `sandbox` fixture (tests/conftest.py), under the name these tests use."""
    return sandbox


@pytest.fixture
def emulator(running: server.Running) -> Emulator:
    found = [e for e in running.sandbox.emulators if isinstance(e, Emulator)]
    assert len(found) == 1
    return found[0]


@pytest.fixture
def make_client(running: server.Running) -> Iterator[Callable[..., httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(headers: dict[str, str] | None = None) -> httpx.Client:
        client = httpx.Client(
            base_url=running.url + "/sendkit/v1", headers=headers or {}, timeout=10
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def key() -> str:
    return "sk_test_" + secrets.token_hex(8)


@pytest.fixture
def api(make_client: Callable[..., httpx.Client], key: str) -> httpx.Client:
    return make_client({"X-Api-Key": key})
