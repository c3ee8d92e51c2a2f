"""The copy checks of `outreach lint`: what gets cold email flagged, one rule per row.

Each rule is data: its code, what it looks at, its limit, why it matters, where the rule comes
from (empty: outreach's own rule, said so in its reason) and the fix. `copycheck.check_content`
runs them over a document's copy and places each finding at file:line:col. The platform facts a
rule needs (which setting adds an unsubscribe link, where the tracking domain and the senders
are, which field is the text part) are data in each `providers/<name>/templates.py` (`COPY`).
No terminal code, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import templates as t
from .htmltext import looks_like_html

OUTREACH = "outreach's rule"


@dataclass(frozen=True)
class Rule:
    code: str
    scope: str  # text (every subject/body/message), email (one rendered email), campaign
    reason: str
    fix: str
    source: str = ""  # where the rule comes from; empty: outreach's own (the reason says why)
    limit: int = 0  # the threshold, where the rule has one

    @property
    def origin(self) -> str:
        return self.source or OUTREACH


# A short list of phrases that the widely shared spam-trigger lists (HubSpot's and Mailmodo's
# "spam trigger words", SpamAssassin's body phrase tests) have in common. A phrase alone does
# not make mail spam: these are the ones a cold email has no need for.
SPAM_PHRASES: tuple[str, ...] = (
    "100% free",
    "act now",
    "risk-free",
    "risk free",
    "no obligation",
    "guaranteed",
    "click here",
    "buy now",
    "limited time",
    "once in a lifetime",
    "winner",
    "cash bonus",
    "earn money",
    "make money",
    "double your",
    "100% satisfied",
    "no credit check",
    "urgent",
    "free gift",
    "special promotion",
    "exclusive deal",
    "order now",
)
SPAM_SOURCE = (
    "phrases common to the public spam-trigger word lists (HubSpot, Mailmodo) and "
    "SpamAssassin's body phrase tests"
)

# Link shorteners: SpamAssassin's DecodeShortURLs plugin (HAS_SHORT_URL) lists these services.
SHORTENERS: tuple[str, ...] = (
    "bit.ly",
    "bitly.com",
    "tinyurl.com",
    "goo.gl",
    "ow.ly",
    "t.co",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "tiny.cc",
    "rb.gy",
    "t.ly",
    "v.gd",
    "adf.ly",
)

RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "spam-phrase",
            "text",
            "filters and readers score it; a cold email has no need for it",
            "reword it plainly (say what you offer)",
            SPAM_SOURCE,
        ),
        Rule(
            "url-shortener",
            "text",
            "a shortened link hides where it goes; filters score it and shortener domains are "
            "often blocklisted",
            "link to the full address on your own domain",
            "SpamAssassin's DecodeShortURLs plugin (HAS_SHORT_URL)",
        ),
        Rule(
            "all-caps",
            "text",
            "capitals read as shouting and filters score them",
            "write it in normal case",
            "SpamAssassin's SUBJ_ALL_CAPS test",
            limit=4,
        ),
        Rule(
            "exclamations",
            "text",
            "runs of exclamation marks are a classic spam sign",
            "use one exclamation mark, or none",
            "SpamAssassin's PLING_PLING test",
            limit=2,
        ),
        Rule(
            "links",
            "email",
            "outreach's rule: more links make a cold email read as a newsletter",
            "keep at most 2 links",
            limit=2,
        ),
        Rule(
            "images",
            "email",
            "outreach's rule: clients block images and they weigh on the spam score",
            "keep at most 1 image (a logo in the signature at most)",
            limit=1,
        ),
        Rule(
            "fake-reply",
            "email",
            "outreach's rule: it claims a conversation that never happened (a follow-up in the "
            "thread may carry it, as SendKit's example does)",
            "drop the prefix from the first email's subject",
        ),
        Rule(
            "body-words",
            "email",
            "outreach's rule: long cold emails read as marketing mail",
            "cut the body to under 200 words",
            limit=200,
        ),
        Rule(
            "html-size",
            "email",
            "Gmail clips a message over 102 KB, hiding the rest (the unsubscribe included)",
            "shrink the HTML (inline less CSS, drop unused markup)",
            "Gmail Help: 'Gmail clips messages larger than 102KB'",
            limit=102 * 1024,
        ),
        Rule(
            "no-text-part",
            "email",
            "it scores as HTML-only mail and reads as nothing in text clients",
            "give the email a plain-text body too",
            "SpamAssassin's MIME_HTML_ONLY test",
        ),
        Rule(
            "no-unsubscribe",
            "campaign",
            "Gmail and Yahoo require bulk senders to offer a way out",
            "turn the platform's unsubscribe link on, or say how to opt out in the copy",
            "Google's email sender guidelines (support.google.com/a/answer/81126)",
        ),
        Rule(
            "tracking-domain",
            "campaign",
            "outreach's rule: links on a domain that is not the sender's look like phishing",
            "use a tracking subdomain of the sending domain (track.<your domain>)",
        ),
    )
}

_WORD_CAPS = re.compile(r"\b[A-Z][A-Z'’]{2,}[A-Z]\b")
_BANG = re.compile(r"!{2,}")
_URL = re.compile(r"(?:https?://|\bwww\.)[^\s<>\"')]+", re.I)
_HREF = re.compile(r"<a\b[^>]*\bhref\s*=", re.I)
_IMG = re.compile(r"<img\b", re.I)
_TAGS = re.compile(r"<[^>]*>")
_REPLY = re.compile(r"^\s*(re|fwd?)\s*:", re.I)
_OPT_OUT = re.compile(
    r"unsubscribe|opt[- ]?out|not interested|no longer hear|"
    r"let me know if you'd rather not|%unsubscribe|\{\{\s*unsubscribe",
    re.I,
)
_SPAM = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(p) for p in SPAM_PHRASES) + r")(?![\w-])", re.I
)
# Common acronyms in business copy (not shouting).
_ACRONYMS = frozenset(
    {
        "ASAP",
        "CEO",
        "CFO",
        "CTO",
        "COO",
        "CMO",
        "CRM",
        "SaaS",
        "B2B",
        "B2C",
        "HTML",
        "HTTP",
        "HTTPS",
        "API",
        "APIS",
        "GDPR",
        "SOC2",
        "HIPAA",
        "KPI",
        "KPIS",
        "ROI",
        "SEO",
        "SDR",
        "SDRS",
        "USA",
        "NYC",
        "EMEA",
        "APAC",
        "LATAM",
        "AWS",
        "ERP",
        "FAQ",
        "NASA",
        "UTC",
        "YAML",
        "JSON",
        "PDF",
    }
)

Found = tuple[int, str, str]  # offset in the text, the exact words, the message


def _msg(rule: Rule, what: str) -> str:
    return f"{what}: {rule.fix} ({rule.reason}) [{rule.code}]"


def _spam(rule: Rule, spot: t.Spot) -> list[Found]:
    return [
        (m.start(), m.group(0), _msg(rule, f"spam-trigger phrase {m.group(0)!r}"))
        for m in _SPAM.finditer(_visible(spot.text))
    ]


def _shortener(rule: Rule, spot: t.Spot) -> list[Found]:
    out = []
    for m in _URL.finditer(spot.text):
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group(0), flags=re.I).split("/")[0]
        if host.lower() in SHORTENERS:
            out.append((m.start(), m.group(0), _msg(rule, f"shortened link {m.group(0)!r}")))
    return out


def _caps(rule: Rule, spot: t.Spot) -> list[Found]:
    text = _visible(spot.text)
    return [
        (m.start(), m.group(0), _msg(rule, f"{m.group(0)!r} is in capitals"))
        for m in _WORD_CAPS.finditer(text)
        if len(m.group(0)) >= rule.limit and m.group(0) not in _ACRONYMS
    ]


def _bangs(rule: Rule, spot: t.Spot) -> list[Found]:
    text = _visible(spot.text)
    return [
        (m.start(), m.group(0), _msg(rule, f"{m.group(0)!r}"))
        for m in _BANG.finditer(text)
        if len(m.group(0)) >= rule.limit
    ]


@lru_cache(maxsize=64)
def _visible(text: str) -> str:
    """`text` with its tags and <style> blanked (same length): offsets stay the text's.
    Cached: every text rule of a field reads it."""
    if not looks_like_html(text):
        return text
    return _TAGS.sub(lambda m: " " * len(m.group(0)), t.blank_styles(text))


TEXT_CHECKS: dict[str, Callable[[Rule, t.Spot], list[Found]]] = {
    "spam-phrase": _spam,
    "url-shortener": _shortener,
    "all-caps": _caps,
    "exclamations": _bangs,
}


@dataclass(frozen=True)
class EmailFacts:
    """One email as the email rules read it."""

    email: t.Email
    first: bool  # the first email of its thread (not a reply in it)
    text_part: str | None  # the platform's text alternative, when it sends one beside HTML


def _links(rule: Rule, f: EmailFacts) -> list[Found]:
    body = f.email.body.text if f.email.body else ""
    hrefs = len(_HREF.findall(body))
    bare = len(_URL.findall(_visible(body))) if not hrefs else 0
    n = hrefs + bare
    if n <= rule.limit:
        return []
    return [(0, "", _msg(rule, f"{n} links in {f.email.label}"))]


def _images(rule: Rule, f: EmailFacts) -> list[Found]:
    body = f.email.body.text if f.email.body else ""
    n = len(_IMG.findall(body))
    if n <= rule.limit:
        return []
    m = _IMG.search(body)
    return [(m.start() if m else 0, "<img", _msg(rule, f"{n} images in {f.email.label}"))]


def _fake_reply(rule: Rule, f: EmailFacts) -> list[Found]:
    subject = f.email.subject
    if not f.first or f.email.reply or subject is None:
        return []
    m = _REPLY.match(subject.text)
    if not m:
        return []
    return [
        (
            m.start(1),
            m.group(0).strip(),
            _msg(rule, f"{m.group(0).strip()!r} on the first email of a thread ({f.email.label})"),
        )
    ]


def _words(rule: Rule, f: EmailFacts) -> list[Found]:
    body = f.email.body.text if f.email.body else ""
    n = len(_visible(body).split())  # the words a reader reads (tags are not words)
    if n <= rule.limit:
        return []
    return [(0, "", _msg(rule, f"{n} words in {f.email.label}"))]


def _html_size(rule: Rule, f: EmailFacts) -> list[Found]:
    body = f.email.body.text if f.email.body else ""
    size = len(body.encode("utf-8"))
    if not looks_like_html(body) or size <= rule.limit:
        return []
    return [(0, "", _msg(rule, f"{size / 1024:,.0f} KB of HTML in {f.email.label}"))]


def _text_part(rule: Rule, f: EmailFacts) -> list[Found]:
    body = f.email.body.text if f.email.body else ""
    if f.text_part is None or not looks_like_html(body) or f.text_part.strip():
        return []
    return [(0, "", _msg(rule, f"{f.email.label} has an HTML body and an empty text part"))]


EMAIL_CHECKS: dict[str, Callable[[Rule, EmailFacts], list[Found]]] = {
    "links": _links,
    "images": _images,
    "fake-reply": _fake_reply,
    "body-words": _words,
    "html-size": _html_size,
    "no-text-part": _text_part,
}


def dig(data: Any, path: Sequence[str | int]) -> Any:
    for k in path:
        if isinstance(data, Mapping) and isinstance(k, str):
            data = data.get(k)
        elif isinstance(data, list) and isinstance(k, int) and -len(data) <= k < len(data):
            data = data[k]
        else:
            return None
    return data


def registrable(host: str) -> str:
    """The last two labels of a host name (outreach's approximation of the registrable
    domain: enough to tell track.acme.com from track.other.io)."""
    labels = host.lower().strip(".").split(".")
    return ".".join(labels[-2:])


CampaignFound = tuple[tuple[str | int, ...], str]  # the campaign path it is at, the message


def _unsubscribe(
    rule: Rule, campaign: Mapping[str, Any], copy: Mapping[str, Any], mails: Sequence[t.Email]
) -> list[CampaignFound]:
    setting = copy.get("unsubscribe_setting")
    if not setting or dig(campaign, setting) is True:
        return []
    texts = [s.text for e in mails for s in (e.body, e.signature) if s is not None]
    if not any(e.kind == "email" for e in mails) or any(_OPT_OUT.search(x) for x in texts):
        return []
    name = ".".join(str(p) for p in setting)
    state = (
        "off"
        if dig(campaign, setting) is False
        else f"not set (default {copy.get('unsubscribe_default', 'off')})"
    )
    return [
        (
            tuple(setting) if dig(campaign, setting) is not None else (),
            _msg(rule, f"{name} is {state} and no email offers a way out"),
        )
    ]


def _tracking(
    rule: Rule, campaign: Mapping[str, Any], copy: Mapping[str, Any], mails: Sequence[t.Email]
) -> list[CampaignFound]:
    where: tuple[str | int, ...] = tuple(copy.get("tracking_domain") or ())
    domain = dig(campaign, where) if where else None
    if not isinstance(domain, str) or not domain:
        return []
    senders: list[str] = []
    for path in copy.get("sender_emails", ()):
        found = dig(campaign, path)
        senders += [
            s
            for s in (found if isinstance(found, list) else [found])
            if isinstance(s, str) and "@" in s
        ]
    if not senders:
        return []
    theirs = sorted({registrable(s.rsplit("@", 1)[1]) for s in senders})
    if registrable(domain) in theirs:
        return []
    return [
        (
            where,
            _msg(
                rule,
                f"tracking domain {domain!r} is not on the senders' domain ({', '.join(theirs)})",
            ),
        )
    ]


CAMPAIGN_CHECKS: dict[
    str,
    Callable[[Rule, Mapping[str, Any], Mapping[str, Any], Sequence[t.Email]], list[CampaignFound]],
] = {
    "no-unsubscribe": _unsubscribe,
    "tracking-domain": _tracking,
}

STEP_LISTS = ("sequence", "steps", "sequence_nodes")


def thread_of(path: t.DocPath) -> tuple[t.DocPath, int]:
    """The step list an email's field belongs to (a thread) and its step's index there."""
    for i in range(len(path) - 2, -1, -1):
        if path[i] in STEP_LISTS and isinstance(path[i + 1], int):
            return tuple(path[: i + 1]), int(path[i + 1])
    return (), 0


def facts(
    mails: Sequence[t.Email], campaign: Mapping[str, Any], copy: Mapping[str, Any]
) -> list[EmailFacts]:
    """The emails of a campaign with what the email rules need: first of thread, text part."""
    firsts: dict[t.DocPath, int] = {}
    for e in mails:
        if e.kind == "email" and e.body is not None:
            thread, step = thread_of(e.body.path)
            firsts[thread] = min(firsts.get(thread, step), step)
    out = []
    text_key = copy.get("text_part")
    for e in mails:
        if e.kind != "email" or e.body is None:
            continue
        thread, step = thread_of(e.body.path)
        text_part: str | None = None
        if text_key and e.body.path[-1] != text_key:
            holder = dig(campaign, e.body.path[:-1])
            value = holder.get(text_key) if isinstance(holder, Mapping) else None
            text_part = value if isinstance(value, str) else ""
        out.append(EmailFacts(e, firsts.get(thread) == step, text_part))
    return out
