"""Every sandbox response on the lemlist paths we use, against lemlist's own OpenAPI file.

tests/data/lemlist-openapi.json is a byte-for-byte copy of shared/reference/openapi/lemlist.json
(OpenAPI 3.0.0; provenance in that folder's README), kept here because shared/ is not in CI.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from outreach_cli.sandbox import server
from tests.helpers import DATA, SHARED

SPEC_PATH = DATA / "lemlist-openapi.json"
SHARED_SPEC = SHARED / "reference/openapi/lemlist.json"
SPEC_SHA256 = "bb89fffbb171527978110cf693bf0feb15218627fea3d1a6c66120786af82a1b"
URI = "urn:lemlist-openapi"

# Every operation the client or the sandbox relies on; each must be exercised below.
OPERATIONS = {
    ("GET", "/team"),
    ("GET", "/team/senders"),
    ("GET", "/users/{userId}"),
    ("GET", "/campaigns"),
    ("POST", "/campaigns"),
    ("GET", "/campaigns/{campaignId}"),
    ("PATCH", "/campaigns/{campaignId}"),
    ("POST", "/campaigns/{campaignId}/start"),
    ("POST", "/campaigns/{campaignId}/pause"),
    ("POST", "/campaigns/{campaignId}/duplicate"),
    ("GET", "/campaigns/{campaignId}/statutes"),
    ("GET", "/campaigns/{campaignId}/sequences"),
    ("POST", "/sequences/{sequenceId}/steps"),
    ("PATCH", "/sequences/{sequenceId}/steps/{stepId}"),
    ("DELETE", "/sequences/{sequenceId}/steps/{stepId}"),
    ("POST", "/sequences/{sequenceId}/steps/{stepId}/ab-test"),
    ("GET", "/sequences/{sequenceId}/steps/{stepId}/ab-test"),
    ("PATCH", "/sequences/{sequenceId}/steps/{stepId}/ab-test"),
    ("DELETE", "/sequences/{sequenceId}/steps/{stepId}/ab-test"),
    ("POST", "/sequences/{sequenceId}/steps/{stepId}/ab-test/winner"),
    ("GET", "/schedules"),
    ("POST", "/schedules"),
    ("GET", "/schedules/{scheduleId}"),
    ("PATCH", "/schedules/{scheduleId}"),
    ("DELETE", "/schedules/{scheduleId}"),
    ("GET", "/campaigns/{campaignId}/schedules/"),
    ("POST", "/campaigns/{campaignId}/schedules/{scheduleId}"),
    ("GET", "/campaigns/{campaignId}/leads/"),
    ("POST", "/campaigns/{campaignId}/leads/"),
    ("PATCH", "/campaigns/{campaignId}/leads/{leadId}"),
}

# Where the file contradicts itself, the reading we validate against (kept short and explicit).
ERRATA = (
    # "Next page number (null if on last page)" under `type: integer` without `nullable`.
    (
        "components",
        "schemas",
        "ScheduleListResponse",
        "properties",
        "pagination",
        "properties",
        "nextPage",
    ),
)


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects → JSON Schema 2020-12: `nullable: true` admits null."""
    if isinstance(node, list):
        return [_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _to_json_schema(v) for k, v in node.items()}
    if out.pop("nullable", False) is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list):
            out["enum"] = [*out["enum"], None]
    return out


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    raw = json.loads(SPEC_PATH.read_text("utf-8"))
    for path in ERRATA:
        node = raw
        for part in path:
            node = node[part]
        node["nullable"] = True
    converted = _to_json_schema(raw)
    assert isinstance(converted, dict)
    return converted


@lru_cache(maxsize=1)
def registry() -> Registry:
    return Registry().with_resource(URI, Resource.from_contents(spec(), DRAFT202012))


def pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def validator_for(ref: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{URI}#/{ref}"}, registry=registry(), format_checker=FormatChecker()
    )


def response_spec(method: str, template: str, status: int) -> dict[str, Any]:
    op = spec()["paths"][template][method.lower()]
    responses = op["responses"]
    assert str(status) in responses, f"{method} {template} → {status} is not documented"
    return dict(responses[str(status)])


@dataclass
class Exchange:
    method: str
    template: str
    status: int
    content_type: str
    body: Any


