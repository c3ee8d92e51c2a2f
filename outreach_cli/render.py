"""`outreach render`: a campaign document as the platform will get it, as YAML."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from .documents import DocPath
from .origins import MergedSource

MASK = "(sensitive)"


def rendered(doc: Any, sensitive: tuple[str, ...] = (), *, inline: bool = True) -> str:
    """A campaign document as the platform will get it, as YAML: bases merged, values filled,
    `!file` bodies inlined (or, with `inline=False`, referenced relative to the campaign
    file), each value from the environment and each sensitive field shown as `(sensitive)`."""
    import yaml

    src = doc.source
    data: dict[str, Any] = {"provider": doc.provider, "key": doc.key}
    for name in ("id", "status"):
        if getattr(doc, name):
            data[name] = getattr(doc, name)
    if doc.ignore:
        data["ignore"] = list(doc.ignore)
    if isinstance(src.data, dict):
        for name in ("variables", "moved_from"):
            if src.data.get(name):
                data[name] = src.data[name]
    data["campaign"] = copy.deepcopy(doc.campaign)
    here = Path(doc.file).parent
    if not inline:
        for path, rel in src.includes.items():
            # A merged document's includes are relative to the working directory.
            target = (
                os.path.relpath(rel, here)
                if isinstance(src, MergedSource)
                else os.path.normpath(rel)
            )
            _put(data, path, _Include(Path(target).as_posix()))
    for path in src.env_paths:
        _put(data, path, MASK)
    for dotted in sensitive:
        _put(data, ("campaign", *dotted.split(".")), MASK, only_present=True)

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, _text)
    Dumper.add_representer(_Include, lambda d, v: d.represent_scalar("!file", str(v)))
    return yaml.dump(
        data,
        Dumper=Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _text(dumper: Any, value: str) -> Any:
    """Text with line breaks as a literal block, the way a person writes a body."""
    style = "|" if "\n" in value.rstrip("\n") or len(value) > 100 and "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


class _Include(str):
    """A `!file` reference in rendered output."""


def _put(data: Any, path: DocPath, value: Any, *, only_present: bool = False) -> None:
    cur = data
    for p in path[:-1]:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1] if path else None
    if isinstance(cur, dict) and isinstance(last, str) and (last in cur or not only_present):
        if last in cur and cur[last] is not None:
            cur[last] = value
    elif isinstance(cur, list) and isinstance(last, int) and last < len(cur):
        cur[last] = value
