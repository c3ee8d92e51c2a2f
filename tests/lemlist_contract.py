"""lemlist's published OpenAPI file as a contract both readings are held to on every test run.

tests/conftest.py installs two checks for every test: each request the lemlist adapter sends
(an httpx event hook on the clients `Lemlist.connect` builds) is validated as a request, and
each answer the lemlist emulator gives (a wrapper around its `handle`) as a response, both by
openapi-core against tests/data/lemlist-openapi.json. A violation fails the test that caused it.

Where the file is wrong or incomplete against lemlist's own prose (providers.md, the seeds),
the exception is in EXCEPTIONS below, with its reason: the one place such choices are made.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.helpers import DATA

SPEC_PATH = DATA / "lemlist-openapi.json"
SERVER = "https://api.lemlist.com"  # the file's `servers` URL is https://api.lemlist.com/api
ROOT = "/api"

# (method, path template, what) → why the file is not followed there. `what` is "request" or
# a response status ("*" for every status). Each entry names the prose that overrides the file.
EXCEPTIONS: dict[tuple[str, str, str], str] = {
    ("*", "*", "429"): (
        "providers.md: 'Rate limit: 20 requests per 2 seconds, per API key, on all routes' "
        "answered 429; the file documents 429 on no operation"
    ),
    ("*", "*", "401"): (
        "providers.md: a wrong key is refused; the file documents 401 on few operations"
    ),
    ("*", "*", "405"): ("a method the route does not have: the file cannot document it"),
    ("POST", "/campaigns/{campaignId}/leads/", "409"): (
        "the file says of `deduplicate` only that lemlist 'Will not insert the lead if email "
        "address already exists' and lists no status for it; the emulator answers 409 "
        "Conflict (its own reading), which the file does not list"
    ),
    ("PATCH", "/sequences/{sequenceId}/steps/{stepId}", "404"): (
        "the file lists 404 for DELETE of a step but not for PATCH of the same path; an unknown "
        "step is answered 404 as the DELETE documents"
    ),
    ("GET", "/users/{userId}", "404"): (
        "the file lists only 200 for a user; an id outside the team must be answered "
        "something: the emulator answers 404 'User not found' (lemlist's wording for other "
        "objects), and the plan reads it as 'cannot judge this sender'"
    ),
    ("GET", "/campaigns", "request"): (
        "providers.md: 'The docs tell you to always pass version=v2'; the file's parameters "
        "omit `version`"
    ),
}
# Responses whose body shape the file documents otherwise than lemlist's prose.
SHAPE_EXCEPTIONS: dict[tuple[str, str, str], str] = {
    ("GET", "/campaigns", "200"): (
        "providers.md: 'Third-party clients report that version=v2 actually returns "
        "{campaigns:[…], pagination:{…}}'; the file documents the bare array only "
        "(test_openapi.py checks the envelope against the file's own Campaign object)"
    ),
}


@lru_cache(maxsize=1)
def openapi() -> Any:
    """The file as an openapi-core application (its errata applied: see ERRATA)."""
    from openapi_core import OpenAPI

    raw = json.loads(SPEC_PATH.read_text("utf-8"))
    for path, patch in ERRATA:
        node = raw
        for part in path:
            node = node[part]
        node.update(patch)
    return OpenAPI.from_dict(raw)


# Where the file contradicts itself, the reading validated against (a patch of the node).
ERRATA: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    # "Next page number (null if on last page)" under `type: integer` without `nullable`.
    (
        (
            "components",
            "schemas",
            "ScheduleListResponse",
            "properties",
            "pagination",
            "properties",
            "nextPage",
        ),
        {"nullable": True},
    ),
)


@dataclass
class _Request:
    """openapi-core's Request protocol over a method, a path below the API root, a query
    string and a body."""

    method_: str
    path_: str
    query: str
    body_: bytes | None
    content_type_: str

    def __post_init__(self) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(self.query, keep_blank_values=True)),
            header=Headers({"Authorization": "Basic Omtleg=="}),
            cookie=ImmutableMultiDict(),
        )

    host_url = SERVER

    @property
    def path(self) -> str:
        return ROOT + self.path_

    @property
    def method(self) -> str:
        return self.method_.lower()

    @property
    def body(self) -> bytes | None:
        return self.body_

    @property
    def content_type(self) -> str:
        return self.content_type_


@dataclass
class _Response:
    status_code: int
    content_type: str
    data: bytes | None
    headers: dict[str, str]


_LOCK = threading.Lock()
VIOLATIONS: list[str] = []


@lru_cache(maxsize=1)
def _finder() -> Any:
    from openapi_core.templating.paths.finders import APICallPathFinder

    return APICallPathFinder(openapi().spec)


@lru_cache(maxsize=4096)
def _template(method: str, path: str) -> str | None:
    try:
        found = _finder().find(method.lower(), SERVER + ROOT + path)
    except Exception:
        return None
    return str(found.path.parts[-1])


def _excused(method: str, template: str, what: str) -> bool:
    return any(
        k in EXCEPTIONS
        for k in ((method, template, what), ("*", "*", what), (method, template, "*"))
    )


def _record(message: str) -> None:
    with _LOCK:
        VIOLATIONS.append(message)


def _errors(exc: Exception) -> Iterator[str]:
    yield f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__ or exc.__context__
    for sub in getattr(cause, "schema_errors", ()) or getattr(exc, "schema_errors", ()):
        yield f"  {list(sub.absolute_path)}: {sub.message}"


def request_errors(
    method: str, path: str, query: str, body: bytes | None, content_type: str
) -> list[str]:
    """What the file finds wrong in one request (path below the API root)."""
    template = _template(method, path)
    if template is None:
        return [f"{method} {path}: not an operation of lemlist's OpenAPI file"]
    if _excused(method, template, "request"):
        return []
    req = _Request(method, path, query, body or None, content_type if body else "")
    try:
        openapi().validate_request(req)
    except Exception as exc:  # openapi-core's errors share no base we could name narrower
        return [f"request {method} {template}: " + "\n".join(_errors(exc))]
    return []


def check_response(
    method: str, path: str, query: str, status: int, content_type: str, data: bytes
) -> None:
    """Validate one answer the emulator gives (path below the API root)."""
    template = _template(method, path)
    if template is None:  # a route the file does not have (a test of unknown routes)
        return
    what = str(status)
    if _excused(method, template, what):
        return
    if (method, template, what) in SHAPE_EXCEPTIONS and content_type == "application/json":
        return
    req = _Request(method, path, query, None, "")
    resp = _Response(status, content_type, data, {})
    try:
        openapi().validate_response(req, resp)
    except Exception as exc:
        _record(f"response {method} {template} → {status}: " + "\n".join(_errors(exc)))


def request_hook(request: Any) -> None:
    """httpx event hook: check a request a lemlist client is about to send. A test may send
    what lemlist refuses on purpose (the catalogue's probes): such a request must then be
    refused (4xx), which response_hook checks; a request the file refuses that is answered
    2xx/3xx means the client sent, and the emulator took, what the contract forbids."""
    url = urlsplit(str(request.url))
    path = url.path
    marker = path.find("/lemlist/api")  # the sandbox's root
    if marker >= 0:
        path = path[marker + len("/lemlist/api") :]
    elif url.hostname == "api.lemlist.com" and path.startswith(ROOT + "/"):
        path = path[len(ROOT) :]
    else:  # a stand-in server of a plumbing test (http.py): not lemlist's API
        return
    body = request.content if request.content else None
    if _template(request.method, path or "/") is None:  # never on purpose: report it now
        _record(f"{request.method} {path}: not an operation of lemlist's OpenAPI file")
        return
    request.extensions["lemlist_contract"] = request_errors(
        request.method,
        path or "/",
        url.query,
        body,
        request.headers.get("content-type", "").split(";")[0],
    )


def response_hook(response: Any) -> None:
    """httpx event hook: a request the file refuses must not have been accepted."""
    errors = response.request.extensions.get("lemlist_contract") or []
    if errors and response.status_code < 400:
        _record(
            f"answered {response.status_code} to a request lemlist's file refuses:\n"
            + "\n".join(errors)
        )


def take() -> list[str]:
    with _LOCK:
        out = list(VIOLATIONS)
        VIOLATIONS.clear()
    return out


def emulator_handle(handle: Any) -> Any:
    """Wrap the lemlist emulator's `handle` so that every answer is validated."""
    from urllib.parse import urlencode

    def wrapped(self: Any, request: Any) -> Any:
        method, path = request.method, request.path
        query = urlencode(request.query, doseq=True)
        resp = handle(self, request)
        data, ctype = resp.encode()
        check_response(method, path, query, resp.status, ctype.split(";")[0], data)
        return resp

    wrapped.__wrapped__ = handle  # type: ignore[attr-defined]
    return wrapped