@dataclass
class Recorder:
    client: httpx.Client
    log: list[Exchange]

    def __call__(
        self,
        method: str,
        template: str,
        *,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        **ids: str,
    ) -> Any:
        path = template.format(**ids)
        r = self.client.request(method, path, json=json_body, params=params)
        ctype = r.headers["content-type"].split(";")[0]
        body = r.json() if ctype == "application/json" else r.text
        self.log.append(Exchange(method, template, r.status_code, ctype, body))
        return body


@pytest.fixture(scope="module")
def exchanges() -> Iterator[list[Exchange]]:
    """One scripted session touching every operation in OPERATIONS, with documented errors."""
    running = server.start(":memory:")
    emu = next(e for e in running.sandbox.emulators if e.prefix == "/lemlist/api")
    clock = [0.0]

    def ticking() -> float:  # never rate limited: the limiter is not under test here
        clock[0] += 1.0
        return clock[0]

    emu.monotonic = ticking  # type: ignore[attr-defined]
    log: list[Exchange] = []
    try:
        with httpx.Client(
            base_url=running.url + "/lemlist/api",
            auth=("", "k-" + secrets.token_hex(4)),
            timeout=10,
        ) as client:
            _script(Recorder(client, log))
        yield log
    finally:
        running.stop()


def _script(call: Recorder) -> None:
    call("GET", "/team")
    call("GET", "/team", params={"version": "v2"})
    user_id = "usr_2aBCdEfGHiJkLmNOp"
    call("GET", "/users/{userId}", userId=user_id)
    camp = call(
        "POST",
        "/campaigns",
        json_body={
            "name": "My new campaign",
            "timezone": "America/New_York",
            "autoReview": True,
            "autoReviewConditions": ["deliverable", "risky"],
        },
    )
    cid, seq = camp["_id"], camp["sequenceId"]
    other = call("POST", "/campaigns", json_body={"name": "Target"})
    call("GET", "/campaigns")
    call("GET", "/campaigns", params={"status": "running", "sortOrder": "desc", "limit": 1})
    call("GET", "/campaigns/{campaignId}", campaignId=cid)
    call("GET", "/campaigns/{campaignId}", campaignId="cam_doesNotExist0001")  # 404 text
    email = call(
        "POST",
        "/sequences/{sequenceId}/steps",
        sequenceId=seq,
        json_body={
            "type": "email",
            "subject": "{{firstName}}, quick question",
            "message": "<p>Hi</p>",
            "delay": 1,
            "index": 2,
        },
    )
    call(
        "POST",
        "/sequences/{sequenceId}/steps",
        sequenceId=seq,
        json_body={"type": "linkedinInvite", "message": "Hi {{firstName}}", "delay": 0},
    )
    call(
        "POST",
        "/sequences/{sequenceId}/steps",
        sequenceId=seq,
        json_body={
            "type": "linkedinSend",
            "message": "Thanks",
            "delay": 2,
            "images": ["https://example.com/a.png"],
        },
    )
    call(
        "POST",
        "/sequences/{sequenceId}/steps",
        sequenceId=seq,
        json_body={"type": "api", "method": "POST", "url": "https://api.example.com/hook"},
    )
    call(
        "POST",
        "/sequences/{sequenceId}/steps",
        sequenceId=seq,
        json_body={
            "type": "conditional",
            "conditionKey": "linkedinInviteAccepted",
            "delayType": "waitUntil",
            "delay": 1,
        },
    )
    call(
        "POST",
        "/sequences/{sequenceId}/steps",
        sequenceId=seq,
        json_body={"type": "sendToAnotherCampaign", "campaignId": other["_id"]},
    )
    call(
        "POST", "/sequences/{sequenceId}/steps", sequenceId=seq, json_body={"type": "fax"}
    )  # 400 text
    call(
        "PATCH",
        "/sequences/{sequenceId}/steps/{stepId}",
        sequenceId=seq,
        stepId=email["_id"],
        json_body={"type": "email", "subject": "Better", "delay": 2},
    )
    call(
        "PATCH",
        "/sequences/{sequenceId}/steps/{stepId}",
        sequenceId=seq,
        stepId=email["_id"],
        json_body={"type": "sms", "message": "x"},
    )  # 400 text
    call(
        "DELETE", "/sequences/{sequenceId}/steps/{stepId}", sequenceId=seq, stepId=email["_id"]
    )  # 400: running
    call(
        "PATCH",
        "/campaigns/{campaignId}",
        campaignId=cid,
        json_body={
            "name": "New campaign name",
            "stopOnEmailReplied": True,
            "sendUserIds": ["usr_2aBCdEfGHiJkLmNOp", "usr_7xYzAbCdEfGhIjKlM"],
            "autoReview": True,
            "autoReviewConditions": ["deliverable"],
            "tracking": {"trackOpens": False},
            "stopOnLinkClickedFilter": "pricing",
        },
    )
    call(
        "PATCH",
        "/campaigns/{campaignId}",
        campaignId=cid,
        json_body={"autoReviewConditions": ["maybe"]},
    )  # 400 text
    call("GET", "/campaigns/{campaignId}/statutes", campaignId=cid)
    call("GET", "/team/senders")
    call("GET", "/campaigns/{campaignId}/sequences", campaignId=cid)
    call("POST", "/campaigns/{campaignId}/pause", campaignId=cid)
    call(
        "POST",
        "/sequences/{sequenceId}/steps/{stepId}/ab-test",
        sequenceId=seq,
        stepId=email["_id"],
    )
    call(
        "GET", "/sequences/{sequenceId}/steps/{stepId}/ab-test", sequenceId=seq, stepId=email["_id"]
    )
    call(
        "PATCH",
        "/sequences/{sequenceId}/steps/{stepId}/ab-test",
        sequenceId=seq,
        stepId=email["_id"],
        json_body={"subject": "Variant B", "message": "<p>B</p>"},
    )
    call("GET", "/campaigns/{campaignId}/sequences", campaignId=cid)
    call(
        "POST",
        "/sequences/{sequenceId}/steps/{stepId}/ab-test/winner",
        sequenceId=seq,
        stepId=email["_id"],
        json_body={"variant": "A"},
    )
    call(
        "DELETE",
        "/sequences/{sequenceId}/steps/{stepId}/ab-test",
        sequenceId=seq,
        stepId=email["_id"],
    )
    call(
        "GET", "/sequences/{sequenceId}/steps/{stepId}/ab-test", sequenceId=seq, stepId=email["_id"]
    )  # 404 text
    call("DELETE", "/sequences/{sequenceId}/steps/{stepId}", sequenceId=seq, stepId=email["_id"])
    call("POST", "/campaigns/{campaignId}/start", campaignId=cid)
    call("POST", "/campaigns/{campaignId}/duplicate", campaignId=cid, json_body={"name": "Copy"})
    sched = call(
        "POST",
        "/schedules",
        json_body={
            "name": "Default schedule",
            "secondsToWait": 1200,
            "timezone": "Europe/Paris",
            "start": "09:00",
            "end": "18:00",
            "weekdays": [1, 2, 3, 4, 5],
            "public": False,
        },
    )
    call("POST", "/schedules", json_body={"name": "x"})  # 400 JSON
    call("GET", "/schedules")
    call("GET", "/schedules", params={"limit": 1, "sortOrder": "desc"})
    call("GET", "/schedules/{scheduleId}", scheduleId=sched["_id"])
    call(
        "PATCH",
        "/schedules/{scheduleId}",
        scheduleId=sched["_id"],
        json_body={"name": "Schedule new name"},
    )
    call(
        "PATCH",
        "/schedules/{scheduleId}",
        scheduleId="skd_doesNotExist0001",
        json_body={"name": "x"},
    )  # 404 JSON
    call(
        "POST",
        "/campaigns/{campaignId}/schedules/{scheduleId}",
        campaignId=cid,
        scheduleId=sched["_id"],
    )
    call("GET", "/campaigns/{campaignId}/schedules/", campaignId=cid)
    call("DELETE", "/schedules/{scheduleId}", scheduleId=sched["_id"])
    call("GET", "/schedules/{scheduleId}", scheduleId=sched["_id"])  # 404 text
    lead = call(
        "POST",
        "/campaigns/{campaignId}/leads/",
        campaignId=cid,
        json_body={
            "email": "support@lemlist.com",
            "firstName": "John",
            "lastName": "Doe",
            "companyName": "lemlist",
            "jobTitle": "Developer",
            "linkedinUrl": "https://www.linkedin.com/in/johndoe",
            "phone": "+33 123456789",
            "timezone": "Europe/Paris",
            "contactOwner": "login_email@lemlist.com",
            "companySize": "50-100",
            "customVariable1": "any value you want",
        },
    )
    call("GET", "/campaigns/{campaignId}/leads/", campaignId=cid, params={"limit": 100})
    call(
        "PATCH",
        "/campaigns/{campaignId}/leads/{leadId}",
        campaignId=cid,
        leadId=lead["_id"],
        json_body={"preferredContactMethod": "email"},
    )
    call(
        "PATCH",
        "/campaigns/{campaignId}/leads/{leadId}",
        campaignId=cid,
        leadId="lea_doesNotExist0001",
        json_body={"jobTitle": "x"},
    )  # 404 text


