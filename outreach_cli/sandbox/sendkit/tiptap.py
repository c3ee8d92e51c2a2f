"""Body conversion: plain text to TipTap-style HTML, as SendKit stores email bodies.

The pages say only "Plain text or HTML; auto-converted to TipTap-compatible HTML". This
emulator's reading: a body is HTML when it holds a tag of an element an email editor produces
(`<p>`, `</div>`, `<br/>`, `<a href=…>`; the element name must end there, so an address in
angle brackets such as `<bob@example.com>` or `<b.smith@x.com>` is text) or a comment `<!--`;
HTML is stored as sent. Anything else is text: CRLF/CR become LF, blank lines (spaces/tabs
only) split paragraphs, blank lines at either end are dropped, `&` `<` `>` are escaped, each
paragraph becomes `<p>…</p>` and its single newlines `<br>`; whitespace-only text becomes "".
"""

from __future__ import annotations

import re

_EDITOR_ELEMENTS = frozenset(
    (
        "p",
        "br",
        "div",
        "span",
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "strike",
        "del",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "code",
        "img",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "font",
        "center",
        "sup",
        "sub",
        "small",
        "html",
        "body",
    )
)
_TAG_START = re.compile(r"<(!--|/?([A-Za-z][A-Za-z0-9]*)[ \t\n\r\f\v/>])")


def _holds_html(body: str) -> bool:
    for match in _TAG_START.finditer(body):
        if match.group(1) == "!--":
            return True
        if match.group(2).lower() in _EDITOR_ELEMENTS:
            return True
    return False


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_tiptap_html(body: str) -> str:
    """Plain text → TipTap-style HTML; HTML (holding an editor element's tag) is kept as is."""
    if _holds_html(body):
        return body
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip(" \t"):
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "".join(
        "<p>" + "<br>".join(_escape(line) for line in para) + "</p>" for para in paragraphs if para
    )
