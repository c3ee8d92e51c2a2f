"""Which workspace and which live campaign each document is: the checks made on the files
together, before any request (a file outside every bound folder; two files naming one
campaign)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .documents import Diagnostic
from .project import Project, ProjectError

if TYPE_CHECKING:
    from .validate import Document


def bind(docs: list[Document], project: Project, out: list[Diagnostic]) -> list[Document]:
    """The documents with their workspace; a document that fits none is reported."""
    kept = []
    for doc in docs:
        try:
            kept.append(project.bind([doc])[0])
        except ProjectError as exc:
            line, col = doc.source.pos(("provider",))
            out.append(
                Diagnostic(
                    doc.file,
                    line,
                    col,
                    "provider",
                    f"{exc.message.split(': ', 1)[-1]} ({exc.hint})",
                    code="workspace",
                )
            )
            kept.append(replace(doc, workspace="?"))  # reported; never planned
    return kept


@dataclass(frozen=True)
class Named:
    """The first document to name a campaign: what a second one's message needs of it (not
    the document, whose data and positions validate(keep=False) does not keep)."""

    address: str
    id: str | None
    file: str
    line: int


def same_name(doc: Document, named: dict[tuple[str, str], Named], out: list[Diagnostic]) -> None:
    """Two files naming one live campaign would each adopt it and undo each other: an error
    before any request, unless both pin different campaigns with `id:` (outreach's rule:
    a platform finds a campaign by its name, and these two would find the same one)."""
    name = doc.campaign.get("name")
    if not isinstance(name, str) or not name:
        return
    file, line, col = doc.source.where(("campaign", "name"))
    first = named.setdefault((doc.connection, name), Named(doc.address, doc.id, file, line))
    if first.address == doc.address:
        return
    if doc.id and first.id and doc.id != first.id:
        return
    out.append(
        Diagnostic(
            file,
            line,
            col,
            "campaign.name",
            f"{doc.address} names the campaign {name!r}, as {first.address} does in "
            f"{first.file}:{first.line}; both files would manage the same live campaign "
            "(outreach's rule: a campaign is found by its name); give this campaign its own "
            "name (a copied file keeps its original's), or pin each file's campaign with `id:`",
            code="duplicate-name",
        )
    )
