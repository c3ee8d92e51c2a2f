"""A saved plan's integrity: its checksum, its seal and key fingerprints, its secrets' hashes."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from . import hashing


def keyed_hash(key: str, value: Any) -> str:
    """HMAC-SHA256 of a value under the workspace key: checkable only by whoever holds it."""
    return hashing.keyed_hash(key.encode(), value, b"value\0")


def workspace_fingerprint(provider: str, key: str) -> str:
    """A one-way fingerprint of the workspace key a plan was made with."""
    mac = hmac.new(key.encode(), b"outreach-workspace\0" + provider.encode(), hashlib.sha256)
    return "sha256:" + hashlib.sha256(mac.digest()).hexdigest()


def seal(body: dict[str, Any], keys: Mapping[str, str]) -> str:
    """HMAC over the content under the workspace keys: an edit whose author recomputed the
    checksum is still caught at apply time, by whoever holds the keys."""
    if not keys or any(not k for k in keys.values()):
        # An empty key is no key: anyone could compute the seal (issue 19).
        raise ValueError("a saved plan is sealed with the key of every workspace it touches")
    rest = {k: v for k, v in body.items() if k not in ("checksum", "seal")}
    key = b"\0".join(k.encode() for _, k in sorted(keys.items()))
    return hashing.keyed_hash(key, rest)


def checksum(body: dict[str, Any]) -> str:
    """sha256 over the canonical JSON of everything but the checksum itself."""
    rest = {k: v for k, v in body.items() if k != "checksum"}
    return hashing.digest(rest)