def test_the_copy_is_lemlists_file() -> None:
    data = SPEC_PATH.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SPEC_SHA256
    if SHARED_SPEC.exists():
        assert SHARED_SPEC.read_bytes() == data


def test_every_operation_we_use_is_in_the_file_and_exercised(exchanges: list[Exchange]) -> None:
    paths = spec()["paths"]
    for method, template in OPERATIONS:
        assert method.lower() in paths[template], (method, template)
    assert {(x.method, x.template) for x in exchanges} == OPERATIONS


def test_every_response_matches_the_documented_schema(exchanges: list[Exchange]) -> None:
    problems: list[str] = []
    for x in exchanges:
        doc = response_spec(x.method, x.template, x.status)
        content = doc.get("content", {})
        where = f"{x.method} {x.template} → {x.status}"
        if not content:
            continue  # documented with a description only
        if x.content_type not in content:
            problems.append(f"{where}: sent {x.content_type}, documented {sorted(content)}")
            continue
        media = content[x.content_type]
        if "schema" not in media:
            continue
        if x.content_type == "application/json":
            ref = pointer(
                "paths",
                x.template,
                x.method.lower(),
                "responses",
                str(x.status),
                "content",
                x.content_type,
                "schema",
            )
            for err in validator_for(ref).iter_errors(x.body):
                problems.append(f"{where}: {list(err.absolute_path)}: {err.message}")
    assert not problems, "\n".join(problems)


