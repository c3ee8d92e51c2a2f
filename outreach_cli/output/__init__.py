"""Rendering: Rich for terminals, a versioned JSON envelope, markdown for PR comments.

The only package that imports rich. Data goes to stdout, progress and diagnostics to stderr.
Untrusted text (campaign names, server messages) is never parsed as Rich markup. `console`
holds the Output object; `plan_text`, `markdown` and `envelope` render a plan three ways;
`leads` renders the lead commands.
"""

from __future__ import annotations

from .console import Output
from .envelope import ENVELOPE_VERSION, plan_to_json
from .markdown import GITHUB_LIMIT, MARKDOWN_LIMIT, plan_markdown
from .plan_text import (
    SENSITIVE,
    campaign_lines,
    change_lines,
    confirm_lines,
    confirm_question,
    plan_lines,
    show,
    tally_line,
)

__all__ = [
    "ENVELOPE_VERSION",
    "GITHUB_LIMIT",
    "MARKDOWN_LIMIT",
    "SENSITIVE",
    "Output",
    "campaign_lines",
    "confirm_lines",
    "confirm_question",
    "change_lines",
    "plan_lines",
    "plan_markdown",
    "plan_to_json",
    "show",
    "tally_line",
]
