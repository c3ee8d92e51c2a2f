"""Format checks are real: email, URI and host name, offline and in the sandbox, same answers.

Each case is checked three ways: the client's checker (outreach_cli/formats.py), the sandbox's
own stdlib reading (outreach_cli/sandbox/formats.py), and, for the fields whose docs state a
format, a campaign file through `outreach validate` and the same campaign through the sandbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from outreach_cli import formats
from outreach_cli.errors import ApiError
from outreach_cli.providers.catalogue import Probe, apply_probe, load
from outreach_cli.sandbox import formats as sandbox_formats
from outreach_cli.session import Session
from outreach_cli.validate import validate_paths

EMAILS = {
    "ann@example.com": True,
    "o'brien+tag@mail.example.co.uk": True,
    "josé@bücher.example": True,  # RFC 6531 and an IDN domain
    "ann@": False,
    "@example.com": False,
    "ops@localhost": False,  # a notification address needs a dotted domain
    "ann@@example.com": False,
    "a..b@example.com": False,
    ".ann@example.com": False,
    "ann @example.com": False,
    "Sam <sam@example.com>": False,  # a display name is not an address
    '"ann"@example.com': False,
    "ann@example.com.": False,
    "ann@1.2.3.4": False,
    "ann@[10.0.0.1]": False,
    "ann@exa mple.com": False,
    "ann@-example.com": False,
    "a" * 65 + "@example.com": False,
}
URLS = {  # (as a URI, as a web URL)
    "https://yourcompany.com/webhooks/sendkit": (True, True),
    "http://127.0.0.1:8080/hook?x=1#f": (True, True),
    "not a url": (False, False),
    "http://": (False, False),
    "https://": (False, False),
    "https://:443/": (False, False),
    "https://exa mple.com/": (False, False),
    "yourcompany.com/hook": (False, False),
    "mailto:ann@example.com": (True, False),  # a URI, but not a web address
}
HOSTS = {
    "track.yourdomain.com": True,
    "localhost": True,
    "track yourdomain.com": False,
    "-track.example.com": False,
    "track_.example.com": False,
    "": False,
    "a" * 64 + ".example.com": False,
}


@pytest.mark.parametrize("value,ok", EMAILS.items())
def test_email_strictness_is_the_same_on_both_sides(value: str, ok: bool) -> None:
    assert formats.is_email(value) is ok
    assert sandbox_formats.email(value) is ok


@pytest.mark.parametrize("value,ok", URLS.items())
def test_uri_and_web_url(value: str, ok: tuple[bool, bool]) -> None:
    assert formats.is_uri(value) is ok[0]
    assert sandbox_formats.web_url(value) is ok[1]


@pytest.mark.parametrize("value,ok", HOSTS.items())
def test_host_name_strictness_is_the_same_on_both_sides(value: str, ok: bool) -> None:
    assert formats.is_hostname(value) is ok
    assert sandbox_formats.host_name(value) is ok


def test_https_only_urls() -> None:
    assert sandbox_formats.web_url("https://cdn.example.com/a.png", https_only=True)
    assert not sandbox_formats.web_url("http://cdn.example.com/a.png", https_only=True)


def test_the_validator_uses_these_checks_not_jsonschemas_defaults() -> None:
    checker = formats.checker()
    for name, value in (("email", "ann@"), ("uri", "not a url"), ("hostname", "a b")):
        assert not checker.conforms(value, name), name
    assert checker.conforms("ann@example.com", "email")
    assert checker.conforms("2026-01-31", "date")  # jsonschema's own checks stay


# The same payload through `outreach validate` and through the sandbox, on the fields whose docs
# state a format. SendKit: "each must be a valid email" (replyNotificationEmails), a webhook
# endpoint URL, a tracking domain such as "track.yourdomain.com"; lemlist: "Public HTTPS URLs".
_LINKEDIN_STEP = {"type": "linkedinInvite", "delay": 1, "message": "Hi"}
CASES = [
    (
        "sendkit",
        Probe(
            "notify-ann@", {"settings": {"replyNotificationEmails": ["ann@"]}}, "refuse", "refuse"
        ),
    ),
    (
        "sendkit",
        Probe(
            "notify-localhost",
            {"settings": {"replyNotificationEmails": ["ops@localhost"]}},
            "refuse",
            "refuse",
        ),
    ),
    (
        "sendkit",
        Probe(
            "notify-ok",
            {"settings": {"replyNotificationEmails": ["ops@example.com"]}},
            "accept",
            "accept",
        ),
    ),
    (
        "sendkit",
        Probe(
            "webhook-not-a-url",
            {"settings": {"webhook": {"enabled": True, "url": "not a url"}}},
            "refuse",
            "refuse",
        ),
    ),
    (
        "sendkit",
        Probe(
            "webhook-no-host",
            {"settings": {"webhook": {"enabled": True, "url": "https://"}}},
            "refuse",
            "refuse",
        ),
    ),
    (
        "sendkit",
        Probe(
            "webhook-ok",
            {
                "settings": {
                    "webhook": {"enabled": True, "url": "https://yourcompany.com/webhooks/sendkit"}
                }
            },
            "accept",
            "accept",
        ),
    ),
    (
        "sendkit",
        Probe(
            "cname-space",
            {"settings": {"cnameTracking": {"enabled": True, "domain": "track yourcompany.com"}}},
            "refuse",
            "refuse",
        ),
    ),
    (
        "sendkit",
        Probe(
            "cname-ok",
            {"settings": {"cnameTracking": {"enabled": True, "domain": "track.yourcompany.com"}}},
            "accept",
            "accept",
        ),
    ),
    (
        "lemlist",
        Probe(
            "image-http",
            {"steps.1": {**_LINKEDIN_STEP, "images": ["http://cdn.example.com/a.png"]}},
            "refuse",
            "refuse",
        ),
    ),
    (
        "lemlist",
        Probe(
            "image-https-no-host",
            {"steps.1": {**_LINKEDIN_STEP, "images": ["https://"]}},
            "refuse",
            "refuse",
        ),
    ),
    (
        "lemlist",
        Probe(
            "image-not-a-url",
            {"steps.1": {**_LINKEDIN_STEP, "images": ["https://not a url"]}},
            "refuse",
            "refuse",
        ),
    ),
    (
        "lemlist",
        Probe(
            "image-https-ok",
            {"steps.1": {**_LINKEDIN_STEP, "images": ["https://cdn.example.com/a.png"]}},
            "accept",
            "accept",
        ),
    ),
]


@pytest.mark.parametrize("platform,probe", CASES, ids=[f"{p}-{c.name}" for p, c in CASES])
def test_format_fields_give_the_same_verdict_offline_and_in_the_sandbox(
    platform: str, probe: Probe, sandbox: Any, tmp_path: Path
) -> None:
    campaign = apply_probe(load(platform)[1], probe)
    path = tmp_path / "probe.yaml"
    path.write_text(
        yaml.safe_dump(
            {"provider": platform, "key": "probe", "campaign": campaign}, allow_unicode=True
        ),
        "utf-8",
    )
    result = validate_paths([str(path)])
    shown = "\n".join(str(d) for d in result.diagnostics)
    got = "refuse" if result.errors else "warn" if result.warnings else "accept"
    assert got == probe.client, shown
    if got == "refuse":
        assert "is not a" in shown or "does not match" in shown, shown
    with Session(sandbox=True, sandbox_url=sandbox.url, state_dir=tmp_path / ".o") as session:
        try:
            session.provider(platform).create(campaign)
            answer = "accept"
        except ApiError as exc:
            assert 400 <= exc.status < 500, exc
            answer = "refuse"
    assert answer == probe.sandbox
