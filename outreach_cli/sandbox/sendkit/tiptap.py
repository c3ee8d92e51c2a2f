"""Body conversion: plain text to TipTap-style HTML, as SendKit stores email bodies."""

from __future__ import annotations

import html
import re

# "Plain text or HTML": a body is HTML when it holds a tag of an element an email editor
# produces. Any `<word>` would misread plain text such as "a <placeholder>" as HTML.
HTML_TAG = re.compile(
    r"<(?:!--|/?(?:p|br|div|span|a|b|strong|i|em|u|s|strike|del|ul|ol|li|h[1-6]|blockquote|"
    r"pre|code|img|hr|table|thead|tbody|tr|td|th|font|center|sup|sub|small|html|body)\b[^>]*>)",
    re.IGNORECASE)
BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")


def to_tiptap_html(body: str) -> str:
    """Plain text → TipTap-style HTML; HTML (holding an HTML element's tag) is kept as is.

    Blank lines separate paragraphs (`<p>…</p>`), single newlines become `<br>`, and `&`, `<`,
    `>` are escaped. Template variables such as `{{firstName}}` pass through untouched.
    """
    if HTML_TAG.search(body):
        return body
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not text.strip():
        return ""
    paragraphs = [p for p in BLANK_LINES.split(text) if p.strip()]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs
    )
