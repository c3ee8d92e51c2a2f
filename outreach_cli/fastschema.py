"""A compiled yes/no check of a campaign document against its JSON Schema (fastjsonschema).

Only the answer "valid" is trusted: a document it refuses is checked again by jsonschema,
whose errors become the diagnostics. So the compiled check may be stricter than jsonschema
(its `email` format is), never more lenient; `tests/test_fastschema.py` holds both to that.

fastjsonschema compiles draft 7, so the 2020-12 document schema is restated in draft 7 terms:
the embedded provider schema's `$defs` move to the root's `definitions` (its own `$id` goes, so
every `$ref` resolves against the root), and a `$ref` with sibling keywords, which 2020-12
applies and draft 7 ignores, becomes an `allOf`.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

_ANNOTATIONS = {"description", "title", "default", "examples", "deprecated", "readOnly",
                "$comment"}


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


def _rewrite(node: Any) -> Any:
    if isinstance(node, list):
        return [_rewrite(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _rewrite(v) for k, v in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str):
        if ref.startswith("#/$defs/"):
            ref = "#/definitions/" + ref[len("#/$defs/"):]
        siblings = {k: v for k, v in out.items() if k != "$ref" and k not in _ANNOTATIONS}
        if siblings:
            out = {**siblings, "allOf": [{"$ref": ref}, *siblings.get("allOf", [])]}
        else:
            out = {"$ref": ref}
    return out


@cache
def compiled(provider: str) -> Callable[[Any], bool] | None:
    """`is_valid(data)` for `provider`'s documents, or None without fastjsonschema. It never
    changes `data` (fastjsonschema's filling-in of defaults is off)."""
    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover - an install without it: jsonschema alone
        return None
    from .validate import document_schema

    schema = draft7(document_schema(provider))
    formats = format_checks(schema)
    check = _load(provider, schema, fastjsonschema, formats)

    def is_valid(data: Any) -> bool:
        try:
            check(data, custom_formats=formats)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


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
        "email": formats.is_email, "uri": formats.is_uri, "hostname": formats.is_hostname}
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


def cache_dir() -> Path:
    """Where compiled schemas are kept: $OUTREACH_CACHE_DIR, else the user's cache folder."""
    env = os.environ.get("OUTREACH_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "outreach"


def _load(provider: str, schema: dict[str, Any], fastjsonschema: Any,
          formats: dict[str, Callable[[Any], bool]]) -> Callable[..., Any]:
    """The compiled check, from the cache when this schema, fastjsonschema and Python have been
    compiled before (compiling costs ~40 ms a command; loading the code object ~1 ms)."""
    text = json.dumps(schema, sort_keys=True)
    key = hashlib.sha256(f"{text}|{sorted(formats)}|{fastjsonschema.VERSION}|{sys.version}"
                         .encode()).hexdigest()
    path = cache_dir() / f"schema-{provider}-{key[:24]}.marshal"
    code = None
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        code = marshal.loads(path.read_bytes())
    if code is None:
        # Formats given as functions compile to calls of `custom_formats[name]`.
        source = fastjsonschema.compile_to_code(schema, formats=formats, use_default=False)
        code = compile(source, f"<{provider} schema>", "exec")
        with contextlib.suppress(OSError):  # a cache we cannot write only costs time
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".schema-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(code))
            os.replace(tmp, path)
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - code fastjsonschema generated from our own schema
    return namespace["validate"]  # type: ignore[no-any-return]


