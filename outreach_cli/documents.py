"""Read campaign files: YAML documents with source positions, `!file` includes and `${VAR}`.

Loading never stops at the first problem: every unreadable document is reported as a
`Diagnostic`, and the readable ones are returned beside them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from .environment import DEFAULT_POLICY, EnvPolicy, env_parts, expand_vars

try:  # the C composer is several times faster on large files
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DocPath = tuple[str | int, ...]
Pos = tuple[int, int]  # 1-based line, column

# Input bounds (outreach's rules: far above any real campaign, far below what hurts).
MAX_FILE_BYTES = 4 * 1024 * 1024  # a campaign file
MAX_INCLUDE_BYTES = 1024 * 1024  # one !file
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
    positioned: bool = True  # False: read on the fast path, `positions` left empty
    reread: bool = False  # not positioned: read the positions from the file when asked

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
        """The position of `path`, or of its nearest ancestor that has one."""
        if not self.positioned and self.reread:
            self._read_positions()
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

    def _read_positions(self) -> None:
        """Read on the fast path: the positions, read when first asked for (a plan that names
        a line, a duplicate key), from the file as it is now."""
        sources, _ = load_file(self.file, {})
        if self.index < len(sources):
            again = sources[self.index]
            self.positions, self.key_positions, self.start = (
                again.positions, again.key_positions, again.start)
        self.positioned = True


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
                str(f) for f in p.rglob("*")
                if f.suffix in YAML_SUFFIXES and f.is_file() and f.name != "outreach.yaml"
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not found:
                problems.append(Diagnostic(raw, 1, 1, "",
                                           "no *.yaml or *.yml files in this folder"))
        elif p.is_file():
            found = [str(p)]
        else:
            problems.append(Diagnostic(raw, 1, 1, "", "no such file or folder",
                                       code=NO_SUCH_PATH))
            found = []
        for f in found:
            if f not in seen:
                seen.add(f)
                files.append(f)
    return files, problems


def load_file(file: str, environ: Mapping[str, str] | None = None,
              policy: EnvPolicy = DEFAULT_POLICY) -> tuple[list[Source], list[Diagnostic]]:
    """Every document of one YAML file, with the problems found reading them; `${VAR}` reads
    `environ` as `policy` lets it."""
    env = os.environ if environ is None else environ
    try:
        size = os.stat(file).st_size
        if size > MAX_FILE_BYTES:
            return [], [Diagnostic(file, 1, 1, "", f"file of {size} bytes is over the "
                                   f"{MAX_FILE_BYTES}-byte limit (outreach's rule)")]
        text = FsPath(file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Diagnostic(file, 1, 1, "", f"cannot read: {exc}")]
    try:
        # An empty document (a trailing `---`) composes to an empty null scalar: skip it.
        nodes = [n for n in yaml.compose_all(text, Loader=_Loader)
                 if n is not None and not (isinstance(n, yaml.ScalarNode)
                                           and n.tag == "tag:yaml.org,2002:null" and not n.value)]
    except yaml.MarkedYAMLError as exc:
        from .yamlerrors import explain

        line, col, msg = explain(exc, text)
        return [], [Diagnostic(file, line, col, "", f"invalid YAML: {msg}", code="yaml-syntax")]
    except yaml.YAMLError as exc:
        return [], [Diagnostic(file, 1, 1, "", f"invalid YAML: {exc}", code="yaml-syntax")]
    except RecursionError:
        return [], [Diagnostic(file, 1, 1, "", f"invalid YAML: nested too deeply "
                               f"(outreach's limit is {MAX_DEPTH} levels)", code="yaml-bounds")]
    sources, problems = [], []
    for node in nodes:
        bound = bounds_problem(file, node)
        if bound is not None:
            return [], [bound]
    for i, node in enumerate(nodes):
        builder = _Builder(file, env, policy)
        data = builder.build(node, ())
        src = Source(file, i, len(nodes), data, builder.positions, builder.key_positions,
                     builder.env_paths, (node.start_mark.line + 1, node.start_mark.column + 1),
                     builder.env_templates, builder.includes)
        sources.append(src)
        problems.extend(builder.problems)
    return sources, problems


def bounds_problem(file: str, root: yaml.Node) -> Diagnostic | None:
    """The first bound a composed document breaks (values it expands to, nesting depth, list
    length, integer size), before anything is built from it. Linear in the node graph: an
    alias is counted by what it expands to without expanding it (a billion laughs is refused
    in milliseconds). Kept apart from the builder so that any loader producing nodes uses it.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    on_path: set[int] = set()

    def at(node: yaml.Node, message: str) -> Diagnostic:
        return Diagnostic(file, node.start_mark.line + 1, node.start_mark.column + 1, "",
                          message + " (outreach's rule)", code="yaml-bounds")

    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
            if sizes[key] > MAX_VALUES:
                return at(node, f"this document expands to more than {MAX_VALUES} values "
                                "(YAML aliases or merge keys repeat what they point at)")
            continue
        if key in sizes:
            continue
        if key in on_path:
            return at(node, "a YAML alias refers to itself")
        if depth > MAX_DEPTH:
            return at(node, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.SequenceNode) and len(node.value) > MAX_LIST:
            return at(node, f"a list of {len(node.value)} items: the limit is {MAX_LIST}")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:int" and len(node.value.lstrip("+-0")) > 16:
                return at(node, f"integer {node.value[:20]}… is out of range (at most "
                                f"±{MAX_INT})")
            sizes[key] = 1
            continue
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in _children(node))
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _Builder:
    """Turn a composed YAML node tree into plain Python values, recording positions."""

    def __init__(self, file: str, env: Mapping[str, str], policy: EnvPolicy) -> None:
        self.file = file
        self.env = env
        self.policy = policy
        self.base = FsPath(file).parent
        self.positions: dict[DocPath, Pos] = {}
        self.key_positions: dict[DocPath, Pos] = {}
        self.env_paths: set[DocPath] = set()
        self.env_templates: dict[DocPath, str] = {}
        self.includes: dict[DocPath, str] = {}
        self.problems: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader("")

    def _problem(self, node: yaml.Node, path: DocPath, message: str) -> None:
        self.problems.append(Diagnostic(self.file, node.start_mark.line + 1,
                                        node.start_mark.column + 1, format_path(path), message))

    def build(self, node: yaml.Node, path: DocPath) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            explicit: set[str] = set()
            for knode, vnode in node.value:
                if knode.tag == "tag:yaml.org,2002:merge":
                    # The anchor's positions must not replace this mapping's own.
                    before = dict(self.positions)
                    merged = self.build(vnode, path)
                    self.positions.update(before)
                    for item in merged if isinstance(merged, list) else [merged]:
                        if isinstance(item, dict):
                            for k, v in item.items():
                                out.setdefault(k, v)
                    continue
                key = self._constructor.construct_object(knode) if isinstance(
                    knode, yaml.ScalarNode) else None
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    self._problem(knode, path, "mapping keys must be plain strings")
                    continue
                key = str(key)
                sub = (*path, key)
                if key in explicit:  # overriding a `<<:` merged key is not a duplicate
                    self._problem(knode, sub, "duplicate key (YAML keeps only the last one)")
                explicit.add(key)
                self.key_positions[sub] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
                out[key] = self.build(vnode, sub)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(v, (*path, i)) for i, v in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag == "!file":
            return self._include(node, path)
        if node.tag.startswith("!") or (node.tag.startswith("tag:yaml.org,2002:python/")):
            self._problem(node, path, f"unknown tag {node.tag} (only !file is supported)")
            return None
        try:
            value = self._constructor.construct_object(node)
        except yaml.YAMLError as exc:
            self._problem(node, path, f"cannot read this value: {getattr(exc, 'problem', exc)}")
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            self._problem(node, path, f"integer out of range (at most ±{MAX_INT}; "
                                      "outreach's rule)")
            return None
        if isinstance(value, str) and "$" in value:
            value = self._expand(value, node, path)
        elif not isinstance(value, (str, int, float, bool, type(None))):
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
            self._problem(node, path, f"environment variable {name} is not set "
                                      f"(write ${{{name}:-default}} for a default)")
        for reason in refused:
            self._problem(node, path, reason)
        return out


