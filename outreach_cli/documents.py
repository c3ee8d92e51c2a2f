"""Read campaign files: YAML documents with source positions, `!file` includes and `${VAR}`.

Loading never stops at the first problem: every unreadable document is reported as a
`Diagnostic`, and the readable ones are returned beside them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .environment import DEFAULT_POLICY, EnvPolicy, env_parts, expand_vars
from .includes import read_include

try:  # the C composer (nodes with their marks) is several times faster than PyYAML's own
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

DocPath = tuple[str | int, ...]
Pos = tuple[int, int]  # 1-based line, column

# Input bounds (outreach's rules: far above any real campaign, far below what hurts).
MAX_FILE_BYTES = 4 * 1024 * 1024  # a campaign file
MAX_VALUES = 200_000  # values a document expands to, aliases and merges counted each time
MAX_DEPTH = 64  # nesting of mappings and lists
MAX_LIST = 2_000  # items of one list
MAX_INT = 2**53  # |integer|: what a JSON number carries exactly

YAML_SUFFIXES = (".yaml", ".yml")
NO_SUCH_PATH = "no-such-path"  # a PATH argument naming nothing: a usage error (exit 64)


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a file, printed as `file:line:col: path: message`."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: str = "error"
    code: str = ""  # stable, for the JSON envelope: unknown-field, yaml-syntax, rule, …

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {self.path + ': ' if self.path else ''}{label}{self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.col, self.path)


@dataclass
class Source:
    """One YAML document as read: data plus where each value and key stands."""

    file: str
    index: int  # position of the document in its file (0-based)
    count: int  # documents in the file
    data: Any
    positions: dict[DocPath, Pos] = field(default_factory=dict)
    key_positions: dict[DocPath, Pos] = field(default_factory=dict)
    env_paths: set[DocPath] = field(default_factory=set)  # values that came from ${VAR}
    start: Pos = (1, 1)
    env_templates: dict[DocPath, str] = field(default_factory=dict)  # those values as written
    includes: dict[DocPath, str] = field(default_factory=dict)  # values read with !file: its path

    @property
    def env_values(self) -> tuple[str, ...]:
        """The values read (in whole or part) from the environment, each scalar and each
        variable's part of it: masked in every message and output that could show them."""
        out: list[str] = []
        for path in self.env_paths:
            cur = self.data
            for p in path:
                try:
                    cur = cur[p]
                except (KeyError, IndexError, TypeError):
                    cur = None
                    break
            if isinstance(cur, str) and cur:
                out.append(cur)
                out.extend(env_parts(self.env_templates.get(path, ""), cur))
        return tuple(dict.fromkeys(out))

    def pos(self, path: DocPath, *, key: bool = False) -> Pos:
        """The position of `path`, or of its nearest ancestor that has one, as the file was
        when it was read (never read again: what was validated is what is reported)."""
        table = self.key_positions if key else self.positions
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if key and p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.start

    def where(self, path: DocPath, *, key: bool = False) -> tuple[str, int, int]:
        """The file, line and column where `path` was written (a document merged from a base
        and an overlay has values from several files: overlays.MergedSource)."""
        line, col = self.pos(path, key=key)
        return self.file, line, col


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def expand_paths(paths: Iterable[str]) -> tuple[list[str], list[Diagnostic]]:
    """Files named, plus every *.yaml / *.yml below each folder named, sorted, once each."""
    files: list[str] = []
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for raw in paths:
        p = FsPath(raw)
        if p.is_dir():
            found = sorted(
                str(f)
                for f in p.rglob("*")
                if f.suffix in YAML_SUFFIXES
                and f.is_file()
                and f.name != "outreach.yaml"
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not found:
                problems.append(
                    Diagnostic(raw, 1, 1, "", "no *.yaml or *.yml files in this folder")
                )
        elif p.is_file():
            found = [str(p)]
        else:
            problems.append(Diagnostic(raw, 1, 1, "", "no such file or folder", code=NO_SUCH_PATH))
            found = []
        for f in found:
            if f not in seen:
                seen.add(f)
                files.append(f)
    return files, problems


def load_file(
    file: str, environ: Mapping[str, str] | None = None, policy: EnvPolicy = DEFAULT_POLICY
) -> tuple[list[Source], list[Diagnostic]]:
    """Every document of one YAML file, with the problems found reading them; `${VAR}` reads
    `environ` as `policy` lets it.

    The file is read once: PyYAML composes its nodes (in C where it was built so), and one
    pass over each node tree builds the values, the table of positions and the problems, and
    checks the input bounds. A file over a bound yields no document, only that problem.
    """
    env = os.environ if environ is None else environ
    try:
        size = os.stat(file).st_size
        if size > MAX_FILE_BYTES:
            return [], [
                Diagnostic(
                    file,
                    1,
                    1,
                    "",
                    f"file of {size} bytes is over the "
                    f"{MAX_FILE_BYTES}-byte limit (outreach's rule)",
                )
            ]
        text = FsPath(file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Diagnostic(file, 1, 1, "", f"cannot read: {exc}")]
    loader = _Loader(text)
    try:
        # An empty document (a trailing `---`) composes to an empty null scalar: skip it.
        nodes = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None and not (
                type(node) is yaml.ScalarNode and node.tag == _NULL and not node.value
            ):
                nodes.append(node)
    except yaml.MarkedYAMLError as exc:
        from .yamlerrors import explain

        line, col, msg = explain(exc, text)
        return [], [Diagnostic(file, line, col, "", f"invalid YAML: {msg}", code="yaml-syntax")]
    except yaml.YAMLError as exc:
        return [], [Diagnostic(file, 1, 1, "", f"invalid YAML: {exc}", code="yaml-syntax")]
    except RecursionError:  # the pure-Python composer only: the C one stops at 1,000 levels
        return [], [
            Diagnostic(
                file,
                1,
                1,
                "",
                f"invalid YAML: nested too deeply (outreach's limit is {MAX_DEPTH} levels)",
                code="yaml-bounds",
            )
        ]
    finally:
        loader.dispose()
    sources, problems = [], []
    for i, node in enumerate(nodes):
        builder = _Builder(file, env, policy, node)
        try:
            data = builder.build(node, (), 1)
        except _OutOfBounds as exc:
            return [], [exc.diagnostic]
        sources.append(
            Source(
                file,
                i,
                len(nodes),
                data,
                builder.positions,
                builder.key_positions,
                builder.env_paths,
                (node.start_mark.line + 1, node.start_mark.column + 1),
                builder.env_templates,
                builder.includes,
            )
        )
        problems.extend(builder.problems)
    return sources, problems


_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"
_TAGS: dict[tuple[str, Any], str] = {}
_SAFE = SafeConstructor()  # its scalar constructors keep no state between calls
_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
    _NULL: SafeConstructor.construct_yaml_null,
}


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader, remembering the tag of each short plain scalar it resolves."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # The tag of a plain scalar depends only on its text (PyYAML's YAML 1.1 rules: `yes`
        # and `on` are booleans), and campaign files repeat the same keys and small values:
        # the composer calls this for every scalar, and the regexps cost more than a lookup.
        if kind is yaml.ScalarNode and len(value) <= 32:
            key = (value, implicit)
            tag = _TAGS.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_TAGS) < 4096:
                    _TAGS[key] = tag
            return tag
        return super().resolve(kind, value, implicit)


