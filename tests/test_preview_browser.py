"""The preview site in a real browser: Debian's chromium, headless, loads every page of the
example campaigns' site with no console message (a blocked script, a CSP violation, a missing
file all log one), and its DOM shows the subject, the filled variables and the missing ones.

Skipped with the reason when chromium is absent on a developer machine; `.ci/run` installs it
and sets OUTREACH_REQUIRE_BROWSER=1, which turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import REPO, run

pytestmark = pytest.mark.slow  # each page is a chromium start (~1-3 s on 2 shared cores)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
# One header every platform reads (first_name and firstName are one column to the CSV reader);
# the lead lacks companyName, which the examples use, so the missing flags show.
LEADS = (
    "email,firstName,lastName,linkedin_url\n"
    "ada@acme.example,Ada,Lovelace,https://www.linkedin.com/in/ada\n"
)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("OUTREACH_REQUIRE_BROWSER"):
        pytest.fail(
            "chromium is not installed but OUTREACH_REQUIRE_BROWSER is set (.ci/run "
            "installs it: apt-get install -y chromium)"
        )
    pytest.skip(
        "chromium is not installed (Debian: apt-get install -y chromium); the "
        "browser tests of the preview site need it"
    )


def load(page: Path) -> tuple[str, list[str]]:
    """The page's DOM after load, and the console messages chromium logged for it."""
    exe = _chromium()
    with tempfile.TemporaryDirectory(prefix="outreach-chromium-") as profile:
        done = subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, console


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    _chromium()
    (tmp_path / "leads.csv").write_text(LEADS)
    r = run("preview", str(REPO / "campaigns"), "--from", "leads.csv", "--html", "site")
    assert r.exit_code == 1, r.stderr  # the lead lacks companyName: flagged, exit 1
    assert "wrote" in r.stderr
    return tmp_path / "site"


def test_every_page_of_the_example_campaigns_loads_with_no_console_message(
    example_site: Path,
) -> None:
    pages = [
        example_site / "index.html",
        *sorted(example_site.glob("*/index.html")),
        *sorted(example_site.glob("*/l1-e*.html")),
    ]
    assert len(pages) > 10
    # Two browsers at a time: each load is mostly chromium's start-up.
    with ThreadPoolExecutor(2) as pool:
        for page, (dom, console) in zip(pages, pool.map(load, pages), strict=True):
            assert console == [], (page, console)
            assert "<main>" in dom, page


def test_the_dom_shows_subject_sender_variables_and_missing_flags(example_site: Path) -> None:
    page = next(p for p in example_site.glob("*sendkit-q2*/l1-e1.html"))
    dom, console = load(page)
    assert console == []
    subject = re.search(r'<h1 id="subject">(.*?)</h1>', dom)
    assert subject and "Quick question about" in subject.group(1)
    # The variable the lead lacks stands flagged where it would be, named.
    assert (
        '<span class="missing" title="no value: renders empty">{{companyName}}</span>'
        in subject.group(1)
    )
    inbox = re.search(r'<div class="inbox" id="inbox">(.*?)</div>', dom)
    assert inbox and "a mailbox tagged outreach" in inbox.group(1)
    assert "– Hi Ada, I noticed" in inbox.group(1)
    text = re.search(r'<pre id="text">(.*?)</pre>', dom, re.S)
    assert text and 'Hi <mark class="var">Ada</mark>,' in text.group(1)
    assert re.search(
        r'<p id="missing">Missing for this lead: <span class="missing">'
        r"companyName</span>",
        dom,
    )
    fields = re.search(r'<table id="fields">(.*?)</table>', dom, re.S)
    assert fields and '<th>firstName</th><td><mark class="var">Ada</mark>' in fields.group(1)
    assert '<iframe sandbox="" ' in dom and "allow-scripts" not in dom


def test_a_hostile_body_runs_nothing_in_the_browser(tmp_path: Path) -> None:
    """A script, an onerror handler and a javascript: link in the body: with the sanitiser
    and the sandbox nothing runs, and the page logs nothing (a script the sandbox had to
    block would log 'Blocked script execution')."""
    _chromium()
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "h.yaml").write_text(
        "provider: lemlist\nkey: h\ncampaign:\n  name: H\n  steps:\n"
        "    - {type: email, delay: 0, subject: 'Hi {{firstName}}', message: !file b.html}\n"
    )
    (tmp_path / "c" / "b.html").write_text(
        "<p>Hi {{firstName}}</p><script>console.log('pwned')</script>"
        '<img src=x onerror="console.log(\'pwned-img\')"><svg onload="console.log(1)"></svg>'
        '<img src="https://tracker.example/p.png">'
    )
    (tmp_path / "leads.csv").write_text("email,firstName\nada@acme.example,Ada\n")
    assert run("preview", "c", "--from", "leads.csv", "--html", "site").exit_code == 0
    page = next((tmp_path / "site").glob("*/l1-e1.html"))
    dom, console = load(page)
    assert console == [], console
    assert "Hi Ada" in dom


def test_served_pages_load_their_reload_script_with_no_console_message(tmp_path: Path) -> None:
    """--serve pages allow exactly their own reload script and its version request."""
    import threading
    import time

    from outreach_cli.previewserve import build_site, serve

    _chromium()
    (tmp_path / "leads.csv").write_text(LEADS)
    events: list[str] = []
    stop = threading.Event()
    worker = threading.Thread(
        target=serve,
        args=(
            lambda: build_site(
                str(REPO / "campaigns" / "sendkit"),
                "site",
                leads_csv="leads.csv",
                targets=None,
                live=True,
            ),
            "site",
        ),
        kwargs={"on_event": events.append, "stop": stop},
    )
    worker.start()
    try:
        end = time.monotonic() + 30
        while not any("serving" in e for e in events) and time.monotonic() < end:
            time.sleep(0.05)
        url = re.search(r"http://127\.0\.0\.1:\d+/", events[0])
        assert url, events
        page = next(Path("site").glob("*q2*/l1-e1.html")).relative_to("site").as_posix()
        exe = _chromium()
        with tempfile.TemporaryDirectory(prefix="outreach-chromium-") as profile:
            done = subprocess.run(
                [
                    exe,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    "--virtual-time-budget=3000",
                    "--dump-dom",
                    url.group(0) + page,
                ],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        console = [x for x in done.stderr.splitlines() if ":CONSOLE" in x]
        assert console == [], console
        assert '<script src="../_outreach/reload.js"></script>' in done.stdout
        assert "Quick question about" in done.stdout
    finally:
        stop.set()
        worker.join(10)
