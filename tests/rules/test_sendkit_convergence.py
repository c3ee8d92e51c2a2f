"""Convergence as a property: a SendKit file applied to the sandbox plans to no change.

Bodies are generated (text with `<`, `&`, emails in angle brackets, blank lines, CRLF,
unicode, HTML fragments, template variables); each is applied to the sandbox over loopback
and planned again. The client's TipTap reading and the sandbox's are written independently
(providers/sendkit/tiptap.py, sandbox/sendkit/tiptap.py); here they must agree.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach_cli import apply as applier
from outreach_cli import plan as planner
from outreach_cli.http import Api, RetryPolicy
from outreach_cli.providers.sendkit import SendKit
from outreach_cli.providers.sendkit.tiptap import to_tiptap
from outreach_cli.sandbox.sendkit.tiptap import to_tiptap_html
from outreach_cli.state import State
from outreach_cli.validate import validate_paths
from tests.helpers import track

KEY = "sk_convergence_tests"
FRAGMENTS = (
    "<",
    ">",
    "&",
    "&amp;",
    "a < b",
    "x > y",
    "<sam@example.com>",
    "Write to Sam <sam@example.com>",
    "<b.smith@example.com>",
    "<bob>",
    "\n",
    "\n\n",
    "\n \n\t\n",
    "\r\n",
    "\r\n\r\n",
    "\t",
    "  ",
    "é ü ß",
    "日本語",
    "🎉",
    "\u00a0",
    "<p>para</p>",
    "<br>",
    "<br/>",
    "<b>bold</b>",
    "</div>",
    '<a href="https://x.io">l</a>',
    "<!-- note -->",
    "<P>",
    "<pre>",
    "<p",
    "{{firstName}}",
    "Hi,",
    "--",
    "'\"",
)
# Printable characters only: no control characters, surrogates or line/paragraph separators
# (YAML itself treats U+2028/2029 as line breaks); braces only inside {{firstName}}.
CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="{}")
BODIES = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(CHARS, max_size=8)), max_size=12
).map("".join)
COUNTER = itertools.count()
PROPERTY = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _provider(sandbox: Any) -> SendKit:
    api = Api(
        "sendkit",
        sandbox.url + "/sendkit/v1",
        headers={"X-Api-Key": KEY},
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    return SendKit(api)


def _apply_then_plan(sandbox: Any, tmp_path: Path, campaign: dict[str, Any]) -> Any:
    """Write the file, apply it to the sandbox, plan again: the second plan."""
    n = next(COUNTER)
    path = tmp_path / f"c{n}.yaml"
    doc = {"provider": "sendkit", "key": f"prop-{n}", "campaign": campaign}
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), "utf-8")
    provider = _provider(sandbox)
    state = State(tmp_path / ".outreach")
    result = validate_paths([str(path)])
    assert not result.errors, [str(d) for d in result.errors]
    report = applier.run(
        planner.build(result.documents, lambda _: provider, state), lambda _: provider, state
    )
    assert report.outcomes[0].result == "applied", report.outcomes[0].message
    return planner.build(validate_paths([str(path)]).documents, lambda _: provider, state)


@settings(max_examples=200, deadline=None)
@given(BODIES)
def test_the_two_tiptap_readings_agree(body: str) -> None:
    assert to_tiptap(body) == to_tiptap_html(body)


@pytest.mark.slow
@PROPERTY
@given(body=BODIES, variant=BODIES)
def test_generated_bodies_plan_to_no_change_after_apply(
    sandbox: Any, tmp_path: Path, body: str, variant: str
) -> None:
    campaign = {
        "name": f"Bodies {next(COUNTER)}",
        "sequence": [
            {"type": "email", "subject": "Hello", "body": body},
            {"type": "wait", "waitDays": 2},
            {
                "type": "email",
                "subject": "Again",
                "variants": [
                    {"label": "A", "subject": "A", "body": variant},
                    {"label": "B", "subject": "B", "body": body},
                ],
            },
        ],
    }
    plan = _apply_then_plan(sandbox, tmp_path, campaign)
    stored = plan.campaigns[0].remote.raw["sequence"]
    assert stored[0]["body"] == to_tiptap(body)
    assert plan.campaigns[0].changes == (), [pc.change for pc in plan.campaigns[0].changes]


def test_file_with_odd_values_plans_to_no_change_after_apply(sandbox: Any, tmp_path: Path) -> None:
    """Values the server accepts and rewrites: an `order` other than the position, a reply
    trigger's `value`, the legacy segCheckMode, read-only espMatchingRules, a subject only on
    the variants, a fractional wait."""
    campaign = {
        "name": "Odd values",
        "sequence": [
            {
                "type": "email",
                "order": 3,
                "variants": [
                    {"label": "A", "subject": "S1", "body": "Write to Sam <sam@example.com>"},
                    {"label": "B", "subject": "S2", "body": "a & b\n\nc"},
                ],
            },
            {"type": "wait", "order": 0, "waitDays": 1.5},
            {"type": "email", "subject": "Again", "body": "<p>Bump</p>"},
        ],
        "subsequences": [
            {
                "name": "Replied",
                "trigger": {"type": "reply", "value": "Any"},
                "sequence": [{"type": "email", "subject": "Re", "body": "Thanks"}],
            }
        ],
        "settings": {
            "segCheckMode": "use_specific_mailboxes",
            "espMatchingRules": [
                {"recipientProvider": "gmail", "senderProvider": "gmail", "priority": 1}
            ],
        },
    }
    plan = _apply_then_plan(sandbox, tmp_path, campaign)
    assert plan.campaigns[0].changes == (), [pc.change for pc in plan.campaigns[0].changes]
    raw = plan.campaigns[0].remote.raw
    assert [s["order"] for s in raw["sequence"]] == [0, 1, 2]
    assert raw["subsequences"][0]["trigger"] == {"type": "reply"}
