"""Email bodies as SendKit stores them: "Plain text or HTML; auto-converted to TipTap HTML".

Outreach compares a file's body with the stored one after this conversion, so an applied
file plans to no change. The pages do not say how SendKit tells HTML from text; our reading,
written down once here (the sandbox makes its own, independently):

- A body is HTML when it holds a tag of an HTML element an email editor produces (opening,
  closing or self-closing: `<p>`, `</div>`, `<br/>`, `<a href=…>`) or a comment `<!--`. The
  element name must end the tag's name (`<b>` and `<b class=x>` are tags; `<bob@x.com>` and
  `<b.smith@x.com>` are not). HTML is kept exactly as written.
- Anything else is plain text: line endings become `\\n`; paragraphs are separated by one or
  more blank lines (lines holding only spaces or tabs); leading and trailing blank lines go;
  `&`, `<` and `>` are escaped; each paragraph becomes `<p>…</p>` with `<br>` for its single
  newlines. Text with nothing but whitespace becomes "". `{{variables}}` pass through.
"""

from __future__ import annotations

import html
import re

ELEMENTS = (
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
_TAG = re.compile(r"<(?:!--|/?(?:" + "|".join(ELEMENTS) + r")(?=[\s/>]))", re.IGNORECASE | re.ASCII)
_BLANK = re.compile(r"\n(?:[ \t]*\n)+")


def is_html(body: str) -> bool:
    """True when `body` holds an HTML element's tag (then it is stored as written)."""
    return bool(_TAG.search(body))


def to_tiptap(body: str) -> str:
    """A body as SendKit stores it: HTML as written, plain text as TipTap paragraphs."""
    if is_html(body):
        return body
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    while lines and not lines[0].strip(" \t"):
        lines.pop(0)
    while lines and not lines[-1].strip(" \t"):
        lines.pop()
    paragraphs = _BLANK.split("\n".join(lines)) if lines else []
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs
    )
