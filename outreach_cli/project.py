"""The project: its root, its project file (`outreach.yaml`), its workspaces and their keys.

A project's root is found from any subfolder the way git finds `.git`: the nearest folder up
from the working directory holding `outreach.yaml`; failing that, the nearest holding an
`.outreach/` state folder (so a run from a subfolder of a project made before project files
never starts a second state); failing that, the working directory itself.

The project file says what a reader and CI need and nothing secret:

    version: 1
    state: .outreach                 # the state folder, relative to the root
    env:
      allow: [WEBHOOK_*]             # the ${VAR} names campaign files may read
    workspaces:
      acme:                          # a name of the team's choosing; addresses read acme/<key>
        provider: sendkit
        key_env: ACME_SENDKIT_API_KEY   # the variable holding this workspace's key
        workspace: 665a1b2c3d4e5f6a7b8c9d0e   # the workspace that key must belong to
        paths: [clients/acme]        # folders (or files) whose campaigns go there
        values: {client: Acme}       # ${values.client} in its campaign files (overlays.py)

Without workspaces (or without a project file) each platform has one workspace, reached with
its usual variable (SENDKIT_API_KEY, …), as before project files existed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .environment import EnvPolicy
from .errors import OutreachError

PROJECT_FILE = "outreach.yaml"
STATE_DIR = ".outreach"
PROVIDERS = ("sendkit", "lemlist", "puffle")

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version"],
    "properties": {
        "version": {"const": 1},
        "state": {"type": "string", "minLength": 1},
        "env": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "allow": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[A-Za-z_*?][A-Za-z0-9_*?]*$"},
                }
            },
        },
        "workspaces": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["provider", "key_env", "paths"],
                "properties": {
                    "provider": {"enum": list(PROVIDERS)},
                    "key_env": {"type": "string", "pattern": "^[A-Z_][A-Z0-9_]*$"},
                    "workspace": {"type": "string", "minLength": 1},
                    "paths": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "minLength": 1},
                    },
                    # `${values.NAME}` in this workspace's campaign files (see overlays.py)
                    "values": {
                        "type": "object",
                        "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_-]*$"},
                        "additionalProperties": {"type": ["string", "number", "boolean"]},
                    },
                },
            },
        },
    },
}


class ProjectError(OutreachError):
    """The project file is wrong, or a campaign file does not fit it."""


@dataclass(frozen=True)
class Workspace:
    """One workspace of one platform, the folders bound to it and the variable of its key."""

    name: str
    provider: str
    key_env: str
    workspace: str | None  # the id its key must belong to; None: not bound yet (refused)
    paths: tuple[Path, ...]
    line: int = 0  # where the project file defines it
    values: tuple[tuple[str, Any, int], ...] = ()  # `${values.NAME}`: (NAME, value, line)

    def holds(self, file: Path) -> int:
        """How deep a bound path contains `file` (0: not at all), for the nearest binding."""
        best = 0
        for p in self.paths:
            if file == p or p in file.parents:
                best = max(best, len(p.parts))
        return best


@dataclass(frozen=True)
class Project:
    root: Path
    file: Path | None  # None: no project file
    state_dir: Path
    workspaces: tuple[Workspace, ...] = ()
    env_allow: tuple[str, ...] | None = None
    found_by: str = "cwd"  # "project file", "state folder" or "cwd"

    @property
    def bound(self) -> bool:
        """Whether campaign files are bound to workspaces (else: one per platform)."""
        return bool(self.workspaces)

    def workspace(self, name: str) -> Workspace | None:
        return next((w for w in self.workspaces if w.name == name), None)

    def env_policy(self) -> EnvPolicy:
        """What `${VAR}` in this project's campaign files may read: `env.allow` (none: any),
        never outreach's own variables nor a workspace's key variable."""
        return EnvPolicy(allow=self.env_allow, deny=tuple(w.key_env for w in self.workspaces))

    def bind(self, docs: Iterable[Any]) -> list[Any]:
        """Each document with the workspace its file is bound to. With workspaces, a file
        outside every bound folder, or in a folder bound to another platform, is an error."""
        if not self.bound:
            return list(docs)
        out, problems = [], []
        for doc in docs:
            path = Path(os.path.abspath(doc.file))
            ranked = sorted(((w.holds(path), w) for w in self.workspaces), key=lambda t: -t[0])
            mine = [
                w
                for depth, w in ranked
                if depth and depth == ranked[0][0] and w.provider == doc.provider
            ]
            if not mine:
                near = [w for depth, w in ranked if depth]
                if near:
                    problems.append(
                        f"{doc.file}: a {doc.provider} campaign in a folder bound to "
                        + ", ".join(f"{w.name} ({w.provider})" for w in near)
                        + f" in {self.file}"
                    )
                else:
                    problems.append(
                        f"{doc.file}: outside every folder bound to a workspace in {self.file}"
                    )
                continue
            if len(mine) > 1:
                problems.append(
                    f"{doc.file}: bound to several {doc.provider} workspaces ("
                    + ", ".join(w.name for w in mine)
                    + f") in {self.file}"
                )
                continue
            out.append(replace(doc, workspace=mine[0].name))
        if problems:
            raise ProjectError(
                "; ".join(problems),
                hint=f"add the folder to a workspace's `paths` in {self.file}, or move the file",
            )
        return out


def find(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest folder from `start` (the working directory) up holding a project file."""
    here = Path(os.path.abspath(start or os.getcwd()))
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def discover(
    start: str | os.PathLike[str] | None = None, state_dir: str | os.PathLike[str] | None = None
) -> Project:
    """The project the working directory belongs to (see the module's docstring).
    `state_dir` (the --state-dir option) overrides where state lives."""
    here = Path(os.path.abspath(start or os.getcwd()))
    root = find(here)
    if root is not None:
        project = load(root / PROJECT_FILE)
    else:
        found = next(
            (
                f
                for f in (here, *here.parents)
                if (f / STATE_DIR).is_dir() and (f / STATE_DIR / "state.json").is_file()
            ),
            None,
        )
        base = found or here
        project = Project(base, None, base / STATE_DIR, found_by="state folder" if found else "cwd")
    if state_dir is not None:
        project = replace(project, state_dir=Path(os.path.abspath(state_dir)))
    return project


