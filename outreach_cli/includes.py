"""`!file`: what a campaign file may include, and reading it (outreach's rule, see
`include_target`); the YAML reader (documents.py) calls `read_include` for each `!file`."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path as FsPath

MAX_INCLUDE_BYTES = 1024 * 1024  # one !file (outreach's rule)


def read_include(base: FsPath, raw: str) -> tuple[str | None, str | None]:
    """The text of `!file raw` relative to `base`, or None and the problem."""
    rel = raw.strip()
    refusal, target = include_target(base, rel)
    if refusal:
        return None, f"!file {rel[:200]}: {refusal}"
    try:
        # The path checked, never followed again through a symlink swapped in since; what
        # was opened is checked once more (a regular file, one link).
        fd = os.open(
            target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
        with open(fd, "rb") as fh:
            refusal = _opened_refusal(os.fstat(fh.fileno()))
            if refusal:
                return None, f"!file {rel}: {refusal}"
            data = fh.read(MAX_INCLUDE_BYTES + 1)
        if len(data) > MAX_INCLUDE_BYTES:
            return None, (f"!file {rel}: over the {MAX_INCLUDE_BYTES}-byte limit (outreach's rule)")
        return data.decode("utf-8"), None
    except FileNotFoundError:
        return None, (f"!file {rel}: no such file (paths are relative to {base.as_posix() or '.'})")
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
        return (
            f"points outside {root} (through .. or a symlink): only files in the "
            "working directory, or the YAML file's own folder, are read"
        ), none
    hidden = _dot_part(p.parts) or _dot_part(target.relative_to(root).parts)
    if hidden:
        return (
            f"{hidden} is a dotfile or dot-folder: never read (outreach's rule: "
            ".env, .git/config and the like hold credentials)"
        ), none
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
        return (
            f"a file with {st.st_nlink} hard links is never read (outreach's rule: "
            "another link may be a file outside the tree)"
        )
    return ""
