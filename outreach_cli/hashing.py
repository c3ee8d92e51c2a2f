"""Hashes of JSON values: one canonical form, a plain digest and a keyed (HMAC) one.

The canonical form is what state.json has always hashed write-only values with (sorted keys,
no spaces, ASCII escapes, anything not JSON as its text), so stored hashes keep matching.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()


def digest(value: Any) -> str:
    """sha256 of the canonical form: a value's fingerprint, checkable by anyone."""
    return "sha256:" + hashlib.sha256(canonical(value)).hexdigest()


def keyed_hash(key: bytes, value: Any, domain: bytes = b"") -> str:
    """HMAC-SHA256 of `domain` + the canonical form under `key`: checkable only by whoever
    holds the key; `domain` keeps one key's hashes of different things apart."""
    return "hmac-sha256:" + hmac.new(key, domain + canonical(value), hashlib.sha256).hexdigest()
