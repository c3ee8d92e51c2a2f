"""Hermetic tests: every test runs in its own temp directory with no provider keys set."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import OPEN, REPO

try:  # hypothesis comes with the test extra (pip install -e ".[test]")
    from hypothesis import settings

    # In CI the property tests draw the same examples every run, so a run fails for the code,
    # never for the draw; by hand they explore (`HYPOTHESIS_PROFILE=dev` to explore in CI).
    settings.register_profile("ci", derandomize=True, database=None)
    settings.register_profile("dev")
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI")
                                         else "dev"))
except ImportError:  # pragma: no cover
    pass

PROVIDER_VARS = ("SENDKIT_API_KEY", "SENDKIT_WORKSPACE_ID", "LEMLIST_API_KEY", "PUFFLE_API_KEY",
                 "OUTREACH_SENDKIT_URL", "OUTREACH_LEMLIST_URL", "OUTREACH_PUFFLE_URL", "NO_COLOR")


@pytest.fixture(autouse=True)
def _hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in PROVIDER_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    while OPEN:
        OPEN.pop().close()


@pytest.fixture
def sandbox() -> Iterator[object]:
    """The emulator of all three APIs on a loopback port, in memory."""
    from outreach_cli.sandbox import server

    running = server.start(":memory:")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def campaigns_dir(tmp_path: Path) -> Path:
    """A private copy of the repository's example campaigns."""
    dest = tmp_path / "campaigns"
    shutil.copytree(REPO / "campaigns", dest)
    return dest


@pytest.fixture
def env_sandbox(sandbox: object, monkeypatch: pytest.MonkeyPatch) -> object:
    """Point the client at the in-memory sandbox through the documented URL overrides."""
    url = sandbox.url  # type: ignore[attr-defined]
    monkeypatch.setenv("OUTREACH_SENDKIT_URL", url + "/sendkit/v1")
    monkeypatch.setenv("OUTREACH_LEMLIST_URL", url + "/lemlist/api")
    monkeypatch.setenv("OUTREACH_PUFFLE_URL", url + "/puffle/api")
    monkeypatch.setenv("SENDKIT_API_KEY", "sk_test_workspace")
    monkeypatch.setenv("LEMLIST_API_KEY", "test-lemlist-key")
    monkeypatch.setenv("PUFFLE_API_KEY", "pk_test_key")
    monkeypatch.setenv("COLUMNS", "100")
    return sandbox
