"""Schema and provider rules → diagnostics with file:line:col, all at once, offline."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from . import overlays
from .binding import Named, bind, same_name
from .copycheck import check_copy
from .documents import Diagnostic, DocPath, Source, expand_paths, format_path, load_file
from .envelope import document_schema
from .environment import DEFAULT_POLICY, EnvPolicy, hide
from .fastschema import compiled
from .providers import PROVIDERS, provider_class
from .schemawords import describe, did_you_mean

if TYPE_CHECKING:
    from .project import Project


@dataclass(frozen=True)
class Document:
    """A campaign file's document that passed validation."""

    file: str
    index: int
    provider: str
    key: str
    id: str | None
    status: str | None
    ignore: tuple[str, ...]
    campaign: dict[str, Any]
    source: Source = field(compare=False, repr=False)
    # The project workspace the file is bound to ("": the platform's one workspace).
    workspace: str = ""
    moved_from: tuple[str, ...] = ()  # earlier keys (state's record moves at apply)

    @property
    def address(self) -> str:
        """The identity in state and in output: `provider/key`, or `workspace/key` when the
        project binds the file to a workspace (keys are unique per workspace)."""
        return f"{self.workspace or self.provider}/{self.key}"

    @property
    def former_addresses(self) -> tuple[str, ...]:
        return tuple(f"{self.workspace or self.provider}/{k}" for k in self.moved_from)

    @property
    def connection(self) -> str:
        """What the session connects with: the workspace's name, or the platform's."""
        return self.workspace or self.provider

    @property
    def env_values(self) -> tuple[str, ...]:
        """The document's values from the environment (Source.env_values)."""
        return self.source.env_values

    def hide(self, text: str) -> str:
        """`text` with the document's values from the environment masked."""
        return hide(text, self.env_values)

    @property
    def env_fields(self) -> frozenset[str]:
        """Dotted campaign fields whose value came from the environment (treated as secret)."""
        return frozenset(
            format_path(p[1:]) for p in self.source.env_paths if p and p[0] == "campaign"
        )


@dataclass
class Result:
    documents: list[Document]  # empty when validated with keep=False
    diagnostics: list[Diagnostic]
    count: int = 0  # documents that passed
    files: int = 0  # files that held a document or a problem (and paths that do not exist)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity != "error"]


@cache
def _fast(provider: str) -> Any:
    """The compiled yes/no check of `provider`'s documents, once per process, in memory only:
    code loaded from a writable cache would run as the user (issue 19)."""
    return compiled(document_schema(provider))


@cache
def _validator(provider: str) -> Any:
    """The jsonschema validator whose errors become the diagnostics, once per process."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from .formats import checker

    schema = document_schema(provider)
    # Crawl once: left to itself the validator re-crawls the embedded provider schema (it has
    # its own $id) on every $ref, which made validation ~15 ms a file.
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema)).crawl()
    return Draft202012Validator(schema, registry=registry, format_checker=checker())


def validate_paths(
    paths: Iterable[str],
    environ: Mapping[str, str] | None = None,
    *,
    keep: bool = True,
    project: Project | None = None,
    policy: EnvPolicy | None = None,
) -> Result:
    """Load and check every campaign document under `paths`.

    Each file is read once, with positions (documents.load_file), so every diagnostic names
    file:line:col. With `keep=False` the passing documents are counted, not kept: memory
    stays flat in the number of files (what `outreach validate` needs).
    With a `project` that binds folders to workspaces, each document gets its workspace (a
    file outside every bound folder is an error at its first line), and two documents of one
    workspace naming the same campaign are an error naming both files and lines.
    `${VAR}` reads `environ` as `policy` lets it; by default as the project's file says
    (`Project.env_policy`), else only outreach's own variables refused.
    """
    env = os.environ if environ is None else environ
    if policy is None:
        policy = project.env_policy() if project is not None else DEFAULT_POLICY
    files, diagnostics = expand_paths(paths)
    documents: list[Document] = []
    count = 0
    touched = len({d.file for d in diagnostics})
    seen: dict[str, tuple[str, int, int]] = {}  # address → where it was first defined: file,
    # document, line of its key (as read then: a file changed since is never read again)
    keyed: dict[str, int] = {}  # files with a diagnostic at `key` → their passing documents
    named: dict[tuple[str, str], Named] = {}  # (workspace, name) → the first to name it
    for file in files:
        before = len(diagnostics)
        docs, problems = _check_file(file, env, policy, project)
        diagnostics.extend(problems)
        if project is not None and project.bound:
            docs = bind(docs, project, diagnostics)
        for doc in docs:
            same_name(doc, named, diagnostics)
            _, line, col = doc.source.where(("key",))
            first = seen.setdefault(doc.address, (doc.file, doc.index, line))
            if first[:2] != (doc.file, doc.index):
                diagnostics.append(
                    Diagnostic(
                        doc.file,
                        line,
                        col,
                        "key",
                        f"{doc.address} is also defined in {first[0]}:{first[2]}; "
                        "keys must be unique per " + ("workspace" if doc.workspace else "provider"),
                        code="duplicate-key",
                    )
                )
        touched += bool(docs) or len(diagnostics) > before
        if any(d.path == "key" for d in diagnostics[before:]):
            keyed[file] = len(docs)
        count += len(docs)
        if keep:
            documents.extend(docs)
    if any(d.severity == "error" and d.path == "key" for d in diagnostics):
        # A file whose key is wrong or taken keeps none of its documents.
        documents = [d for d in documents if d.file not in keyed]
        count -= sum(keyed.values())
    # A base's problem is reported once, however many overlays read it.
    diagnostics = sorted(dict.fromkeys(diagnostics), key=Diagnostic.sort_key)
    return Result(documents, diagnostics, count, touched)


def _check_file(
    file: str, env: Mapping[str, str], policy: EnvPolicy, project: Project | None = None
) -> tuple[list[Document], list[Diagnostic]]:
    """The file's documents that pass, and every problem found in the file."""
    docs: list[Document] = []
    out: list[Diagnostic] = []
    sources, problems = overlays.resolve(*load_file(file, env, policy), env, project)
    out.extend(problems)
    if problems and any(d.severity == "error" and d.path == "" for d in problems):
        return docs, out
    # A value the loader could not produce (!file, ${VAR}) is already reported there;
    # the schema's complaint about the resulting null would only repeat it.
    spoiled = {d.path for d in problems}
    file_failed = any(d.severity == "error" for d in problems)
    for src in sources:
        doc, found = check_source(src)
        found = [d for d in found if d.path not in spoiled]
        out.extend(found)
        if doc is not None and not file_failed and not any(d.severity == "error" for d in found):
            docs.append(doc)
    return docs, out