def load(path: Path) -> Project:
    """Read and check a project file; every problem is named with its line."""
    import yaml
    from jsonschema import Draft202012Validator

    try:
        text = path.read_text("utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) if node is not None else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProjectError(f"{path}: cannot read the project file: {exc}") from exc
    if not isinstance(data, dict):
        raise ProjectError(f"{path}:1: the project file must be a mapping with `version: 1`")
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        shown = [
            f"{path}:{_line(node, list(e.path))}: "
            f"{'.'.join(str(p) for p in e.path) or '(top)'}: {e.message}"
            for e in errors[:10]
        ]
        raise ProjectError(
            "invalid project file: " + "; ".join(shown),
            hint="see the README's Project file section",
        )
    root = path.parent.resolve()
    workspaces = []
    for name, ws in (data.get("workspaces") or {}).items():
        paths = tuple((root / p).resolve() for p in ws["paths"])
        for raw, p in zip(ws["paths"], paths, strict=True):
            if root != p and root not in p.parents:
                raise ProjectError(
                    f"{path}:{_line(node, ['workspaces', name, 'paths'])}: "
                    f"workspaces.{name}.paths: {raw} is outside the project"
                )
        values = tuple(
            (k, v, _line(node, ["workspaces", name, "values", k]))
            for k, v in (ws.get("values") or {}).items()
        )
        workspaces.append(
            Workspace(
                name,
                ws["provider"],
                ws["key_env"],
                ws.get("workspace"),
                paths,
                _line(node, ["workspaces", name]),
                values,
            )
        )
    allow = (data.get("env") or {}).get("allow")
    state = root / data.get("state", STATE_DIR)
    if root != state.resolve() and root not in state.resolve().parents:
        raise ProjectError(
            f"{path}:{_line(node, ['state'])}: state: {data['state']} is outside the project"
        )
    return Project(
        root,
        path,
        state,
        tuple(workspaces),
        tuple(allow) if allow is not None else None,
        "project file",
    )


def _line(node: Any, path: list[Any]) -> int:
    """The line of `path` in a composed YAML node (the nearest existing parent's)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in path:
        if node is None or not hasattr(node, "value") or not isinstance(node.value, list):
            break
        nxt = None
        for item in node.value:
            if isinstance(item, tuple) and getattr(item[0], "value", None) == part:
                nxt = item[1]
                line = item[0].start_mark.line + 1
                break
            if not isinstance(item, tuple) and isinstance(part, int):
                nxt = node.value[part] if part < len(node.value) else None
                line = nxt.start_mark.line + 1 if nxt is not None else line
                break
        node = nxt
    return line


def key_variable(workspace: str, provider: str) -> str:
    """The key variable `outreach init` names for a workspace: ACME_SENDKIT_API_KEY."""
    import re

    return re.sub(r"[^A-Z0-9]", "_", f"{workspace}_{provider}_API_KEY".upper())


def render(
    workspaces: Mapping[str, Mapping[str, Any]] | None = None,
    env_allow: Iterable[str] | None = None,
) -> str:
    """The text of a new project file (`outreach init`), commented for a first reader."""
    lines = [
        "# outreach project file: the root of this project (commands find it from any",
        "# subfolder). It names no secret: keys come from the variables named below.",
        "version: 1",
        "state: .outreach          # ids, revisions and write-only hashes; see README 'State'",
    ]
    if env_allow is not None:
        lines += ["env:", "  allow:            # the ${VAR} names campaign files may read"]
        lines += [f"    - {p}" for p in env_allow]
    if workspaces:
        lines.append("workspaces:")
        for name, ws in workspaces.items():
            lines.append(f"  {name}:")
            lines.append(f"    provider: {ws['provider']}")
            lines.append(f"    key_env: {ws['key_env']}")
            if ws.get("workspace"):
                lines.append(f"    workspace: {_quote(str(ws['workspace']))}")
            else:
                lines.append("    # workspace: <id>   (outreach doctor shows the id of the key)")
            lines.append("    paths:")
            lines += [f"      - {_quote(str(p))}" for p in ws["paths"]]
    else:
        lines += [
            "# workspaces:             # bind folders to workspaces, each with its own key:",
            "#   acme:",
            "#     provider: sendkit",
            "#     key_env: ACME_SENDKIT_API_KEY",
            "#     workspace: <id>     # outreach doctor shows the id the key belongs to",
            "#     paths: [clients/acme]",
        ]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A YAML scalar for `text` (JSON's quoting is YAML's)."""
    import json

    return json.dumps(text)
