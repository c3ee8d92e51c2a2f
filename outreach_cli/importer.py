"""`outreach import`: a live campaign → the YAML file that plans to no change.

The read-back shape comes from each adapter's normalize; what a platform never reads back, which
of its fields are long bodies and what it assigns itself are in providers/<name>/importing.py.
Here: pruning against the schema, long bodies to `!file`, and the YAML text.
"""

from __future__ import annotations

import copy
import fnmatch
import importlib
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from types import ModuleType
from typing import Any

import yaml

from . import basesplit
from .documents import format_path
from .environment import DEFAULT_POLICY, MASK, EnvPolicy, references
from .errors import OutreachError
from .overlaymerge import list_keys
from .providers.base import Provider, Remote
from .state import State

FILE_STATUSES = ("draft", "active", "paused")


def knowledge(provider: Provider) -> ModuleType:
    """The platform's import knowledge (providers/<name>/importing.py)."""
    return importlib.import_module(f"outreach_cli.providers.{provider.name}.importing")


@dataclass
class Imported:
    """One campaign ready to write: the YAML text and the body files beside it."""

    key: str
    path: str  # relative to the output folder
    text: str
    files: dict[str, str] = field(default_factory=dict)  # relative path → content


def list_ids(provider: Provider) -> list[str]:
    return [str(i) for i in knowledge(provider).list_ids(provider)]


def file_status(provider: Provider, status: str) -> str | None:
    """The file's `status:` that the platform status satisfies (None: none can say it)."""
    for want in FILE_STATUSES:
        if status in provider.STATUS_MAP.get(want, (want,)):
            return want
    return None


def campaign_of(provider: Provider, remote: Remote) -> dict[str, Any]:
    """The read-back state as a `campaign:` block: what the schema allows, no nulls, without
    the values the platform assigns or never reads back."""
    info = knowledge(provider)
    data = info.prepare(copy.deepcopy(remote.state), remote)
    schema = provider.schema()
    pruned = _prune(data, schema, schema, ())
    for dotted in provider.write_only():
        _drop(pruned, dotted.split("."))
    for pattern in info.ASSIGNED:
        _drop_pattern(pruned, pattern, ())
    return dict(pruned)


def render(
    provider: Provider, remote: Remote, key: str, schema_ref: str, secrets: Secrets | None = None
) -> Imported:
    """The campaign file of `remote`, its long bodies as `!file` includes; a value that is an
    environment variable's value (`secrets`) written as its `${VAR}`, never in clear."""
    info = knowledge(provider)
    campaign = campaign_of(provider, remote)
    files: dict[str, str] = {}
    found: list[tuple[str, str, bool]] = []
    if secrets is not None:
        campaign = secrets.hide(campaign, (), found)
    campaign = _externalise(campaign, (), info.LONG_BODIES, key, files)
    doc: dict[str, Any] = {"provider": provider.name, "key": key, "id": remote.id}
    status = file_status(provider, remote.status)
    if status is not None:
        doc["status"] = status
    doc["campaign"] = campaign
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# Imported from {provider.title} campaign {remote.id} by `outreach import`.",
    ]
    if status is None:
        lines.append(f"# Its status is {remote.status}, which `status:` cannot state; left out.")
    written = [d for d in provider.write_only()]
    if written:
        lines.append(
            f"# Write-only on {provider.title} (accepted, never read back), so not "
            "imported: " + ", ".join(written) + "."
        )
        lines.append(
            '# Add the ones you manage here (secrets as "${VAR}"); until then they '
            "are left as they are."
        )
    lines.extend(f"# {n}" for n in info.notes(remote))
    for dotted, name, allowed in found:
        if not allowed:
            lines.append(
                f"# {dotted} held the value of {name}, which a campaign file may not "
                f'read: written as "{MASK}"; set it before you apply.'
            )
    body = yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return Imported(key, f"{key}.yaml", "\n".join(lines) + "\n" + body, files)


class EnvTemplate(str):
    """A value written as a `${VAR}` template (its literal `$` already doubled)."""


class Secrets:
    """The values of the environment's variables (environment.references), to be written as
    their `${VAR}` (outreach's rule: import never writes a value the environment holds in
    clear), or as MASK when the variable is one a campaign file may not read."""

    def __init__(self, environ: Mapping[str, str], policy: EnvPolicy) -> None:
        self.refs = references(environ, policy)
        self.pattern = (
            re.compile("|".join(re.escape(v) for v in sorted(self.refs, key=len, reverse=True)))
            if self.refs
            else None
        )

    def strip(self, text: str) -> str:
        """`text` without any of the values (for a key made from a name)."""
        return self.pattern.sub(" ", text) if self.pattern else text

    def hide(
        self, value: Any, path: tuple[str | int, ...], found: list[tuple[str, str, bool]]
    ) -> Any:
        if isinstance(value, dict):
            return {k: self.hide(v, (*path, k), found) for k, v in value.items()}
        if isinstance(value, list):
            return [self.hide(v, (*path, i), found) for i, v in enumerate(value)]
        if not isinstance(value, str) or self.pattern is None or self.pattern.search(value) is None:
            return value
        parts, pos, denied = [], 0, False
        dotted = format_path(("campaign", *path))
        for m in self.pattern.finditer(value):
            name, allowed = self.refs[m.group(0)]
            found.append((dotted, name, allowed))
            denied = denied or not allowed
            parts += [value[pos : m.start()].replace("$", "$$"), "${" + name + "}"]
            pos = m.end()
        parts.append(value[pos:].replace("$", "$$"))
        return MASK if denied else EnvTemplate("".join(parts))