# -- `!file`: the one place both readers (positioned and fast) resolve it (`${VAR}`: environment.py)

def read_include(base: FsPath, raw: str) -> tuple[str | None, str | None]:
    """The text of `!file raw` relative to `base`, or None and the problem."""
    rel = raw.strip()
    refusal, target = include_target(base, rel)
    if refusal:
        return None, f"!file {rel[:200]}: {refusal}"
    try:
        # The path checked, never followed again through a symlink swapped in since; what
        # was opened is checked once more (a regular file, one link).
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as fh:
            refusal = _opened_refusal(os.fstat(fh.fileno()))
            if refusal:
                return None, f"!file {rel}: {refusal}"
            data = fh.read(MAX_INCLUDE_BYTES + 1)
        if len(data) > MAX_INCLUDE_BYTES:
            return None, (f"!file {rel}: over the {MAX_INCLUDE_BYTES}-byte limit "
                          "(outreach's rule)")
        return data.decode("utf-8"), None
    except FileNotFoundError:
        return None, (f"!file {rel}: no such file (paths are relative to "
                      f"{base.as_posix() or '.'})")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"!file {rel}: cannot read: {exc}"


def campaign_tree(base: FsPath) -> FsPath:
    """Where `!file` may read for a YAML file in folder `base`: the working directory (the
    repository a team runs outreach in) when the file is inside it, else the file's folder."""
    try:
        cwd, here = FsPath.cwd().resolve(), base.resolve()
    except OSError:
        return base
    return cwd if cwd == here or cwd in here.parents else here


