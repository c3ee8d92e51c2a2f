"""A compiled yes/no check of a campaign document against its JSON Schema (fastjsonschema).

Compiled in memory, once per process and provider: nothing is written to or loaded from disk
(a cache of code objects in a writable folder ran whatever was planted there; issue 19).

Only the answer "valid" is trusted: a document it refuses is checked again by jsonschema,
whose errors become the diagnostics. So the compiled check may be stricter than jsonschema
(its `email` format is), never more lenient; `tests/test_schema_check.py` holds both to that.

Why it stays beside jsonschema (issue 26: one mechanism, unless a figure needs two): a
document of bench/speed.py's corpus takes ~0.17 ms here and ~2.4 ms through jsonschema's
iter_errors (every subschema a new validator object), so validate of 1,000 files, with the one
YAML reader, is 2.2x the C loader's parse with it and 4.2x to 6.1x without it (goal: 3x).

fastjsonschema compiles draft 7, so the 2020-12 document schema is restated in draft 7 terms:
the embedded provider schema's `$defs` move to the root's `definitions` (its own `$id` goes, so
every `$ref` resolves against the root), and a `$ref` with sibling keywords, which 2020-12
applies and draft 7 ignores, becomes an `allOf`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

_ANNOTATIONS = {"description", "title", "default", "examples", "deprecated", "readOnly", "$comment"}


def draft7(schema: dict[str, Any]) -> dict[str, Any]:
    """The document schema restated for a draft 7 compiler (see the module docstring)."""
    root = copy.deepcopy(schema)
    defs: dict[str, Any] = dict(root.pop("$defs", {}) or {})
    for sub in (root.get("properties") or {}).values():
        if isinstance(sub, dict) and "$id" in sub:
            defs.update(sub.pop("$defs", {}) or {})
            sub.pop("$id", None)
            sub.pop("$schema", None)
    root.pop("$id", None)
    root["$schema"] = "http://json-schema.org/draft-07/schema#"
    root["definitions"] = defs
    return _rewrite(root)  # type: ignore[no-any-return]


# Keywords whose value maps names to schemas (the names are not keywords), and keywords whose
# value is data, never a schema: neither is rewritten as one.
_MAPS = frozenset({"properties", "patternProperties", "definitions", "dependencies"})
_DATA = frozenset({"const", "enum", "default", "examples"})


def _rewrite(node: Any, mapping: bool = False) -> Any:
    if isinstance(node, list):
        return [_rewrite(x) for x in node]
    if not isinstance(node, dict):
        return node
    if mapping:
        return {k: _rewrite(v) for k, v in node.items()}
    out = {k: (v if k in _DATA else _rewrite(v, k in _MAPS)) for k, v in node.items()}
    if "const" in out:
        # `const: x` is `enum: [x]`; fastjsonschema compiles a const only with its detailed
        # exceptions on (KeyError 'definition_rule' without them, 2.21-2.22).
        one = {"enum": [out.pop("const")]}
        if "enum" in out:
            out["allOf"] = [*out.get("allOf", []), one]
        else:
            out.update(one)
    ref = out.get("$ref")
    if isinstance(ref, str):
        if ref.startswith("#/$defs/"):
            ref = "#/definitions/" + ref[len("#/$defs/") :]
        siblings = {k: v for k, v in out.items() if k != "$ref" and k not in _ANNOTATIONS}
        if siblings:
            out = {**siblings, "allOf": [{"$ref": ref}, *siblings.get("allOf", [])]}
        else:
            out = {"$ref": ref}
    return out


def compiled(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """`is_valid(data)` for documents of the (2020-12) document schema `schema`, compiled in
    memory. It never changes `data` (fastjsonschema's filling-in of defaults is off)."""
    import fastjsonschema

    draft = draft7(schema)
    formats = format_checks(draft)
    # Formats given as functions compile to calls of `custom_formats[name]`; every $ref is
    # local after draft7(), and a remote one is refused rather than fetched.
    # Only "valid" is trusted (jsonschema words every refusal), so the compiled code carries no
    # error detail: without it sendkit's check compiles in ~17 ms instead of ~81 (every raise
    # embedded its whole subschema as a literal), on every validate, plan and apply.
    check = fastjsonschema.compile(
        draft,
        handlers=_NO_REMOTE,
        formats=formats,
        use_default=False,
        detailed_exceptions=False,
    )

    def is_valid(data: Any) -> bool:
        try:
            check(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


def _refuse_remote(uri: str) -> Any:
    raise ValueError(f"the document schema refers to {uri}: nothing is fetched")


_NO_REMOTE = {"http": _refuse_remote, "https": _refuse_remote, "file": _refuse_remote}


def format_checks(schema: dict[str, Any]) -> dict[str, Callable[[Any], bool]]:
    """Every `format` the schema names, checked by the very function validate's jsonschema
    checker (formats.checker) uses: fastjsonschema's own regexes are not the same rules."""
    from . import formats

    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                names.add(node["format"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    own: dict[str, Callable[[Any], bool]] = {
        "email": formats.is_email,
        "uri": formats.is_uri,
        "hostname": formats.is_hostname,
    }
    out: dict[str, Callable[[Any], bool]] = {}
    for name in sorted(names):
        if name in own:
            out[name] = own[name]
        else:  # any other format: jsonschema's checker itself (loaded only then)
            func, raises = formats.checker().checkers.get(name, (lambda v: True, ()))
            out[name] = _guarded(func, raises)
    return out


def _guarded(func: Callable[[Any], Any], raises: Any) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        try:
            return bool(func(value))
        except Exception:  # jsonschema's `raises`, or a checker's bug: refuse, jsonschema tells
            return False

    return check
