"""Bases, overlays and values: one campaign written once, run for many clients.

A campaign file may name a base (`base: ../../bases/playbook.yaml`) and state only what
differs. The base is a file marked `kind: base` (it is never planned on its own: folder scans
skip it); a base may name a base of its own. Merging:

- mappings merge key by key, the overlay's value winning;
- lists are replaced whole, except the lists with an identity (`list_keys`): there the
  overlay's list is a patch, each item naming a base item by its identity key and merged into
  it; an item with `$remove: true` removes that base item, one with `$add: true` is appended,
  and `{$replace: [...]}` in place of the list replaces the list whole;
- `${values.NAME}` placeholders are filled after merging, from (the first that has NAME) the
  campaign file's `values:` block, its `values_file:`, its workspace's `values:` in the project
  file, then the bases' `values:` blocks (nearest base first). `values.` is never a variable
  name, so `${VAR}` (read from the environment while each file is loaded) never matches one.

Every value of the merged document keeps the file, line and column it was written at
(`MergedSource.where`), so diagnostics and plans name the file to edit.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .documents import Diagnostic, DocPath, Source, format_path, load_file
from .environment import DEFAULT_POLICY, EnvPolicy
from .includes import campaign_tree
from .origins import MergedSource, Origins, Spot, as_source
from .overlaymerge import Merger, list_keys
from .values import Value, add_block, fill, has_placeholder, placeholders

if TYPE_CHECKING:
    from .project import Project


META_KEYS = ("base", "kind", "values", "values_file")  # never part of the merged campaign
MAX_BASES = 16  # a base of a base of …: outreach's bound
BASE_REFUSED = ("key", "id", "moved_from", "values_file")  # a campaign's own, never a base's


def is_base(data: Any) -> bool:
    return isinstance(data, dict) and data.get("kind") == "base"


def is_part(data: Any) -> bool:
    """A base (`kind: base`) or a values file (`kind: values`): read through the campaign
    files that name it, never planned on its own (a folder scan skips it)."""
    return isinstance(data, dict) and data.get("kind") in ("base", "values")


def involved(sources: list[Source]) -> bool:
    """Whether a file's documents need this module (a base, an overlay, values)."""
    for src in sources:
        data = src.data
        if isinstance(data, dict) and any(k in data for k in META_KEYS):
            return True
        if has_placeholder(data):
            return True
    return False


def resolve(
    sources: list[Source],
    problems: list[Diagnostic],
    env: Mapping[str, str],
    project: Project | None = None,
) -> tuple[list[Source], list[Diagnostic]]:
    """The documents of one file as the platform gets them: bases dropped (never planned on
    their own), overlays merged onto their bases, values filled. Problems are added."""
    out: list[Source] = []
    problems = list(problems)
    for src in sources:
        if is_part(src.data):
            continue  # read through the campaign files that name it
        if not involved([src]):
            out.append(src)
            continue
        merged = _Resolver(env, project, problems).document(src)
        if merged is not None:
            out.append(merged)
    return out, problems


# -- reading bases and values files, each once per run ----------------------------------------

_READ: dict[tuple[str, str, int], tuple[tuple[Any, ...], list[Source], list[Diagnostic]]] = {}
_READ_MAX = 256