def test_error_bodies_are_the_documented_media_type(exchanges: list[Exchange]) -> None:
    errors = [x for x in exchanges if x.status >= 400]
    # The script provokes a documented error on these operations.
    assert len(errors) >= 10
    by_type = {(x.method, x.template, x.status): x.content_type for x in errors}
    assert by_type[("POST", "/schedules", 400)] == "application/json"
    assert by_type[("PATCH", "/schedules/{scheduleId}", 404)] == "application/json"
    assert by_type[("GET", "/schedules/{scheduleId}", 404)] == "text/plain"
    assert by_type[("DELETE", "/sequences/{sequenceId}/steps/{stepId}", 400)] == "text/plain"


def test_campaign_list_v2_envelope_matches_the_campaign_and_pagination_schemas(
    exchanges: list[Exchange],
) -> None:
    # The file documents only the bare array; the v2 envelope (reported by third-party clients)
    # reuses the documented Campaign object and the schedules list's pagination object.
    running = server.start(":memory:")
    try:
        with httpx.Client(
            base_url=running.url + "/lemlist/api", auth=("", "k-v2"), timeout=10
        ) as c:
            c.post("/campaigns", json={"name": "One"})
            body = c.get("/campaigns", params={"version": "v2", "limit": 1}).json()
    finally:
        running.stop()
    envelope = {
        "type": "object",
        "required": ["campaigns", "pagination"],
        "additionalProperties": False,
        "properties": {
            "campaigns": {
                "type": "array",
                "items": {"$ref": f"{URI}#/components/schemas/Campaign"},
            },
            "pagination": {
                "$ref": f"{URI}#/components/schemas/ScheduleListResponse/properties/pagination"
            },
        },
    }
    Draft202012Validator(envelope, registry=registry()).validate(body)
    assert body["pagination"]["nextPage"] == 2


def test_nullable_conversion() -> None:
    converted = _to_json_schema({"type": "string", "enum": ["a"], "nullable": True})
    assert converted == {"type": ["string", "null"], "enum": ["a", None]}
    untouched = copy.deepcopy({"type": "integer"})
    assert _to_json_schema(untouched) == {"type": "integer"}


def test_the_validation_is_not_vacuous() -> None:
    ref = pointer(
        "paths",
        "/campaigns/{campaignId}",
        "get",
        "responses",
        "200",
        "content",
        "application/json",
        "schema",
    )
    errors = list(
        validator_for(ref).iter_errors(
            {"_id": 5, "status": "launched", "creator": {"userEmail": "not-an-email"}}
        )
    )
    assert {tuple(e.absolute_path) for e in errors} == {
        ("_id",),
        ("status",),
        ("creator", "userEmail"),
    }
