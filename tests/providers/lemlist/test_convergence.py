"""Property: whatever text a lemlist step carries, the applied file plans to no change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.providers.lemlist.test_client import (  # noqa: F401 (_check_requests: autouse)
    Env,
    _applied,
    _check_requests,
)

# The pieces bodies are made of: markup-looking text, entities, emails in angle brackets,
# blank lines, unicode, HTML fragments and lemlist's {{variables}}.
PIECES = st.sampled_from(
    [
        "<",
        ">",
        "&",
        "&amp;",
        "&lt;",
        "Write to Sam <sam@example.com>",
        "\n",
        "\n\n",
        "  ",
        "<p>Hi</p>",
        "<br>",
        "<b>bold</b>",
        '<a href="https://x.example/?a=1&b=2">link</a>',
        "{{firstName}}",
        "é",
        "日本",
        "🙂",
        "\u00a0",
        "\t",
        "'",
        '"',
        "\\",
    ]
)
# Free text never holds a brace: `{{`/`}}` outside a variable is a copy error (the copy checks
# refuse the file before anything is sent), so braces come only from the pieces above.
# Nor a surrogate (not text: YAML cannot carry it), a control character or a line/paragraph
# separator (YAML rewrites those as line breaks): the pieces give the line breaks that matter.
FREE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="{}"),
    min_size=1,
    max_size=8,
)
TEXT = st.lists(st.one_of(PIECES, FREE), min_size=1, max_size=12).map("".join)
# A subject is one line that is not blank (lemlist requires it; outreach refuses a blank one
# for a name only, and a subject of spaces is still non-empty).
SUBJECT = TEXT.map(lambda s: s.replace("\n", " ").replace("\r", " ")).filter(
    lambda s: s.strip() != "" and "\x00" not in s
)
BODY = TEXT.filter(lambda s: "\x00" not in s)


@pytest.mark.slow
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(subject=SUBJECT, message=BODY, sms=BODY.filter(lambda s: s != ""))
def test_generated_step_text_applied_to_the_sandbox_plans_no_change(
    sandbox: Any, tmp_path_factory: Any, subject: str, message: str, sms: str
) -> None:
    tmp: Path = tmp_path_factory.mktemp("conv")
    doc = {
        "provider": "lemlist",
        "key": "conv",
        "status": "paused",
        "campaign": {
            "name": "Convergence",
            "steps": [
                {
                    "type": "email",
                    "subject": subject,
                    "message": message,
                    "abTest": {"subject": subject + " B", "message": message},
                },
                {"type": "sms", "message": sms},
                {"type": "linkedinInvite", "message": message},
            ],
        },
    }
    env = Env(sandbox, tmp, doc)
    _applied(env.apply())
    (cp,) = env.plan().campaigns
    assert cp.action == "noop", [pc.change.dotted for pc in cp.changes]
