"""Fixtures of the Puffle emulator tests: the running sandbox, its Puffle emulator, a client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from outreach_cli.sandbox import server
from outreach_cli.sandbox.puffle import Emulator
from tests.sandbox.puffle.helpers import client


@pytest.fixture
def running(sandbox: server.Running) -> server.Running:
    """The shared `sandbox` fixture (tests/conftest.py): the emulators on a loopback port."""
    return sandbox


@pytest.fixture
def emulator(running: server.Running) -> Emulator:
    found = next(e for e in running.sandbox.emulators if e.prefix == "/puffle/api")
    assert isinstance(found, Emulator)
    return found


@pytest.fixture
def api(running: server.Running) -> Iterator[httpx.Client]:
    """A client with a fresh workspace (one per key)."""
    with client(running, f"pk_test_{uuid.uuid4().hex}") as c:
        yield c
