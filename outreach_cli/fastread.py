"""The fast path for reading a campaign file: PyYAML's C loader, no positions, bail on anything odd.

`load_fast` gives the same data as `documents.load_file` for the common file (plain mappings,
lists and scalars, `!file`, `${VAR}`), without recording where each value stands. Whatever it
does not handle exactly as the positioned reader does (a problem to report, a merge key, an
alias, a tag other than `!file`, a non-string key, a large file) makes it return None, and the
caller reads the file again with `load_file`, which reports it with file:line:col.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from . import documents as _docs
from .documents import DocPath, Source, read_include
from .environment import DEFAULT_POLICY, EnvPolicy, expand_vars

try:
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

# Larger files always take the positioned reader (and whatever bounds it enforces).
FAST_MAX_BYTES = 256 * 1024
# Without aliases a value (a key counts as one) takes ~2 bytes at the least, on average: the
# densest form, a flow mapping of distinct bare keys with no values (`{a, b, …, ab, …}`), holds
# 132,735 values in FAST_MAX_BYTES (tests/test_fastpath.py). So the fast path needs no count.
assert FAST_MAX_BYTES * 2 // 3 < _docs.MAX_VALUES, "the fast path relies on it (see load_fast)"

_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"


_TAGS: dict[tuple[str, tuple[bool, bool]], str] = {}


class _Slow(Exception):
    """This file needs the positioned reader."""


class _EnvStr(str):
    """A string that came (in part) from `${VAR}`; replaced by a plain str once its path (and
    its text as written) is recorded."""

    template: str


class _IncStr(str):
    """A string read with `!file`; replaced by a plain str once its path (and the include's
    path as written) is recorded."""

    rel: str


class _Loader(_Base):  # type: ignore[misc,valid-type]
    env: Mapping[str, str]
    policy: EnvPolicy
    base: FsPath
    expanded: bool  # a value of this document came from ${VAR} or !file
    seen: set[int] | None  # ids of the nodes built so far (None: the text has no anchor)
    depth: int  # nesting of the node being built (the root is at 1)
    max_depth: int
    max_list: int

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # The tag of a plain scalar depends only on its text: campaign files repeat the same
        # keys and small values, so remember the answers instead of running the regexps.
        if kind is yaml.ScalarNode and len(value) <= 32:
            key = (value, implicit)
            tag = _TAGS.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_TAGS) < 4096:
                    _TAGS[key] = tag
            return tag
        return super().resolve(kind, value, implicit)



def _build(loader: _Loader, node: yaml.Node) -> Any:
    """The node's value, built directly (PyYAML's constructor machinery, made for aliases,
    recursion and generators, costs more than the building itself here)."""
    seen = loader.seen
    if seen is not None:
        if id(node) in seen:
            raise _Slow("alias")  # the positioned reader expands (and bounds) aliases
        seen.add(id(node))
    build = _BUILDERS.get(node.tag)
    if build is None:
        raise _Slow("tag")  # !!set, !!omap, !!python/…, a tag of the user's: positioned reader
    return build(loader, node)


def _enter(loader: _Loader, node: yaml.Node) -> None:
    """Step into a mapping or list at `loader.depth`: as load_file counts it, the node and each
    of its children must lie within MAX_DEPTH (the root is at depth 1)."""
    depth = loader.depth
    if depth > loader.max_depth or (node.value and depth >= loader.max_depth):
        raise _Slow("bounds")  # load_file reports which bound, with its line
    loader.depth = depth + 1


def _map(loader: _Loader, node: yaml.Node) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode):
        raise _Slow("tag")
    _enter(loader, node)
    out: dict[str, Any] = {}
    for knode, vnode in node.value:
        # Only plain string keys (no merge key, number, date, duplicate): the positioned
        # reader reports or converts the others.
        if knode.tag != _STR or not isinstance(knode, yaml.ScalarNode) or knode.value in out:
            raise _Slow("key")
        key = str(knode.value)
        # A plain string, most values: no call (an aliased scalar is the same text anyway).
        if vnode.tag == _STR and type(vnode) is yaml.ScalarNode and "$" not in vnode.value:
            out[key] = vnode.value
        else:
            out[key] = _build(loader, vnode)
    loader.depth -= 1
    return out


def _seq(loader: _Loader, node: yaml.Node) -> list[Any]:
    if not isinstance(node, yaml.SequenceNode):
        raise _Slow("tag")
    _enter(loader, node)
    if len(node.value) > loader.max_list:
        raise _Slow("bounds")
    out = [v.value if v.tag == _STR and type(v) is yaml.ScalarNode and "$" not in v.value
           else _build(loader, v) for v in node.value]
    loader.depth -= 1
    return out


def _str(loader: _Loader, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _Slow("tag")
    value = str(node.value)
    if "$" in value:
        expanded, used, missing, refused = expand_vars(value, loader.env, loader.policy)
        if missing or refused:
            raise _Slow("unset or refused variable")
        if used:
            loader.expanded = True
            out = _EnvStr(expanded)
            out.template = value
            return out
        return expanded
    return value


def _file(loader: _Loader, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _Slow("tag")
    text, problem = read_include(loader.base, str(node.value))
    if problem or text is None:
        raise _Slow("include")
    loader.expanded = True
    out = _IncStr(text)
    out.rel = str(node.value).strip()
    return out


def _raw(loader: _Loader, node: yaml.Node) -> str:
    # Timestamps and the like: the positioned reader keeps the text exactly as written.
    if not isinstance(node, yaml.ScalarNode):
        raise _Slow("tag")
    return str(node.value)


def _scalar(construct: Any) -> Any:
    def build(loader: _Loader, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise _Slow("tag")
        return construct(loader, node)
    return build


def _int(loader: _Loader, node: yaml.Node) -> int:
    if not isinstance(node, yaml.ScalarNode):
        raise _Slow("tag")
    value: int = SafeConstructor.construct_yaml_int(loader, node)
    if abs(value) > _docs.MAX_INT:
        raise _Slow("bounds")
    return value


_BUILDERS: dict[str, Any] = {
    "tag:yaml.org,2002:map": _map,
    "tag:yaml.org,2002:seq": _seq,
    _STR: _str,
    "!file": _file,
    "tag:yaml.org,2002:timestamp": _raw,
    "tag:yaml.org,2002:binary": _raw,
    "tag:yaml.org,2002:int": _int,
    "tag:yaml.org,2002:float": _scalar(SafeConstructor.construct_yaml_float),
    "tag:yaml.org,2002:bool": _scalar(SafeConstructor.construct_yaml_bool),
    _NULL: _scalar(SafeConstructor.construct_yaml_null),
}


def load_fast(file: str, environ: Mapping[str, str], policy: EnvPolicy = DEFAULT_POLICY
              ) -> list[Source] | None:
    """Every document of `file` without positions, or None: read it with `load_file`."""
    try:
        with open(file, "rb") as fh:
            raw = fh.read(FAST_MAX_BYTES + 1)
        if len(raw) > FAST_MAX_BYTES:
            return None
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    loader = _Loader(text)
    loader.env, loader.base, loader.expanded = environ, FsPath(file).parent, False
    loader.policy = policy
    # The bounds load_file enforces, checked while building: nesting and list length here,
    # integer size in _int. The count of values needs no check: without aliases (refused
    # below) a file under FAST_MAX_BYTES holds fewer than MAX_VALUES (see FAST_MAX_BYTES).
    loader.max_depth, loader.max_list = _docs.MAX_DEPTH, _docs.MAX_LIST
    no_anchor = "&" not in text  # an alias needs an anchor: without one, no node repeats
    datas: list[tuple[Any, set[DocPath], dict[DocPath, str], dict[DocPath, str]]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL
                                and not node.value):
                continue  # an empty document (a trailing `---`): skipped, as load_file does
            loader.expanded, loader.depth = False, 1
            loader.seen = None if no_anchor else set()
            data = _build(loader, node)
            env_paths: set[DocPath] = set()
            templates: dict[DocPath, str] = {}
            includes: dict[DocPath, str] = {}
            if loader.expanded:
                data = _plain(data, (), env_paths, templates, includes)
            datas.append((data, env_paths, templates, includes))
    except (_Slow, yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    finally:
        loader.dispose()
    return [Source(file, i, len(datas), data, env_paths=env_paths, env_templates=templates,
                   includes=includes, positioned=False)
            for i, (data, env_paths, templates, includes) in enumerate(datas)]


def _plain(value: Any, path: DocPath, env_paths: set[DocPath], templates: dict[DocPath, str],
           includes: dict[DocPath, str]) -> Any:
    """Record the paths of `_EnvStr` values (with their templates) and of `_IncStr` ones (with
    the include's path), as the positioned reader does; turn them into plain strings."""
    if isinstance(value, dict):
        return {k: _plain(v, (*path, k), env_paths, templates, includes)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, (*path, i), env_paths, templates, includes)
                for i, v in enumerate(value)]
    if isinstance(value, _EnvStr):
        env_paths.add(path)
        templates[path] = value.template
        return str.__str__(value)
    if isinstance(value, _IncStr):
        includes[path] = value.rel
        return str.__str__(value)
    return value
