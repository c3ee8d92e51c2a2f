"""Where each value of a merged document was written: a base, an overlay, a values file.

A document merged from several files (overlays.py) keeps, for each value, the file, line and
column it came from (`MergedSource.where`), so that every diagnostic and plan line names the
file to edit; and, as any document read, which values came from the environment (secret)
and which from `!file`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .documents import DocPath, Source

Spot = tuple[str, int, int]  # file, line, column


@dataclass
class MergedSource(Source):
    """A campaign document merged from its bases, its overlay and its values: `spots` holds
    where each value was written (file, line, column), `bases` the base files it read."""

    spots: dict[DocPath, Spot] = field(default_factory=dict)
    key_spots: dict[DocPath, Spot] = field(default_factory=dict)
    bases: tuple[str, ...] = ()

    def where(self, path: DocPath, *, key: bool = False) -> tuple[str, int, int]:
        p = tuple(path)
        while p:
            if key and p in self.key_spots:
                return self.key_spots[p]
            if p in self.spots:
                return self.spots[p]
            p = p[:-1]
        return self.file, *self.start


def spot(src: Source, path: DocPath, *, key: bool = False) -> Spot | None:
    """Where exactly `path` was written, or None (no ancestor fallback)."""
    if isinstance(src, MergedSource):
        return (src.key_spots if key else src.spots).get(path)
    pos = (src.key_positions if key else src.positions).get(path)
    return (src.file, *pos) if pos else None


class Origins:
    """Where each value of a merged document was written, and what it carries."""

    def __init__(self) -> None:
        self.spots: dict[DocPath, Spot] = {}
        self.key_spots: dict[DocPath, Spot] = {}
        self.env_paths: set[DocPath] = set()
        self.env_templates: dict[DocPath, str] = {}
        self.includes: dict[DocPath, str] = {}

    def absorb(self, other: Origins) -> None:
        self.spots.update(other.spots)
        self.key_spots.update(other.key_spots)
        self.env_paths |= other.env_paths
        self.env_templates.update(other.env_templates)
        self.includes.update(other.includes)

    def take(self, src: Source, spath: DocPath, tpath: DocPath) -> None:
        """One value's position and marks (not its children's)."""
        at = spot(src, spath)
        if at:
            self.spots[tpath] = at
        kspot = spot(src, spath, key=True)
        if kspot:
            self.key_spots[tpath] = kspot
        if spath in src.env_paths:
            self.env_paths.add(tpath)
            if spath in src.env_templates:
                self.env_templates[tpath] = src.env_templates[spath]
        if spath in src.includes:  # kept relative to the working directory, not to a file
            rel = src.includes[spath]
            self.includes[tpath] = (
                rel
                if isinstance(src, MergedSource)
                else os.path.normpath(Path(src.file).parent / rel)
            )

    def graft(self, value: Any, src: Source, spath: DocPath, tpath: DocPath) -> None:
        """A whole value taken from `src` at `spath`, placed at `tpath`."""
        self.take(src, spath, tpath)
        if isinstance(value, dict):
            for k, v in value.items():
                self.graft(v, src, (*spath, k), (*tpath, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self.graft(v, src, (*spath, i), (*tpath, i))


def as_source(out: Origins, src: Source) -> MergedSource:
    """A merged-so-far value's origins, read as a source by the next merge."""
    return MergedSource(
        src.file,
        src.index,
        src.count,
        None,
        {},
        {},
        out.env_paths,
        src.start,
        out.env_templates,
        out.includes,
        spots=out.spots,
        key_spots=out.key_spots,
    )


def origin(source: Source, path: DocPath) -> Spot | None:
    """Where a merged document's value at `path` was written, when another file than the
    campaign file wrote it (a base, a values file, the project file); else None."""
    if not isinstance(source, MergedSource):
        return None
    spot = source.where(path)
    return None if spot[0] == source.file else spot


def from_base(source: Source, path: DocPath) -> str | None:
    """The base file that wrote the value at `path`, if one did."""
    spot = origin(source, path)
    if spot is None or not isinstance(source, MergedSource):
        return None
    return spot[0] if spot[0] in source.bases else None
