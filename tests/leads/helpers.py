"""Helpers shared by the lead tests: clients on the sandbox, a SendKit campaign with
subsequences, CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outreach_cli.http import Api, RetryPolicy
from outreach_cli.providers.puffle import Puffle
from outreach_cli.providers.sendkit import SendKit
from tests.helpers import track

SENDKIT_KEY = "sk_test_leads"
PUFFLE_KEY = "pk_test_leads"
PUFFLE_SENDER = "5e4de000-0000-4000-8000-000000000001"

# "Interested follow-up" sends at once, then waits: a tick leaves its lead in it with one
# email sent. "Meeting prep" opens with a day's wait: a lead in it has sent nothing from it.
INTERESTED = {
    "name": "Interested follow-up",
    "trigger": {"type": "ai_tag", "value": "interested"},
    "sequence": [
        {"type": "email", "subject": "Great", "body": "Glad to hear it."},
        {"type": "wait", "waitDays": 2},
        {"type": "email", "subject": "Re: Great", "body": "Any news?"},
    ],
}
MEETING = {
    "name": "Meeting prep",
    "trigger": {"type": "ai_tag", "value": "Meeting Booked"},
    "sequence": [
        {"type": "wait", "waitDays": 1},
        {"type": "email", "subject": "See you", "body": "Agenda?"},
    ],
}
ARCHIVED = {
    "name": "Old OOO",
    "status": "archived",
    "trigger": {"type": "ai_tag", "value": "Out of Office"},
    "sequence": [{"type": "email", "subject": "Back?", "body": "Welcome back."}],
}
SEQUENCE = [
    {"type": "email", "subject": "Hello", "body": "Hi there"},
    {"type": "wait", "waitDays": 3},
    {"type": "email", "subject": "Again", "body": "Bump"},
]


def sendkit(sandbox: Any, key: str = SENDKIT_KEY) -> SendKit:
    api = Api(
        "sendkit",
        sandbox.url + "/sendkit/v1",
        headers={"X-Api-Key": key},
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    return SendKit(api)


def puffle(sandbox: Any) -> Puffle:
    api = Api(
        "puffle",
        sandbox.url + "/puffle/api",
        headers={"Authorization": f"Bearer {PUFFLE_KEY}"},
        retry=RetryPolicy(base=0.001),
    )
    track(api)
    return Puffle(api)


def campaign(provider: SendKit, subsequences: list[dict[str, Any]] | None = None) -> str:
    return provider.create(
        {
            "name": "Leads test",
            "sequence": SEQUENCE,
            "subsequences": subsequences or [],
            "mailboxTags": ["outreach"],
        }
    )


def write_csv(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def emails(n: int, start: int = 0) -> list[str]:
    return [f"lead{i}@example.org,Lead{i}" for i in range(start, start + n)]


def requests_to(sandbox: Any, method: str, suffix: str) -> list[tuple[str, str, int]]:
    return [
        r
        for r in sandbox.sandbox.request_log
        if r[0] == method and r[1].split("?")[0].endswith(suffix)
    ]
