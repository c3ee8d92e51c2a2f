"""`preview --html DIR`: the site's pages escape what came from files and leads, sanitise HTML
bodies (no script, no handler), keep remote images off unless toggled, and `--serve` rebuilds
when a file changes. The browser's reading of the same pages: tests/test_preview_browser.py."""

from __future__ import annotations

import html
import json
import re
import threading
import time
import urllib.request
from pathlib import Path

from outreach_cli.previewserve import build_site, serve
from outreach_cli.previewsite import CSP, sanitise
from tests.helpers import run

HOSTILE = """\
provider: sendkit
key: hostile
campaign:
  name: "Q3 </title><script>alert(1)</script>"
  sequence:
    - type: email
      subject: "Hi {{firstName}} <b onmouseover=alert(2)>"
      body: !file body.html
    - {type: wait, waitDays: 2}
    - type: email
      subject: "Re: Hi {{firstName}}"
      body: "Plain follow-up for {{firstName}} at {{companyName}} <script>alert(3)</script>"
"""
BODY = (
    "<p>Hi {{firstName}} at {{companyName}},</p><script>console.log('pwned')</script>"
    "<img src=x onerror=\"console.log('pwned-img')\">"
    '<img src="https://tracker.example/pixel.png" alt="logo">'
    "<a href=\"javascript:console.log('pwned-link')\">click</a>"
    '<iframe src="https://evil.example"></iframe><p style="color:red">styled</p>'
)
CSV = (
    "email,firstName,companyName\n"
    'ada@acme.example,<img src=x onerror=alert(4)>,"Acme <Labs> & Co"\n'
    "bob@beta.example,Bob,\n"
)


def _site(tmp_path: Path) -> Path:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "hostile.yaml").write_text(HOSTILE)
    (tmp_path / "c" / "body.html").write_text(BODY)
    (tmp_path / "leads.csv").write_text(CSV)
    r = run("preview", "c", "--from", "leads.csv", "--html", "site")
    # As preview: exit 1 when a lead lacks a field the copy uses (bob has no companyName).
    assert r.exit_code == 1, r.stderr
    assert "warning: sendkit/hostile: 1 of 2 leads have no companyName" in r.stderr
    assert "wrote 4 email page(s) of 1 campaign(s)" in r.stderr
    return tmp_path / "site"


def test_html_reports_the_site_in_the_json_envelope(tmp_path: Path) -> None:
    _site(tmp_path)
    r = run("preview", "c", "--from", "leads.csv", "--html", "site2", "-f", "json")
    doc = json.loads(r.stdout)  # run() checks it against the envelope's contract
    assert r.exit_code == 1 and doc["data"]["pages"] == 4 and doc["data"]["campaigns"] == 1
    assert doc["data"]["index"] == str(Path("site2") / "index.html")
    assert [e["code"] for e in doc["errors"]] == ["missing-field"]
    assert doc["errors"][0]["campaign"] == "sendkit/hostile"


def _frames(page: str) -> list[str]:
    """The documents of the page's iframes, as the browser reads the srcdoc attribute."""
    return [html.unescape(m) for m in re.findall(r'srcdoc="([^"]*)"', page)]


def test_the_site_has_an_index_per_campaign_and_a_page_per_lead_and_email(tmp_path: Path) -> None:
    site = _site(tmp_path)
    index = (site / "index.html").read_text()
    folder = next(p for p in site.iterdir() if p.is_dir())
    assert f'href="{folder.name}/index.html"' in index
    grid = (folder / "index.html").read_text()
    for name in ("l1-e1", "l1-e2", "l2-e1", "l2-e2"):
        assert f'href="{name}.html"' in grid and (folder / f"{name}.html").exists()
    assert "<th>bob@beta.example</th>" in grid and "class=flag>missing" in grid


def test_html_bodies_are_sanitised_and_sandboxed(tmp_path: Path) -> None:
    page = (next(_site(tmp_path).glob("*/l2-e1.html"))).read_text()
    frames = _frames(page)
    assert len(frames) == 1
    frame = frames[0]
    assert "Hi Bob at ," in frame and '<p style="color:red">styled</p>' in frame
    lowered = frame.lower()
    for bad in ("<script", "onerror", "javascript:", "<iframe", "pwned')"):
        assert bad not in lowered, bad
    assert re.search(r'<iframe sandbox="" ', page)  # sandbox, and no allow-* in it
    assert "allow-scripts" not in page
    assert f'content="{CSP}"' in page and "script-src" not in CSP
    # Remote images off: the tracker's source is gone, its alt stays; a toggle page has it.
    assert "tracker.example" not in frame and 'alt="logo"' in frame
    assert 'href="l2-e1.images.html">show remote images' in page
    toggled = (next(tmp_path.glob("site/*/l2-e1.images.html"))).read_text()
    assert "https://tracker.example/pixel.png" in _frames(toggled)[0]
    assert "img-src data: https:" in toggled


