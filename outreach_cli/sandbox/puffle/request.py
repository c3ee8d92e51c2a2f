"""Reading a request: the API key and its workspace, the JSON body, integer query arguments.

Where the docs are silent, this emulator chooses:

- Auth: `Authorization: Bearer pk_live_…` or `pk_test_…`, anything else 401; one workspace per
  key. A malformed id in the path is a 400 (the docs give the path parameter a pattern); an id
  not found in the caller's workspace is a 404.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..web import BadJson, Request
from .errors import _Fail

_KEY = re.compile(r"Bearer[ \t]+(pk_(?:live|test)_[A-Za-z0-9_\-]+)[ \t]*")


def workspace_of(key: str) -> str:
    """The store workspace of an API key (hashed: the sandbox never stores keys)."""
    return "puffle:" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _api_key(request: Request) -> str | None:
    found = _KEY.fullmatch(request.headers.get("Authorization") or "")
    return found.group(1) if found else None


def _ws(request: Request) -> str:
    key = _api_key(request)
    assert key is not None  # handle() answered 401 otherwise
    return workspace_of(key)


def _body(request: Request) -> dict[str, Any]:
    try:
        data = request.json()
    except BadJson as exc:
        raise _Fail(400, "Invalid JSON body") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _Fail(400, "Request body must be a JSON object")
    return data


def _int_arg(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _Fail(400, f"{name} must be an integer {bound}")
    return value