def slug(name: str, taken: set[str]) -> str:
    """A key from a campaign name: lower case, dashes; unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-") or "campaign"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def write(out_dir: str, items: list[Imported], *, force: bool = False) -> list[str]:
    """Write every file; an existing one is refused (all checked before the first write)."""
    root = FsPath(out_dir)
    planned = {root / i.path: i.text for i in items}
    for i in items:
        planned.update({root / rel: text for rel, text in i.files.items()})
    if not force:
        clash = sorted(str(p) for p in planned if p.exists())
        if clash:
            raise OutreachError(
                f"{clash[0]}: already exists"
                + (f" (and {len(clash) - 1} more)" if len(clash) > 1 else ""),
                hint="import into an empty folder, or pass --force to overwrite",
            )
    for target, text in planned.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return [str(root / i.path) for i in items]


def schema_file(out_dir: str, provider: str) -> tuple[str, str, str]:
    """(relative modeline path, path to write, content) of the provider's editor schema."""
    from .envelope import document_schema

    rel = f"schemas/{provider}.json"
    return rel, str(FsPath(out_dir) / rel), json.dumps(document_schema(provider), indent=2) + "\n"


# -- pruning -----------------------------------------------------------------------------------


def _resolve(node: Any, root: dict[str, Any]) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        cur: Any = root
        for part in ref.lstrip("#/").split("/"):
            cur = cur[part]
        node = {**cur, **{k: v for k, v in node.items() if k != "$ref"}}
    return node if isinstance(node, dict) else {}


def _props(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    """The properties a mapping may have (None: any)."""
    out: dict[str, Any] = {}
    closed = node.get("additionalProperties") is False
    for sub in [node, *(_resolve(s, root) for s in node.get("allOf", []))]:
        out.update(sub.get("properties") or {})
        closed = closed or sub.get("additionalProperties") is False
    return out if closed or out else None


def _prune(value: Any, node: Any, root: dict[str, Any], path: tuple[str, ...]) -> Any:
    node = _resolve(node, root)
    if isinstance(value, dict):
        props = _props(node, root)
        out = {}
        for k, v in value.items():
            if v is None:
                continue
            sub = props.get(k) if props is not None else {}
            if props is not None and k not in props:
                continue
            sub = _resolve(sub, root)
            if sub.get("readOnly") or sub.get("x-write-only"):
                continue
            out[k] = _prune(v, sub, root, (*path, k))
        return out
    if isinstance(value, list):
        return [_prune(v, node.get("items") or {}, root, path) for v in value if v is not None]
    return value


def _drop(data: Any, parts: list[str]) -> None:
    if not isinstance(data, dict) or not parts:
        return
    if len(parts) == 1:
        data.pop(parts[0], None)
    else:
        _drop(data.get(parts[0]), parts[1:])


def _drop_pattern(data: Any, pattern: str, path: tuple[str, ...]) -> None:
    """Remove every key whose dotted path without indexes matches `pattern`."""
    if isinstance(data, list):
        for item in data:
            _drop_pattern(item, pattern, path)
    elif isinstance(data, dict):
        for k in list(data):
            dotted = ".".join((*path, k))
            if fnmatch.fnmatchcase(dotted, pattern):
                del data[k]
            else:
                _drop_pattern(data[k], pattern, (*path, k))


# -- long bodies -------------------------------------------------------------------------------


class FileRef(str):
    """A value to be written as `!file path`."""


def _externalise(
    value: Any,
    path: tuple[str | int, ...],
    patterns: tuple[str, ...],
    key: str,
    files: dict[str, str],
) -> Any:
    if isinstance(value, dict):
        return {k: _externalise(v, (*path, k), patterns, key, files) for k, v in value.items()}
    if isinstance(value, list):
        return [_externalise(v, (*path, i), patterns, key, files) for i, v in enumerate(value)]
    dotted = ".".join(str(p) for p in path if not isinstance(p, int))
    if (
        isinstance(value, str)
        and value.strip()
        and not isinstance(value, EnvTemplate)
        and any(fnmatch.fnmatchcase(dotted, p) for p in patterns)
    ):
        where = "-".join(str(p) for p in path)
        ext = "html" if re.search(r"<[a-zA-Z][^>]*>", value) else "txt"
        rel = f"emails/{key}/{where}.{ext}"
        files[rel] = value
        return FileRef(rel)
    return value


class _Dumper(yaml.SafeDumper):
    pass


def _file_ref(dumper: yaml.SafeDumper, value: FileRef) -> yaml.Node:
    return dumper.represent_scalar("!file", str(value))


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Loading expands ${VAR} and $$: a `$` read back is written as `$$`.
    value = value.replace("$", "$$")
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) and "\r" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _template(dumper: yaml.SafeDumper, value: EnvTemplate) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


