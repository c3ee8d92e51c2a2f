"""Fixtures for the lemlist emulator tests: `lem` (the emulator in the shared sandbox) and `api`."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from outreach_cli.sandbox import server
from outreach_cli.sandbox.lemlist import Emulator
from tests.sandbox.lemlist.helpers import FakeClock, Lem


# The shared `limited_sandbox` fixture (tests/conftest.py) starts the server with lemlist's rate
# limit on; every test uses fresh keys, hence its own team and bucket.
@pytest.fixture
def lem(limited_sandbox: server.Running) -> Lem:
    emu = next(e for e in limited_sandbox.sandbox.emulators if e.prefix == "/lemlist/api")
    assert isinstance(emu, Emulator)
    clock = FakeClock()
    emu.monotonic = clock
    return Lem(limited_sandbox.url, emu, clock)


@pytest.fixture
def api(lem: Lem) -> Iterator[httpx.Client]:
    lem.unlimited()
    with lem.client() as c:
        yield c