def test_whatever_came_from_files_and_leads_is_escaped(tmp_path: Path) -> None:
    site = _site(tmp_path)
    for page in site.rglob("*.html"):
        text = page.read_text()
        outside = re.sub(r'srcdoc="[^"]*"', "", text)
        assert "<script" not in outside, page
        assert "<b onmouseover" not in outside and "<img src=x" not in outside
    index = (site / "index.html").read_text()
    assert "sendkit/hostile" in index
    grid = next(site.glob("*/index.html")).read_text()
    assert "<title>sendkit/hostile</title>" in grid
    ada = (next(site.glob("*/l1-e1.html"))).read_text()
    assert "&lt;img src=x onerror=alert(4)&gt;" in ada  # the lead's value, as text
    assert "Acme &lt;Labs&gt; &amp; Co" in ada
    # In the HTML body the value is text too: escaped once into the email's HTML.
    assert "Acme &lt;Labs&gt; &amp; Co" in _frames(ada)[0]
    assert "<img src=x onerror" not in _frames(ada)[0]


def test_filled_variables_marked_and_missing_ones_flagged(tmp_path: Path) -> None:
    bob = (next(_site(tmp_path).glob("*/l2-e1.html"))).read_text()
    assert "<mark class=var>Bob</mark>" in bob
    assert "Plain follow-up" not in bob  # step 1's page
    assert 'at <span class=missing title="no value: renders empty">{{companyName}}</span>' in bob
    reply = (next(tmp_path.glob("site/*/l2-e2.html"))).read_text()
    assert "Plain follow-up for <mark class=var>Bob</mark> at <span class=missing" in reply
    assert "<p id=missing>Missing for this lead: <span class=missing>companyName</span>" in bob
    assert "<th>companyName</th><td><span class=missing>missing</span>" in bob
    # The copy findings stand on the page of the email they are about.
    assert "[no-unsubscribe]" in bob


def test_the_sanitiser_drops_scripts_and_handlers() -> None:
    out = sanitise(
        '<p onclick="x()">a</p><script>b()</script><img src="https://i/x.png" '
        'onerror="c()"><a href="javascript:d()">e</a>'
    )
    assert out.startswith("<p>a</p>") and "script" not in out and "onerror" not in out
    assert "javascript" not in out and "https://i/x.png" not in out
    assert "https://i/x.png" in sanitise('<img src="https://i/x.png">', images=True)


def test_serve_rebuilds_when_a_body_file_changes(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "hostile.yaml").write_text(HOSTILE)
    (tmp_path / "c" / "body.html").write_text("<p>first version {{firstName}}</p>")
    (tmp_path / "leads.csv").write_text(CSV)
    events: list[str] = []
    stop = threading.Event()

    def rebuild():  # type: ignore[no-untyped-def]
        return build_site("c", "site", leads_csv="leads.csv", targets=None, live=True)

    worker = threading.Thread(
        target=serve,
        args=(rebuild, "site"),
        kwargs={"on_event": events.append, "poll": 0.05, "stop": stop},
    )
    worker.start()
    try:
        url = _wait_for(
            lambda: next(
                (re.search(r"http://127\.0\.0\.1:\d+/", e) for e in events if "serving" in e), None
            )
        ).group(0)
        page = next(Path("site").glob("*/l2-e1.html")).relative_to("site").as_posix()

        def get(path: str) -> str:
            with urllib.request.urlopen(url + path, timeout=5) as resp:
                return str(resp.read().decode())

        assert "first version" in get(page)
        assert '<script src="../_outreach/reload.js">' in get(page)
        assert "location.reload" in get("_outreach/reload.js")
        before = get("_outreach/version")
        time.sleep(0.02)
        (tmp_path / "c" / "body.html").write_text("<p>second version {{firstName}}</p>")
        _wait_for(lambda: get("_outreach/version") != before or None)
        assert "second version" in get(page)
        assert any(e.startswith("rebuilt") for e in events)
    finally:
        stop.set()
        worker.join(10)
    assert not worker.is_alive()


def _wait_for(probe, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")