def _stamp(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


def _read(
    path: str, env: Mapping[str, str], policy: EnvPolicy = DEFAULT_POLICY
) -> tuple[list[Source], list[Diagnostic]]:
    """`load_file`, remembered while the file, its `!file` bodies and the environment are
    unchanged: fifty overlays of one base read the base once. Callers never change what it
    returns (a merged document is a copy)."""
    key = (path, os.path.abspath(path), hash((tuple(sorted(env.items())), policy)))
    hit = _READ.get(key)
    if hit is not None and hit[0] == _stamps(path, hit[1]):
        return hit[1], hit[2]
    sources, problems = load_file(path, env, policy)
    if len(_READ) >= _READ_MAX:
        _READ.clear()
    _READ[key] = (_stamps(path, sources), sources, problems)
    return sources, problems


def _stamps(path: str, sources: list[Source]) -> tuple[Any, ...]:
    here = Path(path).parent
    bodies = sorted({str(here / rel) for src in sources for rel in src.includes.values()})
    return (_stamp(path), *(_stamp(b) for b in bodies))


# -- one document ------------------------------------------------------------------------------


def _near(src: Source, path: DocPath) -> Spot:
    """Where `path` was written, or its nearest ancestor."""
    return src.where(path)


@dataclass
class _Layer:
    """A document as read or merged so far, with its `values:` defaults (nearest first)."""

    src: Source
    data: dict[str, Any]
    defaults: list[tuple[Source, dict[str, Any]]]
    bases: tuple[str, ...] = ()
    below: _Layer | None = None  # its base, merged the same way


class _Resolver:
    def __init__(
        self, env: Mapping[str, str], project: Project | None, problems: list[Diagnostic]
    ) -> None:
        self.env = env
        self.project = project
        # Bases and values files read ${VAR} under the project's rule, as campaign files do.
        self.policy = project.env_policy() if project is not None else DEFAULT_POLICY
        self.problems = problems
        self.failed = False

    def error(
        self,
        spot: Spot,
        path: DocPath,
        message: str,
        code: str = "overlay",
        severity: str = "error",
    ) -> None:
        if severity == "error":
            self.failed = True
        self.problems.append(
            Diagnostic(spot[0], spot[1], spot[2], format_path(path), message, severity, code)
        )

    # -- the chain of bases --

    def document(self, src: Source) -> MergedSource | None:
        data = src.data if isinstance(src.data, dict) else {}
        if "kind" in data:  # not base nor values: resolve() skips those
            self.error(
                _near(src, ("kind",)),
                ("kind",),
                f"kind: {str(data['kind'])[:60]!r}: `kind: base` marks a base and "
                "`kind: values` a values file; a campaign file has no kind",
            )
            return None
        layer = self.layer(src, (str(Path(src.file).resolve()),))
        if layer is None or self.failed:
            return None
        out = Origins()
        merged = self.merge_top(layer, out)
        values = self.values(src, data, layer, merged)
        if values is None:
            return None
        merged = copy.deepcopy(merged)  # shares values with the bases read (cached)
        used = set(placeholders(merged))
        fill(merged, (), values, out, src, self.error)
        own = data.get("values")
        for name in own if isinstance(own, dict) else ():
            if name not in used:  # a typo would leave the base's default in place unseen
                self.error(
                    _near(src, ("values", name)),
                    ("values", name),
                    f"no ${{values.{name}}} in this campaign or its bases uses this value",
                    code="unused-value",
                    severity="warning",
                )
        if self.failed:
            return None
        return MergedSource(
            src.file,
            src.index,
            src.count,
            merged,
            {},
            {},
            out.env_paths,
            src.start,
            out.env_templates,
            out.includes,
            spots=out.spots,
            key_spots=out.key_spots,
            bases=layer.bases,
        )

    def layer(self, src: Source, chain: tuple[str, ...]) -> _Layer | None:
        """`src` with every base under it merged (the bases' own data, not yet filled)."""
        data = src.data if isinstance(src.data, dict) else {}
        own = {k: v for k, v in data.items() if k not in META_KEYS}
        defaults = (
            [(src, data["values"])]
            if is_base(data) and isinstance(data.get("values"), dict)
            else []
        )
        rel = data.get("base")
        if rel is None:
            return _Layer(src, own, defaults)
        target = self.project_path(src, "base", rel)
        if target is None:
            return None
        key = str(target.resolve())
        if key in chain:
            names = [os.path.relpath(p) for p in (*chain, key)]
            self.error(_near(src, ("base",)), ("base",), "bases form a cycle: " + " → ".join(names))
            return None
        if len(chain) > MAX_BASES:
            self.error(
                _near(src, ("base",)),
                ("base",),
                f"more than {MAX_BASES} bases deep (outreach's rule: far beyond any "
                "playbook, and a bound on what one file makes outreach read)",
            )
            return None
        sources = self.read(target)
        if sources is None:
            return None
        shown = os.path.relpath(target)
        if len(sources) != 1 or not is_base(sources[0].data):
            self.error(
                _near(src, ("base",)),
                ("base",),
                f"{shown} is not a base: a base file holds one document marked "
                "`kind: base` (outreach's rule: without the mark it would also be "
                "planned as a campaign of its own)",
            )
            return None
        base_src = sources[0]
        for refused in BASE_REFUSED:
            if refused in base_src.data:
                self.error(
                    _near(base_src, (refused,)),
                    (refused,),
                    f"a base cannot set {refused}: it belongs to each campaign file "
                    "(outreach's rule)",
                )
        if self.failed:
            return None
        parent = self.layer(base_src, (*chain, key))
        if parent is None:
            return None
        return _Layer(src, own, defaults + parent.defaults, (str(target), *parent.bases), parent)

    def project_path(self, src: Source, name: str, rel: Any) -> Path | None:
        """The file `rel` (the value of field `name`) names, relative to `src`'s file and
        inside the project, or None (reported)."""
        spot = _near(src, (name,))
        if not isinstance(rel, str) or not rel.strip():
            self.error(spot, (name,), "needs the path of a file, relative to this file")
            return None
        rel = rel.strip()
        here = Path(src.file).parent
        if Path(rel).is_absolute() or rel.startswith("~") or "\x00" in rel:
            self.error(
                spot,
                (name,),
                f"{rel[:200]}: absolute paths are refused: give a path relative to this file",
            )
            return None
        root = (
            self.project.root
            if self.project is not None and self.project.file
            else campaign_tree(here)
        ).resolve()
        try:
            target = (here / rel).resolve()
        except (OSError, RuntimeError) as exc:
            self.error(spot, (name,), f"{rel}: cannot resolve: {exc}")
            return None
        if target != root and root not in target.parents:
            self.error(
                spot,
                (name,),
                f"{rel}: points outside the project ({root}), "
                "through .. or a symlink (outreach's rule: bases and "
                "values files are files of the project)",
            )
            return None
        if not target.is_file():
            self.error(
                spot,
                (name,),
                f"{rel}: no such file (paths are relative to {here.as_posix() or '.'})",
            )
            return None
        return Path(os.path.normpath(here / rel))

    # -- merging --

    def merge_top(self, layer: _Layer, out: Origins) -> dict[str, Any]:
        """`layer` merged onto its bases, flattened: its bases are layers too."""
        chain: list[_Layer] = [layer]
        while chain[-1].below is not None:
            chain.append(chain[-1].below)  # type: ignore[arg-type]
        provider = next(
            (c.data["provider"] for c in chain if isinstance(c.data.get("provider"), str)), ""
        )
        merger = Merger(list_keys(provider), self.error)
        bottom = chain[-1]
        value: Any = bottom.data
        vsrc: Source = bottom.src
        scratch = Origins()
        scratch.graft(value, vsrc, (), ())
        for upper in reversed(chain[:-1]):
            step = Origins()
            value = merger.merge(
                value, as_source(scratch, vsrc), (), upper.data, upper.src, (), (), step
            )
            scratch, vsrc = step, upper.src
        out.absorb(scratch)
        return value if isinstance(value, dict) else {}

    # -- values --

    def values(
        self, src: Source, data: dict[str, Any], layer: _Layer, merged: dict[str, Any]
    ) -> dict[str, Value] | None:
        """NAME → (value, where it was written, its `${VAR}` template when it came from the
        environment): the campaign file's block, its values file, its workspace, its bases."""
        table: dict[str, Value] = {}

        if "values" in data:
            add_block(table, data["values"], src, ("values",), "values", self.error)
        if "values_file" in data:
            vsrc = self.values_file(src, data["values_file"])
            if vsrc is not None:
                add_block(
                    table,
                    vsrc.data.get("values") or {},
                    vsrc,
                    ("values",),
                    f"values in {vsrc.file}",
                    self.error,
                )
        ws = self.workspace(src.file, merged.get("provider"))
        if ws is not None and self.project is not None and self.project.file is not None:
            pf = os.path.relpath(self.project.file)
            pf = str(self.project.file) if pf.startswith("..") else pf
            for name, value, line in ws.values:
                table.setdefault(name, (value, (pf, line, 1), None))
        for dsrc, block in layer.defaults:
            add_block(table, block, dsrc, ("values",), "values", self.error)
        return None if self.failed else table

    def read(self, target: Path) -> list[Source] | None:
        """A base's or values file's documents; None (its problems reported) if it fails."""
        sources, problems = _read(str(target), self.env, self.policy)
        self.problems.extend(problems)
        if any(p.severity == "error" for p in problems):
            self.failed = True
            return None
        return sources

    def values_file(self, src: Source, rel: Any) -> Source | None:
        spot = _near(src, ("values_file",))
        target = self.project_path(src, "values_file", rel)
        if target is None:
            return None
        sources = self.read(target)
        if sources is None:
            return None
        if (
            len(sources) != 1
            or not isinstance(sources[0].data, dict)
            or sources[0].data.get("kind") != "values"
            or set(sources[0].data) - {"kind", "values"}
        ):
            self.error(
                spot,
                ("values_file",),
                f"{rel}: a values file holds one "
                "document: `kind: values` and `values:` "
                "(a mapping of NAME: value)",
            )
            return None
        return sources[0]

    def workspace(self, file: str, provider: Any) -> Any:
        if self.project is None or not self.project.bound:
            return None
        path = Path(os.path.abspath(file))
        ranked = sorted(
            ((w.holds(path), w) for w in self.project.workspaces if w.provider == provider),
            key=lambda t: -t[0],
        )
        return ranked[0][1] if ranked and ranked[0][0] else None