_Dumper.add_representer(FileRef, _file_ref)
_Dumper.add_representer(EnvTemplate, _template)
_Dumper.add_representer(str, _str)


# -- a set of similar campaigns as one base plus overlays (overlays.py) ------------------------

BASE_FILE = "base.yaml"


def render_set(
    provider: Provider,
    remotes: list[Remote],
    keys: list[str],
    schema_ref: str,
    secrets: Secrets | None = None,
) -> list[Imported]:
    """`remotes` as one base (what they all share) and one overlay each (what differs): the
    overlays merge onto the base into exactly the campaigns `render` would write."""
    info = knowledge(provider)
    ids = list_keys(provider.name)
    campaigns = [campaign_of(provider, r) for r in remotes]
    if secrets is not None:  # as render does: an environment value only as its ${VAR}
        campaigns = [secrets.hide(c, (), []) for c in campaigns]
    statuses = [file_status(provider, r.status) for r in remotes]
    _, common = basesplit.common(campaigns, (), ids)
    files: dict[str, str] = {}
    base: dict[str, Any] = {"kind": "base", "provider": provider.name}
    if len(set(statuses)) == 1 and statuses[0] is not None:
        base["status"] = statuses[0]
    base["campaign"] = _externalise(common or {}, (), info.LONG_BODIES, "base", files)
    head = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# What {len(remotes)} {provider.title} campaigns share, written by `outreach "
        "import --as-overlays`;",
        "# each campaign file names it with `base:` and states only what differs.",
    ]
    out = [Imported("base", BASE_FILE, "\n".join(head) + "\n" + _yaml(base), files)]
    for remote, key, campaign, status in zip(remotes, keys, campaigns, statuses, strict=True):
        own: dict[str, str] = {}
        doc: dict[str, Any] = {"base": BASE_FILE, "key": key, "id": remote.id}
        if status is not None and "status" not in base:
            doc["status"] = status
        _, differs = basesplit.diff(campaign, common or {}, (), ids)
        if differs:
            doc["campaign"] = _externalise(differs, (), info.LONG_BODIES, key, own)
        text = (
            f"# Imported from {provider.title} campaign {remote.id} by `outreach import "
            "--as-overlays`.\n" + _yaml(doc)
        )
        out.append(Imported(key, f"{key}.yaml", text, own))
    return out


def _yaml(doc: dict[str, Any]) -> str:
    return yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def import_campaigns(
    provider: Provider,
    state: State,
    ids: list[str],
    out_dir: str,
    *,
    force: bool = False,
    connection: str | None = None,
    environ: Mapping[str, str] | None = None,
    policy: EnvPolicy = DEFAULT_POLICY,
    warn: Callable[[str], None] | None = None,
    as_overlays: bool = False,
) -> list[str]:
    """Read every campaign (all of the workspace when `ids` is empty), then write their files.
    Nothing is written unless every campaign could be read. `connection`: the project
    workspace they come from (its addresses in state are workspace/key). A value of one of
    `environ`'s variables is written as its `${VAR}`, or as MASK with a warning when `policy`
    refuses it."""
    secrets = Secrets(os.environ if environ is None else environ, policy)
    ids = ids or list_ids(provider)
    remotes = []
    for cid in dict.fromkeys(ids):
        remote = provider.fetch(cid)
        if remote is None:
            raise OutreachError(
                f"{provider.title} has no campaign {cid}; nothing was written",
                hint=f"`outreach import {provider.name} --all --out DIR` imports every campaign",
            )
        remotes.append(remote)
    known = {
        e.id: a.split("/", 1)[1]
        for a, e in state.entries.items()
        if a.startswith((connection or provider.name) + "/")
    }
    taken = set(known.values())
    rel, schema_path, schema_text = schema_file(out_dir, provider.name)
    keys = [known.get(r.id) or slug(secrets.strip(r.name), taken) for r in remotes]
    if as_overlays:
        if len(remotes) < 2:
            raise OutreachError(
                "--as-overlays needs two campaigns or more; nothing was written",
                hint="name several campaign ids, or --all",
            )
        items = render_set(provider, remotes, keys, rel, secrets)
    else:
        items = []
        for remote, key in zip(remotes, keys, strict=True):
            item = render(provider, remote, key, rel, secrets)
            if warn is not None and f'"{MASK}"; set it' in item.text:
                warn(
                    f"{item.path}: a value the platform holds is a variable outreach may not "
                    f'write into a campaign: written as "{MASK}" (see the file\'s comments)'
                )
            items.append(item)
    written = write(out_dir, items, force=force)
    target = FsPath(schema_path)
    if not target.exists() or target.read_text("utf-8") != schema_text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(schema_text, "utf-8")
    return written
