"""`outreach preview --html DIR`: a small static site of every email as each lead receives it.

One index of campaigns; per campaign a table of leads × emails; per email a page with the
subject and sender as an inbox shows them, the HTML body in a sandboxed iframe (no script runs,
remote images off unless the page's toggle is followed), its text part, the lead's fields
(the ones this email fills marked, the missing ones flagged) and the copy findings inline.

Safety, in layers: the body is sanitised with nh3 (ammonia) before it is shown; it sits in an
`<iframe sandbox>` without allow-scripts; every page carries a strict Content-Security-Policy;
and everything that came from files, leads or servers is escaped. No terminal code.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import nh3

from . import templates as t
from .copycheck import check_content, platform
from .copyrules import dig
from .documents import Diagnostic, format_path
from .environment import mask
from .htmltext import html_to_text, looks_like_html
from .preview import Preview, Recipient

# No script, no fetch, no form, no base; styles inline (ours and the email's style attributes,
# which CSS cannot turn into a request: images and fonts stay blocked). `img-src data:` only:
# remote images are off; the toggle page allows https: images and nothing else.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
CSP_IMAGES = CSP.replace("img-src data:", "img-src data: https:")
# `--serve` pages also load the reload script from the server (and ask it for the version).
CSP_LIVE = CSP.replace(
    "default-src 'none'", "default-src 'none'; script-src 'self'; connect-src 'self'"
)
RELOAD = "_outreach/reload.js"

_MARK_OPEN, _MARK_CLOSE = "\x01", "\x02"  # around a filled variable's value
_MISS_OPEN, _MISS_CLOSE = "\x03", "\x04"  # around the name of a variable the lead lacks
_MARKS = re.compile("\x01(.*?)\x02", re.S)
_MISSES = re.compile("\x03(.*?)\x04", re.S)
_SENTINELS = re.compile("[\x01\x02]|\x03.*?\x04", re.S)
_REMOTE_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']?\s*(?:https?:)?//", re.I)

STYLE = """
*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;
background:#f4f4f6}main{max-width:1100px;margin:0 auto;padding:16px}a{color:#0b57d0}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:18px 0 8px}
nav{font-size:13px;margin-bottom:8px;overflow-wrap:anywhere}
.inbox{display:flex;gap:12px;align-items:baseline;background:#fff;border:1px solid #ddd;
border-radius:8px;padding:10px 14px;overflow:hidden}
.inbox .from{font-weight:600;flex:0 0 auto;max-width:30%;overflow:hidden;text-overflow:ellipsis;
white-space:nowrap}.inbox .line{flex:1 1 auto;min-width:0;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis}.inbox .subject{font-weight:600}.inbox .snippet{color:#666}
.panes{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px;margin-top:16px}
.pane{background:#fff;border:1px solid #ddd;border-radius:8px;padding:12px;min-width:0}
.pane h2:first-child{margin-top:0}
iframe{width:100%;height:420px;border:1px solid #eee;background:#fff}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;font:14px/1.45 ui-monospace,monospace}
mark.var{background:#d6f5d6;border-radius:3px;padding:0 2px}
.missing,.flag{background:#ffe0e0;color:#8a1010;border-radius:3px;padding:0 4px;
white-space:nowrap}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #eee;
padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
.grid th,.grid td{white-space:nowrap}#fields th{white-space:nowrap;width:1%}
#fields td{overflow-wrap:anywhere}
tr.used th{color:#0a6b0a}.findings li{margin:4px 0;overflow-wrap:anywhere}
.warning{color:#7a4b00}.error{color:#8a1010}.note{font-size:13px;color:#555}
.grid{overflow-x:auto;background:#fff;border:1px solid #ddd;border-radius:8px}
@media (max-width:700px){.panes{grid-template-columns:1fr}.inbox{flex-wrap:wrap}
.inbox .from{max-width:100%}.inbox .line{white-space:normal}iframe{height:360px}}
"""

_CLEANER_ATTRS = {
    "*": {"title", "align", "valign", "width", "height", "style", "dir", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "bgcolor"},
    "th": {"colspan", "rowspan"},
    "table": {"cellpadding", "cellspacing", "border", "bgcolor"},
    "font": {"color", "face", "size"},
}


def _no_remote(tag: str, attr: str, value: str) -> str | None:
    """nh3 attribute filter, images off: an image's remote source goes (its alt stays)."""
    if tag == "img" and attr == "src" and not value.lower().startswith("data:"):
        return None
    return value


def sanitise(html: str, *, images: bool = False) -> str:
    """`html` as it may be shown: nh3 (ammonia) keeps formatting tags and attributes and drops
    scripts, event handlers, forms, frames and javascript: URLs; remote images go unless
    `images`."""
    return nh3.clean(
        html,
        tags=nh3.ALLOWED_TAGS | {"font", "center"},
        attributes=_CLEANER_ATTRS,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=None if images else _no_remote,
        link_rel="noopener noreferrer nofollow",
    )


def body_document(html: str) -> str:
    """The iframe's document: the sanitised body, text bodies kept as text."""
    return (
        "<!doctype html><meta charset=utf-8><style>body{font:15px/1.5 Arial,sans-serif;"
        "margin:8px;overflow-wrap:anywhere}img{max-width:100%}</style>" + html
    )


@dataclass(frozen=True)
class Campaign:
    """One campaign's part of the site: its preview, its leads and its copy findings."""

    preview: Preview
    provider: str
    campaign: Mapping[str, object]
    recipients: Sequence[Recipient]
    findings: Sequence[Diagnostic]
    file: str


def campaign_of(doc: object, preview: Preview, recipients: Sequence[Recipient]) -> Campaign:
    """A validated document and its preview, with lint's copy findings."""
    from .validate import Document

    assert isinstance(doc, Document)
    found = sorted(
        [*preview.problems, *check_content(doc.source, doc.provider)], key=Diagnostic.sort_key
    )
    return Campaign(preview, doc.provider, doc.campaign, recipients, found, doc.file)


def write_site(
    out: str | os.PathLike[str], campaigns: Sequence[Campaign], *, live: bool = False
) -> int:
    """Write the site under `out` (created); the number of email pages. `live`: pages load
    the reload script `--serve` serves."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    pages = 0
    rows = []
    for n, c in enumerate(campaigns):
        folder = f"c{n + 1}-{_slug(c.preview.campaign)}"
        (root / folder).mkdir(exist_ok=True)
        pages += _campaign(root / folder, c, live)
        gaps = sum(len(g.leads) for g in c.preview.gaps)
        rows.append(
            f'<tr><td><a href="{folder}/index.html">{escape(c.preview.campaign)}</a>'
            f"</td><td>{escape(c.file)}</td><td>{c.preview.leads:,}</td>"
            f"<td>{len(c.findings)}</td><td>{_flag(gaps, 'lead(s) missing a field')}"
            "</td></tr>"
        )
    body = (
        "<h1>outreach preview</h1><div class=grid><table><tr><th>campaign</th><th>file</th>"
        "<th>leads</th><th>findings</th><th>missing fields</th></tr>"
        + "".join(rows)
        + "</table></div>"
    )
    _write(root / "index.html", _page("outreach preview", body, live, depth=0))
    return pages


def _flag(n: int, what: str) -> str:
    return f"<span class=flag>{n:,} {escape(what)}</span>" if n else "none"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "campaign"


def _campaign(folder: Path, c: Campaign, live: bool) -> int:
    mod = platform(c.provider)
    table: t.Variables = mod.VARIABLES
    mails = mod.emails(c.campaign)
    labels = list(dict.fromkeys(m.label for m in c.preview.messages))
    by_label = {e.label: e for e in mails}
    column = {label: i for i, label in enumerate(labels)}
    leads = {r.identity: r for r in c.recipients}
    lead_no = {
        ident: i for i, ident in enumerate(dict.fromkeys(m.lead for m in c.preview.messages))
    }
    by_path: dict[str, list[Diagnostic]] = {}
    for d in c.findings:
        by_path.setdefault(d.path, []).append(d)
    general = [d for d in c.findings if not _email_path(d.path)]
    cells: dict[str, list[str]] = {}
    sender = _sender(c.provider, c.campaign)
    threads: dict[str, str] = {}  # lead → the subject of its latest email with one
    written = 0
    for m in c.preview.messages:
        e = by_label.get(m.label)
        r = leads.get(m.lead)
        if e is None or r is None:
            continue
        name = f"l{lead_no[m.lead] + 1}-e{column[m.label] + 1}"
        mine = [
            d
            for s in (e.subject, e.body, e.signature)
            if s is not None
            for d in by_path.get(format_path(("campaign", *s.path)), ())
        ]
        if m.subject is not None:
            threads[m.lead] = m.subject
        thread = threads.get(m.lead) if m.subject is None else None
        html = _email_page(c, e, m, r, table, sender, [*mine, *general], name, live, thread=thread)
        _write(folder / f"{name}.html", html)
        written += 1
        if _REMOTE_IMG.search(m.body):
            _write(
                folder / f"{name}.images.html",
                _email_page(
                    c,
                    e,
                    m,
                    r,
                    table,
                    sender,
                    [*mine, *general],
                    name,
                    live,
                    thread=thread,
                    images=True,
                ),
            )
        flag = " <span class=flag>missing</span>" if m.missing else ""
        cells.setdefault(m.lead, []).append(f'<td><a href="{name}.html">view</a>{flag}</td>')
    head = "".join(f"<th>{escape(label)}</th>" for label in labels)
    body_rows = "".join(
        f"<tr><th>{escape(lead)}</th>{''.join(cells.get(lead, []))}</tr>" for lead in lead_no
    )
    gaps = "".join(f"<li class=error>{escape(g.sentence())}</li>" for g in c.preview.gaps)
    findings = _findings(c.findings)
    page = (
        f'<nav><a href="../index.html">all campaigns</a></nav>'
        f"<h1>{escape(c.preview.campaign)}</h1>"
        f"<p class=note>{escape(c.file)} · leads from {escape(c.preview.source)} · "
        f"{c.preview.leads:,} lead(s) × {len(labels)} email(s)</p>"
        + (f"<h2>Missing fields</h2><ul>{gaps}</ul>" if gaps else "")
        + f"<h2>Copy findings</h2>{findings}"
        f"<h2>Emails</h2><div class=grid><table><tr><th>lead</th>{head}</tr>"
        f"{body_rows}</table></div>"
    )
    _write(folder / "index.html", _page(c.preview.campaign, page, live, depth=1))
    return written


def _email_path(path: str) -> bool:
    return any(k in path for k in ("subject", "body", "message", "signature"))


def _findings(found: Sequence[Diagnostic]) -> str:
    if not found:
        return "<p class=note>none</p>"
    items = "".join(
        f"<li class={'error' if d.severity == 'error' else 'warning'}>"
        f"<b>{escape(d.file)}:{d.line}:{d.col}</b> {escape(d.path)}: "
        f"{escape(d.severity)}: {escape(d.message)}</li>"
        for d in found
    )
    return f"<ul class=findings>{items}</ul>"


def _sender(provider: str, campaign: Mapping[str, object]) -> str:
    """How the inbox names the sender, as far as the file says it."""
    copy = getattr(platform(provider), "COPY", {})
    for path, what in copy.get("senders", ()):
        value = dig(campaign, (path,))
        if isinstance(value, list) and value:
            more = f" (+{len(value) - 1} more)" if len(value) > 1 else ""
            return f"{what} {value[0]}{more}"
        if isinstance(value, str) and value:
            return f"{what} {value}"
    return "the campaign's sender"


def _marked(
    spot: t.Spot | None, values: Mapping[str, str], table: t.Variables, *, html: bool = False
) -> str:
    """The field rendered with each filled variable wrapped in marks (escaped later). In an
    HTML body a value is text: it is escaped as it goes in (`Acme <Labs>` stays words)."""
    if spot is None:
        return ""
    if html:
        values = {k: escape(v, quote=False) for k, v in values.items()}
    if spot.conditions:  # a condition compares the value itself: no marks
        return t.render(spot, values, table).text
    marked = {k: f"{_MARK_OPEN}{v}{_MARK_CLOSE}" for k, v in values.items() if v}
    for tok in t.scan(spot.text, spot.syntax)[0]:
        name = table.canonical(tok.name)
        if not table.is_sender(tok.name) and not values.get(name):
            marked[name] = f"{_MISS_OPEN}{name}{_MISS_CLOSE}"
    return t.render(spot, marked, table).text


def _show(text: str) -> str:
    """Escape `text` and turn its marks into <mark>: the filled variables stand out."""
    out = _MARKS.sub(lambda m: f"<mark class=var>{m.group(1)}</mark>", escape(text))
    out = _MISSES.sub(
        lambda m: (
            f'<span class=missing title="no value: renders empty">{{{{{m.group(1)}}}}}</span>'
        ),
        out,
    )
    return _SENTINELS.sub("", out)


def _plain(text: str) -> str:
    """`text` without marks, a missing variable as the nothing the lead gets."""
    return _SENTINELS.sub("", text)


def _used(e: t.Email, table: t.Variables) -> list[str]:
    names: list[str] = []
    for s in (e.subject, e.body, e.signature):
        if s is not None:
            names += [table.canonical(tok.name) for tok in t.scan(s.text, s.syntax)[0]]
    return list(dict.fromkeys(names))


def _email_page(
    c: Campaign,
    e: t.Email,
    m: object,
    r: Recipient,
    table: t.Variables,
    sender: str,
    findings: Sequence[Diagnostic],
    name: str,
    live: bool,
    *,
    thread: str | None = None,
    images: bool = False,
) -> str:
    from .preview import Message

    assert isinstance(m, Message)
    subject = _marked(e.subject, r.values, table) if m.subject is not None else None
    is_html = looks_like_html(m.body)
    body_marked = _marked(e.body, r.values, table, html=is_html)
    if e.signature is not None:
        body_marked += "\n\n" + _marked(e.signature, r.values, table, html=is_html)
    body_html = _plain(body_marked)  # the marks out: the body as the lead gets it
    text = html_to_text(body_marked) if is_html else body_marked.strip("\n")
    snippet = " ".join(_plain(text).split())[:110]
    if subject is None:  # a reply in the thread: the inbox shows the thread's subject
        subject = f"Re: {thread}" if thread else ""
        shown_subject = (
            escape(subject) + " <span class=note>(sent in the thread)</span>"
            if thread
            else "<i>(in the thread, no subject of its own)</i>"
        )
    elif _plain(subject).strip():
        shown_subject = _show(subject)
    else:
        shown_subject = f"<span class=missing>(empty subject)</span> {_show(subject)}"
    used = _used(e, table)
    fields = "".join(
        f"<tr class=used><th>{escape(k)}</th><td><mark class=var>{escape(r.values[k])}</mark>"
        "</td></tr>"
        for k in used
        if r.values.get(k)
    )
    fields += "".join(
        f"<tr><th>{escape(k)}</th><td><span class=missing>missing</span> "
        "(used by this email: renders empty)</td></tr>"
        for k in m.missing
    )
    fields += "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in r.values.items()
        if k not in used
    )
    if is_html:
        doc = body_document(sanitise(body_html, images=images))
    else:
        doc = body_document(
            f'<pre style="white-space:pre-wrap;font:inherit">{escape(m.body)}</pre>'
        )
    remote = bool(_REMOTE_IMG.search(m.body))
    toggle = (
        f'<a href="{name}.html">remote images on: turn off</a>'
        if images
        else f'<a href="{name}.images.html">show remote images</a> (they tell the sender '
        "you opened it)"
        if remote
        else "no remote images"
    )
    missing = "".join(f"<span class=missing>{escape(x)}</span> " for x in m.missing)
    body = (
        f'<nav><a href="../index.html">all campaigns</a> › <a href="index.html">'
        f"{escape(c.preview.campaign)}</a> › {escape(m.lead)} › {escape(m.label)}</nav>"
        f"<h1 id=subject>{shown_subject}</h1>"
        f"<div class=inbox id=inbox><span class=from>{escape(sender)}</span>"
        f"<span class=line><span class=subject>{_show(subject or '')}</span> "
        f"<span class=snippet>– {escape(snippet)}</span></span></div>"
        + (f"<p id=missing>Missing for this lead: {missing}</p>" if m.missing else "")
        + "<div class=panes><div class=pane><h2>HTML</h2>"
        f"<p class=note>Sanitised, in a sandbox (no script runs); {toggle}.</p>"
        f'<iframe sandbox="" referrerpolicy=no-referrer title="email body" '
        f'srcdoc="{escape(doc, quote=True)}"></iframe>'
        f"<h2>Text</h2><pre id=text>{_show(text)}</pre></div>"
        f"<div class=pane><h2>Lead {escape(m.lead)}</h2><table id=fields>{fields}</table>"
        f"<h2>Findings</h2>{_findings(findings)}</div></div>"
    )
    return _page(f"{m.label} · {m.lead}", body, live, depth=1, images=images)


def _page(title: str, body: str, live: bool, *, depth: int, images: bool = False) -> str:
    csp = CSP_LIVE if live else CSP_IMAGES if images else CSP
    if live and images:
        csp = CSP_LIVE.replace("img-src data:", "img-src data: https:")
    script = f'<script src="{"../" * depth}{RELOAD}"></script>' if live else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        "<meta name=referrer content=no-referrer>"
        f"<title>{escape(title)}</title><style>{STYLE}</style>{script}</head>"
        f"<body><main>{body}</main></body></html>"
    )


def _write(path: Path, text: str) -> None:
    # A value the campaign file read from the environment is masked, as in every output.
    path.write_text(mask(text), "utf-8")


def fingerprint(files: Sequence[str]) -> str:
    """What `--serve` watches: the files' sizes and modification times."""
    h = hashlib.sha256()
    for f in files:
        try:
            st = os.stat(f)
            h.update(f"{f}:{st.st_mtime_ns}:{st.st_size};".encode())
        except OSError:
            h.update(f"{f}:gone;".encode())
    return h.hexdigest()[:16]
