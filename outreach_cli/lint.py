"""`outreach lint`: validate's diagnostics plus the copy rules (copyrules.RULES), and, when
SpamAssassin is installed, its local score for each rendered email.

No terminal code: the command prints the `Result` as validate's.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from .copycheck import check_content, platform
from .documents import Diagnostic, format_path
from .validate import Result, validate_paths

SPAMASSASSIN = "spamassassin"
# A score from here up is SpamAssassin's default `required_score` (5.0): it would mark it spam.
SA_REQUIRED = 5.0


def lint_paths(
    paths: Iterable[str], *, spamassassin: bool = False, strict: bool = False, project: Any = None
) -> Result:
    """Every validate diagnostic of `paths` and every copy finding of the documents that passed
    (with `spamassassin`, one more line per email: its local SpamAssassin score). `strict`
    turns warnings into errors (for CI)."""
    result = validate_paths(paths, project=project)  # a project: workspaces and their values
    found = list(result.diagnostics)
    for doc in result.documents:
        found.extend(check_content(doc.source, doc.provider))
        if spamassassin:
            found.extend(spam_scores(doc))
    if strict:
        found = [replace(d, severity="error") if d.severity == "warning" else d for d in found]
    found.sort(key=Diagnostic.sort_key)
    return Result([], found, result.count, result.files)


def spamassassin_path() -> str | None:
    return shutil.which(SPAMASSASSIN)


def spam_scores(doc: object) -> list[Diagnostic]:
    """SpamAssassin's score of each email of `doc`, rendered for a lead with no fields, run
    locally (`-L`: no network test), one diagnostic per email at its body."""
    from . import templates as t
    from .htmltext import html_to_text, looks_like_html
    from .validate import Document

    assert isinstance(doc, Document)
    exe = spamassassin_path()
    if exe is None:
        return []
    mod = platform(doc.provider)
    out = []
    for e in mod.emails(doc.campaign):
        if e.kind != "email" or e.body is None:
            continue
        subject = t.render(e.subject, {}, mod.VARIABLES).text if e.subject else ""
        body = t.render(e.body, {}, mod.VARIABLES).text
        msg = EmailMessage()
        msg["Subject"] = subject
        msg["From"] = "sender@example.com"
        msg["To"] = "lead@example.com"
        # A real send has these: without them SpamAssassin scores their absence, not the copy.
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain="example.com")
        msg.set_content(html_to_text(body))
        if looks_like_html(body):
            msg.add_alternative(body, subtype="html")
        run = subprocess.run(
            [exe, "-L", "-t"], input=msg.as_bytes(), capture_output=True, timeout=120, check=False
        )
        score, tests = _score(run.stdout.decode("utf-8", "replace"))
        path = ("campaign", *e.body.path)
        file, line, col = doc.source.where(path)  # a base's body: the base's line
        verdict = "at or over" if score is not None and score >= SA_REQUIRED else "under"
        text = (
            f"SpamAssassin (local tests) scores {e.label} {score:.1f}, {verdict} its spam "
            f"mark of {SA_REQUIRED} (tests: {tests or 'none'})"
            if score is not None
            else f"SpamAssassin gave no score for {e.label}"
        )
        severity = "warning" if score is None or score >= SA_REQUIRED else "info"
        out.append(Diagnostic(file, line, col, format_path(path), text, severity, "spamassassin"))
    return out


def _score(report: str) -> tuple[float | None, str]:
    """The score and the tests hit, from the X-Spam-Status header of SpamAssassin's report."""
    import re

    m = re.search(
        r"^X-Spam-Status: \w+, score=(-?[0-9.]+).*?tests=(.*?)\s+autolearn", report, re.M | re.S
    )
    if not m:
        return None, ""
    return float(m.group(1)), ",".join(x.strip() for x in m.group(2).split(",") if x.strip())


@dataclass(frozen=True)
class Skipped:
    reason: str


def spamassassin_missing() -> Skipped:
    return Skipped(
        "SpamAssassin is not installed (Debian: apt-get install spamassassin); "
        "--spamassassin skipped"
    )
