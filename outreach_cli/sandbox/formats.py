"""Email, host name and web URL checks the emulated APIs apply where the docs state a format.

Standard library only, and written apart from the client's checks (outreach_cli/formats.py):
a test holds the two readings to the same answers.

- Email: `local@domain`; the local part letters, digits and ``!#$%&'*+/=?^_`{|}~-`` with dots
  only between them (non-ASCII letters allowed), at most 64 characters; the domain at least two
  host-name labels, the last not all digits (so `ann@` and `ops@localhost` are refused);
  no quotes, IP literals or display names; 254 characters in all.
- Host name: labels of letters, digits and inner hyphens, 1-63 characters, 253 in all.
- Web URL: `http` or `https` (or only `https`) with a host, and no spaces or control
  characters anywhere.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"{_LABEL}(\.{_LABEL})*\.?")
_LOCAL = re.compile(r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*")
_BAD_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"{}|\\^`]")


def host_name(value: Any) -> bool:
    """Whether `value` is a host name (one label is enough)."""
    return (
        isinstance(value, str)
        and len(value.rstrip(".")) <= 253
        and _HOST.fullmatch(value) is not None
    )


def email(value: Any) -> bool:
    """Whether `value` is an email address with a dotted domain."""
    if not isinstance(value, str) or len(value) > 254:
        return False
    local, at, domain = value.rpartition("@")
    if not at or "@" in local or len(local) > 64 or _LOCAL.fullmatch(local) is None:
        return False
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and not domain.endswith(".")
        and host_name(domain)
        and not labels[-1].isdigit()
    )


def web_url(value: Any, *, https_only: bool = False) -> bool:
    """Whether `value` is an http(s) URL naming a host (`https` only when asked)."""
    if not isinstance(value, str) or _BAD_URL_CHARS.search(value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return False
    schemes = ("https",) if https_only else ("http", "https")
    return parts.scheme.lower() in schemes and bool(host)