def include_refusal(base: FsPath, rel: str) -> str:
    """Why `!file rel` (relative to the YAML file's folder `base`) may not be read, or "".

    outreach's rule: only what a campaign file may reasonably include (see `include_target`).
    """
    return include_target(base, rel)[0]


def include_target(base: FsPath, rel: str) -> tuple[str, FsPath]:
    """Why `!file rel` may not be read (or ""), and the resolved path to read.

    outreach's rule: only a regular file inside the campaign tree (`campaign_tree`), with no
    dotfile or dot-folder in its path as written or as resolved (`.env`, `.git/config`,
    where credentials live), reached by no symlink out of the tree, and with one link (a
    hard link can join a file outside the tree, and which one cannot be told; a checkout
    makes none). So a campaign file cannot upload /etc/passwd, a key file, a FIFO or a device.
    """
    none = FsPath()
    if not rel:
        return "needs a path", none
    if "\x00" in rel:
        return "the path holds a NUL byte", none
    p = FsPath(rel)
    if p.is_absolute() or rel.startswith("~"):
        return "absolute paths are refused: give a path relative to the YAML file", none
    try:
        root = campaign_tree(base)
        target = (base / p).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        return f"cannot resolve: {exc}", none
    if target != root and root not in target.parents:
        return (f"points outside {root} (through .. or a symlink): only files in the "
                "working directory, or the YAML file's own folder, are read"), none
    hidden = _dot_part(p.parts) or _dot_part(target.relative_to(root).parts)
    if hidden:
        return (f"{hidden} is a dotfile or dot-folder: never read (outreach's rule: "
                ".env, .git/config and the like hold credentials)"), none
    if not target.exists():
        return "", target  # reported as "no such file" by the reader
    try:
        return _opened_refusal(target.stat()), target
    except OSError as exc:
        return f"cannot read: {exc}", none


def _dot_part(parts: Iterable[str]) -> str:
    """The first dotfile or dot-folder name among `parts` (`.` and `..` are not), or ""."""
    return next((x for x in parts if x.startswith(".") and x not in (".", "..")), "")


def _opened_refusal(st: os.stat_result) -> str:
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a folder, FIFO or device is never read)"
    if st.st_nlink > 1:
        return (f"a file with {st.st_nlink} hard links is never read (outreach's rule: "
                "another link may be a file outside the tree)")
    return ""
