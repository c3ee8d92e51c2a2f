"""`outreach preview --html DIR` and `--serve`: build the preview site of a path's campaigns,
and serve it on loopback, rebuilding when a campaign, body or leads file changes.

The server is the standard library's (http.server): one folder of static files plus two small
routes, the reload script and the site's version, which the pages poll. No terminal code: the
caller says what to print through `on_event`.
"""

from __future__ import annotations

import fnmatch
import http.server
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .errors import OutreachError
from .previewsite import Campaign, campaign_of, fingerprint, write_site

RELOAD_JS = b"""(function(){var v=null;function poll(){
fetch('/_outreach/version',{cache:'no-store'}).then(function(r){return r.text()})
.then(function(t){if(v!==null&&t!==v){location.reload()}v=t}).catch(function(){})
.finally(function(){setTimeout(poll,700)})}poll()})();
"""
WATCH_LIMIT = 5000  # files watched under the campaigns' folders


@dataclass(frozen=True)
class Site:
    pages: int
    campaigns: int
    watched: tuple[str, ...]
    gaps: tuple[tuple[str, str], ...] = ()  # (provider/key, "N of M leads have no …")

    def record(self, out: str) -> dict[str, Any]:
        return {
            "dir": out,
            "index": str(Path(out) / "index.html"),
            "pages": self.pages,
            "campaigns": self.campaigns,
            "missing": [{"campaign": c, "message": m} for c, m in self.gaps],
        }


def documents(path: str, targets: Sequence[str] | None = None) -> list[Any]:
    """Every valid campaign document under `path` (`targets`: globs on key or address); the
    first invalid file stops with its diagnostic, as `preview` does for one file."""
    from .validate import validate_paths

    result = validate_paths([path])
    if result.errors:
        first = result.errors[0]
        more = f" (and {len(result.errors) - 1} more)" if len(result.errors) > 1 else ""
        raise OutreachError(f"{first}{more}", hint=f"outreach validate {path}")
    docs = [
        d
        for d in result.documents
        if not targets
        or any(fnmatch.fnmatchcase(d.key, p) or fnmatch.fnmatchcase(d.address, p) for p in targets)
    ]
    if not docs:
        raise OutreachError(f"{path} holds no matching campaign")
    return docs


def build_site(
    path: str,
    out: str,
    *,
    leads_csv: str | None,
    targets: Sequence[str] | None,
    lead: str | None = None,
    step: int | None = None,
    live_leads: Callable[[Any], tuple[list[Any], str]] | None = None,
    live: bool = False,
) -> Site:
    """Render every campaign under `path` for its leads (the CSV, else `live_leads(doc)`: the
    live campaign's) into the site at `out`."""
    from .preview import build, from_csv

    docs = documents(path, targets)
    parts: list[Campaign] = []
    for doc in docs:
        if leads_csv:
            ctype = doc.campaign.get("type")
            recipients, rejected = from_csv(
                leads_csv, doc.provider, ctype if isinstance(ctype, str) else None
            )
            source = leads_csv
        elif live_leads is not None:
            recipients, source = live_leads(doc)
            rejected = []
        else:
            raise OutreachError("no leads to preview", hint="give --from leads.csv")
        p = build(doc, recipients, source, lead=lead, step=step, rejected=rejected)
        parts.append(campaign_of(doc, p, recipients))
    pages = write_site(out, parts, live=live)
    gaps = tuple((c.preview.campaign, g.sentence()) for c in parts for g in c.preview.gaps)
    return Site(pages, len(parts), tuple(watched(docs, leads_csv)), gaps)


def watched(docs: Sequence[Any], leads_csv: str | None) -> list[str]:
    """The files a rebuild depends on: the campaign files and every file in their folders
    (bodies read with !file live beside them), and the leads CSV."""
    seen: dict[str, None] = {}
    for d in docs:
        seen[d.file] = None
        for base, _, names in os.walk(Path(d.file).parent):
            for n in names:
                if len(seen) >= WATCH_LIMIT:
                    break
                seen[os.path.join(base, n)] = None
    if leads_csv:
        seen[leads_csv] = None
    return list(seen)


class _Handler(http.server.SimpleHTTPRequestHandler):
    server_version = "outreach-preview"
    state: Any = None

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        route = self.path.split("?", 1)[0]
        if route == "/_outreach/version":
            self._send(self.state.version.encode(), "text/plain")
        elif route == "/_outreach/reload.js":
            self._send(RELOAD_JS, "text/javascript")
        else:
            super().do_GET()

    def _send(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        pass  # the requests are the browser's own polling: not worth a line each


class _State:
    def __init__(self, version: str) -> None:
        self.version = version


def serve(
    rebuild: Callable[[], Site],
    root: str,
    *,
    port: int = 0,
    on_event: Callable[[str], None] = lambda _msg: None,
    poll: float = 0.5,
    stop: threading.Event | None = None,
) -> None:
    """Serve `root` on 127.0.0.1:`port` (0: any free port) until `stop` is set (or ^C),
    calling `rebuild` whenever a file it watches changes; a failed rebuild keeps the last
    good site and is reported through `on_event`."""
    site = rebuild()
    state = _State(fingerprint(site.watched))
    handler = type("Handler", (_Handler,), {"state": state})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=root))
    httpd.daemon_threads = True
    bound = httpd.server_address[1]
    on_event(
        f"serving {site.pages:,} email page(s) of {site.campaigns} campaign(s) at "
        f"http://127.0.0.1:{bound}/ (Ctrl-C to stop)"
    )
    thread = threading.Thread(target=httpd.serve_forever, name="preview-http", daemon=True)
    thread.start()
    stop = stop or threading.Event()
    try:
        while not stop.wait(poll):
            now = fingerprint(site.watched)
            if now == state.version:
                continue
            try:
                site = rebuild()
                on_event(f"rebuilt: {site.pages:,} email page(s)")
            except OutreachError as exc:
                on_event(f"not rebuilt: {exc.message}")
            state.version = fingerprint(site.watched)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
