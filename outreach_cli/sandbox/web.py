"""Minimal request/response/router types the provider emulators are written against."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs


class Headers(dict[str, str]):
    """Case-insensitive header mapping (keys stored lower-case)."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__()
        for k, v in dict(items).items():
            self[k] = v

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


class BadJson(Exception):
    pass


@dataclass
class Request:
    method: str
    path: str  # below the provider's prefix, e.g. "/campaigns/abc"
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)  # path parameters from the router

    @classmethod
    def build(cls, method: str, path: str, query_string: str, headers: Any, body: bytes) -> Request:
        return cls(
            method.upper(),
            path,
            parse_qs(query_string, keep_blank_values=True),
            Headers(headers),
            body,
        )

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        """The JSON body; an empty body reads as None. Raises BadJson on malformed input."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except RecursionError:
            raise BadJson("JSON nested too deeply") from None
        except ValueError as exc:
            raise BadJson(str(exc)) from exc


@dataclass
class Response:
    status: int = 200
    body: Any = None  # dict/list → JSON, str → text/plain, bytes → as is
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        if self.body is None and self.status == 204:
            return b"", "text/plain"
        return json.dumps(self.body).encode(), "application/json; charset=utf-8"


Handler = Callable[[Request], Response]


class Router:
    """Match `METHOD /path/{param}` patterns; 404/405 are left to the caller to word."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern.rstrip("/") or "/")
        self._routes.append((method.upper(), re.compile(f"^{regex}/?$"), handler))

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.add(method, pattern, fn)
            return fn

        return deco

    def match(self, method: str, path: str) -> tuple[Handler | None, dict[str, str], bool]:
        """Return (handler, params, path_exists)."""
        path_exists = False
        for m, regex, handler in self._routes:
            found = regex.match(path)
            if found:
                path_exists = True
                if m == method:
                    return handler, found.groupdict(), True
        return None, {}, path_exists
