"""Hermetic tests: every test runs in its own temp directory with no provider keys set."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import HAVE_REFERENCE, OPEN, REPO, SHARED

try:  # hypothesis comes with the test extra (pip install -e ".[test]")
    from hypothesis import settings

    # In CI the property tests draw the same examples every run, so a run fails for the code,
    # never for the draw; by hand they explore (`HYPOTHESIS_PROFILE=dev` to explore in CI).
    settings.register_profile("ci", derandomize=True, database=None)
    settings.register_profile("dev")
    settings.load_profile(
        os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
    )
except ImportError:  # pragma: no cover
    pass


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = os.environ.pop("OUTREACH_CACHE_DIR", "")
    if "outreach-test-cache-" in folder:
        shutil.rmtree(folder, ignore_errors=True)


PROVIDER_VARS = (
    "SENDKIT_API_KEY",
    "SENDKIT_WORKSPACE_ID",
    "LEMLIST_API_KEY",
    "PUFFLE_API_KEY",
    "OUTREACH_SENDKIT_URL",
    "OUTREACH_LEMLIST_URL",
    "OUTREACH_PUFFLE_URL",
    "NO_COLOR",
    "OUTREACH_RATE_LIMIT",
)


@pytest.fixture(autouse=True)
def _hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in PROVIDER_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    # The user's cache (create locks, rate budgets) is per test, as if per machine.
    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(tmp_path / ".cache-outreach"))
    # And a home of its own: nothing reads or writes the real user's dotfiles (completion
    # install reads the shell's rc file).
    (tmp_path / ".home").mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(tmp_path / ".home"))
    from outreach_cli.environment import forget_all

    forget_all()  # the values a previous test read from the environment are not masked here
    yield
    while OPEN:
        OPEN.pop().close()


@pytest.fixture(autouse=True)
def _lemlist_contract(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """lemlist's OpenAPI file checks every request the lemlist adapter sends and every answer
    the lemlist emulator gives, in every test (tests/lemlist_contract.py)."""
    from outreach_cli.http import Api
    from outreach_cli.sandbox.lemlist.routes import Emulator
    from tests import lemlist_contract as contract

    init = Api.__init__

    def checked_init(self: Api, provider: str, *args: Any, **kwargs: Any) -> None:
        init(self, provider, *args, **kwargs)
        if provider == "lemlist":  # every client the lemlist adapter talks through
            hooks = self._client.event_hooks
            self._client.event_hooks = {
                "request": [*hooks.get("request", []), contract.request_hook],
                "response": [*hooks.get("response", []), contract.response_hook],
            }

    monkeypatch.setattr(Api, "__init__", checked_init)
    monkeypatch.setattr(Emulator, "handle", contract.emulator_handle(Emulator.handle))
    contract.take()
    yield
    found = contract.take()
    if found:
        pytest.fail("lemlist's OpenAPI file disagrees:\n" + "\n".join(found[:20]), pytrace=False)


@pytest.fixture
def sandbox() -> Iterator[object]:
    """The emulator of all three APIs on a loopback port, in memory, with no rate limit."""
    from outreach_cli.sandbox import server

    running = server.start(":memory:")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def limited_sandbox() -> Iterator[object]:
    """The same, enforcing lemlist's rate limit (20 requests per 2 s per key, 429s): for the
    tests of the limits themselves."""
    from outreach_cli.sandbox import server

    running = server.start(":memory:", rate_limit=True)
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
    # This sandbox enforces no rate limit: the client's lemlist limiter would protect nobody.
    monkeypatch.setenv("OUTREACH_RATE_LIMIT", "off")
    return sandbox


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reference: reads the vendors' reference pages (skipped when they are absent)"
    )
    # Each test process (each xdist worker) keeps its caches (compiled schemas, the lemlist
    # rate budgets of ratebudget.py) in a folder of its own, never the user's: no test shares
    # a budget file with another worker, another person's run, or a real `outreach`.

    os.environ["OUTREACH_CACHE_DIR"] = tempfile.mkdtemp(prefix="outreach-test-cache-")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the quote checks, all under one counted reason, when the reference folder is
    absent (a contributor's fresh clone); .ci/run refuses to start without it. In parallel
    (-n), the slow tests start first, spread over the workers, so that no worker is left alone
    with a long one at the end (the order is the same in every worker)."""
    if getattr(config.option, "numprocesses", None):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if HAVE_REFERENCE:
        return
    marked = [item for item in items if item.get_closest_marker("reference")]
    reason = (
        f"vendor reference pages not found at {SHARED}; {len(marked)} quote checks "
        "skipped (set OUTREACH_REFERENCE_DIR, see the README's Tests section)"
    )
    for item in marked:
        item.add_marker(pytest.mark.skip(reason=reason))
    config.stash[_SKIPPED_REFERENCE] = reason


_SKIPPED_REFERENCE = pytest.StashKey[str]()


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"vendor reference pages: {SHARED}"
        if HAVE_REFERENCE
        else f"vendor reference pages: NOT FOUND at {SHARED} (quote checks will be skipped)"
    )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """In parallel (-n), what each worker found comes back to the controller, which reports it
    (the skipped quote checks, files read from outside) as one process would."""
    out = getattr(node, "workeroutput", {})
    _OUTSIDE.update(out.get("outside") or ())
    if out.get("skipped_reference"):
        node.config.stash[_SKIPPED_REFERENCE] = out["skipped_reference"]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reason = terminalreporter.config.stash.get(_SKIPPED_REFERENCE, None)
    if reason:
        terminalreporter.write_line(reason, yellow=True, bold=True)


# Everything a test reads comes from the repository, the reference folder, Python's own
# installation, the system (/etc, /usr: time zones, CA certificates) or a temporary
# directory: an audit hook records every other file a test opens for reading, and the
# session fails naming them. A fresh clone with nothing beside it then has all it needs.
_OUTSIDE: set[str] = set()
_ALLOWED = tuple(
    {
        str(p)
        for p in (
            REPO,
            SHARED,
            Path(sys.prefix),
            Path(sys.base_prefix),
            Path(sys.exec_prefix),
            Path(tempfile.gettempdir()).resolve(),
            Path(tempfile.gettempdir()),
            *(Path(entry) for entry in sys.path if entry),
        )
    }
    | {"/etc", "/usr", "/dev", "/proc", "/sys", "/lib", "/lib64", "/run"}
)


def _opened(event: str, args: tuple[object, ...]) -> None:
    if event != "open" or not isinstance(args[0], str):
        return
    path, mode, flags = args[0], args[1], args[2] if len(args) > 2 else 0
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT
    if isinstance(mode, str):
        if mode.strip("bt") not in ("r", ""):
            return
    elif isinstance(flags, int) and flags & writes:
        return
    if not os.path.isabs(path):
        return
    if not path.startswith(_ALLOWED) and os.path.isfile(path):
        _OUTSIDE.add(path)


sys.addaudithook(_opened)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    worker = getattr(session.config, "workeroutput", None)
    if worker is not None:  # an xdist worker: the controller reports (pytest_testnodedown)
        worker["outside"] = sorted(_OUTSIDE)
        worker["skipped_reference"] = session.config.stash.get(_SKIPPED_REFERENCE, None)
        return
    if _OUTSIDE:
        shown = ", ".join(sorted(_OUTSIDE)[:10])
        session.config.get_terminal_writer().line(
            f"\ntests read {len(_OUTSIDE)} file(s) from outside the repository, the reference "
            f"folder and the system: {shown}",
            red=True,
            bold=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