class _OutOfBounds(Exception):
    """A document breaks an input bound: the file yields only this diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _Builder:
    """Turn one composed YAML node tree into plain Python values, recording positions and
    checking the input bounds (outreach's rules, MAX_*) as it goes.

    Values are counted as they are built, so a value an alias or a merge key repeats counts
    each time; the first node met twice (an alias) has the whole document's expansion counted
    first, on the node graph without expanding it, so a billion laughs or an alias that
    refers to itself is refused before anything is copied.
    """

    def __init__(
        self, file: str, env: Mapping[str, str], policy: EnvPolicy, root: yaml.Node
    ) -> None:
        self.file = file
        self.env = env
        self.policy = policy
        self.root = root
        self.base = FsPath(file).parent
        self.positions: dict[DocPath, Pos] = {}
        self.key_positions: dict[DocPath, Pos] = {}
        self.env_paths: set[DocPath] = set()
        self.env_templates: dict[DocPath, str] = {}
        self.includes: dict[DocPath, str] = {}
        self.problems: list[Diagnostic] = []
        self.count = 0  # values built
        self.built: set[int] | None = set()  # collections built (None: expansion counted)

    def _problem(self, node: yaml.Node, path: DocPath, message: str) -> None:
        self.problems.append(
            Diagnostic(
                self.file,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                format_path(path),
                message,
            )
        )

    def _bound(self, node: yaml.Node, message: str) -> _OutOfBounds:
        return _OutOfBounds(
            Diagnostic(
                self.file,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                "",
                message + " (outreach's rule)",
                code="yaml-bounds",
            )
        )

    def build(self, node: yaml.Node, path: DocPath, depth: int) -> Any:
        mark = node.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        self.count += 1
        if self.count > MAX_VALUES:
            raise self._bound(self.root, f"this document expands to more than {MAX_VALUES} values")
        if depth > MAX_DEPTH:
            raise self._bound(node, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if self.built is not None:
            if id(node) in self.built:
                self._expansion()
            else:
                self.built.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            if len(node.value) > MAX_LIST:
                raise self._bound(
                    node, f"a list of {len(node.value)} items: the limit is {MAX_LIST}"
                )
            return [self.build(v, (*path, i), depth + 1) for i, v in enumerate(node.value)]
        out: dict[str, Any] = {}
        explicit: set[str] = set()
        for knode, vnode in node.value:
            if knode.tag == _MERGE:
                # The anchor's positions must not replace this mapping's own.
                before = dict(self.positions)
                merged = self.build(vnode, path, depth)
                self.positions.update(before)
                for item in merged if isinstance(merged, list) else [merged]:
                    if isinstance(item, dict):
                        for k, v in item.items():
                            out.setdefault(k, v)
                continue
            key = self._key(knode)
            if key is None:
                self._problem(knode, path, "mapping keys must be plain strings")
                continue
            sub = (*path, key)
            if key in explicit:  # overriding a `<<:` merged key is not a duplicate
                self._problem(knode, sub, "duplicate key (YAML keeps only the last one)")
            explicit.add(key)
            self.count += 1
            self.key_positions[sub] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            out[key] = self.build(vnode, sub, depth + 1)
        return out

    def _expansion(self) -> None:
        """Count what the document expands to, aliases and merges counted each time, on the
        node graph (linear in it: each node's size is counted once); then stop watching."""
        self.built = None
        sizes: dict[int, int] = {}
        on_path: set[int] = set()
        stack: list[tuple[yaml.Node, bool]] = [(self.root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if done:
                on_path.discard(key)
                sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in _children(node))
                if sizes[key] > MAX_VALUES:
                    raise self._bound(
                        node,
                        f"this document expands to more than "
                        f"{MAX_VALUES} values (YAML aliases or merge "
                        "keys repeat what they point at)",
                    )
            elif key in on_path:
                raise self._bound(node, "a YAML alias refers to itself")
            elif key not in sizes and type(node) is not yaml.ScalarNode:
                on_path.add(key)
                stack.append((node, True))
                stack.extend((c, False) for c in _children(node))

    def _key(self, node: yaml.Node) -> str | None:
        """A mapping key as text: a string, or an integer written as one; else None."""
        if type(node) is not yaml.ScalarNode:
            return None
        if node.tag == _STR:
            return str(node.value)
        try:
            key = self._int(node) if node.tag == _INT else SafeConstructor().construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, AttributeError):
            return None
        return str(key) if isinstance(key, int) and not isinstance(key, bool) else None

    def _int(self, node: yaml.ScalarNode) -> int:
        if len(node.value.lstrip("+-0")) > 16:  # never parse a 100,000-digit number
            raise self._bound(
                node, f"integer {node.value[:20]}… is out of range (at most ±{MAX_INT})"
            )
        value: int = _SAFE.construct_yaml_int(node)
        return value

    def _scalar(self, node: yaml.ScalarNode, path: DocPath) -> Any:
        tag = node.tag
        if tag == _STR:
            value = node.value
            return self._expand(value, node, path) if "$" in value else value
        if tag == "!file":
            return self._include(node, path)
        if tag.startswith("!") or tag.startswith("tag:yaml.org,2002:python/"):
            self._problem(node, path, f"unknown tag {tag} (only !file is supported)")
            return None
        try:
            if tag == _INT:
                value = self._int(node)
            elif tag in _SCALARS:
                value = _SCALARS[tag](_SAFE, node)
            else:  # timestamps, !!binary, and tags with no meaning here (reported)
                value = SafeConstructor().construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
            # An explicit tag on text it does not fit (`!!int abc`, `!!binary ?`, `!!set x`).
            self._problem(node, path, f"cannot read this value: {getattr(exc, 'problem', exc)}")
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            self._problem(node, path, f"integer out of range (at most ±{MAX_INT}; outreach's rule)")
            return None
        if not isinstance(value, (str, int, float, bool, type(None))):
            # Timestamps and the like: keep the text exactly as written.
            value = node.value
        return value

    def _include(self, node: yaml.ScalarNode, path: DocPath) -> str | None:
        text, problem = read_include(self.base, str(node.value))
        if problem:
            self._problem(node, path, problem)
        if text is not None:
            self.includes[path] = str(node.value).strip()
        return text

    def _expand(self, value: str, node: yaml.Node, path: DocPath) -> str:
        out, used, missing, refused = expand_vars(value, self.env, self.policy)
        if used:
            self.env_paths.add(path)
            self.env_templates[path] = value
        for name in missing:
            self._problem(
                node,
                path,
                f"environment variable {name} is not set "
                f"(write ${{{name}:-default}} for a default)",
            )
        for reason in refused:
            self._problem(node, path, reason)
        return out


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
