"""`outreach doctor --contract`: do the live answers still have the shapes the adapters read?

Each platform's expectations are data: `providers/<name>/contract.json` holds a JSON Schema per
endpoint answer (the campaigns list, one campaign and what else its fetch reads), and
`fileFields` adds the campaign fields the adapter reads back with the types its own file
schema gives them (or null). The check sends GETs only: the list, then each other endpoint for
the first campaign listed. Every schema failure becomes one `Difference`, worded as "the live
API answers X where outreach expects Y", with the endpoint and the place in the answer.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import ApiError, NetworkError, OutreachError
from .providers.base import load_schema
from .urlpath import seg


@dataclass(frozen=True)
class Difference:
    """One place where an answer differs from what the adapter expects."""

    provider: str
    endpoint: str  # "GET /campaigns/{id}"
    where: str  # a JSON pointer into the answer ("" for the whole answer)
    answers: str
    expects: str

    @property
    def message(self) -> str:
        at = f" at {self.where}" if self.where else ""
        return (
            f"{self.endpoint}{at}: the live API answers {self.answers} where outreach "
            f"expects {self.expects}"
        )

    def to_json(self) -> dict[str, str]:
        return {
            "provider": self.provider,
            "endpoint": self.endpoint,
            "where": self.where,
            "answers": self.answers,
            "expects": self.expects,
            "message": self.message,
        }


@cache
def load_contract(provider: str) -> dict[str, Any]:
    """The provider's contract.json, with `fileFields` folded into each endpoint's schema."""
    here = os.path.join(os.path.dirname(__file__), "providers", provider, "contract.json")
    with open(here, encoding="utf-8") as fh:
        contract: dict[str, Any] = json.load(fh)
    file_props = load_schema(provider).get("properties") or {}
    for endpoint in contract["endpoints"]:
        spec = endpoint.get("fileFields")
        if not spec:
            continue
        node = endpoint["schema"]
        for name in spec.get("at", []):
            node = node.setdefault("properties", {}).setdefault(name, {})
        names = spec.get("only") or [k for k in file_props if k not in spec.get("except", [])]
        props = node.setdefault("properties", {})
        for name in names:
            props.setdefault(name, _nullable(file_props.get(name) or {}))
    return contract


def _nullable(prop: dict[str, Any]) -> dict[str, Any]:
    """A file field's type as an answer may hold it: its type(s) and words, or null."""
    out: dict[str, Any] = {}
    if "type" in prop:
        types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
        out["type"] = sorted({*types, "null"})
    if "enum" in prop:
        out["enum"] = [*prop["enum"], None]
    return out


def _show(value: Any) -> str:
    """A short, single-line rendering of an answer's value (kind and start)."""
    kind = {
        dict: "an object",
        list: "an array",
        str: "the text",
        bool: "the boolean",
        type(None): "null",
        int: "the number",
        float: "the number",
    }.get(type(value), "a value")
    if isinstance(value, (dict, list)):
        return f"{kind} of {len(value)}"
    if value is None:
        return kind
    text = json.dumps(value, ensure_ascii=True)
    return f"{kind} {text[:60] + '…' if len(text) > 60 else text}"


def _expects(error: Any) -> str:
    """What the schema wanted, in words."""
    schema, value = error.schema if isinstance(error.schema, dict) else {}, error.validator_value
    described = schema.get("description") if isinstance(schema, dict) else None
    if error.validator == "type":
        return " or ".join(value) if isinstance(value, list) else str(value)
    if error.validator == "enum":
        return "one of " + ", ".join("null" if v is None else str(v) for v in value)
    if error.validator == "const":
        return json.dumps(value)
    if error.validator == "pattern":
        return described or f"text matching {value}"
    if error.validator in ("anyOf", "oneOf"):
        return described or "one of the documented shapes"
    return described or f"{error.validator} {json.dumps(value)[:60]}"


def differences(
    provider: str, endpoint: str, answer: Any, schema: dict[str, Any], defs: dict[str, Any]
) -> list[Difference]:
    """Every place `answer` breaks `schema` (a required field missing: one each)."""
    from jsonschema import Draft202012Validator

    full = {**schema, "$defs": defs}
    out = []
    for error in sorted(
        Draft202012Validator(full).iter_errors(answer),
        key=lambda e: list(map(str, e.absolute_path)),
    ):
        where = "".join(f"/{p}" for p in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else "a field"
            out.append(
                Difference(
                    provider,
                    endpoint,
                    where,
                    f"{_show(error.instance)} without `{missing}`",
                    f"`{missing}`",
                )
            )
            continue
        out.append(Difference(provider, endpoint, where, _show(error.instance), _expects(error)))
    return out


def _pick(answer: Any, pointers: list[str]) -> str | None:
    for pointer in pointers:
        node = answer
        for part in pointer.strip("/").split("/"):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                node = None
                break
        if isinstance(node, (str, int)) and str(node):
            return str(node)
    return None


@dataclass
class ContractReport:
    """What one platform's check read and found."""

    provider: str
    checked: list[str]
    differences: list[Difference]
    notes: list[str]
    problem: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "checked": self.checked,
            "differences": [d.to_json() for d in self.differences],
            "notes": self.notes,
            "problem": self.problem or None,
        }


def check_contract(adapter: Any) -> ContractReport:
    """GET the list and the first campaign's endpoints; compare each answer to the contract."""
    provider = adapter.name
    contract = load_contract(provider)
    defs = contract.get("$defs") or {}
    report = ContractReport(provider, [], [], [])
    cid: str | None = None
    try:
        for endpoint in contract["endpoints"]:
            path = endpoint["path"]
            if "{id}" in path:
                if cid is None:
                    report.notes.append(f"GET {path} not checked: the list holds no campaign")
                    continue
                path = path.replace("{id}", seg(cid))
            tolerated = tuple(endpoint.get("tolerate", ()))
            reply = adapter.client.get(path, params=endpoint.get("params"), ok=tolerated)
            name = f"GET {endpoint['path']}"
            if reply.status in tolerated:  # an answer the adapter reads as "nothing here"
                report.notes.append(f"{name} answered {reply.status} (read as empty)")
                continue
            report.checked.append(name)
            report.differences += differences(provider, name, reply.data, endpoint["schema"], defs)
            if endpoint["name"] == "list":
                cid = _pick(reply.data, contract["pick"])
    except (ApiError, NetworkError) as exc:
        report.problem = exc.message
    except OutreachError as exc:
        report.problem = exc.message
    return report