def check_source(src: Source) -> tuple[Document | None, list[Diagnostic]]:
    """Schema + provider rules for one document; no message shows a value that came from the
    environment (the schema's messages quote the value they refuse)."""
    doc, out = _check_source(src)
    values = src.env_values if src.env_paths else ()
    if values:
        out = [replace(d, message=hide(d.message, values)) for d in out]
    return doc, out


def _check_source(src: Source) -> tuple[Document | None, list[Diagnostic]]:
    out: list[Diagnostic] = []

    def diag(
        path: DocPath,
        message: str,
        severity: str = "error",
        *,
        key: bool = False,
        code: str = "invalid",
    ) -> None:
        file, line, col = src.where(path, key=key)
        out.append(Diagnostic(file, line, col, format_path(path), message, severity, code))

    data = src.data
    if not isinstance(data, dict):
        diag((), "a campaign document is a mapping with provider: and campaign:", code="wrong-type")
        return None, out
    provider = data.get("provider")
    if not isinstance(provider, str) or provider not in PROVIDERS:
        if provider is None:
            diag(
                (),
                "missing required field 'provider' (one of: " + ", ".join(PROVIDERS) + ")",
                code="missing-field",
            )
        else:
            shown = repr(provider) if len(repr(provider)) < 60 else repr(provider)[:57] + "…"
            diag(
                ("provider",),
                f"unknown provider {shown}; one of: "
                + ", ".join(PROVIDERS)
                + (did_you_mean(provider, PROVIDERS) if isinstance(provider, str) else ""),
                code="not-one-of",
            )
        return None, out

    # The compiled yes/no check first; jsonschema says why.
    for error in () if _fast(provider)(data) else _validator(provider).iter_errors(data):
        # A schema states outreach's own rules (where the docs are silent) as
        # "x-rule": {keyword: why}, so the message never reads as the vendor's.
        why = (
            (error.schema.get("x-rule") or {}).get(error.validator)
            if isinstance(error.schema, dict)
            else None
        )
        for path, message, at_key, code in describe(error):
            diag(
                path,
                f"{message} (outreach's rule: {why})" if why else message,
                key=at_key,
                code=code,
            )
    schema_failed = bool(out)

    campaign = data.get("campaign")
    cls = provider_class(provider)
    # Provider rules run even after schema errors (they skip what has the wrong type), so a
    # file's every problem is reported in one pass.
    for finding in cls().check(campaign) if isinstance(campaign, dict) else ():
        msg = finding.message
        if finding.related:
            others = ", ".join(
                f"{format_path(r)} ({_line_of(src, r, finding.path)})" for r in finding.related
            )
            msg = f"{msg} [see {others}]"
        diag(finding.path, msg, finding.severity, code="rule")
    out.extend(check_copy(src, provider))

    doc_id = data.get("id")
    if isinstance(doc_id, str) and not re.fullmatch(cls.ID_PATTERN, doc_id):
        shown = doc_id if len(doc_id) <= 60 else doc_id[:57] + "…"
        diag(("id",), f"{shown!r} is not a {cls.title} campaign id: {cls.ID_FORM}", code="id-form")
        schema_failed = True
    if schema_failed:
        return None, out
    key = data.get("key")
    if key is None:
        if src.count > 1:
            diag(
                (),
                f"document {src.index + 1} of {src.count} in this file needs a key: "
                "several documents cannot all take the file's name",
                code="missing-field",
            )
            return None, out
        key = FsPath(src.file).stem
    doc = Document(
        src.file,
        src.index,
        provider,
        str(key),
        data.get("id"),
        data.get("status"),
        tuple(data.get("ignore") or ()),
        data["campaign"],
        src,
        moved_from=tuple(data.get("moved_from") or ()),
    )
    return doc, out


def _line_of(src: Source, path: DocPath, beside: DocPath) -> str:
    """`line N` of a value related to the one at `beside`, with its file when another file
    wrote it (a base and its overlay)."""
    file, line, _ = src.where(path)
    return f"line {line}" if file == src.where(beside)[0] else f"{file}:{line}"
