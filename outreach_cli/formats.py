"""The JSON Schema `format` checks `outreach validate` runs offline, with their strictness.

jsonschema checks a `format` only when a checker for it is importable, and its own `email`
check is only "contains an @": left alone, `ann@`, `ops@localhost` and `not a url` all pass.
This module states what each format means here and builds the one FormatChecker validate.py
uses (`checker()`), so a missing library is an ImportError, never a check silently skipped.

- `uri`: an absolute URI by RFC 3986's grammar (rfc3986-validator, the checker jsonschema's
  own `format-nongpl` extra uses), and an `http`/`https` URI must name a host (RFC 9110
  §4.2: "A sender MUST NOT generate an "http" URI with an empty host identifier"), so
  `http://` is refused. Whether a field needs `https` is the schema's `pattern`, per the docs.
- `hostname`: an RFC 1123 host name (fqdn, jsonschema's own choice): labels of letters, digits
  and inner hyphens, 1-63 characters each, 253 in all; one label is enough, spaces never.
- `email`: outreach's own check, since jsonschema's is too loose: `local@domain`, the local
  part a dot-atom (RFC 5322 §3.2.3: letters, digits and ``!#$%&'*+/=?^_`{|}~-``, dots only
  between characters; non-ASCII letters allowed, RFC 6531), at most 64 characters; the domain
  a host name of at least two labels whose last is not all digits (an address notifications
  and mailboxes use goes through public DNS, so `ops@localhost` is refused), Unicode domains
  checked in their IDNA form. Quoted local parts, IP literals and display names
  (`Sam <sam@example.com>`) are refused.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

MAX_EMAIL = 254
MAX_LOCAL = 64
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]"  # \w: letters and digits, Unicode ones too (RFC 6531)
_LOCAL = re.compile(rf"{_ATEXT}+(\.{_ATEXT}+)*")

# What each format is, in the words `outreach validate` uses when a value fails it.
WHAT: dict[str, str] = {
    "email": "an email address (name@example.com: a dotted domain, no display name)",
    "uri": "an absolute URI (https://example.com/path; an http(s) URI needs a host)",
    "hostname": "a host name (letters, digits, hyphens and dots, no spaces)",
}


def is_hostname(value: Any, *, min_labels: int = 1) -> bool:
    """Whether `value` is an RFC 1123 host name of at least `min_labels` labels."""
    from fqdn import FQDN

    if not isinstance(value, str) or not value:
        return False
    return bool(FQDN(value, min_labels=min_labels).is_valid)


def is_email(value: Any) -> bool:
    """Whether `value` is an email address of the strictness stated above."""
    if not isinstance(value, str) or len(value) > MAX_EMAIL or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    if not local or len(local) > MAX_LOCAL or not _LOCAL.fullmatch(local):
        return False
    if not domain or domain.endswith("."):
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    if not is_hostname(ascii_domain, min_labels=2):
        return False
    return not ascii_domain.rsplit(".", 1)[-1].isdigit()


def is_uri(value: Any) -> bool:
    """Whether `value` is an absolute RFC 3986 URI; http(s) URIs must name a host."""
    from rfc3986_validator import validate_rfc3986

    if not isinstance(value, str) or validate_rfc3986(value, rule="URI") is None:
        return False
    scheme, _, rest = value.partition(":")
    if scheme.lower() in ("http", "https"):
        authority = (
            rest[2:].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
            if rest.startswith("//")
            else ""
        )
        host = authority.rsplit("@", 1)[-1]
        host = host.rsplit(":", 1)[0] if not host.startswith("[") else host
        return bool(host)
    return True


@cache
def checker() -> Any:
    """jsonschema's draft 2020-12 format checker with `email`, `uri` and `hostname` replaced
    by the checks above (built once: validate.py caches its validators)."""
    from jsonschema import Draft202012Validator, FormatChecker

    out = FormatChecker(formats=())
    out.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    for name, check in (("email", is_email), ("uri", is_uri), ("hostname", is_hostname)):
        out.checkers[name] = (check, ())
    return out
